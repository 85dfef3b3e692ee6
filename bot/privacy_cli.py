"""``tanggap privacy affected|notify|erasures``: the commands of docs/operations.md's "Breach" and "Backups".

``affected --since … --until … [--format text|csv] [--out FILE]``: whom a breach affects (:mod:`handlers.breach`),
read through a read-only engine (the schema is brought up to date first, as every command does).
``notify --since … --until … --text-id FILE --text-en FILE [--dry-run] [--breach NAME]``: the notice queued for each
of them with Telegram, once per breach (:mod:`handlers.breach_notice`), and who must be told another way.
``erasures --since BACKUP-TIME [--out FILE]``: the erasure requests a restore of that backup undoes.
Bad input is one line and exit 2 (``ConfigError``); nothing prints the token or the database's password."""

from __future__ import annotations

import asyncio
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.bootstrap import App, build, migrate
from bot.errors import ConfigError
from bot.privacy_report import csv_report, moment, reach_of, summary, text_report
from bot.service import db_label
from bot.settings import Settings
from domain.vocabulary import AuditKind
from handlers.breach import Affected, affected, erasures_since
from handlers.breach_notice import MAX_NOTICE, Notified, notify_affected
from handlers.text import shown
from storage.repositories.privacy import AuditEntry

EXAMPLE = "2026-11-01T08:00+07:00"
SHOWN = 20
"""People told through the bot named one by one; the rest are counted (those to tell another way are all named)."""
BREACH_NAME = re.compile(r"[A-Za-z0-9._-]{1,40}")


def window(since: str, until: str | None = None) -> tuple[datetime, datetime]:
    """The breach window from the command line: two moments with their zone, the first before the second (without
    ``until``: up to now)."""
    moments = []
    for flag, text in (("--since", since), ("--until", until)):
        if text is None:
            moments.append(datetime.now(UTC))
            continue
        try:
            at = datetime.fromisoformat(text.strip())
        except ValueError:
            raise ConfigError(f"privacy: {flag} {text!r} is not a moment; write it like {EXAMPLE}") from None
        if at.tzinfo is None or at.utcoffset() is None:
            raise ConfigError(f"privacy: {flag} {text!r} has no time zone; write it like {EXAMPLE} (WIB is +07:00)")
        moments.append(at)
    if moments[0] >= moments[1]:
        if until is None:
            raise ConfigError(f"privacy: --since {since!r} is in the future")
        raise ConfigError(f"privacy: --since {since!r} is not before --until {until!r}")
    return moments[0], moments[1]


async def _prepared(settings: Settings) -> None:
    """The schema brought up to date (a fresh file gets its tables; nothing is written to the data). A database
    that cannot be reached is one line naming it (never its password)."""
    app = build(settings)
    try:
        await migrate(app)
    except (OSError, SQLAlchemyError) as exc:
        why = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise ConfigError(f"privacy: cannot open the database {db_label(app)}: {why}") from None
    finally:
        await app.close()


def _read_only(settings: Settings) -> App:
    return build(settings, read_only=True)


async def list_affected(settings: Settings, since: datetime, until: datetime, *, csv_format: bool,
                        out: Path | None) -> None:
    await _prepared(settings)
    app = _read_only(settings)
    try:
        async with app.make_uow() as uow:
            found = await affected(uow, app.deps, since, until)
        label = db_label(app)
    finally:
        await app.close()
    await _audited(settings, found, out)
    tz = app.deps.tz
    body = csv_report(found) if csv_format else text_report(found, tz)
    if out is not None:
        await asyncio.to_thread(out.write_text, body, encoding="utf-8-sig" if csv_format else "utf-8")
        print("\n".join(summary(found, tz)))
        print(f"Database: {label}. The list ({len(found.people)} people) is written to {out}: it holds personal "
              "data, so keep it safe and delete it when the breach is closed.")
    elif csv_format:
        print("\n".join(summary(found, tz)), file=sys.stderr)
        sys.stdout.write(body)
    else:
        print(f"Database: {label}")
        sys.stdout.write(body)


async def _audited(settings: Settings, found: Affected, out: Path | None) -> None:
    """The listing in the audit trail (``/audit``): it shows everyone's identity, so who may see it is accountable
    as for any identity view — when, which window, how many people, whether written to a file. Recorded before the
    list is printed or written; the office PC's command has no staff identity, so no actor."""
    app = build(settings)
    try:
        async with app.make_uow() as uow:
            await uow.audit.add(datetime.now(UTC), [AuditEntry(
                AuditKind.BREACH_LIST, place="cli", detail={"breach": found.breach_id, "people": len(found.people),
                                                            "file": out is not None})])
            await uow.commit()
    finally:
        await app.close()


