/* SPDX-License-Identifier: MIT */
/*
 * rmpsim calibrate (issue 16 point 5, docs/calibrate.md): fit the timing
 * parameters a user's own measurements constrain, within the profile's
 * ranges, and write the fitted profile. The work is in the calib layer
 * (src/calib/include/calib/calib.h); this file reads the command line, prints the fit,
 * its residuals and the held-out check, and writes the profile whole or not
 * at all (output.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/report.h>

#include "calib/calib.h"
#include "calibrate.h"
#include "cli.h"
#include "config.h"
#include "jobs.h"
#include "output.h"

const char rmpsim_cli_calibrate_usage[] =
	"Usage: rmpsim calibrate MEASUREMENTS... --out FILE.ini [OPTION]...\n"
	"Fit the timing parameters your measurements constrain, within the profile's ranges,\n"
	"and write the fitted profile (docs/calibrate.md).\n"
	"\n"
	"Measurements (each repeatable):\n"
	"  --pass-log FILE[@SCENARIO]    kernel log: 'RMPOPT execution time ... N ns' lines,\n"
	"                                each a pass of SCENARIO (a built-in name, NAME:2M, or a file)\n"
	"  --cycles-log FILE[@SCENARIO]  'RMPOPT max cycle on cpu ...' and 'RMPOPT instruction\n"
	"                                cycles: ...' lines (spec 1.12 C), run with perf2-serial\n"
	"  --ipi-table FILE              rows 'TARGETS NS': one IPI call to CPUs 1..TARGETS\n"
	"\n"
	"Options:\n"
	"  --out FILE.ini         the fitted profile (written only when the fit explains the data)\n"
	"  --fit LIST             only these parameters (section.key or key, comma-separated)\n"
	"  --tolerance PCT        a measurement the fit misses by more is unexplained (default 20)\n"
	"  --predict              no fit: print what --profile predicts for each measurement\n"
	"  --scenario NAME|FILE   the scenario of logs given without @SCENARIO\n"
	"  --profile FILE         start from this profile (default: built-in); its ranges\n"
	"                         bound the fit\n"
	"  --set KEY=VALUE        a profile parameter or machine field, as for rmpsim (docs/cli.md)\n"
	"  --machine, --policy, --policy-plugin, --seed, --allow-kernel-warnings,\n"
	"  --max-virtual-time, --max-events, --quiet: as for rmpsim (docs/cli.md)\n"
	"\n"
	"Exit status: 0 fitted and written, 1 nothing to fit or measurements left unexplained\n"
	"(no profile written), 2 usage error, 3 error in an input file (file:line:col),\n"
	"4 out of memory or the profile could not be written.\n";

#define MAX_INPUTS 64

struct input {
	enum calib_source_kind kind;
	const char *arg;
};

struct copts {
	struct input in[MAX_INPUTS];
	size_t nin;
	const char *out, *fit;
	double tolerance;
	bool help, predict;
};

/* Take calibrate's own options out of argv (rest[] keeps rmpsim's). 0 or -EINVAL with err. */
static int take_own(int argc, char **argv, struct copts *o, char **rest, int *nrest, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		int kind; /* calib_source_kind, or -1 out, -2 fit, -3 tolerance */
	} own[] = { { "pass-log", CALIB_PASS_LOG },
		    { "cycles-log", CALIB_CYCLES_LOG },
		    { "ipi-table", CALIB_IPI_TABLE },
		    { "out", -1 },
		    { "fit", -2 },
		    { "tolerance", -3 } };
	*nrest = 0;
	rest[(*nrest)++] = argv[0];
	o->tolerance = 20;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "--predict")) {
			*(a[2] == 'h' ? &o->help : &o->predict) = true;
			continue;
		}
		size_t k = 0, nlen = 0;
		for (; strncmp(a, "--", 2) == 0 && k < sizeof(own) / sizeof(own[0]); k++) {
			nlen = strlen(own[k].name);
			if (!strncmp(a + 2, own[k].name, nlen) && (a[2 + nlen] == '\0' || a[2 + nlen] == '='))
				break;
		}
		if (strncmp(a, "--", 2) || k == sizeof(own) / sizeof(own[0])) {
			rest[(*nrest)++] = argv[i];
			continue;
		}
		const char *val = a[2 + nlen] == '=' ? a + 3 + nlen : i + 1 < argc ? argv[++i] : NULL;
		if (!val || !*val) {
			snprintf(err, errlen, "option '--%s' needs a value", own[k].name);
			return -EINVAL;
		}
		if (own[k].kind >= 0) {
			if (o->nin == MAX_INPUTS) {
				snprintf(err, errlen, "at most %d measurement files", MAX_INPUTS);
				return -EINVAL;
			}
			o->in[o->nin++] = (struct input){ (enum calib_source_kind)own[k].kind, val };
		} else if (own[k].kind == -1) {
			o->out = val;
		} else if (own[k].kind == -2) {
			o->fit = val;
		} else {
			char *end;
			o->tolerance = strtod(val, &end);
			if (*end || !(o->tolerance > 0 && o->tolerance <= 1000)) {
				snprintf(err, errlen,
					 "--tolerance: expected a percentage above 0 and at most 1000, got "
					 "'%s'",
					 val);
				return -EINVAL;
			}
		}
	}
	rest[*nrest] = NULL;
	return 0;
}

