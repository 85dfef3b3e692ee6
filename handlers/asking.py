"""Asking for the text a step requires — "the next message in this private chat answers this question" — for
staff (an explanation, a reason, evidence) and complainants (a comment, an addition, a reason to withdraw).
The answer is handled by :mod:`handlers.pending`."""

from __future__ import annotations

from typing import Any

from dialogs.due_dates import example_due
from handlers.errors import Refusal
from handlers.events import Button, Keyboard, OutMessage
from handlers.i18n import N_
from handlers.turn import Turn
from storage.records import DialogRecord

PENDING = "pending"  # the dialog name of "the next message is the required text for …"
PROMPTS = {
    "conforming": N_("Write the explanation for {subject}: how the service followed its procedure. "
                     "It is sent to the complainant."),
    "reject": N_("Write the reason for rejecting {subject}. It is sent to the complainant."),
    "duplicate": N_("{subject} duplicates which ticket? Send its number (for example KEL-2026-00042)."),
    "accept": N_("Write the response for the suggestion {subject}: what will be done. It is sent to the person."),
    "decline": N_("Write the reason for declining the suggestion {subject}. It is sent to the person."),
    "reply": N_("Write your message to the complainant of {subject}."),
    "return": N_("Write a note for the officer: what must change in {subject}?"),
    "lk_response": N_("The programme of {subject} worked. Write the response sent to the complainants of its "
                      "tickets; the LK then closes."),
    "lk_close_answered": N_("The programme of {subject} worked. Its complainants were all answered after the "
                            "correction, and now each is told that the measures were checked and work. Write a line "
                            "to add to that notice if you wish (what is in place now), or press “✔ Close without a "
                            "line”; the LK then closes."),
    "not_effective": N_("Why was the programme of {subject} not effective? Your answer is recorded on the LK and "
                        "sent to its officer, who plans the next round (checked and approved before it runs)."),
    "correction_response": N_("The corrections of {subject} are done. Write the response to its complainants: "
                              "what was fixed. They get it now and may rate it; the effectiveness check goes on."),
    "evidence": N_("Send the evidence that action {subject} is done: a text, or a photo or PDF with a caption."),
    "rating_comment": N_("Add a comment about {subject} if you wish, or press Skip."),
    "rating_complaint": N_("We are sorry. What did not meet your expectation about {subject}? Write it here: it "
                           "goes to the officer with the reopened ticket. Or press Skip."),
    "add_info": N_("Write what you want to add to {subject}: a message, a photo or a PDF. The officer handling it "
                   "is told at once."),
    "withdraw": N_("Why do you withdraw {subject}? Write a short reason; the ticket is then withdrawn and the "
                   "officers are told."),
    "extension": N_("Until when does action {subject} need, and why? Write the new due date, then the reason, "
                    "for example “{example} waiting for the dean's signature”. An approver decides (once per "
                    "action)."),
    "correct_name": N_("Write your name as it should appear on your tickets."),
    "correct_contact": N_("Write the phone number or e-mail address where the bureau may reach you."),
}
SKIPPABLE = frozenset({"rating_comment", "rating_complaint"})
#: Questions a complainant may leave for something else (/new starts over them): optional comments, the focus on
#: one ticket, a message waiting to be placed, an erasure waiting for its confirmation. Staff questions are not
#: dropped silently.
SOFT = SKIPPABLE | {"add_info", "loose", "forget"}


async def ask(turn: Turn, kind: str, subject: str, **data: Any) -> None:
    """Ask, in the person's private chat, for the text this step requires; the next message there answers it."""
    chat = turn.user.id
    current = await turn.uow.dialogs.get(chat)
    if current is not None and current.dialog != PENDING:
        raise Refusal(turn._("Finish the dialog you have open in our private chat first, or /cancel it."))
    await turn.uow.dialogs.put(DialogRecord(chat, turn.user.id, PENDING, kind, {"subject": subject, **data},
                                            turn.deps.clock()))
    example = example_due(turn.deps.today(), turn.deps.calendar)  # a date the answer may use, never a past one
    text = turn._(PROMPTS[kind]).format(subject=subject, example=example) + "\n" + turn._("(/cancel to stop)")
    turn.reaction.outbound.append(OutMessage(chat, text, pending_buttons(turn, kind)))
    turn.asked = True
    if chat != turn.chat_id:
        turn.reaction.callback_answer = turn._("I sent you a private message: answer there.")


#: A staff question whose answer may be left out: the button that says so (it sends ``pd:skip`` too).
OPTIONAL = {"lk_close_answered": N_("✔ Close without a line")}


def pending_buttons(turn: Turn, kind: str) -> Keyboard:
    if kind in OPTIONAL:
        return ((Button(turn._(OPTIONAL[kind]), "pd:skip"),),)
    return ((Button(turn._("Skip"), "pd:skip"),),) if kind in SKIPPABLE else ()
