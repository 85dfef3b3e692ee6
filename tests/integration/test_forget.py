"""``/forget`` (issue 15 §2, §5): a complainant erases their identity from their concluded tickets; afterwards a
scan of every text and JSON column of every table, of the archive and of the search index finds nothing of them;
a forged, foreign or replayed confirmation changes nothing. Driven through ``process_update`` on a real database
(SQLite, and PostgreSQL when ``TANGGAP_TEST_POSTGRES_URL`` is set)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.events import ButtonPress, FileRef, InboundUpdate, User
from handlers.export_jobs import run_pending
from handlers.i18n import Translator
from handlers.privacy.retention import sweep_delivered
from handlers.processing import process_update
from handlers.staff import search_index
from storage.archive import ArchiveStore
from storage.models import ArchiveItemRow, DataRequestRow, PersonRow, TicketRow
from storage.records import Attachment, NewLk, NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, STAFF_GROUP, Desk
from tests.privacy_scan import identity_needles, scan_database, scan_files

en, ngettext = Translator().gettext("en"), Translator().ngettext("en")
ADMIN, OFFICER, STUDENT, OTHER = 9001, 9002, 7001001, 7002002
NAME, USERNAME, PHONE, NRP = "Budi Santoso", "budi_s", "081234567890", "5025201234"
BUDI = User(STUDENT, "Budi", "Santoso", USERNAME, "en")
NEEDLES = identity_needles(name=NAME, username=USERNAME, contact=PHONE, nrp=NRP, telegram_id=STUDENT)


def buttons(payloads: list[dict[str, Any]], chat: int) -> list[str]:
    return [data for p in payloads if p["chat_id"] == chat for row in p.get("buttons") or [] for _t, data in row]


def texts(payloads: list[dict[str, Any]], chat: int) -> list[str]:
    return [p.get("text") or p.get("caption") or "" for p in payloads
            if p["chat_id"] == chat and (p.get("text") or p.get("caption"))]


@pytest.fixture
def archive(tmp_path: Path) -> ArchiveStore:
    return ArchiveStore(tmp_path / "archive")


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork], archive: ArchiveStore) -> Desk:
    search_index.forget_indexes()
    desk = Desk(new_uow, admins=frozenset({ADMIN}), archive=archive)
    await desk.say(desk.user(OFFICER, "Olivia"), "/start")
    await desk.say(desk.user(ADMIN), f"/staff add {OFFICER} petugas")
    await desk.say(BUDI, "/start")
    return desk


async def file_ticket(desk: Desk, description: str, status: str = "received", *, photo: bool = False) -> int:
    async with desk.make_uow() as uow:
        person = await uow.persons.get_by_telegram_id(STUDENT)
        assert person is not None
        files = (Attachment("photo-ktm-budi", "photo", caption=f"KTM {NAME}"),) if photo else ()
        ticket = await uow.tickets.add(NewTicket("complaint", "telegram", person.id, "transcript", None, description,
                                                 None, {"contact": f"WA {PHONE}"}, files, False, status, NOW))
        await uow.commit()
        return ticket.id


async def budi_everywhere(desk: Desk, engine: AsyncEngine, archive: ArchiveStore) -> int:
    """Budi's name, NRP, phone, username and Telegram id in every place the bot keeps anything; the ticket closed."""
    async with engine.begin() as connection:
        await connection.execute(update(PersonRow).where(PersonRow.telegram_id == STUDENT).values(
            nrp=NRP, contact=PHONE))
    ticket_id = await file_ticket(desk, f"Saya {NAME} (NRP {NRP}), HP 0812-3456-7890: transkrip belum terbit.",
                                  photo=True)
    photo = archive.put(f"JPEG of the student card of {NAME}".encode())
    async with engine.begin() as connection:  # the fetcher downloaded it
        await connection.execute(update(ArchiveItemRow).values(status="stored", sha256=photo, size=10))
    officer = desk.user(OFFICER, "Olivia")
    await desk.say(officer, "/take KEL-2026-00001")
    await desk.say(officer, "/reply KEL-2026-00001 Mohon kirim bukti pembayaran.")
    await desk.payloads(BUDI, f"Ini {NAME} lagi, @{USERNAME}, nomor saya +62 812 3456 7890",
                        file=FileRef("photo-receipt-budi", "photo"))
    async with desk.make_uow() as uow:
        lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP-AK-07", f"Keluhan {NAME}: transkrip "
                                     "terlambat.", "Antrian verifikasi.", 2, NOW))
        await uow.lks.link(lk.id, [ticket_id])
        await uow.unhandled.add(424242, NOW, "aiogram", "unreadable", json.dumps(
            {"update_id": 424242, "message": {"from": {"id": STUDENT, "username": USERNAME, "first_name": "Budi"},
                                              "text": "halo"}}))
        await uow.commit()
    await desk.say(officer, "/lk pdf LK-2026-001")
    await desk.say(officer, "/conforming KEL-2026-00001 Layanan sudah sesuai prosedur.")
    await desk.press(BUDI, f"rate:{ticket_id}:4")
    await desk.say(BUDI, f"Terima kasih dari {NAME}.")
    await desk.say(BUDI, "/mydata")  # his copy (JSON and PDF), archived: it holds everything of his
    assert await run_pending(desk.make_uow, desk.deps) == 1
    await export(desk)  # the register, archived: it lists him
    return ticket_id


