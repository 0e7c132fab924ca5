#!/usr/bin/env bash
# A sweep spread by GNU parallel as docs/sweeps.md shows it (issue 16 point 4):
# the shards run as parallel jobs on one host, and through --sshloginfile (here
# a login file naming only this host, ':', which parallel runs without ssh);
# each merged result must equal the unsharded run's byte for byte.
# Installs Debian's parallel when it is missing and we are root; else SKIP (77).
# Usage: test_sweep_parallel.sh PATH/TO/rmpsim
set -u
exe=$(realpath "$1")
if ! command -v parallel >/dev/null; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends parallel >&2 ||
			{ echo "SKIP: cannot install parallel"; exit 77; }
	else
		echo "SKIP: GNU parallel is not installed (scripts/deps test installs it)"
		exit 77
	fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$(realpath "$0")")/lib.sh"
cd "$tmp" || exit 1
cat >sweep.ini <<'EOF'
[sweep]
name = parallel-test
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

"$exe" sweep sweep.ini --out whole --quiet
check "the unsharded sweep: exit 0" test $? -eq 0
"$exe" merge whole --json whole.json --csv whole.csv
check "its merge: exit 0" test $? -eq 0
check "24 configurations" grep -q '^  "count": 24,$' whole.json

# One host: 4 shards, 2 at a time (docs/sweeps.md "GNU parallel").
parallel --will-cite --halt now,fail=1 -j 2 \
	"$exe" sweep sweep.ini --shard {}/4 --out one-host --quiet ::: 0 1 2 3
check "parallel, one host: exit 0" test $? -eq 0
"$exe" merge one-host --json one-host.json --csv one-host.csv
check "parallel, one host: merged = unsharded (JSON, byte for byte)" cmp one-host.json whole.json
check "parallel, one host: merged = unsharded (CSV)" cmp one-host.csv whole.csv

# Several hosts: the --sshloginfile form; each shard into its own folder as a remote
# host would (results come back with --return), merged from all of them.
printf '2/:\n' >hosts
parallel --will-cite --halt now,fail=1 --sshloginfile hosts \
	"$exe" sweep sweep.ini --shard {}/6 --out hosts-{} --quiet ::: 0 1 2 3 4 5
check "parallel --sshloginfile: exit 0" test $? -eq 0
"$exe" merge hosts-0 hosts-1 hosts-2 hosts-3 hosts-4 hosts-5 --json hosts.json
check "parallel --sshloginfile: merged = unsharded (JSON, byte for byte)" cmp hosts.json whole.json

# Resume under parallel: a killed shard's missing results are all that run again.
rm -f one-host/"$(ls one-host | head -1)"
parallel --will-cite -j 2 "$exe" sweep sweep.ini --shard {}/4 --out one-host ::: 0 1 2 3 2>resume.err
check "resume: one configuration ran again" test "$(grep -o ' [0-9]* run,' resume.err | tr -dc '0-9\n' | awk '{ s += $1 } END { print s }')" -eq 1
"$exe" merge one-host --json resumed.json
check "resume: merged = unsharded" cmp resumed.json whole.json

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
