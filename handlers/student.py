"""What a complainant can do: /start, /lang, /my, /status and the intake dialog (/new, /cancel); /start and /new
show the privacy notice to whoever has not read its current version (``handlers.privacy.notice``).

Staff start in the same bot: their /start greets them as staff, with their roles and work.
"""

from __future__ import annotations

import re

from dialogs import intake, metoo
from dialogs.draft import Draft
from dialogs.intake_review import acknowledgement
from dialogs.intake_steps import IntakeContext
from dialogs.ui import DialogInput, Say
from dialogs.workflow import is_active
from domain.vocabulary import Channel, IdentityLevel, Role, TicketStatus
from handlers import identity, notices
from handlers.asking import PENDING, SOFT
from handlers.errors import Refusal
from handlers.events import Button, Keyboard
from handlers.identity_level import change_line
from handlers.labels import role_name
from handlers.metoo import offers as similar_cases
from handlers.privacy import notice as privacy
from handlers.procedure import cases, deadlines
from handlers.procedure.conversation import can_add, may_rate
from handlers.text import shown
from handlers.turn import Turn
from handlers.views import status_name, ticket_details, ticket_line
from storage.records import Attachment, DialogRecord, NewTicket, TicketEventRecord, TicketRecord

TICKET_NUMBER = re.compile(r"^(KEL|SAR)-\d{4}-\d{5}$", re.IGNORECASE)


def intake_context(turn: Turn) -> IntakeContext:
    return IntakeContext(turn.deps.catalogue, turn.locale, turn.deps.today(), turn.deps.calendar, turn._,
                         turn.ngettext, person_name=turn.person.name,
                         confidential_readers=identity.readers(turn.deps.confidential_roles, turn._))


def main_menu(turn: Turn) -> Keyboard:
    _ = turn._
    return (
        (Button(_("📝 New complaint or suggestion"), "m:new"),),
        (Button(_("📋 My tickets"), "m:my"), Button(_("🌐 Language"), "m:lang")),
    )


def staff_menu(turn: Turn, roles: frozenset[str]) -> Keyboard:
    _ = turn._
    row = []
    if Role.OFFICER.value in roles:
        row.append(Button(_("📥 Inbox"), "m:inbox"))
    if roles & {Role.OFFICER.value, Role.REVIEWER.value, Role.APPROVER.value, Role.MONITOR.value}:
        row += [Button(_("📊 Monitoring"), "m:monitor"), Button(_("📋 Open LKs"), "m:lks")]
    help_row = (Button(_("❓ Staff commands"), "m:help"), Button(_("🌐 Language"), "m:lang"))
    return ((tuple(row), help_row) if row else (help_row,))  # an admin alone has no work buttons: no empty row


async def start(turn: Turn, args: str = "") -> None:
    _ = turn._
    roles = await turn.held_roles()
    if roles:
        names = ", ".join(role_name(r, _) for r in sorted(roles))
        where = (_("New tickets appear as cards in the staff group and in your inbox; the steps that wait for you "
                   "come to this chat with their buttons.") if Role.OFFICER.value in roles else
                 _("The steps that wait for you (checks, approvals, actions, effectiveness checks) come to this chat "
                   "with their buttons; new tickets appear as cards in the staff group."))
        turn.say(_("Welcome, {name}. You work in <b>Tanggap</b> as: {roles}.").format(
            name=shown(turn.person.name), roles=names) + "\n\n" + where + " " + _("/help lists your commands."),
                 staff_menu(turn, roles))
        return
    welcome = _(
        "Welcome to <b>Tanggap</b>, the complaint and suggestion service of the Academic Administration "
        "Bureau (BAPKM).\n\nTell us when a service went wrong or how it could be better: each report gets a "
        "number, is checked against the service's procedure by an officer, and you are told here whenever "
        "it moves."
    )
    due = privacy.notice_due(turn)
    if not due:
        welcome += "\n\n" + _("How we handle your data: /privacy.")
    turn.say(welcome, main_menu(turn))
    if due:  # the first /start, or the notice changed since the person last read it: shown once
        await privacy.show_notice(turn, changed=turn.person.notice_version is not None)
    await _remind_draft(turn)


