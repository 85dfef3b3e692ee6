"""The LK (Laporan Ketidaksesuaian) and its follow-up programme (SOP steps c–f): written by an officer, checked
by a reviewer, approved by an approver — three different people unless the office allows otherwise —, carried
out action by action, and verified effective (or not: another round, whose programme is a new plan — drafted by
the officer, checked and approved like the first before its owners are told).

The complainants hear of their case when its correction is done (step e: the immediate fix), with the response,
and may rate it then; the LK's effectiveness check continues afterwards without holding them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dialogs.workflow import lk_move_roles
from domain.vocabulary import (
    AWAITING_ANSWER,
    LINKABLE,
    ActionKind,
    ActionStatus,
    LkEvent,
    LkKind,
    LkStatus,
    Role,
    TicketEvent,
    TicketKind,
    TicketStatus,
)
from handlers import notices
from handlers.documents import attach_lk_pdf
from handlers.errors import Refusal
from handlers.events import Button
from handlers.formats import day
from handlers.history import Reader
from handlers.i18n import Gettext
from handlers.labels import lk_status_name
from handlers.lk_form_jobs import queue_lk_form
from handlers.lk_trail import current_signers
from handlers.procedure import Ctx, cases
from handlers.procedure.checks import checked_text, find_ticket, lk_by_id, lk_not_now
from handlers.procedure.fan_out import move_all, record_all
from handlers.procedure.lookups import lk_snapshot
from handlers.staff.lk_views import LkSnapshot, lk_buttons, lk_view
from handlers.text import shown
from storage.records import ActionRecord, LkRecord, NewAction, NewLk, TicketRecord


async def tickets_for_lk(ctx: Ctx, numbers: list[str]) -> list[TicketRecord]:
    """The tickets an LK may cover: confirmed nonconformities, or accepted suggestions (not mixed)."""
    _ = ctx._
    if not numbers:
        raise Refusal(_("Name the tickets: /lk new KEL-2026-00001 [KEL-2026-00002 …]"))
    tickets = [await find_ticket(ctx, n) for n in dict.fromkeys(n.upper() for n in numbers)]
    if len({t.kind for t in tickets}) > 1:
        raise Refusal(_("An LK covers complaints only, a programme suggestions only; do not mix them."))
    for t in tickets:
        if t.status != LINKABLE[TicketKind(t.kind)]:
            hint = _("confirm it as a nonconformity first") if t.kind == TicketKind.COMPLAINT else _("accept it first")
            raise Refusal(_("{number} cannot be linked yet: {hint}.").format(number=t.number, hint=hint))
    return tickets


async def create(ctx: Ctx, tickets: list[TicketRecord], description: str, procedure_ref: str,
                 root_cause: str) -> LkRecord:
    kind = LkKind.NONCONFORMITY if tickets[0].kind == TicketKind.COMPLAINT else LkKind.IMPROVEMENT
    lk = await ctx.uow.lks.add(NewLk(kind, tickets[0].service_code, procedure_ref, description, root_cause,
                                     ctx.actor.person_id, ctx.now))
    await link(ctx, lk, tickets)
    return lk


async def link(ctx: Ctx, lk: LkRecord, tickets: list[TicketRecord]) -> int:
    if lk.status == LkStatus.CLOSED:
        raise Refusal(ctx._("{number} is closed.").format(number=lk.number))
    wanted = TicketKind.COMPLAINT if lk.kind == LkKind.NONCONFORMITY else TicketKind.SUGGESTION
    if {t.kind for t in tickets} != {wanted}:
        raise Refusal(ctx._("These tickets do not fit {number}.").format(number=lk.number))
    added = await ctx.uow.lks.link(lk.id, [t.id for t in tickets])
    for ticket in tickets:
        await ctx.uow.tickets.record(ticket.id, TicketEvent.LINKED, actor_person_id=ctx.actor.person_id,
                                     at=ctx.now, params={"lk": lk.number})
    return added + await cases.link_members(ctx, lk.id, lk.number, tickets)  # "me too": the leads' members too


async def _move(ctx: Ctx, lk: LkRecord, to: LkStatus, code: LkEvent, params: dict[str, object] | None = None,
                **fields: object) -> LkRecord:
    needed = lk_move_roles(lk.status, to)
    if not needed:
        raise lk_not_now(ctx._, lk)
    if not ctx.actor.has(*needed):
        raise Refusal(ctx._("Sorry, your role does not allow this."))
    await ctx.uow.lks.set_status(lk.id, to, actor_person_id=ctx.actor.person_id, at=ctx.now, code=code,
                                 params=params)
    if fields:
        await ctx.uow.lks.update(lk.id, **fields)
    return await lk_by_id(ctx, lk.id)


def _needs_correction(lk: LkRecord, tickets: list[TicketRecord]) -> bool:
    """A complainant's own case still needs fixing: a nonconformity LK covering a complaint in follow-up (or
    reopened after its answer was rated low)."""
    return lk.kind == LkKind.NONCONFORMITY and any(t.kind == TicketKind.COMPLAINT and t.status in AWAITING_ANSWER
                                                   for t in tickets)


EDITABLE = {"cause": "root_cause", "description": "description", "procedure": "procedure_ref",
            "penyebab": "root_cause", "uraian": "description", "prosedur": "procedure_ref"}
"""What ``/lk edit <LK> <part> <text>`` may rewrite, by the word the officer types (English or Indonesian)."""


async def edit(ctx: Ctx, lk: LkRecord, part: str, text: str) -> LkRecord:
    """Steps c–d: while the LK is a draft — a first one, one returned with a note, or a further round's after "not
    effective", when the cause was often misjudged — its officer may rewrite its description, root cause or procedure
    reference; the text it replaces stays in the LK's history."""
    column = EDITABLE.get(part.casefold())
    if column is None:
        raise Refusal(ctx._("Usage: /lk edit <LK number> cause|description|procedure <new text>"))
    if lk.status != LkStatus.DRAFT:
        raise Refusal(ctx._("{number} can be changed only while it is a draft (it is now at “{status}”).").format(
            number=lk.number, status=lk_status_name(lk.status, ctx._)))
    if not ctx.actor.has(Role.OFFICER):
        raise Refusal(ctx._("Sorry, your role does not allow this."))
    text = checked_text(ctx._, text)
    await ctx.uow.lks.set_status(lk.id, LkStatus.DRAFT, actor_person_id=ctx.actor.person_id, at=ctx.now,
                                 code=LkEvent.EDITED, params={"field": column, "before": getattr(lk, column)})
    await ctx.uow.lks.update(lk.id, **{column: text})
    return await lk_by_id(ctx, lk.id)


