/* SPDX-License-Identifier: MIT */
/*
 * Timelines of runs, written while they run from the sim's trace hook
 * (rmpsim_run_options.trace): Chrome trace event JSON for ui.perfetto.dev and
 * chrome://tracing (docs/cli.md "--trace"). Streaming: the file grows as the
 * run goes; memory holds only the slices still open on each CPU (for the
 * worker's CPU, one pass).
 *
 * Output is deterministic: virtual times only, the same runs give the same
 * bytes.
 *
 * Bad input: the int functions give -EINVAL for a NULL handle, stream or
 * ret argument (nothing written); the hooks, begin/end and destroy functions
 * do nothing with a NULL handle (tests/lib/test_bad_args.c).
 */
#ifndef RMPSIM_TIMELINE_H
#define RMPSIM_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rmpsim/alloc.h>
#include <rmpsim/sim.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A set of CPUs or of 1 GB regions: inclusive ranges. */
#define RMPSIM_TL_MAX_RANGES 64
struct rmpsim_tl_set {
	size_t n; /* 0 = everything */
	struct {
		uint64_t lo, hi;
	} r[RMPSIM_TL_MAX_RANGES];
};

/*
 * Parse "0-3,8,16-31" (a Linux cpulist) into *ret: numbers up to max, each
 * range lo <= hi, at most RMPSIM_TL_MAX_RANGES ranges. 0, or -EINVAL with a
 * message in err (the column and what was expected).
 */
int rmpsim_tl_set_parse(const char *s, uint64_t max, struct rmpsim_tl_set *ret, char *err, size_t errlen);
bool rmpsim_tl_set_has(const struct rmpsim_tl_set *set, uint64_t x);

struct rmpsim_tl_filter {
	struct rmpsim_tl_set cpus;    /* --trace-cpus: CPUs that get a thread (n = 0: all) */
	struct rmpsim_tl_set regions; /* --trace-regions: RMPOPTs (and the handlers running them) kept */
};

struct rmpsim_trace_json; /* opaque */

/*
 * Start a trace on f (the header is written now). notes: where the size
 * estimate goes (NULL = nowhere), named after path. -ENOMEM.
 */
int rmpsim_trace_json_open(const struct rmpsim_allocator *a, FILE *f, const struct rmpsim_tl_filter *flt,
			   FILE *notes, const char *path, struct rmpsim_trace_json **ret);
/* Runs go one after another; label names the run's processes ("full 4K"). */
void rmpsim_trace_json_begin_run(struct rmpsim_trace_json *tj, const char *label);
/* The hook for rmpsim_run_options.trace (ctx = the trace). */
void rmpsim_trace_json_hook(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_trace_rec *rec);
/* The run is over: slices still open end at its last record. */
void rmpsim_trace_json_end_run(struct rmpsim_trace_json *tj);
/*
 * Write the footer and free the trace (f stays open). 0; -ENOENT when the
 * filter selected nothing in any run (message in err: which filter);
 * -ENOMEM; -EIO when writing failed.
 */
int rmpsim_trace_json_close(struct rmpsim_trace_json *tj, char *err, size_t errlen);

/*
 * --hist: rtla-timerlat-style text histograms of the measured pass (the last
 * completed one): its interrupts-off stretches (1 us buckets, 256 of them)
 * and each CPU's busy time during it, with a column per CPU (16 CPUs or
 * fewer) or per NUMA node, and over:, count:, min:, avg:, max: rows.
 */
struct rmpsim_hist; /* opaque */
int rmpsim_hist_create(const struct rmpsim_allocator *a, struct rmpsim_hist **ret);
/* The hook for rmpsim_run_options.trace (ctx = the histograms), and the only
 * record kinds it reads (for rmpsim_run_options.trace_kinds; co-tenant vCPU
 * stretches included): those a round gives as the step path does (sim.h), so
 * runs with the histograms keep rounds. */
void rmpsim_hist_hook(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_trace_rec *rec);
#define RMPSIM_HIST_TRACE_KINDS RMPSIM_TRACE_ROUND_KINDS
/* For rmpsim_run_options.trace_round_stretches (ctx = the histograms): a round's
 * stretches in one call, counted as rmpsim_hist_hook counts their IRQOFF records. */
void rmpsim_hist_round_hook(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_round_stretches *r);
/* After a run: print its histograms to f under label, and start afresh. 0, -ENOMEM, -EIO. */
int rmpsim_hist_write_run(struct rmpsim_hist *h, FILE *f, const char *label);
void rmpsim_hist_destroy(struct rmpsim_hist *h);

/* What --html plots of a run's measured pass beyond its result (report.h). */
#define RMPSIM_PROFILE_IRQOFF_BUCKETS 64 /* 1 us each */
struct rmpsim_pass_profile {
	uint64_t *busy_ps; /* [ncpus], busiest first; malloc()ed */
	unsigned ncpus;
	uint64_t irqoff[RMPSIM_PROFILE_IRQOFF_BUCKETS]; /* stretches by whole us, all CPUs */
	uint64_t irqoff_over;				/* ... of 64 us or more */
	/* Busy share of the busiest CPU of each CPU group in each time bin (A383):
	 * heat_rows x heat_cols in 1/10,000 (10000 = busy all the bin), row-major; rows
	 * of heat_cpus_per_row CPUs from CPU 0, bins of heat_bin_ps from the pass start
	 * (the last one cut by the pass end); NULL: none. malloc()ed. */
	uint16_t *heat_bp;
	unsigned heat_rows, heat_cols, heat_cpus_per_row;
	uint64_t heat_bin_ps;
};
/* Copy the last completed pass of the run the histograms saw (before
 * rmpsim_hist_write_run or _end_run). 0, -ENOENT (no pass), -ENOMEM. */
int rmpsim_hist_take_run(const struct rmpsim_hist *h, struct rmpsim_pass_profile *ret);
/* Start afresh without printing. */
void rmpsim_hist_end_run(struct rmpsim_hist *h);
void rmpsim_pass_profile_free(struct rmpsim_pass_profile *p);

/*
 * --ftrace FILE: the run in `trace-cmd report` text layout (sched_switch,
 * ipi_send_cpumask/ipi_send_cpu, ipi_entry/ipi_exit, irq_disable/irq_enable,
 * workqueue_queue_work/_execute_start/_execute_end, the rmpopt_* tracepoints),
 * sorted by time. Memory is bounded: sorted runs of a chunk of events spill to
 * an unlinked file in $TMPDIR (else /tmp) and are merged when the run ends.
 */
struct rmpsim_ftrace; /* opaque */
int rmpsim_ftrace_create(const struct rmpsim_allocator *a, struct rmpsim_ftrace **ret);
/* Events held in memory before a sorted run spills (0: the default, 65,536). Tests use
 * small chunks to exercise the merge; the output is the same whatever the chunk. */
void rmpsim_ftrace_set_chunk(struct rmpsim_ftrace *ft, size_t events);
/* The hook for rmpsim_run_options.trace (ctx = the ftrace writer). */
void rmpsim_ftrace_hook(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_trace_rec *rec);
/* After a run: write its events to f under label, and start afresh. 0, -ENOMEM, -EIO. */
int rmpsim_ftrace_write_run(struct rmpsim_ftrace *ft, FILE *f, const char *label);
void rmpsim_ftrace_destroy(struct rmpsim_ftrace *ft);

/* "12.345" microseconds from picoseconds, truncated to the nanosecond (integer arithmetic). */
const char *rmpsim_tl_fmt_us(uint64_t ps, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
