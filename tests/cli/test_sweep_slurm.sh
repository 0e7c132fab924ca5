#!/usr/bin/env bash
# A sweep as a Slurm job array, for real (issue 16 point 4, docs/sweeps.md):
# brings up a single-node Slurm cluster on this machine (munged, slurmctld and
# slurmd from Debian's munge and slurm-wlm, a generated slurm.conf in a
# temporary folder: ProctrackType=proctrack/linuxproc, no cgroups, SlurmUser
# root), submits the sweep with sbatch --array (SLURM_ARRAY_TASK_ID -> --shard,
# each task batching several configurations), waits, merges and compares with
# the unsharded run byte for byte, then stops the daemons it started.
# Needs root (it installs the packages when missing and runs the daemons); else SKIP (77).
# Usage: test_sweep_slurm.sh PATH/TO/rmpsim
set -u
exe=$(realpath "$1")
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the Slurm test runs daemons as root"
	exit 77
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >&2 ||
		{ echo "SKIP: cannot install slurm-wlm and munge"; exit 77; }
fi
tmp=$(mktemp -d /tmp/rmpsim-slurm.XXXXXX)
chmod 755 "$tmp"
pids=()
stop() {
	# Only what this script started, by pid.
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
	if [ "${KEEP_SLURM_TMP:-}" = "" ]; then rm -rf "$tmp"; fi
}
trap stop EXIT
. "$(dirname "$(realpath "$0")")/lib.sh"
die() {
	echo "not ok - $*"
	for f in "$tmp"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done
	exit 1
}
free_port() { # a TCP port nothing listens on
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
	done
}

# munge: our own key, socket and state, run as root (--force: root-owned files).
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/logs" "$tmp/results"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 700 "$tmp/munge"
chmod 400 "$tmp/munge/munge.key"
munged --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.socket" \
	--pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munge/seed" ||
	die "munged did not start"
pids+=("$(cat "$tmp/munge/munged.pid")")

ctld_port=$(free_port)
slurmd_port=$(free_port)
cpus=$(nproc)
cat >"$tmp/slurm.conf" <<EOF
# A one-node cluster for tests/cli/test_sweep_slurm.sh
ClusterName=rmpsimtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/munge.socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf
slurmctld -f "$tmp/slurm.conf" -i || die "slurmctld did not start"
for _ in $(seq 100); do [ -s "$tmp/slurmctld.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$tmp/slurmctld.pid")")
slurmd -f "$tmp/slurm.conf" -N localhost || die "slurmd did not start"
for _ in $(seq 100); do [ -s "$tmp/slurmd.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$tmp/slurmd.pid")")
up=no
for _ in $(seq 120); do
	state=$(sinfo -h -n localhost -o %t 2>/dev/null)
	case "$state" in idle*|mix*|alloc*) up=yes; break ;; esac
	sleep 0.5
done
[ "$up" = yes ] || die "the node did not come up (sinfo: '${state:-}')"
check "a one-node Slurm cluster is up (node state: $state)" true

cat >"$tmp/sweep.ini" <<'EOF'
; 2 x 3 x 2 points, 2 runs each: 24 configurations
[sweep]
name = slurm-test
runs = 2
[set]
scenario = empty-again
backing = 2M
machine.packages = 1
machine.l3_per_node = 1
machine.node_memory = 8G
[axes]
machine.cores_per_l3 = 2, 4
ipi.delivery_ns = 300..900 step 300
policy = v10, naive
EOF
# The job array of docs/sweeps.md: 4 tasks, 6 configurations each.
cat >"$tmp/sweep.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=rmpsim-sweep
#SBATCH --array=0-3
#SBATCH --cpus-per-task=1
#SBATCH --output=$tmp/logs/sweep-%A_%a.out
"$exe" sweep "$tmp/sweep.ini" --shard "\$SLURM_ARRAY_TASK_ID/\$SLURM_ARRAY_TASK_COUNT" --out "$tmp/results"
EOF
start=$(date +%s)
jobid=$(cd "$tmp" && timeout 600 sbatch --parsable --wait "$tmp/sweep.sbatch")
rc=$?
check "sbatch --array --wait: every task succeeded (job ${jobid:-?}, $(($(date +%s) - start)) s)" test "$rc" -eq 0
check "4 array tasks ran" test "$(ls "$tmp/logs" | grep -c '^sweep-.*_[0-3]\.out$')" -eq 4
check "each task ran its 6 configurations in one process" \
	test "$(grep -l 'shard [0-3]/4: 6 configurations, 6 run, 0 already done' "$tmp"/logs/sweep-*.out | wc -l)" -eq 4
check "24 results" test "$(ls "$tmp/results" | grep -c '\.json$')" -eq 24

"$exe" sweep "$tmp/sweep.ini" --out "$tmp/whole" --quiet
"$exe" merge "$tmp/whole" --json "$tmp/whole.json" --csv "$tmp/whole.csv"
"$exe" merge "$tmp/results" --json "$tmp/slurm.json" --csv "$tmp/slurm.csv"
check "merged Slurm results = the unsharded run (JSON, byte for byte)" cmp "$tmp/slurm.json" "$tmp/whole.json"
check "merged Slurm results = the unsharded run (CSV)" cmp "$tmp/slurm.csv" "$tmp/whole.csv"

# A task submitted again (a failed or preempted one) skips what is done.
rm -f "$tmp/results/$(ls "$tmp/results" | head -1)"
jobid2=$(cd "$tmp" && timeout 600 sbatch --parsable --wait --array=0-3 "$tmp/sweep.sbatch")
check "resubmitted: exit 0" test $? -eq 0
check "resubmitted: one configuration ran again, the rest were done" \
	test "$(cat "$tmp"/logs/sweep-"${jobid2:-x}"_*.out | grep -o ' [0-9]* run,' | tr -dc '0-9\n' | awk '{ s += $1 } END { print s }')" -eq 1
"$exe" merge "$tmp/results" --json "$tmp/slurm2.json"
check "resubmitted: merged = the unsharded run" cmp "$tmp/slurm2.json" "$tmp/whole.json"

if [ "$fails" -ne 0 ]; then
	for f in "$tmp"/*.log; do echo "--- $f"; tail -20 "$f"; done
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
