/* SPDX-License-Identifier: MIT */
/*
 * The runs of one benchmark command (bench.c): one after another in this
 * process, or (--jobs N, default the online CPUs) in forked worker processes
 * that each take the next run not yet taken (runs_par.c; docs/cli.md "--jobs").
 * Workers, not threads: the kernel shim holds one simulated kernel per process.
 * Whatever the worker count, the parent hands every run's results and
 * per-run output (--dmesg lines, --hist text, --html profile) on in run
 * order, so every output is byte-identical (tests/cli/test_jobs_cli.sh).
 */
#ifndef RMPSIM_CLI_RUNS_H
#define RMPSIM_CLI_RUNS_H

#include <stdio.h>

#include <rmpsim/workload.h>

#include "args.h"
#include "jobs.h"
#include "progress.h"
#include "trace_out.h"

struct rmpsim_cli_runs {
	const struct rmpsim_cli_args *a;
	const struct rmpsim_cli_jobs *jobs;
	const struct rmpsim_run_options *opt; /* the command's; each run hooks its own copy */
	struct rmpsim_run_result *res;	      /* [jobs->n], filled in run order */
	struct rmpsim_uncertainty *unc;	      /* [jobs->n] with --uncertainty (serial only), else NULL */
	struct rmpsim_cli_progress *prog;
	struct rmpsim_cli_trace *trace; /* --hist / --html collect here */
	FILE *dmesg_f;			/* where --dmesg lines go */
};

/*
 * How many worker processes the runs get: --jobs, else the online CPUs, at
 * most one per run. 1 (run them here) for one run, and with the writers
 * that stream across runs (--trace, --ftrace) or fork workers of their own
 * (--uncertainty: the draws get the workers).
 */
unsigned rmpsim_cli_runs_workers(const struct rmpsim_cli_args *a, size_t nruns);

/*
 * Run every job in `workers` (2 .. 64) forked processes. 0, or the exit code
 * of the first run (in run order) that failed, its message printed as the
 * serial loop prints it; RMPSIM_EXIT_SYSTEM when a worker could not start or
 * died (message names the run).
 */
int rmpsim_cli_runs_parallel(const struct rmpsim_cli_runs *r, unsigned workers);

#endif
