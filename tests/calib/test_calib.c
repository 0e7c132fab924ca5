/* SPDX-License-Identifier: MIT */
/* The calib layer (src/calib/calib.h): parsing, the optimiser, the fit's
 * parameter selection on synthetic models, and the IPI benchmark. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "calib/calib.h"

/* ---- Parsing ---- */

/* A420: the "RMPOPT execution time ... ns" line. */
static void test_pass_log(void **state)
{
	(void)state;
	struct calib_set set = { 0 };
	struct rmpsim_diag d = { 0 };
	const char *text = "[    0.1] random boot line\n"
			   "[    1.0] SEV-SNP: RMPOPT execution time 408,227,000 ns\n"
			   "RMPOPT execution time of the pass: 12.5 us\r\n"
			   "something else with ns in it\n";
	assert_int_equal(calib_parse(&set, CALIB_PASS_LOG, text, "p.log", "empty", &d), 0);
	assert_int_equal(set.n, 2);
	assert_int_equal(set.m[0].line, 2);
	assert_true(set.m[0].value == 408227000.0);
	assert_int_equal(set.m[1].line, 3);
	assert_true(set.m[1].value == 12500.0);
	assert_int_equal(set.m[1].q, CALIB_Q_PASS_NS);

	/* A marker line that does not parse: file:line:col, and nothing added. */
	assert_int_equal(
		calib_parse(&set, CALIB_PASS_LOG, "ok\nRMPOPT execution time soon\n", "q.log", "x", &d),
		-EINVAL);
	assert_string_equal(d.file, "q.log");
	assert_int_equal(d.line, 2);
	assert_non_null(strstr(d.msg, "expected"));
	assert_int_equal(set.n, 2);
	assert_int_equal(set.nsrc, 1);
	/* No measurement at all. */
	assert_int_equal(calib_parse(&set, CALIB_PASS_LOG, "nothing\n", "r.log", "x", &d), -EINVAL);
	assert_non_null(strstr(d.msg, "no measurement"));
	calib_set_free(&set);
}

/* A421: spec 1.12 C's per-instruction lines; rises ranked per CPU. */
static void test_cycles_log(void **state)
{
	(void)state;
	struct calib_set set = { 0 };
	struct rmpsim_diag d = { 0 };
	const char *text =
		"RMPOPT max cycle on cpu 0 at 0x0: 4140\n"
		"RMPOPT max cycle on cpu 256 at 0x40000000: 34,680\n"
		"RMPOPT max cycle on cpu 0 at 0x80000000: 36800\n"
		"RMPOPT instruction cycles: largest 83,680, smallest 60, average 5658; pass 6381 cycles\n"
		"RMPOPT max cycle on cpu 3 at 0x0: 99\n"; /* no summary after it: dropped */
	assert_int_equal(calib_parse(&set, CALIB_CYCLES_LOG, text, "c.log", "empty", &d), 0);
	assert_int_equal(set.n, 7);
	assert_int_equal(set.m[0].q, CALIB_Q_CYC_RISE);
	assert_int_equal(set.m[0].rise, 0);
	assert_int_equal(set.m[1].rise_cpu, 256);
	assert_true(set.m[1].value == 34680.0);
	assert_int_equal(set.m[2].rise, 1); /* the second rise on CPU 0 */
	assert_int_equal(set.m[3].q, CALIB_Q_CYC_MAX);
	assert_true(set.m[3].value == 83680.0);
	assert_int_equal(set.m[4].q, CALIB_Q_CYC_MIN);
	assert_int_equal(set.m[5].q, CALIB_Q_CYC_MEAN);
	assert_int_equal(set.m[6].q, CALIB_Q_CYC_PASS);
	assert_int_equal(calib_parse(&set, CALIB_CYCLES_LOG, "RMPOPT max cycle on cpu 1 at 0x0 12\n", "b.log",
				     "x", &d),
			 -EINVAL);
	assert_int_equal(d.line, 1);
	assert_non_null(strstr(d.msg, "':'"));
	calib_set_free(&set);
}

