/* SPDX-License-Identifier: MIT */
/*
 * Measuring a pass from its tracepoints (contracts.md "Tracepoints").
 *
 * The sim's trace hook sees each mark as it is recorded (and can read it back
 * then), so a pass is measured while it runs, in memory that does not grow
 * with the number of passes (issue 14 point 4): at pass_start a snapshot of
 * the per-CPU counters; at every mark after it, the longest interrupts-off
 * stretch, the cheapest and dearest RMPOPT and the running-maximum rises of
 * the interval folded into the open pass; at pass_done the per-CPU
 * differences become the last completed pass and the open pass is dropped.
 * Only what happened inside the pass is counted.
 */
#ifndef RMPSIM_WORKLOAD_MEASURE_H
#define RMPSIM_WORKLOAD_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/sim.h>
#include <rmpsim/workload.h>

#define RMPSIM__MARK_PASS_START	 "rmpopt_pass_start"
#define RMPSIM__MARK_LEADER_DONE "rmpopt_leader_done"
#define RMPSIM__MARK_PASS_DONE	 "rmpopt_pass_done"

/* What one CPU had counted when a mark was recorded. */
struct rmpsim__cpu_snap {
	uint64_t busy_ps, ipis;
	uint64_t rmpopt[RMPSIM_RMPOPT_NKINDS]; /* by enum rmpsim_rmpopt_kind */
	uint64_t rmpopt_ps, lines, dram_lines;
};

#define RMPSIM__MEASURE_RISES 32 /* = the length of rmpsim_run_result.rmpopt_max_rises */

/* What the marks after a pass_start add up to (the interval (start, mark]). */
struct rmpsim__pass_agg {
	size_t start, leader, done;	       /* mark indices; leader SIZE_MAX when none */
	uint64_t irqoff_ps;		       /* longest interrupts-off stretch */
	uint64_t rmpopt_min_ps, rmpopt_max_ps; /* 0 / 0: no RMPOPT */
	uint64_t run_max_ps;		       /* running maximum of the RMPOPT cost */
	unsigned nrises;
	struct {
		unsigned cpu;
		uint64_t ps;
	} rises[RMPSIM__MEASURE_RISES];
};

/* Co-tenant vCPUs in the measured passes (A440-A443): allocated at the first
 * pass that has one, so runs without them keep their size. */
struct rmpsim__vcpu_meas {
	uint64_t *v; /* [6 ncpus]: at the open pass's start exits, stolen; its longest stretch so far;
			the last completed pass's exits, stolen, longest stretch */
	uint64_t hist[RMPSIM_COTENANT_HIST_BUCKETS + 1];      /* the open pass's stretches by us (+ over) */
	uint64_t hist_last[RMPSIM_COTENANT_HIST_BUCKETS + 1]; /* the last completed pass's */
	bool have_last;
};

/* Round patterns whose longest stretch is kept: a plan's two memos for each of the
 * sim's eight plans (sim_internal.h RMPSIM__ROUND_MEMOS, RMPSIM__ROUND_PLANS). */
#define RMPSIM__MEASURE_PATTERNS 16

struct rmpsim__measure {
	const struct rmpsim_allocator *alloc;
	struct rmpsim_sim *sim;
	unsigned ncpus;
	uint64_t irqoff_cur;		   /* since the last mark */
	bool open;			   /* a pass_start without its pass_done yet */
	struct rmpsim__pass_agg cur;	   /* the open pass */
	struct rmpsim__cpu_snap *at_start; /* [ncpus] the counters at the open pass's start */
	bool have_last;			   /* a pass completed */
	struct rmpsim__pass_agg last;	   /* the last completed pass */
	struct rmpsim__cpu_snap *delta;	   /* [ncpus] its per-CPU differences */
	uint64_t *busy;			   /* scratch for the median */
	struct rmpsim__vcpu_meas *vc;	   /* NULL until a pass has a co-tenant vCPU */
	int err;			   /* -ENOMEM from the hook: the result is unusable */
	/* rmpsim_run_options.trace: every record passed on, or NULL */
	void (*next)(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_trace_rec *rec);
	void *next_ctx;
	uint32_t next_kinds; /* the kinds next wants (rmpsim_run_options.trace_kinds, 0 = all) */
	/* rmpsim_run_options.trace_round_stretches: a round's stretches, ctx next_ctx */
	void (*next_round)(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_round_stretches *r);
	/* The longest stretch of the last rounds' patterns (sim.h rmpsim_round_stretches.pattern):
	 * a round from a memo repeats its stretches, so their maximum is taken once. */
	struct {
		const void *pattern; /* NULL: unused */
		uint64_t gen, longest;
	} round_longest[RMPSIM__MEASURE_PATTERNS];
	unsigned round_longest_next; /* the entry a new pattern replaces (round robin) */
	/* rmpsim_run_options.progress: called every RMPSIM__MEASURE_PROGRESS_EVERY records */
	void (*progress)(void *ctx, uint64_t sim_now_ps);
	void *progress_ctx;
	uint32_t nrecs;
};
#define RMPSIM__MEASURE_PROGRESS_EVERY 8192u

int rmpsim__measure_init(struct rmpsim__measure *ms, const struct rmpsim_allocator *a,
			 struct rmpsim_sim *sim);
void rmpsim__measure_fini(struct rmpsim__measure *ms);
/* The sim trace hook (rmpsim_sim_set_trace_hook(sim, rmpsim__measure_hook, ms)). */
void rmpsim__measure_hook(void *ctx, const struct rmpsim_trace_rec *rec);
/* The sim's round stretch hook (rmpsim_sim_set_round_stretch_hook(sim, this, ms)): the
 * round's IRQOFF records in one call, passed on to next_round (set when installed). */
void rmpsim__measure_round_hook(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_round_stretches *r);
/* Bytes the measurement holds (constant for a given CPU count: the bench checks it). */
size_t rmpsim__measure_bytes(const struct rmpsim__measure *ms);

/*
 * Fill the timing and counter fields of *ret from the last completed pass;
 * *ret_pa_start/end = its range. 0; -ENOENT when no pass completed, or when
 * the hook was not installed for the whole of it.
 */
int rmpsim__measure_last_pass(struct rmpsim__measure *ms, struct rmpsim_run_result *ret,
			      uint64_t *ret_pa_start, uint64_t *ret_pa_end);

#endif
