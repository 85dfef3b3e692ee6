"""The monthly recap drawn in a child process (:data:`handlers.recap_jobs.DrawRecap`): matplotlib's charts and
fpdf2's pages are pure-Python CPU work that would hold the interpreter lock the bot's event loop needs (and leave
~60 MB of libraries in its memory). The content was read by the bot (a few SQL aggregates); the child gets it as
plain frozen data, draws, and returns the PDF's bytes. One fresh process per recap (``spawn``: nothing of the bot's
state, its sockets or its token is inherited), gone when it is done — a recap is monthly."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from handlers.recap import draw_recap
from handlers.recap_jobs import DrawRecap
from reports.recap_model import RecapDocument


def child_drawer() -> DrawRecap:
    async def draw(doc: RecapDocument, locale: str) -> bytes:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, draw_recap, doc, locale)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    return draw
