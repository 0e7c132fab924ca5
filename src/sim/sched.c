/* SPDX-License-Identifier: MIT */
/*
 * CPUs in time: per-CPU FIFO run queues, processes as coroutines, compute
 * frozen by handlers, sleeping and blocking, interrupt masking, placement of
 * unbound processes (A70) and the busy / interrupts-off accounting.
 */
#include <errno.h>
#include <string.h>

#include "base/alloc.h"
#include "base/check.h"
#include "sim_internal.h"

/* ---- CPU state ---- */

static bool cpu_idle(const struct rmpsim__cpu *c)
{
	return !c->curr && !c->rq_len && !c->in_irq;
}

/* Close or open the busy and interrupts-off stretches after any state change. */
void rmpsim__cpu_update(struct rmpsim_sim *s, struct rmpsim__cpu *c)
{
	rmpsim__cpu_touch(s, c);
	bool busy = c->curr || c->in_irq;
	if (busy != c->busy) {
		if (busy) {
			c->busy_since = s->now;
			rmpsim__vcpu_leave(s, c);
		} else {
			c->st.busy_ps += s->now - c->busy_since;
			c->idle_since = s->now;
			rmpsim__vcpu_return(s, c);
		}
		c->busy = busy;
	}
	bool off = c->in_irq || (c->curr && c->curr->irq_disable);
	if (off == c->irqoff)
		return;
	if (off) {
		c->irqoff_since = s->now;
		/* Hot path: a plain copy (names are NUL-terminated within 32 bytes). */
		static const char ipi[sizeof(c->irqoff_where)] = "ipi";
		memcpy(c->irqoff_where, c->in_irq ? ipi : c->curr->name, sizeof(c->irqoff_where));
	} else {
		uint64_t len = s->now - c->irqoff_since;
		if (len > c->st.irqoff_max_ps) {
			c->st.irqoff_max_ps = len;
			c->st.irqoff_max_at_ps = c->irqoff_since;
			memcpy(c->st.irqoff_max_where, c->irqoff_where, sizeof(c->irqoff_where));
		}
		rmpsim__trace(s, RMPSIM_TRACE_IRQOFF, (unsigned)(c - s->cpus), 0, len);
	}
	c->irqoff = off;
}

/* Let the process computing on c continue after the handlers. */
static void cpu_thaw(struct rmpsim_sim *s, struct rmpsim__cpu *c)
{
	struct rmpsim_proc *p = c->curr;
	if (p && p->frozen) {
		p->frozen = false;
		rmpsim__ev_queue(s, &p->resume_ev, EV_PROC_RESUME, s->now + p->remaining);
	}
}

void rmpsim__cpu_freeze(struct rmpsim_sim *s, struct rmpsim__cpu *c)
{
	rmpsim__cpu_touch(s, c);
	struct rmpsim_proc *p = c->curr;
	if (p && p->resume_ev.heap_index != RMPSIM__HEAP_NONE) {
		p->remaining = p->resume_ev.time - s->now;
		rmpsim__ev_cancel(s, &p->resume_ev);
		p->frozen = true;
	}
}

void rmpsim__cpu_irq_done(struct rmpsim_sim *s, struct rmpsim__cpu *c)
{
	rmpsim__cpu_update(s, c);
	if (!c->in_irq)
		cpu_thaw(s, c);
}

void rmpsim__proc_run_compute(struct rmpsim_sim *s, struct rmpsim_proc *p, uint64_t ps)
{
	struct rmpsim__cpu *c = &s->cpus[p->cpu];
	if (c->in_irq) {
		p->frozen = true;
		p->remaining = ps;
	} else {
		rmpsim__ev_queue(s, &p->resume_ev, EV_PROC_RESUME, s->now + ps);
	}
}

