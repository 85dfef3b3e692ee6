"""The LK as a document (SOP step g): its form built from the database, rendered to PDF off the event loop,
versioned with a verification code, put in the archive, and checked again by ``/verify``.

``lk_document`` gathers every field of the form into :class:`reports.lk_model.LkDocument` in the reader's
language; ``issue_lk_pdf`` renders it and records the version. The content hash that decides the version is taken
over the document built without translation (so the Indonesian and the English copy of one content share their
version, each with its own code); the closed LK's copy is archived once and sent as it is ever after.

The form names no complainant (issue 15, data minimisation): its source table gives each ticket's number, channel
and identity level ("named", "confidential", "anonymous"), never a name, a contact or an NRP — whatever the level,
since the LK is kept as ISO 9001 §10.2.2 evidence after a complainant's identity is erased (``/forget``,
retention), and is read by reviewers, approvers and auditors who have no need to know who complained. So the form
is no identity view and records none.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.vocabulary import IdentityLevel, LkEvent, LkKind, LkStatus, Role, TicketEvent, TicketKind
from handlers.context import Deps
from handlers.events import SendFile
from handlers.formats import day
from handlers.i18n import N_, Gettext
from handlers.labels import action_kind_name, channel_name, identity_level_name, lk_status_name, role_name
from handlers.lk_trail import RoundTrail, Signed, approval_trail
from handlers.privacy.mask import mask_identity, masked, own_texts, protected
from handlers.privacy.scrub import Scrubber
from handlers.procedure import Ctx
from handlers.procedure.lookups import lk_snapshot, names_of
from handlers.staff.lk_views import LkSnapshot, segregation_notes
from reports.lk_model import (
    Evidence,
    Issue,
    LkDocument,
    ProgrammeAction,
    RatingLine,
    Response,
    RoundApproval,
    Signature,
    SourceTicket,
    Verification,
    content_hash,
    verification_code,
)
from storage.records import (
    ActionRecord,
    ArchiveItemRecord,
    Attachment,
    LkRecord,
    PersonRecord,
    TicketEventRecord,
    TicketRecord,
)

INSTITUTION = "Institut Teknologi Sepuluh Nopember"
#: As the bot names the unit in its welcome (one name everywhere); the SOP's own header gives revision 02.
UNIT = "Biro Administrasi Akademik (BAPKM)"
SOP_NUMBER, REVISION = "PM-BAPKM.AP.1-24", "02"


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class LkFacts:
    """What the form says, looked up once: the LK's snapshot, the "me too" tickets, complainants, actors' names."""

    snap: LkSnapshot
    tickets: tuple[TicketRecord, ...]
    people: dict[int, PersonRecord]
    names: dict[int, str]
    #: The tickets' attachments in the archive, by attachment id (the actions' are in ``snap.archived``).
    archived: Mapping[int, ArchiveItemRecord] = field(default_factory=dict)
    #: The LK's tickets' "resolved" events, oldest first: the responses sent after a correction are read from them.
    resolved: Sequence[TicketEventRecord] = ()


@dataclass(frozen=True)
class IssuedPdf:
    """An LK form ready to send: its archived PDF, the name to send it under, its code and version."""

    sha256: str
    file_name: str
    code: str
    version: int

    def send(self, chat_id: int, caption: str = "", *, resend: bool = False) -> SendFile:
        """The form as a document message; ``resend``: sent again when its reader first starts the bot (as the
        notice it goes with), not lost because they had not yet."""
        return SendFile(chat_id, "document", caption=caption, sha256=self.sha256, file_name=self.file_name,
                        resend=resend)


async def lk_facts(ctx: Ctx, lk: LkRecord) -> LkFacts:
    snap = await lk_snapshot(ctx, lk)
    tickets = list(snap.tickets)  # then their duplicates, read at once (a "me too" case can hold a thousand)
    seen = {t.id for t in tickets}
    duplicates = await ctx.uow.tickets.duplicates_of_many([t.id for t in snap.tickets])
    for ticket in snap.tickets:
        for t in duplicates.get(ticket.id, []):
            if t.id not in seen:
                seen.add(t.id)
                tickets.append(t)
    # the named complainants (what the category may say of them) and the protected ones, masked in every text of
    # the form: it names none of them (``people`` is never printed)
    wanted = [t.person_id for t in tickets if t.person_id is not None and (_named(t) or protected(t))]
    people: dict[int, PersonRecord] = await ctx.uow.persons.by_ids(wanted)
    names = dict(snap.names)
    names.update(await names_of(ctx, [e.actor_person_id for e in snap.events]))
    archived = await ctx.uow.archive.for_attachments(a.id for t in tickets for a in t.attachments if a.id is not None)
    resolved = await ctx.uow.tickets.events_of((t.id for t in snap.tickets), (TicketEvent.RESOLVED,))
    return LkFacts(snap, tuple(tickets), people, names, archived, resolved)


def lk_document(facts: LkFacts, ctx: Ctx, _: Gettext, locale: str) -> LkDocument:
    """Every field of the LK form, in the language of ``_``; datetimes in the institution's time zone. What staff
    wrote on it (the description, the root cause, the actions, the responses) may name a confidential or anonymous
    complainant ("Transcript for student Siti Rahma (0812…)", found in a walk): their identifiers are masked in
    every text of the form (``handlers.privacy.mask``)."""
    document = _lk_document(facts, ctx, _, locale)
    hidden = [mask_identity(facts.people[t.person_id], own_texts(t, facts.snap.ratings)) for t in facts.tickets
              if protected(t) and t.person_id in facts.people]
    if not hidden:
        return document
    scrub = Scrubber(hidden, masking=True)
    return _scrubbed(document, scrub.text) if scrub else document


def _scrubbed(value: Any, scrub: Callable[[str], str]) -> Any:
    """``value`` (a dataclass, a tuple of them, a string) with every string scrubbed."""
    if isinstance(value, str):
        return scrub(value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _scrubbed(getattr(value, f.name), scrub) for f in fields(value)})
    if isinstance(value, tuple):
        return tuple(_scrubbed(item, scrub) for item in value)
    return value


def _lk_document(facts: LkFacts, ctx: Ctx, _: Gettext, locale: str) -> LkDocument:
    lk, tz, names = facts.snap.lk, ctx.deps.tz, facts.names
    linked = {t.id for t in facts.snap.tickets}

    def local(at: datetime | None) -> datetime | None:
        return at.astimezone(tz) if at is not None else None

    def source(t: TicketRecord) -> SourceTicket:
        person = facts.people.get(t.person_id or 0)
        level = identity_level_name(t.identity_level, _)  # never a name: see the module's doc
        return SourceTicket(t.number, channel_name(t.channel, _), t.created_at.astimezone(tz).date(), level,
                            ticket_category(t, person, linked, _, facts.snap.members))

    def hash_of(item: ArchiveItemRecord | None) -> str | None:
        return item.sha256 if item is not None and item.status == "stored" else None

    def described(kind: str | None, caption: str | None, name: str | None) -> str:
        said = " — ".join(part for part in (caption, name) if part) or "—"
        return f"{_file_type(kind, _)}: {said}"

    def ticket_file(t: TicketRecord, a: Attachment) -> str:
        """A complainant's file; of a protected ticket without its own name and with their identifiers masked in
        its caption (``handlers.privacy.mask``)."""
        if not protected(t):
            return described(a.file_type, a.caption, a.file_name)
        person = facts.people.get(t.person_id or 0)
        return described(a.file_type, masked(t, person, a.caption, [f.caption for f in t.attachments]), None)

    evidence = [Evidence(t.number, ticket_file(t, a), hash_of(facts.archived.get(a.id or 0)))
                for t in facts.tickets for a in t.attachments]
    evidence += [Evidence(_("action #{n}").format(n=a.id), described(a.evidence_file_type, a.evidence_text,
                                                                     a.evidence_file_name),
                          hash_of(facts.snap.archived.get(a.id))) for a in facts.snap.actions if a.evidence_file_id]
    verifications = [Verification(int(e.params.get("round", 2)) - 1, _("not effective"),
                                  names.get(e.actor_person_id or 0, "—"), local(e.at), str(e.params.get("reason", "")))
                     for e in facts.snap.events if e.code == LkEvent.NOT_EFFECTIVE]
    if lk.status == LkStatus.CLOSED:
        verifications.append(Verification(lk.round, _("effective") if lk.effective else _("closed"),
                                          names.get(lk.verified_by or 0, "—"), local(lk.verified_at or lk.closed_at)))
    service = ctx.deps.catalogue.get(lk.service_code)
    trail = approval_trail(lk, facts.snap.events)
    return LkDocument(
        institution=INSTITUTION, unit=UNIT, sop_number=SOP_NUMBER, revision=REVISION, number=lk.number,
        title=_("Nonconformity Report (LK)") if lk.kind == LkKind.NONCONFORMITY else _("Improvement programme"),
        status=lk_status_name(lk.status, _), round=lk.round, opened=lk.created_at.astimezone(tz).date(),
        closed=lk.closed_at.astimezone(tz).date() if lk.closed_at else None,
        tickets=tuple(source(t) for t in facts.tickets),
        service=service.display_name(locale) if service is not None else lk.service_code,
        procedure_ref=lk.procedure_ref, description=lk.description, evidence=tuple(evidence),
        root_cause=lk.root_cause,
        actions=tuple(_action(a, names, _, tz, _approved_at(trail, a.round)) for a in facts.snap.actions),
        responses=responses(facts, _, tz),
        verifications=tuple(verifications),
        ratings=tuple(RatingLine(r.number, r.score, r.comment or "") for r in facts.snap.ratings),
        approvals=tuple(_approval(signed, names, _, tz) for signed in trail),
        segregation_notes=tuple(dict.fromkeys(n.replace("⚠️ ", "") for signed in trail
                                              for n in segregation_notes(signed, names, _))),
        found_by=how_found(facts.tickets, _),
        recurrence=_recurrence(facts.snap, _, tz, locale),
        complainants=(_("{n} (incl. {m} “me too”)").format(n=len(facts.snap.tickets), m=len(facts.snap.members))
                      if facts.snap.members else ""),  # under its label "Complainants" (it read "Complainants
                                                       # Complainants: 3": the third walk)
    )


def responses(facts: LkFacts, _: Gettext, tz: ZoneInfo) -> tuple[Response, ...]:
    """Every response the LK's complainants were sent, oldest first: each after a round's correction (recorded on the
    tickets it resolved; one entry however many complainants got it), then the closing one (recorded on the LK, which
    the complainants answered earlier hear too). A round's response is told by the "not effective" verdicts before
    it."""
    lk = facts.snap.lk
    rounds_ended = sorted(e.at for e in facts.snap.events if e.code == LkEvent.NOT_EFFECTIVE)
    sent: dict[tuple[datetime, str], Response] = {}
    for event in facts.resolved:
        text = str(event.params.get("text") or "")
        if event.params.get("by") != "correction" or event.params.get("lk") != lk.number or not text:
            continue
        round_ = 1 + sum(at <= event.at for at in rounds_ended)
        kind = _("after the correction") if round_ == 1 else _("after the correction of round {n}").format(n=round_)
        sent.setdefault((event.at, text), Response(kind, event.at.astimezone(tz).date(), text))
    said = [sent[key] for key in sorted(sent)]
    if not said:  # a ticket answered before its events said by what: its recorded response, as the form showed it
        answered = sorted((t for t in facts.snap.tickets if t.response and t.resolved_at is not None
                           and t.response != lk.response), key=lambda t: t.resolved_at or lk.created_at)
        said += [Response(_("after the correction"), t.resolved_at.astimezone(tz).date(), t.response)
                 for t in answered[:1] if t.response and t.resolved_at is not None]
    if lk.response and lk.closed_at is not None:
        said.append(Response(_("at closing"), lk.closed_at.astimezone(tz).date(), lk.response))
    return tuple(said)


def _named(t: TicketRecord) -> bool:
    """Whether even the category may say what the complainant is (a student): a named ticket only."""
    return t.identity_level == IdentityLevel.NAMED and t.identity_erased_at is None


def ticket_category(t: TicketRecord, person: PersonRecord | None, linked: set[int], _: Gettext,
                    members: frozenset[int] = frozenset()) -> str:
    """The source table's "Category" (kategori): what the ticket is — a complaint (keluhan) or a suggestion
    (saran) — then what is known of its complainant (a student when an NRP is recorded; nothing is guessed for an
    anonymous ticket) and whether it joined the case: a duplicate an officer marked, or a "me too" of ``members``
    (the third walk found "keluhan" alone on both "me too" tickets, where the README promised "kasus sama")."""
    parts = [_("complaint") if t.kind == TicketKind.COMPLAINT else _("suggestion")]
    if person is not None and person.nrp and _named(t):
        parts.append(_("student"))
    if t.id not in linked and t.duplicate_of is not None:
        parts.append(_("same case (duplicate)"))
    elif t.id in members:
        parts.append(_("same case (“me too”)"))
    return " · ".join(parts)


def how_found(tickets: Sequence[TicketRecord], _: Gettext) -> str:
    """How the nonconformity was found (cara ditemukan), from what is recorded rather than asked: the source
    tickets grouped by kind and channel in the order they came, e.g. "complaint via Telegram: KEL-2026-00001;
    complaint via letter: KEL-2026-00007" ("—" when the LK has no ticket)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for t in tickets:
        groups.setdefault((t.kind, t.channel), []).append(t.number)
    said = []
    for (kind, channel), numbers in groups.items():
        pattern = _("complaint via {channel}: {numbers}") if kind == TicketKind.COMPLAINT else _(
            "suggestion via {channel}: {numbers}")
        said.append(pattern.format(channel=channel_name(channel, _), numbers=", ".join(numbers)))
    return "; ".join(said) or "—"


