/* SPDX-License-Identifier: MIT */
/*
 * A round's stretches in one call (sim.h rmpsim_sim_set_round_stretch_hook,
 * timeline.h rmpsim_hist_round_hook) against the same stretches one
 * RMPSIM_TRACE_IRQOFF record at a time:
 * - by hand: random rounds on a bare sim, with stretches inside the send's
 *   heatmap bin, across bins, starting before the send or the pass, growing
 *   the pass past the bins (they widen inside a round), under a running
 *   process, on CPUs the sim lacks; text and plotted profile byte for byte;
 * - patterns (a memo's rounds): the same stretches again at new sends,
 *   counted once and multiplied, against the same stretches record by record;
 * - from the sim: a real run hands out the same stretches, in the same order,
 *   whether one by one or in batches, and measures the same pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/timeline.h>
#include <rmpsim/workload.h>

#include "profile_eq.h"

#define US 1000000ull /* ps */

static uint64_t rng_next(uint64_t *x)
{
	/* splitmix64: a fixed stream, so a failure repeats */
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Two histograms fed the same run: `one` record by record, `batch` a round per call. */
struct pair {
	struct rmpsim_sim *sim;
	struct rmpsim_hist *one, *batch;
	uint64_t now;
};

static void both(struct pair *p, enum rmpsim_trace_kind kind, unsigned cpu, uint64_t id, uint64_t a)
{
	struct rmpsim_trace_rec rec = { .time_ps = p->now, .kind = kind, .cpu = cpu, .id = id, .a = a };
	rmpsim_hist_hook(p->one, p->sim, &rec);
	rmpsim_hist_hook(p->batch, p->sim, &rec);
}

static void mark(struct pair *p, const char *name)
{
	size_t idx = rmpsim_sim_mark_count(p->sim);
	assert_int_equal(rmpsim_sim_mark(p->sim, name, 0, 0), 0);
	both(p, RMPSIM_TRACE_MARK, 0, idx, 0);
}

static void round_both(struct pair *p, const struct rmpsim_round_stretches *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct rmpsim_trace_rec rec = { .time_ps = r->t0_ps + r->end_off_ps[i],
						.kind = RMPSIM_TRACE_IRQOFF,
						.cpu = r->cpu[i],
						.a = r->len_ps[i] };
		rmpsim_hist_hook(p->one, p->sim, &rec);
	}
	rmpsim_hist_round_hook(p->batch, p->sim, r);
}

static void expect_same(struct rmpsim_hist *one, struct rmpsim_hist *batch, uint64_t *ret_stretches)
{
	struct rmpsim_pass_profile a, b;
	assert_int_equal(rmpsim_hist_take_run(one, &a), 0);
	assert_int_equal(rmpsim_hist_take_run(batch, &b), 0);
	assert_non_null(a.heat_bp);
	assert_profiles_equal(&a, &b);
	uint64_t n = a.irqoff_over, busy = 0;
	for (unsigned k = 0; k < RMPSIM_PROFILE_IRQOFF_BUCKETS; k++)
		n += a.irqoff[k];
	for (unsigned k = 0; k < (unsigned)a.heat_rows * a.heat_cols; k++)
		busy += a.heat_bp[k];
	assert_true(busy > 0); /* the heatmap got the stretches */
	*ret_stretches = n;
	rmpsim_pass_profile_free(&a);
	rmpsim_pass_profile_free(&b);

	char *ta = NULL, *tb = NULL;
	size_t la, lb;
	FILE *fa = open_memstream(&ta, &la), *fb = open_memstream(&tb, &lb);
	assert_true(fa && fb);
	assert_int_equal(rmpsim_hist_write_run(one, fa, "by hand"), 0);
	assert_int_equal(rmpsim_hist_write_run(batch, fb, "by hand"), 0);
	assert_int_equal(fclose(fa), 0);
	assert_int_equal(fclose(fb), 0);
	assert_non_null(strstr(ta, "interrupts-off stretches"));
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
}

