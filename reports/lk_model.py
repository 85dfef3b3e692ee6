"""The LK form's content (Laporan Ketidaksesuaian, SOP PM-BAPKM.AP.1-24): every field of the form as plain data,
built from the database by ``handlers.documents`` and rendered by :mod:`reports.lk_pdf`.

The verification code printed on a copy is derived from this content (never from the PDF's bytes, which hold the
moment they were made): the same content gives the same code, a changed copy a different one.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class SourceTicket:
    """A ticket the LK was made from (with "me too" joins). ``complainant``: the ticket's identity level in words
    ("named", "confidential", "anonymous") — the form names nobody (``handlers.documents``); ``category``: what
    the ticket is (keluhan / saran) and, for a named ticket, what is known of its complainant (a student)."""

    number: str
    channel: str
    received: date
    complainant: str
    category: str


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: where it came from (a ticket or an action), what it is, and its archived hash."""

    source: str
    description: str
    sha256: str | None = None


@dataclass(frozen=True)
class ProgrammeAction:
    """One action of the follow-up programme (tindakan): koreksi, tindakan korektif or tindakan pencegahan."""

    id: int
    round: int
    kind: str
    description: str
    owner: str
    due: date
    done: date | None
    status: str
    evidence: str


@dataclass(frozen=True)
class Verification:
    """One effectiveness verdict (efektif / tidak efektif → the next round): by whom, when, why."""

    round: int
    result: str
    by: str
    on: datetime | None
    note: str = ""


@dataclass(frozen=True)
class Response:
    """One response sent to the complainants of the LK: which (after the correction, a further round's after its
    correction, or at closing — already translated), the day it was sent and its text."""

    kind: str
    on: date
    text: str


@dataclass(frozen=True)
class RatingLine:
    number: str
    score: int
    comment: str = ""


@dataclass(frozen=True)
class Signature:
    """Prepared (officer), checked (reviewer) or approved (approver): name, role and moment (WIB); empty if not yet."""

    name: str
    role: str
    at: datetime | None


@dataclass(frozen=True)
class RoundApproval:
    """The approval trail of one round's follow-up programme: each round is a plan prepared, checked and approved
    on its own. ``note``: said under the round's boxes (e.g. that it ran without its own approval)."""

    round: int
    prepared: Signature
    checked: Signature
    approved: Signature
    note: str = ""


@dataclass(frozen=True)
class LkDocument:
    """Every field of lk-form.md's LK table. Texts are as the reader sees them (labels already translated by the
    builder); datetimes are in the institution's time zone."""

    institution: str
    unit: str
    sop_number: str
    revision: str
    number: str
    title: str
    status: str
    round: int
    opened: date
    closed: date | None
    tickets: tuple[SourceTicket, ...]
    service: str
    procedure_ref: str
    description: str
    evidence: tuple[Evidence, ...]
    root_cause: str
    actions: tuple[ProgrammeAction, ...]
    #: Every response sent to the complainants, oldest first (none yet: empty).
    responses: tuple[Response, ...]
    verifications: tuple[Verification, ...]
    ratings: tuple[RatingLine, ...]
    #: Round 1 first; one entry per round of the programme.
    approvals: tuple[RoundApproval, ...]
    segregation_notes: tuple[str, ...] = ()
    #: How the nonconformity was found (cara ditemukan): the source tickets' kinds and channels.
    found_by: str = ""
    #: Recurrence: "Recurrence of LK-2026-001 (closed 12 March 2026)" and/or "effectiveness failed: recurred as …";
    #: empty when neither (then left out of :func:`canonical`, so documents made before it keep their hash).
    recurrence: str = ""
    #: "Complainants: 12 (incl. 10 “me too”)" when "me too" cases joined it ("": none).
    complainants: str = ""


@dataclass(frozen=True)
class Issue:
    """What a printed copy carries besides the content: its verification code and version, and when it was made."""

    code: str
    version: int
    made_at: datetime


def canonical(doc: LkDocument) -> bytes:
    """The document's content as canonical JSON (sorted keys, dates in ISO 8601): what its hash is taken over."""
    content = asdict(doc)
    for added in ("recurrence", "complainants"):  # fields added later: left out when empty, so documents made
        if not content[added]:  # before them keep their hash (and their version)
            del content[added]
    return json.dumps(content, sort_keys=True, ensure_ascii=False, default=_iso,
                      separators=(",", ":")).encode("utf-8")


def _iso(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {value!r}")


def content_hash(doc: LkDocument) -> str:
    """SHA-256 of :func:`canonical` in hex."""
    return hashlib.sha256(canonical(doc)).hexdigest()


CODE_LENGTH = 10


def verification_code(content_sha256: str, language: str) -> str:
    """The code printed on a copy: 10 base32 characters (A–Z, 2–7: nothing to confuse 0/O or 1/I) of a SHA-256
    over the content's hash and the copy's language, shown as ``XXXXX-XXXXX``."""
    raw = hashlib.sha256(f"{content_sha256}:{language}".encode()).digest()
    code = base64.b32encode(raw).decode("ascii")[:CODE_LENGTH]
    return f"{code[:5]}-{code[5:]}"


def normal_code(text: str) -> str:
    """A code as someone typed it (any case, with or without the dash, spaces) in the printed form."""
    letters = "".join(c for c in text.upper() if c.isalnum())
    return f"{letters[:5]}-{letters[5:]}" if len(letters) == CODE_LENGTH else letters