/* Options of rmpsim that have no meaning here. */
static const char *unsupported(const struct rmpsim_cli_args *a)
{
	return a->json	    ? "--json"
	       : a->backing ? "--backing (use @NAME:2M)"
			    : rmpsim_cli_jobs_foreign_option(a);
}

/* --fit LIST into cand[]: 0, or -EINVAL with err. */
static int parse_fit(const char *list, const struct rmpsim_profile *p, bool *cand, char *err, size_t errlen)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int found = -1;
		for (unsigned i = 0; i < RMPSIM_PROFILE_NPARAMS; i++) {
			struct rmpsim_param_info pi;
			char full[96];
			rmpsim_profile_param(i, &pi);
			snprintf(full, sizeof(full), "%s.%s", pi.section, pi.key);
			if (!strcmp(t, full) || !strcmp(t, pi.key))
				found = (int)i;
		}
		if (found < 0) {
			snprintf(err, errlen,
				 "--fit: '%s' is not a profile parameter (rmpsim --print-profile)", t);
			return -EINVAL;
		}
		if (!rmpsim_profile_param_uncertain(p, (unsigned)found)) {
			snprintf(err, errlen, "--fit: '%s' is a switch or has a point range: nothing to fit",
				 t);
			return -EINVAL;
		}
		cand[found] = true;
	}
	return 0;
}

static void param_name(unsigned i, char *buf, size_t len)
{
	struct rmpsim_param_info pi;
	rmpsim_profile_param(i, &pi);
	snprintf(buf, len, "%s.%s", pi.section, pi.key);
}

static void fmt_meas(const struct calib_meas *m, double v, char *buf, size_t len)
{
	if (m->q == CALIB_Q_PASS_NS || m->q == CALIB_Q_IPI_NS)
		rmpsim_report_fmt_ns((uint64_t)llround(v), buf, len);
	else
		snprintf(buf, len, "%.0f cyc", v);
}

/* (pred / meas - 1) as a signed percentage. */
static void fmt_pct(double pred, double meas, char *buf, size_t len)
{
	snprintf(buf, len, "%+.1f%%", (pred / meas - 1) * 100);
}

static void fmt_param(unsigned i, uint64_t v, char *buf, size_t len)
{
	rmpsim_profile_format_value(i, v, buf, len);
}

struct model_ctx {
	const struct calib_set *set;
	const struct calib_env *env;
};

static int model(void *ctx, const struct rmpsim_profile *p, double *ret, struct rmpsim_diag *diag)
{
	struct model_ctx *m = ctx;
	return calib_predict(m->set, m->env, p, ret, diag);
}