/* Give an idle CPU the next process of its run queue. */
static void cpu_dispatch(struct rmpsim_sim *s, struct rmpsim__cpu *c)
{
	if (c->curr || !c->rq_head)
		return;
	rmpsim__cpu_touch(s, c);
	struct rmpsim_proc *p = c->rq_head;
	c->rq_head = p->rq_next;
	if (!c->rq_head)
		c->rq_tail = NULL;
	c->rq_len--;
	p->rq_next = NULL;
	c->curr = p;
	p->state = P_RUNNING;
	uint64_t cost = 0;
	if (c->vcpu && s->vcpu_give_way) { /* A443: a host process's CPU is the host's */
		c->vcpu = false;
		c->out_of_guest = false;
	}
	if (!c->busy) {
		/* A136: the CPU was idle; it leaves its C-state before the process
		 * runs (counted as the process's time). */
		uint64_t exit = rmpsim__idle_exit_ps(s, c);
		if (exit && !c->vcpu)
			c->st.idle_exits++;
		cost = exit;
	}
	if (c->last != p) { /* A71: only a change of process costs a switch */
		cost += s->prof.context_switch_ps;
		c->st.switches++;
	}
	c->last = p;
	rmpsim__proc_run_compute(s, p, cost);
	rmpsim__cpu_update(s, c);
}

/* A70: where an unbound process runs when it becomes runnable. */
static unsigned place(struct rmpsim_sim *s, const struct rmpsim_proc *p)
{
	if (p->bound || p->migrate_disable)
		return p->cpu;
	if (p->cpu != RMPSIM_CPU_ANY && cpu_idle(&s->cpus[p->cpu]))
		return p->cpu; /* stay cache-hot on an idle previous CPU */
	unsigned nidle = 0;
	for (unsigned i = 0; i < s->ncpus; i++)
		nidle += cpu_idle(&s->cpus[i]);
	if (nidle) {
		uint64_t k = rmpsim__rng_below(&s->rng, nidle);
		for (unsigned i = 0; i < s->ncpus; i++)
			if (cpu_idle(&s->cpus[i]) && k-- == 0)
				return i;
	}
	unsigned best = 0, best_load = UINT32_MAX;
	for (unsigned i = 0; i < s->ncpus; i++) {
		unsigned load = s->cpus[i].rq_len + (s->cpus[i].curr != NULL);
		if (load < best_load) {
			best = i;
			best_load = load;
		}
	}
	return best;
}

static void make_runnable(struct rmpsim_sim *s, struct rmpsim_proc *p)
{
	unsigned cpu = place(s, p);
	struct rmpsim__cpu *c = &s->cpus[cpu];

	rmpsim__cpu_touch(s, c);
	p->cpu = cpu;
	p->state = P_RUNNABLE;
	p->rq_next = NULL;
	if (c->rq_tail)
		c->rq_tail->rq_next = p;
	else
		c->rq_head = p;
	c->rq_tail = p;
	c->rq_len++;
	cpu_dispatch(s, c);
}

/* The running process gives up its CPU (sleep, block, yield, exit). */
static void cpu_leave(struct rmpsim_sim *s, struct rmpsim_proc *p, uint64_t why)
{
	struct rmpsim__cpu *c = &s->cpus[p->cpu];

	if (RMPSIM_NEVER(c->curr != p))
		return;
	c->curr = NULL;
	rmpsim__trace(s, RMPSIM_TRACE_PROC_STOP, p->cpu, p->id, why);
	cpu_dispatch(s, c);
	rmpsim__cpu_update(s, c);
}

/* ---- Switching ---- */

void rmpsim__proc_switch_out(struct rmpsim_sim *s, struct rmpsim_proc *p, bool exiting)
{
	rmpsim__fiber_switch(&p->fiber, &s->main_fiber, exiting);
	/* Resumed: the engine has set the context. */
}

