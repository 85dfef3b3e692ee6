"""Every staff command, with the roles that may use it: the single list the router, /help and the
authorization tests read, so a new command cannot escape the checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dialogs.workflow import STAFF, Role
from handlers.i18n import N_
from handlers.staff import admin, lk, monitor, search, staff_dialogs, tickets
from handlers.turn import Turn

OFFICER = frozenset({Role.OFFICER})
READERS = frozenset({Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.MONITOR})


@dataclass(frozen=True)
class StaffCommand:
    run: Callable[[Turn, str], Awaitable[None]]
    roles: frozenset[Role]
    usage: str
    description: str


STAFF_COMMANDS: dict[str, StaffCommand] = {
    "staff": StaffCommand(admin.staff, frozenset({Role.ADMIN}), "/staff add|remove|list",
                          N_("manage staff and roles")),
    "inbox": StaffCommand(tickets.inbox, OFFICER, "/inbox", N_("new tickets and yours")),
    "show": StaffCommand(tickets.show, STAFF, "/show <number>", N_("a ticket in full, with history and files")),
    "take": StaffCommand(tickets.take, OFFICER, "/take <number>", N_("take a ticket")),
    "assign": StaffCommand(tickets.assign, frozenset({Role.OFFICER, Role.ADMIN}), "/assign <number> <id>",
                           N_("hand a ticket to an officer")),
    "reply": StaffCommand(tickets.reply, OFFICER, "/reply <number> <text>", N_("message the complainant")),
    "nonconformity": StaffCommand(tickets.nonconformity, OFFICER, "/nonconformity <number>",
                                  N_("verdict: the service deviated from its procedure")),
    "conforming": StaffCommand(tickets.conforming, OFFICER, "/conforming <number> <explanation>",
                               N_("verdict: the service followed its procedure")),
    "duplicate": StaffCommand(tickets.duplicate, OFFICER, "/duplicate <number> <original>",
                              N_("verdict: the same case as another ticket")),
    "reject": StaffCommand(tickets.reject, OFFICER, "/reject <number> <reason>", N_("verdict: out of scope")),
    "accept": StaffCommand(tickets.accept, OFFICER, "/accept <number> <response>", N_("accept a suggestion")),
    "decline": StaffCommand(tickets.decline, OFFICER, "/decline <number> <reason>", N_("decline a suggestion")),
    "intake": StaffCommand(staff_dialogs.intake, OFFICER, "/intake",
                           N_("record a letter, e-mail, call, post or suggestion-box form")),
    "search": StaffCommand(search.search, READERS, "/search <text>", N_("find tickets")),
    "similar": StaffCommand(search.similar, READERS, "/similar <number>", N_("tickets like this one")),
    "monitor": StaffCommand(monitor.monitor, STAFF, "/monitor", N_("late and waiting work")),
    "lk": StaffCommand(lk.show, STAFF, "/lk <LK number>", N_("an LK in full")),
    "lk new": StaffCommand(staff_dialogs.lk_new, OFFICER, "/lk new <numbers…>", N_("write an LK")),
    "lk link": StaffCommand(lk.link, OFFICER, "/lk link <LK> <numbers…>", N_("link more tickets to an LK")),
    "lk submit": StaffCommand(lk.submit, OFFICER, "/lk submit <LK>", N_("send an LK to the check")),
    "lk action add": StaffCommand(staff_dialogs.action_add, OFFICER, "/lk action add <LK>",
                                  N_("add an action to the programme")),
    "lk action done": StaffCommand(lk.action_done, STAFF, "/lk action done <id> <evidence>",
                                   N_("mark an action done, with evidence")),
}


def resolve(name: str, args: str) -> tuple[str, str] | None:
    """The registry key for ``/name args`` (the longest match of sub-commands) and the remaining arguments."""
    for n in (2, 1, 0):
        parts = args.split(maxsplit=n)
        if len(parts) < n:
            continue
        key = " ".join([name, *(p.casefold() for p in parts[:n])])
        if key in STAFF_COMMANDS:
            return key, parts[n] if len(parts) > n else ""
    return None
