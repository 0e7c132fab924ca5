/* SPDX-License-Identifier: MIT */
/*
 * Fitting the timing parameters a set of measurements constrains (calib.h):
 *
 * 1. Sensitivity (A423): each candidate parameter is moved by a tenth of its
 *    range (at least one unit of an integer); the change of ln(prediction)
 *    per whole range is its Jacobian column. A parameter whose column stays
 *    below 0.1 % everywhere is unconstrained: not fitted, and said so.
 * 2. Identifiability (A423): columns are taken greedily, largest first,
 *    each after removing its projection on the ones already taken (pivoted
 *    Gram-Schmidt); one whose remainder is below 0.3 of its length moves
 *    the measurements like the taken ones and is not fitted. At most one
 *    parameter per two measurements is taken, so that each rests on more
 *    than one and the held-out check has something to hold out.
 * 3. The fit (A424): bounded Nelder-Mead on the taken parameters, each
 *    mapped to [0, 1] over its range, minimising the sum of squared
 *    ln(prediction / measured); a second, smaller simplex from the best point.
 * 4. Held-out check: for each measurement, the fit again without it (from the
 *    full fit's optimum), and its prediction from that fit.
 *
 * Predictions are cached by the fitted parameters' stored values (a point
 * rounds to stored units, so nearby points are often the same profile).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib/calib.h"

#define EFFECT_MIN 1e-3	 /* A423: 0.1 % of a prediction over the whole range */
#define ALIAS_SINE 0.3	 /* A423: a column within ~17 degrees of the others' span */
#define CACHE_MAX  4096u /* predictions kept */

struct cache_entry {
	uint64_t *vals;
	double *pred;
};

struct fitctx {
	const struct rmpsim_profile *base;
	const double *meas;
	size_t n;
	calib_model_fn model;
	void *mctx;
	struct rmpsim_diag *diag;
	unsigned *idx; /* parameter table index of each fitted coordinate */
	unsigned k;
	const double *w; /* weight per measurement (0 = left out) */
	double *pred;	 /* predictions of the last point evaluated */
	struct cache_entry *cache;
	size_t ncache;
	unsigned evals;
	uint64_t *vals; /* scratch */
};

/* Stored value of coordinate x in [0, 1] of parameter i's range. */
static uint64_t to_value(const struct rmpsim_profile *p, unsigned i, double x)
{
	double span = (double)(p->hi[i] - p->lo[i]);
	uint64_t off = (uint64_t)llround(x * span);
	return p->lo[i] + (off > p->hi[i] - p->lo[i] ? p->hi[i] - p->lo[i] : off);
}

static double to_coord(const struct rmpsim_profile *p, unsigned i, uint64_t v)
{
	return (double)(v - p->lo[i]) / (double)(p->hi[i] - p->lo[i]);
}

/* Predictions at the profile with the fitted parameters at vals (cached). */
static int predict_vals(struct fitctx *c, const uint64_t *vals, double **ret)
{
	for (size_t e = 0; e < c->ncache; e++) {
		if (!memcmp(c->cache[e].vals, vals, c->k * sizeof(uint64_t))) {
			*ret = c->cache[e].pred;
			return 0;
		}
	}
	struct rmpsim_profile p = *c->base;
	for (unsigned j = 0; j < c->k; j++)
		rmpsim_profile_set_value(&p, c->idx[j], vals[j]);
	int r = c->model(c->mctx, &p, c->pred, c->diag);
	c->evals++;
	if (r)
		return r;
	*ret = c->pred;
	if (c->ncache < CACHE_MAX) {
		struct cache_entry *e = &c->cache[c->ncache];
		e->vals = malloc(c->k * sizeof(uint64_t));
		e->pred = malloc(c->n * sizeof(double));
		if (!e->vals || !e->pred) {
			free(e->vals);
			free(e->pred);
			return 0; /* no cache entry: still a prediction */
		}
		memcpy(e->vals, vals, c->k * sizeof(uint64_t));
		memcpy(e->pred, c->pred, c->n * sizeof(double));
		*ret = e->pred;
		c->ncache++;
	}
	return 0;
}