static void print_params(FILE *f, const struct calib_result *res, const struct rmpsim_profile *base)
{
	fprintf(f, "fitted, within the profile's ranges:\n");
	for (size_t j = 0; j < res->nparams; j++) {
		const struct calib_param *cp = &res->params[j];
		if (cp->status != CALIB_FITTED)
			continue;
		char name[96], b[32], v[32], lo[32], hi[32];
		param_name(cp->index, name, sizeof(name));
		fmt_param(cp->index, cp->base, b, sizeof(b));
		fmt_param(cp->index, cp->fitted, v, sizeof(v));
		fmt_param(cp->index, base->lo[cp->index], lo, sizeof(lo));
		fmt_param(cp->index, base->hi[cp->index], hi, sizeof(hi));
		fprintf(f, "  %-28s %10s -> %-10s [%s, %s]%s\n", name, b, v, lo, hi,
			cp->at_bound ? "  at the range's edge" : "");
	}
	fprintf(f, "not fitted (kept as they were):\n");
	for (size_t j = 0; j < res->nparams; j++) {
		const struct calib_param *cp = &res->params[j];
		char name[96], other[96];
		if (cp->status == CALIB_FITTED)
			continue;
		param_name(cp->index, name, sizeof(name));
		if (cp->status == CALIB_UNCONSTRAINED) {
			fprintf(f,
				"  %-28s no measurement constrains it (moves none by 0.1%% over its range)\n",
				name);
		} else if (cp->status == CALIB_TOO_MANY) {
			fprintf(f, "  %-28s would need more measurements (one parameter per two is fitted)\n",
				name);
		} else {
			param_name(cp->alias, other, sizeof(other));
			fprintf(f, "  %-28s moves the measurements like %s: not separable\n", name, other);
		}
	}
}

static void print_residuals(FILE *f, const struct calib_set *set, const double *meas,
			    const struct calib_result *res, bool fitted)
{
	fprintf(f, "\n%-24s %-18s %12s %12s %8s %8s %8s\n", "measurement", "what", "measured", "fitted",
		"before", "after", "held-out");
	for (size_t i = 0; i < set->n; i++) {
		const struct calib_meas *m = &set->m[i];
		char where[600], what[40], mv[32], pv[32], b[16], a[16], l[16];
		const char *file = strrchr(set->src[m->source].file, '/');
		snprintf(where, sizeof(where), "%s:%u", file ? file + 1 : set->src[m->source].file, m->line);
		if (m->q == CALIB_Q_IPI_NS)
			snprintf(what, sizeof(what), "IPI to %u", m->targets);
		else if (m->q == CALIB_Q_CYC_RISE)
			snprintf(what, sizeof(what), "rise %u on cpu %u", m->rise, m->rise_cpu);
		else
			snprintf(what, sizeof(what), "%s", calib_quantity_name(m->q));
		fmt_meas(m, meas[i], mv, sizeof(mv));
		fmt_meas(m, res->fit_pred[i], pv, sizeof(pv));
		fmt_pct(res->base_pred[i], meas[i], b, sizeof(b));
		fmt_pct(res->fit_pred[i], meas[i], a, sizeof(a));
		fmt_pct(res->loo_pred[i], meas[i], l, sizeof(l));
		fprintf(f, "%-24.24s %-18.18s %12s %12s %8s %8s %8s\n", where, what, mv, pv, b,
			fitted ? a : "-", fitted ? l : "-");
	}
	fprintf(f,
		"\nRMS of ln(model / measured): before %.2f%%, fitted %.2f%%, held-out (leave-one-out) "
		"%.2f%%\n",
		res->rms_base * 100, res->rms_fit * 100, res->rms_loo * 100);
}

