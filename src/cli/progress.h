/* SPDX-License-Identifier: MIT */
/*
 * Progress on a terminal (docs/cli.md "Progress"): a bar with the runs done,
 * the simulated time of the run under way and an estimate of the time left,
 * on stderr, redrawn at most RMPSIM_PROGRESS_HZ times a second, and only once
 * the command has run for a second. Nothing when stderr is not a terminal or
 * with --quiet; the report files never see it.
 */
#ifndef RMPSIM_CLI_PROGRESS_H
#define RMPSIM_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define RMPSIM_PROGRESS_HZ	 4u    /* redraws per second at most */
#define RMPSIM_PROGRESS_DELAY_MS 1000u /* nothing for runs shorter than this */
/* The environment variables RMPSIM_PROGRESS_DELAY_MS and RMPSIM_PROGRESS_HZ
 * replace the two (tests: a machine fast enough finishes before the delay). */

struct rmpsim_cli_progress {
	FILE *out;		      /* NULL: off */
	uint64_t delay_ns, period_ns; /* from the defaults or the environment */
	size_t nruns, done;	      /* runs in the command, runs finished */
	char label[160];	      /* the run under way */
	uint64_t t0_ns;		      /* wall clock at start */
	uint64_t done_ns;	      /* wall clock when the last run finished */
	uint64_t last_ns;	      /* last redraw */
	uint64_t sim_ps;	      /* simulated time of the run under way */
	bool shown;		      /* a line is on the terminal */
};

/* on: stderr is a terminal and no --quiet. */
void rmpsim_cli_progress_start(struct rmpsim_cli_progress *p, bool on, size_t nruns);
/* A run begins (label: scenario and backing). */
void rmpsim_cli_progress_run(struct rmpsim_cli_progress *p, const char *label);
/* rmpsim_run_options.progress: the run's simulated time advanced. */
void rmpsim_cli_progress_tick(void *ctx, uint64_t sim_ps);
/* The run ended. */
void rmpsim_cli_progress_run_done(struct rmpsim_cli_progress *p);
/* Before a message on stderr: clear the line (it is redrawn by the next tick). */
void rmpsim_cli_progress_clear(struct rmpsim_cli_progress *p);

#endif
