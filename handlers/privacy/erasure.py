"""The erasure of a complainant's identity from concluded tickets (UU PDP; issue 15 §2 and §3), set-based: used by
``/forget`` (one person, the tickets they chose) and by retention (the tickets concluded longer ago than the
settings keep them).

For the given tickets, each complainant's identity goes:
- the tickets, their history and their audit rows point to a *pseudonym person* instead ("P-7f3a9c2e41b0", drawn
  at random for each person at each erasure, :func:`new_pseudonym`; made from their id, it linked the erased
  tickets back to the person's row, still named while they have open tickets), and are marked
  ``identity_erased_at``;
- their name (whole and in parts), NRP, contact, Telegram id and username (when known: ``/forget`` knows it from
  the update), and the phone numbers, e-mail addresses, long numbers and @usernames they wrote on those tickets
  themselves, are replaced in every free text that can hold them: the tickets' own texts and history, the texts of
  their LKs and "me too" cases, every message the outbox keeps (``OUTBOX_KEEP_DAYS``; there the identity becomes
  "[…]", not the pseudonym, which a message to their chat or about another ticket of theirs would tie to them), every
  conversation's state — retention leaves the messages to the outbox's own pruning (its tickets concluded long
  before the messages kept; a scan of the outbox at every pass held SQLite's lock for seconds);
  the set-aside updates that mention them are deleted;
- the tickets' attachments go (rows, archive items, archived copies, the sent files' rows), and so do the stored
  documents that may list the complainant: the archived forms of their LKs (made again, scrubbed, when next asked
  for) and the exports made since the first of them was filed;
- a person left with no ticket (and no staff role) is emptied too: name → their pseudonym, no Telegram id, NRP or
  contact; their next message makes a new person.
The anonymised case and its LK stay, as ISO 9001 §10.2.2 evidence. The staff group's cards are brought up to date
and the search index forgets the old texts. Archived files are deleted by :func:`delete_files` after the commit.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from domain.vocabulary import ACTIVE, TicketStatus
from handlers import notices
from handlers.privacy.scrub import GONE, Identity, Scrubber, written_identifiers
from handlers.procedure import Ctx
from handlers.staff import search_index
from storage.archive import ArchiveStore

#: Statuses a ticket is concluded in: what may be erased (an active ticket is still being handled).
CONCLUDED: tuple[str, ...] = tuple(sorted(s.value for s in TicketStatus if s not in ACTIVE))


def new_pseudonym() -> str:
    """A pseudonym for a person at one erasure: random (48 bits), so nothing leads from it back to the person."""
    return "P-" + secrets.token_hex(6)


@dataclass(frozen=True)
class Erased:
    """What an erasure did: the tickets whose identity went, the persons (by id) and their pseudonyms, the
    persons emptied entirely, the attachments deleted, and the archived files to delete after the commit."""

    tickets: tuple[int, ...] = ()
    pseudonyms: dict[int, str] = field(default_factory=dict)
    emptied: tuple[int, ...] = ()
    attachments: int = 0
    files: frozenset[str] = frozenset()


async def erase_identities(ctx: Ctx, ticket_ids: Iterable[int], *, usernames: Mapping[int, str] | None = None,
                           cards: bool = True, messages: bool = True) -> Erased:
    """Erase the complainants' identities from those of ``ticket_ids`` that are concluded and not erased yet (the
    others are left as they are); ``usernames``: a person's Telegram username by person id, where known."""
    uow, now = ctx.uow, ctx.now
    tickets = await uow.erasure.erasable(ticket_ids, CONCLUDED)
    if not tickets:
        return Erased()
    persons = await uow.persons.by_ids({t.person_id for t in tickets})
    identities: dict[int, Identity] = {}
    pseudonyms: dict[int, str] = {}
    for person_id, person in persons.items():
        pseudonym = person.pseudonym or await _unused_pseudonym(ctx)  # a pseudonym person stands for itself
        pseudonyms[person_id] = pseudonym
        written = await uow.erasure.written_by_complainant([t.id for t in tickets if t.person_id == person_id],
                                                           person_id)
        identities[person_id] = Identity(pseudonym, person.name, person.nrp, person.contact, person.telegram_id,
                                         (usernames or {}).get(person_id),
                                         written_identifiers(written) + person.former_values("contact"),
                                         aliases=person.former_values("name"))
    for person_id, identity in identities.items():
        mine = [t.id for t in tickets if t.person_id == person_id]
        scrub = Scrubber([identity]).value
        await uow.erasure.scrub_tickets(mine, scrub)
        # an LK names no complainant (its form is kept as evidence): "[…]" there, not the pseudonym (second walk)
        await uow.erasure.scrub_lks(mine, Scrubber([replace(identity, pseudonym=GONE)]).value)
        if persons[person_id].pseudonym is None:
            pseudonym_id = await uow.erasure.pseudonym_person(identity.pseudonym, now)
            await uow.erasure.repoint(mine, person_id, pseudonym_id, now)
        else:
            await uow.erasure.repoint(mine, person_id, person_id, now)
    # in messages and conversations the identity becomes […], not the pseudonym: a message about another ticket of
    # theirs, or to their own chat, would otherwise tie the pseudonym to them
    everyone = Scrubber([replace(i, pseudonym=GONE) for i in identities.values()])
    ids = [t.id for t in tickets]
    since = min(t.created_at for t in tickets)
    chats = [i.telegram_id for i in identities.values() if i.telegram_id is not None]
    # the rows about them: naming them specifically, or one of these tickets — a part of a name is no sign of a row
    # about them among everyone's, but beside the ticket's number it is (a staff member's search echo '🔎 "Siti" …
    # KEL-2026-00001' was kept after her erasure: found in a walk)
    about = everyone.specific + [t.number for t in tickets if t.number]
    if messages:  # every message kept (the summary of a draft came before the ticket): naming them, or to their chat
        kept = ctx.deps.outbox_keep_days
        await uow.erasure.scrub_outbox(now - timedelta(days=kept + 1) if kept > 0 else datetime.min.replace(tzinfo=UTC),
                                       about, chats, everyone.value)
    await uow.erasure.scrub_dialogs(about, chats, everyone.value)
    await uow.erasure.drop_unhandled(everyone.mentions)
    lks = await uow.erasure.lks_of(ids)
    documents = await uow.erasure.drop_documents([i for i, _n in lks], [n for _i, n in lks], since)
    documents |= await uow.erasure.drop_copies(list(persons))  # /mydata's copies list every ticket of theirs
    attachments, shas, file_ids = await uow.erasure.drop_attachments(ids, now)
    if messages:
        await uow.erasure.drop_sent_files(documents | shas, file_ids)
    emptied = await _empty_persons(ctx, [p for p, person in persons.items() if person.pseudonym is None], pseudonyms)
    files = frozenset((documents | shas) - await uow.erasure.still_named(documents | shas))
    _evict(ctx, ids)
    if cards:
        await notices.refresh_cards(ctx, [t for t in await uow.tickets.by_ids(ids) if t.card_message_id is not None])
    return Erased(tuple(ids), pseudonyms, emptied, attachments, files)