static void switch_in(struct rmpsim_sim *s, struct rmpsim_proc *p)
{
	s->ctx_proc = p;
	s->ctx_cpu = p->cpu;
	s->ctx_handler = false;
	p->started = true;
	rmpsim__trace(s, RMPSIM_TRACE_PROC_RUN, p->cpu, p->id, 0);
	rmpsim__fiber_switch(&s->main_fiber, &p->fiber, false);
	s->ctx_proc = NULL;
	s->ctx_cpu = RMPSIM_CPU_ANY;
	if (s->dead) {
		rmpsim__fiber_destroy(&s->dead->fiber, s->a);
		s->dead = NULL;
	}
}

void rmpsim__sched_dispatch(struct rmpsim_sim *s, struct rmpsim_event *ev)
{
	if (ev->kind == EV_PROC_RESUME) {
		struct rmpsim_proc *p = RMPSIM__CONTAINER(ev, struct rmpsim_proc, resume_ev);
		if (RMPSIM_ALWAYS(p->state == P_RUNNING))
			switch_in(s, p);
	} else {
		struct rmpsim_proc *p = RMPSIM__CONTAINER(ev, struct rmpsim_proc, wake_ev);
		rmpsim__trace(s, RMPSIM_TRACE_PROC_STOP, p->cpu, p->id, 3);
		if (p->state == P_SLEEPING)
			make_runnable(s, p);
	}
}

static void proc_entry(void *arg)
{
	struct rmpsim_proc *p = arg;
	struct rmpsim_sim *s = p->sim;

	rmpsim__fiber_started(&p->fiber, &s->main_fiber);
	p->fn(s, p->arg);
	if (p->irq_disable || p->preempt_disable)
		rmpsim__bug(s, "%s exited with interrupts or preemption disabled", p->name);
	p->irq_disable = 0;
	p->preempt_disable = 0;
	p->state = P_DONE;
	s->dead = p;
	cpu_leave(s, p, 2);
	rmpsim__proc_switch_out(s, p, true);
	(void)RMPSIM_NEVER(1); /* a finished process is never resumed */
}

/* ---- Processes ---- */