def notice_texts(text_id: Path, text_en: Path) -> dict[str, str]:
    """The notice in each language from its file: UTF-8 plain text, not empty, short enough for one message."""
    texts = {}
    for lang, path in (("id", text_id), ("en", text_en)):
        try:
            text = path.read_text(encoding="utf-8-sig").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"privacy: cannot read --text-{lang} {path}: {exc}") from None
        if not text:
            raise ConfigError(f"privacy: --text-{lang} {path} is empty; write the notice in it")
        if len(shown(text)) > MAX_NOTICE:
            raise ConfigError(f"privacy: --text-{lang} {path} is longer than one message allows ({MAX_NOTICE} "
                              "characters); shorten it and give the details by letter")
        texts[lang] = text
    return texts


def breach_name(text: str | None) -> str | None:
    """``--breach``: letters, digits, ``.``, ``_``, ``-``; at most 40 (it goes into each notice's key)."""
    if text is None:
        return None
    if not BREACH_NAME.fullmatch(text):
        raise ConfigError(f"privacy: --breach {text!r} must be 1 to 40 letters, digits, '.', '_' or '-', e.g. "
                          "2026-11-token-leak")
    return text


async def notify(settings: Settings, since: datetime, until: datetime, texts: dict[str, str], *,
                 dry_run: bool, breach: str | None = None) -> None:
    await _prepared(settings)
    app = build(settings, read_only=dry_run)
    try:
        done = await notify_affected(app.make_uow, app.deps, since, until, texts, dry_run=dry_run, breach=breach)
    finally:
        await app.close()
    print("\n".join(notify_lines(done, app)))


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def notify_lines(done: Notified, app: App) -> list[str]:
    tz = app.deps.tz
    lines = summary(done.affected, tz)
    if done.breach != done.affected.breach_id:
        lines.append(f"Notices are keyed by the breach name {done.breach}: whoever was told under it is not told "
                     "again.")
    if done.dry_run:
        lines.append(f"Dry run, nothing written: {_people(len(done.queued))} would be sent the notice through the "
                     f"bot now ({len(done.already)} already were for this breach).")
    else:
        lines.append(f"Queued the notice for {_people(len(done.queued))} through the bot (the running bot sends it, "
                     f"paced; each is recorded in the audit trail); {len(done.already)} already had it for this "
                     "breach.")
    for person in done.queued[:SHOWN]:
        lines.append(f"  {'would send' if done.dry_run else 'queued'}: {person.name or '(no name)'} "
                     f"#{person.person_id} in {person.language}")
    if len(done.queued) > SHOWN:
        lines.append(f"  … and {len(done.queued) - SHOWN} more (tanggap privacy affected lists everyone)")
    lines.append(f"Tell these {len(done.other_way)} another way (letter, call, email) within 3×24 hours:"
                 if done.other_way else "Nobody has to be told another way.")
    for person in done.other_way:
        who = person.name or "(no name recorded)"
        ref = f"#{person.person_id}" if person.person_id is not None else "(outside the bot)"
        lines.append(f"  {who} {ref} — {reach_of(person)}; language {person.language}")
    return lines


async def list_erasures(settings: Settings, since: datetime, out: Path | None) -> None:
    """``tanggap privacy erasures --since BACKUP-TIME``: the erasures a restore of that backup undoes."""
    await _prepared(settings)
    app = _read_only(settings)
    try:
        async with app.make_uow() as uow:
            found = await erasures_since(uow, since)
    finally:
        await app.close()
    tz = app.deps.tz
    lines = [f"Erasure requests received since {moment(since, tz)}: {len(found)}"
             + (" — after restoring a backup made then, erase these again:" if found else
                " — a restore of a backup made then undoes no erasure.")]
    for redo in found:
        tickets = ", ".join(redo.tickets) or "no ticket recorded"
        lines.append(f"  {redo.number} received {redo.received_at.astimezone(tz):%Y-%m-%d %H:%M %Z} "
                     f"({redo.status}): person #{redo.person_id}; tickets {tickets}")
    text = "\n".join(lines) + "\n"
    if out is not None:
        await asyncio.to_thread(out.write_text, text, encoding="utf-8")
    sys.stdout.write(text)
