#!/usr/bin/env bash
# Start a throwaway PostgreSQL + PostGIS server on 127.0.0.1 for the tests and print the
# URL of its database (FRONTLINES_TEST_PG). The server runs as the `postgres` system user
# (never as root), from a data folder of its own under $PGROOT, so it touches no cluster
# the machine may already have. Prints nothing and exits 1 when it cannot start one.
#
#   url=$(bash .ci/postgres.sh start)   # then: FRONTLINES_TEST_PG=$url make test
#   bash .ci/postgres.sh stop
set -euo pipefail

PGROOT=${PGROOT:-/tmp/frontlines-pg}
PGPORT=${PGPORT:-54329}
PGUSER_NAME=frontlines
PGDATABASE_NAME=frontlines_test

bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then echo "$dir"; fi
  done | sort -V | tail -1
}

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

launch() {
  local bin=$1
  if [ ! -f "$PGROOT/data/PG_VERSION" ]; then
    # trust on loopback only: a test server that lives as long as the CI run
    as_postgres "$bin/initdb" -D "$PGROOT/data" -U "$PGUSER_NAME" --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$PGROOT/initdb.log" 2>&1 || return 1
  fi
  # fsync off: a crash loses only a test database
  as_postgres "$bin/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 start \
    -o "-h 127.0.0.1 -p $PGPORT -k $PGROOT -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c max_connections=200" >/dev/null
}

start() {
  local bin
  bin=$(bindir)
  [ -n "$bin" ] || { echo "postgres.sh: no PostgreSQL server installed" >&2; exit 1; }
  id postgres >/dev/null 2>&1 || { echo "postgres.sh: no postgres system user" >&2; exit 1; }
  mkdir -p "$PGROOT"
  chown postgres "$PGROOT"
  if ! as_postgres "$bin/pg_ctl" -D "$PGROOT/data" status >/dev/null 2>&1; then
    # a data folder left by an earlier run that will not start is a test database: anew
    launch "$bin" || { rm -rf "$PGROOT/data"; launch "$bin"; }
  fi
  local psql=("$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U "$PGUSER_NAME" -X -q -v ON_ERROR_STOP=1)
  if ! as_postgres "${psql[@]}" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE_NAME'" | grep -q 1; then
    as_postgres "${psql[@]}" -d postgres -c "CREATE DATABASE $PGDATABASE_NAME"
  fi
  as_postgres "${psql[@]}" -d "$PGDATABASE_NAME" \
    -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis" >&2
  echo "postgresql://$PGUSER_NAME@127.0.0.1:$PGPORT/$PGDATABASE_NAME"
}

stop() {
  local bin
  bin=$(bindir)
  if [ -n "$bin" ] && [ -f "$PGROOT/data/PG_VERSION" ]; then
    as_postgres "$bin/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
