/* SPDX-License-Identifier: MIT */
/*
 * Runs in whole periods (docs/timing.md "Runs in periods", issue 14 point 2,
 * A301).
 *
 * The runs in progress charge their verifies in simulated-time order, one
 * step per region while they move in lockstep (rmpopt_run.c, A300): the
 * `percpu` pass is a million steps. But runs that share a home node's queue
 * settle into a cycle: every run reads one region per turn of the queue, in
 * the same order, the same time apart. The state that decides what the runs
 * do next (their times and regions, their L3 groups' records and fill
 * counters, the home nodes' queues) is then the same from one turn to the
 * next but for a shift: in time, in region, in each group's fill counter.
 * The step engine is the same arithmetic at every time, region and fill
 * (only differences of them enter it), so a state that repeats under a shift
 * repeats again: the runs' next k periods are the last one's, shifted k
 * times. This file finds that and takes the k periods in one move. It is
 * exact: the same costs, statistics, records, fill counters and queues as
 * the steps, to the picosecond (tests/sim/test_sim_periods.c checks it against
 * the steps and --trace-detail).
 *
 * Subsystems. The runs of one L3 group share its records and fill counter;
 * runs that read from DRAM share their home node's queue. The runs in
 * progress are split into subsystems that share nothing: one for every group
 * whose lines are all held ahead of its runs (it reads nothing from DRAM),
 * and one for all other groups. Each has its own period (a group reading
 * from its L3 is forty times as fast as the queue's turn), so each is
 * watched on its own: a snapshot whenever its pilot run (the first of it
 * the engine charged) begins a new region as the earliest run of all.
 *
 * A skip of k periods needs, besides two snapshots equal but for the shift:
 *  - every run's regions of the k periods in one stretch (the same inputs as
 *    the period watched), its last region left to the steps (its handler's end);
 *  - the regions ahead of each group's runs alike those the period read:
 *    none of their lines held, or all held and read (A124), by the fill
 *    counter they will be read at;
 *  - nothing else in between: the engine's next event and the run limits come
 *    after the k periods, no run of another subsystem ends in them, and
 *    none reads from DRAM in them when this subsystem does (bounds from each
 *    run's cheapest verify);
 *  - the window and the running maximum unchanged: the k periods cost what
 *    the watched one cost, which is already in both.
 * A run keeps the sequence number it began with (A301), so the steps draw no
 * numbers a skip would have to count.
 *
 * The looks are cheap (docs/performance.md "Runs in periods"): the one before
 * every step is a few loads (only a pilot goes further); what the bounds ask
 * of a stretch is kept per first busy entry, a run's least cost to its end
 * per CPU while the runs stay the same; no snapshot is taken that could not
 * be compared before it is dropped (the engine's next event comes first) or
 * that take() refuses (a run short of periods in its stretch).
 */
#include <limits.h>
#include <string.h>

#include "base/alloc.h"
#include "rmpopt_run.h"

enum { AHEAD_W = 8 }; /* regions ahead of a group whose kind a snapshot keeps */
enum ahead { AH_OTHER, AH_COLD, AH_HOT };
/* A run in a snapshot. Of its CPU's RMPOPT statistics only the DRAM lines:
 * the others' change over a period follows from the shift (skip()). */
struct snap_run {
	struct rmpsim__arun *a;
	uint64_t t, next;
	size_t ist;	 /* the stretch of next */
	uint64_t st_end; /* its end */
	uint64_t dram;	 /* its CPU's rmpopt_dram_lines */
};

struct snap_group {
	unsigned g;
	const struct rmpsim__arun *lead; /* a run at hi */
	uint64_t fill, lo, hi, tmin;	 /* records of [lo, hi) at rec[rec0] */
	size_t rec0;
	uint8_t ahead[AHEAD_W]; /* enum ahead of [hi, hi + AHEAD_W) */
	bool cold;		/* same_but_shift(): the period read cold regions ahead */
	uint64_t dfill;		/* same_but_shift(): the fill counter's shift */
};

struct snap_queue {
	unsigned home;
	uint64_t free_at;
	size_t gap0, ngap;
};

struct snap {
	bool valid;
	uint64_t T, R, tmin;  /* the pilot's time and region; the earliest run's time */
	struct snap_run *run; /* [cap_run], from s->rm.dense */
	struct snap_group *grp;
	struct rmpsim__warm *rec;
	struct snap_queue *q;
	struct rmpsim__gap *gap;
	size_t nrun, ngrp, nrec, nq, ngap;
	size_t cap_run, cap_grp, cap_rec, cap_q, cap_gap;
};

struct sub {
	const struct rmpsim__arun *pilot;
	/* The run that last made take() refuse (short_of_periods()), in epoch
	 * short_epoch: asked first (still_short()). */
	const struct rmpsim__arun *short_run;
	uint64_t short_epoch;
	struct snap snap[2];
	unsigned last; /* snap[last]: the latest snapshot */
};

/* What a verify of a stretch with this first busy entry reads (A120) and the
 * least it can cost (floors()), kept: both follow from first_busy and the
 * profile alone, and every bound below asks for them per stretch. */
struct floor_memo {
	int64_t first_busy;
	uint64_t lines, floor;
	bool set;
};
enum { FLOOR_MEMO = 8 };

/* A run's floors from its next region to its end, as of region next: kept
 * per CPU (a CPU has one run at a time) while the runs stay the same (epoch),
 * and moved on with the run (its stretches are fixed for the run). */
struct left_floor {
	const struct rmpsim__arun *a;
	uint64_t epoch, next, left;
	size_t ist; /* the stretch of next */
};

