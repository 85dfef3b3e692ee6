"""The procedure is kept (issue 11 §3): an LK needs its programme, three different people sign it, the complainant
hears when the correction is done and rates it then, "not effective" says why and starts the next round (a draft,
checked and approved again: tests/integration/test_lk_rounds.py), evidence
can be opened, /lk list and a bare /lk explain themselves, and /monitor shows what is stuck."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from typing import Any

import pytest
from sqlalchemy import text

from handlers.events import FileRef
from handlers.i18n import Translator
from storage.records import NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, STAFF_GROUP, Desk

en = Translator().gettext("en")
ADMIN, OFFICER, REVIEWER, APPROVER, MONITOR, OWNER, STUDENT = 9001, 9002, 9003, 9004, 9005, 9006, 5001
NAMES = {OFFICER: "Olivia", REVIEWER: "Rudi", APPROVER: "Ani", MONITOR: "Maya", OWNER: "Oki", STUDENT: "Siti"}


def person(desk: Desk, telegram_id: int) -> object:
    return desk.user(telegram_id, NAMES[telegram_id])


async def make_desk(new_uow: Callable[[], SqlUnitOfWork], *, allow_self_check: bool = False) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}), allow_self_check=allow_self_check)
    for who, role in ((OFFICER, "officer"), (REVIEWER, "reviewer"), (APPROVER, "approver"), (MONITOR, "monitor"),
                      (OWNER, "monitor")):
        await desk.say(desk.user(who, NAMES[who]), "/start")
        await desk.say(desk.user(ADMIN), f"/staff add {who} {role}")
    await desk.say(desk.user(STUDENT, NAMES[STUDENT]), "/start")
    async with new_uow() as uow:
        student = await uow.persons.get_by_telegram_id(STUDENT)
        assert student is not None
        await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None,
                                        "Transkrip saya belum terbit.", None, {}, (), False, "received", NOW))
        await uow.commit()
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await desk.say(officer, "/take KEL-2026-00001")
    await desk.say(officer, "/nonconformity KEL-2026-00001")
    await desk.say(officer, "/lk new KEL-2026-00001")
    await desk.say(officer, "The transcript was not issued within three working days.")
    await desk.press(officer, "ld:procedure:service")
    await desk.say(officer, "The signing official was away and no deputy was appointed.")
    await desk.press(officer, "ld:summary:save")
    return desk


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork]) -> Desk:
    return await make_desk(new_uow)


async def add_action(desk: Desk, kind: str, text: str, owner: int) -> list[dict[str, Any]]:
    """The officer adds an action with the dialog; what saving it sent (to the officer and to anyone told)."""
    officer = desk.user(OFFICER, NAMES[OFFICER])
    async with desk.make_uow() as uow:
        found = await uow.persons.get_by_telegram_id(owner)
        assert found is not None
    await desk.say(officer, "/lk action add LK-2026-001")
    for step in (f"ac:kind:{kind}", text, f"ac:owner:{found.id}", "ac:due:wd3"):
        await (desk.press if step.startswith("ac:") else desk.say)(officer, step)
    _answer, saved = await desk.press_payloads(officer, "ac:summary:save")
    return saved


async def lk_id(desk: Desk) -> int:
    async with desk.make_uow() as uow:
        lk = await uow.lks.get_by_number("LK-2026-001")
        assert lk is not None
        return lk.id


async def approved(desk: Desk) -> int:
    await add_action(desk, "correction", "Issue the transcript of this student today.", OFFICER)
    await add_action(desk, "preventive", "Appoint a deputy signatory for every official.", OWNER)
    number = await lk_id(desk)
    await desk.press(desk.user(OFFICER, NAMES[OFFICER]), f"lk:submit:{number}")
    await desk.press(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:check:{number}")
    await desk.press(desk.user(APPROVER, NAMES[APPROVER]), f"lk:approve:{number}")
    return number


async def test_a_bare_lk_and_lk_list_explain_themselves(desk: Desk) -> None:
    officer = desk.user(OFFICER, NAMES[OFFICER])
    bare = (await desk.say(officer, "/lk"))[0]
    assert "/lk list" in bare and "LIST" not in bare and en("There is no LK {number}.")[:10] not in bare
    listed = (await desk.say(officer, "/lk list"))[0]
    assert "LK-2026-001" in listed and en("Next: the officer adds the follow-up programme and submits it for the "
                                          "check.") in listed
    assert (await desk.say(officer, "/lk LK-2026-999"))[0] == en(
        "There is no LK {number}. /lk list shows the open ones.").format(number="LK-2026-999")


async def test_an_lk_is_submitted_only_with_its_programme_and_a_correction(desk: Desk) -> None:
    officer = desk.user(OFFICER, NAMES[OFFICER])
    refused = (await desk.say(officer, "/lk submit LK-2026-001"))[0]
    assert refused == en("{number} cannot be submitted yet: it has no follow-up programme. Add its actions with "
                         "/lk action add {number} (or the ➕ Add action button), then submit it.").format(
        number="LK-2026-001")
    await add_action(desk, "preventive", "Appoint a deputy signatory for every official.", OWNER)
    refused = (await desk.say(officer, "/lk submit LK-2026-001"))[0]
    assert "correction" in refused
    await add_action(desk, "correction", "Issue the transcript of this student today.", OFFICER)
    submitted = await desk.payloads(officer, "/lk submit LK-2026-001")
    assert [p["text"] for p in submitted if p["chat_id"] == OFFICER] == [en(
        "{number} was sent to the reviewer for the check.").format(number="LK-2026-001")]
    assert next(p["text"] for p in submitted if p["chat_id"] == REVIEWER).startswith(en(
        "{number} waits for your check.").format(number="LK-2026-001"))


async def test_the_preparer_cannot_check_and_the_checker_cannot_approve(new_uow: Callable[[], SqlUnitOfWork]) -> None:
    desk = await make_desk(new_uow)
    await desk.say(desk.user(ADMIN), f"/staff add {OFFICER} reviewer")
    await desk.say(desk.user(ADMIN), f"/staff add {REVIEWER} approver")
    await add_action(desk, "correction", "Issue the transcript of this student today.", OFFICER)
    number = await lk_id(desk)
    await desk.press(desk.user(OFFICER, NAMES[OFFICER]), f"lk:submit:{number}")
    answer, _texts = await desk.press(desk.user(OFFICER, NAMES[OFFICER]), f"lk:check:{number}")
    assert answer == en("You prepared {number}, so another reviewer must check it (segregation of duties).").format(
        number="LK-2026-001")
    await desk.press(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:check:{number}")
    answer, _texts = await desk.press(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:approve:{number}")
    assert answer is not None and "segregation of duties" in answer


async def test_a_small_office_may_allow_one_person_to_sign_twice_and_the_lk_says_so(
        new_uow: Callable[[], SqlUnitOfWork]) -> None:
    desk = await make_desk(new_uow, allow_self_check=True)
    await desk.say(desk.user(ADMIN), f"/staff add {OFFICER} reviewer")
    await add_action(desk, "correction", "Issue the transcript of this student today.", OFFICER)
    number = await lk_id(desk)
    await desk.press(desk.user(OFFICER, NAMES[OFFICER]), f"lk:submit:{number}")
    await desk.press(desk.user(OFFICER, NAMES[OFFICER]), f"lk:check:{number}")
    shown = (await desk.say(desk.user(OFFICER, NAMES[OFFICER]), "/lk LK-2026-001"))[0]
    assert en("⚠️ Prepared and checked by the same person (allowed by this office's setting).") in shown


async def test_the_complainant_hears_when_the_correction_is_done_and_rates_before_the_effectiveness_check(
        desk: Desk) -> None:
    await approved(desk)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    done = await desk.say(officer, "/lk action done 1 Transcript issued and handed over on 25 November.")
    assert en("The corrections of {subject} are done. Write the response to its complainants: what was fixed. They "
              "get it now and may rate it; the effectiveness check goes on.").format(subject="LK-2026-001") in done[1]
    told = await desk.payloads(officer, "Your transcript is ready at the counter.")
    student = [p for p in told if p["chat_id"] == STUDENT]
    assert "Your transcript is ready at the counter." in student[0]["text"]
    assert next(data for row in student[1]["buttons"] for _t, data in row).startswith("rate:")
    # found in a walk: the officer was told the LK "goes on to its effectiveness check" while #2 was still open
    assert en("Sent to the complainants of {numbers}; they may rate it now. The programme of {number} goes on: "
              "{actions} still open; the effectiveness check follows when every action is done.").format(
        numbers="KEL-2026-00001", number="LK-2026-001", actions="#2") in [p["text"] for p in told
                                                                         if p["chat_id"] == OFFICER]
    async with desk.make_uow() as uow:
        ticket = await uow.tickets.get_by_number("KEL-2026-00001")
        lk = await uow.lks.get_by_number("LK-2026-001")
        assert ticket is not None and lk is not None
        assert (ticket.status, lk.status) == ("resolved", "in_progress")  # the LK still runs its programme
    await desk.press(desk.user(STUDENT, NAMES[STUDENT]), f"rate:{ticket.id}:5")
    owner = desk.user(OWNER, NAMES[OWNER])
    await desk.say(owner, "/lk action done 2 Deputy signatories appointed by decree 12/2026.")
    await desk.press(desk.user(MONITOR, NAMES[MONITOR]), f"lk:eff:{lk.id}")
    closed = await desk.payloads(desk.user(MONITOR, NAMES[MONITOR]), "Deputies now sign when an official is away.")
    assert any(p["chat_id"] == STUDENT and "measures taken after your complaint" in p["text"] for p in closed)
    # Found in a walk: the closing response was recorded on the LK as sent to the complainants, but those answered
    # after the correction never got it.
    assert any(p["chat_id"] == STUDENT and "Deputies now sign when an official is away." in p["text"] for p in closed)
    shown = (await desk.say(officer, "/lk LK-2026-001"))[0]
    assert "KEL-2026-00001: 5/5" in shown
    # found in a walk: the closing response could not be read again anywhere
    status = (await desk.say(desk.user(STUDENT, NAMES[STUDENT]), "/status KEL-2026-00001"))[0]
    assert en("Response when the follow-up closed ({date}): {text}").split("(")[0] in status
    assert "Deputies now sign when an official is away." in status
    # found in a walk: the approver's own "was it effective?" message kept its buttons; a press said only that the
    # LK "cannot do that in its current state"
    late, _sent = await desk.press(desk.user(APPROVER, NAMES[APPROVER]), f"lk:eff:{lk.id}")
    assert late == en("{number} is now at “{status}”: that step is no longer possible.").format(
        number="LK-2026-001", status=en("closed"))


async def test_when_every_complainant_was_answered_the_monitor_may_close_without_writing_a_second_response(
        desk: Desk) -> None:
    """Issue 14's walks: the monitor judging "effective" was asked for a response the complainants, answered after
    the correction, did not need. Now they are offered a line for the notice, or "✔ Close without a line"."""
    await approved(desk)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await desk.say(officer, "/lk action done 1 Transcript issued and handed over on 25 November.")
    await desk.say(officer, "Your transcript is ready at the counter.")
    await desk.say(desk.user(OWNER, NAMES[OWNER]), "/lk action done 2 Deputy signatories appointed by decree 12/2026.")
    monitor = desk.user(MONITOR, NAMES[MONITOR])
    async with desk.make_uow() as uow:
        lk = await uow.lks.get_by_number("LK-2026-001")
    assert lk is not None
    _answer, asked = await desk.press_payloads(monitor, f"lk:eff:{lk.id}")
    prompt = next(p for p in asked if p["chat_id"] == MONITOR)
    assert en("The programme of {subject} worked. Its complainants were all answered after the correction, and now "
              "each is told that the measures were checked and work. Write a line to add to that notice if you "
              "wish (what is in place now), or press “✔ Close without a line”; the LK then closes.").format(
        subject="LK-2026-001") in prompt["text"]
    assert [[data for _t, data in row] for row in prompt["buttons"]] == [["pd:skip"]]
    _answer, closed = await desk.press_payloads(monitor, "pd:skip")
    to_student = [p.get("text") for p in closed if p["chat_id"] == STUDENT]
    assert to_student == [en("The bureau has checked that the measures taken after your complaint {number} work: the "
                             "nonconformity behind it is closed. Thank you for reporting it.").format(
        number="KEL-2026-00001")]
    assert en("{number} is closed; the complainants were told.").format(number="LK-2026-001") in [
        p.get("text") for p in closed if p["chat_id"] == MONITOR]
    async with desk.make_uow() as uow:
        lk = await uow.lks.get_by_number("LK-2026-001")
    assert lk is not None and lk.status == "closed" and lk.effective and lk.response is None
    again, _sent = await desk.press_payloads(monitor, "pd:skip")  # a second press changes nothing
    assert again == en("This button is no longer active.")
    shown = (await desk.say(officer, "/lk LK-2026-001"))[0]
    assert "Response to the complainants" not in shown and "Your transcript is ready" not in shown


async def test_while_a_complainant_waits_for_an_answer_the_monitor_must_write_the_response(desk: Desk) -> None:
    await approved(desk)
    await desk.say(desk.user(OFFICER, NAMES[OFFICER]), "/lk action done 1 Transcript issued on 25 November.")
    await desk.say(desk.user(OFFICER, NAMES[OFFICER]), "/cancel")  # the officer leaves the response for now
    await desk.say(desk.user(OWNER, NAMES[OWNER]), "/lk action done 2 Deputy signatories appointed by decree 12/2026.")
    async with desk.make_uow() as uow:
        lk = await uow.lks.get_by_number("LK-2026-001")
    assert lk is not None
    monitor = desk.user(MONITOR, NAMES[MONITOR])
    _answer, asked = await desk.press_payloads(monitor, f"lk:eff:{lk.id}")
    prompt = next(p for p in asked if p["chat_id"] == MONITOR)
    assert en("The programme of {subject} worked. Write the response sent to the complainants of its tickets; the LK "
              "then closes.").format(subject="LK-2026-001") in prompt["text"] and not prompt["buttons"]
    answer, _sent = await desk.press_payloads(monitor, "pd:skip")  # a forged skip: nothing closes
    assert answer == en("This button is no longer active.")


async def test_a_correction_done_by_its_owner_asks_the_lks_officer_for_the_response(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    number = await lk_id(desk)
    await add_action(desk, "correction", "Issue the transcript of this student today.", OWNER)
    await desk.press(desk.user(OFFICER, NAMES[OFFICER]), f"lk:submit:{number}")
    await desk.press(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:check:{number}")
    await desk.press(desk.user(APPROVER, NAMES[APPROVER]), f"lk:approve:{number}")
    told = await desk.payloads(desk.user(OWNER, NAMES[OWNER]), "/lk action done 1 Transcript issued today.")
    to_officer = [p for p in told if p["chat_id"] == OFFICER]
    assert any(data == f"lk:respond:{number}" for p in to_officer for row in p["buttons"] for _t, data in row)


async def test_a_correction_done_by_another_officer_who_cancels_leaves_the_response_with_the_lks_officer(
        desk: Desk) -> None:
    """Found in the sandbox walk: the owner, an officer too but not the LK's, was asked for the response, typed
    /cancel, and nobody could write it any more; the LK's officer had not been told."""
    await desk.say(desk.user(ADMIN), f"/staff add {OWNER} officer")
    number = await lk_id(desk)
    await add_action(desk, "correction", "Issue the transcript of this student today.", OWNER)
    await desk.press(desk.user(OFFICER, NAMES[OFFICER]), f"lk:submit:{number}")
    await desk.press(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:check:{number}")
    await desk.press(desk.user(APPROVER, NAMES[APPROVER]), f"lk:approve:{number}")
    owner = desk.user(OWNER, NAMES[OWNER])
    told = await desk.payloads(owner, "/lk action done 1 Transcript issued today.")
    assert any(p["chat_id"] == OWNER and "Write the response" in p["text"] for p in told)  # the owner is asked
    to_officer = [p for p in told if p["chat_id"] == OFFICER]
    assert any(data == f"lk:respond:{number}" for p in to_officer for row in p["buttons"] for _t, data in row)
    await desk.say(owner, "/cancel")
    officer = desk.user(OFFICER, NAMES[OFFICER])
    shown = await desk.payloads(officer, "/lk LK-2026-001")
    assert en("Next: the corrections are done; an officer writes the response to the complainants (✍️ Write the "
              "response).") in shown[0]["text"]
    assert any(data == f"lk:respond:{number}" for row in shown[0]["buttons"] for _t, data in row)
    answer, _texts = await desk.press(officer, f"lk:respond:{number}", chat_id=STAFF_GROUP)
    assert answer == en("I sent you a private message: answer there.")  # a question: answered in private
    answered = await desk.payloads(officer, "Your transcript is ready at the counter.")
    assert any(p["chat_id"] == STUDENT and "ready at the counter" in p["text"] for p in answered)
    shown = await desk.payloads(officer, "/lk LK-2026-001")
    assert not any(data == f"lk:respond:{number}" for row in shown[0]["buttons"] for _t, data in row)


async def test_not_effective_asks_why_records_it_and_starts_the_next_round(desk: Desk) -> None:
    number = await approved(desk)
    officer, monitor = desk.user(OFFICER, NAMES[OFFICER]), desk.user(MONITOR, NAMES[MONITOR])
    await desk.say(officer, "/lk action done 1 Transcript issued.")
    await desk.press(officer, "pd:skip")  # not a skippable question: the response is still asked
    await desk.say(officer, "Your transcript is ready at the counter.")
    await desk.say(desk.user(OWNER, NAMES[OWNER]), "/lk action done 2 Deputies appointed.")
    _answer, asked = await desk.press_payloads(monitor, f"lk:noteff:{number}")
    assert "not effective" in asked[0]["text"]
    told = await desk.payloads(monitor, "Two more transcripts were late in December.")
    officer_told = next(p for p in told if p["chat_id"] == OFFICER)
    assert "Two more transcripts were late in December." in officer_told["text"]
    assert any(data == f"lk:act:{number}" for row in officer_told["buttons"] for _t, data in row)
    shown = (await desk.say(officer, "/lk LK-2026-001"))[0]
    assert en("round {n}").format(n=2) in shown and en("Status: {status}").format(status=en("draft")) in shown
    assert en("↻ Round {n} was judged not effective ({date}): {reason}").format(
        n=1, date="25 November 2026", reason="Two more transcripts were late in December.") in shown
    monitored = (await desk.say(monitor, "/monitor"))[0]
    assert en("LKs in a further round (a programme was not effective)") + "</b> (1)" in monitored
    # found in a walk: "not effective" often means the cause was misjudged, and a draft's text could not be changed
    assert "/lk edit LK-2026-001 cause" in officer_told["text"]
    refused = await desk.say(officer, "/lk edit LK-2026-001 reason The deputy rule was never announced.")
    assert refused == [escape(en("Usage: /lk edit <LK number> cause|description|procedure <new text>"))]
    edited = await desk.say(officer, "/lk edit LK-2026-001 cause The deputy rule was never announced to the units.")
    assert en("{number} is changed; submit it for the check when it is ready (/lk submit {number}).").format(
        number="LK-2026-001") in edited[0]
    shown = (await desk.say(officer, "/lk LK-2026-001"))[0]
    assert en("Root cause: {text}").format(text="The deputy rule was never announced to the units.") in shown
    assert en("✏️ {part} rewritten on {date} (before: {text})").format(
        part=en("Root cause"), date="25 November 2026",
        text="The signing official was away and no deputy was appointed.") in shown
    student_may_not = await desk.say(monitor, "/lk edit LK-2026-001 cause Something else.")
    assert student_may_not == [en("Sorry, your role does not allow this.")]


async def test_an_lk_is_changed_only_while_it_is_a_draft(desk: Desk) -> None:
    await approved(desk)
    refused = await desk.say(desk.user(OFFICER, NAMES[OFFICER]), "/lk edit LK-2026-001 cause Another cause.")
    assert refused == [en("{number} can be changed only while it is a draft (it is now at “{status}”).").format(
        number="LK-2026-001", status=en("programme running"))]


async def test_evidence_is_shown_on_the_lk_and_opened_by_the_monitor(desk: Desk) -> None:
    await approved(desk)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await desk.say(officer, "/lk action done 1")
    await desk.payloads(officer, "Receipt of the handover", file=FileRef("photo-evidence", "photo"))
    shown = await desk.payloads(desk.user(MONITOR, NAMES[MONITOR]), "/lk LK-2026-001")
    assert "Receipt of the handover" in shown[0]["text"]
    evidence = [data for row in shown[0]["buttons"] for _t, data in row if data.startswith("ev:")]
    _answer, sent = await desk.press_payloads(desk.user(MONITOR, NAMES[MONITOR]), evidence[0])
    assert [(p["op"], p["file_id"]) for p in sent] == [("send_file", "photo-evidence")]


async def test_monitor_shows_reopened_waiting_and_unreachable_owners(desk: Desk) -> None:
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await desk.say(desk.user(ADMIN), "/staff add 7777 monitor")  # never wrote to the bot
    await desk.say(officer, "/reply KEL-2026-00001 Which day did you submit the request?")
    await desk.say(officer, "/lk action add LK-2026-001")
    async with desk.make_uow() as uow:
        unstarted = await uow.persons.get_by_telegram_id(7777)
        assert unstarted is not None and not unstarted.started
    for step in ("ac:kind:preventive", "Train the deputies on the signing procedure.", f"ac:owner:{unstarted.id}",
                 "ac:due:wd3"):
        await (desk.press if step.startswith("ac:") else desk.say)(officer, step)
    warned = await desk.press(officer, "ac:summary:save")
    assert any("cannot be reached by the bot yet" in text for text in warned[1])
    monitored = (await desk.say(officer, "/monitor"))[0]
    assert en("Tickets waiting for the complainant's answer") + "</b> (1)" in monitored
    assert en("Actions whose owner the bot cannot reach (never started it, or blocked it)") + "</b> (1)" in monitored
    assert "2026-11" not in monitored and date(2026, 11, 25).isoformat() not in monitored


async def test_staff_added_before_writing_to_the_bot_are_told_and_get_waiting_messages_when_they_start(
        desk: Desk) -> None:
    added = (await desk.say(desk.user(ADMIN), "/staff add 7778 petugas"))[0]
    assert "press Start" in added
    async with desk.make_uow() as uow:  # what Telegram refused while they had never started the bot
        waiting = await uow.outbox.add(7778, {"op": "send", "chat_id": 7778, "text": "waiting", "resend": True}, NOW)
        await uow.outbox.mark_failed(waiting, "unreachable: Bad Request: chat not found")
        once = await uow.outbox.add(7778, {"op": "send", "chat_id": 7778, "text": "a reply"}, NOW)
        await uow.outbox.mark_failed(once, "unreachable: Bad Request: chat not found")
        await uow.commit()
    await desk.say(desk.user(7778, "Nina"), "/start")
    async with desk.make_uow() as uow:
        statuses = dict((await uow.outbox._session.execute(  # type: ignore[attr-defined]
            text("SELECT id, status FROM outbox WHERE id IN (:a, :b)"), {"a": waiting, "b": once})).all())
    assert statuses == {waiting: "sent", once: "failed"}  # sent again when they started; a mere reply is not


async def test_removing_a_staff_member_lists_what_they_still_hold(desk: Desk) -> None:
    await add_action(desk, "correction", "Issue the transcript of this student today.", OFFICER)
    removed = (await desk.say(desk.user(ADMIN), f"/staff remove {OFFICER}"))[0]
    assert "KEL-2026-00001" in removed and "LK-2026-001 #1" in removed and "/assign" in removed


async def test_an_action_owner_outside_the_bot_is_named_on_the_lk(desk: Desk) -> None:
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await desk.say(officer, "/lk action add LK-2026-001")
    for step in ("ac:kind:corrective", "Print the deputy signatory list for every faculty.", "ac:owner:outside",
                 "Bagian Umum, Pak Joko", "joko@its.ac.id", "ac:due:wd10", "ac:summary:save"):
        await (desk.press if step.startswith("ac:") else desk.say)(officer, step)
    shown = (await desk.say(officer, "/lk LK-2026-001"))[0]
    assert "Bagian Umum, Pak Joko (joko@its.ac.id) " + en("(outside the bot)") in shown
    async with desk.make_uow() as uow:
        lk = await uow.lks.get_by_number("LK-2026-001")
        assert lk is not None
        action = (await uow.lks.actions(lk.id))[0]
        assert (action.owner_person_id, action.owner_name, action.owner_contact) == (
            None, "Bagian Umum, Pak Joko", "joko@its.ac.id")


async def test_a_reopened_case_confirmed_again_stays_with_its_open_lk_and_a_new_round_asks_for_actions(
        desk: Desk) -> None:
    number = await approved(desk)
    officer, student, monitor = desk.user(OFFICER, NAMES[OFFICER]), desk.user(STUDENT, NAMES[STUDENT]), \
        desk.user(MONITOR, NAMES[MONITOR])
    await desk.say(officer, "/lk action done 1 Transcript issued.")
    await desk.say(officer, "Your transcript is ready at the counter.")
    async with desk.make_uow() as uow:
        ticket = await uow.tickets.get_by_number("KEL-2026-00001")
        assert ticket is not None
    _answer, rated = await desk.press_payloads(student, f"rate:{ticket.id}:2")
    assert {"op": "clear_buttons", "chat_id": STUDENT, "message_id": 1} in rated  # the scale is used up
    await desk.say(student, "One grade is still wrong.")
    again = (await desk.say(officer, "/nonconformity KEL-2026-00001"))[-1]
    assert again == en("{number} is confirmed as a nonconformity again; it stays covered by {lk}, whose programme "
                       "continues: add a correction there if the case needs one.").format(
        number="KEL-2026-00001", lk="LK-2026-001")
    await desk.say(desk.user(OWNER, NAMES[OWNER]), "/lk action done 2 Deputies appointed.")
    await desk.press(monitor, f"lk:noteff:{number}")
    await desk.say(monitor, "A grade on the transcript is still wrong.")
    shown = (await desk.say(officer, "/lk LK-2026-001"))[0]
    assert shown.endswith(en("Next: the officer adds the actions of round {n} and submits them for the check; they "
                             "run once approved.").format(n=2))


async def test_a_reviewer_assigns_by_command_as_by_the_escalations_button(desk: Desk) -> None:
    """Found in a walk: the reviewer's escalation offers 👤 Assign…, which worked, while /assign was refused."""
    await desk.say(desk.user(ADMIN), f"/staff add {OWNER} officer")
    said = await desk.say(desk.user(REVIEWER, NAMES[REVIEWER]), f"/assign KEL-2026-00001 {OWNER}")
    assert en("{number} is now assigned to {name}.").format(number="KEL-2026-00001", name=NAMES[OWNER]) in said
    refused = await desk.say(desk.user(MONITOR, NAMES[MONITOR]), f"/assign KEL-2026-00001 {OFFICER}")
    assert "/assign" not in refused[0] and "KEL-2026-00001 is now" not in refused[0]


async def test_the_lk_form_sent_with_a_request_waits_for_a_reader_who_has_not_started_the_bot(desk: Desk) -> None:
    """Found in a walk: an approver who had not pressed Start got the approval request once they did, but never its
    PDF (the text was kept for their Start, the document was not)."""
    await add_action(desk, "correction", "Issue the transcript of this student today.", OFFICER)
    number = await lk_id(desk)
    await desk.press(desk.user(OFFICER, NAMES[OFFICER]), f"lk:submit:{number}")
    _answer, sent = await desk.press_payloads(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:check:{number}")
    to_approver = [p for p in sent if p["chat_id"] == APPROVER]
    assert [p["op"] for p in to_approver] == ["send", "send_file"]
    assert all(p.get("resend") for p in to_approver)  # both are sent again at the approver's first Start


async def test_a_reopened_case_left_with_its_lk_gets_the_next_rounds_answer(desk: Desk) -> None:
    """Found in a walk: the complainant rated the correction's answer 2/5, the LK went into round 2 and closed, and
    the reopened ticket was left open — nobody was asked to answer it and the complainant heard nothing."""
    number = await approved(desk)
    officer, student, monitor = desk.user(OFFICER, NAMES[OFFICER]), desk.user(STUDENT, NAMES[STUDENT]), \
        desk.user(MONITOR, NAMES[MONITOR])
    await desk.say(officer, "/lk action done 1 Transcript issued.")
    await desk.say(officer, "Your transcript is ready at the counter.")
    async with desk.make_uow() as uow:
        ticket = await uow.tickets.get_by_number("KEL-2026-00001")
        assert ticket is not None
    await desk.press(student, f"rate:{ticket.id}:2")
    await desk.say(student, "One grade is still wrong.")
    await desk.say(desk.user(OWNER, NAMES[OWNER]), "/lk action done 2 Deputies appointed.")
    await desk.press(monitor, f"lk:noteff:{number}")
    await desk.say(monitor, "A grade on the transcript is still wrong.")
    await add_action(desk, "correction", "Correct the grade and reissue the transcript.", OFFICER)
    await desk.press(officer, f"lk:submit:{number}")  # round 2's programme is checked and approved first
    await desk.press(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:check:{number}")
    await desk.press(desk.user(APPROVER, NAMES[APPROVER]), f"lk:approve:{number}")
    done = await desk.say(officer, "/lk action done 3 Grade corrected, transcript reissued.")
    assert any("Write the response" in text for text in done)  # the reopened case waits for this round's answer
    told = await desk.payloads(officer, "The grade is corrected; collect the new transcript at the counter.")
    assert any(p["chat_id"] == STUDENT and "collect the new transcript" in p["text"] for p in told), told
    async with desk.make_uow() as uow:
        answered = await uow.tickets.get(ticket.id)
    assert answered is not None and answered.status == "resolved"


async def test_an_actions_owner_is_told_when_the_programme_runs_not_while_the_lk_is_a_draft(desk: Desk) -> None:
    """Found in a walk: the owner was told to act (with "✅ Mark done") while the LK was still a draft, before
    anyone had checked or approved the programme."""
    officer = desk.user(OFFICER, NAMES[OFFICER])
    saved = await add_action(desk, "correction", "Issue the transcript of this student today.", OWNER)
    assert not [p for p in saved if p["chat_id"] == OWNER]
    number = await lk_id(desk)
    await desk.press(officer, f"lk:submit:{number}")
    await desk.press(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:check:{number}")
    _answer, approved_now = await desk.press_payloads(desk.user(APPROVER, NAMES[APPROVER]), f"lk:approve:{number}")
    told = [p for p in approved_now if p["chat_id"] == OWNER]
    assert len(told) == 1 and "Issue the transcript" in told[0]["text"]
    assert any(data.startswith("ad:") for row in told[0]["buttons"] for _t, data in row)



async def test_a_second_response_to_complainants_already_answered_says_so_and_sends_nothing(desk: Desk) -> None:
    """Found in a walk: two officers were asked for the response (the action's owner and the LK's officer); the
    second one's text was dropped with "No complainant … is waiting", which did not say that someone had answered."""
    number = await approved(desk)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await desk.say(officer, "/lk action done 1 Transcript issued.")
    await desk.say(officer, "Your transcript is ready at the counter.")
    await desk.press(officer, f"lk:respond:{number}")  # an old button, pressed again
    sent = await desk.payloads(officer, "Please collect your transcript today.")
    assert [p for p in sent if p["chat_id"] == STUDENT] == []
    said = [p["text"] for p in sent if p["chat_id"] == OFFICER]
    assert any("The complainants of LK-2026-001 were already answered on 25 November 2026: “Your transcript is "
               "ready at the counter.”. Your text was not sent." in text for text in said), said
