"""The 30-day question through the due-work engine: ``recurrence_check_days`` after an LK closes as effective, each
complainant of its tickets (with a Telegram account, anonymous ones too) is asked once, in their language, whether
the problem happened again (key ``lk:<id>:recurrence-check:<ticket id>``; the ``recurrence_check`` row is written
with the message, so a question put is never derived again). Answers: :mod:`handlers.recurrence`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from domain.delivery import Priority
from handlers import notices
from handlers.due import Due, Hours, Kind
from handlers.events import OutMessage
from handlers.formats import day
from handlers.procedure import Ctx
from handlers.recurrence import answer_buttons
from handlers.text import shown

GRACE_DAYS = 30
"""LKs closed longer than ``recurrence_check_days`` + this ago are not asked about any more (a new installation does
not ask about LKs of years ago; an outage of less than a month loses no question)."""
SHORT = 160
"""Characters of the complainant's own description the question quotes."""
LIMIT = 5000
"""Most questions derived in a pass (newest closure first); the rest come in the next passes."""


def midnight(ctx: Ctx, on: date) -> datetime:
    return datetime.combine(on, time(), tzinfo=ctx.deps.tz)


def local_day(ctx: Ctx, at: datetime) -> date:
    return at.astimezone(ctx.deps.tz).date()


async def recurrence_checks(ctx: Ctx, now: datetime) -> list[Due]:
    """Complainants not asked yet about LKs closed as effective ``recurrence_check_days`` or more days ago; ``about``
    is the complainant's ticket (as for every complainant's notice: ``/due`` names it), ``facts["lk"]`` the LK."""
    days = ctx.deps.recurrence_check_days
    until = midnight(ctx, local_day(ctx, now) - timedelta(days=days - 1))  # closed before the end of that day
    found = await ctx.uow.recurrence.checks_unasked(until - timedelta(days=days + GRACE_DAYS), until, LIMIT)
    return [Due(f"lk:{c.lk_id}:recurrence-check:{c.ticket_id}", Kind.RECURRENCE_CHECK, Hours.COMPLAINANT,
                midnight(ctx, local_day(ctx, c.closed_at) + timedelta(days=days)), (c.person_id,),
                (c.ticket_id,), {"lk": c.lk_id}) for c in found]


async def ask_recurrence(ctx: Ctx, due: Due) -> int:
    """Put the question (and record it as put); nothing when the ticket or LK is gone or it was put already."""
    lk_id = due.facts.get("lk")
    lk = await ctx.uow.lks.get(lk_id) if isinstance(lk_id, int) else None
    ticket = await ctx.uow.tickets.get(due.about[0])
    person = await ctx.uow.persons.get(due.to[0])
    if lk is None or ticket is None or person is None or person.telegram_id is None or lk.closed_at is None:
        return 0
    if not await ctx.uow.recurrence.ask(ticket.id, lk.id, ctx.now):
        return 0
    r = notices.reader_for(ctx, person)
    _ = r._
    service = ctx.deps.catalogue.get(ticket.service_code)
    name = service.display_name(r.locale) if service is not None else ticket.service_code
    text = _("On {date} we finished the measures against the problem behind your report {number} about "
             "{service}: “{text}”.\nHas the same problem happened again since then?").format(
        date=day(local_day(ctx, lk.closed_at), r.locale), number=ticket.number,
        service=shown(name), text=shown(ticket.description, SHORT).rstrip(".!?"))  # no ".”." (the third walk)
    ctx.out.append(OutMessage(person.telegram_id, text, answer_buttons(lk.id, ticket.id, _), resend=True,
                              priority=Priority.BULK))
    return 1
