"""Fan-out: closing one LK linked to 1,000 tickets, and 50 notifications to one chat, under Telegram's limits.

Everything is the real thing: a migrated SQLite file, the monitor's "✔ Effective" press and response going
through ``process_update`` (the LK closes, its tickets resolve, the notices and rating requests are written
to the outbox in that one transaction), then the notifier with the aiogram port against the Bot API emulator
with its default, Telegram-like limits (30/s for the bot, 1/s per chat) until the outbox is empty. The staff
group is left out: each ticket's card edit there would go at the group's 20 a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import Figure, Size
from bot.aiogram_port import AiogramPort
from bot.emulator import BotApiEmulator
from bot.notifier import Notifier
from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.events import ButtonPress, InboundUpdate, IncomingMessage, User
from handlers.i18n import Translator
from handlers.processing import process_update
from storage.archive import ArchiveStore
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.records import LkRecord, NewLk, NewTicket
from storage.uow import SqlUnitOfWork

MONITOR = 800_001
FIRST_COMPLAINANT = 810_000
SINGLE_CHAT = 820_001
RECIPIENTS = {"tiny": 40, "full": 1_000}
TO_ONE_CHAT = {"tiny": 8, "full": 50}
BOT_RATE = 30.0
RESPONSE = "Transkrip sudah bisa diambil di loket BAPKM; prosedur tanda tangan dekan dipercepat."


def utc_now() -> datetime:
    return datetime.now(UTC)


class StampedPort(AiogramPort):
    """The real aiogram port, noting when each message was taken by the Bot API (monotonic seconds)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.delivered: list[tuple[float, int]] = []  # (when, chat_id)

    async def deliver(self, payload: dict[str, Any]) -> int | None:
        message_id = await super().deliver(payload)
        self.delivered.append((time.monotonic(), int(payload["chat_id"])))
        return message_id


@dataclass
class Rig:
    emulator: BotApiEmulator
    make_uow: Callable[[], SqlUnitOfWork]
    port: StampedPort
    notifier: Notifier
    #: Where the LK's PDF (attached to the closing notice) is put and read back from by the sender.
    archive: ArchiveStore
    close: list[Any] = field(default_factory=list)


@contextlib.asynccontextmanager
async def rig(folder: Path, name: str) -> Any:
    emulator = BotApiEmulator()  # default limits: Telegram's
    await emulator.start()
    engine = make_engine(f"sqlite+aiosqlite:///{folder / f'{name}.db'}")
    await upgrade(engine)
    sessions = make_session_factory(engine)
    archive = ArchiveStore(folder / f"{name}-archive")
    port = StampedPort(emulator.token, emulator.base_url, archive=archive)
    notifier = Notifier(port, lambda: SqlUnitOfWork(sessions), utc_now)
    try:
        yield Rig(emulator, lambda: SqlUnitOfWork(sessions), port, notifier, archive)
    finally:
        await port.close()
        await engine.dispose()
        await emulator.stop()


async def deliver_all(the_rig: Rig, expected: int, timeout: float) -> float:
    """Run the notifier until the emulator took ``expected`` messages and the outbox is empty; seconds taken."""
    started = time.monotonic()
    task = asyncio.create_task(the_rig.notifier.run())
    try:
        deadline = started + timeout
        # Waiting on the emulator, not the database: polling SQLite would take its write lock from the notifier.
        while len(the_rig.port.delivered) < expected and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        while time.monotonic() < deadline:
            async with the_rig.make_uow() as uow:
                if await uow.outbox.pending_count() == 0:
                    break
            await asyncio.sleep(0.2)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return time.monotonic() - started


async def prepare_lk(the_rig: Rig, recipients: int) -> int:
    """A monitor, ``recipients`` complainants with a ticket each in follow-up, one LK awaiting verification."""
    return (await lk_awaiting_verification(the_rig.make_uow, the_rig.emulator, recipients)).id


async def lk_awaiting_verification(make_uow: Callable[[], SqlUnitOfWork], emulator: BotApiEmulator,
                                   recipients: int) -> LkRecord:
    """:func:`prepare_lk` on any database and emulator; returns the LK."""
    now = utc_now()
    async with make_uow() as uow:
        monitor = await uow.persons.ensure_telegram(MONITOR, "Bench Monitor", "id")
        await uow.staff.grant(monitor.id, "monitor", by=None, at=now)
        ticket_ids = []
        for n in range(recipients):
            uid = FIRST_COMPLAINANT + n
            person = await uow.persons.ensure_telegram(uid, f"Mahasiswa {n}", "id" if n % 3 else "en")
            ticket = await uow.tickets.add(NewTicket(
                "complaint", "telegram", person.id, "transcript", None, f"transkrip saya belum terbit ({n})", None,
                {}, (), False, "in_followup", now))
            ticket_ids.append(ticket.id)
        lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP-AK-01", "Transkrip terlambat",
                                     "Tanda tangan dekan menumpuk", monitor.id, now, status="awaiting_verification"))
        await uow.lks.link(lk.id, ticket_ids)
        await uow.commit()
    for n in range(recipients):
        emulator.add_user(FIRST_COMPLAINANT + n, f"Mahasiswa {n}")
    emulator.add_user(MONITOR, "Bench Monitor")
    return lk


