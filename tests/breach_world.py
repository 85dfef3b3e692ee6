"""A small world of people around a breach window, for ``tanggap privacy``'s tests (integration and the CLI's e2e).

The window is 10–20 November 2026 (WIB). Who is in it, and why:
- Ani (Telegram, English): a named complaint filed before the window, with a photo and a rating — affected;
- Budi (Telegram): his person and his ticket both came after the window — not affected;
- Citra (Telegram): wrote to the bot before, filed after the window — affected as a user, without tickets;
- Dewi: forgot her ticket before the window (her row is a pseudonym since) — not affected;
- Eko: his identity was erased during the window — counted apart (held, nobody to tell now);
- Fajar: a confidential letter, no Telegram, an email contact — to be told by letter;
- Gita: an anonymous phone call, no contact — nobody can reach her;
- Hadi (Telegram, Indonesian): officer, assigned to Ani's ticket — staff;
- Ina (Telegram): an admin by ``ADMIN_IDS`` only — staff;
- Pak Joko: an LK action's owner outside the bot, with a phone number — staff, by call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import LkActionRow, LkRow, PersonRow, TicketRow
from storage.records import Attachment, NewTicket
from storage.uow import SqlUnitOfWork

SINCE = datetime(2026, 11, 10, tzinfo=UTC) - timedelta(hours=7)  # 10 November 00:00 WIB
UNTIL = datetime(2026, 11, 20, tzinfo=UTC) - timedelta(hours=7)
BEFORE = SINCE - timedelta(days=5)
DURING = SINCE + timedelta(days=5)
AFTER = UNTIL + timedelta(days=5)
ADMIN_TELEGRAM = 7002


@dataclass(frozen=True)
class World:
    ids: dict[str, int]  # person ids by first name
    tickets: dict[str, str]  # ticket numbers by first name


def _ticket(person_id: int | None, when: datetime, *, channel: str = "telegram", level: str = "named",
            attachments: tuple[Attachment, ...] = ()) -> NewTicket:
    return NewTicket("complaint", channel, person_id, "transcript", None, "Transkrip saya belum keluar", None, {},
                     attachments, level == "anonymous", "received", when, identity_level=level)


async def build_world(sessions: async_sessionmaker[AsyncSession]) -> World:
    def make_uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    ids: dict[str, int] = {}
    tickets: dict[str, str] = {}
    created: dict[str, datetime] = {}
    async with make_uow() as uow:
        for name, telegram, lang, when in (("Ani", 5001, "en", BEFORE), ("Budi", 5002, "id", AFTER),
                                           ("Citra", 5003, "id", BEFORE), ("Hadi", 7001, "id", BEFORE),
                                           ("Ina", ADMIN_TELEGRAM, "en", BEFORE)):
            ids[name] = (await uow.persons.ensure_telegram(telegram, f"{name} Test", lang)).id
            created[name] = when
        for name, contact in (("Fajar", "fajar@example.ac.id"), ("Gita", None), ("Dewi", None), ("Eko", None)):
            ids[name] = (await uow.persons.add_offline(f"{name} Test", contact)).id
            created[name] = BEFORE
        photo = Attachment("photo-file-1", "photo", added_at=BEFORE)
        tickets["Ani"] = (await uow.tickets.add(_ticket(ids["Ani"], BEFORE, attachments=(photo,)))).number
        tickets["Budi"] = (await uow.tickets.add(_ticket(ids["Budi"], AFTER))).number
        tickets["Citra"] = (await uow.tickets.add(_ticket(ids["Citra"], AFTER + timedelta(hours=1)))).number
        tickets["Dewi"] = (await uow.tickets.add(_ticket(ids["Dewi"], BEFORE - timedelta(days=30)))).number
        tickets["Eko"] = (await uow.tickets.add(_ticket(ids["Eko"], BEFORE))).number
        tickets["Fajar"] = (await uow.tickets.add(_ticket(ids["Fajar"], BEFORE, channel="letter",
                                                          level="confidential"))).number
        tickets["Gita"] = (await uow.tickets.add(_ticket(ids["Gita"], BEFORE, channel="phone",
                                                         level="anonymous"))).number
        await uow.staff.grant(ids["Hadi"], "officer", by=None, at=BEFORE)
        await uow.commit()
    async with sessions() as session:  # what /forget, retention and the LK dialogs would have written
        for name, when in created.items():
            await session.execute(update(PersonRow).where(PersonRow.id == ids[name]).values(created_at=when))
        for name, erased in (("Dewi", BEFORE), ("Eko", DURING)):
            await session.execute(update(PersonRow).where(PersonRow.id == ids[name]).values(
                name=f"P-{name.lower()}", pseudonym=f"P-{name.lower()}", forgotten_at=erased))
            await session.execute(update(TicketRow).where(TicketRow.number == tickets[name]).values(
                identity_erased_at=erased))
        await session.execute(update(TicketRow).where(TicketRow.number == tickets["Ani"]).values(
            assigned_to=ids["Hadi"], rating=4, rated_at=BEFORE))
        lk = LkRow(number="LK-2026-001", kind="nonconformity", service_code="transcript", procedure_ref="SOP",
                   description="d", root_cause="r", status="draft", prepared_by=ids["Hadi"], created_at=BEFORE,
                   updated_at=BEFORE)
        session.add(lk)
        await session.flush()
        session.add(LkActionRow(lk_id=lk.id, kind="correction", description="fix", owner_name="Pak Joko",
                                owner_contact="0812-555-0101", due_on=date(2026, 12, 1), round=1, status="open",
                                created_at=BEFORE))
        await session.commit()
    return World(ids, tickets)
