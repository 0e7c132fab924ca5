/* SPDX-License-Identifier: MIT */
/*
 * rmpsim --uncertainty (src/workload/uncertainty.c): the Latin-hypercube
 * design, the percentile rule, the tornado on synthetic functions whose answer
 * is known, the fork()ed workers against the in-process loop, and real draws
 * on a small machine (8 CPUs, 8 GiB). covers: A240, A241, A242, A243, A244
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/profile.h>
#include <rmpsim/workload.h>

#include "failing_alloc.h"

#define MACHINE "pack:1 numa:1(memory=8GiB) core:4 pu:2"
#define NP	RMPSIM_PROFILE_NPARAMS
#define NM	RMPSIM_UNC_NMETRICS

static unsigned param(const char *section, const char *key)
{
	int i = rmpsim_profile_param_index(section, key);
	assert_true(i >= 0);
	return (unsigned)i;
}

static enum rmpsim_param_kind kind_of(unsigned j)
{
	struct rmpsim_param_info info;
	assert_int_equal(rmpsim_profile_param(j, &info), 0);
	return info.kind;
}

/* A profile where only the listed parameters keep a range (lo == hi == default elsewhere). */
static void only_widened(struct rmpsim_profile *p, const unsigned *keep, size_t nkeep)
{
	*p = *rmpsim_profile_default();
	for (unsigned j = 0; j < NP; j++) {
		bool k = false;
		for (size_t q = 0; q < nkeep; q++)
			k = k || keep[q] == j;
		if (!k)
			p->lo[j] = p->hi[j] = rmpsim_profile_get_value(p, j);
	}
}

/* ---- The design (A240) ---- */

static void each_parameter_takes_one_draw_per_stratum(void **state)
{
	(void)state;
	static const unsigned sizes[] = { 2, 7, 32, 100 };
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		unsigned n = sizes[s];
		uint32_t *pos = calloc((size_t)n * NP, sizeof(*pos));
		bool *hit = calloc(n, sizeof(*hit));
		assert_non_null(pos);
		assert_non_null(hit);
		assert_int_equal(rmpsim_unc_design(n, 42, pos), 0);
		for (unsigned j = 0; j < NP; j++) {
			memset(hit, 0, n * sizeof(*hit));
			for (unsigned i = 0; i < n; i++) {
				uint32_t p = pos[(size_t)i * NP + j];
				assert_true(p < n * RMPSIM_UNC_SUBSTEPS);
				unsigned stratum = p / RMPSIM_UNC_SUBSTEPS;
				assert_false(hit[stratum]); /* no stratum twice ... */
				hit[stratum] = true;
			}
			for (unsigned k = 0; k < n; k++) /* ... so every one once */
				assert_true(hit[k]);
		}
		free(pos);
		free(hit);
	}
}

/* Values follow the positions: uniform in stored units, rounded; whole counts
 * equally likely; switches and fixed parameters untouched. */
static void values_follow_the_positions(void **state)
{
	(void)state;
	enum { N = 9 };
	const struct rmpsim_profile *base = rmpsim_profile_default();
	struct rmpsim_profile fixed = *base;
	unsigned pinned = param("memory", "dram_local_ns");
	fixed.lo[pinned] = fixed.hi[pinned] = rmpsim_profile_get_value(base, pinned);
	uint32_t pos[N * NP];
	assert_int_equal(rmpsim_unc_design(N, 7, pos), 0);
	unsigned queue = param("ipi", "queue_lines"), counts[4] = { 0 };
	unsigned drawn = 0;

	for (unsigned i = 0; i < N; i++) {
		struct rmpsim_profile p;
		rmpsim_unc_profile(&fixed, N, &pos[i * NP], &p);
		for (unsigned j = 0; j < NP; j++) {
			uint64_t v = rmpsim_profile_get_value(&p, j);
			if (!rmpsim_profile_param_uncertain(&fixed, j)) {
				ASSERT_EQ(v, rmpsim_profile_get_value(base, j));
				continue;
			}
			drawn += i == 0;
			assert_true(v >= fixed.lo[j] && v <= fixed.hi[j]);
			double u = (double)pos[i * NP + j] / ((double)N * RMPSIM_UNC_SUBSTEPS);
			double span = (double)(fixed.hi[j] - fixed.lo[j]);
			if (kind_of(j) == RMPSIM_PARAM_INT) {
				ASSERT_EQ(v, fixed.lo[j] + (uint64_t)floor(u * (span + 1)));
			} else {
				double exact = (double)fixed.lo[j] + u * span;
				assert_true(fabs((double)v - exact) <= 0.5 + 1e-6 * span);
			}
		}
		uint64_t q = rmpsim_profile_get_value(&p, queue);
		assert_true(q >= 1 && q <= 3);
		counts[q]++;
	}
	/* queue_lines in [1, 3] with 9 strata: each count in exactly 3 of them. */
	assert_int_equal(counts[1], 3);
	assert_int_equal(counts[2], 3);
	assert_int_equal(counts[3], 3);
	assert_true(drawn >= 20); /* the default profile has most parameters ranged */
	assert_false(rmpsim_profile_param_uncertain(&fixed, param("rmpopt", "scan"))); /* switch */
}

