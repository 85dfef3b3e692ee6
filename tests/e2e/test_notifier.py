"""The notifier against the emulator over each engine's HTTP stack (aiogram, python-telegram-bot): limits kept,
faults survived, every op delivered."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import bot.notifier
from bot.emulator import BotApiEmulator
from bot.errors import RetryLater
from bot.notifier import Notifier
from bot.port import BotPort, make_port
from handlers.events import IncomingMessage
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.records import NewTicket
from storage.uow import SqlUnitOfWork

pytestmark = pytest.mark.e2e
GROUP = -100123


def now() -> datetime:
    return datetime.now(UTC)


class TimedPort:
    """A real engine's port, noting when each request started and which chats' requests timed out."""

    def __init__(self, port: BotPort) -> None:
        self.port = port
        self.started: list[tuple[float, dict[str, Any]]] = []
        self.timed_out: list[int] = []

    async def deliver(self, payload: dict[str, Any]) -> int | None:
        self.started.append((time.monotonic(), payload))
        try:
            return await self.port.deliver(payload)
        except RetryLater as exc:
            if "timeout" in str(exc).casefold() or "timed out" in str(exc).casefold():
                self.timed_out.append(int(payload["chat_id"]))
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.port, name)


@dataclass
class Row:
    chat_id: int
    status: str
    attempts: int
    last_error: str | None


@dataclass
class Rig:
    emulator: BotApiEmulator
    engine: AsyncEngine
    make_uow: Callable[[], SqlUnitOfWork]
    port: TimedPort
    notifier: Notifier

    async def queue(self, *items: tuple[int, dict[str, Any]]) -> list[int]:
        """Outbox rows in one transaction, as a use case writes them; then the notifier is woken."""
        async with self.make_uow() as uow:
            ids = [await uow.outbox.add(chat_id, payload, now()) for chat_id, payload in items]
            await uow.commit()
        self.notifier.wake()
        return ids

    async def rows(self) -> dict[int, Row]:
        async with self.engine.connect() as conn:
            result = await conn.execute(text("SELECT id, chat_id, status, attempts, last_error FROM outbox"))
            return {r.id: Row(r.chat_id, r.status, r.attempts, r.last_error) for r in result}

    async def settled(self, timeout: float = 20.0) -> dict[int, Row]:
        """Every row sent or failed (waits on the condition, never blindly)."""
        async def done() -> bool:
            return all(r.status != "pending" for r in (await self.rows()).values())

        await eventually(done, timeout)
        return await self.rows()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.05)


@pytest.fixture(params=["aiogram", "ptb"])
async def rig(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Rig]:
    # Telegram-like per-chat limit (1/s); one message more burst than the pacer's 3 absorbs network jitter.
    emulator = BotApiEmulator(per_chat_burst=4, per_chat_rate=1.0)
    await emulator.start()
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'notifier.db'}")
    await upgrade(engine)
    sessions = make_session_factory(engine)
    port = TimedPort(make_port(request.param, emulator.token, emulator.base_url, request_timeout=0.5))
    await port.start()
    notifier = Notifier(port, lambda: SqlUnitOfWork(sessions), now)  # type: ignore[arg-type]
    the_rig = Rig(emulator, engine, lambda: SqlUnitOfWork(sessions), port, notifier)
    task = asyncio.create_task(notifier.run())
    yield the_rig
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await port.close()
    await engine.dispose()
    await emulator.stop()


def note(chat_id: int, text: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    return chat_id, {"op": "send", "chat_id": chat_id, "text": text, "buttons": [], **extra}


async def test_forty_users_each_get_their_message_once_through_429_502_and_a_timeout(rig: Rig) -> None:
    emu = rig.emulator
    users = range(5001, 5041)
    for uid in users:
        emu.add_user(uid, f"User {uid}")
    emu.fail_next("sendMessage", 429, count=3, retry_after=1)
    emu.fail_next("sendMessage", 502, count=3)
    emu.delay_next("sendMessage", 1.5)  # longer than the port's 0.5 s timeout
    await rig.queue(*(note(uid, f"Tiket <b>KEL-2026-{uid:05d}</b> diterima") for uid in users))

    rows = await rig.settled()

    assert [r.status for r in rows.values()] == ["sent"] * 40
    answers = [c.status for c in emu.calls if c.method == "sendMessage"]
    assert (answers.count(502), answers.count(429) >= 3) == (3, True)
    timed_out = set(rig.port.timed_out)
    assert len(timed_out) == 1
    await emu.wait_idle(timeout=5)  # the timed-out request is still carried out, late
    for uid in users:
        texts = [m.text for m in emu.messages(uid)]
        # A request that timed out may have been taken: retrying it is the one way to send twice.
        assert texts == [f"Tiket KEL-2026-{uid:05d} diterima"] * (2 if uid in timed_out else 1), uid


async def test_one_chat_gets_its_messages_in_order_without_a_single_429(rig: Rig) -> None:
    rig.emulator.add_user(6001, "Ayu")
    rig.emulator.add_user(6002, "Bayu")
    await rig.queue(*(note(6001, f"pesan {n}") for n in range(1, 9)))
    await rig.queue(note(6002, "untuk Bayu"))

    await rig.emulator.wait_for_message(6002, timeout=5)
    assert len(rig.emulator.messages(6001)) < 5  # the busy chat does not hold up another one

    # Waiting on the emulator, not the database: polling SQLite here would take its write lock and delay
    # the notifier (the token bucket then lets the next message follow sooner, as Telegram's would).
    await rig.emulator.wait_for_message(6001, after=7, timeout=15)
    await rig.settled()

    assert [m.text for m in rig.emulator.messages(6001)] == [f"pesan {n}" for n in range(1, 9)]
    assert [c for c in rig.emulator.calls if c.status == 429] == []
    starts = [t for t, payload in rig.port.started if payload["chat_id"] == 6001]
    assert len(starts) == 8
    # After the burst of 3, one a second: the k-th message (from 0) no sooner than k - 2 seconds after the first.
    # (Not gap by gap: when the burst's third message is late, the fourth's token is due less than 1 s after it.)
    since_first = [t - starts[0] for t in starts]
    assert all(since_first[k] >= k - 2 - 0.05 for k in range(3, 8)), since_first


async def test_a_blocked_user_is_marked_unreachable_and_nobody_else_suffers(rig: Rig) -> None:
    emu = rig.emulator
    for uid in (7001, 7002, 7003):
        emu.add_user(uid, f"User {uid}")
    async with rig.make_uow() as uow:
        for uid in (7001, 7002, 7003):
            await uow.persons.ensure_telegram(uid, f"User {uid}")
        await uow.commit()
    emu.block(7002)
    ids = await rig.queue(note(7001, "satu"), note(7002, "dua"), note(7002, "dua lagi"), note(7003, "tiga"),
                          note(7003, "<b>unclosed"))

    rows = await rig.settled()

    assert [rows[i].status for i in ids] == ["sent", "failed", "failed", "sent", "failed"]
    assert (rows[ids[1]].last_error or "").startswith("unreachable: Forbidden: bot was blocked")
    rejected = rows[ids[4]].last_error or ""  # python-telegram-bot drops Telegram's "Bad Request: " prefix
    assert rejected.startswith("rejected: ") and "can't parse entities" in rejected.casefold()
    async with rig.make_uow() as uow:
        people = [await uow.persons.get_by_telegram_id(uid) for uid in (7001, 7002, 7003)]
    assert [p.unreachable for p in people if p] == [False, True, False]
    assert [m.text for m in emu.messages(7001)] == ["satu"]
    assert [m.text for m in emu.messages(7003)] == ["tiga"]
    assert emu.messages(7002) == []


async def test_a_row_is_given_up_after_max_attempts_and_kept(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.notifier, "MAX_ATTEMPTS", 2)
    rig.emulator.add_user(7101, "Budi")
    rig.emulator.fail_next("sendMessage", 500, count=2)
    [row_id] = await rig.queue(note(7101, "halo"))

    rows = await rig.settled()

    assert rows[row_id].status == "failed"
    assert rows[row_id].attempts == 2
    assert (rows[row_id].last_error or "").startswith("gave up after 2 attempts: ")
    assert rig.emulator.messages(7101) == []


async def new_ticket(rig: Rig) -> int:
    async with rig.make_uow() as uow:
        ticket = await uow.tickets.add(NewTicket(
            kind="complaint", channel="telegram", person_id=None, service_code="library", service_other=None,
            description="Ruang baca tutup lebih awal.", occurred_on=None, answers={}, attachments=(),
            anonymous=True, status="received", created_at=now(),
        ))  # fmt: skip
        await uow.commit()
    return ticket.id


async def card_of(rig: Rig, ticket_id: int) -> int | None:
    async with rig.make_uow() as uow:
        ticket = await uow.tickets.get(ticket_id)
    assert ticket is not None
    return ticket.card_message_id


def edit_card(ticket_id: int, text: str) -> tuple[int, dict[str, Any]]:
    buttons = [[["Ambil", f"take:{ticket_id}"]]]
    return GROUP, {"op": "edit_card", "chat_id": GROUP, "ticket_id": ticket_id, "text": text, "buttons": buttons}


async def test_the_staff_card_is_sent_then_edited_in_place(rig: Rig) -> None:
    emu = rig.emulator
    emu.add_group(GROUP, "Staff")
    ticket_id = await new_ticket(rig)
    await rig.queue(note(GROUP, "KEL-2026-00001 · <i>baru</i>", card_of=ticket_id,
                         buttons=[[["Ambil", f"take:{ticket_id}"]]]))
    await rig.settled()
    [card] = emu.messages(GROUP)
    assert await card_of(rig, ticket_id) == card.message_id

    ids = await rig.queue(edit_card(ticket_id, "KEL-2026-00001 · <i>dikonfirmasi</i>"))
    ids += await rig.queue(edit_card(ticket_id, "KEL-2026-00001 · <i>dikonfirmasi</i>"))  # not modified: fine
    rows = await rig.settled()

    assert [rows[i].status for i in ids] == ["sent", "sent"]
    [card] = emu.messages(GROUP)
    assert (card.text, card.edits) == ("KEL-2026-00001 · dikonfirmasi", 1)
    assert card.buttons == [[("Ambil", f"take:{ticket_id}")]]
    assert await card_of(rig, ticket_id) == card.message_id


async def test_a_card_never_delivered_is_sent_by_its_first_edit(rig: Rig) -> None:
    rig.emulator.add_group(GROUP, "Staff")
    ticket_id = await new_ticket(rig)

    await rig.queue(edit_card(ticket_id, "KEL-2026-00002 · ditugaskan"))
    await rig.settled()

    [card] = rig.emulator.messages(GROUP)
    assert (card.text, card.edits) == ("KEL-2026-00002 · ditugaskan", 0)
    assert await card_of(rig, ticket_id) == card.message_id


async def test_a_deleted_card_is_sent_again_by_the_next_edit(rig: Rig) -> None:
    rig.emulator.add_group(GROUP, "Staff")
    ticket_id = await new_ticket(rig)
    await rig.queue(note(GROUP, "KEL-2026-00004 · baru", card_of=ticket_id))
    await rig.settled()
    [old] = rig.emulator.messages(GROUP)
    await rig.port.bot.delete_message(GROUP, old.message_id)  # someone in the group deleted the card

    [row_id] = await rig.queue(edit_card(ticket_id, "KEL-2026-00004 · dikonfirmasi"))
    rows = await rig.settled()

    assert rows[row_id].status == "sent"
    live = [m for m in rig.emulator.messages(GROUP) if not m.deleted]
    assert [m.text for m in live] == ["KEL-2026-00004 · dikonfirmasi"]
    assert await card_of(rig, ticket_id) == live[0].message_id != old.message_id


async def test_files_are_sent_again_by_file_id_with_an_html_caption(rig: Rig) -> None:
    emu = rig.emulator
    emu.add_user(8001, "Citra")
    emu.add_user(8002, "Dewi")
    emu.send_photo(8001)
    emu.send_document(8001, "bukti.pdf")
    events = [u.event for u in await rig.port.get_updates(None, 0)]
    photo, document = (e.file for e in events if isinstance(e, IncomingMessage) and e.file is not None)

    await rig.queue(
        (8002, {"op": "send_file", "chat_id": 8002, "file_type": "photo", "file_id": photo.file_id,
                "caption": "Lampiran <b>KEL-2026-00003</b>"}),
        (8002, {"op": "send_file", "chat_id": 8002, "file_type": "document", "file_id": document.file_id,
                "caption": "Surat &amp; bukti"}),
    )  # fmt: skip
    rows = await rig.settled()

    assert [r.status for r in rows.values()] == ["sent", "sent"]
    sent = emu.messages(8002)
    assert [(m.kind, m.file_id, m.caption) for m in sent] == [
        ("photo", photo.file_id, "Lampiran KEL-2026-00003"),
        ("document", document.file_id, "Surat & bukti"),
    ]


async def test_aiogram_builds_its_answer_models_once_not_per_request() -> None:
    # aiogram parses each answer as Response[<result type>], which pydantic caches only weakly: without the
    # references bot/aiogram_port.py holds, a garbage collection between two sends freed it and the next send
    # built it again (seen: 300 sends, 300 builds of Response[Message]).
    import gc
    import weakref

    from aiogram import methods
    from aiogram.methods.base import Response

    async with BotApiEmulator(rate_limits=False) as emulator:
        emulator.add_user(5, "Ani", language_code="id")
        port = make_port("aiogram", "123456789:e2e-token-0123456789abcdef", emulator.base_url)
        try:
            await port.start()
            first = await port.deliver({"op": "send", "chat_id": 5, "text": "satu", "buttons": []})
            model = weakref.ref(Response[methods.SendMessage.__returning__])
            gc.collect()
            second = await port.deliver({"op": "send", "chat_id": 5, "text": "dua", "buttons": []})
            assert model() is not None and Response[methods.SendMessage.__returning__] is model()
        finally:
            await port.close()
    assert first is not None and second is not None and second > first
