"""The bot's life: migrate, check the token, register the command menu, take updates until cancelled.

Updates come by long polling (``tanggap run``) or by webhook (``tanggap webhook``), on aiogram or
python-telegram-bot (``BOT_ENGINE``); everything after the adapter is the same code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace

from bot.archiving import ArchiveFetcher
from bot.bootstrap import App, build, command_menu, migrate
from bot.clock import AdjustableClock
from bot.due_runner import DueRunner
from bot.export_runner import ExportRunner
from bot.pacing import Pacer
from bot.port import make_port
from bot.recap_child import child_drawer
from bot.register_job import child_writer
from bot.runner import Runner
from bot.settings import Settings
from bot.stats_worker import ProcessStatsMaker
from handlers.staff import search_index
from storage.lease import lease_for

log = logging.getLogger("tanggap")
MODES = ("polling", "webhook")


async def serve(settings: Settings, *, token: str | None = None, mode: str = "polling",
                clock: AdjustableClock | None = None) -> None:
    """Migrate, register the command menu, and take updates (``mode``: polling or webhook) until stopped.
    ``clock``: the sandbox's, which it moves with ``/clock`` (the due-work engine then runs a pass at once)."""
    token = token or settings.token()
    engine = settings.check_engine()
    hook = settings.webhook() if mode == "webhook" else None  # a missing setting stops us before anything runs
    app = build(settings, clock=clock)
    port = make_port(engine, token, settings.telegram_api_url, request_timeout=settings.telegram_request_timeout,
                     archive=app.deps.archive)
    stats = ProcessStatsMaker(settings, app.deps.clock)
    warming: asyncio.Task[None] | None = None
    try:
        await migrate(app)
        await port.start()
        await port.set_commands(command_menu(app.deps.translator))
        runner = Runner(port, app.make_uow, app.deps, poll_timeout=settings.poll_timeout, pacer=pacer_of(settings))
        fetcher = ArchiveFetcher(port, app.make_uow, app.deps, app.deps.archive)
        runner.files_recorded = fetcher.wake

        def queued_elsewhere() -> None:  # another process committed outbox rows: maybe files with them
            runner.notifier.wake()
            fetcher.wake()

        runner.notifier.lease = lease_for(app.engine, queued_elsewhere)  # one sender per database
        due = DueRunner(app.make_uow, app.deps, runner.notifier.wake, interval=settings.due_interval)
        runner.notifier.companions.append(due.run)  # reminders and digests: by the lease holder only
        runner.notifier.companions.append(fetcher.run)  # the evidence archive: by the lease holder only
        # /export, written by a child process; /stats, its figures read and charts drawn by a worker process; the
        # monthly recap, its figures from that worker and its pages drawn by a child process
        exports = ExportRunner(app.make_uow, replace(app.deps, stats_maker=stats), runner.notifier.wake,
                               write=child_writer(settings, app.deps.clock), draw=child_drawer())
        runner.notifier.companions.append(exports.run)
        runner.export_queued = exports.wake  # it starts at once instead of at its next look (every 2 s)
        if isinstance(app.deps.clock, AdjustableClock):  # a jump: what is due then, and messages scheduled till then
            app.deps.clock.listeners += [due.wake, runner.notifier.wake, fetcher.wake]
        # the search index ("me too" while filing, /search): built now in the background, not in a student's turn
        warming = asyncio.create_task(search_index.warm_up(app.make_uow, app.deps), name="search index warm-up")
        log.info("Tanggap is running (engine %s, %s, database %s)", engine, mode, db_label(app))
        if hook is not None:
            from bot.webhook import WebhookServer

            await WebhookServer(runner, port, hook).run()
        else:
            await port.delete_webhook()  # Telegram refuses getUpdates while a webhook is set
            await runner.run()
    finally:
        if warming is not None:  # stopped, and waited for, while the database is still open: a read it had under
            warming.cancel()       # way gives its connection back before the engine is disposed
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await warming
        stats.close()
        await port.close()
        await app.close()


def pacer_of(settings: Settings) -> Pacer:
    return Pacer(
        global_rate=settings.send_rate,
        global_burst=max(1, int(settings.send_rate / 3)),
        chat_rate=settings.send_rate_chat,
        chat_burst=settings.send_burst_chat,
        group_rate=settings.send_per_minute_group / 60,
    )


def db_label(app: App) -> str:
    return app.engine.url.render_as_string(hide_password=True)
