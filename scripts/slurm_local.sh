#!/usr/bin/env bash
# A single-node Slurm on localhost for tests: munge and Slurm daemons with their own key,
# configuration, sockets, state and logs in one directory, so nothing on the machine is touched.
#
#   eval "$(scripts/slurm_local.sh start DIR)"   # prints `export SLURM_CONF=...` on success
#   scripts/slurm_local.sh stop DIR
#
# Needs Debian's slurm-wlm and munge (scripts/setup.sh). Runs as root (the CI container) or as
# an ordinary user (the daemons then run as that user). `start` exits 3 when a daemon cannot
# start, with the reason and the daemon's log on stderr.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

stop() {
    for pidfile in "$dir"/slurmd.pid "$dir"/slurmctld.pid "$dir"/munged.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile" 2>/dev/null || true)
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
}

fail() {
    echo "slurm_local: $1" >&2
    for log in "$dir"/munged.log "$dir"/slurmctld.log "$dir"/slurmd.log; do
        [ -f "$log" ] && { echo "--- tail of $log" >&2; tail -n 15 "$log" >&2; }
    done
    stop
    exit 3
}

if [ "$cmd" = stop ]; then
    stop
    exit 0
fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

for prog in munged sbatch slurmctld slurmd; do
    command -v "$prog" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin"
    command -v "$prog" >/dev/null 2>&1 || fail "$prog not found: install Debian slurm-wlm and munge (scripts/setup.sh)"
done

mkdir -p "$dir"/state "$dir"/spool
dir=$(cd "$dir" && pwd)
user=$(id -un)
host=$(uname -n | cut -d. -f1)
cpus=$(nproc)
# Slurm wants RealMemory no larger than what slurmd measures; keep a margin.
mem_mb=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
# Ports away from the defaults (6817/6818), varied per directory so two test runs do not collide.
base=$((20000 + $(echo "$dir" | cksum | cut -d' ' -f1) % 20000))

# munge: its own key, socket and files; --force because the directory's owner and permissions
# are not munged's production layout.
dd if=/dev/urandom of="$dir/munge.key" bs=1 count=1024 2>/dev/null
chmod 600 "$dir/munge.key"
munged --force --key-file="$dir/munge.key" --socket="$dir/munge.socket" \
    --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munged.seed" \
    || fail "munged did not start"

cat >"$dir/slurm.conf" <<EOF
ClusterName=spikelmtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$user
SlurmdUser=$user
SlurmctldPort=$base
SlurmdPort=$((base + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
# A job that asks for no memory gets this much per CPU, not the whole node.
DefMemPerCPU=$((mem_mb / cpus / 2))
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
# Trust the node line below rather than drain the node when a container's view of the hardware
# (CPU affinity, cgroup limits) differs from it.
SlurmdParameters=config_overrides
SchedulerType=sched/builtin
# Start dependent jobs as soon as their dependency ends (tests wait on them).
SchedulerParameters=sched_min_interval=0,defer_batch=0
MessageTimeout=10
MinJobAge=600
InactiveLimit=0
KillWait=5
Waittime=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$dir/slurm.conf"

slurmctld -f "$SLURM_CONF" -i || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start"

for _ in $(seq 100); do
    state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n1 || true)
    case "$state" in
        idle*|mixed*|alloc*) echo "export SLURM_CONF=$SLURM_CONF"; exit 0 ;;
    esac
    sleep 0.2
done
fail "the node did not come up (sinfo state '${state:-none}')"
