#!/usr/bin/env bash
# Sets up and starts Tanggap: with TELEGRAM_BOT_TOKEN set (environment or .env) it runs the bot;
# without one it opens the offline sandbox (local Bot API emulator + a chat in this terminal, SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ] || grep -qs '^TELEGRAM_BOT_TOKEN=.\+' .env; then
  exec .venv/bin/tanggap run "$@"
fi
exec .venv/bin/tanggap sandbox "$@"