async def close_lk(the_rig: Rig, lk_id: int) -> float:
    """The monitor presses "✔ Effective" and writes the response: seconds the closing update took."""
    deps = Deps(catalogue=load_catalogue(), translator=Translator(), archive=the_rig.archive)
    user = User(MONITOR, "Bench Monitor", language_code="id")
    await process_update(InboundUpdate(1, ButtonPress(MONITOR, user, "cb1", f"lk:eff:{lk_id}", 1)),
                         the_rig.make_uow, deps)
    started = time.monotonic()
    done = await process_update(InboundUpdate(2, IncomingMessage(MONITOR, user, 2, RESPONSE)), the_rig.make_uow, deps)
    took = time.monotonic() - started
    if done.duplicate or not done.outbox_ids:
        raise RuntimeError("closing the LK queued nothing")
    return took


async def queued(the_rig: Rig) -> Counter[int]:
    async with the_rig.make_uow() as uow:
        return Counter(item.chat_id for item in await uow.outbox.due(datetime(2100, 1, 1, tzinfo=UTC), 100_000))


def rate(stamps: list[float]) -> float:
    return (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 and stamps[-1] > stamps[0] else 0.0


def lost_and_doubled(expected: Counter[int], emulator: BotApiEmulator) -> tuple[int, int]:
    got = {chat: len(emulator.messages(chat)) for chat in expected}
    lost = sum(max(0, n - got[chat]) for chat, n in expected.items())
    doubled = sum(max(0, got[chat] - n) for chat, n in expected.items())
    return lost, doubled


async def fanout(folder: Path, recipients: int) -> list[Figure]:
    async with rig(folder, "fanout") as the_rig:
        lk_id = await prepare_lk(the_rig, recipients)
        the_rig.emulator.calls.clear()
        closing = await close_lk(the_rig, lk_id)
        expected = await queued(the_rig)
        total = sum(expected.values())
        to_complainants = sum(n for chat, n in expected.items() if chat != MONITOR)
        took = await deliver_all(the_rig, total, timeout=30 + total / 20)
        stamps = sorted(t for t, _chat in the_rig.port.delivered)
        middle = stamps[len(stamps) // 10: len(stamps) * 9 // 10 + 1]  # without the opening burst and the tail
        answers = Counter(c.status for c in the_rig.emulator.calls if c.method == "sendMessage")
        lost, doubled = lost_and_doubled(expected, the_rig.emulator)
    overall, steady = rate(stamps), rate(middle)
    goal = 0.95 * BOT_RATE
    note = f"{total} messages ({to_complainants} to {recipients} complainants: notice + rating request each)"
    return [
        Figure("fanout", "close LK: update with its outbox rows", round(closing * 1000, 1), "ms", note=note),
        Figure("fanout", "messages/s, first to last delivery", round(overall, 2), "msg/s", f">= {goal:g}/s",
               overall >= goal, f"{total} messages in {stamps[-1] - stamps[0]:.1f} s (run {took:.1f} s)"),
        Figure("fanout", "messages/s, steady middle (10–90%)", round(steady, 2), "msg/s", f">= {goal:g}/s",
               steady >= goal),
        Figure("fanout", "429 answers", answers[429], "count", "0", answers[429] == 0,
               f"sendMessage answers: {dict(sorted(answers.items()))}"),
        Figure("fanout", "notifications lost", lost, "count", "0", lost == 0),
        Figure("fanout", "notifications sent twice", doubled, "count", "0", doubled == 0),
    ]


async def one_chat(folder: Path, count: int) -> list[Figure]:
    async with rig(folder, "one-chat") as the_rig:
        the_rig.emulator.add_user(SINGLE_CHAT, "Ayu")
        async with the_rig.make_uow() as uow:
            for n in range(1, count + 1):
                await uow.outbox.add(SINGLE_CHAT, {"op": "send", "chat_id": SINGLE_CHAT, "text": f"pesan {n}",
                                                   "buttons": []}, utc_now())
            await uow.commit()
        await deliver_all(the_rig, count, timeout=30 + 2 * count)
        stamps = sorted(t for t, _chat in the_rig.port.delivered)
        answers = Counter(c.status for c in the_rig.emulator.calls if c.method == "sendMessage")
        texts = [m.text for m in the_rig.emulator.messages(SINGLE_CHAT)]
    in_order = texts == [f"pesan {n}" for n in range(1, count + 1)]
    steady = rate(stamps[3:])  # after the pacer's burst of 3
    return [
        Figure("fanout", f"one chat: 429 answers ({count} messages)", answers[429], "count", "0", answers[429] == 0,
               f"delivered {len(texts)}, in order: {in_order}"),
        Figure("fanout", "one chat: messages/s after the burst", round(steady, 3), "msg/s", "<= 1/s",
               steady <= 1.0 + 1e-3, f"overall {rate(stamps):.3f}/s over {stamps[-1] - stamps[0]:.1f} s"),
    ]


async def run(size: Size) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-fanout-") as tmp:
        return await fanout(Path(tmp), RECIPIENTS[size]) + await one_chat(Path(tmp), TO_ONE_CHAT[size])
