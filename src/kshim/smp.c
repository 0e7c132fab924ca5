/* SPDX-License-Identifier: MIT */
/*
 * Cross-CPU calls on the sim's IPIs (A66-A68 price them): on_each_cpu_mask,
 * smp_call_function_many/single, and the sleepable smp_call_on_cpu /
 * work_on_cpu, which run the function in the CPU's kworker (kworker.c).
 */
#include "kshim.h"

#include <linux/cpumask.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/workqueue.h>

/* What an IPI handler calls; for wait = false it is freed by the last handler. */
struct call {
	smp_call_func_t func;
	void *info;
	unsigned left;	     /* handlers still to run (no-wait calls) */
	bool owned;	     /* heap-allocated: the last handler frees it */
	unsigned sender_cpu; /* its handler there is the local call, not an interrupt */
};

static void ipi_tramp(struct rmpsim_sim *sim, unsigned cpu, void *arg)
{
	(void)sim;
	struct call *c = arg;
	struct rmpsim_kernel *k = rmpsim__k_get();
	/* The sim runs the local call as a handler; Linux calls it directly
	 * (interrupts off, but not in interrupt context). */
	bool local = cpu == c->sender_cpu;
	k->in_local_call += local;
	void (*outer)(void *) = k->ipi_fn; /* handlers do not nest, but the local call may */
	k->ipi_fn = c->func;
	c->func(c->info);
	k->ipi_fn = outer;
	k->in_local_call -= local;
	if (c->owned && --c->left == 0)
		rmpsim__k_free(c, sizeof(*c));
}

/* The names the smp.h macros pass for the next call's trace record (A380). */
static const char *next_callback, *next_callsite;

void rmpsim__k_ipi_names(const char *callback, const char *callsite)
{
	next_callback = callback;
	next_callsite = callsite;
}

/* Hand the names to the sim for this call's send, once. */
static void take_names(struct rmpsim_kernel *k)
{
	rmpsim_sim_ipi_names(k->sim, next_callback, next_callsite);
	next_callback = next_callsite = NULL;
}

/* Send to mask (already restricted to online CPUs); flags as rmpsim_sim_ipi_many. */
static void send(struct rmpsim_kernel *k, const struct cpumask *mask, smp_call_func_t func, void *info,
		 unsigned flags, unsigned ntargets)
{
	take_names(k);
	if (!ntargets)
		return;
	/* A228: a call with a remote target ends an inferred leader phase. */
	unsigned self = rmpsim_sim_cpu(k->sim);
	if (!(flags & RMPSIM_IPI_LOCAL) || ntargets > 1 || self >= k->ncpus || !cpumask_test_cpu(self, mask))
		rmpsim__k_infer_cross_call(k);
	struct call stack_call = { func, info, ntargets, false, rmpsim_sim_cpu(k->sim) };
	struct call *c = &stack_call;
	if (!(flags & RMPSIM_IPI_WAIT)) {
		c = rmpsim__k_alloc(sizeof(*c));
		if (!c) {
			rmpsim__k_report_bug("BUG: out of memory for an IPI call");
			return;
		}
		*c = stack_call;
		c->owned = true;
	}
	int err;
	if (k->round_fn && func == k->round_fn && k->machine && (flags & RMPSIM_IPI_WAIT)) {
		/* One RMPOPT verify of info's region per target: maybe one round (timing.md "Rounds"). */
		bool round = false;
		unsigned last = 0;
		err = rmpsim_sim_ipi_verify_round(k->sim, mask->bits, ipi_tramp, c, flags,
						  (u64)(unsigned long)info, &round, &last);
		if (!err && round) /* the handlers' rmpsim__k_rmpopt() would have noted them */
			rmpsim__k_infer_rmpopt_round(k, last, ntargets);
	} else {
		err = rmpsim_sim_ipi_many(k->sim, mask->bits, ipi_tramp, c, flags);
	}
	if (err) {
		rmpsim__k_report_bug("BUG: IPI failed (%d)", err);
		if (c->owned)
			rmpsim__k_free(c, sizeof(*c));
	}
}

void(on_each_cpu_mask)(const struct cpumask *mask, smp_call_func_t func, void *info, bool wait)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct cpumask *m = rmpsim__k_alloc(sizeof(*m));
	if (!m) {
		rmpsim__k_report_bug("BUG: out of memory in on_each_cpu_mask");
		return;
	}
	/* Offline CPUs are skipped (they get no IPI), as in Linux. */
	cpumask_and(m, mask, k->online);
	unsigned n = cpumask_weight(m);
	send(k, m, func, info, RMPSIM_IPI_LOCAL | (wait ? RMPSIM_IPI_WAIT : 0), n);
	rmpsim__k_free(m, sizeof(*m));
}

void(on_each_cpu)(smp_call_func_t func, void *info, int wait)
{
	(on_each_cpu_mask)(cpu_online_mask, func, info, wait);
}

void(smp_call_function_many)(const struct cpumask *mask, smp_call_func_t func, void *info, bool wait)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct cpumask *m = rmpsim__k_alloc(sizeof(*m));
	if (!m) {
		rmpsim__k_report_bug("BUG: out of memory in smp_call_function_many");
		return;
	}
	cpumask_and(m, mask, k->online);
	unsigned self = rmpsim_sim_cpu(k->sim);
	if (self < k->ncpus)
		cpumask_clear_cpu(self, m);
	send(k, m, func, info, wait ? RMPSIM_IPI_WAIT : 0, cpumask_weight(m));
	rmpsim__k_free(m, sizeof(*m));
}

int(smp_call_function_single)(int cpu, smp_call_func_t func, void *info, int wait)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (cpu < 0 || (unsigned)cpu >= k->ncpus || !cpumask_test_cpu(cpu, k->online))
		return -ENXIO;
	struct call stack_call = { func, info, 1, false, rmpsim_sim_cpu(k->sim) };
	struct call *c = &stack_call;
	if ((unsigned)cpu != stack_call.sender_cpu)
		rmpsim__k_infer_cross_call(k); /* A228 */
	take_names(k);
	if (!wait) {
		c = rmpsim__k_alloc(sizeof(*c));
		if (!c)
			return -ENOMEM;
		*c = stack_call;
		c->owned = true;
	}
	int err = rmpsim_sim_ipi_one(k->sim, (unsigned)cpu, ipi_tramp, c, wait ? RMPSIM_IPI_WAIT : 0);
	if (err && c->owned)
		rmpsim__k_free(c, sizeof(*c));
	return err;
}

/* ---- smp_call_on_cpu / work_on_cpu: the CPU's kworker runs it, the caller sleeps (kworker.c) ---- */

struct int_fn {
	int (*func)(void *);
	void *par;
};

static long int_tramp(void *arg)
{
	struct int_fn *f = arg;
	return f->func(f->par);
}

int smp_call_on_cpu(unsigned int cpu, int (*func)(void *), void *par, bool phys)
{
	(void)phys; /* no hypervisor: virtual and physical CPUs are the same */
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (cpu >= k->ncpus || !cpumask_test_cpu((int)cpu, k->online))
		return -ENXIO;
	struct int_fn f = { func, par };
	return (int)rmpsim__k_run_on_cpu(cpu, int_tramp, &f);
}

long work_on_cpu(int cpu, long (*fn)(void *), void *arg)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (cpu < 0 || (unsigned)cpu >= k->ncpus)
		return -EINVAL;
	return rmpsim__k_run_on_cpu((unsigned)cpu, fn, arg);
}
