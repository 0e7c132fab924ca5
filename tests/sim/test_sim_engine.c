/* SPDX-License-Identifier: MIT */
/* The engine: timers, processes computing, sleeping, blocking, yielding, placement, marks, ENOMEM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/sim.h>

#include "failing_alloc.h"
#include "sim_test_util.h"

/* ---- timers ---- */

struct tlog {
	int order[16];
	uint64_t when[16];
	int n;
};

struct tt {
	struct rmpsim_timer t;
	int id;
	struct tlog *log;
};

static void tt_fire(struct rmpsim_sim *s, struct rmpsim_timer *t)
{
	struct tt *x = t->arg;
	x->log->order[x->log->n] = x->id;
	x->log->when[x->log->n++] = rmpsim_sim_now(s);
}

static void timers_fire_in_time_then_insertion_order(void **state)
{
	(void)state;
	/* covers: A68 (timers: engine context, no CPU, no cost) */
	struct rmpsim_sim *s = bare_sim(1, NULL, 1);
	struct tlog log = { 0 };
	struct tt t[6];

	for (int i = 0; i < 6; i++) {
		t[i].id = i;
		t[i].log = &log;
		rmpsim_timer_init(&t[i].t, tt_fire, &t[i]);
	}
	assert_int_equal(rmpsim_sim_timer_add(s, &t[0].t, 300), 0);
	assert_int_equal(rmpsim_sim_timer_add(s, &t[1].t, 100), 0);
	assert_int_equal(rmpsim_sim_timer_add(s, &t[2].t, 100), 0); /* tie: after t1 */
	assert_int_equal(rmpsim_sim_timer_add(s, &t[3].t, 200), 0);
	assert_int_equal(rmpsim_sim_timer_add(s, &t[4].t, 50), 0);
	assert_int_equal(rmpsim_sim_timer_add(s, &t[5].t, 400), 0);
	assert_true(rmpsim_sim_timer_cancel(s, &t[3].t));
	assert_false(rmpsim_sim_timer_cancel(s, &t[3].t));
	assert_int_equal(rmpsim_sim_timer_add(s, &t[4].t, 350), 0); /* moved, like mod_timer */
	assert_true(rmpsim_timer_pending(&t[4].t));
	assert_int_equal(rmpsim_timer_expires(&t[4].t), 350);
	assert_int_equal(rmpsim_sim_pending(s), 5);
	assert_int_equal(rmpsim_sim_run_until(s, 120), 0);
	assert_int_equal(log.n, 2);
	assert_int_equal(rmpsim_sim_now(s), 120);
	assert_int_equal(rmpsim_sim_run(s), 0);
	int want[] = { 1, 2, 0, 4, 5 };
	uint64_t when[] = { 100, 100, 300, 350, 400 };
	assert_int_equal(log.n, 5);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(log.order[i], want[i]);
		assert_int_equal(log.when[i], when[i]);
	}
	assert_false(rmpsim_timer_pending(&t[0].t));
	assert_int_equal(rmpsim_sim_now(s), 400);
	rmpsim_sim_destroy(s);
}

/* ---- run limits ---- */

struct limit_log {
	int calls;
	bool time_limit;
	uint64_t now, events;
};

static void on_limit(void *ctx, struct rmpsim_sim *s, bool time_limit)
{
	struct limit_log *l = ctx;
	l->calls++;
	l->time_limit = time_limit;
	l->now = rmpsim_sim_now(s);
	l->events = rmpsim_sim_events(s);
}

/* covers: A227 (each limit stops the run before the event past it, which stays queued) */
static void run_limits_stop_before_the_next_event(void **state)
{
	(void)state;
	for (int by_time = 0; by_time <= 1; by_time++) {
		struct rmpsim_sim *s = bare_sim(1, NULL, 1);
		struct tlog log = { 0 };
		struct limit_log lim = { 0 };
		struct tt t[3];
		for (int i = 0; i < 3; i++) {
			t[i].id = i;
			t[i].log = &log;
			rmpsim_timer_init(&t[i].t, tt_fire, &t[i]);
			assert_int_equal(rmpsim_sim_timer_add(s, &t[i].t, 100 * (uint64_t)(i + 1)), 0);
		}
		/* 250 ps of virtual time, or two events: either way the timer at 300 waits. */
		rmpsim_sim_set_limits(s, by_time ? 250 : 0, by_time ? 0 : 2, on_limit, &lim);
		assert_false(rmpsim_sim_limit_hit(s));
		assert_int_equal(rmpsim_sim_run(s), 0);
		assert_true(rmpsim_sim_limit_hit(s));
		assert_int_equal(log.n, 2);
		assert_int_equal(lim.calls, 1);
		assert_int_equal(lim.time_limit, by_time);
		assert_int_equal(lim.now, 200);
		assert_int_equal(lim.events, 2);
		assert_int_equal(rmpsim_sim_pending(s), 1);
		assert_true(rmpsim_timer_pending(&t[2].t));
		rmpsim_sim_destroy(s);
	}
}