def _approval(signed: RoundTrail, names: dict[int, str], _: Gettext, tz: ZoneInfo) -> RoundApproval:
    """One round's three signature boxes; an unsigned step is empty (a round that ran before further rounds were
    approved says so under its boxes)."""
    def signature(step: Signed | None, role: Role) -> Signature:
        if step is None:
            return Signature("", role_name(role, _), None)
        return Signature(names.get(step.person_id or 0, "—"), role_name(role, _), step.at.astimezone(tz))

    note = _("This round's programme ran without its own check and approval (it began before further rounds were "
             "approved).") if signed.ran_unapproved else ""
    return RoundApproval(signed.round, signature(signed.prepared, Role.OFFICER),
                         signature(signed.checked, Role.REVIEWER), signature(signed.approved, Role.APPROVER), note)


def _approved_at(trail: Sequence[RoundTrail], round_: int) -> datetime | None:
    """When the programme of that round was approved (None: not yet, or never)."""
    signed = next((r.approved for r in trail if r.round == round_), None)
    return signed.at if signed is not None else None


def _action(a: ActionRecord, names: dict[int, str], _: Gettext, tz: ZoneInfo,
            approved_at: datetime | None = None) -> ProgrammeAction:
    """One row of the programme; an action added after its round's programme was approved says so (the signatures
    do not cover it; its approver was told when it was added)."""
    description = a.description
    if approved_at is not None and a.created_at > approved_at:
        description += " — " + _("added on {day}, after the programme was approved").format(
            day=a.created_at.astimezone(tz).strftime("%d-%m-%Y"))
    owner = names.get(a.owner_person_id, "?") if a.owner_person_id is not None else (a.owner_name or "?")
    if a.owner_person_id is None and a.owner_contact:  # outside the bot: how to reach them, as recorded
        owner += f" ({a.owner_contact})"
    evidence = a.evidence_text or ""
    if a.evidence_file_id:
        attached = a.evidence_file_name or _file_type(a.evidence_file_type, _)
        evidence = (evidence + " · " if evidence else "") + _("file: {name}").format(name=attached)
    done = a.done_at.astimezone(tz).date() if a.done_at is not None else None
    return ProgrammeAction(a.id, a.round, action_kind_name(a.kind, _), description, owner, a.due_on, done,
                           _("done") if a.status == "done" else _("open"), evidence)


