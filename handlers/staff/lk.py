"""The LK in the chat (SOP steps c–f): /lk, /lk list, link, submit, action done, and the buttons of each step.

The steps themselves are use cases in :mod:`handlers.procedure.lks`; this module reads the command or button,
asks for the text a step needs, and tells the staff member what happened.
"""

from __future__ import annotations

import re
from html import escape

from domain.vocabulary import ActionStatus
from handlers.asking import ask
from handlers.documents import issue_lk_pdf, pdf_caption, verify_code
from handlers.errors import Refusal
from handlers.events import Button, OutMessage
from handlers.formats import day
from handlers.history import Reader
from handlers.lk_form_jobs import queue_lk_form
from handlers.procedure import lks as procedure
from handlers.procedure import recurrence as recurrences
from handlers.procedure.checks import as_id, find_lk, lk_by_id
from handlers.procedure.lookups import lk_snapshot
from handlers.staff.common import archived_file, confirm
from handlers.staff.lk_views import lk_buttons, lk_line, lk_view
from handlers.text import shown
from handlers.turn import Turn
from reports.lk_model import normal_code
from storage.records import ActionRecord, LkRecord

LISTED = 20
CODE_SHAPE = re.compile(r"[A-Z2-7]{5}-[A-Z2-7]{5}")  # reports.lk_model.verification_code's: base32


async def show(turn: Turn, args: str = "") -> None:
    """``/lk <number>``; without a number it says what the LK commands are."""
    if not args.strip():
        _ = turn._
        turn.say(_("<b>LK (Laporan Ketidaksesuaian)</b>\n"
                   "/lk LK-2026-001 — one LK in full, with the buttons of its next step\n"
                   "/lk list — the open LKs, each with its status and next step\n"
                   "/lk new KEL-2026-00001 … — write an LK for confirmed tickets (officer)\n"
                   "/lk action add LK-2026-001 — add an action to its programme (officer)\n"
                   "/lk pdf LK-2026-001 [en] — the LK's form as a PDF to print\n"
                   "/lk recurrence LK-2026-004 LK-2026-001 — mark an LK a recurrence of an earlier, closed one "
                   "(none: unmark)"))
        return
    await show_lk(turn, await find_lk(await turn.ctx(), args))


async def show_lk(turn: Turn, lk: LkRecord) -> None:
    """The LK with the buttons of its next step for this reader's roles."""
    ctx = await turn.ctx()
    snap = await lk_snapshot(ctx, lk)
    reader = Reader(turn._, turn.locale, turn.deps.tz)
    turn.reaction.outbound.append(OutMessage(turn.chat_id, lk_view(snap, reader),
                                             lk_buttons(snap, turn._, ctx.actor.roles, ctx.actor.person_id)))


async def listing(turn: Turn, args: str = "") -> None:
    """``/lk list``: the open LKs, oldest first, each with its status and next step."""
    _ = turn._
    total, lks = await turn.uow.lks.open_lks(LISTED)
    if not lks:
        turn.say(_("No LK is open."))
        return
    lines = [_("<b>Open LKs</b> ({n}), oldest first:").format(n=total)]
    lines += [lk_line(lk, _) for lk in lks]
    if total > len(lks):
        lines.append(f"… +{total - len(lks)}")
    buttons = [Button(lk.number, f"lk:show:{lk.id}") for lk in lks]
    turn.say("\n".join(lines), tuple(tuple(buttons[i: i + 3]) for i in range(0, len(buttons), 3)))


async def link(turn: Turn, args: str = "") -> None:
    parts = args.split()
    if len(parts) < 2:
        raise Refusal(turn._("Usage: /lk link <LK number> <ticket number> [more…]"))
    ctx = await turn.ctx()
    lk = await find_lk(ctx, parts[0])
    added = await procedure.link(ctx, lk, await procedure.tickets_for_lk(ctx, parts[1:]))
    turn.say(turn.ngettext("{n} ticket linked to {number}.", "{n} tickets linked to {number}.", added).format(
        n=added, number=lk.number))


async def edit(turn: Turn, args: str = "") -> None:
    """/lk edit <LK> cause|description|procedure <text>: rewrite part of a draft LK (the old text stays in its
    history)."""
    parts = args.split(maxsplit=2)
    if len(parts) < 3:
        raise Refusal(turn._("Usage: /lk edit <LK number> cause|description|procedure <new text>"))
    ctx = await turn.ctx()
    lk = await procedure.edit(ctx, await find_lk(ctx, parts[0]), parts[1], parts[2])
    confirm(turn, turn._("{number} is changed; submit it for the check when it is ready (/lk submit {number}).").format(
        number=lk.number))


