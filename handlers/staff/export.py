"""/export [from] [to] [service] [csv] (SOP step g): the register as a spreadsheet, made by a job
(:mod:`handlers.export_jobs`) so the chat answers at once with a progress message that is then edited."""

from __future__ import annotations

from html import escape

from dialogs.export_query import BadExport, parse_export
from handlers.errors import Refusal
from handlers.events import SendProgress
from handlers.export import register_filter
from handlers.export_jobs import filters_of
from handlers.i18n import N_
from handlers.turn import Turn

USAGE = N_("Usage: /export [from] [to] [service] [csv] — dates as 03-11-2026 (or 2026-11-03) or a month as 11-2026 "
           "(or 2026-11), the service by code or name; e.g. /export 11-2026 or /export 09-2026 11-2026 transkrip csv")


async def export(turn: Turn, args: str = "") -> None:
    _ = turn._
    try:
        query = parse_export(args, turn.deps.catalogue)
    except BadExport as exc:
        problem = {"date": _("“{value}” is not a date (03-11-2026) or a month (11-2026)."),
                   "range": _("The period ends before it starts ({value})."),
                   "service": _("No single service matches “{value}”.")}[exc.problem]
        raise Refusal(problem.format(value=escape(exc.value)) + "\n" + _(USAGE)) from None
    where = register_filter(turn.deps, query)
    if await turn.uow.register.count_tickets(where) == 0:
        turn.say(_("No tickets were received in that period: there is nothing to export."))
        return
    job = await turn.uow.register.add_job(requested_by=turn.person.id, chat_id=turn.chat_id, locale=turn.locale,
                                          filters=filters_of(query), now=turn.deps.clock())
    turn.reaction.export_queued = True
    turn.reaction.outbound.append(SendProgress(turn.chat_id, job.id, _("Preparing the register… {percent} %").format(
        percent=0)))
