/* SPDX-License-Identifier: MIT */
/*
 * Ranged runs (docs/timing.md "Ranged runs", issue 14 point 2, A300): a
 * handler's loop of RMPOPT verifies over consecutive regions on one core (the
 * `percpu` policy's 2,048 per follower), taken from the shim in one call.
 *
 * The machine's part goes in at once, at the run's start (the handler's
 * effects happen when it starts, as every handler's): one call,
 * rmpsim_machine_rmpopt_verify_run, the same per-region work as the loop's
 * verifies. The memory engine's part, each verify's scan (rmpopt_scan.h), is
 * charged in simulated-time order among everything else that reads RMP lines
 * (A300): the reads of concurrent runs share the home node's DRAM queue and
 * their L3 group's lines, so a run computed whole when its handler starts
 * would queue behind reads that other handlers issue later in simulated time
 * (a follower's first read waited 6.3 ms there). So when the run is the
 * handler's last act (the percpu handler is this one call), the handler
 * returns at once and the run joins the runs in progress, kept in the order
 * of their next verify's start; one engine event, EV_RUN_STEP, stands for the
 * earliest. Each step charges a run's verifies up to the next run's or the
 * next event's time, and a run's last verify ends its handler
 * (rmpsim__handler_finish). Anything else the handler does after the run
 * first settles it: computed whole there and then, as before A300.
 *
 * What a run's scans read: the RMP as the run found it (its generations and
 * each region's inputs, first assigned entry and home node, taken at the
 * start, in stretches of alike regions), like its machine part.
 *
 * Two ways to charge a step, the same arithmetic: the fast one (step(),
 * alike(), warm_stretch(): what alike regions share computed once, the
 * statistics summed), and one verify at a time through
 * rmpsim_sim_charge_verify (with a result cache, --trace-detail, or a hook
 * that takes every RMPOPT record: each verify leaves its record there).
 *
 * Not a run (the caller loops over rmpsim__k_rmpopt, every step as before):
 * outside a handler, a core whose verifies would fault or report (the
 * machine says -EAGAIN); outside run_handler() (a local call's handler)
 * also --trace-detail and hooks that take every record.
 */
#include <errno.h>
#include <string.h>

#include <rmpsim/machine.h>

#include "base/alloc.h"
#include "base/check.h"
#include "rmpopt_run.h"
#include "rmpopt_scan.h"

static void memo_free(struct rmpsim_sim *s);
static uint64_t memo_new_epoch(struct rmpsim_sim *s);

static bool records_wanted(const struct rmpsim_sim *s)
{
	return s->trace_detail || (s->trace_fn && !s->trace_rounds);
}

static bool run_allowed(const struct rmpsim_sim *s)
{
	return s->machine && s->ctx_handler && s->ctx_cpu != RMPSIM_CPU_ANY && s->ctx_cpu < s->ncpus &&
	       (s->ctx_defer || !records_wanted(s));
}

/* ---- Runs: allocation ---- */

static struct rmpsim__arun *arun_get(struct rmpsim_sim *s)
{
	struct rmpsim__arun *a = s->arun_free;
	if (a) {
		s->arun_free = a->next_free;
	} else {
		/* Room for every run four times over: the order slides to the
		 * front once per 3 * run_n pops (order_insert). */
		if (s->run_cap < 4 * (s->naruns + 1)) {
			size_t cap = s->run_cap ? 2 * s->run_cap : 64;
			void *o = rmpsim__realloc(s->a, s->run_ord, s->run_cap * sizeof(*s->run_ord),
						  cap * sizeof(*s->run_ord));
			if (!o)
				return NULL;
			s->run_ord = o;
			s->run_cap = cap;
		}
		a = rmpsim__calloc(s->a, 1, sizeof(*a));
		if (!a)
			return NULL;
		s->naruns++;
		a->ev.heap_index = RMPSIM__HEAP_NONE;
		a->all_next = s->arun_all;
		s->arun_all = a;
	}
	return a;
}

static size_t share_bytes(size_t n)
{
	return sizeof(struct rmpsim__st_share) + n * sizeof(struct rmpsim__in_stretch);
}

static void share_put(struct rmpsim_sim *s, struct rmpsim__st_share *sh)
{
	if (sh && !--sh->refs)
		rmpsim__free(s->a, sh, share_bytes(sh->n));
}

/* a lets go of its stretches (its own array kept for its next run). */
static void st_release(struct rmpsim_sim *s, struct rmpsim__arun *a)
{
	if (a->share) {
		share_put(s, a->share);
		a->share = NULL;
		a->st = NULL;
	}
}

/* a's stretches are sh's from now on (its own array, if any, freed: only a
 * run that worked its inputs out has one). */
static void st_share(struct rmpsim_sim *s, struct rmpsim__arun *a, struct rmpsim__st_share *sh)
{
	st_release(s, a);
	rmpsim__free(s->a, a->st, a->cap * sizeof(*a->st));
	a->cap = 0;
	sh->refs++;
	a->share = sh;
	a->st = sh->st;
	a->nst = sh->n;
}

/* Room for n stretches of a's own (one a region at worst: inputs_of()). */
static bool st_reserve(struct rmpsim_sim *s, struct rmpsim__arun *a, size_t n)
{
	st_release(s, a);
	if (a->cap >= n)
		return true;
	struct rmpsim__in_stretch *st = rmpsim__malloc(s->a, n * sizeof(*st));
	if (!st)
		return false;
	rmpsim__free(s->a, a->st, a->cap * sizeof(*a->st));
	a->st = st;
	a->cap = n;
	return true;
}

static void arun_put(struct rmpsim_sim *s, struct rmpsim__arun *a)
{
	rmpsim__periods_stale(s); /* the runs in progress changed */
	st_release(s, a);
	if (a->at_last) {
		a->at_last = false;
		s->runs_at_last--;
	}
	s->cpus[a->cpu].arun = NULL;
	a->d = NULL;
	a->next_free = s->arun_free;
	s->arun_free = a;
}

