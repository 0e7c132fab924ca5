/* SPDX-License-Identifier: MIT */
/*
 * A handler's ranged run in progress (rmpopt_run.c, docs/timing.md "Ranged
 * runs", A300), shared with the whole-period skips of the runs in progress
 * (run_period.c, docs/timing.md "Runs in periods", A301).
 */
#ifndef RMPSIM_SIM_RMPOPT_RUN_H
#define RMPSIM_SIM_RMPOPT_RUN_H

#include "rmpopt_scan.h"

/* Regions of a run with the same verify inputs and content generation, up
 * to end (exclusive). */
struct rmpsim__in_stretch {
	uint64_t end, gen;
	int64_t first_busy;
	unsigned home_node;
};

/* A run's stretches shared by the runs that read the same regions at the
 * same generations (the memo's, rmpopt_run.c take_inputs): the 511 runs of a
 * percpu pass hold one, not a copy each. Freed when the last holder lets go. */
struct rmpsim__st_share {
	size_t refs; /* the runs that hold it, and the memo while it is the memo's */
	size_t n;
	struct rmpsim__in_stretch st[];
};

struct rmpsim__arun {
	/* First what a lockstep step (rmpopt_run.c lockstep_steps) reads and
	 * writes: a step reads a run the others stepped since, whose lines the
	 * L1 cache no longer holds (docs/performance.md "The steps without
	 * their checks, a finger for the order, shared stretches"). */
	struct rmpsim_event ev; /* in s->run_ord, keyed by t */
	uint64_t t;		/* the next verify's start */
	uint64_t next, end;	/* the next region to charge, the end of its regions */
	unsigned cpu, l3;	/* its CPU and the CPU's L3 group */
	/* The fast way's carried state: the inputs set for a stretch, and
	 * what its alike regions share (alike()). */
	uint64_t in_end; /* the end of that stretch (stretches end at different regions) */
	bool have_in;
	bool at_last;	     /* counted in s->runs_at_last: its next is its last region */
	uint16_t pkg;	     /* its CPU's socket, UINT16_MAX past that (the memo's inputs are per socket) */
	uint32_t in_gen;     /* its content generation's low bits (as records keep it): no step reads st */
	uint64_t ahead_from; /* rmpopt_run.c look_ahead(): not tried again before this region */
	struct alike_k {
		uint64_t hot_ps, cold_ps; /* warm and cold costs (a cold one's wait at the node apart) */
		uint64_t service, bytes;  /* the home's time for the lines; their bytes in the L3 */
		struct rmpsim__home_queue *q;
	} ak;
	struct rmpsim__scan_in in;
	/* The rest. */
	struct rmpsim__in_stretch *st;	/* [nst]: its own (of cap) or share's */
	size_t nst, ist, cap;		/* ist: the stretch of next */
	struct rmpsim__st_share *share; /* NULL: st is its own */
	struct rmpsim__arun *next_free, *all_next;
	struct rmpsim__csd *d;	 /* the handler, once it returned (NULL: still in it) */
	uint64_t delivery, wake; /* the handler's */
	uint64_t charge_at;	 /* the handler's charge when the run began */
	uint64_t r0, t0;	 /* the run's first region, its start */
};

/* A run's inputs for one of the memo's stretches, as inputs_at() sets them
 * (rmpopt_run.c): the same for every reader on one socket. */
struct rmpsim__memo_in {
	struct rmpsim__scan_in in;
	struct alike_k ak;
	bool valid;
};

/* The stretch of region (at or after the run's next) in a's stretches. */
static inline size_t rmpsim__arun_stretch(const struct rmpsim__arun *a, uint64_t region)
{
	size_t i = a->ist;
	while (i + 1 < a->nst && region >= a->st[i].end)
		i++;
	return i;
}

/* Whether a's inputs (in, in_end, in_gen) are those of the stretch of its
 * next region, a->ist: then what the periods' looks ask of that stretch
 * comes from the run, not from its stretches (another cache line of each
 * of the runs a snapshot reads). */
static inline bool rmpsim__arun_in_is_next(const struct rmpsim__arun *a)
{
	/* (inputs_at() sets them with ist; a step past in_end moves ist on
	 * before it reads them again: a next before in_end is in ist.) */
	return a->have_in && a->next < a->in_end;
}

/* Runs o[0, n_o) and add[0, n_add), each in time order, merged into
 * o[0, n_o + n_add) (o has the room), from the back: the other runs kept
 * in place and a group's or subsystem's runs that moved on merged back in
 * (run_period.c's moves, rmpopt_run.c's look-ahead). */
static inline void rmpsim__runs_merge(struct rmpsim__arun **o, size_t n_o, struct rmpsim__arun *const *add,
				      size_t n_add)
{
	size_t i = n_o, j = n_add, w = n_o + n_add;
	while (j) {
		if (i && rmpsim__ev_before(&add[j - 1]->ev, &o[i - 1]->ev))
			o[--w] = o[--i];
		else
			o[--w] = add[--j];
	}
}

/* run_period.c (A301): the runs' state that repeats, found and skipped in
 * whole periods. rmpsim__periods_try: before a's step, a the earliest run and
 * top the engine's next event (NULL: none); true when the runs moved on (the
 * order changed: take the earliest again). rmpsim__periods_stale: the runs in
 * progress changed (a run began or ended); rmpsim__periods_events: the engine
 * ran something else since the last step (either: every snapshot dropped). */
bool rmpsim__periods_attempt(struct rmpsim_sim *s, struct rmpsim__arun *a, const struct rmpsim_event *top);
static inline bool rmpsim__periods_try(struct rmpsim_sim *s, struct rmpsim__arun *a,
				       const struct rmpsim_event *top)
{
	/* The common answer, inline before every step: a run about to end bounds
	 * every skip to nothing, and only a subsystem's pilot tries (while the
	 * subsystems are stale every pilot is NULL: the attempt classifies). */
	if (s->runs_at_last)
		return false;
	if (a->l3 < s->run_pilot_n) {
		const struct rmpsim__arun *pilot = s->run_pilot_g[a->l3];
		if (pilot && pilot != a)
			return false;
	}
	return rmpsim__periods_attempt(s, a, top);
}
void rmpsim__periods_stale(struct rmpsim_sim *s);
void rmpsim__periods_events(struct rmpsim_sim *s);
void rmpsim__periods_free(struct rmpsim_sim *s);
/* For rmpopt_run.c's look-ahead (A310): the subsystems worked out now, over
 * every run in progress (before the look-ahead shows periods a part of
 * them); whether group l3 is a subsystem of its own (its runs read lines it
 * holds) as last worked out (false when the runs or events changed since);
 * and the earliest run b's last verify can start (a bound on its handler's
 * end). */
void rmpsim__periods_ready(struct rmpsim_sim *s);
bool rmpsim__periods_reads_held(const struct rmpsim_sim *s, unsigned l3);
uint64_t rmpsim__periods_last_start(struct rmpsim_sim *s, const struct rmpsim__arun *b);

#endif
