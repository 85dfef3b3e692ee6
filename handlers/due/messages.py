"""What each due notice says, to whom, in their language, with buttons to act on the spot (and the auto-close's
own change). Each function reads the records afresh: what it tells is the state at the moment it goes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from html import escape

from domain.delivery import Priority
from domain.vocabulary import RATEABLE, ActionStatus, LkStatus, TicketEvent, TicketStatus
from handlers import notices
from handlers.due import Due, Kind
from handlers.due.data_requests import tell_admins
from handlers.due.gather import SOON
from handlers.due.gather import expected as expected_by
from handlers.due.recurrence import ask_recurrence
from handlers.events import Button, Keyboard, OutMessage
from handlers.formats import day
from handlers.history import Reader
from handlers.i18n import Ngettext
from handlers.labels import action_kind_name, due_step_name, lk_status_name, status_name
from handlers.procedure import Ctx
from handlers.procedure.extensions import may_ask_more_time
from handlers.procedure.lookups import lk_snapshot
from handlers.procedure.tickets import move
from handlers.recap_jobs import queue_recap
from handlers.staff.lk_views import lk_buttons, lk_view, owner_text
from handlers.text import shown
from storage.records import ActionRecord, LkRecord, PersonRecord, TicketRecord

SHOWN = 10
"""Items a digest lists one by one (with buttons); the rest are counted."""

Send = Callable[[Ctx, Due], Awaitable[int]]


def _bulk(chat: int, text: str, buttons: Keyboard = (), *, resend: bool = True) -> OutMessage:
    return OutMessage(chat, text, buttons, resend=resend, priority=Priority.BULK)


async def _people(ctx: Ctx, ids: tuple[int, ...]) -> list[PersonRecord]:
    found = [await ctx.uow.persons.get(pid) for pid in dict.fromkeys(ids)]
    return [p for p in found if p is not None and p.telegram_id is not None]


def _when(reader: Reader, value: date) -> str:
    return day(value, reader.locale)


def _plural(ctx: Ctx, reader: Reader) -> Ngettext:
    """The reader's plural forms: "1 working day", "2 working days" (one form in Indonesian)."""
    return ctx.deps.translator.ngettext(reader.locale)


def _late(ctx: Ctx, due_on: date) -> int:
    return ctx.deps.calendar.working_days_between(due_on, ctx.now.astimezone(ctx.deps.tz).date())


# --- staff ----------------------------------------------------------------------------------------------------
async def officer_digest(ctx: Ctx, due: Due) -> int:
    tickets = [t for t in await ctx.uow.tickets.by_ids(due.about) if t.due_on is not None]
    if not tickets:
        return 0
    # all the officer's late tickets (and those of nobody yet), counted as it goes; ``about`` has the newest few
    today = ctx.now.astimezone(ctx.deps.tz).date()
    counted = await ctx.uow.due.late_count(today, due.to[0], due.facts.get("unassigned") is True)
    total = max(counted, len(tickets))
    sent = 0
    for person in await _people(ctx, due.to):
        r = notices.reader_for(ctx, person)
        _, ngettext = r._, _plural(ctx, r)
        lines = [_("📋 <b>Tickets past their standard time</b> ({n}):").format(n=total)]
        for t in tickets[:SHOWN]:
            assert t.due_on is not None
            late = _late(ctx, t.due_on)
            lines.append("• " + ngettext("{number}: to {step} by {date} ({n} working day late)",
                                         "{number}: to {step} by {date} ({n} working days late)", late).format(
                number=t.number, step=due_step_name(t.due_step, _), date=_when(r, t.due_on), n=late))
        if total > SHOWN:
            lines.append(f"… +{total - min(len(tickets), SHOWN)}")
        # The command's arguments are in angle brackets: text, not tags Telegram would refuse the message for.
        lines.append(escape(_("A deadline can be extended once, with a reason: /extend <number> <date> <reason>.")))
        buttons = [Button(f"📄 {t.number}", f"sh:{t.id}") for t in tickets[:8]]
        ctx.out.append(_bulk(person.telegram_id or 0, "\n".join(lines),
                             tuple(tuple(buttons[i: i + 2]) for i in range(0, len(buttons), 2))))
        sent += 1
    return sent


