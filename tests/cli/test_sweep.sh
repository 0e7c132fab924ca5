#!/usr/bin/env bash
# rmpsim sweep and rmpsim merge (docs/sweeps.md, issue 16 points 2, 3 and 7):
# stable IDs, shards whose merge equals the unsharded run byte for byte,
# resuming, a new version rerunning, the checks of merge, the figures, and
# every bad input with its exit code and nothing half-written.
# Usage: test_sweep.sh PATH/TO/rmpsim
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$(realpath "$0")")/lib.sh"

mkdir -p "$tmp/a" "$tmp/b"
cat >"$tmp/a/s.ini" <<'EOF'
; two axes, two runs per point: 3 x 2 x 2 = 12 configurations
[sweep]
name = small
runs = 2
output = res

[set]
scenario = empty
backing = 2M
machine.packages = 1
machine.l3_per_node = 1
machine.node_memory = 8G

[axes]
machine.cores_per_l3 = 2..8 times 2
policy = v10, percpu   ; two policies
EOF

run sweep "$tmp/a/s.ini" --list
check "--list: exit 0" test "$code" -eq 0
check "--list: 12 configurations" test "$(wc -l <"$tmp/out")" -eq 12
cp "$tmp/out" "$tmp/list1"
check "--list: 12 different IDs" test "$(cut -d' ' -f1 "$tmp/list1" | sort -u | grep -c -E '^[0-9a-f]{16}$')" -eq 12
check "--list: every one todo" test "$(grep -c ' todo ' "$tmp/list1")" -eq 12
check "--list: the last axis moves fastest" \
	grep -qx '[0-9a-f]* 2 todo machine.cores_per_l3=2 policy=percpu run=0' "$tmp/list1"
check "--list runs nothing: no results folder" test ! -e "$tmp/a/res"
# The same configurations elsewhere, keys in another order: the same IDs.
{ sed -n '1,6p' "$tmp/a/s.ini"; printf '[set]\nmachine.node_memory = 8GiB\nmachine.l3_per_node = 1\nbacking = 2m\nscenario = empty\nmachine.packages = 1\n'; sed -n '/^\[axes\]/,$p' "$tmp/a/s.ini"; } >"$tmp/b/moved.ini"
run sweep "$tmp/b/moved.ini" --list
check "IDs do not depend on the file's place, key order or spelling (8G = 8GiB, 2m = 2M)" \
	cmp -s <(cut -d' ' -f1 "$tmp/list1") <(cut -d' ' -f1 "$tmp/out")
sed 's/^backing = 2M/backing = 4K/' "$tmp/a/s.ini" >"$tmp/b/other.ini"
run sweep "$tmp/b/other.ini" --list
check "another setting: other IDs" test -z "$(comm -12 <(cut -d' ' -f1 "$tmp/list1" | sort) <(cut -d' ' -f1 "$tmp/out" | sort))"

# The whole sweep, then merged.
run sweep "$tmp/a/s.ini"
check "sweep: exit 0" test "$code" -eq 0
check "sweep: one JSON file per configuration" test "$(ls "$tmp/a/res" | grep -c -E '^[0-9a-f]{16}\.json$')" -eq 12
check "sweep: the summary counts them" grep -qF 'shard 0/1: 12 configurations, 12 run, 0 already done' "$tmp/err"
check "sweep: no temporary file left" test "$(ls "$tmp/a/res" | wc -l)" -eq 12
f1=$(ls "$tmp/a/res" | head -1)
check "a result names its configuration" grep -q '"id": "[0-9a-f]\{16\}"' "$tmp/a/res/$f1"
check "a result lists its settings" grep -qF '"machine.cores_per_l3=' "$tmp/a/res/$f1"
run sweep "$tmp/a/s.ini" --list
check "--list after the run: every one done" test "$(grep -c ' done ' "$tmp/out")" -eq 12
run merge "$tmp/a/res" --json "$tmp/all.json" --csv "$tmp/all.csv" --html "$tmp/all.html"
check "merge: exit 0" test "$code" -eq 0
check "merge: 12 configurations" grep -q '^  "count": 12,$' "$tmp/all.json"
check "merge: the axes" sh -c "tr -d ' \n' <'$tmp/all.json' | grep -qF '\"axes\":[\"machine.cores_per_l3\",\"policy\"]'"
check "merge: CSV has a line per run and a header" test "$(wc -l <"$tmp/all.csv")" -eq 13
check "merge: CSV columns" grep -q '^sweep,id,index,run,axis:machine.cores_per_l3,axis:policy,backing,' "$tmp/all.csv"
check "merge: CSV rows in sweep order" \
	cmp -s <(cut -d, -f3 "$tmp/all.csv" | tail -n +2) <(seq 0 11)
