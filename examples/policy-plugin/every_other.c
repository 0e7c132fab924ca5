// SPDX-License-Identifier: MIT
/*
 * An out-of-tree RMPOPT policy: one kernel-style file, compiled against the
 * rmpsim kernel shim as a shared object and run with
 *
 *	rmpsim --policy-plugin ./every_other.so
 *
 * It is the v10 design with one change a developer might want to measure:
 * the followers are IPI'd in two waves per region (even cores, then odd
 * cores), halving the number of CPUs that contend for the RMP at once.
 *
 * Everything is static except the one exported symbol, rmpsim_policy_plugin:
 * the executable exports its own kernel symbols, and a non-static function
 * here with the same name as one there would bind to the executable's.
 */
#define pr_fmt(fmt) "every-other: " fmt

#include <linux/align.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/minmax.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/smp.h>
#include <linux/topology.h>
#include <linux/workqueue.h>

#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/sev-rmpsim.h>
#include <asm/sev.h>

#include <trace/events/rmpopt.h>

#include <rmpsim/policy.h>

#define EO_DELAY_MS	10000

static cpumask_var_t eo_cpumask;
static phys_addr_t eo_start, eo_end;
static struct workqueue_struct *eo_wq;
static struct delayed_work eo_work;
static DEFINE_MUTEX(eo_mutex);

/* Kernel statics start from their boot values in every simulated boot. */
static void eo_reset(void)
{
	eo_cpumask = NULL;
	eo_start = eo_end = 0;
	eo_wq = NULL;
	mutex_init(&eo_mutex);
}
RMPSIM_KERNEL_RESET(eo_reset);

static void eo_rmpopt_smp(void *info)
{
	__rmpopt((u64)(unsigned long)info, 0);
}

static void eo_work_handler(struct work_struct *work)
{
	cpumask_var_t wave[2];
	phys_addr_t pa;
	int this_cpu, i;
	unsigned int cpu;

	trace_rmpopt_pass_start(eo_start, eo_end);
	if (!alloc_cpumask_var(&wave[0], GFP_KERNEL))
		goto out;
	if (!zalloc_cpumask_var(&wave[1], GFP_KERNEL)) {
		free_cpumask_var(wave[0]);
		goto out;
	}

	migrate_disable();
	this_cpu = smp_processor_id();
	cpumask_andnot(wave[0], eo_cpumask, topology_sibling_cpumask(this_cpu));
	for (pa = eo_start; pa < eo_end; pa += SZ_1G) {
		__rmpopt(pa, 0);
		cond_resched();
	}
	migrate_enable();
	trace_rmpopt_leader_done(this_cpu);

	/* split the followers: every other one goes to the second wave */
	i = 0;
	for_each_cpu(cpu, eo_cpumask) {
		if (cpumask_test_cpu(cpu, wave[0]) && (i++ & 1)) {
			cpumask_clear_cpu(cpu, wave[0]);
			cpumask_set_cpu(cpu, wave[1]);
		}
	}

	cpus_read_lock();
	for (pa = eo_start; pa < eo_end; pa += SZ_1G) {
		on_each_cpu_mask(wave[0], eo_rmpopt_smp, (void *)(unsigned long)pa, true);
		on_each_cpu_mask(wave[1], eo_rmpopt_smp, (void *)(unsigned long)pa, true);
		cond_resched();
	}
	cpus_read_unlock();

	free_cpumask_var(wave[1]);
	free_cpumask_var(wave[0]);
out:
	trace_rmpopt_pass_done();
}

static int eo_setup(void)
{
	unsigned int cpu;

	if (!cpu_feature_enabled(X86_FEATURE_RMPOPT))
		return -EOPNOTSUPP;

	guard(mutex)(&eo_mutex);
	if (eo_wq)
		return 0;
	if (!zalloc_cpumask_var(&eo_cpumask, GFP_KERNEL))
		return -ENOMEM;
	eo_wq = alloc_workqueue("rmpopt_wq", WQ_UNBOUND, 1);
	if (!eo_wq) {
		free_cpumask_var(eo_cpumask);
		return -ENOMEM;
	}

	eo_start = ALIGN_DOWN(PFN_PHYS(min_low_pfn), SZ_1G);
	eo_end = min(ALIGN(PFN_PHYS(max_pfn), SZ_1G), eo_start + SZ_2T);

	cpus_read_lock();
	for_each_online_cpu(cpu)
		if (topology_is_primary_thread(cpu))
			cpumask_set_cpu(cpu, eo_cpumask);
	for_each_cpu(cpu, eo_cpumask)
		wrmsrq_on_cpu(cpu, MSR_AMD64_RMPOPT_BASE, eo_start | 1);
	cpus_read_unlock();

	pr_info("two-wave RMPOPT over [0x%llx - 0x%llx) on %u cores\n",
		(unsigned long long)eo_start, (unsigned long long)eo_end,
		cpumask_weight(eo_cpumask));

	INIT_DELAYED_WORK(&eo_work, eo_work_handler);
	queue_delayed_work(eo_wq, &eo_work, 0);
	return 0;
}

static void eo_trigger(void)
{
	guard(mutex)(&eo_mutex);
	if (eo_wq)
		mod_delayed_work(eo_wq, &eo_work, msecs_to_jiffies(EO_DELAY_MS));
}

static void eo_cleanup(void)
{
	unsigned int cpu;

	guard(mutex)(&eo_mutex);
	if (!eo_wq)
		return;
	cancel_delayed_work_sync(&eo_work);
	destroy_workqueue(eo_wq);
	cpus_read_lock();
	for_each_cpu(cpu, eo_cpumask)
		wrmsrq_on_cpu(cpu, MSR_AMD64_RMPOPT_BASE, 0);
	cpus_read_unlock();
	free_cpumask_var(eo_cpumask);
	eo_cpumask = NULL;
	eo_wq = NULL;
}

const struct rmpsim_policy_ops rmpsim_policy_plugin = {
	.abi_version	= RMPSIM_POLICY_ABI_VERSION,
	.name		= "every-other",
	.description	= "v10 with followers IPI'd in two waves per region (example plugin)",
	.setup		= eo_setup,
	.trigger	= eo_trigger,
	.cleanup	= eo_cleanup,
};
