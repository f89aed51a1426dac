#!/usr/bin/env bash
# Full test run for Herald: installs what is missing, starts a throwaway
# PostgreSQL 15, builds, runs `swift test` (SQLite + PostgreSQL), then runs the
# browser suite against a real `herald serve` twice (SQLite, then PostgreSQL),
# the system tests (real processes, kill -9) and the client tests (pywa, an
# independent Python client, against `herald simulator` and `herald serve`).
#
# Knobs (environment):
#   SKIP_SWIFT=1     skip `swift test` (the server is still built for the browser tests)
#   SKIP_BROWSER=1   skip the browser suite (and the chromium/selenium install)
#   SKIP_SYSTEM=1    skip the system tests (kill -9 mid-campaign, two servers on one PostgreSQL)
#   SKIP_CLIENTS=1   skip the client tests (pywa against the simulator and the server) and the pywa install
#   SWIFT_BUILD_TIMEOUT / SWIFT_TEST_TIMEOUT / BROWSER_TIMEOUT / SYSTEM_TIMEOUT / CLIENT_TIMEOUT   hang guards (seconds)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

export DEBIAN_FRONTEND=noninteractive
export PIP_ROOT_USER_ACTION=ignore
export PIP_DISABLE_PIP_VERSION_CHECK=1

SKIP_SWIFT=${SKIP_SWIFT:-0}
SKIP_BROWSER=${SKIP_BROWSER:-0}
SKIP_SYSTEM=${SKIP_SYSTEM:-0}
SKIP_CLIENTS=${SKIP_CLIENTS:-0}
SYSTEM_TIMEOUT=${SYSTEM_TIMEOUT:-900}
CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-600}
SWIFT_BUILD_TIMEOUT=${SWIFT_BUILD_TIMEOUT:-1500}
SWIFT_TEST_TIMEOUT=${SWIFT_TEST_TIMEOUT:-900}
BROWSER_TIMEOUT=${BROWSER_TIMEOUT:-300}
HERALD_BIN="$ROOT/.build/debug/herald"
ARTIFACTS_ROOT="$ROOT/test-artifacts"

BROWSER_WORKSPACE="Browser Test"
# Swift suites that run a second time with the audience index off.
INDEX_OFF_FILTER="SegmentAPITests|SegmentReferenceAPITests|AudienceIndexTests|WebConsoleSegmentsTests|CampaignAPITests|ABTestAPITests"
BROWSER_EMAIL="browser@example.com"
BROWSER_PASSWORD="Browser-Test-Pw-$(python3 -c 'import secrets; print(secrets.token_hex(6))')"

# Hang guards. In a terminal, --foreground lets Ctrl-C reach the command; in CI
# the default mode kills the command's whole process group on timeout.
TIMEOUT=(timeout --kill-after=30)
if [ -t 0 ] || [ -t 1 ]; then
    TIMEOUT+=(--foreground)
fi

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

# shellcheck source=scripts/pg-throwaway.sh
source "$ROOT/scripts/pg-throwaway.sh"

# ---------------------------------------------------------------- helpers

RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/herald-test.XXXXXX")
RESULTS=()
FAILED_STAGES=()
LAST_RC=0
T0=$SECONDS

section() {
    printf '\n======== %s ======== (t+%ss)\n' "$*" "$((SECONDS - T0))"
}

# run_stage NAME FUNC [ARGS...]: runs FUNC in a subshell with errexit on,
# records the outcome, never aborts the script. Result in LAST_RC.
run_stage() {
    local name=$1
    shift
    section "$name"
    local start=$SECONDS
    set +e
    (
        set -euo pipefail
        "$@"
    )
    LAST_RC=$?
    set -e
    local took=$((SECONDS - start))
    if [ "$LAST_RC" -eq 0 ]; then
        RESULTS+=("$name: ok (${took}s)")
        echo "---- $name: ok (${took}s)"
    else
        RESULTS+=("$name: FAILED with exit $LAST_RC (${took}s)")
        FAILED_STAGES+=("$name")
        echo "---- $name: FAILED with exit $LAST_RC (${took}s)"
    fi
}

