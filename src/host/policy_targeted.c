// SPDX-License-Identifier: MIT
/*
 * Policy "targeted" (beyond the series; Dave Hansen's bitmap idea, spec 1.5
 * "future plans", 1.13): a bitmap of the 1 GB regions that need RMPOPT. The
 * guest-teardown hook marks the regions the guest gave back; a pass (v10
 * leader, then followers per region) handles only marked regions. Setup and
 * snp_rmpopt_all_physmem() mark everything (SNP_INIT cleared every table).
 * Regions cleared by other RMPUPDATEs (launches, splits) are not marked: only
 * a teardown can make a region free again.
 */
#define pr_fmt(fmt) "SEV-SNP: " fmt

#include <linux/align.h>
#include <linux/bitmap.h>
#include <linux/string.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/topology.h>
#include <linux/workqueue.h>

#include <trace/events/rmpopt.h>

#include "rmpopt.h"

/* The patch's file statics (rmpopt.h struct rmpopt_state). */
static struct rmpopt_state rmpopt_st;

/* One bit per 1 GB region of the window (at most 2048, spec 1.3). */
static DECLARE_BITMAP(rmpopt_dirty, RMPOPT_MAX_REGIONS);
static DEFINE_SPINLOCK(rmpopt_dirty_lock);

static void rmpopt_targeted_reset(void)
{
	rmpopt_state_reset(&rmpopt_st);
}
RMPSIM_KERNEL_RESET(rmpopt_targeted_reset);

static unsigned long rmpopt_nregions(void)
{
	return (rmpopt_st.pa_end - rmpopt_st.pa_start) / SZ_1G;
}

unsigned long rmpopt_targeted_pending(void)
{
	unsigned long n;

	spin_lock(&rmpopt_dirty_lock);
	n = bitmap_weight(rmpopt_dirty, RMPOPT_MAX_REGIONS);
	spin_unlock(&rmpopt_dirty_lock);
	return n;
}

/* The leader's loop: only the marked regions. */
static void rmpopt_targeted_leader(void *arg)
{
	const unsigned long *todo = arg;
	unsigned long i;

	for_each_set_bit(i, todo, rmpopt_nregions()) {
		rmpopt(rmpopt_st.pa_start + i * SZ_1G);
		cond_resched();
	}
}

void rmpopt_targeted_work_handler(struct work_struct *work)
{
	DECLARE_BITMAP(todo, RMPOPT_MAX_REGIONS);
	unsigned long nregions = rmpopt_nregions();
	cpumask_var_t followers;
	unsigned long i;

	trace_rmpopt_pass_start(rmpopt_st.pa_start, rmpopt_st.pa_end);

	/* take the marks; a teardown during the pass marks for the next one */
	spin_lock(&rmpopt_dirty_lock);
	bitmap_copy(todo, rmpopt_dirty, RMPOPT_MAX_REGIONS);
	bitmap_zero(rmpopt_dirty, RMPOPT_MAX_REGIONS);
	spin_unlock(&rmpopt_dirty_lock);

	pr_info("Attempt RMP optimizations on %u of %lu 1GB regions in [0x%016llx - 0x%016llx]\n",
		bitmap_weight(todo, RMPOPT_MAX_REGIONS), nregions,
		(unsigned long long)rmpopt_st.pa_start,
		(unsigned long long)rmpopt_st.pa_end);

	if (!alloc_cpumask_var(&followers, GFP_KERNEL)) {
		pr_warn("RMPOPT: failed to allocate follower cpumask, skipping optimizations\n");
		/* give the marks back so that the next pass does them */
		spin_lock(&rmpopt_dirty_lock);
		bitmap_or(rmpopt_dirty, rmpopt_dirty, todo, RMPOPT_MAX_REGIONS);
		spin_unlock(&rmpopt_dirty_lock);
		trace_rmpopt_leader_done(-1);
		rmpopt_pass_finish(&rmpopt_st);
		return;
	}

	rmpopt_lead_here(&rmpopt_st, followers, rmpopt_targeted_leader, todo);

	cpus_read_lock();
	for_each_set_bit(i, todo, nregions) {
		on_each_cpu_mask(followers, rmpopt_smp,
				 (void *)(unsigned long)(rmpopt_st.pa_start + i * SZ_1G),
				 true);
		cond_resched();
	}
	cpus_read_unlock();

	free_cpumask_var(followers);
	rmpopt_pass_finish(&rmpopt_st);
}

static int rmpopt_targeted_setup(void)
{
	spin_lock(&rmpopt_dirty_lock);
	bitmap_fill(rmpopt_dirty, RMPOPT_MAX_REGIONS);
	spin_unlock(&rmpopt_dirty_lock);

	return rmpopt_setup(&rmpopt_st, rmpopt_targeted_work_handler,
			    RMPOPT_MASK_PRIMARY);
}

static void rmpopt_targeted_mark(phys_addr_t lo, phys_addr_t hi)
{
	unsigned long first, last;

	lo = max(ALIGN_DOWN(lo, SZ_1G), rmpopt_st.pa_start);
	hi = min(ALIGN(hi, SZ_1G), rmpopt_st.pa_end);
	if (lo >= hi)
		return;

	first = (lo - rmpopt_st.pa_start) / SZ_1G;
	last = (hi - rmpopt_st.pa_start) / SZ_1G;
	spin_lock(&rmpopt_dirty_lock);
	bitmap_set(rmpopt_dirty, first, last - first);
	spin_unlock(&rmpopt_dirty_lock);
}

static void rmpopt_targeted_trigger(void)
{
	rmpopt_targeted_mark(rmpopt_st.pa_start, rmpopt_st.pa_end);
	rmpopt_trigger_mod_delayed(&rmpopt_st);
}

static void rmpopt_targeted_teardown(unsigned long long first_pfn,
				     unsigned long long npages)
{
	if (!npages)
		return;
	rmpopt_targeted_mark(PFN_PHYS(first_pfn), PFN_PHYS(first_pfn + npages));
	rmpopt_trigger_mod_delayed(&rmpopt_st);
}

static void rmpopt_targeted_cleanup(void)
{
	rmpopt_cleanup_common(&rmpopt_st);

	spin_lock(&rmpopt_dirty_lock);
	bitmap_zero(rmpopt_dirty, RMPOPT_MAX_REGIONS);
	spin_unlock(&rmpopt_dirty_lock);
}

static int rmpopt_targeted_table_show(char *buf, size_t size)
{
	return rmpopt_table_show(&rmpopt_st, buf, size);
}

const struct rmpsim_policy_ops rmpsim_policy_targeted = {
	.abi_version	= RMPSIM_POLICY_ABI_VERSION,
	.name		= "targeted",
	.description	= "bitmap of 1 GB regions freed by teardowns; a pass handles only those (v10 shape)",
	.setup		= rmpopt_targeted_setup,
	.trigger	= rmpopt_targeted_trigger,
	.cleanup	= rmpopt_targeted_cleanup,
	.guest_teardown	= rmpopt_targeted_teardown,
	.table_show	= rmpopt_targeted_table_show,
};
