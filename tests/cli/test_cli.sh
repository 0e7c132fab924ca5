#!/usr/bin/env bash
# The rmpsim command's behaviour (docs/cli.md): streams and exit codes.
# Usage: test_cli.sh PATH/TO/rmpsim   (run from tests/cli)
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$(realpath "$0")")/lib.sh"

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

# --uncertainty N (docs/cli.md "Uncertainty")
run --uncertainty 0
check "--uncertainty 0 exits 2" test "$code" -eq 2
check "--uncertainty 0 says what it expected" grep -q "expected an integer from 2 to 4096, got '0'" "$tmp/err"
run --uncertainty lots
check "--uncertainty lots exits 2" test "$code" -eq 2
run --uncertainty 5000
check "--uncertainty above the cap exits 2" test "$code" -eq 2
run --bands
check "--bands without --uncertainty exits 2" test "$code" -eq 2
run --machine "$small" --scenario worst --json - --seed 7
cp "$tmp/out" "$tmp/plain.json"
check "no --uncertainty: no bands, no sensitivity" sh -c "! grep -Eq 'bands|sensitivity|uncertainty' '$tmp/plain.json'"
run --machine "$small" --scenario worst --json - --seed 7 --uncertainty 6 --jobs 1
cp "$tmp/out" "$tmp/u1.json"
check "--uncertainty 6 exits 0" test "$code" -eq 0
check "--uncertainty: bands of five times and a sensitivity list" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
r = d['runs'][0]
assert d['uncertainty_draws'] == 6
assert sorted(r['bands']) == ['cpu_busy_max_ns', 'follower_ns', 'irq_off_max_ns', 'leader_ns', 'pass_ns'], r
for b in r['bands'].values():
    assert len(b) == 3 and all(isinstance(x, int) for x in b) and b[0] <= b[1] <= b[2], b
s = r['sensitivity']
assert len(s) > 10 and all(set(e) == {'param', 'low', 'high', 'pass_ns_change', 'rank_corr'} for e in s)
assert isinstance(r['sensitivity_noise_ns'], int)
assert all(abs(s[i]['pass_ns_change']) >= abs(s[i + 1]['pass_ns_change']) for i in range(len(s) - 1))
" "$tmp/u1.json"
check "--uncertainty leaves the run's own numbers alone" python3 -c "
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ra, rb = a['runs'][0], b['runs'][0]
del rb['bands'], rb['sensitivity'], rb['sensitivity_noise_ns']
assert ra == rb
" "$tmp/plain.json" "$tmp/u1.json"
check "--uncertainty adds only its own keys" python3 -c "
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert set(b) - set(a) == {'uncertainty_draws'}, set(b) - set(a)
" "$tmp/plain.json" "$tmp/u1.json"
run --machine "$small" --scenario worst --json - --seed 7 --uncertainty 6 --jobs 3
check "the worker count does not change a byte" cmp -s "$tmp/out" "$tmp/u1.json"
run --machine "$small" --scenario worst --json - --seed 8 --uncertainty 6 --jobs 3
check "another seed, other bands" sh -c "! cmp -s '$tmp/out' '$tmp/u1.json'"
run --machine "$small" --scenario worst --seed 7 --uncertainty 6 --bands
check "--bands: p5..p95 in the table" grep -q 'pass  p5..p95' "$tmp/out"
check "--bands: the tornado follows" grep -q '^What moves pass in worst 4K' "$tmp/out"
check "--bands: lines fit 120 columns" sh -c "test \$(awk 'NR > 1 { if (length > m) m = length } END { print m }' '$tmp/out') -le 120"

echo "# $fails failed"
exit $((fails > 0))
