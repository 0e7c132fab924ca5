/* SPDX-License-Identifier: MIT */
/* Wait queues, completions and schedule() (<linux/wait.h>, <linux/completion.h>). */
#include "kshim.h"

#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/wait.h>

/* A sleeper, on its own stack while it sleeps. */
struct rmpsim__k_wq_node {
	struct rmpsim__k_wq_node *next;
	struct rmpsim_proc *proc;
	bool woken;
};

static void fresh(struct rmpsim_kernel *k, wait_queue_head_t *wq)
{
	if (wq->epoch != k->epoch) { /* a static from an earlier boot */
		wq->head = wq->tail = NULL;
		wq->epoch = k->epoch;
	}
}

void rmpsim__k_init_waitqueue_head(wait_queue_head_t *wq)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	wq->head = wq->tail = NULL;
	wq->epoch = k->epoch;
}

static void wq_unlink(wait_queue_head_t *wq, struct rmpsim__k_wq_node *n)
{
	struct rmpsim__k_wq_node **pp = &wq->head, *prev = NULL;
	while (*pp && *pp != n) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (*pp) {
		*pp = n->next;
		if (wq->tail == n)
			wq->tail = prev;
	}
}

struct timeout {
	struct rmpsim_timer t;
	struct rmpsim__k_wq_node *n;
};

static void timed_out(struct rmpsim_sim *sim, struct rmpsim_timer *t)
{
	struct timeout *to = t->arg;
	rmpsim_sim_wake(sim, to->n->proc);
}

long rmpsim__k_wq_sleep(wait_queue_head_t *wq, long timeout)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim__k_wq_node n = { NULL, rmpsim_sim_current(k->sim), false };
	if (!n.proc || rmpsim_sim_in_handler(k->sim)) {
		rmpsim__k_report_bug("BUG: sleeping on a wait queue outside process context");
		return 0;
	}
	fresh(k, wq);
	if (timeout <= 0)
		return 0;
	if (wq->tail)
		wq->tail->next = &n;
	else
		wq->head = &n;
	wq->tail = &n;
	uint64_t now = rmpsim_sim_now(k->sim), deadline = RMPSIM_TIME_NEVER;
	struct timeout to = { .n = &n };
	if (timeout != MAX_SCHEDULE_TIMEOUT) {
		deadline = (now / k->tick_ps + (uint64_t)timeout) * k->tick_ps; /* A82 */
		rmpsim_timer_init(&to.t, timed_out, &to);
		if (rmpsim_sim_timer_add(k->sim, &to.t, deadline)) {
			wq_unlink(wq, &n);
			rmpsim__k_report_bug("BUG: out of memory arming a wait timeout");
			return 0;
		}
	}
	while (!n.woken && rmpsim_sim_now(k->sim) < deadline)
		rmpsim_sim_block(k->sim);
	if (deadline != RMPSIM_TIME_NEVER)
		rmpsim_sim_timer_cancel(k->sim, &to.t);
	if (!n.woken)
		wq_unlink(wq, &n);
	if (deadline == RMPSIM_TIME_NEVER)
		return MAX_SCHEDULE_TIMEOUT;
	uint64_t t = rmpsim_sim_now(k->sim);
	return t >= deadline ? 0 : (long)((deadline - t + k->tick_ps - 1) / k->tick_ps);
}

static void wake(wait_queue_head_t *wq)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh(k, wq);
	struct rmpsim__k_wq_node *n = wq->head;
	wq->head = wq->tail = NULL;
	while (n) {
		struct rmpsim__k_wq_node *next = n->next;
		n->woken = true;
		rmpsim_sim_wake(k->sim, n->proc);
		n = next;
	}
}

void wake_up(wait_queue_head_t *wq)
{
	wake(wq);
}

void wake_up_all(wait_queue_head_t *wq)
{
	wake(wq);
}

bool waitqueue_active(wait_queue_head_t *wq)
{
	fresh(rmpsim__k_get(), wq);
	return wq->head != NULL;
}

/* ---- completions ---- */

#define DONE_ALL (~0u)

static void fresh_completion(struct completion *x)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (x->wait.epoch != k->epoch) {
		x->done = 0;
		fresh(k, &x->wait);
	}
}

void complete(struct completion *x)
{
	fresh_completion(x);
	if (x->done != DONE_ALL)
		x->done++;
	wake(&x->wait); /* every sleeper re-checks; one takes the count */
}

void complete_all(struct completion *x)
{
	fresh_completion(x);
	x->done = DONE_ALL;
	wake(&x->wait);
}

bool try_wait_for_completion(struct completion *x)
{
	fresh_completion(x);
	if (!x->done)
		return false;
	if (x->done != DONE_ALL)
		x->done--;
	return true;
}

bool completion_done(struct completion *x)
{
	fresh_completion(x);
	return x->done != 0;
}

void wait_for_completion(struct completion *x)
{
	might_sleep();
	fresh_completion(x);
	while (!try_wait_for_completion(x))
		rmpsim__k_wq_sleep(&x->wait, MAX_SCHEDULE_TIMEOUT);
}

unsigned long wait_for_completion_timeout(struct completion *x, unsigned long timeout)
{
	long left =
		timeout > (unsigned long)MAX_SCHEDULE_TIMEOUT - 1 ? MAX_SCHEDULE_TIMEOUT - 1 : (long)timeout;
	might_sleep();
	fresh_completion(x);
	while (!try_wait_for_completion(x)) {
		if (left <= 0)
			return 0;
		left = rmpsim__k_wq_sleep(&x->wait, left);
	}
	return left > 0 ? (unsigned long)left : 1;
}

/* ---- schedule() ---- */

void rmpsim__k_set_current_state(long state)
{
	(void)state; /* advisory: schedule() sleeps until woken either way */
}

void schedule(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	might_sleep();
	if (rmpsim_sim_current(k->sim) && !rmpsim_sim_in_handler(k->sim))
		rmpsim_sim_block(k->sim); /* a wake_up_process() meanwhile is not lost */
}
