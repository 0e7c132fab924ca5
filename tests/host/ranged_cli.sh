#!/usr/bin/env bash
# Ranged runs (issue 14 point 2, docs/timing.md "Ranged runs") at the CLI: the
# `percpu` policy's handlers are one ranged run each unless --trace-detail asks
# for every RMPOPT one by one; the JSON report (trace hash included) and the
# --hist text must be byte for byte the same either way, on scenarios that
# read cold, warm and busy regions, with and without a result cache.
# Usage: ranged_cli.sh PATH/TO/rmpsim
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$(realpath "$0")")/../cli/lib.sh"
both() { # name, args...: one run with runs, one with --trace-detail
	local name=$1; shift
	"$exe" --policy percpu --quiet --json "$tmp/$name.json" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	check "$name: exit 0" test $? -eq 0
	"$exe" --policy percpu --quiet --json "$tmp/$name.d.json" --trace-detail "$@" >"$tmp/$name.d.out" \
		2>"$tmp/$name.d.err"
	check "$name --trace-detail: exit 0" test $? -eq 0
	check "$name: the same JSON report" cmp "$tmp/$name.json" "$tmp/$name.d.json"
	check "$name: the same text" cmp "$tmp/$name.out" "$tmp/$name.d.out"
	check "$name: a pass with RMPOPTs" grep -q '"rmpopt_executed": *[1-9]' "$tmp/$name.json"
}
m="pack:2 numa:2 core:4 pu:2"
both full-2m --scenario full --backing 2M --machine "$m" --hist
both empty --scenario empty --machine "$m"
both default-l3-cache --machine "$m" --set rmpopt.cache_scope=l3 --hist
both default-4k-scan --machine "pack:1 numa:2 core:3 pu:2" --set rmpopt.scan=4k
exit $((fails > 0))
