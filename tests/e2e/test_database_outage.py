"""Issue #5: the database unavailable for 30 seconds; the bot tells users once, recovers by itself, loses nothing.

The real bot runs as a child process (``python -m bot.cli run|webhook``) against the emulator. The outage is
real too, made from outside the bot:

- SQLite: this test holds the database file's write lock (a separate ``sqlite3`` connection in
  ``BEGIN EXCLUSIVE``) for 30 s; the bot's transactions give up after its busy timeout ("database is locked");
- PostgreSQL: the shared server is not stopped (other tests use it); the bot reaches it through a TCP proxy
  in this test, which is cut for 30 s (its connections closed, new ones refused), then restored.

Meanwhile four students (two in Indonesian, two in English) press buttons and send messages. Each must get
exactly one notice in their language, and an alert on each button press; a fifth, whose replies were still
in the outbox when the database went, gets no notice and all his replies. Afterwards every update is
processed exactly once, the two tickets sent during the outage exist once, and every reply arrives once.
The test prints what it saw (run with -s, or -rA in CI).

Stacks: aiogram by long polling and python-telegram-bot by webhook (each on both databases), so both engines
and both modes are covered in four cases of 45 to 60 s each instead of eight.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Protocol

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.emulator import BotApiEmulator
from bot.outage import ALERT, NOTICE
from handlers.i18n import Translator
from tests.databases import POSTGRES_ENV, POSTGRES_URL, fresh_postgres
from tests.e2e import harness
from tests.e2e.harness import BotProcess, Person, Stack, free_port, settle, wait_until

pytestmark = pytest.mark.e2e
T = Translator()
OUTAGE = 30.0  # seconds, as the issue says
NOTICE_WITHIN = 20.0  # every student is told within this many seconds of writing
RECOVER_WITHIN = 15.0  # every reply is there this many seconds after the database is back
NEEDS_POSTGRES = pytest.mark.skipif(not POSTGRES_URL, reason=f"PostgreSQL tests need {POSTGRES_ENV}")
CASES = [
    pytest.param("sqlite", "aiogram", "polling", id="sqlite-aiogram-polling"),
    pytest.param("sqlite", "ptb", "webhook", id="sqlite-ptb-webhook"),
    pytest.param("postgres", "aiogram", "polling", id="postgres-aiogram-polling", marks=NEEDS_POSTGRES),
    pytest.param("postgres", "ptb", "webhook", id="postgres-ptb-webhook", marks=NEEDS_POSTGRES),
]


class Outage(Protocol):
    async def begin(self) -> None: ...

    async def end(self) -> None: ...


class LockedFile:
    """The SQLite file's write lock, held by another process's connection (this test's)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.connection: sqlite3.Connection | None = None

    async def begin(self) -> None:
        self.connection = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        await asyncio.to_thread(self.connection.execute, "BEGIN EXCLUSIVE")  # waits for a bot transaction

    async def end(self) -> None:
        assert self.connection is not None
        self.connection.execute("ROLLBACK")
        self.connection.close()
        self.connection = None


class CutProxy:
    """A TCP proxy from a local port to PostgreSQL; ``begin`` cuts it (connections closed, new ones refused)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.links: set[asyncio.StreamWriter] = set()
        self.cuts = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._link, "127.0.0.1", self.port)

    async def begin(self) -> None:
        assert self.server is not None
        self.server.close()  # the listening socket: new connections are refused
        for writer in list(self.links):
            writer.transport.abort()  # the established ones: reset
        self.cuts += len(self.links)
        self.links.clear()

    async def end(self) -> None:
        await self.start()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        for writer in list(self.links):
            writer.transport.abort()

    async def _link(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        try:
            server_in, server_out = await asyncio.open_connection(*self.target)
        except OSError:
            client_out.transport.abort()
            return
        self.links |= {client_out, server_out}
        try:
            await asyncio.gather(_pipe(client_in, server_out), _pipe(server_in, client_out))
        finally:
            self.links -= {client_out, server_out}


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        sink.transport.abort()


@contextlib.asynccontextmanager
async def database(kind: str, tmp_path: Path) -> AsyncIterator[tuple[str, str, Outage]]:
    """(the bot's URL, the test's own URL for checking, the outage to cause)."""
    if kind == "sqlite":
        path = tmp_path / "tanggap.db"
        url = f"sqlite+aiosqlite:///{path}"
        yield url, url, LockedFile(path)
        return
    async with fresh_postgres() as direct:
        target = make_url(direct)
        proxy = CutProxy(target.host or "127.0.0.1", target.port or 5432)
        await proxy.start()
        try:
            through = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            yield through, direct, proxy
        finally:
            await proxy.stop()


async def scalars(db_url: str, sql: str) -> list[int]:
    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            return [int(row[0]) for row in await conn.execute(text(sql))]
    finally:
        await engine.dispose()


async def reach_summary(student: Person, lang: str) -> None:
    """A suggestion drafted up to its summary, so that pressing Send during the outage files it."""
    _ = T.gettext(lang)
    await student.say("/new")
    await student.press(_("Suggestion"))
    await student.press(_("Other"))
    await student.say("Mohon tambah kursi di ruang tunggu." if lang == "id" else "More chairs in the waiting room.")
    await student.press(_("No attachment"))
    summary = await student.press(_("Stay anonymous"))
    assert _("✅ Send") in student.buttons(), summary[-1].text


@pytest.mark.parametrize(("kind", "engine", "mode"), CASES)
async def test_thirty_seconds_without_the_database(
    emulator: BotApiEmulator,
    tmp_path: Path,
    kind: str,
    engine: str,
    mode: str,
    report_counts: Callable[[str], None],
) -> None:
    stack = Stack(engine, mode)
    async with database(kind, tmp_path) as (bot_url, check_url, outage):
        harness.Person.db_url = check_url
        process = BotProcess(emulator, bot_url, tmp_path / "bot.log", stack)
        process.start()
        try:
            await wait_until(lambda: stack.ready(emulator), timeout=60)
            report_counts(await scenario(emulator, stack, check_url, outage, process))
        finally:
            harness.Person.db_url = None
            out = process.stop()
            print(f"--- bot log ({stack}, {kind}), last lines ---\n" + "\n".join(out.splitlines()[-15:]))


async def scenario(emulator: BotApiEmulator, stack: Stack, db_url: str, outage: Outage, process: BotProcess) -> str:
    """The outage with people writing through it; returns the counts it saw."""
    langs = {6001: "id", 6002: "en", 6003: "id", 6004: "en", 6005: "id"}
    ana, ben, citra, dewi, eko = (
        Person(emulator, uid, name, language=langs[uid])
        for uid, name in zip(langs, ("Ana", "Ben", "Citra", "Dewi", "Eko"), strict=True)
    )
    students = [ana, ben, citra, dewi]  # the ones who write during the outage
    _id, _en = T.gettext("id"), T.gettext("en")
    notice_texts = {_id(NOTICE), _en(NOTICE)}
    await reach_summary(ana, "id")
    await reach_summary(ben, "en")
    await citra.say("/start")
    await dewi.say("/start")
    sent_before = 2 * 6 + 2
    # Eko asks four things at once just before the outage: his updates commit, but the notifier paces his
    # chat (a burst of 3, then 1/s), so his fourth reply is still in the outbox when the database goes. The
    # cut comes after the first three were sent and recorded, before the fourth is due: a delivery in flight
    # at the cut is a case of its own (its outcome waits in the notifier; see bot/notifier.py).
    before = {s.id: len(s.inbox) for s in (*students, eko)}
    burst = [emulator.send_text(eko.id, text) for text in ("/help", "/my", "/help", "/my")]
    sent_before += len(burst)
    await until_processed(db_url, burst)
    await emulator.wait_for_message(eko.id, after=before[eko.id] + 2, timeout=10)
    await asyncio.sleep(0.2)
    assert await scalars(db_url, "SELECT count(*) FROM ticket") == [0]

    # --- the outage: 30 s; the students write and press meanwhile ---
    await outage.begin()
    down_at = time.monotonic()
    eko_at_cut = len(eko.inbox)
    during: dict[int, list[int]] = {
        ana.id: [emulator.press_button(ana.id, _id("✅ Send"))],
        ben.id: [emulator.press_button(ben.id, _en("✅ Send"))],
        citra.id: [emulator.send_text(citra.id, "halo"), emulator.send_text(citra.id, "/help")],
        dewi.id: [emulator.press_button(dewi.id, _en("📝 New complaint or suggestion"))],
    }
    presses = {ana.id: during[ana.id][0], ben.id: during[ben.id][0], dewi.id: during[dewi.id][0]}
    told_after: dict[int, float] = {}
    for student in students:
        await emulator.wait_for_message(
            student.id, after=before[student.id], timeout=NOTICE_WITHIN, predicate=lambda m: m.text in notice_texts
        )
        told_after[student.id] = round(time.monotonic() - down_at, 1)
    await asyncio.sleep(max(0.0, OUTAGE / 2 - (time.monotonic() - down_at)))
    for student in (ana, dewi):  # writing again in the same outage: no second notice
        during[student.id].append(emulator.send_text(student.id, "/my"))
    await asyncio.sleep(max(0.0, OUTAGE - (time.monotonic() - down_at)))
    assert process.proc is not None and process.proc.poll() is None, "the bot died during the outage"
    processed_while_down = len(await scalars(db_url, "SELECT update_id FROM processed_update")) - sent_before
    eko_while_down = len(eko.inbox) - eko_at_cut
    await outage.end()
    up_at = time.monotonic()

    # --- recovery: everything is answered, without anyone doing anything ---
    def answered() -> bool:
        return len(eko.inbox) >= before[eko.id] + 4 and all(
            len(s.inbox) >= before[s.id] + 1 + len(during[s.id]) for s in students
        )

    try:
        await wait_until(answered, timeout=RECOVER_WITHIN)
    except AssertionError:
        state = {s.id: [m.text for m in s.inbox[before[s.id] :]] for s in (*students, eko)}
        raise AssertionError(f"not answered {RECOVER_WITHIN} s after the database came back: {state}") from None
    answered_in = round(time.monotonic() - up_at, 1)
    await settle(emulator, db_url, timeout=30)
    await asyncio.sleep(1.0)  # anything sent twice would show now

    processed = await scalars(db_url, "SELECT update_id FROM processed_update ORDER BY update_id")
    tickets = await scalars(db_url, "SELECT count(*) FROM ticket")
    everything = [u for ids in during.values() for u in ids]
    notices = {s.id: [m.text for m in s.inbox if m.text in notice_texts] for s in (*students, eko)}
    alerts = {uid: emulator.callback(u) for uid, u in presses.items()}
    replies = {
        s.id: [m.text or "" for m in s.inbox[before[s.id] :] if m.text not in notice_texts] for s in (*students, eko)
    }
    report = (
        f"[{stack}, {'sqlite' if db_url.startswith('sqlite') else 'postgres'}, outage {OUTAGE:.0f} s] "
        f"{len(everything)} updates from {len(students)} students during the outage, "
        f"{processed_while_down} processed while down; notices per student "
        f"{ {uid: len(n) for uid, n in notices.items()} } (told after {told_after} s); "
        f"alerts {sum(q.show_alert for q in alerts.values())} of {len(presses)} presses; "
        f"processed_update rows {len(processed)} for {sent_before + len(everything)} updates sent; "
        f"tickets {tickets[0]}; replies per student { {uid: len(r) for uid, r in replies.items()} }; "
        f"Eko's replies {eko_at_cut - before[eko.id]} of 4 sent before the cut, {eko_while_down} during it, "
        f"the rest after; "
        f"everything answered {answered_in} s after the database came back"
    )

    assert processed_while_down == 0, report  # the outage was real
    assert eko_at_cut - before[eko.id] < 4, report  # Eko's last reply waited in the outbox
    # Exactly one notice for each student who wrote, in their language; none for Eko, who did not.
    assert notices == {s.id: [T.gettext(langs[s.id])(NOTICE)] for s in students} | {eko.id: []}, report
    # Every press is its chat's oldest update here, so the bot saw each during the outage in both modes
    # (by webhook the emulator, like Telegram, POSTs a chat's next update only after the last got its 2xx).
    for uid, query in alerts.items():
        assert (query.show_alert, query.answer_text) == (True, T.gettext(langs[uid])(ALERT)), report
    # Exactly once: every update recorded once, one ticket per Send, one reply per update, nothing lost.
    assert len(processed) == len(set(processed)) == sent_before + len(everything), report
    assert set(everything) <= set(processed), report
    assert tickets == [2], report
    thanks = (
        "Thank you! Your suggestion is recorded as <b>{number}</b>.\n"
        "The bureau reviews it and tells you here whether it is taken up."
    )
    numbers = set()
    for student in (ana, ben):
        head = T.gettext(langs[student.id])(thanks).split("<b>")[0]
        acks = [t for t in replies[student.id] if t.startswith(head)]
        assert len(acks) == 1, (acks, report)
        numbers |= set(re.findall(r"SAR-2026-\d{5}", acks[0]))
    assert numbers == {"SAR-2026-00001", "SAR-2026-00002"}, (numbers, report)
    for student in students:
        texts = replies[student.id]
        assert len(texts) == len(set(texts)) == len(during[student.id]), (student.id, texts, report)
    assert len(replies[eko.id]) == 4, (replies[eko.id], report)
    assert emulator.pending_updates() == 0 and await harness.outbox_pending(db_url) == 0, report
    return report


async def until_processed(db_url: str, update_ids: list[int], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not set(update_ids) <= set(await scalars(db_url, "SELECT update_id FROM processed_update")):
        assert time.monotonic() < deadline, "the updates were not processed"
        await asyncio.sleep(0.02)
