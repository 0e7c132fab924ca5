/* SPDX-License-Identifier: MIT */
/*
 * Handlers' ranged runs charged as events in time order (A300, src/sim/rmpopt_run.c),
 * reviewed from outside:
 *
 *  - a run limit cannot change a result: the same random script run straight
 *    and cut by rmpsim_sim_run_until (and by max_time limits) at random times,
 *    many of them inside runs in progress, gives the same per-CPU statistics,
 *    window and rises, machine counters and bits, marks, end time and trace
 *    hash (timers put their sequence numbers in the hash, so a cut that draws
 *    one more changes it);
 *  - a handler that does something after its run (a compute, an RMPOPT, a
 *    second run) settles the run there: with one handler at a time that is the
 *    handler's own loop of verifies (rmpsim_machine_rmpopt +
 *    rmpsim_sim_charge_rmpopt), to the picosecond;
 *  - a sim destroyed with runs in progress frees them (ASan);
 *  - out of memory on the way into a run is -ENOMEM and nothing half done.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/machine.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>

#include "base/rng.h"
#include "failing_alloc.h"
#include "machine_helpers.h"
#include "range_steps.h"
#include "sim/sim_internal.h"

/* The small machine with an RMP segment per GiB (the regions' RMP lines on
 * both nodes), SNP and RMPOPT up on every core. */
static struct rmpsim_machine *segmented_machine(enum rmpsim_rmpopt_cache cache)
{
	struct rmpsim_machine_config cfg;
	rmpsim_machine_config_default(&cfg);
	cfg.segment_shift = 30;
	cfg.cache = cache; /* NEVER: every verify of a run scans (the machine's general loop) */
	struct rmpsim_machine *m = small_machine(&cfg);
	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, true), 0);
	return m;
}

/* What a handler does around its run (verify_range). */
enum shape {
	RUN_ONLY,	  /* the run is its last act: it goes on after the handler (deferred) */
	RUN_THEN_COMPUTE, /* a compute after the run settles it */
	COMPUTE_THEN_RUN, /* the run starts after a charge */
	TWO_RUNS,	  /* the range in two runs: the first settled by the second */
	RUN_THEN_VERIFY,  /* an RMPOPT of its own after the run settles it */
	NSHAPES
};

enum mode { BY_RUN, BY_LOOP };

struct world {
	struct rmpsim_machine *m;
	enum mode mode;
	bool solo;
	uint64_t seed;
	uint64_t a, n, off; /* the handlers' range: n regions from a, RAX offset off */
	enum shape shape;
	uint64_t extra_ps; /* the handlers' compute */
	uint64_t marks;	   /* the window and rises read after each step, folded */
	struct rmpsim_timer timers[4];
	unsigned stops; /* timers that stopped the run */
	bool use_timers, timers_stop;
};

/* n regions from spa on cpu, one verify at a time (the loop a run stands for). */
static void loop_verifies(struct rmpsim_sim *s, struct world *w, unsigned cpu, uint64_t spa, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		struct rmpsim_insn_out r;
		assert_int_equal(rmpsim_machine_rmpopt(w->m, cpu, spa + i * GIB, RMPSIM_RMPOPT_FN_VERIFY, &r),
				 0);
		rmpsim_sim_charge_rmpopt(s, &r, spa + i * GIB);
	}
}

static void range(struct rmpsim_sim *s, struct world *w, unsigned cpu, uint64_t spa, uint64_t n)
{
	if (w->mode == BY_RUN)
		assert_int_equal(rmpsim_sim_rmpopt_run(s, spa, n), 0);
	else
		loop_verifies(s, w, cpu, spa, n);
}

static void verify_range(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	struct world *w = arg;
	uint64_t spa = w->a * GIB + w->off;
	switch (w->shape) {
	case RUN_ONLY: range(s, w, cpu, spa, w->n); break;
	case RUN_THEN_COMPUTE:
		range(s, w, cpu, spa, w->n);
		rmpsim_sim_compute(s, w->extra_ps);
		break;
	case COMPUTE_THEN_RUN:
		rmpsim_sim_compute(s, w->extra_ps);
		range(s, w, cpu, spa, w->n);
		break;
	case TWO_RUNS: {
		uint64_t k = (w->n + 1) / 2;
		range(s, w, cpu, spa, k);
		if (w->n > k)
			range(s, w, cpu, spa + k * GIB, w->n - k);
		break;
	}
	case RUN_THEN_VERIFY:
		range(s, w, cpu, spa, w->n);
		loop_verifies(s, w, cpu, spa, 1);
		break;
	default: fail();
	}
}

