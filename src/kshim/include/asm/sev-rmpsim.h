/* SPDX-License-Identifier: MIT */
/*
 * Simulator extensions for kernel-style code: NOT Linux API. They exist
 * because some kernel loops are too long to simulate instruction by
 * instruction, and because a simulated kernel sometimes must tell the
 * simulation that it gave up where Linux would spin for ever.
 */
#ifndef _ASM_X86_SEV_RMPSIM_H
#define _ASM_X86_SEV_RMPSIM_H

#include <linux/compiler.h>
#include <linux/types.h>

#include <asm/sev.h>

/*
 * npages RMPUPDATEs on the current CPU: pages of state->pagesize from paddr,
 * the GPA advancing by the page size when gpa_step. The machine executes the
 * range (rmpsim_machine_rmpupdate_range, O(regions) rather than O(pages))
 * and the CPU is charged as for the instructions it stands for: one profile
 * RMPUPDATE cost per page done, plus one for the failing page if any. Stops
 * at the first page whose RMPUPDATE does not return 0, exactly as the loop
 * of __rmpupdate() calls it replaces; returns that code (0 when all were
 * done) and *done = pages done before it (done may be NULL).
 */
int rmpsim__k_rmpupdate_range(u64 paddr, u64 npages, const struct rmp_state *state, bool gpa_step, u64 *done);
static inline int __rmpupdate_range(u64 paddr, u64 npages, struct rmp_state *state, bool gpa_step, u64 *done)
{
	return rmpsim__k_rmpupdate_range(paddr, npages, state, gpa_step, done);
}

/*
 * Tell the simulation the kernel hit a condition that, on hardware, would
 * hang or corrupt it (e.g. an RMPUPDATE retried for ever): logged to dmesg
 * and counted in rmpsim_kernel_stats().bugs; the caller continues.
 */
void rmpsim_kernel_report_bug(const char *fmt, ...) __printf(1, 2);

#endif
