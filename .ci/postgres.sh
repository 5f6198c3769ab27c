#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests.
#
#   source .ci/postgres.sh; start_postgres; ...; stop_postgres
#   bash .ci/postgres.sh -- npx vitest run test/db     # run one command against it
#
# Uses Debian's postgresql-15 (installed with apt-get when missing). postgres
# refuses to run as root, so the server runs as the unprivileged `postgres`
# user, on a temporary directory and a free loopback port. Exports
# DATABASE_URL while it runs.

PG_TMP=""
PG_BIN=""

find_pg_bin() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    PG_BIN="$(pg_config --bindir)"
    return 0
  fi
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then PG_BIN="$dir"; return 0; fi
  done
  return 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_postgres() {
  if ! find_pg_bin; then
    echo "== PostgreSQL server binaries not found; installing postgresql-15"
    apt-get update -qq && (apt-get install -y -qq postgresql-15 >/dev/null || apt-get install -y -qq postgresql >/dev/null)
    find_pg_bin || { echo "FATAL: could not install PostgreSQL server binaries" >&2; return 1; }
  fi
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
  PG_TMP="$(mktemp -d /tmp/ecotone-pg.XXXXXX)"
  chown postgres "$PG_TMP"
  chmod 700 "$PG_TMP"
  local port
  port="$(free_port)"
  local as_pg=(runuser -u postgres --)
  "${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres -A trust --no-sync >"$PG_TMP/initdb.log" 2>&1 \
    || { echo "FATAL: initdb failed:" >&2; cat "$PG_TMP/initdb.log" >&2; return 1; }
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null \
    || { echo "FATAL: PostgreSQL did not start:" >&2; cat "$PG_TMP/server.log" >&2; return 1; }
  "${as_pg[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres ecotone_test \
    || { echo "FATAL: could not create the test database" >&2; return 1; }
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/ecotone_test"
  echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port"
}

stop_postgres() {
  if [ -n "$PG_TMP" ] && [ -d "$PG_TMP/data" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$PG_TMP" ] && rm -rf "$PG_TMP"
  PG_TMP=""
  unset DATABASE_URL
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  [ "${1:-}" = "--" ] && shift
  trap stop_postgres EXIT
  start_postgres
  "$@"
fi
