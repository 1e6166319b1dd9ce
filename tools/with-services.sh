#!/usr/bin/env bash
# Run a command against PostgreSQL and Redis, starting them if they are down.
# On a laptop without either, print a skip line and succeed; under CI (CI=true) that is a failure.
set -u
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gridgov_test}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"

postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! postgres_up && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do postgres_up && break; sleep 1; done
fi
if ! redis_up && command -v redis-server >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
fi

if ! postgres_up || ! redis_up; then
  missing=$(postgres_up || printf 'PostgreSQL '; redis_up || printf 'Redis')
  if [ "${CI:-}" = "true" ]; then
    echo "error: $missing not reachable on 127.0.0.1; CI must run the PostgreSQL + Redis suite" >&2
    exit 1
  fi
  echo "SKIPPED: tests on PostgreSQL + Redis ($missing not available on 127.0.0.1)"
  exit 0
fi

echo "== tests on PostgreSQL + Redis channel layer ($DATABASE_URL, $REDIS_URL) =="
exec "$@"