run merge "$tmp/a/res"
check "merge with no output option: the JSON on stdout" cmp -s "$tmp/out" "$tmp/all.json"

# Shards into other folders: merged, the same bytes.
for k in 0 1 2; do
	run sweep "$tmp/a/s.ini" --shard $k/3 --out "$tmp/shard$k" --quiet
	check "shard $k/3: exit 0" test "$code" -eq 0
done
check "shard 0/3 holds configurations 0, 3, 6, 9" test "$(ls "$tmp/shard0" | wc -l)" -eq 4
run merge "$tmp/shard0" "$tmp/shard1" "$tmp/shard2" --json "$tmp/sh.json" --csv "$tmp/sh.csv" --html "$tmp/sh.html"
check "merge of the shards: exit 0" test "$code" -eq 0
check "merged shards = the unsharded run (JSON, byte for byte)" cmp "$tmp/sh.json" "$tmp/all.json"
check "merged shards = the unsharded run (CSV)" cmp "$tmp/sh.csv" "$tmp/all.csv"
check "merged shards = the unsharded run (HTML)" cmp "$tmp/sh.html" "$tmp/all.html"

# Resume: what is there with its ID is kept; the rest runs.
ls "$tmp/a/res" | head -2 | while read -r f; do rm "$tmp/a/res/$f"; done
touch "$tmp/a/res/0123456789abcdef.json.tmp4242" # an interrupted write
run sweep "$tmp/a/s.ini"
check "resume: exit 0" test "$code" -eq 0
check "resume: only the two missing run" grep -qF '12 configurations, 2 run, 10 already done' "$tmp/err"
run merge "$tmp/a/res" --json "$tmp/resumed.json"
check "resumed: the same merged bytes" cmp "$tmp/resumed.json" "$tmp/all.json"
# A result of another version (another ID) runs again and is replaced.
sed -i 's/"id": "[0-9a-f]*"/"id": "00000000deadbeef"/' "$tmp/a/res/$f1"
run sweep "$tmp/a/s.ini"
check "a result with another ID: run again" grep -qF '12 configurations, 1 run, 11 already done' "$tmp/err"
check "... and replaced" not grep -q deadbeef "$tmp/a/res/$f1"

# merge's checks: exit 3, a message naming the files, nothing written.
merge_bad() { # description, expected message, folders...
	local what=$1 msg=$2; shift 2
	run merge "$@" --json "$tmp/never.json" --csv "$tmp/never.csv"
	check "merge $what: exit 3" test "$code" -eq 3
	check "merge $what: says '$msg'" grep -qF -- "$msg" "$tmp/err"
	check "merge $what: nothing written" test ! -e "$tmp/never.json" -a ! -e "$tmp/never.csv"
}
mkdir "$tmp/dup" "$tmp/ver" "$tmp/hash" "$tmp/junk" "$tmp/empty"
cp "$tmp/a/res/$f1" "$tmp/dup/"
merge_bad "of a configuration twice" "is there twice" "$tmp/a/res" "$tmp/dup"
sed 's/"trace_hash": "[0-9a-f]*"$/"trace_hash": "0000000000000001"/' "$tmp/a/res/$f1" >"$tmp/hash/$f1"
merge_bad "of one ID with two results" "has two different results: trace hash" "$tmp/a/res" "$tmp/hash"
sed 's/"rmpsim_version": "[^"]*"/"rmpsim_version": "9.9.9"/; s/"id": "[0-9a-f]*"/"id": "0000000000000002"/' \
	"$tmp/a/res/$f1" >"$tmp/ver/x.json"
