"""The recurrence part of the LK view (``/lk``): whether the LK recurs an earlier one, recurred itself (its
effectiveness failed), what its complainants answered to the 30-day question, and the closed LKs it may recur, with a
🔁 button each for those who may mark it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from dialogs.recurrence import Possible
from domain.vocabulary import LkStatus, Role
from handlers.events import Button
from handlers.formats import day
from handlers.history import Reader
from handlers.i18n import Gettext
from handlers.text import shown
from storage.records import LkRecord
from storage.repositories.recurrence import RecurrenceCheck


class LkSnapshot(Protocol):
    """What of ``handlers.staff.lk_views.LkSnapshot`` this part reads (that module imports this one)."""

    @property
    def lk(self) -> LkRecord: ...
    @property
    def recurrence_of(self) -> LkRecord | None: ...
    @property
    def recurred_as(self) -> Sequence[LkRecord]: ...
    @property
    def possible(self) -> Sequence[Possible]: ...
    @property
    def checks(self) -> Sequence[RecurrenceCheck]: ...


def recurrence_lines(snap: LkSnapshot, reader: Reader) -> list[str]:
    """Whether the LK recurs an earlier one, recurred itself (its effectiveness failed), or may recur one."""
    _, lines = reader._, []

    def closed(lk: LkRecord) -> str:
        return day((lk.closed_at or lk.updated_at).astimezone(reader.tz).date(), reader.locale)

    if snap.recurrence_of is not None:
        lines.append(_("🔁 Recurrence of {lk}, closed as effective on {date}.").format(
            lk=snap.recurrence_of.number, date=closed(snap.recurrence_of)))
    if snap.recurred_as and snap.lk.status != LkStatus.CLOSED:  # a closed LK says it beside its verdict
        lines.append(failed_line(snap, _))
    asked = len(snap.checks)
    if asked:
        yes = [c for c in snap.checks if c.answer == "yes"]
        no = sum(1 for c in snap.checks if c.answer == "no")
        lines.append(_("Asked whether it happened again: {asked}; yes: {yes}, no: {no}, not answered: {open}.").format(
            asked=asked, yes=len(yes), no=no, open=asked - len(yes) - no))
    for possible in snap.possible:
        lines.append(_("❓ Possible recurrence of {lk}, closed as effective on {date} — {text}").format(
            lk=possible.lk.number, date=day(possible.lk.closed_at.astimezone(reader.tz).date(), reader.locale),
            text=shown(possible.lk.description, 120)))
    return lines


def failed_line(snap: LkSnapshot, _: Gettext) -> str:
    return _("⚠️ Effectiveness failed: recurred as {numbers}.").format(
        numbers=", ".join(lk.number for lk in snap.recurred_as))


def recurrence_buttons(snap: LkSnapshot, _: Gettext, roles: frozenset[str]) -> list[tuple[Button, ...]]:
    """One button per possible recurrence, for those who may mark it (officers, reviewers, approvers)."""
    if not roles & {Role.OFFICER.value, Role.REVIEWER.value, Role.APPROVER.value}:
        return []
    found = [Button(_("🔁 Recurrence of {lk}").format(lk=p.lk.number), f"lk:rec:{snap.lk.id}-{p.lk.lk_id}")
             for p in snap.possible]
    return [tuple(found[i: i + 2]) for i in range(0, len(found), 2)]