static void aruns_free(struct rmpsim_sim *s)
{
	for (struct rmpsim__arun *a = s->arun_all, *n; a; a = n) {
		n = a->all_next;
		st_release(s, a);
		rmpsim__free(s->a, a->st, a->cap * sizeof(*a->st));
		rmpsim__free(s->a, a, sizeof(*a));
	}
	s->arun_all = s->arun_free = NULL;
	rmpsim__periods_free(s);
	memo_free(s);
	rmpsim__free(s->a, s->memo_gens, RMPSIM_RMPOPT_REGIONS * sizeof(*s->memo_gens));
	s->memo_gens = NULL;
	rmpsim__free(s->a, s->ahead_ord, s->ahead_cap * sizeof(*s->ahead_ord));
	s->ahead_ord = NULL;
	s->ahead_cap = 0;
	rmpsim__free(s->a, s->run_ord, s->run_cap * sizeof(*s->run_ord));
	s->run_ord = NULL;
	s->run_cap = s->run_head = s->run_n = 0;
}

/* The run's inputs, region by region as a verify asks for them now
 * (rmpsim__verify_inputs, the sim's copy when its generation is the one the
 * machine's run read), kept in stretches of alike regions. */
static void inputs_of(struct rmpsim_sim *s, struct rmpsim__arun *a, const uint64_t *gens)
{
	const struct rmpsim__verify_in *vin = s->rm.vin;
	a->nst = 0;
	for (uint64_t region = a->r0; region < a->end; region++) {
		const struct rmpsim__verify_in *vi = vin && region < s->rm.nregions ? &vin[region] : NULL;
		int64_t first_busy;
		unsigned home;
		uint64_t gen = gens[region - a->r0];
		if (vi && vi->valid && vi->gen == gen) {
			first_busy = vi->first_busy;
			home = vi->home_node;
		} else {
			struct rmpsim_verify v;
			rmpsim__verify_inputs(s, region << 30, &v);
			first_busy = v.first_busy;
			home = v.home_node;
		}
		struct rmpsim__in_stretch *last = a->nst ? &a->st[a->nst - 1] : NULL;
		if (last && last->first_busy == first_busy && last->home_node == home && last->gen == gen)
			last->end = region + 1;
		else
			a->st[a->nst++] = (struct rmpsim__in_stretch){ region + 1, gen, first_busy, home };
	}
}

/* The memo's stretches changed: the runs that carry the old epoch, and the
 * inputs set for its stretches, are not of them. */
static uint64_t memo_new_epoch(struct rmpsim_sim *s)
{
	if (!++s->memo_epoch)
		s->memo_epoch = 1;
	for (size_t i = 0; i < s->memo_in_cap; i++)
		s->memo_in[i].valid = false;
	return s->memo_epoch;
}

/* inputs_of(), or the last run's stretches when it read the same regions at
 * the same generations (s->memo_*, a copy of the generations it read): then
 * they are shared (s->memo_share), as they are with the run that worked them
 * out. */
static bool take_inputs(struct rmpsim_sim *s, struct rmpsim__arun *a, const uint64_t *gens)
{
	uint64_t n = a->end - a->r0;
	int scan = (int)s->prof.rmpopt_scan;
	/* The same generations: the machine says so (a repeat of the run it
	 * keeps, A511), or they compare equal. */
	uint64_t id = rmpsim_machine_rmpopt_run_gens_id(s->machine);
	if (s->memo_valid && s->memo_r0 == a->r0 && s->memo_n == n && s->memo_scan == scan &&
	    ((id && id == s->memo_gens_id) || !memcmp(gens, s->memo_gens, n * sizeof(*s->memo_gens)))) {
		st_share(s, a, s->memo_share);
		s->memo_gens_id = id; /* (equal: that id's generations are these) */
		return true;
	}
	if (!st_reserve(s, a, n)) /* one a region at worst */
		return false;
	inputs_of(s, a, gens);
	s->memo_valid = false;
	struct rmpsim__st_share *sh = rmpsim__malloc(s->a, share_bytes(a->nst));
	if (!sh)
		return true; /* no memo: the next run works its inputs out again */
	if (!s->memo_gens &&
	    !(s->memo_gens = rmpsim__malloc(s->a, RMPSIM_RMPOPT_REGIONS * sizeof(*s->memo_gens)))) {
		rmpsim__free(s->a, sh, share_bytes(a->nst));
		return true;
	}
	sh->refs = 1; /* the memo's */
	sh->n = a->nst;
	memcpy(sh->st, a->st, a->nst * sizeof(*a->st));
	share_put(s, s->memo_share); /* (the runs that hold the last one keep it) */
	s->memo_share = sh;
	st_share(s, a, sh);
	memcpy(s->memo_gens, gens, n * sizeof(*gens));
	s->memo_r0 = a->r0;
	s->memo_n = n;
	s->memo_scan = scan;
	s->memo_gens_id = id;
	s->memo_valid = true;
	memo_new_epoch(s);
	return true;
}

static void memo_free(struct rmpsim_sim *s)
{
	share_put(s, s->memo_share);
	s->memo_share = NULL;
	s->memo_valid = false;
	memo_new_epoch(s);
	rmpsim__free(s->a, s->memo_in, s->memo_in_cap * sizeof(*s->memo_in));
	s->memo_in = NULL;
	s->memo_in_cap = 0;
}

/* ---- Charging one verify at a time ---- */

/* Out of memory for a run's stretches, its machine part done: its verifies
 * charged here, one by one in the handler's context, as a handler's own loop
 * of rmpopt() is (computed whole when it runs, as before A300): slower to
 * the exact order, never a run without its time. */
static void charge_whole(struct rmpsim_sim *s, uint64_t r0, uint64_t n)
{
	for (uint64_t region = r0; region < r0 + n; region++) {
		struct rmpsim_verify v;
		struct rmpsim_verify_cost c;
		rmpsim__verify_inputs(s, region << 30, &v);
		rmpsim_sim_charge_verify(s, &v, &c);
	}
}

/* Verifies from a->next while they start before lim (at least one), each as
 * rmpsim_sim_charge_verify charges it on the run's CPU; RMPOPT records only
 * when wanted (rmpsim_sim_set_trace_rounds: a hook that takes rounds reads none). */