/* ---- processes ---- */

struct rec {
	uint64_t t[8];
	unsigned cpu[8];
	int n;
	struct rmpsim_proc *other;
	uint64_t arg;
};

static void at(struct rmpsim_sim *s, struct rec *r)
{
	r->t[r->n] = rmpsim_sim_now(s);
	r->cpu[r->n++] = rmpsim_sim_cpu(s);
}

static void compute_sleep_body(struct rmpsim_sim *s, void *arg)
{
	struct rec *r = arg;
	at(s, r);
	rmpsim_sim_compute(s, RMPSIM_NS(100));
	at(s, r);
	rmpsim_sim_sleep(s, RMPSIM_US(1));
	at(s, r);
	rmpsim_sim_compute(s, RMPSIM_NS(50));
	at(s, r);
}

static void process_computes_and_sleeps(void **state)
{
	(void)state;
	/* covers: A71 (a switch costs only when the CPU changes process) */
	struct rmpsim_profile p = *rmpsim_profile_default();
	struct rmpsim_sim *s = bare_sim(2, &p, 1);
	struct rec r = { 0 };
	struct rmpsim_proc_attr a = { .name = "worker", .cpu = 1 };
	struct rmpsim_proc *pr;
	uint64_t cs = p.context_switch_ps;

	assert_int_equal(rmpsim_sim_spawn(s, &a, compute_sleep_body, &r, &pr), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_true(rmpsim_proc_done(pr));
	assert_string_equal(rmpsim_proc_name(pr), "worker");
	assert_int_equal(r.n, 4);
	/* First dispatch pays one context switch; returning to the same CPU after
	 * the sleep does not (the CPU's last process is still this one), but the
	 * CPU idled 1 us meanwhile and leaves its C-state first (A136). */
	uint64_t wake = oracle_idle_exit(&p, RMPSIM_US(1));
	ASSERT_EQ(wake, p.idle_exit_ps);
	assert_int_equal(r.t[0], cs);
	assert_int_equal(r.t[1], cs + RMPSIM_NS(100));
	assert_int_equal(r.t[2], cs + RMPSIM_NS(1100) + wake);
	assert_int_equal(r.t[3], cs + RMPSIM_NS(1150) + wake);
	for (int i = 0; i < 4; i++)
		assert_int_equal(r.cpu[i], 1);
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(s, 1, &st), 0);
	assert_int_equal(st.busy_ps, cs + RMPSIM_NS(150) + wake); /* the exit counts as its time (A136) */
	assert_int_equal(st.switches, 1);
	assert_int_equal(rmpsim_sim_cpu_stats(s, 0, &st), 0);
	assert_int_equal(st.busy_ps, 0);
	assert_int_equal(rmpsim_sim_cpu_stats(s, 2, &st), -EINVAL);
	rmpsim_sim_destroy(s);
}

static void blocker_body(struct rmpsim_sim *s, void *arg)
{
	struct rec *r = arg;
	at(s, r);
	rmpsim_sim_block(s);
	at(s, r);
	/* A wake that came while running is remembered: no lost wake-up. */
	rmpsim_sim_block(s);
	at(s, r);
}

static void waker_body(struct rmpsim_sim *s, void *arg)
{
	struct rec *r = arg;
	rmpsim_sim_compute(s, RMPSIM_US(3));
	rmpsim_sim_wake(s, r->other);
	rmpsim_sim_wake(s, r->other); /* second one becomes the token */
}

