/* SPDX-License-Identifier: MIT */
/*
 * Busy time per CPU and time bin over the measured pass, for the HTML heatmap
 * (docs/cli.md "HTML report", A383). A CPU is busy while a process runs on it
 * (spinning included: a waiting sender stays current) or, on an idle CPU,
 * IPI handlers run (the interrupts-off stretch after its idle exit, as the
 * sim counts busy time); a handler under a running process is counted once. Bins start at the pass start with
 * 1 us and double (pairs merged) whenever the pass outgrows HEAT_BINS, so a
 * 50 us pass and a 400 ms one both fill between HEAT_BINS / 2 and HEAT_BINS
 * columns. Memory: ncpus x HEAT_BINS x 8 bytes.
 */
#ifndef RMPSIM_REPORT_HEAT_H
#define RMPSIM_REPORT_HEAT_H

#include <stdbool.h>
#include <stdint.h>

#include <rmpsim/sim.h>
#include <rmpsim/timeline.h>

#include "base/alloc.h"

#define HEAT_BINS 64u

struct heat_cpu {
	bool proc;	  /* a process runs (or spins) on it */
	uint64_t proc_id; /* the running process */
	uint64_t since;	  /* busy since (ps) */
};

/*
 * A round pattern's stretches (sim.h rmpsim_round_stretches.pattern: a memo's
 * rounds repeat them at new sends), kept so that a repeat whose stretches all
 * start at the send or later and end in the send's bin, on CPUs without a
 * process, costs one count: pend[k] rounds in bin k, added to the bins
 * (count x length per stretch) before anything reads or merges them
 * (rmpsim__heat_patterns_fold). Slot k is the histograms' pattern slot k
 * (hist_pattern.h).
 */
#define RMPSIM__ROUND_PATTERNS 16 /* a plan's two memos for each of the sim's eight plans */

struct heat_pattern {
	bool ok;		  /* built: repeats may take the fast path */
	bool fits;		  /* every stretch starts at the send or later (len <= end_off) */
	bool pending;		  /* some pend[k] != 0 */
	size_t n, cap;		  /* its stretches on CPUs < ncpus; room in cpu[], len[] */
	unsigned *cpu;		  /* [cap] */
	uint64_t *len;		  /* [cap] ps */
	unsigned long *member;	  /* [words] its CPUs */
	unsigned nproc;		  /* of its CPUs, those with a process running (heat_cpu.proc) */
	uint64_t max_end;	  /* the latest stretch end - send */
	uint64_t pend[HEAT_BINS]; /* repeats not in the bins yet, by the bin they fell in */
};

struct rmpsim__heat {
	const struct rmpsim_allocator *alloc;
	unsigned ncpus;
	struct heat_cpu *cpu;	/* [ncpus] */
	uint64_t *bins;		/* [ncpus][HEAT_BINS] busy ps in the pass under way */
	uint64_t origin, width; /* pass start, bin width (ps) */
	bool in_pass;
	/* the last completed pass: per row of CPUs, its busiest CPU's share in 1/10,000 */
	uint16_t *last;
	unsigned last_rows, last_cols, last_cpus_per_row;
	uint64_t last_width;
	struct heat_pattern pat[RMPSIM__ROUND_PATTERNS];
	size_t words;	  /* of a member bitmap */
	bool any_pending; /* some pattern has repeats not in the bins */
};

int rmpsim__heat_init(struct rmpsim__heat *h, const struct rmpsim_allocator *a, unsigned ncpus);
void rmpsim__heat_fini(struct rmpsim__heat *h);
/* Every record of the run (busy transitions). */
void rmpsim__heat_record(struct rmpsim__heat *h, const struct rmpsim_trace_rec *rec);
/* Busy [s, e) on cpu (< ncpus), clipped to the pass under way (nothing outside one). */
void rmpsim__heat_add_busy(struct rmpsim__heat *h, unsigned cpu, uint64_t s, uint64_t e);
/*
 * An interrupts-off stretch of len ps that ends at now on cpu (< ncpus), the
 * hot record (one per handler stretch): with no process on the CPU it is its
 * handlers, back to back, from the end of its idle exit (not busy time, as in
 * the sim's counters) to the last handler's end; under a running process it
 * is counted already.
 */
static inline void rmpsim__heat_irqoff(struct rmpsim__heat *h, unsigned cpu, uint64_t now, uint64_t len)
{
	if (!h->cpu[cpu].proc)
		rmpsim__heat_add_busy(h, cpu, len <= now ? now - len : 0, now);
}
/*
 * A round's stretches (sim.h rmpsim_sim_set_round_stretch_hook), each with
 * rmpsim__heat_round_add in turn: the same bins as rmpsim__heat_irqoff on each
 * (at t0 + end_off), with the per-call work done once. A stretch that starts
 * at the send or later (every one the sim hands out) and ends in the send's
 * bin adds its length to that bin, as rmpsim__heat_add_busy would; a round's
 * handlers take microseconds, so nearly all do. Others go the general way.
 */
struct rmpsim__heat_round {
	uint64_t t0;
	uint64_t *bin;	/* the send's bin of CPU 0 */
	uint64_t room;	/* from the send to that bin's end; 0: no stretch fits */
	uint64_t width; /* the bin width it was computed for */
};
void rmpsim__heat_round_start(struct rmpsim__heat *h, uint64_t t0, struct rmpsim__heat_round *rd);
/* The general way: the stretch bin by bin (the bins may widen: rd follows). */
void rmpsim__heat_round_slow(struct rmpsim__heat *h, struct rmpsim__heat_round *rd, unsigned cpu,
			     uint64_t end_off, uint64_t len);
/* cpu < ncpus, during a pass (rmpsim__heat_irqoff's conditions). */
static inline void rmpsim__heat_round_add(struct rmpsim__heat *h, struct rmpsim__heat_round *rd, unsigned cpu,
					  uint64_t end_off, uint64_t len)
{
	if (h->cpu[cpu].proc)
		return; /* counted already, as rmpsim__heat_irqoff */
	if (end_off <= rd->room && len <= end_off)
		rd->bin[(size_t)cpu * HEAT_BINS] += len;
	else
		rmpsim__heat_round_slow(h, rd, cpu, end_off, len);
}
/*
 * Round patterns (heat_pattern, heat_pattern.c). _set: slot k now holds r's
 * stretches (what it held before goes into the bins first); -ENOMEM leaves it
 * unusable (its repeats go stretch by stretch). _round: a round of slot k's
 * pattern, r its stretches, during a pass (rmpsim__heat_round_add's
 * conditions). _fold: every pending repeat into the bins. _proc: cpu's process
 * started (proc) or stopped running.
 */
int rmpsim__heat_pattern_set(struct rmpsim__heat *h, unsigned k, const struct rmpsim_round_stretches *r);
void rmpsim__heat_pattern_round(struct rmpsim__heat *h, unsigned k, const struct rmpsim_round_stretches *r);
void rmpsim__heat_patterns_fold(struct rmpsim__heat *h);
void rmpsim__heat_patterns_proc(struct rmpsim__heat *h, unsigned cpu, bool proc);
void rmpsim__heat_patterns_fini(struct rmpsim__heat *h);
void rmpsim__heat_pass_start(struct rmpsim__heat *h, uint64_t now);
void rmpsim__heat_pass_done(struct rmpsim__heat *h, uint64_t now);
/* Copy the last pass's grid into ret (heat_* fields). 0, -ENOMEM. */
int rmpsim__heat_take(const struct rmpsim__heat *h, struct rmpsim_pass_profile *ret);

#endif