static void tick(struct rmpsim_sim *s, struct rmpsim_timer *t)
{
	struct world *w = t->arg;
	if (w->timers_stop && (rmpsim_timer_expires(t) >> 10) % 3 == 0) {
		w->stops++;
		rmpsim_sim_stop(s);
	}
}

static void script(struct rmpsim_sim *s, void *arg)
{
	struct world *w = arg;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, w->seed);
	for (int step = 0; step < 40; step++) {
		unsigned op = (unsigned)rmpsim__rng_below(&rng, 12);
		if (op < 5) { /* a call to random targets */
			struct range_call c;
			range_draw_call(&rng, w->solo, &c);
			w->a = c.a;
			w->n = c.n;
			w->off = c.off;
			w->shape = (enum shape)rmpsim__rng_below(&rng, NSHAPES);
			w->extra_ps = rmpsim__rng_below(&rng, 30000000);
			assert_int_equal(
				rmpsim_sim_ipi_many(s, c.mask, verify_range, w, c.wait ? RMPSIM_IPI_WAIT : 0),
				0);
			if (!c.wait) /* the handlers' range must stay until they ran */
				rmpsim_sim_sleep(s, 2000000000ull);
		} else if (op < 7) { /* the process's own verifies */
			range_step_own_verify(s, w->m, &rng);
		} else if (op < 9) { /* a page changes: the region's generation moves */
			range_step_page_change(w->m, &rng);
		} else if (op < 10 && w->use_timers) { /* a timer: its sequence number goes into the hash */
			struct rmpsim_timer *t = &w->timers[rmpsim__rng_below(&rng, 4)];
			assert_int_equal(rmpsim_sim_timer_add(s, t,
							      rmpsim_sim_now(s) +
								      rmpsim__rng_below(&rng, 3000000000ull)),
					 0);
		} else {
			rmpsim_sim_sleep(s, rmpsim__rng_below(&rng, 40000000));
		}
		/* The window and rises since the last step (as a report reads them at its marks). */
		uint64_t lo;
		w->marks = range_fold_window(s, w->marks, &lo);
		rmpsim_sim_mark(s, "step", (uint64_t)step, lo);
	}
}

/* A process on another CPU computing in slices: its events fall among the runs'
 * steps, and handlers preempt it. */
static void background(struct rmpsim_sim *s, void *arg)
{
	struct world *w = arg;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, w->seed * 7 + 1);
	for (int i = 0; i < 200; i++) {
		rmpsim_sim_compute(s, 1 + rmpsim__rng_below(&rng, 200000000));
		if (rmpsim__rng_below(&rng, 4) == 0)
			rmpsim_sim_sleep(s, rmpsim__rng_below(&rng, 100000000));
	}
}

struct snap {
	uint64_t now, hash, marks, win_lo, win_hi, runs, events;
	size_t nrises, nmarks;
	struct rmpsim_rise rises[RMPSIM_RISES_MAX];
	struct rmpsim_cpu_stats st[8];
	struct rmpsim_cpu_counters cnt[8];
	struct rmpsim_mark mk[64];
	bool opt[4][16];
	unsigned stops;
	uint64_t cuts_in_runs; /* limits that fell while runs were in progress */
};

/* How the run is driven: straight; cut by run_until at random limits; cut by
 * max_time limits. */
enum drive { STRAIGHT, RUN_UNTIL, MAX_TIME };

struct params {
	struct rmpsim_profile prof;
	enum rmpsim_rmpopt_cache cache;
	uint64_t seed;
	bool solo, background, timers, timers_stop, records;
	uint64_t cut_min, cut_max; /* the cuts' spacing */
};