async def choose_language(turn: Turn, args: str = "") -> None:
    code = args.strip().casefold()
    if code in ("id", "en"):
        await set_language(turn, code)
        return
    turn.say(turn._("Choose your language:"),
             ((Button("Bahasa Indonesia", "lang:id"), Button("English", "lang:en")),))


async def set_language(turn: Turn, code: str) -> None:
    await turn.uow.persons.set_language(turn.person.id, code)
    turn.locale = code
    turn._ = turn.deps.translator.gettext(code)
    turn.say(turn._("Language set to English.") if code == "en" else turn._("Language set to Indonesian."))
    await _remind_draft(turn)


async def my_tickets(turn: Turn, args: str = "") -> None:
    _ = turn._
    tickets = await turn.uow.tickets.list_for_person(turn.person.id, limit=20)
    if not tickets:
        turn.say(_("You have no tickets yet. Use /new to file a complaint or a suggestion."))
        return
    lines = [_("<b>Your tickets</b> (newest first):")]
    lines += [ticket_line(t, turn.deps.catalogue, turn.locale, _) for t in tickets]
    buttons = tuple((Button(t.number, f"st:{t.number}"),) for t in tickets[:8])
    turn.say("\n".join(lines), buttons)


def status_buttons(turn: Turn, ticket: TicketRecord, events: list[TicketEventRecord]) -> Keyboard:
    """What the complainant can do with their ticket: answer or add, withdraw, rate (while rating is possible, also
    after the auto-close: the buttons its notice carries)."""
    _ = turn._
    rows: list[tuple[Button, ...]] = []
    if can_add(ticket):
        rows.append(notices.add_info_button(ticket, _))
    if is_active(ticket.status):
        rows.append((Button(_("↩ Withdraw it"), f"cv:wd:{ticket.id}"),))
    if may_rate(ticket, events, turn.deps.clock(), turn.deps.rating_days_after_close):
        rows += notices.rating_buttons(ticket)
    return tuple(rows)


async def show_status(turn: Turn, args: str = "") -> None:
    _ = turn._
    number = args.strip().upper()
    if not number:
        await my_tickets(turn)
        return
    if not TICKET_NUMBER.match(number):
        turn.say(_("That does not look like a ticket number. It looks like KEL-2026-00042 or SAR-2026-00007."))
        return
    ticket = await turn.uow.tickets.get_by_number(number)
    if ticket is None or ticket.person_id != turn.person.id:
        # The same answer whether the ticket does not exist or belongs to someone else.
        turn.say(_("You have no ticket {number}. /my lists yours.").format(number=number))
        return
    events = await turn.uow.tickets.events(ticket.id)
    text = ticket_details(ticket, events, turn.deps.catalogue, turn.deps.tz, turn.locale, _,
                          readers=identity.readers(turn.deps.confidential_roles, _),
                          closed_lks=await turn.uow.lks.lks_of_ticket(ticket.id))
    if ticket.identity_erased_at is None:
        text += "\n\n" + change_line(turn, ticket)
    turn.say(text, status_buttons(turn, ticket, events))


# --- the intake dialog -------------------------------------------------------------------------------------
async def new_ticket(turn: Turn, args: str = "") -> None:
    current = await turn.uow.dialogs.get(turn.chat_id)
    if current is not None and current.dialog == intake.DIALOG:
        turn.say(turn._("You already have a draft in progress. Continue below, or /cancel it first."))
        await _remind_draft(turn, quiet=True)
        return
    if current is not None and not (current.dialog == PENDING and current.state in SOFT):
        raise Refusal(turn._("Finish the dialog you have open first, or /cancel it."))  # not lost silently
    await privacy.show_if_changed(turn)  # before they write anything: the notice they have not read yet
    await store_intake(turn, intake.start(intake_context(turn)))


async def cancel(turn: Turn, args: str = "") -> None:
    current = await turn.uow.dialogs.get(turn.chat_id)
    if current is None:
        turn.say(turn._("There is nothing to cancel."))
        return
    await turn.uow.dialogs.delete(turn.chat_id)
    if current.dialog == PENDING:
        turn.say(turn._("Stopped. Nothing more is sent."))
        return
    turn.say(turn._("Cancelled. Nothing was sent; your draft is discarded."), menu_new(turn))


