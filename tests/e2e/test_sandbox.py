"""``tanggap sandbox`` as a person at the terminal meets it: the real command, emulator and bot, lines on stdin.

Each run is a separate process on a SQLite file in a temporary folder (``./data/sandbox.db`` there), so a
second run meets the first one's database exactly as someone starting the sandbox again the next day does.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e.harness import free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
WELCOME = "Selamat datang di Tanggap"
SUGGESTION = ["/new", "2", "wisuda", "Mohon wisuda disiarkan langsung.", "1", "1", "1"]  # no file, named, send


def run_sandbox(folder: Path, *lines: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``tanggap sandbox`` in ``folder`` with ``lines`` typed, then /quit."""
    clean = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "BOT_ENGINE")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "sandbox"], cwd=folder, input="\n".join([*lines, "/quit"]) + "\n",
        text=True, capture_output=True, timeout=55, env={**clean, "PYTHONPATH": str(ROOT), **env},
    )  # fmt: skip


def sandbox(folder: Path, *lines: str, engine: str = "aiogram", clock_start: str = "") -> str:
    """What the sandbox printed with ``lines`` typed; it must end cleanly."""
    result = run_sandbox(folder, *lines, BOT_ENGINE=engine, **({"CLOCK_START": clock_start} if clock_start else {}))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr
    return result.stdout


def processed_updates(folder: Path) -> int:
    with closing(sqlite3.connect(folder / "data" / "sandbox.db")) as db:
        return int(db.execute("SELECT count(*) FROM processed_update").fetchone()[0])


@pytest.mark.parametrize("engine", ["aiogram", "ptb"])
def test_a_second_sandbox_run_on_the_same_database_answers(tmp_path: Path, engine: str) -> None:
    """The new emulator's update ids are not the ones the bot recorded as processed in the first run."""
    first = sandbox(tmp_path, "/start", engine=engine)
    second = sandbox(tmp_path, "/start", engine=engine)
    assert WELCOME in first
    assert WELCOME in second
    assert processed_updates(tmp_path) == 2


def test_a_card_posted_after_a_restart_never_takes_an_old_cards_number(tmp_path: Path) -> None:
    """Ticket cards keep their message id in the database; the bot edits that id when the ticket moves. A new
    card in the second run gets a number after the stored ones, so editing an old ticket's card cannot overwrite
    it (the old card, gone with the first run's emulator, is posted anew)."""
    first = sandbox(tmp_path, *SUGGESTION, "/group")
    assert "🤖 #1  SAR-2026-00001 · Saran" in first
    second = sandbox(
        tmp_path, *SUGGESTION, "/as 9000", "/staff add 9000 officer", "/take SAR-2026-00001", "/group"
    )  # fmt: skip
    group = second.split("Now in the staff group.", 1)[1]
    # Other posts (the morning's group summary, when the run falls on a working morning) may come between the
    # cards: what matters is that each card's number comes after the stored one.
    numbers = {t: [int(n) for n in re.findall(rf"🤖 #(\d+)  {t} · Saran", group)] for t in ("SAR-2026-00001",
                                                                                         "SAR-2026-00002")}
    assert numbers["SAR-2026-00002"] and min(numbers["SAR-2026-00002"]) > 1, group
    assert numbers["SAR-2026-00001"] and min(numbers["SAR-2026-00001"]) > min(numbers["SAR-2026-00002"]), group
    assert "Petugas: Admin 9000" in group
    assert "✏️" not in group  # the new card was never edited into the old ticket's


