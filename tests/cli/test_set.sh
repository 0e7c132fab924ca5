#!/usr/bin/env bash
# --set KEY=VALUE (docs/cli.md "Settings", issue 16 point 1): each kind of key
# does what the option or file it stands for does, and every bad setting is
# refused before anything runs, naming the key, with exit 2.
# Usage: test_set.sh PATH/TO/rmpsim
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$(realpath "$0")")/lib.sh"
# The runs of a JSON report without what names how the configuration was given.
runs_of() { grep -v -E '"(settings|profile|machine)"|^    "[a-z]' "$1"; }

small=(--set machine.packages=1 --set machine.l3_per_node=1 --set machine.cores_per_l3=4
	--set machine.node_memory=8G)
desc='pack:1 group:2 [numa(memory=8GiB)] l3:1 core:4 pu:2'

# Machine fields describe the same machine as the synthetic string they stand for.
run "${small[@]}" --scenario empty --backing 2M --json "$tmp/fields.json"
check "machine fields: exit 0" test "$code" -eq 0
run --machine "$desc" --scenario empty --backing 2M --json "$tmp/desc.json"
check "the same machine as a description: exit 0" test "$code" -eq 0
check "machine fields = the description they stand for (trace hash)" \
	test "$(grep '^  "trace_hash"' "$tmp/fields.json")" = "$(grep '^  "trace_hash"' "$tmp/desc.json")"
check "the report names the machine built" grep -qF "\"machine\": \"$desc\"" "$tmp/fields.json"
check "the report lists the settings, sorted" \
	sh -c "tr -d ' \n' <'$tmp/fields.json' | grep -qF '\"settings\":[\"machine.cores_per_l3=4\",\"machine.l3_per_node=1\",\"machine.node_memory=8GiB\",\"machine.packages=1\"]'"
run "${small[@]}" --set machine.threads_per_core=1 --scenario empty --backing 2M --json "$tmp/smt1.json"
check "another field value: another machine" \
	test "$(grep '^  "trace_hash"' "$tmp/smt1.json")" != "$(grep '^  "trace_hash"' "$tmp/fields.json")"
check "threads_per_core=1 halves the CPUs" grep -qF 'pu:1' "$tmp/smt1.json"

# A profile parameter = the same value in a profile file.
printf '[ipi]\ndelivery_ns = 900\n' >"$tmp/p.ini"
run "${small[@]}" --scenario full --backing 2M --profile "$tmp/p.ini" --json "$tmp/file.json"
run "${small[@]}" --scenario full --backing 2M --set ipi.delivery_ns=900.000 --json "$tmp/set.json"
check "profile parameter: exit 0" test "$code" -eq 0
check "--set ipi.delivery_ns=900 = a profile file with it (same runs)" \
	cmp -s <(runs_of "$tmp/file.json") <(runs_of "$tmp/set.json")
check "the setting is recorded in canonical form" grep -qF '"ipi.delivery_ns=900"' "$tmp/set.json"
check "and it changes the runs" not cmp -s <(runs_of "$tmp/set.json") <(runs_of "$tmp/fields.json")
run --set ipi.delivery_ns=900 --print-profile
check "--print-profile shows a set parameter" grep -q '^delivery_ns = 900 \[200, 1500\]$' "$tmp/out"
# On top of a profile file: the file's narrowed range is the one in effect.
printf '[ipi]\ndelivery_ns = 500 [400, 600]\n' >"$tmp/narrow.ini"
run "${small[@]}" --scenario full --backing 2M --profile "$tmp/narrow.ini" --set ipi.delivery_ns=900
check "outside the range a profile file set: exit 2" test "$code" -eq 2
check "... naming the key and the range" grep -qF 'ipi.delivery_ns: 900 is outside its range [400, 600]' "$tmp/err"
run "${small[@]}" --scenario full --backing 2M --set 'ipi.delivery_ns=2000 [200, 3000]' --json "$tmp/wide.json"
check "a value with its own range: exit 0" test "$code" -eq 0
check "... recorded with the range" grep -qF '"ipi.delivery_ns=2000 [200, 3000]"' "$tmp/wide.json"

# Plain keys = their options.
run "${small[@]}" --set scenario=worst --set policy=percpu --set seed=7 --json "$tmp/plain.json"
run "${small[@]}" --scenario worst --policy percpu --seed 7 --json "$tmp/opts.json"
check "scenario=, policy=, seed= = --scenario, --policy, --seed" \
	cmp -s <(runs_of "$tmp/plain.json") <(runs_of "$tmp/opts.json")
check "the same trace" \
	test "$(grep '^  "trace_hash"' "$tmp/plain.json")" = "$(grep '^  "trace_hash"' "$tmp/opts.json")"

# Scenario knobs: a built-in's [scenario] keys, a file's guests.
run "${small[@]}" --scenario empty --backing 2M --set scenario.host_writes=1000 --json "$tmp/hw.json"
check "scenario.host_writes: exit 0" test "$code" -eq 0
check "scenario.host_writes=1000: 1000 host writes counted" \
	sh -c "grep -E '\"host_writes_(checked|skipped|faulted)\"' '$tmp/hw.json' | tr -dc '0-9\n' | awk '{ s += \$1 } END { print s }' | grep -qx 1000"
