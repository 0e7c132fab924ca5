/* SPDX-License-Identifier: MIT */
/*
 * Passes found from what the kernel does (docs/kshim.md "How results map to
 * the report", A228), for kernel code without rmpsim's tracepoints (a patch
 * pasted as posted). With inference on, the shim emits the tracepoints' marks
 * itself:
 *
 *  - rmpopt_pass_start when a work item starts and no inferred pass is open,
 *    with the RMPOPT window as pa_start/pa_end: from the lowest RMPOPT_BASE
 *    programmed with the enable bit (else 0) to that + 2 TB, capped at the end
 *    of RAM rounded up to 1 GB;
 *  - rmpopt_leader_done at the work item's first cross-CPU IPI call
 *    (on_each_cpu_mask and friends, smp_call_function_single to another CPU)
 *    made after the pass executed at least one RMPOPT (function 0); the leader
 *    is the CPU of the last such RMPOPT;
 *  - rmpopt_pass_done when that work item returns, if the pass executed an
 *    RMPOPT; a work item without any leaves only a start, which the
 *    measurement ignores. A pass without a cross-CPU call is all leader.
 */
#include <rmpsim/code_patch.h>

#include "kshim.h"

#include <asm/msr-index.h>
#include <linux/align.h>
#include <linux/memblock.h>
#include <linux/pfn.h>
#include <linux/sizes.h>

static bool infer_on;

void rmpsim_kshim_infer_passes(bool on)
{
	infer_on = on;
}

static void mark(struct rmpsim_kernel *k, const char *name, uint64_t a, uint64_t b)
{
	if (rmpsim_sim_mark(k->sim, name, a, b))
		rmpsim__k_report_bug("BUG: out of memory recording %s", name);
}

void rmpsim__k_infer_msr(struct rmpsim_kernel *k, uint32_t msr, uint64_t val)
{
	if (msr != MSR_AMD64_RMPOPT_BASE || !(val & 1))
		return;
	u64 base = val & ~(u64)(SZ_1G - 1);
	if (!k->pi.have_base || base < k->pi.base) {
		k->pi.base = base;
		k->pi.have_base = true;
	}
}

void rmpsim__k_infer_item_start(struct rmpsim_kernel *k)
{
	if (!infer_on || k->pi.open)
		return;
	k->pi.open = true;
	k->pi.proc = rmpsim_sim_current(k->sim);
	k->pi.rmpopts = 0;
	k->pi.leader_marked = false;
	k->pi.last_cpu = -1;
	/* A228: the window v10 programs, whatever the code computes. */
	u64 start = k->pi.have_base ? k->pi.base : 0;
	u64 ram_end = ALIGN((u64)PFN_PHYS(rmpsim__k_max_pfn()), SZ_1G);
	u64 end = start + SZ_2T < ram_end ? start + SZ_2T : ram_end;
	mark(k, "rmpopt_pass_start", start, end > start ? end : start);
}

void rmpsim__k_infer_rmpopt(struct rmpsim_kernel *k, unsigned cpu, uint64_t function)
{
	if (!k->pi.open || function != 0)
		return;
	k->pi.rmpopts++;
	k->pi.last_cpu = (int)cpu;
}

void rmpsim__k_infer_rmpopt_round(struct rmpsim_kernel *k, unsigned cpu, unsigned n)
{
	if (!k->pi.open || !n)
		return;
	k->pi.rmpopts += n;
	k->pi.last_cpu = (int)cpu;
}

void rmpsim__k_infer_cross_call(struct rmpsim_kernel *k)
{
	if (!k->pi.open || k->pi.leader_marked || !k->pi.rmpopts || rmpsim_sim_current(k->sim) != k->pi.proc)
		return;
	k->pi.leader_marked = true;
	mark(k, "rmpopt_leader_done", (u64)(s64)k->pi.last_cpu, 0);
}

void rmpsim__k_infer_item_end(struct rmpsim_kernel *k)
{
	if (!k->pi.open || rmpsim_sim_current(k->sim) != k->pi.proc)
		return;
	k->pi.open = false;
	if (!k->pi.rmpopts)
		return;
	if (!k->pi.leader_marked)
		mark(k, "rmpopt_leader_done", (u64)(s64)k->pi.last_cpu, 0);
	mark(k, "rmpopt_pass_done", 0, 0);
}
