/* SPDX-License-Identifier: MIT */
/*
 * Measuring a pass from its tracepoints (contracts.md "Tracepoints").
 *
 * The sim's trace hook sees each mark as it is recorded, possibly before the
 * mark can be read back, so every mark gets a snapshot of the per-CPU
 * counters (and of the longest interrupts-off stretch since the previous
 * mark); after the run, the marks are read in order and the last completed
 * pass_start .. pass_done is measured from the two snapshots. Only what
 * happened inside the pass is counted.
 */
#ifndef RMPSIM_WORKLOAD_MEASURE_H
#define RMPSIM_WORKLOAD_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#include <rmpsim/sim.h>
#include <rmpsim/workload.h>

#define RMPSIM__MARK_PASS_START	 "rmpopt_pass_start"
#define RMPSIM__MARK_LEADER_DONE "rmpopt_leader_done"
#define RMPSIM__MARK_PASS_DONE	 "rmpopt_pass_done"

/* What one CPU had counted when a mark was recorded. */
struct rmpsim__cpu_snap {
	uint64_t busy_ps, ipis;
	uint64_t rmpopt[5]; /* by enum rmpsim_rmpopt_kind */
	uint64_t rmpopt_ps, lines, dram_lines;
};

struct rmpsim__snap {
	uint64_t mark;	    /* mark index */
	uint64_t irqoff_ps; /* longest interrupts-off stretch that ended since the previous mark */
	uint64_t rmpopt_min_ps,
		rmpopt_max_ps;	   /* cheapest / dearest RMPOPT since the previous mark (0: none) */
	struct rmpsim_rise *rises; /* running-maximum rises since the previous mark */
	size_t nrises;
	struct rmpsim__cpu_snap *cpus;
};

struct rmpsim__measure {
	const struct rmpsim_allocator *alloc;
	struct rmpsim_sim *sim;
	unsigned ncpus;
	struct rmpsim__snap *snaps;
	size_t nsnaps, cap;
	uint64_t irqoff_cur; /* since the last mark */
	uint64_t *busy;	     /* scratch for the median */
	int err;	     /* -ENOMEM while snapshotting: the run's result is unusable */
	/* rmpsim_run_options.trace: every record passed on, or NULL */
	void (*next)(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_trace_rec *rec);
	void *next_ctx;
};

int rmpsim__measure_init(struct rmpsim__measure *ms, const struct rmpsim_allocator *a,
			 struct rmpsim_sim *sim);
void rmpsim__measure_fini(struct rmpsim__measure *ms);
/* The sim trace hook (rmpsim_sim_set_trace_hook(sim, rmpsim__measure_hook, ms)). */
void rmpsim__measure_hook(void *ctx, const struct rmpsim_trace_rec *rec);

/*
 * Fill the timing and counter fields of *ret from the last completed pass;
 * *ret_pa_start/end = its range. 0; -ENOENT when no pass completed; the
 * hook's -ENOMEM.
 */
int rmpsim__measure_last_pass(struct rmpsim__measure *ms, struct rmpsim_run_result *ret,
			      uint64_t *ret_pa_start, uint64_t *ret_pa_end);

#endif
