/* SPDX-License-Identifier: MIT */
/* --trace FILE, --trace-cpus LIST, --trace-regions RANGE, --hist, --ftrace FILE (trace_out.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/limits.h>

#include "cli.h"
#include "trace_out.h"

/* The largest CPU number and 1 GB region index a filter may name. */
#define CPU_MAX	   (RMPSIM_MAX_CPUS - 1u)
#define REGION_MAX ((1u << 21) - 1) /* RMPSIM_TRACE_RMPOPT_REGION's field */

/* Drop everything: the histograms, the open files and their temporary files. */
static void drop_all(struct rmpsim_cli_trace *t)
{
	char err[8];
	rmpsim_cli_hist_print(t, NULL);
	if (t->tj)
		rmpsim_trace_json_close(t->tj, err, sizeof(err));
	t->tj = NULL;
	rmpsim_cli_stream_abort(&t->stream);
	rmpsim_ftrace_destroy(t->ftrace);
	t->ftrace = NULL;
	rmpsim_cli_stream_abort(&t->ftrace_stream);
}

/* Filters first (usage errors before any file), then the files. */
static int start(const struct rmpsim_cli_args *a, struct rmpsim_cli_trace *t)
{
	struct rmpsim_tl_filter flt;
	char err[600];

	memset(&flt, 0, sizeof(flt));
	if (a->trace_cpus && rmpsim_tl_set_parse(a->trace_cpus, CPU_MAX, &flt.cpus, err, sizeof(err))) {
		fprintf(stderr, "rmpsim: --trace-cpus %s\n", err);
		return RMPSIM_EXIT_USAGE;
	}
	if (a->trace_regions &&
	    rmpsim_tl_set_parse(a->trace_regions, REGION_MAX, &flt.regions, err, sizeof(err))) {
		fprintf(stderr, "rmpsim: --trace-regions %s\n", err);
		return RMPSIM_EXIT_USAGE;
	}
	if (a->hist || a->html) { /* --html plots what the histograms collect */
		if (a->hist && !(t->hist_out = open_memstream(&t->hist_text, &t->hist_len)))
			return RMPSIM_EXIT_SYSTEM;
		if (rmpsim_hist_create(NULL, &t->hist))
			return RMPSIM_EXIT_SYSTEM;
	}
	if (a->ftrace) {
		if (rmpsim_cli_stream_open(&t->ftrace_stream, a->ftrace, err, sizeof(err))) {
			fprintf(stderr, "rmpsim: cannot write the ftrace text: %s\n", err);
			return RMPSIM_EXIT_SYSTEM;
		}
		if (rmpsim_ftrace_create(NULL, &t->ftrace))
			return RMPSIM_EXIT_SYSTEM;
	}
	if (a->trace) {
		if (rmpsim_cli_stream_open(&t->stream, a->trace, err, sizeof(err))) {
			fprintf(stderr, "rmpsim: cannot write the trace: %s\n", err);
			return RMPSIM_EXIT_SYSTEM;
		}
		if (rmpsim_trace_json_open(NULL, t->stream.f, &flt, stderr, a->trace, &t->tj))
			return RMPSIM_EXIT_SYSTEM;
	}
	return RMPSIM_EXIT_OK;
}

int rmpsim_cli_trace_start(const struct rmpsim_cli_args *a, struct rmpsim_cli_trace *t)
{
	memset(t, 0, sizeof(*t));
	int code = start(a, t);
	if (code)
		drop_all(t);
	return code;
}

/* Every consumer of one run's records. */
static void fan_out(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_trace_rec *rec)
{
	struct rmpsim_cli_trace *t = ctx;
	if (t->tj)
		rmpsim_trace_json_hook(t->tj, sim, rec);
	if (t->hist)
		rmpsim_hist_hook(t->hist, sim, rec);
	if (t->ftrace)
		rmpsim_ftrace_hook(t->ftrace, sim, rec);
}

void rmpsim_cli_trace_run(struct rmpsim_cli_trace *t, struct rmpsim_run_options *opt, const char *label)
{
	snprintf(t->label, sizeof(t->label), "%s", label);
	if (t->tj)
		rmpsim_trace_json_begin_run(t->tj, label);
	if (t->tj || t->ftrace) {
		opt->trace = fan_out;
		opt->trace_ctx = t;
		opt->trace_kinds = 0;
		opt->trace_round_stretches = NULL; /* every kind: no rounds */
	} else if (t->hist) {
		/* --hist or --html alone: straight to the histograms, with only the kinds they
		 * read (--html's cost, docs/performance.md "Report writers") */
		opt->trace = rmpsim_hist_hook;
		opt->trace_ctx = t->hist;
		opt->trace_kinds = RMPSIM_HIST_TRACE_KINDS;
		opt->trace_round_stretches = rmpsim_hist_round_hook; /* a round in one call */
	}
}