async def submit(ctx: Ctx, lk: LkRecord) -> LkRecord:
    """Send the LK to the check; it needs its programme first (at least one action, and a correction whenever a
    complainant's own case needs fixing)."""
    actions = await ctx.uow.lks.actions(lk.id, round=lk.round)
    if lk.status == LkStatus.DRAFT and not actions:
        raise Refusal(ctx._("{number} cannot be submitted yet: it has no follow-up programme. Add its actions with "
                            "/lk action add {number} (or the ➕ Add action button), then submit it.").format(
            number=lk.number))
    if lk.status == LkStatus.DRAFT and _needs_correction(lk, await ctx.uow.lks.tickets(lk.id)) and not any(
            a.kind == ActionKind.CORRECTION for a in actions):
        raise Refusal(ctx._("{number} cannot be submitted yet: a complainant's own case still needs fixing, so the "
                            "programme needs a correction. Add it with /lk action add {number} (or the ➕ Add action "
                            "button), then submit it.").format(number=lk.number))
    lk = await _move(ctx, lk, LkStatus.AWAITING_CHECK, LkEvent.SUBMITTED)
    await tell_role(ctx, Role.REVIEWER, lk, lambda _: _("{number} waits for your check.").format(number=lk.number)
                    if lk.round == 1 else _("The programme of round {round} of {number} (the previous one was not "
                                            "effective) waits for your check.").format(number=lk.number,
                                                                                         round=lk.round))
    return lk


def _segregation(ctx: Ctx, signers: tuple[int | None, ...], refusal: str) -> None:
    """Segregation of duties: one person does not sign an LK twice, unless the office allows it."""
    if not ctx.deps.allow_self_check and ctx.actor.person_id in signers:
        raise Refusal(refusal)