async def _unused_pseudonym(ctx: Ctx) -> str:
    while True:  # a clash of 48 random bits is all but impossible; it would merge two people, so look
        pseudonym = new_pseudonym()
        if not await ctx.uow.erasure.pseudonym_taken(pseudonym):
            return pseudonym


async def erase_attachments(ctx: Ctx, ticket_ids: Iterable[int]) -> Erased:
    """Delete the attachments of ``ticket_ids`` (retention of files; the identity stays until its own period)."""
    ids = sorted(set(ticket_ids))
    count, shas, file_ids = await ctx.uow.erasure.drop_attachments(ids, ctx.now)
    await ctx.uow.erasure.drop_sent_files(shas, file_ids)
    files = frozenset(shas - await ctx.uow.erasure.still_named(shas))
    return Erased(attachments=count, files=files)


async def _empty_persons(ctx: Ctx, person_ids: list[int], pseudonyms: Mapping[int, str]) -> tuple[int, ...]:
    """Empty the persons no ticket, role or action names any more (nor ``TANGGAP_ADMINS``)."""
    linked = await ctx.uow.erasure.still_linked(person_ids)
    persons = await ctx.uow.persons.by_ids(person_ids)
    emptied = []
    for person_id in person_ids:
        person = persons.get(person_id)
        if person is None or person_id in linked or person.telegram_id in ctx.deps.admins:
            continue
        await ctx.uow.erasure.empty_person(person_id, pseudonyms[person_id], ctx.now)
        emptied.append(person_id)
    return tuple(emptied)


def _evict(ctx: Ctx, ticket_ids: list[int]) -> None:
    """The search index of this process forgets the old texts now (another process re-reads the tickets, whose
    ``updated_at`` moved, before its next search)."""
    cache = search_index.cache_of(ctx.deps)
    for ticket_id in ticket_ids:
        cache.index.remove(ticket_id)
        cache.facets.remove(ticket_id)
        cache.seen.pop(ticket_id, None)


async def delete_files(store: ArchiveStore, shas: Iterable[str]) -> int:
    """Delete archived files (after the erasure committed); how many were there."""
    deleted = 0
    for sha in sorted(set(shas)):
        deleted += await asyncio.to_thread(store.delete, sha)
    return deleted
