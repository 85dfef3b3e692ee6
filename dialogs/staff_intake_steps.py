"""The staff intake's draft and its first steps: channel, agenda number, kind, service, complainant, contact.

An officer (petugas) records a complaint or suggestion that arrived by letter, e-mail, phone, social media,
the suggestion box or in person (SOP PM-BAPKM.AP.1-24 step a). The steps about the case itself are in
``staff_intake_case.py``; the table is in ``staff_intake.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from html import escape
from typing import Any

from dialogs import answers, ui
from dialogs.draft import COMPLAINT, SUGGESTION, DraftFile, files_from, iso_date, known_fields, without
from dialogs.engine import Problem
from dialogs.intake_steps import IntakeContext, typed_kind
from dialogs.ui import ButtonRow, DialogInput, Gettext, PickInput, Say
from domain.vocabulary import OFFLINE_CHANNELS, IdentityLevel

PREFIX = "si"
CHANNELS: tuple[str, ...] = OFFLINE_CHANNELS
"""Where a ticket came from besides the bot (``telegram``), as stored with the ticket."""
LETTER = "letter"
UNKNOWN, NO_CONTACT, NO_NUMBER = "unknown", "none", "none"
MAX_NAME, MAX_CONTACT = 120, 256  # the contact is stored in a VARCHAR(256)
MAX_AGENDA = 64
"""Longest agenda number (nomor agenda) of a letter, e.g. "1234/UN7.5/PP/2026"."""
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s\-().]+$")


@dataclass(frozen=True)
class StaffIntakeDraft:
    """What the officer has recorded so far; ``returning`` while editing from the summary.

    ``agenda_number``: a letter's number in the bureau's incoming-mail register (nomor agenda), None with
    ``agenda_done`` when it has none. ``occurred_on``: when it happened (None with ``when_done``: not sure),
    besides ``received_on``, when it reached the bureau. ``answers``: the service's confirmation questions, as
    in the chat intake (a skipped optional question has no entry). ``overlong``: a too-long text kept by step.
    """

    channel: str | None = None
    agenda_number: str | None = None
    agenda_done: bool = False
    kind: str | None = None
    service: str | None = None
    name: str | None = None  # None with ``name_done``: unknown or anonymous
    name_done: bool = False
    contact: str | None = None  # None with ``contact_done``: no way to reach them
    contact_done: bool = False
    #: Who may see the complainant's name (``named`` | ``confidential`` | ``anonymous``), asked when a name or a
    #: contact was given; without either the ticket is anonymous.
    identity: str | None = None
    description: str | None = None
    overlong: dict[str, str] = field(default_factory=dict)
    files: tuple[DraftFile, ...] = ()
    files_done: bool = False
    received_on: date | None = None
    occurred_on: date | None = None
    when_done: bool = False
    answers: dict[str, str] = field(default_factory=dict)
    question_index: int = 0
    returning: bool = False

    def with_(self, **changes: Any) -> StaffIntakeDraft:
        return replace(self, **changes)

    def answer(self, question_id: str, value: str) -> StaffIntakeDraft:
        return replace(self, answers={**self.answers, question_id: value}, question_index=self.question_index + 1)

    def skip(self, question_id: str) -> StaffIntakeDraft:
        """Move past an optional question, forgetting any earlier answer to it."""
        return replace(self, answers=without(self.answers, question_id), question_index=self.question_index + 1)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("received_on", "occurred_on"):
            day = getattr(self, name)
            data[name] = day.isoformat() if day else None
        data["files"] = [asdict(f) for f in self.files]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StaffIntakeDraft:
        """Rebuild a stored draft; unknown keys are ignored so older rows still load."""
        known = known_fields(cls, data)
        known["received_on"] = iso_date(known.get("received_on"))
        known["occurred_on"] = iso_date(known.get("occurred_on"))
        known["files"] = files_from(known.get("files"))
        known["answers"] = dict(known.get("answers") or {})
        known["overlong"] = dict(known.get("overlong") or {})
        return cls(**known)


Checked = StaffIntakeDraft | Problem


def button(step: str, label: str, value: str) -> tuple[str, str]:
    return ui.button(PREFIX, step, label, value)


def nav_row(ctx: IntakeContext, step: str, *, back: bool = True) -> ButtonRow:
    return ui.nav_row(PREFIX, ctx._, step, back=back)


def channel_label(channel: str | None, _: Gettext) -> str:
    labels = {"letter": _("Letter"), "email": _("E-mail"), "phone": _("Phone"), "social_media": _("Social media"),
              "suggestion_box": _("Suggestion box"), "walk_in": _("Walk-in")}
    return labels.get(channel or "", escape(channel or "?"))


# --- channel and kind ---------------------------------------------------------------------------------------
def prompt_channel(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    buttons = [button("channel", channel_label(c, _), c) for c in CHANNELS]
    return Say(_("<b>Record a ticket that came by another channel.</b>\nHow did it reach us?"),
               (*ui.grid(buttons, 3), nav_row(ctx, "channel", back=False)))


def accept_channel(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    if isinstance(given, PickInput) and given.value in CHANNELS:
        if given.value == LETTER:
            return draft.with_(channel=given.value)
        return draft.with_(channel=given.value, agenda_number=None, agenda_done=False)  # only letters have one
    return Problem(ctx._("Please choose the channel with the buttons."))


def prompt_agenda(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    return Say(_("What is the letter's agenda number (nomor agenda) in the incoming-mail register? Type it, or "
                 "press the button if it has none."),
               ((button("agenda", _("No number"), NO_NUMBER),), nav_row(ctx, "agenda")))


def accept_agenda(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    _ = ctx._
    if isinstance(given, PickInput):
        if given.value == NO_NUMBER:
            return draft.with_(agenda_number=None, agenda_done=True)
        return Problem(_("Please type the agenda number, or press “No number”."))
    typed = " ".join(answers.text_of(given).split())
    if len(typed) > MAX_AGENDA:
        return Problem(_("Please keep the agenda number under {n} characters.").format(n=MAX_AGENDA))
    if not any(ch.isalnum() for ch in typed):
        return Problem(_("Please type the agenda number, or press “No number”."))
    return draft.with_(agenda_number=typed, agenda_done=True)


def prompt_kind(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    return Say(
        _("Is this a <b>complaint</b> (something went wrong) or a <b>suggestion</b> (an idea to improve)?"),
        ((button("kind", _("Complaint"), COMPLAINT), button("kind", _("Suggestion"), SUGGESTION)),
         nav_row(ctx, "kind")),
    )


def accept_kind(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    kind = typed_kind(given)
    if kind is None:
        return Problem(ctx._("Please choose one of the buttons: Complaint or Suggestion."))
    if kind == COMPLAINT:
        return draft.with_(kind=kind)  # the same kind again (Edit): the answers stay
    return draft.with_(kind=kind, answers={}, question_index=0)  # a suggestion is asked no questions


# --- service ------------------------------------------------------------------------------------------------
def prompt_service(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    return answers.service_prompt(PREFIX, ctx.catalogue, ctx.locale, ctx._)


def accept_service(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked | Say:
    chosen = answers.choose_service(given, PREFIX, ctx.catalogue, ctx.locale, ctx._)
    if not isinstance(chosen, str):
        return chosen
    if chosen == draft.service:
        return draft
    return draft.with_(service=chosen, answers={}, question_index=0)  # another service: its own questions


# --- complainant --------------------------------------------------------------------------------------------
def prompt_name(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    return Say(_("What is the complainant's name? Type it, or press the button if it is not known."),
               ((button("name", _("Unknown / anonymous"), UNKNOWN),), nav_row(ctx, "name")))


def accept_name(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    _ = ctx._
    if isinstance(given, PickInput):
        if given.value == UNKNOWN:
            return draft.with_(name=None, name_done=True)
    else:
        typed = " ".join(answers.text_of(given).split())
        if len(typed) > MAX_NAME:
            return Problem(_("Please keep the name under {n} characters.").format(n=MAX_NAME))
        if sum(ch.isalpha() for ch in typed) >= 2:
            return draft.with_(name=typed, name_done=True)
    return Problem(_("Please type the complainant's name, or press “Unknown / anonymous”."))


def prompt_contact(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    return Say(_("How can the complainant be reached for the answer? Type a phone number, an e-mail address, "
                 "a social media account or a postal address."),
               ((button("contact", _("No contact"), NO_CONTACT),), nav_row(ctx, "contact")))


def accept_contact(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    _ = ctx._
    if isinstance(given, PickInput):
        if given.value == NO_CONTACT:
            return draft.with_(contact=None, contact_done=True)
        return Problem(_("Please type the contact, or press “No contact”."))
    typed = " ".join(answers.text_of(given).split())
    checked = check_contact(typed, _)
    return checked if isinstance(checked, Problem) else draft.with_(contact=checked, contact_done=True)


def known(draft: StaffIntakeDraft) -> bool:
    """Whether anything of the complainant was recorded (a name or a contact): then who may see it is asked."""
    return bool(draft.name or draft.contact)


def prompt_identity(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    return Say(
        _("Who may see the complainant's name? Ask them (or follow what the letter says).") + "\n\n"
        + "• " + _("<b>Named</b>: the bureau's staff see the name.") + "\n"
        + "• " + _("<b>Confidential</b>: only {readers} see the name — never the staff group, the LK or the "
                   "bureau's reports.").format(readers=ctx.readers()) + "\n"
        + "• " + _("<b>Anonymous</b>: no staff member sees the name; the contact is kept only to send the answer."),
        ((button("identity", _("Named"), IdentityLevel.NAMED),
          button("identity", _("Confidential"), IdentityLevel.CONFIDENTIAL),
          button("identity", _("Anonymous"), IdentityLevel.ANONYMOUS)), nav_row(ctx, "identity")))


def accept_identity(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    value = given.value if isinstance(given, PickInput) else answers.text_of(given).strip().casefold()
    if value in {level.value for level in IdentityLevel}:
        return draft.with_(identity=value)
    return Problem(ctx._("Please choose one of the buttons: Named, Confidential or Anonymous."))


def check_contact(typed: str, _: Gettext) -> str | Problem:
    """A phone number (8–15 digits), an e-mail address, an account (``@name``) or an address."""
    if len(typed) > MAX_CONTACT:  # first: a "phone number" of many dashes must not outgrow the column either
        return Problem(_("Please keep the contact under {n} characters.").format(n=MAX_CONTACT))
    if _PHONE.match(typed):
        digits = sum(ch.isdigit() for ch in typed)
        if not 8 <= digits <= 15:
            return Problem(_("A phone number has 8 to 15 digits; this one has {n}.").format(n=digits))
        return typed
    if "@" in typed and " " not in typed and not typed.startswith("@") and not _EMAIL.match(typed):
        return Problem(_("That e-mail address looks incomplete. Please check it."))
    if len(typed) < 3:
        return Problem(_("Please type the contact, or press “No contact”."))
    return typed
