/* SPDX-License-Identifier: MIT */
/*
 * RMPOPT (spec 1.1-1.4, 1.7): the instruction, over the RMP and the state of
 * the executing core that the machine passes in (struct rmpsim_rmpopt_core).
 * The machine keeps the per-core tables, the region locks and the broadcast
 * clear (src/machine/rmpopt.c); this file decides what the instruction does.
 *
 * Checks, in this order (A44):
 *  1. CPUID lacks RMPOPT, or the core's RMPOPT_EN = 0 (spec 1.2, HW-3) -> #UD
 *  2. RCX > 1 (A44, spec OQ 2)                                        -> #GP
 *  3. the SPA (RAX bits 29:0 ignored, A43) outside [base, base + 2 TiB)
 *     (A43, spec 1.3 / OQ 1)                                          -> CF = 0
 *  4. function 1: CF = the core's entry for the region (spec 1.2)
 *  5. function 0: the region's cached scan result when valid (A45), else the
 *     scan of the 512 2 MB slots in order, stopping at the first one holding
 *     an assigned entry; a region without RMP entries holds none (A51).
 *     CF = no busy slot; busy results are cached too (A45).
 */
#include <rmpsim/insn.h>

#include "require.h"

/* Function 0 on spa's 1 GB region (A45, A51). */
static void verify(const struct rmpsim_rmp *rmp, struct rmpsim_rmpopt_scan_cache *cache, uint64_t spa,
		   struct rmpsim_insn_out *r)
{
	int slot;

	if (cache && cache->valid) { /* A45 */
		slot = cache->slot;
		r->rmpopt.kind = RMPSIM_RMPOPT_CACHE_HIT;
		r->rmpopt.slots_scanned = 0;
	} else {
		/* The summaries answer exactly what the scan would find without touching entries. */
		slot = rmpsim_layout_covers(rmpsim_rmp_layout(rmp), spa)
			       ? rmpsim_rmp_1g_first_busy_slot(rmp, spa)
			       : -1; /* A51 */
		if (slot < 0) {
			r->rmpopt.kind = RMPSIM_RMPOPT_SCANNED;
			r->rmpopt.slots_scanned = RMPSIM_SLOTS_PER_1G;
		} else {
			r->rmpopt.kind = RMPSIM_RMPOPT_EARLY_EXIT;
			r->rmpopt.exit_slot = (unsigned)slot;
			r->rmpopt.slots_scanned = (unsigned)slot + 1;
		}
		if (cache) {
			cache->valid = true; /* A45: busy results are cached too */
			cache->slot = slot;
		}
	}
	r->cf = slot < 0;
}

int rmpsim_insn_rmpopt(const struct rmpsim_rmp *rmp, struct rmpsim_rmpopt_core *core, uint64_t rax,
		       uint64_t rcx, struct rmpsim_insn_out *out)
{
	struct rmpsim_insn_out r = { 0 };

	if (!rmp || !core || !out)
		return -EINVAL;
	uint64_t base = core->base_msr & RMPSIM_RMPOPT_BASE_ADDR_MASK;
	uint64_t spa = rmpsim__align_down(rax, RMPSIM_SZ_1G); /* A43: RAX bits 29:0 ignored */

	if (!core->supported || !(core->base_msr & RMPSIM_RMPOPT_BASE_EN))
		r.fault = RMPSIM_FAULT_UD; /* spec 1.2 (HW-3), A44 */
	else if (rcx > RMPSIM_RMPOPT_FN_REPORT)
		r.fault = RMPSIM_FAULT_GP; /* A44, spec OQ 2 */
	else if (spa < base || spa - base >= RMPSIM_RMPOPT_WINDOW)
		r.rmpopt.kind = RMPSIM_RMPOPT_OUTSIDE; /* A43, spec 1.3 / OQ 1: CF = 0 */
	else if (rcx == RMPSIM_RMPOPT_FN_REPORT) {
		r.rmpopt.kind = RMPSIM_RMPOPT_REPORT; /* spec 1.2 function 1 */
		r.cf = core->region_bit;
	} else {
		verify(rmp, core->cache, spa, &r); /* spec 1.2 function 0 */
	}
	*out = r;
	return 0;
}