/* The fitted profile, each fitted parameter's source naming the files; whole or not at all. */
static int write_profile(const char *path, const struct calib_result *res, const char *files, char *err,
			 size_t errlen)
{
	char(*sources)[640] = calloc(RMPSIM_PROFILE_NPARAMS, sizeof(*sources));
	const char *src[RMPSIM_PROFILE_NPARAMS] = { 0 };
	if (!sources) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	for (size_t j = 0; j < res->nparams; j++) {
		const struct calib_param *cp = &res->params[j];
		if (cp->status != CALIB_FITTED)
			continue;
		char was[32];
		fmt_param(cp->index, cp->base, was, sizeof(was));
		snprintf(sources[cp->index], sizeof(sources[cp->index]),
			 "fitted to %.400s by rmpsim calibrate %s (RMS residual %.2f%%, held-out %.2f%%); "
			 "was %s",
			 files, rmpsim_cli_version(), res->rms_fit * 100, res->rms_loo * 100, was);
		src[cp->index] = sources[cp->index];
	}
	struct rmpsim_cli_stream st;
	struct rmpsim_cli_output out = { .path = path, .stream = &st };
	if (rmpsim_cli_stream_open(&st, path, err, errlen)) {
		free(sources);
		return -1;
	}
	fprintf(st.f, "; fitted by rmpsim calibrate %s to %.400s\n", rmpsim_cli_version(), files);
	rmpsim_profile_print_sourced(&res->fitted, st.f, src);
	free(sources);
	if (ferror(st.f)) {
		rmpsim_cli_stream_abort(&st);
		snprintf(err, errlen, "%s: write failed", path);
		return -1;
	}
	return rmpsim_cli_write_outputs(&out, 1, NULL, err, errlen) ? -1 : 0;
}

/* Read every file; 0 or an exit code (message printed). */
static int read_inputs(const struct copts *o, const struct rmpsim_cli_args *a, struct calib_set *set,
		       char *files, size_t flen)
{
	files[0] = '\0';
	for (size_t i = 0; i < o->nin; i++) {
		char path[RMPSIM_WL_PATH_MAX];
		const char *at = o->in[i].kind == CALIB_IPI_TABLE ? NULL : strrchr(o->in[i].arg, '@');
		snprintf(path, sizeof(path), "%.*s", at ? (int)(at - o->in[i].arg) : (int)sizeof(path) - 1,
			 o->in[i].arg);
		const char *scenario = at ? at + 1 : o->in[i].kind == CALIB_IPI_TABLE ? NULL : a->scenario;
		if (o->in[i].kind != CALIB_IPI_TABLE && (!scenario || !*scenario)) {
			fprintf(stderr,
				"rmpsim: calibrate: %s: which scenario was it taken on? Give FILE@SCENARIO "
				"or "
				"--scenario\n",
				path);
			return RMPSIM_EXIT_USAGE;
		}
		struct rmpsim_diag d = { 0 };
		int r = calib_read(set, o->in[i].kind, path, scenario, &d);
		if (r) {
			rmpsim_cli_print_diag(&d, r);
			return r == -ENOMEM ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_INPUT;
		}
		size_t used = strlen(files);
		snprintf(files + used, flen - used, "%s%s", used ? ", " : "", path);
	}
	return 0;
}

/* Measurements the fit leaves unexplained: warnings; returns how many. */
static size_t unexplained(const struct calib_set *set, const double *meas, const struct calib_result *res,
			  double tol, bool fitted)
{
	size_t bad = 0;
	for (size_t i = 0; i < set->n; i++) {
		const double *pred = fitted ? res->fit_pred : res->base_pred;
		double off = fabs(pred[i] / meas[i] - 1) * 100;
		if (off <= tol)
			continue;
		char mv[32], pv[32];
		fmt_meas(&set->m[i], meas[i], mv, sizeof(mv));
		fmt_meas(&set->m[i], pred[i], pv, sizeof(pv));
		fprintf(stderr, "rmpsim: %s:%u: %s measured %s, the %s model gives %s (%+.1f%%): %s\n",
			set->src[set->m[i].source].file, set->m[i].line, calib_quantity_name(set->m[i].q), mv,
			fitted ? "fitted" : "unfitted", pv, (pred[i] / meas[i] - 1) * 100,
			res->moves[i]
				? "no parameter within its range explains it"
				: "no parameter moves this measurement (check the machine and scenario)");
		bad++;
	}
	return bad;
}

