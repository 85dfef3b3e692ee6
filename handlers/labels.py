"""The names people read for the procedure's words (``domain.vocabulary``), translated when shown."""

from __future__ import annotations

from domain.vocabulary import ActionKind, Channel, DataRequestKind, IdentityLevel, LkStatus, Role, TicketStatus
from handlers.i18n import N_, Gettext

STATUS_NAMES: dict[str, str] = {
    TicketStatus.RECEIVED: N_("received"),
    TicketStatus.CONFIRMING: N_("being confirmed"),
    TicketStatus.CONFORMING: N_("conforming: the service followed its procedure"),
    TicketStatus.REJECTED: N_("rejected"),
    TicketStatus.DUPLICATE: N_("duplicate"),
    TicketStatus.IN_FOLLOWUP: N_("being followed up"),
    TicketStatus.RESOLVED: N_("resolved"),
    TicketStatus.CLOSED: N_("closed"),
    TicketStatus.REOPENED: N_("reopened"),
    TicketStatus.UNDER_REVIEW: N_("under review"),
    TicketStatus.ACCEPTED: N_("accepted"),
    TicketStatus.DECLINED: N_("declined"),
    TicketStatus.WITHDRAWN: N_("withdrawn"),
}
#: A verdict as the register names it: for a complaint in follow-up, the nonconformity found, not the status.
VERDICT_NAMES: dict[str, str] = {
    TicketStatus.IN_FOLLOWUP: N_("nonconformity"),
    TicketStatus.CONFORMING: N_("conforming: the service followed its procedure"),
    TicketStatus.REJECTED: N_("rejected"),
    TicketStatus.DUPLICATE: N_("duplicate"),
    TicketStatus.ACCEPTED: N_("accepted"),
    TicketStatus.DECLINED: N_("declined"),
}
CHANNELS: dict[str, str] = {
    Channel.TELEGRAM: N_("Telegram"), Channel.LETTER: N_("letter"), Channel.EMAIL: N_("e-mail"),
    Channel.PHONE: N_("phone"), Channel.SOCIAL_MEDIA: N_("social media"),
    Channel.SUGGESTION_BOX: N_("suggestion box"), Channel.WALK_IN: N_("in person"),
}
LK_STATUSES: dict[str, str] = {
    LkStatus.DRAFT: N_("draft"), LkStatus.AWAITING_CHECK: N_("waiting for the check"),
    LkStatus.AWAITING_APPROVAL: N_("waiting for approval"), LkStatus.IN_PROGRESS: N_("programme running"),
    LkStatus.AWAITING_VERIFICATION: N_("waiting for the effectiveness check"), LkStatus.CLOSED: N_("closed"),
}
ACTION_KINDS: dict[str, str] = {ActionKind.CORRECTION: N_("correction"), ActionKind.CORRECTIVE: N_("corrective action"),
                ActionKind.PREVENTIVE: N_("preventive action")}
ROLES: dict[str, str] = {Role.OFFICER: N_("officer"), Role.REVIEWER: N_("reviewer"), Role.APPROVER: N_("approver"),
         Role.MONITOR: N_("monitor"), Role.ADMIN: N_("admin")}

#: A ticket's identity level (issue 15), as the complainant chooses it and staff read it.
IDENTITY_LEVELS: dict[str, str] = {
    IdentityLevel.NAMED: N_("named"), IdentityLevel.CONFIDENTIAL: N_("confidential"),
    IdentityLevel.ANONYMOUS: N_("anonymous"),
}
DATA_REQUESTS: dict[str, str] = {
    DataRequestKind.ACCESS: N_("access (a copy)"), DataRequestKind.CORRECTION: N_("correction"),
    DataRequestKind.ERASURE: N_("erasure"),
}
DUE_STEPS: dict[str, str] = {"confirm": N_("be confirmed"), "respond": N_("be answered")}
"""A ticket's deadline is for one of these steps (``ticket.due_step``): "to be confirmed by …"."""


def _name(table: dict[str, str], value: str, _: Gettext) -> str:
    return _(table[value]) if value in table else value


def status_name(status: str, _: Gettext) -> str:
    return _name(STATUS_NAMES, status, _)


def verdict_name(status: str, _: Gettext) -> str:
    """The verdict a ticket's move to ``status`` gave ("nonconformity" for a complaint sent to follow-up)."""
    return _name(VERDICT_NAMES, status, _) if status in VERDICT_NAMES else status_name(status, _)


def channel_name(channel: str, _: Gettext) -> str:
    return _name(CHANNELS, channel, _)


def lk_status_name(status: str, _: Gettext) -> str:
    return _name(LK_STATUSES, status, _)


def action_kind_name(kind: str, _: Gettext) -> str:
    return _name(ACTION_KINDS, kind, _)


def role_name(role: str, _: Gettext) -> str:
    return _name(ROLES, role, _)


def due_step_name(step: str | None, _: Gettext) -> str:
    return _name(DUE_STEPS, step or "", _)


def identity_level_name(level: str, _: Gettext) -> str:
    return _name(IDENTITY_LEVELS, level, _)


def data_request_name(kind: str, _: Gettext) -> str:
    return _name(DATA_REQUESTS, kind, _)