static void design_is_seeded(void **state)
{
	(void)state;
	enum { N = 16 };
	uint32_t a[N * NP], b[N * NP], c[N * NP];
	assert_int_equal(rmpsim_unc_design(N, 1, a), 0);
	assert_int_equal(rmpsim_unc_design(N, 1, b), 0);
	assert_int_equal(rmpsim_unc_design(N, 2, c), 0);
	assert_memory_equal(a, b, sizeof(a));
	unsigned same = 0;
	for (size_t k = 0; k < N * NP; k++)
		same += a[k] == c[k];
	assert_true(same < N * NP / 8); /* another seed, other draws */
	/* Each parameter has its own stream: pinning one parameter's range moves no
	 * other parameter's values (A240). */
	struct rmpsim_profile wide = *rmpsim_profile_default(), pinned = wide;
	unsigned l3 = param("memory", "l3_line_ns");
	pinned.lo[l3] = pinned.hi[l3] = rmpsim_profile_get_value(&wide, l3);
	for (unsigned i = 0; i < N; i++) {
		struct rmpsim_profile pw, pp;
		rmpsim_unc_profile(&wide, N, &a[i * NP], &pw);
		rmpsim_unc_profile(&pinned, N, &a[i * NP], &pp);
		for (unsigned j = 0; j < NP; j++)
			if (j != l3)
				ASSERT_EQ(rmpsim_profile_get_value(&pw, j), rmpsim_profile_get_value(&pp, j));
		ASSERT_EQ(rmpsim_profile_get_value(&pp, l3), rmpsim_profile_get_value(&wide, l3));
	}
	assert_int_equal(rmpsim_unc_design(1, 1, a), -EINVAL);
	assert_int_equal(rmpsim_unc_design(RMPSIM_UNC_MAX_DRAWS + 1, 1, a), -EINVAL);
}

/* ---- Percentiles (A241) ---- */

static void percentiles_by_nearest_rank(void **state)
{
	(void)state;
	uint64_t twenty[20];
	for (unsigned i = 0; i < 20; i++)
		twenty[i] = 10 * (i + 1);
	/* ranks ceil(0.05 * 20) = 1, ceil(0.5 * 20) = 10, ceil(0.95 * 20) = 19 */
	assert_int_equal(rmpsim_unc_percentile(twenty, 20, 5), 10);
	assert_int_equal(rmpsim_unc_percentile(twenty, 20, 50), 100);
	assert_int_equal(rmpsim_unc_percentile(twenty, 20, 95), 190);
	const uint64_t three[] = { 4, 8, 15 };
	/* ceil(0.15) = 1, ceil(1.5) = 2, ceil(2.85) = 3 */
	assert_int_equal(rmpsim_unc_percentile(three, 3, 5), 4);
	assert_int_equal(rmpsim_unc_percentile(three, 3, 50), 8);
	assert_int_equal(rmpsim_unc_percentile(three, 3, 95), 15);
	const uint64_t hundred_one[] = { 1 };
	assert_int_equal(rmpsim_unc_percentile(hundred_one, 1, 95), 1);
	/* 40 values: ceil(2) = 2, ceil(20) = 20, ceil(38) = 38 */
	uint64_t forty[40];
	for (unsigned i = 0; i < 40; i++)
		forty[i] = i + 1;
	assert_int_equal(rmpsim_unc_percentile(forty, 40, 5), 2);
	assert_int_equal(rmpsim_unc_percentile(forty, 40, 50), 20);
	assert_int_equal(rmpsim_unc_percentile(forty, 40, 95), 38);
}

