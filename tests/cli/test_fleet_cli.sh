#!/usr/bin/env bash
# Fleet replay and gen-fleet through the command (docs/cli.md "Fleet replay").
# Usage: test_fleet_cli.sh PATH/TO/rmpsim
# The run limits scale with the log (A468): the 2-hour log below runs past the
# scenario default only because of them (checked with a 2-hour gap).
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$(realpath "$0")")/lib.sh"
small="pack:1 numa:2(memory=8GiB) core:4 pu:2"

run gen-fleet --vms 40 --hours 2 --lifetime 20min --seed 7
check "gen-fleet exits 0" test "$code" -eq 0
check "gen-fleet writes a header" grep -q '^time,vm,action,size,backing,snp,node$' "$tmp/out"
check "gen-fleet writes 40 launches" test "$(grep -c ',launch,' "$tmp/out")" -eq 40
cp "$tmp/out" "$tmp/fleet.csv"
run gen-fleet --vms 40 --hours 2 --lifetime 20min --seed 7 --output "$tmp/again.csv"
check "gen-fleet --output writes the same log" cmp -s "$tmp/fleet.csv" "$tmp/again.csv"
run gen-fleet --backing 50:50:50
check "gen-fleet: bad knob exits 2" test "$code" -eq 2
check "gen-fleet: bad knob is named" grep -q -- '--backing 50:50:50' "$tmp/err"
run gen-fleet --output "$tmp/no/such/dir/x.csv"
check "gen-fleet: unwritable output exits 4" test "$code" -eq 4

# Big VMs for a 16 GiB machine: shrink every size to 2G so the log fits.
sed -E -e 's/,launch,[0-9]+G,/,launch,2G,/' -e 's/,convert,[0-9]+M/,convert,1024M/' "$tmp/fleet.csv" >"$tmp/small.csv"
run --machine "$small" --scenario "$tmp/small.csv" --placement all --json "$tmp/f.json" --csv "$tmp/f.csv"
check "replay exits 0" test "$code" -eq 0
check "replay compares the placements" grep -q '^pack ' "$tmp/out"
check "replay prints the series" grep -q 'private GiB' "$tmp/out"
check "JSON has three placements with a series" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = d["fleets"]
assert [x["placement"] for x in f] == ["first-fit", "pack", "spread"], f
for x in f:
    s = x["series"]
    assert len(s) > 100 and x["launches"] + x["rejected"] == 40, (len(s), x["launches"])
    assert sum(p["passes"] for p in s) == x["passes"] >= 1
' "$tmp/f.json"
check "CSV has a row per sample and placement" test "$(($(wc -l <"$tmp/f.csv") - 1))" -eq \
	"$(python3 -c 'import json,sys; print(sum(len(x["series"]) for x in json.load(open(sys.argv[1]))["fleets"]))' "$tmp/f.json")"

printf '0,a,launch,2G,2M,yes,any\n2h,a,teardown\n' >"$tmp/long.csv"
run --machine "$small" --scenario "$tmp/long.csv" --quiet
check "a log longer than the default run limit replays (A468)" test "$code" -eq 0
run --machine "$small" --scenario "$tmp/long.csv" --quiet --max-virtual-time 1h
check "... and --max-virtual-time still stops it (exit 3)" test "$code" -eq 3

run --machine "$small" --scenario "$tmp/long.csv" --json "$tmp/base.json" --quiet
run --machine "$small" --scenario "$tmp/long.csv" --json "$tmp/slow.json" --quiet --set memory.dram_local_ns=140
check "--set of a profile parameter applies to a replay" python3 -c '
import json, sys
a, b = (json.load(open(p))["fleets"][0] for p in sys.argv[1:])
assert b["rmpopt_cpu_ns"] > a["rmpopt_cpu_ns"] and b["passes"] == a["passes"], (a["rmpopt_cpu_ns"], b["rmpopt_cpu_ns"])
' "$tmp/base.json" "$tmp/slow.json"
run --machine "$small" --scenario "$tmp/long.csv" --set scenario.host_writes=10
check "--set of a scenario knob is refused for a replay (exit 2)" test "$code" -eq 2

