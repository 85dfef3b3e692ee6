#!/usr/bin/env bash
# Backs up Tanggap's database, safe while the bot runs; see docs/operations.md.
#
#   scripts/backup.sh [DEST_DIR]
#
# The database is the one the bot uses: DATABASE_URL from the environment, else from ./.env, else the
# default sqlite+aiosqlite:///./data/tanggap.db (relative paths are relative to the current directory,
# as for the bot, so run this where the bot runs).
#   SQLite:     Python's sqlite3 backup API (a consistent copy while the bot writes; no sqlite3 CLI needed)
#               → DEST_DIR/tanggap-YYYY-MM-DD-HHMMSS.db, then PRAGMA integrity_check and a ticket count on the copy.
#   PostgreSQL: pg_dump -Fc → DEST_DIR/tanggap-YYYY-MM-DD-HHMMSS.dump, then pg_restore --list reads it back.
# DEST_DIR: default $BACKUP_DIR, else ./backups. Backups are created mode 0600 (they hold personal data).
# KEEP_DAYS: backups in DEST_DIR older than this many days are deleted after a good backup (default 14; 0 keeps all).
# PYTHON: the Python to use (default: the .venv next to this script, else python3); only its standard library is used.
set -euo pipefail
umask 077

dest=${1:-${BACKUP_DIR:-./backups}}
keep=${KEEP_DAYS:-14}
here=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x "$here/.venv/bin/python" ]; then PY="$here/.venv/bin/python"; else PY=python3; fi
fi
case "$keep" in ''|*[!0-9]*) echo "backup: KEEP_DAYS must be a number of days; got '$keep'" >&2; exit 2 ;; esac

# Where the database is: "sqlite <path>" or "postgresql <libpq URL without password>" and, on fd 3, the password.
describe() {
  "$PY" - "$@" <<'PY'
import os, sys
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

url = os.environ.get("DATABASE_URL", "")
if not url and os.path.exists(".env"):
    for line in open(".env", encoding="utf-8"):
        key, sep, value = line.strip().partition("=")
        if sep and key.strip().removeprefix("export ").strip() == "DATABASE_URL":
            value = value.strip()
            quoted = value[:1] in ("'", '"')
            url = value.strip("'\"") if quoted else value.split(" #")[0].strip()
url = url or "sqlite+aiosqlite:///./data/tanggap.db"
scheme, _, rest = url.partition("://")
backend = scheme.split("+")[0]
if backend == "sqlite":
    path = unquote(rest[1:].split("?")[0]) if rest.startswith("/") else ""
    if not path or path == ":memory:" or path.startswith("file:"):
        sys.exit(f"backup: cannot back up the SQLite database of DATABASE_URL={url!r}: give it a file path")
    print("sqlite", path)
elif backend in ("postgresql", "postgres"):
    parts = urlsplit("postgresql://" + rest)
    # asyncpg's ?ssl=require is libpq's ?sslmode=require
    query = urlencode([("sslmode" if k == "ssl" else k, v) for k, v in parse_qsl(parts.query)])
    user = quote(unquote(parts.username), safe="") + "@" if parts.username else ""
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = user + host + (f":{parts.port}" if parts.port else "")
    print("postgresql", urlunsplit(("postgresql", netloc, parts.path, query, "")))
    with os.fdopen(3, "w") as secret:
        secret.write(unquote(parts.password or ""))
else:
    sys.exit(f"backup: DATABASE_URL must be sqlite+aiosqlite://… or postgresql+asyncpg://…; got a {scheme!r} URL")
PY
}

secret_file=$(mktemp)
trap 'rm -f "$secret_file"' EXIT
info=$(describe 3>"$secret_file")  # exits here (set -e) when DATABASE_URL is unusable
kind=${info%% *}
where=${info#* }
mkdir -p "$dest"
stamp=$(date +%F-%H%M%S)

if [ "$kind" = sqlite ]; then
  if [ ! -f "$where" ]; then
    echo "backup: no database at $where (check DATABASE_URL and the directory you run this in)" >&2
    exit 1
  fi
  out="$dest/tanggap-$stamp.db"
  "$PY" - "$where" "$out" <<'PY'
import pathlib, sqlite3, sys

source, target = sys.argv[1], sys.argv[2]
uri = pathlib.Path(source).resolve().as_uri() + "?mode=rw"  # mode=rw: never creates a missing database
src = sqlite3.connect(uri, uri=True, timeout=30)
dst = sqlite3.connect(target)
src.backup(dst)  # all pages in one step: one consistent snapshot, WAL included; the bot keeps writing
src.close()
dst.execute("PRAGMA journal_mode = DELETE")  # the copy is one self-contained file
check = dst.execute("PRAGMA integrity_check").fetchone()[0]
if check != "ok":
    sys.exit(f"backup: integrity_check of {target} says: {check}")
tickets = dst.execute("SELECT count(*) FROM ticket").fetchone()[0] if dst.execute(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ticket'").fetchone() else "no ticket table"
dst.close()
print(f"backup: {source} -> {target} (integrity ok, tickets: {tickets})")
PY
  pattern='tanggap-*.db'
else
  command -v pg_dump >/dev/null || { echo "backup: pg_dump not found (install postgresql-client)" >&2; exit 1; }
  out="$dest/tanggap-$stamp.dump"
  password=$(cat "$secret_file")
  if [ -n "$password" ]; then export PGPASSWORD="$password"; fi
  if ! pg_dump --format=custom --file="$out" --dbname="$where"; then
    rm -f "$out"
    echo "backup: pg_dump failed; nothing was written" >&2
    exit 1
  fi
  objects=$(pg_restore --list "$out" | grep -vc '^;')
  echo "backup: $where -> $out ($objects objects in the archive)"
  pattern='tanggap-*.dump'
fi

if [ "$keep" -gt 0 ]; then
  find "$dest" -maxdepth 1 -type f -name "$pattern" -mtime +"$keep" -print -delete | sed 's/^/backup: deleted old /'
fi
