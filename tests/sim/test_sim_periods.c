/* SPDX-License-Identifier: MIT */
/*
 * Runs in whole periods (A301, src/sim/run_period.c, docs/timing.md "Runs in
 * periods"): the runs in progress moved on by whole periods of their repeating
 * state must end exactly where their steps end.
 *
 * Random worlds of up to 24 cores in up to 6 L3 groups over ~100 regions,
 * with a home node's bandwidth that binds: a warm-up run by one core of the
 * first group (its group then reads every region from its L3: a subsystem of
 * its own), then every other core runs over the same regions (they share the
 * home's queue: the subsystem that settles into a cycle), with pages that
 * change between passes, timers and a background process whose events cut
 * the runs' bursts, and random run limits. Each world three ways: periods on,
 * off (every step charged), and --trace-detail (every verify one by one). The
 * three must agree on every per-CPU statistic, the window and rises, marks,
 * the end time, event count and trace hash, and on the memory engine's state
 * itself: every group's records and fill counter, and every home node's
 * queue (its end and the idle gaps a later read could still take).
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

#define MAXCPU	48
#define MAXREG	128
#define MAXL3	8
#define MAXGAPS 64

enum mode { PERIODS, STEPS, DETAIL, NMODES };

struct params {
	struct rmpsim_profile prof;
	unsigned packages, nodes, l3_per_node, cores_per_l3, threads; /* nodes: per package */
	uint64_t node_mem;
	unsigned segment_shift;
	uint64_t seed;
	bool background, timers, cuts;
	bool early;	       /* each pass, a block of regions whose verifies end early at one entry */
	rmpsim_proc_fn script; /* NULL: script() */
};

struct world {
	struct rmpsim_machine *m;
	const struct params *pa;
	unsigned ncpus, nregions;
	uint64_t a, n; /* the runs' regions */
	struct rmpsim_timer timers[4];
	bool oom;     /* allocations may fail */
	uint64_t obs; /* what the processes read along the way (observe()) */
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull + (h >> 29);
}

/* The window and the rises since the last look, as a process reads them
 * while the runs go (each read starts both again): in time order, so that
 * verifies charged out of it (A310) would show. */
static void observe(struct rmpsim_sim *s, struct world *w)
{
	uint64_t lo, hi;
	struct rmpsim_rise r[RMPSIM_RISES_MAX];
	rmpsim_sim_rmpopt_window(s, &lo, &hi);
	size_t n = rmpsim_sim_rmpopt_rises(s, r, RMPSIM_RISES_MAX);
	w->obs = mix(mix(mix(w->obs, lo), hi), n);
	for (size_t i = 0; i < n && i < RMPSIM_RISES_MAX; i++)
		w->obs = mix(mix(mix(w->obs, r[i].cpu), r[i].ps), r[i].at_ps);
}

static void run_range(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	struct world *w = arg;
	int r = rmpsim_sim_rmpopt_run(s, w->a * GIB, w->n);
	if (!r)
		return;
	/* Out of memory (oom_changes_nothing_half_done): the shim's loop instead. */
	assert_true(w->oom && r == -ENOMEM);
	for (uint64_t i = 0; i < w->n; i++) {
		struct rmpsim_insn_out o;
		uint64_t spa = (w->a + i) * GIB;
		assert_int_equal(rmpsim_machine_rmpopt(w->m, cpu, spa, RMPSIM_RMPOPT_FN_VERIFY, &o), 0);
		rmpsim_sim_charge_rmpopt(s, &o, spa);
	}
}

static void tick(struct rmpsim_sim *s, struct rmpsim_timer *t)
{
	(void)s;
	(void)t;
}

/* The process's own verify of region r (on CPU 0, as a kernel thread's). */
static void own_verify(struct rmpsim_sim *s, struct world *w, uint64_t r)
{
	struct rmpsim_insn_out o;
	assert_int_equal(rmpsim_machine_rmpopt(w->m, 0, r * GIB, RMPSIM_RMPOPT_FN_VERIFY, &o), 0);
	rmpsim_sim_charge_rmpopt(s, &o, r * GIB);
}

