/* SPDX-License-Identifier: MIT */
/*
 * Workqueues (semantics in <linux/workqueue.h>). Each workqueue owns up to
 * max_active worker processes, created on demand. A worker takes the first
 * queued item that no worker of the queue is running (non-reentrancy), runs
 * it, and repeats; with nothing to do it sleeps until kicked. Kicking a
 * sleeping worker (or starting a new one) takes profile.wq_wakeup_ps (A69).
 */
#include <stdalign.h>

#include "kshim.h"

#include <linux/bug.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/cpumask.h>
#include <linux/workqueue.h>

_Static_assert(sizeof(struct rmpsim_timer) <= sizeof(struct rmpsim__k_timer_storage),
	       "delayed_work timer storage too small");
_Static_assert(alignof(struct rmpsim_timer) <= alignof(struct rmpsim__k_timer_storage),
	       "delayed_work timer storage misaligned");

enum worker_state { W_IDLE, W_KICKED, W_RUNNING };

struct worker {
	struct workqueue_struct *wq;
	struct rmpsim_proc *proc; /* NULL until its process is started */
	struct work_struct *current_work;
	enum worker_state state;
	bool exited;
	unsigned id;
	struct rmpsim_timer kick;
	struct worker *next;
};

struct workqueue_struct {
	char name[32];
	unsigned flags;
	unsigned max_active;
	struct work_struct *head, *tail; /* queued items, FIFO */
	struct worker *workers;
	unsigned nworkers, nlive; /* created; not yet exited */
	unsigned armed;		  /* delayed-work timers that will queue here */
	bool destroying, dead;
	struct rmpsim__k_waitlist waiters; /* flushers, cancellers, destroy */
	struct workqueue_struct *next_wq;
};

static struct rmpsim_timer *dw_timer(struct delayed_work *dw)
{
	return (struct rmpsim_timer *)(void *)&dw->timer;
}

/* Work state from an earlier boot reads as idle (statics survive runs). */
static void fresh_work(struct rmpsim_kernel *k, struct work_struct *w)
{
	if (w->epoch != k->epoch) {
		w->epoch = k->epoch;
		w->wq = NULL;
		w->next = NULL;
		w->pending = false;
		w->queued = false;
		w->trace_id = 0;
	}
}

static void fresh_dwork(struct rmpsim_kernel *k, struct delayed_work *dw);

void rmpsim__k_init_work(struct work_struct *work, work_func_t func, const char *func_name)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	work->func = func;
	work->func_name = func_name;
	work->epoch = 0;
	fresh_work(k, work);
}

void rmpsim__k_init_delayed_work(struct delayed_work *dwork, work_func_t func, const char *func_name)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	dwork->work.func = func;
	dwork->work.func_name = func_name;
	dwork->work.epoch = 0;
	dwork->epoch = 0;
	fresh_dwork(k, dwork);
}

static bool is_running(const struct workqueue_struct *wq, const struct work_struct *w)
{
	if (!wq)
		return false;
	for (const struct worker *wk = wq->workers; wk; wk = wk->next)
		if (wk->current_work == w)
			return true;
	return false;
}

static void unlink_work(struct workqueue_struct *wq, struct work_struct *w)
{
	struct work_struct **pp = &wq->head, *prev = NULL;
	while (*pp && *pp != w) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (*pp) {
		*pp = w->next;
		if (wq->tail == w)
			wq->tail = prev;
	}
	w->next = NULL;
	w->queued = false;
}

static void worker_main(struct rmpsim_sim *sim, void *arg);

static void kick_fired(struct rmpsim_sim *sim, struct rmpsim_timer *t)
{
	struct worker *wk = t->arg;
	wk->state = W_RUNNING;
	if (wk->proc) {
		rmpsim_sim_wake(sim, wk->proc);
		return;
	}
	char name[32];
	snprintf(name, sizeof(name), "kworker/u:%u", wk->id);
	struct rmpsim_proc_attr attr = { .name = name, .cpu = RMPSIM_CPU_ANY };
	if (rmpsim_sim_spawn(sim, &attr, worker_main, wk, &wk->proc)) {
		wk->state = W_IDLE; /* a later queueing kicks it again */
		rmpsim__k_report_bug("BUG: cannot start a worker for %s", wk->wq->name);
	}
}

/*
 * Something was queued on wq: make sure enough workers will look. Each
 * runnable queued item needs a worker on its way (kicked) unless max_active
 * workers exist; running workers pick items up when they finish.
 */
