"""Who sees a complainant's identity (issue 15, UU PDP): the one place that decides, and the audit of each view.

A ticket's identity level (``ticket.identity_level``, chosen when it is filed) says who may see who filed it:

- ``named``: the staff who handle tickets — every staff member, and the staff group's card;
- ``confidential``: only the roles ``CONFIDENTIAL_ROLES`` names (default ``admin,officer``), where ``officer`` means
  the ticket's *handling* officer (``assigned_to``) only and any other role name anyone holding it; never the staff
  group, the LK's form, the register export or the statistics;
- ``anonymous``: no staff at all (the complainant still gets every answer through the bot).

Every view that shows an identity calls :func:`complainant` (or :func:`may_see`) with its viewer and, when it
shows one, records it: one ``audit_log`` row (``identity_view``: the viewer, the ticket, the place) per view, in
the transaction that queues the message (:func:`record_views`, one statement for many tickets). The staff group is
the viewer ``None``. A view is counted when its message is queued: a card edit that a newer edit replaces before it
goes out, or a notice that waits for its reader to press Start, is counted still (the trail errs on the side of
"shown"). Views that name no complainant at all (the inbox, search results, reminders and digests, the
LK's view and form, /stats, the recap) neither ask nor record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.vocabulary import ROLE_WORDS, AuditKind, IdentityLevel, Role
from handlers.i18n import Gettext
from handlers.labels import identity_level_name, role_name
from handlers.text import shown
from storage.records import PersonRecord, TicketRecord
from storage.repositories.privacy import AuditEntry
from storage.uow import UnitOfWork

HANDLING_OFFICER = Role.OFFICER.value
"""In ``CONFIDENTIAL_ROLES``, ``officer`` stands for the ticket's handling officer, not every officer."""


class Place:
    """Where an identity was shown: the short codes of ``audit_log.place``."""

    GROUP_CARD = "group_card"
    SHOW = "show"
    NOTICE = "notice"
    EXPORT = "export"
    EXPORT_CLI = "export_cli"


@dataclass(frozen=True)
class Viewer:
    """Who is shown a view: a staff member (their person id and the roles they hold now), or the staff group
    (``person_id`` None, no roles)."""

    person_id: int | None
    roles: frozenset[str] = frozenset()


GROUP = Viewer(None)
"""The staff group: it sees named identities only."""


def confidential_roles(text: str) -> frozenset[str]:
    """``CONFIDENTIAL_ROLES`` read: role names (English or the Indonesian words, ``petugas``…) separated by commas;
    ValueError naming the first unknown one. Empty: nobody may see a confidential identity."""
    found = set()
    for part in text.replace(";", ",").split(","):
        word = part.strip().casefold()
        if not word:
            continue
        if word not in ROLE_WORDS:
            raise ValueError(f"unknown role {part.strip()!r}; use {', '.join(r.value for r in Role)}")
        found.add(ROLE_WORDS[word].value)
    return frozenset(found)


