#!/usr/bin/env bash
# The pybabel workflow: extract every marked string into locales/messages.pot and merge it into
# each language's messages.po (new strings appear with an empty msgstr to translate).
# Add a language:  .venv/bin/pybabel init -D messages -i locales/messages.pot -d locales -l xx
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k N_ --sort-output --no-location --project Tanggap --version 0.1 \
  --msgid-bugs-address dev@tanggap.local --copyright-holder Tanggap -o locales/messages.pot . >/dev/null 2>&1
.venv/bin/pybabel update -D messages -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete >/dev/null 2>&1
.venv/bin/pybabel compile -D messages -d locales --statistics 2>&1 | grep -v '^compiling' || true
