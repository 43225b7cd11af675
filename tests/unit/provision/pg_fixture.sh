#!/usr/bin/env bash
# ctest fixture for the ledger unit tests: `start DIR` runs a throwaway PostgreSQL cluster on a
# Unix socket in DIR (no TCP port to collide with other builds) and writes its URL to DIR/url,
# which the tests read (FWPROV_TEST_PG_DIR); `stop DIR` stops it and removes DIR. Without the
# server binaries `start` prints SKIP and exits 77 (a skip); the tests then run on SQLite only.
set -u
source "$(dirname "$0")/../../cli/pg_lib.sh"
action=$1 dir=$2
pg_cluster_stop "$dir"  # a cluster left behind by an interrupted run
[ "$action" = stop ] && exit 0
if ! pg_available; then
  echo "SKIP: the PostgreSQL server (Debian package postgresql) is not installed; ledger unit tests run on SQLite only"
  exit 77
fi
mkdir -p "$dir"
pg_cluster_start "$dir" 5432 '' || exit 1
echo "postgresql://fwprov@/postgres?host=$dir&port=5432" >"$dir/url"
echo "PostgreSQL for the unit tests: $(cat "$dir/url")"