/* One pass of random rounds on a bare sim of ncpus CPUs over nodes nodes. */
static void random_pass(unsigned ncpus, unsigned nodes, uint64_t seed)
{
	struct rmpsim_sim_topology topo = { .ncpus = ncpus, .threads_per_core = 1, .nodes = nodes };
	struct pair p = { 0 };
	uint64_t x = seed;
	assert_int_equal(rmpsim_sim_create_bare(NULL, &topo, NULL, 1, &p.sim), 0);
	assert_int_equal(rmpsim_hist_create(NULL, &p.one), 0);
	assert_int_equal(rmpsim_hist_create(NULL, &p.batch), 0);

	enum { MAXN = 80 };
	unsigned cpu[MAXN];
	uint64_t end[MAXN], len[MAXN];
	struct rmpsim_round_stretches r = { .cpu = cpu, .end_off_ps = end, .len_ps = len };

	p.now = 10 * US;
	both(&p, RMPSIM_TRACE_PROC_RUN, 1, 7, 0); /* a process on CPU 1 from before the pass */
	r.t0_ps = 5 * US;			  /* a round before the pass: counted by neither */
	r.n = 1;
	cpu[0] = 2, end[0] = 8 * US, len[0] = 2 * US;
	round_both(&p, &r);
	p.now = 20 * US;
	mark(&p, "rmpopt_pass_start");
	/* a round sent before the pass start, its stretches ending in it (t0 < origin) */
	r.t0_ps = 19 * US;
	r.n = 3;
	cpu[0] = 0, end[0] = 3 * US, len[0] = 2500000; /* starts before the pass */
	cpu[1] = 2, end[1] = 2 * US, len[1] = 500000;
	cpu[2] = 3, end[2] = 4 * US + 123, len[2] = 3 * US;
	round_both(&p, &r);
	uint64_t t = 21 * US;
	for (unsigned k = 0; k < 400; k++) {
		/* time moves on: past 64 bins now and then, so the bins widen */
		t += rng_next(&x) % (k % 50 == 49 ? 4000 * US : 3 * US);
		p.now = t;
		if (k % 37 == 5)
			both(&p, RMPSIM_TRACE_PROC_RUN, (unsigned)(rng_next(&x) % ncpus), 100 + k, 0);
		if (k % 37 == 20)
			both(&p, RMPSIM_TRACE_PROC_STOP, 1, 7, 0); /* CPU 1's process sleeps */
		r.t0_ps = t;
		r.n = 1 + rng_next(&x) % MAXN;
		uint64_t span = 0;
		for (size_t i = 0; i < r.n; i++) {
			uint64_t v = rng_next(&x);
			cpu[i] = (unsigned)(v % (ncpus + ncpus / 8 + 1)); /* a few the sim lacks */
			/* most end within a few us of the send, some much later (across
			 * bins, or past them: widening inside the round) */
			end[i] = v % 16 ? 1 + (v >> 8) % (6 * US) : (v >> 8) % (200 * US * (1 + k / 100));
			len[i] = (v >> 40) % 64 == 0   ? end[i] + (v >> 20) % US /* before the send */
				 : (v >> 40) % 64 == 1 ? 0
						       : (v >> 24) % (end[i] + 1);
			span = end[i] > span ? end[i] : span;
		}
		round_both(&p, &r);
		t += span;
	}
	p.now = t + US;
	both(&p, RMPSIM_TRACE_PROC_STOP, 1, 7, 2);
	mark(&p, "rmpopt_pass_done");
	uint64_t n;
	expect_same(p.one, p.batch, &n);
	assert_true(n > 400 * 10); /* the rounds were counted */
	rmpsim_hist_destroy(p.one);
	rmpsim_hist_destroy(p.batch);
	rmpsim_sim_destroy(p.sim);
}

static void batch_as_records_per_cpu_columns(void **state)
{
	(void)state;
	random_pass(8, 2, 1);
	random_pass(16, 1, 2);
}

static void batch_as_records_per_node_columns(void **state)
{
	(void)state;
	random_pass(64, 4, 3);
	random_pass(40, 2, 4);
}

/* ---- Patterns: a memo's stretches again (rmpsim_round_stretches.pattern) ---- */