async def export(desk: Desk) -> None:
    await desk.say(desk.user(OFFICER, "Olivia"), "/export 2026-11")
    assert await run_pending(desk.make_uow, desk.deps) == 1


async def confirm_all(desk: Desk, user: User = BUDI) -> tuple[str, list[dict[str, Any]]]:
    listed = await desk.payloads(user, "/forget")
    assert "fg:all" in buttons(listed, user.id)
    _answer, asked = await desk.press_payloads(user, "fg:all")
    ok = next(data for data in buttons(asked, user.id) if data.startswith("fg:ok:"))
    return ok, asked


class TestForget:
    async def test_after_forget_nothing_of_the_person_is_left_in_the_database_the_archive_or_the_index(
            self, desk: Desk, engine: AsyncEngine, archive: ArchiveStore) -> None:
        ticket_id = await budi_everywhere(desk, engine, archive)
        async with engine.begin() as connection:  # the card was posted in the staff group
            await connection.execute(update(TicketRow).values(card_message_id=77))
        assert await scan_database(engine, NEEDLES)  # the scan sees him before
        assert scan_files(archive.root, NEEDLES)
        officer = desk.user(OFFICER, "Olivia")
        assert await desk.say(officer, "/search transkrip")  # the index is built, with his words
        async with desk.make_uow() as uow:  # a part of his name beside his ticket, as a search echo (a walk's find)
            await uow.outbox.add(OFFICER, {"op": "send", "chat_id": OFFICER, "text": "🔎 “Budi”\nKEL-2026-00001"}, NOW)
            await uow.commit()

        async with desk.make_uow() as uow:
            budi = await uow.persons.get_by_telegram_id(STUDENT)
            assert budi is not None
        ok, _asked = await confirm_all(desk)
        _answer, done = await desk.press_payloads(BUDI, ok)
        said = texts(done, STUDENT)[0]
        card = texts(done, STAFF_GROUP)  # the group's card, brought up to date
        async with desk.make_uow() as uow:
            erased = await uow.tickets.get_by_number("KEL-2026-00001")
            pseudonym = await uow.persons.get(erased.person_id) if erased and erased.person_id else None
        assert pseudonym is not None and pseudonym.pseudonym and pseudonym.id != budi.id
        assert card and pseudonym.pseudonym in card[0] and "Budi" not in card[0]
        assert "KEL-2026-00001" in said and "PDP-2026-0002" in said  # 0001: /mydata
        assert pseudonym.pseudonym not in said  # in this chat's messages it would be tied to him
        assert ngettext("{n} attachment was deleted.", "{n} attachments were deleted.", 2).format(n=2) in said
        assert "Budi" not in "".join(texts(done, OFFICER))
        await sweep_delivered(desk.make_uow, desk.deps)  # as the next due pass: delivered rows to a chat nobody has

        assert await scan_database(engine, NEEDLES) == []
        assert scan_files(archive.root, NEEDLES) == []
        if engine.url.get_backend_name() == "sqlite":  # the files themselves: nothing left in free pages or the WAL
            path = Path(str(engine.url.database))
            for raw in (path, path.with_name(path.name + "-wal")):  # the erasure checkpointed the WAL (settle_erasure)
                data = await asyncio.to_thread(raw.read_bytes) if raw.exists() else b""
                assert NAME.encode() not in data and PHONE.encode() not in data, raw  # second walk: both held them
        async with desk.make_uow() as uow:  # the LK names no one: "[…]", not the pseudonym (second walk)
            lk = await uow.lks.get_by_number("LK-2026-001")
        assert lk is not None and lk.description.startswith("Keluhan […]: transkrip") and "P-" not in lk.description
        async with engine.connect() as connection:  # numbers the text scan does not read: his chat's id
            for table, column in (("export_job", "chat_id"), ("outbox", "chat_id"), ("dialog_state", "chat_id"),
                                  ("person", "telegram_id")):
                found = await connection.scalar(text(f"SELECT count(*) FROM {table} WHERE {column} = :id"),
                                                {"id": STUDENT})
                assert found == 0, table  # the walk found his /mydata job kept with his chat id
        await export(desk)  # an export made after, and the LK's form asked for again
        await desk.say(officer, "/lk pdf LK-2026-001")
        assert len(list(archive.root.rglob("*"))) > 2 and scan_files(archive.root, NEEDLES) == []
        cache = search_index.cache_of(desk.deps)
        await desk.say(officer, "/search transkrip")
        assert not [t for t in cache.index._texts.values() if any(n.casefold() in t for n in NEEDLES)]

        async with engine.connect() as connection:
            ticket = (await connection.execute(select(TicketRow).where(TicketRow.id == ticket_id))).one()
            persons = (await connection.execute(select(PersonRow))).all()
            request = (await connection.execute(select(DataRequestRow).where(DataRequestRow.kind == "erasure"))).one()
            copy = (await connection.execute(select(DataRequestRow).where(DataRequestRow.kind == "access"))).one()
        erased_as = next(p for p in persons if p.id == ticket.person_id)
        assert erased_as.pseudonym and erased_as.name == erased_as.pseudonym and erased_as.telegram_id is None
        assert ticket.identity_erased_at is not None and ticket.attachments_erased_at is not None
        assert ticket.status == "closed" and "transkrip belum terbit" in ticket.description  # the case stays
        assert request.kind == "erasure" and request.status == "done" and request.detail == {"tickets": [ticket_id]}
        assert copy.detail.get("files_deleted") and "files" not in copy.detail  # /mydata's copy went too
        emptied = next(p for p in persons if p.id == request.person_id)
        assert emptied.telegram_id is None and emptied.nrp is None and emptied.name == erased_as.pseudonym

        again = await desk.payloads(BUDI, "/start")  # a new person from now on
        assert texts(again, STUDENT)
        async with desk.make_uow() as uow:
            fresh = await uow.persons.get_by_telegram_id(STUDENT)
            assert fresh is not None and fresh.id not in (emptied.id, erased_as.id)

    async def test_open_tickets_are_explained_with_a_withdraw_button_and_stay_named(
            self, desk: Desk, engine: AsyncEngine) -> None:
        closed = await file_ticket(desk, f"Dari {NAME}: KRS error.", "rejected")
        open_ = await file_ticket(desk, f"Dari {NAME}: transkrip.")
        listed = await desk.payloads(BUDI, "/forget")
        assert f"cv:wd:{open_}" in buttons(listed, STUDENT) and f"fg:one:{closed}" not in buttons(listed, STUDENT)
        assert en("<b>Still being handled</b> (not erased while open: withdraw one first if you wish, then "
                  "/forget it):") in texts(listed, STUDENT)[0]
        _answer, asked = await desk.press_payloads(BUDI, "fg:all")
        ok = next(data for data in buttons(asked, STUDENT) if data.startswith("fg:ok:"))
        await desk.press(BUDI, ok)
        async with engine.connect() as connection:
            rows = {r.id: r for r in (await connection.execute(select(TicketRow))).all()}
            budi = (await connection.execute(select(PersonRow).where(PersonRow.telegram_id == STUDENT))).one()
        assert rows[closed].identity_erased_at is not None and NAME not in rows[closed].description
        assert rows[open_].identity_erased_at is None and NAME in rows[open_].description  # still being handled
        assert rows[open_].person_id == budi.id and budi.name == NAME and budi.forgotten_at is None
        again = texts(await desk.payloads(BUDI, "/forget"), STUDENT)[0]  # the third walk read "none concluded yet"
        assert en("No concluded ticket of yours still holds your identity (tickets already erased no longer show "
                  "here).") in again
        assert "An erased ticket can no longer be rated" in texts(listed, STUDENT)[0]

    async def test_a_later_erasure_of_the_same_person_gets_a_new_unlinked_pseudonym(self, desk: Desk,
                                                                                   engine: AsyncEngine) -> None:
        first = await file_ticket(desk, "Satu.", "rejected")
        await file_ticket(desk, "Masih dibuka.")
        await desk.press(BUDI, (await confirm_all(desk))[0])
        second = await file_ticket(desk, "Dua.", "rejected")
        await desk.press(BUDI, (await confirm_all(desk))[0])
        async with engine.connect() as connection:
            rows = {r.id: r for r in (await connection.execute(select(TicketRow))).all()}
            names = {r.id: r.pseudonym for r in (await connection.execute(select(PersonRow))).all()}
        assert rows[first].person_id != rows[second].person_id  # nothing ties the two erasures together
        assert names[rows[first].person_id] and names[rows[second].person_id]

    async def test_an_lk_that_lists_his_ticket_as_a_duplicate_of_its_own_is_scrubbed_too(
            self, desk: Desk, engine: AsyncEngine) -> None:
        """Review: the LK's form lists the duplicates of its tickets, but the erasure looked only at the LK's own
        tickets, so what staff wrote of a duplicate's complainant stayed in the LK."""
        mine = await file_ticket(desk, "Transkrip saya juga belum terbit.", "duplicate")
        async with desk.make_uow() as uow:
            sari = await uow.persons.ensure_telegram(7002, "Sari Dewi")
            theirs = await uow.tickets.add(NewTicket("complaint", "telegram", sari.id, "transcript", None,
                                                     "Transkrip belum terbit.", None, {}, (), False, "in_followup",
                                                     NOW))
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP-AK-07", f"Transkrip terlambat; juga "
                                         f"dilaporkan oleh {NAME}.", "Antrian verifikasi.", 2, NOW))
            await uow.lks.link(lk.id, [theirs.id])
            await uow.commit()
        async with engine.begin() as connection:
            await connection.execute(update(TicketRow).where(TicketRow.id == mine).values(duplicate_of=theirs.id))
        ok, _asked = await confirm_all(desk)
        await desk.press_payloads(BUDI, ok)
        async with desk.make_uow() as uow:
            kept = await uow.lks.get_by_number(lk.number)
        assert kept is not None and kept.description == "Transkrip terlambat; juga dilaporkan oleh […]."

    async def test_an_erased_tickets_complainant_cannot_be_written_to_and_the_officer_is_told_so_at_once(
            self, desk: Desk) -> None:
        """Found in a walk: /reply and ↩ Reply on an erased ticket said "sent", then "not delivered"."""
        ticket_id = await file_ticket(desk, "Satu.", "rejected")
        await desk.press(BUDI, (await confirm_all(desk))[0])
        officer = desk.user(OFFICER, "Olivia")
        refused = en("The complainant of {number} had their identity erased (/forget or retention): nobody can be "
                     "written to through it any more.").format(number="KEL-2026-00001")
        for said in (await desk.say(officer, "/reply KEL-2026-00001 Halo?"), await desk.say(officer,
                                                                                           "/reply KEL-2026-00001")):
            assert said == [refused]
        answer, _said = await desk.press(officer, f"tk:reply:{ticket_id}")
        assert answer == refused[:190]
        async with desk.make_uow() as uow:
            assert await uow.dialogs.get(OFFICER) is None  # no reply dialog left waiting

    async def test_forget_with_a_number_asks_for_that_ticket_or_says_why_not(self, desk: Desk) -> None:
        """Walk: /forget KEL-… of an open ticket, or of someone else's, just showed the general list."""
        closed = await file_ticket(desk, "Satu.", "rejected")
        await file_ticket(desk, "Dua, masih dibuka.")
        asked = await desk.payloads(BUDI, "/forget kel-2026-00001")
        assert any(data.startswith("fg:ok:") for data in buttons(asked, STUDENT))
        assert "KEL-2026-00001" in texts(asked, STUDENT)[0] and "KEL-2026-00002" not in texts(asked, STUDENT)[0]
        still = await desk.payloads(BUDI, "/forget KEL-2026-00002")
        assert "still being handled" in texts(still, STUDENT)[0] and "cv:wd:" in "".join(buttons(still, STUDENT))
        for other in ("KEL-2026-00099", "bukan-nomor"):
            [said] = await desk.say(BUDI, f"/forget {other}")
            assert said.startswith(en("You have no ticket {number} to erase. /forget lists yours.").split("{")[0])
        assert closed

    async def test_a_name_and_contact_changed_before_the_erasure_are_erased_too(
            self, desk: Desk, engine: AsyncEngine) -> None:
        """Walk: a student who had corrected her name (/correct) erased her ticket, and the officer's notice of
        her earlier message still read "💬 Siti Rahma 🔒 wrote about …" — the old name was no needle."""
        ticket_id = await file_ticket(desk, "Transkrip belum terbit.")
        officer = desk.user(OFFICER, "Olivia")
        await desk.say(officer, "/take KEL-2026-00001")
        await desk.say(officer, "/reply KEL-2026-00001 Mohon kirim nomor pembayaran.")
        await desk.payloads(BUDI, "Nomor pembayarannya TR-5521, dari Budi.")
        async with desk.make_uow() as uow:  # as /correct does, then Telegram renames him too
            budi = await uow.persons.get_by_telegram_id(STUDENT)
            assert budi is not None
            await uow.persons.correct(budi.id, NOW, name="Budi Prasetyo Wibowo", contact="0857-1111-2222")
            await uow.persons.correct(budi.id, NOW, contact="0857-3333-4444")
            await uow.commit()
        async with engine.begin() as connection:  # concluded
            await connection.execute(update(TicketRow).where(TicketRow.id == ticket_id).values(status="rejected"))
        before = [*identity_needles(name=NAME), "0857-1111-2222"]
        assert await scan_database(engine, before)  # the officer's notice names him as he was
        await desk.press(BUDI, (await confirm_all(desk))[0])
        assert await scan_database(engine, before + identity_needles(name="Budi Prasetyo Wibowo")) == []

    async def test_the_register_and_the_audit_name_an_emptied_person_as_erased(self, desk: Desk) -> None:
        """Walk: /requests read "person #1 (no Telegram: a letter, a call)" for a student who had used the bot, and
        /audit KEL-… said "identity now: confidential" after the erasure."""
        await file_ticket(desk, "Satu.", "rejected")
        await desk.say(desk.user(ADMIN), f"/requests add {STUDENT} access by letter")  # on his own row, before
        await desk.press(BUDI, (await confirm_all(desk))[0])
        [listed] = await desk.say(desk.user(ADMIN), "/requests all")
        earlier = next(line for line in listed.split("\n") if "PDP-2026-0001" in line)
        assert "(erased)" in earlier and "no Telegram" not in listed and NAME not in listed
        [audit] = await desk.say(desk.user(ADMIN), "/audit KEL-2026-00001")
        assert en("erased") in audit.split("\n")[0]


