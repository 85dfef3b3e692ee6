"""Every command, student and staff, with who may use it: the one registry the router, /help, the command menus
and the authorization tests read, so a new command cannot escape the checks or the help."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape

from domain.vocabulary import ASSIGNERS, STAFF, Role
from handlers import correct, identity_level, mydata_jobs, student
from handlers.i18n import N_
from handlers.labels import role_name
from handlers.privacy import forget
from handlers.privacy import notice as privacy
from handlers.staff import (
    admin,
    audit,
    cases,
    due_work,
    export,
    lk,
    monitor,
    recap,
    requests,
    search,
    staff_dialogs,
    stats,
    tickets,
)
from handlers.turn import Turn

Command = Callable[[Turn, str], Awaitable[None]]
OFFICER = frozenset({Role.OFFICER})
READERS = frozenset({Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.MONITOR})
ADMIN = frozenset({Role.ADMIN})
MARKERS = frozenset({Role.OFFICER, Role.REVIEWER, Role.APPROVER})  # who may mark an LK a recurrence


@dataclass(frozen=True)
class StudentCommand:
    run: Command
    usage: str  # translated when shown
    description: str


@dataclass(frozen=True)
class StaffCommand:
    run: Command
    roles: frozenset[Role]
    usage: str  # translated when shown: the placeholders are words
    description: str


async def help_(turn: Turn, args: str = "") -> None:
    """/help: the complainant's commands, then the staff commands of the reader's roles, in their language."""
    _ = turn._
    lines = [_("<b>What I can do</b>")]
    lines += [f"{escape(_(c.usage))} — {_(c.description)}" for c in STUDENT_COMMANDS.values()]
    turn.say("\n".join(lines))
    roles = await turn.held_roles()
    mine = [c for c in STAFF_COMMANDS.values() if roles & {r.value for r in c.roles}]
    if mine:
        names = ", ".join(role_name(r, _) for r in sorted(roles))
        lines = [_("<b>Staff commands</b> (your roles: {roles})").format(roles=names)]
        lines += [f"{escape(_(c.usage))} — {_(c.description)}" for c in mine]
        turn.say("\n".join(lines))


# Every command a complainant can use; the menu registered with setMyCommands is built from it.
STUDENT_COMMANDS: dict[str, StudentCommand] = {
    "start": StudentCommand(student.start, N_("/start"), N_("Welcome and what this bot does")),
    "new": StudentCommand(student.new_ticket, N_("/new"), N_("File a complaint or a suggestion")),
    "my": StudentCommand(student.my_tickets, N_("/my"), N_("Your tickets and their status")),
    "status": StudentCommand(student.show_status, N_("/status <number>"),
                             N_("One ticket in full, to answer, add to or withdraw it: /status KEL-2026-00042")),
    "identity": StudentCommand(identity_level.identity, N_("/identity number named|confidential|anonymous"),
                               N_("Who may see your name on a ticket: change it (staff may only raise it)")),
    "cancel": StudentCommand(student.cancel, N_("/cancel"), N_("Stop what you are writing")),
    "lang": StudentCommand(student.choose_language, N_("/lang"), N_("Bahasa Indonesia / English")),
    "verify": StudentCommand(lk.verify, N_("/verify <verification code>"),
                             N_("Check a printed LK form: does its verification code match the current version?")),
    "privacy": StudentCommand(privacy.privacy, N_("/privacy"),
                              N_("How we handle your data: what we keep, why, how long, who sees it, your rights")),
    "mydata": StudentCommand(mydata_jobs.mydata, N_("/mydata"), N_("A copy of all we keep about you (JSON and PDF)")),
    "correct": StudentCommand(correct.correct, N_("/correct"), N_("Fix your name or contact on your tickets")),
    "forget": StudentCommand(forget.command, N_("/forget"),
                             N_("Erase your name, contact and Telegram id from your concluded tickets")),
    "help": StudentCommand(help_, N_("/help"), N_("What I can do")),
}

STAFF_COMMANDS: dict[str, StaffCommand] = {
    "staff": StaffCommand(admin.staff, frozenset({Role.ADMIN}), N_("/staff add|remove|list"),
                          N_("manage staff and roles")),
    "audit": StaffCommand(audit.audit, ADMIN, N_("/audit [ticket number|staff Telegram id]"),
                          N_("who was shown a complainant's identity, when and where; identity-level and role "
                             "changes (the admins of TANGGAP_ADMINS are a setting, not rows); alone: the latest")),
    "requests": StaffCommand(requests.requests, ADMIN, N_("/requests [open|all]"),
                             N_("the register of data-subject requests (UU PDP): deadlines, overdue ones")),
    "requests add": StaffCommand(requests.add, ADMIN,
                                 N_("/requests add Telegram-id|#person access|correction|erasure [note]"),
                                 N_("record a request that came by letter or e-mail")),
    "requests done": StaffCommand(requests.done, ADMIN, N_("/requests done PDP-number [note]"),
                                  N_("mark a request answered")),
    "inbox": StaffCommand(tickets.inbox, OFFICER, N_("/inbox [metoo]"),
                          N_("new tickets and yours (metoo: the cases most complainants joined first)")),
    "show": StaffCommand(tickets.show, STAFF, N_("/show <number>"), N_("a ticket in full, with history and files")),
    "take": StaffCommand(tickets.take, OFFICER, N_("/take <number>"), N_("take a ticket")),
    "assign": StaffCommand(tickets.assign, ASSIGNERS, N_("/assign <number> <id>"),
                           N_("hand a ticket to an officer")),
    "reply": StaffCommand(tickets.reply, OFFICER, N_("/reply <number> <text>"),
                          N_("message the complainant; their answer comes back to you")),
    "nonconformity": StaffCommand(tickets.nonconformity, OFFICER, N_("/nonconformity <number>"),
                                  N_("verdict: the service deviated from its procedure")),
    "conforming": StaffCommand(tickets.conforming, OFFICER, N_("/conforming <number> <explanation>"),
                               N_("verdict: the service followed its procedure")),
    "duplicate": StaffCommand(tickets.duplicate, OFFICER, N_("/duplicate <number> <original>"),
                              N_("verdict: the same case as another ticket")),
    "reject": StaffCommand(tickets.reject, OFFICER, N_("/reject <number> <reason>"), N_("verdict: out of scope")),
    "accept": StaffCommand(tickets.accept, OFFICER, N_("/accept <number> <response>"), N_("accept a suggestion")),
    "decline": StaffCommand(tickets.decline, OFFICER, N_("/decline <number> <reason>"), N_("decline a suggestion")),
    "intake": StaffCommand(staff_dialogs.intake, OFFICER, N_("/intake"),
                           N_("record a letter, e-mail, call, post or suggestion-box form")),
    "search": StaffCommand(search.search, READERS, N_("/search [filters] <words>"),
                           N_("find tickets by words and/or filters: status: (open, closed, unconfirmed or a status), "
                              "service:, channel:, officer: (me, none, a name or id), since:, until:")),
    "case": StaffCommand(cases.usage, OFFICER, N_("/case"), N_("“me too” cases: the commands below")),
    "case attach": StaffCommand(cases.attach, OFFICER, N_("/case attach <number> <number in the case>"),
                                N_("“me too”: the ticket follows that case (its status, officer and LK)")),
    "case detach": StaffCommand(cases.detach, OFFICER, N_("/case detach <number>"),
                                N_("“me too”: the ticket is handled on its own again")),
    "case summary": StaffCommand(cases.summary, OFFICER, N_("/case summary <number> <text>"),
                                 N_("“me too”: the case's public summary, all students offered to join it see")),
    "similar": StaffCommand(search.similar, READERS, N_("/similar <number>"), N_("tickets like this one")),
    "monitor": StaffCommand(monitor.monitor, STAFF, N_("/monitor"), N_("late and waiting work")),
    "due": StaffCommand(due_work.due, frozenset({Role.ADMIN, Role.APPROVER, Role.MONITOR}), N_("/due"),
                        N_("the reminders, escalations and digests of the next 7 days")),
    "extend": StaffCommand(due_work.extend_ticket, OFFICER, N_("/extend <number> <date> <reason>"),
                           N_("move a ticket's deadline once, with a reason (the complainant and the "
                              "approvers are told)")),
    "export": StaffCommand(export.export, STAFF, N_("/export [from] [to] [service] [csv]"),
                           N_("the register as a spreadsheet (XLSX, or CSV): tickets, LKs, actions, ratings")),
    "recap": StaffCommand(recap.recap, STAFF, N_("/recap [month]"),
                          N_("the monthly recap as a PDF: key figures, charts, LKs, recurrences, management-review "
                             "inputs")),
    "stats": StaffCommand(stats.stats, STAFF, N_("/stats [period] [service]"),
                          N_("charts and figures for management review: tickets per month, time to confirm and "
                             "close, ageing, outcomes, Pareto of causes, recurrence, actions, satisfaction")),
    "lk": StaffCommand(lk.show, STAFF, N_("/lk <LK number>"), N_("an LK in full")),
    "lk list": StaffCommand(lk.listing, STAFF, N_("/lk list"), N_("the open LKs and their next steps")),
    "lk pdf": StaffCommand(lk.pdf, STAFF, N_("/lk pdf <LK> [en]"), N_("the LK's form as a PDF to print and sign")),
    "lk new": StaffCommand(staff_dialogs.lk_new, OFFICER, N_("/lk new <numbers…>"), N_("write an LK")),
    "lk link": StaffCommand(lk.link, OFFICER, N_("/lk link <LK> <numbers…>"), N_("link more tickets to an LK")),
    "lk edit": StaffCommand(lk.edit, OFFICER, N_("/lk edit <LK> cause|description|procedure <text>"),
                            N_("rewrite part of a draft LK (its root cause, say, before the next round)")),
    "lk recurrence": StaffCommand(lk.recurrence, MARKERS, N_("/lk recurrence <LK> <earlier LK>|none"),
                                  N_("mark an LK a recurrence of an earlier, closed one (its effectiveness failed)")),
    "lk submit": StaffCommand(lk.submit, OFFICER, N_("/lk submit <LK>"), N_("send an LK to the check")),
    "lk action add": StaffCommand(staff_dialogs.action_add, OFFICER, N_("/lk action add <LK>"),
                                  N_("add an action to the programme")),
    "lk action done": StaffCommand(lk.action_done, STAFF, N_("/lk action done <id> <evidence>"),
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