def file_name(lk: LkRecord, locale: str) -> str:
    """``LK-2026-001.pdf`` (Indonesian, the form's own language) or ``LK-2026-001-en.pdf``."""
    return f"{lk.number}.pdf" if locale == "id" else f"{lk.number}-{locale}.pdf"


FILE_TYPES = {"photo": N_("photo"), "document": N_("document")}


def _file_type(kind: str | None, _: Gettext) -> str:
    return _(FILE_TYPES.get(kind or "document", FILE_TYPES["document"]))


@dataclass(frozen=True)
class PdfPlan:
    """What an LK form in a language will be, read in one transaction (:func:`plan_lk_pdf`): the archived copy of a
    closed LK when there is one (``kept``), else the document to draw and the version and code it will carry."""

    lk_id: int
    closed: bool
    locale: str
    file_name: str
    kept: IssuedPdf | None = None
    doc: LkDocument | None = None
    fingerprint: str = ""
    version: int = 0
    code: str = ""
    made_at: datetime | None = None


async def plan_lk_pdf(ctx: Ctx, lk: LkRecord, locale: str) -> PdfPlan:
    """Reads only: the closed LK's archived copy, or what to draw."""
    documents = ctx.uow.lk_documents
    name = file_name(lk, locale)
    closed = lk.status == LkStatus.CLOSED
    if closed:
        kept = await documents.archived(lk.id, locale)
        if kept is not None and kept.archived_sha256 is not None:
            return PdfPlan(lk.id, closed, locale, name, kept=IssuedPdf(kept.archived_sha256, name, kept.code,
                                                                         kept.version))
    facts = await lk_facts(ctx, lk)
    _ = ctx.deps.translator.gettext(locale)
    fingerprint = content_hash(lk_document(facts, ctx, _same, "id"))
    issued = await documents.of_content(lk.id, fingerprint)
    version = issued[0].version if issued else await documents.latest_version(lk.id) + 1
    # the same version in this language again (a closed LK's copy dropped by an erasure that changed nothing on it):
    # the footer says when that version was made, so two papers with one code are the same paper (third walk)
    before = next((d for d in issued if d.language == locale), None)
    return PdfPlan(lk.id, closed, locale, name, doc=lk_document(facts, ctx, _, locale), fingerprint=fingerprint,
                   version=version, code=verification_code(fingerprint, locale),
                   made_at=before.created_at if before is not None else ctx.now)


