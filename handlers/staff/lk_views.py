"""How an LK looks to the staff: the full view with its programme, evidence, rounds and ratings, its next
step's buttons for the reader's roles, and one line per LK in a list. Pure renderers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from dialogs.recurrence import Possible
from dialogs.workflow import is_active
from domain.vocabulary import (
    AWAITING_ANSWER,
    ActionKind,
    ActionStatus,
    LkEvent,
    LkKind,
    LkStatus,
    Role,
    TicketKind,
    TicketStatus,
)
from handlers.events import Button, Keyboard
from handlers.formats import day, when
from handlers.history import Reader
from handlers.i18n import N_, Gettext
from handlers.labels import action_kind_name, lk_status_name
from handlers.lk_trail import RoundTrail, Signed, approval_trail
from handlers.staff.lk_recurrence_view import failed_line, recurrence_buttons, recurrence_lines
from handlers.staff.views import archive_mark
from handlers.text import shown
from storage.records import ActionRecord, ArchiveItemRecord, LkEventRecord, LkRecord, TicketRecord
from storage.repositories.recurrence import RecurrenceCheck


@dataclass(frozen=True)
class LkSnapshot:
    """Everything the LK view tells, looked up once."""

    lk: LkRecord
    tickets: Sequence[TicketRecord]
    actions: Sequence[ActionRecord]
    events: Sequence[LkEventRecord]
    names: Mapping[int, str]
    ratings: Sequence[Rating] = ()
    #: The actions' evidence files in the archive, by action id.
    archived: Mapping[int, ArchiveItemRecord] = field(default_factory=dict)
    #: The earlier LK this one is marked a recurrence of; the later LKs marked a recurrence of this one; the closed
    #: LKs of its service it may be a recurrence of (while it is open and not marked); the 30-day questions put
    #: about it and their answers.
    recurrence_of: LkRecord | None = None
    recurred_as: Sequence[LkRecord] = ()
    possible: Sequence[Possible] = ()
    checks: Sequence[RecurrenceCheck] = ()
    #: The ids of its tickets that follow a "me too" case's lead (listed by number only through the lead).
    members: frozenset[int] = frozenset()
    #: Masks its confidential and anonymous complainants' identifiers in the view's text (what staff wrote may
    #: name them); None when it has none (``handlers.privacy.mask``).
    mask: Callable[[str], str] | None = None

    @property
    def response_due(self) -> bool:
        """The corrections of the round are done and a complainant's own case (a complaint of a nonconformity LK
        still in follow-up, or reopened after a low rating) waits for the response: an officer writes it next
        (step e)."""
        lk = self.lk
        corrections = [a for a in self.actions if a.round == lk.round and a.kind == ActionKind.CORRECTION]
        return (lk.kind == LkKind.NONCONFORMITY and bool(corrections)
                and all(a.status == ActionStatus.DONE for a in corrections)
                and any(t.kind == TicketKind.COMPLAINT and t.status in AWAITING_ANSWER for t in self.tickets))


@dataclass(frozen=True)
class Rating:
    """A complainant's rating of one conclusion of their ticket, with the comment given with it."""

    number: str
    score: int
    comment: str | None = None


def owner_text(action: ActionRecord, names: Mapping[int, str], _: Gettext) -> str:
    if action.owner_person_id is not None:
        return shown(names.get(action.owner_person_id, "?"))
    text = shown(action.owner_name or "?")
    if action.owner_contact:
        text += f" ({shown(action.owner_contact)})"
    return text + " " + _("(outside the bot)")


def extended_from(events: Sequence[LkEventRecord]) -> dict[int, date]:
    """The due date each action had before its one granted extension, by action id, from the LK's history."""
    found: dict[int, date] = {}
    for event in events:
        if event.code == LkEvent.EXTENSION_GRANTED and isinstance(event.params.get("action"), int):
            try:
                found[event.params["action"]] = date.fromisoformat(str(event.params.get("from")))
            except ValueError:
                continue
    return found


def action_lines(action: ActionRecord, names: Mapping[int, str], reader: Reader,
                 archived: ArchiveItemRecord | None = None, was_due: date | None = None) -> list[str]:
    """The action as the LK view lists it; ``was_due``: its due date before the extension, said beside the new."""
    _ = reader._
    mark = "✅" if action.status == ActionStatus.DONE else "⬜"
    due = day(action.due_on, reader.locale)
    if action.extended:
        due += " " + (_("(extended from {date})").format(date=day(was_due, reader.locale)) if was_due is not None
                      else _("(extended once)"))
    lines = [f"{mark} #{action.id} {action_kind_name(action.kind, _)}: {shown(action.description, 300)} — "
             + _("{owner}, due {date}").format(owner=owner_text(action, names, _), date=due)]
    if action.status == ActionStatus.DONE and action.done_at is not None:
        done = _("done {date}").format(date=day(action.done_at.astimezone(reader.tz).date(), reader.locale))
        evidence = []
        if action.evidence_text:
            evidence.append(shown(action.evidence_text, 300))
        if action.evidence_file_id:
            mark = archive_mark(archived, _)
            evidence.append(_("file attached (📎 #{id})").format(id=action.id) + (f" · {mark}" if mark else ""))
        lines.append("   " + done + (": " + "; ".join(evidence) if evidence else ""))
    return lines


