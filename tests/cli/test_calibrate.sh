#!/usr/bin/env bash
# rmpsim calibrate (issue 16 point 5, docs/calibrate.md): measurements that
# rmpsim itself generates with known parameters set off their defaults are
# fitted back within a stated tolerance, with and without (seeded) noise; the
# profile is written whole, its sources say "fitted to FILE"; a parameter no
# measurement constrains is refused; bad input gives file:line and the
# documented exit codes, and no profile.
# Usage: test_calibrate.sh PATH/TO/rmpsim   (run from tests/cli)
set -u
exe=$1
tmp=${KEEP_TMP:-$(mktemp -d)}; mkdir -p "$tmp"
[ -n "${KEEP_TMP:-}" ] || trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$(realpath "$0")")/lib.sh"
small="pack:2 numa:1(memory=4GiB) core:2 pu:2"

# The truth: two parameters off their defaults (107 ns, 500 ns), inside their ranges.
printf '[memory]\ndram_local_ns = 126\n[ipi]\ndelivery_ns = 820\n' >"$tmp/truth.ini"

# (a) pass log: the pass times of empty and full, as kernel log lines (A420).
for s in empty full; do
	"$exe" --profile "$tmp/truth.ini" --machine "$small" --scenario $s --backing 4K --json "$tmp/$s.json" \
		--quiet || exit 1
	python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["runs"]:
    print("[   42.000001] SEV-SNP: unrelated line")
    print("[   42.100000] SEV-SNP: RMPOPT execution time %d ns" % r["pass_ns"])' "$tmp/$s.json" >"$tmp/$s.log"
done
# (b) cycles log: the simulated kernel's own spec 1.12 C lines (perf2-serial), last pass only.
"$exe" --profile "$tmp/truth.ini" --machine "$small" --scenario empty --backing 4K --policy perf2-serial \
	--dmesg --quiet >"$tmp/dmesg.txt" || exit 1
awk '/RMPOPT (max cycle|instruction cycles)/ { block = block $0 "\n" }
     /RMPOPT instruction cycles/ { last = block; block = "" } END { printf "%s", last }' \
	"$tmp/dmesg.txt" >"$tmp/cycles.log"
check "cycles log has rises and a summary" grep -q 'max cycle on cpu' "$tmp/cycles.log"
# (c) IPI table: what the truth predicts for calls to 1, 3, 5 and 7 CPUs.
printf '# targets  ns\ntargets ns\n1 1\n3 1\n5 1\n7 1\n' >"$tmp/ipi-template.txt"
run calibrate --predict --ipi-table "$tmp/ipi-template.txt" --profile "$tmp/truth.ini" --machine "$small"
check "--predict exits 0" test "$code" -eq 0
awk -F'\t' 'BEGIN { print "targets ns"; n = split("1 3 5 7", t, " ") } { print t[NR], $3 }' "$tmp/out" \
	>"$tmp/ipi.txt"
check "IPI table has 4 rows" test "$(wc -l <"$tmp/ipi.txt")" -eq 5

inputs=(--pass-log "$tmp/empty.log@empty" --pass-log "$tmp/full.log@full" --cycles-log "$tmp/cycles.log@empty"
	--ipi-table "$tmp/ipi.txt" --machine "$small")
value() { # FILE KEY -> the value in an INI profile
	sed -n "s/^$2 = \([0-9.]*\).*/\1/p" "$1"
}
within() { # a b tolerance(fraction): |a - b| <= tol * b
	python3 -c 'import sys; a, b, t = map(float, sys.argv[1:]); sys.exit(abs(a - b) > t * b)' "$@"
}

# 1. Exact data: the two parameters come back within 2 % (stored-unit rounding and
#    the simplex's stopping rule; docs/calibrate.md "Tests").
run calibrate "${inputs[@]}" --fit dram_local_ns,delivery_ns --out "$tmp/fit.ini"
check "exact fit exits 0" test "$code" -eq 0
[ "$code" -eq 0 ] || cat "$tmp/err"
check "dram_local_ns recovered within 2% of 126" within "$(value "$tmp/fit.ini" dram_local_ns)" 126 0.02
check "delivery_ns recovered within 2% of 820" within "$(value "$tmp/fit.ini" delivery_ns)" 820 0.02
check "fitted source says 'fitted to FILE'" grep -q "source: fitted to .*empty.log" "$tmp/fit.ini"
check "an unfitted parameter keeps its value" grep -q '^dram_remote_ns = 200 \[150, 260\]$' "$tmp/fit.ini"
check "prints residuals and the held-out check" grep -q 'held-out (leave-one-out)' "$tmp/out"
run --profile "$tmp/fit.ini" --print-profile
check "the fitted profile loads" test "$code" -eq 0

# 2. Noise: every measurement times (1 + 1% Gaussian), seeded; within 8 %.
noisy() { # in out seed
	python3 - "$@" <<'PY'
import random, re, sys
src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
def jitter(m):
    return str(max(1, round(float(m.group(0)) * (1 + rng.gauss(0, 0.01)))))
out = []
for line in open(src):
    if "RMPOPT execution time" in line:
        line = re.sub(r"\d+(?= ns$)", jitter, line.rstrip("\n")) + "\n"
    elif "RMPOPT max cycle" in line:
        line = re.sub(r"\d+$", jitter, line.rstrip("\n")) + "\n"
    elif "RMPOPT instruction cycles" in line:
        a, b = line.split("cycles:", 1)
        line = a + "cycles:" + re.sub(r"\d+", jitter, b)
    elif re.match(r"^\d+ \d", line):
        t, ns = line.split()
        line = t + " " + jitter(re.match(r"[\d.]+", ns)) + "\n"
    out.append(line)
open(dst, "w").write("".join(out))
PY
}
for f in empty.log full.log cycles.log ipi.txt; do noisy "$tmp/$f" "$tmp/noisy-$f" 7; done
run calibrate --pass-log "$tmp/noisy-empty.log@empty" --pass-log "$tmp/noisy-full.log@full" \
	--cycles-log "$tmp/noisy-cycles.log@empty" --ipi-table "$tmp/noisy-ipi.txt" --machine "$small" \
	--fit dram_local_ns,delivery_ns --out "$tmp/noisy.ini"