static void charge_each(struct rmpsim_sim *s, struct rmpsim__arun *a, uint64_t lim)
{
	struct rmpsim__ctx sv = rmpsim__ctx_save(s);
	rmpsim_trace_fn hook = s->trace_fn;
	if (!records_wanted(s))
		s->trace_fn = NULL;
	s->ctx_proc = NULL;
	s->ctx_cpu = a->cpu;
	s->ctx_handler = true;
	s->ctx_defer = false;
	do {
		while (a->next >= a->st[a->ist].end)
			a->ist++;
		const struct rmpsim__in_stretch *st = &a->st[a->ist];
		struct rmpsim_verify v = { .region = a->next,
					   .gen = st->gen,
					   .first_busy = st->first_busy,
					   .home_node = st->home_node };
		s->ctx_base = a->t;
		s->ctx_charge = 0;
		struct rmpsim_verify_cost c;
		rmpsim_sim_charge_verify(s, &v, &c);
		a->t += s->ctx_charge;
		a->next++;
	} while (a->next < a->end && a->t < lim);
	s->trace_fn = hook;
	rmpsim__ctx_restore(s, &sv);
}

/* ---- The fast way ---- */

/* A step's state (locals of charge_fast, kept apart from the model's fields
 * so that the loops hold them in registers). */
struct run {
	struct rmpsim_sim *s;
	unsigned cpu;
	struct rmpsim__warm *wr; /* the CPU's L3 group's records, or NULL */
	uint32_t gen;		 /* the stretch's content generation (low bits, as records keep it) */
	uint64_t lim;		 /* charge verifies that start before it */
	uint64_t t, fill;	 /* the next verify's start, the group's fill counter */
	struct rmpsim__cost_marks k;
	uint64_t kinds[RMPSIM_RMPOPT_NKINDS], lines, dram_lines;
	struct rmpsim__scan_in *in; /* of the current stretch */
	const struct alike_k *ak;   /* what its alike regions share */
	uint64_t last_ps;	    /* the last verify's cost noted in this step */
};

/* One region, as rmpsim_sim_charge_verify charges it. */
static void step(struct run *r, uint64_t region)
{
	struct rmpsim_sim *s = r->s;
	bool indexed = region < s->rm.nregions;
	struct rmpsim_verify_cost c;
	rmpsim__scan(s, r->in, &r->fill, r->t, r->wr && indexed ? &r->wr[region] : NULL, r->gen, &c);
	r->kinds[c.kind]++;
	r->lines += c.lines;
	r->dram_lines += c.dram_lines;
	rmpsim__note_cost(&s->rm, &r->k, r->cpu, r->t, c.ps);
	r->t += c.ps;
	r->last_ps = c.ps;
}

/*
 * The regions from `region` on whose lines the group holds, all of them and
 * read by the time the verify starts (the case of every reader of a region
 * but the group's first): alike()'s arithmetic for hot = n with the record's
 * lines and generation already what they would be set to. Returns the first
 * region not charged; *t and *fill are the run's (alike() counts the
 * regions' kind and lines).
 */
static uint64_t warm_stretch(struct run *r, uint64_t region, uint64_t end, uint64_t hot_ps, uint64_t bytes,
			     uint64_t *tp, uint64_t *fillp)
{
	uint32_t gen = r->gen;
	struct rmpsim__warm *wr = r->wr;
	uint64_t t = *tp, fill = *fillp, l3 = r->in->l3_bytes, lim = r->lim;
	uint32_t n = (uint32_t)r->in->n;
	for (; region < end && t < lim; region++) {
		struct rmpsim__warm *w = &wr[region];
		/* rmpsim__held_lines() == n and ready: hot = n (A124) */
		if (w->gen != gen || w->lines != n || !n || fill - w->stamp + bytes > l3 || w->ready_at > t)
			break;
		if (fill != w->stamp) /* moved ahead of what came in since (LRU) */
			fill += bytes;
		w->stamp = fill;
		t += hot_ps;
	}
	*tp = t;
	*fillp = fill;
	return region;
}

/*
 * The regions from `region` to end (of the same inputs as the last one
 * charged) that start before the step's limit and whose group record says all
 * their lines are held and read, or none: rmpsim__scan's arithmetic with hot =
 * n or 0, the costs computed once (a cold read's wait at the home node's queue
 * is its own). Returns the first region not charged (a region whose lines are
 * in part held, or in flight, goes through step()).
 */
static void alike_set(struct rmpsim_sim *s, struct rmpsim__scan_in *in, struct alike_k *ak)
{
	const struct rmpsim_profile *p = &s->prof;
	uint64_t n = in->n;
	ak->hot_ps = in->fixed_ps + rmpsim__lines_ps_memo(p, n, n, in->l3_line_ps, &in->all_hot_ps);
	ak->cold_ps = rmpsim__lines_ps_memo(p, n, n, in->dram_ps, &in->all_cold_ps);
	ak->service = n * in->service_ps; /* the home's time for n lines (A62) */
	if (in->contention && ak->service > ak->cold_ps)
		ak->cold_ps = ak->service;
	ak->cold_ps += in->fixed_ps;
	ak->bytes = n * RMPSIM__LINE_BYTES;
	ak->q = &s->domains[in->home].q;
}

/* A verify of a stretch whose inputs are in, ak that reads all its lines
 * from DRAM, started at t: its cost, with its turn at the home node's queue
 * (A62, A300) taken. rmpsim__scan()'s arithmetic for cold = n, its costs
 * computed once (alike_set). */
static inline uint64_t cold_ps_at(struct rmpsim_sim *s, const struct rmpsim__scan_in *in,
				  const struct alike_k *ak, uint64_t t)
{
	uint64_t ps = ak->cold_ps;
	if (in->contention) {
		uint64_t t_dram = t + in->fixed_ps;
		uint64_t queued =
			rmpsim__queue_take(s->a, ak->q, s->clock, t_dram, ak->service) + ak->service - t_dram;
		if (queued + in->fixed_ps > ps)
			ps = queued + in->fixed_ps;
	}
	return ps;
}