static void count_rmpopt_records(void *ctx, const struct rmpsim_trace_rec *rec)
{
	*(uint64_t *)ctx += rec->kind == RMPSIM_TRACE_RMPOPT;
}

static void world_run(const struct params *pa, enum mode mode, enum drive drive, struct snap *sn)
{
	struct rmpsim_machine *m = segmented_machine(pa->cache);
	struct rmpsim_sim *s = NULL;
	assert_int_equal(rmpsim_sim_create(NULL, m, &pa->prof, pa->seed, &s), 0);
	rmpsim_sim_set_stack_size(s, 64 * 1024);
	static struct world w;
	memset(&w, 0, sizeof(w));
	w.m = m;
	w.mode = mode;
	w.solo = pa->solo;
	w.seed = pa->seed;
	w.use_timers = pa->timers;
	w.timers_stop = pa->timers_stop;
	for (unsigned i = 0; i < 4; i++)
		rmpsim_timer_init(&w.timers[i], tick, &w);
	/* Max-time limits with IPI steps batched and not (the same results,
	 * test_sim_batch.c): a batched call's inline steps stop at max_time too. */
	if (drive == MAX_TIME && pa->seed % 2)
		rmpsim_sim_set_ipi_batching(s, false);
	uint64_t records = 0;
	if (pa->records) /* every verify charged one by one, each leaving its record */
		rmpsim_sim_set_trace_hook(s, count_rmpopt_records, &records);
	struct rmpsim_proc_attr a = { .name = "script", .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, script, &w, NULL), 0);
	if (pa->background) {
		struct rmpsim_proc_attr b = { .name = "bg", .cpu = 7 };
		assert_int_equal(rmpsim_sim_spawn(s, &b, background, &w, NULL), 0);
	}
	memset(sn, 0, sizeof(*sn));
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, pa->seed ^ 0x5eed);
	uint64_t limit = 0;
	while (rmpsim_sim_pending(s)) {
		if (drive == STRAIGHT) {
			assert_int_equal(rmpsim_sim_run(s), 0);
			continue;
		}
		limit += pa->cut_min + rmpsim__rng_below(&rng, pa->cut_max - pa->cut_min);
		if (drive == RUN_UNTIL) {
			unsigned stops = w.stops;
			assert_int_equal(rmpsim_sim_run_until(s, limit), 0);
			if (w.stops == stops && rmpsim_sim_pending(s)) {
				/* Everything up to the limit done, nothing after it. */
				assert_int_equal(rmpsim_sim_now(s), limit);
				if (s->run_n) /* the runs' event stands for their earliest verify */
					assert_true(s->runs_ev.heap_index != RMPSIM__HEAP_NONE &&
						    s->runs_ev.time > limit);
			}
		} else {
			unsigned stops = w.stops;
			rmpsim_sim_set_limits(s, limit, 0, NULL, NULL);
			assert_int_equal(rmpsim_sim_run(s), 0);
			if (w.stops == stops && rmpsim_sim_pending(s)) {
				/* Stopped before the first step after the limit. */
				assert_true(rmpsim_sim_limit_hit(s));
				assert_true(rmpsim_sim_now(s) <= limit);
				if (s->run_n)
					assert_true(s->runs_ev.heap_index != RMPSIM__HEAP_NONE &&
						    s->runs_ev.time > limit);
			}
		}
		sn->cuts_in_runs += s->run_n > 0;
	}
	sn->runs = rmpsim_sim_rmpopt_runs(s);
	if (mode == BY_RUN)
		assert_true(sn->runs > 0);
	else
		assert_int_equal(sn->runs, 0);
	sn->now = rmpsim_sim_now(s);
	sn->events = rmpsim_sim_events(s);
	sn->hash = rmpsim_sim_trace_hash(s);
	sn->marks = w.marks;
	sn->stops = w.stops;
	rmpsim_sim_rmpopt_window(s, &sn->win_lo, &sn->win_hi);
	sn->nrises = rmpsim_sim_rmpopt_rises(s, sn->rises, RMPSIM_RISES_MAX);
	uint64_t executed = 0;
	for (unsigned c = 0; c < 8; c++) {
		assert_int_equal(rmpsim_sim_cpu_stats(s, c, &sn->st[c]), 0);
		rmpsim_machine_counters(m, c, &sn->cnt[c]);
		for (unsigned k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
			executed += sn->st[c].rmpopt[k];
	}
	if (pa->records)
		assert_int_equal(records, executed);
	sn->nmarks = rmpsim_sim_mark_count(s);
	assert_true(sn->nmarks <= 64);
	for (size_t i = 0; i < sn->nmarks; i++)
		sn->mk[i] = *rmpsim_sim_mark_get(s, i);
	for (unsigned core = 0; core < 4; core++)
		for (uint64_t r = 0; r < 16; r++)
			sn->opt[core][r] = rmpsim_machine_region_optimized(m, core, r);
	rmpsim_sim_destroy(s);
	rmpsim_machine_destroy(m);
}

