/* SPDX-License-Identifier: MIT */
/*
 * IPIs with Linux smp_call_function_many() semantics (A66-A68): the sender
 * queues one call-single-data record (CSD) per target and writes the ICR for
 * each; a target runs the handler when its interrupts are on, one handler at
 * a time, with interrupts off; the sender may spin until every target has
 * unlocked its CSD.
 *
 * Batched calls. A call to M targets is 2M steps: M deliveries and M handler
 * ends. Unbatched, each step is an event of the queue (the deliveries chained,
 * one queued at a time). Batched (the default), the call owns its steps: its
 * next delivery and the ends of the handlers its deliveries started, each
 * keyed by the (time, seq) its event would have had (the sequence numbers are
 * drawn at the same moments), and the queue holds one event for the call,
 * keyed by its earliest step. When that event comes up, the call runs its
 * steps inline, one after another, for as long as its next step comes before
 * everything left in the queue (checked again after every step, since a
 * handler may queue events), before the run's limit, and no stop or error;
 * then it queues itself again at its next step's key. So every step runs at
 * the same position of the global (time, seq) order as unbatched, with the
 * same code (deliver(), run_handler(), ipi_end()): same simulation, trace,
 * hash and statistics, without a queue operation per step. Handlers started
 * by anything else (the end of the previous handler on that CPU, interrupts
 * enabled again) queue their end as an event, as before.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "base/alloc.h"
#include "base/check.h"
#include "sim_internal.h"

#define BITS_PER_LONG (sizeof(unsigned long) * CHAR_BIT)

static bool mask_test(const unsigned long *mask, unsigned cpu)
{
	return (mask[cpu / BITS_PER_LONG] >> (cpu % BITS_PER_LONG)) & 1ul;
}

static unsigned long mask_word(const struct rmpsim_sim *s, const unsigned long *mask, unsigned w,
			       unsigned self)
{
	return rmpsim__mask_word(s->ncpus, mask, w, self);
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

static bool csd_before(const struct rmpsim__csd *x, const struct rmpsim__csd *y)
{
	return x->when != y->when ? x->when < y->when : x->target < y->target;
}

/* Heap order below r in a[0, n): move a[r] down past larger children. */
static void csd_sift(struct rmpsim__csd **a, size_t r, size_t n)
{
	for (size_t c; (c = 2 * r + 1) < n; r = c) {
		if (c + 1 < n && csd_before(a[c], a[c + 1]))
			c++;
		if (!csd_before(a[r], a[c]))
			return;
		struct rmpsim__csd *t = a[r];
		a[r] = a[c];
		a[c] = t;
	}
}

/* Sort by (delivery, target) in place, without allocating (glibc's qsort
 * mallocs a buffer for arrays this size on every call): nothing to do when the
 * targets' order is already the delivery order, the common case; else heapsort. */
static void csd_sort(struct rmpsim__csd **a, size_t n)
{
	size_t i = 1;
	while (i < n && !csd_before(a[i], a[i - 1]))
		i++;
	if (i >= n)
		return;
	for (size_t k = n / 2; k-- > 0;)
		csd_sift(a, k, n);
	for (size_t end = n; end-- > 1;) {
		struct rmpsim__csd *t = a[0];
		a[0] = a[end];
		a[end] = t;
		csd_sift(a, 0, end);
	}
}

/* ---- Batched calls ---- */

/* A call whose end queue holds m steps; -ENOMEM leaves nothing taken. */
static struct rmpsim__call *call_get(struct rmpsim_sim *s, size_t m)
{
	struct rmpsim__call *k = s->call_free;
	if (k) {
		if (k->cap < m) {
			void *q = rmpsim__realloc(s->a, k->endq, k->cap * sizeof(*k->endq),
						  m * sizeof(*k->endq));
			if (!q)
				return NULL;
			k->endq = q;
			k->cap = m;
		}
		s->call_free = k->next;
		return k;
	}
	if (rmpsim__ev_objects_add(s, 1) < 0)
		return NULL;
	k = rmpsim__calloc(s->a, 1, sizeof(*k));
	struct rmpsim__csd **q = rmpsim__malloc(s->a, m * sizeof(*q));
	if (!k || !q) {
		rmpsim__free(s->a, k, sizeof(*k));
		rmpsim__free(s->a, q, m * sizeof(*q));
		s->ev_objects--;
		return NULL;
	}
	k->ev.heap_index = RMPSIM__HEAP_NONE;
	k->endq = q;
	k->cap = m;
	k->all_next = s->call_all;
	s->call_all = k;
	return k;
}