/* A page of region r changes hands: its generation moves. */
static void page_change(struct world *w, struct rmpsim_rng *rng, uint64_t r)
{
	uint64_t spa = r * GIB + rmpsim__rng_below(rng, 512) * 2 * MIB;
	if (rmpsim__rng_below(rng, 3))
		(void)make_private(w->m, 0, spa, 0);
	else
		(void)make_shared(w->m, 0, spa, 0);
}

/* A call or timer taken (or refused for memory, when allocations may fail). */
static void sent(const struct world *w, int r)
{
	if (r)
		assert_true(w->oom && r == -ENOMEM);
}

/*
 * A pass: one core of the first L3 group reads a prefix of the regions (or
 * none); then the other groups' CPUs run over all of them (not waited for),
 * and the rest of the first group's (waited for: held lines, then cold ones
 * past the prefix, which share the home's queue with the others); then, with
 * the others' runs still going, the process changes a page and verifies its
 * region itself (a cold read at the home's queue, and a record of its group).
 */
static void script(struct rmpsim_sim *s, void *arg)
{
	struct world *w = arg;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, w->pa->seed);
	unsigned g0 = s->cpus[0].l3;
	for (int pass = 0; pass < 3; pass++) {
		w->a = rmpsim__rng_below(&rng, 4);
		w->n = w->nregions - w->a - rmpsim__rng_below(&rng, 4);
		uint64_t n = w->n;
		if (w->pa->early) { /* one stretch of them: the same first entry, generation and home */
			uint64_t len = 24 + rmpsim__rng_below(&rng, 24),
				 at = 1 + rmpsim__rng_below(&rng, 511);
			uint64_t r0 = 8 + rmpsim__rng_below(&rng, w->nregions - 16 - len);
			for (uint64_t r = r0; r < r0 + len; r++)
				(void)make_private(w->m, 0, r * GIB + at * 2 * MIB, 0);
		}
		if (rmpsim__rng_below(&rng, 4)) {
			unsigned long warm[1] = { 1ul << 1 };
			w->n = rmpsim__rng_below(&rng, 2) ? n : n / 4 + rmpsim__rng_below(&rng, n - n / 4);
			sent(w, rmpsim_sim_ipi_many(s, warm, run_range, w, RMPSIM_IPI_WAIT));
			w->n = n;
		}
		if (w->pa->timers)
			for (unsigned i = 0; i < 4; i++) {
				uint64_t at = rmpsim_sim_now(s) + rmpsim__rng_below(&rng, 40000000000ull);
				sent(w, rmpsim_sim_timer_add(s, &w->timers[i], at));
			}
		unsigned long others[1] = { 0 }, group[1] = { 0 };
		for (unsigned c = 2; c < w->ncpus; c++)
			if (rmpsim__rng_below(&rng, 8))
				*(s->cpus[c].l3 == g0 ? group : others) |= 1ul << c;
		if (others[0])
			sent(w, rmpsim_sim_ipi_many(s, others, run_range, w, 0));
		if (group[0])
			sent(w, rmpsim_sim_ipi_many(s, group, run_range, w, RMPSIM_IPI_WAIT));
		for (unsigned k = 1 + rmpsim__rng_below(&rng, 3); k; k--) {
			uint64_t r = w->a + rmpsim__rng_below(&rng, n);
			page_change(w, &rng, r);
			own_verify(s, w, r);
		}
		/* The others' runs end (a handler reads w->a, w->n when it starts). */
		rmpsim_sim_sleep(s, 400000000000ull);
		for (unsigned k = rmpsim__rng_below(&rng, 6); k; k--)
			page_change(w, &rng, 8 + rmpsim__rng_below(&rng, w->nregions - 16));
	}
}

static void background(struct rmpsim_sim *s, void *arg)
{
	struct world *w = arg;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, w->pa->seed * 7 + 3);
	for (int i = 0; i < 60; i++) {
		rmpsim_sim_compute(s, 1 + rmpsim__rng_below(&rng, 2000000000ull));
		if (rmpsim__rng_below(&rng, 2))
			observe(s, w);
		rmpsim_sim_sleep(s, rmpsim__rng_below(&rng, 3000000000ull));
	}
}

