/* SPDX-License-Identifier: MIT */
/*
 * Batched IPI calls (ipi.c "Batched calls", rmpsim_sim_set_ipi_batching) are
 * an engine optimisation only: randomised IPI-heavy workloads run once
 * batched and once unbatched (one queued event per delivery and per handler
 * end, the reference) must agree exactly on the whole trace (every record the
 * hook sees, in order), per-CPU statistics, marks, bugs, final time, trace
 * hash, event counts, queue statistics (but the number of dispatches), and on
 * what the handlers themselves saw while they ran.
 *
 * The workloads mix what makes a target take the exact slow path: targets
 * busy computing (preempted), with interrupts off (deferred), already in a
 * handler (queued back to back), overlapping calls from several processes,
 * with and without wait, local execution, single targets; handlers that
 * queue events of their own (timers, wake-ups) inside a batch, contend for
 * the RMP home queue, read other CPUs' statistics and mark; runs cut by
 * run_until limits and rmpsim_sim_stop().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/machine.h>
#include <rmpsim/sim.h>

#include "base/rng.h"
#include "sim_test_util.h"

#define NCPU   72 /* two mask words, the second partial */
#define NPROC  10
#define NWORDS ((NCPU + 63) / 64)

struct log {
	uint64_t *v;
	size_t n, cap;
};

static void log_put(struct log *l, uint64_t x)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4096;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->n++] = x;
}

struct world {
	struct rmpsim_sim *sim;
	struct rmpsim_rng hrng; /* the handlers' choices: drawn in handler order */
	struct log trace, seen;
	struct rmpsim_proc *procs[NPROC];
	struct rmpsim_proc *sleeper;
	struct rmpsim_timer timers[4];
	unsigned ntimers;
	unsigned stop_at_call; /* a handler stops the run at this call count */
	uint64_t calls;
	unsigned variant;
};

struct pctx {
	struct world *w;
	unsigned id;
};

static void hook(void *ctx, const struct rmpsim_trace_rec *r)
{
	struct world *w = ctx;
	log_put(&w->trace, r->time_ps);
	log_put(&w->trace, (uint64_t)r->kind << 32 | r->cpu);
	log_put(&w->trace, r->id);
	log_put(&w->trace, r->a);
}

static void timer_fn(struct rmpsim_sim *s, struct rmpsim_timer *t)
{
	struct world *w = t->arg;
	log_put(&w->seen, 0x7100 + rmpsim_sim_now(s));
	if (w->sleeper)
		rmpsim_sim_wake(s, w->sleeper);
}

static void handler(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	struct world *w = arg;
	uint64_t r = rmpsim__rng_next(&w->hrng);
	struct rmpsim_cpu_stats st;

	w->calls++;
	log_put(&w->seen, rmpsim_sim_now(s));
	log_put(&w->seen, cpu);
	log_put(&w->seen, rmpsim_sim_pending(s));
	log_put(&w->seen, rmpsim_sim_events(s));
	log_put(&w->seen, rmpsim_sim_trace_hash(s));
	/* Look at a neighbour, possibly in a handler right now. */
	assert_int_equal(rmpsim_sim_cpu_stats(s, (cpu + 1 + (unsigned)(r % 5)) % NCPU, &st), 0);
	log_put(&w->seen, st.busy_ps);
	log_put(&w->seen, st.irqoff_max_ps);
	log_put(&w->seen, st.ipis);
	switch ((r >> 8) % 8) {
	case 0:
		rmpsim_sim_charge_verify(s,
					 &(struct rmpsim_verify){ .region = (r >> 24) % 8,
								  .first_busy = -1,
								  .home_node = cpu % 3 },
					 NULL);
		break;
	case 1:
		rmpsim_sim_charge_verify(
			s, &(struct rmpsim_verify){ .region = (r >> 24) % 8, .first_busy = (r >> 16) % 64 },
			NULL);
		break;
	case 2: rmpsim_sim_charge_verify(s, &(struct rmpsim_verify){ .region = 3, .gen = 1 }, NULL); break;
	case 3: rmpsim_sim_compute(s, RMPSIM_NS((r >> 16) % 900)); break;
	case 4:
		/* An event of its own, inside the batch (maybe before the call's next step). */
		if (w->ntimers < 4 && !rmpsim_timer_pending(&w->timers[w->ntimers % 4])) {
			struct rmpsim_timer *t = &w->timers[w->ntimers++ % 4];
			assert_int_equal(rmpsim_sim_timer_add(s, t, rmpsim_sim_now(s) + (r >> 16) % 400), 0);
		}
		break;
	case 5:
		if (w->sleeper)
			rmpsim_sim_wake(s, w->sleeper);
		rmpsim_sim_compute(s, RMPSIM_NS(50));
		break;
	case 6: assert_int_equal(rmpsim_sim_mark(s, "in_handler", cpu, r & 0xff), 0); break;
	default: break; /* overhead only: ends tie with deliveries */
	}
	if (w->stop_at_call && w->calls == w->stop_at_call)
		rmpsim_sim_stop(s);
}

