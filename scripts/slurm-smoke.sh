#!/usr/bin/env bash
# slurm-smoke.sh: run examples/slurm/sweep-array.sbatch on a real one-node Slurm on this machine
# and check that the merged sweep CSV is byte-identical to one unsharded run.
#
#   bash scripts/slurm-smoke.sh            (as root; run `npm run build` first)
#
# Installs Debian's slurm-wlm and munge when they are missing (apt-get), writes a one-node
# slurm.conf into a temporary folder (SlurmUser root, proctrack/linuxproc, task/none,
# select/cons_tres, this host's name and core count), starts its own munged, slurmctld and slurmd
# (own key, socket, ports, state and logs; nothing system-wide is configured), submits the
# example on a small sweep, waits for it, compares, and stops only the daemons it started.
# Exit 0 with "PASS" when the CSVs match, 1 when they do not or a job fails; when Slurm cannot be
# installed or started here it prints "SKIP: <why>" and exits 0.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli="$here/dist/cli/index.js"
timeout_s=${SLURM_SMOKE_TIMEOUT:-300}

skip() {
  echo "SKIP: slurm-smoke: $*"
  exit 0
}
fail() {
  echo "FAIL: slurm-smoke: $*"
  exit 1
}
say() { echo "slurm-smoke: $*"; }

[ -f "$cli" ] || fail "$cli is missing: run npm run build first"
[ "$(id -u)" = 0 ] || skip "needs root (installs packages, runs slurmd as root)"

# --- install -------------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
  ! command -v munged >/dev/null; then
  command -v apt-get >/dev/null || skip "slurm and munge are not installed and there is no apt-get"
  say "installing slurm-wlm and munge (apt-get)"
  # Keep the packages' init scripts from starting daemons during the install: this script
  # starts its own, configured below.
  policy_made=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_made=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/tmp/slurm-smoke-apt.log 2>&1
  rc=$?
  [ -n "$policy_made" ] && rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || skip "apt-get install slurm-wlm munge failed (log: /tmp/slurm-smoke-apt.log)"
fi
for b in slurmctld slurmd sbatch squeue scontrol munged mungekey; do
  command -v "$b" >/dev/null || skip "$b not found after installing slurm-wlm and munge"
done

# --- configure -----------------------------------------------------------------------------
work=$(mktemp -d /tmp/slurm-smoke.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/state" "$work/spool" "$work/log" "$work/munge" "$work/out"
chmod 700 "$work/munge"
host=$(hostname -s)
cores=$(nproc)
# Ports: the first free pair from 16817 (Slurm's defaults 6817/6818 may be in use).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ctl_port=16817
while ! port_free "$ctl_port" || ! port_free $((ctl_port + 1)); do ctl_port=$((ctl_port + 2)); done
d_port=$((ctl_port + 1))
conf="$work/slurm.conf"
cat >"$conf" <<CONF
ClusterName=laserscan-smoke
SlurmctldHost=$host
SlurmctldPort=$ctl_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MailProg=/bin/true
NodeName=$host CPUs=$cores State=UNKNOWN
PartitionName=smoke Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$conf"

# --- start (and always stop what was started) ----------------------------------------------
started=()
stop_daemons() {
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    kill "${started[i]}" 2>/dev/null
  done
  for pid in "${started[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  started=()
}
trap stop_daemons EXIT
trap 'stop_daemons; exit 130' INT TERM

logs() { tail -n 5 "$work"/log/*.log 2>/dev/null | sed 's/^/  /'; }

mungekey --create --keyfile="$work/munge/munge.key" >/dev/null 2>&1 ||
  dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$work/munge/munge.key"
munged -F --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/log/munged.log" \
  --seed-file="$work/munge/munged.seed" >/dev/null 2>&1 &
started+=($!)
for _ in $(seq 50); do [ -S "$work/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$work/munge/munge.socket" ] || { logs; skip "munged did not start"; }

slurmctld -D -i -f "$conf" >"$work/log/slurmctld.out" 2>&1 &
started+=($!)
slurmd -D -f "$conf" >"$work/log/slurmd.out" 2>&1 &
started+=($!)
ready=""
for _ in $(seq 150); do
  state=$(sinfo -h -n "$host" -o %t 2>/dev/null | head -1)
  case "$state" in idle* | mix* | alloc*) ready=1; break ;; esac
  sleep 0.2
done
[ -n "$ready" ] || { logs; skip "slurmctld/slurmd did not bring node $host up (state: ${state:-none})"; }
say "Slurm up: node $host, $cores cores, ports $ctl_port/$d_port, folder $work"

# --- run the example -----------------------------------------------------------------------
plan=fractional-co2-demo
vary="pattern.coverage=0.05,0.1,0.15 sequence.order=serpentine,spread"
shards=3
out="$work/out"
submitted=$(cd "$work" && PLAN=$plan VARY="$vary" SHARDS=$shards OUT="$out" \
  LASERSCAN="$(command -v node) $cli" bash "$here/examples/slurm/sweep-array.sbatch") ||
  fail "submitting the example failed: $submitted"
say "$submitted"
ids=$(echo "$submitted" | sed -n 's/^array job \([0-9]*\) .*merge job \([0-9]*\);.*/\1,\2/p')
[ -n "$ids" ] || fail "could not read the job ids from: $submitted"
t0=$SECONDS
while [ -n "$(squeue -h -j "$ids" 2>/dev/null)" ]; do
  if ((SECONDS - t0 > timeout_s)); then
    squeue -j "$ids"
    scancel "${ids//,/ }" 2>/dev/null
    logs
    fail "jobs still queued or running after ${timeout_s} s"
  fi
  sleep 1
done
say "jobs done in $((SECONDS - t0)) s"
[ -f "$out/sweep.csv" ] || {
  tail -n 20 "$out"/*.log 2>/dev/null
  fail "no merged $out/sweep.csv (a shard or the merge failed)"
}

# --- compare with one unsharded run ---------------------------------------------------------
args=()
for v in $vary; do args+=(--vary "$v"); done
node "$cli" sweep "$plan" "${args[@]}" --csv "$work/one.csv" --json >/dev/null || fail "the unsharded run failed"
if cmp -s "$work/one.csv" "$out/sweep.csv"; then
  echo "PASS: slurm-smoke: $shards-shard array job + merge on Slurm = one unsharded run ($(($(wc -l <"$work/one.csv") - 1)) variants, byte-identical)"
  stop_daemons
  rm -rf "$work"
  exit 0
fi
diff "$work/one.csv" "$out/sweep.csv" | head -20
fail "the merged CSV differs from the unsharded run (kept: $work)"