check "noisy fit exits 0" test "$code" -eq 0
check "noisy: dram_local_ns within 8% of 126" within "$(value "$tmp/noisy.ini" dram_local_ns)" 126 0.08
check "noisy: delivery_ns within 8% of 820" within "$(value "$tmp/noisy.ini" delivery_ns)" 820 0.08

# 3. A parameter no measurement constrains is refused, and said so.
run calibrate --ipi-table "$tmp/ipi.txt" --machine "$small" --fit delivery_ns,mutex_ns --out "$tmp/ipi-only.ini"
check "IPI-only fit exits 0" test "$code" -eq 0
check "mutex_ns refused: no measurement constrains it" \
	grep -q 'not fitting kernel.mutex_ns: no measurement constrains it' "$tmp/err"
check "mutex_ns keeps its value" grep -q '^mutex_ns = 40 ' "$tmp/ipi-only.ini"
run calibrate --ipi-table "$tmp/ipi.txt" --machine "$small" --fit mutex_ns --out "$tmp/nothing.ini"
check "nothing to fit exits 1" test "$code" -eq 1
check "nothing to fit: says so" grep -q 'no measurement constrains any' "$tmp/err"
check "nothing to fit: no profile" test ! -e "$tmp/nothing.ini"

# 4. Measurements no parameter can explain: exit 1, named, no profile (A426).
printf 'targets ns\n1 90000\n3 95000\n5 99000\n7 99999\n' >"$tmp/slow-ipi.txt"
run calibrate --ipi-table "$tmp/slow-ipi.txt" --machine "$small" --fit delivery_ns,send_base_ns --out "$tmp/bad.ini"
check "unexplained exits 1" test "$code" -eq 1
check "unexplained names file:line" grep -q 'slow-ipi.txt:2: IPI call measured 90.000 us' "$tmp/err"
check "unexplained: no profile written" test ! -e "$tmp/bad.ini"

# 5. Bad input: file:line:col and exit 3; usage errors exit 2; nothing written.
printf '[    1.0] RMPOPT execution time 12 parsecs\n' >"$tmp/unit.log"
run calibrate --pass-log "$tmp/unit.log@empty" --machine "$small" --out "$tmp/x.ini"
check "bad unit exits 3" test "$code" -eq 3
check "bad unit: file:line:col" grep -q 'unit.log:1:36: expected a unit after the time' "$tmp/err"
printf 'RMPOPT instruction cycles: largest 10, smallest many\n' >"$tmp/cyc-bad.log"
run calibrate --cycles-log "$tmp/cyc-bad.log@empty" --out "$tmp/x.ini"
check "bad cycles line exits 3" test "$code" -eq 3
check "bad cycles line: file:line" grep -q "cyc-bad.log:1:.*expected 'smallest N'" "$tmp/err"
printf 'targets ns\n4 fast\n' >"$tmp/ipi-bad.txt"
run calibrate --ipi-table "$tmp/ipi-bad.txt" --out "$tmp/x.ini"
check "bad IPI row exits 3" test "$code" -eq 3
check "bad IPI row: file:line" grep -q 'ipi-bad.txt:2:.*expected the time in ns' "$tmp/err"
printf 'nothing here\n' >"$tmp/empty-log.txt"
run calibrate --pass-log "$tmp/empty-log.txt@empty" --out "$tmp/x.ini"
check "no measurement exits 3" test "$code" -eq 3
check "no measurement: says what was expected" grep -q "no measurement: expected an 'RMPOPT execution time" "$tmp/err"
printf 'targets ns\n64 1000\n' >"$tmp/ipi-wide.txt"
run calibrate --ipi-table "$tmp/ipi-wide.txt" --machine "$small" --out "$tmp/x.ini"
check "more targets than CPUs exits 3" test "$code" -eq 3
check "more targets than CPUs: file:line" grep -q 'ipi-wide.txt:2:1: 64 targets' "$tmp/err"
run calibrate --pass-log "$tmp/empty.log" --out "$tmp/x.ini"
check "log without scenario exits 2" test "$code" -eq 2
run calibrate --ipi-table "$tmp/ipi.txt"
check "no --out exits 2" test "$code" -eq 2
run calibrate --ipi-table "$tmp/ipi.txt" --out "$tmp/x.ini" --fit no_such_key
check "unknown --fit exits 2" test "$code" -eq 2
run calibrate --ipi-table "$tmp/ipi.txt" --out "$tmp/x.ini" --fit apic_mode
check "--fit a switch exits 2" test "$code" -eq 2
check "no profile after any bad input" test ! -e "$tmp/x.ini"
# The output is never half-written: a folder as --out fails before anything is replaced.
mkdir "$tmp/dir.ini"
run calibrate --ipi-table "$tmp/ipi.txt" --machine "$small" --fit delivery_ns --out "$tmp/dir.ini"
check "a folder as --out exits 4" test "$code" -eq 4
check "no temporary file left" test -z "$(ls "$tmp" | grep '\.tmp')"

echo "calibrate: $fails failed"
[ "$fails" -eq 0 ]
