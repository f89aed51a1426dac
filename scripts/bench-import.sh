#!/usr/bin/env bash
# Benchmark: import a large contacts CSV through the real server and record time and peak memory.
#
#   scripts/bench-import.sh [ROWS] [DATABASE_URL]
#
# Builds herald in release mode, writes a deterministic CSV of ROWS
# rows (default 1,000,000; every 100th row has a bad phone number), starts `herald serve` on a
# fresh data folder (SQLite unless DATABASE_URL names a PostgreSQL database), uploads the file,
# polls the job, and prints rows/s, the server's peak RSS (VmHWM) and the job's counts.
set -euo pipefail
ROWS=${1:-1000000}
DB_URL=${2:-}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
swift build -c release >/dev/null
BIN="$ROOT/.build/release/herald"
WORK=$(mktemp -d /tmp/herald-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

python3 - "$ROWS" "$WORK/contacts.csv" <<'PY'
import random, sys
rows, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
first = ["Anna", "Ben", "Chiara", "Dev", "Emeka", "Fatima", "Gabriel", "Hana", "Ivan", "Juno", "Kofi", "Lucía"]
last = ["Silva", "Müller", "Okafor", "Sharma", "Rossi", "Kim", "García", "Smith", "Nguyen", "Haddad"]
with open(path, "w", encoding="utf-8") as f:
    f.write("phone,name,email,city,tags,consent\n")
    for i in range(rows):
        phone = "not-a-number" if i % 100 == 99 else "+4915%08d" % i
        name = f"{rng.choice(first)} {rng.choice(last)}"
        email = f"user{i}@example.com" if i % 3 else ""
        tags = rng.choice(["", "vip", "newsletter|vip", "returning"])
        f.write(f'{phone},"{name}",{email},"Berlin, Mitte",{tags},{rng.choice(["yes", "no", ""])}\n')
PY
SIZE=$(stat -c %s "$WORK/contacts.csv")

export HERALD_DATA_DIR="$WORK/data" HERALD_PORT=$PORT HERALD_LOG_LEVEL=warning
[ -n "$DB_URL" ] && export HERALD_DATABASE_URL="$DB_URL"
KEY=$("$BIN" workspace create "Bench $$" </dev/null | tail -n 1 | awk '{print $NF}')
"$BIN" serve >"$WORK/server.log" 2>&1 </dev/null &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

RSS_START=$(awk '/VmRSS/ {print $2}' /proc/$SERVER/status)
T0=$(date +%s.%N)
JOB=$(curl -fsS -H "Authorization: Bearer $KEY" -H 'Content-Type: text/csv' -H 'Expect:' -T "$WORK/contacts.csv" -X POST \
    "http://127.0.0.1:$PORT/api/contacts/import" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status_url"])')
T_UPLOAD=$(date +%s.%N)
while :; do
    STATUS=$(curl -fsS -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT$JOB")
    case "$STATUS" in *'"status":"completed"'*|*'"status":"failed"'*) break ;; esac
    sleep 0.5
done
T1=$(date +%s.%N)
HWM=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)
python3 - "$STATUS" "$ROWS" "$SIZE" "$T0" "$T_UPLOAD" "$T1" "$RSS_START" "$HWM" "${DB_URL:-sqlite}" <<'PY'
import json, sys
status, rows, size, t0, tu, t1, rss0, hwm, db = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *map(float, sys.argv[4:7]), int(sys.argv[7]), int(sys.argv[8]), sys.argv[9]
job = json.loads(status)
print(f"database: {'postgresql' if db.startswith('postgres') else 'sqlite'}")
print(f"file: {rows:,} rows, {size/1048576:.1f} MiB")
print(f"upload (202 answered): {tu - t0:.1f} s; upload + import: {t1 - t0:.1f} s; {rows / (t1 - t0):,.0f} rows/s")
print(f"server RSS before: {rss0/1024:.0f} MiB; peak (VmHWM): {hwm/1024:.0f} MiB")
print(f"job: {job['status']}; result: {json.dumps(job.get('result'))}")
PY
