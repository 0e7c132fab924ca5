#!/usr/bin/env bash
# rmpsim diff A B (issue 16 point 6, docs/cli.md "diff"): a golden table on a
# small machine, 80 columns, deltas equal to the difference of two separate
# runs (policies and profiles), bad input with its exit codes.
# Usage: test_diff.sh PATH/TO/rmpsim   (run from tests/cli)
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$(realpath "$0")")/lib.sh"
small="pack:2 numa:1(memory=4GiB) core:2 pu:2"

# 1. The golden table: two policies, one run.
run diff v10 naive --machine "$small" --scenario empty --backing 4K
check "diff exits 0" test "$code" -eq 0
check "diff table matches diff-golden.txt" cmp -s "$tmp/out" diff-golden.txt
cmp -s "$tmp/out" diff-golden.txt || diff -u diff-golden.txt "$tmp/out" | head -40

# 2. At most 80 columns, also with long names (a long machine string, a long profile path).
longdir="$tmp/a-rather-long-folder-name-for-profiles-that-people-keep-in-their-home-directories"
mkdir -p "$longdir"
printf '[memory]\ndram_local_ns = 130\n' >"$longdir/slow-dram-for-the-review-of-rmpopt.ini"
"$exe" --print-profile >"$tmp/default.ini"
run diff "$tmp/default.ini" "$longdir/slow-dram-for-the-review-of-rmpopt.ini" \
	--machine "pack:2 numa:1(memory=4GiB) l3:1(size=32MiB) core:2 pu:2" --scenario empty
check "profile diff exits 0" test "$code" -eq 0
check "every line fits 80 columns" awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$tmp/out"
check "three runs of empty (4K, 2M, 1G)" test "$(grep -c '^empty ' "$tmp/out")" -eq 3

# 3. Deltas are the difference of two separate runs (common random numbers:
#    the same seed and inputs give the same run, so B - A is exact).
same_as_separate() { # label, diff args A B, rmpsim args for A, for B (as strings), [--set K=V]
	local label=$1 A=$2 B=$3 optA="$4 ${6:-}" optB="$5 ${6:-}"
	"$exe" diff "$A" "$B" --machine "$small" --scenario full --seed 7 --json "$tmp/d.json" --quiet ${6:-} ||
		return 1
	eval "\"$exe\" $optA --machine \"$small\" --scenario full --seed 7 --json \"$tmp/a.json\" --quiet" || return 1
	eval "\"$exe\" $optB --machine \"$small\" --scenario full --seed 7 --json \"$tmp/b.json\" --quiet" || return 1
	python3 - "$tmp/d.json" "$tmp/a.json" "$tmp/b.json" <<'PY'
import json, sys
d, a, b = (json.load(open(p)) for p in sys.argv[1:4])
assert len(d["runs"]) == len(a["runs"]) == len(b["runs"]) == 3, "three runs"
keys = ["pass_ns", "leader_ns", "follower_ns", "cpu_busy_max_ns", "cpu_busy_median_active_ns",
        "irq_off_max_ns", "rmpopt_executed", "ipis_sent", "regions_optimized"]
for rd, ra, rb in zip(d["runs"], a["runs"], b["runs"]):
    for k in keys:
        assert rd["a"][k] == ra[k], (k, rd["a"][k], ra[k])
        assert rd["b"][k] == rb[k], (k, rd["b"][k], rb[k])
        assert rd["delta"][k] == rb[k] - ra[k], k
    assert rd["a"]["skip_share_ppm"] == round(ra["skip_share"] * 1e6)
assert d["a"]["trace_hash"] == a["trace_hash"] and d["b"]["trace_hash"] == b["trace_hash"]
assert any(r["delta"]["pass_ns"] != 0 for r in d["runs"]), "the two sides differ somewhere"
PY
}
check "policy deltas = separate runs (v10 vs percpu)" same_as_separate p v10 percpu "--policy v10" "--policy percpu"
check "--set applies to both sides" same_as_separate s v10 percpu "--policy v10" "--policy percpu" \
	"--set ipi.delivery_ns=900"
check "profile deltas = separate runs" same_as_separate f "$tmp/default.ini" \
	"$longdir/slow-dram-for-the-review-of-rmpopt.ini" "--profile '$tmp/default.ini'" \
	"--profile '$longdir/slow-dram-for-the-review-of-rmpopt.ini'"

# 4. A against itself: every delta 0.
run diff v10 v10 --machine "$small" --scenario worst --json -
check "A = B exits 0" test "$code" -eq 0
check "A = B: every delta is 0" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["runs"] and all(v == 0 for r in d["runs"] for v in r["delta"].values())' "$tmp/out"

# 5. Bad input: usage (2), a bad file (3), nothing half-written.
run diff v10
check "one side only exits 2" test "$code" -eq 2
check "one side only: says what is needed" grep -q 'rmpsim diff A B' "$tmp/err"
run diff v10 no-such-policy --machine "$small"
check "unknown policy exits 2" test "$code" -eq 2
check "unknown policy lists the policies" grep -q '^  naive$' "$tmp/err"
run diff v10 naive --csv "$tmp/x.csv"
check "--csv exits 2" test "$code" -eq 2
check "--csv: says it does not apply" grep -q -- '--csv does not apply' "$tmp/err"
printf '[memory]\ndram_local_ns = fast\n' >"$tmp/bad.ini"
run diff v10 "$tmp/bad.ini" --machine "$small" --scenario empty --backing 4K --json "$tmp/never.json"
check "bad profile exits 3" test "$code" -eq 3
check "bad profile names file:line" grep -q 'bad.ini:2' "$tmp/err"
check "bad profile: no JSON written" test ! -e "$tmp/never.json"
run diff v10 "$tmp/missing.so" --machine "$small" --scenario empty --backing 4K
check "missing plugin exits 3" test "$code" -eq 3
run diff --help
check "diff --help exits 0 with usage" grep -q '^Usage: rmpsim diff A B' "$tmp/out"

echo "diff: $fails failed"
[ "$fails" -eq 0 ]