async def recurrence(turn: Turn, args: str = "") -> None:
    """``/lk recurrence <LK> <earlier LK>|none``."""
    parts = args.split()
    if len(parts) != 2:
        raise Refusal(turn._("Usage: /lk recurrence <LK number> <earlier LK number>|none"))
    ctx = await turn.ctx()
    lk = await find_lk(ctx, parts[0])
    none = parts[1].casefold() in ("none", "tidak", "-")
    await mark_recurrence(turn, lk, None if none else await find_lk(ctx, parts[1]))


async def mark_recurrence(turn: Turn, lk: LkRecord, earlier: LkRecord | None) -> None:
    _ = turn._
    marked = await recurrences.mark_recurrence(await turn.ctx(), lk, earlier)
    if marked.earlier is None:
        confirm(turn, _("{number} is no longer marked a recurrence.").format(number=lk.number))
        return
    text = _("{number} is marked a recurrence of {earlier}: the effectiveness of {earlier} counts as failed.").format(
        number=lk.number, earlier=marked.earlier.number)
    if marked.other_service:
        text += "\n" + _("⚠️ {earlier} is about another service; check that it is the same nonconformity.").format(
            earlier=marked.earlier.number)
    confirm(turn, text)


async def submit(turn: Turn, args: str = "") -> None:
    await submit_lk(turn, await find_lk(await turn.ctx(), args))


async def submit_lk(turn: Turn, lk: LkRecord) -> None:
    lk = await procedure.submit(await turn.ctx(), lk)
    confirm(turn, turn._("{number} was sent to the reviewer for the check.").format(number=lk.number))


async def check(turn: Turn, lk: LkRecord) -> None:
    lk = await procedure.check(await turn.ctx(), lk)
    confirm(turn, turn._("{number} is checked; the approver was asked.").format(number=lk.number))


async def approve(turn: Turn, lk: LkRecord) -> None:
    lk = await procedure.approve(await turn.ctx(), lk)
    confirm(turn, turn._("{number} is approved.").format(number=lk.number))


async def return_lk(turn: Turn, lk: LkRecord, note: str) -> None:
    lk = await procedure.return_lk(await turn.ctx(), lk, note)
    turn.say(turn._("{number} was returned to the officer.").format(number=lk.number))


async def not_effective(turn: Turn, lk: LkRecord, reason: str) -> None:
    lk = await procedure.not_effective(await turn.ctx(), lk, reason)
    turn.say(turn._("{number} is now a draft of round {round}: its officer was told why and plans the round's "
                    "actions, which are checked and approved before they run.").format(number=lk.number,
                                                                                        round=lk.round))


async def close(turn: Turn, lk: LkRecord, response: str | None) -> None:
    """Close the LK; its closed form follows from a job run after the commit (:mod:`handlers.lk_form_jobs`)."""
    ctx = await turn.ctx()
    lk = await procedure.close(ctx, lk, response)
    turn.say(turn._("{number} is closed; the complainants were told.").format(number=lk.number))
    await queue_lk_form(ctx, lk.id, person_id=turn.person.id, chat_id=turn.chat_id, locale=turn.locale)
    turn.reaction.export_queued = True  # the runner starts it at once


async def pdf(turn: Turn, args: str = "") -> None:
    """``/lk pdf <LK> [en]``: the LK's form as a PDF document (Indonesian unless ``en``)."""
    parts = args.split()
    if not parts or len(parts) > 2 or (len(parts) == 2 and parts[1].casefold() not in ("en", "id")):
        raise Refusal(turn._("Usage: /lk pdf <LK number> [en]"))
    ctx = await turn.ctx()
    lk = await find_lk(ctx, parts[0])
    issued = await issue_lk_pdf(ctx, lk, parts[1].casefold() if len(parts) == 2 else "id")
    caption = pdf_caption(turn._, lk.number, issued.version, issued.code)
    turn.reaction.outbound.append(issued.send(turn.chat_id, caption))