static void rand_mask(struct rmpsim_rng *rng, unsigned long *mask)
{
	memset(mask, 0, NWORDS * sizeof(*mask));
	unsigned kind = (unsigned)rmpsim__rng_below(rng, 4);
	for (unsigned c = 0; c < NCPU; c++) {
		bool on = kind == 0   ? rmpsim__rng_below(rng, 2)	 /* half */
			  : kind == 1 ? true				 /* all */
			  : kind == 2 ? c % 2 == 1			 /* primary-like */
				      : rmpsim__rng_below(rng, 10) == 0; /* a few */
		if (on)
			mask_set(mask, c);
	}
}

static void proc_body(struct rmpsim_sim *s, void *arg)
{
	struct pctx *pc = arg;
	struct world *w = pc->w;
	struct rmpsim_rng rng;
	unsigned long mask[NWORDS];

	rmpsim__rng_seed(&rng, 77 + pc->id * 1000 + w->variant);
	for (int i = 0; i < 25; i++) {
		uint64_t op = rmpsim__rng_below(&rng, 10);
		if (op <= 2) {
			rand_mask(&rng, mask);
			unsigned flags = (unsigned)rmpsim__rng_below(&rng, 4); /* WAIT, LOCAL combinations */
			assert_int_equal(rmpsim_sim_ipi_many(s, mask, handler, w, flags), 0);
		} else if (op == 3) {
			unsigned cpu = (unsigned)rmpsim__rng_below(&rng, NCPU);
			assert_int_equal(rmpsim_sim_ipi_one(s, cpu, handler, w, RMPSIM_IPI_WAIT), 0);
		} else if (op == 4) {
			rmpsim_sim_compute(s, RMPSIM_NS(100) * (1 + rmpsim__rng_below(&rng, 400)));
		} else if (op == 5) {
			/* Interrupts off for a while: deliveries here wait. */
			rmpsim_sim_irq_disable(s);
			rmpsim_sim_compute(s, RMPSIM_NS(100) * (1 + rmpsim__rng_below(&rng, 100)));
			rmpsim_sim_irq_enable(s);
		} else if (op == 6) {
			rmpsim_sim_sleep(s, RMPSIM_NS(50) * rmpsim__rng_below(&rng, 200));
		} else if (op == 7) {
			rmpsim_sim_yield(s);
		} else if (op == 8) {
			assert_int_equal(rmpsim_sim_mark(s, "proc", pc->id, (uint64_t)i), 0);
		} else {
			rmpsim_sim_compute(s, rmpsim__rng_below(&rng, 3)); /* tiny, may tie */
		}
	}
}

static void sleeper_body(struct rmpsim_sim *s, void *arg)
{
	struct world *w = arg;
	for (int i = 0; i < 6; i++) {
		rmpsim_sim_block(s);
		rmpsim_sim_compute(s, RMPSIM_NS(300));
	}
	w->sleeper = NULL;
}

