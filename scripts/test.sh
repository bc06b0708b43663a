#!/usr/bin/env bash
# The test command: install what the tests need and run the whole suite (SQLite unless DATABASE_URL says otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv test
exec .venv/bin/python -m pytest -n "${TEST_PROCESSES:-2}" "$@"
