// SPDX-License-Identifier: MIT
/*
 * Policy "v10": the RMPOPT work handler of the v10 series (spec 1.7), the
 * default. The leader runs RMPOPT over the whole window on the worker's own
 * core, priming the scan cache; then every other core (one primary thread
 * each) follows, one IPI per region, and should hit the cache.
 *
 * Policy "queue-delayed": the same pass with the v3-v7 batching (spec 1.6,
 * 1.8), so that a comparison with "v10" isolates the trigger:
 * queue_delayed_work() does nothing while the work is pending, so the first
 * teardown fixes the deadline and later ones inside the 10 s are absorbed.
 *
 * The file's state is the patch's file statics (rmpopt.h struct
 * rmpopt_state): the mask, the window, the workqueue and its delayed work.
 */
#define pr_fmt(fmt) "SEV-SNP: " fmt

#include <linux/cpu.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/cpumask.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/topology.h>
#include <linux/workqueue.h>

#include <trace/events/rmpopt.h>

#include "rmpopt.h"

static struct rmpopt_state rmpopt_st;

static void rmpopt_v10_reset(void)
{
	rmpopt_state_reset(&rmpopt_st);
}
RMPSIM_KERNEL_RESET(rmpopt_v10_reset);

/*
 * The work handler as one function, in the order of the v10 patch (spec 1.7),
 * so that it reads beside the posted version: the log line, the follower
 * mask, the leader loop pinned to this CPU, then one IPI per region to the
 * followers. The tracepoints mark the pass for the report (contracts.md).
 */
void rmpopt_v10_work_handler(struct work_struct *work)
{
	cpumask_var_t follower_mask;
	phys_addr_t pa;
	int this_cpu;

	trace_rmpopt_pass_start(rmpopt_st.pa_start, rmpopt_st.pa_end);
	pr_info("Attempt RMP optimizations on physical address range @1GB alignment [0x%016llx - 0x%016llx]\n",
		(unsigned long long)rmpopt_st.pa_start,
		(unsigned long long)rmpopt_st.pa_end);

	if (!alloc_cpumask_var(&follower_mask, GFP_KERNEL)) {
		pr_warn("RMPOPT: failed to allocate follower cpumask, skipping optimizations\n");
		trace_rmpopt_leader_done(-1);
		rmpopt_pass_finish(&rmpopt_st);
		return;
	}

	/*
	 * The leader: stay on this CPU, so that the core whose table it primes
	 * is the one left out of the followers (RMPOPT_BASE and the table are
	 * per core, spec 1.3).
	 */
	migrate_disable();
	this_cpu = smp_processor_id();
	cpumask_andnot(follower_mask, rmpopt_st.cpumask,
		       topology_sibling_cpumask(this_cpu));
	for (pa = rmpopt_st.pa_start; pa < rmpopt_st.pa_end; pa += SZ_1G) {
		rmpopt(pa);
		cond_resched();
	}
	migrate_enable();
	trace_rmpopt_leader_done(this_cpu);

	/* The followers: the region is the outer loop, one IPI to all of them. */
	cpus_read_lock();
	for (pa = rmpopt_st.pa_start; pa < rmpopt_st.pa_end; pa += SZ_1G) {
		on_each_cpu_mask(follower_mask, rmpopt_smp,
				 (void *)(unsigned long)pa, true);
		cond_resched();
	}
	cpus_read_unlock();

	free_cpumask_var(follower_mask);
	rmpopt_pass_finish(&rmpopt_st);
}

static int rmpopt_v10_setup(void)
{
	return rmpopt_setup(&rmpopt_st, rmpopt_v10_work_handler, RMPOPT_MASK_PRIMARY);
}

static void rmpopt_v10_trigger(void)
{
	rmpopt_trigger_mod_delayed(&rmpopt_st);
}

static void rmpopt_v10_queue_delayed_trigger(void)
{
	rmpopt_trigger_queue_delayed(&rmpopt_st);
}

static void rmpopt_v10_cleanup(void)
{
	rmpopt_cleanup_common(&rmpopt_st);
}

static int rmpopt_v10_table_show(char *buf, size_t size)
{
	return rmpopt_table_show(&rmpopt_st, buf, size);
}

const struct rmpsim_policy_ops rmpsim_policy_v10 = {
	.abi_version	= RMPSIM_POLICY_ABI_VERSION,
	.name		= "v10",
	.description	= "v10 series: leader over all regions, then followers per region; mod_delayed_work 10 s",
	.setup		= rmpopt_v10_setup,
	.trigger	= rmpopt_v10_trigger,
	.cleanup	= rmpopt_v10_cleanup,
	.table_show	= rmpopt_v10_table_show,
};

const struct rmpsim_policy_ops rmpsim_policy_queue_delayed = {
	.abi_version	= RMPSIM_POLICY_ABI_VERSION,
	.name		= "queue-delayed",
	.description	= "v3-v7 batching: queue_delayed_work keeps the first 10 s deadline; v10 pass",
	.setup		= rmpopt_v10_setup,
	.trigger	= rmpopt_v10_queue_delayed_trigger,
	.cleanup	= rmpopt_v10_cleanup,
	.table_show	= rmpopt_v10_table_show,
};
