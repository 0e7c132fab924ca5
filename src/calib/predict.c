/* SPDX-License-Identifier: MIT */
/* What rmpsim predicts for each measurement (calib.h): one run per source. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "calib/calib.h"

/* The scenario of a log: a built-in name, "NAME:BACKING", or a file (parsed once). */
static int source_scenario(struct calib_source *src, struct rmpsim_scenario *ret, bool *owned,
			   struct rmpsim_diag *diag)
{
	char name[RMPSIM_WL_NAME_MAX];
	enum rmpsim_backing b = RMPSIM_BACKING_4K;
	const char *colon = strchr(src->scenario, ':');

	snprintf(name, sizeof(name), "%.*s", colon ? (int)(colon - src->scenario) : (int)sizeof(name) - 1,
		 src->scenario);
	if ((!colon || !rmpsim_backing_parse(colon + 1, &b)) &&
	    !rmpsim_scenario_builtin(name, b, NULL, ret)) {
		*owned = true;
		return 0;
	}
	*owned = false;
	if (!src->have_s) {
		int r = rmpsim_scenario_parse_file(src->scenario, NULL, &src->s, diag);
		if (r)
			return r;
		src->have_s = true;
	}
	*ret = src->s;
	return 0;
}

/* The measurement loop of a cycles log: the scenario's policy, else PERF-2's serial one (A421). */
static const char *log_policy(const struct calib_source *src, const struct rmpsim_scenario *s,
			      const struct calib_env *env)
{
	if (env->policy || env->policy_plugin)
		return env->policy;
	if (src->kind == CALIB_CYCLES_LOG && !s->policy[0])
		return "perf2-serial";
	return NULL;
}

static double from_run(const struct calib_meas *m, const struct rmpsim_run_result *r,
		       const struct rmpsim_profile *p)
{
	switch (m->q) {
	case CALIB_Q_PASS_NS: return (double)r->pass_ns;
	case CALIB_Q_CYC_MAX: return (double)r->rmpopt_cycles_max;
	case CALIB_Q_CYC_MIN: return (double)r->rmpopt_cycles_min;
	case CALIB_Q_CYC_MEAN: return (double)r->rmpopt_cycles_mean;
	case CALIB_Q_CYC_PASS: return (double)r->pass_ns * (double)p->freq_khz / 1e6;
	case CALIB_Q_CYC_RISE: { /* the model's rise of the same rank on the same CPU (A421) */
		unsigned seen = 0, n = r->rmpopt_nrises < 32 ? r->rmpopt_nrises : 32;
		for (unsigned k = 0; k < n; k++)
			if (r->rmpopt_max_rises[k].cpu == m->rise_cpu && seen++ == m->rise)
				return (double)r->rmpopt_max_rises[k].cycles;
		return (double)r->rmpopt_cycles_max; /* it never rose there: the largest stands for it */
	}
	case CALIB_Q_IPI_NS: break;
	}
	return 0;
}

static int predict_log(struct calib_set *set, unsigned si, const struct calib_env *env,
		       const struct rmpsim_profile *p, double *ret, struct rmpsim_diag *diag)
{
	struct calib_source *src = &set->src[si];
	struct rmpsim_scenario s;
	bool owned;
	int r = source_scenario(src, &s, &owned, diag);
	if (r)
		return r;
	struct rmpsim_run_options opt = {
		.machine = env->machine,
		.profile_value = p,
		.policy = log_policy(src, &s, env),
		.policy_plugin = env->policy_plugin,
		.seed = env->seed,
		.has_seed = env->has_seed,
	};
	struct rmpsim_run_result res;
	r = rmpsim_workload_run(&s, &opt, NULL, &res, diag);
	if (owned)
		rmpsim_scenario_free(&s);
	if (r)
		return r;
	for (size_t i = 0; i < set->n; i++)
		if (set->m[i].source == si)
			ret[i] = from_run(&set->m[i], &res, p);
	return 0;
}

static int predict_ipi(const struct calib_set *set, unsigned si, const struct calib_env *env,
		       const struct rmpsim_profile *p, double *ret, struct rmpsim_diag *diag)
{
	size_t n = 0;
	unsigned *targets = malloc(set->n * sizeof(*targets));
	double *ns = malloc(set->n * sizeof(*ns));
	int r = targets && ns ? 0 : -ENOMEM;

	for (size_t i = 0; !r && i < set->n; i++)
		if (set->m[i].source == si)
			targets[n++] = set->m[i].targets;
	if (!r)
		r = calib_ipi_bench(env->machine, p, targets, n, ns, diag);
	if (r == -EINVAL) { /* name the row: the first with a target count the machine lacks */
		for (size_t i = 0; i < set->n; i++) {
			if (set->m[i].source == si && strstr(diag->msg, "targets:") &&
			    (unsigned)atoi(diag->msg) == set->m[i].targets) {
				rmpsim_diag_at(diag, set->src[si].file, set->m[i].line, 1);
				break;
			}
		}
	}
	for (size_t i = 0, k = 0; !r && i < set->n; i++)
		if (set->m[i].source == si)
			ret[i] = ns[k++];
	free(targets);
	free(ns);
	return r;
}

int calib_predict(const struct calib_set *set, const struct calib_env *env, const struct rmpsim_profile *p,
		  double *ret, struct rmpsim_diag *diag)
{
	/* Parsed scenarios are cached in the set's sources: logically const. */
	struct calib_set *s = (struct calib_set *)set;
	for (size_t i = 0; i < set->n; i++)
		ret[i] = 0;
	for (unsigned si = 0; si < set->nsrc; si++) {
		int r = set->src[si].kind == CALIB_IPI_TABLE ? predict_ipi(set, si, env, p, ret, diag)
							     : predict_log(s, si, env, p, ret, diag);
		if (r)
			return r;
	}
	return 0;
}