/* summarise sorts each metric on its own: bands of shuffled known values. */
static void bands_of_known_draws(void **state)
{
	(void)state;
	enum { N = 20 };
	const struct rmpsim_profile *base = rmpsim_profile_default();
	uint32_t pos[N * NP];
	uint64_t y[N * NM];
	assert_int_equal(rmpsim_unc_design(N, 3, pos), 0);
	for (unsigned i = 0; i < N; i++) {
		unsigned k = (i * 7) % N; /* a permutation of 0..19 */
		for (unsigned m = 0; m < NM; m++)
			y[i * NM + m] = (m + 1) * 1000 + (uint64_t)k * (m + 1);
	}
	struct rmpsim_uncertainty u;
	assert_int_equal(rmpsim_unc_summarise(base, N, pos, y, NULL, &u), 0);
	assert_int_equal(u.ndraws, N);
	for (unsigned m = 0; m < NM; m++) {
		/* sorted: (m+1) * (1000 + r), r = 0..19; ranks 1, 10, 19 */
		assert_int_equal(u.bands[m].p5, (m + 1) * 1000);
		assert_int_equal(u.bands[m].p50, (m + 1) * 1009);
		assert_int_equal(u.bands[m].p95, (m + 1) * 1018);
	}
}

/* ---- The tornado on synthetic functions (A242, A243) ---- */

struct synth {
	unsigned a, b; /* pass_ns = 10^6 + wa * (v_a - lo_a) + wb * (v_b - lo_b) (wb may be < 0) */
	int64_t wa, wb;
	const struct rmpsim_profile *base;
	int fail_at; /* draw whose profile makes the runner fail (matched by value), -1 none */
	uint64_t fail_value;
	bool die; /* end the worker process instead of failing */
};

static int synth_run(void *ctx, const struct rmpsim_profile *p, uint64_t *metrics, struct rmpsim_diag *diag)
{
	struct synth *s = ctx;
	int64_t va = (int64_t)(rmpsim_profile_get_value(p, s->a) - s->base->lo[s->a]);
	int64_t vb = (int64_t)(rmpsim_profile_get_value(p, s->b) - s->base->lo[s->b]);
	if (s->fail_at >= 0 && rmpsim_profile_get_value(p, s->a) == s->fail_value) {
		if (s->die)
			_exit(3);
		return rmpsim_diag_fail(diag, -EINVAL, "synthetic failure");
	}
	int64_t y = 1000000 + s->wa * va + s->wb * vb;
	for (unsigned m = 0; m < NM; m++)
		metrics[m] = (uint64_t)y / (m + 1);
	return 0;
}

static const struct rmpsim_sensitivity *find(const struct rmpsim_uncertainty *u, unsigned j)
{
	for (unsigned k = 0; k < u->nsens; k++)
		if (u->sens[k].param == j)
			return &u->sens[k];
	return NULL;
}

/* Pearson correlation of the positions of parameters a and b over n draws. */
static double correlation(const uint32_t *pos, unsigned n, unsigned a, unsigned b)
{
	double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
	for (unsigned i = 0; i < n; i++) {
		ma += pos[i * NP + a] / (double)n;
		mb += pos[i * NP + b] / (double)n;
	}
	for (unsigned i = 0; i < n; i++) {
		double da = pos[i * NP + a] - ma, db = pos[i * NP + b] - mb;
		sab += da * db;
		saa += da * da;
		sbb += db * db;
	}
	return sab / sqrt(saa * sbb);
}

