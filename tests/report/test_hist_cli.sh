#!/usr/bin/env bash
# rmpsim --hist (docs/cli.md "Histograms"): golden files for two small
# machines (a column per CPU, a column per node), and the rows against the
# JSON report of the same run. Usage: test_hist_cli.sh PATH/TO/rmpsim
# covers: A253 (busy-time bucket size, per-node columns), A440 (co-tenant stretches)
set -u
exe=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # description, condition...
	local what=$1; shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fails=$((fails + 1)); fi
}
golden() { # name, args...
	local name=$1; shift
	"$exe" "$@" --hist --quiet >"$tmp/$name" 2>"$tmp/err"
	check "$name: exit 0" test $? -eq 0
	check "$name: as the golden file" diff -u "$here/golden/$name" "$tmp/$name"
}
golden hist-worst-8cpu.txt --scenario worst --machine "pack:1 numa:2 core:2 pu:2"
golden hist-full-2m-32cpu.txt --scenario full --backing 2M --machine "pack:2 numa:2 core:4 pu:2"

# The rows agree with the report of the same run: the largest max: is the
# longest interrupts-off stretch / the busiest CPU, in whole microseconds.
"$exe" --scenario full --backing 2M --machine "pack:2 numa:2 core:4 pu:2" --hist --json "$tmp/r.json" \
	>"$tmp/out" 2>/dev/null
field() { grep -o "\"$1\": *[0-9]*" "$tmp/r.json" | grep -o '[0-9]*$'; }
maxrow() { # which histogram (1 or 2) -> the largest value of its max: row
	awk -v want="$1" '/^# rmpsim histogram/ { n++ } n == want && /^max:/ {
		m = 0; for (i = 2; i <= NF; i++) if ($i != "-" && $i + 0 > m) m = $i + 0; print m }' "$tmp/out"
}
check "irq-off max: = irq_off_max_ns in us" test "$(maxrow 1)" -eq $(($(field irq_off_max_ns) / 1000))
check "busy max: = cpu_busy_max_ns in us" test "$(maxrow 2)" -eq $(($(field cpu_busy_max_ns) / 1000))
check "the table comes first" test "$(grep -n '^scenario' "$tmp/out" | cut -d: -f1)" -lt \
	"$(grep -n '^# rmpsim histogram' "$tmp/out" | head -1 | cut -d: -f1)"

# Co-tenant stretches (issue 17), by hand (tests/scenario/README.md "cotenant"): on the
# 8-CPU golden machine v10's 9 follower IPIs reach the vCPUs of CPUs 2 and 3, each a
# stretch of exit 400 + handler 350 + entry 600 = 1350 ns: bucket 1, 9 per CPU.
scn="$here/../scenario"
"$exe" --scenario "$scn/cotenant.ini" --hist --quiet >"$tmp/ct" 2>"$tmp/err"
check "cotenant: exit 0" test $? -eq 0
section() { awk '/^# rmpsim histogram/ { on = /co-tenant stretches/ } on' "$tmp/ct"; }
check "cotenant: a co-tenant histogram with a column per CPU" \
	sh -c "awk '/^# rmpsim histogram/ { on = /co-tenant stretches/ } on' '$tmp/ct' | grep -q '^Index    CPU-000 .* CPU-007\$'"
check "cotenant: 9 stretches of 1 us on CPUs 2 and 3, none elsewhere" \
	test "$(section | awk '/^1 / || /^count:/ { $1 = ""; print }' | tr -s ' ' | sed 's/^ //')" = \
	"$(printf '0 0 9 9 0 0 0 0\n0 0 9 9 0 0 0 0')"
check "cotenant: only bucket 1 has stretches" test "$(section | grep -cE '^[0-9]')" -eq 1
check "cotenant: max: 1 us on CPUs 2 and 3" test "$(section | awk '/^max:/ { print $4, $5 }')" = "1 1"
check "runs without co-tenants print no co-tenant histogram" \
	sh -c "! grep -q 'co-tenant' '$here/golden/hist-worst-8cpu.txt' '$here/golden/hist-full-2m-32cpu.txt'"
# A node per column (32 CPUs): the counts add up to the JSON's histogram.
"$exe" --scenario cotenant --backing 2M --machine "pack:2 numa:2 core:4 pu:2" --hist \
	--json "$tmp/ct.json" >"$tmp/ct" 2>/dev/null
check "cotenant on 32 CPUs: columns per node" sh -c "awk '/^# rmpsim histogram/ { on = /co-tenant stretches/ } on' '$tmp/ct' | grep -qE '^Index +NODE-000 +NODE-001 +NODE-002 +NODE-003\$'"
check "cotenant on 32 CPUs: count: = the JSON's stretch histogram" test \
	"$(section | awk '/^count:/ { for (i = 2; i <= NF; i++) s += $i; print s }')" -eq \
	"$(python3 -c 'import json, sys; c = json.load(open(sys.argv[1]))["runs"][0]["cotenant"]; print(sum(n for _, n in c["stretch_hist_us"]) + c["stretch_hist_over"])' "$tmp/ct.json")"

# --hist and --html keep rounds (docs/timing.md "Rounds"): each round hands the
# histograms every target's stretch, so text and page are the step path's
# (--trace-detail) but for the trace hash, which is the plain run's.
rounds_as_steps() { # description, args...
	local what=$1; shift
	"$exe" "$@" --quiet --hist --html "$tmp/r.html" --json "$tmp/r.json" >"$tmp/r.txt" 2>/dev/null
	"$exe" "$@" --quiet --trace-detail --hist --html "$tmp/s.html" --json "$tmp/s.json" >"$tmp/s.txt" 2>/dev/null
	"$exe" "$@" --quiet --json "$tmp/p.json" >/dev/null 2>&1
	check "$what: --hist text as step by step" cmp -s "$tmp/r.txt" "$tmp/s.txt"
	check "$what: --html page as step by step but the hash" \
		test "$(diff "$tmp/r.html" "$tmp/s.html" | grep -c '^<')" -le 1
	check "$what: --html page names the plain run's hash" \
		grep -q "<td>$(grep -o '"trace_hash": *"[0-9a-f]*"' "$tmp/p.json" | grep -o '[0-9a-f]\{16\}')</td>" "$tmp/r.html"
	check "$what: rounds ran (the hash differs from the step path's)" \
		test "$(grep -o '"trace_hash": *"[0-9a-f]*"' "$tmp/r.json")" != \
		"$(grep -o '"trace_hash": *"[0-9a-f]*"' "$tmp/s.json")"
}
rounds_as_steps "v10 full 2M 32 CPUs" --scenario full --backing 2M --machine "pack:2 numa:2 core:4 pu:2"
rounds_as_steps "three-case worst 64 CPUs" --policy three-case --scenario worst \
	--machine "pack:2 numa:2 l3:2 core:8 pu:1"
rounds_as_steps "targeted full 4K 16 CPUs" --policy targeted --scenario full --backing 4K \
	--machine "pack:1 numa:2 core:4 pu:2"

"$exe" --hist --run-tests "$here" >"$tmp/out" 2>"$tmp/err"
check "--hist with --run-tests exits 2" test $? -eq 2

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
