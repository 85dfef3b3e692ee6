"""``tanggap privacy affected`` and ``notify`` (issue 15 §4): whom a breach window affects, the CSV, and the notice
queued once per person and breach in their language — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.privacy_report import CSV_HEADER, csv_report, text_report
from domain.vocabulary import AuditKind
from handlers.breach import CONTACT, NOWHERE, TELEGRAM, Affected, AffectedPerson, affected, erasures_since
from handlers.breach_notice import notify_affected
from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.i18n import Translator
from storage.models import AuditLogRow, DueNoticeRow, OutboxRow
from storage.uow import SqlUnitOfWork
from tests.breach_world import ADMIN_TELEGRAM, AFTER, DURING, SINCE, UNTIL, World, build_world

TEXTS = {"id": "Kami mohon maaf: data Anda mungkin terbaca pihak lain.", "en": "We are sorry: your data may have "
         "been read by others."}


@pytest.fixture
def deps() -> Deps:
    return Deps(catalogue=load_catalogue(), translator=Translator(), admins=frozenset({ADMIN_TELEGRAM}),
                clock=lambda: UNTIL + (UNTIL - SINCE))


@pytest.fixture
async def world(session_factory: async_sessionmaker[AsyncSession]) -> World:
    return await build_world(session_factory)


async def found(new_uow: Callable[[], SqlUnitOfWork], deps: Deps) -> Affected:
    async with new_uow() as uow:
        return await affected(uow, deps, SINCE, UNTIL)


def by_name(result: Affected) -> dict[str, AffectedPerson]:
    return {p.name.split()[0] if p.name else "?": p for p in result.people}


class TestWhoIsAffected:
    async def test_a_complainant_with_a_ticket_before_the_window_is_listed_with_what_was_held(
            self, world: World, new_uow: Callable[[], SqlUnitOfWork], deps: Deps) -> None:
        ani = by_name(await found(new_uow, deps))["Ani"]
        assert ani.roles == ("complainant",) and ani.reach == TELEGRAM and ani.telegram_id == 5001
        assert ani.language == "en"
        assert ani.data == ("name", "telegram_id", "texts", "attachments", "ratings")
        assert ani.tickets == ((world.tickets["Ani"], "named"),)

    async def test_a_person_and_ticket_created_after_the_window_are_left_out(
            self, world: World, new_uow: Callable[[], SqlUnitOfWork], deps: Deps) -> None:
        result = await found(new_uow, deps)
        assert "Budi" not in by_name(result)
        numbers = {n for p in result.people for n, _level in p.tickets} | {n for n, _l in result.erased_tickets}
        assert world.tickets["Budi"] not in numbers and world.tickets["Citra"] not in numbers
        citra = by_name(result)["Citra"]  # she wrote to the bot before: her name and Telegram id were held
        assert citra.roles == ("user",) and citra.tickets == () and citra.data == ("name", "telegram_id")

    async def test_an_identity_erased_before_the_window_is_left_out_and_one_erased_during_it_is_counted_apart(
            self, world: World, new_uow: Callable[[], SqlUnitOfWork], deps: Deps) -> None:
        result = await found(new_uow, deps)
        names = {p.name for p in result.people}
        assert not any("Dewi" in n or "Eko" in n or n.startswith("P-") for n in names)
        assert result.erased_tickets == [(world.tickets["Eko"], "named")]
        assert result.erased_people == 1

    async def test_staff_are_listed_by_role_by_admin_setting_and_outside_the_bot(
            self, world: World, new_uow: Callable[[], SqlUnitOfWork], deps: Deps) -> None:
        people = by_name(await found(new_uow, deps))
        assert people["Hadi"].roles == ("staff",) and people["Hadi"].staff_roles == ("officer",)
        assert people["Hadi"].language == "id" and people["Hadi"].reach == TELEGRAM
        assert people["Ina"].roles == ("staff",) and people["Ina"].telegram_id == ADMIN_TELEGRAM
        joko = people["Pak"]
        assert joko.person_id is None and joko.reach == CONTACT and joko.contact == "0812-555-0101"
        assert joko.lks == ("LK-2026-001",) and joko.data == ("name", "contact")

    async def test_people_without_telegram_are_listed_with_their_contact_or_as_unreachable(
            self, world: World, new_uow: Callable[[], SqlUnitOfWork], deps: Deps) -> None:
        people = by_name(await found(new_uow, deps))
        fajar, gita = people["Fajar"], people["Gita"]
        assert fajar.reach == CONTACT and fajar.contact == "fajar@example.ac.id" and fajar.telegram_id is None
        assert fajar.tickets == ((world.tickets["Fajar"], "confidential"),)
        assert "contact" in fajar.data and "telegram_id" not in fajar.data
        assert gita.reach == NOWHERE and gita.tickets == ((world.tickets["Gita"], "anonymous"),)

    async def test_a_window_before_anyone_wrote_affects_nobody(
            self, world: World, new_uow: Callable[[], SqlUnitOfWork], deps: Deps) -> None:
        async with new_uow() as uow:
            result = await affected(uow, deps, SINCE - (UNTIL - SINCE) * 10, SINCE - (UNTIL - SINCE) * 9)
        assert result.people == [] and result.erased_tickets == []


class TestReports:
    async def test_csv_has_one_row_per_person_with_reach_language_data_and_tickets(
            self, world: World, new_uow: Callable[[], SqlUnitOfWork], deps: Deps) -> None:
        result = await found(new_uow, deps)
        rows = list(csv.DictReader(io.StringIO(csv_report(result))))
        assert tuple(rows[0]) == CSV_HEADER and len(rows) == len(result.people) == 7
        fajar = next(r for r in rows if r["name"] == "Fajar Test")
        assert fajar["reach"] == "contact" and fajar["contact"] == "fajar@example.ac.id"
        # a confidential ticket is counted, not numbered: beside his name the number would tell who filed it
        assert fajar["tickets"] == "1 confidential" and fajar["note"] == "tell another way"
        assert world.tickets["Fajar"] not in csv_report(result) + text_report(result, deps.tz)
        ani = next(r for r in rows if r["name"] == "Ani Test")
        assert ani["telegram_id"] == "5001" and ani["language"] == "en" and ani["data"].split() == [
            "name", "telegram_id", "texts", "attachments", "ratings"]

    async def test_the_text_report_starts_with_the_counts(
            self, world: World, new_uow: Callable[[], SqlUnitOfWork], deps: Deps) -> None:
        lines = text_report(await found(new_uow, deps), deps.tz).splitlines()
        assert lines[0].startswith("Breach window: 2026-11-10 00:00 WIB")
        assert lines[1] == "People whose personal data the bot held: 7"
        assert "complainants: 3; staff: 3; others who wrote to the bot: 1" in lines[2]
        assert "(Telegram): 4; by letter or call (their recorded contact): 2; no way to reach recorded: 1" in lines[3]
        assert world.tickets["Eko"] in "\n".join(lines[:7])

    def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(self) -> None:
        person = AffectedPerson(1, ("user",), "=HYPERLINK(\"x\")", 9, None, TELEGRAM, False, "id", ("name",))
        rows = list(csv.reader(io.StringIO(csv_report(Affected(SINCE, UNTIL, [person], [], 0)))))
        assert rows[1][2] == "'=HYPERLINK(\"x\")"


async def counts(engine: AsyncEngine) -> tuple[int, int, int]:
    async with engine.connect() as connection:
        outbox = await connection.scalar(select(func.count()).select_from(OutboxRow))
        keys = await connection.scalar(select(func.count()).select_from(DueNoticeRow))
        audit = await connection.scalar(select(func.count()).select_from(AuditLogRow))
    return int(outbox or 0), int(keys or 0), int(audit or 0)


class TestNotify:
    async def test_one_notice_per_person_with_telegram_in_their_language_and_an_audit_row_each(
            self, world: World, new_uow: Callable[[], SqlUnitOfWork], deps: Deps, engine: AsyncEngine) -> None:
        done = await notify_affected(new_uow, deps, SINCE, UNTIL, TEXTS)
        assert sorted(p.name for p in done.queued) == ["Ani Test", "Citra Test", "Hadi Test", "Ina Test"]
        assert sorted(p.name for p in done.other_way) == ["Fajar Test", "Gita Test", "Pak Joko"]
        async with engine.connect() as connection:
            sent = {row.chat_id: row for row in await connection.execute(select(OutboxRow))}
            audit = list(await connection.execute(select(AuditLogRow)))
        assert sorted(sent) == [5001, 5003, 7001, ADMIN_TELEGRAM]
        assert sent[5001].payload["text"].startswith(TEXTS["en"]) and "Your reports: " + world.tickets["Ani"] in \
            sent[5001].payload["text"]
        assert sent[7001].payload["text"].startswith(TEXTS["id"]) and "What the bot held" not in \
            sent[7001].payload["text"]  # Indonesian all through
        assert all(row.priority == 2 and row.key.startswith("breach:") for row in sent.values())
        assert sorted(row.subject_id for row in audit) == sorted(p.person_id for p in done.queued)
        assert {row.kind for row in audit} == {AuditKind.BREACH_NOTICE}
        assert {row.detail["breach"] for row in audit} == {done.affected.breach_id}

    async def test_running_it_twice_sends_once(self, world: World, new_uow: Callable[[], SqlUnitOfWork],
                                               deps: Deps, engine: AsyncEngine) -> None:
        first = await notify_affected(new_uow, deps, SINCE, UNTIL, TEXTS)
        after_first = await counts(engine)
        second = await notify_affected(new_uow, deps, SINCE, UNTIL, TEXTS)
        assert second.queued == [] and len(second.already) == len(first.queued) == 4
        assert await counts(engine) == after_first == (4, 4, 4)

    async def test_a_dry_run_writes_nothing_and_says_who_would_be_told(
            self, world: World, new_uow: Callable[[], SqlUnitOfWork], deps: Deps, engine: AsyncEngine) -> None:
        done = await notify_affected(new_uow, deps, SINCE, UNTIL, TEXTS, dry_run=True)
        assert len(done.queued) == 4 and done.dry_run
        assert await counts(engine) == (0, 0, 0)

    async def test_another_breach_window_is_told_again(self, world: World, new_uow: Callable[[], SqlUnitOfWork],
                                                       deps: Deps, engine: AsyncEngine) -> None:
        await notify_affected(new_uow, deps, SINCE, UNTIL, TEXTS)
        again = await notify_affected(new_uow, deps, DURING, UNTIL, TEXTS)
        assert len(again.queued) == 4 and await counts(engine) == (8, 8, 8)


class TestErasuresSinceABackup:
    async def test_only_erasures_received_after_the_backup_are_listed_with_their_tickets(
            self, world: World, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        async with new_uow() as uow:
            ticket = await uow.tickets.get_by_number(world.tickets["Ani"])
            assert ticket is not None
            await uow.data_requests.add(world.ids["Dewi"], "erasure", SINCE - (UNTIL - SINCE), status="done")
            later = await uow.data_requests.add(world.ids["Ani"], "erasure", DURING, status="done",
                                                detail={"tickets": [ticket.id]})
            await uow.data_requests.add(world.ids["Ani"], "access", DURING, status="done")
            await uow.commit()
        async with new_uow() as uow:
            redo = await erasures_since(uow, SINCE)
        assert [(r.number, r.person_id, r.tickets) for r in redo] == [
            (later.number, world.ids["Ani"], (world.tickets["Ani"],))]


class TestNamedBreach:
    async def test_a_window_widened_under_the_same_name_tells_only_the_people_it_adds(
            self, world: World, new_uow: Callable[[], SqlUnitOfWork], deps: Deps, engine: AsyncEngine) -> None:
        first = await notify_affected(new_uow, deps, SINCE, UNTIL, TEXTS, breach="2026-11-token-leak")
        wider = await notify_affected(new_uow, deps, SINCE, AFTER + timedelta(days=1), TEXTS,
                                      breach="2026-11-token-leak")
        assert len(first.queued) == 4 and [p.name for p in wider.queued] == ["Budi Test"]
        assert len(wider.already) == 4 and await counts(engine) == (5, 5, 5)