async def check(ctx: Ctx, lk: LkRecord) -> LkRecord:
    _segregation(ctx, current_signers(lk, await ctx.uow.lks.events(lk.id)), ctx._(
        "You prepared {number}, so another reviewer must check it (segregation of duties).").format(number=lk.number))
    lk = await _move(ctx, lk, LkStatus.AWAITING_APPROVAL, LkEvent.CHECKED, checked_by=ctx.actor.person_id,
                     checked_at=ctx.now)
    await tell_role(ctx, Role.APPROVER, lk, lambda _: _(
        "{number} was checked and waits for your approval.").format(number=lk.number) if lk.round == 1 else _(
        "The programme of round {round} of {number} was checked and waits for your approval.").format(
        number=lk.number, round=lk.round))
    await attach_lk_pdf(ctx, lk, await ctx.uow.staff.with_role(Role.APPROVER.value))
    return lk


async def approve(ctx: Ctx, lk: LkRecord) -> LkRecord:
    _segregation(ctx, current_signers(lk, await ctx.uow.lks.events(lk.id)), ctx._(
        "You prepared or checked {number}, so another approver must approve it (segregation of duties).").format(
        number=lk.number))
    lk = await _move(ctx, lk, LkStatus.IN_PROGRESS, LkEvent.APPROVED, approved_by=ctx.actor.person_id,
                     approved_at=ctx.now)
    await tell_with_lk(ctx, lk.prepared_by, lk, lambda _: _(
        "{number} was approved: the follow-up programme runs.").format(number=lk.number))
    for action in await ctx.uow.lks.actions(lk.id, round=lk.round):  # the programme runs: each owner is told now
        if action.status != ActionStatus.DONE:
            await _tell_owner(ctx, lk, action)
    await maybe_ready_for_verification(ctx, lk)
    return lk


async def return_lk(ctx: Ctx, lk: LkRecord, note: str) -> LkRecord:
    note = checked_text(ctx._, note)
    lk = await _move(ctx, lk, LkStatus.DRAFT, LkEvent.RETURNED, {"note": note})
    await tell_with_lk(ctx, lk.prepared_by, lk, lambda _: _(
        "{number} was returned to you: {note}\nChange it (/lk edit {number} cause, description or procedure, then "
        "the new text; /lk action add {number}) and submit it again with /lk submit {number}."
    ).format(number=lk.number, note=shown(note)))
    return lk


async def add_action(ctx: Ctx, lk: LkRecord, new: NewAction) -> ActionRecord:
    """Step d: one more action of the programme; its owner is told once the programme runs (at the approval, or at
    once when it already runs); an owner outside the bot is followed by the officer."""
    if lk.status not in (LkStatus.DRAFT, LkStatus.IN_PROGRESS):
        raise Refusal(ctx._("Actions can be added while {number} is a draft or its programme runs.").format(
            number=lk.number))
    action = await ctx.uow.lks.add_action(new)
    if lk.status == LkStatus.IN_PROGRESS:  # a draft's owners are told when it is approved: nothing to do before
        await _tell_owner(ctx, lk, action)
        await _tell_approver_of_addition(ctx, lk, action)
    elif action.owner_person_id is not None:  # but whoever names an owner the bot cannot reach should know now
        owner = await ctx.uow.persons.get(action.owner_person_id)
        if owner is not None and owner.telegram_id != ctx.actor.telegram_id and (not owner.started or
                                                                                 owner.unreachable):
            notices.tell_actor(ctx, ctx._(notices.REACH_LATER).format(name=shown(owner.name)))
    return action


async def _tell_approver_of_addition(ctx: Ctx, lk: LkRecord, action: ActionRecord) -> None:
    """An action added while the programme runs starts at once (a correction cannot wait for another signature), but
    the approval did not cover it: whoever approved the round hears of it, to take it up with the officer if they
    disagree, and the LK form marks it as added after the approval."""
    if lk.approved_by is None:
        return
    due = action.due_on

    def render(r: Reader) -> str:
        return r._("{name} added action #{id} to the programme of {number} after you approved it: {text} (due {due}). "
                   "Your approval did not cover it; the LK form shows it as added after the approval.").format(
            name=shown(ctx.actor.name), id=action.id, number=lk.number, text=shown(action.description, 600),
            due=day(due, r.locale))

    await notices.tell_staff(ctx, lk.approved_by, render, lambda _: (
        (Button(_("📄 Open {number}").format(number=lk.number), f"lk:show:{lk.id}"),),),
        what=ctx._("the approver of {number} was told of action #{id}.").format(number=lk.number, id=action.id))


