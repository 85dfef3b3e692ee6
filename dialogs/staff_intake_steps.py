"""Prompts and answer checks of the staff intake dialog, one pair per step (see ``staff_intake.py`` for the table).

An officer (petugas) records a complaint or suggestion that arrived by letter, e-mail, phone, social media,
the suggestion box or in person (SOP PM-BAPKM.AP.1-24 step a).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from html import escape
from typing import Any

from dialogs import answers, ui
from dialogs.draft import COMPLAINT, SUGGESTION, DraftFile, files_from, iso_date, known_fields
from dialogs.engine import Problem
from dialogs.intake_steps import IntakeContext
from dialogs.ui import ButtonRow, DialogInput, FileInput, Gettext, PickInput, Say

PREFIX = "si"
CHANNELS = ("letter", "email", "phone", "social_media", "suggestion_box", "walk_in")
"""Where a ticket came from besides the bot (``telegram``), as stored with the ticket."""
UNKNOWN, NO_CONTACT = "unknown", "none"
MAX_NAME, MAX_CONTACT = 120, 256  # the contact is stored in a VARCHAR(256)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s\-().]+$")


@dataclass(frozen=True)
class StaffIntakeDraft:
    """What the officer has recorded so far; ``returning`` while editing from the summary."""

    channel: str | None = None
    kind: str | None = None
    service: str | None = None
    name: str | None = None  # None with ``name_done``: unknown or anonymous
    name_done: bool = False
    contact: str | None = None  # None with ``contact_done``: no way to reach them
    contact_done: bool = False
    description: str | None = None
    files: tuple[DraftFile, ...] = ()
    files_done: bool = False
    received_on: date | None = None
    returning: bool = False

    def with_(self, **changes: Any) -> StaffIntakeDraft:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["received_on"] = self.received_on.isoformat() if self.received_on else None
        data["files"] = [asdict(f) for f in self.files]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StaffIntakeDraft:
        """Rebuild a stored draft; unknown keys are ignored so older rows still load."""
        known = known_fields(cls, data)
        known["received_on"] = iso_date(known.get("received_on"))
        known["files"] = files_from(known.get("files"))
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
        return draft.with_(channel=given.value)
    return Problem(ctx._("Please choose the channel with the buttons."))


def prompt_kind(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    return Say(
        _("Is this a <b>complaint</b> (something went wrong) or a <b>suggestion</b> (an idea to improve)?"),
        ((button("kind", _("Complaint"), COMPLAINT), button("kind", _("Suggestion"), SUGGESTION)),
         nav_row(ctx, "kind")),
    )


def accept_kind(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    words = {COMPLAINT: {COMPLAINT, "keluhan", "aduan", "1"}, SUGGESTION: {SUGGESTION, "saran", "2"}}
    value = answers.text_of(given).casefold()
    for kind, accepted in words.items():
        if value in accepted:
            return draft.with_(kind=kind)
    return Problem(ctx._("Please choose one of the buttons: Complaint or Suggestion."))


# --- service ------------------------------------------------------------------------------------------------
def prompt_service(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    text = _("Which service is it about? Choose below, or type its name (for example “transkrip”).")
    return Say(text, answers.service_rows(PREFIX, ctx.catalogue, ctx.locale, _, ctx.catalogue.services))


def accept_service(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked | Say:
    chosen = answers.choose_service(given, PREFIX, ctx.catalogue, ctx.locale, ctx._)
    return draft.with_(service=chosen) if isinstance(chosen, str) else chosen


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


# --- description and files ----------------------------------------------------------------------------------
def prompt_description(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    text = _("Service: <b>{service}</b>.\nWhat does the complainant say? Type it in a few sentences, or send a "
             "photo or a PDF of the letter or form with the text as its caption.")
    if draft.files and draft.description is None:
        text += "\n" + _("{n} file(s) attached. The description is still needed.").format(n=len(draft.files))
    service = answers.service_label(draft.service, ctx.catalogue, ctx.locale, _)
    return Say(text.format(service=service), (nav_row(ctx, "description"),))


def accept_description(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    described = answers.description(draft.files, given, ctx._)
    if isinstance(described, Problem):
        return described
    files, typed = described
    return draft.with_(files=files, description=typed if typed is not None else draft.description)


def prompt_files(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    if draft.files:
        text = _("{n} file(s) attached. Send another photo or PDF, or press “Done”.").format(n=len(draft.files))
        label = _("Done")
    else:
        text = _("Any files to keep with it (the scanned letter, a screenshot of the post)? Send them now.")
        label = _("No attachment")
    return Say(text, ((button("files", label, "done"),), nav_row(ctx, "files")))


def accept_files(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    if isinstance(given, PickInput) and given.value == "done":
        return draft.with_(files_done=True)
    if isinstance(given, FileInput):
        files = answers.attach(draft.files, given, ctx._)
        return files if isinstance(files, Problem) else draft.with_(files=files, files_done=False)
    return Problem(ctx._("Send a photo or a PDF, or press the button below to go on."))


# --- received -----------------------------------------------------------------------------------------------
def prompt_received(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    return Say(
        _("When did it reach us (the date on the letter, the e-mail or the call)? Type a date (for example "
          "{example}) or choose below.").format(example=answers.example_date(ctx.today)),
        ((button("received", _("Today"), "today"), button("received", _("Yesterday"), "yesterday")),
         nav_row(ctx, "received")),
    )


def accept_received(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    days = {"today": 0, "yesterday": 1}
    if isinstance(given, PickInput) and given.value in days:
        return draft.with_(received_on=ctx.today - timedelta(days=days[given.value]))
    parsed = answers.past_date(given, ctx.today, ctx._)
    return parsed if isinstance(parsed, Problem) else draft.with_(received_on=parsed)