static void assert_same(const struct snap *a, const struct snap *b, bool hash, bool events)
{
	assert_int_equal(a->now, b->now);
	if (hash)
		assert_int_equal(a->hash, b->hash);
	if (events)
		assert_int_equal(a->events, b->events);
	assert_int_equal(a->marks, b->marks);
	assert_int_equal(a->win_lo, b->win_lo);
	assert_int_equal(a->win_hi, b->win_hi);
	range_assert_same_rises(a->rises, a->nrises, b->rises, b->nrises);
	for (unsigned c = 0; c < 8; c++) {
		if (memcmp(&a->st[c], &b->st[c], sizeof(a->st[c])))
			fail_msg("cpu %u: rmpopt_ps %llu / %llu, handler %llu / %llu, busy %llu / %llu, ipis "
				 "%llu / %llu",
				 c, (unsigned long long)a->st[c].rmpopt_ps,
				 (unsigned long long)b->st[c].rmpopt_ps,
				 (unsigned long long)a->st[c].handler_ps,
				 (unsigned long long)b->st[c].handler_ps,
				 (unsigned long long)a->st[c].busy_ps, (unsigned long long)b->st[c].busy_ps,
				 (unsigned long long)a->st[c].ipis, (unsigned long long)b->st[c].ipis);
		assert_memory_equal(&a->cnt[c], &b->cnt[c], sizeof(a->cnt[c]));
	}
	assert_int_equal(a->nmarks, b->nmarks);
	assert_memory_equal(a->mk, b->mk, a->nmarks * sizeof(a->mk[0]));
	assert_memory_equal(a->opt, b->opt, sizeof(a->opt));
	assert_int_equal(a->stops, b->stops);
}

static void random_params(struct rmpsim_rng *rng, struct params *pa)
{
	memset(pa, 0, sizeof(*pa));
	pa->prof = *rmpsim_profile_default();
	if (rmpsim__rng_below(rng, 2))
		pa->prof.l3_bytes = (1 + rmpsim__rng_below(rng, 12)) * 512 * 64;
	if (rmpsim__rng_below(rng, 2))
		pa->prof.node_bw_mbps = 320 + rmpsim__rng_below(rng, 3000);
	if (rmpsim__rng_below(rng, 4) == 0)
		pa->prof.rmpopt_contention = false;
	if (rmpsim__rng_below(rng, 4) == 0)
		pa->prof.rmpopt_scan = RMPSIM_SCAN_4K;
	pa->prof.misses_in_flight = 1 + rmpsim__rng_below(rng, 12);
	pa->seed = 1 + rmpsim__rng_below(rng, 100000);
	pa->cache = rmpsim__rng_below(rng, 4) ? RMPSIM_RMPOPT_CACHE_ALWAYS : RMPSIM_RMPOPT_CACHE_NEVER;
}

