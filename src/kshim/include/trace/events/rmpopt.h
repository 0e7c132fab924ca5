/* SPDX-License-Identifier: MIT */
/*
 * The RMPOPT tracepoints (contracts.md "Tracepoints"): each records a sim trace
 * mark with the virtual time and current CPU, named as the function without
 * "trace_" ("rmpopt_pass_start", ...), args a and b as documented.
 */
#ifndef _TRACE_EVENTS_RMPOPT_H
#define _TRACE_EVENTS_RMPOPT_H

#include <linux/types.h>

void rmpsim__k_trace_mark(const char *name, u64 a, u64 b);

/* Work handler entry: a = pa_start, b = pa_end. */
static inline void trace_rmpopt_pass_start(u64 pa_start, u64 pa_end)
{
	rmpsim__k_trace_mark("rmpopt_pass_start", pa_start, pa_end);
}
/* Leader loop finished: a = leader CPU (as u64 of the int; -1 = no leader). */
static inline void trace_rmpopt_leader_done(int leader_cpu)
{
	rmpsim__k_trace_mark("rmpopt_leader_done", (u64)(s64)leader_cpu, 0);
}
/* Followers finished. */
static inline void trace_rmpopt_pass_done(void)
{
	rmpsim__k_trace_mark("rmpopt_pass_done", 0, 0);
}

#endif
