"""The charts of ``/stats`` and the monthly recap: :class:`reports.stats_model.StatsFigures` in, PNG images out,
each with its title and the figures it shows as plain text (the message caption beside the photo, the recap's
table). Pure: matplotlib's object API on the Agg canvas (no pyplot, no display, no global state), so it can run in
a worker thread or process while the event loop serves others. Labels come through the reader's gettext.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import NamedTuple

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reports.stats_model import StatsFigures, StepTiming

Gettext = Callable[[str], str]
WIDTH, HEIGHT, DPI = 8.0, 4.5, 100  # 800 × 450 px: readable on a phone, small to send
_COMPLAINT, _SUGGESTION, _ACCENT, _MUTED = "#c0392b", "#2e86c1", "#f39c12", "#95a5a6"


class Chart(NamedTuple):
    """One chart: its title, the PNG's bytes, its figures as text (one fact a line, no markup), and what it shows in
    one word (``volume``, ``pareto``, …: the file's name)."""

    title: str
    png: bytes
    text: str
    name: str = "chart"


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    return (f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)) + unit


def _short(text: str, size: int = 28) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _figure(title: str) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return fig, ax


_MIN_SLOTS = 5
"""A chart of fewer bars keeps room for this many, so one month or one channel is not one bar as wide as the plot."""


def _few(ax: Axes, count: int, *, horizontal: bool = False) -> None:
    """Centre ``count`` categorical bars in at least :data:`_MIN_SLOTS` slots."""
    if count >= _MIN_SLOTS:
        return
    pad = (_MIN_SLOTS - count) / 2
    (ax.set_ylim if horizontal else ax.set_xlim)(-0.5 - pad, count - 0.5 + pad)


def _volume(f: StatsFigures, _: Gettext) -> Chart | None:
    if not f.volume:
        return None
    title = _("Tickets per month")
    months = f.months()
    complaints = {m: 0 for m in months}
    suggestions = {m: 0 for m in months}
    for row in f.volume:
        if row.month in complaints:
            complaints[row.month] += row.complaints
            suggestions[row.month] += row.suggestions
    before: dict[str, int] = {}
    for row in f.previous_volume:
        before[row.month] = before.get(row.month, 0) + row.total
    fig, ax = _figure(title)
    xs = range(len(months))
    c = [complaints[m] for m in months]
    s = [suggestions[m] for m in months]
    ax.bar(xs, c, color=_COMPLAINT, label=_("Complaints"))
    ax.bar(xs, s, bottom=c, color=_SUGGESTION, label=_("Suggestions"))
    year_before = [before.get(f"{int(m[:4]) - 1:04d}{m[4:]}") for m in months]
    if any(v is not None for v in year_before):
        ax.plot(xs, [v or 0 for v in year_before], color=_MUTED, marker="o",
                label=_("A year before"))
    ax.set_xticks(list(xs), months, rotation=45 if len(months) > 6 else 0, ha="right" if len(months) > 6 else "center")
    _few(ax, len(months))
    ax.legend()
    per_service: dict[str, list[int]] = {}
    for row in f.volume:
        counts = per_service.setdefault(row.service, [0, 0])
        counts[0] += row.complaints
        counts[1] += row.suggestions
    lines = [_("Received: {total} ({complaints} complaints, {suggestions} suggestions)").format(
        total=sum(c) + sum(s), complaints=sum(c), suggestions=sum(s))]
    for code, (nc, ns) in sorted(per_service.items(), key=lambda kv: -sum(kv[1]))[:8]:
        lines.append(_("{service}: {complaints} complaints, {suggestions} suggestions").format(
            service=_short(f.services.get(code, code), 40), complaints=nc, suggestions=ns))
    if f.previous_volume:
        lines.append(_("The 12 months before: {total}").format(total=sum(r.total for r in f.previous_volume)))
    return Chart(title, _png(fig), "\n".join(lines))