static void call_put(struct rmpsim_sim *s, struct rmpsim__call *k)
{
	k->deliver = NULL;
	k->eh = k->et = 0;
	k->next = s->call_free;
	s->call_free = k;
}

void rmpsim__calls_free(struct rmpsim_sim *s)
{
	for (struct rmpsim__call *k = s->call_all, *n; k; k = n) {
		n = k->all_next;
		rmpsim__free(s->a, k->endq, k->cap * sizeof(*k->endq));
		rmpsim__free(s->a, k, sizeof(*k));
	}
	s->call_all = NULL;
	s->call_free = NULL;
}

/* A step of call k, keyed now as rmpsim__ev_queue() would key its event
 * (times are never before now here: deliveries are in time order, ends follow starts). */
static void call_step_key(struct rmpsim_sim *s, struct rmpsim_event *ev, unsigned kind, uint64_t when)
{
	ev->time = when;
	ev->seq = s->seq++;
	ev->kind = kind;
	s->local_pending++;
	rmpsim__qs_insert(s, when - s->now);
}

/* The end of handler d, started by a delivery of k, joins k's end queue. */
static void call_add_end(struct rmpsim_sim *s, struct rmpsim__call *k, struct rmpsim__csd *d)
{
	call_step_key(s, &d->ev, EV_IPI_END, s->now + d->dur);
	if (RMPSIM_NEVER(k->et >= k->cap))
		return; /* cannot happen: one end per delivery, cap >= deliveries */
	/* Binary search for the first end after d (keys are unique: seq), then
	 * one move: handlers that read DRAM end after later ones that read warm
	 * lines, so an end often goes far from the back. */
	size_t lo = k->eh, hi = k->et;
	if (lo < hi && rmpsim__ev_before(&d->ev, &k->endq[hi - 1]->ev)) {
		hi--;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (rmpsim__ev_before(&d->ev, &k->endq[mid]->ev))
				hi = mid;
			else
				lo = mid + 1;
		}
		memmove(&k->endq[lo + 1], &k->endq[lo], (k->et - lo) * sizeof(*k->endq));
	} else {
		lo = hi;
	}
	k->endq[lo] = d;
	k->et++;
}

static struct rmpsim_event *call_next(const struct rmpsim__call *k)
{
	struct rmpsim_event *a = k->deliver ? &k->deliver->ev : NULL;
	if (k->eh == k->et)
		return a;
	struct rmpsim_event *b = &k->endq[k->eh]->ev;
	return a && rmpsim__ev_before(a, b) ? a : b;
}

/* ---- Handlers ---- */

/* A handler's statistics once its length d->dur is known (wake: its C-state exit). */
static void count_handler(struct rmpsim__cpu *c, const struct rmpsim__csd *d, uint64_t wake)
{
	c->st.handler_ps += d->dur - wake;
	c->st.ipis++;
}

/* Run one handler on cpu (interrupts on there, nothing else running); its end
 * goes to call k's steps, or to the queue when k is NULL. */
