#!/usr/bin/env bash
# Quick start 1: set up and run a scripted week of the built-in demo school
# (SQLite in a temporary folder, no WeChat account needed).
#   --web   keep the week in .schoolbot/demo.db, then serve the web page on
#           127.0.0.1:8080 and print the principal's login link (Ctrl-C ends it)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e . 2>&1 | grep -v '^WARNING: Location' || true
if [ "${1:-}" = "--web" ]; then
  shift
  mkdir -p .schoolbot
  rm -f .schoolbot/demo.db .schoolbot/demo.db-wal .schoolbot/demo.db-shm   # a fresh week each time
  exec .venv/bin/schoolbot --db "sqlite:///$PWD/.schoolbot/demo.db" demo --web "$@"
fi
exec .venv/bin/schoolbot --db "sqlite:///$(mktemp -d)/demo.db" demo "$@"
