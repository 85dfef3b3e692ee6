"""The LK form through the chat (issue 13 §2): /lk pdf sends the archived PDF, the approvers' request and the
closing notice carry it, /verify tells a printed copy's version and whether it is current, a changed copy's code
fails, no complainant is named (only each ticket's identity level), and the closed LK's copy never changes."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.vocabulary import TicketEvent
from handlers.events import FileRef
from storage.archive import ArchiveStore
from storage.records import Attachment, NewAction
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, Desk
from tests.integration.test_lk_procedure import (
    APPROVER,
    MONITOR,
    NAMES,
    OFFICER,
    OWNER,
    REVIEWER,
    STUDENT,
    add_action,
    approved,
    lk_id,
    make_desk,
)


async def desk_with(new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> tuple[Desk, ArchiveStore]:
    desk = await make_desk(new_uow)
    archive = ArchiveStore(tmp_path / "archive")
    desk.deps = desk.deps.__class__(**{**desk.deps.__dict__, "archive": archive})
    return desk, archive


def text_of(archive: ArchiveStore, payload: dict[str, Any]) -> str:
    data = archive.get(payload["sha256"])
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)


def files(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in payloads if p["op"] == "send_file"]


async def test_lk_pdf_sends_the_form_and_verify_tells_its_version(new_uow: Callable[[], SqlUnitOfWork],
                                                                  tmp_path: Path) -> None:
    desk, archive = await desk_with(new_uow, tmp_path)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await add_action(desk, "correction", "Issue the transcript of this student today.", OFFICER)
    sent = files(await desk.payloads(officer, "/lk pdf LK-2026-001"))
    assert [(p["chat_id"], p["file_type"], p["file_name"]) for p in sent] == [(OFFICER, "document",
                                                                                "LK-2026-001.pdf")]
    text = text_of(archive, sent[0])
    assert "LK-2026-001" in text and "Siti" not in text and "Issue the transcript" in text
    async with desk.make_uow() as uow:
        lk = await uow.lks.get_by_number("LK-2026-001")
        assert lk is not None
        document = (await uow.lk_documents.of_content(lk.id, (await uow.lk_documents.by_code(
            sent[0]["caption"].rsplit(" ", 1)[-1]) or _missing()).content_sha256))[0]
    code = document.code
    assert code in text and document.version == 1
    student = desk.user(STUDENT, NAMES[STUDENT])
    said = (await desk.say(student, f"/verify {code.lower().replace('-', '')}"))[0]
    assert f"✅ The code {code} matches version 1 of LK-2026-001, made on" in said
    assert "It is the current version of LK-2026-001." in said and "outdated" not in said
    english = files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))
    assert english[0]["file_name"] == "LK-2026-001-en.pdf" and "Root cause" in text_of(archive, english[0])

    await desk.press(officer, f"lk:submit:{lk.id}")  # the content changes: a copy made now would be version 2
    said = (await desk.say(student, f"/verify {code}"))[0]
    assert said.startswith("⚠️") and "matches version 1 of LK-2026-001" in said
    assert "This copy is outdated: LK-2026-001 has changed since it was made" in said
    again = files(await desk.payloads(officer, "/lk pdf LK-2026-001"))
    assert code not in again[0]["caption"] and "version 2" in again[0]["caption"]
    said = (await desk.say(student, f"/verify {code}"))[0]
    assert "This copy is outdated: the current version of LK-2026-001 is version 2." in said
    newer = again[0]["caption"].rsplit(" ", 1)[-1]
    assert "It is the current version of LK-2026-001." in (await desk.say(student, f"/verify {newer}"))[0]
    failed = (await desk.say(student, "/verify AAAAA-BBBBB"))[0]
    assert "The system issued no LK form with the code AAAAA-BBBBB" in failed
    shape = (await desk.say(student, "/verify hello"))[0]  # found in a walk: "no form with the code HELLO"
    assert "HELLO is not a verification code" in shape and "XXXXX-XXXXX" in shape


async def test_verify_answers_in_the_askers_language_and_says_only_what_the_code_shows(
        new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
    """Found in a walk: /verify said a copy was authentic, ✅ for an old version, in one language."""
    desk, _archive = await desk_with(new_uow, tmp_path)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    code = files(await desk.payloads(officer, "/lk pdf LK-2026-001"))[0]["caption"].rsplit(" ", 1)[-1]
    english = (await desk.say(desk.user(STUDENT, NAMES[STUDENT]), f"/verify {code}"))[0]
    indonesian = (await desk.say(desk.user(7777, "Pak Auditor", language="id"), f"/verify {code}"))[0]
    assert f"Kode {code} cocok dengan versi 1 LK-2026-001, dibuat pada" in indonesian
    assert "Ini versi terkini LK-2026-001." in indonesian and "version" not in indonesian
    for said in (english, indonesian):
        assert "valid" not in said.casefold() and "authentic" not in said.casefold() and "asli" not in said
    assert "made by the system from the content it recorded for that version" in english
    assert "dibuat oleh sistem dari isi yang dicatatnya untuk versi itu" in indonesian
    unknown = (await desk.say(desk.user(7777, "Pak Auditor", language="id"), "/verify ZZZZZ-ZZZZZ"))[0]
    assert "ZZZZZ-ZZZZZ" in unknown and "Sistem tidak pernah menerbitkan" in unknown
    assert "Usage: /lk pdf" in (await desk.say(officer, "/lk pdf LK-2026-001 fr"))[0]


async def test_the_same_version_asked_for_again_later_is_the_same_paper(new_uow: Callable[[], SqlUnitOfWork],
                                                                        tmp_path: Path) -> None:
    """Third walk: a closed LK's form made again after an erasure that changed nothing on it kept its version and
    code, but its footer said the new moment ("made 09:17" against "09:15"): two papers, one code."""
    desk, archive = await desk_with(new_uow, tmp_path)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    first = files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))[0]
    later = NOW + timedelta(minutes=2)
    desk.deps = desk.deps.__class__(**{**desk.deps.__dict__, "clock": lambda: later})
    again = files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))[0]
    assert again["caption"] == first["caption"] and again["sha256"] == first["sha256"]
    assert "version 1, made 25-11-2026 10:00" in text_of(archive, again)


def _missing() -> Any:
    raise AssertionError("the code in the caption is not recorded")


async def test_the_form_names_no_complainant_only_each_tickets_identity_level(
        new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path, engine: AsyncEngine) -> None:
    """Issue 15, data minimisation: the LK is kept as evidence after identities are erased, so it names nobody."""
    desk, archive = await desk_with(new_uow, tmp_path)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    named = text_of(archive, files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))[0])
    assert NAMES[STUDENT] not in named and "named" in named
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE ticket SET anonymous = :yes, identity_level = 'anonymous'"),
                                 {"yes": True})
    shown = text_of(archive, files(await desk.payloads(officer, "/lk pdf LK-2026-001"))[0])
    assert "anonim" in shown.casefold() and NAMES[STUDENT] not in shown
    english = text_of(archive, files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))[0])
    assert "anonymous" in english and NAMES[STUDENT] not in english


async def test_a_protected_complainants_file_name_and_own_identifiers_stay_off_the_form_and_the_lk_view(
        new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path, engine: AsyncEngine) -> None:
    """Review #4 and walk #3 of issue 15: a confidential complainant's file named after them and a rating signed
    with their name and phone number named them on the form (which leaves the chat) and in the LK's view (read by
    reviewers, approvers and monitors who do not handle the ticket)."""
    desk, archive = await desk_with(new_uow, tmp_path)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    first = NAMES[STUDENT].split()[0]
    async with new_uow() as uow:
        ticket = await uow.tickets.get_by_number("KEL-2026-00001")
        assert ticket is not None
        await uow.tickets.add_attachment(ticket.id, Attachment(
            "doc-1", "document", f"KTM_{NAMES[STUDENT].replace(' ', '_')}.jpg", caption=f"KTM {first}, NRP 5025201234",
            mime_type="image/jpeg"), NOW)
        await uow.tickets.record(ticket.id, TicketEvent.RATED, actor_person_id=ticket.person_id, at=NOW,
                                 params={"score": 2})
        await uow.tickets.record(ticket.id, TicketEvent.RATING_COMMENT, actor_person_id=ticket.person_id, at=NOW,
                                 params={"text": f"Lambat sekali. Salam, {first} (0812-3456-7890)"})
        await uow.commit()
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE ticket SET identity_level = 'confidential'"))
        await connection.execute(text("UPDATE person SET nrp = '5025201234' WHERE name = :n"), {"n": NAMES[STUDENT]})
        await connection.execute(text("UPDATE ticket SET description = 'Transkrip belum terbit. HP 0812-9999-8888.'"))
        await connection.execute(text("UPDATE lk SET description = :d"),  # staff wrote the name into the LK (walk)
                                 {"d": f"Transcript for student {first} (NRP 5025201234, 0812-9999-8888) not issued."})
    form = text_of(archive, files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))[0])
    view = "\n".join(await desk.say(officer, "/lk LK-2026-001"))
    for shown in (form, view):
        for needle in (first, "KTM_", "5025201234", "0812", "9999"):  # the phone she wrote herself (second walk)
            assert needle not in shown, (needle, shown)
    assert "KTM" in form and "Lambat sekali" in form.replace("\n", " ") and "Lambat sekali" in view

    async with new_uow() as uow:  # a long comment: the view cuts it at 300 characters, after masking it (review)
        await uow.tickets.record(ticket.id, TicketEvent.RATED, actor_person_id=ticket.person_id, at=NOW,
                                 params={"score": 1})
        await uow.tickets.record(ticket.id, TicketEvent.RATING_COMMENT, actor_person_id=ticket.person_id, at=NOW,
                                 params={"text": "Masih lambat. " + "sangat " * 40 + "0812-7777-6666"})
        await uow.commit()
    view = "\n".join(await desk.say(officer, "/lk LK-2026-001"))
    assert "sangat sangat" in view and "0812" not in view, view
    assert "Transcript for student […] (NRP […], […]) not issued" in " ".join(form.split())

    async with engine.begin() as connection:  # named: the complainant's words as they wrote them
        await connection.execute(text("UPDATE ticket SET identity_level = 'named'"))
    form = text_of(archive, files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))[0]).replace(" ", "")
    assert "5025201234" in form and "0812-3456-7890" in form


async def test_the_approval_request_and_the_closing_notice_carry_the_pdf_and_the_closed_copy_stays(
        new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path, engine: AsyncEngine) -> None:
    desk, archive = await desk_with(new_uow, tmp_path)
    async with engine.begin() as connection:  # a named complainant, named by staff in the LK (erased below)
        await connection.execute(sql("UPDATE lk SET description = description || :who"),
                                 {"who": f" Reported by {NAMES[STUDENT]}."})
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await add_action(desk, "correction", "Issue the transcript of this student today.", OFFICER)
    await add_action(desk, "preventive", "Appoint a deputy signatory for every official.", OWNER)
    number = await lk_id(desk)
    await desk.press(officer, f"lk:submit:{number}")
    _answer, checked = await desk.press_payloads(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:check:{number}")
    to_approver = [p for p in checked if p["chat_id"] == APPROVER]
    assert [p["op"] for p in to_approver] == ["send", "send_file"]
    assert "Rudi" in text_of(archive, to_approver[1])  # the checker's signature is on it
    await desk.press(desk.user(APPROVER, NAMES[APPROVER]), f"lk:approve:{number}")
    await desk.say(officer, "/lk action done 1 Transcript issued and handed over on 25 November.")
    await desk.say(officer, "Your transcript is ready at the counter.")
    await desk.say(desk.user(OWNER, NAMES[OWNER]), "/lk action done 2 Deputy signatories appointed by decree 12/2026.")
    monitor = desk.user(MONITOR, NAMES[MONITOR])
    await desk.press(monitor, f"lk:eff:{number}")
    closed = await desk.payloads(monitor, "Deputies now sign when an official is away.")
    to_officer = [p for p in closed if p["chat_id"] == OFFICER]
    assert [p["op"] for p in to_officer] == ["send", "send_file"]
    to_monitor = files([p for p in closed if p["chat_id"] == MONITOR])
    assert len(to_monitor) == 1
    text = text_of(archive, to_officer[1])
    assert "Deputies now sign" in text and "Maya" in text
    assert to_monitor[0]["sha256"] == to_officer[1]["sha256"]  # both read English: one archived copy
    english = files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))[0]
    first = files(await desk.payloads(officer, "/lk pdf LK-2026-001"))[0]
    second = files(await desk.payloads(desk.user(APPROVER, NAMES[APPROVER]), "/lk pdf LK-2026-001"))[0]
    assert english["sha256"] == to_officer[1]["sha256"] and first["sha256"] == second["sha256"]
    student = desk.user(STUDENT, NAMES[STUDENT])
    final = (await desk.say(student, f"/verify {to_officer[1]['caption'].rsplit(' ', 1)[-1]}"))[0]
    assert final.startswith("✅") and "LK-2026-001 is closed and this is its archived final version." in final
    early = (await desk.say(student, f"/verify {to_approver[1]['caption'].rsplit(' ', 1)[-1]}"))[0]
    assert early.startswith("⚠️")
    assert "This copy is outdated: LK-2026-001 is closed and its archived final version" in early
    assert "erased" not in final + early

    # the student erases their identity: the filed final copy is no longer the form's content, and /verify says why
    # (an auditor must not read it as invalid; issue 15's read-through)
    await desk.say(student, "/forget")
    _answer, asked = await desk.press_payloads(student, "fg:all")
    ok = next(data for p in asked if p["chat_id"] == STUDENT for row in p.get("buttons") or [] for _t, data in row
              if data.startswith("fg:ok:"))
    await desk.press(student, ok)
    after = (await desk.say(student, f"/verify {to_officer[1]['caption'].rsplit(' ', 1)[-1]}"))[0]
    assert after.startswith("⚠️") and "archived final version." not in after
    assert "after this copy was made, a complainant's personal data was erased from LK-2026-001" in after
    assert "An erasure changes nothing else on the form." in after
    auditor = (await desk.say(desk.user(7777, "Pak Auditor", language="id"),
                              f"/verify {to_officer[1]['caption'].rsplit(' ', 1)[-1]}"))[0]
    assert "dihapus" in auditor and "erased" not in auditor


async def test_evidence_is_listed_with_its_caption_and_archived_hash(new_uow: Callable[[], SqlUnitOfWork],
                                                                     tmp_path: Path, engine: AsyncEngine) -> None:
    """Found in a walk: every "SHA-256 in the archive" cell read "—" and a photo's caption was dropped."""
    desk, archive = await desk_with(new_uow, tmp_path)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await approved(desk)
    await desk.say(officer, "/lk action done 1")
    await desk.payloads(officer, "Receipt signed at the counter", file=FileRef("photo-evidence", "photo"))
    stored = "ab" * 32
    async with engine.begin() as connection:  # as the archive fetcher records it once the file is kept
        changed = await connection.execute(text(
            "UPDATE archive_item SET status = 'stored', sha256 = :h WHERE lk_action_id IS NOT NULL"), {"h": stored})
    assert changed.rowcount == 1
    shown = text_of(archive, files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))[0]).replace(" ", "")
    assert "Receiptsignedatthecounter" in shown and stored in shown


