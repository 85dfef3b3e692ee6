"""The monthly recap as a PDF (rekap bulanan; fpdf2 with the DejaVu fonts the LK form embeds): the month's key
figures and charts with their figures, the LKs opened and closed, the open programmes, the recurrences, and the
management-review inputs of ISO 9001 §9.3.2, each mapped to the section that supports it.

Pure: :class:`reports.recap_model.RecapDocument` and a gettext function in, bytes out. The section numbers below
are the ones the §9.3.2 table refers to; keep them in step.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from reports.lk_pdf import DARK, FONT, FONTS, GREY, printable, wrap
from reports.recap_model import Gettext, LkLine, RecapDocument
from reports.stats_model import StatsFigures

KPIS, CHARTS, OPENED, CLOSED, PROGRAMMES, RECURRENCES, REVIEW = range(1, 8)
"""The sections, numbered as printed."""


def review_inputs(_: Gettext) -> list[tuple[str, str]]:
    """ISO 9001 §9.3.2's inputs to management review, each with the recap's sections that support it."""

    def see(*sections: int) -> str:
        return ", ".join(_("section {n}").format(n=n) for n in sections)

    none = _("not covered by the complaint data")
    return [
        (_("Customer satisfaction and feedback from interested parties"), see(KPIS, CHARTS)),
        (_("Extent to which quality objectives have been met"), see(KPIS, CHARTS)),
        (_("Process performance and conformity of products and services"), see(KPIS, CHARTS, OPENED)),
        (_("Nonconformities and corrective actions"), see(OPENED, CLOSED, PROGRAMMES)),
        (_("Monitoring and measurement results"), see(KPIS, CHARTS, PROGRAMMES)),
        (_("Audit results"), none),
        (_("Performance of external providers"), none),
        (_("Adequacy of resources"), none + " — " + _("overdue actions per owner hint at it: {where}").format(
            where=see(PROGRAMMES))),
        (_("Effectiveness of actions taken to address risks and opportunities"), see(CLOSED, RECURRENCES)),
        (_("Opportunities for improvement"), see(CHARTS, RECURRENCES)),
    ]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def kpis(f: StatsFigures, _: Gettext) -> list[tuple[str, str]]:
    """The month's key figures as label | value rows (computed by the statistics; only formatted here)."""
    return [
        (_("Tickets received"), str(f.tickets)),
        (_("Confirmed within the standard time"), _pct(f.confirm.within_percent)),
        (_("Confirmation time, median / P90 (working days)"),
         f"{_num(f.confirm.median_days)} / {_num(f.confirm.p90_days)}"),
        (_("Closed within the standard time"), _pct(f.close.within_percent)),
        (_("Closing time, median / P90 (working days)"), f"{_num(f.close.median_days)} / {_num(f.close.p90_days)}"),
        (_("Open tickets"), str(sum(b.count for b in f.ageing))),
        (_("Satisfaction: mean rating (1–5)"), _num(f.satisfaction.mean)),
        (_("Satisfaction: rated 4–5"), _pct(f.satisfaction.good_percent)),
        (_("Satisfaction: response rate"), _pct(f.satisfaction.response_percent)),
        (_("Actions done by their due date"), _pct(f.actions.on_time_percent)),
        (_("LKs closed effective"), str(f.recurrence.closed_effective)),
        (_("Recurrence rate (marked recurrences over LKs closed effective)"), _pct(f.recurrence.recurrence_percent)),
        (_("Anonymous tickets"), _pct(f.anonymous_percent)),
    ]


class _Recap(FPDF):
    """A4 portrait; the title line and "page x of y" on every page."""

    def __init__(self, doc: RecapDocument, _: Gettext) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc, self.t = doc, _
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(_("Monthly recap {period}").format(period=doc.period))
        self.set_author(f"{doc.institution} · {doc.unit}")
        self.set_creator("Tanggap")
        self.set_creation_date(doc.made_at)

    def header(self) -> None:
        _, doc = self.t, self.doc
        self.set_font(FONT, "B", 12)
        self.cell(self.epw, 6, printable(_("Monthly recap {period}").format(period=doc.period)),
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 8)
        self.cell(self.epw, 4.5, printable(f"{doc.institution} · {doc.unit}"), new_x=XPos.LMARGIN,
                  new_y=YPos.NEXT)
        self.set_draw_color(*DARK)
        self.line(self.l_margin, self.get_y() + 1, self.l_margin + self.epw, self.get_y() + 1)
        self.set_y(self.get_y() + 4)

    def footer(self) -> None:
        _ = self.t
        self.set_y(-13)
        self.set_font(FONT, "", 7)
        self.set_text_color(70, 70, 70)
        made = _("Made {moment} by Tanggap").format(moment=self.doc.made_at.strftime("%d-%m-%Y %H:%M ") +
                                                     (self.doc.made_at.tzname() or ""))
        self.cell(self.epw * 0.75, 5, printable(made))
        self.cell(self.epw * 0.25, 5, _("Page {page} of {pages}").format(page=self.page_no(), pages="{nb}"),
                  align="R")
        self.set_text_color(0, 0, 0)

    def heading(self, number: int, text: str) -> None:
        if self.get_y() > self.page_break_trigger - 30:
            self.add_page()
        self.ln(3)
        self.set_fill_color(*GREY)
        self.set_font(FONT, "B", 10)
        self.cell(self.epw, 7, printable(f"{number}. {text}"), border=1, fill=True, new_x=XPos.LMARGIN,
                  new_y=YPos.NEXT)
        self.ln(1)

    def note(self, text: str, size: float = 8.5) -> None:
        self.set_font(FONT, "", size)
        for line in wrap(printable(text), self.epw, size):
            if self.get_y() + size * 0.5 > self.page_break_trigger:
                self.add_page()
            self.cell(self.epw, size * 0.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, headings: Sequence[str], widths: Sequence[float], rows: Sequence[Sequence[str]],
             size: float = 8.0) -> None:
        """A table whose heading row repeats on every page it runs onto; rows never split."""
        scale = self.epw / sum(widths)
        columns = [w * scale for w in widths]
        line_height, pad = size * 0.46, 1.0

        def layout(values: Sequence[str], bold: bool) -> tuple[list[list[str]], float]:
            cells = [wrap(printable(v or "—"), w - 2 * pad, size, bold) for v, w in zip(values, columns, strict=True)]
            return cells, max(len(c) for c in cells) * line_height + 2 * pad

        def draw(cells: list[list[str]], height: float, bold: bool) -> None:
            x, y = self.l_margin, self.get_y()
            self.set_fill_color(*GREY)
            for lines, w in zip(cells, columns, strict=True):
                self.rect(x, y, w, height, style="DF" if bold else "D")
                self.set_font(FONT, "B" if bold else "", size)
                for n, line in enumerate(lines):
                    self.text(x + pad, y + pad + line_height * (n + 0.78), line)
                x += w
            self.set_y(y + height)

        head = layout(headings, True)
        if self.get_y() + head[1] * 2 > self.page_break_trigger:
            self.add_page()
        draw(*head, True)
        for values in rows:
            cells, height = layout(values, False)
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                draw(*head, True)
            draw(cells, height, False)
        self.set_font(FONT, "", size)


