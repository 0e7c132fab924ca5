/* SPDX-License-Identifier: MIT */
/* timer_list (<linux/timer.h>) and RCU grace periods (<linux/rcupdate.h>) on sim timers. */
#include "kshim.h"

#include <linux/jiffies.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timer.h>

_Static_assert(sizeof(struct rmpsim_timer) <= sizeof(struct rmpsim__k_timer_storage), "timer storage");

static struct rmpsim_timer *sim_timer(struct timer_list *t)
{
	return (struct rmpsim_timer *)(void *)&t->st;
}

static void fired(struct rmpsim_sim *sim, struct rmpsim_timer *st)
{
	(void)sim;
	struct timer_list *t = st->arg;
	t->function(t); /* A229: the timer softirq, engine context */
}

static void fresh(struct rmpsim_kernel *k, struct timer_list *t)
{
	if (t->epoch != k->epoch) {
		t->epoch = k->epoch;
		rmpsim_timer_init(sim_timer(t), fired, t);
	}
}

void rmpsim__k_timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags)
{
	(void)flags;
	struct rmpsim_kernel *k = rmpsim__k_get();
	t->function = fn;
	t->expires = 0;
	t->epoch = k->epoch;
	rmpsim_timer_init(sim_timer(t), fired, t);
}

int mod_timer(struct timer_list *t, unsigned long expires)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh(k, t);
	int was = rmpsim_timer_pending(sim_timer(t));
	t->expires = expires;
	if (rmpsim_sim_timer_add(k->sim, sim_timer(t), (uint64_t)expires * k->tick_ps)) /* A82 */
		rmpsim__k_report_bug("BUG: out of memory arming a timer");
	return was;
}

void add_timer(struct timer_list *t)
{
	mod_timer(t, t->expires);
}

int del_timer(struct timer_list *t)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh(k, t);
	return rmpsim_sim_timer_cancel(k->sim, sim_timer(t));
}

int timer_pending(const struct timer_list *t)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	return t->epoch == k->epoch &&
	       rmpsim_timer_pending((const struct rmpsim_timer *)(const void *)&t->st);
}

/* ---- RCU ---- */

/* A229: a grace period started now ends at the next jiffy tick. */
static uint64_t grace_end(struct rmpsim_kernel *k)
{
	return (rmpsim_sim_now(k->sim) / k->tick_ps + 1) * k->tick_ps;
}

void synchronize_rcu(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	might_sleep();
	if (rmpsim_sim_current(k->sim) && !rmpsim_sim_in_handler(k->sim))
		rmpsim_sim_sleep_until(k->sim, grace_end(k));
}

static struct rmpsim_timer *rcu_timer(struct rcu_head *h)
{
	return (struct rmpsim_timer *)(void *)&h->st;
}

static void rcu_fired(struct rmpsim_sim *sim, struct rmpsim_timer *st)
{
	(void)sim;
	struct rcu_head *h = st->arg;
	struct rmpsim_kernel *k = rmpsim__k_get();
	k->rcu_pending--;
	h->func(h);
}

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	head->func = func;
	rmpsim_timer_init(rcu_timer(head), rcu_fired, head);
	if (rmpsim_sim_timer_add(k->sim, rcu_timer(head), grace_end(k))) {
		rmpsim__k_report_bug("BUG: out of memory in call_rcu");
		return;
	}
	k->rcu_pending++;
}

static void kfree_cb(struct rcu_head *head)
{
	kfree((char *)head - head->kfree_offset);
}

void rmpsim__k_kfree_rcu(struct rcu_head *head, size_t offset)
{
	head->kfree_offset = offset;
	call_rcu(head, kfree_cb);
}

/* Wait until every callback queued before it has run. */
void rcu_barrier(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	might_sleep();
	while (k->rcu_pending && rmpsim_sim_current(k->sim) && !rmpsim_sim_in_handler(k->sim))
		rmpsim_sim_sleep_until(k->sim, grace_end(k));
}
