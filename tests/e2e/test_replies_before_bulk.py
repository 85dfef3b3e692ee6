"""Replies before bulk (issue 12 §0): while the notifier works through a fan-out of 2,000 notices at Telegram's
30 messages a second, a reply queued for a student goes out among the next few sends, not after the fan-out;
a fan-out recipient's own reply overtakes the bulk still waiting for their chat, whose order holds.

The real notifier and each engine's HTTP stack against the emulator with Telegram's limits. No timing is
asserted: what counts is the order in which the emulator took the messages.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.emulator import BotApiEmulator
from bot.notifier import Notifier
from bot.port import BotPort, make_port
from handlers.events import OutMessage
from handlers.outbound import write_outbound
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork

pytestmark = pytest.mark.e2e
FAN_OUT_CHATS = range(900_001, 902_001)  # 2,000 complainants told that their LK is closed
KEEN = 950_001  # a fan-out recipient with many bulk messages of their own still waiting
STUDENT = 950_002  # a student filing, not in the fan-out
OFFICER = 950_003  # told of the student's new ticket: a notice
KEEN_BULK = 30


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Rig:
    emulator: BotApiEmulator
    engine: AsyncEngine
    make_uow: Callable[[], SqlUnitOfWork]
    notifier: Notifier
    taken: list[int] = field(default_factory=list)  # chat of each message the emulator took, in that order

    async def write(self, outbound: Sequence[OutMessage], replying_to: Sequence[int] = ()) -> int:
        """Queue as an update's transaction does; returns how many messages the emulator had taken at the commit."""
        async with self.make_uow() as uow:
            await write_outbound(uow, outbound, now(), replying_to=replying_to)
            await uow.commit()
            taken = len(self.taken)
        self.notifier.wake()
        return taken

    def texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.emulator.messages(chat_id)]


@pytest.fixture(params=["aiogram", "ptb"])
async def rig(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Rig]:
    emulator = BotApiEmulator()  # Telegram's limits: 30/s for the bot, 1/s per chat
    await emulator.start()
    for uid in (*FAN_OUT_CHATS, KEEN, STUDENT, OFFICER):
        emulator.add_user(uid, f"User {uid}")
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'priority.db'}")
    await upgrade(engine)
    sessions = make_session_factory(engine)
    port: BotPort = make_port(request.param, emulator.token, emulator.base_url)
    await port.start()
    notifier = Notifier(port, lambda: SqlUnitOfWork(sessions), now)
    the_rig = Rig(emulator, engine, lambda: SqlUnitOfWork(sessions), notifier)
    remove = emulator.on_bot_output(the_rig.taken.append)
    task = asyncio.create_task(notifier.run())
    yield the_rig
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    remove()
    await port.close()
    await engine.dispose()
    await emulator.stop()


async def until(check: Callable[[], bool], timeout: float) -> None:
    async with asyncio.timeout(timeout):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def test_a_reply_queued_during_a_fan_out_of_2000_notices_goes_out_among_the_next_sends(rig: Rig) -> None:
    fan_out = [OutMessage(KEEN, f"pemberitahuan {n}") for n in range(1, KEEN_BULK + 1)]
    fan_out += [OutMessage(chat, f"LK-2026-001 ditutup untuk {chat}") for chat in FAN_OUT_CHATS]
    await rig.write(fan_out)  # nobody's reply: more than FAN_OUT chats told, so all of it is bulk
    await until(lambda: len(rig.taken) >= 60, timeout=30)  # the fan-out is going at the bot-wide limit

    at_commit = await rig.write([OutMessage(STUDENT, "Tiket KEL-2026-00042 diterima"),
                                 OutMessage(STUDENT, "Ada lagi yang bisa dibantu?"),
                                 OutMessage(OFFICER, "Tiket baru: KEL-2026-00042")], replying_to=[STUDENT])
    await rig.write([OutMessage(KEEN, "Status tiket Anda: selesai")], replying_to=[KEEN])
    await until(lambda: KEEN in rig.taken[at_commit:] and rig.taken.count(STUDENT) == 2 and OFFICER in rig.taken, 30)
    await until(lambda: len(rig.texts(KEEN)) >= rig.texts(KEEN).index("Status tiket Anda: selesai") + 3, 30)

    sends_before_reply = rig.taken.index(STUDENT) - at_commit
    sends_before_second = len(rig.taken) - 1 - rig.taken[::-1].index(STUDENT) - at_commit
    sends_before_notice = rig.taken.index(OFFICER) - at_commit
    assert sends_before_reply <= 20, sends_before_reply  # replies take the next tokens, not the fan-out's
    assert sends_before_notice <= 21, sends_before_notice  # a notice goes before bulk too
    assert sends_before_second <= 22, sends_before_second  # the reply's next message follows as soon as it may
    fan_out_sent = sum(1 for chat in rig.taken if chat in FAN_OUT_CHATS)
    assert fan_out_sent < len(FAN_OUT_CHATS) // 2, fan_out_sent  # long before the fan-out is done

    keen = rig.texts(KEEN)
    reply_at = keen.index("Status tiket Anda: selesai")
    bulk = [t for t in keen if t != "Status tiket Anda: selesai"]
    assert bulk == [f"pemberitahuan {n}" for n in range(1, len(bulk) + 1)]  # their bulk in order, none twice
    assert 0 < reply_at < len(keen) - 1 and len(bulk) < KEEN_BULK  # the reply overtook the bulk still waiting
    assert [rig.texts(chat) for chat in (STUDENT, OFFICER)] == [
        ["Tiket KEL-2026-00042 diterima", "Ada lagi yang bisa dibantu?"], ["Tiket baru: KEL-2026-00042"]]
    for chat in FAN_OUT_CHATS:
        assert rig.texts(chat) in ([], [f"LK-2026-001 ditutup untuk {chat}"])
    assert [c for c in rig.emulator.calls if c.status == 429] == []
