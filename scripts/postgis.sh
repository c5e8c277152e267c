#!/usr/bin/env bash
# A throw-away PostgreSQL + PostGIS on loopback, for tests (tests/ledger/test_ledger_postgis.py):
#
#   scripts/postgis.sh start DIR   installs Debian's postgresql and postgresql-N-postgis-3 when
#                                  missing (as root, with apt-get), initialises a cluster in DIR/data,
#                                  starts it on 127.0.0.1 with a free port and its unix socket in DIR,
#                                  creates the database "redline" with the postgis extension, and
#                                  prints the OGR connection string as the last line of stdout:
#                                    PG:host=127.0.0.1 port=PORT dbname=redline user=postgres
#   scripts/postgis.sh stop DIR    stops that cluster (pg_ctl, else its postmaster's PID); DIR stays
#
# Authentication is "trust" on loopback only: the cluster is for tests, never for data. Nothing
# outside DIR is written (no edits under /etc, no system cluster touched), except what apt-get
# installs. Run as root, initdb and the server run as the `postgres` system user, who must own DIR,
# so DIR's parents must let that user through (/tmp is fine). Messages go to stderr; exit 1 when
# PostgreSQL cannot be installed or started (the tests then skip, saying why).
set -euo pipefail

log() { echo "postgis.sh: $*" >&2; }
die() { log "$*"; exit 1; }
SERVICE="PostgreSQL/PostGIS"
# shellcheck source=/dev/null
. "$(dirname "${BASH_SOURCE[0]}")/local_service.sh"

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
command=$1
dir=$2
# The newest server installed: /usr/lib/postgresql/N/bin.
pg_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

# Runs a command as the cluster's owner: the postgres system user when we are root (PostgreSQL
# refuses to run as root), ourselves otherwise.
as_owner() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start() {
    local bindir version
    if ! bindir=$(pg_bindir); then
        install_packages postgresql postgresql-15-postgis-3
        bindir=$(pg_bindir) || die "no PostgreSQL server under /usr/lib/postgresql after installing it"
    fi
    version=$(basename "$(dirname "$bindir")")
    if [[ ! -f /usr/share/postgresql/$version/extension/postgis.control ]]; then
        install_packages "postgresql-$version-postgis-3"
        [[ -f /usr/share/postgresql/$version/extension/postgis.control ]] ||
            die "postgresql-$version-postgis-3 is installed but has no postgis extension for PostgreSQL $version"
    fi

    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [[ ! -e $dir/data ]] || die "$dir/data exists: a cluster was started there already (stop it, use a new DIR)"
    if is_root; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' system user (is Debian's postgresql-common installed?)"
        chown postgres:postgres "$dir"
        chmod 700 "$dir"
        runuser -u postgres -- test -w "$dir" ||
            die "the postgres user cannot reach $dir (a parent folder is closed to it); use a folder under /tmp"
    fi

    log "initialising PostgreSQL $version in $dir/data"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
        >"$dir/initdb.log" 2>&1 || { tail -20 "$dir/initdb.log" >&2; die "initdb failed"; }

    local port attempt
    for attempt in 1 2 3; do
        port=$(free_port)
        # Loopback only; the socket in DIR, not in /var/run/postgresql; no fsync (throw-away data).
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c full_page_writes=off" \
            start >&2; then
            break
        fi
        log "start on port $port failed (attempt $attempt)"
        port=
    done
    [[ -n $port ]] || { tail -20 "$dir/postgres.log" >&2; die "the server did not start"; }

    as_owner "$bindir/createdb" -h "$dir" -p "$port" -U postgres redline >&2 || die "createdb failed"
    as_owner "$bindir/psql" -h "$dir" -p "$port" -U postgres -d redline -v ON_ERROR_STOP=1 -q \
        -c "CREATE EXTENSION postgis" >&2 || die "CREATE EXTENSION postgis failed"

    local connection="PG:host=127.0.0.1 port=$port dbname=redline user=postgres"
    echo "$port" >"$dir/port"
    echo "$connection" >"$dir/connection"
    log "PostgreSQL $version + PostGIS running on 127.0.0.1:$port (data in $dir/data)"
    echo "$connection"
}

stop() {
    [[ -d $dir/data ]] || { log "no cluster in $dir"; return 0; }
    local pidfile=$dir/data/postmaster.pid
    [[ -f $pidfile ]] || { log "the cluster in $dir is not running"; return 0; }
    local pid bindir
    pid=$(head -1 "$pidfile")
    if bindir=$(pg_bindir) && as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >&2; then
        return 0
    fi
    # pg_ctl could not: end the postmaster we started, by the PID it recorded.
    log "pg_ctl stop failed; stopping the postmaster (PID $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

case $command in
start) start ;;
stop) stop ;;
*) usage ;;
esac
