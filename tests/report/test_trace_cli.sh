#!/usr/bin/env bash
# rmpsim --trace through the command (docs/cli.md "--trace"): the file, its
# filters, and the bad-input exit codes, with no partial file left behind;
# covers: A252 (the size estimate, on the default machine with a filter).
# Usage: test_trace_cli.sh PATH/TO/rmpsim
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
machine="pack:1 numa:2 core:2 pu:2"
check() { # description, condition...
	local what=$1; shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fails=$((fails + 1)); fi
}
run() { # args... -> $tmp/out, $tmp/err, $code
	"$exe" --scenario worst --machine "$machine" "$@" >"$tmp/out" 2>"$tmp/err"
	code=$?
}
nothing_left() { # no file but the expected ones in $tmp
	test -z "$(find "$tmp" -name '*.tmp*' -print -quit)"
}

run --trace "$tmp/t.json" --json "$tmp/r.json" --quiet
check "--trace exits 0" test "$code" -eq 0
check "--trace writes the trace" grep -q '"displayTimeUnit":"ns","traceEvents":\[' "$tmp/t.json"
check "--trace ends the JSON" test "$(tail -c 4 "$tmp/t.json")" = "$(printf '\n]}')"
check "--trace names CPUs" grep -q '"thread_name".*"CPU 7"' "$tmp/t.json"
check "--trace has RMPOPT slices" grep -q '"name":"RMPOPT early exit","cat":"rmpopt","ph":"X"' "$tmp/t.json"
check "--trace and --json together" grep -q '"trace_hash"' "$tmp/r.json"
check "no temporary file left" nothing_left

run --trace - --quiet
check "--trace - writes to stdout" grep -q '"traceEvents"' "$tmp/out"

run --trace "$tmp/c.json" --trace-cpus 1,3 --quiet
check "--trace-cpus exits 0" test "$code" -eq 0
check "--trace-cpus keeps CPU 3" grep -q '"tid":3,' "$tmp/c.json"
check "--trace-cpus drops CPU 2" test -z "$(grep '"tid":2,' "$tmp/c.json")"

# A252: the estimate comes before a big run writes (the default machine; the
# event limit ends the run at once, exit 3), not before a narrowed one.
check "no estimate for a small run" test -z "$(grep 'adds up to about' "$tmp/err")"
"$exe" --scenario worst --trace /dev/null --quiet --max-events 2000 >"$tmp/out" 2>"$tmp/err"
check "a big run prints its estimate" grep -q "adds up to about 960 MB (1024 CPUs x 2048 regions)" "$tmp/err"
"$exe" --scenario worst --trace /dev/null --trace-regions 0-7 --quiet --max-events 2000 >"$tmp/out" 2>"$tmp/err"
check "a narrowed run prints none" test -z "$(grep 'adds up to' "$tmp/err")"

run --trace "$tmp/n.json" --trace-cpus 100-200
check "a CPU filter that selects nothing exits 2" test "$code" -eq 2
check "... says which filter" grep -q -- '--trace-cpus selects no CPU' "$tmp/err"
check "... and leaves no file" test ! -e "$tmp/n.json"
check "... nor a temporary one" nothing_left

run --trace "$tmp/n.json" --trace-regions 4000-4100
check "a region filter that selects nothing exits 2" test "$code" -eq 2
check "... says which filter" grep -q -- '--trace-regions selects no region' "$tmp/err"
check "... and leaves no file" test ! -e "$tmp/n.json"

run --trace "$tmp/n.json" --trace-cpus 3-1
check "a bad CPU list exits 2" test "$code" -eq 2
check "... at its column" grep -q "column 3" "$tmp/err"
check "... before running (no file)" test ! -e "$tmp/n.json"

run --trace-cpus 1
check "--trace-cpus without --trace exits 2" test "$code" -eq 2
check "... saying so" grep -q -- "--trace-cpus needs --trace FILE" "$tmp/err"

run --trace "$tmp/no/such/dir/t.json"
check "--trace into a missing folder exits 4" test "$code" -eq 4
check "... naming the path" grep -q "$tmp/no/such/dir/t.json" "$tmp/err"
check "... with nothing created" test ! -e "$tmp/no"

echo "old" >"$tmp/keep.json"
run --trace "$tmp/keep.json" --trace-cpus 100-200
check "a failed trace keeps the old file" test "$(cat "$tmp/keep.json")" = old
check "... and no temporary file" nothing_left

# --html FILE: the page, kept with the other report files; exit 4 for a missing folder.
run --html "$tmp/r.html" --json "$tmp/r2.json" --quiet
check "--html exits 0" test "$code" -eq 0
check "--html writes the page" grep -q '^<!DOCTYPE html>' "$tmp/r.html"
check "--html: four plots and the run's busy heatmap" test "$(grep -c '^<svg ' "$tmp/r.html")" -eq 5
check "--html: the run's trace hash" grep -q "<td>$(grep -o '"trace_hash": *"[0-9a-f]*"' "$tmp/r2.json" | tail -1 | grep -o '[0-9a-f]\{16\}')</td>" "$tmp/r.html"
run --html "$tmp/no/such/r.html"
check "--html into a missing folder exits 4" test "$code" -eq 4
check "... with nothing created" test ! -e "$tmp/no"

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