static void kick(struct rmpsim_kernel *k, struct workqueue_struct *wq)
{
	unsigned runnable = 0, kicked = 0;
	struct worker *idle = NULL;

	for (struct work_struct *w = wq->head; w; w = w->next)
		runnable += !is_running(wq, w);
	for (struct worker *wk = wq->workers; wk; wk = wk->next) {
		if (wk->exited)
			continue;
		kicked += wk->state == W_KICKED;
		if (wk->state == W_IDLE && !idle)
			idle = wk;
	}
	if (runnable <= kicked)
		return;
	if (!idle) {
		if (wq->nlive >= wq->max_active)
			return; /* a running worker takes it when done */
		idle = rmpsim__k_alloc(sizeof(*idle));
		if (!idle) {
			rmpsim__k_report_bug("BUG: out of memory for a worker of %s", wq->name);
			return;
		}
		*idle = (struct worker){ .wq = wq, .state = W_IDLE, .id = wq->nworkers };
		rmpsim_timer_init(&idle->kick, kick_fired, idle);
		struct worker **pp = &wq->workers;
		while (*pp)
			pp = &(*pp)->next;
		*pp = idle;
		wq->nworkers++;
		wq->nlive++;
	}
	idle->state = W_KICKED;
	uint64_t when = rmpsim_sim_now(k->sim) + rmpsim_sim_profile(k->sim)->wq_wakeup_ps; /* A69 */
	if (rmpsim_sim_timer_add(k->sim, &idle->kick, when)) {
		idle->state = W_IDLE;
		rmpsim__k_report_bug("BUG: out of memory waking a worker of %s", wq->name);
	}
}

/*
 * The workqueue_* tracepoints, for observers only (never in the trace hash).
 * Every queue here is unbound (A86): req_cpu WORK_CPU_UNBOUND (NR_CPUS), pool
 * CPU -1. A382: a delayed work's timer queues it on the CPU that armed it.
 */
static void observe_work(struct rmpsim_kernel *k, enum rmpsim_trace_kind kind, unsigned cpu, unsigned long id,
			 const char *func_name, const struct workqueue_struct *wq)
{
	struct rmpsim_trace_work tw = { func_name, wq->name, NR_CPUS, -1 };
	rmpsim_sim_observe(k->sim, kind, cpu, id, 0, &tw);
}

/* The caller's CPU, where a queue_*work() call is recorded. */
static void note_queue_cpu(struct rmpsim_kernel *k, struct work_struct *w)
{
	unsigned cpu = rmpsim_sim_cpu(k->sim);
	w->queue_cpu = cpu < k->ncpus ? (int)cpu : 0;
}

static void enqueue(struct rmpsim_kernel *k, struct workqueue_struct *wq, struct work_struct *w)
{
	if (!w->trace_id)
		w->trace_id = ++k->work_ids;
	unsigned cpu = rmpsim_sim_cpu(k->sim);
	observe_work(k, RMPSIM_TRACE_WORK_QUEUE, cpu < k->ncpus ? cpu : (unsigned)w->queue_cpu, w->trace_id,
		     w->func_name, wq);
	if (wq->destroying || wq->dead) {
		rmpsim__k_warn(__FILE__, __LINE__, "wq->destroying",
			       "workqueue %s: queueing while destroyed\n", wq->name);
		w->pending = false;
		return;
	}
	w->wq = wq;
	w->next = NULL;
	w->queued = true;
	if (wq->tail)
		wq->tail->next = w;
	else
		wq->head = w;
	wq->tail = w;
	kick(k, wq);
}

static struct work_struct *pick(struct workqueue_struct *wq)
{
	for (struct work_struct *w = wq->head; w; w = w->next)
		if (!is_running(wq, w))
			return w;
	return NULL;
}

static void worker_main(struct rmpsim_sim *sim, void *arg)
{
	struct worker *wk = arg;
	struct workqueue_struct *wq = wk->wq;

	for (;;) {
		struct work_struct *w = pick(wq);
		if (!w) {
			if (wq->destroying)
				break;
			wk->state = W_IDLE;
			while (wk->state != W_RUNNING)
				rmpsim_sim_block(sim);
			continue;
		}
		unlink_work(wq, w);
		w->pending = false; /* from here it may be queued again */
		wk->current_work = w;
		/* An item re-queued for ever on a busy worker runs no event: count it. */
		rmpsim__k_contain_step(rmpsim__k_get());
		struct rmpsim_kernel *k = rmpsim__k_get();
		unsigned long id = w->trace_id;
		const char *func_name = w->func_name;
		observe_work(k, RMPSIM_TRACE_WORK_START, rmpsim_sim_cpu(sim), id, func_name, wq);
		rmpsim__k_infer_item_start(k);
		w->func(w); /* may free w: do not touch it afterwards */
		rmpsim__k_infer_item_end(k);
		observe_work(k, RMPSIM_TRACE_WORK_END, rmpsim_sim_cpu(sim), id, func_name, wq);
		wk->current_work = NULL;
		rmpsim__k_wake_all(&wq->waiters);
	}
	wk->exited = true;
	wq->nlive--;
	rmpsim__k_wake_all(&wq->waiters);
}

