#!/usr/bin/env bash
# The example plugin run the way a user runs it: `rmpsim --policy-plugin ./x.so`.
# Usage: run_cli.sh PATH/TO/rmpsim PATH/TO/libevery_other.so
# On a 4-core machine the plugin must reach the state v10 reaches (same regions
# optimised) with the same work (every region RMPOPT'd once per core, 3 follower
# IPIs per region), and its two IPI waves per region make its pass longer.
set -u
exe=$1 so=$2
machine="pack:1 numa:1(memory=16GiB) core:4 pu:2"
cores=4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$exe" --policy-plugin "$so" --machine "$machine" --scenario empty --backing 2M --json "$tmp/plugin.json" --quiet || {
	echo "not ok - rmpsim --policy-plugin exited $?"; exit 1; }
"$exe" --machine "$machine" --scenario empty --backing 2M --json "$tmp/v10.json" --quiet || {
	echo "not ok - rmpsim (v10) exited $?"; exit 1; }
python3 - "$tmp/plugin.json" "$tmp/v10.json" "$cores" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); v = json.load(open(sys.argv[2])); cores = int(sys.argv[3])
pr, vr = p["runs"][0], v["runs"][0]
checks = [
    ("report names the plugin's policy", p["policy"] == "every-other" and pr["policy"] == "every-other"),
    ("same regions optimised as v10", pr["regions_optimized"] == vr["regions_optimized"] > 0),
    ("every region RMPOPT'd once per core", pr["rmpopt_executed"] == pr["regions_total"] * cores),
    ("one IPI per follower core and region", pr["ipis_sent"] == pr["regions_total"] * (cores - 1)),
    ("two waves per region make the pass longer than v10's", pr["pass_ns"] > vr["pass_ns"]),
]
bad = 0
for what, ok in checks:
    print(("ok - " if ok else "not ok - ") + what)
    bad += not ok
sys.exit(1 if bad else 0)
PY
