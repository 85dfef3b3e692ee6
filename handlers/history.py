"""A ticket's history as its reader sees it: each stored event (a code with parameters) written in the reader's
language at the moment it is read. What someone wrote (a message, a reason, a comment) stays as written.

The complainant sees their case: what was decided, messages both ways, the outcome — not who inside the bureau
handled it, not internal links. The staff see everything, with who did it (never the complainant's name on an
anonymous ticket).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from domain.vocabulary import TicketEvent
from handlers.formats import day, when
from handlers.i18n import N_, Gettext
from handlers.labels import channel_name, identity_level_name, status_name
from handlers.text import shown
from storage.records import TicketEventRecord, TicketRecord

E = TicketEvent
SHOWN_TEXT = 600


@dataclass(frozen=True)
class Reader:
    """Who reads a view: their gettext, locale and time zone, and whether they are staff."""

    _: Gettext
    locale: str
    tz: ZoneInfo
    staff: bool = True


Render = Callable[[TicketEventRecord, Gettext, Mapping[str, Any]], str]


def _text(params: Mapping[str, Any], key: str = "text") -> str:
    return shown(str(params.get(key) or ""), SHOWN_TEXT)


STAFF_LINES: dict[str, str] = {
    E.FILED: N_("filed (via {channel})"),
    E.TAKEN: N_("taken by {officer}"),
    E.ASSIGNED: N_("assigned to {officer}"),
    E.DUPLICATE: N_("duplicate of {of}"),
    E.STAFF_MESSAGE: N_("💬 to the complainant: {text}"),
    E.COMPLAINANT_MESSAGE: N_("💬 from the complainant: {text}"),
    E.LINKED: N_("covered by {lk}"),
    E.JOINED: N_("👥 follows the case of {of}"),
    E.LEFT_CASE: N_("👥 no longer follows the case of {of}"),
    E.RESOLVED: N_("resolved: {text}"),
    E.VERIFIED: N_("the measures of {lk} were verified effective"),
    E.RATED: N_("rated {score}/5"),
    E.RATING_COMMENT: N_("comment with the rating: {text}"),
    E.REOPENED: N_("reopened: rated {score}/5"),
    E.CLOSED: N_("closed"),
    E.WITHDRAWN: N_("withdrawn by the complainant: {reason}"),
    E.EXTENDED: N_("deadline extended from {from_} to {to}: {reason}"),
    E.LATE_TOLD: N_("⏱ late (due {from_}): the complainant was told to expect it by {to}"),
    E.IDENTITY_LEVEL: N_("🔒 identity: {level_from} → {level_to}"),
}
COMPLAINANT_LINES: dict[str, str] = {
    E.FILED: N_("received"),
    E.TAKEN: N_("an officer is checking it"),
    E.DUPLICATE: N_("the same case as {of}"),
    E.JOINED: N_("👥 joined a case others reported too: you are told of each of its steps"),
    E.LEFT_CASE: N_("👥 handled on its own from now on"),
    E.STAFF_MESSAGE: N_("💬 officer: {text}"),
    E.COMPLAINANT_MESSAGE: N_("💬 you: {text}"),
    E.RESOLVED: N_("resolved: {text}"),
    E.VERIFIED: N_("the bureau verified that the measures work"),
    E.RATED: N_("you rated it {score}/5"),
    E.RATING_COMMENT: N_("your comment: {text}"),
    E.REOPENED: N_("reopened after your rating of {score}/5"),
    E.CLOSED: N_("closed"),
    E.WITHDRAWN: N_("withdrawn by you: {reason}"),
    E.EXTENDED: N_("the bureau needs more time: now expected by {to}"),
    E.LATE_TOLD: N_("taking longer than the standard time: now expected by {to}"),
    E.IDENTITY_LEVEL: N_("🔒 who may see your identity: {level_from} → {level_to}"),
}


def _day(value: object, reader: Reader) -> str:
    try:
        return day(date.fromisoformat(str(value)), reader.locale)
    except ValueError:
        return "—"


def event_text(event: TicketEventRecord, ticket: TicketRecord, reader: Reader, names: Mapping[int, str]) -> str | None:
    """What one event says to this reader, or None when it is not for them."""
    _, p = reader._, event.params
    if event.code == E.VERDICT or event.code == E.STATUS:
        text = status_name(event.to_status, _)
        detail = p.get("text") if event.code == E.VERDICT else event.note
        return f"{text} — {shown(str(detail), SHOWN_TEXT)}" if detail else text  # a status name may hold a colon
    template = (STAFF_LINES if reader.staff else COMPLAINANT_LINES).get(event.code)
    if template is None:
        return None
    values: dict[str, str] = {
        "text": _text(p) or _("(a file)"),
        "reason": _text(p, "reason"),
        "channel": channel_name(str(p.get("channel") or ticket.channel), _),
        "officer": shown(names.get(int(p["officer"]), "?")) if isinstance(p.get("officer"), int) else "?",
        "of": shown(str(p.get("of") or "")),
        "lk": shown(str(p.get("lk") or "")),
        "score": str(p.get("score") or ""),
        "from_": _day(p.get("from"), reader),
        "to": _day(p.get("to"), reader),
        "level_from": identity_level_name(str(p.get("from") or ""), _),
        "level_to": identity_level_name(str(p.get("to") or ""), _),
    }
    if event.code == E.CLOSED and p.get("reason") == "auto":
        template = N_("closed without a rating, 10 working days after the response")
    line = _(template).format(**values)
    files = p.get("files")
    if event.code == E.COMPLAINANT_MESSAGE and isinstance(files, int) and files and p.get("text"):
        line += " " + _("(+ {n} file)").format(n=files)
    return line


def history_lines(ticket: TicketRecord, events: list[TicketEventRecord], reader: Reader,
                  names: Mapping[int, str]) -> list[str]:
    """One "• when — what" line per event this reader may see; staff lines say who acted."""
    lines = []
    for event in events:
        text = event_text(event, ticket, reader, names)
        if text is None:
            continue
        line = f"• {when(event.at, reader.tz, reader.locale)} — {text}"
        actor = event.actor_person_id
        by_complainant = actor is not None and actor == ticket.person_id
        if reader.staff and actor is not None and actor in names and not by_complainant \
                and event.code not in (E.TAKEN, E.FILED):  # not in ``names``: another complainant of its case
            line += f" ({shown(names.get(actor, '?'))})"
        lines.append(line)
    return lines