/* covers: A300 (run limits inside runs in progress) */
static void cuts_inside_runs_change_nothing(void **state)
{
	(void)state;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, 300);
	uint64_t in_runs = 0, stops = 0;
	for (int iter = 0; iter < 12; iter++) {
		struct params pa;
		random_params(&rng, &pa);
		if (rmpsim__rng_below(&rng, 5) == 0)
			pa.prof.rmpopt_cache_scope = RMPSIM_SCOPE_L3; /* verify by verify */
		pa.background = iter % 2;
		pa.timers = true;
		pa.timers_stop = iter % 3 == 0;
		pa.records = iter % 4 == 3;
		pa.cut_min = 1 + rmpsim__rng_below(&rng, 3000000);
		pa.cut_max = pa.cut_min + 1 + rmpsim__rng_below(&rng, 300000000);
		static struct snap a, b, c;
		world_run(&pa, BY_RUN, STRAIGHT, &a);
		world_run(&pa, BY_RUN, RUN_UNTIL, &b);
		assert_same(&a, &b, true, true);
		world_run(&pa, BY_RUN, MAX_TIME, &c);
		assert_same(&a, &c, true, true);
		in_runs += b.cuts_in_runs + c.cuts_in_runs;
		stops += a.stops;
	}
	print_message("cuts inside runs in progress: %llu; timers' stops %llu\n", (unsigned long long)in_runs,
		      (unsigned long long)stops);
	assert_true(in_runs > 100);
	assert_true(stops > 0);
}

/* covers: A300 (settled runs: a handler that does something after its run) */
static void settled_runs_equal_the_loop(void **state)
{
	(void)state;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, 301);
	for (int iter = 0; iter < 16; iter++) {
		struct params pa;
		random_params(&rng, &pa);
		pa.solo = true;
		pa.background = iter % 2;
		static struct snap a, b;
		world_run(&pa, BY_RUN, STRAIGHT, &a);
		world_run(&pa, BY_LOOP, STRAIGHT, &b);
		assert_same(&a, &b, true, false); /* a run's steps are events of their own */
	}
}

/*
 * Runs that start at time 0 (an IPI that costs nothing, sent at the start):
 * a step's end there is 0, and a cut must not turn it into the limit.
 */
static void send_at_zero(struct rmpsim_sim *s, void *arg)
{
	struct world *w = arg;
	unsigned long mask[1] = { 0xeul };
	w->a = 0;
	w->n = 6;
	w->shape = RUN_ONLY;
	assert_int_equal(rmpsim_sim_ipi_many(s, mask, verify_range, w, RMPSIM_IPI_WAIT), 0);
}

static void zero_world(const struct rmpsim_profile *prof, uint64_t cut, bool max_time, struct snap *sn)
{
	struct rmpsim_machine *m = segmented_machine(RMPSIM_RMPOPT_CACHE_ALWAYS);
	struct rmpsim_sim *s = NULL;
	assert_int_equal(rmpsim_sim_create(NULL, m, prof, 1, &s), 0);
	rmpsim_sim_set_stack_size(s, 64 * 1024);
	static struct world w;
	memset(&w, 0, sizeof(w));
	w.m = m;
	struct rmpsim_proc_attr a = { .name = "zero", .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, send_at_zero, &w, NULL), 0);
	for (uint64_t limit = cut; rmpsim_sim_pending(s); limit += cut) {
		if (max_time) {
			rmpsim_sim_set_limits(s, limit, 0, NULL, NULL);
			assert_int_equal(rmpsim_sim_run(s), 0);
		} else {
			assert_int_equal(rmpsim_sim_run_until(s, cut ? limit : RMPSIM_TIME_NEVER), 0);
		}
	}
	memset(sn, 0, sizeof(*sn));
	sn->now = rmpsim_sim_now(s);
	sn->hash = rmpsim_sim_trace_hash(s);
	sn->events = rmpsim_sim_events(s);
	sn->runs = rmpsim_sim_rmpopt_runs(s);
	for (unsigned c = 0; c < 8; c++)
		assert_int_equal(rmpsim_sim_cpu_stats(s, c, &sn->st[c]), 0);
	rmpsim_sim_destroy(s);
	rmpsim_machine_destroy(m);
}