struct snap {
	uint64_t now, hash, events, win_lo, win_hi, skips, skipped, aheads, ahead_verifies;
	uint64_t obs, cuts; /* the world's observations; the statistics at each run limit */
	size_t nrises, nmarks;
	struct rmpsim_rise rises[RMPSIM_RISES_MAX];
	struct rmpsim_cpu_stats st[MAXCPU];
	unsigned nl3, ndom;
	uint64_t fill[MAXL3];
	struct rmpsim__warm warm[MAXL3][MAXREG];
	bool has_row[MAXL3];
	uint64_t free_at[8];
	size_t ngaps[8];
	struct rmpsim__gap gaps[8][MAXGAPS];
};

static void take(struct rmpsim_sim *s, unsigned ncpus, struct snap *sn)
{
	sn->now = rmpsim_sim_now(s);
	sn->events = rmpsim_sim_events(s);
	sn->hash = rmpsim_sim_trace_hash(s);
	sn->skips = rmpsim_sim_run_period_skips(s, &sn->skipped);
	sn->aheads = rmpsim_sim_run_look_aheads(s, &sn->ahead_verifies);
	rmpsim_sim_rmpopt_window(s, &sn->win_lo, &sn->win_hi);
	sn->nrises = rmpsim_sim_rmpopt_rises(s, sn->rises, RMPSIM_RISES_MAX);
	for (unsigned c = 0; c < ncpus; c++)
		assert_int_equal(rmpsim_sim_cpu_stats(s, c, &sn->st[c]), 0);
	/* The memory engine's own state (rmpopt_model.c, home_queue.h). */
	sn->nl3 = s->rm.nl3;
	assert_true(sn->nl3 <= MAXL3 && s->rm.nregions <= MAXREG);
	for (unsigned g = 0; g < sn->nl3; g++) {
		sn->fill[g] = s->rm.l3_fill[g];
		sn->has_row[g] = s->rm.warm && s->rm.warm[g];
		if (sn->has_row[g])
			memcpy(sn->warm[g], s->rm.warm[g], s->rm.nregions * sizeof(**s->rm.warm));
	}
	sn->ndom = s->ndomains;
	assert_true(sn->ndom <= 8);
	for (unsigned d = 0; d < sn->ndom; d++) {
		const struct rmpsim__home_queue *q = &s->domains[d].q;
		sn->free_at[d] = q->free_at;
		/* Gaps that end by the clock can serve no later read (and are
		 * dropped at different times by the three ways). */
		for (size_t i = 0; i < rmpsim__queue_ngaps(q); i++) {
			const struct rmpsim__gap *g = rmpsim__queue_gap(q, i);
			if (g->hi > s->clock && sn->ngaps[d] < MAXGAPS)
				sn->gaps[d][sn->ngaps[d]++] = *g;
		}
	}
}

/* The world's machine: pa's shape and RMP segments, SNP and RMPOPT up. */
static struct rmpsim_machine *world_machine(const struct params *pa)
{
	struct rmpsim_machine_config cfg;
	rmpsim_machine_config_default(&cfg);
	cfg.segment_shift = pa->segment_shift;
	struct rmpsim_topology *t = NULL;
	assert_int_equal(rmpsim_topology_regular_l3(NULL, pa->packages, pa->nodes, pa->l3_per_node,
						    pa->cores_per_l3, pa->threads, pa->node_mem, &t),
			 0);
	struct rmpsim_machine *m = NULL;
	struct rmpsim_diag diag = { 0 };
	assert_int_equal(rmpsim_machine_create(NULL, t, &cfg, &diag, &m), 0);
	rmpsim_topology_destroy(t);
	assert_int_equal(bring_up_snp(m, true), 0);
	return m;
}