def _timing_line(step: StepTiming, label: str, _: Gettext) -> str:
    line = _("{step}: {percent} within the standard time ({within} of {done}); median {median}, P90 {p90} "
             "working days").format(step=label, percent=_fmt(step.within_percent, "%"), within=step.within,
                                    done=step.done + step.overdue, median=_fmt(step.median_days),
                                    p90=_fmt(step.p90_days))
    if step.overdue:
        line += "\n" + _("({n} of them not done yet and already past the standard time: counted as late)").format(
            n=step.overdue)
    return line


def _timing(f: StatsFigures, _: Gettext) -> Chart | None:
    if not (f.confirm.done or f.close.done or f.confirm.overdue or f.close.overdue):
        return None
    title = _("Within the standard time")
    labels = [_("Confirmed"), _("Closed")]
    fig, ax = _figure(title)
    values = [f.confirm.within_percent or 0.0, f.close.within_percent or 0.0]
    bars = ax.bar(labels, values, color=[_SUGGESTION, _COMPLAINT])
    ax.bar_label(bars, labels=[_fmt(v, "%") for v in values])
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    text = "\n".join(_timing_line(step, label, _) for step, label in zip((f.confirm, f.close), labels, strict=True)
                     if step.done or step.overdue)  # a step no ticket finished or missed in the period has no line
    return Chart(title, _png(fig), text)


def _bars(title: str, labels: Sequence[str], values: Sequence[int], color: str, horizontal: bool = False) -> bytes:
    fig, ax = _figure(title)
    slots = range(len(labels))
    if horizontal:  # the categories on y: one tick each (the integer locator of _figure would repeat a label)
        bars = ax.barh(list(slots), list(values)[::-1], color=color)
        ax.set_yticks(list(slots), list(labels)[::-1])
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        bars = ax.bar(list(slots), list(values), color=color)
        ax.set_xticks(list(slots), list(labels))
    _few(ax, len(labels), horizontal=horizontal)
    if not any(values):  # all zero: a count axis from 0, not matplotlib's −0.045…0.045 around nothing (third walk)
        (ax.set_xlim if horizontal else ax.set_ylim)(0, 1)
    ax.bar_label(bars)
    return _png(fig)


def _ageing(f: StatsFigures, _: Gettext) -> Chart | None:
    if not any(b.count for b in f.ageing):
        return None
    title = _("Open tickets by age (working days)")
    labels = [b.label for b in f.ageing]
    text = "\n".join([_("Open: {count}").format(count=sum(b.count for b in f.ageing))]
                     + [_("{bucket} working days: {count}").format(bucket=b.label, count=b.count) for b in f.ageing])
    return Chart(title, _bars(title, labels, [b.count for b in f.ageing], _ACCENT), text)


def outcome_label(outcome: str, _: Gettext) -> str:
    labels = {"nonconformity": _("Nonconformity"), "conforming": _("Conforming"), "duplicate": _("Duplicate"),
              "rejected": _("Rejected"), "withdrawn": _("Withdrawn")}
    return labels.get(outcome, outcome)


def _outcomes(f: StatsFigures, _: Gettext) -> Chart | None:
    if not any(o.count for o in f.outcomes):
        return None
    title = _("Outcome of complaints")
    labels = [outcome_label(o.outcome, _) for o in f.outcomes]
    text = "\n".join(f"{label}: {o.count}" for label, o in zip(labels, f.outcomes, strict=True))
    return Chart(title, _bars(title, labels, [o.count for o in f.outcomes], _COMPLAINT, horizontal=True), text)


def _pareto(f: StatsFigures, _: Gettext) -> Chart | None:
    if not f.pareto:
        return None
    title = _("Nonconformities by cause, weighted by complainants")
    rows = f.pareto[:10]
    fig, ax = _figure(title)
    xs = range(len(rows))
    ax.bar(xs, [r.weight for r in rows], color=_COMPLAINT)
    ax.set_ylabel(_("Complainants"))
    ax.set_xticks(list(xs), [r.lk_number for r in rows], rotation=30 if len(rows) > 3 else 0,
                  ha="right" if len(rows) > 3 else "center")
    _few(ax, len(rows))
    line = ax.twinx()
    line.plot(xs, [r.cumulative_percent for r in rows], color=_ACCENT, marker="o")
    line.set_ylim(0, 105)
    line.set_ylabel(_("Cumulative %"))
    text = "\n".join(_("{lk} ({service}): {cause} — {weight} complainants, cumulative {cumulative}").format(
        lk=r.lk_number, service=_short(f.services.get(r.service, r.service), 30), cause=_short(r.cause, 60),
        weight=r.weight, cumulative=_fmt(r.cumulative_percent, "%")) for r in rows)
    return Chart(title, _png(fig), text)