static void run_handler(struct rmpsim_sim *s, unsigned cpu, struct rmpsim__csd *d, struct rmpsim__call *k)
{
	struct rmpsim__cpu *c = &s->cpus[cpu];
	const struct rmpsim_profile *p = &s->prof;

	rmpsim__cpu_touch(s, c);
	uint64_t wake = 0;
	if (!c->curr && !c->busy && !c->irqoff) {
		/* An idle CPU: what rmpsim__cpu_update() does here, without the tests.
		 * A136: it first leaves its C-state (C2 once idle long enough); the
		 * handler's effect happens at delivery, its time starts after the exit. */
		static const char ipi[sizeof(c->irqoff_where)] = "ipi";
		wake = rmpsim__idle_exit_ps(s, c);
		c->st.idle_exits += wake != 0 && !c->vcpu;
		rmpsim__vcpu_leave(s, c);
		c->in_irq = d;
		c->busy = true;
		c->busy_since = s->now + wake;
		c->irqoff = true;
		c->irqoff_since = s->now + wake;
		memcpy(c->irqoff_where, ipi, sizeof(c->irqoff_where));
	} else {
		rmpsim__cpu_freeze(s, c);
		c->in_irq = d;
		rmpsim__cpu_update(s, c);
	}

	struct rmpsim__ctx sv = rmpsim__ctx_save(s);
	s->ctx_proc = NULL;
	s->ctx_cpu = cpu;
	s->ctx_handler = true;
	s->ctx_charge = 0;
	s->ctx_base = s->now + wake + p->ipi_handler_overhead_ps;
	s->ctx_defer = true; /* a ranged run at its tail goes on after it (A300) */
	rmpsim__trace(s, RMPSIM_TRACE_IPI_START, cpu, d->call, d->sender_cpu);
	d->fn(s, cpu, d->arg); /* the effect happens now, at handler start */
	bool deferred = c->arun && s->arun_ops->bind(s, cpu, d, wake); /* it ends with its run */
	d->dur = wake + p->ipi_handler_overhead_ps + s->ctx_charge;
	rmpsim__ctx_restore(s, &sv);
	if (deferred)
		return;

	count_handler(c, d, wake);
	if (k)
		call_add_end(s, k, d);
	else
		rmpsim__ev_queue(s, &d->ev, EV_IPI_END, s->now + d->dur);
}

void rmpsim__handler_finish(struct rmpsim_sim *s, unsigned cpu, struct rmpsim__csd *d, uint64_t wake,
			    uint64_t began, uint64_t end)
{
	/* Its end is an event of its own: its call may be over by now. */
	d->dur = end - began;
	count_handler(&s->cpus[cpu], d, wake);
	rmpsim__ev_queue(s, &d->ev, EV_IPI_END, end);
}

static void try_irq(struct rmpsim_sim *s, unsigned cpu, struct rmpsim__call *k)
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
	run_handler(s, cpu, d, k);
}

void rmpsim__cpu_try_irq(struct rmpsim_sim *s, unsigned cpu)
{
	try_irq(s, cpu, NULL);
}

/* CSD d reaches its target (its next delivery already keyed by the caller). */
static void deliver(struct rmpsim_sim *s, struct rmpsim__csd *d, struct rmpsim__call *k)
{
	struct rmpsim__cpu *c = &s->cpus[d->target];
	rmpsim__cpu_touch(s, c);
	d->chain = NULL;
	d->next = NULL;
	if (c->pend_tail)
		c->pend_tail->next = d;
	else
		c->pend_head = d;
	c->pend_tail = d;
	try_irq(s, d->target, k);
}