/* The script spawned on s (over m), its world set up (one at a time). */
static struct world *world_start(struct rmpsim_sim *s, struct rmpsim_machine *m, const struct params *pa,
				 bool oom)
{
	static struct world w;
	memset(&w, 0, sizeof(w));
	w.m = m;
	w.pa = pa;
	w.oom = oom;
	w.ncpus = rmpsim_sim_ncpus(s);
	w.nregions = (unsigned)rmpsim_machine_nregions(m);
	assert_true(w.ncpus <= MAXCPU && w.nregions <= MAXREG && w.nregions > 24);
	for (unsigned i = 0; i < 4; i++)
		rmpsim_timer_init(&w.timers[i], tick, &w);
	rmpsim_sim_set_stack_size(s, 64 * 1024);
	struct rmpsim_proc_attr a = { .name = "script", .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, pa->script ? pa->script : script, &w, NULL), 0);
	return &w;
}

static void world_run(const struct params *pa, enum mode mode, struct snap *sn)
{
	struct rmpsim_machine *m = world_machine(pa);
	struct rmpsim_sim *s = NULL;
	assert_int_equal(rmpsim_sim_create(NULL, m, &pa->prof, pa->seed, &s), 0);
	if (mode == STEPS)
		rmpsim_sim_set_run_periods(s, false);
	if (mode == DETAIL)
		rmpsim_sim_set_trace_detail(s, true);
	struct world *w = world_start(s, m, pa, false);
	if (pa->background) {
		struct rmpsim_proc_attr b = { .name = "bg", .cpu = w->ncpus - 1 };
		assert_int_equal(rmpsim_sim_spawn(s, &b, background, w, NULL), 0);
	}
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, pa->seed ^ 0xc0de);
	uint64_t limit = 0, cuts = 0;
	while (rmpsim_sim_pending(s)) {
		if (!pa->cuts) {
			assert_int_equal(rmpsim_sim_run(s), 0);
			continue;
		}
		limit += 1000000 + rmpsim__rng_below(&rng, 3000000000ull);
		assert_int_equal(rmpsim_sim_run_until(s, limit), 0);
		/* What a caller sees at the limit: every verify that starts
		 * by it charged, none after (A310 must not go past it). */
		for (unsigned c = 0; c < w->ncpus; c++) {
			struct rmpsim_cpu_stats st;
			assert_int_equal(rmpsim_sim_cpu_stats(s, c, &st), 0);
			for (unsigned k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
				cuts = mix(cuts, st.rmpopt[k]);
			cuts = mix(mix(cuts, st.rmpopt_ps), st.rmpopt_lines);
		}
	}
	memset(sn, 0, sizeof(*sn));
	take(s, w->ncpus, sn);
	sn->obs = w->obs;
	sn->cuts = cuts;
	rmpsim_sim_destroy(s);
	rmpsim_machine_destroy(m);
}

static void assert_same(const struct snap *a, const struct snap *b)
{
	assert_int_equal(a->now, b->now);
	assert_int_equal(a->obs, b->obs);
	assert_int_equal(a->cuts, b->cuts);
	assert_int_equal(a->hash, b->hash);
	assert_int_equal(a->events, b->events);
	assert_int_equal(a->win_lo, b->win_lo);
	assert_int_equal(a->win_hi, b->win_hi);
	range_assert_same_rises(a->rises, a->nrises, b->rises, b->nrises);
	assert_memory_equal(a->st, b->st, sizeof(a->st));
	assert_int_equal(a->nl3, b->nl3);
	for (unsigned g = 0; g < a->nl3; g++) {
		assert_int_equal(a->fill[g], b->fill[g]);
		assert_int_equal(a->has_row[g], b->has_row[g]);
		for (unsigned r = 0; r < MAXREG; r++) {
			assert_int_equal(a->warm[g][r].ready_at, b->warm[g][r].ready_at);
			assert_int_equal(a->warm[g][r].stamp, b->warm[g][r].stamp);
			assert_int_equal(a->warm[g][r].lines, b->warm[g][r].lines);
			assert_int_equal(a->warm[g][r].gen, b->warm[g][r].gen);
		}
	}
	assert_int_equal(a->ndom, b->ndom);
	for (unsigned d = 0; d < a->ndom; d++) {
		assert_int_equal(a->free_at[d], b->free_at[d]);
		assert_int_equal(a->ngaps[d], b->ngaps[d]);
		assert_memory_equal(a->gaps[d], b->gaps[d], a->ngaps[d] * sizeof(a->gaps[d][0]));
	}
}

