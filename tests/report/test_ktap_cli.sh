#!/usr/bin/env bash
# rmpsim --run-tests prints KTAP version 1 (docs/cli.md "Golden tests"): the
# version line, the plan, one "ok N name" / "not ok N name" per scenario in
# order, and still the plain summary line. Usage: test_ktap_cli.sh PATH/TO/rmpsim
set -u
exe=$1
here=$(cd "$(dirname "$0")" && pwd)
golden="$here/../scenario"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # description, condition...
	local what=$1; shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fails=$((fails + 1)); fi
}
n=$(ls "$golden"/*.ini | wc -l)
"$exe" --run-tests "$golden" >"$tmp/out" 2>"$tmp/err"
check "all golden tests pass: exit 0" test $? -eq 0
check "KTAP version line" test "$(sed -n 1p "$tmp/out")" = "KTAP version 1"
check "the plan" test "$(sed -n 2p "$tmp/out")" = "1..$n"
i=0
for f in $(cd "$golden" && ls *.ini | LC_ALL=C sort); do
	i=$((i + 1))
	check "ok $i $f" grep -qx "ok $i $f" "$tmp/out"
done
check "the summary line" test "$(tail -1 "$tmp/out")" = "$n passed, 0 failed, 0 errors"

# One that differs: not ok, with the difference on stderr.
cp -r "$golden/boot.ini" "$golden/worst.ini" "$golden/worst.json" "$golden/profiles" "$tmp/"
sed 's/"pass_ns": [0-9]*/"pass_ns": 1/' "$golden/boot.json" >"$tmp/boot.json"
"$exe" --run-tests "$tmp" >"$tmp/out2" 2>"$tmp/err2"
check "a differing test: exit 1" test $? -eq 1
check "not ok 1 boot.ini" grep -qx "not ok 1 boot.ini" "$tmp/out2"
check "ok 2 worst.ini" grep -qx "ok 2 worst.ini" "$tmp/out2"
check "its difference on stderr" grep -q "FAIL boot.ini: differs" "$tmp/err2"
check "the summary line" test "$(tail -1 "$tmp/out2")" = "1 passed, 1 failed, 0 errors"
if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