struct outcome {
	struct log trace, seen;
	struct rmpsim_cpu_stats st[NCPU];
	struct rmpsim_queue_stats qs;
	uint64_t now, hash, events, bugs, calls;
	size_t pending, nmarks;
	struct rmpsim_mark *marks;
	unsigned blocked;
};

/* cut: 0 = rmpsim_sim_run; else run_until in steps of cut ps. */
static void run_world(unsigned variant, bool batching, uint64_t cut, unsigned stop_at, struct outcome *o)
{
	struct rmpsim_sim_topology t = { .ncpus = NCPU, .threads_per_core = 2, .nodes = 3 };
	struct world w;
	struct pctx pc[NPROC];

	memset(&w, 0, sizeof(w));
	memset(o, 0, sizeof(*o));
	assert_int_equal(rmpsim_sim_create_bare(NULL, &t, NULL, 5 + variant, &w.sim), 0);
	struct rmpsim_sim *s = w.sim;
	rmpsim_sim_set_stack_size(s, 64 * 1024);
	rmpsim_sim_set_ipi_batching(s, batching);
	rmpsim_sim_set_trace_hook(s, hook, &w);
	rmpsim__rng_seed(&w.hrng, 900 + variant);
	w.variant = variant;
	w.stop_at_call = stop_at;
	for (unsigned i = 0; i < 4; i++)
		rmpsim_timer_init(&w.timers[i], timer_fn, &w);
	for (unsigned i = 0; i < NPROC; i++) {
		pc[i].w = &w;
		pc[i].id = i;
		/* Some bound (overlapping senders on known CPUs), some placed by A70. */
		struct rmpsim_proc_attr a = { .name = "p", .cpu = i % 3 ? (i * 7) % NCPU : RMPSIM_CPU_ANY };
		assert_int_equal(rmpsim_sim_spawn(s, &a, proc_body, &pc[i], &w.procs[i]), 0);
	}
	struct rmpsim_proc_attr sa = { .name = "sleeper", .cpu = 5 };
	assert_int_equal(rmpsim_sim_spawn(s, &sa, sleeper_body, &w, &w.sleeper), 0);

	if (cut) {
		uint64_t limit = 0;
		while (rmpsim_sim_pending(s)) {
			limit += cut;
			assert_int_equal(rmpsim_sim_run_until(s, limit), 0);
			log_put(&w.seen, 0xc0000000 + rmpsim_sim_now(s));
			log_put(&w.seen, rmpsim_sim_pending(s));
		}
	} else {
		while (rmpsim_sim_pending(s)) { /* a stop ends one run; go on */
			assert_int_equal(rmpsim_sim_run(s), 0);
			log_put(&w.seen, 0x5000000 + rmpsim_sim_now(s));
		}
	}
	for (unsigned c = 0; c < NCPU; c++)
		assert_int_equal(rmpsim_sim_cpu_stats(s, c, &o->st[c]), 0);
	rmpsim_sim_queue_stats(s, &o->qs);
	o->now = rmpsim_sim_now(s);
	o->hash = rmpsim_sim_trace_hash(s);
	o->events = rmpsim_sim_events(s);
	o->bugs = rmpsim_sim_bugs(s);
	o->pending = rmpsim_sim_pending(s);
	o->blocked = rmpsim_sim_blocked(s);
	o->calls = w.calls;
	o->nmarks = rmpsim_sim_mark_count(s);
	o->marks = calloc(o->nmarks + 1, sizeof(*o->marks));
	for (size_t i = 0; i < o->nmarks; i++)
		o->marks[i] = *rmpsim_sim_mark_get(s, i);
	o->trace = w.trace;
	o->seen = w.seen;
	rmpsim_sim_destroy(s);
}

static void outcome_free(struct outcome *o)
{
	free(o->trace.v);
	free(o->seen.v);
	free(o->marks);
}

