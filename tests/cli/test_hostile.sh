#!/usr/bin/env bash
# Hostile input to the rmpsim command (issue 10): each reproducer of the issue
# gets a clear message and the documented exit code (docs/cli.md), quickly,
# and no file of the user's is destroyed.
# Usage: test_hostile.sh PATH/TO/rmpsim   (run from tests/cli)
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
RUN_TIMEOUT=60 # seconds any one run may take
. "$(dirname "$(realpath "$0")")/lib.sh"
small="pack:1 [numa(memory=8GiB)] core:2 pu:2"

# Point 2: machine descriptions that hung in hwloc's import are refused from the text.
for m in "pack:1000 core:1000 pu:1000" "pack:1000000 pu:1000000" \
	"pack:1000 numa:2(memory=8GiB) core:16 pu:2" "core:32768 pu:2" "group:5 [numa(memory=4GiB)]30404" \
	"pack:1 [numa(memory=0)] core:1 pu:1" "pack:1 [numa(memory=2GiB)] memcache:2 pu:1"; do
	run --machine "$m" --scenario worst
	check "--machine '$m' exits 2 at once" test "$code" -eq 2
	check "--machine '$m' names a column" grep -q "^rmpsim: column [0-9]*: " "$tmp/err"
done

# Point 5: outputs. A FIFO (and so a process substitution) is written in place, not replaced.
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/fifo.out" &
reader=$!
run --machine "$small" --scenario worst --json "$tmp/fifo" --quiet
wait "$reader"
check "--json FIFO exits 0" test "$code" -eq 0
check "--json FIFO stays a FIFO" test -p "$tmp/fifo"
check "--json FIFO: the reader got the JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/fifo.out"
# A process substitution (a pipe under /dev/fd) is written in place too.
timeout 60 "$exe" --machine "$small" --scenario worst --json >(cat >"$tmp/ps.json") --quiet 2>"$tmp/err"
code=$?
wait $! 2>/dev/null
sleep 0.2
check "--json >(cat) exits 0" test "$code" -eq 0
check "--json >(cat): the reader got the JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/ps.json"
# A failing output (a full device) commits no other output, and keeps an old file intact.
echo "old" >"$tmp/keep.json"
run --machine "$small" --scenario worst --json "$tmp/keep.json" --csv /dev/full --quiet
check "--csv /dev/full exits 4" test "$code" -eq 4
check "--csv /dev/full: message names the device" grep -q "/dev/full" "$tmp/err"
check "--csv /dev/full: the --json file is not replaced" grep -qx old "$tmp/keep.json"
check "--csv /dev/full: no temporary file left" sh -c "! ls '$tmp' | grep -q tmp"
run --machine "$small" --scenario worst --json "$tmp/new.json" --csv /dev/full --quiet
check "--csv /dev/full: a new --json file is not created" test ! -e "$tmp/new.json"
# Both outputs regular: both written; through a symlink, the target is replaced.
ln -s keep.json "$tmp/link.json"
run --machine "$small" --scenario worst --json "$tmp/link.json" --csv "$tmp/r.csv" --quiet
check "two regular outputs exit 0" test "$code" -eq 0
check "a symlinked output stays a symlink" test -L "$tmp/link.json"
check "its target holds the JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/keep.json"
check "the CSV is written" test -s "$tmp/r.csv"
mkdir "$tmp/dir.json"
run --machine "$small" --scenario worst --json "$tmp/dir.json" --quiet
check "--json DIRECTORY exits 4" test "$code" -eq 4
# A directory given as an input file is an input error.
run --profile /etc
check "--profile /etc exits 3" test "$code" -eq 3
check "--profile /etc says it is a directory" grep -q "/etc: is a directory" "$tmp/err"

# Point 6: a built-in run with a backing it does not have.
run --scenario worst --backing 2M
check "--scenario worst --backing 2M exits 2" test "$code" -eq 2
check "--scenario worst --backing 2M says which backings" grep -q "runs with 4K only" "$tmp/err"

# Point 8: errors about values of a scenario file name file:line:col and exit 3.
printf '[scenario]\nmachine = pack:1 frobs:3 pu:1\n' >"$tmp/m.ini"
run --scenario "$tmp/m.ini"
check "bad machine in a scenario file exits 3" test "$code" -eq 3
check "bad machine: file:line:col of the token" grep -q "m.ini:2:18: unknown object type 'frobs'" "$tmp/err"
printf '[scenario]\npolicy = nope\n' >"$tmp/p.ini"
run --scenario "$tmp/p.ini"
check "bad policy in a scenario file exits 3" test "$code" -eq 3
check "bad policy: file:line:col" grep -q "p.ini:2:10: unknown policy 'nope'" "$tmp/err"
printf '[scenario]\nmachine = %s\n[guest a]\nsize = 1G\nnode = 7\n[events]\n0 = launch a\n' "$small" >"$tmp/n.ini"
run --scenario "$tmp/n.ini"
check "bad node exits 3" test "$code" -eq 3
check "bad node: file:line:col and the nodes there are" grep -q "n.ini:5:8: \[guest a\] node 7: expected a NUMA node of the machine (0 to 0) or any" "$tmp/err"
printf '[scenario]\nmachine = %s\n[guest a]\nsize = 64G\n[events]\n0 = launch a\n1s = trigger\n' "$small" >"$tmp/f.ini"
run --scenario "$tmp/f.ini"
check "a guest that does not fit exits 3" test "$code" -eq 3
check "does not fit: the guest's header" grep -q "f.ini:3:1: \[guest a\]: 65536 MiB does not fit in the free RAM" "$tmp/err"
# A plugin path without ./ is the file there; its path is named once.
echo junk >"$tmp/x.so"
(cd "$tmp" && timeout 60 "$exe" --policy-plugin x.so --scenario worst >"$tmp/out" 2>"$tmp/err")
code=$?
check "--policy-plugin x.so exits 3" test "$code" -eq 3
check "--policy-plugin x.so finds the file" sh -c "! grep -q 'No such file' '$tmp/err'"
check "--policy-plugin x.so names it once" test "$(grep -o 'x\.so' "$tmp/err" | wc -l)" -eq 1

# Points 3, 6, 7 through the command (the parser's own tests cover each message).
printf '[scenario]\nhost_writes = 18446744073709551615\n' >"$tmp/w.ini"
run --scenario "$tmp/w.ini"
check "host_writes = 2^64-1 exits 3 at once" test "$code" -eq 3
printf '[events]\n100000000min = trigger\n' >"$tmp/t.ini"
run --scenario "$tmp/t.ini"
check "an event at 10^8 min exits 3" test "$code" -eq 3
printf '[scenario]\nseed = 18446744073709551615\n' >"$tmp/s.ini"
run --scenario "$tmp/s.ini"
check "seed 2^64-1 exits 3 (JSON keeps seeds below 2^63 exact)" test "$code" -eq 3
printf '[scenario]\nname = a\0b\n' >"$tmp/z.ini"
run --scenario "$tmp/z.ini"
check "a NUL byte exits 3 with its line:col" grep -q "z.ini:2:9: a NUL byte" "$tmp/err"

[ "$fails" -eq 0 ] && echo "all hostile-input checks passed"
exit $((fails > 0))