def _more(pdf: _Recap, _: Gettext, shown: int, total: int) -> None:
    if total > shown:
        pdf.note(_("… and {n} more (the register, /export, lists them all).").format(n=total - shown), 7.5)


def _lks(pdf: _Recap, _: Gettext, lines: Sequence[LkLine], total: int, empty: str) -> None:
    if not lines:
        pdf.note(empty)
        return
    pdf.note(_("{n} in all.").format(n=total))
    pdf.grid((_("LK"), _("Service"), _("Status"), _("Effective?"), _("Recurrence of")), (22, 50, 30, 22, 22),
             [(x.number, x.service, x.status, x.effective, x.recurrence_of) for x in lines])
    _more(pdf, _, len(lines), total)


def render(doc: RecapDocument, _: Gettext) -> bytes:
    """The recap as PDF bytes, labels in the language of ``_``."""
    pdf = _Recap(doc, _)
    pdf.add_page()
    for text in doc.notes:
        pdf.note(text)

    pdf.heading(KPIS, _("Key figures"))
    if doc.figures is not None:
        pdf.grid((_("Figure"), _("Value")), (70, 30), kpis(doc.figures, _))
    else:
        pdf.note(_("No statistics are available for this month."))

    pdf.heading(CHARTS, _("Charts"))
    if not doc.charts:
        pdf.note(_("No charts for this month."))
    for chart in doc.charts:
        if pdf.get_y() > pdf.page_break_trigger - 95:
            pdf.add_page()
        pdf.set_font(FONT, "B", 9)
        pdf.cell(pdf.epw, 6, printable(chart.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        top = pdf.get_y()
        placed = pdf.image(io.BytesIO(chart.png), x=pdf.l_margin, y=top, w=pdf.epw * 0.62)
        image_bottom = top + float(placed.rendered_height)
        pdf.set_xy(pdf.l_margin + pdf.epw * 0.64, top)
        pdf.set_font(FONT, "", 7.5)
        width = pdf.epw * 0.36
        for line in wrap(printable(chart.text), width, 7.5):
            pdf.set_x(pdf.l_margin + pdf.epw * 0.64)
            pdf.cell(width, 3.6, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_xy(pdf.l_margin, max(image_bottom, pdf.get_y()) + 3)

    pdf.heading(OPENED, _("LKs opened this month"))
    _lks(pdf, _, doc.opened, doc.opened_total, _("No LK was opened this month."))
    pdf.heading(CLOSED, _("LKs closed this month"))
    _lks(pdf, _, doc.closed, doc.closed_total, _("No LK was closed this month."))

    pdf.heading(PROGRAMMES, _("Open programmes (LKs in progress)"))
    if doc.programmes:
        pdf.grid((_("LK"), _("Service"), _("Owner"), _("Actions open"), _("Overdue")), (22, 46, 46, 18, 18),
                 [(p.lk_number, p.service, p.owner, str(p.open), str(p.overdue)) for p in doc.programmes])
        _more(pdf, _, len(doc.programmes), doc.programmes_total)
    else:
        pdf.note(_("No LK is in progress with open actions."))

    pdf.heading(RECURRENCES, _("Recurrences"))
    if doc.marked:
        pdf.note(_("LKs opened this month marked as a recurrence of an earlier LK:"))
        pdf.grid((_("LK"), _("Service"), _("Recurrence of")), (30, 60, 30),
                 [(x.number, x.service, x.recurrence_of) for x in doc.marked])
    else:
        pdf.note(_("No LK opened this month was marked as a recurrence."))
    pdf.ln(2)
    pdf.note(_("Answers to the question whether it happened again: {yes} yes, {no} no.").format(
        yes=doc.answers_yes, no=doc.answers_no))
    if doc.again:
        pdf.grid((_("LK"), _("Ticket asked"), _("New ticket")), (30, 45, 45),
                 [(a.lk_number, a.ticket_number, a.new_ticket_number) for a in doc.again])

    pdf.heading(REVIEW, _("Inputs to management review (ISO 9001 §9.3.2)"))
    pdf.grid((_("Input"), _("Where in this recap")), (60, 40), review_inputs(_))
    return bytes(pdf.output())