static void runs_starting_at_zero(void **state)
{
	(void)state;
	struct rmpsim_profile prof = *rmpsim_profile_default();
	prof.ipi_send_base_ps = prof.c2c_same_l3_ps = prof.c2c_other_l3_ps = prof.c2c_other_socket_ps = 0;
	prof.ipi_icr_write_ps = prof.ipi_delivery_ps = prof.ipi_delivery_remote_ps = 0;
	prof.idle_exit_ps = prof.deep_idle_exit_ps = prof.ipi_handler_overhead_ps = prof.context_switch_ps =
		0;
	prof.node_bw_mbps = 320; /* the runs' reads queue at the home: their order shows */
	static struct snap a, b;
	zero_world(&prof, 0, false, &a);
	assert_int_equal(a.runs, 3);
	for (int max_time = 0; max_time < 2; max_time++) {
		zero_world(&prof, 900000000, max_time, &b);
		assert_int_equal(a.now, b.now);
		assert_int_equal(a.hash, b.hash);
		assert_int_equal(a.events, b.events);
		for (unsigned c = 0; c < 8; c++)
			assert_memory_equal(&a.st[c], &b.st[c], sizeof(a.st[c]));
	}
}

/*
 * Ties between a run's verify and another event at the same time: the lower
 * sequence number goes first, as between any two events, and a run's verifies
 * all have the number drawn when it began (A301). A timer armed before the
 * run began (lower) sees the CPU's verifies that started before its time; one
 * armed after (higher) sees the verify that starts at its time too. The verifies' start times come from a
 * first pass's RMPOPT records (every verify charged one by one).
 */
struct tie_world {
	unsigned long mask; /* the handlers' CPUs (0: CPU 1 alone) */
	unsigned cpu;	    /* the one watched (with mask) */
	uint64_t starts[16];
	size_t nstarts;
	uint64_t at, arm_at; /* the observing timer's time; when to arm it (0: before the call) */
	struct rmpsim_timer obs, arm;
	uint64_t seen; /* the CPU's verifies the observing timer saw; UINT64_MAX: it never fired */
};

static void tie_record(void *ctx, const struct rmpsim_trace_rec *rec)
{
	struct tie_world *w = ctx;
	if (rec->kind == RMPSIM_TRACE_RMPOPT && rec->cpu == (w->mask ? w->cpu : 1) && w->nstarts < 16)
		w->starts[w->nstarts++] = rec->time_ps + RMPSIM_TRACE_RMPOPT_OFFSET(rec->id);
}

static void tie_observe(struct rmpsim_sim *s, struct rmpsim_timer *t)
{
	struct tie_world *w = t->arg;
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(s, w->mask ? w->cpu : 1, &st), 0);
	w->seen = 0;
	for (unsigned k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
		w->seen += st.rmpopt[k];
}

static void tie_arm(struct rmpsim_sim *s, struct rmpsim_timer *t)
{
	struct tie_world *w = t->arg;
	assert_int_equal(rmpsim_sim_timer_add(s, &w->obs, w->at), 0);
}

static void run_eight(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	(void)cpu;
	(void)arg;
	assert_int_equal(rmpsim_sim_rmpopt_run(s, 4 * GIB, 8), 0);
}

static void tie_send(struct rmpsim_sim *s, void *arg)
{
	struct tie_world *w = arg;
	if (w->at && !w->arm_at)
		assert_int_equal(rmpsim_sim_timer_add(s, &w->obs, w->at), 0);
	if (w->arm_at)
		assert_int_equal(rmpsim_sim_timer_add(s, &w->arm, w->arm_at), 0);
	unsigned long mask[1] = { w->mask ? w->mask : 0x2ul };
	assert_int_equal(rmpsim_sim_ipi_many(s, mask, run_eight, NULL, RMPSIM_IPI_WAIT), 0);
}