enum { NPAT = 20, PATN = 48 }; /* more patterns than the histograms keep (16): slots change hands */

struct pat {
	size_t n;
	unsigned cpu[PATN];
	uint64_t end[PATN], len[PATN];
	uint64_t gen;
};

/* New stretches for pattern p: most start at the send or later and end within a
 * few us of it (one heatmap bin, once the bins have grown); one pattern in five
 * has a stretch from before the send or one far later; some CPUs the sim lacks. */
static void pat_fill(struct pat *p, unsigned ncpus, uint64_t *x, uint64_t *gen, uint64_t min_len)
{
	bool odd = !min_len && rng_next(x) % 5 == 0;
	p->n = 1 + rng_next(x) % PATN;
	for (size_t i = 0; i < p->n; i++) {
		uint64_t v = rng_next(x);
		p->cpu[i] = (unsigned)(v % (ncpus + ncpus / 8 + 1));
		p->end[i] = min_len + 1 + (v >> 8) % (3 * US);
		p->len[i] = min_len + (v >> 32) % (p->end[i] - min_len + 1);
	}
	if (odd) {
		size_t i = rng_next(x) % p->n;
		if (rng_next(x) % 2)
			p->len[i] = p->end[i] + rng_next(x) % (1000 * US); /* from before the send */
		else
			p->end[i] += 300 * US; /* past the send's bin */
	}
	p->gen = ++*gen;
}

/*
 * One pass (after an aborted one and a completed one) of rounds from patterns
 * that repeat, are computed again (a new generation), are pushed out of the
 * histograms' slots by others, interleaved with rounds without a pattern,
 * single IRQOFF records and processes that start and stop on the patterns'
 * CPUs; the bins widen now and then, between and inside rounds. `one` gets
 * every stretch as a record. min_len != 0: nothing but patterns' rounds, every
 * stretch at least min_len long (the columns' minima are theirs).
 */
static void pattern_passes(unsigned ncpus, unsigned nodes, uint64_t seed, uint64_t min_len)
{
	struct rmpsim_sim_topology topo = { .ncpus = ncpus, .threads_per_core = 1, .nodes = nodes };
	struct pair p = { 0 };
	uint64_t x = seed, gen = 0;
	static struct pat pool[NPAT];
	assert_int_equal(rmpsim_sim_create_bare(NULL, &topo, NULL, 1, &p.sim), 0);
	assert_int_equal(rmpsim_hist_create(NULL, &p.one), 0);
	assert_int_equal(rmpsim_hist_create(NULL, &p.batch), 0);
	for (unsigned j = 0; j < NPAT; j++)
		pat_fill(&pool[j], ncpus, &x, &gen, min_len);

	enum { MAXN = 40 };
	unsigned cpu[MAXN];
	uint64_t end[MAXN], len[MAXN];
	uint64_t t = 10 * US, repeats = 0, recomputed = 0;
	unsigned proc_cpu = UINT32_MAX; /* a process runs there */
	p.now = t;
	static const char *const marks[] = { "rmpopt_pass_start", "rmpopt_pass_done", "rmpopt_pass_start",
					     "rmpopt_pass_start" /* the one before never done */ };
	for (unsigned phase = 0; phase < 4; phase++) {
		p.now = t;
		mark(&p, marks[phase]);
		for (unsigned k = 0; k < (phase == 3 ? 1500u : 300u); k++) {
			uint64_t v = rng_next(&x), what = v % (min_len ? 65 : 100), span = 0;
			t += (v >> 8) % (k % 200 == 199 ? 3000 * US : 4 * US);
			p.now = t;
			if (what < 60) { /* a pattern's round again */
				struct pat *pt = &pool[(v >> 40) % NPAT];
				struct rmpsim_round_stretches r = { .t0_ps = t,
								    .n = pt->n,
								    .cpu = pt->cpu,
								    .end_off_ps = pt->end,
								    .len_ps = pt->len,
								    .pattern = pt,
								    .pattern_gen = pt->gen };
				round_both(&p, &r);
				for (size_t i = 0; i < pt->n; i++)
					span = pt->end[i] > span ? pt->end[i] : span;
				repeats++;
			} else if (what < 65) { /* a memo computed again: new stretches, new generation */
				pat_fill(&pool[(v >> 40) % NPAT], ncpus, &x, &gen, min_len);
				recomputed++;
			} else if (what < 80) { /* a round without a pattern */
				struct rmpsim_round_stretches r = {
					.t0_ps = t, .cpu = cpu, .end_off_ps = end, .len_ps = len
				};
				r.n = 1 + rng_next(&x) % MAXN;
				for (size_t i = 0; i < r.n; i++) {
					uint64_t u = rng_next(&x);
					cpu[i] = (unsigned)(u % ncpus);
					end[i] = 1 + (u >> 8) % (5 * US);
					len[i] = (u >> 32) % (end[i] + 1);
					span = end[i] > span ? end[i] : span;
				}
				round_both(&p, &r);
			} else if (what < 95) { /* a single stretch, as a record */
				both(&p, RMPSIM_TRACE_IRQOFF, (unsigned)((v >> 40) % ncpus), 0,
				     (v >> 20) % (2 * US));
			} else if (proc_cpu == UINT32_MAX) { /* a process starts on a CPU of the patterns */
				proc_cpu = (unsigned)((v >> 40) % ncpus);
				both(&p, RMPSIM_TRACE_PROC_RUN, proc_cpu, 7, 0);
			} else { /* ... and stops */
				both(&p, RMPSIM_TRACE_PROC_STOP, proc_cpu, 7, 0);
				proc_cpu = UINT32_MAX;
			}
			t += span;
		}
	}
	p.now = t + US;
	mark(&p, "rmpopt_pass_done");
	if (proc_cpu != UINT32_MAX)
		both(&p, RMPSIM_TRACE_PROC_STOP, proc_cpu, 7, 0);
	assert_true(repeats > 1000 && recomputed > 50); /* the cases above happened */
	uint64_t n;
	expect_same(p.one, p.batch, &n);
	assert_true(n > 1000 * 10);
	rmpsim_hist_destroy(p.one);
	rmpsim_hist_destroy(p.batch);
	rmpsim_sim_destroy(p.sim);
}