/* --predict: FILE:LINE, what, the prediction (ns or cycles), tab-separated. Frees set and meas. */
static int predict_only(struct calib_set *set, const struct calib_env *env, const struct rmpsim_profile *p,
			double *meas)
{
	struct rmpsim_diag d = { 0 };
	int r = calib_predict(set, env, p, meas, &d), code = 0;
	if (r) {
		rmpsim_cli_print_diag(&d, r);
		code = rmpsim_cli_exit_for(r, &d);
	}
	for (size_t i = 0; !r && i < set->n; i++)
		printf("%s:%u\t%s\t%.3f\n", set->src[set->m[i].source].file, set->m[i].line,
		       calib_quantity_name(set->m[i].q), meas[i]);
	if (!code && fflush(stdout))
		code = RMPSIM_EXIT_SYSTEM;
	free(meas);
	calib_set_free(set);
	return code;
}

int rmpsim_cli_calibrate(int argc, char **argv)
{
	struct copts o = { 0 };
	struct rmpsim_cli_args a;
	char err[600];
	char **rest = calloc((size_t)argc + 1, sizeof(char *));
	int nrest;

	if (!rest)
		return RMPSIM_EXIT_SYSTEM;
	int pr = take_own(argc, argv, &o, rest, &nrest, err, sizeof(err));
	if (!pr && rmpsim_cli_parse(nrest, rest, &a, err, sizeof(err)))
		pr = -EINVAL;
	free(rest);
	if (pr) {
		fprintf(stderr, "rmpsim: calibrate: %s\nTry 'rmpsim calibrate --help'.\n", err);
		return RMPSIM_EXIT_USAGE;
	}
	if (o.help || a.help) {
		fputs(rmpsim_cli_calibrate_usage, stdout);
		return fflush(stdout) ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_OK;
	}
	const char *bad = unsupported(&a);
	if (bad || !o.nin || (!o.out && !o.predict)) {
		fprintf(stderr, "rmpsim: calibrate: %s%s\nTry 'rmpsim calibrate --help'.\n",
			bad	 ? bad
			: !o.nin ? "no measurements: give --pass-log, --cycles-log or --ipi-table"
				 : "--out FILE.ini is needed (where the fitted profile goes)",
			bad ? " does not apply to calibrate" : "");
		return RMPSIM_EXIT_USAGE;
	}

	/* --set KEY=VALUE (config.h): machine fields and plain options fold into a,
	 * profile parameters apply to the base profile; scenario knobs belong in
	 * the scenario files the logs name. */
	struct rmpsim_cli_config cfg;
	int scode = rmpsim_cli_config_resolve(&a, &cfg, err, sizeof(err));
	if (!scode && cfg.nknobs) {
		snprintf(err, sizeof(err),
			 "--set %s: scenario settings do not apply to calibrate (write them in the "
			 "scenario file of the log)",
			 cfg.knobs[0].setting);
		scode = RMPSIM_EXIT_USAGE;
	}
	if (scode) {
		fprintf(stderr, "rmpsim: calibrate: %s\n", err);
		return scode;
	}
	struct rmpsim_profile base = *rmpsim_profile_default(), loaded;
	struct rmpsim_diag d = { 0 };
	if (a.profile && rmpsim_profile_load(a.profile, &loaded, &d)) {
		if (!d.file[0])
			rmpsim_diag_at(&d, a.profile, d.line, d.col);
		rmpsim_cli_print_diag(&d, -EINVAL);
		return RMPSIM_EXIT_INPUT;
	}
	scode = rmpsim_cli_config_profile(&cfg, a.profile ? &loaded : NULL, &base, err, sizeof(err));
	if (scode) {
		fprintf(stderr, "rmpsim: calibrate: %s\n", err);
		return scode;
	}
	bool cand[RMPSIM_PROFILE_NPARAMS] = { false };
	if (o.fit && parse_fit(o.fit, &base, cand, err, sizeof(err))) {
		fprintf(stderr, "rmpsim: calibrate: %s\n", err);
		return RMPSIM_EXIT_USAGE;
	}
	struct calib_set set = { 0 };
	char files[2048];
	int code = read_inputs(&o, &a, &set, files, sizeof(files));
	if (!code)
		code = rmpsim_cli_contain_kernel(&a);
	double *meas = code ? NULL : malloc(set.n * sizeof(double));
	if (!code && !meas)
		code = RMPSIM_EXIT_SYSTEM;
	if (code) {
		calib_set_free(&set);
		return code;
	}
	for (size_t i = 0; i < set.n; i++)
		meas[i] = set.m[i].value;

	char plugin[RMPSIM_WL_PATH_MAX + 2];
	if (a.policy_plugin)
		snprintf(plugin, sizeof(plugin), "%s%s", strchr(a.policy_plugin, '/') ? "" : "./",
			 a.policy_plugin);
	struct calib_env env = { a.machine, a.policy, a.policy_plugin ? plugin : NULL, a.seed, a.has_seed };
	struct model_ctx mc = { &set, &env };
	if (o.predict)
		return predict_only(&set, &env, &base, meas);
	struct calib_fit_opts fo = { o.fit ? cand : NULL, 0, true };
	struct calib_result res;
	int r = calib_fit(&base, meas, set.n, model, &mc, &fo, &res, &d);
	if (r && r != -EDOM) {
		rmpsim_cli_print_diag(&d, r);
		code = rmpsim_cli_exit_for(r, &d);
	}
	FILE *out = a.quiet ? NULL : stdout;
	if (!code && out) {
		fprintf(out,
			"rmpsim calibrate: %zu measurements from %zu files, %zu candidate parameters, %u "
			"runs\n\n",
			set.n, set.nsrc, res.nparams, res.evals);
		print_params(out, &res, &base);
		print_residuals(out, &set, meas, &res, r == 0);
		fflush(out);
	}
	for (size_t j = 0; !code && o.fit && j < res.nparams; j++) {
		char name[96];
		param_name(res.params[j].index, name, sizeof(name));
		if (res.params[j].status == CALIB_UNCONSTRAINED)
			fprintf(stderr, "rmpsim: calibrate: not fitting %s: no measurement constrains it\n",
				name);
		else if (res.params[j].status == CALIB_TOO_MANY)
			fprintf(stderr,
				"rmpsim: calibrate: not fitting %s: too few measurements for all of --fit\n",
				name);
		else if (res.params[j].status == CALIB_ALIASED)
			fprintf(stderr,
				"rmpsim: calibrate: not fitting %s: the measurements cannot tell it apart "
				"from another\n",
				name);
	}
	if (!code && r == -EDOM) {
		fprintf(stderr,
			"rmpsim: calibrate: no measurement constrains any %sparameter; no profile written\n",
			o.fit ? "of the --fit " : "");
		code = RMPSIM_EXIT_FAIL;
	}
	size_t nbad = code ? 0 : unexplained(&set, meas, &res, o.tolerance, true);
	if (nbad) {
		fprintf(stderr,
			"rmpsim: calibrate: %zu of %zu measurements are not explained within %.4g%%; no "
			"profile written\n",
			nbad, set.n, o.tolerance);
		code = RMPSIM_EXIT_FAIL;
	}
	if (!code && write_profile(o.out, &res, files, err, sizeof(err))) {
		fprintf(stderr, "rmpsim: cannot write the profile: %s\n", err);
		code = RMPSIM_EXIT_SYSTEM;
	}
	calib_result_free(&res);
	free(meas);
	calib_set_free(&set);
	return code;
}
