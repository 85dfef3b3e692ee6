"""What /search says, in the reader's language: the filters it understood, and why a filter was refused."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from dialogs.search_filters import Filters, StatusGroup, StatusTerm
from dialogs.search_query import BadFilter, Key, Problem
from domain.vocabulary import Channel, TicketStatus
from handlers.formats import day
from handlers.i18n import N_
from handlers.labels import channel_name, status_name
from handlers.text import shown
from handlers.turn import Turn

GROUP_NAMES: dict[StatusGroup, str] = {
    StatusGroup.OPEN: N_("open"), StatusGroup.CONCLUDED: N_("concluded"),
    StatusGroup.UNCONFIRMED: N_("not yet confirmed"),
}
EXAMPLES: dict[Key, str] = {
    Key.STATUS: "status:open", Key.SERVICE: "service:legalisir", Key.CHANNEL: "channel:letter",
    Key.OFFICER: "officer:me", Key.SINCE: "since:01-11-2026", Key.UNTIL: "until:30-11-2026",
}
USAGE = N_("Usage: /search [filters] <words>. Filters: status: (open, closed, unconfirmed or a status), service:, "
           "channel:, officer: (me, none, a name or a Telegram id), since: and until: (a date). Example: /search "
           "status:open service:legalisir since:01-11-2026 transkrip")


def understood(turn: Turn, filters: Filters, words: str, officer_names: Mapping[int, str]) -> str:
    """The search as understood, e.g. "Status: open · Service: Legalisir … · since 1 November 2026 · “transkrip”"
    (HTML, escaped)."""
    _ = turn._
    parts = []
    if filters.statuses:
        parts.append(_("Status: {statuses}").format(statuses=", ".join(_term(t, turn) for t in filters.statuses)))
    if filters.services:
        catalogue = turn.deps.catalogue
        names = [shown(s.display_name(turn.locale)) if (s := catalogue.get(code)) is not None else _("Other service")
                 for code in filters.services]
        parts.append(_("Service: {services}").format(services=", ".join(names)))
    if filters.channels:
        parts.append(_("Channel: {channels}").format(channels=", ".join(channel_name(c, _) for c in filters.channels)))
    if filters.officers:
        who = [_("nobody yet") if o is None else shown(officer_names.get(o, f"#{o}")) for o in filters.officers]
        parts.append(_("Officer: {officers}").format(officers=", ".join(who)))
    if filters.since is not None:
        parts.append(_("since {date}").format(date=day(filters.since, turn.locale)))
    if filters.until is not None:
        parts.append(_("until {date}").format(date=day(filters.until, turn.locale)))
    if words:
        parts.append(f"“{escape(words[:80])}”")
    return "🔎 " + " · ".join(parts)


def _term(term: StatusTerm, turn: Turn) -> str:
    return turn._(GROUP_NAMES[term]) if isinstance(term, StatusGroup) else status_name(term, turn._)


def refusal(turn: Turn, problem: BadFilter) -> str:
    """One line saying which filter was refused, why, and what it accepts (plain text: escaped when sent)."""
    _ = turn._
    key, value = problem.typed + ":", problem.value[:40]
    if problem.problem is Problem.EMPTY:
        return _("{key} needs a value, e.g. {example}").format(key=key, example=EXAMPLES[problem.key])
    if problem.problem is Problem.STATUS:
        return _("{key} “{value}” is not a status; write open, closed, unconfirmed or one of: {statuses}").format(
            key=key, value=value, statuses=", ".join(TicketStatus))
    if problem.problem is Problem.CHANNEL:
        return _("{key} “{value}” is not a channel; write one of: {channels}").format(
            key=key, value=value, channels=", ".join(Channel))
    if problem.problem is Problem.DATE:
        return _("{key} “{value}” is not a date; write it like 01-11-2026").format(key=key, value=value)
    if problem.problem is Problem.SERVICE_UNKNOWN:
        return _("{key} “{value}” is not a service I know; write part of its name or its code: {codes}").format(
            key=key, value=value, codes=", ".join(turn.deps.catalogue.codes))
    if problem.problem is Problem.SERVICE_UNCLEAR:
        services = ", ".join(f"{s.display_name(turn.locale)} ({s.code})" for s in problem.candidates)
        return _("{key} “{value}” could be {services}; write more of the name, or the code").format(
            key=key, value=value, services=services)
    if problem.problem is Problem.OFFICER_UNKNOWN:
        return _("{key} nobody on the staff is called “{value}”; write me, none, part of a name or a Telegram id"
                 ).format(key=key, value=value)
    if problem.problem is Problem.OFFICER_UNCLEAR:
        return _("{key} “{value}” could be {names}; write more of the name, or the Telegram id").format(
            key=key, value=value, names=", ".join(problem.names))
    if problem.problem is Problem.RANGE and problem.span is not None:
        since, until = (day(d, turn.locale) for d in problem.span)
        return _("since: {since} is after until: {until}, so nothing can match").format(since=since, until=until)
    return _("{key} is given twice; give one date").format(key=key)
