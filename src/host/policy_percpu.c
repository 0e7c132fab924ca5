// SPDX-License-Identifier: MIT
/*
 * Policy "percpu" (beyond the series): the v10 leader, then ONE IPI to all
 * followers at once, each looping over every region inside the IPI handler.
 * Far fewer IPIs (one per follower instead of one per follower and region),
 * bought with one long interrupts-off stretch per follower.
 */
#define pr_fmt(fmt) "SEV-SNP: " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <linux/sizes.h>
#include <linux/topology.h>
#include <linux/workqueue.h>

#include <trace/events/rmpopt.h>

#include "rmpopt.h"

/* The patch's file statics (rmpopt.h struct rmpopt_state). */
static struct rmpopt_state rmpopt_st;

static void rmpopt_percpu_reset(void)
{
	rmpopt_state_reset(&rmpopt_st);
}
RMPSIM_KERNEL_RESET(rmpopt_percpu_reset);

/*
 * IPI handler: runs with interrupts off and may not sleep (no cond_resched).
 * The loop of rmpopt(pa) over the window, as one simulator call (the kernel
 * would write the loop; rmpopt_range is exactly it, docs/kshim.md).
 */
static void rmpopt_all_regions_smp(void *info)
{
	rmpopt_range(rmpopt_st.pa_start, rmpopt_st.pa_end);
}

static void rmpopt_percpu_leader(void *arg)
{
	rmpopt_leader_loop(&rmpopt_st);
}

void rmpopt_percpu_work_handler(struct work_struct *work)
{
	cpumask_var_t followers;

	if (!rmpopt_pass_begin(&rmpopt_st, &followers))
		return;
	rmpopt_lead_here(&rmpopt_st, followers, rmpopt_percpu_leader, NULL);

	cpus_read_lock();
	on_each_cpu_mask(followers, rmpopt_all_regions_smp, NULL, true);
	cpus_read_unlock();

	free_cpumask_var(followers);
	rmpopt_pass_finish(&rmpopt_st);
}

static int rmpopt_percpu_setup(void)
{
	return rmpopt_setup(&rmpopt_st, rmpopt_percpu_work_handler,
			    RMPOPT_MASK_PRIMARY);
}

static void rmpopt_percpu_trigger(void)
{
	rmpopt_trigger_mod_delayed(&rmpopt_st);
}

static void rmpopt_percpu_cleanup(void)
{
	rmpopt_cleanup_common(&rmpopt_st);
}

static int rmpopt_percpu_table_show(char *buf, size_t size)
{
	return rmpopt_table_show(&rmpopt_st, buf, size);
}

const struct rmpsim_policy_ops rmpsim_policy_percpu = {
	.abi_version	= RMPSIM_POLICY_ABI_VERSION,
	.name		= "percpu",
	.description	= "v10 leader, then one IPI per follower that loops over all regions (long irq-off)",
	.setup		= rmpopt_percpu_setup,
	.trigger	= rmpopt_percpu_trigger,
	.cleanup	= rmpopt_percpu_cleanup,
	.table_show	= rmpopt_percpu_table_show,
};
