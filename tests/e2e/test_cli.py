"""The ``tanggap`` command as a new user meets it: clear one-line errors, no token in any output, the sandbox."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import web

from bot.emulator import BotApiEmulator
from handlers.commands import STUDENT_COMMANDS
from tests.e2e.harness import (
    STARTUP_WITHIN,
    TOKEN,
    WEBHOOK_SECRET,
    BotProcess,
    Person,
    Stack,
    not_the_bot_api,
    wait_until,
)

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def tanggap(
    args: list[str], cwd: Path, stdin: str = "", timeout: float = 90, **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "BOT_ENGINE")}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, input=stdin, text=True,
                          capture_output=True, timeout=timeout, env={**clean, "PYTHONPATH": str(ROOT), **env})


def test_run_without_a_token_says_how_to_get_one_in_one_line(tmp_path: Path) -> None:
    result = tanggap(["run"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "@BotFather" in result.stderr and "tanggap sandbox" in result.stderr


def test_malformed_token_is_refused_without_printing_it(tmp_path: Path) -> None:
    result = tanggap(["run"], tmp_path, TELEGRAM_BOT_TOKEN="oops-SECRETVALUE-1234")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "SECRETVALUE" not in result.stderr + result.stdout


def test_unknown_engine_is_a_clear_error(tmp_path: Path) -> None:
    result = tanggap(["run"], tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, BOT_ENGINE="telethon")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "BOT_ENGINE must be one of aiogram, ptb; got 'telethon'" in result.stderr


@pytest.mark.parametrize(("env", "says"), [
    ({}, "Webhook mode needs WEBHOOK_URL"),
    ({"WEBHOOK_URL": "http://tanggap.example.ac.id/telegram", "WEBHOOK_SECRET": "s3cret"}, "must be https://"),
    ({"WEBHOOK_URL": "ftp://x"}, "WEBHOOK_URL must be an https:// address"),
    ({"WEBHOOK_URL": "https://tanggap.example.ac.id/telegram"}, "Webhook mode needs WEBHOOK_SECRET"),
    ({"WEBHOOK_URL": "https://tanggap.example.ac.id/telegram", "WEBHOOK_SECRET": "has spaces and ünïcode"},
     "Webhook mode needs WEBHOOK_SECRET: 1 to 256 letters"),
    ({"WEBHOOK_URL": "https://t.example/telegram", "WEBHOOK_SECRET": "ok", "WEBHOOK_MAX_CONNECTIONS": "500"},
     "WEBHOOK_MAX_CONNECTIONS must be between 1 and 100"),
], ids=["no url", "plain http", "not a url", "no secret", "bad secret", "max connections"])  # fmt: skip
def test_webhook_settings_are_checked_before_anything_runs(tmp_path: Path, env: dict[str, str], says: str) -> None:
    db = tmp_path / "t.db"
    result = tanggap(["webhook"], tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=f"sqlite+aiosqlite:///{db}",
                     **env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert TOKEN not in result.stderr and "s3cret" not in result.stderr
    assert not db.exists()  # nothing was started, not even the database


async def test_webhook_port_in_use_is_a_clear_error(emulator: BotApiEmulator, tmp_path: Path) -> None:
    stack = Stack("ptb", "webhook")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", stack.port))
        taken.listen()
        process = BotProcess(emulator, f"sqlite+aiosqlite:///{tmp_path / 't.db'}", tmp_path / "bot.log", stack)
        process.start()
        assert process.proc is not None
        try:
            code = await asyncio.to_thread(process.proc.wait, STARTUP_WITHIN)
        except subprocess.TimeoutExpired:  # say where it hangs: every thread's stack (faulthandler), then the log
            process.proc.send_signal(signal.SIGUSR1)
            await asyncio.sleep(2)
            calls = [c.method for c in emulator.calls]
            log = process.stop()
            raise AssertionError(f"still running after {STARTUP_WITHIN}s; Bot API calls {calls}; {log}") from None
        out = process.stop()
    assert code == 2 and f"Cannot listen on 127.0.0.1:{stack.port}" in out and "Traceback" not in out
    assert emulator.webhook == ("", None)  # the webhook is set only once the server listens


NOT_THE_BOT_API = {
    # what answers at TELEGRAM_API_URL → what the line says it got; each page echoes the path, token included
    "html page": (lambda path: web.Response(text=f"<!doctype html><html><body>Welcome {path}</body></html>",
                                            content_type="text/html"), "got HTTP 200 text/html, not JSON"),
    "html 404": (lambda path: web.Response(status=404, text=f"<html>Cannot POST {path}</html>",
                                           content_type="text/html"), "got HTTP 404 text/html, not JSON"),
    "json without ok": (lambda path: web.json_response({"hello": path}),
                        'got HTTP 200 application/json without "ok"'),
}  # fmt: skip


@pytest.mark.parametrize("engine", ["aiogram", "ptb"])
@pytest.mark.parametrize("answer", NOT_THE_BOT_API, ids=str)
async def test_an_address_that_is_not_the_bot_api_is_one_clear_line(tmp_path: Path, engine: str, answer: str) -> None:
    page, got = NOT_THE_BOT_API[answer]
    async with not_the_bot_api(page) as url:
        result = await asyncio.to_thread(  # the child process asks the server, which runs in this event loop
            tanggap, ["run"], tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, BOT_ENGINE=engine, TELEGRAM_API_URL=url,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 't.db'}", LOG_LEVEL="WARNING",
        )
    assert result.returncode == 2
    assert result.stderr == f"tanggap: TELEGRAM_API_URL {url} does not answer like the Bot API ({got}): " \
                            "check the address\n"
    assert TOKEN.split(":")[1] not in result.stderr + result.stdout


def test_migrate_creates_the_schema_in_a_fresh_sqlite_file(tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "t.db"
    result = tanggap(["migrate"], tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{db}")
    assert result.returncode == 0, result.stderr
    assert db.exists() and "newest schema" in result.stdout


async def test_token_never_appears_in_logs_even_at_debug(emulator: BotApiEmulator, tmp_path: Path,
                                                         stack: Stack) -> None:
    process = BotProcess(emulator, f"sqlite+aiosqlite:///{tmp_path / 't.db'}", tmp_path / "bot.log", stack)
    process.env["LOG_LEVEL"] = "DEBUG"
    process.start()
    try:
        await wait_until(lambda: stack.ready(emulator), timeout=STARTUP_WITHIN)
        student = Person(emulator, 7001, "Log")
        await student.say("/start")
    finally:
        log = process.stop()
    assert "DEBUG" in log  # debug logging was on, HTTP requests to /bot<token>/… included
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert WEBHOOK_SECRET not in log


async def test_command_menu_is_registered_in_indonesian_and_english(emulator: BotApiEmulator, bot: object) -> None:
    menus = {lang: [c["command"] for c in entries] for (_scope, lang), entries in emulator.commands.items()}
    assert menus[""] == list(STUDENT_COMMANDS) and menus["en"] == list(STUDENT_COMMANDS)
    by_lang = {lang: entries for (_scope, lang), entries in emulator.commands.items()}
    assert by_lang["en"][1]["description"] == "File a complaint or a suggestion"
    assert by_lang[""][1]["description"] != by_lang["en"][1]["description"]


@pytest.mark.parametrize("engine", ["aiogram", "ptb"])
def test_sandbox_files_a_suggestion_in_indonesian_and_a_complaint_in_english(tmp_path: Path, engine: str) -> None:
    """A new user types into the terminal chat: buttons by number, /lang, /as, /status."""
    script = "\n".join([
        "/start",
        "/new",
        "2",                     # Saran
        "wisuda",                # typed service name, matched
        "Mohon wisuda disiarkan langsung untuk keluarga di luar kota.",
        "1",                     # no attachment
        "1",                     # show my name
        "1",                     # send
        "/lang en",
        "/new",
        "1",                     # Complaint
        "transkip",              # a typo, still the transcript service
        "/photo My transcript has not been issued after two weeks.",
        "1",                     # done
        "1",                     # today
        "01-10-2026",
        "1", "1", "They told me to wait.",
        "3",                     # stay anonymous
        "1",                     # send
        "/as 1002 Budi",
        "/status SAR-2026-00001",
        "/quit",
    ]) + "\n"
    result = tanggap(["sandbox"], tmp_path, stdin=script, timeout=120, BOT_ENGINE=engine)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert f"Engine: {engine}" in out
    assert "SAR-2026-00001" in out and "KEL-2026-00001" in out
    assert "[1] Keluhan" in out and "[1] Complaint" in out
    assert "Anda tidak memiliki tiket SAR-2026-00001" in out
    assert (tmp_path / "data" / "sandbox.db").exists()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("engine", ["aiogram", "ptb"])
def test_sandbox_plays_both_sides_through_to_a_closed_lk(tmp_path: Path, engine: str) -> None:
    """A new user files as the student, then plays the four staff roles the README names (one person may not sign
    an LK twice) with /as, and takes the case to a closed LK."""
    script = "\n".join([
        "/new", "1", "transkip", "Transkrip saya belum terbit padahal sudah dua minggu.", "1", "1", "01-10-2026",
        "1", "1", "kata petugas tunggu", "1", "1",
        "/as 9000 Admin",
        "/staff add 9001 petugas", "/staff add 9002 pemeriksa", "/staff add 9003 penyetuju", "/staff add 9004 pemantau",
        "/as 9002 Rudi", "/start", "/as 9003 Ani", "/start", "/as 9004 Maya", "/start",
        "/as 9001 Olivia", "/start",
        "/group", "1", "1", "/private",                      # take the card, then Nonconformity
        "/lk new KEL-2026-00001", "Transkrip tidak terbit dalam 3 hari kerja sesuai prosedur.", "1",
        "Pejabat penandatangan cuti dan tidak ada pengganti.", "1",
        "1", "1", "Terbitkan transkrip mahasiswa ini hari ini.", "olivia", "1", "1",  # ➕ a correction
        "2",                                                 # 📤 submit for the check
        "/as 9002", "1",                                     # checked
        "/as 9003", "1",                                     # approved
        "/as 9001", "1", "Transkrip sudah diserahkan.",      # ✅ the correction done, with its evidence
        "Transkrip Anda sudah terbit; kini ada pejabat pengganti.",  # the response: the student gets it now
        "/as 1001", "5", "1",                                # rated 5/5, no comment
        "/as 9004", "1", "Transkrip terbit dan pejabat pengganti sudah ditunjuk.",  # effective → closed
        "/as 1001", "/status KEL-2026-00001",
        "/quit",
    ]) + "\n"
    result = tanggap(["sandbox"], tmp_path, stdin=script, timeout=400, BOT_ENGINE=engine)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Anda mengambil KEL-2026-00001." in out                 # the card's button answered the officer
    assert "Disetujui oleh: Ani" in out and "LK-2026-001 ditutup" in out
    assert "Tanggapan: Transkrip Anda sudah terbit" in out        # the complainant got the response
    assert "Anda menilainya 5/5" in out and "biro telah memastikan langkah-langkahnya berhasil" in out
    assert "ERROR" not in result.stderr + out and "Traceback" not in result.stderr
