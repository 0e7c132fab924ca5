# shellcheck shell=bash
# What every tests/cli script shares; source it after setting exe (the rmpsim
# command) and tmp (a scratch directory):
#   . "$(dirname "$(realpath "$0")")/lib.sh"
# check DESCRIPTION CONDITION... prints a TAP-style "ok" / "not ok" line and
# counts failures in $fails; run ARGS... runs "$exe" ARGS with its stdout in
# $tmp/out, stderr in $tmp/err and exit status in $code, under `timeout
# $RUN_TIMEOUT` when the script sets it; not CONDITION... negates.
fails=0
check() { # description, condition...
	local what=$1; shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fails=$((fails + 1)); fi
}
not() { ! "$@"; }
run() { # args... -> $tmp/out, $tmp/err, $code
	if [ -n "${RUN_TIMEOUT:-}" ]; then
		timeout "$RUN_TIMEOUT" "$exe" "$@" >"$tmp/out" 2>"$tmp/err"
	else
		"$exe" "$@" >"$tmp/out" 2>"$tmp/err"
	fi
	code=$?
}