class TestForgedConfirmation:
    async def test_another_user_pressing_the_confirmation_changes_nothing(self, desk: Desk,
                                                                         engine: AsyncEngine) -> None:
        ticket_id = await file_ticket(desk, f"Dari {NAME}.", "rejected")
        ok, _asked = await confirm_all(desk)
        other = User(OTHER, "Mallory", language_code="en")
        answer, said = await desk.press(other, ok)
        assert answer == en("This confirmation is not valid any more (already used, replaced or not yours): nothing "
                            "was changed. /forget starts again.")
        assert said == []
        answer, _said = await desk.press(other, ok, chat_id=STUDENT)  # even claiming Budi's chat
        assert answer is not None and "not valid" in answer
        async with engine.connect() as connection:
            ticket = (await connection.execute(select(TicketRow).where(TicketRow.id == ticket_id))).one()
        assert ticket.identity_erased_at is None and NAME in ticket.description

    async def test_a_forged_nonce_and_a_replayed_press_change_nothing(self, desk: Desk, engine: AsyncEngine) -> None:
        await file_ticket(desk, f"Dari {NAME}.", "rejected")
        ok, _asked = await confirm_all(desk)
        answer, said = await desk.press(BUDI, "fg:ok:000000000000")
        assert answer is not None and "not valid" in answer and said == []
        _answer, done = await desk.press(BUDI, ok)
        assert any(text.startswith("✅") for text in done)
        async with engine.connect() as connection:
            before = (await connection.execute(select(DataRequestRow))).all()
        answer, said = await desk.press(BUDI, ok)  # pressed again after it was done
        assert answer is not None and "not valid" in answer and said == []
        async with engine.connect() as connection:
            assert (await connection.execute(select(DataRequestRow))).all() == before

    async def test_a_message_instead_of_confirming_is_kept_and_the_confirmation_lapses(
            self, desk: Desk, engine: AsyncEngine) -> None:
        await file_ticket(desk, "Dari Budi.", "rejected")
        ok, _asked = await confirm_all(desk)
        said = await desk.say(BUDI, "Sebenarnya saya mau mengajukan keluhan baru tentang KRS.")
        assert any(en("📝 File it as a new complaint or suggestion") in t or "complaint" in t for t in said)
        answer, _said = await desk.press(BUDI, ok)
        assert answer is not None and "not valid" in answer


class TestTwiceAtOnce:
    async def test_one_confirmation_served_twice_at_the_same_time_erases_once(self, desk: Desk,
                                                                             engine: AsyncEngine) -> None:
        await file_ticket(desk, f"Dari {NAME}.", "rejected")
        ok, _asked = await confirm_all(desk)
        presses = [InboundUpdate(900_000 + n, ButtonPress(STUDENT, BUDI, f"twice{n}", ok, 1)) for n in range(2)]
        done = await asyncio.gather(*(process_update(p, desk.make_uow, desk.deps) for p in presses))
        assert sorted(d.callback_answer or "" for d in done)[0] == ""  # one of them erased
        async with engine.connect() as connection:
            assert len((await connection.execute(select(DataRequestRow))).all()) == 1
