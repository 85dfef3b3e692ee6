"""A recap document with every section filled, for the renderer's tests."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.i18n import Translator
from reports.charts import render_charts
from reports.recap_model import AgainLine, LkLine, ProgrammeLine, RecapDocument
from reports.stats_model import (
    ActionsKpi,
    AgeingBucket,
    ChannelCount,
    MonthVolume,
    OutcomeCount,
    OwnerOverdue,
    ParetoRow,
    Recurrence,
    Satisfaction,
    StatsFigures,
    StatsPeriod,
    StepTiming,
)


def figures() -> StatsFigures:
    return StatsFigures(
        period=StatsPeriod(date(2026, 11, 1), date(2026, 11, 30)), tickets=42,
        volume=(MonthVolume("2026-11", "legalisir", 30, 4), MonthVolume("2026-11", "transkrip", 6, 2)),
        previous_volume=(MonthVolume("2026-10", "legalisir", 20, 1),),
        confirm=StepTiming("confirm", 40, 31, 2.0, 5.0), close=StepTiming("close", 25, 17, 8.0, 14.0),
        ageing=(AgeingBucket("0–3", 5), AgeingBucket("4–5", 2), AgeingBucket("6–14", 3), AgeingBucket("15–60", 1),
                AgeingBucket(">60", 0)),
        outcomes=(OutcomeCount("nonconformity", 12), OutcomeCount("conforming", 20), OutcomeCount("duplicate", 3),
                  OutcomeCount("rejected", 2), OutcomeCount("withdrawn", 1)),
        pareto=(ParetoRow("legalisir", "LK-2026-011", "Stempel habis", 9, 75.0),
                ParetoRow("transkrip", "LK-2026-012", "Server down", 3, 100.0)),
        recurrence=Recurrence(closed_effective=4, marked_recurrences=1, asked=6, answered=5, answered_yes=1),
        actions=ActionsKpi(due=10, done_on_time=7, done_late=2, mean_days_late=3.5,
                           open_overdue=(OwnerOverdue("Budi Santoso", 1),)),
        satisfaction=Satisfaction((1, 0, 2, 6, 9), 25), channels=(ChannelCount("telegram", 38),
                                                                   ChannelCount("email", 4)),
        anonymous=5, services={"legalisir": "Legalisir ijazah", "transkrip": "Transkrip nilai"})


def document(locale: str = "en", *, with_figures: bool = True) -> RecapDocument:
    """Every section filled; the charts drawn from :func:`figures` in ``locale``."""
    lk = LkLine("LK-2026-011", "Legalisir ijazah", "Closed", "yes")
    recurring = LkLine("LK-2026-013", "Legalisir ijazah", "In progress", "—", "LK-2026-004")
    return RecapDocument(
        month=date(2026, 11, 1), period="November 2026", institution="Institut Teknologi Sepuluh Nopember",
        unit="BAPKM", made_at=datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        figures=figures() if with_figures else None,
        charts=tuple(render_charts(figures(), Translator().gettext(locale))) if with_figures else (),
        opened=(lk, recurring), opened_total=2, closed=(lk,), closed_total=1,
        programmes=(ProgrammeLine("LK-2026-013", "Legalisir ijazah", "Budi Santoso", 3, 1),), programmes_total=1,
        marked=(recurring,), again=(AgainLine("LK-2026-004", "KEL-2026-00031", "KEL-2026-00077"),),
        answers_yes=1, answers_no=4)
