"""/monitor (SOP step f): what is late or waiting, in working days (Mon–Fri minus holidays, WIB).

The database is asked only for counts and the first ``SHOWN`` rows of each section; which tickets
are late to confirm is decided here, once, as a cut-off instant per confirm time (see
:func:`confirmation_cutoff`): the default's, and a service's own where the catalogue sets one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import standard_times
from domain.vocabulary import LkStatus, TicketStatus
from handlers.context import Deps
from handlers.events import pack
from handlers.formats import day, local_day
from handlers.i18n import N_
from handlers.labels import action_kind_name, lk_status_name
from handlers.procedure.deadlines import RESPOND
from handlers.text import shown
from handlers.turn import Turn
from storage.records import ActionRecord, LkRecord

SOON_DAYS = 3
#: Lines shown per section; the rest is counted ("… +N").
SHOWN = 15
WAITING = {
    LkStatus.AWAITING_CHECK: N_("LKs waiting for the check"),
    LkStatus.AWAITING_APPROVAL: N_("LKs waiting for approval"),
    LkStatus.AWAITING_VERIFICATION: N_("LKs waiting for the effectiveness check"),
}


def confirmation_cutoff(today: date, calendar: WorkingCalendar, confirm_days: int, tz: ZoneInfo) -> datetime:
    """The UTC instant before which a ticket still unconfirmed today is late.

    A ticket received on day ``d`` (in ``tz``) is late once ``today`` is past its deadline
    ``calendar.add_working_days(d, confirm_days)``. The deadline never moves back as ``d`` moves
    forward, so the late tickets are exactly those received up to the latest such ``d``: the cut-off
    is the start of the day after it.
    """
    day = today - timedelta(days=1)
    while calendar.add_working_days(day, confirm_days) >= today:
        day -= timedelta(days=1)
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)


def confirmation_cutoffs(today: date, deps: Deps) -> tuple[datetime, dict[str, datetime]]:
    """The cut-off for tickets about a service with the default confirm time (or none in the catalogue), and
    the cut-off of each service whose own confirm time differs from the default."""
    cutoffs: dict[int, datetime] = {}

    def cutoff(days: int) -> datetime:
        if days not in cutoffs:
            cutoffs[days] = confirmation_cutoff(today, deps.calendar, days, deps.tz)
        return cutoffs[days]

    default = deps.standard_times.confirm
    own = {service.code: days for service in deps.catalogue
           if (days := standard_times(service.code, deps.catalogue, deps.standard_times).confirm) != default}
    return cutoff(default), {code: cutoff(days) for code, days in own.items()}


async def monitor(turn: Turn, args: str = "") -> None:
    _, deps, locale = turn._, turn.deps, turn.locale
    today, calendar, watch = deps.today(), deps.calendar, turn.uow.monitoring
    soon = calendar.add_working_days(today, SOON_DAYS)
    sections: list[str | None] = []

    def action_line(a: ActionRecord, lk: LkRecord) -> str:
        return (f"• {lk.number} #{a.id} {action_kind_name(a.kind, _)}: {shown(a.description, 80)} — "
                + day(a.due_on, locale))

    for title, first, last in ((_("Overdue actions"), None, today - timedelta(days=1)),
                               (_("Actions due within {n} working days"), today, soon)):
        total, actions = await watch.open_actions_due(first=first, last=last, limit=SHOWN)
        sections.append(_section(title.format(n=SOON_DAYS), total, [action_line(a, lk) for a, lk in actions]))

    cutoff, by_service = confirmation_cutoffs(today, deps)
    total, tickets = await watch.unconfirmed_tickets(cutoff, limit=SHOWN, by_service=by_service)
    late = []
    for ticket in tickets:
        received = ticket.created_at.astimezone(deps.tz).date()
        confirm_days = standard_times(ticket.service_code, deps.catalogue, deps.standard_times).confirm
        deadline = calendar.add_working_days(received, confirm_days)
        late.append(f"• {ticket.number} — " + _("received {date}, due {deadline}").format(
            date=day(received, locale), deadline=day(deadline, locale)))
    if by_service:  # the services differ: each line gives its own deadline
        title = _("Tickets not confirmed within their service's standard time")
    else:
        title = _("Tickets not confirmed within {n} working days").format(n=deps.standard_times.confirm)
    sections.append(_section(title, total, late))

    # the same tickets the officers' digest and the staff group's summary count "past the time to respond"
    total, tickets = await watch.late_in_step(RESPOND, today, limit=SHOWN)
    unanswered = []
    for ticket in tickets:
        assert ticket.due_on is not None
        days = calendar.working_days_between(ticket.due_on, today)
        unanswered.append(f"• {ticket.number} — " + turn.ngettext(
            "due {date}, {n} working day late", "due {date}, {n} working days late", days).format(
            date=day(ticket.due_on, locale), n=days) + (" " + _("(extended once)") if ticket.due_extended else ""))
    sections.append(_section(_("Tickets past the time to respond (confirmed, no response yet)"), total, unanswered))

    total, tickets = await watch.tickets_in_status(TicketStatus.REOPENED, limit=SHOWN)
    sections.append(_section(_("Reopened tickets (the complainant was not satisfied)"), total, [
        f"• {t.number} — " + (_("rated {score}/5").format(score=t.rating) if t.rating else "") for t in tickets]))
    total, tickets = await watch.awaiting_complainant(limit=SHOWN)
    sections.append(_section(_("Tickets waiting for the complainant's answer"), total, [
        f"• {t.number} — " + _("asked {date}").format(date=day(local_day(t.awaiting_complainant_since, deps.tz),
                                                                   locale))
        for t in tickets if t.awaiting_complainant_since is not None]))

    for status, title in WAITING.items():
        total, lks = await watch.lks_in_status(status, limit=SHOWN)
        sections.append(_section(_(title), total, [f"• {lk.number} — {shown(lk.description, 80)}" for lk in lks]))
    total, lks = await watch.lks_in_later_rounds(limit=SHOWN)
    sections.append(_section(_("LKs in a further round (a programme was not effective)"), total, [
        f"• {lk.number} — " + _("round {n}").format(n=lk.round) + f" ({lk_status_name(lk.status, _)})"
        + f": {shown(lk.description, 60)}" for lk in lks]))
    total, actions = await watch.actions_of_unreachable_owners(limit=SHOWN)
    sections.append(_section(_("Actions whose owner the bot cannot reach (never started it, or blocked it)"), total,
                             [action_line(a, lk) for a, lk in actions]))
    heading = _("<b>Monitoring</b> — {date}").format(date=day(today, locale))
    filled = [section for section in sections if section is not None]
    if not filled:
        turn.say(heading + "\n\n" + _("Nothing is late or waiting. ✅"))
        return
    for message in pack([heading, *filled]):  # ten sections of fifteen lines outgrow one message
        turn.say(message)


def _section(title: str, total: int, lines: list[str]) -> str | None:
    """A section with its total and its first lines; None when it has nothing (only what has items is shown)."""
    if total == 0:
        return None
    shown = lines[:SHOWN]
    more = total - len(shown)
    body = "\n".join(shown) if shown else "—"
    if more > 0:
        body += f"\n… +{more}"
    return f"<b>{title}</b> ({total})\n{body}"