def _signer(signed: Signed | None, names: Mapping[int, str], reader: Reader) -> str:
    """Who signed and when (the form shows both; found in a walk: the chat showed only the name)."""
    if signed is None:
        return "—"
    return shown(names.get(signed.person_id or 0, "—")) + " · " + when(signed.at, reader.tz, reader.locale)


def segregation_notes(signed: RoundTrail, names: Mapping[int, str], _: Gettext) -> list[str]:
    """Said on the LK when one person held two of a round's three signatures (a small office's setting)."""
    notes = []
    prepared, checked, approved = (s.person_id if s is not None else None
                                   for s in (signed.prepared, signed.checked, signed.approved))
    if checked is not None and checked == prepared:
        notes.append(_("⚠️ Prepared and checked by the same person (allowed by this office's setting)."))
    if approved is not None and approved in (prepared, checked):
        notes.append(_("⚠️ Approved by the person who prepared or checked it (allowed by this office's setting)."))
    return notes


NEXT_STEPS = {
    LkStatus.DRAFT: N_("Next: the officer adds the follow-up programme and submits it for the check."),
    LkStatus.AWAITING_CHECK: N_("Next: the reviewer checks it."),
    LkStatus.AWAITING_APPROVAL: N_("Next: the approver approves it."),
    LkStatus.IN_PROGRESS: N_("Next: the action owners carry out the programme and mark each action done."),
    LkStatus.AWAITING_VERIFICATION: N_("Next: the monitor or the approver verifies whether it was effective."),
}


def next_step(lk: LkRecord, _: Gettext) -> str:
    return _(NEXT_STEPS[LkStatus(lk.status)]) if lk.status in NEXT_STEPS else ""


EDITED_PARTS = {"root_cause": N_("Root cause"), "description": N_("Nonconformity"), "procedure_ref": N_("Procedure")}


def complainants_line(snap: LkSnapshot, _: Gettext) -> list[str]:
    """"Complainants: 12 (incl. 10 “me too”)" when members of "me too" cases are among the LK's tickets."""
    if not snap.members:
        return []
    return [_("Complainants: {n} (incl. {m} “me too”)").format(n=len(snap.tickets), m=len(snap.members))]


def lk_view(snap: LkSnapshot, reader: Reader) -> str:
    _, lk, names = reader._, snap.lk, snap.names
    title = _("Nonconformity Report (LK)") if lk.kind == LkKind.NONCONFORMITY else _("Improvement programme")
    lines = [
        f"<b>{lk.number}</b> · {title}",
        _("Status: {status}").format(status=lk_status_name(lk.status, _)) + " · "
        + _("round {n}").format(n=lk.round),
        _("Tickets: {numbers}").format(numbers=", ".join(
            t.number + ("" if is_active(t.status) or t.status != TicketStatus.WITHDRAWN else " " + _("(withdrawn)"))
            for t in snap.tickets if t.id not in snap.members) or "—"),
        *complainants_line(snap, _),
        _("Procedure: {ref}").format(ref=shown(lk.procedure_ref)),
        _("Nonconformity: {text}").format(text=shown(lk.description, 800)),
        _("Root cause: {text}").format(text=shown(lk.root_cause, 800)),
    ]
    lines += recurrence_lines(snap, reader)
    trail = approval_trail(lk, snap.events)
    for signed in trail:
        if len(trail) > 1:
            lines.append(_("Round {n}:").format(n=signed.round))
        lines += [_("Prepared by: {name}").format(name=_signer(signed.prepared, names, reader)),
                  _("Checked by: {name}").format(name=_signer(signed.checked, names, reader)),
                  _("Approved by: {name}").format(name=_signer(signed.approved, names, reader))]
        if signed.ran_unapproved:
            lines.append(_("(this round's programme ran without its own check and approval: it began before "
                           "further rounds were approved)"))
        lines += segregation_notes(signed, names, _)
    for event in snap.events:
        if event.code == LkEvent.EDITED and event.params.get("field") in EDITED_PARTS:
            lines.append(_("✏️ {part} rewritten on {date} (before: {text})").format(
                part=_(EDITED_PARTS[str(event.params["field"])]), date=day(event.at.astimezone(reader.tz).date(),
                                                                          reader.locale),
                text=shown(str(event.params.get("before") or "—"), 300)))
        if event.code == "not_effective":
            lines.append(_("↻ Round {n} was judged not effective ({date}): {reason}").format(
                n=int(event.params.get("round", 2)) - 1, date=day(event.at.astimezone(reader.tz).date(),
                                                                   reader.locale),
                reason=shown(str(event.params.get("reason") or ""), 300)))
    was_due = extended_from(snap.events)
    by_round: dict[int, list[ActionRecord]] = {}
    for action in snap.actions:
        by_round.setdefault(action.round, []).append(action)
    for number in sorted(by_round):
        lines.append("\n" + _("Follow-up programme (round {n}):").format(n=number))
        for action in by_round[number]:
            lines += action_lines(action, names, reader, snap.archived.get(action.id), was_due.get(action.id))
    if not snap.actions:
        lines.append("\n" + _("Follow-up programme: no actions yet."))
    if snap.ratings:
        lines.append("\n" + _("Ratings by the complainants:"))
        for rating in snap.ratings:
            line = f"• {rating.number}: {rating.score}/5"
            if rating.comment:
                line += f" — {shown(rating.comment, 300)}"
            lines.append(line)
    if lk.status == LkStatus.CLOSED:
        verdict = _("effective") if lk.effective else _("closed")
        lines.append("\n" + _("Closed {date}: {verdict}.").format(
            date=day((lk.closed_at or lk.updated_at).astimezone(reader.tz).date(), reader.locale), verdict=verdict))
        if snap.recurred_as:
            lines.append(failed_line(snap, _))
        if lk.response:
            lines.append(_("Response to the complainants: {text}").format(text=shown(lk.response, 600)))
    elif snap.response_due and lk.status in (LkStatus.IN_PROGRESS, LkStatus.AWAITING_VERIFICATION):
        lines.append("\n" + _("Next: the corrections are done; an officer writes the response to the complainants "
                               "(✍️ Write the response)."))
    elif lk.status == LkStatus.IN_PROGRESS and not any(a.round == lk.round for a in snap.actions):
        lines.append("\n" + _("Next: the officer adds the actions of round {n}.").format(n=lk.round))
    elif lk.status == LkStatus.DRAFT and lk.round > 1:
        lines.append("\n" + _("Next: the officer adds the actions of round {n} and submits them for the check; "
                               "they run once approved.").format(n=lk.round))
    else:
        lines.append("\n" + next_step(lk, _))
    text = "\n".join(lines)
    return snap.mask(text) if snap.mask is not None else text