/* A group's leading run (the first of the runs' order furthest on), its
 * region, and the time of the group's first run (classify()). */
struct lead {
	const struct rmpsim__arun *a;
	uint64_t next, t;
};

struct rmpsim__periods {
	bool stale;
	unsigned nl3, nsub;
	struct floor_memo fm[FLOOR_MEMO]; /* by first_busy modulo FLOOR_MEMO */
	struct left_floor *lf;		  /* [ncpus] */
	unsigned ncpus;
	uint64_t epoch;	     /* a new one each time the runs in progress change */
	unsigned *sub_of;    /* [nl3]: each group's subsystem (0: the one that reads DRAM) */
	unsigned *grp_order; /* [nl3]: scratch of classify(): the groups in the order they first run */
	size_t *slot;	     /* [nl3]: scratch, a group's index in the snapshot being taken */
	uint64_t *per_group; /* [nl3]: scratch: horizon()'s regions left */
	struct lead *lead;   /* [nl3]: scratch of classify() (a: NULL between) */
	/* [nl3]: the pilot of each group's subsystem (NULL: none yet), for
	 * rmpsim__periods_try()'s quick test (s->run_pilot_g) */
	const struct rmpsim__arun **pilot_g;
	struct rmpsim__arun **moved; /* [cap_moved]: scratch of skip()'s merge */
	size_t cap_moved;
	struct sub *sub; /* [nl3 + 1] */
	struct rmpsim__warm *tmp;
	size_t cap_tmp;
	uint64_t skips, skipped;
};

#define NO_SLOT ((size_t)-1)

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static bool grow(const struct rmpsim_allocator *al, void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *q = rmpsim__realloc(al, *p, *cap * elem, n * elem);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}
#define GROW(al, arr, cap, need) grow((al), (void **)&(arr), &(cap), (need), sizeof(*(arr)))

static const struct floor_memo *floors(const struct rmpsim_sim *s, struct rmpsim__periods *p,
				       int64_t first_busy)
{
	struct floor_memo *m = &p->fm[(uint64_t)first_busy % FLOOR_MEMO];
	if (m->set && m->first_busy == first_busy)
		return m;
	/* The cheapest a verify can cost (A123: the fixed part and its lines at
	 * the fastest source; a wait at the node only adds). */
	const struct rmpsim_profile *pr = &s->prof;
	uint64_t lp = pr->l3_line_ps;
	if (pr->dram_local_ps < lp)
		lp = pr->dram_local_ps;
	if (pr->dram_remote_ps < lp)
		lp = pr->dram_remote_ps;
	m->first_busy = first_busy;
	m->lines = rmpsim_profile_scan_lines(pr, first_busy);
	m->floor = s->rm.fixed_ps + rmpsim_profile_lines_ps(pr, m->lines, lp);
	m->set = true;
	return m;
}

static uint64_t lines_of(const struct rmpsim_sim *s, struct rmpsim__periods *p,
			 const struct rmpsim__in_stretch *st)
{
	return floors(s, p, st->first_busy)->lines;
}

static bool same_inputs(const struct rmpsim__in_stretch *x, const struct rmpsim__in_stretch *y)
{
	return x->gen == y->gen && x->first_busy == y->first_busy && x->home_node == y->home_node;
}

/*
 * What region r's record w in a group's row means to a run of a stretch of
 * content generation gen whose verifies read n lines (lines_of()), reads that
 * come at or after tmin, with the fill counter now at fill and at most
 * fill_by when the region is read: none of its lines held (then or later: the
 * counter only grows), or all held and read with the fill counter moved past
 * them (A124), or something else.
 */
static inline enum ahead ahead_kind(const struct rmpsim__warm *w, uint64_t n, uint32_t gen, uint64_t l3,
				    uint64_t tmin, uint64_t fill, uint64_t fill_by)
{
	if (!rmpsim__held_lines(w, fill, l3, gen))
		return AH_COLD;
	if (w->gen == gen && w->lines == n && n && w->ready_at <= tmin && w->stamp < fill &&
	    fill_by - w->stamp + n * RMPSIM__LINE_BYTES <= l3)
		return AH_HOT;
	return AH_OTHER;
}

/* The earliest run b's verify of region r (>= b->next, <= b->end) can start:
 * each verify at least its stretch's floor (floors()). */
static uint64_t reach_floor(const struct rmpsim_sim *s, struct rmpsim__periods *p,
			    const struct rmpsim__arun *b, uint64_t r)
{
	uint64_t t = b->t, at = b->next;
	for (size_t i = rmpsim__arun_stretch(b, at); at < r && i < b->nst; i++) {
		uint64_t to = b->st[i].end < r ? b->st[i].end : r;
		if (to > at) {
			t += (to - at) * floors(s, p, b->st[i].first_busy)->floor;
			at = to;
		}
	}
	return t;
}

/* The sum of run b's floors from its next region to its end: b reaches its
 * end no earlier than b->t plus that (reach_floor(b, b->end), kept per run
 * and moved on as the run moves). */
static uint64_t left_floor(const struct rmpsim_sim *s, struct rmpsim__periods *p,
			   const struct rmpsim__arun *b)
{
	struct left_floor *e = &p->lf[b->cpu];
	if (e->a != b || e->epoch != p->epoch || e->next > b->next) {
		e->a = b;
		e->epoch = p->epoch;
		e->next = b->r0;
		e->ist = 0;
		e->left = 0;
		uint64_t at = b->r0;
		for (size_t i = 0; i < b->nst; at = b->st[i++].end)
			e->left += (b->st[i].end - at) * floors(s, p, b->st[i].first_busy)->floor;
	}
	while (e->next < b->next) {
		const struct rmpsim__in_stretch *st = &b->st[e->ist];
		uint64_t to = st->end < b->next ? st->end : b->next;
		e->left -= (to - e->next) * floors(s, p, st->first_busy)->floor;
		e->next = to;
		if (to == st->end)
			e->ist++;
	}
	return e->left;
}

