#!/usr/bin/env bash
# Quick start 1: set up and run a scripted week of the built-in demo school
# (SQLite in a temporary folder, no WeChat account needed).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e . 2>&1 | grep -v '^WARNING: Location' || true
exec .venv/bin/schoolbot --db "sqlite:///$(mktemp -d)/demo.db" demo "$@"
