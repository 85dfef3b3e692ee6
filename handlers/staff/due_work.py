"""The due-work engine in the chat: /due (what goes out in the next days), /extend (a ticket's deadline), asking
and deciding more time for an action, and assigning a ticket from an escalation."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from dialogs.due_dates import date_and_reason, example_due, working_due
from dialogs.engine import Problem
from domain.vocabulary import Role
from handlers.asking import ask
from handlers.due import Hours
from handlers.due.engine import DIGEST_START, forecast
from handlers.errors import Refusal
from handlers.events import Button
from handlers.formats import day, when
from handlers.i18n import N_
from handlers.procedure import extensions
from handlers.procedure import tickets as procedure
from handlers.procedure.checks import as_id, find_ticket, ticket_by_id
from handlers.staff.common import confirm
from handlers.text import shown
from handlers.turn import Turn

KIND_NAMES = {
    "officer_digest": N_("officer's digest of late tickets"),
    "confirm_escalation": N_("unconfirmed, to the reviewers"),
    "unread": N_("complainant's message unread"),
    "owner_digest": N_("action owner's digest"),
    "overdue_reviewer": N_("overdue action, to the reviewer"),
    "overdue_approver": N_("overdue action, to the approver"),
    "lk_waiting": N_("LK waiting for its check or approval"),
    "lk_draft": N_("LK draft not submitted, to its officer"),
    "verify_waiting": N_("effectiveness check waiting"),
    "complainant_late": N_("complainant told of the delay"),
    "rating_reminder": N_("rating reminder"),
    "auto_close": N_("auto-close"),
    "recurrence_check": N_("question to the complainant: did it happen again since the LK closed?"),
    "group_digest": N_("staff group's daily summary, when there is something to report (a group post, before "
                       "office hours, as planned)"),
    "monthly_recap": N_("the previous month's recap (PDF)"),
    "data_request_soon": N_("data-subject request due within 24 hours, to the admins"),
    "data_request_overdue": N_("data-subject request overdue, to the admins"),
}
SHOWN = 40


async def due(turn: Turn, args: str = "") -> None:
    """/due: when the engine last ran, and what it expects to send in the next 7 days if nothing changes, by day,
    with the people it goes to."""
    _ = turn._
    last = await turn.uow.due.last_pass()
    head = (_("The reminder engine last ran at {time}: {n} notices issued.").format(
        time=when(last.at, turn.deps.tz, turn.locale), n=last.issued) if last is not None
            else _("⚠ The reminder engine has not run yet: it runs in the process that sends messages."))
    upcoming = await forecast(turn.uow, turn.deps)
    if not upcoming:
        turn.say(head + "\n\n" + _("Nothing is due in the next 7 days."))
        return
    names = await _names(turn, {pid for _at, item in upcoming[:SHOWN] if item.hours is not Hours.COMPLAINANT
                                for pid in item.to})
    by_day: dict[date, list[str]] = defaultdict(list)
    for at, item in upcoming[:SHOWN]:
        local = at.astimezone(turn.deps.tz)
        if item.hours is Hours.COMPLAINANT:  # never a complainant's name: an anonymous one's is nobody's to see
            who = await _complainant_of(turn, item.about)
        else:
            who = ", ".join(names.get(pid, f"#{pid}") for pid in item.to) if item.to else _("the staff group")
        by_day[local.date()].append(f"• {local:%H:%M} — {_(KIND_NAMES.get(item.kind, item.kind))} → {who}")
    lines = [head, "", _("<b>Due in the next 7 days</b> ({n}), if nothing changes meanwhile:").format(
        n=len(upcoming))]
    for when_day, items in sorted(by_day.items()):
        lines.append(f"\n<b>{day(when_day, turn.locale)}</b>")
        lines += items
    if len(upcoming) > SHOWN:
        lines.append(f"… +{len(upcoming) - SHOWN}")
    lines += ["", _hours(turn)]
    turn.say("\n".join(lines))


def _hours(turn: Turn) -> str:
    """When each kind of notice may go, so that a 07:30 beside office hours that open at 08:00 reads as planned."""
    office, complainants = turn.deps.office_hours, turn.deps.complainant_hours
    return turn._("ℹ️ Staff are messaged in office hours ({office} WIB, working days). The morning digests — the staff "
                  "group's summary and each action owner's digest — go from {digest} on working days, before office "
                  "hours, as planned. Complainants: {complainants}, every day.").format(
        office=office.label().replace("-", "–"), digest=f"{DIGEST_START:%H:%M}",
        complainants=complainants.label().replace("-", "–"))


async def _complainant_of(turn: Turn, ticket_ids: tuple[int, ...]) -> str:
    """"the complainant of KEL-…": notices to complainants name the ticket, not the person (whose identity this
    view has no reason to show, and an anonymous complainant's must never be)."""
    numbers = [t.number for t in [await turn.uow.tickets.get(tid) for tid in ticket_ids] if t is not None]
    return turn._("the complainant of {number}").format(number=", ".join(numbers) or "—")


async def _names(turn: Turn, ids: set[int]) -> dict[int, str]:
    found = {pid: await turn.uow.persons.get(pid) for pid in sorted(ids)}
    return {pid: shown(p.name, 40) for pid, p in found.items() if p is not None}


async def extend_ticket(turn: Turn, args: str = "") -> None:
    """/extend <number> <date> <reason>: move a ticket's deadline once; the complainant and the
    approvers are told."""
    _ = turn._
    number, _sep, rest = args.strip().partition(" ")
    usage = _("Usage: /extend <ticket number> <new date> <reason>, e.g. /extend KEL-2026-00042 {example} waiting "
              "for the faculty's records").format(example=example_due(turn.deps.today(), turn.deps.calendar))
    found = date_and_reason(rest, turn.deps.today(), _, turn.locale) if number else None
    if isinstance(found, Problem):
        raise Refusal(found.text + "\n" + usage)
    if found is None:
        raise Refusal(usage)
    to, moved = working_due(found[0], turn.deps.calendar, _, turn.locale)
    ctx = await turn.ctx()
    ticket = await extensions.extend_ticket(ctx, await find_ticket(ctx, number), to, found[1])
    assert ticket.due_on is not None
    turn.say(_("The deadline of {number} is now {date}; the complainant and the approvers were told, with the "
               "reason.").format(number=ticket.number, date=day(ticket.due_on, turn.locale))
             + (f"\nℹ️ {moved}" if moved else ""))


async def ask_more_time(turn: Turn, arg: str) -> None:
    """Button ``ax:<action id>`` on the owner's digest: ask for the new date and the reason — unless more time
    cannot be asked (extended once already, a request waiting): an older digest's button is refused at the press."""
    action = await turn.uow.lks.get_action(as_id(arg) or 0)
    if action is None:
        raise Refusal(turn._("That action no longer exists."))
    await extensions.check_more_time(await turn.ctx(), action)
    await ask(turn, "extension", f"#{action.id}", action_id=action.id)


async def more_time(turn: Turn, action_id: int, text: str) -> None:
    """The answer to "until when, and why?": the request goes to the approvers."""
    _ = turn._
    action = await turn.uow.lks.get_action(action_id)
    if action is None:
        raise Refusal(_("That action no longer exists."))
    found = date_and_reason(text, turn.deps.today(), _, turn.locale)
    if isinstance(found, Problem):
        raise Refusal(found.text)
    if found is None:
        raise Refusal(_("Write the new due date first, then the reason, e.g. “{example} waiting for the dean's "
                        "signature”.").format(example=example_due(turn.deps.today(), turn.deps.calendar)))
    to, moved = working_due(found[0], turn.deps.calendar, _, turn.locale)
    request = await extensions.ask_more_time(await turn.ctx(), action, to, found[1])
    turn.say(_("Asked: action #{id} until {date}. An approver decides; you are told here.").format(
        id=action.id, date=day(request.new_due, turn.locale)) + (f"\nℹ️ {moved}" if moved else ""))


async def decide(turn: Turn, arg: str, *, grant: bool) -> None:
    request = await extensions.decide(await turn.ctx(), as_id(arg) or 0, grant)
    confirm(turn, (turn._("Granted: action #{id} is now due {date}.") if grant else
                   turn._("Refused: action #{id} stays due {date}.")).format(
        id=request.action_id, date=day(request.new_due if grant else request.old_due, turn.locale)))


async def grant(turn: Turn, arg: str) -> None:
    await decide(turn, arg, grant=True)


async def refuse(turn: Turn, arg: str) -> None:
    await decide(turn, arg, grant=False)


async def pick_officer(turn: Turn, arg: str) -> None:
    """Button ``as:<ticket id>`` on an escalation: the officers, to hand the ticket to one."""
    ticket = await ticket_by_id(await turn.ctx(), arg)
    officers = await turn.uow.staff.with_role(Role.OFFICER.value)
    if not officers:
        raise Refusal(turn._("There is no officer yet: an admin adds them with /staff add."))
    buttons = [Button(shown(o.name, 30), f"ao:{ticket.id}.{o.id}") for o in officers[:12]]
    turn.say(turn._("Hand {number} to which officer?").format(number=ticket.number),
             tuple(tuple(buttons[i: i + 2]) for i in range(0, len(buttons), 2)))


async def assign_to(turn: Turn, arg: str) -> None:
    """Button ``ao:<ticket id>.<person id>``: hand the ticket to that officer (who is told)."""
    ticket_id, _sep, person_id = arg.partition(".")
    ctx = await turn.ctx()
    ticket = await ticket_by_id(ctx, ticket_id)
    officer = await turn.uow.persons.get(as_id(person_id) or 0)
    if officer is None:
        raise Refusal(turn._("That person is no longer on the staff."))
    ticket = await procedure.assign(ctx, ticket, officer)
    confirm(turn, turn._("{number} is now assigned to {name}.").format(number=ticket.number, name=shown(officer.name)))

