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
#include <linux/bits.h>
#include <linux/string.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/minmax.h>
#include "compat_mm.h"
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/topology.h>
#include <linux/workqueue.h>

#include <trace/events/rmpopt.h>

#include "rmpopt.h"

/*
 * A bitmap of RMPOPT_MAX_REGIONS bits, open-coded (the shim has no
 * <linux/bitmap.h>): the few operations needed are below.
 */
#define RMPOPT_DIRTY_LONGS	BITS_TO_LONGS(RMPOPT_MAX_REGIONS)

static unsigned long rmpopt_dirty[RMPOPT_DIRTY_LONGS];
static DEFINE_SPINLOCK(rmpopt_dirty_lock);

static bool dirty_test(const unsigned long *map, unsigned long i)
{
	return map[BIT_WORD(i)] & BIT_MASK(i);
}

static void dirty_set_range(unsigned long *map, unsigned long first,
			    unsigned long n)
{
	unsigned long i;

	for (i = first; i < first + n; i++)
		map[BIT_WORD(i)] |= BIT_MASK(i);
}

static unsigned int dirty_weight(const unsigned long *map)
{
	unsigned int i, w = 0;

	for (i = 0; i < RMPOPT_DIRTY_LONGS; i++)
		w += __builtin_popcountl(map[i]);
	return w;
}

static unsigned long rmpopt_nregions(void)
{
	return (rmpopt_pa_end - rmpopt_pa_start) / SZ_1G;
}

unsigned long rmpopt_targeted_pending(void)
{
	unsigned long n;

	spin_lock(&rmpopt_dirty_lock);
	n = dirty_weight(rmpopt_dirty);
	spin_unlock(&rmpopt_dirty_lock);
	return n;
}

void rmpopt_targeted_work_handler(struct work_struct *work)
{
	unsigned long todo[RMPOPT_DIRTY_LONGS];
	unsigned long nregions = rmpopt_nregions();
	cpumask_var_t followers;
	unsigned long i;
	int this_cpu;

	trace_rmpopt_pass_start(rmpopt_pa_start, rmpopt_pa_end);

	/* take the marks; a teardown during the pass marks for the next one */
	spin_lock(&rmpopt_dirty_lock);
	memcpy(todo, rmpopt_dirty, sizeof(todo));
	memset(rmpopt_dirty, 0, sizeof(rmpopt_dirty));
	spin_unlock(&rmpopt_dirty_lock);

	pr_info("Attempt RMP optimizations on %u of %lu 1GB regions in [0x%016llx - 0x%016llx]\n",
		dirty_weight(todo), nregions,
		(unsigned long long)rmpopt_pa_start,
		(unsigned long long)rmpopt_pa_end);

	if (!alloc_cpumask_var(&followers, GFP_KERNEL)) {
		pr_warn("RMPOPT: failed to allocate follower cpumask, skipping optimizations\n");
		/* give the marks back so that the next pass does them */
		spin_lock(&rmpopt_dirty_lock);
		for (i = 0; i < RMPOPT_DIRTY_LONGS; i++)
			rmpopt_dirty[i] |= todo[i];
		spin_unlock(&rmpopt_dirty_lock);
		trace_rmpopt_leader_done(-1);
		rmpopt_pass_finish();
		return;
	}

	migrate_disable();
	this_cpu = smp_processor_id();
	cpumask_andnot(followers, rmpopt_cpumask,
		       topology_sibling_cpumask(this_cpu));
	for (i = 0; i < nregions; i++) {
		if (!dirty_test(todo, i))
			continue;
		rmpopt(rmpopt_pa_start + i * SZ_1G);
		cond_resched();
	}
	migrate_enable();
	trace_rmpopt_leader_done(this_cpu);

	cpus_read_lock();
	for (i = 0; i < nregions; i++) {
		if (!dirty_test(todo, i))
			continue;
		on_each_cpu_mask(followers, rmpopt_smp,
				 (void *)(unsigned long)(rmpopt_pa_start + i * SZ_1G),
				 true);
		cond_resched();
	}
	cpus_read_unlock();

	free_cpumask_var(followers);
	rmpopt_pass_finish();
}

static int rmpopt_targeted_setup(void)
{
	spin_lock(&rmpopt_dirty_lock);
	memset(rmpopt_dirty, 0xff, sizeof(rmpopt_dirty));
	spin_unlock(&rmpopt_dirty_lock);

	return rmpopt_setup_common(rmpopt_targeted_work_handler,
				   RMPOPT_MASK_PRIMARY);
}

static void rmpopt_targeted_mark(phys_addr_t lo, phys_addr_t hi)
{
	unsigned long first, last;

	lo = max(ALIGN_DOWN(lo, SZ_1G), rmpopt_pa_start);
	hi = min(ALIGN(hi, SZ_1G), rmpopt_pa_end);
	if (lo >= hi)
		return;

	first = (lo - rmpopt_pa_start) / SZ_1G;
	last = (hi - rmpopt_pa_start) / SZ_1G;
	spin_lock(&rmpopt_dirty_lock);
	dirty_set_range(rmpopt_dirty, first, last - first);
	spin_unlock(&rmpopt_dirty_lock);
}

static void rmpopt_targeted_trigger(void)
{
	rmpopt_targeted_mark(rmpopt_pa_start, rmpopt_pa_end);
	rmpopt_trigger_mod_delayed();
}

static void rmpopt_targeted_teardown(unsigned long long first_pfn,
				     unsigned long long npages)
{
	if (!npages)
		return;
	rmpopt_targeted_mark(PFN_PHYS(first_pfn), PFN_PHYS(first_pfn + npages));
	rmpopt_trigger_mod_delayed();
}

static void rmpopt_targeted_cleanup(void)
{
	rmpopt_cleanup_common();

	spin_lock(&rmpopt_dirty_lock);
	memset(rmpopt_dirty, 0, sizeof(rmpopt_dirty));
	spin_unlock(&rmpopt_dirty_lock);
}

const struct rmpsim_policy_ops rmpsim_policy_targeted = {
	.abi_version	= RMPSIM_POLICY_ABI_VERSION,
	.name		= "targeted",
	.description	= "bitmap of 1 GB regions freed by teardowns; a pass handles only those (v10 shape)",
	.setup		= rmpopt_targeted_setup,
	.trigger	= rmpopt_targeted_trigger,
	.cleanup	= rmpopt_targeted_cleanup,
	.guest_teardown	= rmpopt_targeted_teardown,
	.table_show	= rmpopt_table_show,
};