async def verify(turn: Turn, args: str = "") -> None:
    """``/verify <code>`` (anyone: a printed copy is checked by outsiders), in the asker's language: which LK version
    the code was issued for and when, whether that version is current, outdated (and which is current) or the
    closed LK's archived one — nothing else of the LK. The code shows that a copy carrying it was made by the system
    from that version's recorded content; it cannot show that the paper was not altered afterwards."""
    _ = turn._
    code = normal_code(args)
    if not code:
        turn.say(escape(_("Usage: /verify <verification code> — the code printed at the foot of an LK form.")))
        return
    if not CODE_SHAPE.fullmatch(code):
        turn.say(_("❌ {code} is not a verification code: the code at the foot of an LK form has ten letters and "
                   "digits, printed as XXXXX-XXXXX (for example ABCDE-FGH23).").format(code=escape(code)))
        return
    found = await verify_code(await turn.ctx(), code)
    if found is None:
        turn.say(_("❌ The system issued no LK form with the code {code}. Check that it was typed as printed; if it "
                   "was, the copy was not made by this system.").format(code=escape(code)))
        return
    made = day(found.made_on.date(), turn.locale)
    if found.archived:
        mark, status = "✅", _("{number} is closed and this is its archived final version.")
    elif found.current:
        mark, status = "✅", _("It is the current version of {number}.")
    elif found.closed and found.final is not None:
        mark, status = "⚠️", _("This copy is outdated: {number} is closed and its archived final version is version "
                               "{current}.")
    elif found.latest > found.version:
        mark, status = "⚠️", _("This copy is outdated: the current version of {number} is version {current}.")
    else:
        mark, status = "⚠️", _("This copy is outdated: {number} has changed since it was made; a copy made now "
                               "would be a new version.")
    current = found.final if found.closed and found.final is not None else found.latest
    lines = [
        mark + " " + _("The code {code} matches version {version} of {number}, made on {date}.").format(
            code=code, version=found.version, number=found.number, date=made),
        status.format(number=found.number, current=current),
    ]
    if found.erased_on is not None:  # an auditor must not read the filed copy as invalid (issue 15's walk)
        lines.append(_("On {date}, after this copy was made, a complainant's personal data was erased from {number} "
                       "(their request or the retention period, under the personal data protection law): a copy made "
                       "now shows \"[…]\" where their name or contact was and no longer lists their files. An erasure "
                       "changes nothing else on the form.").format(
            date=day(found.erased_on.date(), turn.locale), number=found.number))
    lines.append(_("This shows that a copy with this code was made by the system from the content it recorded for "
                   "that version; compare the paper with that version if you doubt it was altered."))
    turn.say("\n".join(lines))


NAMED = 10
"""How many tickets the officer's confirmation of a response names; the others are counted."""


async def respond(turn: Turn, lk: LkRecord, response: str) -> None:
    resolved = await procedure.respond_after_correction(await turn.ctx(), lk, response)
    numbers = ", ".join(t.number for t in resolved[:NAMED])
    if len(resolved) > NAMED:  # a "me too" case: a thousand numbers would say less than how many
        more = len(resolved) - NAMED
        numbers += turn.ngettext(" and {n} more ticket", " and {n} more tickets", more).format(n=more)
    still_open = [a for a in await turn.uow.lks.actions(lk.id, round=lk.round) if a.status != ActionStatus.DONE]
    if still_open:
        turn.say(turn._("Sent to the complainants of {numbers}; they may rate it now. The programme of {number} goes "
                        "on: {actions} still open; the effectiveness check follows when every action is done.").format(
            numbers=numbers, number=lk.number, actions=", ".join(f"#{a.id}" for a in still_open)))
        return
    turn.say(turn._("Sent to the complainants of {numbers}; they may rate it now. {number} goes on to its "
                    "effectiveness check.").format(numbers=numbers, number=lk.number))


# --- actions ------------------------------------------------------------------------------------------------
async def action_done(turn: Turn, args: str = "") -> None:
    raw, _sep, evidence = args.strip().partition(" ")
    action = await procedure.action_to_complete(await turn.ctx(), as_id(raw.lstrip("#")))
    if not evidence.strip():
        await ask(turn, "evidence", f"#{action.id}", action_id=action.id)
        return
    await complete_action(turn, action, evidence, None, None, None)


async def ask_evidence(turn: Turn, arg: str) -> None:
    """Button ``ad:<action id>`` on the owner's notice: ask for the evidence."""
    action = await procedure.action_to_complete(await turn.ctx(), as_id(arg))
    await ask(turn, "evidence", f"#{action.id}", action_id=action.id)


async def complete_action(turn: Turn, action: ActionRecord, evidence: str | None, file_id: str | None,
                          file_type: str | None, file_name: str | None) -> None:
    action, respond_now = await procedure.complete_action(await turn.ctx(), action, evidence, file_id, file_type,
                                                          file_name)
    turn.say(turn._("Action #{id} is done.").format(id=action.id))
    if respond_now:
        lk = await lk_by_id(await turn.ctx(), action.lk_id)
        await ask(turn, "correction_response", lk.number, lk_id=lk.id)


async def send_evidence(turn: Turn, arg: str) -> None:
    """Button ``ev:<action id>``: the action's evidence file, to the staff member's private chat."""
    action = await turn.uow.lks.get_action(as_id(arg) or 0)
    if action is None or not action.evidence_file_id or not action.evidence_file_type:
        raise Refusal(turn._("That file no longer exists."))
    lk = await lk_by_id(await turn.ctx(), action.lk_id)
    caption = _evidence_caption(lk, action)
    item = (await turn.uow.archive.for_actions([action.id])).get(action.id)
    turn.reaction.outbound.append(archived_file(turn, action.evidence_file_type, action.evidence_file_id, caption,
                                                item, action.evidence_file_name or f"{lk.number}-{action.id}"))


def _evidence_caption(lk: LkRecord, action: ActionRecord) -> str:
    caption = f"{lk.number} · #{action.id}"
    if action.evidence_text:
        caption += " — " + shown(action.evidence_text, 900)
    return caption
