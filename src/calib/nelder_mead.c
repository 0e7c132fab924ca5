/* SPDX-License-Identifier: MIT */
/*
 * A bounded Nelder-Mead simplex search on [0, 1]^k (A424). Every point is
 * clamped into the box, so the search never leaves the parameters' ranges;
 * ties between equal values keep the older vertex first, so the search is
 * deterministic. The usual coefficients: reflection 1, expansion 2,
 * contraction 1/2, shrink 1/2 (Lagarias et al., SIAM J. Optim. 9, 1998).
 * Derivative-free, because the model is piecewise constant in places
 * (integer parameters, misses kept in flight, ceilings of line counts).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib/calib.h"

struct nm {
	unsigned k, evals, max_evals;
	calib_obj_fn f;
	void *ctx;
	double *pts; /* (k + 1) x k, sorted by val */
	double *val;
	int err;
};

static double clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

static double eval(struct nm *s, double *x)
{
	double v = HUGE_VAL;
	for (unsigned j = 0; j < s->k; j++)
		x[j] = clamp01(x[j]);
	if (!s->err) {
		s->err = s->f(s->ctx, x, &v);
		s->evals++;
	}
	return s->err ? HUGE_VAL : v;
}

/* Insertion sort by value, stable (equal values keep their order). */
static void sort(struct nm *s, double *tmp)
{
	unsigned k = s->k;
	for (unsigned i = 1; i <= k; i++) {
		double v = s->val[i];
		memcpy(tmp, &s->pts[i * k], k * sizeof(double));
		unsigned j = i;
		for (; j > 0 && s->val[j - 1] > v; j--) {
			s->val[j] = s->val[j - 1];
			memcpy(&s->pts[j * k], &s->pts[(j - 1) * k], k * sizeof(double));
		}
		s->val[j] = v;
		memcpy(&s->pts[j * k], tmp, k * sizeof(double));
	}
}

static double diameter(const struct nm *s)
{
	double d = 0;
	for (unsigned i = 1; i <= s->k; i++)
		for (unsigned j = 0; j < s->k; j++)
			d = fmax(d, fabs(s->pts[i * s->k + j] - s->pts[j]));
	return d;
}

/* x = c + t (y - c) */
static void along(unsigned k, const double *c, const double *y, double t, double *x)
{
	for (unsigned j = 0; j < k; j++)
		x[j] = c[j] + t * (y[j] - c[j]);
}

static void iterate(struct nm *s, double *c, double *xr, double *xe, double *tmp)
{
	unsigned k = s->k;
	double *worst = &s->pts[k * k];

	for (unsigned j = 0; j < k; j++) {
		c[j] = 0;
		for (unsigned i = 0; i < k; i++)
			c[j] += s->pts[i * k + j] / k;
	}
	along(k, c, worst, -1, xr);
	double fr = eval(s, xr);
	if (fr < s->val[0]) {
		along(k, c, worst, -2, xe);
		double fe = eval(s, xe);
		bool take_e = fe < fr;
		memcpy(worst, take_e ? xe : xr, k * sizeof(double));
		s->val[k] = take_e ? fe : fr;
	} else if (fr < s->val[k - 1]) {
		memcpy(worst, xr, k * sizeof(double));
		s->val[k] = fr;
	} else {
		bool outside = fr < s->val[k];
		along(k, c, outside ? xr : worst, 0.5, xe);
		double fc = eval(s, xe);
		if (fc < (outside ? fr : s->val[k])) {
			memcpy(worst, xe, k * sizeof(double));
			s->val[k] = fc;
		} else { /* shrink towards the best vertex */
			for (unsigned i = 1; i <= k; i++) {
				along(k, s->pts, &s->pts[i * k], 0.5, &s->pts[i * k]);
				s->val[i] = eval(s, &s->pts[i * k]);
			}
		}
	}
	sort(s, tmp);
}

int calib_nelder_mead(unsigned k, double *x, double step, unsigned max_evals, calib_obj_fn f, void *ctx,
		      double *ret_val, unsigned *ret_evals)
{
	struct nm s = { .k = k, .max_evals = max_evals, .f = f, .ctx = ctx };
	s.pts = calloc((size_t)(k + 1) * k + 4 * (size_t)k + 1, sizeof(double));
	s.val = calloc(k + 1, sizeof(double));
	if (!s.pts || !s.val || k == 0) {
		free(s.pts);
		free(s.val);
		return k == 0 ? -EINVAL : -ENOMEM;
	}
	double *c = &s.pts[(k + 1) * k], *xr = c + k, *xe = xr + k, *tmp = xe + k;
	memcpy(s.pts, x, k * sizeof(double));
	s.val[0] = eval(&s, s.pts);
	for (unsigned i = 1; i <= k; i++) {
		double *p = &s.pts[i * k];
		memcpy(p, s.pts, k * sizeof(double));
		/* Step inside the box: away from the nearer edge. */
		p[i - 1] += p[i - 1] + step <= 1 ? step : -step;
		s.val[i] = eval(&s, p);
	}
	sort(&s, tmp);
	while (!s.err && s.evals < s.max_evals) {
		double d = diameter(&s);
		double spread = s.val[k] - s.val[0];
		if (d < 1e-6 || (d < 1e-3 && spread <= 1e-12 + 1e-9 * fabs(s.val[0])))
			break;
		iterate(&s, c, xr, xe, tmp);
	}
	memcpy(x, s.pts, k * sizeof(double));
	*ret_val = s.val[0];
	if (ret_evals)
		*ret_evals = s.evals;
	int err = s.err;
	free(s.pts);
	free(s.val);
	return err;
}