def lk_buttons(snap: LkSnapshot, _: Gettext, roles: frozenset[str], reader: int | None = None) -> Keyboard:
    """The buttons of the LK's next step for a reader with ``roles`` (and person id ``reader``): marking their open
    actions done, and one per evidence file."""
    lk = snap.lk
    officer = Role.OFFICER.value in roles
    rows: list[tuple[Button, ...]] = []
    if lk.status == LkStatus.IN_PROGRESS:
        mine = [a for a in snap.actions if a.status == ActionStatus.OPEN and a.round == lk.round
                and (officer or (reader is not None and a.owner_person_id == reader))]
        done = [Button(_("✅ Mark #{id} done").format(id=a.id), f"ad:{a.id}") for a in mine[:9]]
        rows += [tuple(done[i: i + 3]) for i in range(0, len(done), 3)]
    if officer and lk.status in (LkStatus.IN_PROGRESS, LkStatus.AWAITING_VERIFICATION) and snap.response_due:
        rows.append((Button(_("✍️ Write the response"), f"lk:respond:{lk.id}"),))
    if lk.status in (LkStatus.DRAFT, LkStatus.IN_PROGRESS) and officer:
        row = [Button(_("➕ Add action"), f"lk:act:{lk.id}")]
        if lk.status == LkStatus.DRAFT:
            row.append(Button(_("📤 Submit for check"), f"lk:submit:{lk.id}"))
        rows.append(tuple(row))
    steps = {
        LkStatus.AWAITING_CHECK: (Role.REVIEWER, (Button(_("✔ Checked"), f"lk:check:{lk.id}"),
                                                  Button(_("↩ Return to the officer"), f"lk:return:{lk.id}"))),
        LkStatus.AWAITING_APPROVAL: (Role.APPROVER, (Button(_("✔ Approve"), f"lk:approve:{lk.id}"),
                                                     Button(_("↩ Return to the officer"), f"lk:return:{lk.id}"))),
    }
    if lk.status in steps and steps[LkStatus(lk.status)][0].value in roles:
        rows.append(steps[LkStatus(lk.status)][1])
    if lk.status == LkStatus.AWAITING_VERIFICATION and roles & {Role.MONITOR.value, Role.APPROVER.value}:
        rows.append((Button(_("✔ Effective"), f"lk:eff:{lk.id}"), Button(_("✖ Not effective"), f"lk:noteff:{lk.id}")))
    rows += recurrence_buttons(snap, _, roles)
    evidence = [Button(_("📎 #{id}").format(id=a.id), f"ev:{a.id}") for a in snap.actions if a.evidence_file_id]
    rows += [tuple(evidence[i: i + 5]) for i in range(0, min(len(evidence), 20), 5)]
    return tuple(rows)


def lk_line(lk: LkRecord, _: Gettext) -> str:
    """An LK in a list: number, status, round, what it is about, and its next step."""
    line = f"<b>{lk.number}</b> · {lk_status_name(lk.status, _)}"
    if lk.round > 1:
        line += " · " + _("round {n}").format(n=lk.round)
    line += f" · {shown(lk.description, 60)}"
    step = next_step(lk, _)
    return line + (f"\n   {step}" if step else "")
