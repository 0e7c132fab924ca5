/* SPDX-License-Identifier: MIT */
/*
 * Workqueue semantics (<linux/workqueue.h>) on a bare sim, with start times
 * checked against hand oracles: a delayed timer fires on the tick
 * (jiffies + delay), a sleeping worker starts T_WQ_WAKEUP later (A69), a
 * worker that is already running takes the next item at once.
 */
#include "kshim_test.h"

#include <string.h>

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "failing_alloc.h"
#include "assert_eq.h"

#define MAXRUNS 16

struct probe {
	struct delayed_work dw;
	uint64_t busy_ms; /* udelay inside the handler */
	int runs;
	int running, max_running;
	uint64_t start_ps[MAXRUNS], end_ps[MAXRUNS];
};

/* Shared by all items: how many handlers run at once across the workqueue. */
static int wq_running, wq_max_running;

static uint64_t now_ps(void)
{
	return (uint64_t)ktime_get_ns() * 1000;
}

static void probe_fn(struct work_struct *work)
{
	struct probe *p = container_of(to_delayed_work(work), struct probe, dw);
	if (p->runs < MAXRUNS)
		p->start_ps[p->runs] = now_ps();
	p->running++;
	if (p->running > p->max_running)
		p->max_running = p->running;
	if (++wq_running > wq_max_running)
		wq_max_running = wq_running;
	if (p->busy_ms)
		mdelay(p->busy_ms);
	p->running--;
	wq_running--;
	if (p->runs < MAXRUNS)
		p->end_ps[p->runs] = now_ps();
	p->runs++;
}

struct env {
	struct rmpsim_sim *sim;
	struct rmpsim_kernel *k;
	struct workqueue_struct *wq;
	struct probe p[3];
	bool ret[8];
	uint64_t t[8];
};

static void env_up(struct env *e, const struct rmpsim_allocator *a)
{
	memset(e, 0, sizeof(*e));
	wq_running = wq_max_running = 0;
	e->sim = bare_sim(8);
	assert_int_equal(rmpsim_kernel_create(a, e->sim, &e->k), 0);
	for (int i = 0; i < 3; i++)
		INIT_DELAYED_WORK(&e->p[i].dw, probe_fn);
}

static void env_run(struct env *e, void (*fn)(void *))
{
	assert_int_equal(rmpsim_kernel_boot(e->k, fn, e), 0);
	assert_int_equal(rmpsim_sim_run(e->sim), 0);
	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(e->k, &ks);
	assert_int_equal(ks.bugs, 0);
	assert_int_equal(ks.oopses, 0);
}

static void env_down(struct env *e)
{
	rmpsim_kernel_destroy(e->k);
	rmpsim_sim_destroy(e->sim);
}

/* ---- queue_delayed_work keeps the first deadline ---- */

static void qdw_main(void *arg)
{
	struct env *e = arg;
	e->wq = alloc_workqueue("t", WQ_UNBOUND, 1);
	e->t[0] = now_ps();
	e->ret[0] = queue_delayed_work(e->wq, &e->p[0].dw, msecs_to_jiffies(100));
	msleep(10);
	e->t[1] = now_ps();
	e->ret[1] = queue_delayed_work(e->wq, &e->p[0].dw, msecs_to_jiffies(100));
	e->ret[2] = delayed_work_pending(&e->p[0].dw);
	msleep(500);
	destroy_workqueue(e->wq);
}

/* covers: spec 1.8 (v3-v7 batching: the first trigger fixes the deadline) */
static void queue_delayed_work_does_nothing_while_pending(void **state)
{
	(void)state;
	struct env e;
	env_up(&e, NULL);
	env_run(&e, qdw_main);
	assert_true(e.ret[0]);
	assert_false(e.ret[1]);
	assert_true(e.ret[2]);
	assert_int_equal(e.p[0].runs, 1);
	ASSERT_EQ(e.p[0].start_ps[0], (e.t[0] / T_TICK + 100) * T_TICK + T_WQ_WAKEUP);
	env_down(&e);
}

/* ---- mod_delayed_work re-arms on every call: the "re-armed k times" oracle ---- */

#define REARMS 5

static void mdw_main(void *arg)
{
	struct env *e = arg;
	e->wq = alloc_workqueue("t", WQ_UNBOUND, 1);
	for (int i = 0; i < REARMS; i++) {
		e->ret[i] = mod_delayed_work(e->wq, &e->p[0].dw, msecs_to_jiffies(100));
		e->t[i] = now_ps();
		usleep_range(30000, 40000); /* 30 ms: less than the delay, so it stays pending */
	}
	msleep(1000);
	destroy_workqueue(e->wq);
}

