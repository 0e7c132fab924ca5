/* SPDX-License-Identifier: MIT */
/*
 * The memory engine's scan of one region (docs/timing.md section 4), shared
 * by the one-verify charge (rmpopt_model.c) and the ranged run of verifies on
 * one core (rmpopt_run.c, docs/timing.md "Ranged runs"), so that both do the
 * same arithmetic on the same state: a run is exact because it is this code,
 * region after region, with what consecutive regions share computed once.
 */
#ifndef RMPSIM_SIM_RMPOPT_SCAN_H
#define RMPSIM_SIM_RMPOPT_SCAN_H

#include "sim_internal.h"

#define RMPSIM__LINE_BYTES 64u

/* Row i of a lazily allocated [n][nregions] table of the model (elem bytes
 * a region), its rows from the model's slab; NULL when out of memory (the
 * model then treats the region as cold / uncached: slower, never wrong). */
static inline void *rmpsim__model_row(struct rmpsim_sim *s, void **rows, unsigned i, size_t elem)
{
	return rows[i] ? rows[i] : (rows[i] = rmpsim__slab_zalloc(&s->rm.dense, s->a, s->rm.nregions * elem));
}

/*
 * What the verifies of a run share when their regions read the same number of
 * lines from the same home node (A120, A121): the two costs that depend only
 * on those, computed when first needed (UINT64_MAX until then), and the
 * profile's constants (copies: a run keeps them in registers).
 */
struct rmpsim__scan_in {
	/* (First what a run's lockstep step reads: rmpopt_run.h.) */
	uint64_t n;	    /* lines to read (A120) */
	int64_t first_busy; /* what n follows from */
	uint64_t fixed_ps, l3_bytes;
	unsigned home; /* the region's RMP home node */
	bool contention;
	unsigned home_asked; /* the verify's home node as given (may be out of range) */
	uint64_t dram_ps;    /* a DRAM line from the home for this reader (A121) */
	uint64_t all_hot_ps, all_cold_ps;
	uint64_t service_ps, l3_line_ps;
};

static inline void rmpsim__scan_in_set(const struct rmpsim_sim *s, unsigned cpu,
				       const struct rmpsim_verify *v, struct rmpsim__scan_in *in)
{
	const struct rmpsim_profile *p = &s->prof;
	in->first_busy = v->first_busy;
	in->n = rmpsim_profile_scan_lines(p, v->first_busy);
	in->home_asked = v->home_node;
	in->home = rmpsim__home_of(s, v->home_node);
	/* A121: DRAM of the home node; local when it is on the reader's socket. */
	in->dram_ps = s->rm.node_pkg[in->home] == s->cpus[cpu].package ? p->dram_local_ps : p->dram_remote_ps;
	in->all_hot_ps = in->all_cold_ps = UINT64_MAX;
	in->fixed_ps = s->rm.fixed_ps;
	in->service_ps = s->rm.line_service_ps;
	in->l3_line_ps = p->l3_line_ps;
	in->l3_bytes = p->l3_bytes;
	in->contention = p->rmpopt_contention;
}

/* lines_ps(lines, line_ps) (A123), kept in *memo when lines is all of them. */
static inline uint64_t rmpsim__lines_ps_memo(const struct rmpsim_profile *p, uint64_t lines, uint64_t n,
					     uint64_t line_ps, uint64_t *memo)
{
	if (!lines)
		return 0;
	if (lines != n)
		return rmpsim_profile_lines_ps(p, lines, line_ps);
	if (*memo == UINT64_MAX)
		*memo = rmpsim_profile_lines_ps(p, lines, line_ps);
	return *memo;
}

/* Lines of the region a group whose fill counter is fill holds, or is
 * bringing in (a read still in flight), per its record w (A124). */
static inline uint64_t rmpsim__held_lines(const struct rmpsim__warm *w, uint64_t fill, uint64_t l3_bytes,
					  uint32_t gen)
{
	if (!w || w->gen != gen || !w->lines)
		return 0;
	if (fill - w->stamp + (uint64_t)w->lines * RMPSIM__LINE_BYTES > l3_bytes)
		return 0;
	return w->lines;
}

