/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU kworkers for smp_call_on_cpu() and work_on_cpu(). Linux queues a
 * work item on the target CPU's bound system_wq pool and waits for its
 * completion; here each CPU has one kworker process bound to it ("kworker/N:1",
 * created at its first use), fed by a FIFO of requests that live on the
 * callers' stacks. An idle kworker is woken like any worker: it runs
 * profile.wq_wakeup_ps after the queueing (A69); a busy one takes the next
 * request when its current function returns (A220). The caller sleeps until
 * its request has run, and its own wake-up costs the context switch the sim
 * charges when it gets its CPU back (A221).
 */
#include <stdio.h>
#include <string.h>

#include "kshim.h"

#include <linux/sched.h>

struct rmpsim__k_kworker {
	struct rmpsim_kernel *k;
	unsigned cpu;
	struct rmpsim_proc *proc; /* NULL until first kicked */
	struct rmpsim__k_on_cpu *head, *tail;
	bool awake;  /* running requests, or woken and about to */
	bool kicked; /* its wake-up timer is armed */
	struct rmpsim_timer kick;
};

static struct rmpsim__k_on_cpu *pop(struct rmpsim__k_kworker *w)
{
	struct rmpsim__k_on_cpu *r = w->head;
	if (r) {
		w->head = r->next;
		if (!w->head)
			w->tail = NULL;
		r->next = NULL;
	}
	return r;
}

static void kworker_main(struct rmpsim_sim *sim, void *arg)
{
	struct rmpsim__k_kworker *w = arg;
	for (;;) {
		struct rmpsim__k_on_cpu *r = pop(w);
		if (!r) {
			w->awake = false;
			while (!w->awake)
				rmpsim_sim_block(sim);
			continue;
		}
		long ret = r->fn(r->arg);
		/* complete(): r lives on the waiter's stack; it may return as soon as done is set. */
		struct rmpsim_proc *waiter = r->waiter;
		r->ret = ret;
		r->done = true;
		rmpsim_sim_wake(sim, waiter); /* A221: runnable at once */
	}
}

static void kick_fired(struct rmpsim_sim *sim, struct rmpsim_timer *t)
{
	struct rmpsim__k_kworker *w = t->arg;
	w->kicked = false;
	w->awake = true;
	if (w->proc) {
		rmpsim_sim_wake(sim, w->proc);
		return;
	}
	char name[32];
	snprintf(name, sizeof(name), "kworker/%u:1", w->cpu);
	struct rmpsim_proc_attr attr = { .name = name, .cpu = w->cpu };
	if (rmpsim_sim_spawn(sim, &attr, kworker_main, w, &w->proc)) {
		w->awake = false;
		rmpsim__k_report_bug("BUG: cannot start kworker/%u:1", w->cpu);
	}
}

static struct rmpsim__k_kworker *kworker_of(struct rmpsim_kernel *k, unsigned cpu)
{
	if (!k->kworkers) {
		k->kworkers = rmpsim__k_alloc(sizeof(*k->kworkers) * k->ncpus);
		if (!k->kworkers)
			return NULL;
		memset(k->kworkers, 0, sizeof(*k->kworkers) * k->ncpus);
	}
	struct rmpsim__k_kworker *w = k->kworkers[cpu];
	if (!w) {
		w = rmpsim__k_alloc(sizeof(*w));
		if (!w)
			return NULL;
		*w = (struct rmpsim__k_kworker){ .k = k, .cpu = cpu };
		rmpsim_timer_init(&w->kick, kick_fired, w);
		k->kworkers[cpu] = w;
	}
	return w;
}

long rmpsim__k_run_on_cpu(unsigned cpu, long (*fn)(void *), void *arg)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	might_sleep();
	struct rmpsim__k_on_cpu r = { .fn = fn, .arg = arg, .waiter = rmpsim_sim_current(k->sim) };
	if (!r.waiter || rmpsim_sim_in_handler(k->sim))
		return -EINVAL; /* might_sleep() has reported it */
	struct rmpsim__k_kworker *w = kworker_of(k, cpu);
	if (!w)
		return -ENOMEM;
	if (!w->awake && !w->kicked) {
		uint64_t when = rmpsim_sim_now(k->sim) + rmpsim_sim_profile(k->sim)->wq_wakeup_ps; /* A69 */
		if (rmpsim_sim_timer_add(k->sim, &w->kick, when))
			return -ENOMEM;
		w->kicked = true;
	}
	/* A220: one kworker per CPU, calls in FIFO order. */
	if (w->tail)
		w->tail->next = &r;
	else
		w->head = &r;
	w->tail = &r;
	while (!r.done)
		rmpsim_sim_block(k->sim);
	return r.ret;
}

void rmpsim__k_kworkers_destroy(struct rmpsim_kernel *k)
{
	if (!k->kworkers)
		return;
	for (unsigned c = 0; c < k->ncpus; c++) {
		struct rmpsim__k_kworker *w = k->kworkers[c];
		if (!w)
			continue;
		rmpsim_sim_timer_cancel(k->sim, &w->kick);
		rmpsim__k_free(w, sizeof(*w));
	}
	rmpsim__k_free(k->kworkers, sizeof(*k->kworkers) * k->ncpus);
	k->kworkers = NULL;
}
