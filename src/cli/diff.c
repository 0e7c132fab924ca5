/* SPDX-License-Identifier: MIT */
/*
 * rmpsim diff A B (issue 16 point 6, docs/cli.md "diff"): the same runs
 * (machine, scenarios, backings, seed) with two policies, plugins or
 * profiles, and a table of B - A per run and per phase, 80 columns wide, to
 * paste into a mail. Both sides use the same seed, so every random choice is
 * the same draw on both sides (common random numbers): a delta is the effect
 * of the change, not of different draws. --json FILE writes the numbers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <rmpsim/report.h>
#include <rmpsim/workload.h>

#include "rmpsim/policy.h"

#include "cli.h"
#include "config.h"
#include "diff.h"
#include "jobs.h"
#include "output.h"

/* One side of the comparison: what replaces the common options' choice. */
struct side {
	const char *what; /* "policy", "plugin" or "profile" */
	const char *arg;  /* as given */
	char plugin[RMPSIM_WL_PATH_MAX + 2];
	uint64_t trace_hash;
};

/* The rows of a run's block: each a field of the run result. */
enum row_kind { ROW_TIME, ROW_COUNT, ROW_SHARE };
struct row {
	const char *label, *key; /* table label, JSON key (the run result's field) */
	enum row_kind kind;
	size_t off; /* offsetof in struct rmpsim_run_result (a uint64_t, or skip_share's double) */
};
#define ROW(l, k, kind)                                                                                      \
	{                                                                                                    \
		l, #k, kind, offsetof(struct rmpsim_run_result, k)                                           \
	}
static const struct row rows[] = {
	ROW("leader", leader_ns, ROW_TIME),
	ROW("follower", follower_ns, ROW_TIME),
	ROW("pass (total)", pass_ns, ROW_TIME),
	ROW("busy max", cpu_busy_max_ns, ROW_TIME),
	ROW("active median", cpu_busy_median_active_ns, ROW_TIME),
	ROW("irq-off max", irq_off_max_ns, ROW_TIME),
	ROW("RMPOPTs", rmpopt_executed, ROW_COUNT),
	ROW("IPIs", ipis_sent, ROW_COUNT),
	ROW("regions opt.", regions_optimized, ROW_COUNT),
	ROW("skip share", skip_share, ROW_SHARE),
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

const char rmpsim_cli_diff_usage[] =
	"Usage: rmpsim diff A B [OPTION]...\n"
	"Run the same scenarios, machine and seed with A and with B and print B - A per run\n"
	"and per phase in 80 columns. A and B are each a built-in policy name, a policy\n"
	"plugin (PATH.so) or a timing profile (PATH.ini); the rest comes from the options.\n"
	"\n"
	"Options (as for rmpsim, docs/cli.md): --scenario NAME|FILE, --backing 4K|2M|1G,\n"
	"--machine DESC|FILE, --profile FILE, --policy NAME, --policy-plugin PATH, --seed N,\n"
	"--set KEY=VALUE (both sides), --json FILE (the numbers; - = stdout, no table),\n"
	"--quiet, --allow-kernel-warnings, --max-virtual-time T, --max-events N.\n"
	"Exit status as for rmpsim: 0 ok, 1 a run completed no pass, 2 usage, 3 input file,\n"
	"4 out of memory or output error.\n";

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n > t && !strcmp(s + n - t, tail);
}

/* Classify A or B; 0 or an exit code with the message printed. */
static int side_parse(const char *arg, struct side *s)
{
	memset(s, 0, sizeof(*s));
	s->arg = arg;
	if (ends_with(arg, ".so")) {
		/* As --policy-plugin: a path without a slash names a file here. */
		s->what = "plugin";
		snprintf(s->plugin, sizeof(s->plugin), "%s%s", strchr(arg, '/') ? "" : "./", arg);
		return RMPSIM_EXIT_OK;
	}
	if (ends_with(arg, ".ini")) {
		s->what = "profile";
		return RMPSIM_EXIT_OK;
	}
	s->what = "policy";
	if (rmpsim_policy_find(arg))
		return RMPSIM_EXIT_OK;
	size_t n;
	const struct rmpsim_policy_ops *const *p = rmpsim_policy_builtins(&n);
	fprintf(stderr,
		"rmpsim: diff: '%s' is not a built-in policy, a plugin (.so) or a profile (.ini); "
		"the policies are:\n",
		arg);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", p[i]->name);
	return RMPSIM_EXIT_USAGE;
}

