#!/usr/bin/env bash
# Quick start 2: set up and run the whole test suite (unit, handler, PostgreSQL and
# end-to-end Wechaty tests). PostgreSQL and Node tests skip locally only when their
# service is absent; with CI set they must run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 | grep -v '^WARNING: Location' || true
if command -v npm >/dev/null 2>&1 && [ -f tests/e2e/package-lock.json ]; then
  npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
fi
exec .venv/bin/python -m pytest -m "not slow" "$@"