/* The world run the three ways, which must agree: the snapshots [NMODES]
 * (static: one world at a time). */
static const struct snap *three_ways(const struct params *pa)
{
	static struct snap sn[NMODES];
	for (int mode = 0; mode < NMODES; mode++)
		world_run(pa, (enum mode)mode, &sn[mode]);
	assert_same(&sn[PERIODS], &sn[STEPS]);
	assert_same(&sn[PERIODS], &sn[DETAIL]);
	return sn;
}

static void random_params(struct rmpsim_rng *rng, struct params *pa)
{
	memset(pa, 0, sizeof(*pa));
	pa->prof = *rmpsim_profile_default();
	pa->prof.node_bw_mbps = 320 + rmpsim__rng_below(rng, 4000); /* the queue binds */
	pa->prof.misses_in_flight = 1 + rmpsim__rng_below(rng, 12);
	if (rmpsim__rng_below(rng, 3) == 0)
		pa->prof.rmpopt_scan = RMPSIM_SCAN_4K;
	if (rmpsim__rng_below(rng, 6) == 0)
		pa->prof.rmpopt_contention = false;
	if (rmpsim__rng_below(rng, 3) == 0) /* evictions within a pass */
		pa->prof.l3_bytes = (4 + rmpsim__rng_below(rng, 60)) * 512 * 64;
	pa->nodes = 1 + (unsigned)rmpsim__rng_below(rng, 2);
	pa->l3_per_node = 1 + (unsigned)rmpsim__rng_below(rng, 3);
	pa->cores_per_l3 = 2 + (unsigned)rmpsim__rng_below(rng, 4);
	pa->threads = 1 + (unsigned)rmpsim__rng_below(rng, 2);
	if (pa->nodes * pa->l3_per_node * pa->cores_per_l3 * pa->threads > MAXCPU)
		pa->threads = 1;
	pa->segment_shift = 30 + (unsigned)rmpsim__rng_below(rng, 7); /* 1-64 GiB segments */
	pa->seed = 1 + rmpsim__rng_below(rng, 100000);
	pa->packages = 1; /* two: two_sockets_equal_the_steps() */
	pa->node_mem = (100 / pa->nodes) * GIB;
	pa->background = rmpsim__rng_below(rng, 3) == 0;
	pa->timers = rmpsim__rng_below(rng, 2);
	pa->cuts = rmpsim__rng_below(rng, 4) == 0;
}

/* covers: A301, A310 (the look-ahead of the warmed group's runs: only with
 * the periods on, compared with the steps and --trace-detail like them) */
static void periods_equal_the_steps(void **state)
{
	(void)state;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, 301);
	unsigned skipping = 0, ahead = 0;
	uint64_t skipped = 0, verifies = 0, ahead_verifies = 0;
	for (unsigned iter = 0; iter < 24; iter++) {
		struct params pa;
		random_params(&rng, &pa);
		const struct snap *sn = three_ways(&pa);
		assert_int_equal(sn[STEPS].skips, 0);
		assert_int_equal(sn[DETAIL].skips, 0);
		assert_int_equal(sn[STEPS].aheads, 0);
		assert_int_equal(sn[DETAIL].aheads, 0);
		skipping += sn[PERIODS].skips > 0;
		ahead += sn[PERIODS].aheads > 0;
		ahead_verifies += sn[PERIODS].ahead_verifies;
		skipped += sn[PERIODS].skipped;
		for (unsigned c = 0; c < MAXCPU; c++)
			for (unsigned k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
				verifies += sn[PERIODS].st[c].rmpopt[k];
	}
	/* Most worlds skip, and the skips take most verifies: the test
	 * compares skips, not only steps. */
	print_message("skipping %u of 24, skipped %llu of %llu verifies; looking ahead %u, %llu verifies\n",
		      skipping, (unsigned long long)skipped, (unsigned long long)verifies, ahead,
		      (unsigned long long)ahead_verifies);
	assert_true(skipping >= 18);
	assert_true(skipped * 2 >= verifies);
	assert_true(ahead >= 8 && ahead_verifies >= 2000);
}