static void tie_run(struct tie_world *w, bool records)
{
	struct rmpsim_machine *m = NULL;
	struct rmpsim_sim *s = range_binding_sim(&m);
	rmpsim_sim_set_stack_size(s, 64 * 1024);
	if (records)
		rmpsim_sim_set_trace_hook(s, tie_record, w);
	rmpsim_timer_init(&w->obs, tie_observe, w);
	rmpsim_timer_init(&w->arm, tie_arm, w);
	w->seen = UINT64_MAX;
	struct rmpsim_proc_attr a = { .name = "send", .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, tie_send, w, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_int_equal(rmpsim_sim_rmpopt_runs(s), w->mask ? (uint64_t)__builtin_popcountl(w->mask) : 1);
	rmpsim_sim_destroy(s);
	rmpsim_machine_destroy(m);
}

/* covers: A300 (ties between a run's steps and events) */
static void ties_go_by_sequence_number(void **state)
{
	(void)state;
	static struct tie_world first;
	memset(&first, 0, sizeof(first));
	tie_run(&first, true);
	assert_int_equal(first.nstarts, 8);
	for (size_t k = 0; k < 8; k++) {
		assert_true(k == 0 || first.starts[k] > first.starts[k - 1]);
		for (int records = 0; records < 2; records++) {
			static struct tie_world w;
			/* Armed before the call: it goes before the verify at its time
			 * (the run's first one included: its key is the handler's). */
			memset(&w, 0, sizeof(w));
			w.at = first.starts[k];
			tie_run(&w, records);
			assert_int_equal(w.seen, k);
			if (k == 0)
				continue;
			/* Armed while the run is on, after its step stopped short of
			 * verify k: that verify's key is older, it goes first. */
			memset(&w, 0, sizeof(w));
			w.at = first.starts[k];
			w.arm_at = first.starts[k - 1] + (first.starts[k] - first.starts[k - 1]) / 2;
			tie_run(&w, records);
			assert_int_equal(w.seen, k + 1);
			/* Armed there for the verify after: the run keeps the
			 * key it began with however many steps it takes (A301),
			 * so that verify goes first too. */
			if (k + 1 < 8) {
				memset(&w, 0, sizeof(w));
				w.at = first.starts[k + 1];
				w.arm_at = first.starts[k - 1] + (first.starts[k] - first.starts[k - 1]) / 2;
				tie_run(&w, records);
				assert_int_equal(w.seen, k + 2);
			}
			/* One picosecond before a verify: it has not started. */
			memset(&w, 0, sizeof(w));
			w.at = first.starts[k] - 1;
			tie_run(&w, records);
			assert_int_equal(w.seen, k);
		}
	}
}

/* The same among runs in lockstep (several handlers' runs, the steps the
 * dispatch loop takes without its checks between them, rmpopt_run.c
 * lockstep_steps()): an event armed before the call goes before the verify
 * of any run at its time, one a picosecond later after it, for each run
 * watched in turn. */
/* covers: A300 (ties between the steps of several runs and events) */
static void ties_among_runs_go_by_sequence_number(void **state)
{
	(void)state;
	static const unsigned long mask = 0x2aul; /* CPUs 1, 3 and 5: three cores */
	for (unsigned cpu = 1; cpu <= 5; cpu += 2) {
		static struct tie_world first;
		memset(&first, 0, sizeof(first));
		first.mask = mask;
		first.cpu = cpu;
		tie_run(&first, true);
		assert_int_equal(first.nstarts, 8);
		for (size_t k = 1; k < 8; k++) {
			static struct tie_world w;
			memset(&w, 0, sizeof(w));
			w.mask = mask;
			w.cpu = cpu;
			w.at = first.starts[k];
			tie_run(&w, false);
			assert_int_equal(w.seen, k);
			memset(&w, 0, sizeof(w));
			w.mask = mask;
			w.cpu = cpu;
			w.at = first.starts[k] + 1;
			tie_run(&w, false);
			assert_int_equal(w.seen, k + 1);
		}
	}
}

/* A sim destroyed while runs are in progress frees them (ASan's leak check). */
static void destroyed_with_runs_in_progress(void **state)
{
	(void)state;
	struct params pa;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, 302);
	random_params(&rng, &pa);
	struct rmpsim_machine *m = segmented_machine(RMPSIM_RMPOPT_CACHE_ALWAYS);
	struct failing_alloc fa;
	failing_alloc_init(&fa, -1);
	struct rmpsim_sim *s = NULL;
	assert_int_equal(rmpsim_sim_create(&fa.alloc, m, &pa.prof, pa.seed, &s), 0);
	rmpsim_sim_set_stack_size(s, 64 * 1024);
	static struct world w;
	memset(&w, 0, sizeof(w));
	w.m = m;
	w.seed = pa.seed;
	struct rmpsim_proc_attr a = { .name = "script", .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, script, &w, NULL), 0);
	uint64_t limit = 0;
	while (rmpsim_sim_pending(s) && !s->run_n) {
		limit += 1000000;
		assert_int_equal(rmpsim_sim_run_until(s, limit), 0);
	}
	assert_true(s->run_n > 0);
	rmpsim_sim_destroy(s);
	assert_int_equal(fa.live_bytes, 0);
	rmpsim_machine_destroy(m);
}

