#!/usr/bin/env bash
# Sets up and runs the whole test suite: ruff, mypy --strict, then pytest (unit, integration, e2e).
# PostgreSQL tests run when TANGGAP_TEST_POSTGRES_URL is set (or a local server answers on 127.0.0.1:5432).
# Tests run in TANGGAP_TEST_WORKERS processes (default 4): the end-to-end tests mostly wait on Telegram's pace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
if [ -z "${TANGGAP_TEST_POSTGRES_URL:-}" ] && .venv/bin/python - <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", 5432)) == 0 else 1)
PY
then
  export TANGGAP_TEST_POSTGRES_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/test"
fi
echo "== ruff"; .venv/bin/ruff check .
echo "== mypy"; .venv/bin/mypy
echo "== pytest"
set +e
# worksteal: a worker that runs out of tests takes half of the busiest one's queue (with the default "load", one
# worker spent the last ~15 minutes of a 39-minute run alone on test_filing's 16-combination tests)
.venv/bin/python -m pytest -n "${TANGGAP_TEST_WORKERS:-4}" --dist worksteal --durations=15 "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure." >&2
  exit 1
fi
exit "$code"
