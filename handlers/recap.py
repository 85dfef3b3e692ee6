"""The monthly recap (rekap bulanan, issue 14 §4): the month asked, its content built from the database in a few
SQL aggregates and capped lists (:func:`build_recap`) beside the statistics' figures and charts of the month
(``handlers.stats``, ``reports.charts``), and the PDF drawn from it (:func:`draw_recap`: pure-Python page layout,
so the bot runs it in a child process, never on the event loop).

Callable without a chat: the due-work engine's recap on the first working day (through an ``export_job`` of format
``recap``, :mod:`handlers.recap_jobs`), ``/recap`` and ``tanggap recap`` all build the same document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from babel.dates import format_date

from dialogs.stats_query import StatsQuery
from domain.vocabulary import LkStatus
from handlers.context import Deps
from handlers.documents import INSTITUTION, UNIT
from handlers.i18n import Gettext, Translator
from handlers.labels import lk_status_name
from reports.recap_model import AgainLine, LkLine, ProgrammeLine, RecapDocument
from reports.stats_model import StatsFigures
from storage.repositories.recap import RecapLk
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from reports.charts import Chart

LISTED = 200
"""Rows each list of the recap shows at most (the count says how many there are in all)."""


class BadMonth(ValueError):
    """Raised by :func:`parse_month` for text that is not a month (``problem`` = ``"month"``) or for a month that
    has not ended yet (``"future"``); ``value`` is what was given."""

    def __init__(self, problem: str, value: str) -> None:
        super().__init__(f"{problem}: {value}")
        self.problem, self.value = problem, value


def previous_month(today: date) -> date:
    """The first day of the month before ``today``'s."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def parse_month(text: str, today: date) -> date:
    """``2026-11`` or ``11-2026`` (empty: the previous month) → the first day of that month; the current month or a
    later one is refused (a recap is of a month that has ended)."""
    text = text.strip()
    if not text:
        return previous_month(today)
    found = re.fullmatch(r"(\d{4})[-/](\d{1,2})|(\d{1,2})[-/](\d{4})", text)
    if not found:
        raise BadMonth("month", text)
    year, month = (int(found[1]), int(found[2])) if found[1] else (int(found[4]), int(found[3]))
    if not 1 <= month <= 12 or year < 2000:
        raise BadMonth("month", text)
    first = date(year, month, 1)
    if first > previous_month(today):
        raise BadMonth("future", text)
    return first


def month_end(first: date) -> date:
    """The first day of the month after ``first``'s."""
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_name(first: date, locale: str) -> str:
    """The month as a reader says it: "November 2026"."""
    return format_date(first, "LLLL y", locale=locale)


def file_name(first: date) -> str:
    return f"recap-{first:%Y-%m}.pdf"


def month_query(first: date) -> StatsQuery:
    """The statistics' query of the month starting ``first`` (every service)."""
    return StatsQuery(first, month_end(first) - timedelta(days=1))


async def build_recap(uow: UnitOfWork, deps: Deps, first: date, locale: str, figures: StatsFigures | None = None,
                      charts: Sequence[Chart] = ()) -> RecapDocument:
    """The recap of the month starting ``first``, labels in ``locale`` (read in the open ``uow``), with the month's
    statistics and their charts (``deps.stats_maker`` reads and draws them off the event loop)."""
    _ = deps.translator.gettext(locale)
    start = datetime.combine(first, time(), tzinfo=deps.tz).astimezone(UTC)
    end = datetime.combine(month_end(first), time(), tzinfo=deps.tz).astimezone(UTC)
    services: dict[str, str] = {}

    def service(code: str) -> str:
        if code not in services:
            found = deps.catalogue.get(code)
            services[code] = found.display_name(locale) if found is not None else code
        return services[code]

    def line(lk: RecapLk) -> LkLine:
        effective = "—" if lk.effective is None else _("yes") if lk.effective else _("no")
        status = lk_status_name(lk.status, _)
        if lk.round > 1 and lk.status != LkStatus.CLOSED:
            status += " " + _("(round {n})").format(n=lk.round)
        return LkLine(lk.number, service(lk.service_code), status, effective, lk.recurrence_of or "")

    opened_total, opened = await uow.recap.lks_opened(start, end, LISTED)
    closed_total, closed = await uow.recap.lks_closed(start, end, LISTED)
    # the open programmes as they stand at the month's end (or now, for the month just ended)
    as_of = min(month_end(first), deps.today() + timedelta(days=1)) - timedelta(days=1)
    programmes_total, programmes = await uow.recap.programmes(as_of, LISTED)
    answers, again = await uow.recap.recurrence_answers(start, end, LISTED)
    return RecapDocument(
        month=first, period=period_name(first, locale), institution=INSTITUTION, unit=UNIT,
        made_at=deps.clock().astimezone(deps.tz), figures=figures, charts=tuple(charts),
        opened=tuple(line(x) for x in opened), opened_total=opened_total,
        closed=tuple(line(x) for x in closed), closed_total=closed_total,
        programmes=tuple(ProgrammeLine(p.lk_number, service(p.service_code), p.owner, p.open, p.overdue)
                         for p in programmes), programmes_total=programmes_total,
        marked=tuple(line(x) for x in opened if x.recurrence_of),
        again=tuple(AgainLine(a.lk_number, a.ticket_number, a.new_ticket_number or "—") for a in again),
        answers_yes=answers.get("yes", 0), answers_no=answers.get("no", 0))


def draw_recap(doc: RecapDocument, locale: str, translator: Translator | None = None) -> bytes:
    """The recap's PDF in ``locale``: CPU-bound and picklable in and out, so it can run in a
    worker thread or a child process (which makes its own translator)."""
    from reports.recap_pdf import render  # fpdf2 and its fonts: loaded when a recap is first drawn

    gettext: Gettext = (translator or Translator()).gettext(locale)
    return render(doc, gettext)