/* ---- Subsystems ---- */

static struct rmpsim__periods *periods_get(struct rmpsim_sim *s)
{
	struct rmpsim__periods *p = s->periods;
	if (p)
		return p;
	unsigned nl3 = s->rm.nl3 ? s->rm.nl3 : 1;
	p = rmpsim__calloc(s->a, 1, sizeof(*p));
	if (!p)
		return NULL;
	p->nl3 = nl3;
	p->sub_of = rmpsim__calloc(s->a, nl3, sizeof(*p->sub_of));
	p->slot = rmpsim__malloc(s->a, nl3 * sizeof(*p->slot));
	p->sub = rmpsim__calloc(s->a, nl3 + 1, sizeof(*p->sub));
	p->per_group = rmpsim__malloc(s->a, nl3 * sizeof(*p->per_group));
	p->lead = rmpsim__calloc(s->a, nl3, sizeof(*p->lead));
	p->pilot_g = rmpsim__calloc(s->a, nl3, sizeof(*p->pilot_g));
	p->grp_order = rmpsim__malloc(s->a, nl3 * sizeof(*p->grp_order));
	p->ncpus = s->ncpus;
	p->lf = rmpsim__calloc(s->a, p->ncpus ? p->ncpus : 1, sizeof(*p->lf));
	if (!p->sub_of || !p->slot || !p->sub || !p->per_group || !p->grp_order || !p->lf || !p->pilot_g ||
	    !p->lead) {
		s->periods = p;
		rmpsim__periods_free(s);
		return NULL;
	}
	for (unsigned g = 0; g < nl3; g++)
		p->slot[g] = NO_SLOT;
	p->stale = true;
	s->periods = p;
	s->run_pilot_g = p->pilot_g;
	s->run_pilot_n = nl3;
	return p;
}

/* Each group's subsystem: its own when every run of it will find the lines of
 * the region after the group's leading run held and read (it reads no DRAM,
 * the percpu leader's group), else the DRAM readers' (0). */
static void classify(struct rmpsim_sim *s, struct rmpsim__periods *p)
{
	struct rmpsim__arun **o = &s->run_ord[s->run_head];
	unsigned nl3 = p->nl3, ng = 0;
	/* lead[g]: the group's leading run (the first in o furthest on), its
	 * region and the time of the group's first run in o, its earliest (o is in
	 * time order); grp_order: the groups in the order of their first run in o */
	struct lead *lead = p->lead;
	for (size_t i = 0; i < s->run_n; i++) {
		const struct rmpsim__arun *b = o[i];
		unsigned g = b->l3;
		if (g >= nl3)
			continue;
		if (!lead[g].a) {
			lead[g] = (struct lead){ .a = b, .next = b->next, .t = b->t };
			p->grp_order[ng++] = g;
		} else if (b->next > lead[g].next) {
			lead[g].a = b;
			lead[g].next = b->next;
		}
	}
	p->nsub = 1;
	for (unsigned j = 0; j < ng; j++) {
		unsigned g = p->grp_order[j];
		const struct rmpsim__arun *a = lead[g].a;
		lead[g].a = NULL;
		p->sub_of[g] = 0;
		struct rmpsim__warm *row = s->rm.warm ? s->rm.warm[g] : NULL;
		if (!row || a->next >= a->end || a->next >= s->rm.nregions)
			continue;
		uint64_t fill = s->rm.l3_fill[g];
		const struct rmpsim__in_stretch *st = &a->st[rmpsim__arun_stretch(a, a->next)];
		if (ahead_kind(&row[a->next], lines_of(s, p, st), (uint32_t)st->gen, s->prof.l3_bytes,
			       lead[g].t, fill, fill) == AH_HOT)
			p->sub_of[g] = p->nsub++;
	}
	for (unsigned k = 0; k < p->nsub; k++) {
		p->sub[k].pilot = NULL;
		p->sub[k].snap[0].valid = p->sub[k].snap[1].valid = false;
	}
	memset(p->pilot_g, 0, nl3 * sizeof(*p->pilot_g));
	p->stale = false;
}

/* ---- Snapshots ---- */

/* A snapshot is worth taking only if a move of a few periods could follow:
 * every run of the subsystem has MIN_PERIODS regions left in its stretch
 * (while a change of stretch passes through the runs, none can). Performance
 * only: periods_possible() decides. */
enum { MIN_PERIODS = 4 };
static bool short_of_periods(const struct rmpsim__arun *b, uint64_t st_end)
{
	uint64_t stop = min_u64(st_end, b->end - 1);
	return stop < b->next + MIN_PERIODS;
}

