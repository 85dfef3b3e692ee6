"""The /mydata renderers (pure): the JSON's schema and keys in UTF-8, the PDF's text as a reader finds it (pypdf),
and the privacy notice's text in both languages (short enough for a phone, the settings in it)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.i18n import Translator
from handlers.privacy.notice import NOTICE_VERSION, notice_text
from reports.mydata_json import render_json
from reports.mydata_model import (
    SCHEMA,
    Answer,
    FileEntry,
    HistoryEntry,
    MessageEntry,
    MyData,
    Profile,
    RequestEntry,
    TicketEntry,
)
from reports.mydata_pdf import render_pdf

AT = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
WIB = ZoneInfo("Asia/Jakarta")
T = Translator()


def ticket(n: int, description: str = "Transkrip nilai saya belum terbit 👍 sejak tiga minggu") -> TicketEntry:
    return TicketEntry(
        number=f"KEL-2026-{n:05d}", kind="complaint", kind_label="Keluhan", channel="telegram",
        channel_label="Telegram",
        service_code="transcript", service="Penerbitan Transkrip Akademik", status="closed", status_label="selesai",
        identity_level="confidential", identity_level_label="rahasia", received_at=AT + timedelta(hours=n),
        occurred_on=date(2026, 11, 1), description=description,
        answers=(Answer("q1", "Lewat mana Anda mengajukan?", "Portal akademik"),),
        response="Transkrip sudah terbit.", rating=4, rating_comment="Cepat dan jelas, terima kasih",
        rated_at=AT + timedelta(days=3),
        files=(FileEntry("kuitansi.pdf", "document", "application/pdf", 52_000, AT, "intake", "bukti bayar"),),
        history=(HistoryEntry(AT, "filed", None, "received", "diterima"),
                 HistoryEntry(AT, "joined", "received", "received", "👥 bergabung dengan kasus"),
                 HistoryEntry(AT, "staff_message", "received", "received", "💬 petugas: Mohon kirim nomor.")),
        messages=(MessageEntry(AT, "to_you", "Mohon kirim nomor pembayaran."),
                  MessageEntry(AT, "from_you", "Nomor pembayaran 778899", 1)))


def document(tickets: int = 1) -> MyData:
    profile = Profile(name="Siti Rahmawati Ñúñez", telegram_id=7001, language="id", telegram_language="id",
                      nrp=None, contact="siti@example.com", first_seen=AT, notice_version=NOTICE_VERSION,
                      notice_at=AT, name_corrected_at=None)
    requests = (RequestEntry("PDP-2026-0001", "access", "akses (salinan)", "done", "selesai", AT,
                             AT + timedelta(hours=72), AT),)
    return MyData(made_at=AT, locale="id", controller="BAPKM ITS", notice_version=NOTICE_VERSION, profile=profile,
                  tickets=tuple(ticket(n) for n in range(1, tickets + 1)), requests=requests)


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


class TestJson:
    def test_the_file_is_utf8_json_with_its_schema_first_and_every_section(self) -> None:
        data = render_json(document())
        assert "Ñúñez".encode() in data and "👍".encode() in data  # not ASCII-escaped
        copy = json.loads(data.decode("utf-8"))
        assert next(iter(copy)) == "schema" and copy["schema"] == SCHEMA
        assert set(copy) == {"schema", "made_at", "locale", "controller", "notice_version", "profile", "tickets",
                             "requests"}
        assert copy["made_at"] == "2026-12-04T03:00:00+00:00"
        t = copy["tickets"][0]
        assert {"number", "description", "answers", "response", "rating", "rating_comment", "files", "history",
                "messages", "identity_level", "status"} <= set(t)
        assert t["files"][0] == {"name": "kuitansi.pdf", "type": "document", "mime": "application/pdf",
                                 "size": 52_000, "added_at": "2026-12-04T03:00:00+00:00", "source": "intake",
                                 "caption": "bukti bayar"}
        assert t["occurred_on"] == "2026-11-01"
        assert copy["requests"][0]["number"] == "PDP-2026-0001"


class TestPdf:
    def test_the_pdf_reads_the_profile_each_ticket_its_messages_and_the_requests(self) -> None:
        text = pdf_text(render_pdf(document(), T.gettext("id"), WIB))
        for expected in ("Siti Rahmawati Ñúñez", "siti@example.com", "KEL-2026-00001", "Transkrip nilai saya",
                         "[thumbs up sign]", "Nomor pembayaran 778899", "Cepat dan jelas, terima kasih",
                         "kuitansi.pdf", "51 KB", "PDP-2026-0001", "04-12-2026 10:00 WIB", "Portal akademik"):
            assert expected in text, expected
        assert "bergabung dengan kasus" in text and "[speech balloon]" not in text and "[busts" not in text

    def test_fifty_tickets_and_a_long_unbroken_text_run_over_pages_without_loss(self) -> None:
        long = "x" * 3000 + " akhir-teks"
        doc = replace(document(50), tickets=(*document(49).tickets, ticket(50, long)))
        data = render_pdf(doc, T.gettext("en"), WIB)
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) > 5
        text = pdf_text(data)
        assert all(f"KEL-2026-{n:05d}" in text for n in range(1, 51))
        assert "akhir-teks" in text


class TestNotice:
    def test_each_language_is_short_names_the_settings_and_the_rights(self) -> None:
        deps = Deps(catalogue=load_catalogue(), translator=T, retention_identity_months=18,
                    retention_attachments_months=6, privacy_contact="ppid@its.ac.id <PPID>")
        for lang in ("id", "en"):
            text = notice_text(deps, T.gettext(lang), T.ngettext(lang))
            plain = re.sub(r"<[^>]+>", "", text)
            assert len(plain) < 1800, (lang, len(plain))  # a phone screen or two
            assert NOTICE_VERSION in text and "18" in text and "6" in text and "3×24" in text
            assert "ppid@its.ac.id &lt;PPID&gt;" in text  # the contact is escaped
            for command in ("/mydata", "/correct", "/forget", "/privacy"):
                assert command in text

    def test_kept_without_a_period_says_until_asked_and_the_roles_follow_the_setting(self) -> None:
        deps = Deps(catalogue=load_catalogue(), translator=T, retention_identity_months=0,
                    confidential_roles=frozenset({"admin"}))
        text = notice_text(deps, T.gettext("en"), T.ngettext("en"))
        assert "until you ask us to erase it" in text
        assert "your name is seen only by the administrator;" in text and "the staff see your name" in text


def test_a_closed_lks_response_is_one_of_the_messages_to_them_in_time_order() -> None:
    """The walk: the answer a student got when the LK closed was neither in /status nor in /mydata."""
    from types import SimpleNamespace
    from typing import cast

    from handlers.mydata import _messages
    from storage.records import LkRecord, TicketEventRecord

    at = datetime(2026, 12, 1, 3, tzinfo=UTC)
    said = cast(TicketEventRecord, SimpleNamespace(code="staff_message", at=at, params={"text": "Mohon tunggu."}))
    closed = cast(LkRecord, SimpleNamespace(closed_at=at.replace(day=3), response="Antrean diperiksa setiap hari."))
    still_open = cast(LkRecord, SimpleNamespace(closed_at=None, response=None))
    messages = _messages([said], [closed, still_open])
    assert [(m.direction, m.text) for m in messages] == [("to_you", "Mohon tunggu."),
                                                         ("to_you", "Antrean diperiksa setiap hari.")]
