// SPDX-License-Identifier: MIT
/*
 * Policy "v10": the RMPOPT work handler of the v10 series (spec 1.7), the
 * default. The leader runs RMPOPT over the whole window on the worker's own
 * core, priming the scan cache; then every other core (one primary thread
 * each) follows, one IPI per region, and should hit the cache.
 */
#define pr_fmt(fmt) "SEV-SNP: " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/topology.h>
#include <linux/workqueue.h>

#include <trace/events/rmpopt.h>

#include "rmpopt.h"

void rmpopt_v10_work_handler(struct work_struct *work)
{
	cpumask_var_t followers;
	int this_cpu;

	trace_rmpopt_pass_start(rmpopt_pa_start, rmpopt_pa_end);
	pr_info("Attempt RMP optimizations on physical address range @1GB alignment [0x%016llx - 0x%016llx]\n",
		(unsigned long long)rmpopt_pa_start,
		(unsigned long long)rmpopt_pa_end);

	/* spec 1.7 step 2, v10: warn and skip the pass */
	if (!alloc_cpumask_var(&followers, GFP_KERNEL)) {
		pr_warn("RMPOPT: failed to allocate follower cpumask, skipping optimizations\n");
		trace_rmpopt_leader_done(-1);
		rmpopt_pass_finish();
		return;
	}

	/*
	 * spec 1.7 step 3: stay on this CPU so that the core left out of the
	 * followers is the core the leader loop runs on. The sibling mask
	 * removes the core's primary whether this_cpu is the primary or the
	 * secondary thread (RMPOPT_BASE and the table are per core).
	 */
	migrate_disable();
	this_cpu = smp_processor_id();
	cpumask_andnot(followers, rmpopt_cpumask,
		       topology_sibling_cpumask(this_cpu));

	/* spec 1.7 step 4: the leader */
	rmpopt_leader_loop();
	migrate_enable();
	trace_rmpopt_leader_done(this_cpu);

	/* spec 1.7 step 5: the followers */
	rmpopt_follower_loop(followers);

	free_cpumask_var(followers);
	rmpopt_pass_finish();
}

static int rmpopt_v10_setup(void)
{
	return rmpopt_setup_common(rmpopt_v10_work_handler,
				   RMPOPT_MASK_PRIMARY);
}

const struct rmpsim_policy_ops rmpsim_policy_v10 = {
	.abi_version	= RMPSIM_POLICY_ABI_VERSION,
	.name		= "v10",
	.description	= "v10 series: leader over all regions, then followers per region; mod_delayed_work 10 s",
	.setup		= rmpopt_v10_setup,
	.trigger	= rmpopt_trigger_mod_delayed,
	.cleanup	= rmpopt_cleanup_common,
	.table_show	= rmpopt_table_show,
};