def readers(allowed: frozenset[str], _: Gettext) -> str:
    """Who may see a confidential identity, in words: "the officer handling it and the administrator" (the default
    ``CONFIDENTIAL_ROLES``), from the setting as it is — the notice, the filing dialog and /status say it so."""
    order = {Role.OFFICER.value: 0, Role.ADMIN.value: 1}
    names = [_("the officer handling it") if role == Role.OFFICER else
             _("the administrator") if role == Role.ADMIN else role_name(role, _)
             for role in sorted(allowed, key=lambda r: (order.get(r, 2), r))]
    if not names:
        return _("nobody")
    if len(names) == 1:
        return names[0]
    return _("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1])


def may_see(viewer: Viewer, ticket: TicketRecord, allowed: frozenset[str]) -> bool:
    """Whether ``viewer`` may see the identity of ``ticket``'s complainant; ``allowed``: ``deps.confidential_roles``."""
    if ticket.identity_erased_at is not None or ticket.person_id is None:
        return False  # nothing left to show
    level = ticket.identity_level
    if level == IdentityLevel.NAMED:
        return viewer.person_id is None or bool(viewer.roles)
    if level != IdentityLevel.CONFIDENTIAL or viewer.person_id is None:
        return False  # anonymous (or a level this code does not know): nobody
    for role in allowed:
        if role == HANDLING_OFFICER:  # and an officer still: one removed from the staff keeps the assignment
            if ticket.assigned_to is not None and ticket.assigned_to == viewer.person_id and role in viewer.roles:
                return True
        elif role in viewer.roles:
            return True
    return False


def label(ticket: TicketRecord, _: Gettext) -> str:
    """What stands for an identity the viewer may not see: "confidential", "anonymous", "erased" (or "unknown")."""
    if ticket.identity_erased_at is not None:
        return _("erased (/forget or retention)")
    if ticket.person_id is None and ticket.identity_level == IdentityLevel.NAMED:
        return _("unknown")
    return identity_level_name(ticket.identity_level, _)


def identity_text(person: PersonRecord, _: Gettext) -> str:
    """A complainant's identity as staff read it: the name, the NRP, and the contact of one without Telegram (a
    letter's, a call's). A Telegram user's own contact (``/correct``) is kept but not shown: staff reach them
    through the bot, and a named ticket's card is read by the whole staff group."""
    text = shown(person.name)
    if person.nrp:
        text += f" ({shown(person.nrp)})"
    if person.telegram_id is None and person.contact:  # staff reach a Telegram user through the bot
        text += " · " + _("contact: {contact}").format(contact=shown(person.contact))
    return text


@dataclass(frozen=True)
class Shown:
    """The complainant as one view shows them: ``text`` (HTML), and whether it is their identity (to record)."""

    text: str
    identity: bool


def complainant(viewer: Viewer, ticket: TicketRecord, person: PersonRecord | None, allowed: frozenset[str],
                _: Gettext) -> Shown:
    """The complainant of ``ticket`` as ``viewer`` may see them: the identity (marked 🔒 when confidential, so that
    whoever may see it knows not to pass it on), or the level's label."""
    if person is not None and may_see(viewer, ticket, allowed):
        text = identity_text(person, _)
        if ticket.identity_level == IdentityLevel.CONFIDENTIAL:
            text += " · 🔒 " + label(ticket, _)
        return Shown(text, True)
    return Shown(label(ticket, _), False)


def in_notice(viewer: Viewer, ticket: TicketRecord, person: PersonRecord | None, allowed: frozenset[str],
              _: Gettext) -> Shown:
    """The complainant as a notice to staff names them ("💬 X wrote about …"): the name, or who they are not."""
    if person is not None and may_see(viewer, ticket, allowed):
        lock = " 🔒" if ticket.identity_level == IdentityLevel.CONFIDENTIAL else ""
        return Shown(shown(person.name, 60) + lock, True)
    if ticket.identity_level == IdentityLevel.ANONYMOUS:
        return Shown(_("the complainant (anonymous)"), False)
    if ticket.identity_level == IdentityLevel.CONFIDENTIAL:
        return Shown(_("the complainant (confidential)"), False)
    return Shown(_("the complainant"), False)


async def viewer_of(uow: UnitOfWork, person: PersonRecord, admins: frozenset[int] = frozenset()) -> Viewer:
    """A staff member as a viewer: their stored roles now, plus admin for the ids of ``TANGGAP_ADMINS``."""
    roles = await uow.staff.roles_of(person.id)
    if person.telegram_id is not None and person.telegram_id in admins:
        roles = roles | {Role.ADMIN.value}
    return Viewer(person.id, roles)


async def record_views(uow: UnitOfWork, at: datetime, viewer: Viewer, place: str, ticket_ids: Iterable[int]) -> int:
    """One ``identity_view`` row per ticket whose complainant ``viewer`` was just shown, in one statement."""
    return await uow.audit.add(at, [AuditEntry(AuditKind.IDENTITY_VIEW, actor_id=viewer.person_id, ticket_id=tid,
                                               place=place) for tid in ticket_ids])
