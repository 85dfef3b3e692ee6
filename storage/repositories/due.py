"""What the due-work engine asks of storage (SOP step f): the notices already issued, by key, and the facts that
make a notice due — late tickets, unread messages, unrated conclusions, actions due, LKs waiting — each read only
where its notice was not issued yet (an anti-join on ``due_notice`` by the key built in SQL; a late ticket, besides,
only while its watermark is not its current deadline, :meth:`DueRepository.settle`) or, for a daily digest, only for
a person without today's, so a pass costs what is new, not what is stale.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    bindparam,
    cast,
    delete,
    exists,
    func,
    literal,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.vocabulary import ACTIVE, LkStatus
from storage.columns import require_aware
from storage.models import (
    ESCALATION_PENDING_FLAG,
    LATE_UNTOLD_FLAG,
    WITHOUT_DEADLINE,
    DueNoticeRow,
    DuePassRow,
    ExtensionRequestRow,
    LkActionRow,
    LkRow,
    PersonRow,
    TicketCaseRow,
    TicketRow,
)
from storage.records import DueAction, DueLk, DuePass, DueTicket, ExtensionRequest, TicketRecord
from storage.repositories._sql import insert_or_ignore, upsert
from storage.repositories._ticket_rows import ticket_record

_KEYS_PER_STATEMENT = 5000
_DUE_TICKET = select(TicketRow.id, TicketRow.number, TicketRow.person_id, TicketRow.assigned_to, TicketRow.service_code,
                     TicketRow.status, TicketRow.due_step, TicketRow.due_on, TicketRow.unread_since,
                     TicketRow.resolved_at)
"""The columns of :class:`DueTicket`, in its order: plain rows, no ORM objects (a pass reads thousands)."""
_DUE_ACTION = select(LkActionRow.id, LkActionRow.due_on, LkActionRow.owner_person_id, LkRow.status,
                     LkRow.prepared_by, LkRow.checked_by, LkRow.approved_by).join(LkRow, LkRow.id == LkActionRow.lk_id)
"""The columns of :class:`DueAction`, in its order."""
ACTIVE_STATUSES = tuple(sorted(ACTIVE))


def _text(*parts: Any) -> ColumnElement[str]:
    """``'a' || b || …`` in SQL: a notice key built from a row, to be looked up in ``due_notice``."""
    pieces = [literal(part, String) if isinstance(part, str) else cast(part, String) for part in parts]
    key: ColumnElement[str] = pieces[0]
    for piece in pieces[1:]:
        key = key + piece
    return key


def _not_noticed(key: ColumnElement[str]) -> ColumnElement[bool]:
    """No notice with this key was issued: one primary-key probe of ``due_notice`` per candidate row."""
    return ~select(DueNoticeRow.key).where(DueNoticeRow.key == key).exists()


def _filter_only(column: ColumnElement[str] | Any) -> ColumnElement[str]:
    """``column || ''``: the column as a filter no index is chosen for. Next to a partial index's predicate SQLite,
    which has no statistics, would read the (status, …) or (due_step, …) index instead — every active ticket or
    every one to confirm — where the partial index holds the few unsettled."""
    filtered: ColumnElement[str] = column + literal_column("''", String)
    return filtered


def _reachable(person: Any) -> ColumnElement[bool]:
    """The person exists and has a Telegram account (the bot can write to them)."""
    return select(PersonRow.id).where(PersonRow.id == person, PersonRow.telegram_id.is_not(None)).exists()


class DueRepository:
    """Issued notices and the facts behind them, within the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- issued notices ------------------------------------------------------------------------------------
    async def issued(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` were issued already."""
        wanted = sorted(set(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), _KEYS_PER_STATEMENT):
            chunk = wanted[start: start + _KEYS_PER_STATEMENT]
            found.update(await self._session.scalars(select(DueNoticeRow.key).where(DueNoticeRow.key.in_(chunk))))
        return found

    async def issue(self, key: str, kind: str, chat_id: int | None, at: datetime) -> bool:
        """Record a notice as issued; False when it already was (another process got there first)."""
        values = {"key": key, "kind": kind, "chat_id": chat_id, "issued_at": require_aware(at, "at")}
        return await insert_or_ignore(self._session, DueNoticeRow, values, ["key"])

    async def forget(self, key: str) -> None:
        """Un-record a notice issued in this transaction that found nothing to say."""
        await self._session.execute(delete(DueNoticeRow).where(DueNoticeRow.key == key))

    async def issued_since(self, at: datetime) -> int:
        """How many notices were issued since ``at`` (operations, tests)."""
        statement = select(func.count()).select_from(DueNoticeRow).where(DueNoticeRow.issued_at >= require_aware(at))
        return int(await self._session.scalar(statement) or 0)

    async def record_pass(self, at: datetime, issued: int, messages: int) -> None:
        """Remember the engine's latest pass: the moment it was for and what it issued."""
        values = {"name": "engine", "at": require_aware(at, "at"), "issued": issued, "messages": messages}
        await upsert(self._session, DuePassRow, values, ["name"])

    async def last_pass(self) -> DuePass | None:
        row = await self._session.get(DuePassRow, "engine", populate_existing=True)
        return DuePass(row.at, row.issued, row.messages) if row is not None else None

    # --- the facts -----------------------------------------------------------------------------------------
    async def late_tickets(self, before: date, limit: int) -> list[DueTicket]:
        """Tickets whose current step's deadline is before ``before`` (late from that day), earliest first."""
        statement = (
            _DUE_TICKET.where(TicketRow.due_on < before, TicketRow.status.in_(ACTIVE_STATUSES))
            .order_by(TicketRow.due_on, TicketRow.id).limit(limit)
        )
        return [_due_ticket(row) for row in await self._session.execute(statement)]

    async def without_deadline(self, limit: int) -> list[TicketRecord]:
        """Active tickets with no deadline yet (filed before deadlines were kept): the engine gives them one. A
        "me too" member has none on purpose (its case's lead carries it) and is left out."""
        member = exists().where(TicketCaseRow.id == TicketRow.case_id, TicketCaseRow.lead_ticket_id != TicketRow.id)
        statement = (
            # the partial index's very predicate: PostgreSQL otherwise walked the primary key through a million
            # tickets, expecting a few hundred without a deadline early on (there are none once they have one)
            select(TicketRow).where(text(WITHOUT_DEADLINE), ~member).order_by(TicketRow.id).limit(limit)
            .options(selectinload(TicketRow.attachments)).execution_options(populate_existing=True)
        )
        return [ticket_record(row) for row in await self._session.scalars(statement)]

    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    def _day(self, column: Any) -> ColumnElement[str]:
        """A DATE column as Python's ``str(date)`` (``2026-11-25``): SQLite keeps that text, PostgreSQL formats."""
        if self._dialect() == "postgresql":
            return func.to_char(column, "YYYY-MM-DD")
        return cast(column, String)

    def _local(self, column: Any, tz: ZoneInfo, at: datetime, *, stamp: bool = False) -> ColumnElement[str]:
        """A UTC timestamp column as the local day (``2026-11-25``) or, with ``stamp``, ``%Y%m%dT%H%M%S`` in
        ``tz``, as Python formats it. PostgreSQL converts with the zone's rules; SQLite, which has none, adds the
        zone's offset at ``at`` (exact for the fixed-offset Indonesian zones; a zone with daylight saving could
        miss a key near a change, which costs a re-read of that row, not a notice: the engine checks the keys it
        derives again)."""
        if self._dialect() == "postgresql":
            return func.to_char(func.timezone(tz.key, column), 'YYYYMMDD"T"HH24MISS' if stamp else "YYYY-MM-DD")
        offset = at.astimezone(tz).utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        return func.strftime("%Y%m%dT%H%M%S" if stamp else "%Y-%m-%d", column, f"{minutes:+d} minutes")

    def _late_key(self) -> ColumnElement[str]:
        return _text("ticket:", TicketRow.id, ":late:", TicketRow.due_step, ":", self._day(TicketRow.due_on))

    def _escalation_key(self) -> ColumnElement[str]:
        return _text("ticket:", TicketRow.id, ":confirm-escalation:", self._day(TicketRow.due_on))

    async def late_unnoticed(self, before: date, limit: int) -> list[DueTicket]:
        """Active tickets late from ``before`` (deadline earlier) whose complainant, reachable, was not yet told of
        this step's deadline (``ticket:<id>:late:<step>:<due_on>`` not issued), newest deadline first. Only the
        tickets whose watermark is not this deadline are read (``ix_ticket_late_untold``)."""
        statement = (
            _DUE_TICKET.where(text(LATE_UNTOLD_FLAG), TicketRow.due_on < before,
                              _filter_only(TicketRow.status).in_(ACTIVE_STATUSES), _reachable(TicketRow.person_id),
                              _not_noticed(self._late_key()))
            .order_by(TicketRow.due_on.desc(), TicketRow.id.desc()).limit(limit)
        )
        return [_due_ticket(row) for row in await self._session.execute(statement)]

    async def escalations_unnoticed(self, up_to: date, limit: int) -> list[DueTicket]:
        """Active tickets still to confirm whose deadline was on or before ``up_to`` and whose escalation
        (``ticket:<id>:confirm-escalation:<due_on>``) was not issued, newest deadline first. Only the tickets
        whose watermark is not this deadline are read (``ix_ticket_escalation_pending``)."""
        statement = (
            _DUE_TICKET.where(text(ESCALATION_PENDING_FLAG), TicketRow.due_on <= up_to,
                              _filter_only(TicketRow.due_step) == "confirm",
                              _filter_only(TicketRow.status).in_(ACTIVE_STATUSES),
                              _not_noticed(self._escalation_key()))
            .order_by(TicketRow.due_on.desc(), TicketRow.id.desc()).limit(limit)
        )
        return [_due_ticket(row) for row in await self._session.execute(statement)]

    async def settle(self, before: date) -> int:
        """Set the watermarks from ``due_notice``: a ticket late from ``before`` (deadline earlier) whose
        complainant's notice of this deadline was issued, or who has nobody the bot can tell (no person, or no
        Telegram account: a person never gains one), and one whose escalation was issued or who has none to make (a
        step other than ``confirm``), are not read again for this deadline. Only unsettled tickets are looked at
        (the partial indexes), so once the backlog is settled this costs what was new. Returns how many tickets were
        settled."""
        # read, then set, what was read: a deadline moved meanwhile keeps no watermark of the old one (and neither
        # database plans an UPDATE with these subqueries in its WHERE along the partial index). The keys are looked
        # up by value: as a subquery per row, PostgreSQL hashed all of due_notice to test a few hundred (~30 ms)
        reachable = _reachable(TicketRow.person_id).label("reachable")
        late = list(await self._session.execute(select(TicketRow.id, TicketRow.due_step, TicketRow.due_on, reachable)
                                                .where(text(LATE_UNTOLD_FLAG), TicketRow.due_on < before)))
        pending = list(await self._session.execute(select(TicketRow.id, TicketRow.due_step, TicketRow.due_on)
                                                   .where(text(ESCALATION_PENDING_FLAG), TicketRow.due_on < before)))
        issued = await self.issued([f"ticket:{ident}:late:{step}:{day}" for ident, step, day, _r in late] +
                                   [f"ticket:{ident}:confirm-escalation:{day}" for ident, step, day in pending
                                    if step == "confirm"])
        told = [{"ticket": ident, "step": step, "day": day} for ident, step, day, can_tell in late
                if not can_tell or f"ticket:{ident}:late:{step}:{day}" in issued]
        escalated = [{"ticket": ident, "day": day} for ident, step, day in pending
                     if step != "confirm" or f"ticket:{ident}:confirm-escalation:{day}" in issued]
        table = typing.cast(Table, TicketRow.__table__)  # Core: an executemany of plain values
        by_id = table.c.id == bindparam("ticket")
        if told:
            statement = update(table).where(by_id).values(late_told_step=bindparam("step"),
                                                          late_told_on=bindparam("day"))
            await self._session.execute(statement, told)
        if escalated:
            await self._session.execute(update(table).where(by_id).values(escalated_on=bindparam("day")), escalated)
        return len(told) + len(escalated)

    async def assignees(self) -> list[int]:
        """Everyone a ticket is assigned to, in any status: a walk along the (assigned_to, …) index, one step per
        person (a few dozen), not a read of the tickets."""
        found: list[int] = []
        while True:
            after = TicketRow.assigned_to.is_not(None) if not found else TicketRow.assigned_to > found[-1]
            person = await self._session.scalar(
                select(TicketRow.assigned_to).where(after).order_by(TicketRow.assigned_to).limit(1))
            if person is None:
                return found
            found.append(int(person))

    def _late_of(self, before: date, officer: int | None) -> ColumnElement[bool]:
        whose = TicketRow.assigned_to.is_(None) if officer is None else TicketRow.assigned_to == officer
        return whose & (TicketRow.due_on < before) & TicketRow.status.in_(ACTIVE_STATUSES)

    async def has_late(self, before: date, officer: int | None) -> bool:
        """Whether an active ticket late from ``before`` is assigned to ``officer`` (None: to nobody yet)."""
        statement = select(TicketRow.id).where(self._late_of(before, officer)).limit(1)
        return await self._session.scalar(statement) is not None

    async def late_count(self, before: date, officer: int, unassigned: bool) -> int:
        """How many active tickets late from ``before`` an officer's digest counts: assigned to them and, with
        ``unassigned``, to nobody yet."""
        total = 0
        for whose in (officer, None) if unassigned else (officer,):
            statement = select(func.count()).select_from(TicketRow).where(self._late_of(before, whose))
            total += int(await self._session.scalar(statement) or 0)
        return total

    async def late_of(self, before: date, officer: int, unassigned: bool, limit: int) -> list[DueTicket]:
        """The late tickets an officer's digest lists: assigned to them and, with ``unassigned``, those assigned to
        nobody yet; newest deadline first (what became late since the last digest leads). Each is a walk of the
        (assigned_to, due_on, id) index backwards, stopped at ``limit``."""
        found: list[DueTicket] = []
        for whose in (officer, None) if unassigned else (officer,):
            statement = (_DUE_TICKET.where(self._late_of(before, whose))
                         .order_by(TicketRow.due_on.desc(), TicketRow.id.desc()).limit(limit))
            found += [_due_ticket(row) for row in await self._session.execute(statement)]
        found.sort(key=lambda t: (t.due_on, t.id), reverse=True)
        return found[:limit]

    async def unread_unnoticed(self, before: datetime, tz: ZoneInfo, limit: int) -> list[DueTicket]:
        """Active tickets with a message unread since before ``before`` whose reminder
        (``ticket:<id>:unread:<since, local, %Y%m%dT%H%M%S>``) was not issued, newest first."""
        key = _text("ticket:", TicketRow.id, ":unread:", self._local(TicketRow.unread_since, tz, before, stamp=True))
        statement = (
            _DUE_TICKET.where(TicketRow.unread_since < require_aware(before), TicketRow.status.in_(ACTIVE_STATUSES),
                              _not_noticed(key))
            .order_by(TicketRow.unread_since.desc(), TicketRow.id.desc()).limit(limit)
        )
        return [_due_ticket(row) for row in await self._session.execute(statement)]

    async def unrated_unnoticed(self, name: str, before: datetime, tz: ZoneInfo, limit: int) -> list[DueTicket]:
        """Concluded tickets of a reachable complainant, unrated since before ``before``, whose ``name`` notice
        (``ticket:<id>:<name>:<answered, local day>``) was not issued, newest first."""
        key = _text("ticket:", TicketRow.id, f":{name}:", self._local(TicketRow.resolved_at, tz, before))
        statement = (  # unrated_since: the answer's moment of an unrated concluded ticket (its own statistics)
            _DUE_TICKET.where(TicketRow.unrated_since < require_aware(before), _reachable(TicketRow.person_id),
                              _not_noticed(key))
            .order_by(TicketRow.unrated_since.desc(), TicketRow.id.desc()).limit(limit)
        )
        return [_due_ticket(row) for row in await self._session.execute(statement)]

    async def overdue_unnoticed(self, field: str, up_to: date, limit: int) -> list[DueAction]:
        """Open actions of LKs in progress (a running programme), due on or before ``up_to``, whose ``field`` escalation
        (``action:<id>:<field>:<due_on>``) was not issued, newest first."""
        key = _text("action:", LkActionRow.id, f":{field}:", self._day(LkActionRow.due_on))
        statement = (
            _DUE_ACTION.where(LkActionRow.status == "open", LkActionRow.due_on <= up_to,
                              LkRow.status == LkStatus.IN_PROGRESS, _not_noticed(key))
            .order_by(LkActionRow.due_on.desc(), LkActionRow.id.desc()).limit(limit)
        )
        return [DueAction(*row) for row in await self._session.execute(statement)]

    async def action_owner_counts(self, day: date) -> dict[int, int]:
        """Open actions of LKs in progress (a running programme) due on or before ``day``, counted by whom they
        are reminded to: their owner, or (an owner outside the bot) the LK's officer."""
        owner = func.coalesce(LkActionRow.owner_person_id, LkRow.prepared_by)
        statement = (
            select(owner, func.count()).join(LkRow, LkRow.id == LkActionRow.lk_id)
            .where(LkActionRow.status == "open", LkActionRow.due_on <= day, LkRow.status == LkStatus.IN_PROGRESS)
            .group_by(owner)
        )
        return {int(person): int(count) for person, count in await self._session.execute(statement)}

    async def actions_of_owner(self, day: date, person: int, limit: int) -> list[DueAction]:
        """What :meth:`action_owner_counts` counted for ``person``, earliest first."""
        whose = (LkActionRow.owner_person_id == person) | (
            LkActionRow.owner_person_id.is_(None) & (LkRow.prepared_by == person))
        statement = (
            _DUE_ACTION.where(LkActionRow.status == "open", LkActionRow.due_on <= day,
                              LkRow.status == LkStatus.IN_PROGRESS, whose)
            .order_by(LkActionRow.due_on, LkActionRow.id).limit(limit)
        )
        return [DueAction(*row) for row in await self._session.execute(statement)]

    async def lks_unnoticed(self, statuses: Sequence[str], before: datetime, tz: ZoneInfo, limit: int
                            ) -> list[DueLk]:
        """LKs in one of ``statuses`` since before ``before`` whose waiting notice
        (``lk:<id>:<status>:<last change, local day>``) was not issued, newest first."""
        key = _text("lk:", LkRow.id, ":", LkRow.status, ":", self._local(LkRow.updated_at, tz, before))
        statement = (
            select(LkRow.id, LkRow.status, LkRow.updated_at, LkRow.prepared_by)
            .where(LkRow.status.in_(list(statuses)), LkRow.updated_at < require_aware(before), _not_noticed(key))
            .order_by(LkRow.updated_at.desc(), LkRow.id.desc()).limit(limit)
        )
        return [DueLk(*row) for row in await self._session.execute(statement)]

    async def previous_issued(self, key: str) -> datetime | None:
        """When the notice of ``key``'s series issued last before it went (None: never). A series' keys share all
        but their last part, an ISO day (``digest:group:2027-01-15``), so they sort in time: one step back along
        the primary key."""
        series = key.rsplit(":", 1)[0] + ":"
        statement = (
            select(DueNoticeRow.issued_at)
            .where(DueNoticeRow.key.startswith(series, autoescape=True), DueNoticeRow.key < key)
            .order_by(DueNoticeRow.key.desc()).limit(1)
        )
        return await self._session.scalar(statement)

    async def count_new_since(self, at: datetime) -> int:
        statement = select(func.count()).select_from(TicketRow).where(TicketRow.created_at >= require_aware(at))
        return int(await self._session.scalar(statement) or 0)

    # --- extensions ----------------------------------------------------------------------------------------
    async def add_extension(self, action_id: int, requested_by: int, old_due: date, new_due: date, reason: str,
                            at: datetime) -> ExtensionRequest:
        row = ExtensionRequestRow(action_id=action_id, requested_by=requested_by, old_due=old_due, new_due=new_due,
                                  reason=reason, status="pending", requested_at=require_aware(at))
        self._session.add(row)
        await self._session.flush()
        return _extension(row)

    async def extension(self, request_id: int) -> ExtensionRequest | None:
        row = await self._session.get(ExtensionRequestRow, request_id, populate_existing=True)
        return _extension(row) if row is not None else None

    async def extensions_of(self, action_id: int) -> list[ExtensionRequest]:
        statement = select(ExtensionRequestRow).where(ExtensionRequestRow.action_id == action_id).order_by(
            ExtensionRequestRow.id)
        return [_extension(row) for row in await self._session.scalars(statement)]

    async def decide_extension(self, request_id: int, status: str, by: int, at: datetime) -> ExtensionRequest | None:
        """Grant or refuse a pending request; None when it was decided already (the first decision stands)."""
        statement = select(ExtensionRequestRow).where(ExtensionRequestRow.id == request_id).with_for_update()
        row = (await self._session.scalars(statement.execution_options(populate_existing=True))).one_or_none()
        if row is None or row.status != "pending":
            return None
        row.status, row.decided_by, row.decided_at = status, by, require_aware(at)
        await self._session.flush()
        return _extension(row)


def _due_ticket(row: Sequence[Any]) -> DueTicket:
    return DueTicket(*row)


def _extension(row: ExtensionRequestRow) -> ExtensionRequest:
    return ExtensionRequest(row.id, row.action_id, row.requested_by, row.old_due, row.new_due, row.reason, row.status,
                            row.requested_at, row.decided_by, row.decided_at)