async def draw_lk_pdf(plan: PdfPlan, deps: Deps) -> str:
    """Draw the planned form and put it in the archive, in worker threads and outside any transaction: its sha256."""
    from reports.lk_pdf import render  # fpdf2 and its fonts (~20 MB): loaded when a PDF is first made

    assert plan.doc is not None and plan.made_at is not None, "nothing to draw: the plan has the archived copy"
    _ = deps.translator.gettext(plan.locale)
    pdf = await asyncio.to_thread(render, plan.doc, _, Issue(plan.code, plan.version, plan.made_at.astimezone(deps.tz)))
    return await asyncio.to_thread(deps.archive.put, pdf)


async def record_lk_pdf(ctx: Ctx, plan: PdfPlan, sha256: str) -> IssuedPdf:
    """Record the drawn copy (the same version and language recorded meanwhile by another process is kept), and
    archive it as the closed LK's copy."""
    record = await ctx.uow.lk_documents.add(plan.lk_id, plan.version, plan.locale, plan.code, plan.fingerprint,
                                            ctx.now)
    if plan.closed:
        await ctx.uow.lk_documents.set_archived(record.id, sha256)
    return IssuedPdf(sha256, plan.file_name, record.code, record.version)


async def issue_lk_pdf(ctx: Ctx, lk: LkRecord, locale: str) -> IssuedPdf:
    """The LK's form in ``locale`` as an archived PDF with its recorded version and code, all in the caller's
    transaction (a staff member's ``/lk pdf``). A closed LK's copy is made once and archived; later requests get
    that same file. The closed form's job draws outside its transactions instead (``handlers.lk_form_jobs``)."""
    plan = await plan_lk_pdf(ctx, lk, locale)
    if plan.kept is not None:
        return plan.kept
    return await record_lk_pdf(ctx, plan, await draw_lk_pdf(plan, ctx.deps))