/* A422: the IPI table. */
static void test_ipi_table(void **state)
{
	(void)state;
	struct calib_set set = { 0 };
	struct rmpsim_diag d = { 0 };
	assert_int_equal(calib_parse(&set, CALIB_IPI_TABLE, "# bench\ntargets,ns\n1, 1500\n\n63\t4200.5 ns\n",
				     "t.csv", NULL, &d),
			 0);
	assert_int_equal(set.n, 2);
	assert_int_equal(set.m[1].targets, 63);
	assert_true(set.m[1].value == 4200.5);
	assert_int_equal(set.m[1].line, 5);
	/* A header only as the first row; zero targets; a third column. */
	assert_int_equal(calib_parse(&set, CALIB_IPI_TABLE, "1 10\ntargets ns\n", "h", NULL, &d), -EINVAL);
	assert_int_equal(d.line, 2);
	assert_int_equal(calib_parse(&set, CALIB_IPI_TABLE, "0 10\n", "z", NULL, &d), -EINVAL);
	assert_int_equal(calib_parse(&set, CALIB_IPI_TABLE, "2 10 7\n", "c", NULL, &d), -EINVAL);
	assert_int_equal(set.n, 2);
	calib_set_free(&set);
}

/* ---- The optimiser ---- */

struct quad {
	double c[2], w[2];
	unsigned calls;
};

static int quad_fn(void *ctx, const double *x, double *ret)
{
	struct quad *q = ctx;
	assert_true(x[0] >= 0 && x[0] <= 1 && x[1] >= 0 && x[1] <= 1); /* never outside the box */
	*ret = q->w[0] * (x[0] - q->c[0]) * (x[0] - q->c[0]) + q->w[1] * (x[1] - q->c[1]) * (x[1] - q->c[1]);
	q->calls++;
	return 0;
}

/* A424: the bounded, deterministic simplex. */
static void test_nelder_mead(void **state)
{
	(void)state;
	struct quad q = { { 0.3, 0.7 }, { 1, 10 }, 0 };
	double x[2] = { 0.9, 0.1 }, v;
	unsigned evals;
	assert_int_equal(calib_nelder_mead(2, x, 0.2, 400, quad_fn, &q, &v, &evals), 0);
	assert_true(fabs(x[0] - 0.3) < 1e-3 && fabs(x[1] - 0.7) < 1e-3);
	assert_int_equal(evals, q.calls);
	assert_true(evals <= 400);
	/* A minimum outside the box ends on its edge. */
	struct quad e = { { 1.5, -0.5 }, { 1, 1 }, 0 };
	double y[2] = { 0.5, 0.5 };
	assert_int_equal(calib_nelder_mead(2, y, 0.2, 400, quad_fn, &e, &v, NULL), 0);
	assert_true(y[0] > 1 - 1e-6 && y[1] < 1e-6);
	/* Deterministic: the same start gives the same point. */
	double z[2] = { 0.9, 0.1 };
	assert_int_equal(calib_nelder_mead(2, z, 0.2, 400, quad_fn, &q, &v, NULL), 0);
	assert_true(z[0] == x[0] && z[1] == x[1]);
}

/* ---- The fit on synthetic models ---- */

enum synth { TWO_PARAMS, SUM_ONLY, CONSTANT };
struct synth_ctx {
	enum synth kind;
};

/* Three "measurements" of a made-up machine: linear in DRAM latencies and delivery. */
static int synth_model(void *ctx, const struct rmpsim_profile *p, double *ret, struct rmpsim_diag *diag)
{
	(void)diag;
	const struct synth_ctx *s = ctx;
	double local = (double)p->dram_local_ps / 1000, remote = (double)p->dram_remote_ps / 1000;
	double deliv = (double)p->ipi_delivery_ps / 1000;
	switch (s->kind) {
	case TWO_PARAMS:
		ret[0] = 512 * local;
		ret[1] = 100 * local + 4 * deliv;
		ret[2] = 1000 + 2 * deliv;
		ret[3] = 3000 + 50 * local + deliv;
		break;
	case SUM_ONLY: /* only local + remote is seen: the two cannot be told apart */
		ret[0] = 10 * (local + remote);
		ret[1] = 500 + 3 * (local + remote);
		ret[2] = 700 + (local + remote);
		ret[3] = 900 + deliv;
		break;
	case CONSTANT: ret[0] = ret[1] = ret[2] = ret[3] = 1000; break;
	}
	return 0;
}

static const struct calib_param *find_param(const struct calib_result *r, unsigned index)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (r->params[i].index == index)
			return &r->params[i];
	fail_msg("parameter %u is not a candidate", index);
	return &r->params[0]; /* not reached */
}

