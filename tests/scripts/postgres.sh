#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server in a temp dir as a non-root user.
# Usage: source tests/scripts/postgres.sh; pg_start; ...; pg_stop
# Exports MG_PG_URL (a database named madoguchi) and MG_PG_ADMIN_URL.
pg_start() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bindir" ]; then echo "postgres.sh: PostgreSQL server not installed" >&2; return 1; fi
  PG_DIR=$(mktemp -d /tmp/mg-pg.XXXXXX)
  PG_USER=$(id -un)
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root: use an unprivileged account.
    id mgtest >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin mgtest
    chown mgtest "$PG_DIR"
    PG_USER=mgtest
    run=(runuser -u mgtest --)
  fi
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "${run[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U "$PG_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }
  "${run[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null || { cat "$PG_DIR/server.log"; return 1; }
  PG_BINDIR=$bindir
  "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" madoguchi
  export MG_PG_URL="postgresql://$PG_USER@127.0.0.1:$PG_PORT/madoguchi"
  export MG_PG_ADMIN_URL="postgresql://$PG_USER@127.0.0.1:$PG_PORT/postgres"
  export PG_DIR PG_PORT PG_USER PG_BINDIR
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  local run=()
  [ "$(id -u)" -eq 0 ] && run=(runuser -u mgtest --)
  "${run[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
