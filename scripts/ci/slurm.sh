#!/usr/bin/env bash
# A single-node Slurm cluster on localhost for @lamdagent/executor-slurm's integration tests.
#
# Installs slurm-wlm (slurmctld, slurmd) and munge from Debian's packages, writes a minimal
# cgroup-free slurm.conf (works in containers: proctrack/linuxproc, task/none) describing this
# machine's real CPUs and memory, starts munged, slurmctld and slurmd, and waits until the node is
# idle. Idempotent: when the cluster already answers with this configuration it returns at once.
# Runs as root (CI runs it on a fresh Debian machine). Logs: /var/log/slurm/.
set -euo pipefail

CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
LOG_DIR=/var/log/slurm
PARTITION=${LAMDAGENT_SLURM_PARTITION:-debug}

log() { printf '[slurm.sh] %s\n' "$*"; }
die() { printf '[slurm.sh] error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"

node_ready() {
  local state
  state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n1 || true)
  case "$state" in idle | mixed | allocated | completing) return 0 ;; *) return 1 ;; esac
}

# 1. Packages (skipped when present).
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  log "installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends slurm-wlm slurmctld slurmd slurm-client munge
fi

# 2. Configuration: this machine's real CPUs and memory, as slurmd itself detects them.
HOST=$(hostname -s)
NODE_LINE=$(slurmd -C | head -n1)
CPUS=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$NODE_LINE")
SOCKETS=$(sed -n 's/.*SocketsPerBoard=\([0-9]*\).*/\1/p' <<<"$NODE_LINE")
CORES=$(sed -n 's/.*CoresPerSocket=\([0-9]*\).*/\1/p' <<<"$NODE_LINE")
THREADS=$(sed -n 's/.*ThreadsPerCore=\([0-9]*\).*/\1/p' <<<"$NODE_LINE")
MEM=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$NODE_LINE")
[ -n "$CPUS" ] && [ -n "$MEM" ] || die "cannot read this machine's CPUs and memory from 'slurmd -C': $NODE_LINE"
# Leave a little memory to the system so slurmd never reports less than configured.
MEM=$((MEM > 1024 ? MEM - 256 : MEM))

mkdir -p "$CONF_DIR" "$LOG_DIR" /var/spool/slurmctld /var/spool/slurmd /run/slurm
NEW_CONF=$(mktemp)
cat >"$NEW_CONF" <<EOF
# Written by scripts/ci/slurm.sh: a single-node test cluster (no cgroups, no accounting database).
ClusterName=lamdagent
SlurmctldHost=${HOST}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=10
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=${LOG_DIR}/jobcomp.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
ReturnToService=2
JobRequeue=0
MinJobAge=60
KillWait=2
OverTimeLimit=0
InactiveLimit=0
Waittime=0
SlurmctldTimeout=30
SlurmdTimeout=60
MessageTimeout=20
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=${LOG_DIR}/slurmctld.log
SlurmdLogFile=${LOG_DIR}/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=${HOST} NodeAddr=127.0.0.1 CPUs=${CPUS} Sockets=${SOCKETS:-1} CoresPerSocket=${CORES:-$CPUS} ThreadsPerCore=${THREADS:-1} RealMemory=${MEM} State=UNKNOWN
PartitionName=${PARTITION} Nodes=${HOST} Default=YES MaxTime=INFINITE State=UP
EOF

CHANGED=0
if ! cmp -s "$NEW_CONF" "$CONF"; then
  install -m 0644 "$NEW_CONF" "$CONF"
  CHANGED=1
fi
rm -f "$NEW_CONF"

if [ "$CHANGED" = 0 ] && node_ready; then
  log "already up: $(sinfo -h -o '%P %a %D %T' | head -n1)"
  exit 0
fi

# 3. Daemons. Restart ours when the configuration changed.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if [ "$CHANGED" = 1 ]; then
  for f in /run/slurm/slurmd.pid /run/slurm/slurmctld.pid; do
    if pid_alive "$f"; then kill "$(cat "$f")" 2>/dev/null || true; fi
  done
  for _ in $(seq 50); do pid_alive /run/slurm/slurmd.pid || pid_alive /run/slurm/slurmctld.pid || break; sleep 0.1; done
fi

mkdir -p /run/munge /var/lib/munge /var/log/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge /etc/munge
chmod 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  log "creating a munge key"
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
fi
if ! munge -n </dev/null >/dev/null 2>&1; then
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n </dev/null >/dev/null 2>&1 || die "munged did not start (see /var/log/munge/munged.log)"
fi

if ! pid_alive /run/slurm/slurmctld.pid; then
  log "starting slurmctld"
  slurmctld -i || die "slurmctld did not start: $(tail -n 5 "$LOG_DIR/slurmctld.log" 2>&1)"
fi
if ! pid_alive /run/slurm/slurmd.pid; then
  log "starting slurmd"
  slurmd || die "slurmd did not start: $(tail -n 5 "$LOG_DIR/slurmd.log" 2>&1)"
fi

# 4. Wait until the node is idle (and resume it if it came back down from an earlier run).
for i in $(seq 150); do
  if node_ready; then
    log "up in ${SECONDS}s: $(sinfo -h -o '%P %a %D %T' | head -n1) (${CPUS} CPUs, ${MEM} MB)"
    exit 0
  fi
  state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n1 || true)
  case "$state" in
    down* | drain* | fail*) [ $((i % 10)) = 0 ] && scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.2
done
log "slurmctld log tail:"; tail -n 20 "$LOG_DIR/slurmctld.log" >&2 || true
log "slurmd log tail:"; tail -n 20 "$LOG_DIR/slurmd.log" >&2 || true
die "the node did not become idle within 30 s (state: $(sinfo -h -N -o '%T %E' 2>&1 | head -n1))"