/* A423 (unconstrained parameters), A424 (the fit), A425 (held-out check). */
static void test_fit_recovers(void **state)
{
	(void)state;
	struct synth_ctx s = { TWO_PARAMS };
	struct rmpsim_profile truth = *rmpsim_profile_default();
	truth.dram_local_ps = 131000;
	truth.ipi_delivery_ps = 1100000;
	double meas[4];
	assert_int_equal(synth_model(&s, &truth, meas, NULL), 0);
	struct calib_fit_opts o = { NULL, 0, true };
	struct calib_result r;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(calib_fit(rmpsim_profile_default(), meas, 4, synth_model, &s, &o, &r, &d), 0);
	int il = rmpsim_profile_param_index("memory", "dram_local_ns");
	int id = rmpsim_profile_param_index("ipi", "delivery_ns");
	int im = rmpsim_profile_param_index("kernel", "mutex_ns");
	assert_int_equal(r.nfitted, 2);
	assert_int_equal(find_param(&r, (unsigned)il)->status, CALIB_FITTED);
	assert_int_equal(find_param(&r, (unsigned)id)->status, CALIB_FITTED);
	assert_int_equal(find_param(&r, (unsigned)im)->status, CALIB_UNCONSTRAINED);
	assert_true(fabs((double)r.fitted.dram_local_ps - 131000) <= 0.005 * 131000);
	assert_true(fabs((double)r.fitted.ipi_delivery_ps - 1100000) <= 0.005 * 1100000);
	assert_true(r.rms_fit < 1e-3 && r.rms_base > 0.05);
	assert_true(r.rms_loo < 0.01); /* exact data: every held-out prediction is right too */
	assert_int_equal(r.fitted.mutex_ps, rmpsim_profile_default()->mutex_ps);
	calib_result_free(&r);
}

/* A423: parameters the data cannot separate, and nothing to fit. */
static void test_fit_aliased_and_nothing(void **state)
{
	(void)state;
	struct synth_ctx s = { SUM_ONLY };
	const struct rmpsim_profile *base = rmpsim_profile_default();
	double meas[4] = { 3500, 1550, 1050, 1600 };
	struct calib_fit_opts o = { NULL, 0, false };
	struct calib_result r;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(calib_fit(base, meas, 4, synth_model, &s, &o, &r, &d), 0);
	int il = rmpsim_profile_param_index("memory", "dram_local_ns");
	int ir = rmpsim_profile_param_index("memory", "dram_remote_ns");
	const struct calib_param *pl = find_param(&r, (unsigned)il), *pr = find_param(&r, (unsigned)ir);
	/* Exactly one of the two is fitted; the other names it. */
	assert_true((pl->status == CALIB_FITTED) != (pr->status == CALIB_FITTED));
	const struct calib_param *al = pl->status == CALIB_ALIASED ? pl : pr;
	assert_int_equal(al->status, CALIB_ALIASED);
	assert_int_equal(al->alias, al == pl ? (unsigned)ir : (unsigned)il);
	assert_int_equal(r.nfitted, 2); /* and delivery */
	calib_result_free(&r);

	struct synth_ctx c = { CONSTANT };
	assert_int_equal(calib_fit(base, meas, 4, synth_model, &c, &o, &r, &d), -EDOM);
	assert_int_equal(r.nfitted, 0);
	for (size_t i = 0; i < r.nparams; i++)
		assert_int_equal(r.params[i].status, CALIB_UNCONSTRAINED);
	assert_false(r.moves[0]);
	calib_result_free(&r);
}

/* ---- The IPI benchmark (A422) ---- */

static void test_ipi_bench(void **state)
{
	(void)state;
	const char *m = "pack:2 numa:1(memory=4GiB) core:4 pu:2";
	unsigned targets[3] = { 1, 7, 15 };
	double ns[3], slow[3];
	struct rmpsim_diag d = { 0 };
	struct rmpsim_profile p = *rmpsim_profile_default();
	assert_int_equal(calib_ipi_bench(m, &p, targets, 3, ns, &d), 0);
	assert_true(ns[0] > 0 && ns[0] < ns[1] && ns[1] < ns[2]); /* more targets, longer */
	/* One more microsecond of delivery: each call's round trip grows by it (the
	 * sender waits for the last target's handler). */
	p.ipi_delivery_ps += 1000000;
	assert_int_equal(calib_ipi_bench(m, &p, targets, 3, slow, &d), 0);
	for (int i = 0; i < 3; i++)
		assert_true(fabs(slow[i] - ns[i] - 1000) < 1);
	unsigned too_many = 16;
	assert_int_equal(calib_ipi_bench(m, &p, &too_many, 1, ns, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "16 targets"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass_log),     cmocka_unit_test(test_cycles_log),
		cmocka_unit_test(test_ipi_table),    cmocka_unit_test(test_nelder_mead),
		cmocka_unit_test(test_fit_recovers), cmocka_unit_test(test_fit_aliased_and_nothing),
		cmocka_unit_test(test_ipi_bench),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