static void tornado_finds_the_two_widened_parameters(void **state)
{
	(void)state;
	struct rmpsim_profile p;
	unsigned dram = param("memory", "dram_local_ns"), l3 = param("memory", "l3_line_ns");
	only_widened(&p, (unsigned[]){ l3, dram }, 2);
	/* dram_local 80..140 ns = 60,000 ps x 2 = +120,000; l3 12..35 ns = 23,000 ps x -3 = -69,000 */
	struct synth s = { .a = dram, .b = l3, .wa = 2, .wb = -3, .base = &p, .fail_at = -1 };
	struct rmpsim_uncertainty u;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_unc_sample(&p, 64, 5, 1, synth_run, &s, NULL, &u, &d), 0);
	assert_int_equal(u.nsens, 2);
	assert_int_equal(u.sens[0].param, dram);
	assert_int_equal(u.sens[1].param, l3);
	assert_string_equal(u.sens[0].name, "memory.dram_local_ns");
	assert_string_equal(u.sens[0].low, "80");
	assert_string_equal(u.sens[0].high, "140");
	/* Each slope is its own effect plus the other's times the chance correlation
	 * r of the two columns of positions (the univariate method's limit, A242):
	 * |error| <= |other effect| x |r| x sd ratio (1 for LHS columns) + rounding. */
	uint32_t pos[64 * NP];
	assert_int_equal(rmpsim_unc_design(64, 5, pos), 0);
	double r = correlation(pos, 64, dram, l3);
	assert_true(fabs(r) < 0.35); /* a Latin hypercube, not a degenerate design */
	assert_true(llabs(u.sens[0].pass_ns_change - 120000) <= (int64_t)(69000 * fabs(r)) + 100);
	assert_true(llabs(u.sens[1].pass_ns_change + 69000) <= (int64_t)(120000 * fabs(r)) + 100);
	assert_true(u.sens[0].rank_corr_milli > 700);
	assert_true(u.sens[1].rank_corr_milli < -250);
	/* The band of pass_ns spans most of 10^6 + [-69,000, +120,000]. */
	assert_true(u.bands[RMPSIM_UNC_PASS_NS].p5 < 1000000 + 20000);
	assert_true(u.bands[RMPSIM_UNC_PASS_NS].p95 > 1000000 + 30000);
	assert_true(u.bands[RMPSIM_UNC_PASS_NS].p5 < u.bands[RMPSIM_UNC_PASS_NS].p50);
	assert_true(u.bands[RMPSIM_UNC_PASS_NS].p50 < u.bands[RMPSIM_UNC_PASS_NS].p95);
}

/* pass_ns = the parameter's own value: slope exactly its range, rho exactly 1;
 * with every other parameter drawn too, it still tops the tornado. */
static void tornado_slope_of_an_identity(void **state)
{
	(void)state;
	const struct rmpsim_profile *p = rmpsim_profile_default();
	unsigned j = param("ipi", "delivery_ns");
	struct synth s = { .a = j, .b = j, .wa = 1, .wb = 0, .base = p, .fail_at = -1 };
	struct rmpsim_uncertainty u;
	assert_int_equal(rmpsim_unc_sample(p, 32, 11, 1, synth_run, &s, NULL, &u, NULL), 0);
	assert_true(u.nsens > 10);
	assert_int_equal(u.sens[0].param, j);
	assert_true(llabs(u.sens[0].pass_ns_change - (int64_t)(p->hi[j] - p->lo[j])) <= 1);
	assert_int_equal(u.sens[0].rank_corr_milli, 1000);
	for (unsigned k = 1; k < u.nsens; k++) /* sorted by |change| */
		assert_true(llabs(u.sens[k].pass_ns_change) <= llabs(u.sens[k - 1].pass_ns_change));
	/* A243: the other parameters have no effect; their bars are chance, and about
	 * 95% of them stay under the noise size (allow a few more: 30 bars). */
	unsigned over = 0;
	for (unsigned k = 1; k < u.nsens; k++)
		over += (uint64_t)llabs(u.sens[k].pass_ns_change) > u.change_noise_ns;
	assert_true(over <= u.nsens / 6);
	/* ... and the real effect is sqrt(N - 1) / 2 = 2.8 noise sizes for N = 32 */
	assert_true((uint64_t)u.sens[0].pass_ns_change > 2 * u.change_noise_ns);
	/* A constant pass: no slope, no correlation. */
	s.wa = 0;
	assert_int_equal(rmpsim_unc_sample(p, 8, 11, 1, synth_run, &s, NULL, &u, NULL), 0);
	assert_int_equal(u.change_noise_ns, 0);
	for (unsigned k = 0; k < u.nsens; k++) {
		assert_int_equal(u.sens[k].pass_ns_change, 0);
		assert_int_equal(u.sens[k].rank_corr_milli, 0);
	}
	/* ties sorted by table order */
	for (unsigned k = 1; k < u.nsens; k++)
		assert_true(u.sens[k].param > u.sens[k - 1].param);
}

/* ---- Workers, determinism, errors (A244) ---- */