static double log_ratio(double pred, double meas)
{
	return log((pred > 1e-3 ? pred : 1e-3) / meas);
}

static int objective(void *ctx, const double *x, double *ret)
{
	struct fitctx *c = ctx;
	double *pred;
	for (unsigned j = 0; j < c->k; j++)
		c->vals[j] = to_value(c->base, c->idx[j], x[j]);
	int r = predict_vals(c, c->vals, &pred);
	if (r)
		return r;
	double s = 0;
	for (size_t i = 0; i < c->n; i++) {
		double e = log_ratio(pred[i], c->meas[i]);
		s += c->w[i] * e * e;
	}
	*ret = s;
	return 0;
}

/* Jacobian columns of every candidate: jac[j * n + i], per whole range. */
static int sensitivities(struct fitctx *c, struct calib_result *ret, const double *base_pred, double *jac)
{
	for (size_t j = 0; j < ret->nparams; j++) {
		struct calib_param *cp = &ret->params[j];
		const struct rmpsim_profile *p = c->base;
		unsigned i = cp->index;
		uint64_t span = p->hi[i] - p->lo[i], v = cp->base;
		uint64_t step = span / 10 ? span / 10 : 1;
		uint64_t moved = v + step <= p->hi[i] ? v + step : v - step;
		double h = ((double)moved - (double)v) / (double)span;
		struct rmpsim_profile q = *p;
		rmpsim_profile_set_value(&q, i, moved);
		int r = c->model(c->mctx, &q, c->pred, c->diag);
		c->evals++;
		if (r)
			return r;
		cp->effect = 0;
		for (size_t m = 0; m < c->n; m++) {
			double d = (log_ratio(c->pred[m], 1) - log_ratio(base_pred[m], 1)) / h;
			jac[j * c->n + m] = d;
			cp->effect = fmax(cp->effect, fabs(d));
		}
		cp->status = cp->effect >= EFFECT_MIN ? CALIB_FITTED : CALIB_UNCONSTRAINED;
	}
	return 0;
}

static double dot(const double *a, const double *b, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* Pivoted Gram-Schmidt over the constrained columns (A423). */
static int select_identifiable(struct calib_result *ret, const double *jac, size_t n)
{
	size_t np = ret->nparams;
	double *rem = malloc(np * n * sizeof(double)), *basis = malloc(np * n * sizeof(double));
	double *norm0 = calloc(np, sizeof(double));
	bool *taken = calloc(np, sizeof(bool));
	if (!rem || !basis || !norm0 || !taken) {
		free(rem);
		free(basis);
		free(norm0);
		free(taken);
		return -ENOMEM;
	}
	memcpy(rem, jac, np * n * sizeof(double));
	for (size_t j = 0; j < np; j++)
		norm0[j] = sqrt(dot(&jac[j * n], &jac[j * n], n));
	size_t nb = 0;
	for (;;) {
		size_t best = np;
		double best_norm = 0;
		for (size_t j = 0; j < np; j++) {
			if (taken[j] || ret->params[j].status != CALIB_FITTED)
				continue;
			double rn = sqrt(dot(&rem[j * n], &rem[j * n], n));
			if (rn >= ALIAS_SINE * norm0[j] && rn > best_norm) {
				best = j;
				best_norm = rn;
			}
		}
		if (best == np || 2 * (nb + 1) > n)
			break;
		taken[best] = true;
		double *q = &basis[nb++ * n];
		for (size_t i = 0; i < n; i++)
			q[i] = rem[best * n + i] / best_norm;
		for (size_t j = 0; j < np; j++) {
			double d = dot(&rem[j * n], q, n);
			for (size_t i = 0; i < n; i++)
				rem[j * n + i] -= d * q[i];
		}
	}
	/* The rest of the constrained ones follow a taken one: name the closest. */
	for (size_t j = 0; j < np; j++) {
		struct calib_param *cp = &ret->params[j];
		if (cp->status != CALIB_FITTED || taken[j])
			continue;
		bool separable = sqrt(dot(&rem[j * n], &rem[j * n], n)) >= ALIAS_SINE * norm0[j];
		cp->status = separable ? CALIB_TOO_MANY : CALIB_ALIASED;
		double best_cos = -1;
		for (size_t t = 0; t < np; t++) {
			if (!taken[t])
				continue;
			double cs = fabs(dot(&jac[j * n], &jac[t * n], n)) / (norm0[j] * norm0[t]);
			if (cs > best_cos) {
				best_cos = cs;
				cp->alias = ret->params[t].index;
			}
		}
	}
	ret->nfitted = nb;
	free(rem);
	free(basis);
	free(norm0);
	free(taken);
	return 0;
}

static double rms(const double *pred, const double *meas, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++) {
		double e = log_ratio(pred[i], meas[i]);
		s += e * e;
	}
	return n ? sqrt(s / (double)n) : 0;
}