/*
 * Stretches of regions whose verifies end early (an assigned page at the
 * same entry of each: RMPSIM_RMPOPT_EARLY_EXIT, fewer lines than a whole
 * scan), as long as the whole scans' stretches: skips move runs over them
 * too, and the periods' statistics are those of the stretch's kind and
 * lines (run_period.c skip()). Compared three ways as above.
 */
/* covers: A301 */
static void early_exits_equal_the_steps(void **state)
{
	(void)state;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, 120);
	unsigned skipping = 0;
	uint64_t early = 0, scanned = 0;
	for (unsigned iter = 0; iter < 12; iter++) {
		struct params pa;
		random_params(&rng, &pa);
		pa.early = true;
		const struct snap *sn = three_ways(&pa);
		skipping += sn[PERIODS].skips > 0;
		for (unsigned c = 0; c < MAXCPU; c++) {
			early += sn[PERIODS].st[c].rmpopt[RMPSIM_RMPOPT_EARLY_EXIT];
			scanned += sn[PERIODS].st[c].rmpopt[RMPSIM_RMPOPT_SCANNED];
		}
	}
	print_message("early exits: skipping %u of 12; verifies that ended early %llu, whole scans %llu\n",
		      skipping, (unsigned long long)early, (unsigned long long)scanned);
	assert_true(skipping >= 6);
	assert_true(early * 5 >= scanned); /* the blocks are a fair share of every pass */
}

/*
 * Two sockets: a DRAM line of the home node costs dram_local_ns on the
 * reader's socket and dram_remote_ns on the other (A121), so the runs'
 * inputs differ by socket, and runs on both share the stretches the first
 * worked out (rmpopt_run.c take_inputs, inputs_at). The queue's bandwidth
 * is high in half the worlds, where the lines' latency binds rather than the
 * queue. Compared three ways as above.
 */
/* covers: A301, A121 */
static void two_sockets_equal_the_steps(void **state)
{
	(void)state;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, 121);
	unsigned skipping = 0;
	uint64_t remote = 0, local = 0;
	for (unsigned iter = 0; iter < 12; iter++) {
		struct params pa;
		random_params(&rng, &pa);
		pa.packages = 2;
		pa.l3_per_node = 1 + (unsigned)rmpsim__rng_below(&rng, 2);
		while (pa.packages * pa.nodes * pa.l3_per_node * pa.cores_per_l3 * pa.threads > MAXCPU)
			pa.cores_per_l3--;
		pa.node_mem = (100 / (pa.packages * pa.nodes)) * GIB;
		if (iter % 2) /* the latency binds */
			pa.prof.node_bw_mbps = 40000 + rmpsim__rng_below(&rng, 40000);
		const struct snap *sn = three_ways(&pa);
		skipping += sn[PERIODS].skips > 0;
		/* Both kinds of reader: DRAM lines read from either socket. */
		unsigned ncpus = pa.packages * pa.nodes * pa.l3_per_node * pa.cores_per_l3 * pa.threads;
		for (unsigned c = 0; c < ncpus; c++)
			*(c < ncpus / 2 ? &local : &remote) += sn[PERIODS].st[c].rmpopt_dram_lines;
	}
	print_message(
		"two sockets: skipping %u of 12; DRAM lines read by the first socket %llu, the second %llu\n",
		skipping, (unsigned long long)local, (unsigned long long)remote);
	assert_true(skipping >= 6);
	assert_true(local > 0 && remote > 0);
}

/*
 * One core of the first group reads every region (its group then holds them:
 * a subsystem of its own, forty times as fast as the queue's turn); the other
 * groups' cores run over them all, not waited for (the queue's subsystem, in
 * whole periods); meanwhile another core of the first group runs one range
 * after another, each waited for, each further on, of random length, and
 * after each the process changes a page and verifies its region (a read at
 * the home's queue). The queue's runs may move on only up to the end of the
 * run in progress (run_period.c bounds it by the run's least cost to its
 * end, kept per CPU as the run moves): a bound left from the CPU's run
 * before, on the same run object, would let them pass the end and the read
 * after it.
 */