static bool take(struct rmpsim_sim *s, struct rmpsim__periods *p, unsigned x,
		 const struct rmpsim__arun *pilot, struct snap *sn)
{
	const struct rmpsim_allocator *al = s->a;
	struct rmpsim__arun **o = &s->run_ord[s->run_head];
	sn->valid = false;
	sn->nrun = sn->ngrp = sn->nrec = sn->nq = sn->ngap = 0;
	sn->T = pilot->t;
	sn->R = pilot->next;
	sn->tmin = UINT64_MAX;
	if (sn->cap_run < s->run_n) {
		/* Once: room for a run of every CPU, from the model's slab (it
		 * shares the rows' huge page: no page faults of its own). What an
		 * earlier, smaller array had stays in the slab. */
		size_t cap = s->ncpus > s->run_n ? s->ncpus : s->run_n;
		struct snap_run *run = rmpsim__slab_zalloc(&s->rm.dense, al, cap * sizeof(*run));
		if (run) {
			sn->run = run;
			sn->cap_run = cap;
		}
	}
	bool ok = sn->cap_run >= s->run_n;
	unsigned last_home = UINT_MAX; /* the queue of the run before (runs of a stretch share it) */
	/* (in locals: the stores into sn could alias them) */
	const unsigned nl3 = p->nl3, *sub_of = p->sub_of;
	size_t *slot = p->slot, nrun = 0;
	uint64_t tmin = UINT64_MAX;
	for (size_t i = 0; i < s->run_n && ok; i++) {
		struct rmpsim__arun *b = o[i];
		unsigned g = b->l3;
		if (g >= nl3 || sub_of[g] != x)
			continue;
		const struct rmpsim_cpu_stats *cs = &s->cpus[b->cpu].st;
		struct snap_run *r = &sn->run[nrun++];
		r->a = b;
		r->t = b->t;
		r->next = b->next;
		uint64_t st_end;
		unsigned home;
		if (rmpsim__arun_in_is_next(b)) {
			r->ist = b->ist;
			st_end = b->in_end;
			home = b->in.home;
		} else {
			r->ist = rmpsim__arun_stretch(b, b->next);
			st_end = b->st[r->ist].end;
			home = rmpsim__home_of(s, b->st[r->ist].home_node);
		}
		r->st_end = st_end;
		if (short_of_periods(b, st_end)) { /* not worth it: refused */
			p->sub[x].short_run = b;
			p->sub[x].short_epoch = p->epoch;
			ok = false;
			break;
		}
		r->dram = cs->rmpopt_dram_lines;
		if (b->t < tmin)
			tmin = b->t;
		struct snap_group *gr;
		if (slot[g] == NO_SLOT) {
			if (!GROW(al, sn->grp, sn->cap_grp, sn->ngrp + 1)) {
				ok = false;
				break;
			}
			slot[g] = sn->ngrp;
			gr = &sn->grp[sn->ngrp++];
			*gr = (struct snap_group){
				.g = g, .lead = b, .lo = b->next, .hi = b->next, .tmin = b->t
			};
		} else {
			gr = &sn->grp[slot[g]];
			if (b->next < gr->lo)
				gr->lo = b->next;
			if (b->next > gr->hi) {
				gr->hi = b->next;
				gr->lead = b;
			}
			if (b->t < gr->tmin)
				gr->tmin = b->t;
		}
		if (home == last_home)
			continue;
		last_home = home;
		size_t k = 0;
		while (k < sn->nq && sn->q[k].home != home)
			k++;
		if (k == sn->nq) {
			if (!GROW(al, sn->q, sn->cap_q, sn->nq + 1)) {
				ok = false;
				break;
			}
			sn->q[sn->nq++] = (struct snap_queue){ .home = home };
		}
	}
	sn->nrun = nrun;
	sn->tmin = tmin;
	for (size_t j = 0; j < sn->ngrp; j++) { /* the groups' records and the regions ahead */
		struct snap_group *gr = &sn->grp[j];
		p->slot[gr->g] = NO_SLOT;
		if (!ok)
			continue;
		struct rmpsim__warm *row = s->rm.warm ? s->rm.warm[gr->g] : NULL;
		if (!row || gr->hi > s->rm.nregions ||
		    !GROW(al, sn->rec, sn->cap_rec, sn->nrec + (gr->hi - gr->lo))) {
			ok = false;
			continue;
		}
		gr->fill = s->rm.l3_fill[gr->g];
		gr->rec0 = sn->nrec;
		if (gr->hi > gr->lo)
			memcpy(&sn->rec[sn->nrec], &row[gr->lo], (gr->hi - gr->lo) * sizeof(*row));
		sn->nrec += gr->hi - gr->lo;
		const struct rmpsim__arun *a = gr->lead;
		for (unsigned i = 0; i < AHEAD_W; i++) {
			uint64_t r = gr->hi + i;
			gr->ahead[i] = AH_OTHER;
			if (r < a->end && r < s->rm.nregions) {
				const struct rmpsim__in_stretch *st = &a->st[rmpsim__arun_stretch(a, r)];
				gr->ahead[i] =
					(uint8_t)ahead_kind(&row[r], lines_of(s, p, st), (uint32_t)st->gen,
							    s->prof.l3_bytes, gr->tmin, gr->fill, gr->fill);
			}
		}
	}
	for (size_t k = 0; k < sn->nq && ok; k++) { /* the queues, but for gaps no read can take */
		const struct rmpsim__home_queue *q = &s->domains[sn->q[k].home].q;
		sn->q[k].free_at = q->free_at;
		sn->q[k].gap0 = sn->ngap;
		size_t ng = rmpsim__queue_ngaps(q);
		for (size_t i = 0; i < ng && ok; i++) {
			const struct rmpsim__gap *gp = rmpsim__queue_gap(q, i);
			if (gp->hi <= sn->tmin)
				continue;
			if (!GROW(al, sn->gap, sn->cap_gap, sn->ngap + 1))
				ok = false;
			else
				sn->gap[sn->ngap++] = *gp;
		}
		sn->q[k].ngap = sn->ngap - sn->q[k].gap0;
	}
	sn->valid = ok;
	return ok;
}

