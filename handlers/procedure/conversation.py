"""The complainant's side of a case: adding information, withdrawing, rating the outcome (SOP step e, 7a).

A case is a conversation: what the complainant adds (text, a photo, a PDF) goes into the ticket's history and to
the officer handling it at once (or, while nobody has taken it, to the staff group), with the text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from dialogs.workflow import is_active
from domain.vocabulary import RATEABLE, IdentityLevel, TicketEvent, TicketStatus
from handlers import identity, notices
from handlers.errors import Refusal
from handlers.events import Button, CancelScheduled, Keyboard, OutMessage, SendFile
from handlers.history import Reader
from handlers.i18n import Gettext
from handlers.privacy.mask import masked, protected
from handlers.procedure import Ctx, cases
from handlers.procedure.checks import as_id, checked_text
from handlers.procedure.tickets import move
from handlers.text import shown
from storage.records import Attachment, PersonRecord, TicketEventRecord, TicketRecord

REOPEN_ALERT_WAIT = 600.0
"""Seconds the officer's alert about a low rating waits for the complainant's comment (then goes without it)."""
SHOWN_TEXT = 1500


def reopen_key(ticket: TicketRecord) -> str:
    return f"reopen-alert:{ticket.id}"


def can_add(ticket: TicketRecord) -> bool:
    """The complainant may add to a case that is not concluded, or that the staff asked something about."""
    return is_active(ticket.status) or ticket.awaiting_complainant_since is not None


async def own_ticket(ctx: Ctx, ticket_id: str | int) -> TicketRecord:
    """The actor's own ticket, from a button; someone else's answers exactly like an unknown one."""
    found = as_id(ticket_id)
    ticket = await ctx.uow.tickets.get(found) if found is not None else None
    if ticket is None or ticket.person_id != ctx.actor.person_id:
        raise Refusal(ctx._("This button is no longer active."))
    return ticket


async def add_information(ctx: Ctx, ticket: TicketRecord, text: str | None, file: Attachment | None) -> TicketRecord:
    """Add the complainant's message (and file) to the ticket's history and tell whoever handles it."""
    if not can_add(ticket):
        raise Refusal(ctx._("{number} is concluded, so nothing can be added to it. To report something new, use "
                            "/new.").format(number=ticket.number))
    text = (text or "").strip() or None
    if text is None and file is None:
        raise Refusal(ctx._("I received an empty message."))
    if text is not None:
        text = checked_text(ctx._, text, minimum=1)
    if file is not None:
        file = await ctx.uow.tickets.add_attachment(ticket.id, file, ctx.now)
    await ctx.uow.tickets.record(ticket.id, TicketEvent.COMPLAINANT_MESSAGE, actor_person_id=ctx.actor.person_id,
                                 at=ctx.now, params={"text": text, "files": 1 if file else 0})
    ticket = await ctx.uow.tickets.update(ticket.id, awaiting_complainant_since=None,
                                          unread_since=ticket.unread_since or ctx.now)
    await _tell_handler(ctx, ticket, text, file)
    return ticket


async def _tell_handler(ctx: Ctx, ticket: TicketRecord, text: str | None, file: Attachment | None) -> None:
    person = await ctx.uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
    number, ticket_id = ticket.number, ticket.id
    # a protected ticket's document is not forwarded as Telegram's original (its metadata, its own name); a photo
    # is: Telegram re-encodes photos, they carry neither
    held_back = file is not None and protected(ticket) and file.file_type != "photo"

    def render(viewer: identity.Viewer) -> Callable[[Reader], str]:
        def text_for(reader: Reader) -> str:
            _ = reader._
            who = identity.in_notice(viewer, ticket, person, ctx.deps.confidential_roles, _).text
            head = _("💬 {who} wrote about {number}:").format(who=who, number=number)
            body = shown(text, SHOWN_TEXT) if text else _("(a file, without text)")
            if held_back:
                body += "\n\n" + _("📎 With a file: the complainant's identity is protected, so it is sent only as "
                                    "the archive's copy without its metadata — open it from 📄 Show in a minute.")
            if viewer == identity.GROUP and ticket.identity_level != IdentityLevel.NAMED:
                # what they write may name them ("I am Siti…"): the whole group reads a confidential ticket's
                # messages only where they are handled (📄 Show, whoever takes it)
                body = _("(not shown in the group: the complainant asked for their identity to be protected; "
                         "📄 Show reads it)")
            return f"{head}\n\n{body}"
        return text_for

    def buttons(_: Gettext) -> Keyboard:
        return ((Button(_("↩ Reply"), f"tk:reply:{ticket_id}"), Button(_("📄 Show"), f"sh:{ticket_id}")),)

    if ticket.assigned_to is not None:
        officer = await ctx.uow.persons.get(ticket.assigned_to)
        if officer is None:
            return
        viewer = await identity.viewer_of(ctx.uow, officer, ctx.deps.admins)
        if await notices.tell_staff(ctx, officer, render(viewer), buttons):
            await _record_notice(ctx, viewer, ticket, person, officer)
            if file is not None and officer.telegram_id is not None and not held_back:
                ctx.out.append(SendFile(officer.telegram_id, file.file_type, file.file_id,
                                        _caption(ticket, file), resend=True))
        return
    group = ctx.deps.staff_chat_id
    if group is None:
        return
    translator = ctx.deps.translator
    _ = translator.gettext(translator.default)
    ctx.out.append(OutMessage(group, render(identity.GROUP)(Reader(_, translator.default, ctx.deps.tz)), (
        (Button(_("🙋 Take"), f"tk:take:{ticket_id}"), Button(_("📄 Show"), f"sh:{ticket_id}")),)))
    await _record_notice(ctx, identity.GROUP, ticket, person, None)


async def _record_notice(ctx: Ctx, viewer: identity.Viewer, ticket: TicketRecord, person: PersonRecord | None,
                         staff: PersonRecord | None) -> None:
    """A notice that named the complainant to ``viewer`` (sent: not to the actor themselves) is one view."""
    if staff is not None and staff.telegram_id == ctx.actor.telegram_id:
        return
    if person is not None and identity.may_see(viewer, ticket, ctx.deps.confidential_roles):
        await identity.record_views(ctx.uow, ctx.now, viewer, identity.Place.NOTICE, [ticket.id])


def _caption(ticket: TicketRecord, file: Attachment) -> str:
    caption = f"{ticket.number}"
    if file.caption:
        caption += " · " + shown(file.caption, 900)
    return caption


async def withdraw(ctx: Ctx, ticket: TicketRecord, reason: str) -> TicketRecord:
    """The complainant withdraws an active ticket, with a reason; recorded and shown to the staff."""
    if not is_active(ticket.status):
        raise Refusal(ctx._("{number} is already concluded; there is nothing to withdraw.").format(
            number=ticket.number))
    reason = checked_text(ctx._, reason)
    await _leave_case(ctx, ticket, "withdrawn")
    ticket = await move(ctx, ticket, TicketStatus.WITHDRAWN, TicketEvent.WITHDRAWN, {"reason": reason})
    person = await ctx.uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
    officer = await ctx.uow.persons.get(ticket.assigned_to) if ticket.assigned_to is not None else None
    number = ticket.number
    viewer = await identity.viewer_of(ctx.uow, officer, ctx.deps.admins) if officer is not None else identity.GROUP

    def render(reader: Reader) -> str:
        who = identity.in_notice(viewer, ticket, person, ctx.deps.confidential_roles, reader._).text
        return reader._("↩ {who} withdrew {number}.\nReason: {reason}").format(
            who=who, number=number, reason=shown(reason, SHOWN_TEXT))

    if officer is not None and await notices.tell_staff(ctx, officer, render):
        await _record_notice(ctx, viewer, ticket, person, officer)
    await notices.refresh_card(ctx, ticket.id)
    return ticket


async def rate(ctx: Ctx, ticket: TicketRecord, score: int) -> TicketRecord:
    """SOP 7a: the complainant rates a conclusion 1–5, once. 1–2 reopens the ticket; its officer is alerted with
    the comment the complainant is asked for next, or after :data:`REOPEN_ALERT_WAIT` seconds without one."""
    auto_closed = await closed_unrated_within(ctx, ticket)
    if ticket.rating is not None or (ticket.status not in RATEABLE and not auto_closed):
        raise Refusal(ctx._("{number} was already rated. Thank you!").format(number=ticket.number))
    await ctx.uow.tickets.update(ticket.id, rating=score, rated_at=ctx.now)
    if score <= 2:
        await _leave_case(ctx, ticket, "reopened")  # "me too": reopened alone, the others stay where they are
        ticket = await move(ctx, ticket, TicketStatus.REOPENED, TicketEvent.REOPENED, {"score": score})
        await alert_reopened(ctx, ticket, score, None, scheduled=True)
    elif auto_closed:
        await ctx.uow.tickets.record(ticket.id, TicketEvent.RATED, actor_person_id=ctx.actor.recorded, at=ctx.now,
                                     params={"score": score})
        ticket = await ctx.uow.tickets.update(ticket.id)
    else:
        ticket = await move(ctx, ticket, TicketStatus.CLOSED, TicketEvent.RATED, {"score": score})
    await notices.refresh_card(ctx, ticket.id)
    return ticket


async def _leave_case(ctx: Ctx, ticket: TicketRecord, why: str) -> None:
    """The ticket goes on alone; a lead's case goes on under its next member, whose card appears."""
    new_lead = await cases.leave(ctx, ticket, why)
    if new_lead is not None:
        await notices.refresh_card(ctx, new_lead.id, new=new_lead.card_message_id is None)