/* --html: keep what the plots need of the run (a zero profile when no pass completed). */
static int take_profile(struct rmpsim_cli_trace *t)
{
	void *p = realloc(t->profiles, (t->nprofiles + 1) * sizeof(*t->profiles));
	if (!p)
		return -ENOMEM;
	t->profiles = p;
	int r = rmpsim_hist_take_run(t->hist, &t->profiles[t->nprofiles++]);
	return r == -ENOENT ? 0 : r;
}

void rmpsim_cli_trace_run_done(struct rmpsim_cli_trace *t, struct rmpsim_run_options *opt)
{
	if (t->tj)
		rmpsim_trace_json_end_run(t->tj);
	if (t->hist && take_profile(t))
		t->hist_err = true;
	if (t->hist && t->hist_out && rmpsim_hist_write_run(t->hist, t->hist_out, t->label))
		t->hist_err = true;
	else if (t->hist && !t->hist_out)
		rmpsim_hist_end_run(t->hist);
	if (t->ftrace && rmpsim_ftrace_write_run(t->ftrace, t->ftrace_stream.f, t->label))
		t->ftrace_err = true;
	opt->trace = NULL;
	opt->trace_ctx = NULL;
	opt->trace_kinds = 0;
	opt->trace_round_stretches = NULL;
}

int rmpsim_cli_trace_adopt(struct rmpsim_cli_trace *t, const char *hist_text, size_t len, bool hist_err,
			   struct rmpsim_pass_profile *p)
{
	t->hist_err = t->hist_err || hist_err;
	if (t->hist_out && len && fwrite(hist_text, 1, len, t->hist_out) != len)
		return -ENOMEM;
	if (!p)
		return 0;
	void *grown = realloc(t->profiles, (t->nprofiles + 1) * sizeof(*t->profiles));
	if (!grown)
		return -ENOMEM;
	t->profiles = grown;
	t->profiles[t->nprofiles++] = *p;
	memset(p, 0, sizeof(*p));
	return 0;
}

int rmpsim_cli_hist_print(struct rmpsim_cli_trace *t, FILE *f)
{
	int code = RMPSIM_EXIT_OK;
	if (t->hist_out && fclose(t->hist_out))
		t->hist_err = true;
	t->hist_out = NULL;
	if (f && t->hist && t->hist_text) {
		if (t->hist_err)
			fprintf(stderr, "rmpsim: --hist: out of memory\n");
		if (t->hist_err || fwrite(t->hist_text, 1, t->hist_len, f) != t->hist_len || fflush(f))
			code = RMPSIM_EXIT_SYSTEM;
	}
	rmpsim_hist_destroy(t->hist);
	t->hist = NULL;
	for (size_t i = 0; i < t->nprofiles; i++)
		rmpsim_pass_profile_free(&t->profiles[i]);
	free(t->profiles);
	t->profiles = NULL;
	t->nprofiles = 0;
	free(t->hist_text);
	t->hist_text = NULL;
	return code;
}

int rmpsim_cli_trace_finish(struct rmpsim_cli_trace *t, const struct rmpsim_cli_args *a, int code,
			    struct rmpsim_cli_output ret_out[2])
{
	char err[200];
	int r = 0;

	memset(ret_out, 0, 2 * sizeof(*ret_out));
	if (!code && t->tj) {
		r = rmpsim_trace_json_close(t->tj, err, sizeof(err));
		t->tj = NULL;
		if (r == -ENOENT) {
			fprintf(stderr, "rmpsim: %s; no trace written\n", err);
			code = RMPSIM_EXIT_USAGE;
		} else if (r) {
			fprintf(stderr, "rmpsim: cannot write the trace: %s: %s\n", a->trace, strerror(-r));
			code = RMPSIM_EXIT_SYSTEM;
		}
	}
	if (!code && t->ftrace_err) {
		fprintf(stderr, "rmpsim: cannot write the ftrace text: %s\n", a->ftrace);
		code = RMPSIM_EXIT_SYSTEM;
	}
	if (code) {
		drop_all(t);
		return code;
	}
	size_t n = 0;
	if (a->trace)
		ret_out[n++] = (struct rmpsim_cli_output){ .path = a->trace, .stream = &t->stream };
	if (a->ftrace)
		ret_out[n++] = (struct rmpsim_cli_output){ .path = a->ftrace, .stream = &t->ftrace_stream };
	rmpsim_ftrace_destroy(t->ftrace);
	t->ftrace = NULL;
	return RMPSIM_EXIT_OK;
}
