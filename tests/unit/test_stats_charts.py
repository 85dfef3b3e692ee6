"""/stats' charts: real PNG images of the size sent, labelled in the reader's language, none for an empty period."""

from __future__ import annotations

import struct
from datetime import date

import pytest

from handlers.i18n import Translator
from reports.charts import DPI, HEIGHT, WIDTH, render_charts
from reports.stats_model import (
    AGEING_BUCKETS,
    OUTCOMES,
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


def figures(**changes: object) -> StatsFigures:
    base = dict(
        period=StatsPeriod(date(2026, 1, 1), date(2026, 6, 30)), tickets=30,
        volume=(MonthVolume("2026-01", "transcript", 5, 2), MonthVolume("2026-03", "tuition", 13, 10)),
        previous_volume=(MonthVolume("2025-03", "tuition", 2, 1),),
        confirm=StepTiming("confirm", 20, 15, 2.0, 4.0), close=StepTiming("close", 10, 4, 8.0, 21.0),
        ageing=tuple(AgeingBucket(label, i) for i, (label, _l, _h) in enumerate(AGEING_BUCKETS)),
        outcomes=tuple(OutcomeCount(o, i + 1) for i, o in enumerate(OUTCOMES)),
        pareto=(ParetoRow("tuition", "LK-2026-001", "Printer <rusak>", 12, 60.0),
                ParetoRow("transcript", "LK-2026-002", "Vendor lambat", 8, 100.0)),
        recurrence=Recurrence(4, 1, 10, 6, 2), actions=ActionsKpi(10, 6, 3, 2.33, (OwnerOverdue("Budi", 1),)),
        satisfaction=Satisfaction((1, 0, 2, 5, 7), 20),
        channels=(ChannelCount("telegram", 25), ChannelCount("letter", 5)), anonymous=3,
        services={"transcript": "Academic transcript", "tuition": "Tuition fee"})
    base.update(changes)
    return StatsFigures(**base)  # type: ignore[arg-type]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_every_chart_is_a_png_of_the_size_sent_with_its_figures() -> None:
    charts = render_charts(figures(), lambda s: s)
    assert [c.title for c in charts] == [
        "Tickets per month", "Within the standard time", "Open tickets by age (working days)",
        "Outcome of complaints", "Nonconformities by cause, weighted by complainants", "Satisfaction (1–5)",
        "Actions and recurrence", "Channels"]
    for chart in charts:
        assert png_size(chart.png) == (int(WIDTH * DPI), int(HEIGHT * DPI))
        assert 5_000 < len(chart.png) < 200_000
    text = {c.title: c.text for c in charts}
    assert "Received: 30 (18 complaints, 12 suggestions)" in text["Tickets per month"]
    assert "Confirmed: 75% within the standard time (15 of 20); median 2, P90 4 working days" in \
        text["Within the standard time"]
    assert "LK-2026-001 (Tuition fee): Printer <rusak> — 12 complainants, cumulative 60%" in \
        text["Nonconformities by cause, weighted by complainants"]
    assert "Mean 4.1 from 15 ratings; response rate 75%; rated 4–5: 80%" == text["Satisfaction (1–5)"]
    assert "Anonymous: 3 (10%)" in text["Channels"]


@pytest.mark.parametrize(("locale", "words"), [("id", ("Tiket per bulan", "Diterima: 30 (18 keluhan, 12 saran)")),
                                               ("en", ("Tickets per month", "Received: 30"))])
def test_labels_are_in_the_readers_language(translator: Translator, locale: str, words: tuple[str, str]) -> None:
    charts = render_charts(figures(), translator.gettext(locale))
    assert charts[0].title == words[0]
    assert words[1] in charts[0].text


def test_a_chart_without_data_is_left_out_and_an_empty_period_has_none() -> None:
    no_ratings = render_charts(figures(satisfaction=Satisfaction((0, 0, 0, 0, 0), 3)), lambda s: s)
    assert "Satisfaction (1–5)" not in [c.title for c in no_ratings]
    unconfirmed = render_charts(figures(confirm=StepTiming("confirm", 0, 0, None, None)), lambda s: s)
    timing = next(c.text for c in unconfirmed if c.title == "Within the standard time")
    assert timing.startswith("Closed: 40% within the standard time (4 of 10)") and "Confirmed" not in timing
    empty = figures(tickets=0, volume=(), previous_volume=(), confirm=StepTiming("confirm", 0, 0, None, None),
                    close=StepTiming("close", 0, 0, None, None),
                    ageing=tuple(AgeingBucket(label, 0) for label, _l, _h in AGEING_BUCKETS),
                    outcomes=tuple(OutcomeCount(o, 0) for o in OUTCOMES), pareto=(),
                    recurrence=Recurrence(0, 0, 0, 0, 0),
                    actions=ActionsKpi(0, 0, 0, None), satisfaction=Satisfaction((0, 0, 0, 0, 0), 0), channels=(),
                    anonymous=0)
    assert empty.empty
    assert render_charts(empty, lambda s: s) == []


def test_each_chart_is_named_for_its_file(translator: Translator) -> None:
    names = [chart.name for chart in render_charts(figures(), translator.gettext("id"))]
    assert names == ["volume", "timing", "ageing", "outcomes", "pareto", "satisfaction", "actions", "channels"]


@pytest.mark.parametrize("horizontal", [True, False])
def test_bars_all_zero_count_from_zero(monkeypatch: pytest.MonkeyPatch, horizontal: bool) -> None:
    """The third walk: "actions due: 0" was drawn on a −0.045…0.045 axis."""
    from reports import charts

    drawn = []
    monkeypatch.setattr(charts, "_png", lambda fig: drawn.append(fig) or b"")
    charts._bars("Actions", ["on time", "late"], [0, 0], "#000000", horizontal=horizontal)
    ax = drawn[0].axes[0]
    assert (ax.get_xlim() if horizontal else ax.get_ylim()) == (0.0, 1.0)