async def closed_unrated_within(ctx: Ctx, ticket: TicketRecord) -> bool:
    """Closed by the due-work engine for want of a rating, and still within the days the setting allows to rate."""
    if ticket.status != TicketStatus.CLOSED or ticket.rating is not None:
        return False
    return auto_closed_within(ticket, await ctx.uow.tickets.events(ticket.id), ctx.now,
                              ctx.deps.rating_days_after_close)


def auto_closed_within(ticket: TicketRecord, events: list[TicketEventRecord], now: datetime, days: int) -> bool:
    """:func:`closed_unrated_within` on the ticket's history already read: closed unrated by the auto-close no more
    than ``days`` (the setting ``rating_days_after_close``) before ``now``."""
    if ticket.status != TicketStatus.CLOSED or ticket.rating is not None:
        return False
    closing = [e for e in events if e.code == TicketEvent.CLOSED]
    return bool(closing) and closing[-1].params.get("reason") == "auto" and \
        now - closing[-1].at <= timedelta(days=days)


def may_rate(ticket: TicketRecord, events: list[TicketEventRecord], now: datetime, days: int) -> bool:
    """Whether the complainant may rate the outcome now (what :func:`rate` accepts): unrated, and concluded, or
    closed by the auto-close within ``days``."""
    return ticket.rating is None and (ticket.status in RATEABLE or auto_closed_within(ticket, events, now, days))