static uint64_t alike(struct run *r, uint64_t region, uint64_t end)
{
	struct rmpsim__scan_in *in = r->in;
	struct rmpsim_sim *s = r->s;
	if (!r->wr || end > s->rm.nregions)
		return region;
	uint64_t n = in->n, hot_ps = r->ak->hot_ps, bytes = r->ak->bytes;
	uint64_t t = r->t, fill = r->fill, last_ps = r->last_ps, dram = 0, first = region, lim = r->lim;
	for (; region < end && t < lim; region++) {
		if (last_ps == hot_ps) { /* the cost already noted: a stretch of warm regions */
			region = warm_stretch(r, region, end, hot_ps, bytes, &t, &fill);
			if (region == end || t >= lim)
				break;
		}
		struct rmpsim__warm *w = &r->wr[region];
		uint32_t gen = r->gen;
		uint64_t held = rmpsim__held_lines(w, fill, in->l3_bytes, gen);
		if (held && (held != n || w->ready_at > t))
			break; /* some lines held, or all but still in flight */
		bool hot = held;
		uint64_t ps = hot ? hot_ps : cold_ps_at(s, in, r->ak, t);
		if (ps != last_ps) /* an equal cost moves neither the window nor the maximum */
			rmpsim__note_cost(&s->rm, &r->k, r->cpu, t, ps);
		last_ps = ps;
		/* The group's record (A124): new lines, or held ones moved ahead. */
		if (!held || fill != w->stamp)
			fill += bytes;
		if (!held)
			w->ready_at = t + ps;
		w->stamp = fill;
		w->lines = (uint32_t)n;
		w->gen = gen;
		dram += hot ? 0 : n;
		t += ps;
	}
	r->kinds[in->first_busy < 0 ? RMPSIM_RMPOPT_SCANNED : RMPSIM_RMPOPT_EARLY_EXIT] += region - first;
	r->lines += (region - first) * n;
	r->dram_lines += dram;
	r->t = t;
	r->fill = fill;
	r->last_ps = last_ps;
	return region;
}

/* Where the inputs of a's current stretch are kept for the runs that share
 * the memo's stretches and a's socket (they depend on the stretch and on
 * whether the home node is on the reader's socket: rmpsim__scan_in_set), or
 * NULL: a's stretches are not the memo's, or no memory for the table. */
static struct rmpsim__memo_in *memo_in_of(struct rmpsim_sim *s, const struct rmpsim__arun *a)
{
	unsigned npkg = s->rm.npackages, pkg = a->pkg; /* (not the CPU's line: a miss a stretch) */
	const struct rmpsim__st_share *sh = s->memo_share;
	if (!a->share || a->share != sh || a->ist >= sh->n || pkg >= npkg || pkg == UINT16_MAX)
		return NULL;
	size_t need = sh->n * npkg;
	if (s->memo_in_cap < need) {
		struct rmpsim__memo_in *t = rmpsim__calloc(s->a, need, sizeof(*t));
		if (!t)
			return NULL;
		rmpsim__free(s->a, s->memo_in, s->memo_in_cap * sizeof(*s->memo_in));
		s->memo_in = t;
		s->memo_in_cap = need;
	}
	return &s->memo_in[a->ist * npkg + pkg];
}

/* The stretch of region (a's next or later) and a's inputs set for it (the
 * fast way's carried state, alike() what its alike regions share). */
__attribute__((noinline)) static const struct rmpsim__in_stretch *
inputs_at(struct rmpsim_sim *s, struct rmpsim__arun *a, uint64_t region)
{
	while (region >= a->st[a->ist].end)
		a->ist++;
	const struct rmpsim__in_stretch *st = &a->st[a->ist];
	if (!a->have_in || a->in_end != st->end) {
		struct rmpsim__memo_in *e = memo_in_of(s, a);
		if (e && e->valid) {
			a->in = e->in;
			a->ak = e->ak;
		} else {
			struct rmpsim_verify v = { .region = region,
						   .gen = st->gen,
						   .first_busy = st->first_busy,
						   .home_node = st->home_node };
			rmpsim__scan_in_set(s, a->cpu, &v, &a->in);
			alike_set(s, &a->in, &a->ak);
			if (e)
				*e = (struct rmpsim__memo_in){ .in = a->in, .ak = a->ak, .valid = true };
		}
		a->in_end = st->end;
		a->in_gen = (uint32_t)st->gen;
		a->have_in = true;
	}
	return st;
}

/* Verifies from a->next while they start before lim (at least one): each
 * region's scan, stretches of alike regions at once, the statistics summed. */
static void charge_fast(struct rmpsim_sim *s, struct rmpsim__arun *a, uint64_t lim)
{
	struct rmpsim__rmpopt_model *m = &s->rm;
	struct rmpsim__cpu *cc = &s->cpus[a->cpu];
	struct run r = {
		.s = s,
		.cpu = a->cpu,
		.wr = rmpsim__model_row(s, (void **)m->warm, cc->l3, sizeof(*r.wr)),
		.lim = lim,
		.t = a->t,
		.fill = m->l3_fill[cc->l3],
		.k = { m->win_min, m->win_max, m->rise_max },
		.in = &a->in,
		.ak = &a->ak,
		.last_ps =
			UINT64_MAX, /* the window may have been read since the last step: note the first cost */
	};
	uint64_t t0 = r.t, region = a->next;
	do {
		const struct rmpsim__in_stretch *st = inputs_at(s, a, region);
		r.gen = (uint32_t)st->gen;
		/* The whole scan, then the regions alike it while the step lasts
		 * (runs in lockstep charge one region a step: no more). */
		step(&r, region++);
		uint64_t stop = st->end < a->end ? st->end : a->end;
		if (region < stop && r.t < lim)
			region = alike(&r, region, stop);
	} while (region < a->end && r.t < lim);
	m->l3_fill[cc->l3] = r.fill;
	m->win_min = r.k.win_min;
	m->win_max = r.k.win_max;
	m->rise_max = r.k.rise_max;
	for (unsigned i = 0; i < RMPSIM_RMPOPT_NKINDS; i++)
		cc->st.rmpopt[i] += r.kinds[i];
	cc->st.rmpopt_ps += r.t - t0;
	cc->st.rmpopt_lines += r.lines;
	cc->st.rmpopt_dram_lines += r.dram_lines;
	a->t = r.t;
	a->next = region;
}

