// SPDX-License-Identifier: MIT
/*
 * Policy "naive": the v1/v2 loop (spec 1.6). One worker (the kthread of
 * v1/v2, here the single work item of an unbound max_active = 1 queue) walks
 * the window and, for each region, IPIs every online CPU, siblings included,
 * waiting for all of them; no leader primes the cache. RMPOPT_BASE is written
 * on every online CPU. A trigger wakes the worker at once and is lost while a
 * pass runs (the kthread is not sleeping then).
 */
#define pr_fmt(fmt) "SEV-SNP: " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/sizes.h>
#include <linux/workqueue.h>

#include <trace/events/rmpopt.h>

#include "rmpopt.h"

/* The patch's file statics (rmpopt.h struct rmpopt_state). */
static struct rmpopt_state rmpopt_st;

static void rmpopt_naive_reset(void)
{
	rmpopt_state_reset(&rmpopt_st);
}
RMPSIM_KERNEL_RESET(rmpopt_naive_reset);

void rmpopt_naive_work_handler(struct work_struct *work)
{
	phys_addr_t pa;

	trace_rmpopt_pass_start(rmpopt_st.pa_start, rmpopt_st.pa_end);
	pr_info("Attempt RMP optimizations on physical address range @1GB alignment [0x%016llx - 0x%016llx]\n",
		(unsigned long long)rmpopt_st.pa_start,
		(unsigned long long)rmpopt_st.pa_end);
	/* contracts.md: a policy without a leader says so at once */
	trace_rmpopt_leader_done(-1);

	cpus_read_lock();
	for (pa = rmpopt_st.pa_start; pa < rmpopt_st.pa_end; pa += SZ_1G) {
		/* spec 1.6 (v2): all online CPUs, wait = true */
		on_each_cpu_mask(cpu_online_mask, rmpopt_smp,
				 (void *)(unsigned long)pa, true);
		cond_resched();
	}
	cpus_read_unlock();

	rmpopt_pass_finish(&rmpopt_st);
}

static int rmpopt_naive_setup(void)
{
	return rmpopt_setup(&rmpopt_st, rmpopt_naive_work_handler,
			    RMPOPT_MASK_ONLINE);
}

static void rmpopt_naive_trigger(void)
{
	rmpopt_trigger_now(&rmpopt_st);
}

static void rmpopt_naive_cleanup(void)
{
	rmpopt_cleanup_common(&rmpopt_st);
}

static int rmpopt_naive_table_show(char *buf, size_t size)
{
	return rmpopt_table_show(&rmpopt_st, buf, size);
}

const struct rmpsim_policy_ops rmpsim_policy_naive = {
	.abi_version	= RMPSIM_POLICY_ABI_VERSION,
	.name		= "naive",
	.description	= "v1/v2: one worker, each region IPI'd to all online CPUs, trigger runs at once",
	.setup		= rmpopt_naive_setup,
	.trigger	= rmpopt_naive_trigger,
	.cleanup	= rmpopt_naive_cleanup,
	.table_show	= rmpopt_naive_table_show,
};
