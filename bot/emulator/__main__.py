"""``python -m bot.emulator --port 8081``: run the Bot API emulator standalone."""

from __future__ import annotations

import argparse
import asyncio
import logging

from .emulator import BotApiEmulator


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--user", type=int, action="append", default=[], help="add a user id (repeatable)")
    parser.add_argument("--no-rate-limits", action="store_true", help="turn flood control off")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    emulator = BotApiEmulator(rate_limits=not args.no_rate_limits)
    for user_id in args.user:
        emulator.add_user(user_id, f"User {user_id}")
    base_url = await emulator.start(args.host, args.port)
    print(f"Bot API emulator on {base_url} (aiogram: TelegramAPIServer.from_base, PTB: {base_url}/bot)")
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        asyncio.run(_serve(_parse_args(argv)))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
