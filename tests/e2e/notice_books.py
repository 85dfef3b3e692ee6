"""The books of due notices after a fault test: which were due, issued, sent, and doubled.

A notice is a ``due_notice`` row (its key); its messages are the outbox rows the engine queued in the same
transaction (``created_at`` equals the notice's ``issued_at``: both are the pass's moment), told apart within a pass
by who they go to and what they are about (the ticket, action or LK the key names, the digest's sign). What reached
Telegram is the emulator's log of accepted ``sendMessage`` calls, in order: a message delivered more times than it
was queued is doubled, and each extra delivery must straddle a restart after a kill (the one window no bot can
close: Telegram took it, the process died before recording that), at most one per chat per kill. The restart, not
the kill, marks the split: a request the killed process had already written may reach the emulator just after the
kill.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from sqlalchemy import select

from bot.emulator import BotApiEmulator
from domain.delivery import Priority
from handlers.due import Kind
from storage.database import make_engine, make_session_factory
from storage.models import DueNoticeRow, LkActionRow, LkRow, OutboxRow, PersonRow, TicketRow


@dataclass(frozen=True)
class Message:
    """An outbox row the engine queued."""

    id: int
    chat_id: int
    text: str
    status: str
    created_at: datetime


@dataclass
class World:
    """Who is who in the database: Telegram chats of persons, each action's LK, tickets' and LKs' numbers."""

    chats: dict[int, int] = field(default_factory=dict)  # person id → Telegram id
    action_lk: dict[int, int] = field(default_factory=dict)
    lks: dict[int, tuple[str, int | None, int | None]] = field(default_factory=dict)  # number, checked, approved
    tickets: dict[int, tuple[str, int | None]] = field(default_factory=dict)  # number, complainant

    def chat(self, person_id: int | None) -> int | None:
        return self.chats.get(person_id) if person_id is not None else None


def names(number: str, text: str) -> bool:
    """``text`` names ``number`` (``KEL-2026-00012``, not ``KEL-2026-000123``)."""
    return re.search(rf"(?<![\w-]){re.escape(number)}(?!\d)", text) is not None


def belongs(key: str, kind: str, message: Message, world: World) -> bool:
    """Whether ``message`` (queued in the same pass) is one of the notice ``key``'s."""
    parts, text, chat = key.split(":"), message.text, message.chat_id
    if kind in (Kind.OWNER_DIGEST, Kind.OFFICER_DIGEST):  # digest:owner:<person>:<day>
        return chat == world.chat(int(parts[2])) and text.startswith("🗓" if kind == Kind.OWNER_DIGEST else "📋")
    if kind == Kind.GROUP_DIGEST:
        return text.startswith("📊")
    if kind in (Kind.OVERDUE_REVIEWER, Kind.OVERDUE_APPROVER):  # action:<id>:overdue2:<due>
        _number, checked, approved = world.lks[world.action_lk[int(parts[1])]]
        signer = world.chat(checked if kind == Kind.OVERDUE_REVIEWER else approved)
        return text.startswith("⏰") and f"#{parts[1]} " in text and signer in (None, chat)
    if kind in (Kind.DATA_REQUEST_SOON, Kind.DATA_REQUEST_OVERDUE):  # pdp:<request id>:soon|overdue, to the admins
        return text.startswith("📮") and ("⚠️" in text) == (kind == Kind.DATA_REQUEST_OVERDUE)
    if kind in (Kind.LK_WAITING, Kind.LK_DRAFT, Kind.VERIFY_WAITING):  # lk:<id>:<status>:<since>
        return text.startswith("⏳") and names(world.lks[int(parts[1])][0], text)
    number, complainant = world.tickets[int(parts[1])]  # ticket:<id>:…
    if kind == Kind.CONFIRM_ESCALATION:
        return text.startswith("⏫") and names(number, text)
    if kind == Kind.UNREAD:
        return text.startswith("💬") and names(number, text)
    return chat == world.chat(complainant) and names(number, text)  # complainant late, rating reminder, auto-close


async def read(db_url: str) -> tuple[dict[str, tuple[str, datetime]], list[Message], World]:
    """The issued notices (key → kind, moment), the messages the engine queued, and the world."""
    engine = make_engine(db_url)
    try:
        async with make_session_factory(engine)() as session:
            issued = {r.key: (r.kind, r.issued_at) for r in await session.scalars(select(DueNoticeRow))}
            moments = {at for _kind, at in issued.values()}
            messages = [Message(r.id, r.chat_id, str(r.payload.get("text", "")), r.status, r.created_at)
                        for r in await session.scalars(select(OutboxRow).where(OutboxRow.priority == Priority.BULK))
                        if r.payload.get("op") == "send" and r.created_at in moments]
            world = World(
                {p.id: p.telegram_id for p in await session.scalars(select(PersonRow)) if p.telegram_id is not None},
                {a.id: a.lk_id for a in await session.scalars(select(LkActionRow))},
                {lk.id: (lk.number, lk.checked_by, lk.approved_by) for lk in await session.scalars(select(LkRow))},
                {t.id: (t.number, t.person_id) for t in await session.scalars(select(TicketRow))},
            )
    finally:
        await engine.dispose()
    return issued, messages, world