printf 'time,vm,action,size,backing,snp,node\n' >"$tmp/empty.csv"
run --machine "$small" --scenario "$tmp/empty.csv"
check "a log with no rows replays the boot pass (limits from no rows, A468)" grep -q '^VMs: 0 launched' "$tmp/out"

printf '0,a,launch,4G,2M,yes,any\n10,a,convert,1G\n5,a,teardown\n' >"$tmp/order.csv"
run --machine "$small" --scenario "$tmp/order.csv"
check "a row out of time order exits 3" test "$code" -eq 3
check "... naming file:line:col" grep -q 'order.csv:3:1: time .5. is before the row above' "$tmp/err"
check "... and nothing on stdout" test ! -s "$tmp/out"
printf '0,a,launch,64G,2M,yes,any\n' >"$tmp/big.csv"
run --machine "$small" --scenario "$tmp/big.csv"
check "a VM that can never fit exits 3" test "$code" -eq 3
check "... naming its line" grep -q 'big.csv:1:1: launch a: 65536 MiB can never fit' "$tmp/err"
run --machine "$small" --scenario "$tmp/small.csv" --placement tight
check "unknown placement exits 2" test "$code" -eq 2
run --placement pack
check "--placement without a log exits 2" test "$code" -eq 2
run --churn 5
check "--churn without a log exits 2" test "$code" -eq 2
run --machine "$small" --scenario "$tmp/small.csv" --churn lots
check "--churn lots exits 2" test "$code" -eq 2
run --machine "$small" --scenario "$tmp/small.csv" --churn 120 --quiet --json "$tmp/churn.json"
check "--churn 120 splits and collapses pages" python3 -c '
import json, sys
x = json.load(open(sys.argv[1]))["fleets"][0]
assert x["splits"] > 0 and x["splits"] == x["collapses"] and x["pvalidates"] > 0, x["splits"]
' "$tmp/churn.json"
run --machine "$small" --scenario "$tmp/small.csv" --no-pvalidate --quiet --json "$tmp/nopv.json"
check "--no-pvalidate: no PVALIDATE" python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["fleets"][0]["pvalidates"] == 0
' "$tmp/nopv.json"
run --machine "$small" --scenario "$tmp/small.csv" --sample-every 0
check "--sample-every 0 exits 2" test "$code" -eq 2
run --machine "$small" --scenario "$tmp/small.csv" --html "$tmp/x.html"
check "--html with a replay exits 2 (said, not ignored)" test "$code" -eq 2

# The built-in `--scenario fleet` is the day gen-fleet writes with the run's seed.
wide="pack:1 numa:2(memory=256GiB) core:2 pu:1"
run gen-fleet --seed 3 --output "$tmp/day3.csv"
run --machine "$wide" --scenario "$tmp/day3.csv" --seed 3 --quiet --json "$tmp/file3.json"
run --machine "$wide" --scenario fleet --seed 3 --quiet --json "$tmp/builtin3.json"
check "--scenario fleet exits 0" test "$code" -eq 0
check "--scenario fleet --seed 3 = the replay of gen-fleet --seed 3's log" \
	cmp -s <(grep -v '"fleet_log"' "$tmp/file3.json") <(grep -v '"fleet_log"' "$tmp/builtin3.json")
check "--scenario fleet names its log" grep -q '"fleet_log": "fleet"' "$tmp/builtin3.json"
run --machine "$wide" --scenario fleet --seed 4 --quiet --json "$tmp/builtin4.json"
check "--scenario fleet: another seed, another day" not cmp -s "$tmp/builtin3.json" "$tmp/builtin4.json"
run --list-scenarios
check "--list-scenarios lists fleet" grep -q '^fleet ' "$tmp/out"

echo "fleet cli: $fails failed"
[ "$fails" -eq 0 ]
