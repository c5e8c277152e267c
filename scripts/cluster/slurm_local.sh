#!/usr/bin/env bash
# A throw-away single-node Slurm on loopback, for tests (tests/cluster/test_slurm.py) and for trying
# the cluster examples of docs/cluster.md on one machine:
#
#   scripts/cluster/slurm_local.sh start DIR   installs Debian's slurmctld, slurmd, slurm-client and
#                                              munge when missing (as root, with apt-get), then, all
#                                              from DIR: generates a munge key, starts munged on its
#                                              own socket, writes DIR/slurm.conf (this host as the
#                                              only node, NodeAddr=127.0.0.1, its real CPUs and
#                                              memory, one partition "local", free ports), starts
#                                              slurmctld and slurmd with it, waits until sinfo shows
#                                              the node idle, and prints as the last line of stdout:
#                                                export SLURM_CONF=DIR/slurm.conf
#   scripts/cluster/slurm_local.sh stop DIR    cancels the jobs still queued or running there, stops
#                                              slurmd, slurmctld and munged by the PIDs they recorded
#                                              in DIR and checks they are gone; DIR stays
#
# Use it as:   eval "$(scripts/cluster/slurm_local.sh start /tmp/slurm)"; sbatch ...; sinfo; ...
#
# Nothing outside DIR is written (no edits under /etc, no system munged or Slurm service touched),
# except what apt-get installs. The daemons run as root (SlurmUser=root): the cluster is for tests,
# never for real users. No cgroups (proctrack/linuxproc, task/none), no accounting database (so no
# sacct; squeue, scontrol and `sbatch --wait` work), jobs are kept 10 minutes after they end.
# Messages go to stderr; exit 1, saying why, when Slurm cannot be installed or started (the tests
# then skip).
set -euo pipefail

log() { echo "slurm_local.sh: $*" >&2; }
die() { log "$*"; exit 1; }
SERVICE="Slurm/munge"
# shellcheck source=/dev/null
. "$(dirname "${BASH_SOURCE[0]}")/../local_service.sh"

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
command=$1
dir=$2
sbin() { # the daemon's path (Debian puts them in /usr/sbin, which a non-login PATH may lack)
    local name=$1 d
    for d in /usr/sbin /sbin /usr/local/sbin; do
        [[ -x $d/$name ]] && { echo "$d/$name"; return 0; }
    done
    command -v "$name" 2>/dev/null
}

have_all() {
    sbin slurmctld >/dev/null && sbin slurmd >/dev/null && sbin munged >/dev/null &&
        command -v sbatch >/dev/null && command -v sinfo >/dev/null
}

