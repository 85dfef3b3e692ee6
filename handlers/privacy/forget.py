"""``/forget`` (UU PDP's right to erasure; issue 15 §2): a complainant erases their identity from their concluded
tickets — all of them or one by one — after confirming with a button.

The confirmation is bound to the person and to the selection: pressing "erase all" or one ticket keeps the
selection and a fresh nonce in the chat's state (a ``pending`` question, state :data:`STATE`), and only the button
carrying that nonce, pressed by that person in that chat while the state is there, erases. A forged button, one
pressed by someone else, or one pressed again after it was done changes nothing and says so in one line. Whatever
the person writes instead is handled as any message (the confirmation then lapses).

Open tickets are explained: they are still being handled; each has its withdraw button (the existing withdraw
path), after which it can be erased. The erasure is done at once (:mod:`handlers.privacy.erasure`), recorded in the
register of data-subject requests (kind erasure, done) and in the audit trail (``AuditKind.FORGET``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from domain.vocabulary import ACTIVE, AuditKind, DataRequestKind
from handlers.asking import PENDING, SOFT
from handlers.errors import Refusal
from handlers.events import Button, ClearButtons
from handlers.privacy.erasure import Erased, erase_identities
from handlers.procedure import Ctx
from handlers.procedure.checks import as_id
from handlers.text import shown
from handlers.turn import Turn
from handlers.views import ticket_line
from storage.records import DataRequestRecord, DialogRecord, TicketRecord
from storage.repositories.privacy import AuditEntry

STATE = "forget"  # the pending state holding a selection waiting for its confirmation
PREFIX = "fg"
LISTED = 100
SHOWN_BUTTONS = 8


@dataclass(frozen=True)
class Forgotten:
    erased: Erased
    request: DataRequestRecord
    numbers: tuple[str, ...]


async def forget(ctx: Ctx, person_id: int, ticket_ids: list[int], username: str | None = None) -> Forgotten:
    """Erase the person's identity from those of ``ticket_ids`` that are theirs and concluded; record the request
    (done) and an audit row. Refuses when none is left to erase."""
    tickets = [t for t in await ctx.uow.tickets.by_ids(ticket_ids) if erasable(t, person_id)]
    if not tickets:
        raise Refusal(ctx._("None of these tickets can be erased any more: /forget shows where yours stand."))
    erased = await erase_identities(ctx, [t.id for t in tickets], usernames={person_id: username} if username else None)
    if not erased.tickets:  # erased meanwhile (the same confirmation served twice at once)
        raise Refusal(ctx._("None of these tickets can be erased any more: /forget shows where yours stand."))
    detail = {"tickets": list(erased.tickets)}
    # recorded under the pseudonym the tickets now show, not the person: who still has a named row (open tickets, a
    # staff role) would otherwise be tied to the tickets erased
    pseudonym_id = next((t.person_id for t in await ctx.uow.tickets.by_ids(erased.tickets[:1])), None) or person_id
    request = await ctx.uow.data_requests.add(pseudonym_id, DataRequestKind.ERASURE, ctx.now, status="done",
                                              detail=detail)
    await ctx.uow.audit.add(ctx.now, [AuditEntry(AuditKind.FORGET, actor_id=pseudonym_id, subject_id=pseudonym_id,
                                                 detail={**detail, "request": request.number,
                                                         "attachments": erased.attachments})])
    return Forgotten(erased, request, tuple(sorted(t.number for t in tickets if t.id in erased.tickets)))


def erasable(ticket: TicketRecord, person_id: int) -> bool:
    return ticket.person_id == person_id and ticket.status not in ACTIVE and ticket.identity_erased_at is None


# --- the chat --------------------------------------------------------------------------------------------------
async def command(turn: Turn, args: str = "") -> None:
    """/forget: what can be erased, what cannot yet, and the buttons; ``/forget KEL-…``: that ticket at once (the
    confirmation), or why not (the walk: the number was ignored and the list shown)."""
    _ = turn._
    number = args.strip().upper()
    if number:
        found = await turn.uow.tickets.get_by_number(number)
        if found is None or found.person_id != turn.person.id:  # the same answer: not theirs, erased, or none
            raise Refusal(_("You have no ticket {number} to erase. /forget lists yours.").format(
                number=shown(number, 24)))
        if found.status in ACTIVE:
            turn.say(_("{number} is still being handled: it can be erased once it is concluded. Withdraw it first "
                       "if you wish, then /forget it.").format(number=found.number),
                     ((Button(_("↩ Withdraw {number}").format(number=found.number), f"cv:wd:{found.id}"),),))
            return
        await _choose(turn, "one", str(found.id))
        return
    tickets = await turn.uow.tickets.list_for_person(turn.person.id, limit=LISTED)
    closed = [t for t in tickets if erasable(t, turn.person.id)]
    open_ = [t for t in tickets if t.status in ACTIVE]
    if not closed and not open_:
        turn.say(_("You have no tickets, so there is nothing to erase from them."))
        return
    lines = [_("<b>Erase your identity from your concluded tickets</b>"),
             _("From the tickets you choose, your name, username, contact and Telegram id are removed (the tickets "
               "then show a pseudonym) and their attachments are deleted. The case itself, its history and its LK "
               "are kept, anonymised, as evidence of how complaints are handled (ISO 9001 §10.2.2). An erased ticket "
               "can no longer be rated, and nobody can write to you about it. This cannot be undone.")]
    catalogue, locale = turn.deps.catalogue, turn.locale
    rows: list[tuple[Button, ...]] = []
    if closed:
        lines += ["", _("<b>Concluded</b> (can be erased):")]
        lines += ["• " + ticket_line(t, catalogue, locale, _) for t in closed]
        rows.append((Button(_("🗑 Erase from all concluded tickets ({n})").format(n=len(closed)), f"{PREFIX}:all"),))
        if len(closed) > 1:
            rows += [(Button(_("🗑 Only {number}").format(number=t.number), f"{PREFIX}:one:{t.id}"),)
                     for t in closed[:SHOWN_BUTTONS]]
    else:
        lines += ["", _("No concluded ticket of yours still holds your identity (tickets already erased no longer "
                        "show here).")]
    if open_:
        lines += ["", _("<b>Still being handled</b> (not erased while open: withdraw one first if you wish, then "
                        "/forget it):")]
        lines += ["• " + ticket_line(t, catalogue, locale, _) for t in open_]
        rows += [(Button(_("↩ Withdraw {number}").format(number=t.number), f"cv:wd:{t.id}"),)
                 for t in open_[:SHOWN_BUTTONS]]
    turn.say("\n".join(lines), tuple(rows))


async def press(turn: Turn, data: str, message_id: int | None) -> None:
    """``fg:all``, ``fg:one:<ticket id>`` (choose: asks to confirm), ``fg:ok:<nonce>`` (erase), ``fg:no:<nonce>``."""
    action, _sep, arg = data.removeprefix(f"{PREFIX}:").partition(":")
    if action in ("all", "one"):
        await _choose(turn, action, arg)
        return
    record = await turn.uow.dialogs.get(turn.chat_id)
    if action not in ("ok", "no") or not _bound(turn, record, arg):
        turn.reaction.callback_answer = turn._("This confirmation is not valid any more (already used, replaced or "
                                               "not yours): nothing was changed. /forget starts again.")
        turn.reaction.callback_alert = True
        return
    assert record is not None
    await turn.uow.dialogs.delete(turn.chat_id)
    if message_id is not None:
        turn.reaction.outbound.append(ClearButtons(turn.chat_id, message_id))
    if action == "no":
        turn.say(turn._("Nothing was erased."))
        return
    done = await forget(await turn.ctx(), turn.person.id, [int(i) for i in record.data["tickets"]],
                        turn.user.username)
    turn.reaction.erased_files = done.erased.files
    turn.reaction.erased = bool(done.erased.tickets)
    turn.say(_done_text(turn, done))


def _bound(turn: Turn, record: DialogRecord | None, nonce: str) -> bool:
    """The confirmation was made for this person, in this chat, and is the one waiting now."""
    return (record is not None and record.dialog == PENDING and record.state == STATE and turn.private
            and record.user_id == turn.user.id and record.data.get("person") == turn.person.id
            and bool(nonce) and secrets.compare_digest(str(record.data.get("nonce", "")), nonce))


async def _choose(turn: Turn, action: str, arg: str) -> None:
    _ = turn._
    if not turn.private:
        raise Refusal(_("Please use this in a private chat with me."))
    if action == "all":
        chosen = [t for t in await turn.uow.tickets.list_for_person(turn.person.id, limit=LISTED)
                  if erasable(t, turn.person.id)]
    else:
        ticket = await turn.uow.tickets.get(as_id(arg) or 0)
        chosen = [ticket] if ticket is not None and erasable(ticket, turn.person.id) else []
    if not chosen:
        raise Refusal(_("None of these tickets can be erased any more: /forget shows where yours stand."))
    current = await turn.uow.dialogs.get(turn.chat_id)
    if current is not None and not (current.dialog == PENDING and current.state in SOFT | {STATE}):
        raise Refusal(_("Finish the dialog you have open first, or /cancel it."))
    nonce = secrets.token_hex(6)
    await turn.uow.dialogs.put(DialogRecord(turn.chat_id, turn.user.id, PENDING, STATE,
                                            {"subject": "forget", "person": turn.person.id, "nonce": nonce,
                                             "tickets": [t.id for t in chosen]}, turn.deps.clock()))
    numbers = ", ".join(t.number for t in chosen)
    text = turn.ngettext(
        "Erase your identity from {numbers}? Your name, username, contact and Telegram id go from it and its "
        "attachments are deleted; the anonymised case and its LK are kept. This cannot be undone.",
        "Erase your identity from these {n} tickets: {numbers}? Your name, username, contact and Telegram id go "
        "from them and their attachments are deleted; the anonymised cases and their LKs are kept. This cannot be "
        "undone.", len(chosen)).format(numbers=numbers, n=len(chosen))
    turn.say(text, ((Button(_("✅ Yes, erase"), f"{PREFIX}:ok:{nonce}"),),
                    (Button(_("✖ No, keep it"), f"{PREFIX}:no:{nonce}"),)))


def _done_text(turn: Turn, done: Forgotten) -> str:
    _, erased = turn._, done.erased
    # no pseudonym here: kept in this chat's messages, it would tie the pseudonym to them
    lines = [turn.ngettext("✅ Done: your identity is erased from {numbers}; it now shows a pseudonym.",
                           "✅ Done: your identity is erased from {numbers}; they now show a pseudonym.",
                           len(done.numbers)).format(numbers=", ".join(done.numbers)),
             _("Kept, anonymised: the cases, their history and their LKs, as evidence of how complaints are handled. "
               "Your request is recorded as {number}.").format(number=done.request.number),
             _("Nothing ties these tickets to you any more, so /status and /my no longer show them.")]
    if erased.attachments:
        lines.insert(1, turn.ngettext("{n} attachment was deleted.", "{n} attachments were deleted.",
                                      erased.attachments).format(n=erased.attachments))
    if erased.emptied:
        lines.append(_("You have no other tickets, so your profile is erased too: if you write to me again, you "
                       "start afresh."))
    return "\n".join(lines)
