"""``tanggap privacy affected|notify`` as an operator runs it in a breach: on a fresh SQLite file, on a database with
people in it, one clear line and exit 2 for a bad date or an unreachable database, never the token or a password."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from tests.breach_world import ADMIN_TELEGRAM, World, build_world
from tests.e2e.harness import TOKEN

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
WINDOW = ["--since", "2026-11-10T00:00+07:00", "--until", "2026-11-20T00:00+07:00"]


def tanggap(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "TANGGAP_ADMINS")}
    result = subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, text=True, capture_output=True,
                            timeout=90, env={**clean, "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": TOKEN, **env})
    assert TOKEN not in result.stdout + result.stderr and "Traceback" not in result.stderr, result.stderr
    return result


async def seeded(url: str) -> World:
    engine = make_engine(url)
    try:
        await upgrade(engine)
        return await build_world(make_session_factory(engine))
    finally:
        await engine.dispose()


def test_affected_runs_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    result = tanggap(["privacy", "affected", *WINDOW], tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{db}")
    assert result.returncode == 0, result.stderr
    assert "People whose personal data the bot held: 0" in result.stdout
    assert "Nobody's personal data was held in this window." in result.stdout


@pytest.mark.parametrize(("since", "until", "says"), [
    ("2026-11-10", "2026-11-20T00:00+07:00", "--since '2026-11-10' has no time zone"),
    ("2026-11-10T00:00+07:00", "next tuesday", "--until 'next tuesday' is not a moment"),
    ("2026-11-20T00:00+07:00", "2026-11-10T00:00+07:00", "is not before --until"),
], ids=["no zone", "not a date", "backwards"])  # fmt: skip
def test_a_bad_date_is_one_clear_line_and_exit_2(tmp_path: Path, since: str, until: str, says: str) -> None:
    db = tmp_path / "t.db"
    for action in (["affected"], ["notify", "--text-id", "id.txt", "--text-en", "en.txt"]):
        result = tanggap(["privacy", *action, "--since", since, "--until", until], tmp_path,
                         DATABASE_URL=f"sqlite+aiosqlite:///{db}")
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert not db.exists()  # nothing was opened


def test_an_unreachable_database_is_one_line_without_its_password(tmp_path: Path) -> None:
    result = tanggap(["privacy", "affected", *WINDOW], tmp_path,
                     DATABASE_URL="postgresql+asyncpg://tanggap:hunter2-secret@127.0.0.1:1/tanggap")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "cannot open the database postgresql+asyncpg://tanggap:***@127.0.0.1:1/tanggap" in result.stderr
    assert "hunter2" not in result.stdout + result.stderr


def test_affected_csv_then_notify_dry_run_twice_and_once_more(tmp_path: Path) -> None:
    db = tmp_path / "tanggap.db"
    world = asyncio.run(seeded(f"sqlite+aiosqlite:///{db}"))
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}", "TANGGAP_ADMINS": str(ADMIN_TELEGRAM)}
    listed = tanggap(["privacy", "affected", *WINDOW, "--format", "csv", "--out", str(tmp_path / "a.csv")],
                     tmp_path, **env)
    assert listed.returncode == 0 and "People whose personal data the bot held: 7" in listed.stdout
    with (tmp_path / "a.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["name"]: r["reach"] for r in rows}["Fajar Test"] == "contact"
    assert world.tickets["Budi"] not in (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    with contextlib.closing(sqlite3.connect(db)) as raw:  # the listing is accountable like any identity view
        audit = raw.execute("SELECT kind, actor_id, place, detail FROM audit_log WHERE kind = 'breach_list'").fetchall()
    assert [(kind, actor, place, json.loads(detail)) for kind, actor, place, detail in audit] == [
        ("breach_list", None, "cli", {"breach": "20261109T1700Z-20261119T1700Z", "people": 7, "file": True})]
    (tmp_path / "id.txt").write_text("Mohon maaf, data Anda mungkin bocor.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("We are sorry: your data may have leaked.\n", encoding="utf-8")
    notify = ["privacy", "notify", *WINDOW, "--text-id", "id.txt", "--text-en", "en.txt"]
    dry = tanggap([*notify, "--dry-run"], tmp_path, **env)
    assert "Dry run, nothing written: 4 people would be sent" in dry.stdout and outbox(db) == []
    first = tanggap(notify, tmp_path, **env)
    assert first.returncode == 0 and "Queued the notice for 4 people" in first.stdout
    assert "Tell these 3 another way" in first.stdout and "fajar@example.ac.id" in first.stdout
    second = tanggap(notify, tmp_path, **env)
    assert "Queued the notice for 0 people" in second.stdout and "4 already had it" in second.stdout
    sent = outbox(db)
    assert sorted(chat for chat, _text in sent) == [5001, 5003, 7001, ADMIN_TELEGRAM]
    assert dict(sent)[5001].startswith("We are sorry") and dict(sent)[7001].startswith("Mohon maaf")


def outbox(db: Path) -> list[tuple[int, str]]:
    with contextlib.closing(sqlite3.connect(db)) as connection:
        rows = connection.execute("SELECT chat_id, json_extract(payload, '$.text') FROM outbox").fetchall()
    return [(int(chat), str(text)) for chat, text in rows]
