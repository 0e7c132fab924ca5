#!/usr/bin/env bash
# The v10 manager as posted (inline asm, no tracepoints) through
# `rmpsim --policy-plugin`, against the built-in v10 on the same machine: its
# RMPOPT bytes must run on the simulated CPUs (same regions optimised, same
# instructions, same IPIs) and the pass found from the work item must match
# v10's within the rule's slack (docs/kshim.md "How results map to the report").
# covers: A228, A224
# Usage: run_cli.sh PATH/TO/rmpsim PATH/TO/libv10_as_posted.so
set -u
exe=$1 so=$2
machine="pack:2 numa:2(memory=8GiB) core:4 pu:2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for sb in empty:2M worst:4K; do
	scen=${sb%:*} back=${sb#*:}
	"$exe" --policy-plugin "$so" --machine "$machine" --scenario $scen --backing $back --json "$tmp/p-$scen.json" --quiet --dmesg >"$tmp/p-$scen.log" 2>&1 || {
		echo "not ok - rmpsim --policy-plugin ($scen) exited $?"; cat "$tmp/p-$scen.log"; exit 1; }
	"$exe" --machine "$machine" --scenario $scen --backing $back --json "$tmp/v-$scen.json" --quiet || {
		echo "not ok - rmpsim v10 ($scen) exited $?"; exit 1; }
done
python3 - "$tmp" <<'PY'
import json, sys, os
tmp = sys.argv[1]
bad = 0
def check(what, ok):
    global bad
    print(("ok - " if ok else "not ok - ") + what)
    bad += not ok
for scen in ("empty", "worst"):
    p = json.load(open(os.path.join(tmp, "p-%s.json" % scen)))["runs"][0]
    v = json.load(open(os.path.join(tmp, "v-%s.json" % scen)))["runs"][0]
    check(scen + ": the report names the plugin", p["policy"] == "v10-as-posted")
    for k in ("regions_total", "regions_optimized", "rmpopt_executed", "ipis_sent", "leader_cpu"):
        check("%s: %s as v10 (%s vs %s)" % (scen, k, p[k], v[k]), p[k] == v[k])
    for k in ("pass_ns", "leader_ns", "follower_ns"):
        # the inferred leader phase ends at the first follower IPI, v10's
        # tracepoint after migrate_enable(): within 1% or 2 us
        ok = abs(p[k] - v[k]) <= max(0.01 * v[k], 2000)
        check("%s: %s close to v10 (%s vs %s ns)" % (scen, k, p[k], v[k]), ok)
    log = open(os.path.join(tmp, "p-%s.log" % scen)).read()
    check(scen + ": one 'SEV-SNP: ' prefix in the log", "SEV-SNP: Attempt RMP" in log and "SEV-SNP: SEV-SNP" not in log)
sys.exit(1 if bad else 0)
PY
