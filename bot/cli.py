"""``tanggap``: run (long polling), webhook (Telegram POSTs to us), sandbox (offline, in the terminal), migrate."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import faulthandler
import logging
import signal
import sys
from collections.abc import Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.bootstrap import build, migrate
from bot.errors import ConfigError
from bot.logs import setup_logging
from bot.service import db_label, serve
from bot.settings import Settings

log = logging.getLogger("tanggap")
ONE_ANSWER = ("lk-pdf", "export", "due", "archive", "recap", "privacy")
"""Commands that print one answer: the schema's INFO lines are left out."""


async def migrate_only(settings: Settings) -> None:
    app = build(settings)
    try:
        await migrate(app)
        print(f"Database is at the newest schema ({db_label(app)}).")
    finally:
        await app.close()


def _run(main: Coroutine[Any, Any, None]) -> int:
    # a process that hangs can be asked where: ``kill -USR1 <pid>`` prints every thread's stack to stderr (the
    # journal); a crash in C code prints them too
    faulthandler.enable()
    with contextlib.suppress(AttributeError, ValueError):  # no SIGUSR1 on Windows
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    async def guarded() -> None:
        task = asyncio.ensure_future(main)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    try:
        asyncio.run(guarded())
    except ConfigError as exc:
        print(f"tanggap: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def _moment(text: str) -> datetime:
    """An aware moment from the command line (``2027-01-15T08:00+07:00``); a clear error otherwise."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a moment like 2027-01-15T08:00+07:00") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone: write it like 2027-01-15T08:00+07:00")
    return moment


def _archive(settings: Settings, action: str) -> int:
    from bot.archive_cli import retry_failed, verify_archive

    if action == "retry":
        count = asyncio.run(retry_failed(settings))
        print(f"{count} failed {'file' if count == 1 else 'files'} will be fetched again by the running bot.")
        return 0
    lines: list[str] = []
    result = asyncio.run(verify_archive(settings, lines))
    print("\n".join(lines))
    return 0 if result.ok else 1


def _privacy_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    privacy = sub.add_parser("privacy", help="the breach runbook (docs/operations.md): whom a breach affects, "
                                             "and telling them")
    actions = privacy.add_subparsers(dest="action", required=True)
    window = {"--since": "the breach window's start, ISO 8601 with its zone, e.g. 2026-11-01T08:00+07:00",
              "--until": "the breach window's end, e.g. 2026-11-03T17:00+07:00"}
    affected = actions.add_parser("affected", help="list the people whose personal data the bot held in the window")
    notify = actions.add_parser("notify", help="queue the breach notice to each affected person with Telegram, once")
    for action in (affected, notify):
        for flag, text in window.items():
            action.add_argument(flag, required=True, help=text)
    affected.add_argument("--format", choices=("text", "csv"), default="text", help="text (default) or csv")
    affected.add_argument("--out", type=Path, default=None, help="write the list to this file (default: print it)")
    notify.add_argument("--text-id", type=Path, required=True, help="the notice in Indonesian (a UTF-8 text file)")
    notify.add_argument("--text-en", type=Path, required=True, help="the notice in English (a UTF-8 text file)")
    notify.add_argument("--dry-run", action="store_true", help="write nothing: say who would be told")
    notify.add_argument("--breach", default=None,
                        help="a name for the breach, e.g. 2026-11-token-leak (default: its window): a wider window "
                             "under the same name tells only the people it adds")
    erasures = actions.add_parser("erasures", help="the erasure requests received since a backup was made (apply "
                                                   "them again after restoring it)")
    erasures.add_argument("--since", required=True, help="when the backup was made, e.g. 2026-11-25T02:30+07:00")
    erasures.add_argument("--out", type=Path, default=None, help="also write the list to this file")


def _privacy(settings: Settings, args: argparse.Namespace) -> int:
    from bot.privacy_cli import breach_name, list_affected, list_erasures, notice_texts, notify, window

    if args.action == "erasures":
        return _run(list_erasures(settings, window(args.since)[0], args.out))
    since, until = window(args.since, args.until)
    if args.action == "affected":
        return _run(list_affected(settings, since, until, csv_format=args.format == "csv", out=args.out))
    return _run(notify(settings, since, until, notice_texts(args.text_id, args.text_en), dry_run=args.dry_run,
                       breach=breach_name(args.breach)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tanggap", description="Tanggap: complaints and suggestions on Telegram.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot with long polling (needs TELEGRAM_BOT_TOKEN; deletes a webhook)")
    hook = sub.add_parser(
        "webhook", help="run the bot in webhook mode (needs TELEGRAM_BOT_TOKEN, WEBHOOK_URL, WEBHOOK_SECRET)"
    )
    hook.add_argument("--listen", default=None, help="address to listen on (WEBHOOK_LISTEN, default 127.0.0.1)")
    hook.add_argument("--port", type=int, default=None, help="port to listen on (WEBHOOK_PORT, default 8080)")
    hook.add_argument("--url", default=None, help="public https:// URL Telegram posts to (WEBHOOK_URL)")
    box = sub.add_parser("sandbox", help="offline: a local Bot API emulator and a chat in this terminal")
    box.add_argument("--user", type=int, default=None, help="the Telegram id you start as (default 1001)")
    sub.add_parser("migrate", help="upgrade the database to the newest schema")
    due = sub.add_parser("due", help="print what the reminders engine would send at a moment (sends nothing)")
    due.add_argument("--at", type=_moment, default=None,
                     help="the moment, ISO 8601 with its zone, e.g. 2027-01-15T08:00+07:00 (default: now)")
    archive = sub.add_parser("archive", help="the evidence archive (ARCHIVE_DIR): verify it, or retry failed fetches")
    archive.add_argument("action", choices=("verify", "retry"),
                         help="verify: rehash every stored file and name the missing or altered ones (exit 1 then); "
                              "retry: fetch every failed file again at the next chance")
    pdf = sub.add_parser("lk-pdf", help="write an LK's form as a PDF (the same as /lk pdf in the bot)")
    pdf.add_argument("number", help="the LK number, e.g. LK-2026-001")
    pdf.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    pdf.add_argument("--lang", choices=("id", "en"), default="id", help="the form's language (default id)")
    export = sub.add_parser("export", help="write the register (tickets, LKs, actions, ratings) as XLSX or CSV")
    export.add_argument("--out", type=Path, required=True,
                        help="the file to write, e.g. register.xlsx; or a folder: the file is named there after the "
                             "period, e.g. register-2026-01-05_2026-11-27.xlsx")
    export.add_argument("--csv", action="store_true",
                        help="the ticket register as CSV (UTF-8 with BOM) instead (also when --out ends in .csv)")
    export.add_argument("--from", dest="first", default=None, help="first day or month received: 2026-11-03, 2026-11")
    export.add_argument("--to", dest="last", default=None, help="last day or month received (included)")
    export.add_argument("--service", default=None, help="one service, by code or name")
    export.add_argument("--lang", default="id", choices=("id", "en"), help="labels' language (default id)")
    export.add_argument("--sep", default=None, choices=(";", ",", "tab"),
                        help="the CSV's list separator (default: ';' with --lang id, as Excel set to Indonesian "
                             "expects; ',' with --lang en)")
    recap = sub.add_parser("recap", help="write the monthly recap as a PDF (the same as /recap in the bot)")
    recap.add_argument("month", nargs="?", default="", help="the month, e.g. 2026-11 (default: the previous month)")
    recap.add_argument("--out", type=Path, required=True,
                       help="the PDF to write, e.g. recap.pdf; or a folder: the file is named recap-2026-11.pdf there")
    recap.add_argument("--lang", default="id", choices=("id", "en"), help="the recap's language (default id)")
    _privacy_parser(sub)
    args = parser.parse_args(argv)
    try:
        settings = Settings()
        setup_logging(settings.log_level if args.command != "sandbox" else "WARNING", settings.secrets())
        if args.command in ONE_ANSWER:  # one answer, not the schema's INFO lines
            logging.getLogger("alembic").setLevel(logging.WARNING)
        out = getattr(args, "out", None)
        if isinstance(out, Path) and not out.parent.is_dir():
            raise ConfigError(f"the folder {out.parent} does not exist: create it or choose another --out")
        if args.command == "run":
            return _run(serve(settings))
        if args.command == "webhook":
            given = {"webhook_listen": args.listen, "webhook_port": args.port, "webhook_url": args.url}
            settings = settings.model_copy(update={k: v for k, v in given.items() if v is not None})
            return _run(serve(settings, mode="webhook"))
        if args.command == "migrate":
            return _run(migrate_only(settings))
        if args.command == "lk-pdf":
            from bot.lk_pdf_cli import write_lk_pdf

            result = asyncio.run(write_lk_pdf(settings, args.number, args.out, args.lang))
            return result
        if args.command == "due":
            from bot.due_cli import print_due

            return _run(print_due(settings, args.at))
        if args.command == "archive":
            return _archive(settings, args.action)
        if args.command == "export":
            from bot.export_cli import export_register

            return _run(export_register(settings, args.out, csv_format=args.csv or args.out.suffix.lower() == ".csv",
                                        first=args.first, last=args.last,
                                        service=args.service, locale=args.lang,
                                        separator="\t" if args.sep == "tab" else args.sep,
                                        into_folder=args.out.is_dir()))
        if args.command == "recap":
            from bot.recap_cli import write_recap

            return _run(write_recap(settings, args.month, args.out, args.lang, into_folder=args.out.is_dir()))
        if args.command == "privacy":
            return _privacy(settings, args)
        from bot.sandbox import sandbox

        return _run(sandbox(settings, start_user=args.user))
    except ConfigError as exc:
        print(f"tanggap: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
