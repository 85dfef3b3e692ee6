"""Hostile input, as properties (issue #5): whatever anyone sends — any text, forged button data, other people's
ticket numbers, commands in the middle of a dialog — the bot never crashes, answers in valid HTML within
Telegram's limits, reveals nothing of anyone else and leaves the database consistent.

Each property builds one database (SQLite, and PostgreSQL when ``TANGGAP_TEST_POSTGRES_URL`` is set) holding a
staff and a *victim* whose tickets, LK and action carry unique markers, then lets Hypothesis drive
``process_update`` on it through :class:`Desk`, inside one event loop. A crash is an update answered with the
apology (``process_update`` caught an exception: logged at ERROR) or an exception out of ``process_update``
(a database error: Telegram would deliver that update again for ever).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import warnings
from collections.abc import Coroutine, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from itertools import pairwise
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning
from sqlalchemy import text as sql

from bot.emulator.html import HtmlParseError, parse_html, utf16_len
from dialogs import action_draft, intake, lk_draft, staff_intake
from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import QuestionKind
from dialogs.draft import Draft
from dialogs.workflow import COMPLAINT_MOVES, SUGGESTION_MOVES, can_move, lk_move_roles
from domain.vocabulary import LkStatus, Role
from handlers import pending
from handlers.asking import PENDING
from handlers.catalogue_loader import load_catalogue
from handlers.commands import STAFF_COMMANDS, STUDENT_COMMANDS
from handlers.events import ButtonPress, FileRef, IncomingMessage, User
from handlers.i18n import Translator
from handlers.staff import staff_dialogs
from handlers.staff.buttons import STAFF_BUTTONS, split
from storage.database import make_engine, make_session_factory
from storage.records import NewAction, NewLk, NewTicket, TicketRecord
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, STAFF_GROUP, Desk

T = TypeVar("T")
TRANSLATOR = Translator()
APOLOGIES = {
    TRANSLATOR.gettext(code)("Sorry, something went wrong on our side. Please try again.") for code in ("en", "id")
}
MAX_TEXT, MAX_CAPTION, MAX_CALLBACK_ANSWER, MAX_CALLBACK_DATA = 4096, 1024, 200, 64
TODAY = date(2026, 11, 25)

ADMIN, OFFICER, REVIEWER, APPROVER, MONITOR = 9001, 9002, 9003, 9004, 9005
STAFF = {OFFICER: Role.OFFICER, REVIEWER: Role.REVIEWER, APPROVER: Role.APPROVER, MONITOR: Role.MONITOR}
VICTIM = 5001
VICTIM_NAME = "Kartika Qwyxzova"
MARKER = "QZXMARK"  # in everything the victim wrote
MARKERS = (MARKER, VICTIM_NAME, "Qwyxzova")
NUMBER = re.compile(r"^(KEL|SAR)-\d{4}-\d{5}$")

# --- what hostile people type ---------------------------------------------------------------------------------
CHARS = st.characters(blacklist_categories=("Cs",))  # any code point but lone surrogates: Telegram sends UTF-8
NAME_CHARS = st.characters(blacklist_categories=("Cs", "Cc"))
TRICKS = (
    "<", ">", "&", "&amp;", "&lt;", "&#60;", "&#x3c;", "&nbsp;", "&bogus;", "&#0;", "&#xd800;", "&#1114112;",
    "<b>", "</b>", "<i>", "</i>", '<a href="http://x">', "</a>", "<code>", "<pre>", "<tg-spoiler>", "<script>",
    "<!--", "<br/>", "<<", "&&", "*bold*", "_it_", "`code`", "```pre```", "[link](http://x)", "||spoiler||",
    "{", "}", "{0}", "{number}", "{n}", "%s", "%(name)s", "\\", "\x00", "\x1b[31m", "\r\n", "\t", "\u2028",
    "\u202e", "\u202b", "\u200f", "\u200e", "\u2066", "\u200b", "\ufeff", "🙂", "👨‍👩‍👧‍👦", "🏳️‍🌈", "𝕏",
    "Z̴̢͎̈́a̷l̸g̶o̵", "ﷺ", "ß", "İ", "ﬁ", "٣", "²", "KEL-2026-00001", "SAR-2026-00001", "LK-2026-001", "/start",
    "/cancel", "/new", "@tanggap_bot", "in:summary:send", "tk:take:1", "1", "-1", "99999999999999999999",
)  # fmt: skip
UNITS = st.one_of(
    st.sampled_from(["a", "&", "<", "🙂", "<b>", "&amp;", "x ", "\u202e", "𝕏 ", "é", "\x00"]),
    st.text(CHARS, min_size=1, max_size=4),
)
# lengths at the limits the bot checks (texts 10–3000, answers 300, names 120, 256 columns, summaries 1500–2000)
EDGES = (
    2, 3, 5, 9, 10, 11, 60, 100, 120, 121, 255, 256, 257, 299, 300, 301, 1000, 1001, 1500, 2000, 2999, 3000, 3001, 4096,
)  # fmt: skip


def _repeat(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def hostile_texts(max_size: int = 20_000) -> st.SearchStrategy[str]:
    mixed = st.lists(st.one_of(st.text(CHARS, max_size=30), st.sampled_from(TRICKS)), max_size=12).map("".join)
    at_edges = st.builds(_repeat, UNITS, st.sampled_from([e for e in EDGES if e <= max_size]))
    long = st.builds(
        lambda head, unit, n: (head + _repeat(unit, n))[:max_size],
        st.text(CHARS, max_size=20),
        UNITS,
        st.integers(1, max_size),
    )
    commandish = st.builds("/{}{}".format, st.text(CHARS, max_size=12), st.sampled_from(TRICKS))
    return st.one_of(st.text(CHARS, max_size=200), mixed, commandish, at_edges, long)


TEXTS = hostile_texts()
NAMES = st.one_of(
    st.text(NAME_CHARS, min_size=1, max_size=64),
    st.lists(st.sampled_from([t for t in TRICKS if t.isprintable()]), min_size=1, max_size=6)
    .map("".join)
    .map(lambda s: s[:64]),
)
LANGUAGES = st.sampled_from(["en", "id", None, "xx", "en-GB"])
BAD_IDS = st.sampled_from([
    "0", "00001", "-1", "+1", " 1", "1 ", "1.0", "0x1", "1e3", "#1", "", "-", "²", "³", "¹", "١", "１", "߁", "१",
    str(2**31), str(2**63 - 1), str(2**63), str(2**64), "9" * 30, "-" + "9" * 30,
])  # fmt: skip
"""Numbers as a forged button or a command may carry them: signs, spaces, other scripts' digits, huge ones."""
IDS = st.one_of(BAD_IDS, st.integers(-3, 12).map(str), st.text(CHARS, max_size=8))


# --- what Telegram would refuse ---------------------------------------------------------------------------------
def html_problem(text: str, limit: int, *, empty_ok: bool = False) -> str | None:
    """Why Telegram (parse_mode HTML) would refuse this text, or None."""
    try:
        plain, _entities = parse_html(text, strict_entities=True)
    except HtmlParseError as exc:
        return f"bad HTML: {exc}"
    plain = plain.strip()
    if not plain and not empty_ok:
        return "empty text"
    if utf16_len(plain) > limit:
        return f"too long: {utf16_len(plain)} > {limit} UTF-16 units"
    return None