static void assert_same(const struct outcome *a, const struct outcome *b)
{
	assert_int_equal(a->trace.n, b->trace.n);
	for (size_t i = 0; i < a->trace.n; i += 4) {
		if (memcmp(&a->trace.v[i], &b->trace.v[i], 4 * sizeof(uint64_t)))
			fail_msg("trace record %zu differs: t %llu kind/cpu %llx id %llu a %llu vs t %llu "
				 "kind/cpu "
				 "%llx id %llu a %llu",
				 i / 4, (unsigned long long)a->trace.v[i],
				 (unsigned long long)a->trace.v[i + 1], (unsigned long long)a->trace.v[i + 2],
				 (unsigned long long)a->trace.v[i + 3], (unsigned long long)b->trace.v[i],
				 (unsigned long long)b->trace.v[i + 1], (unsigned long long)b->trace.v[i + 2],
				 (unsigned long long)b->trace.v[i + 3]);
	}
	assert_int_equal(a->seen.n, b->seen.n);
	for (size_t i = 0; i < a->seen.n; i++)
		if (a->seen.v[i] != b->seen.v[i])
			fail_msg("handler observation %zu differs: %llu vs %llu", i,
				 (unsigned long long)a->seen.v[i], (unsigned long long)b->seen.v[i]);
	for (unsigned c = 0; c < NCPU; c++)
		if (memcmp(&a->st[c], &b->st[c], sizeof(a->st[c])))
			fail_msg(
				"cpu %u stats differ: busy %llu/%llu handler %llu/%llu ipis %llu/%llu irqoff "
				"%llu/%llu",
				c, (unsigned long long)a->st[c].busy_ps, (unsigned long long)b->st[c].busy_ps,
				(unsigned long long)a->st[c].handler_ps,
				(unsigned long long)b->st[c].handler_ps, (unsigned long long)a->st[c].ipis,
				(unsigned long long)b->st[c].ipis, (unsigned long long)a->st[c].irqoff_max_ps,
				(unsigned long long)b->st[c].irqoff_max_ps);
	assert_int_equal(a->nmarks, b->nmarks);
	assert_memory_equal(a->marks, b->marks, a->nmarks * sizeof(*a->marks));
	assert_int_equal(a->now, b->now);
	assert_true(a->hash == b->hash);
	assert_int_equal(a->events, b->events);
	assert_int_equal(a->bugs, b->bugs);
	assert_int_equal(a->pending, b->pending);
	assert_int_equal(a->blocked, b->blocked);
	assert_int_equal(a->calls, b->calls);
	/* The queue traffic is what batching changes; what was queued is not. */
	assert_int_equal(a->qs.inserts, b->qs.inserts);
	assert_int_equal(a->qs.cancels, b->qs.cancels);
	assert_int_equal(a->qs.max_pending, b->qs.max_pending);
	assert_memory_equal(a->qs.delay_log2, b->qs.delay_log2, sizeof(a->qs.delay_log2));
}

static void compare(unsigned variant, uint64_t cut, unsigned stop_at, uint64_t *ret_dispatch_on,
		    uint64_t *ret_dispatch_off, uint64_t *ret_calls)
{
	struct outcome on, off;
	run_world(variant, true, cut, stop_at, &on);
	run_world(variant, false, cut, stop_at, &off);
	assert_same(&on, &off);
	assert_true(on.qs.dispatches <= off.qs.dispatches);
	*ret_dispatch_on += on.qs.dispatches;
	*ret_dispatch_off += off.qs.dispatches;
	*ret_calls += on.calls;
	outcome_free(&on);
	outcome_free(&off);
}

static void random_workloads_batched_equal_unbatched(void **state)
{
	(void)state;
	uint64_t d_on = 0, d_off = 0, calls = 0;
	for (unsigned v = 0; v < 24; v++)
		compare(v, 0, 0, &d_on, &d_off, &calls);
	print_message("24 workloads: %llu handlers; queue dispatches %llu batched, %llu unbatched\n",
		      (unsigned long long)calls, (unsigned long long)d_on, (unsigned long long)d_off);
	assert_true(calls > 10000); /* the workloads really are IPI-heavy */
	assert_true(d_on < d_off);  /* and batching really batched */
}

