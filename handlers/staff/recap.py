"""/recap [month] (issue 14 §4): the monthly recap on demand, as a PDF made by a job (:mod:`handlers.recap_jobs`),
so the chat answers at once with a progress message; default: the previous month."""

from __future__ import annotations

from handlers.errors import Refusal
from handlers.i18n import N_
from handlers.recap import BadMonth, parse_month, previous_month
from handlers.recap_jobs import queue_recap
from handlers.turn import Turn

USAGE = N_("Usage: /recap [month] — the month as 2026-11 (or 11-2026); without it, the previous month. "
           "E.g. /recap {example}")


async def recap(turn: Turn, args: str = "") -> None:
    _ = turn._
    today = turn.deps.today()
    example = f"{previous_month(today):%Y-%m}"
    try:
        month = parse_month(args, today)
    except BadMonth as exc:
        problem = (_("“{value}” is not a month.") if exc.problem == "month"
                   else _("{value} has not ended yet: a recap is made of a month that has ended."))
        raise Refusal(problem.format(value=exc.value) + "\n" + _(USAGE).format(example=example)) from None
    turn.reaction.outbound.extend(await queue_recap(turn.uow, turn.deps, person_id=turn.person.id,
                                                    chat_id=turn.chat_id, locale=turn.locale, month=month))
    turn.reaction.export_queued = True