def _satisfaction(f: StatsFigures, _: Gettext) -> Chart | None:
    s = f.satisfaction
    if not s.rated:
        return None
    title = _("Satisfaction (1–5)")
    text = _("Mean {mean} from {rated} ratings; response rate {response}; rated 4–5: {good}").format(
        mean=_fmt(s.mean), rated=s.rated, response=_fmt(s.response_percent, "%"), good=_fmt(s.good_percent, "%"))
    return Chart(title, _bars(title, ["1", "2", "3", "4", "5"], list(s.distribution), _SUGGESTION), text)


def _actions(f: StatsFigures, _: Gettext) -> Chart | None:
    a, r = f.actions, f.recurrence
    if not (a.due or a.open_overdue or r.closed_effective or r.marked_recurrences or r.asked):
        return None
    title = _("Actions and recurrence")
    labels = [_("Done on time"), _("Done late"), _("Open overdue"), _("Recurrences"), _("Happened again")]
    overdue = sum(o.count for o in a.open_overdue)
    values = [a.done_on_time, a.done_late, overdue, r.marked_recurrences, r.answered_yes]
    lines = [
        (_("Actions due: {due}; done by the due date: {on_time} ({percent}); done late: {late}, "
           "on average {days} days late") if a.done_late and a.mean_days_late is not None else
         _("Actions due: {due}; done by the due date: {on_time} ({percent}); none done late")).format(
            due=a.due, on_time=a.done_on_time, percent=_fmt(a.on_time_percent, "%"), late=a.done_late,
            days=_fmt(a.mean_days_late)),
        _("Open overdue: {count}").format(count=overdue),
        *(f"  {_short(o.owner, 40)}: {o.count}" for o in a.open_overdue[:8]),
        _("LKs closed effective: {closed}; marked as a recurrence: {marked} ({percent})").format(
            closed=r.closed_effective, marked=r.marked_recurrences, percent=_fmt(r.recurrence_percent, "%")),
        _("Asked whether it happened again: {asked}; answered: {answered}; yes: {yes}").format(
            asked=r.asked, answered=r.answered, yes=r.answered_yes),
    ]
    return Chart(title, _bars(title, labels, values, _ACCENT, horizontal=True), "\n".join(lines))


def channel_label(channel: str, _: Gettext) -> str:
    labels = {"telegram": "Telegram", "letter": _("Letter"), "email": _("Email"), "phone": _("Phone"),
              "social_media": _("Social media"), "suggestion_box": _("Suggestion box"), "walk_in": _("Walk-in")}
    return labels.get(channel, channel)


def _channels(f: StatsFigures, _: Gettext) -> Chart | None:
    if not f.tickets:
        return None
    title = _("Channels")
    rows = sorted(f.channels, key=lambda c: -c.count)
    labels = [channel_label(c.channel, _) for c in rows]
    text = "\n".join([*(f"{label}: {c.count} ({_fmt(round(100 * c.count / f.tickets, 1), '%')})"
                        for label, c in zip(labels, rows, strict=True)),
                      _("Anonymous: {count} ({percent})").format(count=f.anonymous,
                                                                  percent=_fmt(f.anonymous_percent, "%"))])
    return Chart(title, _bars(title, labels, [c.count for c in rows], _SUGGESTION, horizontal=True), text)


CHARTS = (_volume, _timing, _ageing, _outcomes, _pareto, _satisfaction, _actions, _channels)


def render_charts(figures: StatsFigures, _: Gettext) -> list[Chart]:
    """Every chart that has something to show, in the order of the review (an empty period gives none)."""
    if figures.empty:
        return []
    return [chart._replace(name=make.__name__.lstrip("_")) for make in CHARTS
            if (chart := make(figures, _)) is not None]