static void charge(struct rmpsim_sim *s, struct rmpsim__arun *a, uint64_t lim)
{
	if (s->rm.ndom || records_wanted(s))
		charge_each(s, a, lim);
	else
		charge_fast(s, a, lim);
}

static inline __attribute__((always_inline)) void lockstep_core(struct rmpsim_sim *s, struct rmpsim__arun *a,
								struct rmpsim__warm *row, uint64_t lim);

/*
 * A step of the fast way (the lockstep case: a run charges one region a
 * step): that region's scan straight on the model's state, its inputs set
 * first when it begins a stretch, without charge_fast()'s set-up and
 * write-back, then charge_fast() for the rest when the step goes on. The
 * same arithmetic: step() is this scan, and noting a cost twice changes
 * neither the window nor the maximum.
 */
static inline __attribute__((always_inline)) void charge_lockstep(struct rmpsim_sim *s,
								  struct rmpsim__arun *a, uint64_t lim)
{
	struct rmpsim__rmpopt_model *m = &s->rm;
	uint64_t region = a->next;
	struct rmpsim__warm *row = m->warm ? m->warm[a->l3] : NULL;
	if (region >= m->nregions || !row) {
		charge_fast(s, a, lim);
		return;
	}
	/* (A step into a new stretch sets its inputs here: charge_fast()'s
	 * set-up for one region cost three times the region's scan.) */
	if (!a->have_in || region >= a->in_end)
		inputs_at(s, a, region);
	lockstep_core(s, a, row, lim);
}

/* charge_lockstep() past its checks: a's next region is of the stretch its
 * inputs are set for (before in_end), and has a record in row. */
static inline __attribute__((always_inline)) void lockstep_core(struct rmpsim_sim *s, struct rmpsim__arun *a,
								struct rmpsim__warm *row, uint64_t lim)
{
	struct rmpsim__rmpopt_model *m = &s->rm;
	uint64_t region = a->next;
	struct rmpsim_verify_cost c;
	uint64_t t = a->t;
	struct rmpsim__warm *w = &row[region];
	uint64_t *fill = &m->l3_fill[a->l3], n = a->in.n;
	uint32_t gen = a->in_gen;
	if (w->gen == gen && w->lines == n && n && *fill - w->stamp + a->ak.bytes <= a->in.l3_bytes &&
	    w->ready_at > t) {
		/* Every line held but still in flight (a lockstep step: another
		 * core of the group read the region just before): rmpsim__scan()
		 * for hot = 0, cold = held = n, its costs computed once. */
		uint64_t ps = cold_ps_at(s, &a->in, &a->ak, t);
		if (*fill != w->stamp) /* moved ahead of what came in since (LRU) */
			*fill += a->ak.bytes;
		if (t + ps < w->ready_at) /* this read brings them in first */
			w->ready_at = t + ps;
		w->stamp = *fill;
		c = (struct rmpsim_verify_cost){ .kind = a->in.first_busy < 0 ? RMPSIM_RMPOPT_SCANNED
									      : RMPSIM_RMPOPT_EARLY_EXIT,
						 .lines = n,
						 .dram_lines = n,
						 .ps = ps };
	} else {
		rmpsim__scan(s, &a->in, fill, t, w, gen, &c);
	}
	struct rmpsim__cost_marks k = { m->win_min, m->win_max, m->rise_max };
	rmpsim__note_cost(m, &k, a->cpu, t, c.ps);
	m->win_min = k.win_min;
	m->win_max = k.win_max;
	m->rise_max = k.rise_max;
	struct rmpsim_cpu_stats *cs = &s->cpus[a->cpu].st;
	cs->rmpopt[c.kind]++;
	cs->rmpopt_ps += c.ps;
	cs->rmpopt_lines += c.lines;
	cs->rmpopt_dram_lines += c.dram_lines;
	a->t = t + c.ps;
	a->next = region + 1;
	if (a->next < a->end && a->t < lim)
		charge_fast(s, a, lim);
}

/* ---- Runs in time order ---- */

/* A run in progress at its last region: whole periods wait for its end
 * (run_period.c: each run's last verify is a step, its handler's end). */
static void note_last(struct rmpsim_sim *s, struct rmpsim__arun *a)
{
	if (!a->at_last && a->next + 1 >= a->end) {
		a->at_last = true;
		s->runs_at_last++;
	}
}

/*
 * The runs in progress, in the order of their next verify. Runs move in near
 * lockstep (every follower scans the same regions at about the same pace), so
 * a run that charged its verify goes at or near the back: a sorted array
 * searched from the back is O(1) where a heap sifts through its depth.
 */
static struct rmpsim__arun *order_first(const struct rmpsim_sim *s)
{
	return s->run_n ? s->run_ord[s->run_head] : NULL;
}

/*
 * Where run a goes among o[lo, hi], which it goes before the last of: the
 * first it goes before. Searched out from f, where the last such insert
 * went (any place in [lo, hi] gives the same answer): while runs cross a
 * change of stretch, two streams of them interleave (those on the old home
 * node's queue and those on the new one's), and the runs of one go in one
 * after another, near where the last went: a few probes that the branch
 * predictor foresees, not a binary search over every run (each probe a run's
 * cache line, each turn a coin's).
 */
static size_t order_place(struct rmpsim__arun *const *o, const struct rmpsim__arun *a, size_t lo, size_t hi,
			  size_t f)
{
	size_t l, h, step = 1;
	if (f < lo || f > hi)
		f = hi;
	if (rmpsim__ev_before(&a->ev, &o[f]->ev)) { /* at f or before: out towards lo */
		l = lo;
		h = f;
		while (h - lo >= step) {
			size_t p = h - step;
			if (!rmpsim__ev_before(&a->ev, &o[p]->ev)) {
				l = p + 1;
				break;
			}
			h = p;
			step *= 2;
		}
	} else { /* after f: out towards hi */
		l = f + 1;
		h = hi;
		while (l + step - 1 < hi) {
			size_t p = l + step - 1;
			if (rmpsim__ev_before(&a->ev, &o[p]->ev)) {
				h = p;
				break;
			}
			l = p + 1;
			step *= 2;
		}
	}
	while (l < h) {
		size_t mid = l + (h - l) / 2;
		if (rmpsim__ev_before(&a->ev, &o[mid]->ev))
			h = mid;
		else
			l = mid + 1;
	}
	return l;
}

