"""'Me too' while filing (kasus bersama): open cases like the complaint being written are offered to join.

The handler finds the candidates (the staff search index, same service, filed in the last :data:`WINDOW_DAYS`
days, still open); :func:`group` turns the hits into at most :data:`MAX_OFFERS` offers, one per case (a ticket in
no case is a case of one, led by itself). What the student is shown of a case is only what :class:`CaseOffer`
holds: how many people, the service, the day it began and the summary staff wrote for the public — never another
complainant's text, name or number. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from html import escape

from dialogs import ui
from dialogs.dates import format_date
from dialogs.draft import COMPLAINT, CaseOffer, Draft
from dialogs.engine import Problem
from dialogs.intake_steps import CASES_UNCHECKED, PREFIX, Checked, IntakeContext, service_name
from dialogs.search import words
from dialogs.ui import DialogInput, PickInput, Say

WINDOW_DAYS = 60
MAX_OFFERS = 3
MIN_SCORE = 55.0
"""The least search score (0–100) a ticket needs to be offered: below it, descriptions share a word or two only."""
MIN_WORDS = 2
STEP = "case"
NO = "no"


@dataclass(frozen=True)
class Candidate:
    """A ticket the search found, as the offer needs it: the case it is in (``lead_id``: its lead, or itself when
    in none), that case's size, the day it began, its public summary, whether it is still open and whether it is the
    student's own."""

    ticket_id: int
    lead_id: int
    people: int
    began: date
    summary: str | None
    open: bool
    own: bool = False


def query(description: str, service_names: Iterable[str]) -> str | None:
    """What to search for: the description's content words without the service's names (every ticket searched is
    of that service, so they tell nothing apart); None under :data:`MIN_WORDS` words (too little to say "similar")."""
    drop = {w for name in service_names for w in words(name)}
    kept = list(dict.fromkeys(w for w in words(description) if w not in drop))
    return " ".join(kept) if len(kept) >= MIN_WORDS else None


def group(hits: Iterable[tuple[int, float]], candidates: Mapping[int, Candidate],
          limit: int = MAX_OFFERS) -> tuple[CaseOffer, ...]:
    """The offers for these search hits (ticket id, score; best first): one per open case, best first."""
    offers: dict[int, CaseOffer] = {}
    for ticket_id, score in hits:
        found = candidates.get(ticket_id)
        if score < MIN_SCORE or found is None or not found.open or found.own or found.lead_id in offers:
            continue
        offers[found.lead_id] = CaseOffer(found.lead_id, found.people, found.began, found.summary)
        if len(offers) == limit:
            break
    return tuple(offers.values())


def wanted(draft: Draft) -> bool:
    """Whether to look for cases now: a complaint whose service and description are known, not looked up yet."""
    return (draft.kind == COMPLAINT and draft.service is not None and draft.description is not None
            and not draft.cases_checked)


def offered(draft: Draft, ctx: IntakeContext) -> bool:
    return bool(draft.case_offers) and not draft.case_answered


def answered(draft: Draft, ctx: IntakeContext) -> bool:
    return not draft.case_offers or draft.case_answered


def what_of(offer: CaseOffer, ctx: IntakeContext) -> str:
    """The one thing said of a case besides its size: the staff's public summary, or when it began."""
    if offer.summary:
        return ctx._("Summary by the bureau: <i>{summary}</i>").format(summary=escape(offer.summary))
    return ctx._("The case began on {date}.").format(date=format_date(offer.began, ctx.locale))


def prompt_case(draft: Draft, ctx: IntakeContext) -> Say:
    _ = ctx._
    service = service_name(draft, ctx)
    blocks = []
    for index, offer in enumerate(draft.case_offers, start=1):
        asked = ctx.ngettext("{n} person reported something similar about {service} — is yours the same case?",
                             "{n} people reported something similar about {service} — is yours the same case?",
                             offer.people).format(n=offer.people, service=service)
        mark = f"<b>{index}.</b> " if len(draft.case_offers) > 1 else ""
        blocks.append(f"{mark}{asked}\n{what_of(offer, ctx)}")
    note = _("If you join, your complaint is still filed with its own number and your own text, and you are told "
             "here of every step of the case. No other complainant sees what you write.")
    rows: list[ui.ButtonRow] = []
    for index, offer in enumerate(draft.case_offers, start=1):
        label = (_("✅ Yes, this is my case") if len(draft.case_offers) == 1
                 else _("✅ Yes, case {n} is mine").format(n=index))
        rows.append((ui.button(PREFIX, STEP, label, str(offer.lead_id)),))
    rows.append((ui.button(PREFIX, STEP, _("No, mine is different"), NO),))
    rows.append(ui.nav_row(PREFIX, _, STEP))
    return Say("\n\n".join(blocks) + "\n\n" + note, tuple(rows))


def accept_case(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked:
    value = given.value if isinstance(given, PickInput) else ""
    if value == NO:
        return draft.with_(case_answered=True, joins=None)
    lead = next((o.lead_id for o in draft.case_offers if str(o.lead_id) == value), None)
    if lead is None:
        return Problem(ctx._("Please choose with the buttons: one of the cases, or “No, mine is different”."))
    return draft.with_(case_answered=True, joins=lead)


def summary_line(draft: Draft, ctx: IntakeContext) -> str | None:
    """The summary's line about the case joined, if any."""
    offer = next((o for o in draft.case_offers if o.lead_id == draft.joins), None)
    if offer is None:
        return None
    return ctx.ngettext("Joins the case {n} person reported already", "Joins the case {n} people reported already",
                        offer.people).format(n=offer.people)


def reset() -> dict[str, object]:
    """What editing the service or the description forgets: the offers and the answer (looked up again)."""
    return dict(CASES_UNCHECKED)
