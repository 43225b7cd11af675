# A throwaway PostgreSQL cluster for tests (docs/ledger.md, "Testing"): initdb in a temporary
# folder, the server on a free loopback port (or on its Unix socket only), the socket in that
# folder, stopped by the test's EXIT trap. The server refuses to run as root, so under root
# (CI) it runs as the `postgres` user the Debian package creates. Start-up is kept short:
# fsync off and small buffers (the data is thrown away).
# Sourced by tests/cli/*.test.sh (after lib.sh) and by tests/unit/provision/pg_fixture.sh.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PG_DIRS=()

# pg_available: the server binaries are installed (Debian package postgresql).
pg_available() { [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && { [ "$(id -u)" -ne 0 ] || id postgres >/dev/null 2>&1; }; }

pg_as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# pg_cluster_start DIR PORT [LISTEN [DURABILITY]]: a cluster in DIR/data, socket in DIR; LISTEN
# '' is Unix socket only; DURABILITY "durable" keeps fsync on (benchmarks). User `fwprov`, trust
# authentication (throwaway clusters only), database postgres.
pg_cluster_start() {
  local dir=$1 port=$2 listen=${3-127.0.0.1} fsync=off
  [ "${4:-}" != durable ] || fsync=on
  chmod 755 "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
  pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -A trust -U fwprov --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
    { sed 's/^/  initdb: /' "$dir/initdb.log" >&2; return 1; }
  pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses='$listen' -c fsync=$fsync -c full_page_writes=$fsync -c shared_buffers=16MB -c max_connections=60" >/dev/null ||
    { sed 's/^/  postgres: /' "$dir/server.log" >&2; return 1; }
}

# pg_cluster_stop DIR: stops the server (if it runs) and removes DIR.
pg_cluster_stop() {
  [ -f "$1/data/postmaster.pid" ] && pg_as_owner "$PG_BIN/pg_ctl" -D "$1/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$1"
}

pg_free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# psql_run SQL...: runs SQL on $PG_URL, tuples only, unaligned.
psql_run() { "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$PG_URL" "$@"; }

# start_pg (in a CLI test): a cluster on a free loopback port, stopped at exit; sets PG_DIR,
# PG_PORT and PG_URL (postgresql://fwprov@127.0.0.1:PORT/postgres). Prints SKIP and exits 77
# when the server binaries are absent; a server that fails to start is a failure.
start_pg() {
  if ! pg_available; then
    echo "SKIP: the PostgreSQL server (Debian package postgresql) is not installed; the PostgreSQL ledger is not tested here"
    exit 77
  fi
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/fwprov-pg.XXXXXX")
  PG_DIRS+=("$PG_DIR")
  local previous
  previous=$(trap -p EXIT)
  previous=${previous#"trap -- "}
  previous=${previous%" EXIT"}
  eval "previous=$previous"
  # shellcheck disable=SC2064  # the earlier trap's text is meant to be expanded now
  trap "for d in \"\${PG_DIRS[@]}\"; do pg_cluster_stop \"\$d\"; done; $previous" EXIT
  PG_PORT=$(pg_free_port)
  pg_cluster_start "$PG_DIR" "$PG_PORT" || { fail "the throwaway PostgreSQL did not start"; finish; exit 1; }
  PG_URL="postgresql://fwprov@127.0.0.1:$PG_PORT/postgres"
}
