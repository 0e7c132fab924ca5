/* SPDX-License-Identifier: MIT */
/*
 * Ranged runs (docs/timing.md "Ranged runs", issue 14 point 2): a handler's
 * loop of RMPOPT verifies over consecutive regions on one core (the
 * `percpu` policy's 2,048 per follower), computed in one call instead of one
 * trip through the shim, the machine and the memory engine per region.
 *
 * Why it is exact. Inside an IPI handler nothing else runs: its charges
 * accumulate from its start (ctx_base + ctx_charge) and no event, other
 * handler or process step comes between two verifies of the loop. Each verify
 * changes only the machine's table bit, scan cache and counter for its core
 * and region, and the memory engine's state (the L3 group's lines of its
 * region, the group's fill counter, the home node's queue, the CPU's
 * statistics, the window and rises). The machine's part of the run goes in as
 * one call (rmpsim_machine_rmpopt_verify_run: the same per-region work under
 * each region's lock); the memory engine's runs the very scan of one verify
 * (rmpopt_scan.h) region after region at the time the loop would start it,
 * with what alike regions share (the lines to read, the home node's latency,
 * the all-warm and all-cold costs) computed once per stretch of alike
 * regions, and the CPU's statistics added once. With a result cache
 * (cache_scope) each region goes through rmpsim_sim_charge_verify.
 *
 * Not a run (the caller loops over rmpsim__k_rmpopt, every step as before):
 * outside a handler (a process's compute lets other events in between),
 * --trace-detail, a trace hook that takes per-RMPOPT records, a core whose
 * verifies would fault or report (the machine says -EAGAIN).
 */
#include <errno.h>

#include <rmpsim/machine.h>

#include "base/alloc.h"
#include "rmpopt_scan.h"
#include "sim_internal.h"

static bool run_allowed(const struct rmpsim_sim *s)
{
	return s->machine && s->ctx_handler && s->ctx_cpu != RMPSIM_CPU_ANY && s->ctx_cpu < s->ncpus &&
	       !s->trace_detail && (!s->trace_fn || s->trace_rounds);
}

/* With a result cache: each region as rmpsim_sim_charge_rmpopt charges it. */
static void charge_each(struct rmpsim_sim *s, uint64_t r0, size_t n)
{
	for (uint64_t region = r0; region < r0 + n; region++) {
		struct rmpsim_verify v;
		rmpsim__verify_inputs(s, region << 30, &v);
		rmpsim_sim_charge_verify(s, &v, NULL);
	}
}

/* A run's state while its regions are charged (locals of charge_scans, kept
 * apart from the model's fields so that the loops hold them in registers). */
struct run {
	struct rmpsim_sim *s;
	unsigned cpu;
	struct rmpsim__warm *wr;	     /* the CPU's L3 group's records, or NULL */
	const struct rmpsim__verify_in *vin; /* the sim's copies, NULL without gens */
	const uint64_t *gens;		     /* the generations the machine's run read */
	uint64_t r0;
	uint64_t t, fill, free_at; /* the next verify's start, the group's fill counter, the home's queue */
	struct rmpsim__cost_marks k;
	uint64_t kinds[RMPSIM_RMPOPT_NKINDS], lines, dram_lines;
	struct rmpsim__scan_in in; /* of the last region charged */
	bool have_in;
	uint64_t last_ps; /* its cost */
};