/* order_insert() past its common case: the back full, or a goes before the
 * last run. */
static void order_insert_search(struct rmpsim_sim *s, struct rmpsim__arun *a)
{
	struct rmpsim__arun **o = s->run_ord;
	if (s->run_head + s->run_n == s->run_cap) { /* the back is full: slide to the front */
		memmove(o, &o[s->run_head], s->run_n * sizeof(*o));
		s->run_head = 0;
	}
	size_t lo = s->run_head, i = s->run_head + s->run_n;
	if (i > lo && rmpsim__ev_before(&a->ev, &o[i - 1]->ev)) { /* not the last: search */
		size_t at = order_place(o, a, lo, i - 1, s->run_finger);
		memmove(&o[at + 1], &o[at], (i - at) * sizeof(*o));
		i = at;
		s->run_finger = at;
	}
	o[i] = a;
	s->run_n++;
}

/* a into the runs' order by its key, in place: most often at the back (the
 * lockstep steps' common case, inline). */
static inline void order_insert(struct rmpsim_sim *s, struct rmpsim__arun *a)
{
	size_t back = s->run_head + s->run_n;
	if (s->run_n && back < s->run_cap && !rmpsim__ev_before(&a->ev, &s->run_ord[back - 1]->ev)) {
		s->run_ord[back] = a;
		s->run_n++;
		return;
	}
	order_insert_search(s, a);
}

static void order_pop(struct rmpsim_sim *s)
{
	s->run_head++;
	if (!--s->run_n)
		s->run_head = 0;
}

/* The runs' event keyed as their earliest verify, or out of the queue. */
static void runs_rekey(struct rmpsim_sim *s)
{
	const struct rmpsim__arun *fa = order_first(s);
	const struct rmpsim_event *first = fa ? &fa->ev : NULL;
	struct rmpsim_event *ev = &s->runs_ev;
	if (ev->heap_index != RMPSIM__HEAP_NONE) {
		if (first && first->time == ev->time && first->seq == ev->seq)
			return;
		rmpsim__heap_remove(&s->heap, ev);
	}
	if (!first)
		return;
	ev->time = first->time;
	ev->seq = first->seq;
	ev->kind = EV_RUN_STEP;
	rmpsim__heap_push(&s->heap, ev);
}

static void settle(struct rmpsim_sim *s)
{
	struct rmpsim__arun *a = s->cpus[s->ctx_cpu].arun;
	if (RMPSIM_NEVER(a->d))
		return; /* cannot happen: a CPU's run in progress keeps it in its handler */
	charge(s, a, RMPSIM_TIME_NEVER);
	s->ctx_charge += a->t - a->t0; /* rmpsim_sim_compute() in a handler */
	arun_put(s, a);
}

static bool bind(struct rmpsim_sim *s, unsigned cpu, struct rmpsim__csd *d, uint64_t wake)
{
	struct rmpsim__arun *a = s->cpus[cpu].arun;
	if (!a)
		return false;
	if (RMPSIM_NEVER(a->d || s->ctx_charge != a->charge_at)) {
		settle(s); /* cannot happen: a charge after the run settles it */
		return false;
	}
	a->d = d;
	a->delivery = s->now;
	a->wake = wake;
	a->ev.time = a->t;
	a->ev.seq = s->seq++;
	a->ev.kind = EV_RUN_STEP;
	order_insert(s, a);
	runs_rekey(s);
	rmpsim__periods_stale(s);
	note_last(s, a);
	return true;
}

/* Time t (exclusive: verifies that start before it) no later than just past
 * the run limits (t 0: a step at time 0, whose t - 1 would wrap). */
static uint64_t within_limits(const struct rmpsim_sim *s, uint64_t t)
{
	if (t && s->limit < t - 1)
		t = s->limit + 1;
	if (t && s->max_time && s->max_time < t - 1)
		t = s->max_time + 1;
	return t;
}

/* ---- Looking ahead (A310, docs/timing.md "Looking ahead") ---- */

/*
 * Whether run b's next verify, starting before bound, may be charged ahead of
 * the other groups' runs: it reads only lines its group holds and has read
 * (no DRAM, no home node's queue: hot, A124) and costs no more than the
 * running maximum (no rise, whose record is in time order); and after it, b
 * is not at its last region (its handler's end is in time order; and a run
 * at its last region holds every skip back, run_period.c). Such a
 * verify reads and writes its group's records and fill counter, its CPU's
 * statistics and the window's bounds (a minimum and a maximum: any order
 * gives them); nothing another group's run reads. Sets b's inputs for its
 * stretch, as charge_fast() would there.
 */
static bool ahead_ok(struct rmpsim_sim *s, struct rmpsim__arun *b, uint64_t bound)
{
	struct rmpsim__rmpopt_model *m = &s->rm;
	uint64_t region = b->next;
	if (b->t >= bound || region + 2 >= b->end || region >= m->nregions || !m->warm || !m->warm[b->l3])
		return false;
	const struct rmpsim__in_stretch *st = inputs_at(s, b, region);
	const struct rmpsim__warm *w = &m->warm[b->l3][region];
	uint64_t n = b->in.n;
	/* (hot_ps is then the scan's cost: the fixed part and n lines from the L3) */
	return n && rmpsim__held_lines(w, m->l3_fill[b->l3], b->in.l3_bytes, (uint32_t)st->gen) >= n &&
	       w->ready_at <= b->t && b->ak.hot_ps > 0 && b->ak.hot_ps <= m->rise_max;
}

/* Whether a's group is one to look ahead for (a subsystem of its own, A301);
 * if not, not asked again for AHEAD_AGAIN regions of a (the queue's readers
 * would ask at every step). */