static void run_until_cuts_and_stops_are_equal(void **state)
{
	(void)state;
	uint64_t d_on = 0, d_off = 0, calls = 0;
	static const uint64_t cuts[] = { 997, 13001, 250000 };
	for (unsigned v = 0; v < 6; v++)
		compare(100 + v, cuts[v % 3], 0, &d_on, &d_off, &calls);
	for (unsigned v = 0; v < 6; v++)
		compare(200 + v, v % 2 ? 7919 : 0, 37 + 211 * v, &d_on, &d_off, &calls);
}

/* A leader/follower pass as in bench/sim: idle followers, the fast case. */
struct pass {
	unsigned long mask[NWORDS];
	struct world *w;
};

static void pass_body(struct rmpsim_sim *s, void *arg)
{
	struct pass *p = arg;
	for (int r = 0; r < 20; r++) {
		assert_int_equal(rmpsim_sim_ipi_many(s, p->mask, handler, p->w, RMPSIM_IPI_WAIT), 0);
		rmpsim_sim_yield(s);
	}
}

static void follower_pass_equal_and_batched(void **state)
{
	(void)state;
	struct outcome o[2];
	for (int b = 0; b < 2; b++) {
		struct rmpsim_sim_topology t = { .ncpus = NCPU, .threads_per_core = 2, .nodes = 2 };
		struct world w;
		struct pass p;
		memset(&w, 0, sizeof(w));
		memset(&p, 0, sizeof(p));
		memset(&o[b], 0, sizeof(o[b]));
		assert_int_equal(rmpsim_sim_create_bare(NULL, &t, NULL, 1, &w.sim), 0);
		rmpsim_sim_set_stack_size(w.sim, 64 * 1024);
		rmpsim_sim_set_ipi_batching(w.sim, b == 0);
		rmpsim_sim_set_trace_hook(w.sim, hook, &w);
		rmpsim__rng_seed(&w.hrng, 3);
		p.w = &w;
		for (unsigned c = 1; c < NCPU / 2; c++)
			mask_set(p.mask, c);
		struct rmpsim_proc_attr a = { .name = "leader", .cpu = 0 };
		assert_int_equal(rmpsim_sim_spawn(w.sim, &a, pass_body, &p, NULL), 0);
		assert_int_equal(rmpsim_sim_run(w.sim), 0);
		for (unsigned c = 0; c < NCPU; c++)
			assert_int_equal(rmpsim_sim_cpu_stats(w.sim, c, &o[b].st[c]), 0);
		rmpsim_sim_queue_stats(w.sim, &o[b].qs);
		o[b].now = rmpsim_sim_now(w.sim);
		o[b].hash = rmpsim_sim_trace_hash(w.sim);
		o[b].events = rmpsim_sim_events(w.sim);
		o[b].calls = w.calls;
		o[b].nmarks = rmpsim_sim_mark_count(w.sim);
		o[b].marks = calloc(o[b].nmarks + 1, sizeof(*o[b].marks));
		for (size_t i = 0; i < o[b].nmarks; i++)
			o[b].marks[i] = *rmpsim_sim_mark_get(w.sim, i);
		o[b].trace = w.trace;
		o[b].seen = w.seen;
		rmpsim_sim_destroy(w.sim);
	}
	assert_same(&o[0], &o[1]);
	assert_int_equal(o[0].calls, 20 * (NCPU / 2 - 1));
	/* Unbatched: a queued event per delivery and per end; batched: a few per call. */
	assert_true(o[1].qs.dispatches > 2 * o[0].calls);
	assert_true(o[0].qs.dispatches < o[1].qs.dispatches / 4);
	outcome_free(&o[0]);
	outcome_free(&o[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_workloads_batched_equal_unbatched),
		cmocka_unit_test(run_until_cuts_and_stops_are_equal),
		cmocka_unit_test(follower_pass_equal_and_batched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