def payload_problems(payload: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    op = payload.get("op")
    if op in ("send", "edit_card"):
        problem = html_problem(str(payload.get("text", "")), MAX_TEXT)
        if problem:
            problems.append(problem)
        for row in payload.get("buttons") or []:
            for label, data in row:
                if not str(label).strip():
                    problems.append(f"button without a label ({data!r})")
                if len(str(data).encode("utf-8")) > MAX_CALLBACK_DATA:
                    problems.append(f"callback data over 64 bytes: {data!r}")
    elif op == "send_file":
        problem = html_problem(str(payload.get("caption", "")), MAX_CAPTION, empty_ok=True)
        if problem:
            problems.append("caption: " + problem)
    elif op != "clear_buttons":
        problems.append(f"unknown op {op!r}")
    return problems


def visible(payload: dict[str, Any]) -> str:
    """Everything of a payload someone can read: text, caption, button labels and data."""
    parts = [str(payload.get("text", "")), str(payload.get("caption", ""))]
    parts += [f"{label} {data}" for row in payload.get("buttons") or [] for label, data in row]
    return "\n".join(parts)


def shown_unescaped(typed: str, html: str) -> str | None:
    """A piece of what the person typed that the bot put into its HTML unescaped (so it does not read as typed)."""
    typed = typed.strip()
    try:
        plain, _entities = parse_html(html)
    except HtmlParseError:
        return None  # reported as bad HTML already
    for size in {len(typed), 100, 80, 60, 30}:
        piece = typed[:size]
        if ("<" in piece or "&" in piece) and len(piece.strip()) >= 6 and piece in html and piece not in plain:
            return piece
    return None


# --- the answer to one update -----------------------------------------------------------------------------------
def short(value: object, size: int = 400) -> str:
    """A repr for a failure message: long texts would bury it."""
    text = repr(value)
    return text if len(text) <= size else f"{text[: size // 2]} … {text[-size // 2 :]} ({len(text)} chars)"


@dataclass
class Answer:
    event: IncomingMessage | ButtonPress
    payloads: list[dict[str, Any]]
    callback: str | None

    def to(self, chat_id: int) -> list[str]:
        return [str(p.get("text", "")) for p in self.payloads if p.get("op") == "send" and p["chat_id"] == chat_id]

    def readable(self) -> str:
        return "\n".join([*(visible(p) for p in self.payloads), self.callback or ""])

    def masked(self) -> tuple[tuple[str, ...], str]:
        """What was said, with every digit masked: answers about two numbers differing only in digits compare."""
        said = tuple(mask_digits(json.dumps(p, ensure_ascii=False, sort_keys=True)) for p in self.payloads)
        return said, mask_digits(self.callback or "")


def mask_digits(text: str) -> str:
    return re.sub(r"\d", "#", text)


class ErrorLog(logging.Handler):
    """The errors ``process_update`` logs when it answers with the apology."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class World:
    """One database for a whole property: the staff, a victim with tickets, an LK and an action, and a desk."""

    url: str
    runner: asyncio.Runner = field(default_factory=asyncio.Runner)
    errors: ErrorLog = field(default_factory=ErrorLog)
    fresh_ids: Iterator[int] = field(default_factory=lambda: iter(range(100_000, 10**9)))
    victim_tickets: list[TicketRecord] = field(default_factory=list)
    victim_lk: tuple[int, str] = (0, "")
    victim_action: int = 0
    person_ids: dict[int, int] = field(default_factory=dict)  # telegram id -> person id
    trace: list[str] = field(default_factory=list)  # the updates of the current example, for failure messages

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coroutine)

    @contextmanager
    def opened(self) -> Iterator[World]:
        logger = logging.getLogger("handlers.processing")
        logger.addHandler(self.errors)
        with self.runner:
            self.engine = make_engine(self.url)
            self.desk = Desk(lambda: SqlUnitOfWork(make_session_factory(self.engine)), admins=frozenset({ADMIN}))
            try:
                self.run(self._populate())
                yield self
            finally:
                self.run(self.engine.dispose())
                logger.removeHandler(self.errors)

    def uow(self) -> SqlUnitOfWork:
        return self.desk.make_uow()

    # --- talking to the bot ---------------------------------------------------------------------------------
    async def deliver(self, event: IncomingMessage | ButtonPress) -> Answer:
        """One update through ``process_update``; fails on a crash or on anything Telegram would refuse."""
        logged = len(self.errors.records)
        what = (
            f"{event.user.id} says {short(event.text, 160)}"
            if isinstance(event, IncomingMessage)
            else f"{event.user.id} presses {short(event.data, 160)}"
        )
        self.trace.append(
            what
            + (f" (with a file: {short(event.file, 160)})" if isinstance(event, IncomingMessage) and event.file else "")
            + ("" if event.chat_id > 0 else " in the staff group")
        )
        done, payloads = await self.desk._run(event)  # a database error propagates here: the test fails
        answer = Answer(event, payloads, done.callback_answer)
        crashes = [
            r.getMessage() + "\n" + (logging.Formatter().formatException(r.exc_info) if r.exc_info else "")
            for r in self.errors.records[logged:]
        ]
        assert not crashes, f"{short(event)} crashed:\n" + "\n".join(crashes)
        assert not any(apology in answer.readable() for apology in APOLOGIES), f"{short(event)} got the apology"
        problems = [f"{problem} in {short(p)}" for p in payloads for problem in payload_problems(p)]
        assert not problems, f"{short(event)}: Telegram would refuse: " + "; ".join(problems)
        if answer.callback is not None:
            assert len(answer.callback) <= MAX_CALLBACK_ANSWER, f"{short(event)}: callback answer too long"
        return answer

    async def say(self, user: User, text: str, *, chat: int | None = None, file: FileRef | None = None) -> Answer:
        chat_id = user.id if chat is None else chat
        event = IncomingMessage(chat_id, user, next(self.fresh_ids), text, file=file, private=chat_id > 0)
        answer = await self.deliver(event)
        if chat_id > 0:
            assert answer.to(chat_id), f"{short(event)} got no answer"
        for payload in answer.payloads:
            piece = shown_unescaped(text, str(payload.get("text") or payload.get("caption") or ""))
            assert piece is None, f"{short(event)}: {piece!r} was put into the HTML unescaped: {short(payload)}"
        return answer

    async def steps(self, user: User, *steps: str) -> Answer:
        """Real steps in a row: ``prefix:step:value`` presses that button, anything else is typed."""
        answer = None
        for step in steps:
            pressed = re.match(r"^(in|si|ld|ac):", step)
            answer = await (self.press(user, step) if pressed else self.say(user, step))
        assert answer is not None
        return answer

    async def press(self, user: User, data: str, *, chat: int | None = None) -> Answer:
        chat_id = user.id if chat is None else chat
        return await self.deliver(ButtonPress(chat_id, user, f"cb{next(self.fresh_ids)}", data, next(self.fresh_ids)))

    # --- the world ------------------------------------------------------------------------------------------
    def newcomer(self, name: str = "", language: str | None = "en") -> User:
        telegram_id = next(self.fresh_ids)
        return User(telegram_id, name or f"Newcomer {telegram_id}", language_code=language)

    async def person_id(self, telegram_id: int) -> int:
        if telegram_id not in self.person_ids:
            async with self.uow() as uow:
                person = await uow.persons.get_by_telegram_id(telegram_id)
                assert person is not None
                self.person_ids[telegram_id] = person.id
        return self.person_ids[telegram_id]

    async def grant(self, user: User, roles: frozenset[Role]) -> None:
        async with self.uow() as uow:
            person = await uow.persons.ensure_telegram(user.id, user.full_name, user.language_code)
            for role in roles:
                await uow.staff.grant(person.id, role.value, by=None, at=NOW)
            await uow.commit()

    async def add_ticket(
        self,
        status: str,
        *,
        kind: str = "complaint",
        telegram_id: int | None = None,
        description: str = "Filed on paper: the transcript was late.",
    ) -> TicketRecord:
        async with self.uow() as uow:
            person = await uow.persons.get_by_telegram_id(telegram_id) if telegram_id is not None else None
            ticket = await uow.tickets.add(NewTicket(
                kind=kind, channel="letter", person_id=person.id if person else None, service_code="transcript",
                service_other=None, description=description, occurred_on=None, answers={}, attachments=(),
                anonymous=False, status=status, created_at=NOW,
            ))  # fmt: skip
            await uow.commit()
            return ticket

    async def add_lk(
        self,
        status: str,
        ticket_ids: list[int],
        *,
        description: str = "The transcript was late.",
        action: str | None = None,
    ) -> tuple[int, str, int]:
        async with self.uow() as uow:
            officer = await uow.persons.get_by_telegram_id(OFFICER)
            assert officer is not None
            lk = await uow.lks.add(
                NewLk(
                    "nonconformity",
                    "transcript",
                    "SOP PM-BAPKM.AP.1-05",
                    description,
                    f"Root cause: {description}",
                    officer.id,
                    NOW,
                    status=status,
                )
            )
            await uow.lks.link(lk.id, ticket_ids)
            added = await uow.lks.add_action(
                NewAction(lk.id, "corrective", action or description, officer.id, TODAY + timedelta(days=7), 1, NOW)
            )
            await uow.commit()
            return lk.id, lk.number, added.id

    async def _populate(self) -> None:
        admin = self.desk.user(ADMIN, "Admin Utama")
        for telegram_id, role in STAFF.items():
            await self.say(self.desk.user(telegram_id, f"Staff {role.value.title()}"), "/start")
            await self.say(admin, f"/staff add {telegram_id} {role.value}")
        victim = self.desk.user(VICTIM, VICTIM_NAME)
        await self.steps(victim, "/new", "in:kind:complaint", "in:service:transcript",
                         f"{MARKER}-1 my transcript request has waited three weeks", "in:files:done",
                         "in:when:yesterday", "01-11-2026", "in:q1:portal", "in:q2:yes", f"{MARKER}-2 the answer",
                         "in:anonymity:named", "in:summary:send")  # fmt: skip
        await self.steps(victim, "/new", "in:kind:suggestion", "in:service:tuition",
                         f"{MARKER}-3 please open a second payment counter", "in:files:done",
                         "in:anonymity:anonymous", "in:summary:send")  # fmt: skip
        followed = await self.add_ticket("in_followup", telegram_id=VICTIM, description=f"{MARKER}-4 followed up")
        await self.add_ticket("conforming", telegram_id=VICTIM, description=f"{MARKER}-5 concluded")
        lk_id, lk_number, self.victim_action = await self.add_lk(
            "awaiting_check", [followed.id], description=f"{MARKER}-6 LK", action=f"{MARKER}-7"
        )
        self.victim_lk = (lk_id, lk_number)
        async with self.uow() as uow:
            person = await uow.persons.get_by_telegram_id(VICTIM)
            assert person is not None
            self.victim_tickets = list(reversed(await uow.tickets.list_for_person(person.id)))
        assert len(self.victim_tickets) == 4 and all(MARKER in t.description for t in self.victim_tickets)

    # --- reading the database -------------------------------------------------------------------------------
    async def rows(self, query: str, **params: Any) -> list[tuple[Any, ...]]:
        async with self.engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(sql(query), params)]

    async def dialog(self, chat_id: int) -> tuple[str, str, dict[str, Any]] | None:
        async with self.uow() as uow:
            record = await uow.dialogs.get(chat_id)
        return (record.dialog, record.state, dict(record.data)) if record else None

    async def others(self, telegram_id: int) -> dict[str, list[tuple[Any, ...]]]:
        """Everything in the database that belongs to someone else than ``telegram_id`` (or to nobody)."""
        me = await self.rows("SELECT id FROM person WHERE telegram_id = :t", t=telegram_id)
        pid = me[0][0] if me else -1
        mine = "(SELECT id FROM ticket WHERE person_id = :p)"
        queries = {
            "person": "SELECT * FROM person WHERE id <> :p ORDER BY id",
            "staff_role": "SELECT * FROM staff_role ORDER BY person_id, role",
            "ticket": "SELECT * FROM ticket WHERE person_id IS NULL OR person_id <> :p ORDER BY id",
            "ticket_event": f"SELECT * FROM ticket_event WHERE ticket_id NOT IN {mine} ORDER BY id",
            "ticket_attachment": f"SELECT * FROM ticket_attachment WHERE ticket_id NOT IN {mine} ORDER BY id",
            "lk": "SELECT * FROM lk ORDER BY id",
            "lk_ticket": "SELECT * FROM lk_ticket ORDER BY lk_id, ticket_id",
            "lk_action": "SELECT * FROM lk_action ORDER BY id",
            "lk_event": "SELECT * FROM lk_event ORDER BY id",
            "dialog_state": "SELECT * FROM dialog_state WHERE chat_id <> :t ORDER BY chat_id",
        }
        return {name: await self.rows(query, p=pid, t=telegram_id) for name, query in queries.items()}

    async def check_consistency(self) -> None:
        """What must hold after any update: numbered tickets with a lawful history, LKs likewise, live dialogs."""
        tickets = await self.rows("SELECT id, number, kind, status, duplicate_of, rating FROM ticket")
        events: dict[int, list[tuple[Any, ...]]] = {}
        for ticket_id, before, after in await self.rows(
            "SELECT ticket_id, from_status, to_status FROM ticket_event ORDER BY at, id"
        ):
            events.setdefault(ticket_id, []).append((before, after))
        statuses = {
            "complaint": {*COMPLAINT_MOVES, *(s for v in COMPLAINT_MOVES.values() for s in v)},
            "suggestion": {*SUGGESTION_MOVES, *(s for v in SUGGESTION_MOVES.values() for s in v)},
        }
        for ticket_id, number, kind, status, duplicate_of, rating in tickets:
            assert number and NUMBER.match(number), f"ticket {ticket_id} has no proper number: {number!r}"
            assert number[:3] == {"complaint": "KEL", "suggestion": "SAR"}[kind], (number, kind)
            assert status in statuses[kind], f"{number} is {status!r}"
            assert duplicate_of != ticket_id and (rating is None or 1 <= rating <= 5), number
            history = events.get(ticket_id, [])
            assert history and history[0][0] is None, f"{number} has no first event"
            for (_b, previous), (before, after) in pairwise(history):
                assert before == previous, f"{number}: the history skips from {previous} to {before}"
                assert after == before or can_move(kind, before, after), f"{number}: unlawful {before} → {after}"
            assert history[-1][1] == status, f"{number} is {status} but its history ends at {history[-1][1]}"
        lk_events: dict[int, list[tuple[Any, ...]]] = {}
        for lk_id, before, after in await self.rows(
            "SELECT lk_id, from_status, to_status FROM lk_event ORDER BY at, id"
        ):
            lk_events.setdefault(lk_id, []).append((before, after))
        for lk_id, number, status in await self.rows("SELECT id, number, status FROM lk"):
            assert status in set(LkStatus), f"{number} is {status!r}"
            history = lk_events.get(lk_id, [])
            assert history and history[0][0] is None and history[-1][1] == status, f"{number}: {history}, {status}"
            for (_b, previous), (before, after) in pairwise(history):
                assert before == previous and lk_move_roles(before, after), f"{number}: unlawful {before} → {after}"
        for chat_id, dialog, state, data in await self.rows("SELECT chat_id, dialog, state, data FROM dialog_state"):
            assert_live_dialog(chat_id, dialog, state, json.loads(data) if isinstance(data, str) else data)


def assert_live_dialog(chat_id: int, dialog: str, state: str, data: dict[str, Any]) -> None:
    """A stored dialog the router can continue."""
    if dialog == intake.DIALOG:
        assert state in {s.value for s in intake.Step} - {intake.Step.SENT.value}, (chat_id, state)
        Draft.from_dict(data)
    elif dialog in staff_dialogs.SPECS:
        assert staff_dialogs.SPECS[dialog].flow.restore(state, data.get("draft") or {}) is not None, (chat_id, state)
    else:
        assert dialog == PENDING and state in pending.HANDLERS, (chat_id, dialog, state)


SCALE = float(os.environ.get("TANGGAP_HOSTILE_SCALE", "1"))
"""Multiplies every property's number of examples: ``TANGGAP_HOSTILE_SCALE=20`` for a longer hunt."""
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
"""No shrinking: one example is a dozen database transactions, and shrinking one took minutes. A failure shows
the example's plan and the steps it took."""


@dataclass
class Plan:
    """Every random choice of one example, drawn before it starts: what the database holds cannot change what
    Hypothesis draws, so an example replays as it ran."""

    choices: list[int]
    texts: list[str]
    name: str
    language: str | None
    position: int = 0
    text_position: int = 0

    def pick(self, options: Sequence[T]) -> T:
        value = options[self.choices[self.position % len(self.choices)] % len(options)]
        self.position += 1
        return value

    def chance(self, one_in: int) -> bool:
        return self.pick(range(one_in)) == 0

    def hostile(self) -> str:
        text = self.texts[self.text_position % len(self.texts)]
        self.text_position += 1
        return text

    def __repr__(self) -> str:
        return (
            f"Plan(choices={self.choices}, texts={[short(t, 120) for t in self.texts]}, name={self.name!r}, "
            f"language={self.language!r})"
        )


PLANS = st.builds(
    Plan,
    choices=st.lists(st.integers(0, 2**16), min_size=64, max_size=64),
    texts=st.lists(TEXTS, min_size=4, max_size=4),
    name=NAMES,
    language=LANGUAGES,
)


class Drawn(dict[str, Any]):
    """The other values an example drew, shown shortened when it fails."""

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{key}: {short(value, 200)}" for key, value in self.items()) + "}"