async def dialog_input(turn: Turn, record: DialogRecord, given: DialogInput) -> bool:
    """Feed the input to the dialog; False when the button was stale (made for another step)."""
    ctx = intake_context(turn)
    step, draft = intake.Step(record.state), Draft.from_dict(record.data)
    outcome = intake.handle(step, draft, given, ctx)
    if outcome.stale:
        turn.reaction.callback_answer = turn._("That button belongs to an earlier question.")
    if outcome.submit:
        await _submit(turn, outcome.draft, ctx)
        return True
    if outcome.cancelled:
        await turn.uow.dialogs.delete(turn.chat_id)
        for said in outcome.says:
            turn.show(said)
        return True
    if outcome.step is not None and outcome.step != step and metoo.wanted(outcome.draft):
        assert outcome.draft.service is not None and outcome.draft.description is not None
        found = await similar_cases(turn, outcome.draft.service, outcome.draft.description)
        outcome = intake.with_offers(step, outcome, found, ctx)
    await store_intake(turn, outcome)
    return not outcome.stale


async def store_intake(turn: Turn, outcome: intake.Outcome) -> None:
    """Keep the intake's step and draft for the chat, and say what the dialog says."""
    assert outcome.step is not None
    record = DialogRecord(turn.chat_id, turn.user.id, intake.DIALOG, outcome.step.value, outcome.draft.to_dict(),
                          turn.deps.clock())
    await turn.uow.dialogs.put(record)
    for said in outcome.says:
        turn.show(said)


async def _submit(turn: Turn, draft: Draft, ctx: IntakeContext) -> None:
    new = NewTicket(
        kind=draft.kind or "complaint",
        channel=Channel.TELEGRAM,
        person_id=turn.person.id,
        service_code=draft.service or "other",
        service_other=None,
        description=draft.description or "",
        occurred_on=draft.occurred_on,
        answers=dict(draft.answers),
        attachments=tuple(Attachment(f.file_id, f.file_type, f.file_name, caption=f.caption, mime_type=f.mime_type)
                          for f in draft.files),
        anonymous=draft.identity == IdentityLevel.ANONYMOUS,
        identity_level=draft.identity or IdentityLevel.NAMED,
        status=TicketStatus.RECEIVED,
        created_at=turn.deps.clock(),
    )
    ticket = await turn.uow.tickets.add(new)
    procedure = await turn.ctx()
    await turn.uow.dialogs.delete(turn.chat_id)
    lead = await turn.uow.tickets.get(draft.joins) if draft.joins is not None else None
    said = acknowledgement(ticket.number, draft, ctx, turn.deps.standard_times)
    if lead is not None and is_active(lead.status):  # "me too": it follows the case (no deadline, no card)
        lead = await cases.join(procedure, ticket, lead, "offer")
        await notices.refresh_card(procedure, lead.id)
        joined = await turn.uow.tickets.get(ticket.id)
        status = status_name(joined.status if joined else ticket.status, turn._)
        joined_line = turn._("👥 It follows the case you joined; its status now: {status}. You are told here of "
                             "each of its steps.").format(status=status)
        body, _sep, follow = said.text.rpartition("\n\n")  # before "Follow it with /status …", which ends it
        said = Say(f"{body}\n\n{joined_line}\n\n{follow}" if body else f"{follow}\n\n{joined_line}")
    else:
        await deadlines.keep(procedure, ticket, ticket.status)
        await notices.refresh_card(procedure, ticket.id, new=True)
    turn.show(said)


async def _remind_draft(turn: Turn, *, quiet: bool = False) -> None:
    record = await turn.uow.dialogs.get(turn.chat_id)
    if record is None or record.dialog != intake.DIALOG:
        return
    if not quiet:
        turn.say(turn._("You have an unfinished draft. Answer below, or /cancel it."))
    draft = Draft.from_dict(record.data)
    turn.show(intake.prompt(intake.Step(record.state), draft, intake_context(turn)))


def menu_new(turn: Turn) -> Keyboard:
    return ((Button(turn._("📝 New complaint or suggestion"), "m:new"),),)
