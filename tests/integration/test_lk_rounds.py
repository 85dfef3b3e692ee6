"""A further round is a new plan (issue 13, SOP c–d): after "not effective" the LK is a draft of the next round;
the officer adds that round's actions and submits them, the reviewer checks, the approver approves (with the form
attached), and only then are the round's owners told and may mark them done. Each round keeps its own signatures
on the LK and its form. An LK that went into a further round before this rule keeps running as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from domain.vocabulary import LkEvent, LkStatus
from handlers.i18n import Translator
from storage.uow import SqlUnitOfWork
from tests.integration.desk import Desk
from tests.integration.test_lk_documents import desk_with, files, text_of
from tests.integration.test_lk_procedure import (
    ADMIN,
    APPROVER,
    MONITOR,
    NAMES,
    OFFICER,
    OWNER,
    REVIEWER,
    add_action,
    approved,
    make_desk,
)

en = Translator().gettext("en")
REASON = "Two more transcripts were late in December."


async def round_one_done(desk: Desk) -> int:
    """LK-2026-001 approved and round 1 carried out (the complainant answered): waiting for the effectiveness check."""
    number = await approved(desk)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await desk.say(officer, "/lk action done 1 Transcript issued.")
    await desk.say(officer, "Your transcript is ready at the counter.")
    await desk.say(desk.user(OWNER, NAMES[OWNER]), "/lk action done 2 Deputies appointed.")
    return number


async def judged_not_effective(desk: Desk) -> int:
    """LK-2026-001 approved, round 1 carried out (the complainant answered), and judged not effective."""
    number = await round_one_done(desk)
    await desk.press(desk.user(MONITOR, NAMES[MONITOR]), f"lk:noteff:{number}")
    await desk.say(desk.user(MONITOR, NAMES[MONITOR]), REASON)
    return number


async def status_of(desk: Desk) -> tuple[str, int]:
    async with desk.make_uow() as uow:
        lk = await uow.lks.get_by_number("LK-2026-001")
        assert lk is not None
        return lk.status, lk.round


async def test_the_next_round_is_checked_and_approved_before_its_owners_are_told(
        new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
    desk, archive = await desk_with(new_uow, tmp_path)
    number = await round_one_done(desk)
    officer, owner = desk.user(OFFICER, NAMES[OFFICER]), desk.user(OWNER, NAMES[OWNER])
    await desk.press(desk.user(MONITOR, NAMES[MONITOR]), f"lk:noteff:{number}")
    told = await desk.payloads(desk.user(MONITOR, NAMES[MONITOR]), REASON)
    assert en("{number} is now a draft of round {round}: its officer was told why and plans the round's actions, "
              "which are checked and approved before they run.").format(number="LK-2026-001", round=2) in [
        p["text"] for p in told if p["chat_id"] == MONITOR]
    to_officer = next(p for p in told if p["chat_id"] == OFFICER)
    assert to_officer["text"].startswith(en(
        "{number} was judged not effective: {reason}\nPlan round {round}: add its actions and submit them; the "
        "reviewer checks them and the approver approves them before they run.").format(
        number="LK-2026-001", reason=REASON, round=2))
    buttons = {data for row in to_officer["buttons"] for _t, data in row}
    assert {f"lk:act:{number}", f"lk:submit:{number}"} <= buttons
    assert await status_of(desk) == (LkStatus.DRAFT, 2)
    monitored = (await desk.say(desk.user(MONITOR, NAMES[MONITOR]), "/monitor"))[0]
    assert "LK-2026-001 — " + en("round {n}").format(n=2) + " (" + en("draft") + ")" in monitored

    await add_action(desk, "corrective", "Check every signing official's deputy each month.", OWNER)
    async with desk.make_uow() as uow:
        action = (await uow.lks.actions(number, round=2))[0]
    refused = await desk.say(owner, f"/lk action done {action.id} Checked.")
    assert refused[-1] == en("{number} is not running its programme yet (it must be approved first).").format(
        number="LK-2026-001")
    shown = (await desk.say(officer, "/lk LK-2026-001"))[0]
    assert shown.endswith(en("Next: the officer adds the actions of round {n} and submits them for the check; they "
                             "run once approved.").format(n=2))

    submitted = await desk.press_payloads(officer, f"lk:submit:{number}")
    assert all(p["chat_id"] != OWNER for p in submitted[1])
    assert next(p["text"] for p in submitted[1] if p["chat_id"] == REVIEWER).startswith(en(
        "The programme of round {round} of {number} (the previous one was not effective) waits for your "
        "check.").format(round=2, number="LK-2026-001"))
    _answer, checked = await desk.press_payloads(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:check:{number}")
    assert all(p["chat_id"] != OWNER for p in checked)
    to_approver = [p for p in checked if p["chat_id"] == APPROVER]
    assert [p["op"] for p in to_approver] == ["send", "send_file"]  # the approval request carries the form
    assert to_approver[0]["text"].startswith(en(
        "The programme of round {round} of {number} was checked and waits for your approval.").format(
        round=2, number="LK-2026-001"))
    form = text_of(archive, to_approver[1])  # in the approver's language
    first, second = form.index("Round 1: follow-up programme"), form.index("Round 2: follow-up programme")
    assert form.index(NAMES[REVIEWER], first) < second < form.index(NAMES[REVIEWER], second)
    assert form.index(NAMES[APPROVER], first) < second  # round 2 is not approved yet: one approver's name, round 1's

    _answer, approval = await desk.press_payloads(desk.user(APPROVER, NAMES[APPROVER]), f"lk:approve:{number}")
    to_owner = [p for p in approval if p["chat_id"] == OWNER]
    assert len(to_owner) == 1 and to_owner[0]["text"].startswith(en(
        "You own action #{id} of {number}, due {due}: {text}").split("{due}")[0].format(
        id=action.id, number="LK-2026-001"))
    assert await status_of(desk) == (LkStatus.IN_PROGRESS, 2)
    await desk.say(owner, f"/lk action done {action.id} Monthly check scheduled.")
    assert await status_of(desk) == (LkStatus.AWAITING_VERIFICATION, 2)

    shown = (await desk.say(officer, "/lk LK-2026-001"))[0]
    for round_ in (1, 2):
        start = shown.index(en("Round {n}:").format(n=round_))
        block = shown[start:start + 300]
        assert en("Checked by: {name}").format(name=NAMES[REVIEWER]) + " · " in block  # with the moment, as the form
        assert en("Approved by: {name}").format(name=NAMES[APPROVER]) + " · " in block
    indonesian = text_of(archive, files(await desk.payloads(officer, "/lk pdf LK-2026-001"))[0])
    first, second = indonesian.index("Putaran 1: program tindak lanjut"), indonesian.index(
        "Putaran 2: program tindak lanjut")
    assert indonesian.index(NAMES[APPROVER], first) < second < indonesian.index(NAMES[APPROVER], second)
    assert indonesian.index(NAMES[REVIEWER], first) < second < indonesian.index(NAMES[REVIEWER], second)


async def test_a_round_is_signed_by_different_people_too(new_uow: Callable[[], SqlUnitOfWork]) -> None:
    desk = await make_desk(new_uow)
    await desk.say(desk.user(ADMIN), f"/staff add {OWNER} officer")
    await desk.say(desk.user(ADMIN), f"/staff add {OWNER} reviewer")
    number = await judged_not_effective(desk)
    await add_action(desk, "corrective", "Check every signing official's deputy each month.", OWNER)
    await desk.press(desk.user(OWNER, NAMES[OWNER]), f"lk:submit:{number}")  # another officer plans round 2
    answer, _texts = await desk.press(desk.user(OWNER, NAMES[OWNER]), f"lk:check:{number}")
    assert answer == en("You prepared {number}, so another reviewer must check it (segregation of duties).").format(
        number="LK-2026-001")
    assert await status_of(desk) == (LkStatus.AWAITING_CHECK, 2)


async def test_a_returned_round_is_changed_and_submitted_again(new_uow: Callable[[], SqlUnitOfWork]) -> None:
    desk = await make_desk(new_uow)
    number = await judged_not_effective(desk)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await add_action(desk, "corrective", "Check every signing official's deputy each month.", OWNER)
    await desk.press(officer, f"lk:submit:{number}")
    await desk.press(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:return:{number}")
    await desk.say(desk.user(REVIEWER, NAMES[REVIEWER]), "Name who checks the deputies.")
    assert await status_of(desk) == (LkStatus.DRAFT, 2)
    shown = (await desk.say(officer, "/lk LK-2026-001"))[0]
    round2 = shown[shown.index(en("Round {n}:").format(n=2)):]
    assert en("Checked by: {name}").format(name="—") in round2
    await desk.press(officer, f"lk:submit:{number}")
    assert await status_of(desk) == (LkStatus.AWAITING_CHECK, 2)


async def test_an_lk_in_a_further_round_begun_under_the_old_rule_keeps_running(
        new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
    """Before this rule "not effective" put the LK straight back in progress with round + 1; such LKs continue:
    a new action runs at once, its owner is told, and when all are done the effectiveness check is asked again."""
    desk, archive = await desk_with(new_uow, tmp_path)
    number = await round_one_done(desk)
    officer, owner = desk.user(OFFICER, NAMES[OFFICER]), desk.user(OWNER, NAMES[OWNER])
    async with desk.make_uow() as uow:  # what the earlier "not effective" recorded
        lk = await uow.lks.get(number)
        assert lk is not None and lk.status == LkStatus.AWAITING_VERIFICATION
        monitor = await uow.persons.get_by_telegram_id(MONITOR)
        assert monitor is not None
        await uow.lks.set_status(number, LkStatus.IN_PROGRESS, actor_person_id=monitor.id, at=lk.updated_at,
                                 code=LkEvent.NOT_EFFECTIVE, params={"reason": REASON, "round": 2})
        await uow.lks.update(number, effective=False, round=2)
        await uow.commit()

    await desk.say(officer, "/lk action add LK-2026-001")
    async with desk.make_uow() as uow:
        found = await uow.persons.get_by_telegram_id(OWNER)
        assert found is not None
    added: list[dict[str, object]] = []
    for step in ("ac:kind:corrective", "ac:owner", "ac:due:wd3", "ac:summary:save"):
        if step == "ac:owner":
            await desk.say(officer, "Check every signing official's deputy each month.")
            step = f"ac:owner:{found.id}"
        added += (await desk.press_payloads(officer, step))[1]
    assert any(p["chat_id"] == OWNER and "You own action" in str(p.get("text")) for p in added)  # at once
    async with desk.make_uow() as uow:
        action = (await uow.lks.actions(number, round=2))[0]
    done = await desk.payloads(owner, f"/lk action done {action.id} Monthly check scheduled.")
    assert any(p["chat_id"] == MONITOR and en("All actions of {number} are done: was the programme effective?").format(
        number="LK-2026-001") in str(p.get("text")) for p in done)
    shown = (await desk.say(officer, "/lk LK-2026-001"))[0]
    assert en("(this round's programme ran without its own check and approval: it began before further rounds were "
              "approved)") in shown
    form = text_of(archive, files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))[0])
    assert "This round's programme ran without its own check and approval" in form
    assert form.index("Round 1: follow-up programme") < form.index(NAMES[APPROVER]) < form.index(
        "Round 2: follow-up programme")