static void relaunch_script(struct rmpsim_sim *s, void *arg)
{
	struct world *w = arg;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, w->pa->seed);
	unsigned g0 = s->cpus[0].l3, again = 0;
	unsigned long warm[1] = { 1ul << 1 }, others[1] = { 0 };
	w->a = 0;
	w->n = w->nregions;
	sent(w, rmpsim_sim_ipi_many(s, warm, run_range, w, RMPSIM_IPI_WAIT));
	for (unsigned c = 2; c < w->ncpus; c++)
		if (s->cpus[c].l3 != g0)
			*others |= 1ul << c;
		else if (!again)
			again = c;
	assert_true(again && *others);
	sent(w, rmpsim_sim_ipi_many(s, others, run_range, w, 0));
	rmpsim_sim_sleep(s, 100000000); /* their handlers read w->a, w->n first */
	unsigned long one[1] = { 1ul << again };
	uint64_t step = w->nregions / 12;
	for (uint64_t i = 0; i < 10; i++) {
		w->a = i * step + rmpsim__rng_below(&rng, step);
		w->n = step + rmpsim__rng_below(&rng, 3 * step);
		if (w->a + w->n > w->nregions)
			w->n = w->nregions - w->a;
		sent(w, rmpsim_sim_ipi_many(s, one, run_range, w, RMPSIM_IPI_WAIT));
		uint64_t r = rmpsim__rng_below(&rng, w->nregions);
		page_change(w, &rng, r);
		own_verify(s, w, r);
	}
	rmpsim_sim_sleep(s, 400000000000ull);
}

/* random_params() on one node of l3_per_node groups of 3-5 cores of one
 * thread, 100 GiB, and an L3 that holds every region: the first group, once
 * one of its cores has read them all, holds them (a subsystem of its own). */
static void one_node_params(struct rmpsim_rng *rng, struct params *pa, unsigned l3_per_node)
{
	random_params(rng, pa);
	pa->nodes = 1;
	pa->l3_per_node = l3_per_node;
	pa->cores_per_l3 = 3 + (unsigned)rmpsim__rng_below(rng, 3);
	pa->threads = 1;
	pa->node_mem = 100 * GIB;
	pa->prof.l3_bytes = rmpsim_profile_default()->l3_bytes;
}

/* covers: A301 */
static void a_runs_bound_is_its_own(void **state)
{
	(void)state;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, 302);
	uint64_t skips = 0;
	for (unsigned iter = 0; iter < 8; iter++) {
		struct params pa;
		one_node_params(&rng, &pa, 2);
		/* The queue's turn short, the first group's runs slow: each of
		 * the relaunched runs lasts several of the queue's periods. */
		pa.prof.node_bw_mbps = 2000 + rmpsim__rng_below(&rng, 4000);
		pa.prof.misses_in_flight = 1;
		pa.prof.rmpopt_contention = true;
		pa.script = relaunch_script;
		const struct snap *sn = three_ways(&pa);
		skips += sn[PERIODS].skips;
	}
	print_message("%llu skips\n", (unsigned long long)skips);
	assert_true(skips > 0);
}

/*
 * The look-ahead's bounds (A310): one core of the first group reads every
 * region (the group then holds them); the group's other cores run over them
 * all (their verifies may go ahead of the others'); every other group's
 * cores run too, half over all regions, half over a few, and the script
 * waits for the few: when they end it reads the window and the rises
 * (starting them again: the next verifies are rises, in time order) and
 * verifies a region on CPU 0, in the first group (its records and fill
 * counter), then reads the rises again and again while the rest go on. A
 * look-ahead past the few's ends (the script's verify comes after the
 * group's later ones) or past a rise shows in the records, the fill
 * counter or the rises read.
 */
