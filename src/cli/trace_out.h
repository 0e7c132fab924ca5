/* SPDX-License-Identifier: MIT */
/*
 * What the sim's trace hook feeds (docs/cli.md "Timelines"): --trace FILE, the
 * timeline of every run, streamed while the runs go into a file that is kept
 * with the other report files, or dropped; --hist, the histograms of every
 * run, printed after the table; --ftrace FILE, each run's trace-cmd report
 * text written when it ends, kept or dropped like --trace.
 */
#ifndef RMPSIM_CLI_TRACE_OUT_H
#define RMPSIM_CLI_TRACE_OUT_H

#include <rmpsim/timeline.h>
#include <rmpsim/workload.h>

#include "args.h"
#include "output.h"

struct rmpsim_cli_trace {
	struct rmpsim_cli_stream stream;
	struct rmpsim_trace_json *tj;	      /* NULL: no --trace */
	struct rmpsim_hist *hist;	      /* NULL: no --hist */
	struct rmpsim_pass_profile *profiles; /* --html: one per run so far */
	size_t nprofiles;
	struct rmpsim_ftrace *ftrace; /* NULL: no --ftrace */
	struct rmpsim_cli_stream ftrace_stream;
	bool ftrace_err;
	char *hist_text; /* every run's histograms, printed after the table */
	size_t hist_len;
	FILE *hist_out;
	bool hist_err;
	char label[160]; /* the run's */
};

/* Check the filters and open the file: the exit code (0 = go on; messages printed). */
int rmpsim_cli_trace_start(const struct rmpsim_cli_args *a, struct rmpsim_cli_trace *t);
/* Before each run: hook the run's options (opt->trace) and name the run. */
void rmpsim_cli_trace_run(struct rmpsim_cli_trace *t, struct rmpsim_run_options *opt, const char *label);
/* After each run: unhook. */
void rmpsim_cli_trace_run_done(struct rmpsim_cli_trace *t, struct rmpsim_run_options *opt);
/*
 * After the runs (code: their exit code so far). Returns the exit code; on 0
 * ret_out[0..1] are the outputs to write with the others (path NULL: none),
 * else the files are gone.
 */
int rmpsim_cli_trace_finish(struct rmpsim_cli_trace *t, const struct rmpsim_cli_args *a, int code,
			    struct rmpsim_cli_output ret_out[2]);

/*
 * A run made in a worker process (runs.h), in run order: append its --hist
 * text and keep its --html profile (taken: *p is zeroed; NULL: none). 0 or -ENOMEM.
 */
int rmpsim_cli_trace_adopt(struct rmpsim_cli_trace *t, const char *hist_text, size_t len, bool hist_err,
			   struct rmpsim_pass_profile *p);

/* After the table: print the histograms to f (NULL: drop them). The exit code. */
int rmpsim_cli_hist_print(struct rmpsim_cli_trace *t, FILE *f);

#endif
