#!/usr/bin/env bash
# Runs amamibot's tests, as README.md says: makes sure the local PostgreSQL and
# Redis the tests use are running (starting them when installed but stopped),
# then runs go test -race ./... (extra arguments go to go test).
#
# Tests create their own database on TEST_DATABASE_URL's server and their own
# Redis key space, and drop them afterwards. Point TEST_DATABASE_URL and
# TEST_REDIS_URL elsewhere to use other servers.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${TEST_DATABASE_URL:=postgres://root@127.0.0.1:5432/postgres?sslmode=disable}"
: "${TEST_REDIS_URL:=redis://127.0.0.1:6379/0}"
export TEST_DATABASE_URL TEST_REDIS_URL

# listening HOST PORT: is something accepting connections there?
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_for NAME HOST PORT: up to 30 s.
wait_for() {
  for _ in $(seq 60); do listening "$2" "$3" && return 0; sleep 0.5; done
  echo "test.sh: $1 did not start listening on $2:$3 within 30 s" >&2
  exit 1
}

if [[ "$TEST_DATABASE_URL" == *"@127.0.0.1:5432/"* ]] && ! listening 127.0.0.1 5432; then
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    echo "test.sh: PostgreSQL is not installed. Install it with: apt-get update && apt-get install -y postgresql" >&2
    echo "         (or point TEST_DATABASE_URL at a PostgreSQL server you have)" >&2
    exit 1
  fi
  echo "test.sh: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  wait_for PostgreSQL 127.0.0.1 5432
fi

if [[ "$TEST_REDIS_URL" == "redis://127.0.0.1:6379"* ]] && ! listening 127.0.0.1 6379; then
  if ! command -v redis-server >/dev/null; then
    echo "test.sh: Redis is not installed. Install it with: apt-get update && apt-get install -y redis-server" >&2
    echo "         (or point TEST_REDIS_URL at a Redis server you have)" >&2
    exit 1
  fi
  echo "test.sh: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis 127.0.0.1 6379
fi

# The console's end-to-end test drives Debian's Chromium (with Japanese fonts,
# so its screenshot is readable).
if ! command -v chromium >/dev/null || [ ! -d /usr/share/fonts/opentype/noto ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing chromium and fonts-noto-cjk for the console's browser test"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "test.sh: the console's browser test needs Chromium: apt-get update && apt-get install -y chromium fonts-noto-cjk" >&2
    exit 1
  fi
fi

exec go test -race -timeout 30m "$@" ./...
