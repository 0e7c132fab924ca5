#!/usr/bin/env bash
# The rmpsim command's behaviour (docs/cli.md): streams and exit codes.
# Usage: test_cli.sh PATH/TO/rmpsim   (run from tests/cli)
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # description, condition...
	local what=$1; shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fails=$((fails + 1)); fi
}
run() { # args... -> $tmp/out, $tmp/err, $code
	"$exe" "$@" >"$tmp/out" 2>"$tmp/err"
	code=$?
}

run --help
check "--help exits 0" test "$code" -eq 0
check "--help writes usage to stdout" grep -q '^Usage: rmpsim' "$tmp/out"
check "--help writes nothing to stderr" test ! -s "$tmp/err"

run --version
check "--version exits 0" test "$code" -eq 0
check "--version prints the version" grep -Eq '^rmpsim [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out"

run --frobnicate
check "bad option exits 2" test "$code" -eq 2
check "bad option: message on stderr" grep -q "unknown option '--frobnicate'" "$tmp/err"
check "bad option: stdout empty" test ! -s "$tmp/out"

run --policy no-such-policy
check "unknown policy exits 2" test "$code" -eq 2
check "unknown policy lists the policies" grep -q '^v10 ' "$tmp/err"

printf '[cpu]\nfreq_ghz = 2\nnot a line\n' >"$tmp/bad.ini"
run --profile "$tmp/bad.ini" --print-profile
check "bad profile exits 3" test "$code" -eq 3
check "bad profile names file:line" grep -q "bad.ini:3" "$tmp/err"

printf '[scenario]\nstate = half\n' >"$tmp/bad-scn.ini"
run --scenario "$tmp/bad-scn.ini"
check "bad scenario exits 3" test "$code" -eq 3
check "bad scenario names file:line:col" grep -q "bad-scn.ini:2:9: state: expected" "$tmp/err"

run --print-profile
check "--print-profile exits 0" test "$code" -eq 0
check "--print-profile prints parameters" test -s "$tmp/out"
check "--print-profile prints value, range and source" \
	grep -q '^dram_local_ns = 107 \[80, 140\]$' "$tmp/out"
check "--print-profile output loads as a profile" cp "$tmp/out" "$tmp/printed.ini"
run --profile "$tmp/printed.ini" --print-profile
check "printed profile reloads (exit 0)" test "$code" -eq 0

# Issue 9, bad input: nothing runs, file:line:col and exit 3.
for bad in 'dram_local_ns = 100 [140, 80]|range low > high' 'dram_local_ns = 300|outside its range' \
	'dram_local_ns = -5|is not a number'; do
	printf '[memory]\n%s\n' "${bad%%|*}" >"$tmp/range.ini"
	run --profile "$tmp/range.ini" --json "$tmp/never.json"
	check "profile '${bad%%|*}' exits 3" test "$code" -eq 3
	check "profile '${bad%%|*}' says why at file:line:col" grep -q "range.ini:2:[0-9]*: .*${bad#*|}" "$tmp/err"
	check "profile '${bad%%|*}': nothing run or written" test ! -e "$tmp/never.json" -a ! -s "$tmp/out"
done
printf '[rmpopt]\ncache_scope = ccd\n[ipi]\napic_mode = flat\n' >"$tmp/enum.ini"
run --profile "$tmp/enum.ini"
check "unknown cache scope exits 3" test "$code" -eq 3
check "unknown cache scope is named" grep -q "enum.ini:2:15: rmpopt.cache_scope: unknown value 'ccd'" "$tmp/err"
printf '[ipi]\napic_mode = flat\n' >"$tmp/enum.ini"
run --profile "$tmp/enum.ini"
check "unknown APIC mode exits 3" test "$code" -eq 3

run --list-scenarios
check "--list-scenarios names the four" sh -c "grep -c -E '^(full|worst|empty|empty-again) ' '$tmp/out' | grep -qx 4"

run --scenario nonesuch
check "unknown built-in exits 2" test "$code" -eq 2

run --run-tests "$tmp/nowhere"
check "--run-tests on a missing folder exits 2" test "$code" -eq 2

run --policy-plugin "$tmp/none.so"
check "missing plugin exits 3" test "$code" -eq 3
check "missing plugin names the file" grep -q "none.so" "$tmp/err"

run --machine "pack:1 frobs:3" --scenario worst
check "bad --machine description exits 2" test "$code" -eq 2

small="pack:1 numa:1(memory=8GiB) core:4 pu:2"
run --machine "$small" --scenario worst --json - --seed 7
check "--json - exits 0" test "$code" -eq 0
check "--json - writes only JSON, with runs, seed 7 and the machine" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['seed'] == 7 and d['machine'] == sys.argv[2] and len(d['runs']) == 1, d
assert d['runs'][0]['scenario'] == 'worst' and d['runs'][0]['pass_ns'] > 0
" "$tmp/out" "$small"
run --machine "$small" --scenario worst --csv "$tmp/r.csv" --quiet
check "--csv FILE writes a header and one row" sh -c "test \$(wc -l < '$tmp/r.csv') -eq 2"
check "--quiet prints no table" test ! -s "$tmp/out"
run --machine "$small" --scenario empty --backing 2M --dmesg
check "--dmesg prints kernel lines with virtual timestamps" grep -Eq '^\[ *[0-9]+\.[0-9]{6}\] ' "$tmp/out"
check "the table follows" grep -q '^empty  *2M ' "$tmp/out"

echo "# $fails failed"
exit $((fails > 0))
