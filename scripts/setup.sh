#!/usr/bin/env bash
# Creates .venv with Python 3.11+ and installs Tanggap (and, with --dev, the test tools) into it.
# Re-running is cheap: it reinstalls only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in python3 python3.13 python3.12 python3.11; do
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
      PY=$candidate; break
    fi
  done
fi
if [ -z "$PY" ]; then
  echo "Tanggap needs Python 3.11 or newer; none was found on PATH (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
stamp=".venv/.installed$extra"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".$extra"
  touch "$stamp"
fi
