/* SPDX-License-Identifier: MIT */
/*
 * IPIs with Linux smp_call_function_many() semantics (A66-A68): the sender
 * queues one call-single-data record (CSD) per target and writes the ICR for
 * each; a target runs the handler when its interrupts are on, one handler at
 * a time, with interrupts off; the sender may spin until every target has
 * unlocked its CSD.
 */
#include <errno.h>
#include <limits.h>

#include "base/alloc.h"
#include "base/check.h"
#include "sim/sim_internal.h"

#define BITS_PER_LONG (sizeof(unsigned long) * CHAR_BIT)

static bool mask_test(const unsigned long *mask, unsigned cpu)
{
	return (mask[cpu / BITS_PER_LONG] >> (cpu % BITS_PER_LONG)) & 1ul;
}

static struct rmpsim__csd *csd_get(struct rmpsim_sim *s)
{
	struct rmpsim__csd *c = s->csd_free;
	if (c) {
		s->csd_free = c->next;
		return c;
	}
	if (rmpsim__ev_objects_add(s, 1) < 0)
		return NULL;
	c = rmpsim__calloc(s->a, 1, sizeof(*c));
	if (!c) {
		s->ev_objects--;
		return NULL;
	}
	s->csd_total++;
	c->all_next = s->csd_all;
	s->csd_all = c;
	c->ev.heap_index = RMPSIM__HEAP_NONE;
	return c;
}

static void csd_put(struct rmpsim_sim *s, struct rmpsim__csd *c)
{
	c->next = s->csd_free;
	s->csd_free = c;
}

void rmpsim__csds_free(struct rmpsim_sim *s)
{
	for (struct rmpsim__csd *d = s->csd_all, *n; d; d = n) {
		n = d->all_next;
		rmpsim__free(s->a, d, sizeof(*d));
	}
	s->csd_all = NULL;
	s->csd_free = NULL;
	s->csd_total = 0;
}

/* Run one handler on cpu (interrupts on there, nothing else running). */
static void run_handler(struct rmpsim_sim *s, unsigned cpu, struct rmpsim__csd *d)
{
	struct rmpsim__cpu *c = &s->cpus[cpu];
	const struct rmpsim_profile *p = &s->prof;

	rmpsim__cpu_freeze(s, c);
	c->in_irq = d;
	rmpsim__cpu_update(s, c);

	struct rmpsim_proc *sv_proc = s->ctx_proc;
	unsigned sv_cpu = s->ctx_cpu;
	bool sv_handler = s->ctx_handler;
	uint64_t sv_charge = s->ctx_charge, sv_base = s->ctx_base;
	s->ctx_proc = NULL;
	s->ctx_cpu = cpu;
	s->ctx_handler = true;
	s->ctx_charge = 0;
	s->ctx_base = s->now + p->ipi_handler_overhead_ps;
	rmpsim__trace(s, RMPSIM_TRACE_IPI_START, cpu, d->call, d->sender_cpu);
	d->fn(s, cpu, d->arg); /* the effect happens now, at handler start */
	d->dur = p->ipi_handler_overhead_ps + s->ctx_charge;
	s->ctx_proc = sv_proc;
	s->ctx_cpu = sv_cpu;
	s->ctx_handler = sv_handler;
	s->ctx_charge = sv_charge;
	s->ctx_base = sv_base;

	c->st.handler_ps += d->dur;
	c->st.ipis++;
	rmpsim__ev_queue(s, &d->ev, EV_IPI_END, s->now + d->dur);
}

void rmpsim__cpu_try_irq(struct rmpsim_sim *s, unsigned cpu)
{
	struct rmpsim__cpu *c = &s->cpus[cpu];

	if (c->in_irq || !c->pend_head)
		return;
	if (c->curr && c->curr->irq_disable)
		return; /* A73: waits for local_irq_enable() */
	struct rmpsim__csd *d = c->pend_head;
	c->pend_head = d->next;
	if (!c->pend_head)
		c->pend_tail = NULL;
	d->next = NULL;
	run_handler(s, cpu, d);
}

void rmpsim__ipi_dispatch(struct rmpsim_sim *s, struct rmpsim_event *ev)
{
	if (ev->kind == EV_IPI_ACK) {
		struct rmpsim_proc *p = RMPSIM__CONTAINER(ev, struct rmpsim_proc, ack_ev);
		p->spinning = false;
		rmpsim__trace(s, RMPSIM_TRACE_IPI_DONE, p->cpu, p->ipi_call, 0);
		rmpsim__proc_run_compute(s, p, (uint64_t)p->ipi_targets * s->prof.ipi_ack_poll_per_target_ps);
		return;
	}
	struct rmpsim__csd *d = RMPSIM__CONTAINER(ev, struct rmpsim__csd, ev);
	struct rmpsim__cpu *c = &s->cpus[d->target];

	switch (ev->kind) {
	case EV_IPI_DELIVER:
		/* One call's deliveries are chained in time order, so the queue
		 * holds one of them at a time instead of one per target. */
		if (d->chain)
			rmpsim__ev_queue(s, &d->chain->ev, EV_IPI_DELIVER, d->chain->when);
		d->chain = NULL;
		d->next = NULL;
		if (c->pend_tail)
			c->pend_tail->next = d;
		else
			c->pend_head = d;
		c->pend_tail = d;
		rmpsim__cpu_try_irq(s, d->target);
		break;
	case EV_IPI_END:
		rmpsim__trace(s, RMPSIM_TRACE_IPI_END, d->target, d->call, d->dur);
		c->in_irq = NULL;
		if (d->waiter) {
			/* Only the last acknowledgement matters to the sender (A67):
			 * keep the latest time, one event per call instead of one per target. */
			struct rmpsim_proc *p = d->waiter;
			uint64_t ack = s->now + s->prof.ipi_ack_ps;
			p->last_ack = ack > p->last_ack ? ack : p->last_ack;
			if (RMPSIM_ALWAYS(p->acks_left) && --p->acks_left == 0 && p->spinning)
				rmpsim__ev_queue(s, &p->ack_ev, EV_IPI_ACK, p->last_ack);
		}
		csd_put(s, d);
		/* The next waiting handler runs back to back: interrupts stay off. */
		rmpsim__cpu_try_irq(s, d->target);
		rmpsim__cpu_irq_done(s, c);
		break;
	default: (void)RMPSIM_NEVER(1);
	}
}