async def attach_lk_pdf(ctx: Ctx, lk: LkRecord, people: list[PersonRecord]) -> None:
    """The LK's form as a document message after a notice to each of ``people`` (not the actor), in their
    language; one rendering per language."""
    made: dict[str, IssuedPdf] = {}
    for person in people:
        if person.telegram_id is None or person.telegram_id == ctx.actor.telegram_id:
            continue
        locale = ctx.deps.translator.pick(person.language, person.telegram_language)
        if locale not in made:
            made[locale] = await issue_lk_pdf(ctx, lk, locale)
        issued = made[locale]
        caption = pdf_caption(ctx.deps.translator.gettext(locale), lk.number, issued.version, issued.code)
        ctx.out.append(issued.send(person.telegram_id, caption, resend=True))


def pdf_caption(_: Gettext, number: str, version: int, code: str) -> str:
    """The caption of every LK form the bot sends: which LK, which version, the code to check a printed copy."""
    return _("{number}, version {version} · verification code {code}").format(number=number, version=version,
                                                                               code=code)


@dataclass(frozen=True)
class VerifyResult:
    """What the system recorded for a printed copy's code. ``latest``: the LK's newest version; ``current``: this
    version is the newest and the LK's content has not changed since; ``archived``: the LK is closed and this is its
    archived final version (``final``: that version's number, None while the LK is open or none is archived);
    ``erased_on``: the last time a complainant's identity or files were erased from the LK's tickets after this copy
    was made (``/forget``, retention), which changes the form (names become "[…]") and drops its archived copy."""

    number: str
    version: int
    made_on: datetime
    language: str
    latest: int
    current: bool
    closed: bool
    final: int | None = None
    erased_on: datetime | None = None

    @property
    def archived(self) -> bool:
        return self.closed and self.final == self.version


