"""What ``/mydata`` gives a person (UU PDP: access and portability; issue 15 §2): everything kept about them, read in
one transaction into a :class:`reports.mydata_model.MyData`.

Only the person's own rows are read: their ``person`` row, the tickets whose ``person_id`` is theirs, those tickets'
events, files and archive entries, and their own data-subject requests. The history is the complainant's
(:data:`handlers.history.COMPLAINANT_LINES`): no staff member's name or id, no internal link, never another
complainant of a "me too" case — and the raw event parameters, which hold staff ids, are not copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import unescape

from dialogs.answers import answer_label, question_text
from domain.vocabulary import TicketEvent
from handlers.context import Deps
from handlers.history import Reader, event_text
from handlers.i18n import N_
from handlers.labels import channel_name, data_request_name, identity_level_name, status_name
from handlers.privacy.notice import NOTICE_VERSION
from reports.mydata_model import (
    Answer,
    FileEntry,
    HistoryEntry,
    MessageEntry,
    MyData,
    Profile,
    RequestEntry,
    TicketEntry,
)
from storage.records import ArchiveItemRecord, LkRecord, PersonRecord, TicketEventRecord, TicketRecord
from storage.uow import UnitOfWork

ALL_TICKETS = 100_000
"""More tickets than any person files: ``/mydata`` lists them all."""
REQUEST_STATUSES = {"open": N_("open"), "done": N_("done"), "refused": N_("refused")}


def _plain(html: str) -> str:
    """A view's HTML line as plain text (the renderers escape for their own format)."""
    return unescape(html.replace("<b>", "").replace("</b>", "").replace("<i>", "").replace("</i>", ""))


def _answers(ticket: TicketRecord, deps: Deps, locale: str, reader: Reader) -> tuple[Answer, ...]:
    service = deps.catalogue.get(ticket.service_code)
    out = []
    for key, value in ticket.answers.items():
        question = service.question(key) if service is not None else None
        if question is None:  # the catalogue changed since: the stored key is all there is
            out.append(Answer(key, key, value))
        else:
            out.append(Answer(key, _plain(question_text(question, locale)),
                              _plain(answer_label(question, value, locale, reader._))))
    return tuple(out)


def _files(ticket: TicketRecord, archived: dict[int, ArchiveItemRecord]) -> tuple[FileEntry, ...]:
    return tuple(FileEntry(name=f.file_name, type=f.file_type, mime=f.mime_type,
                           size=archived[f.id].size if f.id in archived else None,
                           added_at=f.added_at or ticket.created_at, source=f.source, caption=f.caption)
                 for f in ticket.attachments)


def _messages(events: list[TicketEventRecord], lks: Sequence[LkRecord] = ()) -> tuple[MessageEntry, ...]:
    """The messages both ways: the officer's and theirs, each answer they were sent with a verdict or a resolution,
    and the closing response of each closed LK of the ticket (the walk: the closing answer was in no copy)."""
    out = []
    for e in events:
        if e.code == TicketEvent.STAFF_MESSAGE:
            out.append(MessageEntry(e.at, "to_you", str(e.params.get("text") or "")))
        elif e.code in (TicketEvent.RESOLVED, TicketEvent.VERDICT) and e.params.get("text"):
            out.append(MessageEntry(e.at, "to_you", str(e.params["text"])))
        elif e.code == TicketEvent.COMPLAINANT_MESSAGE:
            files = e.params.get("files")
            out.append(MessageEntry(e.at, "from_you", str(e.params.get("text") or ""),
                                    files if isinstance(files, int) else 0))
    out += [MessageEntry(lk.closed_at, "to_you", lk.response) for lk in lks
            if lk.closed_at is not None and lk.response]
    return tuple(sorted(out, key=lambda m: m.at))


def _history(ticket: TicketRecord, events: list[TicketEventRecord], reader: Reader) -> tuple[HistoryEntry, ...]:
    out = []
    for e in events:
        text = event_text(e, ticket, reader, {})  # the complainant's lines name no one
        if text is not None:
            out.append(HistoryEntry(e.at, e.code, e.from_status, e.to_status, _plain(text)))
    return tuple(out)


def _ticket(ticket: TicketRecord, events: list[TicketEventRecord], archived: dict[int, ArchiveItemRecord],
            deps: Deps, locale: str, reader: Reader, lks: Sequence[LkRecord] = ()) -> TicketEntry:
    _ = reader._
    service = deps.catalogue.get(ticket.service_code)
    label = service.display_name(locale) if service is not None else (ticket.service_other or _("Other service"))
    return TicketEntry(
        number=ticket.number, kind=ticket.kind,
        kind_label=_("Complaint") if ticket.kind == "complaint" else _("Suggestion"),
        channel=ticket.channel, channel_label=channel_name(ticket.channel, _), service_code=ticket.service_code,
        service=label, status=ticket.status,
        status_label=status_name(ticket.status, _), identity_level=ticket.identity_level,
        identity_level_label=identity_level_name(ticket.identity_level, _), received_at=ticket.created_at,
        occurred_on=ticket.occurred_on, description=ticket.description,
        answers=_answers(ticket, deps, locale, reader), response=ticket.response, rating=ticket.rating,
        rating_comment=ticket.rating_comment, rated_at=ticket.rated_at, files=_files(ticket, archived),
        history=_history(ticket, events, reader), messages=_messages(events, lks),
        identity_erased_at=ticket.identity_erased_at, files_erased_at=ticket.attachments_erased_at)


def _profile(person: PersonRecord) -> Profile:
    return Profile(name=person.name, telegram_id=person.telegram_id, language=person.language,
                   telegram_language=person.telegram_language, nrp=person.nrp, contact=person.contact,
                   first_seen=person.created_at, notice_version=person.notice_version, notice_at=person.notice_at,
                   name_corrected_at=person.name_corrected_at, former_names=person.former_values("name"),
                   former_contacts=person.former_values("contact"))


async def gather(uow: UnitOfWork, deps: Deps, person_id: int, locale: str, *, answering: int | None = None
                 ) -> MyData:
    """Everything kept about ``person_id``, labels in ``locale`` (in the open ``uow``; nothing is written).
    ``answering``: the access request this copy answers (listed as done now)."""
    person = await uow.persons.get(person_id)
    if person is None:
        raise LookupError(f"no person {person_id}")
    reader = Reader(deps.translator.gettext(locale), locale, deps.tz, staff=False)
    _ = reader._
    tickets = sorted(await uow.tickets.list_for_person(person_id, limit=ALL_TICKETS), key=lambda t: t.created_at)
    archived = await uow.archive.for_attachments([f.id for t in tickets for f in t.attachments if f.id is not None])
    entries = [_ticket(t, await uow.tickets.events(t.id), archived, deps, locale, reader,
                       await uow.lks.lks_of_ticket(t.id)) for t in tickets]
    now = deps.clock()
    requests = []
    for r in reversed(await uow.data_requests.listed(person_id=person_id, limit=ALL_TICKETS)):
        status, done_at = ("done", now) if r.id == answering else (r.status, r.done_at)  # this copy answers it
        requests.append(RequestEntry(r.number, r.kind, data_request_name(r.kind, reader._), status,
                                     _(REQUEST_STATUSES[status]) if status in REQUEST_STATUSES else status,
                                     r.received_at, r.due_at, done_at))
    return MyData(made_at=now, locale=locale, controller=deps.privacy_contact, notice_version=NOTICE_VERSION,
                  profile=_profile(person), tickets=tuple(entries), requests=tuple(requests))