static void block_and_wake_with_token(void **state)
{
	(void)state;
	/* covers: A72 */
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.context_switch_ps = 0;
	struct rmpsim_sim *s = bare_sim(2, &p, 1);
	struct rec r = { 0 };
	struct rmpsim_proc_attr a0 = { .name = "blocker", .cpu = 0 }, a1 = { .name = "waker", .cpu = 1 };

	assert_int_equal(rmpsim_sim_spawn(s, &a0, blocker_body, &r, &r.other), 0);
	assert_int_equal(rmpsim_sim_spawn(s, &a1, waker_body, &r, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.t[0], 0);
	/* Blocked 3 us, its CPU idle that long: it leaves C1 first (A136). */
	assert_int_equal(r.t[1], RMPSIM_US(3) + oracle_idle_exit(&p, RMPSIM_US(3)));
	ASSERT_EQ(oracle_idle_exit(&p, RMPSIM_US(3)), p.idle_exit_ps);
	assert_int_equal(r.t[2], r.t[1]);
	assert_int_equal(rmpsim_sim_blocked(s), 0);
	rmpsim_sim_destroy(s);
}

static void forever_blocked(struct rmpsim_sim *s, void *arg)
{
	(void)arg;
	rmpsim_sim_block(s);
}

static void blocked_processes_are_counted_and_freed(void **state)
{
	(void)state;
	struct rmpsim_sim *s = bare_sim(1, NULL, 1);
	assert_int_equal(rmpsim_sim_spawn(s, NULL, forever_blocked, NULL, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_int_equal(rmpsim_sim_blocked(s), 1);
	rmpsim_sim_destroy(s); /* ASan checks the stack and the process are freed */
}

struct yrec {
	uint64_t done[2];
	int id;
	struct yrec *shared;
};

static void yielder(struct rmpsim_sim *s, void *arg)
{
	struct yrec *y = arg;
	rmpsim_sim_compute(s, RMPSIM_NS(10));
	rmpsim_sim_yield(s);
	rmpsim_sim_compute(s, RMPSIM_NS(10));
	y->shared->done[y->id] = rmpsim_sim_now(s);
}

static void plain(struct rmpsim_sim *s, void *arg)
{
	struct yrec *y = arg;
	rmpsim_sim_compute(s, RMPSIM_NS(10));
	y->shared->done[y->id] = rmpsim_sim_now(s);
}

static void yield_lets_the_queued_process_run_first(void **state)
{
	(void)state;
	/* covers: A69 (cond_resched cost), A71 (FIFO, no time slices) */
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.context_switch_ps = 0;
	struct rmpsim_sim *s = bare_sim(1, &p, 1);
	struct yrec sh = { 0 };
	struct yrec y0 = { .id = 0, .shared = &sh }, y1 = { .id = 1, .shared = &sh };
	struct rmpsim_proc_attr a = { .cpu = 0 };

	assert_int_equal(rmpsim_sim_spawn(s, &a, yielder, &y0, NULL), 0);
	assert_int_equal(rmpsim_sim_spawn(s, &a, plain, &y1, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	uint64_t r = p.cond_resched_ps;
	/* yielder: 10 ns, cond_resched r, then behind `plain` (10 ns), then 10 ns. */
	assert_int_equal(sh.done[1], RMPSIM_NS(10) + r + RMPSIM_NS(10));
	assert_int_equal(sh.done[0], RMPSIM_NS(30) + r);
	rmpsim_sim_destroy(s);
}

static void unbound_body(struct rmpsim_sim *s, void *arg)
{
	unsigned *cpu = arg;
	*cpu = rmpsim_sim_cpu(s);
	rmpsim_sim_compute(s, RMPSIM_US(1));
}

static void unbound_processes_spread_over_idle_cpus(void **state)
{
	(void)state;
	/* covers: A70 */
	unsigned placements[8][4];
	for (uint64_t seed = 0; seed < 8; seed++) {
		struct rmpsim_sim *s = bare_sim(16, NULL, seed);
		unsigned cpu[4];
		for (int i = 0; i < 4; i++)
			assert_int_equal(rmpsim_sim_spawn(s, NULL, unbound_body, &cpu[i], NULL), 0);
		assert_int_equal(rmpsim_sim_run(s), 0);
		/* All four ran at once on distinct idle CPUs. */
		for (int i = 0; i < 4; i++)
			for (int j = i + 1; j < 4; j++)
				assert_int_not_equal(cpu[i], cpu[j]);
		assert_int_equal(rmpsim_sim_now(s),
				 rmpsim_profile_default()->context_switch_ps + RMPSIM_US(1));
		memcpy(placements[seed], cpu, sizeof(cpu));
		rmpsim_sim_destroy(s);
	}
	/* The seed decides the placement: not all eight seeds agree. */
	int differ = 0;
	for (int k = 1; k < 8; k++)
		differ += memcmp(placements[0], placements[k], sizeof(placements[0])) != 0;
	assert_true(differ > 0);
}

static void pinned_body(struct rmpsim_sim *s, void *arg)
{
	unsigned *cpus = arg;
	rmpsim_sim_migrate_disable(s);
	cpus[0] = rmpsim_sim_cpu(s);
	for (int i = 1; i < 4; i++) {
		rmpsim_sim_compute(s, RMPSIM_NS(5));
		rmpsim_sim_yield(s);
		cpus[i] = rmpsim_sim_cpu(s);
	}
	rmpsim_sim_migrate_enable(s);
}

static void hog(struct rmpsim_sim *s, void *arg)
{
	(void)arg;
	for (int i = 0; i < 4; i++) {
		rmpsim_sim_compute(s, RMPSIM_NS(5));
		rmpsim_sim_yield(s);
	}
}

static void migrate_disable_keeps_the_cpu(void **state)
{
	(void)state;
	struct rmpsim_sim *s = bare_sim(8, NULL, 3);
	unsigned cpus[4];
	struct rmpsim_proc *pr;
	assert_int_equal(rmpsim_sim_spawn(s, NULL, pinned_body, cpus, &pr), 0);
	/* Something else queued on the same CPU forces real yields. */
	struct rmpsim_proc_attr a = { .cpu = rmpsim_proc_cpu(pr) };
	assert_int_equal(rmpsim_sim_spawn(s, &a, hog, NULL, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	for (int i = 1; i < 4; i++)
		assert_int_equal(cpus[i], cpus[0]);
	assert_int_equal(rmpsim_sim_bugs(s), 0);
	rmpsim_sim_destroy(s);
}

static void mark_body(struct rmpsim_sim *s, void *arg)
{
	(void)arg;
	assert_int_equal(rmpsim_sim_mark(s, "rmpopt_pass_start", 0, 1ull << 41), 0);
	rmpsim_sim_compute(s, RMPSIM_NS(7));
	assert_int_equal(rmpsim_sim_mark(s, "rmpopt_leader_done", 5, 0), 0);
}

static void marks_read_back_in_order(void **state)
{
	(void)state;
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.context_switch_ps = 0;
	struct rmpsim_sim *s = bare_sim(8, &p, 1);
	struct rmpsim_proc_attr a = { .cpu = 5 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, mark_body, NULL, NULL), 0);
	assert_int_equal(rmpsim_sim_mark(s, "engine", 1, 2), 0); /* outside any process */
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_int_equal(rmpsim_sim_mark_count(s), 3);
	const struct rmpsim_mark *m = rmpsim_sim_mark_get(s, 0);
	assert_string_equal(m->name, "engine");
	assert_int_equal(m->cpu, RMPSIM_CPU_ANY);
	m = rmpsim_sim_mark_get(s, 1);
	assert_string_equal(m->name, "rmpopt_pass_start");
	assert_int_equal(m->cpu, 5);
	assert_int_equal(m->time_ps, 0);
	assert_true(m->b == 1ull << 41);
	m = rmpsim_sim_mark_get(s, 2);
	assert_string_equal(m->name, "rmpopt_leader_done");
	assert_int_equal(m->time_ps, RMPSIM_NS(7));
	assert_int_equal(m->a, 5);
	assert_null(rmpsim_sim_mark_get(s, 3));
	rmpsim_sim_destroy(s);
}

struct mark_hook_seen {
	struct rmpsim_sim *sim;
	unsigned marks;
	char last[48];
};

static void mark_hook(void *ctx, const struct rmpsim_trace_rec *rec)
{
	struct mark_hook_seen *seen = ctx;
	const struct rmpsim_mark *m;

	if (rec->kind != RMPSIM_TRACE_MARK)
		return;
	/* The mark is readable from inside the hook that reports it. */
	m = rmpsim_sim_mark_get(seen->sim, rec->id);
	assert_non_null(m);
	assert_int_equal(m->a, rec->a);
	snprintf(seen->last, sizeof(seen->last), "%s", m->name);
	seen->marks++;
}

static void trace_hook_reads_the_mark_it_reports(void **state)
{
	(void)state;
	struct rmpsim_sim *s = bare_sim(8, NULL, 1);
	struct mark_hook_seen seen = { .sim = s };
	struct rmpsim_proc_attr a = { .cpu = 5 };

	rmpsim_sim_set_trace_hook(s, mark_hook, &seen);
	assert_int_equal(rmpsim_sim_spawn(s, &a, mark_body, NULL, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_int_equal(seen.marks, 2);
	assert_string_equal(seen.last, "rmpopt_leader_done");
	rmpsim_sim_destroy(s);
}

/* ---- a compute that ends before anything else is due (sched.c compute_inline) ---- */

struct computes {
	int n;	      /* computes of 100 ns */
	bool arm_tie; /* before the third, a timer at its end */
	struct rmpsim_timer tie;
	int fired;	/* the timer's */
	int fired_seen; /* what the process saw right after the third */
	uint64_t tie_at, fired_at;
};

static void tie_fire(struct rmpsim_sim *s, struct rmpsim_timer *t)
{
	struct computes *c = t->arg;
	c->fired++;
	c->fired_at = rmpsim_sim_now(s);
}

static void computes_body(struct rmpsim_sim *s, void *arg)
{
	struct computes *c = arg;
	for (int i = 0; i < c->n; i++) {
		if (i == 2 && c->arm_tie) {
			c->tie_at = rmpsim_sim_now(s) + RMPSIM_NS(100);
			assert_int_equal(rmpsim_sim_timer_add(s, &c->tie, c->tie_at), 0);
		}
		rmpsim_sim_compute(s, RMPSIM_NS(100));
		if (i == 2)
			c->fired_seen = c->fired;
	}
}

static void run_computes(struct computes *c, struct rmpsim_queue_stats *qs, uint64_t *events)
{
	struct rmpsim_sim *s = bare_sim(1, NULL, 1);
	struct rmpsim_proc_attr a = { .name = "computes", .cpu = 0 };
	rmpsim_timer_init(&c->tie, tie_fire, c);
	assert_int_equal(rmpsim_sim_spawn(s, &a, computes_body, c, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	rmpsim_sim_queue_stats(s, qs);
	*events = rmpsim_sim_events(s);
	rmpsim_sim_destroy(s);
}

/*
 * A process's compute that ends before any queued event is taken without
 * the queue, but counts as if queued: each is one insert of its delay, one
 * dispatch, one event (compared between 5 and 3 computes, all of them with
 * nothing else queued). An event queued for the very time a compute ends
 * (a timer armed before it) still goes first: it was queued first.
 */
static void computes_count_as_queued_events(void **state)
{
	(void)state;
	struct computes five = { .n = 5 }, three = { .n = 3 };
	struct rmpsim_queue_stats q5, q3;
	uint64_t e5, e3;
	run_computes(&five, &q5, &e5);
	run_computes(&three, &q3, &e3);
	unsigned bin = 64 - (unsigned)__builtin_clzll(RMPSIM_NS(100)); /* floor(log2(100 ns)) + 1 */
	assert_int_equal(q5.inserts - q3.inserts, 2);
	assert_int_equal(q5.dispatches - q3.dispatches, 2);
	assert_int_equal(q5.delay_log2[bin] - q3.delay_log2[bin], 2);
	assert_int_equal(e5 - e3, 2);
	assert_int_equal(q5.max_pending, q3.max_pending);
	assert_true(q5.max_pending >= 1); /* the resume counted as queued */

	struct computes tie = { .n = 5, .arm_tie = true };
	struct rmpsim_queue_stats qt;
	uint64_t et;
	run_computes(&tie, &qt, &et);
	assert_int_equal(tie.fired, 1);
	assert_int_equal(tie.fired_at, tie.tie_at);
	assert_int_equal(tie.fired_seen, 1); /* the timer, queued first, went first */
	assert_int_equal(et, e5 + 1);
	assert_int_equal(qt.inserts, q5.inserts + 1);
	assert_int_equal(qt.max_pending, q5.max_pending + 1); /* the timer and the resume */
}

static void noop(struct rmpsim_sim *s, void *arg)
{
	(void)arg;
	rmpsim_sim_compute(s, 1);
}

/* For a timer that is cancelled before its time (a timer needs a function: sim.h "Bad input"). */
static void never_fires(struct rmpsim_sim *s, struct rmpsim_timer *t)
{
	(void)s;
	(void)t;
	fail_msg("a cancelled timer fired");
}

static void allocation_failures_leave_nothing(void **state)
{
	(void)state;
	/* Move the failure point over every allocation of create + spawn + timer + mark. */
	int successes = 0;
	for (long budget = 0; budget < 40; budget++) {
		struct failing_alloc fa;
		failing_alloc_init(&fa, budget);
		struct rmpsim_sim_topology t = { .ncpus = 4, .threads_per_core = 2, .nodes = 2 };
		struct rmpsim_sim *s = NULL;
		int r = rmpsim_sim_create_bare(&fa.alloc, &t, NULL, 1, &s);
		if (r) {
			assert_int_equal(r, -ENOMEM);
			assert_null(s);
			assert_int_equal(fa.live_bytes, 0);
			continue;
		}
		rmpsim_sim_set_stack_size(s, 32768);
		struct rmpsim_proc *pr = NULL;
		r = rmpsim_sim_spawn(s, NULL, noop, NULL, &pr);
		assert_true(r == 0 || r == -ENOMEM);
		if (r)
			assert_null(pr);
		struct rmpsim_timer tm;
		rmpsim_timer_init(&tm, never_fires, NULL);
		int rt = rmpsim_sim_timer_add(s, &tm, RMPSIM_TIME_NEVER - 1);
		assert_true(rt == 0 || rt == -ENOMEM);
		assert_int_equal(rmpsim_timer_pending(&tm), rt == 0);
		if (rt == 0)
			rmpsim_sim_timer_cancel(s, &tm);
		int rm = rmpsim_sim_mark(s, "m", 0, 0);
		assert_int_equal(rmpsim_sim_mark_count(s), rm == 0);
		assert_int_equal(rmpsim_sim_run(s), 0);
		if (r == 0) {
			assert_true(rmpsim_proc_done(pr));
			successes++;
		}
		rmpsim_sim_destroy(s);
		assert_int_equal(fa.live_bytes, 0);
	}
	assert_true(successes > 0);
}

static void bad_arguments(void **state)
{
	(void)state;
	struct rmpsim_sim *s = NULL;
	struct rmpsim_sim_topology t = { .ncpus = 3, .threads_per_core = 2, .nodes = 1 };
	assert_int_equal(rmpsim_sim_create_bare(NULL, &t, NULL, 1, &s), -EINVAL);
	assert_null(s);
	t.ncpus = 0;
	assert_int_equal(rmpsim_sim_create_bare(NULL, &t, NULL, 1, &s), -EINVAL);
	s = bare_sim(2, NULL, 1);
	struct rmpsim_proc_attr a = { .cpu = 2 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, noop, NULL, NULL), -EINVAL);
	assert_int_equal(rmpsim_sim_spawn(s, NULL, NULL, NULL, NULL), -EINVAL);
	rmpsim_sim_destroy(s);
}

static void topology_follows_linux_numbering(void **state)
{
	(void)state;
	struct rmpsim_sim *s = NULL;
	struct rmpsim_sim_topology t = { .ncpus = 8, .threads_per_core = 2, .nodes = 2 };
	assert_int_equal(rmpsim_sim_create_bare(NULL, &t, NULL, 1, &s), 0);
	/* 4 cores: CPUs 0-3 are first threads, 4-7 their siblings; cores 0-1 node 0. */
	assert_int_equal(rmpsim_sim_cpu_core(s, 5), 1);
	assert_true(rmpsim_sim_cpu_is_primary(s, 3));
	assert_false(rmpsim_sim_cpu_is_primary(s, 4));
	assert_int_equal(rmpsim_sim_cpu_node(s, 1), 0);
	assert_int_equal(rmpsim_sim_cpu_node(s, 6), 1);
	assert_int_equal(rmpsim_sim_ncpus(s), 8);
	rmpsim_sim_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers_fire_in_time_then_insertion_order),
		cmocka_unit_test(run_limits_stop_before_the_next_event),
		cmocka_unit_test(process_computes_and_sleeps),
		cmocka_unit_test(block_and_wake_with_token),
		cmocka_unit_test(blocked_processes_are_counted_and_freed),
		cmocka_unit_test(yield_lets_the_queued_process_run_first),
		cmocka_unit_test(unbound_processes_spread_over_idle_cpus),
		cmocka_unit_test(migrate_disable_keeps_the_cpu),
		cmocka_unit_test(marks_read_back_in_order),
		cmocka_unit_test(trace_hook_reads_the_mark_it_reports),
		cmocka_unit_test(computes_count_as_queued_events),
		cmocka_unit_test(allocation_failures_leave_nothing),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(topology_follows_linux_numbering),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