async def verify_code(ctx: Ctx, code: str) -> VerifyResult | None:
    """What a printed copy's code says: its LK, version and date, whether a newer version exists (or the LK's
    content changed since), and whether it is the closed LK's archived version. None: no copy has this code."""
    documents = ctx.uow.lk_documents
    document = await documents.by_code(code)
    if document is None:
        return None
    lk = await ctx.uow.lks.get(document.lk_id)
    if lk is None:
        return None
    latest = await documents.latest_version(lk.id)
    closed = lk.status == LkStatus.CLOSED
    final = None
    if closed:
        kept = await documents.archived(lk.id, document.language) or await documents.archived(
            lk.id, "en" if document.language == "id" else "id")
        final = kept.version if kept is not None else None
    if final is not None:  # the archived copy is the closed LK's record: the form is never made again
        current = document.version == final
    else:
        now = content_hash(lk_document(await lk_facts(ctx, lk), ctx, _same, "id"))
        current = document.version == latest and now == document.content_sha256
    tickets = await ctx.uow.lks.tickets(lk.id)  # and their duplicates, which the form lists too
    tickets += [d for found in (await ctx.uow.tickets.duplicates_of_many([t.id for t in tickets])).values()
                for d in found]
    erasures = [at for t in tickets for at in (t.identity_erased_at, t.attachments_erased_at)
                if at is not None and at >= document.created_at]
    return VerifyResult(lk.number, document.version, document.created_at.astimezone(ctx.deps.tz),
                        document.language, latest, current, closed, final,
                        max(erasures).astimezone(ctx.deps.tz) if erasures and not current else None)


def _recurrence(snap: LkSnapshot, _: Gettext, tz: ZoneInfo, locale: str) -> str:
    """What the form says of recurrence: the earlier LK this one recurs, and the later ones that recurred it."""
    said = []
    if snap.recurrence_of is not None:
        closed = snap.recurrence_of.closed_at or snap.recurrence_of.updated_at
        said.append(_("Recurrence of {lk} (closed {date})").format(lk=snap.recurrence_of.number,
                                                                  date=day(closed.astimezone(tz).date(), locale)))
    if snap.recurred_as:
        said.append(_("effectiveness failed: recurred as {numbers}").format(
            numbers=", ".join(lk.number for lk in snap.recurred_as)))
    return "; ".join(said)