/* covers: spec 1.8 (v10: the scan runs after the *last* call), A82, A69 */
static void mod_delayed_work_rearmed_k_times_runs_once_after_last(void **state)
{
	(void)state;
	struct env e;
	env_up(&e, NULL);
	env_run(&e, mdw_main);
	assert_false(e.ret[0]); /* idle before the first call */
	for (int i = 1; i < REARMS; i++)
		assert_true(e.ret[i]); /* pending: its timer was modified */
	/* usleep_range sleeps exactly min (A83): calls 30 ms apart. */
	for (int i = 1; i < REARMS; i++)
		ASSERT_EQ(e.t[i] - e.t[i - 1], RMPSIM_MS(30));
	assert_int_equal(e.p[0].runs, 1);
	uint64_t t_last = e.t[REARMS - 1];
	ASSERT_EQ(e.p[0].start_ps[0], (t_last / T_TICK + 100) * T_TICK + T_WQ_WAKEUP);
	env_down(&e);
}

/* ---- a running item re-armed by mod_delayed_work runs again after it finishes ---- */

static void requeue_main(void *arg)
{
	struct env *e = arg;
	e->wq = alloc_workqueue("t", WQ_UNBOUND, 1);
	e->p[0].busy_ms = 5;
	queue_delayed_work(e->wq, &e->p[0].dw, 0);
	msleep(1); /* the item is now running (it started after T_WQ_WAKEUP) */
	e->ret[0] = work_busy(&e->p[0].dw.work);
	e->ret[1] = mod_delayed_work(e->wq, &e->p[0].dw, 1);
	e->t[0] = now_ps();
	msleep(100);
	destroy_workqueue(e->wq);
}

static void mod_delayed_work_requeues_running_work(void **state)
{
	(void)state;
	struct env e;
	env_up(&e, NULL);
	env_run(&e, requeue_main);
	assert_true(e.ret[0]);	/* it was running */
	assert_false(e.ret[1]); /* not pending: running items are not pending */
	assert_int_equal(e.p[0].runs, 2);
	assert_int_equal(e.p[0].max_running, 1);
	/* First run: queued at 0 (delay 0), started after the wake-up, 5 ms busy. */
	ASSERT_EQ(e.p[0].start_ps[0], T_WQ_WAKEUP);
	ASSERT_EQ(e.p[0].end_ps[0], T_WQ_WAKEUP + RMPSIM_MS(5));
	/* The timer fired at the next tick, while it ran: the same worker takes it
	 * again the moment the first run returns. */
	assert_true((e.t[0] / T_TICK + 1) * T_TICK < e.p[0].end_ps[0]);
	ASSERT_EQ(e.p[0].start_ps[1], e.p[0].end_ps[0]);
	env_down(&e);
}

/* ---- max_active = 1 serialises ---- */

static void serial_main(void *arg)
{
	struct env *e = arg;
	e->wq = alloc_workqueue("t", WQ_UNBOUND, 1);
	for (int i = 0; i < 3; i++) {
		e->p[i].busy_ms = 1;
		e->ret[i] = queue_work(e->wq, &e->p[i].dw.work);
	}
	e->ret[3] = queue_work(e->wq, &e->p[0].dw.work); /* already pending */
	flush_workqueue(e->wq);
	e->t[0] = now_ps();
	destroy_workqueue(e->wq);
}

static void max_active_one_serialises_in_fifo_order(void **state)
{
	(void)state;
	struct env e;
	env_up(&e, NULL);
	env_run(&e, serial_main);
	for (int i = 0; i < 3; i++) {
		assert_true(e.ret[i]);
		assert_int_equal(e.p[i].runs, 1);
		/* One worker: woken once, then back to back. */
		ASSERT_EQ(e.p[i].start_ps[0], T_WQ_WAKEUP + (uint64_t)i * RMPSIM_MS(1));
	}
	assert_false(e.ret[3]);
	assert_int_equal(wq_max_running, 1);
	/* flush_workqueue returned when the last item finished. */
	ASSERT_EQ(e.t[0], T_WQ_WAKEUP + RMPSIM_MS(3));
	env_down(&e);
}

/* ---- max_active = 3: three items at once run in parallel ---- */

static void parallel_main(void *arg)
{
	struct env *e = arg;
	e->wq = alloc_workqueue("t", WQ_UNBOUND, 3);
	for (int i = 0; i < 3; i++) {
		e->p[i].busy_ms = 1;
		queue_work(e->wq, &e->p[i].dw.work);
	}
	flush_workqueue(e->wq);
	destroy_workqueue(e->wq);
}

static void max_active_three_runs_three_at_once(void **state)
{
	(void)state;
	struct env e;
	env_up(&e, NULL);
	env_run(&e, parallel_main);
	assert_int_equal(wq_max_running, 3);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(e.p[i].start_ps[0], T_WQ_WAKEUP);
	env_down(&e);
}

/* ---- an item never runs concurrently with itself, even with max_active > 1 ---- */

static void reentry_main(void *arg)
{
	struct env *e = arg;
	e->wq = alloc_workqueue("t", WQ_UNBOUND, 4);
	e->p[0].busy_ms = 3;
	queue_work(e->wq, &e->p[0].dw.work);
	msleep(1);
	e->ret[0] = queue_work(e->wq, &e->p[0].dw.work); /* running, not pending: queued again */
	e->ret[1] = queue_work(e->wq, &e->p[0].dw.work); /* now pending */
	e->ret[2] = flush_work(&e->p[0].dw.work);
	e->t[0] = now_ps();
	destroy_workqueue(e->wq);
}