/* Handler d ends on its target. */
static void ipi_end(struct rmpsim_sim *s, struct rmpsim__csd *d)
{
	unsigned cpu = d->target;
	struct rmpsim__cpu *c = &s->cpus[cpu];

	rmpsim__trace(s, RMPSIM_TRACE_IPI_END, cpu, d->call, d->dur);
	c->in_irq = NULL;
	if (d->waiter) {
		/* Only the last acknowledgement matters to the sender (A67):
		 * keep the latest time, one event per call instead of one per target. */
		struct rmpsim_proc *p = d->waiter;
		uint64_t ack = s->now + d->c2c_ps; /* A133: the CSD line returns */
		p->last_ack = ack > p->last_ack ? ack : p->last_ack;
		if (RMPSIM_ALWAYS(p->acks_left) && --p->acks_left == 0 && p->spinning)
			rmpsim__ev_queue(s, &p->ack_ev, EV_IPI_ACK, p->last_ack);
	}
	csd_put(s, d);
	/* The next waiting handler runs back to back: interrupts stay off. */
	if (c->pend_head)
		rmpsim__cpu_try_irq(s, cpu);
	if (!c->in_irq && !c->curr && c->busy && c->irqoff) {
		/* The CPU goes idle: what rmpsim__cpu_irq_done() does here, without the tests. */
		c->st.busy_ps += s->now - c->busy_since;
		c->busy = false;
		c->idle_since = s->now;
		uint64_t len = s->now - c->irqoff_since;
		if (len > c->st.irqoff_max_ps) {
			c->st.irqoff_max_ps = len;
			c->st.irqoff_max_at_ps = c->irqoff_since;
			memcpy(c->st.irqoff_max_where, c->irqoff_where, sizeof(c->irqoff_where));
		}
		rmpsim__trace(s, RMPSIM_TRACE_IRQOFF, cpu, 0, len);
		c->irqoff = false;
		rmpsim__vcpu_return(s, c);
	} else {
		rmpsim__cpu_irq_done(s, c);
	}
}

void rmpsim__call_dispatch(struct rmpsim_sim *s, struct rmpsim_event *ev)
{
	struct rmpsim__call *k = RMPSIM__CONTAINER(ev, struct rmpsim__call, ev);
	struct rmpsim_event *e = call_next(k);

	/* ev stood for e (same key): the engine has set now and counted it. */
	s->local_pending++; /* e is held by the call alone now */
	while (e) {
		s->local_pending--; /* e runs */
		if (k->deliver && e == &k->deliver->ev) {
			struct rmpsim__csd *d = k->deliver;
			/* The next delivery is keyed first, as the unbatched chain queues it. */
			k->deliver = d->chain;
			if (d->chain)
				call_step_key(s, &d->chain->ev, EV_IPI_DELIVER, d->chain->when);
			struct rmpsim__cpu *c = &s->cpus[d->target];
			if (!c->pend_head && !c->in_irq && !(c->curr && c->curr->irq_disable)) {
				/* deliver() would queue d and try_irq() take it straight back. */
				d->chain = NULL;
				d->next = NULL;
				run_handler(s, d->target, d, k);
			} else {
				deliver(s, d, k);
			}
		} else {
			ipi_end(s, k->endq[k->eh++]);
		}
		e = call_next(k);
		if (!e)
			break;
		const struct rmpsim_event *top = rmpsim__heap_top(&s->heap);
		if (s->stop || s->err || e->time > s->limit || (s->max_time && e->time > s->max_time) ||
		    (s->max_events && s->events >= s->max_events) || (top && rmpsim__ev_before(top, e))) {
			/* Something else comes first, or a run limit (A227) is
			 * reached (the engine's loop says so): wait in the queue at e's key. */
			k->ev.time = e->time;
			k->ev.seq = e->seq;
			k->ev.kind = EV_IPI_CALL;
			rmpsim__heap_push(&s->heap, &k->ev);
			s->local_pending--;
			return;
		}
		s->now = s->clock = e->time;
		s->events++;
	}
	call_put(s, k);
}

void rmpsim__ipi_dispatch(struct rmpsim_sim *s, struct rmpsim_event *ev)
{
	if (ev->kind == EV_IPI_ACK) {
		struct rmpsim_proc *p = RMPSIM__CONTAINER(ev, struct rmpsim_proc, ack_ev);
		p->spinning = false;
		rmpsim__trace(s, RMPSIM_TRACE_IPI_DONE, p->cpu, p->ipi_call, 0);
		rmpsim__proc_run_compute(s, p, p->poll_ps);
		return;
	}
	struct rmpsim__csd *d = RMPSIM__CONTAINER(ev, struct rmpsim__csd, ev);

	switch (ev->kind) {
	case EV_IPI_DELIVER:
		/* Unbatched: one call's deliveries are chained in time order, so the
		 * queue holds one of them at a time instead of one per target. */
		if (d->chain)
			rmpsim__ev_queue(s, &d->chain->ev, EV_IPI_DELIVER, d->chain->when);
		deliver(s, d, NULL);
		break;
	case EV_IPI_END: ipi_end(s, d); break;
	default: (void)RMPSIM_NEVER(1);
	}
}

