"""``tanggap export --out register.xlsx [--csv] [--sep ;] [--from …] [--to …] [--service …]``: the register written
on the office PC, by the same code as ``/export`` (:mod:`handlers.export`). ``--out`` may be a folder: the file is
then named after its period, as ``/export`` names it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.bootstrap import build, migrate
from bot.errors import ConfigError
from bot.settings import Settings
from dialogs.export_query import BadExport, parse_export, period_of
from handlers.export import register_filter, write_register
from handlers.export_jobs import file_name
from handlers.identity import Place


async def export_register(settings: Settings, out: Path, *, csv_format: bool, first: str | None, last: str | None,
                          service: str | None, locale: str, separator: str | None = None,
                          into_folder: bool = False) -> None:
    """``into_folder``: ``out`` is a folder, in which the file is named after the period it holds."""
    app = build(settings)
    try:
        await migrate(app)
        try:
            query = parse_export(service or "", app.deps.catalogue)
            span_from = period_of(first) if first else None
            span_to = period_of(last) if last else None
            if (first and span_from is None) or (last and span_to is None):
                raise BadExport("date", first if first and span_from is None else last or "")
        except BadExport as exc:
            raise ConfigError(f"export: {exc.problem} {exc.value!r} not understood (dates: 2026-11-03 or 03-11-2026, "
                              "months: 2026-11 or 11-2026; service: a code or a name from the catalogue)") from None
        query = replace(query, first=span_from[0] if span_from else None, last=span_to[1] if span_to else None,
                        format="csv" if csv_format else "xlsx")
        if into_folder:
            async with app.make_uow() as uow:
                out = out / await file_name(uow, app.deps, query)
        where = register_filter(app.deps, query)
        async with app.make_uow() as uow:
            up_to = await uow.register.last_ticket_id()
        written = await write_register(app.make_uow, app.deps, where, out,
                                       locale=locale, csv_format=csv_format, separator=separator)
        async with app.make_uow() as uow:  # the names the file shows, to whoever runs the command: no staff id
            await uow.register.record_views(where, up_to, app.deps.clock(), None, Place.EXPORT_CLI)
            await uow.commit()
        what = _count(written.tickets, "ticket") + ("" if csv_format else f", {_count(written.lks, 'LK')}, "
                                                                           f"{_count(written.actions, 'action')}")
        print(f"Register written to {out} ({what}).")
    finally:
        await app.close()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