/* The shift from p to c when c is p's state moved on by a whole period (the
 * period's kind of regions ahead into each group's cold). */
struct shift {
	uint64_t dt, dr;
	bool uses_queue;
};

static bool same_but_shift(const struct rmpsim_sim *s, struct snap *p, struct snap *c, struct shift *sh)
{
	if (!p->valid || !c->valid || p->nrun != c->nrun || p->ngrp != c->ngrp || p->nq != c->nq ||
	    c->T <= p->T || c->R <= p->R)
		return false;
	uint64_t dt = c->T - p->T, dr = c->R - p->R;
	if (dr > AHEAD_W)
		return false;
	bool dram = false;
	for (size_t i = 0; i < c->nrun; i++) {
		const struct snap_run *x = &p->run[i], *y = &c->run[i];
		if (x->a != y->a || x->ist != y->ist || y->t - x->t != dt || y->next - x->next != dr)
			return false;
		dram |= y->dram != x->dram;
	}
	bool any_cold = false;
	for (size_t j = 0; j < c->ngrp; j++) {
		struct snap_group *x = &p->grp[j], *y = &c->grp[j];
		if (x->g != y->g || y->hi - y->lo != x->hi - x->lo)
			return false;
		unsigned nc = 0, nh = 0;
		for (uint64_t i = 0; i < dr; i++) {
			nc += x->ahead[i] == AH_COLD;
			nh += x->ahead[i] == AH_HOT;
		}
		if (nc != dr && nh != dr)
			return false;
		y->cold = nc == dr;
		any_cold |= y->cold;
		y->dfill = y->fill - x->fill;
		for (uint64_t i = 0; i < y->hi - y->lo; i++) {
			const struct rmpsim__warm *u = &p->rec[x->rec0 + i], *v = &c->rec[y->rec0 + i];
			if (x->fill - u->stamp != y->fill - v->stamp || u->lines != v->lines ||
			    u->gen != v->gen)
				return false;
			if (y->cold ? v->ready_at - u->ready_at != dt
				    : u->ready_at > x->tmin || v->ready_at > y->tmin)
				return false;
		}
	}
	/* A subsystem all of whose groups read held lines ahead and whose runs
	 * read nothing from DRAM in the period leaves the queues alone. */
	sh->uses_queue = any_cold || dram;
	if (sh->uses_queue && s->prof.rmpopt_contention) {
		for (size_t k = 0; k < c->nq; k++) {
			const struct snap_queue *x = &p->q[k], *y = &c->q[k];
			if (x->home != y->home || y->free_at - x->free_at != dt || x->ngap != y->ngap)
				return false;
			for (size_t i = 0; i < y->ngap; i++) {
				const struct rmpsim__gap *u = &p->gap[x->gap0 + i], *v = &c->gap[y->gap0 + i];
				if (v->lo - u->lo != dt || v->hi - u->hi != dt)
					return false;
			}
		}
	}
	sh->dt = dt;
	sh->dr = dr;
	return true;
}

/* ---- How many periods ---- */

/* The latest time the k periods may reach: the engine's next event, the run
 * limits, and the runs of other subsystems (their handlers' ends, and when
 * this subsystem reads DRAM, their first read that may not be of held lines). */
static uint64_t horizon(const struct rmpsim_sim *s, struct rmpsim__periods *p, unsigned x,
			const struct rmpsim_event *top, bool uses_queue, uint64_t enough)
{
	uint64_t h = top ? top->time : UINT64_MAX;
	h = min_u64(h, s->limit);
	if (s->max_time)
		h = min_u64(h, s->max_time);
	struct rmpsim__arun *const *o = &s->run_ord[s->run_head];
	bool dram = uses_queue && s->prof.rmpopt_contention;
	/* Each group's regions left to read (its fill counter moves by at most
	 * a full scan's lines for each). */
	uint64_t *left = p->per_group;
	if (dram) {
		for (size_t i = 0; i < s->run_n; i++)
			if (o[i]->l3 < p->nl3)
				left[o[i]->l3] = 0;
		for (size_t i = 0; i < s->run_n; i++)
			if (o[i]->l3 < p->nl3)
				left[o[i]->l3] += o[i]->end - o[i]->next;
	}
	const uint64_t full = floors(s, p, -1)->lines * RMPSIM__LINE_BYTES, l3 = s->prof.l3_bytes;
	for (size_t i = 0; i < s->run_n && h > enough; i++) {
		const struct rmpsim__arun *b = o[i];
		unsigned g = b->l3;
		if (g < p->nl3 && p->sub_of[g] == x)
			continue;
		h = min_u64(h, b->t + left_floor(s, p, b));
		if (!dram)
			continue;
		const struct rmpsim__warm *row = g < p->nl3 && s->rm.warm ? s->rm.warm[g] : NULL;
		if (!row) {
			h = min_u64(h, b->t);
			continue;
		}
		/* b's first region whose lines may not be held and read */
		uint64_t fill_by = s->rm.l3_fill[g] + left[g] * full;
		uint64_t r = b->next, stop = min_u64(b->end, s->rm.nregions);
		for (size_t k = rmpsim__arun_stretch(b, r); r < stop; k++) {
			const struct rmpsim__in_stretch *st = &b->st[k];
			uint64_t n = lines_of(s, p, st), to = min_u64(st->end, stop);
			uint32_t gen = (uint32_t)st->gen;
			if (!n)
				break;
			while (r < to && row[r].gen == gen && row[r].lines == n && row[r].ready_at <= b->t &&
			       fill_by - row[r].stamp + n * RMPSIM__LINE_BYTES <= l3)
				r++;
			if (r < to)
				break;
		}
		if (r < b->end)
			h = min_u64(h, reach_floor(s, p, b, r));
	}
	return h;
}