def test_earlier_buttons_are_pressed_and_everything_that_arrived_while_away_is_shown(tmp_path: Path) -> None:
    out = sandbox(
        tmp_path,
        "/start",                   # the welcome is message #2 (the user's /start is #1), the privacy notice #3
        "/new",                     # the question "complaint or suggestion?" is #5
        "/press 2 Tiket saya",      # a button of the welcome, three messages back
        "/press 5 Saran",           # and the question's, by its text
        "wisuda", "Mohon wisuda disiarkan langsung.", "1", "1", "1",
        "/press 99 1",
        "/as 9000", "/staff add 9000 officer", "/take SAR-2026-00001",
        "/reply SAR-2026-00001 Kabar satu", "/reply SAR-2026-00001 Kabar dua", "/reply SAR-2026-00001 Kabar tiga",
        "/accept SAR-2026-00001 Kami siarkan langsung.",
        "/as 1001",
    )  # fmt: skip
    assert "👆 #2 [2] 📋 Tiket saya" in out and "Anda belum memiliki tiket." in out
    assert "👆 #5 [2] Saran" in out and "Saran Anda tercatat dengan nomor SAR-2026-00001" in out
    assert "There is no message #99 from the bot in this chat." in out
    assert out.count("(📨 Siti Rahma: 1 new — /as 1001)") == 5  # each news announced once, while away
    back = out.split("You are now Siti Rahma (1001).", 1)[1]
    for news in ("sedang ditinjau", "Kabar satu", "Kabar dua", "Kabar tiga", "Kami siarkan langsung."):
        assert news in back  # all five, not only the last three


def test_a_bot_that_cannot_start_is_reported_instead_of_a_silent_chat(tmp_path: Path) -> None:
    """A database nobody answers on: the sandbox says the bot stopped and leaves with the bot's error."""
    result = run_sandbox(tmp_path, "/start", DATABASE_URL=f"postgresql+asyncpg://tanggap@127.0.0.1:{free_port()}/x")
    assert "The bot stopped." in result.stdout
    assert result.returncode != 0 and "ConnectionRefusedError" in result.stderr


COMPLAINT = ["/new", "1", "1", "Transkrip saya belum terbit setelah dua minggu.", "1", "2", "20-11-2026", "1", "1",
             "Disuruh menunggu.", "1", "1"]  # transcript, no file, yesterday, the four questions, named, send


def test_the_clock_moves_forward_and_a_concluded_complaint_closes_by_itself(tmp_path: Path) -> None:
    """``/clock +3w``: the reminder engine looks at once at what is due then — here a conclusion left unrated
    for 10 working days closes, and the complainant is told; the next run's clock goes on from there.
    ``CLOCK_START`` puts the run on Monday 21 December 2026, 09:00 WIB, so the third week ends in the
    complainants' waking hours whenever the test runs."""
    out = sandbox(
        tmp_path, *COMPLAINT,
        "/as 9000", "/staff add 9000 officer", "/take KEL-2026-00001",
        "/conforming KEL-2026-00001 Transkrip sudah terbit sesuai prosedur.",
        "/clock 3w", "/clock +2000w", "/clock +3w", "/as 1001", clock_start="2026-12-21T09:00+07:00",
    )  # fmt: skip
    assert "usage: /clock [+<n>m|h|d|w]" in out and "At most 92 days at a time" in out
    assert "The bot's clock starts at CLOCK_START: Monday 21 December 2026, 09:" in out
    assert "goes on from where /clock left it" not in out  # a fresh database: nothing was left
    back = out.split("You are now Siti Rahma (1001).", 1)[1]
    assert "KEL-2026-00001 ditutup: 10 hari kerja berlalu sejak jawaban tanpa penilaian." in back
    moved = out.split("The bot's clock: ")[-1].split(" WIB.")[0]
    again = sandbox(tmp_path, "/clock")
    assert "The bot's clock goes on from where /clock left it: " + moved[:-6] in again


def test_a_photo_leaves_no_log_line_in_the_chat_and_a_name_given_with_as_is_the_one_the_bot_uses(
    tmp_path: Path,
) -> None:
    """Found in a new-user walk: ``/photo`` printed "WARNING storage.stripping: an image could not be read …" among
    the bot's messages (the sandbox's photo was no JPEG, and the log wrote to the terminal), and ``/as 9000 Budi``
    kept "Admin 9000". The log now goes to ./data/sandbox.log; the terminal shows only errors."""
    result = run_sandbox(tmp_path, "/new", "1", "1", "Transkrip saya belum terbit setelah dua minggu.",
                         "/photo antrean di loket", "/as 9000 Budi", "/start")
    assert result.returncode == 0, result.stderr
    assert "1 berkas terlampir." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr and "ERROR" not in result.stderr
    assert "You are now Budi (9000)." in result.stdout and "Selamat datang, Budi." in result.stdout
    log = (tmp_path / "data" / "sandbox.log").read_text()
    assert "Bot API emulator listening" in log and "WARNING" not in log
    assert "Log: ./data/sandbox.log" in result.stdout