/* Run fn on the calling CPU with interrupts off, as on_each_cpu_mask() does.
 * After a local round, fn's verify is the one the round computed in order
 * among the targets' (ipi_round.c): charged from there, fn not called (the
 * machine's part went in with the round's set). */
static void run_local(struct rmpsim_sim *s, struct rmpsim_proc *p, rmpsim_ipi_fn fn, void *arg)
{
	rmpsim_sim_irq_disable(s);
	s->ctx_handler = true;
	s->ctx_charge = 0;
	s->ctx_base = s->now;
	if (s->local_replay.armed) {
		s->local_replay.armed = false;
		rmpsim__verify_replay(s, &s->local_replay.v, &s->local_replay.c, s->local_replay.accounted);
	} else {
		fn(s, p->cpu, arg);
	}
	uint64_t charge = s->ctx_charge;
	s->ctx_handler = false;
	s->ctx_charge = 0;
	rmpsim__proc_compute(s, p, charge);
	rmpsim_sim_irq_enable(s);
}

/* The index of the ICR write that reaches cpu (A131, A138): one for the
 * all-but-self shorthand, one per x2APIC cluster (numbered in the order of each
 * cluster's first target; stamp: unique to the call), or one per target. */
unsigned rmpsim__ipi_icr(struct rmpsim_sim *s, unsigned cpu, uint64_t stamp, bool shorthand, unsigned *writes)
{
	if (shorthand) {
		*writes = 1;
		return 0;
	}
	if (s->prof.apic_mode == RMPSIM_APIC_CLUSTER) {
		unsigned cl = s->cpus[cpu].cluster;
		if (s->cl_stamp[cl] != stamp) {
			s->cl_stamp[cl] = stamp;
			s->cl_write[cl] = (*writes)++;
		}
		return s->cl_write[cl];
	}
	return (*writes)++;
}

/* A134, A135: from the first ICR write's start to the interrupt reaching cpu:
 * the writes up to its own, then the way there. */
uint64_t rmpsim__ipi_arrival_ps(const struct rmpsim_sim *s, unsigned self, unsigned cpu, unsigned icr)
{
	const struct rmpsim_profile *pr = &s->prof;
	uint64_t t = (uint64_t)(icr + 1) * pr->ipi_icr_write_ps + pr->ipi_delivery_ps;
	if (s->cpus[cpu].package != s->cpus[self].package)
		t += pr->ipi_delivery_remote_ps;
	return t;
}

/* A call's bookkeeping at its send: its number, the observer, the sender's wait. */
static uint64_t call_begin(struct rmpsim_sim *s, struct rmpsim_proc *p, const unsigned long *mask,
			   unsigned single, unsigned m, bool wait)
{
	if (wait && p->irq_disable)
		rmpsim__bug(s, "smp_call_function_many(wait) with interrupts disabled on cpu %u", p->cpu);
	uint64_t call = ++s->ipi_calls;
	rmpsim__observe_ipi_send(s, p->cpu, call, m, mask, single); /* ipi_send_cpumask (observer only) */
	p->ipi_call = call;
	p->ipi_targets = m;
	p->acks_left = wait ? m : 0;
	p->last_ack = 0;
	p->poll_ps = 0;
	return call;
}

uint64_t rmpsim__ipi_round_begin(struct rmpsim_sim *s, struct rmpsim_proc *p, const unsigned long *mask,
				 unsigned m)
{
	return call_begin(s, p, mask, 0, m, true);
}

/* The call step by step: a CSD per target, deliveries and handler ends as
 * steps of a batched call (or events); *ret_send_ps: the sender's time. */