static uint64_t periods_possible(struct rmpsim_sim *s, struct rmpsim__periods *p, unsigned x,
				 const struct snap *c, const struct shift *sh, const struct rmpsim_event *top)
{
	uint64_t k = UINT64_MAX, tmax = 0;
	for (size_t i = 0; i < c->nrun; i++) {
		const struct snap_run *r = &c->run[i];
		const struct rmpsim__arun *b = r->a;
		uint64_t stop = min_u64(min_u64(r->st_end, b->end - 1), s->rm.nregions);
		if (stop <= r->next)
			return 0;
		k = min_u64(k, (stop - r->next) / sh->dr);
		if (r->t > tmax)
			tmax = r->t;
	}
	if (!k)
		return 0;
	/* (It stops looking once less than a period is left.) */
	uint64_t h = horizon(s, p, x, top, sh->uses_queue, tmax + sh->dt);
	if (h <= tmax + sh->dt)
		return 0;
	k = min_u64(k, (h - 1 - tmax) / sh->dt);
	/* Who reads ahead of its group reads it as the group's lead (the same
	 * inputs), or stops short of it. */
	for (size_t j = 0; j < c->ngrp; j++)
		p->slot[c->grp[j].g] = j;
	for (size_t i = 0; i < c->nrun; i++) {
		const struct snap_run *r = &c->run[i];
		const struct snap_group *gr = &c->grp[p->slot[r->a->l3]];
		const struct rmpsim__arun *a = gr->lead;
		if (!same_inputs(&r->a->st[r->ist], &a->st[rmpsim__arun_stretch(a, gr->hi)]))
			k = min_u64(k, (gr->hi - r->next) / sh->dr);
	}
	for (size_t j = 0; j < c->ngrp; j++)
		p->slot[c->grp[j].g] = NO_SLOT;
	/* The regions ahead of each group, read in the k periods, as the period's:
	 * in the j-th period the fill counter is at most fill + j * dfill. */
	for (size_t j = 0; j < c->ngrp && k; j++) {
		const struct snap_group *gr = &c->grp[j];
		const struct rmpsim__warm *row = &s->rm.warm[gr->g][gr->hi];
		const struct rmpsim__arun *a = gr->lead;
		const struct rmpsim__in_stretch *st = &a->st[rmpsim__arun_stretch(a, gr->hi)];
		uint64_t n = lines_of(s, p, st), l3 = s->prof.l3_bytes, d = k * sh->dr, i = 0;
		uint32_t gen = (uint32_t)st->gen;
		if (gr->cold) { /* ahead_kind() == AH_COLD: none held (the fill bound plays no part) */
			while (i < d && !rmpsim__held_lines(&row[i], gr->fill, l3, gen))
				i++;
		} else {
			uint64_t fill_by = gr->fill + gr->dfill, in_period = 0;
			while (i < d &&
			       ahead_kind(&row[i], n, gen, l3, gr->tmin, gr->fill, fill_by) == AH_HOT) {
				i++;
				if (++in_period == sh->dr) {
					in_period = 0;
					fill_by += gr->dfill;
				}
			}
		}
		k = min_u64(k, i / sh->dr);
	}
	return k;
}

/* ---- The move ---- */

/* The runs' order after the subsystem's runs (in order among themselves)
 * moved later: the others kept in place, the moved merged back in. */
static void reorder(struct rmpsim_sim *s, struct rmpsim__periods *p, unsigned x)
{
	struct rmpsim__arun **o = &s->run_ord[s->run_head], **mv = p->moved;
	size_t n = s->run_n, nm = 0, ns = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned g = o[i]->l3;
		if (g < p->nl3 && p->sub_of[g] == x)
			mv[nm++] = o[i];
		else
			o[ns++] = o[i];
	}
	rmpsim__runs_merge(o, ns, mv, nm);
}

/* n records from src to w, shifted some periods: the stamp by dstamp (the
 * group's fill shift), and where the group reads cold regions, the ready time
 * by dready (written by the period's read); else the region's own (a read of
 * held lines leaves it alone, A124). The record after the last written. */
static inline struct rmpsim__warm *rewrite(struct rmpsim__warm *w, const struct rmpsim__warm *src, uint64_t n,
					   uint64_t dstamp, uint64_t dready, bool cold)
{
	if (cold)
		for (uint64_t i = 0; i < n; i++)
			w[i] = (struct rmpsim__warm){ .ready_at = src[i].ready_at + dready,
						      .stamp = src[i].stamp + dstamp,
						      .lines = src[i].lines,
						      .gen = src[i].gen };
	else
		for (uint64_t i = 0; i < n; i++) {
			w[i].stamp = src[i].stamp + dstamp;
			w[i].lines = src[i].lines;
			w[i].gen = src[i].gen;
		}
	return w + n;
}

