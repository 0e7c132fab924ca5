/* SPDX-License-Identifier: MIT */
/*
 * rmpsim: with no arguments, the review benchmark (design.md section 1);
 * otherwise what docs/cli.md describes. --help to stdout, usage errors to
 * stderr with exit 2, input-file errors as file:line:col with exit 3, progress
 * only when stderr is a terminal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rmpsim/fleet.h>
#include <rmpsim/profile.h>
#include <rmpsim/report.h>
#include <rmpsim/workload.h>

#include "rmpsim/contain.h"
#include "rmpsim/policy.h"

#include "args.h"
#include "cli.h"
#include "calibrate.h"
#include "config.h"
#include "sweep.h"
#include "diff.h"

#ifndef RMPSIM_VERSION
#define RMPSIM_VERSION "unknown"
#endif

const char *rmpsim_cli_version(void)
{
	return RMPSIM_VERSION;
}

static void list_policies(FILE *out)
{
	size_t n;
	const struct rmpsim_policy_ops *const *p = rmpsim_policy_builtins(&n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%-14s %s%s\n", p[i]->name, p[i]->description ? p[i]->description : "",
			i == 0 ? " (default)" : "");
}

static void list_scenarios(FILE *out)
{
	size_t n, nb;
	const struct rmpsim_builtin *b = rmpsim_builtins(&n);
	const struct rmpsim_bench_run *runs = rmpsim_benchmark_runs(&nb);
	for (size_t i = 0; i < n; i++) {
		char backs[32] = "";
		for (size_t k = 0; k < nb; k++) {
			if (!strcmp(runs[k].scenario, b[i].name)) {
				if (backs[0])
					strcat(backs, ",");
				strcat(backs, rmpsim_backing_name(runs[k].backing));
			}
		}
		fprintf(out, "%-12s %-9s %s\n", b[i].name, backs, b[i].description);
	}
	fprintf(out, "%-12s %-9s %s\n", RMPSIM_CLI_FLEET_BUILTIN, "",
		"fleet replay (issue 17): the day `rmpsim gen-fleet --seed N` writes (1,000 VMs over "
		"24 h), placed, launched, PVALIDATEd and torn down under the policy; a time series");
}

void rmpsim_cli_print_diag(const struct rmpsim_diag *d, int err)
{
	char buf[1024];
	if (d->msg[0])
		fprintf(stderr, "rmpsim: %s\n", rmpsim_diag_format(d, buf, sizeof(buf)));
	else
		fprintf(stderr, "rmpsim: %s\n", rmpsim_strerror(err));
}

static int print_profile(const struct rmpsim_cli_args *a)
{
	struct rmpsim_profile p = *rmpsim_profile_default();
	struct rmpsim_diag d = { 0 };
	char err[512];

	if (a->profile) {
		int r = rmpsim_profile_load(a->profile, &p, &d);
		if (r) {
			if (!d.file[0])
				rmpsim_diag_at(&d, a->profile, d.line, d.col);
			rmpsim_cli_print_diag(&d, r);
			return RMPSIM_EXIT_INPUT;
		}
	}
	if (a->config && rmpsim_cli_config_profile(a->config, &p, &p, err, sizeof(err))) {
		fprintf(stderr, "rmpsim: %s\n", err);
		return RMPSIM_EXIT_USAGE;
	}
	printf("; timing profile in effect: %s\n", a->profile ? a->profile : "built-in default");
	for (unsigned i = 0; a->config && i < a->config->nprof; i++)
		printf("; --set %s\n", a->config->prof[i].setting);
	rmpsim_profile_print(&p, stdout);
	return fflush(stdout) ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_OK;
}

/*
 * An input path that names a directory (--profile /etc) is an input error,
 * not a file that reads as empty (issue 10 point 5). Returns the exit code.
 */
static int refuse_directory(const char *path, const char *what)
{
	struct stat st;

	if (!path || stat(path, &st) || !S_ISDIR(st.st_mode))
		return RMPSIM_EXIT_OK;
	fprintf(stderr, "rmpsim: %s: is a directory, expected %s\n", path, what);
	return RMPSIM_EXIT_INPUT;
}

int rmpsim_cli_contain(const struct rmpsim_cli_args *a, uint64_t default_virtual_time_ps,
		       uint64_t default_events)
{
	/* Kernel code that goes wrong ends the run with exit 3 (docs/cli.md "Limits"). */
	struct rmpsim_containment contain = {
		.panic_on_warn = !a->allow_kernel_warnings,
		.max_virtual_time_ps =
			a->max_virtual_time_ps ? a->max_virtual_time_ps : default_virtual_time_ps,
		.max_events = a->max_events ? a->max_events : default_events,
		.exit_code = RMPSIM_EXIT_INPUT,
		.hint = "(--allow-kernel-warnings counts it and goes on; --dmesg shows the kernel log)",
	};
	return rmpsim_contain(&contain);
}