static void ahead_script(struct rmpsim_sim *s, void *arg)
{
	struct world *w = arg;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, w->pa->seed);
	unsigned g0 = s->cpus[0].l3;
	unsigned long warm[1] = { 0 }, group[1] = { 0 }, lasting[1] = { 0 }, few[1] = { 0 };
	for (unsigned c = 1; c < w->ncpus; c++)
		*(s->cpus[c].l3 != g0 ? (c % 2 ? lasting : few) : *warm ? group : warm) |= 1ul << c;
	assert_true(*warm && *group && *lasting && *few);
	w->a = 0;
	w->n = w->nregions;
	sent(w, rmpsim_sim_ipi_many(s, warm, run_range, w, RMPSIM_IPI_WAIT));
	sent(w, rmpsim_sim_ipi_many(s, group, run_range, w, 0));
	sent(w, rmpsim_sim_ipi_many(s, lasting, run_range, w, 0));
	rmpsim_sim_sleep(s, 100000000);	       /* their handlers read w->a, w->n first */
	w->n = 1 + rmpsim__rng_below(&rng, 2); /* they end while the group is midway */
	sent(w, rmpsim_sim_ipi_many(s, few, run_range, w, RMPSIM_IPI_WAIT));
	observe(s, w);
	own_verify(s, w, w->n + rmpsim__rng_below(&rng, w->nregions - w->n));
	for (int i = 0; i < 40; i++) {
		rmpsim_sim_sleep(s, rmpsim__rng_below(&rng, 2000000000ull));
		observe(s, w);
	}
	rmpsim_sim_sleep(s, 400000000000ull);
}

/* covers: A310 */
static void look_ahead_keeps_what_shows(void **state)
{
	(void)state;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, 310);
	uint64_t aheads = 0;
	for (unsigned iter = 0; iter < 8; iter++) {
		struct params pa;
		one_node_params(&rng, &pa, 3);
		pa.prof.rmpopt_scan = rmpsim_profile_default()->rmpopt_scan;
		pa.cuts = false;
		pa.script = ahead_script;
		const struct snap *sn = three_ways(&pa);
		aheads += sn[PERIODS].ahead_verifies;
	}
	print_message("%llu verifies ahead\n", (unsigned long long)aheads);
	assert_true(aheads > 0);
}

/*
 * Out of memory anywhere in a world with moves (snapshots, the move's
 * scratch, the runs, the model's rows, the queues' gaps): the runs go on
 * (a run refused for memory is the shim's loop), no bug, nothing leaked or
 * corrupted (ASan), whatever allocation fails.
 */
static void oom_changes_nothing_half_done(void **state)
{
	(void)state;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, 311);
	struct params pa;
	do
		random_params(&rng, &pa);
	while (pa.cuts || !pa.prof.rmpopt_contention);
	long seen = 0;
	for (long budget = 0; budget < 160; budget += 1 + budget / 16) {
		struct rmpsim_machine *m = world_machine(&pa);
		struct failing_alloc fa;
		failing_alloc_init(&fa, -1);
		struct rmpsim_sim *s = NULL;
		assert_int_equal(rmpsim_sim_create(&fa.alloc, m, &pa.prof, pa.seed, &s), 0);
		world_start(s, m, &pa, true);
		fa.budget = budget; /* from here on, the budget-th allocation fails */
		int r = rmpsim_sim_run(s);
		assert_true(r == 0 || r == -ENOMEM);
		assert_int_equal(rmpsim_sim_bugs(s), 0);
		seen += fa.failures > 0;
		rmpsim_sim_destroy(s);
		assert_int_equal(fa.live_bytes, 0);
		rmpsim_machine_destroy(m);
	}
	assert_true(seen > 20); /* the failures fell inside the runs' work */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(periods_equal_the_steps),
		cmocka_unit_test(two_sockets_equal_the_steps),
		cmocka_unit_test(early_exits_equal_the_steps),
		cmocka_unit_test(a_runs_bound_is_its_own),
		cmocka_unit_test(look_ahead_keeps_what_shows),
		cmocka_unit_test(oom_changes_nothing_half_done),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
