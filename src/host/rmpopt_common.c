// SPDX-License-Identifier: MIT
/*
 * The RMPOPT manager's common part: setup, the leader and follower loops,
 * triggers, cleanup (spec 1.3, 1.5-1.8). Modelled on the v10 series
 * (arch/x86/virt/svm/sev.c); the policies in policy_*.c differ only in their
 * work handler, their trigger and which CPUs they program. Every helper works
 * on the state the policy file passes (its file static); none keeps state.
 */
#define pr_fmt(fmt) "SEV-SNP: " fmt

#include <linux/align.h>
#include <linux/cpu.h>
#include <linux/errno.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <linux/workqueue.h>

#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/sev-rmpsim.h>
#include <asm/sev.h>

#include <trace/events/rmpopt.h>

#include "rmpopt.h"

/*
 * The state of the built-in policy set up last, for the v1 configfs view
 * (rmpopt_request_pass): this file's own, reached only through functions.
 */
static struct rmpopt_state *rmpopt_active_state;

static void rmpopt_common_reset(void)
{
	rmpopt_active_state = NULL;
}
RMPSIM_KERNEL_RESET(rmpopt_common_reset);

void rmpopt_state_reset(struct rmpopt_state *st)
{
	memset(st, 0, sizeof(*st));
	mutex_init(&st->wq_mutex);
	atomic_set(&st->in_progress, 0);
}

/* atomic_cmpxchg(&in_progress, 0, 1) == 0: true when it was 0. */
static bool rmpopt_claim_progress(struct rmpopt_state *st)
{
	/* spec 1.10 (v1): only the caller that moves it from 0 to 1 starts a pass */
	return atomic_cmpxchg(&st->in_progress, 0, 1) == 0;
}

static void rmpopt_set_progress(struct rmpopt_state *st, bool v)
{
	atomic_set(&st->in_progress, v);
}

bool rmpopt(u64 pa)
{
	u64 rax = ALIGN_DOWN(pa, SZ_1G);	/* spec 1.2: RAX 1 GB aligned */
	u64 rcx = RMPOPT_FUNC_VERIFY_AND_REPORT_STATUS;

	/* spec 1.2: the kernel ignores CF of function 0 (best effort) */
	return __rmpopt(rax, rcx);
}

void rmpopt_range(u64 pa_start, u64 pa_end)
{
	/* the loop of rmpopt(pa) over the range, in one simulator call */
	__rmpopt_range(pa_start, pa_end);
}

void rmpopt_smp(void *info)
{
	rmpopt((u64)(unsigned long)info);
}

void rmpopt_leader_loop(const struct rmpopt_state *st)
{
	phys_addr_t pa;

	for (pa = st->pa_start; pa < st->pa_end; pa += SZ_1G) {
		rmpopt(pa);
		/* v7+: let other tasks run between regions */
		cond_resched();
	}
}

bool rmpopt_pass_begin(struct rmpopt_state *st, cpumask_var_t *followers)
{
	trace_rmpopt_pass_start(st->pa_start, st->pa_end);
	pr_info("Attempt RMP optimizations on physical address range @1GB alignment [0x%016llx - 0x%016llx]\n",
		(unsigned long long)st->pa_start,
		(unsigned long long)st->pa_end);

	/* v10: warn and skip the pass */
	if (!alloc_cpumask_var(followers, GFP_KERNEL)) {
		pr_warn("RMPOPT: failed to allocate follower cpumask, skipping optimizations\n");
		trace_rmpopt_leader_done(-1);
		rmpopt_pass_finish(st);
		return false;
	}
	return true;
}

int rmpopt_lead_here(const struct rmpopt_state *st, struct cpumask *followers,
		     void (*leader_loop)(void *), void *arg)
{
	int this_cpu;

	/*
	 * Stay on this CPU so that the core left out of the followers is the
	 * core the leader loop runs on. The sibling mask removes the core's
	 * primary whether this_cpu is the primary or the secondary thread
	 * (RMPOPT_BASE and the table are per core, spec 1.3).
	 */
	migrate_disable();
	this_cpu = smp_processor_id();
	cpumask_andnot(followers, st->cpumask,
		       topology_sibling_cpumask(this_cpu));
	leader_loop(arg);
	migrate_enable();
	trace_rmpopt_leader_done(this_cpu);
	return this_cpu;
}

void rmpopt_follower_loop(const struct rmpopt_state *st,
			  const struct cpumask *followers)
{
	phys_addr_t pa;

	/* spec 1.7 step 5: outer loop is the region, one IPI to all followers */
	cpus_read_lock();
	for (pa = st->pa_start; pa < st->pa_end; pa += SZ_1G) {
		on_each_cpu_mask(followers, rmpopt_smp, (void *)(unsigned long)pa,
				 true);
		cond_resched();
	}
	cpus_read_unlock();
}

static void rmpopt_program_base(const struct rmpopt_state *st, u64 val)
{
	unsigned int cpu;

	/*
	 * spec 1.3: RMPOPT_BASE is per core; the mask holds one thread per
	 * core (primary policies), so each core is written once.
	 */
	for_each_cpu(cpu, st->cpumask)
		wrmsrq_on_cpu(cpu, MSR_AMD64_RMPOPT_BASE, val);
}