skip_stage() {
    local name=$1 why=$2
    section "$name"
    echo "skipped: $why"
    RESULTS+=("$name: skipped ($why)")
}

cleanup() {
    local rc=$?
    set +e
    # Herald servers started by the browser stages (their subshells normally
    # stop them; this catches an interrupted run).
    local f pid
    for f in "$RUN_TMP"/guard-*.pid; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    done
    for f in "$RUN_TMP"/server-*.pid; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null
            sleep 1
            kill -KILL "$pid" 2>/dev/null
        fi
    done
    if [ -n "${PG_DIR:-}" ]; then
        pg_stop
    fi
    rm -rf "$RUN_TMP"
    return "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# guarded SECONDS CMD...: CMD under `timeout`, its pid remembered so that an
# interrupted run's cleanup can end it (timeout leads its own process group).
guarded() {
    "${TIMEOUT[@]}" "$@" &
    local pid=$! rc=0
    echo "$pid" >"$RUN_TMP/guard-$pid.pid"
    wait "$pid" || rc=$?
    rm -f "$RUN_TMP/guard-$pid.pid"
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "TIMED OUT after $1 s: ${*:2}" >&2
    fi
    return "$rc"
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

pip_install() {
    python3 -m pip install -q "$@" || python3 -m pip install -q --break-system-packages "$@"
}

# ---------------------------------------------------------------- stages

stage_install() {
    local pkgs=()
    [ -x /usr/lib/postgresql/15/bin/postgres ] || pkgs+=(postgresql-15)
    command -v sqlite3 >/dev/null 2>&1 || pkgs+=(sqlite3)
    command -v qpdf >/dev/null 2>&1 || pkgs+=(qpdf)              # PDF report tests (AnalyticsTests)
    command -v pdftotext >/dev/null 2>&1 || pkgs+=(poppler-utils)
    if [ "$SKIP_BROWSER" != 1 ]; then
        [ -x /usr/bin/chromium ] || pkgs+=(chromium)
        [ -x /usr/bin/chromedriver ] || pkgs+=(chromium-driver)
    fi

    if [ "${#pkgs[@]}" -gt 0 ]; then
        echo "installing with apt-get: ${pkgs[*]}"
        as_root apt-get update -qq || { sleep 5; as_root apt-get update -qq; }
        as_root apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
    else
        echo "system packages already present (postgresql-15, sqlite3, qpdf, poppler-utils, chromium, chromium-driver)"
    fi

    if [ "$SKIP_BROWSER" != 1 ]; then
        if ! python3 -c 'import selenium' 2>/dev/null; then
            echo "installing selenium with pip"
            pip_install -r tests/browser/requirements.txt
        fi
    fi
    if [ "$SKIP_CLIENTS" != 1 ]; then
        if ! python3 -c 'import importlib.metadata as m; assert m.version("pywa") == "4.5.0"' 2>/dev/null; then
            echo "installing pywa 4.5.0 with pip"
            pip_install -r tests/clients/requirements.txt
        fi
    fi
    if [ "$SKIP_BROWSER" != 1 ] || [ "$SKIP_SYSTEM" != 1 ] || [ "$SKIP_CLIENTS" != 1 ]; then
        if ! python3 -c 'import pytest' 2>/dev/null; then
            echo "installing pytest with pip"
            pip_install pytest
        fi
    fi

    echo "versions:"
    echo "  swift:      $(swift --version 2>&1 | head -n 1)"
    echo "  postgres:   $(/usr/lib/postgresql/15/bin/postgres --version)"
    echo "  sqlite3:    $(sqlite3 --version | cut -d' ' -f1)"
    echo "  python3:    $(python3 --version 2>&1)"
    if [ "$SKIP_BROWSER" != 1 ]; then
        echo "  chromium:   $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
        echo "  driver:     $(/usr/bin/chromedriver --version | head -n 1)"
        echo "  selenium:   $(python3 -c 'import selenium; print(selenium.__version__)')"
    fi
    if [ "$SKIP_BROWSER" != 1 ] || [ "$SKIP_SYSTEM" != 1 ] || [ "$SKIP_CLIENTS" != 1 ]; then
        echo "  pytest:     $(python3 -c 'import pytest; print(pytest.__version__)')"
    fi
    if [ "$SKIP_CLIENTS" != 1 ]; then
        echo "  pywa:       $(python3 -c 'import importlib.metadata as m; print(m.version("pywa"))')"
    fi
}

stage_swift_build() {
    if [ "$SKIP_SWIFT" = 1 ]; then
        guarded "$SWIFT_BUILD_TIMEOUT" swift build
    else
        guarded "$SWIFT_BUILD_TIMEOUT" swift build --build-tests
    fi
    [ -x "$HERALD_BIN" ] || { echo "expected $HERALD_BIN after the build" >&2; return 1; }
}

stage_swift_test() {
    if [ -n "${PG_PORT:-}" ]; then
        export HERALD_TEST_POSTGRES_URL
        HERALD_TEST_POSTGRES_URL=$(pg_url herald_test)
        echo "HERALD_TEST_POSTGRES_URL=$HERALD_TEST_POSTGRES_URL"
    else
        echo "WARNING: no PostgreSQL; database tests run against SQLite only" >&2
    fi
    guarded "$SWIFT_TEST_TIMEOUT" swift test || return
    # The whole suite ran with the audience index on (the default); the API tests of what it answers (previews,
    # member lists, saved segments, campaign audiences) run again with it off, so both modes give the same answers.
    echo "> HERALD_AUDIENCE_INDEX=off swift test --skip-build --filter '$INDEX_OFF_FILTER'"
    HERALD_AUDIENCE_INDEX=off guarded "$SWIFT_TEST_TIMEOUT" swift test --skip-build --filter "$INDEX_OFF_FILTER"
}

server_pid=
server_pidfile=
server_data=
stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        local i
        for i in $(seq 1 20); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=
    [ -z "$server_pidfile" ] || rm -f "$server_pidfile"
    [ -z "$server_data" ] || rm -rf "$server_data"
}

http_ok() {
    python3 - "$1" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
EOF
}

# stage_browser LABEL [DATABASE_URL [AUDIENCE_INDEX]]  (runs in its own subshell via run_stage)
stage_browser() {
    local label=$1 db_url=${2:-} audience_index=${3:-on}
    local artifacts="$ARTIFACTS_ROOT/$label"
    rm -rf "$artifacts"
    mkdir -p "$artifacts"
    local log="$artifacts/server.log"

    server_data=$(mktemp -d "${TMPDIR:-/tmp}/herald-browser-$label.XXXXXX")
    trap stop_server EXIT

    if [ -n "$db_url" ]; then
        export HERALD_DATABASE_URL="$db_url"
        echo "database: $db_url"
    else
        unset HERALD_DATABASE_URL
        echo "database: SQLite under $server_data"
    fi

    echo "> herald workspace create \"$BROWSER_WORKSPACE\""
    local out key
    out=$("$HERALD_BIN" workspace create "$BROWSER_WORKSPACE" --data-dir "$server_data" </dev/null)
    printf '%s\n' "$out"
    key=$(printf '%s\n' "$out" | awk 'NF { last = $NF } END { print last }')
    if [ -z "$key" ]; then
        echo "workspace create printed no API key" >&2
        return 1
    fi

    echo "> herald user create --workspace \"$BROWSER_WORKSPACE\" --email $BROWSER_EMAIL --role owner (password on stdin)"
    printf '%s\n' "$BROWSER_PASSWORD" | "$HERALD_BIN" user create --workspace "$BROWSER_WORKSPACE" \
        --email "$BROWSER_EMAIL" --role owner --data-dir "$server_data"

    local port
    port=$(pg_free_port)
    local base="http://127.0.0.1:$port"
    echo "> herald serve --port $port --host 127.0.0.1 (log: ${log#"$ROOT"/})"
    # The browser tests point an account at a local `herald simulator`.
    echo "audience index: $audience_index"
    HERALD_AUDIENCE_INDEX="$audience_index" HERALD_ALLOWED_API_HOSTS=127.0.0.1 \
        "$HERALD_BIN" serve --port "$port" --host 127.0.0.1 --data-dir "$server_data" </dev/null >"$log" 2>&1 &
    server_pid=$!
    server_pidfile="$RUN_TMP/server-$label.pid"
    echo "$server_pid" >"$server_pidfile"

    local deadline=$((SECONDS + 60)) up=0
    while [ "$SECONDS" -lt "$deadline" ]; do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            local code=0
            wait "$server_pid" || code=$?
            server_pid=
            echo "herald serve exited (status $code) before answering /healthz; server log:" >&2
            cat "$log" >&2 || true
            return 1
        fi
        if http_ok "$base/healthz"; then
            up=1
            break
        fi
        sleep 0.5
    done
    if [ "$up" != 1 ]; then
        echo "herald serve did not answer 200 on $base/healthz within 60 s; server log:" >&2
        cat "$log" >&2 || true
        return 1
    fi
    echo "server healthy at $base"

    local rc=0
    export HERALD_BASE_URL="$base" \
        HERALD_TEST_EMAIL="$BROWSER_EMAIL" \
        HERALD_TEST_PASSWORD="$BROWSER_PASSWORD" \
        HERALD_ARTIFACTS_DIR="$artifacts"
    guarded "$BROWSER_TIMEOUT" python3 -m pytest -q -p no:cacheprovider tests/browser || rc=$?

    if [ "$rc" -ne 0 ]; then
        echo "browser suite ($label) failed (exit $rc); screenshots in ${artifacts#"$ROOT"/}/"
        echo "last 80 lines of the server log:"
        tail -n 80 "$log" || true
    fi
    stop_server
    return "$rc"
}

# pytest_against_binaries NAME DIR TIMEOUT [GROUP...]: a pytest suite that starts real `herald` processes, with its own
# artifacts folder and PostgreSQL when there is one. With GROUPs (pytest arguments, space-separated), the groups run at once.
pytest_against_binaries() {
    local name="$1" dir="$2" timeout="$3"
    local artifacts="$ARTIFACTS_ROOT/$name"
    rm -rf "$artifacts"
    mkdir -p "$artifacts"
    export HERALD_BIN HERALD_ARTIFACTS_DIR="$artifacts"
    if [ -n "${PG_PORT:-}" ]; then
        export HERALD_SYSTEM_PG_URL
        HERALD_SYSTEM_PG_URL=$(pg_url postgres)
    else
        echo "WARNING: no PostgreSQL; the PostgreSQL $name tests are skipped" >&2
    fi
    unset HERALD_DATABASE_URL
    if [ "$#" -le 3 ]; then
        guarded "$timeout" python3 -m pytest -q -p no:cacheprovider "$dir"
        return
    fi
    # Groups of test files run side by side, each in its own pytest with its own log, printed when both end.
    local group logs=() pids=() rc=0 i=0
    for group in "${@:4}"; do
        logs+=("$RUN_TMP/$name-$i.log")
        # shellcheck disable=SC2086 # a group is a space-separated list of pytest arguments
        guarded "$timeout" python3 -m pytest -q -p no:cacheprovider $group >"${logs[$i]}" 2>&1 &
        pids+=($!)
        i=$((i + 1))
    done
    for i in "${!pids[@]}"; do
        local code=0
        wait "${pids[$i]}" || code=$?
        echo "---- group $((i + 1)): ${*:$((i + 4)):1} (exit $code)"
        cat "${logs[$i]}"
        [ "$code" -eq 0 ] || rc=$code
    done
    return "$rc"
}

# stage_system: real `herald serve` and `herald simulator` processes, killed and restarted.
# The console scripts' pure model files (tests/js), with Node's own test runner: no packages, no browser.
stage_js() { node --test tests/js/; }

# The demo's A/B test spends most of its four or five minutes waiting for its two-minute outcome window
# and the winner's send, so the crash and report tests run beside it rather than after it.
stage_system() {
    pytest_against_binaries system tests/system "$SYSTEM_TIMEOUT" \
        "tests/system/test_demo.py" \
        "tests/system --ignore=tests/system/test_demo.py"
}

# stage_clients: pywa 4.5.0 against `herald simulator` (every webhook parsed) and Meta-shaped webhooks
# posted to `herald serve` (SQLite, and PostgreSQL when there is one). A stage of its own: a
# third-party client does not belong among the crash tests.
stage_clients() { pytest_against_binaries clients tests/clients "$CLIENT_TIMEOUT"; }

# ---------------------------------------------------------------- main

echo "Herald test run in $ROOT (CI=${CI:-}, SKIP_SWIFT=$SKIP_SWIFT, SKIP_BROWSER=$SKIP_BROWSER, SKIP_SYSTEM=$SKIP_SYSTEM, SKIP_CLIENTS=$SKIP_CLIENTS)"

run_stage "install dependencies" stage_install

section "start throwaway PostgreSQL 15"
pg_ok=0
if pg_start && pg_createdb herald_test; then
    pg_ok=1
    RESULTS+=("postgres: ok (port $PG_PORT)")
    echo "---- postgres: ok, HERALD_TEST_POSTGRES_URL=$(pg_url herald_test)"
else
    RESULTS+=("postgres: FAILED")
    FAILED_STAGES+=("postgres")
    echo "---- postgres: FAILED"
    PG_PORT=
fi

run_stage "swift build" stage_swift_build
build_ok=$([ "$LAST_RC" -eq 0 ] && echo 1 || echo 0)

if [ "$SKIP_SWIFT" = 1 ]; then
    skip_stage "swift test" "SKIP_SWIFT=1"
elif [ "$build_ok" != 1 ]; then
    skip_stage "swift test" "build failed"
else
    run_stage "swift test" stage_swift_test
fi

run_stage "javascript unit tests" stage_js

if [ "$SKIP_BROWSER" = 1 ]; then
    skip_stage "browser tests (SQLite)" "SKIP_BROWSER=1"
    skip_stage "browser tests (SQLite, index off)" "SKIP_BROWSER=1"
    skip_stage "browser tests (PostgreSQL)" "SKIP_BROWSER=1"
    skip_stage "browser tests (PostgreSQL, index off)" "SKIP_BROWSER=1"
elif [ "$build_ok" != 1 ]; then
    skip_stage "browser tests (SQLite)" "build failed"
    skip_stage "browser tests (SQLite, index off)" "build failed"
    skip_stage "browser tests (PostgreSQL)" "build failed"
    skip_stage "browser tests (PostgreSQL, index off)" "build failed"
else
    run_stage "browser tests (SQLite)" stage_browser sqlite
    # The same suite with the audience index off: the builder's counts, member lists and audiences come from SQL.
    run_stage "browser tests (SQLite, index off)" stage_browser sqlite-index-off "" off
    if [ "$pg_ok" = 1 ] && pg_createdb herald_browser && pg_createdb herald_browser_off; then
        run_stage "browser tests (PostgreSQL)" stage_browser postgres "$(pg_url herald_browser)"
        run_stage "browser tests (PostgreSQL, index off)" stage_browser postgres-index-off "$(pg_url herald_browser_off)" off
    else
        section "browser tests (PostgreSQL)"
        echo "cannot run: PostgreSQL is not available"
        RESULTS+=("browser tests (PostgreSQL): FAILED (no PostgreSQL)")
        FAILED_STAGES+=("browser tests (PostgreSQL)")
    fi
fi

if [ "$SKIP_SYSTEM" = 1 ]; then
    skip_stage "system tests" "SKIP_SYSTEM=1"
elif [ "$build_ok" != 1 ]; then
    skip_stage "system tests" "build failed"
else
    run_stage "system tests" stage_system
fi

if [ "$SKIP_CLIENTS" = 1 ]; then
    skip_stage "client tests" "SKIP_CLIENTS=1"
elif [ "$build_ok" != 1 ]; then
    skip_stage "client tests" "build failed"
else
    run_stage "client tests" stage_clients
fi

section "summary"
for r in "${RESULTS[@]}"; do
    echo "  $r"
done
if [ "${#FAILED_STAGES[@]}" -gt 0 ]; then
    echo "HERALD TESTS FAILED: ${#FAILED_STAGES[@]} stage(s) failed: $(IFS=,; echo "${FAILED_STAGES[*]}") ($((SECONDS - T0))s)"
    exit 1
fi
echo "HERALD TESTS OK: every stage passed ($((SECONDS - T0))s)"