async def test_the_form_names_an_outside_owner_with_contact_the_category_and_how_it_was_found(
        new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
    """Found in a walk: an owner outside the bot lost their contact, "Kategori" was always "—", and "how it was
    found" was never filled."""
    desk, archive = await desk_with(new_uow, tmp_path)
    number = await lk_id(desk)
    async with desk.make_uow() as uow:
        await uow.lks.add_action(NewAction(number, "corrective", "Check every pending transcript weekly.", None,
                                           date(2026, 12, 10), 1, datetime(2026, 11, 27, tzinfo=UTC),
                                           owner_name="Bagian Keuangan", owner_contact="keuangan@its.ac.id"))
        await uow.commit()
    officer = desk.user(OFFICER, NAMES[OFFICER])
    english = text_of(archive, files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))[0])
    flat = english.replace(" ", "")
    assert "BagianKeuangan(keuangan@its.ac.id)" in flat
    assert "complaint via Telegram:" in english and "How it was found" in english
    assert "Category" in english and "complaint" in english.split("Category", 1)[1].split("3.", 1)[0]
    indonesian = text_of(archive, files(await desk.payloads(officer, "/lk pdf LK-2026-001"))[0])
    assert "Cara ditemukan" in indonesian and "keluhan melalui Telegram:" in indonesian