static bool skip(struct rmpsim_sim *s, struct rmpsim__periods *p, unsigned x, const struct snap *prev,
		 const struct snap *c, const struct shift *sh, uint64_t k)
{
	/* Every scratch first: out of memory changes nothing. */
	uint64_t most = 0;
	for (size_t j = 0; j < c->ngrp; j++)
		most = most > c->grp[j].hi - c->grp[j].lo ? most : c->grp[j].hi - c->grp[j].lo;
	if (!GROW(s->a, p->moved, p->cap_moved, s->run_n) || !GROW(s->a, p->tmp, p->cap_tmp, most + sh->dr))
		return false;
	/* Records: each group's span moves k * dr regions on; the regions it
	 * leaves behind end as the ones the last period left behind, shifted. */
	for (size_t j = 0; j < c->ngrp; j++) {
		const struct snap_group *gr = &c->grp[j];
		struct rmpsim__warm *row = s->rm.warm[gr->g];
		uint64_t dr = sh->dr, base = gr->lo - dr, n = gr->hi - base;
		memcpy(p->tmp, &row[base], n * sizeof(*row));
		/* [lo, lo + d): the j-th period's regions as the dr before lo,
		 * shifted j times; [lo + d, hi + d): the span's, shifted k times. */
		struct rmpsim__warm *w = &row[gr->lo];
		uint64_t dstamp = 0, dready = 0;
		if (dr == 1 && gr->cold) { /* (the common case: one region a period) */
			const struct rmpsim__warm src = p->tmp[0];
			for (uint64_t per = 0; per < k; per++, w++) {
				dstamp += gr->dfill;
				dready += sh->dt;
				*w = (struct rmpsim__warm){ .ready_at = src.ready_at + dready,
							    .stamp = src.stamp + dstamp,
							    .lines = src.lines,
							    .gen = src.gen };
			}
		} else {
			for (uint64_t per = 1; per <= k; per++) {
				dstamp += gr->dfill;
				dready += sh->dt;
				w = rewrite(w, p->tmp, dr, dstamp, dready, gr->cold);
			}
		}
		rewrite(w, &p->tmp[dr], gr->hi - gr->lo, dstamp, dready, gr->cold);
		s->rm.l3_fill[gr->g] += k * gr->dfill;
	}
	/* Each run's CPU's statistics: in a period the run charged dr verifies
	 * of its stretch (ist the same at both ends), back to back (its time
	 * moved dt, the sum of their costs), each a verify of the stretch's
	 * kind that read its lines (rmpsim__scan, alike(), the lockstep
	 * step), and nothing else charged its CPU (in its handler from the
	 * run's start: a step is all that happens between two snapshots). So
	 * the period adds dr to the kind, dt to the time, dr times the lines,
	 * and the DRAM lines the snapshots show. */
	for (size_t i = 0; i < c->nrun; i++) {
		const struct snap_run *was = &prev->run[i], *now = &c->run[i];
		struct rmpsim__arun *b = now->a;
		struct rmpsim_cpu_stats *cs = &s->cpus[b->cpu].st;
		int64_t first_busy = rmpsim__arun_in_is_next(b) && b->ist == now->ist
					     ? b->in.first_busy
					     : b->st[now->ist].first_busy;
		cs->rmpopt[first_busy < 0 ? RMPSIM_RMPOPT_SCANNED : RMPSIM_RMPOPT_EARLY_EXIT] += k * sh->dr;
		cs->rmpopt_ps += k * sh->dt;
		cs->rmpopt_lines += k * sh->dr * floors(s, p, first_busy)->lines;
		cs->rmpopt_dram_lines += k * (now->dram - was->dram);
		b->t += k * sh->dt;
		b->next += k * sh->dr;
		b->ev.time = b->t;
	}
	if (sh->uses_queue && s->prof.rmpopt_contention)
		for (size_t q = 0; q < c->nq; q++)
			rmpsim__queue_shift(&s->domains[c->q[q].home].q, c->tmin, k * sh->dt);
	reorder(s, p, x);
	p->skips++;
	p->skipped += k * sh->dr * c->nrun;
	return true;
}

/* ---- The engine's calls ---- */

/* Whether the run that last made take() refuse (short_of_periods()) still
 * would: then so would take() (the same runs since, so it is one of them). */
static bool still_short(const struct rmpsim__periods *p, unsigned x)
{
	const struct sub *sb = &p->sub[x];
	const struct rmpsim__arun *w = sb->short_run;
	return w && sb->short_epoch == p->epoch && w->l3 < p->nl3 && p->sub_of[w->l3] == x &&
	       short_of_periods(w, w->st[rmpsim__arun_stretch(w, w->next)].end);
}

/* Whether the engine's next event top comes before the pilot a's verify of
 * its next region could end (its floor): a snapshot taken now is then only
 * a first one, of use to the one at the pilot's next region, and that event
 * drops it before (rmpsim__periods_events). (Only a run's end, which drops
 * every snapshot too, could take top out of the queue in between.) */
static bool event_first(const struct rmpsim_sim *s, struct rmpsim__periods *p, const struct rmpsim__arun *a,
			const struct rmpsim_event *top)
{
	return top &&
	       top->time < a->t + floors(s, p, a->st[rmpsim__arun_stretch(a, a->next)].first_busy)->floor;
}

/* rmpsim__periods_try() past its quick tests (rmpopt_run.h, inline before
 * every step). */