enum { AHEAD_AGAIN = 16 };
static bool ahead_group(const struct rmpsim_sim *s, struct rmpsim__arun *a)
{
	if (rmpsim__periods_reads_held(s, a->l3))
		return true;
	a->ahead_from = a->next + AHEAD_AGAIN;
	return false;
}

/*
 * Run a, the earliest, is of a group whose verifies may go ahead: the group's
 * runs are charged in their own time order (steps and whole periods) while
 * each next one may (ahead_ok), up to the engine's next event, the run
 * limits and the earliest any other run's last verify can start (its
 * handler's end, which may queue events). Without it the others' skips stop
 * at the group's runs, which can read DRAM for all they know (A301's
 * bounds): the percpu leader's group, forty times as fast as the queue's
 * turn, held the other followers to steps each time a change of stretch
 * passed through it. The group's runs are taken out of the order and the
 * order made theirs while they go, so that the periods (run_period.c) see
 * only them; then merged back. True when the order changed.
 */
static bool look_ahead(struct rmpsim_sim *s, struct rmpsim__arun *a, const struct rmpsim_event *top)
{
	uint64_t bound = within_limits(s, top ? top->time : RMPSIM_TIME_NEVER);
	a->ahead_from = a->next + 1;
	if (!ahead_ok(s, a, bound))
		return false;
	if (s->ahead_cap < s->run_cap) {
		void *o = rmpsim__realloc(s->a, s->ahead_ord, s->ahead_cap * sizeof(*s->ahead_ord),
					  s->run_cap * sizeof(*s->ahead_ord));
		if (!o)
			return false; /* no memory: the steps in time order */
		s->ahead_ord = o;
		s->ahead_cap = s->run_cap;
	}
	rmpsim__periods_ready(s); /* subsystems of every run, before the order shows only some */
	/* The group's runs out of the order (in order), the others' ends bound it. */
	struct rmpsim__arun **o = &s->run_ord[s->run_head], **g = s->ahead_ord;
	size_t ng = 0, nrest = 0, at_last = 0;
	for (size_t i = 0; i < s->run_n; i++) {
		struct rmpsim__arun *b = o[i];
		if (b->l3 == a->l3) {
			g[ng++] = b;
			at_last += b->at_last;
		} else {
			uint64_t e = rmpsim__periods_last_start(s, b);
			if (e < bound)
				bound = e;
			o[nrest++] = b;
		}
	}
	struct rmpsim__arun **ord = s->run_ord;
	size_t head = s->run_head, cap = s->run_cap, rest_at_last = s->runs_at_last - at_last;
	s->run_ord = g;
	s->run_head = 0;
	s->run_n = ng;
	s->run_cap = s->ahead_cap;
	s->runs_at_last = at_last;
	const struct rmpsim_event edge = { .time = bound };
	uint64_t steps = 0;
	bool moved = false;
	struct rmpsim__arun *b;
	while ((b = order_first(s))) {
		if (rmpsim__periods_try(s, b, &edge)) {
			moved = true;
			continue;
		}
		if (!ahead_ok(s, b, bound))
			break;
		charge_lockstep(s, b, b->t + 1); /* one verify (its cost is > 0) */
		order_pop(s);
		note_last(s, b);
		b->ev.time = b->t;
		order_insert(s, b);
		steps++;
	}
	struct rmpsim__arun **gs = &s->run_ord[s->run_head];
	at_last = s->runs_at_last;
	s->run_ord = ord;
	s->run_head = head;
	s->run_cap = cap;
	s->run_n = nrest + ng;
	s->runs_at_last = rest_at_last + at_last;
	for (size_t i = 0; i < ng; i++)
		gs[i]->ahead_from = gs[i]->next + 1; /* again after a step in time order */
	rmpsim__runs_merge(o, nrest, gs, ng);	     /* the group's back among the others */
	if (steps || moved) {
		s->look_aheads++;
		s->ahead_verifies += steps;
	}
	return steps || moved;
}

/* Run a, out of the order, charged its last verify: its handler ends. */
static void run_ends(struct rmpsim_sim *s, struct rmpsim__arun *a)
{
	struct rmpsim__csd *d = a->d;
	uint64_t wake = a->wake, began = a->delivery, end = a->t;
	unsigned cpu = a->cpu;
	arun_put(s, a);
	rmpsim__handler_finish(s, cpu, d, wake, began, end);
}

/*
 * dispatch()'s steps while nothing but steps can happen (most of a percpu
 * pass: the runs crossing a change of stretch at different times, one
 * region a step), with what dispatch() asks before each step asked once:
 * the engine's next event top and the run limits (a step queues no event),
 * whether its fast way applies (the caller's). A step is taken here only
 * when dispatch() would take it so, with charge_lockstep()'s arithmetic:
 * the earliest run starts before top (a tie goes by sequence number there)
 * and within the run limits, the period skips would not try (not a pilot,
 * or a run at its last region), nor the look-ahead (ahead_group() says no),
 * and its next region has a record. A run's end (its handler's end may
 * queue events) ends the loop. Anything else is left to dispatch().
 * Returns the steps taken.
 */
static uint64_t lockstep_steps(struct rmpsim_sim *s, const struct rmpsim_event *top)
{
	struct rmpsim__rmpopt_model *m = &s->rm;
	if (!m->warm)
		return 0;
	const uint64_t stop = top ? top->time : RMPSIM_TIME_NEVER;
	const uint64_t lim_top = within_limits(s, stop);
	uint64_t tmax = s->limit;
	if (s->max_time && s->max_time < tmax)
		tmax = s->max_time;
	uint64_t steps = 0;
	while (s->run_n > 1) {
		struct rmpsim__arun **o = &s->run_ord[s->run_head];
		struct rmpsim__arun *a = o[0];
		uint64_t t = a->ev.time, region = a->next;
		if (t >= stop || t > tmax)
			break;
		if (!s->runs_at_last) {
			const struct rmpsim__arun *pilot =
				a->l3 < s->run_pilot_n ? s->run_pilot_g[a->l3] : NULL;
			if (!pilot || pilot == a)
				break;
		}
		if (region >= a->ahead_from && ahead_group(s, a))
			break;
		struct rmpsim__warm *row = m->warm[a->l3];
		if (region >= m->nregions || !row)
			break;
		if (!a->have_in || region >= a->in_end)
			inputs_at(s, a, region);
		/* (dispatch()'s limit: within_limits(min(next, top)), the same.) */
		uint64_t next = o[1]->ev.time, lim = next < lim_top ? next : lim_top;
		s->now = s->clock = t;
		lockstep_core(s, a, row, lim);
		order_pop(s);
		steps++;
		if (a->next >= a->end) {
			run_ends(s, a);
			break;
		}
		note_last(s, a);
		a->ev.time = a->t;
		order_insert(s, a);
	}
	return steps;
}