/* ---- queueing ---- */

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh_work(k, work);
	if (work->pending)
		return false;
	work->pending = true;
	note_queue_cpu(k, work);
	enqueue(k, wq, work);
	return true;
}

bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work)
{
	(void)cpu; /* every workqueue is unbound here (A86) */
	return queue_work(wq, work);
}

static void dw_fired(struct rmpsim_sim *sim, struct rmpsim_timer *t)
{
	(void)sim;
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct delayed_work *dw = t->arg;
	dw->timer_armed = false;
	dw->wq->armed--;
	if (dw->wq->dead) {
		rmpsim__k_report_bug("BUG: delayed work fired on destroyed workqueue %s", dw->wq->name);
		dw->work.pending = false;
		return;
	}
	enqueue(k, dw->wq, &dw->work);
}

static void fresh_dwork(struct rmpsim_kernel *k, struct delayed_work *dw)
{
	if (dw->epoch != k->epoch) {
		dw->epoch = k->epoch;
		dw->timer_armed = false;
		dw->wq = NULL;
		rmpsim_timer_init(dw_timer(dw), dw_fired, dw);
	}
	fresh_work(k, &dw->work);
}

/* Queue now (delay 0) or arm the timer for the tick jiffies + delay. */
static void queue_dw(struct rmpsim_kernel *k, struct workqueue_struct *wq, struct delayed_work *dw,
		     unsigned long delay)
{
	note_queue_cpu(k, &dw->work);
	if (!delay) {
		enqueue(k, wq, &dw->work);
		return;
	}
	uint64_t now = rmpsim_sim_now(k->sim);
	uint64_t when = (now / k->tick_ps + delay) * k->tick_ps; /* A82: no wheel slack */
	dw->wq = wq;
	if (rmpsim_sim_timer_add(k->sim, dw_timer(dw), when)) {
		rmpsim__k_report_bug("BUG: out of memory arming a delayed work");
		dw->work.pending = false;
		return;
	}
	dw->timer_armed = true;
	wq->armed++;
}

/* try_to_grab_pending(): take a pending item back (timer or queue). */
static bool grab_pending(struct rmpsim_kernel *k, struct delayed_work *dw, struct work_struct *w)
{
	bool was = w->pending;
	if (dw && dw->timer_armed) {
		rmpsim_sim_timer_cancel(k->sim, dw_timer(dw));
		dw->timer_armed = false;
		dw->wq->armed--;
	}
	if (w->queued)
		unlink_work(w->wq, w);
	w->pending = false;
	return was;
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork, unsigned long delay)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh_dwork(k, dwork);
	if (dwork->work.pending)
		return false; /* the first deadline stands */
	dwork->work.pending = true;
	queue_dw(k, wq, dwork, delay);
	return true;
}

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork, unsigned long delay)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh_dwork(k, dwork);
	bool was = grab_pending(k, dwork, &dwork->work);
	dwork->work.pending = true;
	queue_dw(k, wq, dwork, delay);
	return was;
}

static void wait_idle(struct rmpsim_kernel *k, struct work_struct *w)
{
	might_sleep();
	while (w->wq && (w->queued || is_running(w->wq, w))) {
		struct rmpsim__k_waiter waiter;
		rmpsim__k_wait(&w->wq->waiters, &waiter);
	}
	(void)k;
}

bool cancel_work(struct work_struct *work)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh_work(k, work);
	return grab_pending(k, NULL, work);
}

bool cancel_work_sync(struct work_struct *work)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh_work(k, work);
	bool was = grab_pending(k, NULL, work);
	wait_idle(k, work);
	return was;
}

bool cancel_delayed_work(struct delayed_work *dwork)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh_dwork(k, dwork);
	return grab_pending(k, dwork, &dwork->work);
}

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh_dwork(k, dwork);
	bool was = grab_pending(k, dwork, &dwork->work);
	wait_idle(k, &dwork->work);
	return was;
}

bool flush_work(struct work_struct *work)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh_work(k, work);
	if (!work->wq || (!work->queued && !is_running(work->wq, work)))
		return false;
	wait_idle(k, work);
	return true;
}

