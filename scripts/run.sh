#!/usr/bin/env bash
# The run command: set up, migrate the embedded SQLite database, load demo data and serve on :8000
# with a background worker (and beat) that needs no other service.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv
mkdir -p var/broker var/broker-control var/media
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
.venv/bin/celery -A config worker --beat --pool=solo --loglevel=WARNING --without-gossip --without-mingle \
  --logfile var/celery.log --schedule var/celerybeat-schedule &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
echo
echo "Shiftdesk is running at http://127.0.0.1:8000  (API docs: http://127.0.0.1:8000/api/docs/)"
echo "Background worker log: var/celery.log. Stop with Ctrl+C."
echo
.venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
