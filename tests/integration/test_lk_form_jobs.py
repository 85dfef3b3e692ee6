"""A closed LK's form made after the closing commit (issue 14 §5): the close queues one job per reader in its own
transaction — the monitor's answer carries no PDF yet, and a bot stopped before it runs loses nothing — and the job,
run later (by another process here), sends the monitor and the preparer the archived closed form."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from handlers.events import User
from handlers.lk_form_jobs import is_lk_form, run_lk_forms
from storage.uow import SqlUnitOfWork
from tests.integration.desk import Desk
from tests.integration.test_lk_documents import desk_with, files, text_of
from tests.integration.test_lk_procedure import (
    APPROVER,
    MONITOR,
    NAMES,
    OFFICER,
    OWNER,
    REVIEWER,
    add_action,
    lk_id,
)


async def test_the_close_queues_the_forms_and_a_later_run_sends_the_archived_copy(
        new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
    desk, archive = await desk_with(new_uow, tmp_path)
    officer, monitor = await _up_to_the_close(desk)
    desk.run_jobs = False  # the bot stops right after the closing commit
    closed = await desk.payloads(monitor, "Deputies now sign when an official is away.")
    assert any("LK-2026-001 is closed; the complainants were told." in p.get("text", "") for p in closed)
    assert not files(closed), "the form is not made inside the closing turn"
    async with desk.make_uow() as uow:
        jobs = [job for job in await uow.register.unfinished_jobs() if is_lk_form(job)]
        lk = await uow.lks.get(jobs[0].filters["lk"]) if jobs else None
        kept = await uow.lk_documents.archived(lk.id, "en") if lk is not None else None
    assert sorted(job.chat_id for job in jobs) == sorted([MONITOR, OFFICER]) and kept is None
    # the next lease holder (another process: its own Deps) runs them
    assert await run_lk_forms(desk.make_uow, replace(desk.deps)) == 2
    assert await run_lk_forms(desk.make_uow, desk.deps) == 0
    sent = files(await desk.deliver_due())
    assert sorted(p["chat_id"] for p in sent) == sorted([MONITOR, OFFICER])
    assert len({p["sha256"] for p in sent}) == 1  # both read English: the one archived copy
    to_officer = next(p for p in sent if p["chat_id"] == OFFICER)
    assert to_officer.get("resend") and "Deputies now sign" in text_of(archive, to_officer)
    assert to_officer["caption"].startswith("LK-2026-001, version ")
    async with desk.make_uow() as uow:
        assert lk is not None
        kept = await uow.lk_documents.archived(lk.id, "en")
    assert kept is not None and kept.archived_sha256 == to_officer["sha256"]
    again = files(await desk.payloads(officer, "/lk pdf LK-2026-001 en"))[0]
    assert again["sha256"] == to_officer["sha256"]


async def _up_to_the_close(desk: Desk) -> tuple[User, User]:
    """An LK taken through its programme to the monitor's effectiveness question: the officer and the monitor."""
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await add_action(desk, "correction", "Issue the transcript of this student today.", OFFICER)
    await add_action(desk, "preventive", "Appoint a deputy signatory for every official.", OWNER)
    number = await lk_id(desk)
    await desk.press(officer, f"lk:submit:{number}")
    await desk.press(desk.user(REVIEWER, NAMES[REVIEWER]), f"lk:check:{number}")
    await desk.press(desk.user(APPROVER, NAMES[APPROVER]), f"lk:approve:{number}")
    await desk.say(officer, "/lk action done 1 Transcript issued and handed over on 25 November.")
    await desk.say(officer, "Your transcript is ready at the counter.")
    await desk.say(desk.user(OWNER, NAMES[OWNER]), "/lk action done 2 Deputy signatories appointed by decree 12/2026.")
    monitor = desk.user(MONITOR, NAMES[MONITOR])
    await desk.press(monitor, f"lk:eff:{number}")
    return officer, monitor


async def test_the_job_draws_the_form_with_no_transaction_open(
        new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the form is drawn, another writer gets SQLite's write lock at once (drawn inside the job's transaction,
    a 1,000-ticket form held it 0.3–0.5 s); the form is still recorded, archived and sent."""
    import reports.lk_pdf

    desk, _archive = await desk_with(new_uow, tmp_path)
    _officer, monitor = await _up_to_the_close(desk)
    desk.run_jobs = False
    await desk.payloads(monitor, "Deputies now sign when an official is away.")
    drawn, render = [], reports.lk_pdf.render

    def probing(*args: Any, **kwargs: Any) -> bytes:
        if db_url.startswith("sqlite"):
            with closing(sqlite3.connect(make_url(db_url).database or "", timeout=0.2)) as other:
                other.execute("BEGIN IMMEDIATE")  # raises "database is locked" if the job held the write lock
                other.rollback()
        drawn.append(True)
        return render(*args, **kwargs)

    monkeypatch.setattr(reports.lk_pdf, "render", probing)
    assert await run_lk_forms(desk.make_uow, desk.deps) == 2
    assert drawn == [True]  # one language, one drawing; the second reader got the archived copy
    sent = files(await desk.deliver_due())
    assert sorted(p["chat_id"] for p in sent) == sorted([MONITOR, OFFICER]) and len({p["sha256"] for p in sent}) == 1
