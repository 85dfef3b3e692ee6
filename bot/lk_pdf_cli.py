"""``tanggap lk-pdf LK-2026-001 --out LK-2026-001.pdf [--lang en]``: the LK's form for the office PC, by the same
renderer and with the same versions and codes as ``/lk pdf`` (the copy is recorded, so ``/verify`` knows it)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.bootstrap import build, migrate
from bot.settings import Settings
from handlers.documents import issue_lk_pdf
from handlers.errors import Refusal
from handlers.procedure import SYSTEM, Ctx
from handlers.procedure.checks import find_lk


async def write_lk_pdf(settings: Settings, number: str, out: Path, language: str) -> int:
    app = build(settings)
    try:
        await migrate(app)
        async with app.make_uow() as uow:
            ctx = Ctx(uow, app.deps, SYSTEM, app.deps.translator.gettext(language), language)
            try:
                issued = await issue_lk_pdf(ctx, await find_lk(ctx, number), language)
            except Refusal as refusal:
                print(f"tanggap: {refusal.text}", file=sys.stderr)
                return 1
            await uow.commit()
        await asyncio.to_thread(out.write_bytes, await asyncio.to_thread(app.deps.archive.get, issued.sha256))
        print(f"{out}: {number.upper()}, version {issued.version}, verification code {issued.code}")
        return 0
    finally:
        await app.close()
