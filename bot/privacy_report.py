"""The list of people a breach affects, as the operator reads it (text) or a spreadsheet does (CSV): summary counts
first, then one entry per person. English, like the other commands' output; times in the institution's zone."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.breach import COMPLAINANT, CONTACT, NOWHERE, STAFF, TELEGRAM, USER, Affected, AffectedPerson
from reports.register import csv_safe

KIND_NAMES = {"name": "name", "telegram_id": "Telegram id", "nrp": "NRP", "contact": "contact", "texts": "texts",
              "attachments": "attachments", "ratings": "ratings"}
ROLE_NAMES = {COMPLAINANT: "complainant", STAFF: "staff", USER: "wrote to the bot, no ticket"}
CSV_HEADER = ("role", "person_id", "name", "reach", "telegram_id", "contact", "language", "data", "tickets",
              "staff_roles", "lks", "note")


def moment(at: datetime, tz: ZoneInfo) -> str:
    return f"{at.astimezone(tz):%Y-%m-%d %H:%M %Z} ({at.astimezone(ZoneInfo('UTC')):%Y-%m-%dT%H:%MZ})"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def summary(found: Affected, tz: ZoneInfo) -> list[str]:
    """The counts an operator reports first (also to the authority)."""
    has = found.count
    levels: dict[str, int] = {}
    for person in found.people:
        for _number, level in person.tickets:
            levels[level] = levels.get(level, 0) + 1
    tickets = sum(levels.values())
    lines = [
        f"Breach window: {moment(found.since, tz)} to {moment(found.until, tz)}; breach id {found.breach_id}",
        f"People whose personal data the bot held: {len(found.people)}",
        f"  complainants: {has(lambda p: COMPLAINANT in p.roles)}; staff: {has(lambda p: STAFF in p.roles)}; "
        f"others who wrote to the bot: {has(lambda p: p.roles == (USER,))}",
        f"  to tell through the bot (Telegram): {has(lambda p: p.reach == TELEGRAM)}; by letter or call (their "
        f"recorded contact): {has(lambda p: p.reach == CONTACT)}; no way to reach recorded: "
        f"{has(lambda p: p.reach == NOWHERE)}",
        f"Tickets with an identity held: {tickets}"
        + (" (" + ", ".join(f"{level} {n}" for level, n in sorted(levels.items())) + ")" if levels else ""),
    ]
    if found.erased_tickets or found.erased_people:
        lines.append(f"Identities erased since the window began (held then, nobody can be named or told now): "
                     f"{_plural(len(found.erased_tickets), 'ticket')}, {_plural(found.erased_people, 'person')}"
                     + (": " + ", ".join(n for n, _level in found.erased_tickets) if found.erased_tickets else ""))
    return lines


def reach_of(person: AffectedPerson) -> str:
    """How to reach them, in words."""
    if person.reach == TELEGRAM:
        return f"Telegram {person.telegram_id}"
    why = (f"Telegram {person.telegram_id} but the bot cannot write to them (blocked it or never pressed Start); "
           if person.telegram_blocked else "no Telegram; ")
    if person.reach == CONTACT:
        return why + f"letter or call: {person.contact}"
    return why + "no contact recorded"


def note_of(person: AffectedPerson) -> str:
    return "" if person.reach == TELEGRAM else "tell another way"


def tickets_of(tickets: Sequence[tuple[str, str]]) -> str:
    """The named tickets by number; the confidential and anonymous ones only counted: beside the person's name, a
    number would tell whoever reads the report who filed it (the notice tells each person their own numbers)."""
    named = [number for number, level in tickets if level == "named"]
    hidden = Counter(level for _number, level in tickets if level != "named")
    return ", ".join([*named, *(f"{n} {level}" for level, n in sorted(hidden.items()))])


def text_report(found: Affected, tz: ZoneInfo) -> str:
    lines = [*summary(found, tz), ""]
    for n, person in enumerate(found.people, 1):
        roles = " and ".join(ROLE_NAMES[r] for r in person.roles) + (
            f" ({', '.join(person.staff_roles)})" if person.staff_roles else "")
        who = person.name or "(no name recorded)"
        ref = f" #{person.person_id}" if person.person_id is not None else " (outside the bot)"
        lines.append(f"{n}. {who}{ref} — {roles}")
        lines.append(f"   reach: {reach_of(person)}; language: {person.language}")
        lines.append(f"   data held: {', '.join(KIND_NAMES[k] for k in person.data) or '—'}")
        if person.tickets:
            lines.append("   tickets: " + tickets_of(person.tickets))
        if person.lks:
            lines.append("   action owner in: " + ", ".join(person.lks))
    if not found.people:
        lines.append("Nobody's personal data was held in this window.")
    return "\n".join(lines) + "\n"


def csv_report(found: Affected) -> str:
    """One row per person (UTF-8; a cell that would start a formula is shown as text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for person in found.people:
        writer.writerow([csv_safe(str(cell)) for cell in (
            " ".join(person.roles), person.person_id if person.person_id is not None else "", person.name,
            person.reach, person.telegram_id if person.telegram_id is not None else "", person.contact or "",
            person.language, " ".join(person.data),
            tickets_of(person.tickets), " ".join(person.staff_roles),
            " ".join(person.lks), note_of(person),
        )])
    return buffer.getvalue()
