/* SPDX-License-Identifier: MIT */
/*
 * What a command runs: the benchmark matrix, one built-in scenario (every
 * backing it has, or --backing), or one scenario file (docs/cli.md). Shared by
 * the benchmark (bench.c) and `rmpsim diff` (diff.c), so that both run the
 * same (scenario, backing) list for the same options.
 */
#ifndef RMPSIM_CLI_JOBS_H
#define RMPSIM_CLI_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include <rmpsim/workload.h>

#include "args.h"

#define RMPSIM_CLI_MAX_JOBS 32

/* One (scenario, backing) or one file to run. */
struct rmpsim_cli_job {
	const char *name; /* built-in name, or NULL for the file */
	enum rmpsim_backing backing;
};

struct rmpsim_cli_jobs {
	struct rmpsim_cli_job job[RMPSIM_CLI_MAX_JOBS];
	size_t n;
	bool have_file;
	struct rmpsim_scenario file; /* the scenario file, when have_file */
};

/*
 * Select the runs of a->scenario / a->backing. Returns 0, or an exit code
 * with the message already on stderr (then nothing to free).
 */
int rmpsim_cli_jobs_select(const struct rmpsim_cli_args *a, struct rmpsim_cli_jobs *ret);
/*
 * Scenario of job i into *s (a copy of the file's, or a built-in to free with
 * rmpsim_cli_jobs_put), with a->config's scenario knobs (--set) applied to a
 * built-in (the file got them in rmpsim_cli_jobs_select). 0, or an exit code
 * with a message in why (then nothing to put).
 */
int rmpsim_cli_jobs_get(const struct rmpsim_cli_jobs *j, size_t i, const struct rmpsim_cli_args *a,
			struct rmpsim_scenario *s, char *why, size_t len);
void rmpsim_cli_jobs_put(const struct rmpsim_cli_jobs *j, size_t i, struct rmpsim_scenario *s);
/* "full 4K", or the file's scenario name. */
void rmpsim_cli_jobs_label(const struct rmpsim_cli_jobs *j, size_t i, const char *scenario_name, char *buf,
			   size_t len);
void rmpsim_cli_jobs_free(struct rmpsim_cli_jobs *j);

/*
 * The first option given that only the benchmark's own reports and commands
 * know (--csv, --trace, --html, --ftrace, --hist, --dmesg, --uncertainty,
 * --run-tests, --print-profile, --list-*, --version, the fleet replay's), for the subcommands
 * that run the same jobs but report otherwise (diff, calibrate); NULL if none.
 */
const char *rmpsim_cli_jobs_foreign_option(const struct rmpsim_cli_args *a);

#endif