/*
 * Out of memory on the way into a run: -ENOMEM, nothing done, and the caller's
 * loop of verifies (the shim's fallback) charges the range instead; or, out of
 * memory for the run's stretches once the machine's part is done, the run's
 * verifies charged in the handler there and then (a run all the same). The
 * sim stays sound and frees everything.
 */
struct oom_world {
	struct rmpsim_machine *m;
	unsigned enomem, ran;
};

static void run_or_loop(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	struct oom_world *w = arg;
	uint64_t n = 2 + cpu % 5, spa = (uint64_t)(cpu % 4) * GIB;
	int r = rmpsim_sim_rmpopt_run(s, spa, n);
	if (r == 0) {
		w->ran++;
		return;
	}
	assert_int_equal(r, -ENOMEM);
	w->enomem++;
	for (uint64_t i = 0; i < n; i++) {
		struct rmpsim_insn_out o;
		assert_int_equal(rmpsim_machine_rmpopt(w->m, cpu, spa + i * GIB, RMPSIM_RMPOPT_FN_VERIFY, &o),
				 0);
		rmpsim_sim_charge_rmpopt(s, &o, spa + i * GIB);
	}
}

static void oom_script(struct rmpsim_sim *s, void *arg)
{
	for (int i = 0; i < 6; i++) {
		unsigned long mask[1] = { 0xfeul >> (i % 3) & 0xfe };
		(void)rmpsim_sim_ipi_many(s, mask, run_or_loop, arg, i % 2 ? RMPSIM_IPI_WAIT : 0);
		rmpsim_sim_sleep(s, 3000000000ull);
	}
}

static void out_of_memory_falls_back_to_the_loop(void **state)
{
	(void)state;
	unsigned enomem = 0, ran = 0;
	for (long budget = 0; budget < 24; budget++) {
		struct rmpsim_machine *m = segmented_machine(RMPSIM_RMPOPT_CACHE_ALWAYS);
		struct failing_alloc fa;
		failing_alloc_init(&fa, -1);
		struct rmpsim_sim *s = NULL;
		assert_int_equal(rmpsim_sim_create(&fa.alloc, m, rmpsim_profile_default(), 1, &s), 0);
		rmpsim_sim_set_stack_size(s, 64 * 1024);
		struct oom_world w = { .m = m };
		struct rmpsim_proc_attr a = { .name = "oom", .cpu = 0 };
		assert_int_equal(rmpsim_sim_spawn(s, &a, oom_script, &w, NULL), 0);
		fa.budget = budget; /* from here on, the budget-th allocation fails */
		assert_int_equal(rmpsim_sim_run(s), 0);
		assert_int_equal(rmpsim_sim_bugs(s), 0);
		assert_int_equal(rmpsim_sim_rmpopt_runs(s), w.ran);
		enomem += w.enomem;
		ran += w.ran;
		rmpsim_sim_destroy(s);
		assert_int_equal(fa.live_bytes, 0);
		rmpsim_machine_destroy(m);
	}
	print_message("runs: %u computed, %u refused for memory\n", ran, enomem);
	assert_true(enomem > 0);
	assert_true(ran > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cuts_inside_runs_change_nothing),
		cmocka_unit_test(settled_runs_equal_the_loop),
		cmocka_unit_test(runs_starting_at_zero),
		cmocka_unit_test(ties_go_by_sequence_number),
		cmocka_unit_test(ties_among_runs_go_by_sequence_number),
		cmocka_unit_test(destroyed_with_runs_in_progress),
		cmocka_unit_test(out_of_memory_falls_back_to_the_loop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
