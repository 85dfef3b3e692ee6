"""/monitor (SOP step f): what is late or waiting, in working days (Mon–Fri minus holidays, WIB)."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from dialogs.workflow import LkStatus
from handlers.i18n import N_
from handlers.staff.views import ACTION_KINDS, shorten
from handlers.turn import Turn

SOON_DAYS = 3
WAITING = {
    LkStatus.AWAITING_CHECK: N_("LKs waiting for the check"),
    LkStatus.AWAITING_APPROVAL: N_("LKs waiting for approval"),
    LkStatus.AWAITING_VERIFICATION: N_("LKs waiting for the effectiveness check"),
}


async def monitor(turn: Turn, args: str = "") -> None:
    _, deps = turn._, turn.deps
    today, calendar = deps.today(), deps.calendar
    soon = calendar.add_working_days(today, SOON_DAYS)
    sections: list[str] = []

    due = await turn.uow.lks.open_actions_due_by(soon)
    overdue = [(a, lk) for a, lk in due if a.due_on < today]
    coming = [(a, lk) for a, lk in due if a.due_on >= today]
    for title, rows in ((_("Overdue actions"), overdue), (_("Actions due within {n} working days"), coming)):
        lines = [f"• {lk.number} #{a.id} {_(ACTION_KINDS.get(a.kind, a.kind))}: {escape(shorten(a.description, 80))}"
                 f" — {a.due_on.isoformat()}" for a, lk in rows]
        sections.append(_section(title.format(n=SOON_DAYS), lines, _))

    late = []
    for ticket in await turn.uow.tickets.unconfirmed(deps.clock() - timedelta(days=1)):
        received = ticket.created_at.astimezone(deps.tz).date()
        deadline = calendar.add_working_days(received, deps.confirm_days)
        if today > deadline:
            late.append(f"• {ticket.number} — " + _("received {date}, due {deadline}").format(
                date=received.isoformat(), deadline=deadline.isoformat()))
    sections.append(_section(_("Tickets not confirmed within {n} working days").format(n=deps.confirm_days),
                             late, _))

    for status, title in WAITING.items():
        lks = await turn.uow.lks.with_status([status])
        sections.append(_section(_(title), [f"• {lk.number} — {escape(shorten(lk.description, 80))}"
                                            for lk in lks], _))
    turn.say(_("<b>Monitoring</b> — {date}").format(date=today.isoformat()) + "\n\n" + "\n\n".join(sections))


def _section(title: str, lines: list[str], _: object) -> str:
    shown = lines[:15]
    more = len(lines) - len(shown)
    body = "\n".join(shown) if shown else "—"
    if more > 0:
        body += f"\n… +{more}"
    return f"<b>{title}</b> ({len(lines)})\n{body}"