async def confirm_escalation(ctx: Ctx, due: Due) -> int:
    ticket = await ctx.uow.tickets.get(due.about[0])
    if ticket is None or ticket.due_on is None:
        return 0
    officer = await ctx.uow.persons.get(ticket.assigned_to) if ticket.assigned_to is not None else None
    sent = 0
    for person in await _people(ctx, due.to):
        r = notices.reader_for(ctx, person)
        _ = r._
        late = max(1, _late(ctx, ticket.due_on))  # a pass after a pause (a restart, the sandbox's /clock) sends it
        # later than the working day after: say how late it is (the third walk read "a working day" at 17)
        ngettext = _plural(ctx, r)
        text = ngettext("⏫ {number} is still not confirmed, {n} working day after its deadline ({date}). "
                        "Officer: {name}.",
                        "⏫ {number} is still not confirmed, {n} working days after its deadline ({date}). "
                        "Officer: {name}.", late).format(
            number=ticket.number, n=late, date=_when(r, ticket.due_on),
            name=shown(officer.name) if officer else _("nobody yet"))
        ctx.out.append(_bulk(person.telegram_id or 0, text, ((Button(_("📄 Show"), f"sh:{ticket.id}"),
                                                             Button(_("👤 Assign…"), f"as:{ticket.id}")),)))
        sent += 1
    return sent


async def unread(ctx: Ctx, due: Due) -> int:
    ticket = await ctx.uow.tickets.get(due.about[0])
    if ticket is None or ticket.unread_since is None:
        return 0
    sent = 0
    for person in await _people(ctx, due.to):
        r = notices.reader_for(ctx, person)
        _ = r._
        text = _("💬 The complainant's message on {number} has waited unread since {date}.").format(
            number=ticket.number, date=_when(r, ticket.unread_since.astimezone(ctx.deps.tz).date()))
        ctx.out.append(_bulk(person.telegram_id or 0, text, ((Button(_("📄 Show"), f"sh:{ticket.id}"),
                                                             Button(_("↩ Reply"), f"tk:reply:{ticket.id}")),)))
        sent += 1
    return sent


async def _open_actions(ctx: Ctx, ids: tuple[int, ...]) -> list[tuple[ActionRecord, LkRecord]]:
    """The open actions of ``ids`` whose programme runs (its LK approved and in progress) with their LK."""
    found = []
    for action_id in ids:
        action = await ctx.uow.lks.get_action(action_id)
        lk = await ctx.uow.lks.get(action.lk_id) if action is not None else None
        if action is not None and lk is not None and action.status == ActionStatus.OPEN \
                and lk.status == LkStatus.IN_PROGRESS:
            found.append((action, lk))
    return found


async def owner_digest(ctx: Ctx, due: Due) -> int:
    actions = await _open_actions(ctx, due.about)
    if not actions:
        return 0
    today = ctx.now.astimezone(ctx.deps.tz).date()
    extendable = {a.id: await may_ask_more_time(ctx.uow, a) for a, _lk in actions}
    sent = 0
    for person in await _people(ctx, due.to):
        r = notices.reader_for(ctx, person)
        _, ngettext = r._, _plural(ctx, r)
        groups = ((_("Overdue"), [x for x in actions if x[0].due_on < today]),
                  (_("Due today"), [x for x in actions if x[0].due_on == today]),
                  (ngettext("Due within {n} working day", "Due within {n} working days", SOON).format(n=SOON),
                   [x for x in actions if x[0].due_on > today]))
        lines = [_("🗓 <b>Your actions</b> — {date}").format(date=_when(r, today))]
        shown_actions: list[ActionRecord] = []
        for title, items in groups:
            if not items:
                continue
            lines.append(f"\n<b>{title}</b> ({len(items)})")
            for action, lk in items[:SHOWN]:
                mine = "" if action.owner_person_id == person.id else " · " + _("owner: {owner}").format(
                    owner=owner_text(action, {}, _))
                late = _late(ctx, action.due_on) if action.due_on < today else 0
                behind = " " + ngettext("({n} working day late)", "({n} working days late)", late).format(n=late) \
                    if late else ""
                lines.append(f"• {lk.number} #{action.id} {action_kind_name(action.kind, _)}: "
                             f"{shown(action.description, 80)} — {_when(r, action.due_on)}{behind}{mine}")
                shown_actions.append(action)
        # ⏳ only where it can still be used: not after the one extension, nor while a request waits.
        rows = [(Button(_("✅ #{id} done").format(id=a.id), f"ad:{a.id}"),
                 *((Button(_("⏳ #{id} more time").format(id=a.id), f"ax:{a.id}"),) if extendable[a.id] else ()),
                 Button(_("📄 LK"), f"lk:show:{a.lk_id}")) for a in shown_actions[:6]]
        ctx.out.append(_bulk(person.telegram_id or 0, "\n".join(lines), tuple(rows)))
        sent += 1
    return sent


