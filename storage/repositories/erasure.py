"""What the erasure of an identity (``/forget``, retention; issue 15) reads and writes, set-based: the tickets due,
the pseudonym persons, the free texts rewritten through the caller's scrub, the attachments and stored documents
that go, and a person row emptied.

The scrub is the caller's (``handlers.privacy.scrub``): a function from a column's value (text or JSON) to the value
with the identity replaced; a row is written only when it changed. Statements take at most 1,000 ids each."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, Text, and_, delete, false, func, or_, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import require_aware
from storage.models import (
    ArchiveItemRow,
    AuditLogRow,
    DataRequestRow,
    DialogStateRow,
    DueNoticeRow,
    ExportJobRow,
    LkActionRow,
    LkDocumentRow,
    LkEventRow,
    LkRow,
    LkTicketRow,
    OutboxRow,
    PersonRow,
    StaffRoleRow,
    TicketAttachmentRow,
    TicketCaseRow,
    TicketEventRow,
    TicketRow,
    UnhandledUpdateRow,
)
from storage.repositories._sql import chunks, insert_or_ignore

Scrub = Callable[[Any], Any]
PAGE = 1_000
PENDING = "pending"
SEND_FILE = "send_file"
"""``outbox.op`` of a message carrying a file (``handlers.events``' outgoing document or photo)."""


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def mentioning(column: Any, needles: Sequence[str]) -> ColumnElement[bool]:
    """A cheap pre-filter in SQL: the column's text holds one of ``needles`` (ignoring case; also as JSON writes a
    non-ASCII one). The caller's scrub decides; this only spares reading rows that cannot match."""
    forms = {form for needle in needles for form in (needle, json.dumps(needle)[1:-1]) if form}
    if not forms:
        return false()
    text = sql_cast(column, Text)
    return or_(*(text.ilike(f"%{form}%") for form in sorted(forms)))


def _unindexed(column: Any) -> ColumnElement[Any]:
    """``column || ''``: the same value, but no index of it is chosen. SQLite keeps no statistics (nothing runs
    ANALYZE on it) and picked the status index for retention's reads, sorting 90 % of the tickets at every pass
    (365 ms at 100k) instead of reading the short range of ``ix_ticket_updated_at`` (~5 ms)."""
    return cast(ColumnElement[Any], column.concat(""))


@dataclass(frozen=True)
class ErasableTicket:
    """A ticket whose complainant's identity is to go."""

    id: int
    person_id: int
    created_at: datetime
    card_message_id: int | None
    number: str = ""


class ErasureRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- what is due -------------------------------------------------------------------------------------------
    async def erasable(self, ticket_ids: Iterable[int], concluded: Sequence[str]) -> list[ErasableTicket]:
        """Of ``ticket_ids``, those concluded, with a complainant, whose identity is not erased yet; locked (on
        PostgreSQL), so a second erasure of the same tickets at the same time (a double press served by two
        processes) waits for the first and then finds them erased."""
        found: list[ErasableTicket] = []
        for chunk in chunks(sorted(set(ticket_ids))):
            rows = await self._session.execute(
                select(TicketRow.id, TicketRow.person_id, TicketRow.created_at, TicketRow.card_message_id,
                       TicketRow.number)
                .where(TicketRow.id.in_(chunk), TicketRow.status.in_(list(concluded)),
                       TicketRow.identity_erased_at.is_(None), TicketRow.person_id.is_not(None))
                .order_by(TicketRow.id).with_for_update(of=TicketRow))
            found += [ErasableTicket(r.id, r.person_id, r.created_at, r.card_message_id, r.number) for r in rows]
        return found

    async def identities_due(self, concluded: Sequence[str], cutoff: datetime, limit: int) -> list[int]:
        """Concluded tickets untouched since before ``cutoff`` (``updated_at``: their conclusion, or a later rating
        or message) whose complainant's identity is still there, oldest first. A range of ``ix_ticket_updated_at``:
        an erased ticket's ``updated_at`` moves to the erasure, out of the range, so a pass reads only what is due
        (a subquery of each ticket's last move, over every concluded ticket at every pass, read them all)."""
        statement = (select(TicketRow.id)
                     .where(TicketRow.updated_at < require_aware(cutoff, "cutoff"),
                            TicketRow.identity_erased_at.is_(None), TicketRow.person_id.is_not(None),
                            _unindexed(TicketRow.status).in_(list(concluded)))
                     .order_by(TicketRow.updated_at, TicketRow.id).limit(limit))
        return list(await self._session.scalars(statement))

    async def attachments_due(self, concluded: Sequence[str], cutoff: datetime, limit: int) -> list[int]:
        """Concluded tickets untouched since before ``cutoff`` that still have attachments, oldest first: read from
        the attachments (deleted when erased), not from every old ticket, most of which never had one."""
        statement = (select(TicketRow.id)
                     .where(TicketRow.id.in_(select(TicketAttachmentRow.ticket_id).distinct()),
                            TicketRow.updated_at < require_aware(cutoff, "cutoff"),
                            _unindexed(TicketRow.status).in_(list(concluded)))
                     .order_by(TicketRow.id).limit(limit))
        return list(await self._session.scalars(statement))

    async def prune_delivered(self, before: datetime, limit: int) -> int:
        """Delete up to ``limit`` messages delivered (or cancelled) before ``before``: the outbox is a queue, and the
        texts it kept (names, what people wrote) serve nothing once sent. Failed ones stay (they may be sent again
        when their reader starts the bot). Through ``ix_outbox_status_not_before_id``."""
        old = (select(OutboxRow.id).where(OutboxRow.status.in_(["sent", "cancelled"]),
                                          OutboxRow.not_before < require_aware(before, "before"))
               .order_by(OutboxRow.status, OutboxRow.not_before).limit(limit))
        ids = list(await self._session.scalars(old))
        for chunk in chunks(ids):
            await self._session.execute(delete(OutboxRow).where(OutboxRow.id.in_(chunk)))
        return len(ids)

    # --- the pseudonym person ----------------------------------------------------------------------------------
    async def pseudonym_taken(self, pseudonym: str) -> bool:
        return await self._session.scalar(select(PersonRow.id).where(PersonRow.pseudonym == pseudonym)) is not None

    async def pseudonym_person(self, pseudonym: str, at: datetime) -> int:
        """The person row standing for ``pseudonym``: found, or made now (name = the pseudonym, no identity)."""
        await insert_or_ignore(self._session, PersonRow,
                               {"name": pseudonym, "pseudonym": pseudonym, "forgotten_at": require_aware(at, "at"),
                                "created_at": at}, ["pseudonym"])
        found = await self._session.scalar(select(PersonRow.id).where(PersonRow.pseudonym == pseudonym))
        assert found is not None
        return found

    async def repoint(self, ticket_ids: Sequence[int], person_id: int, pseudonym_id: int, at: datetime) -> None:
        """The tickets, their history and their audit rows point to the pseudonym person instead of ``person_id``;
        the tickets are marked erased (``identity_erased_at``) and changed (``updated_at``: the search index
        re-reads them)."""
        at = require_aware(at, "at")
        for chunk in chunks(list(ticket_ids)):
            await self._session.execute(update(TicketRow).where(TicketRow.id.in_(chunk)).values(
                person_id=pseudonym_id, identity_erased_at=at, updated_at=at))
            await self._session.execute(update(TicketEventRow).where(
                TicketEventRow.ticket_id.in_(chunk), TicketEventRow.actor_person_id == person_id).values(
                actor_person_id=pseudonym_id))
            await self._session.execute(update(AuditLogRow).where(
                AuditLogRow.ticket_id.in_(chunk), AuditLogRow.subject_id == person_id).values(subject_id=pseudonym_id))

    # --- free texts --------------------------------------------------------------------------------------------
    async def _rewrite(self, model: Any, where: ColumnElement[bool], columns: Sequence[str], scrub: Scrub) -> int:
        """Each row matching ``where``: its ``columns`` through ``scrub``; the changed rows written. How many."""
        table = _table(model)
        key = next(iter(table.primary_key.columns))
        changed = 0
        after: Any = None
        while True:
            statement = select(key, *(table.c[c] for c in columns)).where(where).order_by(key).limit(PAGE)
            if after is not None:
                statement = statement.where(key > after)
            rows = (await self._session.execute(statement)).all()
            for row in rows:
                values = {c: scrub(row[i + 1]) for i, c in enumerate(columns) if row[i + 1] is not None}
                values = {c: v for c, v in values.items() if v is not row[columns.index(c) + 1]}
                if values:
                    await self._session.execute(update(table).where(key == row[0]).values(**values))
                    changed += 1
            if len(rows) < PAGE:
                return changed
            after = rows[-1][0]

    async def written_by_complainant(self, ticket_ids: Sequence[int], person_id: int) -> list[str]:
        """What the complainant wrote on the tickets: descriptions, answers, rating comments, captions, their
        messages in the history."""
        found: list[str] = []
        for chunk in chunks(list(ticket_ids)):
            for row in await self._session.execute(select(TicketRow.description, TicketRow.answers,
                                                          TicketRow.rating_comment).where(TicketRow.id.in_(chunk))):
                found += [row.description or "", row.rating_comment or ""]
                found += [str(v) for v in (row.answers or {}).values()]
            found += [c or "" for c in await self._session.scalars(select(TicketAttachmentRow.caption).where(
                TicketAttachmentRow.ticket_id.in_(chunk)))]
            for params in await self._session.scalars(select(TicketEventRow.params).where(
                    TicketEventRow.ticket_id.in_(chunk), TicketEventRow.actor_person_id == person_id)):
                found += [str(v) for v in (params or {}).values() if isinstance(v, str)]
        return found

    async def scrub_tickets(self, ticket_ids: Sequence[int], scrub: Scrub) -> int:
        """The tickets' own texts, their attachments' captions and their history's notes and parameters."""
        changed = 0
        for chunk in chunks(list(ticket_ids)):
            changed += await self._rewrite(TicketRow, TicketRow.id.in_(chunk),
                                           ["description", "answers", "response", "rating_comment", "service_other"],
                                           scrub)
            changed += await self._rewrite(TicketAttachmentRow, TicketAttachmentRow.ticket_id.in_(chunk),
                                           ["caption", "file_name"], scrub)
            changed += await self._rewrite(TicketEventRow, TicketEventRow.ticket_id.in_(chunk), ["note", "params"],
                                           scrub)
        return changed

    async def lks_of(self, ticket_ids: Sequence[int]) -> list[tuple[int, str]]:
        """The LKs (id, number) covering any of the tickets, or a ticket one of them duplicates (the LK's form lists
        the duplicates of its tickets, and staff may have named their complainants in it: review)."""
        found: dict[int, str] = {}
        for chunk in chunks(list(ticket_ids)):
            originals = select(TicketRow.duplicate_of).where(TicketRow.id.in_(chunk),
                                                             TicketRow.duplicate_of.is_not(None))
            rows = await self._session.execute(select(LkRow.id, LkRow.number).join(
                LkTicketRow, LkTicketRow.lk_id == LkRow.id).where(
                or_(LkTicketRow.ticket_id.in_(chunk), LkTicketRow.ticket_id.in_(originals))))
            found.update({r.id: r.number for r in rows})
        return sorted(found.items())

    async def scrub_lks(self, ticket_ids: Sequence[int], scrub: Scrub) -> int:
        """What staff wrote about the tickets that may quote the complainant: their LKs (texts, history, actions)
        and the summaries of their "me too" cases."""
        lk_ids = [lk_id for lk_id, _n in await self.lks_of(ticket_ids)]
        changed = 0
        for chunk in chunks(lk_ids):
            changed += await self._rewrite(LkRow, LkRow.id.in_(chunk), ["description", "root_cause", "response"],
                                           scrub)
            changed += await self._rewrite(LkEventRow, LkEventRow.lk_id.in_(chunk), ["note", "params"], scrub)
            changed += await self._rewrite(LkActionRow, LkActionRow.lk_id.in_(chunk),
                                           ["description", "evidence_text"], scrub)
        for chunk in chunks(list(ticket_ids)):
            cases = select(TicketRow.case_id).where(TicketRow.id.in_(chunk), TicketRow.case_id.is_not(None))
            changed += await self._rewrite(TicketCaseRow, TicketCaseRow.id.in_(cases), ["summary"], scrub)
        return changed

    async def scrub_outbox(self, since: datetime, needles: Sequence[str], chats: Sequence[int], scrub: Scrub) -> int:
        """The messages queued since ``since`` to one of ``chats`` or mentioning a needle (texts, captions, buttons,
        fallbacks: the whole payload)."""
        about = or_(mentioning(OutboxRow.payload, needles), OutboxRow.chat_id.in_(list(chats)))
        where = and_(OutboxRow.created_at >= require_aware(since, "since"), about)
        return await self._rewrite(OutboxRow, where, ["payload"], scrub)

    async def scrub_dialogs(self, needles: Sequence[str], chats: Sequence[int], scrub: Scrub) -> int:
        """The conversations of ``chats`` and those that mention a needle (a draft, a held message, a question's
        subject)."""
        about = or_(mentioning(DialogStateRow.data, needles), DialogStateRow.chat_id.in_(list(chats)))
        return await self._rewrite(DialogStateRow, about, ["data"], scrub)

    async def drop_unhandled(self, mentions: Callable[[str], bool]) -> int:
        """Delete the set-aside updates whose raw JSON mentions the identity (sent by the person, or naming them)."""
        rows = (await self._session.execute(select(UnhandledUpdateRow.update_id, UnhandledUpdateRow.raw,
                                                   UnhandledUpdateRow.error))).all()
        gone = [r.update_id for r in rows if mentions(r.raw) or mentions(r.error)]
        for chunk in chunks(gone):
            await self._session.execute(delete(UnhandledUpdateRow).where(UnhandledUpdateRow.update_id.in_(chunk)))
        return len(gone)

    # --- files ---------------------------------------------------------------------------------------------------
    async def drop_attachments(self, ticket_ids: Sequence[int], at: datetime) -> tuple[int, set[str], set[str]]:
        """Delete the tickets' attachments and their archive items; mark the tickets (``attachments_erased_at``).
        (attachments deleted, archived copies' SHA-256, Telegram file ids)."""
        count, shas, file_ids = 0, set[str](), set[str]()
        for chunk in chunks(list(ticket_ids)):
            rows = (await self._session.execute(select(TicketAttachmentRow.id, TicketAttachmentRow.file_id)
                                                .where(TicketAttachmentRow.ticket_id.in_(chunk)))).all()
            ids = [r.id for r in rows]
            file_ids |= {r.file_id for r in rows}
            for part in chunks(ids):
                items = (await self._session.execute(select(ArchiveItemRow.sha256, ArchiveItemRow.file_id).where(
                    ArchiveItemRow.ticket_attachment_id.in_(part)))).all()
                shas |= {r.sha256 for r in items if r.sha256}
                file_ids |= {r.file_id for r in items if r.file_id}
                await self._session.execute(delete(ArchiveItemRow).where(ArchiveItemRow.ticket_attachment_id.in_(part)))
                await self._session.execute(delete(TicketAttachmentRow).where(TicketAttachmentRow.id.in_(part)))
            count += len(ids)
            await self._session.execute(update(TicketRow).where(  # the first deletion's date stays
                TicketRow.id.in_(chunk), TicketRow.attachments_erased_at.is_(None)).values(
                attachments_erased_at=require_aware(at, "at")))
        return count, shas, file_ids

    async def drop_copies(self, person_ids: Sequence[int]) -> set[str]:
        """The copies of their data the persons were given (``/mydata``: a JSON file and a PDF, named in their access
        requests' ``detail.files``): their SHA-256, no longer named there. The copy lists every ticket of theirs."""
        shas: set[str] = set()
        for chunk in chunks(list(person_ids)):
            rows = (await self._session.execute(select(DataRequestRow.id, DataRequestRow.detail).where(
                DataRequestRow.person_id.in_(chunk), DataRequestRow.kind == "access"))).all()
            for row in rows:
                files = [str(f) for f in (row.detail or {}).get("files") or []]
                if files:
                    shas |= set(files)
                    detail = {k: v for k, v in (row.detail or {}).items() if k != "files"}
                    await self._session.execute(update(DataRequestRow).where(DataRequestRow.id == row.id)
                                                .values(detail={**detail, "files_deleted": True}))
        return shas

    async def drop_documents(self, lk_ids: Sequence[int], lk_numbers: Sequence[str], since: datetime) -> set[str]:
        """The stored documents that may name a complainant of tickets filed since ``since``: the archived forms of
        their LKs (made again on the next request, from the scrubbed texts) and the exports made since (the
        register lists complainants); their SHA-256. Only what no other record still names is for deletion."""
        shas: set[str] = set()
        for chunk in chunks(list(lk_ids)):
            rows = await self._session.scalars(select(LkDocumentRow.archived_sha256).where(
                LkDocumentRow.lk_id.in_(chunk), LkDocumentRow.archived_sha256.is_not(None)))
            shas |= {s for s in rows if s}
            await self._session.execute(update(LkDocumentRow).where(LkDocumentRow.lk_id.in_(chunk)).values(
                archived_sha256=None))
        jobs = (await self._session.execute(select(ExportJobRow.id, ExportJobRow.file_sha256, ExportJobRow.filters)
                                            .where(ExportJobRow.file_sha256.is_not(None),
                                                   ExportJobRow.created_at >= require_aware(since, "since")))).all()
        mine = [j for j in jobs if (j.filters or {}).get("report") != "stats"]
        shas |= {j.file_sha256 for j in mine if j.file_sha256}
        for chunk in chunks([j.id for j in mine]):
            await self._session.execute(update(ExportJobRow).where(ExportJobRow.id.in_(chunk)).values(file_sha256=None))
        # a form of an LK not closed yet is archived but not recorded: the file sent names it
        prefixes = tuple(f"{number}." for number in lk_numbers) + tuple(f"{number}-" for number in lk_numbers)
        sent = (await self._session.execute(select(OutboxRow.payload).where(
            OutboxRow.op == SEND_FILE, OutboxRow.created_at >= require_aware(since, "since")))).scalars()
        for payload in sent:
            sha, name = (payload or {}).get("sha256"), str((payload or {}).get("file_name") or "")
            if sha and (sha in shas or (prefixes and name.startswith(prefixes))):
                shas.add(str(sha))
        return shas

    async def drop_sent_files(self, shas: Iterable[str], file_ids: Iterable[str]) -> int:
        """Delete the outbox rows already handled (sent or failed) that carried these files."""
        wanted_shas, wanted_ids = set(shas), set(file_ids)
        if not wanted_shas and not wanted_ids:
            return 0
        # by the op's index: only the few file messages are matched and read (matching the JSON of every kept message
        # took most of one ticket's erasure on SQLite, two scans of ~65 ms; docs/benchmarks.md §15)
        rows = (await self._session.execute(select(OutboxRow.id, OutboxRow.payload).where(
            OutboxRow.op == SEND_FILE, OutboxRow.status != PENDING,
            mentioning(OutboxRow.payload, sorted(wanted_shas | wanted_ids))))).all()
        gone = [r.id for r in rows
                if (r.payload or {}).get("sha256") in wanted_shas or (r.payload or {}).get("file_id") in wanted_ids]
        for chunk in chunks(gone):
            await self._session.execute(delete(OutboxRow).where(OutboxRow.id.in_(chunk)))
        return len(gone)

    async def still_named(self, shas: Iterable[str]) -> set[str]:
        """Of ``shas``, those another record still names (an archive item, a form, an export): kept."""
        wanted = sorted(set(shas))
        if not wanted:
            return set()
        named: set[str] = set()
        for column in (ArchiveItemRow.sha256, LkDocumentRow.archived_sha256, ExportJobRow.file_sha256):
            named |= {s for s in await self._session.scalars(select(column).where(column.in_(wanted))) if s}
        return named

    # --- the person ----------------------------------------------------------------------------------------------
    async def still_linked(self, person_ids: Iterable[int]) -> set[int]:
        """Of ``person_ids``, those with a ticket, a staff role or an LK action they own: kept."""
        wanted = sorted(set(person_ids))
        if not wanted:
            return set()
        linked = {p for p in await self._session.scalars(select(TicketRow.person_id).where(
            TicketRow.person_id.in_(wanted))) if p is not None}
        linked |= set(await self._session.scalars(select(StaffRoleRow.person_id).where(
            StaffRoleRow.person_id.in_(wanted))))
        linked |= {p for p in await self._session.scalars(select(LkActionRow.owner_person_id).where(
            LkActionRow.owner_person_id.in_(wanted))) if p is not None}
        return linked

    async def empty_person(self, person_id: int, name: str, at: datetime) -> None:
        """The person row keeps only its id (other records name it): name → ``name`` (the pseudonym), no Telegram
        id, NRP or contact; their conversation, their delivered messages and their notices' keys go. Their next
        message to the bot makes a new person."""
        telegram_id = await self._session.scalar(select(PersonRow.telegram_id).where(PersonRow.id == person_id))
        await self._session.execute(update(PersonRow).where(PersonRow.id == person_id).values(
            name=name, telegram_id=None, nrp=None, contact=None, former=None, telegram_language=None,
            unreachable_at=None, forgotten_at=require_aware(at, "at")))
        if telegram_id is None:
            return
        chat = or_(DialogStateRow.chat_id == telegram_id, DialogStateRow.user_id == telegram_id)
        await self._session.execute(delete(DialogStateRow).where(chat))
        await self._session.execute(delete(OutboxRow).where(OutboxRow.chat_id == telegram_id,
                                                            OutboxRow.status != PENDING))
        await self._session.execute(delete(DueNoticeRow).where(DueNoticeRow.chat_id == telegram_id))
        # their finished jobs (a /mydata copy: its chat is their Telegram id; its files went with drop_copies)
        await self._session.execute(delete(ExportJobRow).where(ExportJobRow.chat_id == telegram_id,
                                                               ExportJobRow.status.in_(("done", "failed"))))

    async def sweep_delivered(self, since: datetime) -> int:
        """Delete the messages already delivered (or failed) to a private chat no person has any more — an
        emptied person's last replies, the erasure's own answer — when someone was emptied since ``since``."""
        since = require_aware(since, "since")
        recent = await self._session.scalar(select(func.count()).select_from(PersonRow).where(
            PersonRow.forgotten_at >= since, PersonRow.pseudonym.is_(None)))
        if not recent:
            return 0
        known = select(PersonRow.id).where(PersonRow.telegram_id == OutboxRow.chat_id).exists()
        # "+ 0": SQLite (no statistics) otherwise read by (status, chat_id > 0) — every delivered message, 83 ms at
        # 70,000 — instead of the last two days by (status, not_before)
        result = await self._session.execute(delete(OutboxRow).where(
            OutboxRow.status.in_(["sent", "failed", "cancelled"]), OutboxRow.not_before >= since,
            (OutboxRow.chat_id + 0) > 0, OutboxRow.created_at >= since, ~known))
        return int(getattr(result, "rowcount", 0) or 0)
