#!/usr/bin/env bash
# Throwaway PostgreSQL 15 for tests.
#
# Sourced (by scripts/test.sh): defines pg_start, pg_createdb, pg_url, pg_stop.
#   pg_start sets PG_DIR and PG_PORT; pg_stop stops the server and removes PG_DIR.
#
# Run directly (for a developer's shell):
#   scripts/pg-throwaway.sh start [DBNAME...]   # prints PG_DIR, port and URLs
#   scripts/pg-throwaway.sh stop PG_DIR
#
# initdb refuses to run as root, so as root the server runs as the `postgres`
# user (created by Debian's postgresql-15 package). Authentication is `trust`
# on 127.0.0.1 only; there is no TLS.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=${PG_DIR:-}
PG_PORT=${PG_PORT:-}

pg_free_port() {
    python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Run a command as the postgres user (or as ourselves when not root),
# from inside PG_DIR so an unreadable working directory causes no warnings.
pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd "$PG_DIR" && runuser -u postgres -- "$@")
    else
        (cd "$PG_DIR" && "$@")
    fi
}

pg_start() {
    if [ ! -x "$PG_BIN/postgres" ]; then
        echo "pg-throwaway: $PG_BIN/postgres not found (apt-get install postgresql-15)" >&2
        return 1
    fi
    # Written so it works without errexit (callers use it in `if`).
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/herald-pg.XXXXXX") || return 1
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$PG_DIR" || return 1
    fi
    chmod 700 "$PG_DIR" || return 1

    echo "pg-throwaway: initdb in $PG_DIR/data"
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres \
        -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || {
        cat "$PG_DIR/initdb.log" >&2
        return 1
    }

    local attempt
    for attempt in 1 2 3; do
        PG_PORT=$(pg_free_port)
        echo "pg-throwaway: starting PostgreSQL on 127.0.0.1:$PG_PORT (attempt $attempt)"
        if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
            -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null; then
            echo "pg-throwaway: up ($("$PG_BIN/postgres" --version))"
            return 0
        fi
        echo "pg-throwaway: start failed; server log:" >&2
        tail -n 20 "$PG_DIR/server.log" >&2 || true
    done
    return 1
}

pg_createdb() {
    local name=$1
    pg_as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$name" || return 1
    echo "pg-throwaway: created database $name"
}

pg_url() {
    echo "postgres://postgres@127.0.0.1:$PG_PORT/$1"
}

pg_stop() {
    [ -n "$PG_DIR" ] || return 0
    if [ -d "$PG_DIR/data" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
        pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
            || pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
            || true
    fi
    rm -rf "$PG_DIR"
    echo "pg-throwaway: stopped and removed $PG_DIR"
    PG_DIR=
    PG_PORT=
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-}" in
    start)
        shift
        pg_start
        for db in "$@"; do
            pg_createdb "$db"
        done
        echo
        echo "PG_DIR=$PG_DIR"
        echo "PG_PORT=$PG_PORT"
        for db in "$@"; do
            echo "URL ($db): $(pg_url "$db")"
        done
        echo "Stop with: $0 stop $PG_DIR"
        ;;
    stop)
        PG_DIR=${2:?usage: $0 stop PG_DIR}
        pg_stop
        ;;
    *)
        echo "usage: $0 start [DBNAME...] | stop PG_DIR" >&2
        exit 2
        ;;
    esac
fi