async def overdue(ctx: Ctx, due: Due) -> int:
    actions = await _open_actions(ctx, due.about)
    if not actions:
        return 0
    action, lk = actions[0]
    owner = await ctx.uow.persons.get(action.owner_person_id) if action.owner_person_id is not None else None
    names = {owner.id: owner.name} if owner is not None else {}
    sent = 0
    for person in await _people(ctx, due.to):
        r = notices.reader_for(ctx, person)
        _, ngettext = r._, _plural(ctx, r)
        late = _late(ctx, action.due_on)
        text = ngettext("⏰ Action #{id} of {lk} is overdue since {date} ({n} working day): {kind}: {text}\nOwner: "
                        "{owner}.", "⏰ Action #{id} of {lk} is overdue since {date} ({n} working days): {kind}: "
                        "{text}\nOwner: {owner}.", late).format(
            id=action.id, lk=lk.number, date=_when(r, action.due_on), n=late, kind=action_kind_name(action.kind, _),
            text=shown(action.description, 300), owner=owner_text(action, names, _))
        ctx.out.append(_bulk(person.telegram_id or 0, text, ((Button(_("📄 Open {number}").format(number=lk.number),
                                                                     f"lk:show:{lk.id}"),),)))
        sent += 1
    return sent


async def lk_waiting(ctx: Ctx, due: Due) -> int:
    lk = await ctx.uow.lks.get(due.about[0])
    waiting = (LkStatus.DRAFT, LkStatus.AWAITING_CHECK, LkStatus.AWAITING_APPROVAL, LkStatus.AWAITING_VERIFICATION)
    if lk is None or lk.status not in waiting:
        return 0
    snap = await lk_snapshot(ctx, lk)
    sent = 0
    for person in await _people(ctx, due.to):
        r = notices.reader_for(ctx, person)
        _ = r._
        roles = await ctx.uow.staff.roles_of(person.id)
        since = _when(r, lk.updated_at.astimezone(ctx.deps.tz).date())
        if lk.status == LkStatus.DRAFT:
            head = _("⏳ {number} has been a draft since {date} (round {round}): nothing of it runs until its "
                     "programme is submitted, checked and approved. When its actions are in, submit it for check.")
            head = head.format(number=lk.number, date=since, round=lk.round)
        else:
            head = _("⏳ {number} has been {status} since {date}.").format(
                number=lk.number, status=lk_status_name(lk.status, _), date=since)
        ctx.out.append(_bulk(person.telegram_id or 0, head + "\n\n" + lk_view(snap, r),
                             lk_buttons(snap, _, roles, person.id)))
        sent += 1
    return sent


# --- complainants ---------------------------------------------------------------------------------------------
async def _complainant(ctx: Ctx, due: Due) -> tuple[TicketRecord, PersonRecord, Reader] | None:
    ticket = await ctx.uow.tickets.get(due.about[0])
    people = await _people(ctx, due.to)
    if ticket is None or not people:
        return None
    return ticket, people[0], notices.reader_for(ctx, people[0])


