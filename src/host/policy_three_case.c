// SPDX-License-Identifier: MIT
/*
 * Policy "three-case": the v6-v8 leader choice (spec 1.7, HW-3), with the v8
 * mod_delayed_work trigger and the v8 work_on_cpu() explicit leader.
 *
 *  1. the worker's CPU is in rmpopt_cpumask: lead here, drop it from the
 *     followers;
 *  2. its sibling is (a secondary thread): RMPOPT_BASE is per core, lead here
 *     and drop the core's primary;
 *  3. neither: the core was never programmed (a CPU brought up after setup)
 *     and RMPOPT would #UD here, so the first CPU of the mask leads, through
 *     work_on_cpu().
 *
 * v9 removed case 3 as dead code once snp_prepare() disabled hotplug; this
 * policy keeps it so that scenarios that re-enable hotplug can exercise it.
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

/* The patch's file statics (rmpopt.h struct rmpopt_state). */
static struct rmpopt_state rmpopt_st;

static void rmpopt_three_case_reset(void)
{
	rmpopt_state_reset(&rmpopt_st);
}
RMPSIM_KERNEL_RESET(rmpopt_three_case_reset);

static long rmpopt_leader_fn(void *arg)
{
	rmpopt_leader_loop(&rmpopt_st);
	return 0;
}

void rmpopt_three_case_work_handler(struct work_struct *work)
{
	cpumask_var_t followers;
	int this_cpu, leader;

	if (!rmpopt_pass_begin(&rmpopt_st, &followers))
		return;
	cpumask_copy(followers, rmpopt_st.cpumask);

	migrate_disable();
	this_cpu = smp_processor_id();
	if (cpumask_test_cpu(this_cpu, followers)) {
		/* case 1: a programmed primary thread */
		cpumask_clear_cpu(this_cpu, followers);
		leader = this_cpu;
		rmpopt_leader_loop(&rmpopt_st);
		migrate_enable();
	} else if (cpumask_intersects(topology_sibling_cpumask(this_cpu),
				      followers)) {
		/* case 2: a secondary thread of a programmed core (spec 1.3) */
		cpumask_andnot(followers, followers,
			       topology_sibling_cpumask(this_cpu));
		leader = this_cpu;
		rmpopt_leader_loop(&rmpopt_st);
		migrate_enable();
	} else {
		/* case 3 (HW-3): RMPOPT here would #UD; explicit leader */
		migrate_enable();
		leader = cpumask_first(followers);
		if ((unsigned int)leader < nr_cpu_ids) {
			cpumask_clear_cpu(leader, followers);
			work_on_cpu(leader, rmpopt_leader_fn, NULL);
		} else {
			leader = -1;
		}
	}
	trace_rmpopt_leader_done(leader);

	rmpopt_follower_loop(&rmpopt_st, followers);

	free_cpumask_var(followers);
	rmpopt_pass_finish(&rmpopt_st);
}

static int rmpopt_three_case_setup(void)
{
	return rmpopt_setup(&rmpopt_st, rmpopt_three_case_work_handler,
			    RMPOPT_MASK_PRIMARY);
}

static void rmpopt_three_case_trigger(void)
{
	rmpopt_trigger_mod_delayed(&rmpopt_st);
}

static void rmpopt_three_case_cleanup(void)
{
	rmpopt_cleanup_common(&rmpopt_st);
}

static int rmpopt_three_case_table_show(char *buf, size_t size)
{
	return rmpopt_table_show(&rmpopt_st, buf, size);
}

const struct rmpsim_policy_ops rmpsim_policy_three_case = {
	.abi_version	= RMPSIM_POLICY_ABI_VERSION,
	.name		= "three-case",
	.description	= "v6-v8 leader choice: local primary, local sibling, or explicit leader via work_on_cpu",
	.setup		= rmpopt_three_case_setup,
	.trigger	= rmpopt_three_case_trigger,
	.cleanup	= rmpopt_three_case_cleanup,
	.table_show	= rmpopt_three_case_table_show,
};