def run_property(world: World, examples: int, body: Any, **strategies: st.SearchStrategy[Any]) -> None:
    """Run ``body(plan, **drawn)`` (a coroutine function) as a Hypothesis property in the world's event loop."""

    @settings(
        max_examples=max(1, round(examples * SCALE)),
        deadline=None,
        phases=PHASES,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(plan=PLANS, drawn=st.fixed_dictionaries(strategies).map(Drawn))
    def check(plan: Plan, drawn: Drawn) -> None:
        world.trace.clear()
        try:
            world.run(body(plan, **drawn))
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nsteps of this example:\n  " + "\n  ".join(world.trace)) from None

    with warnings.catch_warnings():  # a failing example's huge texts: let the failure be reported, not the warning
        warnings.filterwarnings("ignore", "Generating overly large repr", HypothesisWarning)
        check()


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    with World(db_url).opened() as opened:
        yield opened


# --- reaching a dialog state by real steps ------------------------------------------------------------------
CATALOGUE = load_catalogue()
SERVICES = [s.code for s in CATALOGUE.services] + ["other"]
DESCRIPTION = "The transcript I asked for three weeks ago is still not ready."
TYPED = {
    (staff_intake.DIALOG, "name"): "Budi Santoso",
    (staff_intake.DIALOG, "contact"): "081234567890",
    (staff_intake.DIALOG, "description"): "A letter: the transcript asked for in October is still not ready.",
    (staff_intake.DIALOG, "received"): "20-11-2026",
    (staff_intake.DIALOG, "agenda"): "1234/UN7.5/PP/2026",
    (staff_intake.DIALOG, "when"): "19-11-2026",
    (staff_intake.DIALOG, "question"): "01-10-2026",
    (lk_draft.DIALOG, "description"): "Transcripts were issued three weeks after the request instead of five days.",
    (lk_draft.DIALOG, "procedure"): "SOP PM-BAPKM.AP.1-05",
    (lk_draft.DIALOG, "root_cause"): "Nobody watched the queue of requests while the clerk was on leave.",
    (action_draft.DIALOG, "description"): "Check the queue of transcript requests every morning.",
    (action_draft.DIALOG, "due"): "31-12-2026",
}
"""What a person types at the staff dialogs' steps that ask for text."""


def plausible(plan: Plan, ordinary: str) -> str:
    """Usually the ordinary answer, sometimes a hostile one (which the step may refuse: then it is asked again)."""
    return plan.hostile() if plan.chance(2) else ordinary


async def walk_intake(world: World, user: User, plan: Plan) -> None:
    """Take the person a random number of real steps into the intake dialog (/new …), possibly none."""
    kind, service = plan.pick(["complaint", "suggestion"]), plan.pick(SERVICES)
    for _step in range(plan.pick(range(15))):
        found = await world.dialog(user.id)
        state = found[1] if found and found[0] == intake.DIALOG else None
        draft = Draft.from_dict(found[2]) if found and state else Draft()
        if state is None:
            await (world.say(user, "/new") if plan.chance(2) else world.press(user, "m:new"))
        elif state == "kind":
            await world.press(user, f"in:kind:{kind}")
        elif state == "service":
            chosen = CATALOGUE.get(service)
            if chosen is None or plan.chance(2):
                await world.press(user, f"in:service:{service}")
            else:
                await world.say(user, chosen.display_name(plan.pick(["en", "id"])))
        elif state == "description":
            await world.say(user, plausible(plan, DESCRIPTION))
        elif state in ("files", "when"):
            await world.press(
                user, f"in:{state}:" + ("done" if state == "files" else plan.pick(["today", "yesterday", "unknown"]))
            )
        elif state == "question":
            chosen = CATALOGUE.get(draft.service or "")
            assert chosen is not None
            question, key = chosen.questions[draft.question_index], f"in:q{draft.question_index}"
            if question.kind == QuestionKind.YESNO:
                await world.press(user, f"{key}:{plan.pick(['yes', 'no'])}")
            elif question.kind == QuestionKind.CHOICE:
                await world.press(user, f"{key}:{plan.pick([c.value for c in question.choices])}")
            elif question.kind == QuestionKind.DATE:
                await world.say(user, plan.pick(["20-11-2026", "1/11/2026", "kemarin"]))
            else:
                await world.say(user, plausible(plan, "Nobody answered my e-mails."))
        elif state == "anonymity":
            await world.press(user, f"in:anonymity:{plan.pick(['named', 'anonymous'])}")
        elif state == "summary":
            choice = plan.pick(["edit", "stay", "send"])
            if choice == "stay":
                return
            await world.press(user, f"in:summary:{choice}")
        elif state == "edit":
            part = plan.pick(["service", "description", "files", "when", "question", "anonymity", "back"])
            await world.press(user, f"in:edit:{part}")


def offered(answer: Answer, chat_id: int) -> list[str]:
    """The callback data of the buttons under the last message with buttons (« Back and ✖ Cancel aside)."""
    keyboards = [
        p["buttons"] for p in answer.payloads if p.get("op") == "send" and p["chat_id"] == chat_id and p.get("buttons")
    ]
    data = [d for row in keyboards[-1] for _label, d in row] if keyboards else []
    return [d for d in data if not d.endswith((":back", ":cancel"))]


async def walk_buttons(world: World, user: User, plan: Plan, answer: Answer, dialog: str) -> None:
    """Random real steps through a staff dialog: press a button the bot offers, or type what the step asks."""
    buttons = offered(answer, user.id)
    for _step in range(plan.pick(range(13))):
        found = await world.dialog(user.id)
        if found is None or found[0] != dialog:
            return
        typed = TYPED.get((dialog, found[1]))
        if typed is not None and (not buttons or plan.chance(2)):
            answer = await world.say(user, plausible(plan, typed))
        elif buttons:
            answer = await world.press(user, plan.pick(buttons))
        else:
            return
        buttons = offered(answer, user.id) or buttons


async def walk_staff(world: World, user: User, plan: Plan) -> None:
    """Take a staff member into a random dialog by real steps: a staff dialog, a pending question, or /new."""
    where = plan.pick(["intake", staff_intake.DIALOG, lk_draft.DIALOG, action_draft.DIALOG, PENDING, "none"])
    if where == "intake":
        await walk_intake(world, user, plan)
    elif where == staff_intake.DIALOG:
        await walk_buttons(world, user, plan, await world.say(user, "/intake"), where)
    elif where == lk_draft.DIALOG:
        ticket = await world.add_ticket("in_followup")
        await walk_buttons(world, user, plan, await world.say(user, f"/lk new {ticket.number}"), where)
    elif where == action_draft.DIALOG:
        ticket = await world.add_ticket("in_followup")
        _lk_id, number, _action = await world.add_lk(plan.pick(["draft", "in_progress"]), [ticket.id])
        await walk_buttons(world, user, plan, await world.say(user, f"/lk action add {number}"), where)
    elif where == PENDING:
        question = plan.pick(["tk:conf", "tk:rej", "tk:dup", "tk:acc", "tk:dec", "/reply", "/conforming",
                              "/duplicate", "lk:return", "lk:eff", "evidence"])  # fmt: skip
        chat = plan.pick([user.id, STAFF_GROUP])
        ticket = await world.add_ticket(
            "received", kind="suggestion" if question in ("tk:acc", "tk:dec") else "complaint"
        )
        if question.startswith("tk:"):
            await world.press(user, f"{question}:{ticket.id}", chat=chat)
        elif question.startswith("/"):
            await world.say(user, f"{question} {ticket.number}")
        else:
            status = {"lk:return": "awaiting_check", "lk:eff": "awaiting_verification"}.get(question, "in_progress")
            lk_id, _number, action = await world.add_lk(status, [ticket.id])
            if question == "evidence":
                await world.say(user, f"/lk action done {action}")
            else:
                await world.press(user, f"{question}:{lk_id}", chat=chat)


async def walk_rating(world: World, user: User, plan: Plan) -> None:
    """A concluded ticket of the person's own, rated: the bot now waits for an optional comment."""
    await world.say(user, "/start")
    ticket = await world.add_ticket(plan.pick(["conforming", "resolved"]), telegram_id=user.id)
    score = plan.pick(range(1, 6))
    await world.press(user, f"rate:{ticket.id}:{score}")
    found = await world.dialog(user.id)
    assert found is not None and found[:2] == (PENDING, "rating_complaint" if score <= 2 else "rating_comment")


# --- 1. any text, in any state --------------------------------------------------------------------------------
FILES = st.none() | st.builds(
    FileRef,
    st.text(CHARS, min_size=1, max_size=80),
    st.sampled_from(["photo", "document"]),
    st.none() | st.text(CHARS, max_size=300),
    st.sampled_from([None, "application/pdf", "image/png", "text/html", "<b>"]),
)


async def type_hostile(world: World, user: User, plan: Plan, typed: str, file: FileRef | None) -> None:
    """The person types (or captions a file with) any text; then maybe carries on to the end of the dialog."""
    before = await world.dialog(user.id)
    answer = await world.say(user, typed, file=file)
    after = await world.dialog(user.id)
    if before is not None and after is not None:
        assert after[0] == before[0], f"typing in {before[0]} opened {after[0]}"
    await world.check_consistency()
    if after is not None and plan.chance(2):
        if after[0] == intake.DIALOG:
            await walk_intake(world, user, plan)
        elif after[0] != PENDING:
            await walk_buttons(world, user, plan, answer, after[0])
        await world.check_consistency()


def test_any_text_in_any_dialog_state_is_answered_safely(world: World) -> None:
    """A student (any name, any language) in any state of /new, or asked for a rating comment, types anything."""

    async def body(plan: Plan, typed: str, file: FileRef | None) -> None:
        student = world.newcomer(plan.name, plan.language)
        await (walk_rating if plan.chance(6) else walk_intake)(world, student, plan)
        await type_hostile(world, student, plan, typed, file)

    run_property(world, 120, body, typed=TEXTS, file=FILES)


def test_any_text_in_any_staff_dialog_state_is_answered_safely(world: World) -> None:
    """An officer (maybe with more roles) in any state of /intake, /lk new, /lk action add or a pending question
    types anything."""

    async def body(plan: Plan, typed: str, file: FileRef | None, roles: set[Role]) -> None:
        officer = world.newcomer(plan.name, plan.language)
        await world.grant(officer, frozenset(roles | {Role.OFFICER}))
        await walk_staff(world, officer, plan)
        await type_hostile(world, officer, plan, typed, file)

    run_property(world, 100, body, typed=TEXTS, file=FILES, roles=st.sets(st.sampled_from(list(Role))))


ROLES = st.one_of(st.just(set()), st.sets(st.sampled_from(list(Role)), min_size=1, max_size=3))
"""Half the time nobody of the staff, else one to three roles."""


# --- 2. forged button data ------------------------------------------------------------------------------------
def forged_data(world: World) -> st.SearchStrategy[str]:
    """Callback data a modified client could send: anything, or real prefixes with ids of other people's things."""
    victim_ids = [str(t.id) for t in world.victim_tickets] + [str(world.victim_lk[0]), str(world.victim_action)]
    ids = st.one_of(IDS, st.sampled_from(victim_ids))
    numbers = st.sampled_from([t.number for t in world.victim_tickets] + [world.victim_lk[1]])
    heads = st.sampled_from([
        *STAFF_BUTTONS, "rate", "st", "m", "lang", "pd", "in", "si", "ld", "ac", "m:new", "m:my", "lang:id", "pd:skip",
        "in:summary", "in:kind", "in:q0", "in:edit", "si:summary", "ld:summary", "ac:owner", "ac:summary", "rate:1", "",
    ])  # fmt: skip
    return st.one_of(
        st.text(CHARS, max_size=70),
        st.builds("{}:{}".format, heads, BAD_IDS),
        st.builds("{}:{}".format, heads, st.one_of(ids, numbers, st.text(CHARS, max_size=12))),
        st.builds(
            "{}:{}:{}".format,
            heads,
            ids,
            st.one_of(ids, st.sampled_from(["send", "save", "edit", "cancel", "back", "done", "yes", "other"])),
        ),
        st.builds("rate:{}:{}".format, ids, st.one_of(st.integers(-1, 7).map(str), BAD_IDS)),
        st.builds("st:{}".format, st.one_of(numbers, st.text(CHARS, max_size=20))),
    )


def test_forged_button_data_never_crashes_nor_touches_other_peoples_tickets(world: World) -> None:
    """Anyone — with no role or with any roles, in a dialog or not, in private or in the staff group — presses
    buttons with forged data. Other people's tickets, LKs, roles and dialogs change only by a staff button the
    presser's role allows, named by a plain id; nobody without a role reads anything of the victim."""

    async def body(plan: Plan, roles: set[Role], presses: list[str], in_group: bool) -> None:
        person = world.newcomer(plan.name, plan.language)
        await world.grant(person, frozenset(roles))
        await (walk_staff if roles else walk_intake)(world, person, plan)
        for data in presses:
            before = await world.others(person.id)
            answer = await world.press(person, data, chat=STAFF_GROUP if in_group else None)
            key = split(data)
            if not (key and roles & STAFF_BUTTONS[key[0]].roles and key[1].isascii() and key[1].isdigit()):
                after = await world.others(person.id)
                changed = [name for name in before if before[name] != after[name]]
                assert not changed, f"pressing {data!r} with roles {sorted(roles)} changed {changed}"
            if not roles:
                assert not any(marker in answer.readable() for marker in MARKERS), f"{data!r} showed {answer!r}"
            await world.check_consistency()

    run_property(
        world,
        80,
        body,
        roles=ROLES,
        presses=st.lists(forged_data(world), min_size=1, max_size=6),
        in_group=st.booleans(),
    )


# --- 3. other people's ticket numbers ---------------------------------------------------------------------------
def _digits(text: str, zero: str) -> str:
    return "".join(chr(ord(zero) + int(c)) if c.isascii() and c.isdigit() else c for c in text)


VARIANTS: dict[str, Any] = {
    "as is": lambda n: n,
    "lower": str.lower,
    "title": str.title,
    "swapcase": str.swapcase,
    "padded": lambda n: f"  {n}\t",
    "newline": lambda n: f"{n}\n",
    "no dashes": lambda n: n.replace("-", ""),
    "spaces": lambda n: n.replace("-", " "),
    "slashes": lambda n: n.replace("-", "/"),
    "nbsp": lambda n: n.replace("-", "\u00a0"),
    "en dash": lambda n: n.replace("-", "–"),
    "leading zero": lambda n: re.sub(r"-(\d+)$", r"-0\1", n),
    "no zeros": lambda n: re.sub(r"-0+(\d)", r"-\1", n),
    "other kind": lambda n: n.replace("KEL", "S_A_R").replace("SAR", "KEL").replace("S_A_R", "SAR"),
    "LK": lambda n: "LK" + n[3:],
    "fullwidth": lambda n: _digits(n, "０"),
    "arabic": lambda n: _digits(n, "٠"),
    "hash": lambda n: "#" + n,
    "quoted": lambda n: f"“{n}”",
    "angle": lambda n: f"<{n}>",
    "amp": lambda n: f"{n}&",
    "suffix": lambda n: n + "x",
    "twice": lambda n: f"{n} {n}",
    "rtl": lambda n: "\u202e" + n,
    "zero width": lambda n: n[:3] + "\u200b" + n[3:],
}
ASKING = (
    "/status {n}",
    "/status@tanggap_bot {n}",
    "/STATUS {n}",
    "/my {n}",
    "/show {n}",
    "/take {n}",
    "/similar {n}",
    "/reply {n} hello there, any news?",
    "/conforming {n} it followed the procedure",
    "/duplicate {n} {n}",
    "/nonconformity {n}",
    "/reject {n} out of scope",
    "/accept {n} we will do it",
    "/lk new {n}",
    "/lk {n}",
    "/lk link LK-2026-001 {n}",
    "/assign {n} 9002",
    "/search {n}",
    "press st:{n}",
    "press rate:{i}:5",
    "press rate:{i}:1",
    "press tk:take:{i}",
    "press tk:conf:{i}",
    "press sh:{i}",
    "press lk:check:{i}",
    "/lk action done {i} done it",
    "/lk action add {n}",
)
"""How one asks about a ticket: ``{n}`` its number, ``{i}`` its id (in callback data)."""
ID_VARIANTS = {
    "as is": str,
    "leading zero": lambda i: f"0{i}",
    "plus": lambda i: f"+{i}",
    "hash": lambda i: f"#{i}",
    "spaced": lambda i: f" {i} ",
    "arabic": lambda i: _digits(str(i), "٠"),
}


def missing_twin(number: str) -> str:
    """The number with the significant digits of its serial turned to 9s: the same shape, however it is written."""
    series, year, serial = number.split("-")
    zeros = len(serial) - len(serial.lstrip("0"))
    return f"{series}-{year}-{serial[:zeros]}{'9' * (len(serial) - zeros)}"


def missing_id(ticket_id: int) -> int:
    """An id of as many digits that no ticket has (the property's database holds few)."""
    return int("9" * len(str(ticket_id)))


def test_other_peoples_ticket_numbers_reveal_nothing(world: World) -> None:
    """Someone who filed nothing asks about the victim's tickets however the number is written: the answer has
    nothing of the victim and is the answer about a number that does not exist, digit for digit."""

    async def body(plan: Plan, asks: list[tuple[str, str, str, int]]) -> None:
        student = world.newcomer(plan.name, plan.language)
        for asking, variant, id_variant, which in asks:
            ticket = world.victim_tickets[which % len(world.victim_tickets)]
            twins = ((ticket.number, ticket.id), (missing_twin(ticket.number), missing_id(ticket.id)))
            assert not await world.rows(
                "SELECT id FROM ticket WHERE number = :n OR id = :i", n=twins[1][0], i=twins[1][1]
            )
            answers = []
            for number, ticket_id in twins:
                written = asking.format(
                    n=VARIANTS[variant](number),
                    i=ID_VARIANTS[id_variant](ticket_id),
                )
                if written.startswith("press "):
                    answer = await world.deliver(ButtonPress(student.id, student, "cb", written[6:], 1))
                else:
                    answer = await world.say(student, written)
                assert not any(marker in answer.readable() for marker in MARKERS), f"{written!r}: {answer!r}"
                answers.append(answer.masked())
            assert answers[0] == answers[1], (
                f"{asking!r} tells {ticket.number} ({variant}) from a missing one: {answers}"
            )
        answer = await world.say(student, "/my")
        assert not any(marker in answer.readable() for marker in MARKERS)
        assert not any(t.number in answer.readable() for t in world.victim_tickets)

    run_property(
        world,
        80,
        body,
        asks=st.lists(
            st.tuples(
                st.sampled_from(ASKING),
                st.sampled_from(sorted(VARIANTS)),
                st.sampled_from(sorted(ID_VARIANTS)),
                st.integers(0, 3),
            ),
            min_size=1,
            max_size=5,
        ),
    )


# --- 4. commands in the wrong state -----------------------------------------------------------------------------
COMMANDS = sorted({*STUDENT_COMMANDS, *STAFF_COMMANDS})


def command_texts(world: World) -> st.SearchStrategy[str]:
    numbers = [t.number for t in world.victim_tickets] + [world.victim_lk[1], "KEL-2026-09999", "LK-2026-999"]
    keywords = [
        "add", "remove", "list", "officer", "reviewer", "approver", "monitor", "admin", "dean", "new", "link",
        "submit", "action", "done", "#1", str(world.victim_action), str(ADMIN), str(OFFICER), "id", "en",
    ]  # fmt: skip
    words = st.one_of(st.sampled_from(numbers), IDS, st.sampled_from(keywords), st.text(CHARS, max_size=20))
    args = st.one_of(
        st.just(""),
        st.lists(words, min_size=1, max_size=5).map(" ".join),
        hostile_texts(400),
        st.builds(
            "{} {} {}".format,
            st.sampled_from(["add", "remove", "done", *numbers]),
            BAD_IDS,
            st.sampled_from(["", "officer", "evidence of the work done"]),
        ),
    )
    name = st.sampled_from(COMMANDS).flatmap(lambda c: st.sampled_from([c, c.upper(), f"{c}@tanggap_bot"]))
    return st.builds(lambda n, a: f"/{n} {a}".rstrip() if a or n.count(" ") == 0 else f"/{n}", name, args)


def test_commands_in_the_middle_of_any_dialog_leave_everything_consistent(world: World) -> None:
    """Anyone — no role, or any roles — in any dialog state sends any command with any arguments: no crash, an
    answer, their dialog stays or ends (only a pending question may give way to another dialog), nobody else's data
    changes unless they are staff, and the database stays consistent."""

    async def body(plan: Plan, roles: set[Role], commands: list[str], in_group: bool) -> None:
        person = world.newcomer(plan.name, plan.language)
        await world.grant(person, frozenset(roles))
        if roles:
            await walk_staff(world, person, plan)
        else:
            await (walk_rating if plan.chance(6) else walk_intake)(world, person, plan)
        for command in commands:
            before, others = await world.dialog(person.id), await world.others(person.id)
            await world.say(person, command, chat=STAFF_GROUP if in_group else None)
            after = await world.dialog(person.id)
            if before is not None and after is not None and after != before:
                # a one-question wait gives way to the command's own dialog (a rating comment to /new); a dialog
                # of several steps never changes under a command
                assert before[0] == PENDING, f"{command!r} turned {before[:2]} into {after[:2]}"
            if not roles:
                assert await world.others(person.id) == others, f"{command!r} changed someone else's data"
            await world.check_consistency()

    run_property(
        world,
        80,
        body,
        roles=ROLES,
        commands=st.lists(command_texts(world), min_size=1, max_size=5),
        in_group=st.booleans(),
    )


# --- the longest drafts, without a database ---------------------------------------------------------------------
LONG_UNITS = st.sampled_from(["a", "𝕏", "🙂", "<", "&", "é", "<b>", "&amp;", "\u202e"])


def _long(unit: str, size: int) -> str:
    """``size`` characters as the dialogs count them (code points), of ``unit``."""
    return (unit * size)[:size]


@settings(max_examples=max(1, round(30 * SCALE)), deadline=None)
@given(
    unit=LONG_UNITS,
    name_unit=LONG_UNITS,
    language=st.sampled_from(["en", "id"]),
    service=st.sampled_from([s.code for s in CATALOGUE.services if s.questions]),
)
def test_every_prompt_of_every_dialog_fits_telegram_with_every_field_at_its_longest(
    unit: str, name_unit: str, language: str, service: str
) -> None:
    """Every text a person may put in a draft at the longest the dialog accepts, in any characters: every step's
    prompt — the summaries above all — is valid HTML within Telegram's 4096."""
    from dialogs.action_draft import MAX_DESCRIPTION as MAX_ACTION
    from dialogs.action_draft import ActionContext, ActionDraft
    from dialogs.answers import MAX_TEXT as LONGEST
    from dialogs.draft import DraftFile
    from dialogs.intake_steps import MAX_ANSWER, IntakeContext
    from dialogs.lk_draft import MAX_PROCEDURE, LkContext, LkDraft
    from dialogs.staff_intake_steps import MAX_AGENDA, MAX_CONTACT, MAX_NAME, StaffIntakeDraft

    calendar, _ = WorkingCalendar(), TRANSLATOR.gettext(language)
    files = tuple(DraftFile(f"file{i}", "photo", _long(unit, 200)) for i in range(5))
    questions = CATALOGUE.get(service).questions  # type: ignore[union-attr]
    answers = {
        q.id: {
            QuestionKind.TEXT: _long(unit, MAX_ANSWER),
            QuestionKind.DATE: "2026-11-20",
            QuestionKind.YESNO: "yes",
        }.get(q.kind, q.choices[0].value if q.choices else "")
        for q in questions
    }
    name = _long(name_unit, 129)  # Telegram: first and last name, 64 each
    received = date(2026, 11, 20)
    student = Draft(kind="complaint", service=service, description=_long(unit, LONGEST), files=files,
                    files_done=True, occurred_on=received, when_done=True, answers=answers,
                    question_index=len(questions), identity="confidential")  # fmt: skip
    staff = StaffIntakeDraft(channel="letter", agenda_number=_long(unit, MAX_AGENDA), agenda_done=True,
                             kind="complaint", service=service, name=_long(name_unit, MAX_NAME),
                             name_done=True, contact=_long(unit, MAX_CONTACT), contact_done=True,
                             description=_long(unit, LONGEST), files=files, files_done=True,
                             received_on=received, occurred_on=received, when_done=True, answers=answers,
                             question_index=len(questions))  # fmt: skip
    lk = LkDraft(_long(unit, LONGEST), _long(unit, MAX_PROCEDURE), _long(unit, LONGEST))
    action = ActionDraft("corrective", _long(unit, MAX_ACTION), 1, date(2026, 12, 31))
    intake_context = IntakeContext(CATALOGUE, language, TODAY, calendar, _, TRANSLATOR.ngettext(language),
                                   person_name=name)
    numbers = tuple(f"KEL-2026-{i:05d}" for i in range(1, 11))
    flows: list[tuple[Any, Any, Any]] = [
        (intake.FLOW, student, intake_context),
        (staff_intake.FLOW, staff, intake_context),
        (lk_draft.FLOW, lk, LkContext(_, language, numbers, "Academic transcript", _long(unit, 66))),
        (
            action_draft.FLOW,
            action,
            ActionContext(
                _, language, TODAY, calendar, tuple((i, _long(name_unit, 129)) for i in range(12)), "LK-2026-001"
            ),
        ),
    ]
    kept = {"description": _long(unit, 4096), "root_cause": _long(unit, 4096)}  # too long: kept to be cut
    flows += [(flow, draft.with_(overlong=kept), context) for flow, draft, context in flows]
    for flow, draft, context in flows:
        for step in flow.steps:
            said = flow.prompt(step, draft.with_(question_index=0) if step == "question" else draft, context)
            problem = html_problem(said.text, MAX_TEXT)
            assert problem is None, f"{flow.name} at {step}: {problem}"
            assert all(len(d.encode()) <= MAX_CALLBACK_DATA for row in said.buttons for _l, d in row)


# --- what these properties found, pinned ------------------------------------------------------------------------
async def _pinned(world: World) -> None:
    """The failing examples the properties found (and a few their fixes implied), as plain steps."""
    _ = TRANSLATOR.gettext("en")
    officer, admin = world.desk.user(OFFICER, "Staff Officer"), world.desk.user(ADMIN, "Admin Utama")

    # 1. A description of 2999 characters outside the BMP made the summary 6000 UTF-16 units long.
    student = world.newcomer()
    answer = await world.steps(student, "/new", "in:kind:suggestion", "in:service:transcript", "𐀀" * 2999,
                               "in:files:done", "in:anonymity:named")  # fmt: skip
    assert answer.to(student.id)[-1].startswith("<b>Summary of your suggestion</b>")
    # 2. NUL characters: PostgreSQL refused the ticket, the name, the rating comment — and the update came back.
    nul = world.newcomer("Nul\x00Name")
    await world.steps(nul, "/new", "in:kind:complaint", "in:service:other", "A description \x00 with NUL characters",
                      "in:files:done", "in:when:today", "in:anonymity:named", "in:summary:send")  # fmt: skip
    rated = await world.add_ticket("conforming", telegram_id=nul.id)
    await world.press(nul, f"rate:{rated.id}:5")
    await world.say(nul, "\x00\x00\x00\x00\x00 thanks")
    # 3. Digits Python reads but int() does not, and numbers past BIGINT, in buttons and commands.
    huge = "9" * 30
    for data in ("tk:take:²", f"tk:take:{huge}", f"sh:{2**63}", "lk:check:²", "ib:²", "rate:1:²", f"rate:{huge}:1"):
        await world.press(officer, data)
    for command in (f"/inbox {huge}", "/inbox ²", f"/assign KEL-2026-00001 {2**63}", "/lk action done ²",
                    f"/lk action done #{huge}"):  # fmt: skip
        await world.say(officer, command)
    await world.say(admin, "/staff add ² officer")
    await world.say(admin, f"/staff remove {huge}")
    # 4. User text put into the HTML unescaped: an unknown command's name, /search finding nothing, an officer's
    #    name in /assign's confirmation, and the action owner's notice ("<evidence>" was in the message itself).
    await world.say(student, "/<b")  # say() fails on a crash, on bad HTML and on typed text shown unescaped
    await world.say(officer, "/search <b>zzzzqqq")
    tagged = world.newcomer("<b>Rina</b> & co")
    await world.grant(tagged, frozenset({Role.OFFICER}))
    assigned = await world.say(admin, f"/assign {world.victim_tickets[0].number} {tagged.id}")
    assert "&lt;b&gt;Rina&lt;/b&gt; &amp; co" in assigned.to(ADMIN)[0]
    followed = await world.add_ticket("in_followup")
    _lk_id, lk_number, _action = await world.add_lk("in_progress", [followed.id])  # its owners are told at once
    owner = await world.person_id(tagged.id)
    saved = await world.steps(officer, f"/lk action add {lk_number}", "ac:kind:corrective",
                              "Check the <queue> & the list every morning.", f"ac:owner:{owner}", "ac:due:wd3",
                              "ac:summary:save")  # fmt: skip
    assert "&lt;queue&gt; &amp;" in saved.to(tagged.id)[0]
    # 5. /new in the middle of a staff dialog or a pending question replaced it silently.
    await world.say(officer, f"/reply {world.victim_tickets[0].number}")
    refused = await world.say(officer, "/new")
    assert refused.to(OFFICER) == [_("Finish the dialog you have open first, or /cancel it.")]
    assert (await world.dialog(OFFICER) or ("",))[0] == PENDING
    await world.say(officer, "/cancel")
    # 6. A procedure reference of 257–300 characters, or a contact of many dashes, outgrew their VARCHAR(256).
    await world.say(officer, f"/lk new {followed.number}")
    await world.say(officer, "The transcript was issued three weeks late, against the procedure.")
    await world.say(officer, "P" * 257)
    assert (await world.dialog(OFFICER) or ("", ""))[1] == "procedure"
    await world.say(officer, "/cancel")
    await world.say(officer, "/intake")
    await world.steps(officer, "si:channel:letter", "si:agenda:none", "si:kind:complaint", "si:service:transcript",
                      "Budi Santoso",
                      "-" * 300 + "081234567890")  # fmt: skip
    assert (await world.dialog(OFFICER) or ("", ""))[1] == "contact"
    await world.say(officer, "/cancel")
    # 7. An edit button the edit step does not offer (the answers of a suggestion) led to a step with nothing to ask.
    suggesting = world.newcomer()
    await world.steps(suggesting, "/new", "in:kind:suggestion", "in:service:other", DESCRIPTION, "in:files:done",
                      "in:anonymity:named", "in:summary:edit", "in:edit:question")  # fmt: skip
    assert (await world.dialog(suggesting.id) or ("", ""))[1] == "edit"
    # 8. The rating button told a missing ticket ("no longer exists") from someone else's ("no longer active").
    nosy = world.newcomer()
    assert (
        (await world.press(nosy, f"rate:{world.victim_tickets[3].id}:5")).callback
        == (await world.press(nosy, "rate:999999:5")).callback
        == _("This button is no longer active.")
    )
    # 9. A long history made /status and /show longer than Telegram takes; a reply is counted as Telegram counts.
    long_history = await world.add_ticket("received", telegram_id=nul.id)
    for _round in range(16):
        await world.say(officer, f"/reply {long_history.number} " + "🙂" * 1500)
    too_long = await world.say(officer, f"/reply {long_history.number} " + "🙂" * 1501)
    assert too_long.to(OFFICER) == [
        escape(_("Please keep it under {n} characters (yours has {count}); send a shorter version.").format(
            n=3000, count=3002))
    ]
    assert (await world.say(nul, f"/status {long_history.number}")).to(nul.id)[0].endswith("…")
    assert (await world.say(officer, f"/show {long_history.number}")).to(OFFICER)[0].endswith("…")
    await world.check_consistency()


def test_what_the_properties_found_stays_fixed(world: World) -> None:
    world.run(_pinned(world))