async def complainant_late(ctx: Ctx, due: Due) -> int:
    found = await _complainant(ctx, due)
    if found is None:
        return 0
    ticket, person, r = found
    if ticket.due_on is None:
        return 0
    _ = r._
    expected = await expected_by(ctx, ticket, ctx.now.astimezone(ctx.deps.tz).date())
    if ticket.due_extended:  # the date is the one the officer gave with the extension, not the standard time
        text = _("Your report {number} is taking longer than the date we gave you to {step} (it was to be by "
                 "{date}). It is still in hand; where it stands: {status}. You can now expect it by {expected}; you "
                 "are told here as soon as it moves.")
    else:
        text = _("Your report {number} is taking longer than the standard time to {step} (it was due by {date}). It "
                 "is still in hand; where it stands: {status}. You can now expect it by {expected}; you are told "
                 "here as soon as it moves.")
    text = text.format(number=ticket.number, step=due_step_name(due.key.split(":")[3], _),
                       date=_when(r, ticket.due_on), status=status_name(ticket.status, _), expected=_when(r, expected))
    ctx.out.append(_bulk(person.telegram_id or 0, text, (notices.add_info_button(ticket, _),)))
    # What they were promised is kept: /status and the history show it (and the staff see it in /show).
    await ctx.uow.tickets.record(ticket.id, TicketEvent.LATE_TOLD, actor_person_id=None, at=ctx.now,
                                 params={"step": ticket.due_step, "from": str(ticket.due_on), "to": str(expected)})
    return 1


async def rating_reminder(ctx: Ctx, due: Due) -> int:
    found = await _complainant(ctx, due)
    if found is None:
        return 0
    ticket, person, r = found
    if ticket.status not in RATEABLE or ticket.rating is not None or ticket.resolved_at is None:
        return 0
    _ = r._
    closes = ctx.deps.calendar.add_working_days(ticket.resolved_at.astimezone(ctx.deps.tz).date(), 10)
    text = _("How satisfied are you with the outcome of {number}? Your rating tells the bureau whether the problem "
             "is really solved; without one, the ticket closes by itself on {date}.").format(
        number=ticket.number, date=_when(r, closes))
    ctx.out.append(_bulk(person.telegram_id or 0, text, notices.rating_buttons(ticket)))
    return 1


async def auto_close(ctx: Ctx, due: Due) -> int:
    """Close a response left unrated for 10 working days and tell the complainant, who may still rate it."""
    found = await _complainant(ctx, due)
    if found is None:
        return 0
    ticket, person, r = found
    if ticket.status not in RATEABLE or ticket.rating is not None:
        return 0
    await move(ctx, ticket, TicketStatus.CLOSED, TicketEvent.CLOSED, {"reason": "auto"})
    await notices.refresh_card(ctx, ticket.id)
    _ = r._
    until = ctx.now.astimezone(ctx.deps.tz).date() + timedelta(days=ctx.deps.rating_days_after_close)
    text = _("{number} is closed: 10 working days passed since the response without a rating. You can still rate it "
             "until {date}; a rating of 1 or 2 opens it again.").format(number=ticket.number, date=_when(r, until))
    ctx.out.append(_bulk(person.telegram_id or 0, text, notices.rating_buttons(ticket)))
    return 1


