#!/usr/bin/env bash
# Each error class reaches its documented exit code through the command
# (docs/cli.md "Exit status", issue 11 point 3), with the message an input
# error owes: file:line:col. And `--machine default` is the built-in machine,
# as `machine = default` is in a scenario file.
# Usage: test_exit_codes.sh PATH/TO/rmpsim
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
RUN_TIMEOUT=300 # seconds any one run may take
. "$(dirname "$(realpath "$0")")/lib.sh"
small="pack:1 [numa(memory=8GiB)] core:2 pu:2"

# Input: a guest of 64 GiB on an 8 GiB machine, machine from the file and from the command line.
cat >"$tmp/fit.ini" <<'INI'
[scenario]
machine = pack:1 numa:1(memory=8GiB) core:2 pu:1

[guest big]
backing = 4K
size = 64G

[events]
0 = launch big
1s = trigger
INI
run --scenario "$tmp/fit.ini"
check "guest too large: exit 3" test "$code" -eq 3
check "guest too large: file:line:col at its header" grep -q "^rmpsim: $tmp/fit.ini:4:1: \[guest big\]: 65536 MiB does not fit" "$tmp/err"
check "guest too large: no report" test ! -s "$tmp/out"
sed '/^machine/d' "$tmp/fit.ini" >"$tmp/fit2.ini"
run --scenario "$tmp/fit2.ini" --machine "$small"
check "guest too large (--machine): exit 3" test "$code" -eq 3
check "guest too large (--machine): file:line:col" grep -q "^rmpsim: $tmp/fit2.ini:3:1: \[guest big\]" "$tmp/err"

# Input: a machine refused inside a scenario file is an input error (3), on the command line usage (2).
printf '[scenario]\nmachine = pack:1 bogus:2\n' >"$tmp/m.ini"
run --scenario "$tmp/m.ini"
check "bad machine in a file: exit 3" test "$code" -eq 3
check "bad machine in a file: file:line:col" grep -q "^rmpsim: $tmp/m.ini:2:[0-9]*: " "$tmp/err"
run --machine "pack:1 bogus:2" --scenario worst
check "bad --machine: exit 2" test "$code" -eq 2
check "bad --machine: names the column" grep -q "^rmpsim: column [0-9]*: " "$tmp/err"

# Input: a profile file with a bad value names file:line:col.
printf '[rmpopt]\nfixed_cycles = lots\n' >"$tmp/p.ini"
run --profile "$tmp/p.ini" --machine "$small" --scenario worst
check "bad profile value: exit 3" test "$code" -eq 3
check "bad profile value: file:line" grep -q "^rmpsim: $tmp/p.ini:2" "$tmp/err"

# Resource: an output that cannot be written.
run --machine "$small" --scenario worst --json "$tmp/no/such/dir/x.json" --quiet
check "unwritable output: exit 4" test "$code" -eq 4

# --machine default: the built-in machine, the same run as without the option.
run --scenario empty --backing 2M --quiet --json "$tmp/a.json"
check "without --machine: exit 0" test "$code" -eq 0
cp "$tmp/out" "$tmp/a.out"
run --machine default --scenario empty --backing 2M --quiet --json "$tmp/b.json"
check "--machine default: exit 0" test "$code" -eq 0
check "--machine default: the same report" cmp -s "$tmp/a.out" "$tmp/out"
check "--machine default: the same JSON" cmp -s "$tmp/a.json" "$tmp/b.json"

[ "$fails" -eq 0 ]
