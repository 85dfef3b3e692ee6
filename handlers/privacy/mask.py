"""A protected complainant's own identifiers masked in what they wrote, where the text leaves its handling (pure).

A confidential or anonymous complainant may still sign "Terima kasih, Siti" under a rating, put their NRP in a
caption or their phone number in the description. The staff who handle the ticket read it as written (``/show``,
the notices to its officer: the privacy notice tells the complainant that staff read texts and files whatever the
level). Where the text goes further — the whole staff group's card, the LK's form and view, the register export —
their name (whole, its parts, and up to two capitalised words after it), NRP, contact and Telegram id, and the
phone numbers, e-mail addresses, long numbers and @usernames found in their own texts, become "[…]". This is the
erasure's scrubber (:mod:`handlers.privacy.scrub`) with "[…]" for a pseudonym: what finds a person in text after
``/forget`` finds them here. Only what the system knows is found: a name it was never told is not.

A file's own name ("KTM_Budi_Santoso.jpg") is no text the complainant meant to show: for a protected ticket it is
not shown at all (:func:`neutral_file_name`), and its image is sent only as the archive's copy without metadata
(``handlers.staff.tickets.send_attachment``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from domain.vocabulary import IdentityLevel
from handlers.privacy.scrub import GONE, Identity, Scrubber, written_identifiers
from storage.records import Masking, PersonRecord, TicketRecord


def protected(ticket: TicketRecord) -> bool:
    """A confidential or anonymous ticket whose identity is still kept (an erased one was scrubbed already)."""
    return ticket.identity_level != IdentityLevel.NAMED and ticket.identity_erased_at is None


def mask_identity(person: PersonRecord | Masking, own_texts: Iterable[str | None] = ()) -> Identity:
    """What masks ``person`` (see :func:`masker`), to combine several complainants in one scrubber: with the names
    and contacts they had before (a register masked "[…] Rahma" after a /correct: the third walk)."""
    written = written_identifiers(text for text in own_texts if text) + person.former_values("contact")
    return Identity(GONE, name=person.name, nrp=person.nrp, contact=person.contact, telegram_id=person.telegram_id,
                    written=written, aliases=person.former_values("name"))


class Rated(Protocol):
    """A rating of a ticket, with the complainant's comment (``handlers.staff.lk_views.Rating``)."""

    @property
    def number(self) -> str: ...
    @property
    def comment(self) -> str | None: ...


def own_texts(ticket: TicketRecord, ratings: Iterable[Rated] = ()) -> tuple[str | None, ...]:
    """What the complainant wrote on the ticket: its description, its files' captions, their answers, and the
    comments of those of ``ratings`` that are the ticket's."""
    return (ticket.description, *(f.caption for f in ticket.attachments), *(str(v) for v in ticket.answers.values()),
            *(r.comment for r in ratings if r.number == ticket.number))


def masker(person: PersonRecord | Masking | None, own_texts: Iterable[str | None] = ()) -> Scrubber:
    """What masks ``person`` in text: their name, NRP, contact, Telegram id, and the identifiers (phones, e-mail
    addresses, long numbers, @usernames) in ``own_texts`` (what they wrote). Falsy when nothing is known."""
    if person is not None and getattr(person, "pseudonym", None) is not None:
        return Scrubber((), masking=True)  # erased: scrubbed already
    if person is None:  # an anonymous letter kept without a name or contact: what its texts hold
        return Scrubber((Identity(GONE, written=written_identifiers(t for t in own_texts if t)),), masking=True)
    return Scrubber((mask_identity(person, own_texts),), masking=True)


def masked(ticket: TicketRecord, person: PersonRecord | None, text: str | None,
           own_texts: Iterable[str | None] = ()) -> str | None:
    """``text`` as it may leave the ticket's handling: the complainant's identifiers masked when the ticket is
    protected, as it is otherwise. ``own_texts``: more of what they wrote, whose identifiers are masked too."""
    if not text or not protected(ticket):
        return text
    return masker(person, (text, ticket.description, *own_texts)).text(text)


def neutral_file_name(ticket: TicketRecord, index: int, extension: str = "") -> str:
    """The name a protected ticket's file is shown and sent under: ``KEL-2026-00001-1.jpg``, never its own."""
    return f"{ticket.number}-{index}{extension}"