merge_bad "of two versions" "is from rmpsim 9.9.9 but" "$tmp/a/res" "$tmp/ver"
echo '{"runs": [' >"$tmp/junk/bad.json"
merge_bad "of a file that is no JSON" "bad.json:2:0: not JSON" "$tmp/junk"
echo '{"runs": []}' >"$tmp/junk/bad.json"
merge_bad "of JSON that is no sweep result" 'not a result of rmpsim sweep: no "sweep" object' "$tmp/junk"
merge_bad "of a folder without results" "no results" "$tmp/empty"
run merge "$tmp/nowhere"
check "merge of a missing folder: exit 2" test "$code" -eq 2
run merge "$tmp/a/res" --html "$tmp/never.html" --metric policy
check "merge --metric of a field that is no integer: exit 2" test "$code" -eq 2
check "... nothing written" test ! -e "$tmp/never.html"
run merge
check "merge without a folder: exit 2" test "$code" -eq 2

# Figures: one per pair of axes the results vary.
check "HTML: two axes vary, one figure" test "$(grep -c '<svg' "$tmp/all.html")" -eq 1
check "HTML: a line per policy" test "$(grep -c '<polyline class="line"' "$tmp/all.html")" -eq 2
check "HTML: a band per line" test "$(grep -c '<polygon class="band"' "$tmp/all.html")" -eq 2
check "HTML: each point is 2 runs" test "$(grep -o '), 2</td>' "$tmp/all.html" | wc -l)" -eq 6
cat >"$tmp/three.ini" <<'EOF'
[set]
machine.packages = 1
machine.l3_per_node = 1
machine.node_memory = 4G
scenario = full
backing = 2M
[axes]
machine.cores_per_l3 = 1, 2
machine.threads_per_core = 1..2
ipi.delivery_ns = 400..1200 step 400
EOF
run sweep "$tmp/three.ini" --out "$tmp/three" --quiet
check "a three-axis sweep: exit 0" test "$code" -eq 0
run merge "$tmp/three" --html "$tmp/three.html" --csv "$tmp/three.csv"
check "HTML: three axes vary, three figures" test "$(grep -c '<svg' "$tmp/three.html")" -eq 3
check "HTML: the x axis is named" grep -qF '>ipi.delivery_ns</text>' "$tmp/three.html"
check "three axes: 12 configurations in the CSV" test "$(wc -l <"$tmp/three.csv")" -eq 13
# The benchmark in each configuration: its runs are an axis of their own.
printf '[set]\nmachine.packages = 1\nmachine.l3_per_node = 1\nmachine.cores_per_l3 = 1\nmachine.node_memory = 4G\n[axes]\npolicy = v10, percpu\n' >"$tmp/bench.ini"
run sweep "$tmp/bench.ini" --out "$tmp/bench" --quiet
run merge "$tmp/bench" --html "$tmp/bench.html"
check "the benchmark's runs: a 'run' axis beside policy" grep -qF 'one line per run' "$tmp/bench.html"

# Bad sweep files: exit 3 with file:line:col, nothing created.
spec_bad() { # description, expected message, file text
	printf '%b' "$3" >"$tmp/bad.ini"
	run sweep "$tmp/bad.ini" --out "$tmp/never"
	check "$1: exit 3" test "$code" -eq 3
	check "$1: says '$2'" grep -qF -- "$2" "$tmp/err"
	check "$1: nothing created" test ! -e "$tmp/never"
}
spec_bad "unknown key in [set]" "bad.ini:2:10: nosuch=1: unknown key 'nosuch'" '[set]\nnosuch = 1\n'
spec_bad "unknown profile key in an axis" "bad.ini:2:14: ipi.nosuch=1: unknown key" '[axes]\nipi.nosuch = 1, 2\n'
spec_bad "a value out of range in an axis" "bad.ini:2:24: ipi.delivery_ns=99999: ipi.delivery_ns: 99999 is outside its range" \
	'[axes]\nipi.delivery_ns = 500, 99999\n'