static void workers_do_not_change_the_result(void **state)
{
	(void)state;
	struct rmpsim_profile p;
	unsigned dram = param("memory", "dram_local_ns"), l3 = param("memory", "l3_line_ns");
	only_widened(&p, (unsigned[]){ l3, dram }, 2);
	struct synth s = { .a = dram, .b = l3, .wa = 5, .wb = 1, .base = &p, .fail_at = -1 };
	struct rmpsim_uncertainty one, three, again, other;
	assert_int_equal(rmpsim_unc_sample(&p, 33, 9, 1, synth_run, &s, NULL, &one, NULL), 0);
	assert_int_equal(rmpsim_unc_sample(&p, 33, 9, 3, synth_run, &s, NULL, &three, NULL), 0);
	assert_int_equal(rmpsim_unc_sample(&p, 33, 9, 64, synth_run, &s, NULL, &again, NULL), 0);
	assert_memory_equal(&one, &three, sizeof(one));
	assert_memory_equal(&one, &again, sizeof(one));
	assert_int_equal(rmpsim_unc_sample(&p, 33, 10, 2, synth_run, &s, NULL, &other, NULL), 0);
	assert_memory_not_equal(&one.bands, &other.bands, sizeof(one.bands));
}

static void a_failing_draw_is_reported(void **state)
{
	(void)state;
	enum { N = 6 };
	struct rmpsim_profile p;
	unsigned dram = param("memory", "dram_local_ns"), l3 = param("memory", "l3_line_ns");
	only_widened(&p, (unsigned[]){ l3, dram }, 2);
	uint32_t pos[N * NP];
	assert_int_equal(rmpsim_unc_design(N, 4, pos), 0);
	struct rmpsim_profile third;
	rmpsim_unc_profile(&p, N, &pos[3 * NP], &third);
	struct synth s = { .a = dram,
			   .b = l3,
			   .wa = 1,
			   .base = &p,
			   .fail_at = 3,
			   .fail_value = rmpsim_profile_get_value(&third, dram) };
	for (unsigned workers = 1; workers <= 2; workers++) {
		struct rmpsim_uncertainty u;
		memset(&u, 0x5a, sizeof(u));
		struct rmpsim_uncertainty before = u;
		struct rmpsim_diag d = { 0 };
		assert_int_equal(rmpsim_unc_sample(&p, N, 4, workers, synth_run, &s, NULL, &u, &d), -EINVAL);
		assert_string_equal(d.msg, "synthetic failure");
		assert_memory_equal(&u, &before, sizeof(u)); /* ret_ untouched on failure */
	}
	/* A worker that dies is found out. */
	s.die = true;
	struct rmpsim_uncertainty u;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_unc_sample(&p, N, 4, 2, synth_run, &s, NULL, &u, &d), -ECHILD);
	assert_string_equal(d.msg, "an uncertainty worker process ended with exit status 3");
	/* Bad counts. */
	assert_int_equal(rmpsim_unc_sample(&p, 1, 4, 1, synth_run, &s, NULL, &u, &d), -EINVAL);
	assert_int_equal(rmpsim_unc_sample(&p, RMPSIM_UNC_MAX_DRAWS + 1, 4, 1, synth_run, &s, NULL, &u, &d),
			 -EINVAL);
}

static void out_of_memory_is_reported(void **state)
{
	(void)state;
	struct rmpsim_profile p;
	unsigned dram = param("memory", "dram_local_ns");
	only_widened(&p, &dram, 1);
	struct synth s = { .a = dram, .b = dram, .wa = 1, .base = &p, .fail_at = -1 };
	long ok_at = -1;
	for (long budget = 0; budget < 16 && ok_at < 0; budget++) {
		struct failing_alloc fa;
		failing_alloc_init(&fa, budget);
		struct rmpsim_uncertainty u;
		int r = rmpsim_unc_sample(&p, 4, 1, 1, synth_run, &s, &fa.alloc, &u, NULL);
		assert_true(r == 0 || r == -ENOMEM);
		assert_int_equal(fa.live_bytes, 0);
		if (!r)
			ok_at = budget;
	}
	assert_true(ok_at > 0);
}

/* ---- Real draws on a small machine ---- */

static int real(const struct rmpsim_profile *p, const char *scenario, unsigned n, uint64_t seed,
		unsigned workers, struct rmpsim_uncertainty *u)
{
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	struct rmpsim_run_options opt = { .machine = MACHINE, .seed = seed, .has_seed = true };
	assert_int_equal(rmpsim_scenario_builtin(scenario, RMPSIM_BACKING_4K, NULL, &s), 0);
	int r = rmpsim_unc_run(&s, &opt, p, n, workers, NULL, u, &d);
	if (r)
		print_error("%s\n", d.msg);
	rmpsim_scenario_free(&s);
	return r;
}