async def _tell_owner(ctx: Ctx, lk: LkRecord, action: ActionRecord) -> None:
    """The action's owner (a staff member) hears it is theirs, with the buttons to mark it done and open the LK."""
    if action.owner_person_id is None:
        return
    due = action.due_on

    def render(r: Reader) -> str:
        return r._("You own action #{id} of {number}, due {due}: {text}").format(
            id=action.id, number=lk.number, due=day(due, r.locale), text=shown(action.description, 600)) \
            + "\n" + r._("When it is done, press the button and send the evidence (a text, a photo or a PDF).")

    await notices.tell_staff(ctx, action.owner_person_id, render, lambda _: (
        (Button(_("✅ Mark #{id} done").format(id=action.id), f"ad:{action.id}"),
         Button(_("📄 Open {number}").format(number=lk.number), f"lk:show:{lk.id}")),),
        what=ctx._("action #{id} of {number} was given to them.").format(id=action.id, number=lk.number))


async def action_to_complete(ctx: Ctx, action_id: int | None) -> ActionRecord:
    action = await ctx.uow.lks.get_action(action_id) if action_id is not None else None
    if action is None:
        raise Refusal(ctx._("There is no action {id}. /lk <number> lists an LK's actions.").format(id=action_id))
    if action.status == ActionStatus.DONE:
        raise Refusal(ctx._("Action #{id} is already done.").format(id=action.id))
    if action.owner_person_id != ctx.actor.person_id and not ctx.actor.has(Role.OFFICER):
        raise Refusal(ctx._("Only the action's owner or an officer can mark it done."))
    lk = await lk_by_id(ctx, action.lk_id)
    if lk.status != LkStatus.IN_PROGRESS:
        raise Refusal(ctx._("{number} is not running its programme yet (it must be approved first).").format(
            number=lk.number))
    return action


async def complete_action(ctx: Ctx, action: ActionRecord, evidence: str | None, file_id: str | None = None,
                          file_type: str | None = None, file_name: str | None = None) -> tuple[ActionRecord, bool]:
    """Step e: the action is done, with its evidence. Returns it and whether the LK's corrections are now all
    done while complainants still wait for their answer (then the officer writes the response next)."""
    action = await action_to_complete(ctx, action.id)
    text = checked_text(ctx._, evidence) if not file_id else (evidence or "").strip() or None
    action = await ctx.uow.lks.complete_action(action.id, by=ctx.actor.person_id, at=ctx.now, evidence_text=text,
                                               evidence_file_id=file_id, evidence_file_type=file_type,
                                               evidence_file_name=file_name)
    lk = await lk_by_id(ctx, action.lk_id)
    respond = action.kind == ActionKind.CORRECTION and await corrections_answered_pending(ctx, lk)
    if respond and ctx.actor.person_id != lk.prepared_by:
        # The LK's officer writes the response; an owner who is an officer too is asked as well (below), but
        # whoever writes it first answers the complainants, and the button stays on the LK until then.
        await notices.tell_staff(ctx, lk.prepared_by, lambda r: r._(
            "The corrections of {number} are done: write the response to its complainants (they are told and may "
            "rate it).").format(number=lk.number), lambda _: ((Button(_("✍️ Write the response"),
                                                                     f"lk:respond:{lk.id}"),),))
    await maybe_ready_for_verification(ctx, lk)
    return action, respond and ctx.actor.has(Role.OFFICER)


async def corrections_answered_pending(ctx: Ctx, lk: LkRecord) -> bool:
    """Every correction of the current round is done and complaints of the LK still wait in follow-up."""
    actions = await ctx.uow.lks.actions(lk.id, round=lk.round)
    corrections = [a for a in actions if a.kind == ActionKind.CORRECTION]
    if not corrections or any(a.status != ActionStatus.DONE for a in corrections):
        return False
    return _needs_correction(lk, await ctx.uow.lks.tickets(lk.id))


