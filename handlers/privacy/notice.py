"""The privacy notice (pemberitahuan privasi, UU PDP No. 27/2022; issue 15 §1): what is kept, why, for how long, who
sees it, the rights and the contact — in the reader's language, short enough to read on a phone.

It is versioned (:data:`NOTICE_VERSION`): the first ``/start`` shows it, ``/privacy`` shows it any time, and a
person who was shown an older version is shown the new one once, at their next ``/start`` or ``/new``. The version
and the moment each person was shown it are recorded (``person.notice_version`` / ``notice_at``).

Change :data:`NOTICE_VERSION` whenever the text below changes in meaning.
"""

from __future__ import annotations

from handlers import identity
from handlers.context import Deps
from handlers.i18n import Gettext, Ngettext
from handlers.text import shown
from handlers.turn import Turn

NOTICE_VERSION = "2026-12"
"""The notice's version, recorded for each person shown it."""


def _kept(months: int, ngettext: Ngettext, _: Gettext) -> str:
    return (ngettext("{n} month", "{n} months", months).format(n=months) if months > 0
            else _("until you ask us to erase it"))


def notice_text(deps: Deps, _: Gettext, ngettext: Ngettext) -> str:
    """The whole notice in one language (Telegram HTML), under 1,800 characters (a phone screen or two)."""
    parts = [
        _("🔒 <b>Privacy notice</b> (version {version})").format(version=NOTICE_VERSION),
        _("<b>What we keep:</b> your Telegram id and name, your language, what you write to us, the files you send, "
          "your ratings, and the NRP or contact you give us. Your Telegram username is not kept (only inside a rare "
          "message the bot could not read, which an erasure deletes)."),
        _("<b>Why:</b> handling complaints and suggestions is the public-service task of the institution (SOP "
          "PM-BAPKM.AP.1-24); that task, not a consent we ask of you, is the basis on which we process your data."),
        _("<b>How long:</b> after your ticket is closed, your identity is kept for {identity} and your files for "
          "{files}; then they are erased and only the anonymised case is kept as evidence.").format(
            identity=_kept(deps.retention_identity_months, ngettext, _),
            files=_kept(deps.retention_attachments_months, ngettext, _)),
        _("<b>Who sees it:</b> the bureau's staff who handle complaints, in their staff group. For each ticket you "
          "choose:") + "\n"
        + _("• named: the staff see your name;") + "\n"
        + _("• confidential: your name is seen only by {readers};").format(
            readers=identity.readers(deps.confidential_roles, _)) + "\n"
        + _("• anonymous: no staff see who you are; replies still reach you here.") + "\n"
        + _("Staff read what you write and the files you send whatever you choose: leave your name, NRP and contact "
            "out of them to stay unknown."),
        _("<b>Your rights:</b> /mydata sends you a copy of all we keep about you, /correct fixes your name or "
          "contact, /forget erases your identity from closed tickets. We answer such requests within 3×24 hours."),
        _("<b>Contact:</b> {contact}. /privacy shows this notice again.").format(contact=shown(deps.privacy_contact)),
    ]
    return "\n\n".join(parts)


def notice_due(turn: Turn) -> bool:
    """Whether the person has not been shown the current notice yet (never, or an older version)."""
    return turn.person.notice_version != NOTICE_VERSION


async def show_notice(turn: Turn, *, changed: bool = False) -> None:
    """Say the notice in this chat and record that the person was shown this version now. ``changed``: it is shown
    because its version changed since the person last saw it (it says so first)."""
    _ = turn._
    text = notice_text(turn.deps, _, turn.ngettext)
    if changed:
        text = _("Our privacy notice has changed since you last read it:") + "\n\n" + text
    turn.say(text)
    await turn.uow.persons.saw_notice(turn.person.id, NOTICE_VERSION, turn.deps.clock())


async def show_if_changed(turn: Turn) -> None:
    """At ``/new``: the notice, once, to a person who was shown an older version (or none)."""
    if notice_due(turn):
        await show_notice(turn, changed=turn.person.notice_version is not None)


async def privacy(turn: Turn, args: str = "") -> None:
    """/privacy: the notice, any time (students and staff)."""
    await show_notice(turn)