/* The run options of one side: the common ones with the side's choice in place. */
static struct rmpsim_run_options side_options(const struct rmpsim_run_options *base, const struct side *s)
{
	struct rmpsim_run_options o = *base;
	if (!strcmp(s->what, "plugin")) {
		o.policy = NULL;
		o.policy_plugin = s->plugin;
	} else if (!strcmp(s->what, "policy")) {
		o.policy = s->arg;
		o.policy_plugin = NULL;
	} else {
		o.profile = s->arg;
	}
	return o;
}

/*
 * --set of profile parameters: on the profile the side's runs would use (its
 * own, --profile's, or the scenario file's). 0 or an exit code (message printed).
 */
static int side_profile(const struct rmpsim_cli_args *a, const struct rmpsim_cli_jobs *jobs,
			struct rmpsim_run_options *o, struct rmpsim_profile *ret)
{
	if (!a->config || !a->config->nprof)
		return 0;
	const char *path = o->profile ? o->profile : jobs->have_file ? jobs->file.profile : "";
	struct rmpsim_profile loaded;
	struct rmpsim_diag d = { 0 };
	char why[600];
	int r = path[0] ? rmpsim_profile_load(path, &loaded, &d) : 0;
	if (r) {
		if (!d.file[0])
			rmpsim_diag_at(&d, path, d.line, d.col);
		rmpsim_cli_print_diag(&d, r);
		return r == -ENOMEM ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_INPUT;
	}
	int code = rmpsim_cli_config_profile(a->config, path[0] ? &loaded : NULL, ret, why, sizeof(why));
	if (code) {
		fprintf(stderr, "rmpsim: diff: %s\n", why);
		return code;
	}
	o->profile_value = ret;
	return 0;
}

static int64_t row_value(const struct rmpsim_run_result *r, const struct row *w)
{
	const char *p = (const char *)r + w->off;
	if (w->kind == ROW_SHARE) {
		double v;
		memcpy(&v, p, sizeof(v));
		return (int64_t)(v * 1000000.0 + 0.5); /* parts per million */
	}
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return (int64_t)v;
}

/* A value of a row as the table prints it; signed adds "+" / "-". */
static void fmt_value(const struct row *w, int64_t v, bool sign, char *buf, size_t len)
{
	char num[40];
	uint64_t mag = v < 0 ? (uint64_t)(-v) : (uint64_t)v;
	if (w->kind == ROW_TIME)
		rmpsim_report_fmt_ns(mag, num, sizeof(num));
	else if (w->kind == ROW_SHARE) /* ppm -> percent with one decimal */
		snprintf(num, sizeof(num), "%" PRIu64 ".%" PRIu64 "%%", (mag + 500) / 1000 / 10,
			 (mag + 500) / 1000 % 10);
	else
		snprintf(num, sizeof(num), "%" PRIu64, mag);
	snprintf(buf, len, "%s%s", !sign || v == 0 ? "" : v < 0 ? "-" : "+", num);
}

/* (b - a) / a as a signed percentage with one decimal, "n/a" when a is 0. */
static void fmt_change(int64_t a, int64_t b, char *buf, size_t len)
{
	if (a == 0) {
		snprintf(buf, len, "%s", b == 0 ? "0.0%" : "n/a");
		return;
	}
	/* Tenths of a percent, rounded half away from zero, in integers (times
	 * below 10^15 ns and counts below 10^15 cannot overflow). */
	int64_t d = b - a, mag_a = a < 0 ? -a : a;
	if (d > INT64_MAX / 1000 || d < -(INT64_MAX / 1000)) {
		snprintf(buf, len, "%s", d > 0 ? "+big" : "-big");
		return;
	}
	int64_t num = d * 1000;
	int64_t tenths = (num + (num >= 0 ? mag_a / 2 : -(mag_a / 2))) / a;
	uint64_t m = tenths < 0 ? (uint64_t)-tenths : (uint64_t)tenths;
	snprintf(buf, len, "%s%" PRIu64 ".%" PRIu64 "%%",
		 tenths < 0   ? "-"
		 : tenths > 0 ? "+"
			      : "",
		 m / 10, m % 10);
}