int rmpopt_setup_common(struct rmpopt_state *st, work_func_t fn,
			const char *fn_name, enum rmpopt_mask_kind kind)
{
	phys_addr_t pa_start, pa_end;
	unsigned int cpu;

	/* spec 1.3, 1.4: needs the CPUID bit and a segmented RMP */
	if (!cpu_feature_enabled(X86_FEATURE_RMPOPT) || !snp_rmpopt_capable())
		return -EOPNOTSUPP;

	guard(mutex)(&st->wq_mutex);

	/*
	 * spec 1.6 (v5): a legacy SNP_SHUTDOWN_EX clears snp_initialized
	 * without cleanup, so SNP_INIT can call setup again: keep the first.
	 */
	if (st->wq)
		return 0;

	if (!zalloc_cpumask_var(&st->cpumask, GFP_KERNEL))
		return -ENOMEM;

	/* rmpsim: rmpopt_smp is one RMPOPT verify, so its rounds may be computed at once */
	rmpsim_rmpopt_round_fn(rmpopt_smp);

	/* spec 1.3: window [ALIGN_DOWN(min_low_pfn), ALIGN(max_pfn)) */
	pa_start = ALIGN_DOWN(PFN_PHYS(min_low_pfn), SZ_1G);
	pa_end = ALIGN(PFN_PHYS(max_pfn), SZ_1G);
	if (pa_end - pa_start > RMPOPT_MAX_COVERAGE) {
		pr_info("RMPOPT coverage limited to 2TB; memory above 0x%llx not optimized\n",
			(unsigned long long)(pa_start + RMPOPT_MAX_COVERAGE));
		pa_end = pa_start + RMPOPT_MAX_COVERAGE;
	}

	st->wq = alloc_workqueue("rmpopt_wq", WQ_UNBOUND, 1);
	if (!st->wq) {
		free_cpumask_var(st->cpumask);
		st->cpumask = NULL;
		return -ENOMEM;
	}

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		/* spec 1.7: primary threads, built once at setup */
		if (kind == RMPOPT_MASK_ONLINE || topology_is_primary_thread(cpu))
			cpumask_set_cpu(cpu, st->cpumask);
	}
	rmpopt_program_base(st, pa_start | RMPOPT_BASE_ENABLE);
	cpus_read_unlock();

	st->pa_start = pa_start;
	st->pa_end = pa_end;
	rmpopt_active_state = st;

	/* INIT_DELAYED_WORK(&st->delayed_work, fn), with the name as the policy wrote it */
	rmpsim__k_init_delayed_work(&st->delayed_work, fn, fn_name);
	/* spec 1.5: SNP_INIT cleared every table, so scan at once */
	rmpopt_set_progress(st, true);
	queue_delayed_work(st->wq, &st->delayed_work, 0);

	return 0;
}

void rmpopt_cleanup_common(struct rmpopt_state *st)
{
	guard(mutex)(&st->wq_mutex);

	if (!st->wq)
		return;

	cancel_delayed_work_sync(&st->delayed_work);
	destroy_workqueue(st->wq);

	/* spec 1.3, 1.8: RMPOPT_BASE = 0 on each core in the mask */
	cpus_read_lock();
	rmpopt_program_base(st, 0);
	cpus_read_unlock();

	free_cpumask_var(st->cpumask);
	st->cpumask = NULL;
	st->pa_start = st->pa_end = 0;
	st->wq = NULL;
	rmpopt_set_progress(st, false);
	if (rmpopt_active_state == st)
		rmpopt_active_state = NULL;
}

void rmpopt_trigger_mod_delayed(struct rmpopt_state *st)
{
	if (!cpu_feature_enabled(X86_FEATURE_RMPOPT) || !snp_rmpopt_capable())
		return;

	guard(mutex)(&st->wq_mutex);

	if (st->wq) {
		/*
		 * spec 1.8 (v8+): re-arm on every call, so the pass runs 10 s
		 * after the last one; a call during a pass queues one more.
		 */
		mod_delayed_work(st->wq, &st->delayed_work,
				 msecs_to_jiffies(RMPOPT_WORK_TIMEOUT));
	}
}

void rmpopt_trigger_queue_delayed(struct rmpopt_state *st)
{
	if (!cpu_feature_enabled(X86_FEATURE_RMPOPT) || !snp_rmpopt_capable())
		return;

	guard(mutex)(&st->wq_mutex);

	if (st->wq) {
		/* spec 1.8 (v3-v7): ignored while pending, the first deadline holds */
		queue_delayed_work(st->wq, &st->delayed_work,
				   msecs_to_jiffies(RMPOPT_WORK_TIMEOUT));
	}
}

void rmpopt_trigger_now(struct rmpopt_state *st)
{
	if (!cpu_feature_enabled(X86_FEATURE_RMPOPT) || !snp_rmpopt_capable())
		return;

	guard(mutex)(&st->wq_mutex);

	/*
	 * spec 1.6, 1.10 (v1/v2): the kthread is woken at once; a request
	 * while a pass runs is lost (the thread is not asleep), which the
	 * in-progress flag models.
	 */
	if (st->wq && rmpopt_claim_progress(st))
		queue_delayed_work(st->wq, &st->delayed_work, 0);
}

void rmpopt_pass_finish(struct rmpopt_state *st)
{
	trace_rmpopt_pass_done();
	rmpopt_set_progress(st, false);
}

int rmpopt_request_pass(void)
{
	struct rmpopt_state *st = rmpopt_active_state;

	if (!st)
		return -ENODEV;
	guard(mutex)(&st->wq_mutex);
	if (!st->wq)
		return -ENODEV;

	/* spec 1.10: start a pass only if none is in progress (cmpxchg 0 -> 1) */
	if (rmpopt_claim_progress(st))
		mod_delayed_work(st->wq, &st->delayed_work, 0);
	return 0;
}

bool rmpopt_pass_in_progress(void)
{
	return rmpopt_active_state && atomic_read(&rmpopt_active_state->in_progress);
}
