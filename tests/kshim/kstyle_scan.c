// SPDX-License-Identifier: MIT
/*
 * A kernel-style RMPOPT manager written only with the shim's Linux names
 * (issue 5 point 3): the v10 leader/follower work handler on an unbound
 * workqueue with max_active = 1, re-armed with mod_delayed_work(). Its test
 * driver (test_kstyle.c) checks behaviour and timing against hand oracles.
 */
#define pr_fmt(fmt) "kstyle: " fmt

#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/sev-rmpsim.h>
#include <asm/sev.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/memblock.h>
#include <linux/mutex.h>
#include <linux/pfn.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/smp.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include <trace/events/rmpopt.h>

#include "kstyle_scan.h"

#define KSTYLE_WORK_TIMEOUT 10000 /* ms, as RMPOPT_WORK_TIMEOUT */

struct kstyle_obs kstyle_obs;

static struct workqueue_struct *kstyle_wq;
static cpumask_var_t kstyle_cpumask;
static phys_addr_t kstyle_pa_start, kstyle_pa_end;
static DEFINE_MUTEX(kstyle_mutex);

static void kstyle_rmpopt(void *val)
{
	u64 pa = (u64)val;

	__rmpopt(ALIGN_DOWN(pa, SZ_1G), 0);
}

static void kstyle_work_handler(struct work_struct *work)
{
	cpumask_var_t follower_mask;
	phys_addr_t pa;
	int this_cpu;

	kstyle_obs.runs++;
	trace_rmpopt_pass_start(kstyle_pa_start, kstyle_pa_end);
	pr_info("Attempt RMP optimizations on physical address range @1GB alignment [0x%016llx - "
		"0x%016llx]\n",
		kstyle_pa_start, kstyle_pa_end);

	if (!alloc_cpumask_var(&follower_mask, GFP_KERNEL)) {
		pr_warn("Failed to allocate follower cpumask, skipping pass\n");
		kstyle_obs.oom_passes++;
		return;
	}

	migrate_disable();
	this_cpu = smp_processor_id();
	cpumask_andnot(follower_mask, kstyle_cpumask, topology_sibling_cpumask(this_cpu));

	for (pa = kstyle_pa_start; pa < kstyle_pa_end; pa += SZ_1G) {
		kstyle_rmpopt((void *)pa);
		cond_resched();
	}
	migrate_enable();
	trace_rmpopt_leader_done(this_cpu);
	kstyle_obs.leader_cpu = this_cpu;
	kstyle_obs.nfollowers = cpumask_weight(follower_mask);
	pr_info("leader CPU %d, followers %*pbl\n", this_cpu, cpumask_pr_args(follower_mask));

	scoped_guard(cpus_read_lock)
	{
		for (pa = kstyle_pa_start; pa < kstyle_pa_end; pa += SZ_1G) {
			on_each_cpu_mask(follower_mask, kstyle_rmpopt, (void *)pa, true);
			cond_resched();
		}
	}
	trace_rmpopt_pass_done();
	free_cpumask_var(follower_mask);
}

static DECLARE_DELAYED_WORK(kstyle_work, kstyle_work_handler);

int kstyle_setup(void)
{
	u64 base;
	int cpu;

	if (!cpu_feature_enabled(X86_FEATURE_RMPOPT))
		return -ENODEV;
	if (!zalloc_cpumask_var(&kstyle_cpumask, GFP_KERNEL))
		return -ENOMEM;
	for_each_online_cpu(cpu) if (topology_is_primary_thread(cpu)) cpumask_set_cpu(cpu, kstyle_cpumask);

	kstyle_pa_start = ALIGN_DOWN(PFN_PHYS(min_low_pfn), SZ_1G);
	kstyle_pa_end = ALIGN(PFN_PHYS(max_pfn), SZ_1G);
	kstyle_obs.pa_start = kstyle_pa_start;
	kstyle_obs.pa_end = kstyle_pa_end;

	base = kstyle_pa_start | MSR_AMD64_RMPOPT_ENABLE;
	for_each_cpu(cpu, kstyle_cpumask) wrmsrq_on_cpu(cpu, MSR_AMD64_RMPOPT_BASE, base);

	kstyle_wq = alloc_workqueue("kstyle_wq", WQ_UNBOUND, 1);
	if (!kstyle_wq) {
		free_cpumask_var(kstyle_cpumask);
		return -ENOMEM;
	}
	pr_info("RMPOPT enabled on CPUs %*pbl\n", cpumask_pr_args(kstyle_cpumask));
	return 0;
}

void kstyle_trigger(void)
{
	guard(mutex)(&kstyle_mutex);

	if (!kstyle_wq)
		return;
	if (kstyle_obs.ntriggers < KSTYLE_MAX_TRIGGERS)
		kstyle_obs.trigger_ns[kstyle_obs.ntriggers++] = ktime_get_ns();
	mod_delayed_work(kstyle_wq, &kstyle_work, msecs_to_jiffies(KSTYLE_WORK_TIMEOUT));
}

void kstyle_cleanup(void)
{
	int cpu;

	guard(mutex)(&kstyle_mutex);
	if (!kstyle_wq)
		return;
	cancel_delayed_work_sync(&kstyle_work);
	destroy_workqueue(kstyle_wq);
	kstyle_wq = NULL;
	for_each_cpu(cpu, kstyle_cpumask) wrmsrq_on_cpu(cpu, MSR_AMD64_RMPOPT_BASE, 0);
	free_cpumask_var(kstyle_cpumask);
}

/* Kernel statics back to their boot values before every simulated boot. */
static void kstyle_reset(void)
{
	kstyle_wq = NULL;
	kstyle_cpumask = NULL;
	kstyle_pa_start = kstyle_pa_end = 0;
	memset(&kstyle_obs, 0, sizeof(kstyle_obs));
}
RMPSIM_KERNEL_RESET(kstyle_reset);