/* rmpsim_cli_contain with the command's default limits (diff, calibrate). */
int rmpsim_cli_contain_kernel(const struct rmpsim_cli_args *a)
{
	if (!rmpsim_cli_contain(a, RMPSIM_CLI_MAX_VIRTUAL_TIME_S * 1000000000000ull, RMPSIM_CLI_MAX_EVENTS))
		return RMPSIM_EXIT_OK;
	fprintf(stderr, "rmpsim: cannot install the crash handlers\n");
	return RMPSIM_EXIT_SYSTEM;
}

int main(int argc, char **argv)
{
	struct rmpsim_cli_args a;
	char err[512];

	if (argc > 1 && !strcmp(argv[1], "gen-fleet"))
		return rmpsim_cli_gen_fleet(argc - 1, argv + 1);
	/* Subcommands (docs/sweeps.md): rmpsim sweep SPEC ..., rmpsim merge DIR ... */
	if (argc > 1 && !strcmp(argv[1], "sweep")) {
		struct rmpsim_cli_args defaults = { 0 };
		if (rmpsim_cli_contain(&defaults, RMPSIM_CLI_MAX_VIRTUAL_TIME_S * 1000000000000ull,
				       RMPSIM_CLI_MAX_EVENTS)) {
			fprintf(stderr, "rmpsim: cannot install the crash handlers\n");
			return RMPSIM_EXIT_SYSTEM;
		}
		return rmpsim_cli_sweep_main(argc - 1, argv + 1);
	}
	if (argc > 1 && !strcmp(argv[1], "merge"))
		return rmpsim_cli_merge_main(argc - 1, argv + 1);
	/* Subcommands (issue 16): rmpsim diff A B [OPTION]..., rmpsim calibrate ... */
	if (argc > 1 && !strcmp(argv[1], "diff"))
		return rmpsim_cli_diff(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "calibrate"))
		return rmpsim_cli_calibrate(argc - 1, argv + 1);

	if (rmpsim_cli_parse(argc, argv, &a, err, sizeof(err))) {
		fprintf(stderr, "rmpsim: %s\nTry 'rmpsim --help'.\n", err);
		return RMPSIM_EXIT_USAGE;
	}
	if (a.help) {
		fputs(rmpsim_cli_usage, stdout);
		return fflush(stdout) ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_OK;
	}
	if (a.version) {
		printf("rmpsim %s\n", rmpsim_cli_version());
		return fflush(stdout) ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_OK;
	}
	if (a.list_policies) {
		list_policies(stdout);
		return RMPSIM_EXIT_OK;
	}
	if (a.list_scenarios) {
		list_scenarios(stdout);
		return RMPSIM_EXIT_OK;
	}
	/* --set KEY=VALUE: checked and folded into the options before anything runs. */
	struct rmpsim_cli_config cfg;
	if (a.nsets && a.run_tests) {
		fprintf(stderr, "rmpsim: --set does not apply to --run-tests\nTry 'rmpsim --help'.\n");
		return RMPSIM_EXIT_USAGE;
	}
	int scode = rmpsim_cli_config_resolve(&a, &cfg, err, sizeof(err));
	if (scode) {
		fprintf(stderr, "rmpsim: %s\n", err);
		return scode;
	}
	a.config = &cfg;
	int code = refuse_directory(a.profile, "a timing profile (INI file)");
	if (!code)
		code = refuse_directory(a.scenario, "a scenario file or a built-in scenario name");
	if (!code)
		code = refuse_directory(a.policy_plugin, "a policy plugin (shared object)");
	if (!code && a.machine && strlen(a.machine) > 4 && !strcmp(a.machine + strlen(a.machine) - 4, ".xml"))
		code = refuse_directory(a.machine, "a topology XML file");
	if (code)
		return code;
	if (a.print_profile)
		return print_profile(&a);
	if (a.policy && !rmpsim_policy_find(a.policy)) {
		fprintf(stderr, "rmpsim: unknown policy '%s'; the policies are:\n", a.policy);
		list_policies(stderr);
		return RMPSIM_EXIT_USAGE;
	}
	if (rmpsim_cli_contain(&a, RMPSIM_CLI_MAX_VIRTUAL_TIME_S * 1000000000000ull, RMPSIM_CLI_MAX_EVENTS)) {
		fprintf(stderr, "rmpsim: cannot install the crash handlers\n");
		return RMPSIM_EXIT_SYSTEM;
	}
	if (a.run_tests)
		return rmpsim_cli_golden(&a);
	if (rmpsim_cli_is_fleet(a.scenario))
		return rmpsim_cli_fleet(&a);
	if (a.placement || a.sample_every || a.churn || a.no_pvalidate) {
		fprintf(stderr,
			"rmpsim: --%s needs a fleet replay (--scenario FILE.csv or --scenario fleet)\n",
			a.placement	 ? "placement"
			: a.sample_every ? "sample-every"
			: a.churn	 ? "churn"
					 : "no-pvalidate");
		return RMPSIM_EXIT_USAGE;
	}
	return rmpsim_cli_bench(&a);
}
