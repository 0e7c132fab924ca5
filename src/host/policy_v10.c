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

static void rmpopt_v10_leader(void *arg)
{
	rmpopt_leader_loop();
}

void rmpopt_v10_work_handler(struct work_struct *work)
{
	cpumask_var_t followers;

	/* spec 1.7 steps 1-2: the log line and the follower mask */
	if (!rmpopt_pass_begin(&followers))
		return;

	/*
	 * spec 1.7 steps 3-4: the leader, pinned to this CPU, whose whole core
	 * leaves the followers
	 */
	rmpopt_lead_here(followers, rmpopt_v10_leader, NULL);

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
