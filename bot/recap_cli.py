"""``tanggap recap [2026-11] --out recap.pdf [--lang en]``: the monthly recap written on the office PC by the same
code as ``/recap`` (:mod:`handlers.recap`). ``--out`` may be a folder: the file is then named ``recap-2026-11.pdf``
there. Without a month: the previous one."""

from __future__ import annotations

from pathlib import Path

from bot.bootstrap import build, migrate
from bot.errors import ConfigError
from bot.settings import Settings
from handlers.recap import BadMonth, build_recap, draw_recap, file_name, month_query, parse_month, previous_month
from handlers.stats_jobs import in_process


async def write_recap(settings: Settings, month: str, out: Path, locale: str, *, into_folder: bool = False) -> None:
    app = build(settings)
    try:
        await migrate(app)
        today = app.deps.today()
        try:
            first = parse_month(month, today)
        except BadMonth as exc:
            why = "is not a month" if exc.problem == "month" else "has not ended yet"
            raise ConfigError(f"recap: {exc.value!r} {why}; give a month that has ended as 2026-11 or 11-2026, "
                              f"e.g. {previous_month(today):%Y-%m}") from None
        if into_folder:
            out = out / file_name(first)
        figures, charts = await in_process(app.make_uow, app.deps)(month_query(first), locale)
        async with app.make_uow() as uow:
            doc = await build_recap(uow, app.deps, first, locale, figures, charts)
        out.write_bytes(draw_recap(doc, locale, app.deps.translator))
        print(f"Recap of {first:%Y-%m} written to {out} ({doc.opened_total} LKs opened, {doc.closed_total} closed).")
    finally:
        await app.close()