/*
 * The runs' event: the verifies of the runs in progress, earliest first, up
 * to the next event of the engine's queue (at the same time, the lower seq
 * goes first, as between events; a run's seq is the one drawn when it began,
 * A301) and the run's limits. A run charges its verifies up to the next
 * run's; its last ends its handler.
 */
static void dispatch(struct rmpsim_sim *s, struct rmpsim_event *ev)
{
	(void)ev;
	const struct rmpsim_event *top;
	struct rmpsim__arun *a;
	bool fast = !s->rm.ndom && !records_wanted(s); /* charge()'s fast way */
	bool periods = fast && !s->run_periods_off;
	rmpsim__periods_events(s); /* the engine ran other events since the last step */
	while ((a = order_first(s)) && !s->stop && !s->err) {
		top = rmpsim__heap_top(&s->heap);
		if (top && rmpsim__ev_before(top, &a->ev))
			break;
		if (periods && lockstep_steps(s, top))
			continue;
		if (a->ev.time > s->limit || (s->max_time && a->ev.time > s->max_time)) {
			/* Cut by a run limit where an uncut run goes on in this
			 * event: the event that resumes it is this one, counted
			 * once (rmpsim_sim_events the same as uncut). */
			s->events--;
			break;
		}
		if (periods && rmpsim__periods_try(s, a, top))
			continue; /* whole periods skipped: the earliest again */
		if (periods && a->next >= a->ahead_from && ahead_group(s, a) && look_ahead(s, a, top))
			continue; /* its group went ahead: the earliest again */
		s->now = s->clock = a->ev.time;
		const struct rmpsim_event *next = s->run_n > 1 ? &s->run_ord[s->run_head + 1]->ev : NULL;
		uint64_t lim = top ? top->time : RMPSIM_TIME_NEVER;
		if (next && next->time < lim)
			lim = next->time;
		lim = within_limits(s, lim); /* up to the limits, not past them */
		if (fast)
			charge_lockstep(s, a, lim);
		else
			charge(s, a, lim);
		order_pop(s);
		if (a->next < a->end) {
			note_last(s, a);
			/* Back in order with the key it began with (A301): its
			 * verifies draw no sequence numbers, so a run cut by a
			 * run limit, or moved on by whole periods (run_period.c),
			 * draws the numbers an uncut, unskipped one draws. */
			a->ev.time = a->t;
			order_insert(s, a);
			continue;
		}
		run_ends(s, a);
	}
	runs_rekey(s);
}

static const struct rmpsim__arun_ops arun_ops = {
	.dispatch = dispatch,
	.bind = bind,
	.settle = settle,
	.free_all = aruns_free,
};

int rmpsim_sim_rmpopt_run(struct rmpsim_sim *s, uint64_t spa, size_t n)
{
	if (!s)
		return -EINVAL;
	if (!n)
		return 0;
	if (!run_allowed(s) || n > RMPSIM_RMPOPT_REGIONS)
		return -EAGAIN;
	if (!s->arun_ops) {
		if (rmpsim__ev_objects_add(s, 1) < 0) /* the runs' event */
			return -ENOMEM;
		s->runs_ev.heap_index = RMPSIM__HEAP_NONE;
		s->arun_ops = &arun_ops;
	}
	rmpsim__arun_settle(s); /* an earlier run of this handler first */
	struct rmpsim__arun *a = arun_get(s);
	if (!a)
		return -ENOMEM;
	/* The content generations the machine's run read (the machine's, valid
	 * until its next ranged run: taken into the run's stretches below). */
	const uint64_t *gens = NULL;
	int err = rmpsim_machine_rmpopt_verify_run_gens(s->machine, s->ctx_cpu, spa, n, &gens);
	if (err < 0) {
		a->next_free = s->arun_free;
		s->arun_free = a;
		return err;
	}
	a->cpu = s->ctx_cpu;
	a->l3 = s->cpus[a->cpu].l3;
	a->pkg = s->cpus[a->cpu].package < UINT16_MAX ? (uint16_t)s->cpus[a->cpu].package : UINT16_MAX;
	a->r0 = a->next = spa >> 30;
	a->end = a->r0 + n;
	a->t = a->t0 = s->ctx_base + s->ctx_charge;
	a->charge_at = s->ctx_charge;
	a->ist = 0;
	a->have_in = false;
	a->ahead_from = 0;
	if (!take_inputs(s, a, gens)) { /* no room for its stretches: computed whole */
		a->next_free = s->arun_free;
		s->arun_free = a;
		charge_whole(s, spa >> 30, n);
		s->runs++; /* (the machine part is done: not -ENOMEM, which the caller redoes) */
		return 0;
	}
	s->runs++;
	if (s->ctx_defer) { /* goes on after the handler if nothing follows it (A300) */
		s->cpus[a->cpu].arun = a;
		return 0;
	}
	charge(s, a, RMPSIM_TIME_NEVER);
	s->ctx_charge += a->t - a->t0; /* rmpsim_sim_compute() in a handler */
	a->next_free = s->arun_free;
	s->arun_free = a;
	return 0;
}

uint64_t rmpsim_sim_run_look_aheads(const struct rmpsim_sim *s, uint64_t *verifies)
{
	if (verifies)
		*verifies = s ? s->ahead_verifies : 0;
	return s ? s->look_aheads : 0;
}

uint64_t rmpsim_sim_rmpopt_runs(const struct rmpsim_sim *s)
{
	return s ? s->runs : 0;
}