async def respond_after_correction(ctx: Ctx, lk: LkRecord, response: str) -> list[TicketRecord]:
    """Step e: the complainants of the LK's complaints in follow-up — or reopened, when they rated an earlier
    answer low and a further round followed — get the response now and may rate it."""
    response = checked_text(ctx._, response)
    waiting = [t for t in await ctx.uow.lks.tickets(lk.id)
               if t.kind == TicketKind.COMPLAINT and t.status in AWAITING_ANSWER]
    resolved = await move_all(ctx, waiting, TicketStatus.RESOLVED, TicketEvent.RESOLVED,
                              {"text": response, "by": "correction", "lk": lk.number}, response=response,
                              resolved_at=ctx.now)
    await notices.tell_complainants(ctx, resolved, "resolved", response)
    await notices.refresh_cards(ctx, resolved)
    if not resolved:
        answered = [t for t in await ctx.uow.lks.tickets(lk.id) if t.response and t.resolved_at is not None]
        if answered:  # found in a walk: two officers were asked; the second one's text vanished without a word why
            last = max(answered, key=lambda t: t.resolved_at or ctx.now)
            raise Refusal(ctx._("The complainants of {number} were already answered on {date}: “{text}”. Your text "
                                "was not sent.").format(number=lk.number, date=day(
                                    (last.resolved_at or ctx.now).astimezone(ctx.deps.tz).date(), ctx.locale),
                                    text=shown(last.response or "", 300)))
        raise Refusal(ctx._("No complainant of {number} is waiting for an answer.").format(number=lk.number))
    return resolved


async def maybe_ready_for_verification(ctx: Ctx, lk: LkRecord) -> None:
    """When every action of the current round is done, the monitor checks whether the programme worked."""
    if lk.status != LkStatus.IN_PROGRESS:
        return
    actions = await ctx.uow.lks.actions(lk.id, round=lk.round)
    if not actions or any(a.status != ActionStatus.DONE for a in actions):
        return
    await ctx.uow.lks.set_status(lk.id, LkStatus.AWAITING_VERIFICATION, actor_person_id=ctx.actor.person_id,
                                 at=ctx.now, code=LkEvent.ALL_DONE)
    lk = await lk_by_id(ctx, lk.id)
    for role in (Role.MONITOR, Role.APPROVER):
        await tell_role(ctx, role, lk, lambda _: _(
            "All actions of {number} are done: was the programme effective?").format(number=lk.number))


async def not_effective(ctx: Ctx, lk: LkRecord, reason: str) -> LkRecord:
    """Step f: the programme did not work; why is recorded, and the LK goes back to a draft of the next round: the
    officer plans that round's actions (step d) and submits them, to be checked and approved like the first."""
    reason = checked_text(ctx._, reason)
    lk = await _move(ctx, lk, LkStatus.DRAFT, LkEvent.NOT_EFFECTIVE, {"reason": reason, "round": lk.round + 1},
                     effective=False, round=lk.round + 1)
    await tell_with_lk(ctx, lk.prepared_by, lk, lambda _: _(
        "{number} was judged not effective: {reason}\nPlan round {round}: add its actions and submit them; the "
        "reviewer checks them and the approver approves them before they run. If the root cause was misjudged, "
        "rewrite it first: /lk edit {number} cause, then the cause as you see it now.").format(
        number=lk.number, reason=shown(reason), round=lk.round))
    return lk


def answered_already(lk: LkRecord, tickets: Sequence[TicketRecord]) -> bool:
    """Every complaint of the LK was answered after its correction and no suggestion waits for its programme's end:
    at closing they only hear that the measures work, and the monitor need not write anything (both walks of issue
    14 were asked for a second response the complainants did not need)."""
    return bool(tickets) and not any(
        (t.kind == TicketKind.COMPLAINT and t.status in AWAITING_ANSWER)
        or (t.kind == TicketKind.SUGGESTION and t.status == TicketStatus.ACCEPTED) for t in tickets)