bool flush_delayed_work(struct delayed_work *dwork)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh_dwork(k, dwork);
	if (dwork->timer_armed) {
		/* Linux: del_timer_sync() then queue at once. */
		rmpsim_sim_timer_cancel(k->sim, dw_timer(dwork));
		dwork->timer_armed = false;
		dwork->wq->armed--;
		enqueue(k, dwork->wq, &dwork->work);
	}
	return flush_work(&dwork->work);
}

bool work_pending(const struct work_struct *work)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	return work->epoch == k->epoch && work->pending;
}

bool work_busy(struct work_struct *work)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh_work(k, work);
	return work->pending || is_running(work->wq, work);
}

static bool wq_busy(const struct workqueue_struct *wq)
{
	if (wq->head)
		return true;
	for (const struct worker *wk = wq->workers; wk; wk = wk->next)
		if (wk->current_work)
			return true;
	return false;
}

/* Waits until nothing is queued or running (items queued meanwhile included, A86). */
void flush_workqueue(struct workqueue_struct *wq)
{
	might_sleep();
	while (wq_busy(wq)) {
		struct rmpsim__k_waiter waiter;
		rmpsim__k_wait(&wq->waiters, &waiter);
	}
}

void drain_workqueue(struct workqueue_struct *wq)
{
	flush_workqueue(wq);
}

/* ---- creation and destruction ---- */

static struct workqueue_struct *wq_new(struct rmpsim_kernel *k, const char *name, unsigned flags,
				       int max_active)
{
	struct workqueue_struct *wq = rmpsim__k_alloc(sizeof(*wq));
	if (!wq)
		return NULL;
	*wq = (struct workqueue_struct){ .flags = flags };
	snprintf(wq->name, sizeof(wq->name), "%s", name);
	/* Linux: 0 means the default; larger than WQ_MAX_ACTIVE is clamped. */
	wq->max_active = max_active <= 0	      ? WQ_DFL_ACTIVE
			 : max_active > WQ_MAX_ACTIVE ? WQ_MAX_ACTIVE
						      : (unsigned)max_active;
	wq->next_wq = k->wqs;
	k->wqs = wq;
	return wq;
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	char name[32];
	va_list ap;
	va_start(ap, max_active);
	rmpsim__k_vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return wq_new(k, name, flags, max_active);
}

static void wq_free(struct rmpsim_kernel *k, struct workqueue_struct *wq)
{
	struct workqueue_struct **pp = &k->wqs;
	while (*pp && *pp != wq)
		pp = &(*pp)->next_wq;
	if (*pp)
		*pp = wq->next_wq;
	for (struct worker *wk = wq->workers, *next; wk; wk = next) {
		next = wk->next;
		rmpsim_sim_timer_cancel(k->sim, &wk->kick);
		rmpsim__k_free(wk, sizeof(*wk));
	}
	rmpsim__k_free(wq, sizeof(*wq));
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (!wq)
		return;
	drain_workqueue(wq);
	wq->destroying = true;
	for (struct worker *wk = wq->workers; wk; wk = wk->next) {
		if (wk->exited)
			continue;
		rmpsim_sim_timer_cancel(k->sim, &wk->kick);
		if (!wk->proc) { /* never started */
			wk->exited = true;
			wq->nlive--;
			continue;
		}
		wk->state = W_RUNNING;
		rmpsim_sim_wake(k->sim, wk->proc);
	}
	while (wq->nlive) {
		struct rmpsim__k_waiter waiter;
		rmpsim__k_wait(&wq->waiters, &waiter);
	}
	if (wq->armed) {
		/* Linux WARNs; a timer still points here, so keep the struct until the kernel goes. */
		rmpsim__k_warn(__FILE__, __LINE__, "wq->armed",
			       "destroy_workqueue %s: delayed work pending\n", wq->name);
		wq->dead = true;
		return;
	}
	wq_free(k, wq);
}

struct workqueue_struct *rmpsim__k_system_wq(void)
{
	return rmpsim__k_get()->sys_wq;
}

int rmpsim__k_wq_create_system(struct rmpsim_kernel *k)
{
	/* system_wq is per-CPU in Linux; here it is unbound with the default max_active (A86). */
	k->sys_wq = wq_new(k, "events", 0, WQ_DFL_ACTIVE);
	return k->sys_wq ? 0 : -ENOMEM;
}

void rmpsim__k_wq_destroy_all(struct rmpsim_kernel *k)
{
	while (k->wqs)
		wq_free(k, k->wqs);
	k->sys_wq = NULL;
}