static int prepare(struct calib_result *ret, struct fitctx *c, const bool *cand)
{
	memset(ret, 0, sizeof(*ret));
	ret->params = calloc(RMPSIM_PROFILE_NPARAMS, sizeof(*ret->params));
	ret->base_pred = calloc(c->n, sizeof(double));
	ret->fit_pred = calloc(c->n, sizeof(double));
	ret->loo_pred = calloc(c->n, sizeof(double));
	ret->moves = calloc(c->n, sizeof(bool));
	c->pred = calloc(c->n, sizeof(double));
	c->cache = calloc(CACHE_MAX, sizeof(*c->cache));
	c->idx = calloc(RMPSIM_PROFILE_NPARAMS, sizeof(unsigned));
	c->vals = calloc(RMPSIM_PROFILE_NPARAMS, sizeof(uint64_t));
	if (!ret->params || !ret->base_pred || !ret->fit_pred || !ret->loo_pred || !ret->moves || !c->pred ||
	    !c->cache || !c->idx || !c->vals)
		return -ENOMEM;
	for (unsigned i = 0; i < RMPSIM_PROFILE_NPARAMS; i++) {
		if (!rmpsim_profile_param_uncertain(c->base, i) || (cand && !cand[i]))
			continue;
		ret->params[ret->nparams++] = (struct calib_param){
			.index = i,
			.base = rmpsim_profile_get_value(c->base, i),
		};
	}
	return 0;
}

static void fitctx_free(struct fitctx *c)
{
	for (size_t e = 0; c->cache && e < c->ncache; e++) {
		free(c->cache[e].vals);
		free(c->cache[e].pred);
	}
	free(c->cache);
	free(c->pred);
	free(c->idx);
	free(c->vals);
}

/* Predictions at coordinates x into out. */
static int predict_at(struct fitctx *c, const double *x, double *out)
{
	double *pred;
	for (unsigned j = 0; j < c->k; j++)
		c->vals[j] = to_value(c->base, c->idx[j], x[j]);
	int r = predict_vals(c, c->vals, &pred);
	if (!r)
		memcpy(out, pred, c->n * sizeof(double));
	return r;
}

