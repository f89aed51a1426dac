#!/usr/bin/env bash
# Benchmark: segment preview counts on seeded data (docs/benchmarks.md, "Segment preview").
#
#   scripts/bench-segments.sh CONTACTS [DATABASE_URL] [-- BENCH OPTIONS...]
#
# Builds herald in release mode, seeds a workspace "bench" with CONTACTS contacts (5 orders and
# 20 message events per contact) into a fresh SQLite folder under /tmp (or into DATABASE_URL, an
# empty PostgreSQL database), then runs `herald bench segments` on it: 3 warm-ups and 30 timed
# counts per rule shape, a table on standard output and JSON next to the data. Options after `--`
# go to `herald bench segments` (for example `--runs 10` or `--shape lapsed`).
# The data is kept (its folder is printed) so the bench can be rerun without seeding again:
#   .build/release/herald bench segments --workspace bench --data-dir DIR
set -euo pipefail
CONTACTS=${1:?usage: $0 CONTACTS [DATABASE_URL] [-- BENCH OPTIONS...]}
shift
DB_URL=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then DB_URL=$1; shift; fi
[ "${1:-}" = "--" ] && shift
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
swift build -c release --product herald >/dev/null
BIN="$ROOT/.build/release/herald"
WORK=$(mktemp -d /tmp/herald-bench-segments.XXXXXX)
if [ -n "$DB_URL" ]; then TARGET=(--database-url "$DB_URL"); else TARGET=(--data-dir "$WORK/data"); fi

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: ${DB_URL:-$WORK/data} (kept)"
SECONDS=0
"$BIN" seed --workspace bench --create-workspace --contacts "$CONTACTS" --orders-per-contact 5 --events-per-contact 20 \
    "${TARGET[@]}" --log-level warning </dev/null | grep -v '^API key'
echo "seeded in ${SECONDS} s"
"$BIN" bench segments --workspace bench "${TARGET[@]}" --log-level error --runs 30 --warmups 3 --json "$WORK/segments.json" "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); JSON: $WORK/segments.json"