def deliveries(emulator: BotApiEmulator) -> dict[tuple[int, str], list[int]]:
    """Every message Telegram accepted, by (chat, text): the positions of its ``sendMessage`` calls in the log."""
    found: dict[tuple[int, str], list[int]] = defaultdict(list)
    for position, call in enumerate(emulator.calls):
        if call.method.casefold() == "sendmessage" and call.status == 200:
            found[(int(call.params["chat_id"]), str(call.params["text"]))].append(position)
    return found


def unexplained_doubles(extra: dict[int, list[tuple[int, int]]], restarts: Sequence[int]) -> list[str]:
    """Extra deliveries (per chat: the positions of the delivery before and of the one again) that no restart of the
    process explains: the first by the process that was killed (before the restart), the second by its successor
    (after it), and that restart not already explaining another extra delivery in the same chat."""
    left = []
    for chat, pairs in extra.items():
        used: set[int] = set()
        for before, again in sorted(pairs, key=lambda pair: pair[1]):
            restart = next((r for r in restarts if before < r <= again and r not in used), None)
            if restart is None:
                left.append(f"chat {chat}: delivered at {before} and again at {again}")
            else:
                used.add(restart)
    return left


@dataclass
class NoticeBooks:
    """The counts (printed by the tests) and the keys behind each problem (for the assertions' messages)."""

    counts: dict[str, int]
    missing: list[str]
    unforeseen: list[str]
    unsent: list[str]
    unexplained: list[str]


async def notice_books(db_url: str, emulator: BotApiEmulator, due: set[str], restarts: Sequence[int] = ()
                       ) -> NoticeBooks:
    """Compare the notices ``due`` (derived independently by the test) with what was issued and what reached the
    emulator; ``restarts``: positions in the emulator's call log at which a process killed before was started again
    (each marks the kill before it)."""
    issued, messages, world = await read(db_url)
    by_moment: dict[datetime, list[Message]] = defaultdict(list)
    for message in messages:
        by_moment[message.created_at].append(message)
    owners: Counter[int] = Counter()
    own: dict[str, list[Message]] = {}
    for key, (kind, at) in issued.items():
        own[key] = [m for m in by_moment[at] if belongs(key, kind, m, world)]
        owners.update(m.id for m in own[key])
    delivered = deliveries(emulator)
    queued = Counter((m.chat_id, m.text) for m in messages)
    extra: dict[int, list[tuple[int, int]]] = defaultdict(list)
    doubled: set[str] = set()
    for key, mine in own.items():
        for m in mine:
            times = delivered.get((m.chat_id, m.text), [])
            if len(times) > queued[(m.chat_id, m.text)]:
                doubled.add(key)
                extra[m.chat_id] += list(pairwise(times))[queued[(m.chat_id, m.text)] - 1:]
    unsent = sorted(key for key, mine in own.items() if not mine or any(
        m.status != "sent" or len(delivered.get((m.chat_id, m.text), [])) < queued[(m.chat_id, m.text)]
        for m in mine))
    counts = {
        "notices due": len(due),
        "notices issued": len(issued),
        "notices due but not issued": len(due - issued.keys()),
        "notices issued but not foreseen": len(issued.keys() - due),
        "notices without a message": sum(1 for mine in own.values() if not mine),
        "notice messages": len(messages),
        "notice messages of no notice or of two": sum(1 for m in messages if owners[m.id] != 1),
        "notice messages queued twice": sum(n - 1 for n in queued.values() if n > 1),
        "notices sent": len(issued) - len(unsent),
        "notices doubled": len(doubled),
        "notice messages delivered twice": sum(len(pairs) for pairs in extra.values()),
        "notice doubles beyond one per chat per kill": len(unexplained := unexplained_doubles(extra, restarts)),
        "notice chats": len({m.chat_id for m in messages}),
    }
    return NoticeBooks(counts, sorted(due - issued.keys()), sorted(issued.keys() - due), unsent, unexplained)


def assert_each_notice_once(books: NoticeBooks) -> None:
    """Every notice due was issued, and nothing else; each went out (its messages all reached Telegram); none twice
    except where a kill explains it; every message the engine queued belongs to exactly one notice."""
    counts = books.counts
    assert counts["notices due"] > 0
    assert counts["notices due but not issued"] == 0, books.missing[:20]
    assert counts["notices issued but not foreseen"] == 0, books.unforeseen[:20]
    assert counts["notices without a message"] == 0
    assert counts["notice messages of no notice or of two"] == 0
    assert counts["notice messages queued twice"] == 0
    assert counts["notices sent"] == counts["notices issued"], books.unsent[:20]
    assert counts["notice doubles beyond one per chat per kill"] == 0, books.unexplained[:20]