static int fit_and_check(struct fitctx *c, const struct calib_fit_opts *o, struct calib_result *ret)
{
	unsigned k = c->k;
	double *x = calloc(k, sizeof(double)), *xl = calloc(k, sizeof(double)),
	       *w = malloc(c->n * sizeof(double));
	double val;
	int r = x && xl && w ? 0 : -ENOMEM;

	for (size_t i = 0; w && i < c->n; i++)
		w[i] = 1;
	c->w = w;
	for (unsigned j = 0; !r && j < k; j++)
		x[j] = to_coord(c->base, c->idx[j], rmpsim_profile_get_value(c->base, c->idx[j]));
	unsigned budget = o && o->max_evals ? o->max_evals : 40 + 30 * k;
	if (!r)
		r = calib_nelder_mead(k, x, 0.2, budget, objective, c, &val, NULL);
	if (!r)
		r = calib_nelder_mead(k, x, 0.05, budget / 4, objective, c, &val, NULL);
	if (!r)
		r = predict_at(c, x, ret->fit_pred);
	for (size_t i = 0; !r && o && o->loo && i < c->n; i++) {
		w[i] = 0;
		memcpy(xl, x, k * sizeof(double));
		r = calib_nelder_mead(k, xl, 0.05, 10 + 10 * k, objective, c, &val, NULL);
		double *pred = NULL;
		for (unsigned j = 0; !r && j < k; j++)
			c->vals[j] = to_value(c->base, c->idx[j], xl[j]);
		if (!r && !(r = predict_vals(c, c->vals, &pred)))
			ret->loo_pred[i] = pred[i];
		w[i] = 1;
	}
	ret->fitted = *c->base;
	for (unsigned j = 0; !r && j < k; j++) {
		uint64_t v = to_value(c->base, c->idx[j], x[j]);
		rmpsim_profile_set_value(&ret->fitted, c->idx[j], v);
		for (size_t t = 0; t < ret->nparams; t++) {
			if (ret->params[t].index != c->idx[j])
				continue;
			ret->params[t].fitted = v;
			ret->params[t].at_bound = v == c->base->lo[c->idx[j]] || v == c->base->hi[c->idx[j]];
		}
	}
	free(x);
	free(xl);
	free(w);
	return r;
}

int calib_fit(const struct rmpsim_profile *base, const double *meas, size_t n, calib_model_fn model,
	      void *ctx, const struct calib_fit_opts *opts, struct calib_result *ret,
	      struct rmpsim_diag *diag)
{
	struct fitctx c = { .base = base, .meas = meas, .n = n, .model = model, .mctx = ctx, .diag = diag };
	double *jac = NULL;
	int r = prepare(ret, &c, opts ? opts->candidates : NULL);

	if (!r)
		r = model(ctx, base, ret->base_pred, diag);
	c.evals++;
	if (!r && ret->nparams && !(jac = calloc(ret->nparams * n, sizeof(double))))
		r = -ENOMEM;
	if (!r)
		r = sensitivities(&c, ret, ret->base_pred, jac);
	if (!r)
		r = select_identifiable(ret, jac, n);
	for (size_t j = 0; !r && j < ret->nparams; j++) {
		struct calib_param *cp = &ret->params[j];
		cp->fitted = cp->base;
		if (cp->status == CALIB_FITTED)
			c.idx[c.k++] = cp->index;
		for (size_t i = 0; cp->status != CALIB_UNCONSTRAINED && i < n; i++)
			ret->moves[i] = ret->moves[i] || fabs(jac[j * n + i]) >= EFFECT_MIN;
	}
	ret->fitted = *base;
	if (!r && c.k == 0) {
		memcpy(ret->fit_pred, ret->base_pred, n * sizeof(double));
		memcpy(ret->loo_pred, ret->base_pred, n * sizeof(double));
		r = -EDOM;
	} else if (!r) {
		r = fit_and_check(&c, opts, ret);
		if (!r && !(opts && opts->loo))
			memcpy(ret->loo_pred, ret->fit_pred, n * sizeof(double));
	}
	if (!r || r == -EDOM) {
		ret->rms_base = rms(ret->base_pred, meas, n);
		ret->rms_fit = rms(ret->fit_pred, meas, n);
		ret->rms_loo = rms(ret->loo_pred, meas, n);
	}
	ret->evals = c.evals;
	free(jac);
	fitctx_free(&c);
	return r;
}

void calib_result_free(struct calib_result *r)
{
	free(r->params);
	free(r->base_pred);
	free(r->fit_pred);
	free(r->loo_pred);
	free(r->moves);
	memset(r, 0, sizeof(*r));
}