async def comment_on_rating(ctx: Ctx, ticket: TicketRecord, text: str | None) -> TicketRecord:
    """The comment given with the rating (None: they chose not to comment); a low rating's alert goes now."""
    if text is not None:
        text = checked_text(ctx._, text, minimum=1)
        await ctx.uow.tickets.record(ticket.id, TicketEvent.RATING_COMMENT, actor_person_id=ctx.actor.person_id,
                                     at=ctx.now, params={"text": text})
        ticket = await ctx.uow.tickets.update(ticket.id, rating_comment=text)
    if ticket.rating is not None and ticket.rating <= 2:
        await alert_reopened(ctx, ticket, ticket.rating, text, scheduled=False)
    return ticket


async def alert_reopened(ctx: Ctx, ticket: TicketRecord, score: int, comment: str | None, *, scheduled: bool) -> None:
    """Tell the ticket's officer (or, without one, the staff group) that the complainant was not satisfied,
    with their comment. ``scheduled``: the alert waits for the comment and is replaced when it comes."""
    key = reopen_key(ticket)
    ctx.out.append(CancelScheduled(key))
    number, ticket_id = ticket.number, ticket.id

    def render(_: Gettext, said: str | None) -> str:
        text = _("⚠️ {number} was reopened: the complainant rated the outcome {score}/5.").format(
            number=number, score=score)
        if said:
            text += "\n" + _("Their comment: {text}").format(text=shown(said, SHOWN_TEXT))
        return text

    def buttons(_: Gettext) -> Keyboard:
        return ((Button(_("📄 Show"), f"sh:{ticket_id}"), Button(_("↩ Reply"), f"tk:reply:{ticket_id}")),)

    for chat, _ in await _handlers(ctx, ticket):
        said = comment
        if chat == ctx.deps.staff_chat_id and protected(ticket):  # the whole group: their identifiers masked
            person = await ctx.uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
            said = masked(ticket, person, comment)
        ctx.out.append(OutMessage(chat, render(_, said), buttons(_), resend=True,
                                  scheduled=(key, REOPEN_ALERT_WAIT) if scheduled else None))


async def _handlers(ctx: Ctx, ticket: TicketRecord) -> list[tuple[int, Gettext]]:
    """Where news of a ticket goes: its officer's chat, or the staff group while nobody has it."""
    if ticket.assigned_to is not None:
        officer = await ctx.uow.persons.get(ticket.assigned_to)
        if officer is not None and officer.telegram_id is not None:
            return [(officer.telegram_id, notices.gettext_for(ctx, officer))]
    if ctx.deps.staff_chat_id is not None:
        translator = ctx.deps.translator
        return [(ctx.deps.staff_chat_id, translator.gettext(translator.default))]
    return []