static int send_steps(struct rmpsim_sim *s, struct rmpsim_proc *p, const unsigned long *mask, unsigned single,
		      rmpsim_ipi_fn fn, void *arg, unsigned m, bool wait, uint64_t *ret_send_ps)
{
	const struct rmpsim_profile *pr = &s->prof;
	unsigned self = p->cpu;
	if (m > s->order_cap) {
		void *o = rmpsim__realloc(s->a, s->order, s->order_cap * sizeof(*s->order),
					  m * sizeof(*s->order));
		if (!o)
			return -ENOMEM;
		s->order = o;
		s->order_cap = m;
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
	struct rmpsim__call *k = NULL;
	if (m && !s->ipi_unbatched) {
		k = call_get(s, m);
		if (!k) {
			while (list) {
				struct rmpsim__csd *n = list->next;
				csd_put(s, list);
				list = n;
			}
			return -ENOMEM;
		}
	}
	uint64_t call = call_begin(s, p, mask, single, m, wait);
	uint64_t t0 = s->now;

	/*
	 * kernel/smp.c and the x2APIC (docs/timing.md 3, A130-A138): the sender
	 * queues every target's CSD first (queue_lines remote lines each, at the
	 * target's distance), then writes the ICR: once for the all-but-self
	 * shorthand, once per x2APIC cluster (in the order of each cluster's first
	 * target), or once per target. Target i receives after its write.
	 */
	bool shorthand = pr->ipi_shorthand && mask && m + 1 == s->ncpus; /* A131 */
	uint64_t queue_ps = 0, poll_sum = 0;
	unsigned writes = 0;
	unsigned i = 0;
	struct rmpsim__csd *first = NULL, *prev = NULL;
	unsigned w = 0;
	unsigned long bits = 0;
	while (i < m) {
		unsigned cpu = single;
		if (mask) { /* the targets in CPU order */
			while (!bits)
				bits = mask_word(s, mask, w++, self);
			cpu = (w - 1) * (unsigned)BITS_PER_LONG + (unsigned)__builtin_ctzl(bits);
			bits &= bits - 1;
		}
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
		uint64_t c2c = rmpsim__c2c_ps(s, self, cpu);
		d->c2c_ps = c2c;		       /* the same distance both ways */
		queue_ps += pr->ipi_queue_lines * c2c; /* A133: csd_lock + llist_add */
		poll_sum += c2c;		       /* A137: csd_lock_wait reads it back */
		d->icr = rmpsim__ipi_icr(s, cpu, call, shorthand, &writes);
		d->chain = NULL;
		if (prev)
			prev->chain = d;
		else
			first = d;
		prev = d;
	}
	uint64_t t_icr = t0 + pr->ipi_send_base_ps + queue_ps;
	size_t n = 0;
	for (struct rmpsim__csd *d = first; d; d = d->chain) {
		d->when = t_icr + rmpsim__ipi_arrival_ps(s, self, d->target, d->icr);
		s->order[n++] = d;
	}
	/* Deliveries are chained in time order (ties in CPU order): a cluster's
	 * write reaches CPUs far apart in numbering, the other socket later. */
	csd_sort(s->order, n);
	first = n ? s->order[0] : NULL;
	for (size_t j = 0; j < n; j++)
		s->order[j]->chain = j + 1 < n ? s->order[j + 1] : NULL;
	uint64_t inflight = pr->csd_polls_in_flight ? pr->csd_polls_in_flight : 1;
	p->poll_ps = (poll_sum + inflight - 1) / inflight;
	*ret_send_ps = pr->ipi_send_base_ps + queue_ps + (uint64_t)writes * pr->ipi_icr_write_ps;
	if (k && first) {
		/* Keyed as the unbatched first delivery; the call's event stands for it. */
		k->deliver = first;
		call_step_key(s, &first->ev, EV_IPI_DELIVER, first->when);
		s->local_pending--;
		k->ev.time = first->ev.time;
		k->ev.seq = first->ev.seq;
		k->ev.kind = EV_IPI_CALL;
		rmpsim__heap_push(&s->heap, &k->ev);
	} else if (first) {
		rmpsim__ev_queue(s, &first->ev, EV_IPI_DELIVER, first->when);
	}
	return 0;
}

static int ipi_send(struct rmpsim_sim *s, const unsigned long *mask, unsigned single, rmpsim_ipi_fn fn,
		    void *arg, unsigned flags)
{
	bool round_want = s->round_want; /* rmpsim_sim_ipi_verify_round, for this send only */
	s->round_want = false;
	if (s->ctx_handler) {
		rmpsim__bug(s, "smp_call_function from IPI handler on cpu %u", s->ctx_cpu);
		return -EINVAL;
	}
	struct rmpsim_proc *p = s->ctx_proc;
	if (!p || !fn)
		return -EINVAL;
	p->round_done = false;
	unsigned self = p->cpu, m = 0;
	bool local;
	bool wait = flags & RMPSIM_IPI_WAIT;

	unsigned nwords = (s->ncpus + (unsigned)BITS_PER_LONG - 1) / (unsigned)BITS_PER_LONG;
	if (mask) {
		for (unsigned w = 0; w < nwords; w++)
			m += (unsigned)__builtin_popcountl(mask_word(s, mask, w, self));
		local = (flags & RMPSIM_IPI_LOCAL) && mask_test(mask, self);
	} else {
		if (single >= s->ncpus)
			return -EINVAL;
		m = single != self;
		local = single == self;
	}

	uint64_t send_ps = 0;
	struct rmpsim__round_plan *pl = NULL;
	if (round_want && s->round_try && mask && m && wait && !p->irq_disable && !s->ipi_unbatched)
		pl = rmpsim__plan_get(s, self, mask, m);
	if (pl && s->round_try(s, p, pl, local)) {
		/* Computed as a round (ipi_round.c): every step is done, p->last_ack set. */
		send_ps = pl->send_ps;
		p->poll_ps = pl->poll_ps;
		p->acks_left = 0;
		p->round_done = true;
	} else {
		int r = send_steps(s, p, mask, single, fn, arg, m, wait, &send_ps);
		if (r)
			return r;
	}
	if (m)
		rmpsim__proc_compute(s, p, send_ps);
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
			rmpsim__trace(s, RMPSIM_TRACE_IPI_DONE, self, p->ipi_call, 0);
			rmpsim__proc_compute(s, p, p->poll_ps);
		}
	}
	return 0;
}

