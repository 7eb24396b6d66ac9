#!/usr/bin/env bash
# Start the web server (gunicorn, static files through WhiteNoise) and a Celery worker with
# the beat scheduler beside it; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
VENV=.venv/bin
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-lms.settings.dev}"
mkdir -p var

"$VENV/celery" -A lms worker -B --loglevel=INFO --concurrency=2 \
  --schedule var/celerybeat-schedule --pidfile= >var/worker.log 2>&1 &
WORKER=$!
"$VENV/gunicorn" lms.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 --access-logfile - &
WEB=$!

stop() { kill -TERM "$WEB" "$WORKER" 2>/dev/null || true; wait "$WEB" "$WORKER" 2>/dev/null || true; }
trap stop INT TERM EXIT

cat <<MSG

  Masar is running: http://127.0.0.1:${PORT}/   (Arabic: /ar/, English: /en/, editors: /admin/)
  Demo logins, password "${DEMO_PASSWORD:-masar-demo}": trainee, hr, editor, admin
  Worker log: var/worker.log — press Ctrl-C to stop.

MSG
wait -n "$WEB" "$WORKER"
