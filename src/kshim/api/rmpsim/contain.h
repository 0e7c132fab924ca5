/* SPDX-License-Identifier: MIT */
/*
 * Containment of kernel code (issue 10 point 4; docs/kshim.md "When kernel
 * code goes wrong"). Process-wide, opt-in (the rmpsim command turns it on):
 *
 *  - panic_on_warn: a kernel WARN, a reported BUG (sleeping in atomic
 *    context, scheduling while atomic, a mutex in an IPI handler, ...) or an
 *    oops ends the process, like Linux's panic_on_warn, instead of being
 *    counted; off, they are counted and the run goes on (oopses still stop
 *    the simulation, A88);
 *  - crashes: SIGSEGV, SIGBUS, SIGFPE, SIGABRT and a stray SIGILL are caught
 *    on an alternate signal stack (so a stack overflow is caught too);
 *  - limits: every kernel's simulation stops at max_virtual_time_ps or after
 *    max_events events (rmpsim_sim_set_limits), and that ends the process.
 *
 * Ending the process means: one message on stderr naming what happened, the
 * plugin and its function (when the code at fault or a caller is in a loaded
 * plugin, from its symbol table), the simulated CPU and the virtual time,
 * then _exit(exit_code): nothing else runs, so no report is written.
 */
#ifndef RMPSIM_CONTAIN_H
#define RMPSIM_CONTAIN_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rmpsim_containment {
	bool panic_on_warn;
	uint64_t max_virtual_time_ps; /* 0 = no limit */
	uint64_t max_events;	      /* 0 = no limit */
	int exit_code;
	const char *hint; /* appended to kernel-warning messages, e.g. how to go on; may be NULL */
};

/* Turn containment on (copies c; hint must stay valid). -errno if a signal
 * handler cannot be installed. */
int rmpsim_contain(const struct rmpsim_containment *c);

#ifdef __cplusplus
}
#endif
#endif