static void patterns_as_records(void **state)
{
	(void)state;
	pattern_passes(8, 2, 5, 0);	   /* a column per CPU */
	pattern_passes(64, 4, 6, 0);	   /* per node */
	pattern_passes(200, 3, 7, 0);	   /* per node, wider bitmaps */
	pattern_passes(8, 2, 8, 3 * US);   /* the minima too */
	pattern_passes(64, 4, 9, 2500000); /* not whole microseconds */
}

/* ---- From the sim: a real run, one by one or in batches ---- */

#define MACHINE "pack:2 numa:2 core:4 pu:2" /* 32 CPUs, 4 nodes */

struct stretch {
	unsigned cpu;
	uint64_t end, len;
};

/* A pattern's stretches as first handed out (sim.h rmpsim_round_stretches.pattern). */
struct seen {
	const void *pattern;
	uint64_t gen;
	size_t n;
	struct stretch *v; /* end: end_off_ps */
};

struct collect {
	struct stretch *v;
	size_t n, cap;
	uint64_t batches, in_batches, marks;
	struct seen seen[256];
	size_t nseen;
	uint64_t repeats; /* batches whose pattern and generation came before */
};

/* The sim's promise: the same pattern and generation, the same stretches. */
static void check_pattern(struct collect *c, const struct rmpsim_round_stretches *r)
{
	if (!r->pattern)
		return;
	for (size_t k = 0; k < c->nseen; k++) {
		struct seen *s = &c->seen[k];
		if (s->pattern != r->pattern || s->gen != r->pattern_gen)
			continue;
		assert_int_equal(s->n, r->n);
		for (size_t i = 0; i < r->n; i++) {
			assert_int_equal(s->v[i].cpu, r->cpu[i]);
			assert_int_equal(s->v[i].end, r->end_off_ps[i]);
			assert_int_equal(s->v[i].len, r->len_ps[i]);
		}
		c->repeats++;
		return;
	}
	assert_true(c->nseen < sizeof(c->seen) / sizeof(c->seen[0]));
	struct seen *s = &c->seen[c->nseen++];
	*s = (struct seen){ .pattern = r->pattern, .gen = r->pattern_gen, .n = r->n };
	s->v = malloc(r->n * sizeof(*s->v));
	assert_non_null(s->v);
	for (size_t i = 0; i < r->n; i++)
		s->v[i] = (struct stretch){ .cpu = r->cpu[i], .end = r->end_off_ps[i], .len = r->len_ps[i] };
}