int rmpsim_sim_ipi_many(struct rmpsim_sim *s, const unsigned long *mask, rmpsim_ipi_fn fn, void *arg,
			unsigned flags)
{
	if (!s || !mask)
		return -EINVAL;
	return ipi_send(s, mask, 0, fn, arg, flags);
}

int rmpsim_sim_ipi_verify_round(struct rmpsim_sim *s, const unsigned long *mask, rmpsim_ipi_fn fn, void *arg,
				unsigned flags, uint64_t spa, bool *ret_round, unsigned *ret_last_cpu)
{
	if (!s || !mask || !ret_round || !ret_last_cpu)
		return -EINVAL;
	struct rmpsim_proc *p = s->ctx_handler ? NULL : s->ctx_proc;
	s->round_want = true;
	s->round_spa = spa & ~((1ull << 30) - 1);
	int r = ipi_send(s, mask, 0, fn, arg, flags);
	/* The sender's own record: other senders may have sent rounds while it waited. */
	*ret_round = r == 0 && p && p->round_done;
	*ret_last_cpu = p ? p->round_last_cpu : 0;
	return r;
}

void rmpsim_sim_set_trace_detail(struct rmpsim_sim *s, bool on)
{
	if (s)
		s->trace_detail = on;
}

void rmpsim_sim_set_trace_rounds(struct rmpsim_sim *s, bool on)
{
	if (s)
		s->trace_rounds = on;
}

void rmpsim_sim_set_trace_round_stretches(struct rmpsim_sim *s, bool on)
{
	if (s)
		s->trace_round_stretches = on;
}

int rmpsim_sim_ipi_one(struct rmpsim_sim *s, unsigned cpu, rmpsim_ipi_fn fn, void *arg, unsigned flags)
{
	if (!s)
		return -EINVAL;
	return ipi_send(s, NULL, cpu, fn, arg, flags | RMPSIM_IPI_LOCAL);
}