/* Run fn on the calling CPU with interrupts off, as on_each_cpu_mask() does. */
static void run_local(struct rmpsim_sim *s, struct rmpsim_proc *p, rmpsim_ipi_fn fn, void *arg)
{
	rmpsim_sim_irq_disable(s);
	s->ctx_handler = true;
	s->ctx_charge = 0;
	s->ctx_base = s->now;
	fn(s, p->cpu, arg);
	uint64_t charge = s->ctx_charge;
	s->ctx_handler = false;
	s->ctx_charge = 0;
	rmpsim__proc_compute(s, p, charge);
	rmpsim_sim_irq_enable(s);
}

static int ipi_send(struct rmpsim_sim *s, const unsigned long *mask, unsigned single, rmpsim_ipi_fn fn,
		    void *arg, unsigned flags)
{
	if (s->ctx_handler) {
		rmpsim__bug(s, "smp_call_function from IPI handler on cpu %u", s->ctx_cpu);
		return -EINVAL;
	}
	struct rmpsim_proc *p = s->ctx_proc;
	if (!p || !fn)
		return -EINVAL;
	const struct rmpsim_profile *pr = &s->prof;
	unsigned self = p->cpu, m = 0;
	bool local;
	bool wait = flags & RMPSIM_IPI_WAIT;

	if (mask) {
		for (unsigned i = 0; i < s->ncpus; i++)
			m += i != self && mask_test(mask, i);
		local = (flags & RMPSIM_IPI_LOCAL) && mask_test(mask, self);
	} else {
		if (single >= s->ncpus)
			return -EINVAL;
		m = single != self;
		local = single == self;
	}

	/* Take every CSD first, so that -ENOMEM sends nothing. */
	struct rmpsim__csd *list = NULL;
	for (unsigned i = 0; i < m; i++) {
		struct rmpsim__csd *d = csd_get(s);
		if (!d) {
			while (list) {
				struct rmpsim__csd *n = list->next;
				csd_put(s, list);
				list = n;
			}
			return -ENOMEM;
		}
		d->next = list;
		list = d;
	}
	if (wait && p->irq_disable)
		rmpsim__bug(s, "smp_call_function_many(wait) with interrupts disabled on cpu %u", self);

	uint64_t call = ++s->ipi_calls;
	uint64_t t0 = s->now;
	p->ipi_call = call;
	p->ipi_targets = m;
	p->acks_left = wait ? m : 0;
	p->last_ack = 0;
	unsigned i = 0;
	struct rmpsim__csd *first = NULL, *prev = NULL;
	for (unsigned cpu = 0; cpu < s->ncpus && i < m; cpu++) {
		if (cpu == self || (mask ? !mask_test(mask, cpu) : cpu != single))
			continue;
		struct rmpsim__csd *d = list;
		list = d->next;
		d->next = NULL;
		d->fn = fn;
		d->arg = arg;
		d->target = cpu;
		d->sender_cpu = self;
		d->waiter = wait ? p : NULL;
		d->call = call;
		d->dur = 0;
		i++;
		/* A66: target i's ICR write ends after the base cost and i per-target costs. */
		d->when = t0 + pr->ipi_send_base_ps + (uint64_t)i * pr->ipi_send_per_target_ps +
			  pr->ipi_delivery_ps;
		d->chain = NULL;
		if (prev)
			prev->chain = d;
		else
			first = d;
		prev = d;
	}
	if (first)
		rmpsim__ev_queue(s, &first->ev, EV_IPI_DELIVER, first->when);
	if (m)
		rmpsim__proc_compute(s, p, pr->ipi_send_base_ps + (uint64_t)m * pr->ipi_send_per_target_ps);
	if (local)
		run_local(s, p, fn, arg);
	if (wait && m) {
		/* A67: spin (busy, interrupts on) until the last CSD is unlocked, then
		 * pay the poll of every target's CSD. */
		if (p->acks_left || p->last_ack > s->now) {
			p->spinning = true;
			if (!p->acks_left) /* all handlers done, acknowledgements in flight */
				rmpsim__ev_queue(s, &p->ack_ev, EV_IPI_ACK, p->last_ack);
			rmpsim__proc_switch_out(s, p, false);
		} else {
			rmpsim__trace(s, RMPSIM_TRACE_IPI_DONE, self, call, 0);
			rmpsim__proc_compute(s, p, (uint64_t)m * pr->ipi_ack_poll_per_target_ps);
		}
	}
	return 0;
}

int rmpsim_sim_ipi_many(struct rmpsim_sim *s, const unsigned long *mask, rmpsim_ipi_fn fn, void *arg,
			unsigned flags)
{
	if (!mask)
		return -EINVAL;
	return ipi_send(s, mask, 0, fn, arg, flags);
}

int rmpsim_sim_ipi_one(struct rmpsim_sim *s, unsigned cpu, rmpsim_ipi_fn fn, void *arg, unsigned flags)
{
	return ipi_send(s, NULL, cpu, fn, arg, flags | RMPSIM_IPI_LOCAL);
}
