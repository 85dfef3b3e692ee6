"""``/stats [period] [service]`` (issue 14 §3): the management-review figures as charts, each photo with its figures
in the caption, in the reader's language. The command checks the words and queues the work
(:mod:`handlers.stats_jobs`): the figures are read and the charts drawn outside the chat's transaction."""

from __future__ import annotations

from html import escape

from dialogs.catalogue import localized
from dialogs.export_query import BadExport
from dialogs.stats_query import parse_stats
from handlers.errors import Refusal
from handlers.i18n import N_
from handlers.stats_jobs import filters_of, scope_of
from handlers.turn import Turn

USAGE = N_("Usage: /stats [period] [service] — the period as a month 11-2026 (or 2026-11), a year 2026, or a range "
           "01-09-2026..30-11-2026; without one, the last 12 months. The service by code or name. Examples: "
           "/stats, /stats 2026, /stats 11-2026 transcript")


async def stats(turn: Turn, args: str = "") -> None:
    _ = turn._
    deps = turn.deps
    try:
        query = parse_stats(args, deps.catalogue, deps.today())
    except BadExport as exc:
        problem = {"date": _("“{value}” is not a period: write a month (11-2026), a year (2026) or a range "
                             "(01-09-2026..30-11-2026)."),
                   "range": _("The period ends before it starts ({value})."),
                   "service": _("No single service matches “{value}”.")}[exc.problem]
        raise Refusal(problem.format(value=exc.value) + "\n" + _(USAGE)) from None
    service = deps.catalogue.get(query.service) if query.service else None
    scope = scope_of(query, localized(service.name, turn.locale) if service else None, _, turn.locale)
    await turn.uow.register.add_job(requested_by=turn.person.id, chat_id=turn.chat_id, locale=turn.locale,
                                    filters=filters_of(query), now=deps.clock())
    turn.reaction.export_queued = True
    turn.say(escape(_("Preparing the statistics for {scope}… the charts follow in a moment.").format(scope=scope)))
