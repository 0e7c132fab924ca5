// SPDX-License-Identifier: MIT
/*
 * The RMPOPT manager of the v10 series, written the way the patch writes it
 * (arch/x86/virt/svm/sev.c): file statics, one work handler, and the RMPOPT
 * instruction as inline asm with its opcode bytes. It has none of rmpsim's
 * tracepoints: rmpsim finds the pass from the work item and its RMPOPTs
 * (docs/kshim.md "Running code from a patch"). Written for rmpsim from the
 * series' behaviour, not copied from it.
 *
 *	rmpsim --policy-plugin ./libv10_as_posted.so
 *
 * Everything is static except rmpsim_policy_plugin, the one symbol rmpsim
 * looks for; the setup, trigger and cleanup functions stand where the kernel
 * calls snp_setup_rmpopt(), snp_rmpopt_all_physmem() and rmpopt_cleanup().
 */
#define pr_fmt(fmt) "SEV-SNP: " fmt

#include <linux/align.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
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
#include <asm/sev.h>

#include <rmpsim/policy.h>

#define RMPOPT_WORK_TIMEOUT_MS	10000

enum rmpopt_function {
	RMPOPT_FUNC_VERIFY_AND_REPORT_STATUS,
	RMPOPT_FUNC_REPORT_STATUS,
};

static cpumask_var_t rmpopt_cpumask;
static phys_addr_t rmpopt_pa_start, rmpopt_pa_end;
static struct workqueue_struct *rmpopt_wq;
static struct delayed_work rmpopt_delayed_work;
static DEFINE_MUTEX(rmpopt_wq_mutex);

/* Kernel statics start from their boot values in every simulated boot. */
static void rmpopt_reset(void)
{
	rmpopt_cpumask = NULL;
	rmpopt_pa_start = rmpopt_pa_end = 0;
	rmpopt_wq = NULL;
	mutex_init(&rmpopt_wq_mutex);
}
RMPSIM_KERNEL_RESET(rmpopt_reset);

/* RAX: a 1 GB-aligned SPA; RCX: the function. CF = 1: the region is optimised. */
static inline bool __rmpopt(u64 rax, u64 rcx)
{
	bool optimized;

	asm volatile(".byte 0xf2, 0x0f, 0x01, 0xfc"
		     : "=@ccc" (optimized)
		     : "a" (rax), "c" (rcx)
		     : "memory", "cc");

	return optimized;
}

static void rmpopt(u64 pa)
{
	__rmpopt(ALIGN_DOWN(pa, SZ_1G), RMPOPT_FUNC_VERIFY_AND_REPORT_STATUS);
}

static void rmpopt_smp(void *info)
{
	rmpopt((u64)(unsigned long)info);
}

static void rmpopt_work_handler(struct work_struct *work)
{
	cpumask_var_t follower_mask;
	phys_addr_t pa;
	int this_cpu;

	pr_info("Attempt RMP optimizations on physical address range @1GB alignment [0x%016llx - 0x%016llx]\n",
		(unsigned long long)rmpopt_pa_start, (unsigned long long)rmpopt_pa_end);

	if (!alloc_cpumask_var(&follower_mask, GFP_KERNEL)) {
		pr_warn("RMPOPT: failed to allocate follower cpumask, skipping optimizations\n");
		return;
	}

	/* The leader: this CPU scans every region and primes the result. */
	migrate_disable();
	this_cpu = smp_processor_id();
	cpumask_andnot(follower_mask, rmpopt_cpumask, topology_sibling_cpumask(this_cpu));
	for (pa = rmpopt_pa_start; pa < rmpopt_pa_end; pa += SZ_1G) {
		rmpopt(pa);
		cond_resched();
	}
	migrate_enable();

	/* The followers: one IPI per region to every other core. */
	cpus_read_lock();
	for (pa = rmpopt_pa_start; pa < rmpopt_pa_end; pa += SZ_1G) {
		on_each_cpu_mask(follower_mask, rmpopt_smp, (void *)(unsigned long)pa, true);
		cond_resched();
	}
	cpus_read_unlock();

	free_cpumask_var(follower_mask);
}

static int snp_setup_rmpopt(void)
{
	unsigned int cpu;
	u64 val;

	if (!cpu_feature_enabled(X86_FEATURE_RMPOPT))
		return -EOPNOTSUPP;

	guard(mutex)(&rmpopt_wq_mutex);
	if (rmpopt_wq)
		return 0;

	if (!zalloc_cpumask_var(&rmpopt_cpumask, GFP_KERNEL))
		return -ENOMEM;

	rmpopt_wq = alloc_workqueue("rmpopt_wq", WQ_UNBOUND, 1);
	if (!rmpopt_wq) {
		free_cpumask_var(rmpopt_cpumask);
		return -ENOMEM;
	}

	rmpopt_pa_start = ALIGN_DOWN(PFN_PHYS(min_low_pfn), SZ_1G);
	rmpopt_pa_end = min(ALIGN(PFN_PHYS(max_pfn), SZ_1G), rmpopt_pa_start + SZ_2T);

	cpus_read_lock();
	for_each_online_cpu(cpu)
		if (topology_is_primary_thread(cpu))
			cpumask_set_cpu(cpu, rmpopt_cpumask);

	val = rmpopt_pa_start | MSR_AMD64_RMPOPT_ENABLE;
	for_each_cpu(cpu, rmpopt_cpumask)
		wrmsrq_on_cpu(cpu, MSR_AMD64_RMPOPT_BASE, val);
	cpus_read_unlock();

	INIT_DELAYED_WORK(&rmpopt_delayed_work, rmpopt_work_handler);
	queue_delayed_work(rmpopt_wq, &rmpopt_delayed_work, 0);
	return 0;
}

static void snp_rmpopt_all_physmem(void)
{
	if (rmpopt_wq)
		mod_delayed_work(rmpopt_wq, &rmpopt_delayed_work,
				 msecs_to_jiffies(RMPOPT_WORK_TIMEOUT_MS));
}

static void rmpopt_cleanup(void)
{
	unsigned int cpu;

	guard(mutex)(&rmpopt_wq_mutex);
	if (!rmpopt_wq)
		return;
	cancel_delayed_work_sync(&rmpopt_delayed_work);
	destroy_workqueue(rmpopt_wq);
	rmpopt_wq = NULL;

	cpus_read_lock();
	for_each_cpu(cpu, rmpopt_cpumask)
		wrmsrq_on_cpu(cpu, MSR_AMD64_RMPOPT_BASE, 0);
	cpus_read_unlock();
	free_cpumask_var(rmpopt_cpumask);
}

const struct rmpsim_policy_ops rmpsim_policy_plugin = {
	.abi_version = RMPSIM_POLICY_ABI_VERSION,
	.name = "v10-as-posted",
	.description = "the v10 manager written as the patch writes it: inline-asm RMPOPT, no tracepoints",
	.setup = snp_setup_rmpopt,
	.trigger = snp_rmpopt_all_physmem,
	.cleanup = rmpopt_cleanup,
};