int rmpsim_sim_spawn(struct rmpsim_sim *s, const struct rmpsim_proc_attr *attr, rmpsim_proc_fn fn, void *arg,
		     struct rmpsim_proc **ret_proc)
{
	if (!s)
		return -EINVAL;
	unsigned cpu = attr ? attr->cpu : RMPSIM_CPU_ANY;
	if (!fn || (cpu != RMPSIM_CPU_ANY && cpu >= s->ncpus))
		return -EINVAL;
	struct rmpsim_proc *p = rmpsim__calloc(s->a, 1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	int r = rmpsim__fiber_create(&p->fiber, s->a, s->stack_size, proc_entry, p);
	if (r < 0) {
		rmpsim__free(s->a, p, sizeof(*p));
		return r;
	}
	r = rmpsim__ev_objects_add(s, 3); /* resume, wake, ack */
	if (r < 0) {
		rmpsim__fiber_destroy(&p->fiber, s->a);
		rmpsim__free(s->a, p, sizeof(*p));
		return r;
	}
	p->sim = s;
	p->id = s->nprocs++;
	snprintf(p->name, sizeof(p->name), "%s", attr && attr->name ? attr->name : "proc");
	p->cpu = cpu;
	p->bound = cpu != RMPSIM_CPU_ANY;
	p->resume_ev.heap_index = RMPSIM__HEAP_NONE;
	p->wake_ev.heap_index = RMPSIM__HEAP_NONE;
	p->ack_ev.heap_index = RMPSIM__HEAP_NONE;
	p->stack_size = s->stack_size;
	p->fn = fn;
	p->arg = arg;
	if (s->procs_tail)
		s->procs_tail->all_next = p;
	else
		s->procs_head = p;
	s->procs_tail = p;
	make_runnable(s, p);
	if (ret_proc)
		*ret_proc = p;
	return 0;
}

void rmpsim__procs_free(struct rmpsim_sim *s)
{
	struct rmpsim_proc *p = s->procs_head, *next;

	for (; p; p = next) {
		next = p->all_next;
		rmpsim__fiber_destroy(&p->fiber, s->a);
		rmpsim__free(s->a, p, sizeof(*p));
	}
	s->procs_head = s->procs_tail = NULL;
}

/* A NULL process: "", 0, false, RMPSIM_CPU_ANY (sim.h "Bad input"). */
const char *rmpsim_proc_name(const struct rmpsim_proc *p)
{
	return p ? p->name : "";
}
unsigned rmpsim_proc_id(const struct rmpsim_proc *p)
{
	return p ? p->id : 0;
}
bool rmpsim_proc_done(const struct rmpsim_proc *p)
{
	return p && p->state == P_DONE;
}
unsigned rmpsim_proc_cpu(const struct rmpsim_proc *p)
{
	return p ? p->cpu : RMPSIM_CPU_ANY;
}

unsigned rmpsim_sim_blocked(const struct rmpsim_sim *s)
{
	unsigned n = 0;
	for (const struct rmpsim_proc *p = s ? s->procs_head : NULL; p; p = p->all_next)
		n += p->state == P_BLOCKED || p->state == P_SLEEPING;
	return n;
}

struct rmpsim_proc *rmpsim_sim_current(struct rmpsim_sim *s)
{
	return !s || s->ctx_handler ? NULL : s->ctx_proc;
}

unsigned rmpsim_sim_cpu(const struct rmpsim_sim *s)
{
	return s ? s->ctx_cpu : RMPSIM_CPU_ANY;
}

bool rmpsim_sim_in_handler(const struct rmpsim_sim *s)
{
	return s && s->ctx_handler;
}

/* ---- Process-context primitives ---- */

/*
 * The resume a compute just queued is the engine's next event and nothing
 * stops the engine's loop before it (rmpsim_sim_run_until): what the loop
 * would do with it (pop it, count it, the process's run traced at its time,
 * sim.c dispatch() and switch_in()), done here without leaving the process's
 * fiber and coming back. The same events, counts, hash and order; two fiber
 * switches fewer (the leader's cond_resched() after each of its verifies).
 */
static bool resume_inline(struct rmpsim_sim *s, struct rmpsim_proc *p)
{
	struct rmpsim_event *ev = &p->resume_ev;
	if (rmpsim__heap_top(&s->heap) != ev || s->stop || s->err || ev->time > s->limit ||
	    (s->max_time && ev->time > s->max_time) || (s->max_events && s->events >= s->max_events) ||
	    p->state != P_RUNNING)
		return false;
	rmpsim__heap_pop(&s->heap);
	s->now = s->clock = ev->time;
	s->events++;
	s->qs.dispatches++;
	rmpsim__trace(s, RMPSIM_TRACE_PROC_RUN, p->cpu, p->id, 0);
	return true;
}

/*
 * A process's compute of ps that ends before anything else is due: what
 * queueing its resume event and resume_inline() taking it straight back off
 * the queue do (the same sequence number, counts, queue statistics and
 * trace), without the queue. A new event's number is above every queued
 * one's, so it is the queue's first exactly when it is earlier than the
 * first. (Performance only: the percpu leader's loop of 2,048 RMPOPTs and
 * cond_resched()s is two of these each.)
 */
static bool compute_inline(struct rmpsim_sim *s, struct rmpsim_proc *p, uint64_t ps)
{
	struct rmpsim_event *ev = &p->resume_ev;
	uint64_t when = s->now + ps;
	const struct rmpsim_event *top = rmpsim__heap_top(&s->heap);
	if (s->cpus[p->cpu].in_irq || ev->heap_index != RMPSIM__HEAP_NONE || when < s->now ||
	    (top && top->time <= when) || s->stop || s->err || when > s->limit ||
	    (s->max_time && when > s->max_time) || (s->max_events && s->events >= s->max_events) ||
	    p->state != P_RUNNING || s->heap.n >= s->heap.cap)
		return false;
	ev->time = when;
	ev->seq = s->seq++;
	ev->kind = EV_PROC_RESUME;
	s->heap.n++; /* (counted as queued, as rmpsim__ev_queue's push is) */
	rmpsim__qs_insert(s, ps);
	s->heap.n--;
	s->now = s->clock = when;
	s->events++;
	s->qs.dispatches++;
	rmpsim__trace(s, RMPSIM_TRACE_PROC_RUN, p->cpu, p->id, 0);
	return true;
}

void rmpsim__proc_compute(struct rmpsim_sim *s, struct rmpsim_proc *p, uint64_t ps)
{
	if (!ps || compute_inline(s, p, ps))
		return;
	rmpsim__proc_run_compute(s, p, ps);
	if (resume_inline(s, p))
		return;
	rmpsim__proc_switch_out(s, p, false);
}

void rmpsim_sim_compute(struct rmpsim_sim *s, uint64_t ps)
{
	if (!s)
		return;
	if (s->ctx_handler) {
		rmpsim__arun_settle(s); /* a run before this charge ends first (A300) */
		s->ctx_charge += ps;
	} else if (s->ctx_proc)
		rmpsim__proc_compute(s, s->ctx_proc, ps);
}

void rmpsim_sim_compute_mcyc(struct rmpsim_sim *s, uint64_t mcyc)
{
	if (s)
		rmpsim_sim_compute(s, rmpsim_profile_cycles_to_ps(&s->prof, mcyc));
}

void rmpsim_sim_charge_insn(struct rmpsim_sim *s, enum rmpsim_insn_id insn, uint64_t count)
{
	if (s) /* an unknown insn costs 0 (rmpsim_profile_insn_mcyc) */
		rmpsim_sim_compute_mcyc(s, count * rmpsim_profile_insn_mcyc(&s->prof, insn));
}

/*
 * A74: might_sleep(): a bug in handler or engine context (the caller must not
 * sleep: returns false), and in a process with interrupts or preemption
 * disabled (reported, but the process does sleep, as Linux would).
 */
static bool sleep_check(struct rmpsim_sim *s, const char *what, bool *ret_bug)
{
	*ret_bug = true;
	if (s->ctx_handler) {
		rmpsim__bug(s, "sleeping function %s called from IPI handler on cpu %u", what, s->ctx_cpu);
		return false;
	}
	if (!s->ctx_proc) {
		rmpsim__bug(s, "sleeping function %s called outside a process", what);
		return false;
	}
	struct rmpsim_proc *p = s->ctx_proc;
	if (p->irq_disable || p->preempt_disable) {
		rmpsim__bug(s, "sleeping function %s called by %s on cpu %u with %s disabled", what, p->name,
			    p->cpu, p->irq_disable ? "interrupts" : "preemption");
		return true;
	}
	*ret_bug = false;
	return true;
}

bool rmpsim_sim_might_sleep(struct rmpsim_sim *s, const char *what)
{
	bool bug;
	if (!s)
		return false;
	sleep_check(s, what ? what : "might_sleep", &bug);
	return !bug;
}

void rmpsim_sim_sleep_until(struct rmpsim_sim *s, uint64_t t)
{
	bool bug;
	if (!s || !sleep_check(s, "sleep", &bug))
		return;
	struct rmpsim_proc *p = s->ctx_proc;
	p->state = P_SLEEPING;
	cpu_leave(s, p, 0);
	rmpsim__ev_queue(s, &p->wake_ev, EV_PROC_WAKE, t);
	rmpsim__proc_switch_out(s, p, false);
}

void rmpsim_sim_sleep(struct rmpsim_sim *s, uint64_t ps)
{
	if (s) /* a time past the end of time sleeps until then: saturate */
		rmpsim_sim_sleep_until(s, ps > UINT64_MAX - s->now ? UINT64_MAX : s->now + ps);
}

void rmpsim_sim_block(struct rmpsim_sim *s)
{
	bool bug;
	if (!s || !sleep_check(s, "block", &bug))
		return;
	struct rmpsim_proc *p = s->ctx_proc;
	if (p->wake_token) {
		p->wake_token = false;
		return;
	}
	p->state = P_BLOCKED;
	cpu_leave(s, p, 0);
	rmpsim__proc_switch_out(s, p, false);
}

void rmpsim_sim_wake(struct rmpsim_sim *s, struct rmpsim_proc *p)
{
	if (!s || !p || p->sim != s)
		return; /* nothing to wake, or another simulation's process */
	/* A72: park/unpark with one token; a timed sleep is not cut short. */
	if (p->state == P_BLOCKED)
		make_runnable(s, p);
	else if (p->state != P_DONE)
		p->wake_token = true;
}

void rmpsim_sim_yield(struct rmpsim_sim *s)
{
	bool bug;
	if (!s || !sleep_check(s, "cond_resched", &bug))
		return;
	struct rmpsim_proc *p = s->ctx_proc;
	rmpsim__proc_compute(s, p, s->prof.cond_resched_ps);
	if (bug || !s->cpus[p->cpu].rq_len)
		return; /* atomic context, or nobody waits for this CPU */
	cpu_leave(s, p, 1);
	make_runnable(s, p);
	rmpsim__proc_switch_out(s, p, false);
}

static struct rmpsim_proc *cur_proc(struct rmpsim_sim *s)
{
	return !s || s->ctx_handler ? NULL : s->ctx_proc;
}

void rmpsim_sim_migrate_disable(struct rmpsim_sim *s)
{
	struct rmpsim_proc *p = cur_proc(s);
	if (p)
		p->migrate_disable++;
}

void rmpsim_sim_migrate_enable(struct rmpsim_sim *s)
{
	struct rmpsim_proc *p = cur_proc(s);
	if (!p)
		return;
	if (!p->migrate_disable)
		rmpsim__bug(s, "unbalanced migrate_enable in %s", p->name);
	else
		p->migrate_disable--;
}

void rmpsim_sim_preempt_disable(struct rmpsim_sim *s)
{
	struct rmpsim_proc *p = cur_proc(s);
	if (p)
		p->preempt_disable++;
}

void rmpsim_sim_preempt_enable(struct rmpsim_sim *s)
{
	struct rmpsim_proc *p = cur_proc(s);
	if (!p)
		return;
	if (!p->preempt_disable)
		rmpsim__bug(s, "unbalanced preempt_enable in %s", p->name);
	else
		p->preempt_disable--;
}

void rmpsim_sim_irq_disable(struct rmpsim_sim *s)
{
	struct rmpsim_proc *p = cur_proc(s);
	if (!p)
		return; /* handlers already run with interrupts off */
	if (p->irq_disable++ == 0)
		rmpsim__cpu_update(s, &s->cpus[p->cpu]);
}

void rmpsim_sim_irq_enable(struct rmpsim_sim *s)
{
	struct rmpsim_proc *p = cur_proc(s);
	if (!p)
		return;
	if (!p->irq_disable) {
		rmpsim__bug(s, "unbalanced local_irq_enable in %s", p->name);
		return;
	}
	if (--p->irq_disable)
		return;
	struct rmpsim__cpu *c = &s->cpus[p->cpu];
	rmpsim__cpu_update(s, c);
	/* Interrupts that waited run now, before the process goes on. */
	rmpsim__cpu_try_irq(s, p->cpu);
	if (c->in_irq) {
		rmpsim__proc_run_compute(s, p, 0);
		rmpsim__proc_switch_out(s, p, false);
	}
}

bool rmpsim_sim_irqs_disabled(const struct rmpsim_sim *s)
{
	if (!s)
		return false;
	if (s->ctx_handler)
		return true;
	return s->ctx_proc && s->ctx_proc->irq_disable;
}