# The PID in a pid file when that process is alive, else nothing (and status 1).
live_pid() {
    local file=$1 pid
    [[ -f $file ]] || return 1
    pid=$(head -1 "$file" 2>/dev/null | tr -dc '0-9')
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

# Waits up to $2 seconds for the command in $3... to succeed.
wait_for() {
    local what=$1 seconds=$2 i
    shift 2
    for ((i = 0; i < seconds * 4; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    log "timed out after ${seconds}s waiting for $what"
    return 1
}

show_logs() {
    local f
    for f in "$dir"/munge/munged.log "$dir"/slurmctld.log "$dir"/slurmd.log; do
        [[ -s $f ]] || continue
        log "--- last lines of $f"
        tail -15 "$f" >&2
    done
}

start_failed() {
    show_logs
    stop_daemons >/dev/null 2>&1 || true
    die "$*"
}

start() {
    local t0=$SECONDS
    have_all || install_packages slurmctld slurmd slurm-client munge
    have_all || die "slurmctld, slurmd, munged, sbatch or sinfo still missing after installing them"
    local munged slurmctld slurmd
    munged=$(sbin munged)
    slurmctld=$(sbin slurmctld)
    slurmd=$(sbin slurmd)

    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [[ ! -e $dir/slurm.conf ]] || die "$dir/slurm.conf exists: a cluster was started there already (stop it, use a new DIR)"
    # munged refuses a key, socket or log in a folder others may write to, and a socket in a
    # folder others cannot pass through: DIR and DIR/munge are rwxr-xr-x, the key rw-------.
    chmod 755 "$dir"
    mkdir -p "$dir/munge" "$dir/state" "$dir/spool"
    chmod 755 "$dir/munge"
    chmod 700 "$dir/state" "$dir/spool"
    local mdir=$dir/munge

    # munge: a key of our own and a daemon on a socket in DIR.
    if command -v mungekey >/dev/null || [[ -x /usr/sbin/mungekey ]]; then
        "$(command -v mungekey || echo /usr/sbin/mungekey)" --create --keyfile="$mdir/munge.key" >&2 ||
            die "mungekey could not create $mdir/munge.key"
    else
        (umask 077 && head -c 1024 /dev/urandom >"$mdir/munge.key")
    fi
    chmod 600 "$mdir/munge.key"
    local socket=$mdir/munge.socket
    "$munged" --key-file="$mdir/munge.key" --socket="$socket" --pid-file="$mdir/munged.pid" \
        --log-file="$mdir/munged.log" --seed-file="$mdir/munged.seed" >&2 ||
        start_failed "munged did not start"
    wait_for "munged's socket $socket" 20 test -S "$socket" || start_failed "munged did not start"
    if command -v munge >/dev/null && command -v unmunge >/dev/null; then
        munge -S "$socket" -n | unmunge -S "$socket" >/dev/null 2>&1 ||
            start_failed "munged runs but a credential made with it does not decode"
    fi

    # This host as the only node: its name, CPUs and memory as slurmd sees them.
    local node detected cpus memory
    node=$(hostname -s)
    detected=$("$slurmd" -C 2>/dev/null | head -1) || detected=
    cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$detected")
    memory=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$detected")
    [[ -n $cpus ]] || cpus=$(nproc)
    [[ -n $memory ]] || memory=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))
    # A little below what the kernel reports, so slurmd never finds less than configured.
    memory=$((memory * 95 / 100))

    local attempt ctld_port slurmd_port srun_low
    for attempt in 1 2 3; do
        ctld_port=$(free_port)
        slurmd_port=$(free_port)
        [[ $ctld_port != "$slurmd_port" ]] || continue
        # srun's own listening ports: a range above the ephemeral ports' usual start, by attempt.
        srun_low=$((61000 + (RANDOM % 40) * 100))
        cat >"$dir/slurm.conf" <<EOF
# Written by scripts/cluster/slurm_local.sh: a single-node test cluster on loopback. Not for real use.
ClusterName=redline
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SrunPortRange=$srun_low-$((srun_low + 99))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$dir/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MaxArraySize=10001
MinJobAge=600
MailProg=/bin/true
DependencyParameters=kill_invalid_depend
SlurmctldTimeout=60
SlurmdTimeout=60
InactiveLimit=0
KillWait=10
Waittime=0
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
        : >"$dir/plugstack.conf"
        export SLURM_CONF=$dir/slurm.conf
        log "starting slurmctld (port $ctld_port) and slurmd (port $slurmd_port) for node $node ($cpus CPUs, $memory MB)"
        if ! "$slurmctld" -f "$dir/slurm.conf" -i >&2; then
            log "slurmctld did not start (attempt $attempt)"
            show_logs
            rm -f "$dir/slurm.conf"
            continue
        fi
        if ! wait_for "slurmctld to answer" 30 scontrol ping; then
            stop_pid slurmctld "$dir/slurmctld.pid"
            rm -f "$dir/slurm.conf"
            show_logs
            continue
        fi
        if ! "$slurmd" -f "$dir/slurm.conf" -N "$node" >&2; then
            log "slurmd did not start (attempt $attempt)"
            stop_pid slurmctld "$dir/slurmctld.pid"
            show_logs
            rm -f "$dir/slurm.conf"
            continue
        fi
        break
    done
    [[ -f $dir/slurm.conf ]] || start_failed "slurmctld/slurmd did not start (3 attempts)"
    node_idle() { [[ $(sinfo -h -N -n "$node" -o %T 2>/dev/null) == idle ]]; }
    if ! wait_for "node $node to be idle in sinfo" 60 node_idle; then
        sinfo -N -l >&2 || true
        start_failed "slurmd did not register the node with slurmctld"
    fi
    log "Slurm running: node $node idle, partition local, $dir/slurm.conf (started in $((SECONDS - t0)) s)"
    echo "export SLURM_CONF=$dir/slurm.conf"
}

# Stops the process recorded in a pid file: SIGTERM, up to 30 s, then SIGKILL; fails if it lives on.
stop_pid() {
    local name=$1 file=$2 pid i
    pid=$(live_pid "$file") || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 120; i++)); do
        kill -0 "$pid" 2>/dev/null || { log "$name (PID $pid) stopped"; return 0; }
        sleep 0.25
    done
    log "$name (PID $pid) still running after 30 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
    if kill -0 "$pid" 2>/dev/null; then
        log "$name (PID $pid) survived SIGKILL"
        return 1
    fi
    return 0
}

stop_daemons() {
    local ok=0
    stop_pid slurmd "$dir/slurmd.pid" || ok=1
    stop_pid slurmctld "$dir/slurmctld.pid" || ok=1
    stop_pid munged "$dir/munge/munged.pid" || ok=1
    return $ok
}

stop() {
    [[ -d $dir ]] || { log "no cluster in $dir"; return 0; }
    dir=$(cd "$dir" && pwd)
    # Cancel what is still queued or running, so no job step outlives its slurmd.
    if [[ -f $dir/slurm.conf ]] && live_pid "$dir/slurmctld.pid" >/dev/null; then
        export SLURM_CONF=$dir/slurm.conf
        local jobs
        jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ') || jobs=
        if [[ -n ${jobs// /} ]]; then
            log "cancelling jobs $jobs"
            # shellcheck disable=SC2086
            scancel $jobs 2>/dev/null || true
            jobs_gone() { [[ -z $(squeue -h -o %A 2>/dev/null) ]]; }
            wait_for "the cancelled jobs to end" 30 jobs_gone || true
        fi
    fi
    stop_daemons || die "a daemon of the cluster in $dir did not stop"
    local name
    local file
    for file in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
        ! live_pid "$file" >/dev/null || die "$(basename "$file" .pid) of the cluster in $dir is still running"
    done
    log "the cluster in $dir is stopped"
}

case $command in
start) start ;;
stop) stop ;;
*) usage ;;
esac