static void item_never_runs_concurrently_with_itself(void **state)
{
	(void)state;
	struct env e;
	env_up(&e, NULL);
	env_run(&e, reentry_main);
	assert_true(e.ret[0]);
	assert_false(e.ret[1]);
	assert_true(e.ret[2]);
	assert_int_equal(e.p[0].runs, 2);
	assert_int_equal(e.p[0].max_running, 1);
	assert_true(e.p[0].start_ps[1] >= e.p[0].end_ps[0]);
	/* flush_work waited for the re-queued instance. */
	ASSERT_EQ(e.t[0], e.p[0].end_ps[1]);
	env_down(&e);
}

/* ---- cancel_delayed_work_sync ---- */

static void cancel_main(void *arg)
{
	struct env *e = arg;
	e->wq = alloc_workqueue("t", WQ_UNBOUND, 1);
	/* A pending (armed) item: cancelled, never runs. */
	queue_delayed_work(e->wq, &e->p[1].dw, msecs_to_jiffies(50));
	e->ret[0] = cancel_delayed_work_sync(&e->p[1].dw);
	e->ret[1] = cancel_delayed_work(&e->p[1].dw); /* idle now */
	/* A running item: cancel_delayed_work_sync waits for it. */
	e->p[0].busy_ms = 5;
	queue_delayed_work(e->wq, &e->p[0].dw, 0);
	msleep(2);
	e->ret[2] = cancel_delayed_work_sync(&e->p[0].dw);
	e->t[0] = now_ps();
	msleep(100);
	destroy_workqueue(e->wq);
}

static void cancel_delayed_work_sync_waits_for_running_item(void **state)
{
	(void)state;
	struct env e;
	env_up(&e, NULL);
	env_run(&e, cancel_main);
	assert_true(e.ret[0]);
	assert_false(e.ret[1]);
	assert_int_equal(e.p[1].runs, 0);
	assert_false(e.ret[2]); /* running, not pending */
	assert_int_equal(e.p[0].runs, 1);
	ASSERT_EQ(e.t[0], e.p[0].end_ps[0]);
	env_down(&e);
}

/* ---- flush_delayed_work runs an armed item now; system_wq; destroy drains ---- */

static void misc_main(void *arg)
{
	struct env *e = arg;
	queue_delayed_work(system_wq, &e->p[0].dw, msecs_to_jiffies(1000));
	e->ret[0] = flush_delayed_work(&e->p[0].dw);
	e->t[0] = now_ps();
	e->ret[1] = schedule_work(&e->p[1].dw.work);
	e->wq = alloc_workqueue("drain%d", WQ_UNBOUND, 1, 7);
	queue_work(e->wq, &e->p[2].dw.work);
	destroy_workqueue(e->wq); /* drains: the item ran before it returns */
	e->ret[2] = e->p[2].runs == 1;
	flush_work(&e->p[1].dw.work);
}

/* covers: A86 (system_wq is unbound here) */
static void flush_delayed_work_system_wq_and_destroy_drain(void **state)
{
	(void)state;
	struct env e;
	env_up(&e, NULL);
	env_run(&e, misc_main);
	assert_true(e.ret[0]);
	assert_int_equal(e.p[0].runs, 1);
	ASSERT_EQ(e.p[0].start_ps[0], T_WQ_WAKEUP); /* not 1 s later */
	ASSERT_EQ(e.t[0], T_WQ_WAKEUP);
	assert_true(e.ret[1]);
	assert_true(e.ret[2]);
	assert_int_equal(e.p[1].runs, 1);
	env_down(&e);
}

/* ---- allocation failure ---- */

static void oom_main(void *arg)
{
	struct env *e = arg;
	e->wq = alloc_workqueue("t", WQ_UNBOUND, 1);
	e->ret[0] = e->wq == NULL;
}

static void alloc_workqueue_fails_cleanly(void **state)
{
	(void)state;
	struct failing_alloc fa;
	struct env e;
	failing_alloc_init(&fa, -1);
	env_up(&e, &fa.alloc);
	fa.budget = 1; /* the init process's spawn record, then nothing */
	env_run(&e, oom_main);
	assert_true(e.ret[0]);
	env_down(&e);
	assert_int_equal(fa.live_bytes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(queue_delayed_work_does_nothing_while_pending),
		cmocka_unit_test(mod_delayed_work_rearmed_k_times_runs_once_after_last),
		cmocka_unit_test(mod_delayed_work_requeues_running_work),
		cmocka_unit_test(max_active_one_serialises_in_fifo_order),
		cmocka_unit_test(max_active_three_runs_three_at_once),
		cmocka_unit_test(item_never_runs_concurrently_with_itself),
		cmocka_unit_test(cancel_delayed_work_sync_waits_for_running_item),
		cmocka_unit_test(flush_delayed_work_system_wq_and_destroy_drain),
		cmocka_unit_test(alloc_workqueue_fails_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
