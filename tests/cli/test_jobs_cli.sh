#!/usr/bin/env bash
# --jobs N (issue 14; docs/cli.md "Parallel runs"): the benchmark's runs in
# forked workers give the same bytes on every output as one after another:
# the table, --json, --csv, --html, --dmesg, --hist, the trace hash; a run
# stopped by containment mid-matrix; and the writers that keep the runs
# serial (--trace, --ftrace, --uncertainty).
# Usage: test_jobs_cli.sh PATH/TO/rmpsim
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$(realpath "$0")")/lib.sh"
small="pack:1 numa:2(memory=8GiB) core:4 pu:2"

# same_as_serial NAME FILE...: $tmp/NAME.N.FILE equal to $tmp/NAME.1.FILE for N = 2, 3
same_as_serial() {
	local name=$1 f n
	shift
	for n in 2 3; do
		for f in "$@"; do
			check "$name: --jobs $n: $f as --jobs 1" cmp -s "$tmp/$name.1.$f" "$tmp/$name.$n.$f"
		done
		check "$name: --jobs $n: exit code as --jobs 1" cmp -s "$tmp/$name.1.code" "$tmp/$name.$n.code"
	done
}

# runs NAME ARGS...: for N = 1, 2, 3, rmpsim --jobs N ARGS with files named $tmp/NAME.N.*
# (the ARGS' @ stands for that prefix), stdout, stderr and the exit code kept.
runs() {
	local name=$1 n
	shift
	for n in 1 2 3; do
		local args=("${@//@/$tmp/$name.$n}")
		"$exe" --jobs "$n" "${args[@]}" >"$tmp/$name.$n.out" 2>"$tmp/$name.$n.raw-err"
		echo $? >"$tmp/$name.$n.code"
		# ASan's one-line note on swapcontext comes once per process: not rmpsim's output
		grep -v "^==[0-9]*==WARNING: ASan doesn't fully support makecontext" \
			"$tmp/$name.$n.raw-err" >"$tmp/$name.$n.err"
	done
}

# The default matrix (10 runs) with every writer the workers feed.
runs all --machine "$small" --json @.json --csv @.csv --html @.html --dmesg --hist
same_as_serial all out err json csv html
check "all: exit 0" test "$(cat "$tmp/all.1.code")" -eq 0
check "all: the table has the 10 runs" test "$(grep -cE '^(full|worst|empty|empty-again) ' "$tmp/all.1.out")" -eq 10
check "all: the kernel log of each run, in order" \
	test "$(grep '^== dmesg: ' "$tmp/all.2.out" | tr '\n' '|')" = \
	"== dmesg: full 4K ==|== dmesg: full 2M ==|== dmesg: full 1G ==|== dmesg: worst 4K ==|== dmesg: empty 4K ==|== dmesg: empty 2M ==|== dmesg: empty 1G ==|== dmesg: empty-again 4K ==|== dmesg: empty-again 2M ==|== dmesg: empty-again 1G ==|"
check "all: --csv has a line per run" test "$(wc -l <"$tmp/all.3.csv")" -eq 11
check "all: --html has a timeline per run" test "$(grep -c '<svg' "$tmp/all.3.html")" -gt 10
check "all: nothing on stderr" test ! -s "$tmp/all.3.err"

# --json on stdout: the kernel log goes to stderr, in run order all the same.
runs stdout --machine "$small" --scenario empty --json - --dmesg
same_as_serial stdout out err
check "stdout: the log on stderr" grep -q '^== dmesg: empty 1G ==' "$tmp/stdout.3.err"

# A run stopped by containment in the middle of the matrix (the 8th run makes more
# than 1,000 events): the runs before it, its kernel log so far, containment's
# message and exit status 3, as without workers.
runs limit --machine "$small" --dmesg --max-events 1000
same_as_serial limit out err
check "limit: exit 3" test "$(cat "$tmp/limit.1.code")" -eq 3
check "limit: the stopped run's log is the last" test "$(tail -n 1 "$tmp/limit.2.out")" = "== dmesg: empty-again 4K =="
check "limit: one message" test "$(grep -c 'run limit reached' "$tmp/limit.3.err")" -eq 1

# The writers that stream across runs keep them serial: still the same bytes.
runs trace --machine "$small" --scenario empty --trace @.trace.json --ftrace @.ftrace --quiet
same_as_serial trace out err trace.json ftrace
check "trace: written" test -s "$tmp/trace.2.trace.json" -a -s "$tmp/trace.2.ftrace"
runs unc --machine "$small" --scenario empty --uncertainty 4 --json @.json --quiet
same_as_serial unc json err
check "unc: bands" grep -q '"bands"' "$tmp/unc.2.json"

# The workers are there: child processes while the default run goes.
"$exe" --jobs 2 --quiet &
pid=$!
seen=0
while kill -0 "$pid" 2>/dev/null; do
	k=$(pgrep -c -P "$pid" || true)
	[ "${k:-0}" -ge 2 ] && seen=1 && break
	sleep 0.01
done
wait "$pid"
check "--jobs 2: two worker processes" test "$seen" -eq 1

# Usage.
run --jobs 0
check "--jobs 0: exit 2" test "$code" -eq 2
check "--jobs 0: the range" grep -q -- "--jobs: expected an integer from 1 to 64, got '0'" "$tmp/err"
run diff v10 naive --jobs 2
check "diff --jobs: exit 2" test "$code" -eq 2
check "diff --jobs: named" grep -q -- "--jobs does not apply" "$tmp/err"

exit $((fails > 0))
