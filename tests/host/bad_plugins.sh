#!/usr/bin/env bash
# Kernel code that goes wrong in a plugin (issue 10 point 4, docs/cli.md
# "Limits"; covers: A226, A227): each mode of plugins/bad_kernel.c must end rmpsim with exit 3,
# one message naming what happened, the plugin's function, the simulated CPU
# and the virtual time, and no report file.
# Usage: bad_plugins.sh PATH/TO/rmpsim PATH/TO/libbad_kernel.so PATH/TO/libunknown_api.so
set -u
exe=$1 so=$2 unknown=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
machine="pack:1 numa:1(memory=8GiB) core:2 pu:2"
bad=0
check() { # what, condition...
	local what=$1; shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; bad=1; fi
}
# mode, expected words in the message, extra options
run_mode() {
	local mode=$1 want=$2; shift 2
	rm -f "$tmp/out.json"
	RMPSIM_BAD_MODE=$mode ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 "$exe" --policy-plugin "$so" \
		--machine "$machine" --scenario empty --backing 2M --json "$tmp/out.json" --quiet "$@" \
		>"$tmp/stdout" 2>"$tmp/err"
	local code=$?
	grep -v "ASan doesn't fully support" "$tmp/err" >"$tmp/msg"
	check "$mode: exit 3 (got $code: $(head -c 300 "$tmp/msg"))" test "$code" -eq 3
	check "$mode: says '$want'" grep -q -- "$want" "$tmp/msg"
	check "$mode: no report written" test ! -e "$tmp/out.json"
}
run_mode msleep-in-ipi "in plugin .*function sleep_in_handler+0x.* on simulated CPU [0-9]* (IPI handler) at virtual time"
run_mode mutex-in-ipi "kernel BUG in plugin .*function mutex_in_handler+0x"
run_mode cond-resched-in-ipi "kernel BUG in plugin .*function resched_in_handler+0x"
run_mode null-deref "crash: SIGSEGV (invalid memory access) at address (nil) in plugin .*function bad_work_handler+0x.* on simulated CPU"
run_mode abort "crash: SIGABRT (abort) in plugin .*function bad_work_handler"
# A native loop calling no kernel function: the wall-clock watchdog (A231).
RMPSIM_STALL_SECONDS=2 run_mode spin-forever "no progress: kernel code has not returned to the simulator for 2 s of wall time .* in plugin .*function spin_forever"
# The simulated CPU's stack ends in a no-access guard page (src/sim/fiber.c).
run_mode stack-overflow "crash: SIGSEGV (invalid memory access) at address 0x[0-9a-f]* in plugin .*function deep_recursion[.a-z0-9]*+0x"
run_mode requeue-forever "run limit reached" --max-events 100000
run_mode sleep-forever "past --max-virtual-time (60.000000000 s)" --max-virtual-time 1min
# The switch that keeps the numbers: a kernel BUG is counted, the run goes on.
RMPSIM_BAD_MODE=mutex-in-ipi ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 "$exe" --policy-plugin "$so" \
	--machine "$machine" --scenario empty --backing 2M --allow-kernel-warnings --dmesg --quiet \
	>"$tmp/stdout" 2>"$tmp/err"
code=$?
check "--allow-kernel-warnings: the run goes on (exit $code, not 3)" test "$code" -ne 3
check "--allow-kernel-warnings: the BUG is in the kernel log" grep -q "BUG: sleeping function called from invalid context" "$tmp/stdout" "$tmp/err"
# A kernel function the shim does not have: refused at load, naming it.
"$exe" --policy-plugin "$unknown" --machine "$machine" --scenario empty --backing 2M --json "$tmp/out.json" \
	--quiet >/dev/null 2>"$tmp/err"
code=$?
check "unknown API: exit 3 (got $code)" test "$code" -eq 3
check "unknown API: names the symbol" grep -q "rcu_nocb_flush_deferred_wakeup" "$tmp/err"
check "unknown API: no report written" test ! -e "$tmp/out.json"
# Bad option values.
"$exe" --max-virtual-time 0s --quiet >/dev/null 2>"$tmp/err"; code=$?
check "--max-virtual-time 0s is a usage error (exit $code)" test "$code" -eq 2
"$exe" --max-events x --quiet >/dev/null 2>"$tmp/err"; code=$?
check "--max-events x is a usage error (exit $code)" test "$code" -eq 2
if [ $bad -eq 0 ]; then echo "bad_plugins: all passed"; fi
exit $bad