# --- the staff group ------------------------------------------------------------------------------------------
async def group_digest(ctx: Ctx, due: Due) -> int:
    chat = ctx.deps.staff_chat_id
    if chat is None:
        return 0
    translator = ctx.deps.translator
    locale = translator.default
    r = Reader(translator.gettext(locale), locale, ctx.deps.tz)
    _ = r._
    today = ctx.now.astimezone(ctx.deps.tz).date()
    # New since the summary before this one went (a ticket filed after Friday's is new on Monday), else a day.
    since = await ctx.uow.due.previous_issued(due.key) or ctx.now - timedelta(days=1)
    watch = ctx.uow.monitoring
    unconfirmed, first = await watch.unconfirmed_tickets(ctx.now, limit=4)
    late = await ctx.uow.due.late_tickets(before=today, limit=200)
    due_today, _rows = await watch.open_actions_due(first=today, last=today, limit=0)
    overdue, rows = await watch.open_actions_due(first=None, last=today - timedelta(days=1), limit=5)
    waiting = {status: (await watch.lks_in_status(status, limit=3)) for status in
               (LkStatus.AWAITING_CHECK, LkStatus.AWAITING_APPROVAL, LkStatus.AWAITING_VERIFICATION)}
    new = await ctx.uow.due.count_new_since(since)
    if not (new or unconfirmed or late or due_today or overdue or any(total for total, _l in waiting.values())):
        return 0  # a quiet day: no summary of zeros
    lines = [_("📊 <b>Daily summary</b> — {date}").format(date=_when(r, today)),
             _("New since the last summary: {n}").format(n=new),
             _("Not yet confirmed: {n} (past their standard time: {late})").format(
                 n=unconfirmed, late=sum(1 for t in late if t.due_step == "confirm")),
             _("Past the time to respond: {n}").format(n=sum(1 for t in late if t.due_step == "respond")),
             _("Actions due today: {n} · overdue: {m}").format(n=due_today, m=overdue),
             _("LKs waiting — check: {check}, approval: {approval}, effectiveness: {verify}").format(
                 check=waiting[LkStatus.AWAITING_CHECK][0], approval=waiting[LkStatus.AWAITING_APPROVAL][0],
                 verify=waiting[LkStatus.AWAITING_VERIFICATION][0])]
    # the late tickets first, then those not yet confirmed (a reopened one counted is also listed)
    tickets = {t.id: t.number for t in late[:4]} | {t.id: t.number for t in first}
    buttons = [Button(number, f"sh:{ticket_id}") for ticket_id, number in list(tickets.items())[:5]]
    buttons += [Button(lk.number, f"lk:show:{lk.id}") for _a, lk in rows[:2]]
    buttons += [Button(lk.number, f"lk:show:{lk.id}") for total, lks in waiting.values() for lk in lks[:1]]
    unique = list({b.data: b for b in buttons}.values())[:8]
    ctx.out.append(OutMessage(chat, "\n".join(lines), tuple(tuple(unique[i: i + 4]) for i in range(0, len(unique), 4)),
                              priority=Priority.BULK))
    return 1


async def monthly_recap(ctx: Ctx, due: Due) -> int:
    """The recap goes as a job (its PDF is drawn off the event loop, ``handlers.recap_jobs``): queued here with its
    progress message, in the same transaction as the notice's key."""
    sent = 0
    month = date.fromisoformat(str(due.facts["month"]) + "-01")
    for person in await _people(ctx, due.to):
        assert person.telegram_id is not None
        r = notices.reader_for(ctx, person)
        ctx.out.extend(await queue_recap(ctx.uow, ctx.deps, person_id=person.id, chat_id=person.telegram_id,
                                         locale=r.locale, month=month))
        sent += 1
    return sent


SENDERS: dict[Kind, Send] = {
    Kind.OFFICER_DIGEST: officer_digest, Kind.CONFIRM_ESCALATION: confirm_escalation, Kind.UNREAD: unread,
    Kind.OWNER_DIGEST: owner_digest, Kind.OVERDUE_REVIEWER: overdue, Kind.OVERDUE_APPROVER: overdue,
    Kind.LK_WAITING: lk_waiting, Kind.LK_DRAFT: lk_waiting, Kind.VERIFY_WAITING: lk_waiting,
    Kind.COMPLAINANT_LATE: complainant_late,
    Kind.RATING_REMINDER: rating_reminder, Kind.AUTO_CLOSE: auto_close, Kind.GROUP_DIGEST: group_digest,
    Kind.MONTHLY_RECAP: monthly_recap,
    Kind.RECURRENCE_CHECK: ask_recurrence,
    Kind.DATA_REQUEST_SOON: tell_admins, Kind.DATA_REQUEST_OVERDUE: tell_admins,
}