async def test_an_action_added_after_the_approval_reaches_its_approver_and_is_marked_on_the_form(
        new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
    """An action added while the programme runs starts at once, but the signatures did not cover it: the approver
    hears of it (with the LK to open) and the LK form says it was added after the approval; the approved ones not."""
    desk, archive = await desk_with(new_uow, tmp_path)
    number = await approved(desk)
    later = NOW + timedelta(hours=2)  # the desk's clock stands still: the approval and the addition would tie
    desk.deps = desk.deps.__class__(**{**desk.deps.__dict__, "clock": lambda: later})
    saved = await add_action(desk, "correction", "Send the student a written apology.", OWNER)
    to_owner = [p for p in saved if p["chat_id"] == OWNER]
    assert len(to_owner) == 1 and "Send the student a written apology" in to_owner[0]["text"]
    to_approver = [p for p in saved if p["chat_id"] == APPROVER]
    assert len(to_approver) == 1, saved
    told = to_approver[0]
    assert "Olivia added action #" in told["text"] and "LK-2026-001 after you approved it" in told["text"]
    assert "Send the student a written apology" in told["text"]
    assert ["📄 Open LK-2026-001", f"lk:show:{number}"] in [list(b) for row in told["buttons"] for b in row]
    sent = files(await desk.payloads(desk.user(OFFICER, NAMES[OFFICER]), "/lk pdf LK-2026-001 en"))
    text = text_of(archive, sent[0])
    assert text.count("after the programme was approved") == 1, text
    after = text.index("Send the student a written apology")
    assert "after the programme was approved" in text[after:after + 200]


async def test_the_form_lists_every_response_to_the_complainants_oldest_first_with_its_kind_and_day(
        new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
    """Found in a walk (issue 13): the closing response overwrote the one sent after the correction, so the archived
    form showed only the last text and an auditor could not see what the complainant was first told."""
    desk, archive = await desk_with(new_uow, tmp_path)
    now = [NOW]
    desk.deps = desk.deps.__class__(**{**desk.deps.__dict__, "clock": lambda: now[0]})
    officer, student, monitor = desk.user(OFFICER, NAMES[OFFICER]), desk.user(STUDENT, NAMES[STUDENT]), \
        desk.user(MONITOR, NAMES[MONITOR])
    number = await approved(desk)
    now[0] = NOW + timedelta(days=2)
    await desk.say(officer, "/lk action done 1 Transcript issued.")
    await desk.say(officer, "Your transcript is ready at the counter.")
    async with desk.make_uow() as uow:
        ticket = await uow.tickets.get_by_number("KEL-2026-00001")
        assert ticket is not None
    await desk.press(student, f"rate:{ticket.id}:2")  # reopened: round 2 answers it again
    await desk.say(student, "One grade is still wrong.")
    await desk.say(desk.user(OWNER, NAMES[OWNER]), "/lk action done 2 Deputies appointed.")
    now[0] = NOW + timedelta(days=5)
    await desk.press(monitor, f"lk:noteff:{number}")
    await desk.say(monitor, "A grade on the transcript is still wrong.")
    await add_action(desk, "correction", "Correct the grade and reissue the transcript.", OFFICER)
    await desk.press(officer, f"lk:submit:{number}")
    await desk.press(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:check:{number}")
    await desk.press(desk.user(APPROVER, NAMES[APPROVER]), f"lk:approve:{number}")
    now[0] = NOW + timedelta(days=8)
    await desk.say(officer, "/lk action done 3 Grade corrected, transcript reissued.")
    await desk.say(officer, "The grade is corrected; collect the new transcript at the counter.")
    now[0] = NOW + timedelta(days=12)
    await desk.press(monitor, f"lk:eff:{number}")
    closed = await desk.payloads(monitor, "Deputies now sign when an official is away.")
    archived = files([p for p in closed if p["chat_id"] == OFFICER])
    assert len(archived) == 1
    text = text_of(archive, archived[0])
    section = text[text.index("Response to the complainants"):text.index("Verification of effectiveness")]
    said = [section.index(s) for s in (
        "Response 1 — after the correction, sent on 27-11-2026", "Your transcript is ready at the counter.",
        "Response 2 — after the correction of round 2, sent on 03-12-2026", "The grade is corrected",
        "Response 3 — at closing, sent on 07-12-2026", "Deputies now sign when an official is away.")]
    assert said == sorted(said), section
    indonesian = text_of(archive, files(await desk.payloads(officer, "/lk pdf LK-2026-001"))[0])
    assert "setelah koreksi putaran 2" in indonesian and "Your transcript is ready at the counter." in indonesian


async def test_a_response_recorded_before_events_had_codes_is_read_from_its_ticket(
        new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path, engine: AsyncEngine) -> None:
    desk, archive = await desk_with(new_uow, tmp_path)
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await approved(desk)
    await desk.say(officer, "/lk action done 1 Transcript issued.")
    await desk.say(officer, "Your transcript is ready at the counter.")
    async with engine.begin() as connection:  # as an event of before event codes reads: a status change, no params
        changed = await connection.execute(text(
            "UPDATE ticket_event SET code = 'status', params = NULL, note = 'resolved' WHERE code = 'resolved'"))
        assert changed.rowcount == 1
    form = text_of(archive, files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))[0])
    section = form[form.index("Response to the complainants"):form.index("Verification of effectiveness")]
    assert "Response 1 — after the correction, sent on 25-11-2026 Your transcript is ready at the counter." in section
    assert "Response 2" not in section