/* One region, as rmpsim_sim_charge_verify charges it. */
static void step(struct run *r, uint64_t region)
{
	struct rmpsim_sim *s = r->s;
	bool indexed = region < s->rm.nregions;
	struct rmpsim_verify v;
	/* What the machine says a verify finds: the sim's copy when the
	 * generation the run read is its own (rmpsim__verify_inputs). */
	const struct rmpsim__verify_in *vi = r->vin && indexed ? &r->vin[region] : NULL;
	if (vi && vi->valid && vi->gen == r->gens[region - r->r0])
		v = (struct rmpsim_verify){ .region = region,
					    .gen = vi->gen,
					    .first_busy = vi->first_busy,
					    .home_node = vi->home_node };
	else
		rmpsim__verify_inputs(s, region << 30, &v);
	if (!r->have_in || v.first_busy != r->in.first_busy || v.home_node != r->in.home_asked) {
		if (r->have_in)
			s->domains[r->in.home].free_at = r->free_at;
		rmpsim__scan_in_set(s, r->cpu, &v, &r->in);
		r->free_at = s->domains[r->in.home].free_at;
		r->have_in = true;
	}
	struct rmpsim_verify_cost c;
	rmpsim__scan(&s->prof, &r->in, &r->fill, &r->free_at, r->t, r->wr && indexed ? &r->wr[region] : NULL,
		     (uint32_t)v.gen, &c);
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
	const struct rmpsim__scan_in *in = &r->in;
	const struct rmpsim__verify_in *vin = r->vin;
	const uint64_t *gens = r->gens - r->r0;
	struct rmpsim__warm *wr = r->wr;
	uint64_t t = *tp, fill = *fillp, l3 = in->l3_bytes;
	int64_t first_busy = in->first_busy;
	unsigned home = in->home_asked;
	uint32_t n = (uint32_t)in->n;
	for (; region < end; region++) {
		const struct rmpsim__verify_in *vi = &vin[region];
		struct rmpsim__warm *w = &wr[region];
		/* rmpsim__held_lines() == n and ready: hot = n (A124) */
		if (!vi->valid || vi->gen != gens[region] || vi->first_busy != first_busy ||
		    vi->home_node != home || w->gen != (uint32_t)vi->gen || w->lines != n || !n ||
		    fill - w->stamp + bytes > l3 || w->ready_at > t)
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
 * The regions from `region` on that are alike the last one charged (the same
 * inputs, known to the sim at the generation the run read) and whose group
 * record says all their lines are held and read, or none, and, for a cold
 * read, whose home queue is free when its DRAM reads begin: rmpsim__scan's
 * arithmetic with hot = n or 0 and no queueing, the costs computed once. Returns the first
 * region not charged (a region that is not alike goes through step()).
 */
static uint64_t alike(struct run *r, uint64_t region, uint64_t end)
{
	struct rmpsim__scan_in *in = &r->in;
	const struct rmpsim_profile *p = &r->s->prof;
	if (!r->vin || !r->wr || end > r->s->rm.nregions)
		return region;
	uint64_t n = in->n;
	uint64_t hot_ps = in->fixed_ps + rmpsim__lines_ps_memo(p, n, n, in->l3_line_ps, &in->all_hot_ps);
	uint64_t cold_ps = rmpsim__lines_ps_memo(p, n, n, in->dram_ps, &in->all_cold_ps);
	uint64_t service = n * in->service_ps; /* the home's time for n lines (A62) */
	if (in->contention && service > cold_ps)
		cold_ps = service;
	cold_ps += in->fixed_ps;
	uint64_t bytes = n * RMPSIM__LINE_BYTES;
	uint64_t t = r->t, fill = r->fill, free_at = r->free_at, last_ps = r->last_ps, dram = 0,
		 first = region;
	for (; region < end; region++) {
		if (last_ps == hot_ps) { /* the cost already noted: a stretch of warm regions */
			region = warm_stretch(r, region, end, hot_ps, bytes, &t, &fill);
			if (region == end)
				break;
		}
		const struct rmpsim__verify_in *vi = &r->vin[region];
		if (!vi->valid || vi->gen != r->gens[region - r->r0] || vi->first_busy != in->first_busy ||
		    vi->home_node != in->home_asked)
			break;
		struct rmpsim__warm *w = &r->wr[region];
		uint32_t gen = (uint32_t)vi->gen;
		uint64_t held = rmpsim__held_lines(w, fill, in->l3_bytes, gen);
		if (held && (held != n || w->ready_at > t))
			break; /* some lines held, or all but still in flight */
		bool hot = held;
		uint64_t ps = hot ? hot_ps : cold_ps;
		if (!hot && in->contention) {
			uint64_t t_dram = t + in->fixed_ps;
			if (free_at > t_dram)
				break; /* it would queue */
			free_at = t_dram + service;
		}
		if (ps != last_ps) /* an equal cost moves neither the window nor the maximum */
			rmpsim__note_cost(&r->s->rm, &r->k, r->cpu, t, ps);
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
	r->free_at = free_at;
	r->last_ps = last_ps;
	return region;
}

/* Without one: each region's scan, stretches of alike regions at once, the
 * statistics summed. */
static void charge_scans(struct rmpsim_sim *s, const uint64_t *gens, uint64_t r0, size_t n)
{
	struct rmpsim__rmpopt_model *m = &s->rm;
	struct rmpsim__cpu *cc = &s->cpus[s->ctx_cpu];
	struct run r = {
		.s = s,
		.cpu = s->ctx_cpu,
		.wr = rmpsim__model_row(s, (void **)m->warm, cc->l3, sizeof(*r.wr)),
		.vin = gens ? m->vin : NULL,
		.gens = gens,
		.r0 = r0,
		.t = s->ctx_base + s->ctx_charge,
		.fill = m->l3_fill[cc->l3],
		.k = { m->win_min, m->win_max, m->rise_max },
	};
	uint64_t t0 = r.t;

	for (uint64_t region = r0; region < r0 + n;) {
		step(&r, region);
		region = alike(&r, region + 1, r0 + n);
	}
	if (r.have_in)
		s->domains[r.in.home].free_at = r.free_at;
	m->l3_fill[cc->l3] = r.fill;
	m->win_min = r.k.win_min;
	m->win_max = r.k.win_max;
	m->rise_max = r.k.rise_max;
	for (unsigned i = 0; i < RMPSIM_RMPOPT_NKINDS; i++)
		cc->st.rmpopt[i] += r.kinds[i];
	cc->st.rmpopt_ps += r.t - t0;
	cc->st.rmpopt_lines += r.lines;
	cc->st.rmpopt_dram_lines += r.dram_lines;
	s->ctx_charge += r.t - t0; /* rmpsim_sim_compute() in a handler */
}

int rmpsim_sim_rmpopt_run(struct rmpsim_sim *s, uint64_t spa, size_t n)
{
	if (!s)
		return -EINVAL;
	if (!n)
		return 0;
	if (!run_allowed(s))
		return -EAGAIN;
	struct rmpsim__rmpopt_model *m = &s->rm;
	if (!m->run_gens) /* without it each region's inputs are asked for: slower, the same */
		m->run_gens = rmpsim__calloc(s->a, RMPSIM_RMPOPT_REGIONS, sizeof(*m->run_gens));
	uint64_t *gens = n <= RMPSIM_RMPOPT_REGIONS ? m->run_gens : NULL;
	int err = rmpsim_machine_rmpopt_verify_run(s->machine, s->ctx_cpu, spa, n, gens);
	if (err < 0)
		return err;
	uint64_t r0 = spa >> 30;
	/* A hook that takes rounds reads no RMPOPT record (rmpsim_sim_set_trace_rounds). */
	rmpsim_trace_fn hook = s->trace_fn;
	s->trace_fn = NULL;
	if (s->rm.ndom)
		charge_each(s, r0, n);
	else
		charge_scans(s, gens, r0, n);
	s->trace_fn = hook;
	s->runs++;
	return 0;
}

uint64_t rmpsim_sim_rmpopt_runs(const struct rmpsim_sim *s)
{
	return s ? s->runs : 0;
}