struct diff_data {
	const struct side *a, *b;
	const char *machine, *profile, *policy;
	uint64_t seed;
	const struct rmpsim_run_result *ra, *rb;
	char (*labels)[160];
	size_t n;
	const struct rmpsim_cli_config *cfg; /* --set settings (both sides), or NULL */
};

#define TABLE_WIDTH 80

/* "prefix text" in lines of at most TABLE_WIDTH columns, continuations indented. */
static void put_wrapped(FILE *f, const char *prefix, const char *text)
{
	size_t col = strlen(prefix), first = 1;
	fputs(prefix, f);
	while (*text) {
		size_t room = TABLE_WIDTH - col, n = strlen(text);
		if (n > room) { /* break at the last space that fits, else cut */
			size_t k = room;
			while (k > 0 && text[k] != ' ')
				k--;
			n = k ? k : room;
		}
		if (!first)
			fputs("\n    ", f);
		fprintf(f, "%.*s", (int)n, text);
		text += n;
		while (*text == ' ')
			text++;
		col = 4;
		first = 0;
	}
	fputc('\n', f);
}

static int write_table(FILE *f, const struct diff_data *d)
{
	char text[RMPSIM_WL_PATH_MAX + 128];
	fprintf(f, "rmpsim %s diff: B - A, same machine, scenarios and seed on both sides\n",
		rmpsim_cli_version());
	const struct side *sides[2] = { d->a, d->b };
	for (int i = 0; i < 2; i++) {
		snprintf(text, sizeof(text), "%s %.*s, trace %016" PRIx64, sides[i]->what, RMPSIM_WL_PATH_MAX,
			 sides[i]->arg, sides[i]->trace_hash);
		put_wrapped(f, i ? "B: " : "A: ", text);
	}
	/* What the sides did not replace. */
	bool policy_shared = !strcmp(d->a->what, "profile") && !strcmp(d->b->what, "profile");
	bool profile_shared = strcmp(d->a->what, "profile") && strcmp(d->b->what, "profile");
	int k = 0;
	text[0] = '\0';
	if (policy_shared)
		k += snprintf(text + k, sizeof(text) - (size_t)k, "policy %s, ", d->policy);
	if (profile_shared)
		k += snprintf(text + k, sizeof(text) - (size_t)k, "profile %.*s, ", RMPSIM_WL_PATH_MAX,
			      d->profile);
	snprintf(text + k, sizeof(text) - (size_t)k, "seed %" PRIu64, d->seed);
	put_wrapped(f, "both: ", text);
	put_wrapped(f, "machine: ", d->machine);
	for (unsigned i = 0; d->cfg && i < d->cfg->nsettings; i++)
		put_wrapped(f, "set: ", d->cfg->settings[i]);
	for (size_t i = 0; i < d->n; i++) {
		fprintf(f, "\n%-16.16s %14s %14s %14s %9s\n", d->labels[i], "A", "B", "B - A", "change");
		for (size_t w = 0; w < NROWS; w++) {
			int64_t va = row_value(&d->ra[i], &rows[w]), vb = row_value(&d->rb[i], &rows[w]);
			char sa[48], sb[48], sd[48], sc[32];
			fmt_value(&rows[w], va, false, sa, sizeof(sa));
			fmt_value(&rows[w], vb, false, sb, sizeof(sb));
			fmt_value(&rows[w], vb - va, true, sd, sizeof(sd));
			fmt_change(va, vb, sc, sizeof(sc));
			fprintf(f, "  %-14s %14s %14s %14s %9s\n", rows[w].label, sa, sb, sd, sc);
		}
	}
	return ferror(f) ? -1 : 0;
}

static json_t *side_json(const struct side *s)
{
	char h[17];
	snprintf(h, sizeof(h), "%016" PRIx64, s->trace_hash);
	return json_pack("{s:s, s:s, s:s}", "kind", s->what, "name", s->arg, "trace_hash", h);
}

