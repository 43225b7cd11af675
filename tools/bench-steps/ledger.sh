#!/usr/bin/env bash
# ledger: serial allocations per second (begin_attempt, one transaction each) of the SQLite
# ledger (a file, WAL, synchronous=FULL) and the PostgreSQL ledger (a throwaway local cluster,
# fsync on, over loopback TCP), with 1 client and with 8 clients at once (8 connections, as 8
# stations or ports). Each run also checks the serials are exactly 1..N.
set -euo pipefail
BENCH_PROGRAM="$BUILD_DIR/tools/ledger-bench/fwprov-ledger-bench"
for clients in 1 8; do
  n=$((800 / clients))
  rm -f "$BENCH"/ledger-*.db*
  "$BENCH_PROGRAM" "$BENCH/ledger-$clients.db" "$clients" "$n" | sed 's/^/ledger SQLite (file in $TMPDIR): /'
done
source "$ROOT/tests/cli/pg_lib.sh"
if ! pg_available; then
  echo "ledger PostgreSQL: SKIP (the postgresql package is not installed)"
  exit 0
fi
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/fwprov-bench-pg.XXXXXX")
trap 'pg_cluster_stop "$pg_dir"' EXIT
port=$(pg_free_port)
pg_cluster_start "$pg_dir" "$port" 127.0.0.1 durable
url="postgresql://fwprov@127.0.0.1:$port/postgres"
for clients in 1 8; do
  n=$((800 / clients))
  "$PG_BIN/psql" -X -q "$url" -c "SET client_min_messages = warning" -c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public" >/dev/null
  "$BENCH_PROGRAM" "$url" "$clients" "$n" | sed 's/^/ledger PostgreSQL (local, fsync on, TCP): /'
done
