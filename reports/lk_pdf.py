"""The LK form as a PDF (fpdf2, DejaVu Sans embedded and subset): the SOP header and "page x of y" on every page,
numbered sections in boxes, the programme as a table whose header row repeats on each page, and the three
signature boxes (prepared / checked / approved) an auditor looks for.

Pure: :class:`reports.lk_model.LkDocument` and a gettext function in, bytes out. Long texts wrap and run on over
pages; a table cell is capped (its full text follows in an annex), so no row is ever taller than a page; a
character the font lacks is printed as its Unicode name in brackets (an emoji: "👍" as "[thumbs up sign]", which
tells a reader of the paper what the complainant wrote) or, without a name, as "□" — never a crash.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from reports.lk_model import Gettext, Issue, LkDocument, ProgrammeAction, RoundApproval

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"
MISSING = "□"
CELL_LIMIT = 900
"""Characters of a text shown in a table cell; a longer one is cut there and printed whole in the annex."""
GREY = (225, 228, 232)
DARK = (40, 40, 40)


@cache
def _glyphs() -> frozenset[int]:
    """The code points both vendored fonts can draw (read once per process)."""
    sets = []
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        with TTFont(FONTS / name, lazy=True) as font:
            sets.append(frozenset(font.getBestCmap()))
    return sets[0] & sets[1]


def printable(text: str) -> str:
    """``text`` with every character the font cannot draw replaced by its name in brackets ("[thumbs up sign]"),
    or a visible □ when it has none (tabs as spaces; control characters, joiners, variation selectors and skin-tone
    modifiers dropped)."""
    glyphs = _glyphs()
    out = []
    for char in text.replace("\r\n", "\n").replace("\t", "    "):
        if char == "\n" or ord(char) in glyphs:
            out.append(char)
        elif ord(char) < 32 or 0xFE00 <= ord(char) <= 0xFE0F or char in "\u200d" or 0x1F3FB <= ord(char) <= 0x1F3FF:
            continue  # control characters, variation selectors, joiners and skin tones draw nothing
        else:
            name = unicodedata.name(char, "")
            out.append(f"[{name.lower()}]" if name else MISSING)
    return "".join(out)


@cache
def _widths(bold: bool) -> tuple[dict[int, int], float]:
    """Advance widths by code point, and the font's units per em."""
    with TTFont(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"), lazy=True) as font:
        metrics = font["hmtx"].metrics
        return ({cp: metrics[name][0] for cp, name in font.getBestCmap().items()},
                float(font["head"].unitsPerEm))


BREAKS = "-/_.,;:@\\)]}&?=+"
"""Characters after which a word longer than its line is preferably cut (a file name, an e-mail address, a URL)."""


def _break_after(word: str, fits: int) -> int:
    """Where to cut ``word`` of which ``fits`` characters fit the line: after its last :data:`BREAKS` character
    among them if that keeps at least a third of the line (no hyphen is added), else right at ``fits``."""
    at = max(word.rfind(c, 0, fits) for c in BREAKS) + 1
    return at if at * 3 >= fits and at < len(word) else fits


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Lines of ``text`` (already :func:`printable`) no wider than ``width`` mm at ``size`` pt: broken at spaces; a
    word is broken only when it alone is wider than the line, then after a ``-``, ``/``, ``.``, ``@`` … where one is
    near the end, else at the last character that fits (never with an added hyphen)."""
    advances, upem = _widths(bold)
    per_unit = size / upem * 25.4 / 72
    limit = width / per_unit
    space = advances.get(32, 0)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in paragraph.split(" "):
            w = sum(advances.get(ord(c), upem) for c in word)
            while w > limit:  # a word longer than the line: cut it
                if line:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                cut, acc = 0, 0.0
                while cut < len(word) and acc + advances.get(ord(word[cut]), upem) <= limit:
                    acc += advances.get(ord(word[cut]), upem)
                    cut += 1
                cut = max(_break_after(word, cut), 1)
                lines.append(word[:cut])
                word = word[cut:]
                w = sum(advances.get(ord(c), upem) for c in word)
            extra = w + (space if line else 0)
            if line and used + extra > limit:
                lines.append(" ".join(line))
                line, used = [word], w
            else:
                line.append(word)
                used += extra
        lines.append(" ".join(line))
    return lines


def _day(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value is not None else "—"


def _moment(value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.strftime("%d-%m-%Y %H:%M ") + (value.tzname() or "")


class _Form(FPDF):
    """A4 portrait with the SOP header and the verification footer on every page."""

    def __init__(self, doc: LkDocument, _: Gettext, issue: Issue) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc, self.t, self.issue = doc, _, issue
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(f"{doc.number} — {doc.title}")
        self.set_author(f"{doc.institution} · {doc.unit}")
        self.set_creator("Tanggap")
        self.set_creation_date(issue.made_at)

    def header(self) -> None:
        _, doc = self.t, self.doc
        x, y, width = self.l_margin, 10.0, self.epw
        left, right = width * 0.62, width * 0.38
        self.set_draw_color(*DARK)
        self.set_line_width(0.3)
        self.rect(x, y, width, 24)
        self.line(x + left, y, x + left, y + 24)
        self.set_xy(x + 2, y + 2)
        self.set_font(FONT, "B", 10)
        self.multi_cell(left - 4, 4.5, printable(doc.institution.upper()), new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_font(FONT, "", 8.5)
        self.set_x(x + 2)
        self.multi_cell(left - 4, 4, printable(doc.unit), new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_font(FONT, "B", 11)
        self.set_x(x + 2)
        self.multi_cell(left - 4, 5.5, printable(doc.title.upper()), new_x=XPos.LEFT, new_y=YPos.NEXT)
        rows = (
            (_("SOP number"), doc.sop_number),
            (_("Revision"), doc.revision),
            (_("LK number"), doc.number),
            (_("Date"), _day(doc.opened)),
            (_("Page"), _("{page} of {pages}").format(page=self.page_no(), pages="{nb}")),
        )
        self.set_font(FONT, "", 7.5)
        for i, (label, value) in enumerate(rows):
            top = y + i * 24 / len(rows)
            if i:
                self.line(x + left, top, x + width, top)
            self.set_xy(x + left + 1.5, top + 0.6)
            self.cell(right * 0.42, 3.6, printable(label))
            self.set_font(FONT, "B", 7.5)
            self.cell(right * 0.55, 3.6, printable(value))
            self.set_font(FONT, "", 7.5)
        self.set_y(y + 27)

    def footer(self) -> None:
        _ = self.t
        self.set_y(-13)
        self.set_draw_color(*DARK)
        self.line(self.l_margin, self.get_y(), self.l_margin + self.epw, self.get_y())
        self.set_font(FONT, "", 7)
        self.set_text_color(70, 70, 70)
        left = _("Verification code {code} (version {version}) — check a printed copy with /verify {code}").format(
            code=self.issue.code, version=self.issue.version)
        self.cell(self.epw * 0.75, 5, printable(left))
        self.cell(self.epw * 0.25, 5, _("Page {page} of {pages}").format(page=self.page_no(), pages="{nb}"),
                  align="R")
        self.set_text_color(0, 0, 0)

    # --- building blocks ----------------------------------------------------------------------------------
    def heading(self, number: int, text: str) -> None:
        if self.get_y() > self.page_break_trigger - 25:
            self.add_page()
        self.ln(2)
        self.set_fill_color(*GREY)
        self.set_font(FONT, "B", 9.5)
        self.cell(self.epw, 6.5, printable(f"{number}. {text}"), border=1, fill=True,
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 8.5)

    def fields(self, rows: Sequence[tuple[str, str]]) -> None:
        """Label | value rows in a bordered table (short values)."""
        self.grid((), (32, 68), [(label, value) for label, value in rows], size=8.5, label_column=True)

    def text_box(self, label: str, text: str, size: float = 8.5) -> None:
        """A labelled long text in a box that runs on over as many pages as it needs (its sides drawn page by
        page)."""
        line_height = size * 0.5
        lines = self.wrap(text.strip() or "—", self.epw - 3, size)
        self._need(5.5 + line_height * min(len(lines), 3) + 2)
        self.set_font(FONT, "B", size)
        self.set_fill_color(245, 246, 248)
        self.cell(self.epw, 5.5, printable(label), border=1, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", size)
        top = self.get_y()
        for line in lines:
            if self.get_y() + line_height > self.page_break_trigger:
                self._box_sides(top, self.get_y(), bottom=True)
                self.add_page()
                top = self.get_y()
                self.line(self.l_margin, top, self.l_margin + self.epw, top)
            self.text(self.l_margin + 1.5, self.get_y() + line_height * 0.78, line)
            self.set_y(self.get_y() + line_height)
        self.set_y(self.get_y() + 1)
        self._box_sides(top, self.get_y(), bottom=True)

    def _box_sides(self, top: float, bottom_y: float, *, bottom: bool) -> None:
        left, right = self.l_margin, self.l_margin + self.epw
        self.line(left, top, left, bottom_y)
        self.line(right, top, right, bottom_y)
        if bottom:
            self.line(left, bottom_y, right, bottom_y)

    def _need(self, height: float) -> None:
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        """``text`` broken into lines no wider than ``width`` mm at ``size`` pt (at spaces; a word longer than a
        line is cut): linear in the text, unlike a generic layout engine."""
        return wrap(printable(text), width, size, bold)

    def grid(self, headings: Sequence[str], widths: Sequence[float], rows: Sequence[Sequence[str]],
             size: float = 7.5, *, label_column: bool = False) -> None:
        """A table with a heading row that repeats on every page it runs onto; rows never split."""
        scale = self.epw / sum(widths)
        columns = [w * scale for w in widths]
        line_height, pad = size * 0.46, 1.0

        def layout(values: Sequence[str], bold: bool = False) -> tuple[list[list[str]], float]:
            cells = [self.wrap(v or "—", w - 2 * pad, size, bold or (label_column and i == 0))
                     for i, (v, w) in enumerate(zip(values, columns, strict=True))]
            return cells, max(len(c) for c in cells) * line_height + 2 * pad

        head = layout(headings, bold=True) if headings else None

        def draw(cells: list[list[str]], height: float, style: str) -> None:
            x, y = self.l_margin, self.get_y()
            for index, (lines, w) in enumerate(zip(cells, columns, strict=True)):
                filled = style == "B" or (label_column and index == 0)
                if filled:
                    self.set_fill_color(*(GREY if style == "B" else (245, 246, 248)))
                self.rect(x, y, w, height, style="DF" if filled else "D")
                self.set_font(FONT, "B" if filled else "", size)
                for n, line in enumerate(lines):
                    self.text(x + pad, y + pad + line_height * (n + 0.78), line)
                x += w
            self.set_y(y + height)

        if head is not None:
            self._need(head[1] + line_height * 2 + 2 * pad)
            draw(*head, "B")
        for values in rows:
            cells, height = layout(values)
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                if head is not None:
                    draw(*head, "B")
            draw(cells, height, "")
        self.set_font(FONT, "", size)

    def note(self, text: str) -> None:
        self.set_font(FONT, "", 8)
        self.multi_cell(self.epw, 4.2, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _cut(text: str, annexed: list[tuple[str, str]], key: str) -> str:
    text = text.strip()
    if len(text) <= CELL_LIMIT:
        return text
    annexed.append((key, text))
    return text[:CELL_LIMIT].rstrip() + " … (→ " + key + ")"


def render(doc: LkDocument, _: Gettext, issue: Issue) -> bytes:
    """The LK form as PDF bytes, labels in the language of ``_``."""
    pdf = _Form(doc, _, issue)
    pdf.add_page()
    annex: list[tuple[str, str]] = []

    pdf.heading(1, _("Identification"))
    pdf.fields([
        (_("LK number"), doc.number),
        (_("Status"), f"{doc.status} · " + _("round {n}").format(n=doc.round)),
        (_("Opened"), _day(doc.opened)),
        (_("Closed"), _day(doc.closed)),
    ])

    pdf.heading(2, _("Source"))
    pdf.grid((_("Ticket"), _("Channel"), _("Received"), _("Identity"), _("Category")), (24, 16, 14, 28, 18),
             [(t.number, t.channel, _day(t.received), t.complainant, t.category) for t in doc.tickets]
             or [("—", "", "", "", "")])
    if doc.complainants:
        pdf.fields([(_("Complainants"), doc.complainants)])

    pdf.heading(3, _("Nonconformity"))
    pdf.fields([(_("Service"), doc.service), (_("Procedure and clause not followed"), doc.procedure_ref)])
    pdf.text_box(_("Description (problem, location, objective evidence)"), doc.description)
    pdf.ln(1)
    pdf.set_font(FONT, "B", 8.5)
    pdf.cell(pdf.epw, 5.5, printable(_("Evidence")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.grid((_("From"), _("Evidence"), _("SHA-256 in the archive")), (18, 42, 40),
             [(e.source, _cut(e.description, annex, e.source), e.sha256 or "—") for e in doc.evidence]
             or [("—", _("none recorded"), "—")])

    pdf.heading(4, _("Cause"))
    pdf.fields([(_("How it was found"), doc.found_by or "—")])
    pdf.text_box(_("Root cause"), doc.root_cause)
    if doc.recurrence:
        pdf.fields([(_("Recurrence"), doc.recurrence)])

    pdf.heading(5, _("Follow-up programme"))
    pdf.grid((_("#"), _("Round"), _("Kind"), _("Action"), _("Owner"), _("Due"), _("Done"), _("Status"),
              _("Evidence")), (7, 12, 15, 33, 16, 14, 14, 11, 20),
             [_action_row(a, annex) for a in doc.actions] or [("—", "", "", _("no actions yet"), "", "", "", "", "")],
             size=7)

    pdf.heading(6, _("Response to the complainants"))
    if not doc.responses:
        pdf.text_box(_("Response"), "—")
    for n, response in enumerate(doc.responses, 1):  # oldest first: what each complainant was told, and when
        pdf.text_box(_("Response {n} — {kind}, sent on {day}").format(n=n, kind=response.kind, day=_day(response.on)),
                     response.text)
        pdf.ln(1)

    pdf.heading(7, _("Verification of effectiveness"))
    pdf.grid((_("Round"), _("Result"), _("By"), _("Date"), _("Note")), (8, 16, 20, 18, 38),
             [(str(v.round), v.result, v.by, _moment(v.on), _cut(v.note, annex, _("round {n}").format(n=v.round)))
              for v in doc.verifications] or [("—", _("not verified yet"), "", "", "")])
    pdf.ln(1)
    pdf.set_font(FONT, "B", 8.5)
    pdf.cell(pdf.epw, 5.5, printable(_("Complainants' ratings")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.grid((_("Ticket"), _("Rating"), _("Comment")), (22, 10, 68),
             [(r.number, f"{r.score}/5", _cut(r.comment, annex, r.number)) for r in doc.ratings]
             or [("—", "", _("no rating yet"))])

    _approvals(pdf, doc, _)
    _verification(pdf, _)

    if annex:
        pdf.heading(9, _("Annex: full texts"))
        for key, text in annex:
            pdf.text_box(key, text)
            pdf.ln(1)
    return bytes(pdf.output())


def _action_row(a: ProgrammeAction, annex: list[tuple[str, str]]) -> tuple[str, ...]:
    key = f"#{a.id}"
    return (key, str(a.round), a.kind, _cut(a.description, annex, key), a.owner, _day(a.due), _day(a.done), a.status,
            _cut(a.evidence, annex, key + " ✓"))


def _approvals(pdf: _Form, doc: LkDocument, _: Gettext) -> None:
    """Three signature boxes side by side per round (prepared / checked / approved), each round kept together on
    one page and titled when the programme had more than one round."""
    if pdf.get_y() > pdf.page_break_trigger - 60:
        pdf.add_page()
    pdf.heading(8, _("Approvals"))
    for approval in doc.approvals:
        if pdf.get_y() > pdf.page_break_trigger - 50:
            pdf.add_page()
        if len(doc.approvals) > 1:
            pdf.set_font(FONT, "B", 9)
            pdf.cell(pdf.epw, 5.5, printable(_("Round {n}: follow-up programme").format(n=approval.round)),
                     new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        _boxes(pdf, approval, _)
        if approval.note:
            pdf.note(approval.note)
        pdf.ln(1)
    for note in doc.segregation_notes:
        pdf.note("⚠ " + note)


def _boxes(pdf: _Form, approval: RoundApproval, _: Gettext) -> None:
    boxes = ((_("Prepared by"), approval.prepared), (_("Checked by"), approval.checked),
             (_("Approved by"), approval.approved))
    width = pdf.epw / 3
    top = pdf.get_y()
    for i, (title, signature) in enumerate(boxes):
        x = pdf.l_margin + i * width
        pdf.rect(x, top, width, 40)
        pdf.set_xy(x + 2, top + 1.5)
        pdf.set_font(FONT, "B", 8.5)
        pdf.cell(width - 4, 4.5, printable(title))
        pdf.set_font(FONT, "", 8)
        pdf.set_xy(x + 2, top + 7)
        pdf.cell(width - 4, 4, printable(signature.role))
        pdf.line(x + 6, top + 26, x + width - 6, top + 26)
        pdf.set_xy(x + 2, top + 27)
        pdf.set_font(FONT, "B", 8)
        pdf.cell(width - 4, 4, printable(signature.name or "—"), align="C")
        pdf.set_font(FONT, "", 7.5)
        pdf.set_xy(x + 2, top + 32)
        pdf.cell(width - 4, 4, printable(_moment(signature.at)), align="C")
    pdf.set_xy(pdf.l_margin, top + 42)


def _verification(pdf: _Form, _: Gettext) -> None:
    """The copy's verification code, version and making time, boxed under the signatures."""
    pdf.set_font(FONT, "B", 9)
    pdf.ln(2)
    pdf.cell(pdf.epw, 6, printable(_("Verification code: {code} (version {version}, made {at})").format(
        code=pdf.issue.code, version=pdf.issue.version, at=_moment(pdf.issue.made_at))), border=1, align="C",
        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