static json_t *run_json(const struct diff_data *d, size_t i)
{
	json_t *a = json_object(), *b = json_object(), *delta = json_object();
	for (size_t w = 0; a && b && delta && w < NROWS; w++) {
		int64_t va = row_value(&d->ra[i], &rows[w]), vb = row_value(&d->rb[i], &rows[w]);
		/* skip_share as parts per million, so that every number is an integer */
		char key[64];
		snprintf(key, sizeof(key), "%s%s", rows[w].key, rows[w].kind == ROW_SHARE ? "_ppm" : "");
		json_object_set_new(a, key, json_integer(va));
		json_object_set_new(b, key, json_integer(vb));
		json_object_set_new(delta, key, json_integer(vb - va));
	}
	return json_pack("{s:s, s:s, s:o*, s:o*, s:o*}", "run", d->labels[i], "scenario", d->ra[i].scenario,
			 "a", a, "b", b, "delta", delta);
}

static int write_json(FILE *f, const struct diff_data *d)
{
	json_t *runs = json_array();
	for (size_t i = 0; runs && i < d->n; i++)
		if (json_array_append_new(runs, run_json(d, i))) {
			json_decref(runs);
			runs = NULL;
		}
	json_t *o = json_pack("{s:s, s:o*, s:o*, s:s, s:s, s:s, s:o*, s:I}", "rmpsim_version",
			      rmpsim_cli_version(), "a", side_json(d->a), "b", side_json(d->b), "machine",
			      d->machine, "profile", d->profile, "policy", d->policy, "runs", runs, "seed",
			      (json_int_t)d->seed);
	if (!o)
		return -1;
	int r = json_dumpf(o, f, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(o);
	if (!r && fputc('\n', f) == EOF)
		r = -1;
	return r;
}

/* Run every job on one side. Returns 0 or an exit code (message printed). */
static int run_side(const struct rmpsim_cli_jobs *jobs, const struct rmpsim_cli_args *a,
		    const struct rmpsim_run_options *opt, char letter, struct side *s,
		    struct rmpsim_run_result *res, char (*labels)[160])
{
	for (size_t i = 0; i < jobs->n; i++) {
		struct rmpsim_scenario sc;
		struct rmpsim_diag d = { 0 };
		char why[600];
		int kcode = rmpsim_cli_jobs_get(jobs, i, a, &sc, why, sizeof(why));
		if (kcode) {
			fprintf(stderr, "rmpsim: %s\n", why);
			return kcode;
		}
		rmpsim_cli_jobs_label(jobs, i, sc.name, labels[i], sizeof(labels[i]));
		int r = rmpsim_workload_run(&sc, opt, NULL, &res[i], &d);
		rmpsim_cli_jobs_put(jobs, i, &sc);
		if (r) {
			fprintf(stderr, "rmpsim: diff: %c (%s %s), run %s failed:\n", letter, s->what, s->arg,
				labels[i]);
			rmpsim_cli_print_diag(&d, r);
			return rmpsim_cli_exit_for(r, &d);
		}
	}
	s->trace_hash = rmpsim_report_trace_hash(res, jobs->n);
	return 0;
}

int rmpsim_cli_diff(int argc, char **argv)
{
	struct rmpsim_cli_args a;
	struct side sa, sb;
	char err[512];

	if (argc >= 2 && !strcmp(argv[1], "--help")) {
		fputs(rmpsim_cli_diff_usage, stdout);
		return fflush(stdout) ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_OK;
	}
	if (argc < 3 || !strncmp(argv[1], "--", 2) || !strncmp(argv[2], "--", 2)) {
		fprintf(stderr, "rmpsim: diff needs two things to compare: rmpsim diff A B [OPTION]...\n"
				"Try 'rmpsim diff --help'.\n");
		return RMPSIM_EXIT_USAGE;
	}
	/* The options after A and B parse as rmpsim's (argv[2] stands for argv[0]). */
	if (rmpsim_cli_parse(argc - 2, argv + 2, &a, err, sizeof(err))) {
		fprintf(stderr, "rmpsim: diff: %s\nTry 'rmpsim diff --help'.\n", err);
		return RMPSIM_EXIT_USAGE;
	}
	if (a.help) {
		fputs(rmpsim_cli_diff_usage, stdout);
		return fflush(stdout) ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_OK;
	}
	const char *bad = rmpsim_cli_jobs_foreign_option(&a);
	if (bad) {
		fprintf(stderr, "rmpsim: diff: %s does not apply to a diff\nTry 'rmpsim diff --help'.\n",
			bad);
		return RMPSIM_EXIT_USAGE;
	}
	/* --set KEY=VALUE: the same settings on both sides (config.h). */
	struct rmpsim_cli_config cfg;
	int code = rmpsim_cli_config_resolve(&a, &cfg, err, sizeof(err));
	if (code) {
		fprintf(stderr, "rmpsim: diff: %s\n", err);
		return code;
	}
	a.config = &cfg;
	code = side_parse(argv[1], &sa);
	if (!code)
		code = side_parse(argv[2], &sb);
	if (!code && a.policy && !rmpsim_policy_find(a.policy)) {
		fprintf(stderr, "rmpsim: diff: unknown policy '%s' (rmpsim --list-policies)\n", a.policy);
		code = RMPSIM_EXIT_USAGE;
	}
	if (!code)
		code = rmpsim_cli_contain_kernel(&a);
	if (code)
		return code;

	struct rmpsim_cli_jobs jobs;
	code = rmpsim_cli_jobs_select(&a, &jobs);
	if (code)
		return code;
	size_t n = jobs.n;
	struct rmpsim_run_result *res = calloc(2 * n, sizeof(*res));
	char(*labels)[160] = calloc(n, sizeof(*labels));
	if (!res || !labels) {
		free(res);
		free(labels);
		rmpsim_cli_jobs_free(&jobs);
		return RMPSIM_EXIT_SYSTEM;
	}
	char plugin[RMPSIM_WL_PATH_MAX + 2];
	if (a.policy_plugin)
		snprintf(plugin, sizeof(plugin), "%s%s", strchr(a.policy_plugin, '/') ? "" : "./",
			 a.policy_plugin);
	struct rmpsim_run_options base = {
		.machine = a.machine,
		.profile = a.profile,
		.policy = a.policy,
		.policy_plugin = a.policy_plugin ? plugin : NULL,
		.seed = a.seed,
		.has_seed = a.has_seed,
		.trace_detail = a.trace_detail,
	};
	struct rmpsim_run_options oa = side_options(&base, &sa), ob = side_options(&base, &sb);
	struct rmpsim_profile pa, pb;
	code = side_profile(&a, &jobs, &oa, &pa);
	if (!code)
		code = side_profile(&a, &jobs, &ob, &pb);
	if (code) {
		rmpsim_cli_jobs_free(&jobs);
		free(res);
		free(labels);
		return code;
	}
	code = run_side(&jobs, &a, &oa, 'A', &sa, res, labels);
	if (!code)
		code = run_side(&jobs, &a, &ob, 'B', &sb, res + n, labels);

	/* What both sides shared: the command line's, else the scenario file's. */
	const char *machine = a.machine				       ? a.machine
			      : jobs.have_file && jobs.file.machine[0] ? jobs.file.machine
								       : "default";
	const char *profile = a.profile				       ? a.profile
			      : jobs.have_file && jobs.file.profile[0] ? jobs.file.profile
								       : "default";
	const char *policy = a.policy_plugin ? a.policy_plugin
			     : a.policy	     ? a.policy
			     : n	     ? res[0].policy
					     : "v10";
	struct diff_data dd = { &sa, &sb,     machine, profile, policy,	 n ? res[0].seed : 0,
				res, res + n, labels,  n,	a.config };
	bool to_stdout = a.json && !strcmp(a.json, "-");
	if (!code && a.json) {
		struct rmpsim_cli_stream st;
		struct rmpsim_cli_output out = { .path = a.json, .stream = &st };
		if (rmpsim_cli_stream_open(&st, a.json, err, sizeof(err))) {
			fprintf(stderr, "rmpsim: cannot write the diff: %s\n", err);
			code = RMPSIM_EXIT_SYSTEM;
		} else if (write_json(st.f, &dd)) {
			rmpsim_cli_stream_abort(&st);
			fprintf(stderr, "rmpsim: cannot write the diff: %s: write failed\n", a.json);
			code = RMPSIM_EXIT_SYSTEM;
		} else if (rmpsim_cli_write_outputs(&out, 1, NULL, err, sizeof(err))) {
			fprintf(stderr, "rmpsim: cannot write the diff: %s\n", err);
			code = RMPSIM_EXIT_SYSTEM;
		}
	}
	if (!code && !to_stdout && !a.quiet && (write_table(stdout, &dd) || fflush(stdout)))
		code = RMPSIM_EXIT_SYSTEM;
	rmpsim_cli_jobs_free(&jobs);
	free(res);
	free(labels);
	return code;
}
