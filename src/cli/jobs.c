/* SPDX-License-Identifier: MIT */
/* Choosing the runs of a command from --scenario and --backing (jobs.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "jobs.h"

/* The built-in `bi`, with --backing when given: 0 or an exit code. */
static int select_builtin(const struct rmpsim_cli_args *a, const struct rmpsim_builtin *bi,
			  struct rmpsim_cli_jobs *j)
{
	size_t nb;
	const struct rmpsim_bench_run *b = rmpsim_benchmark_runs(&nb);
	enum rmpsim_backing want = RMPSIM_BACKING_4K;

	if (a->backing)
		rmpsim_backing_parse(a->backing, &want);
	if (a->backing) {
		/* Only a backing the built-in runs with (worst is 4K only, issue 10 point 6). */
		bool has = false, any = false;
		for (size_t k = 0; k < nb; k++) {
			if (!strcmp(b[k].scenario, bi->name)) {
				any = true;
				has = has || b[k].backing == want;
			}
		}
		if (any && !has) {
			fprintf(stderr, "rmpsim: --backing %s: the built-in scenario '%s' runs with",
				a->backing, bi->name);
			for (size_t k = 0; k < nb; k++)
				if (!strcmp(b[k].scenario, bi->name))
					fprintf(stderr, " %s", rmpsim_backing_name(b[k].backing));
			fprintf(stderr, " only\n");
			return RMPSIM_EXIT_USAGE;
		}
		j->job[j->n++] = (struct rmpsim_cli_job){ bi->name, want };
		return 0;
	}
	for (size_t k = 0; k < nb && j->n < RMPSIM_CLI_MAX_JOBS; k++) {
		if (!strcmp(b[k].scenario, bi->name))
			j->job[j->n++] = (struct rmpsim_cli_job){ bi->name, b[k].backing };
	}
	if (!j->n) /* a built-in outside the review matrix (the perf2 self-checks) */
		j->job[j->n++] = (struct rmpsim_cli_job){ bi->name, want };
	return 0;
}

int rmpsim_cli_jobs_select(const struct rmpsim_cli_args *a, struct rmpsim_cli_jobs *ret)
{
	struct rmpsim_diag d = { 0 };
	size_t n;
	const struct rmpsim_builtin *bi = rmpsim_builtins(&n);

	memset(ret, 0, sizeof(*ret));
	if (!a->scenario) {
		size_t nb;
		const struct rmpsim_bench_run *b = rmpsim_benchmark_runs(&nb);
		for (size_t i = 0; i < nb && ret->n < RMPSIM_CLI_MAX_JOBS; i++)
			ret->job[ret->n++] = (struct rmpsim_cli_job){ b[i].scenario, b[i].backing };
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(bi[i].name, a->scenario))
			return select_builtin(a, &bi[i], ret);
	if (a->backing) {
		fprintf(stderr, "rmpsim: --backing applies to a built-in scenario, not '%s'\n", a->scenario);
		return RMPSIM_EXIT_USAGE;
	}
	int r = rmpsim_scenario_parse_file(a->scenario, NULL, &ret->file, &d);
	if (r) {
		rmpsim_cli_print_diag(&d, r);
		if (r == -ENOENT && !strchr(a->scenario, '/') && !strchr(a->scenario, '.')) {
			fprintf(stderr, "rmpsim: '%s' is neither a file nor a built-in scenario:\n",
				a->scenario);
			for (size_t i = 0; i < n; i++)
				fprintf(stderr, "  %s\n", bi[i].name);
			return RMPSIM_EXIT_USAGE;
		}
		return r == -ENOMEM ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_INPUT;
	}
	ret->have_file = true;
	ret->job[ret->n++] = (struct rmpsim_cli_job){ NULL, RMPSIM_BACKING_4K };
	char why[600];
	int kcode = a->config ? rmpsim_cli_config_knobs(a->config, &ret->file, why, sizeof(why)) : 0;
	if (kcode) {
		fprintf(stderr, "rmpsim: %s\n", why);
		rmpsim_cli_jobs_free(ret);
	}
	return kcode;
}

int rmpsim_cli_jobs_get(const struct rmpsim_cli_jobs *j, size_t i, const struct rmpsim_cli_args *a,
			struct rmpsim_scenario *s, char *why, size_t len)
{
	if (!j->job[i].name) {
		*s = j->file;
		return 0;
	}
	rmpsim_scenario_builtin(j->job[i].name, j->job[i].backing, NULL, s);
	int kcode = a->config ? rmpsim_cli_config_knobs(a->config, s, why, len) : 0;
	if (kcode)
		rmpsim_scenario_free(s);
	return kcode;
}

void rmpsim_cli_jobs_put(const struct rmpsim_cli_jobs *j, size_t i, struct rmpsim_scenario *s)
{
	if (j->job[i].name)
		rmpsim_scenario_free(s);
}

void rmpsim_cli_jobs_label(const struct rmpsim_cli_jobs *j, size_t i, const char *scenario_name, char *buf,
			   size_t len)
{
	snprintf(buf, len, "%s%s%s", scenario_name, j->job[i].name ? " " : "",
		 j->job[i].name ? rmpsim_backing_name(j->job[i].backing) : "");
}

void rmpsim_cli_jobs_free(struct rmpsim_cli_jobs *j)
{
	if (j->have_file)
		rmpsim_scenario_free(&j->file);
	j->have_file = false;
}

const char *rmpsim_cli_jobs_foreign_option(const struct rmpsim_cli_args *a)
{
	return a->csv		   ? "--csv"
	       : a->trace	   ? "--trace"
	       : a->html	   ? "--html"
	       : a->ftrace	   ? "--ftrace"
	       : a->hist	   ? "--hist"
	       : a->dmesg	   ? "--dmesg"
	       : a->uncertainty	   ? "--uncertainty"
	       : a->jobs	   ? "--jobs"
	       : a->run_tests	   ? "--run-tests"
	       : a->print_profile  ? "--print-profile"
	       : a->list_policies  ? "--list-policies"
	       : a->list_scenarios ? "--list-scenarios"
	       : a->version	   ? "--version"
				   : NULL;
}