bool rmpsim__periods_attempt(struct rmpsim_sim *s, struct rmpsim__arun *a, const struct rmpsim_event *top)
{
	struct rmpsim__periods *p = periods_get(s);
	if (!p)
		return false;
	if (p->stale) {
		/* The engine's next event before a's next verify could end: a
		 * snapshot taken now would be dropped unused (event_first()),
		 * and that event makes the subsystems stale again. They wait. */
		if (event_first(s, p, a, top))
			return false;
		classify(s, p);
	}
	unsigned g = a->l3;
	if (g >= p->nl3)
		return false;
	struct sub *x = &p->sub[p->sub_of[g]];
	if (!x->pilot) {
		x->pilot = a;
		for (unsigned h = 0; h < p->nl3; h++)
			if (p->sub_of[h] == p->sub_of[g])
				p->pilot_g[h] = a;
	}
	struct snap *last = &x->snap[x->last], *cur = &x->snap[!x->last];
	if (x->pilot != a || (last->valid && a->next == last->R))
		return false;
	if (!last->valid && event_first(s, p, a, top))
		return false;
	if (still_short(p, p->sub_of[g]) || !take(s, p, p->sub_of[g], a, cur))
		return false;
	x->last = !x->last;
	struct shift sh;
	if (!same_but_shift(s, last, cur, &sh))
		return false;
	uint64_t k = periods_possible(s, p, p->sub_of[g], cur, &sh, top);
	if (!k || !skip(s, p, p->sub_of[g], last, cur, &sh, k))
		return false;
	/* The state now is the one a step would reach at the pilot's next region:
	 * the snapshot to compare the next period with; of no use if dropped
	 * before that, or if a run is short of periods in its stretch (a move
	 * often ends there; take() refuses): it could next be compared only once
	 * take() takes again, by when that run has gone on to another stretch
	 * (the regions left in one only shrink), which same_but_shift() refuses. */
	if (event_first(s, p, a, top) || still_short(p, p->sub_of[g]))
		last->valid = false;
	else
		take(s, p, p->sub_of[g], a, last);
	x->last = (unsigned)(last - x->snap);
	return true;
}

/* The subsystems to be found again, the pilots with them. */
static void mark_stale(struct rmpsim__periods *p)
{
	p->stale = true;
	memset(p->pilot_g, 0, p->nl3 * sizeof(*p->pilot_g));
}

void rmpsim__periods_stale(struct rmpsim_sim *s)
{
	if (s->periods) {
		mark_stale(s->periods);
		s->periods->epoch++;
	}
}

void rmpsim__periods_events(struct rmpsim_sim *s)
{
	if (s->periods)
		mark_stale(s->periods);
}

static void snap_free(const struct rmpsim_allocator *al, struct snap *sn)
{
	/* (sn->run is the model's slab's.) */
	rmpsim__free(al, sn->grp, sn->cap_grp * sizeof(*sn->grp));
	rmpsim__free(al, sn->rec, sn->cap_rec * sizeof(*sn->rec));
	rmpsim__free(al, sn->q, sn->cap_q * sizeof(*sn->q));
	rmpsim__free(al, sn->gap, sn->cap_gap * sizeof(*sn->gap));
}

void rmpsim__periods_free(struct rmpsim_sim *s)
{
	struct rmpsim__periods *p = s->periods;
	if (!p)
		return;
	if (p->sub)
		for (unsigned k = 0; k <= p->nl3; k++) {
			snap_free(s->a, &p->sub[k].snap[0]);
			snap_free(s->a, &p->sub[k].snap[1]);
		}
	rmpsim__free(s->a, p->sub, (p->nl3 + 1) * sizeof(*p->sub));
	rmpsim__free(s->a, p->sub_of, p->nl3 * sizeof(*p->sub_of));
	rmpsim__free(s->a, p->slot, p->nl3 * sizeof(*p->slot));
	rmpsim__free(s->a, p->per_group, p->nl3 * sizeof(*p->per_group));
	rmpsim__free(s->a, p->lead, p->nl3 * sizeof(*p->lead));
	rmpsim__free(s->a, p->pilot_g, p->nl3 * sizeof(*p->pilot_g));
	rmpsim__free(s->a, p->grp_order, p->nl3 * sizeof(*p->grp_order));
	rmpsim__free(s->a, p->lf, (p->ncpus ? p->ncpus : 1) * sizeof(*p->lf));
	rmpsim__free(s->a, p->moved, p->cap_moved * sizeof(*p->moved));
	rmpsim__free(s->a, p->tmp, p->cap_tmp * sizeof(*p->tmp));
	rmpsim__free(s->a, p, sizeof(*p));
	s->periods = NULL;
	s->run_pilot_g = NULL;
	s->run_pilot_n = 0;
}

uint64_t rmpsim_sim_run_period_skips(const struct rmpsim_sim *s, uint64_t *verifies)
{
	const struct rmpsim__periods *p = s ? s->periods : NULL;
	if (verifies)
		*verifies = p ? p->skipped : 0;
	return p ? p->skips : 0;
}

void rmpsim_sim_set_run_periods(struct rmpsim_sim *s, bool on)
{
	if (s)
		s->run_periods_off = !on;
}

/* ---- For the look-ahead (rmpopt_run.c, A310) ---- */

void rmpsim__periods_ready(struct rmpsim_sim *s)
{
	struct rmpsim__periods *p = periods_get(s);
	if (p && p->stale)
		classify(s, p);
}

bool rmpsim__periods_reads_held(const struct rmpsim_sim *s, unsigned l3)
{
	/* (Not worked out again here: the runs' end phase changes the runs at
	 * every step, and every step would pay for it.) */
	const struct rmpsim__periods *p = s->periods;
	return p && !p->stale && l3 < p->nl3 && p->sub_of[l3] != 0;
}

uint64_t rmpsim__periods_last_start(struct rmpsim_sim *s, const struct rmpsim__arun *b)
{
	struct rmpsim__periods *p = periods_get(s);
	if (!p || b->next >= b->end)
		return b->t; /* (no memory for the floors: no later than now) */
	/* Its floors to its end, less its last verify's own. */
	const struct rmpsim__in_stretch *last = &b->st[b->nst - 1];
	return b->t + left_floor(s, p, b) - floors(s, p, last->first_busy)->floor;
}
