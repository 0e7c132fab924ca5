#!/usr/bin/env bash
# rmpsim --ftrace FILE (docs/cli.md "ftrace text"): a golden file for a small
# machine, and the layout's rules on a larger run: trace-cmd report lines,
# time order, ipi_entry/ipi_exit and irq_disable/irq_enable paired per CPU.
# Usage: test_ftrace_cli.sh PATH/TO/rmpsim
# covers: A254 (event names and fields, pids, the stretch as preemptirq events)
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

"$exe" --scenario worst --machine "pack:1 numa:2 core:2 pu:2" --ftrace "$tmp/g.txt" --quiet 2>"$tmp/err"
check "exit 0" test $? -eq 0
check "as the golden file" diff -u "$here/golden/ftrace-worst-8cpu.txt" "$tmp/g.txt"

"$exe" --scenario full --backing 2M --machine "pack:2 numa:2 core:4 pu:2" --ftrace "$tmp/f.txt" \
	--json "$tmp/r.json" --quiet 2>"$tmp/err"
check "with --json: exit 0" test $? -eq 0
check "with --json: both written" test -s "$tmp/r.json" -a -s "$tmp/f.txt"
# Every event line: comm-pid [cpu] sec.nsec: event: fields
bad=$(grep -v '^#' "$tmp/f.txt" | grep -v '^cpus=32$' |
	grep -Evc '^ *[^ ].*-[0-9]+ +\[[0-9]{3}\] [0-9]+\.[0-9]{9}: [a-z_]+: +[^ ]')
check "every line in trace-cmd report layout" test "$bad" -eq 0
check "time never goes back" awk '!/^#/ && !/^cpus=/ {
	split($0, p, "] "); split(p[2], q, ":"); if (q[1] + 0 < last) exit 1; last = q[1] + 0 }' "$tmp/f.txt"
pairs() { # begin-event end-event: on every CPU they alternate, begin first, and end balanced
	awk -v b="$1:" -v e="$2:" '{ for (i = 1; i <= NF; i++) if ($i ~ /^\[[0-9]+\]$/) cpu = $i }
		$0 ~ " " b " " { if (open[cpu]) exit 1; open[cpu] = 1; n++ }
		$0 ~ " " e " " { if (!open[cpu]) exit 1; open[cpu] = 0 }
		END { for (c in open) if (open[c]) exit 1; if (!n) exit 1 }' "$tmp/f.txt"
}
check "ipi_entry / ipi_exit alternate on each CPU" pairs ipi_entry ipi_exit
# covers: A380, A381
check "ipi_send_cpumask: a 32-bit mask, the caller and the callback as written" grep -Eq \
	'ipi_send_cpumask: +cpumask=[0-9a-f]{8} callsite=rmpopt_v10_work_handler callback=rmpopt_smp$' "$tmp/f.txt"
check "workqueue_queue_work with the real fields" grep -Eq \
	'workqueue_queue_work: work struct=[0-9a-f]{16} function=rmpopt_v10_work_handler workqueue=rmpopt_wq req_cpu=8192 cpu=-1$' "$tmp/f.txt"
check "workqueue_execute_start / _end alternate per work struct" awk '
	/workqueue_execute_start:/ { w = $(NF - 2); if (open[w]) exit 1; open[w] = 1; n++ }
	/workqueue_execute_end:/ { w = $(NF - 2); if (!open[w]) exit 1; open[w] = 0 }
	END { for (w in open) if (open[w]) exit 1; if (!n) exit 1 }' "$tmp/f.txt"
check "irq_disable / irq_enable alternate on each CPU" pairs irq_disable irq_enable
check "sched_switch names both tasks" grep -q 'sched_switch: *prev_comm=swapper/[0-9]* prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=' "$tmp/f.txt"
check "the pass tracepoints" grep -q 'rmpopt_pass_start: *a=0x0 b=0x' "$tmp/f.txt"

"$exe" --scenario worst --machine "pack:1 numa:2 core:2 pu:2" --ftrace "$tmp/no/dir/f.txt" 2>"$tmp/err"
check "a missing folder: exit 4" test $? -eq 4
check "... naming the path" grep -q "$tmp/no/dir/f.txt" "$tmp/err"

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