cat >"$tmp/g.ini" <<'EOF'
[scenario]
name = g
machine = pack:1 numa:1(memory=8GiB) core:2 pu:1
[guest a]
size = 2G
backing = 2M
[events]
0 = launch a
1s = trigger
EOF
run --scenario "$tmp/g.ini" --set guest.a.size=4G --set guest.a.backing=1G --json "$tmp/g.json"
check "guest knobs: exit 0" test "$code" -eq 0
check "guest.a.size=4G: 4 GiB private" grep -q '"private_bytes": 4294967296,' "$tmp/g.json"
run --scenario "$tmp/g.ini" --set guest.a.size=3M --json "$tmp/never.json"
check "a guest size the backing refuses: exit 2" test "$code" -eq 2
check "... naming the key" grep -qF -- '--set guest.a.size=3M: [guest a]: size must be a multiple of the 2M backing' "$tmp/err"
check "... nothing written" test ! -e "$tmp/never.json"

# Co-tenant knobs (issue 17): a [cotenant] key of the scenario that runs.
run "${small[@]}" --scenario cotenant --backing 2M --set cotenant.vcpus=1-3 --json "$tmp/ct.json"
check "cotenant.vcpus: exit 0" test "$code" -eq 0
check "cotenant.vcpus=1-3: 3 vCPUs (CPUs 1, 2, 3), recorded" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["settings"] == ["cotenant.vcpus=1-3", "machine.cores_per_l3=4", "machine.l3_per_node=1",
                         "machine.node_memory=8GiB", "machine.packages=1"], d["settings"]
assert d["runs"][0]["cotenant"]["vcpus"] == 3, d["runs"][0]["cotenant"]
' "$tmp/ct.json"
run "${small[@]}" --scenario full --backing 2M --set cotenant.host_fills_per_s=0 \
	--set cotenant.guest_fills_per_s=0 --set cotenant.vcpus=none --json "$tmp/ct0.json"
check "cotenant knobs that turn everything off: no co-tenant or benefit block" \
	sh -c "! grep -qE '\"(cotenant|benefit)\": \\{' '$tmp/ct0.json'"
run "${small[@]}" --scenario full --backing 2M --set cotenant.guest_fills_per_s=1000 --json "$tmp/ct1.json"
check "a cotenant knob on a scenario without [cotenant] starts from its defaults (vcpus auto)" \
	python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["runs"][0]; assert r["cotenant"]["vcpus"] > 0 and r["benefit"]["fills_per_s"] > 0, r' "$tmp/ct1.json"
run "${small[@]}" --scenario cotenant --backing 2M --set cotenant.vcpus=1-16 --json "$tmp/never.json"
check "cotenant.vcpus beyond the machine: exit 2" test "$code" -eq 2
check "... says which CPU, before the run" grep -qF "[cotenant] vcpus: CPU 16: expected CPUs of the machine (0 to 15)" "$tmp/err"
check "... nothing written" test ! -e "$tmp/never.json"

# Bad settings: exit 2, the key named, nothing run or written.
bad() { # setting, message fragment, extra args...
	local set=$1 msg=$2; shift 2
	run "$@" --set "$set" --json "$tmp/never.json"
	check "--set '$set': exit 2" test "$code" -eq 2
	check "--set '$set': says '$msg'" grep -qF -- "$msg" "$tmp/err"
	check "--set '$set': nothing written" test ! -e "$tmp/never.json" -a ! -s "$tmp/out"
}
bad nosuch=1 "--set nosuch=1: unknown key 'nosuch'"
bad ipi.nosuch=1 "--set ipi.nosuch=1: unknown key 'ipi.nosuch'"
bad ipi.delivery_ns=99999 "ipi.delivery_ns: 99999 is outside its range [200, 1500] ns"
bad ipi.delivery_ns=fast "ipi.delivery_ns: 'fast' is not a number"
bad rmpopt.cache_scope=ccd "rmpopt.cache_scope: unknown value 'ccd'"
bad machine.sockets=2 "--set machine.sockets=2: unknown machine field"
bad machine.cores_per_l3=0 "--set machine.cores_per_l3=0: expected an integer from 1"
bad machine.cores_per_l3=4096 "--set machine.*: more than 8192 CPUs"
bad machine.node_memory=1M "--set machine.node_memory=1M: expected a size from 2MiB"
bad policy=fastest "--set policy=fastest: unknown policy"
bad seed=-1 "--set seed=-1: expected an integer"
bad backing=3M "--set backing=3M: expected 4K, 2M or 1G" --scenario full
bad backing=2M "backing needs a scenario"
bad scenario.colour=red "--set scenario.colour=red: unknown scenario knob"
bad scenario.state=half "--set scenario.state=half: state: expected events, full"
bad guest.vm.size=4G "--set guest.vm.size=4G: [guest vm]: scenario 'full' has no such guest" --scenario full --backing 4K
bad cotenant.vcpus=7-1 "--set cotenant.vcpus=7-1: vcpus: expected auto, none or a CPU list" --scenario cotenant
bad cotenant.rmp_l3_hit_percent=101 "--set cotenant.rmp_l3_hit_percent=101: rmp_l3_hit_percent: expected a share from 0 to 100" --scenario cotenant
bad cotenant.colour=red "--set cotenant.colour=red: [cotenant] colour: expected one of vcpus" --scenario cotenant
bad cotenant.a.vcpus=1 "--set cotenant.a.vcpus=1: expected cotenant.KEY" --scenario cotenant
bad policy=v10 "--set policy= and --policy exclude each other" --policy v10
bad machine.packages=1 "--set machine.* describes a regular machine: not with --machine" --machine "$desc"
run --set ipi.delivery_ns=900 --set ipi.delivery_ns=800
check "a key given twice: exit 2" test "$code" -eq 2
check "... says so" grep -qF -- '--set ipi.delivery_ns: given twice' "$tmp/err"
run --set novalue
check "--set without '=': exit 2" test "$code" -eq 2
check "... says what was expected" grep -qF -- "--set: expected KEY=VALUE, got 'novalue'" "$tmp/err"
run --set ipi.delivery_ns=
check "--set KEY= with no value: exit 2" test "$code" -eq 2

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