spec_bad "an empty axis" "bad.ini:2:9: policy: an empty axis" '[axes]\npolicy =\n'
spec_bad "an empty value in a list" "bad.ini:2:15: policy: an empty value in the list" '[axes]\npolicy = v10, , percpu\n'
spec_bad "an empty range" "bad.ini:2:19: ipi.delivery_ns: an empty range" '[axes]\nipi.delivery_ns = 900..500\n'
spec_bad "a malformed range" "bad.ini:2:19: ipi.delivery_ns: expected a range" '[axes]\nipi.delivery_ns = 500..x\n'
spec_bad "an unknown section" "bad.ini:1:1: [sweeps]: expected [sweep], [set] or [axes]" '[sweeps]\n'
spec_bad "an unknown [sweep] key" "bad.ini:2:1: [sweep] shards: expected name, runs or output" '[sweep]\nshards = 4\n'
spec_bad "runs out of range" "bad.ini:2:8: runs: expected an integer from 1 to 1000" '[sweep]\nruns = 0\n'
spec_bad "a key twice" "bad.ini:4:1: policy: given twice (line 2)" '[set]\npolicy = v10\n[axes]\npolicy = v10, percpu\n'
spec_bad "runs and a seed axis" "runs = 2 and a seed axis (line 4) exclude each other" '[sweep]\nruns = 2\n[axes]\nseed = 1..3\n'
spec_bad "a line that is no key = value" "bad.ini:2:1: expected key = value" '[axes]\npolicy v10\n'
spec_bad "too many configurations" "more than 1000000 configurations" \
	'[axes]\nseed = 1..10000\nipi.delivery_ns = 200..1500 step 1\n'
spec_bad "machine fields over the CPU limit in one combination" "machine.*: more than 8192 CPUs" \
	'[axes]\nmachine.cores_per_l3 = 8, 4096\n'
run sweep "$tmp/missing.ini"
check "a missing sweep file: exit 3" test "$code" -eq 3
check "... names it" grep -qF "missing.ini: cannot open" "$tmp/err"

# Bad command lines: exit 2.
usage_bad() { # description, expected message, args...
	local what=$1 msg=$2; shift 2
	run "$@"
	check "$what: exit 2" test "$code" -eq 2
	check "$what: says '$msg'" grep -qF -- "$msg" "$tmp/err"
}
usage_bad "--shard K >= N" "--shard 3/3: K must be below N" sweep "$tmp/a/s.ini" --shard 3/3
usage_bad "--shard N = 0" "--shard 0/0: expected K/N with N from 1" sweep "$tmp/a/s.ini" --shard 0/0
usage_bad "--shard without /" "--shard 2: expected K/N" sweep "$tmp/a/s.ini" --shard 2
usage_bad "sweep without a file" "expected a sweep file" sweep
usage_bad "an unknown sweep option" "unknown option '--jobs'" sweep "$tmp/a/s.ini" --jobs 2
usage_bad "merge --json - --csv -" "only one output can be stdout" merge "$tmp/a/res" --json - --csv -
run sweep "$tmp/a/s.ini" --set policy=v10 --list
check "--set of a key the file sets: exit 3" test "$code" -eq 3
check "... says where" grep -qF "s.ini:16:1: policy: also given by --set policy=v10" "$tmp/err"
run sweep "$tmp/a/s.ini" --set ipi.delivery_ns=900 --list
check "--set of another key: other IDs" \
	test -z "$(comm -12 <(cut -d' ' -f1 "$tmp/list1" | sort) <(cut -d' ' -f1 "$tmp/out" | sort))"

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
