"""The draft of a complaint or suggestion while the intake dialog collects it (kept in the database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from typing import Any

from domain.vocabulary import IdentityLevel, TicketKind

COMPLAINT: str = TicketKind.COMPLAINT
SUGGESTION: str = TicketKind.SUGGESTION
OTHER_SERVICE = "other"
MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class DraftFile:
    """A photo or document sent in a dialog, with what it came with: its name, MIME type and caption."""

    file_id: str
    file_type: str
    file_name: str | None = None
    mime_type: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class CaseOffer:
    """An open "me too" case offered while filing: its lead ticket's id (never shown), how many people are in it,
    the day it began (WIB) and the public summary staff wrote (None: none yet). Nothing else of it is kept."""

    lead_id: int
    people: int
    began: date
    summary: str | None = None


@dataclass(frozen=True)
class Draft:
    """Answers so far. ``returning`` is set while editing from the summary: completed steps are skipped.

    ``described_first``: the description came with the student's first message (``intake.start_from``), so the
    walk does not ask it. ``overlong``: a text over a step's limit, kept by step until it is shortened. A skipped
    optional question has no entry in ``answers``.
    """

    kind: str | None = None
    service: str | None = None
    description: str | None = None
    described_first: bool = False
    overlong: dict[str, str] = field(default_factory=dict)
    files: tuple[DraftFile, ...] = ()
    files_done: bool = False
    occurred_on: date | None = None
    when_done: bool = False
    answers: dict[str, str] = field(default_factory=dict)
    question_index: int = 0
    #: Who may see the complainant's name: ``named`` | ``confidential`` | ``anonymous`` (None: not chosen yet).
    identity: str | None = None
    returning: bool = False
    case_offers: tuple[CaseOffer, ...] = ()
    cases_checked: bool = False
    case_answered: bool = False
    joins: int | None = None

    def with_(self, **changes: Any) -> Draft:
        return replace(self, **changes)

    def answer(self, question_id: str, value: str) -> Draft:
        return replace(self, answers={**self.answers, question_id: value}, question_index=self.question_index + 1)

    def skip(self, question_id: str) -> Draft:
        """Move past an optional question, forgetting any earlier answer to it."""
        return replace(self, answers=without(self.answers, question_id), question_index=self.question_index + 1)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["occurred_on"] = self.occurred_on.isoformat() if self.occurred_on else None
        data["files"] = [asdict(f) for f in self.files]
        data["case_offers"] = [{**asdict(o), "began": o.began.isoformat()} for o in self.case_offers]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Draft:
        """Rebuild a stored draft; unknown keys are ignored so older rows still load."""
        known = known_fields(cls, data)
        known["occurred_on"] = iso_date(known.get("occurred_on"))
        known["files"] = files_from(known.get("files"))
        known["answers"] = dict(known.get("answers") or {})
        known["overlong"] = dict(known.get("overlong") or {})
        known["case_offers"] = offers_from(known.get("case_offers"))
        if "identity" not in data and isinstance(data.get("anonymous"), bool):  # a draft saved before issue 15
            known["identity"] = IdentityLevel.ANONYMOUS if data["anonymous"] else IdentityLevel.NAMED
        return cls(**known)


def without(answers: Mapping[str, str], question_id: str) -> dict[str, str]:
    """``answers`` without the answer to ``question_id``."""
    return {key: value for key, value in answers.items() if key != question_id}


def known_fields(cls: type[Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of a stored draft that are fields of ``cls`` (older or newer keys are dropped)."""
    names = {f.name for f in fields(cls)}
    return {key: value for key, value in data.items() if key in names}


def iso_date(value: Any) -> date | None:
    """A date stored as ``YYYY-MM-DD`` (or None)."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def files_from(value: Any) -> tuple[DraftFile, ...]:
    """Stored attachments, keeping only the keys :class:`DraftFile` knows."""
    return tuple(DraftFile(**known_fields(DraftFile, f)) for f in value or ())


def offers_from(value: Any) -> tuple[CaseOffer, ...]:
    """Stored case offers (the day as ``YYYY-MM-DD``)."""
    found = []
    for item in value or ():
        known = known_fields(CaseOffer, item)
        known["began"] = iso_date(known.get("began"))
        found.append(CaseOffer(**known))
    return tuple(found)