async def close(ctx: Ctx, lk: LkRecord, response: str | None) -> LkRecord:
    """Step f–g: effective. The LK closes; complaints still in follow-up (or reopened after an answer the
    complainant rated low) are resolved with the response, those
    answered after their correction hear that the measures work, and suggestions' programmes are complete.
    ``response`` None: no new text, when :func:`answered_already` (they get the notice without one)."""
    if response is None:
        if not answered_already(lk, await ctx.uow.lks.tickets(lk.id)):
            raise Refusal(ctx._("Some complainants of {number} still wait for an answer: write the response.").format(
                number=lk.number))
    else:
        response = checked_text(ctx._, response)
    lk = await _move(ctx, lk, LkStatus.CLOSED, LkEvent.CLOSED, {"response": response}, effective=True,
                     verified_by=ctx.actor.person_id, verified_at=ctx.now, response=response, closed_at=ctx.now)
    tickets = await ctx.uow.lks.tickets(lk.id)  # by status group, each moved, recorded and told set-based
    waiting = [t for t in tickets if t.kind == TicketKind.COMPLAINT and t.status in AWAITING_ANSWER]
    answered = [t for t in tickets if t.kind == TicketKind.COMPLAINT
                and t.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)]
    accepted = [t for t in tickets if t.kind == TicketKind.SUGGESTION and t.status == TicketStatus.ACCEPTED]
    resolved = await move_all(ctx, waiting, TicketStatus.RESOLVED, TicketEvent.RESOLVED,
                              {"text": response, "by": "lk", "lk": lk.number}, response=response, resolved_at=ctx.now)
    await record_all(ctx, answered, TicketEvent.VERIFIED, {"lk": lk.number})
    done = await move_all(ctx, accepted, TicketStatus.CLOSED, TicketEvent.CLOSED,
                          {"reason": "programme", "text": response}, response=response, resolved_at=ctx.now)
    said = response or ""  # None: nobody is waiting for an answer (resolved and done are empty)
    await notices.tell_complainants(ctx, resolved, "resolved", said)
    await notices.tell_complainants(ctx, answered, "verified" if response else "verified_plain",
                                    said)  # their cards do not change
    await notices.tell_complainants(ctx, done, "programme_done", said)
    await notices.refresh_cards(ctx, [*resolved, *done])
    await _tell_closed(ctx, lk)
    return lk


async def _tell_closed(ctx: Ctx, lk: LkRecord) -> None:
    """The closing notice to the officer who prepared the LK; its closed form follows, made and archived after the
    commit by a job queued here (:mod:`handlers.lk_form_jobs`)."""
    preparer = await ctx.uow.persons.get(lk.prepared_by)
    if preparer is None or preparer.telegram_id == ctx.actor.telegram_id:
        return
    if await notices.tell_staff(ctx, preparer, lambda r: r._(
            "{number} was verified effective and is closed; its form is attached.").format(number=lk.number)):
        if preparer.telegram_id is not None:
            locale = ctx.deps.translator.pick(preparer.language, preparer.telegram_language)
            await queue_lk_form(ctx, lk.id, person_id=preparer.id, chat_id=preparer.telegram_id, locale=locale,
                                resend=True)


async def tell_role(ctx: Ctx, role: Role, lk: LkRecord, message: Callable[[Gettext], str]) -> None:
    """Tell everyone holding ``role`` (but the actor), each in their language, with the LK and its buttons."""
    snap = await lk_snapshot(ctx, lk)
    for person in await ctx.uow.staff.with_role(role.value):
        await tell_with_lk(ctx, person.id, lk, message, snap)


async def tell_with_lk(ctx: Ctx, person_id: int, lk: LkRecord, message: Callable[[Gettext], str],
                       snap: LkSnapshot | None = None) -> None:
    """Tell a staff member about the LK, with the LK itself and the buttons of its next step for their roles."""
    person = await ctx.uow.persons.get(person_id)
    if person is None:
        return
    snap = snap or await lk_snapshot(ctx, lk)
    roles = await ctx.uow.staff.roles_of(person.id)
    await notices.tell_staff(ctx, person, lambda r: message(r._) + "\n\n" + lk_view(snap, r),
                             lambda _: lk_buttons(snap, _, roles, person.id),
                             what=ctx._("{number} waits for them.").format(number=lk.number))
