"""The officer's work on "me too" cases (kasus bersama): attach a ticket to a case, detach it, write the case's
public summary — the only text of a case another complainant is ever shown when offered to join it."""

from __future__ import annotations

from dialogs.ui import utf16_units
from dialogs.workflow import is_active
from domain.vocabulary import Role, TicketKind
from handlers import notices
from handlers.errors import Refusal
from handlers.events import OutMessage
from handlers.i18n import N_
from handlers.procedure import Ctx, cases
from handlers.procedure.checks import checked_text
from handlers.views import status_name
from storage.records import TicketRecord

MAX_SUMMARY = 300
"""Most characters of a case's public summary (it is shown inside an offer with up to two others)."""
ATTACHED = N_("Your complaint {number} now follows a case other people reported too (the same problem): you are "
              "told here of each of its steps. Its status now: {status}.")
DETACHED = N_("Your complaint {number} is handled on its own from now on; you are still told here of each step.")


def _officer(ctx: Ctx) -> None:
    if not ctx.actor.has(Role.OFFICER):
        raise Refusal(ctx._("Only an officer can do that."))


async def attach(ctx: Ctx, ticket: TicketRecord, target: TicketRecord) -> TicketRecord:
    """``ticket`` follows the case of ``target`` (its lead, or a member of it; a ticket in no case starts one).
    Its complainant is told in their language. Returns the case's lead."""
    _officer(ctx)
    _ = ctx._
    if ticket.id == target.id:
        raise Refusal(_("A ticket cannot join its own case."))
    if ticket.kind != TicketKind.COMPLAINT or target.kind != TicketKind.COMPLAINT:
        raise Refusal(_("Only complaints make “me too” cases."))
    if ticket.service_code != target.service_code:
        raise Refusal(_("{number} is about another service than {other}; a case has one service.").format(
            number=ticket.number, other=target.number))
    if not is_active(ticket.status):
        raise Refusal(_("{number} is {status}: a concluded ticket does not join a case.").format(
            number=ticket.number, status=status_name(ticket.status, _)))
    own = await cases.case_of(ctx, ticket)
    if own is not None:
        lead = await ctx.uow.tickets.get(own.lead_ticket_id)
        if own.lead_ticket_id == ticket.id:
            raise Refusal(_("{number} leads a case of its own ({n} tickets); it cannot follow another.").format(
                number=ticket.number, n=own.size))
        raise Refusal(_("{number} already follows the case of {lead}; /case detach {number} first.").format(
            number=ticket.number, lead=lead.number if lead else "?"))
    if await ctx.uow.lks.lks_of_ticket(ticket.id):
        raise Refusal(_("{number} is covered by an LK of its own; it cannot follow a case now.").format(
            number=ticket.number))
    case = await cases.case_of(ctx, target)
    lead = await ctx.uow.tickets.get(case.lead_ticket_id) if case is not None else target
    if lead is None or not is_active(lead.status):
        raise Refusal(_("The case of {number} is concluded; a ticket cannot join it now.").format(
            number=target.number))
    lead = await cases.join(ctx, ticket, lead, "officer")
    joined = await ctx.uow.tickets.get(ticket.id)
    assert joined is not None
    await _tell(ctx, joined, ATTACHED)
    await notices.refresh_card(ctx, lead.id)
    if joined.card_message_id is not None:
        await notices.refresh_card(ctx, joined.id)
    return lead


async def detach(ctx: Ctx, ticket: TicketRecord) -> TicketRecord:
    """``ticket`` leaves its case and is handled on its own (with its own deadline and card)."""
    _officer(ctx)
    case = await cases.case_of(ctx, ticket)
    if case is None:
        raise Refusal(ctx._("{number} is in no case.").format(number=ticket.number))
    if case.lead_ticket_id == ticket.id:
        raise Refusal(ctx._("{number} leads its case: detach its members one by one (/show {number} lists them).")
                      .format(number=ticket.number))
    await cases.leave(ctx, ticket, "detached")
    left = await ctx.uow.tickets.get(ticket.id)
    assert left is not None
    await _tell(ctx, left, DETACHED)
    await notices.refresh_card(ctx, left.id, new=left.card_message_id is None and is_active(left.status))
    await notices.refresh_card(ctx, case.lead_ticket_id)
    return left


async def summarise(ctx: Ctx, ticket: TicketRecord, text: str) -> TicketRecord:
    """The public summary of the case ``ticket`` is in (one is started, led by it, when it is in none). Returns
    the case's lead."""
    _officer(ctx)
    _ = ctx._
    text = " ".join(checked_text(_, text).split())
    if utf16_units(text) > MAX_SUMMARY:
        raise Refusal(_("Please keep a case's summary under {n} characters (yours has {count}).").format(
            n=MAX_SUMMARY, count=utf16_units(text)))
    if ticket.kind != TicketKind.COMPLAINT:
        raise Refusal(_("Only complaints make “me too” cases."))
    case = await cases.case_of(ctx, ticket)
    if case is None:
        if not is_active(ticket.status):
            raise Refusal(_("{number} is {status}: a concluded ticket does not join a case.").format(
                number=ticket.number, status=status_name(ticket.status, _)))
        case = await ctx.uow.cases.start(ticket, ctx.now)
    await ctx.uow.cases.set_summary(case.id, text, ctx.actor.recorded, ctx.now)
    lead = await ctx.uow.tickets.get(case.lead_ticket_id)
    assert lead is not None
    return lead


async def _tell(ctx: Ctx, ticket: TicketRecord, template: str) -> None:
    person = await ctx.uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
    if person is None or person.telegram_id is None:
        return
    _ = notices.gettext_for(ctx, person)
    text = _(template).format(number=ticket.number, status=status_name(ticket.status, _))
    buttons = (notices.add_info_button(ticket, _),) if is_active(ticket.status) else ()
    ctx.out.append(OutMessage(person.telegram_id, text, buttons, resend=True))
