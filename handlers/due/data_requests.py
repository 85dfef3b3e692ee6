"""Data-subject requests through the due-work engine (UU PDP: answered within 3×24 hours): the admins are told once
when an open request is within 24 hours of its deadline (key ``pdp:<id>:soon``) and once more when it is overdue
(``pdp:<id>:overdue``), in office hours. A request answered meanwhile is no longer derived, and its notice finds
nothing to say. The register: /requests (:mod:`handlers.staff.requests`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.delivery import Priority
from domain.vocabulary import Role
from handlers import notices
from handlers.due import Due, Hours, Kind
from handlers.events import Button, OutMessage
from handlers.formats import when
from handlers.labels import data_request_name
from handlers.procedure import Ctx

SOON = timedelta(hours=24)
LIMIT = 500
"""Open requests read per pass (by deadline): a register holds a handful; more are taken as they are answered."""


async def admins(ctx: Ctx) -> tuple[int, ...]:
    """The admins' person ids: those given the role, and those TANGGAP_ADMINS names who have used the bot."""
    given = [p.id for p in await ctx.uow.staff.with_role(Role.ADMIN.value)]
    named = await ctx.uow.persons.find_by_telegram_ids(ctx.deps.admins)
    return tuple(dict.fromkeys([*given, *(p.id for p in named.values())]))


async def data_requests(ctx: Ctx, now: datetime) -> list[Due]:
    """Open requests: "due within 24 hours" from 24 hours before the deadline (not once it passed), "overdue" from
    the deadline; each key until issued."""
    found = await ctx.uow.data_requests.listed(open_only=True, limit=LIMIT)
    if not found:
        return []
    to = await admins(ctx)
    dues = []
    for request in found:
        if now < request.due_at:
            dues.append(Due(f"pdp:{request.id}:soon", Kind.DATA_REQUEST_SOON, Hours.STAFF, request.due_at - SOON,
                            to, (request.id,)))
        dues.append(Due(f"pdp:{request.id}:overdue", Kind.DATA_REQUEST_OVERDUE, Hours.STAFF, request.due_at, to,
                        (request.id,)))
    issued = await ctx.uow.due.issued(d.key for d in dues)
    return [d for d in dues if d.key not in issued]


async def tell_admins(ctx: Ctx, due: Due) -> int:
    """The reminder, to each admin the bot can reach, in their language; nothing once the request is answered."""
    request = await ctx.uow.data_requests.get(due.about[0])
    if request is None or request.status != "open":
        return 0
    sent = 0
    for person in (await ctx.uow.persons.by_ids(due.to)).values():
        if person.telegram_id is None:
            continue
        r = notices.reader_for(ctx, person)
        _ = r._
        template = (_("📮 Data request {number} ({kind}) is due by {due}: answer it within 24 hours, then /requests "
                      "done {number}") if due.kind == Kind.DATA_REQUEST_SOON else
                    _("📮 ⚠️ Data request {number} ({kind}) is overdue: it was due by {due} (UU PDP: 3×24 hours). "
                      "Answer it, then /requests done {number}"))
        text = template.format(number=request.number, kind=data_request_name(request.kind, _),
                               due=when(request.due_at, ctx.deps.tz, r.locale))
        ctx.out.append(OutMessage(person.telegram_id, text, ((Button(_("Open requests"), "rq:o0"),),),
                                  resend=True, priority=Priority.BULK))
        sent += 1
    return sent