static void push(struct collect *c, unsigned cpu, uint64_t end, uint64_t len)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 4096;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		assert_non_null(c->v);
	}
	c->v[c->n++] = (struct stretch){ .cpu = cpu, .end = end, .len = len };
}

static void collect_rec(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_trace_rec *rec)
{
	struct collect *c = ctx;
	(void)sim;
	if (rec->kind == RMPSIM_TRACE_IRQOFF)
		push(c, rec->cpu, rec->time_ps, rec->a);
	c->marks += rec->kind == RMPSIM_TRACE_MARK;
}

static void collect_round(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_round_stretches *r)
{
	struct collect *c = ctx;
	assert_int_equal(rmpsim_sim_now(sim), r->t0_ps); /* now is the send, as documented */
	assert_true(r->n > 0);
	for (size_t i = 0; i < r->n; i++)
		push(c, r->cpu[i], r->t0_ps + r->end_off_ps[i], r->len_ps[i]);
	check_pattern(c, r);
	c->batches++;
	c->in_batches += r->n;
}

static void run_collect(bool batches, struct collect *c, struct rmpsim_run_result *res)
{
	struct rmpsim_scenario s;
	memset(c, 0, sizeof(*c));
	assert_int_equal(rmpsim_scenario_builtin("full", RMPSIM_BACKING_2M, NULL, &s), 0);
	struct rmpsim_run_options opt = { .machine = MACHINE,
					  .trace = collect_rec,
					  .trace_ctx = c,
					  .trace_kinds = RMPSIM_HIST_TRACE_KINDS,
					  .trace_round_stretches = batches ? collect_round : NULL };
	assert_int_equal(rmpsim_workload_run(&s, &opt, NULL, res, NULL), 0);
	rmpsim_scenario_free(&s);
}

static void sim_batches_are_its_records(void **state)
{
	(void)state;
	struct collect one, batch;
	struct rmpsim_run_result r1, r2;
	run_collect(false, &one, &r1);
	run_collect(true, &batch, &r2);
	assert_int_equal(one.batches, 0);
	/* rounds ran (v10's verify rounds of the pass, 31 targets at most here) and
	 * came in batches of several stretches */
	assert_true(batch.batches >= 5);
	assert_true(batch.in_batches >= 5 * batch.batches);
	/* most rounds were a memo's again, its stretches unchanged (check_pattern) */
	assert_true(batch.repeats * 2 > batch.batches);
	assert_int_equal(one.marks, batch.marks);
	assert_int_equal(one.n, batch.n);
	for (size_t i = 0; i < one.n; i++) {
		assert_int_equal(one.v[i].cpu, batch.v[i].cpu);
		assert_int_equal(one.v[i].end, batch.v[i].end);
		assert_int_equal(one.v[i].len, batch.v[i].len);
	}
	/* the same run, measured the same (the longest stretch comes from the batches too) */
	assert_int_equal(r1.trace_hash, r2.trace_hash);
	assert_int_equal(r1.pass_ns, r2.pass_ns);
	assert_int_equal(r1.irq_off_max_ns, r2.irq_off_max_ns);
	assert_true(r1.irq_off_max_ns > 0);
	free(one.v);
	free(batch.v);
	for (size_t k = 0; k < batch.nseen; k++)
		free(batch.seen[k].v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batch_as_records_per_cpu_columns),
		cmocka_unit_test(batch_as_records_per_node_columns),
		cmocka_unit_test(patterns_as_records),
		cmocka_unit_test(sim_batches_are_its_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