/*
 * A verify that reads in->n lines (A120), started at t by a core of an L3
 * group whose fill counter is *fill: its cost into *c (kind, lines, DRAM
 * lines, ps), the group's record w of the region's lines (NULL: none kept),
 * *fill and the home node's queue (s->domains[in->home], A62, A300) updated.
 */
static inline void rmpsim__scan(struct rmpsim_sim *s, struct rmpsim__scan_in *in, uint64_t *fill, uint64_t t,
				struct rmpsim__warm *w, uint32_t gen, struct rmpsim_verify_cost *c)
{
	const struct rmpsim_profile *p = &s->prof;
	uint64_t n = in->n;
	/* Lines the group holds or is already bringing in (another core's read
	 * still in flight), and those of them it holds at t. */
	uint64_t held = rmpsim__held_lines(w, *fill, in->l3_bytes, gen);
	uint64_t hot = held && w->ready_at <= t ? held : 0;
	if (hot > n)
		hot = n;
	uint64_t cold = n - hot;
	uint64_t hot_ps = rmpsim__lines_ps_memo(p, hot, n, in->l3_line_ps, &in->all_hot_ps);
	uint64_t cold_ps = rmpsim__lines_ps_memo(p, cold, n, in->dram_ps, &in->all_cold_ps);
	if (cold && in->contention) {
		/* A62: FCFS at the home node's bandwidth, from when the DRAM
		 * reads begin, in simulated-time order (A300). */
		uint64_t t_dram = t + in->fixed_ps + hot_ps;
		uint64_t service = cold * in->service_ps;
		uint64_t start = rmpsim__queue_take(s->a, &s->domains[in->home].q, s->clock, t_dram, service);
		uint64_t queued = start + service - t_dram;
		if (queued > cold_ps)
			cold_ps = queued;
	}
	c->kind = in->first_busy < 0 ? RMPSIM_RMPOPT_SCANNED : RMPSIM_RMPOPT_EARLY_EXIT;
	c->lines = n;
	c->dram_lines = cold;
	c->ps = in->fixed_ps + hot_ps + cold_ps;
	if (w) { /* the group now holds the prefix it read (A124) */
		/* The cache gets each line once, however many of its cores
		 * read it: only those it neither holds nor brings in are added. */
		uint64_t added = n > held ? n - held : 0;
		/* Re-read lines move ahead of everything read after them (LRU
		 * order): their bytes count again when something came in since. */
		uint64_t moved = held && *fill != w->stamp ? (n < held ? n : held) : 0;
		*fill += (added + moved) * RMPSIM__LINE_BYTES;
		if (added) /* the new lines exist once this read completes */
			w->ready_at = t + c->ps;
		else if (cold && t + c->ps < w->ready_at) /* this read brings them in first */
			w->ready_at = t + c->ps;
		w->stamp = *fill;
		w->lines = (uint32_t)(held > n ? held : n);
		w->gen = gen;
	}
}

/* The window's cheapest and dearest RMPOPT and the running maximum (copies
 * of the model's, which a run keeps in registers). */
struct rmpsim__cost_marks {
	uint64_t win_min, win_max, rise_max;
};

/* The run-wide part of charging a verify that cost ps from t on cpu: the
 * window's cheapest and dearest, the running maximum's rises (into m). */
static inline void rmpsim__note_cost(struct rmpsim__rmpopt_model *m, struct rmpsim__cost_marks *k,
				     unsigned cpu, uint64_t t, uint64_t ps)
{
	if (ps < k->win_min)
		k->win_min = ps;
	if (ps > k->win_max)
		k->win_max = ps;
	if (ps > k->rise_max) {
		k->rise_max = ps;
		if (m->nrise < RMPSIM_RISES_MAX)
			m->rise[m->nrise] = (struct rmpsim_rise){ .cpu = cpu, .ps = ps, .at_ps = t };
		m->nrise++;
	}
}

#endif