/* The same with no --seed: the scenario's own seed chooses the design (A244). */
static int real_scenario_seed(const struct rmpsim_profile *p, const char *scenario, unsigned n,
			      uint64_t scenario_seed, struct rmpsim_uncertainty *u)
{
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	struct rmpsim_run_options opt = { .machine = MACHINE };
	assert_int_equal(rmpsim_scenario_builtin(scenario, RMPSIM_BACKING_4K, NULL, &s), 0);
	s.seed = scenario_seed;
	int r = rmpsim_unc_run(&s, &opt, p, n, 1, NULL, u, &d);
	if (r)
		print_error("%s\n", d.msg);
	rmpsim_scenario_free(&s);
	return r;
}

static uint64_t pass_with(const struct rmpsim_profile *p, const char *scenario)
{
	struct rmpsim_scenario s;
	struct rmpsim_run_result res;
	struct rmpsim_run_options opt = { .machine = MACHINE, .profile_value = p };
	assert_int_equal(rmpsim_scenario_builtin(scenario, RMPSIM_BACKING_4K, NULL, &s), 0);
	assert_int_equal(rmpsim_workload_run(&s, &opt, NULL, &res, NULL), 0);
	rmpsim_scenario_free(&s);
	return res.pass_ns;
}

/* Only the IPI delivery time has a range: it must top the tornado, with a
 * positive change matching the difference of runs at its two ends. */
static void real_draws_find_the_widened_parameter(void **state)
{
	(void)state;
	struct rmpsim_profile p;
	unsigned j = param("ipi", "delivery_ns");
	only_widened(&p, &j, 1);
	struct rmpsim_uncertainty u;
	assert_int_equal(real(&p, "empty", 12, 1, 2, &u), 0);
	assert_int_equal(u.nsens, 1);
	assert_int_equal(u.sens[0].param, j);
	assert_true(u.sens[0].rank_corr_milli >= 900);

	struct rmpsim_profile lo = p, hi = p;
	rmpsim_profile_set_value(&lo, j, p.lo[j]);
	rmpsim_profile_set_value(&hi, j, p.hi[j]);
	int64_t ends = (int64_t)pass_with(&hi, "empty") - (int64_t)pass_with(&lo, "empty");
	assert_true(ends > 0);
	assert_true(u.sens[0].pass_ns_change > ends * 8 / 10 && u.sens[0].pass_ns_change < ends * 12 / 10);
	const struct rmpsim_band *b = &u.bands[RMPSIM_UNC_PASS_NS];
	assert_true(b->p5 <= b->p50 && b->p50 <= b->p95 && b->p5 < b->p95);
	assert_true(b->p5 >= pass_with(&lo, "empty") && b->p95 <= pass_with(&hi, "empty"));
}

static void real_draws_are_deterministic(void **state)
{
	(void)state;
	const struct rmpsim_profile *p = rmpsim_profile_default();
	struct rmpsim_uncertainty a, b, c;
	assert_int_equal(real(p, "worst", 6, 1, 1, &a), 0);
	assert_int_equal(real(p, "worst", 6, 1, 2, &b), 0);
	assert_int_equal(real(p, "worst", 6, 2, 2, &c), 0);
	assert_memory_equal(&a, &b, sizeof(a)); /* same seed, any worker count */
	assert_memory_not_equal(&a.bands, &c.bands, sizeof(a.bands));
	/* covers: A244 (without --seed the scenario's seed draws the profiles) */
	struct rmpsim_uncertainty by_scenario;
	assert_int_equal(real_scenario_seed(p, "worst", 6, 2, &by_scenario), 0);
	assert_memory_equal(&by_scenario, &c, sizeof(c));
	assert_non_null(find(&a, param("cpu", "freq_ghz")));
	assert_null(find(&a, param("rmpopt", "scan"))); /* switches are never drawn */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_parameter_takes_one_draw_per_stratum),
		cmocka_unit_test(values_follow_the_positions),
		cmocka_unit_test(design_is_seeded),
		cmocka_unit_test(percentiles_by_nearest_rank),
		cmocka_unit_test(bands_of_known_draws),
		cmocka_unit_test(tornado_finds_the_two_widened_parameters),
		cmocka_unit_test(tornado_slope_of_an_identity),
		cmocka_unit_test(workers_do_not_change_the_result),
		cmocka_unit_test(a_failing_draw_is_reported),
		cmocka_unit_test(out_of_memory_is_reported),
		cmocka_unit_test(real_draws_find_the_widened_parameter),
		cmocka_unit_test(real_draws_are_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
