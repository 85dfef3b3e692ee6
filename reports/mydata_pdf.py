"""``/mydata`` as a readable PDF (fpdf2, the DejaVu fonts the LK form embeds): the profile, each ticket with its
answers, files, messages and history, and the data-subject requests. Pure: a :class:`reports.mydata_model.MyData`,
a gettext function and the reader's time zone in, bytes out. A character the font lacks is printed by its name
(:func:`reports.lk_pdf.printable`), never a crash."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from reports.lk_pdf import FONT, FONTS, GREY, printable
from reports.mydata_model import FileEntry, MyData, TicketEntry

Gettext = Callable[[str], str]
LABEL = 58
"""Millimetres of a field's label ("Privacy notice read", "Pemberitahuan privasi dibaca" fit)."""
MESSAGES = frozenset({"staff_message", "complainant_message"})
"""History events listed under the ticket's messages instead (in full there)."""
_LEAD_SYMBOLS = re.compile(r"^[^\w\s(“\"']+\s*")


def _without_symbol(text: str) -> str:
    """A history line without its leading emoji (💬, 👥, ⏱): the PDF's font would print its name."""
    return _LEAD_SYMBOLS.sub("", text)


def _at(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%d-%m-%Y %H:%M %Z") if value is not None else "—"


def _day(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value is not None else "—"


def _size(n: int | None) -> str:
    if n is None:
        return "—"
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(1, round(n / 1024))} KB"


class _Copy(FPDF):
    def __init__(self, doc: MyData, _: Gettext, tz: ZoneInfo) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc, self.t, self.tz = doc, _, tz
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=16)
        self.set_title(_("Your data kept by Tanggap"))
        self.set_creator("Tanggap")
        self.set_creation_date(doc.made_at)

    def footer(self) -> None:
        _ = self.t
        self.set_y(-12)
        self.set_font(FONT, "", 7)
        self.set_text_color(90, 90, 90)
        self.cell(self.epw * 0.7, 5, printable(_("Copy made {at} — {controller}").format(
            at=_at(self.doc.made_at, self.tz), controller=self.doc.controller)))
        self.cell(self.epw * 0.3, 5, _("Page {page} of {pages}").format(page=self.page_no(), pages="{nb}"),
                  align="R")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: float = 11) -> None:
        if self.get_y() > self.page_break_trigger - 20:
            self.add_page()
        self.ln(2)
        self.set_fill_color(*GREY)
        self.set_font(FONT, "B", size)
        self.multi_cell(self.epw, 6.5, printable(text), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def para(self, text: str, *, bold: bool = False, size: float = 9) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(self.epw, 4.6, printable(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def fields(self, rows: Sequence[tuple[str, str]]) -> None:
        for label, value in rows:
            self.set_font(FONT, "B", 9)
            self.cell(LABEL, 4.6, printable(label))
            self.set_font(FONT, "", 9)
            self.multi_cell(self.epw - LABEL, 4.6, printable(value or "—"), align="L", new_x=XPos.LMARGIN,
                            new_y=YPos.NEXT)

    def bullets(self, lines: Sequence[str]) -> None:
        self.set_font(FONT, "", 8.5)
        for line in lines:
            self.set_x(self.l_margin + 3)
            self.multi_cell(self.epw - 3, 4.3, printable("• " + line), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
"""The languages' own names, as /lang shows them (the walk read "Bahasa id")."""


def _file_line(f: FileEntry, _: Gettext, tz: ZoneInfo) -> str:
    name = f.name or (_("photo") if f.type == "photo" else _("document"))
    kind = _("photo") if f.type == "photo" else (f.mime or _("document"))
    parts = [name, *([kind] if kind != name else []), _size(f.size), _at(f.added_at, tz)]
    return " · ".join(parts) + (f" — {f.caption}" if f.caption else "")


def _ticket(pdf: _Copy, t: TicketEntry, _: Gettext, tz: ZoneInfo) -> None:
    pdf.heading(f"{t.number} — {t.kind_label}", 10.5)
    rows = [(_("Service"), t.service), (_("Status"), t.status_label), (_("Identity"), t.identity_level_label),
            (_("Received"), _at(t.received_at, tz)), (_("Channel"), t.channel_label),
            (_("Happened on"), _day(t.occurred_on))]
    if t.rating is not None:
        rows.append((_("Your rating"), f"{t.rating}/5 ({_at(t.rated_at, tz)})"))
    if t.identity_erased_at is not None:
        rows.append((_("Identity erased"), _at(t.identity_erased_at, tz)))
    pdf.fields(rows)
    pdf.para(_("Description"), bold=True)
    pdf.para(t.description)
    if t.answers:
        pdf.para(_("Confirmation questions"), bold=True)
        pdf.bullets([f"{a.question} → {a.answer}" for a in t.answers])
    if t.response:
        pdf.para(_("Response"), bold=True)
        pdf.para(t.response)
    if t.rating_comment:
        pdf.para(_("Your comment with the rating"), bold=True)
        pdf.para(t.rating_comment)
    if t.files:
        pdf.para(_("Files ({n})").format(n=len(t.files)), bold=True)
        pdf.bullets([_file_line(f, _, tz) for f in t.files])
    elif t.files_erased_at is not None:
        pdf.para(_("Files erased {at}").format(at=_at(t.files_erased_at, tz)), bold=True)
    if t.messages:
        pdf.para(_("Messages"), bold=True)
        you, officer = _("you"), _("officer")
        pdf.bullets([f"{_at(m.at, tz)} — {you if m.direction == 'from_you' else officer}: {m.text}"
                     + (" " + _("(+ {n} file)").format(n=m.files) if m.files else "") for m in t.messages])
    steps = [f"{_at(h.at, tz)} — {_without_symbol(h.text)}" for h in t.history if h.event not in MESSAGES]
    if steps:
        pdf.para(_("History"), bold=True)
        pdf.bullets(steps)


def render_pdf(doc: MyData, _: Gettext, tz: ZoneInfo) -> bytes:
    """The copy as a PDF in the language of ``_`` and times in ``tz``."""
    pdf = _Copy(doc, _, tz)
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(pdf.epw, 8, printable(_("Your data kept by Tanggap")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.para(_("Everything the complaint service keeps about you, as of {at} (privacy notice version {version}). "
               "The attached JSON file holds the same data for computers.").format(
        at=_at(doc.made_at, tz), version=doc.notice_version))
    p = doc.profile
    pdf.heading(_("Profile"))
    pdf.fields([(_("Name"), p.name), (_("Telegram id"), str(p.telegram_id) if p.telegram_id is not None else "—"),
                (_("Language"), LANGUAGES.get(p.language or p.telegram_language or "", p.language or "—")),
                (_("NRP"), p.nrp or "—"),
                (_("Contact"), p.contact or "—"), (_("First seen"), _at(p.first_seen, tz)),
                (_("Privacy notice read"), f"{p.notice_version or '—'} ({_at(p.notice_at, tz)})"),
                (_("Former names and contacts"), ", ".join((*p.former_names, *p.former_contacts)) or "—")])
    pdf.heading(_("Tickets ({n})").format(n=len(doc.tickets)))
    if not doc.tickets:
        pdf.para(_("You have no tickets."))
    for ticket in doc.tickets:
        _ticket(pdf, ticket, _, tz)
    pdf.heading(_("Your requests about your data ({n})").format(n=len(doc.requests)))
    pdf.bullets([_("{number} · {kind} · {status} · received {received}, answered {done}").format(
        number=r.number, kind=r.kind_label, status=r.status_label, received=_at(r.received_at, tz),
        done=_at(r.done_at, tz)) for r in doc.requests] or [_("none")])
    return bytes(pdf.output())
