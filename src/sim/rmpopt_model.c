/* SPDX-License-Identifier: MIT */
/*
 * RMPOPT as a memory engine (docs/timing.md section 4, A45, A61-A64,
 * A120-A124). The machine says what a verify would find (the first assigned
 * entry); this file says what finding it costs:
 *
 *   1. A completed scan result in the verifying CPU's cache scope answers it
 *      for cached_cycles (A45). A result exists only once its scan completes;
 *      a verify that finds a scan of its region in flight in its scope scans
 *      itself or waits for it (A122).
 *   2. Otherwise it reads the region's lines up to the first assigned entry
 *      (A120): lines its L3 group read recently (and still holds) at
 *      l3_line_ns, the rest from DRAM of the RMP home node at dram_local_ns
 *      or dram_remote_ns, misses_in_flight at a time (A121, A123). DRAM lines
 *      also queue at the home node's bandwidth, FCFS per scan (A62); the scan
 *      takes the longer of its latency-bound time and its queue time.
 *   3. Plus fixed_cycles (A61).
 *
 * L3 capacity (A124): a group holds the lines of the regions it read last,
 * up to l3_bytes: every line a group brings in advances its fill counter
 * (once, however many of its cores read it at the same time), and a region's
 * lines are still there while what came in after them, plus their own size,
 * fits. Re-reading warm lines refreshes them (LRU order: they count again
 * when other lines came in after them, so the model errs towards eviction
 * when reads of regions interleave). A change
 * of the region's contents (its generation) makes its lines and results
 * stale.
 */
#include <errno.h>
#include <string.h>

#include <rmpsim/machine.h>

#include "base/alloc.h"
#include "rmpopt_scan.h"
#include "sim_internal.h"

int rmpsim__rmpopt_model_init(struct rmpsim_sim *s, unsigned nregions, unsigned nl3, unsigned npackages)
{
	struct rmpsim__rmpopt_model *m = &s->rm;
	const struct rmpsim_profile *p = &s->prof;

	m->nregions = nregions;
	m->nl3 = nl3 ? nl3 : 1;
	m->npackages = npackages ? npackages : 1;
	switch (p->rmpopt_cache_scope) {
	case RMPSIM_SCOPE_L3: m->ndom = m->nl3; break;
	case RMPSIM_SCOPE_SOCKET: m->ndom = m->npackages; break;
	case RMPSIM_SCOPE_GLOBAL: m->ndom = 1; break;
	default: m->ndom = 0; break;
	}
	m->line_service_ps = rmpsim_profile_line_service_ps(p);
	m->cached_ps = rmpsim_profile_cycles_to_ps(p, p->rmpopt_cached_mcyc);
	m->report_ps = rmpsim_profile_cycles_to_ps(p, p->rmpopt_report_mcyc);
	m->fixed_ps = rmpsim_profile_cycles_to_ps(p, p->rmpopt_fixed_mcyc);
	m->win_min = UINT64_MAX;
	m->node_pkg = rmpsim__calloc(s->a, s->ndomains, sizeof(*m->node_pkg));
	if (m->node_pkg) /* the socket of every node, from its CPUs */
		for (unsigned c = s->ncpus; c-- > 0;)
			if (s->cpus[c].node < s->ndomains)
				m->node_pkg[s->cpus[c].node] = s->cpus[c].package;
	/* Rows on first use, from a slab: a row is used densely once used. (The
	 * expected size only decides between huge-page chunks and a small one.) */
	rmpsim__slab_init(&m->dense,
			  (size_t)nregions * (m->nl3 * sizeof(**m->warm) + m->ndom * sizeof(**m->res)));
	m->warm = rmpsim__calloc(s->a, m->nl3, sizeof(*m->warm));
	m->l3_fill = rmpsim__calloc(s->a, m->nl3, sizeof(*m->l3_fill));
	m->res = m->ndom ? rmpsim__calloc(s->a, m->ndom, sizeof(*m->res)) : NULL;
	if (!m->node_pkg || !m->warm || !m->l3_fill || (m->ndom && !m->res)) {
		rmpsim__rmpopt_model_fini(s);
		return -ENOMEM;
	}
	return 0;
}

void rmpsim__rmpopt_model_fini(struct rmpsim_sim *s)
{
	struct rmpsim__rmpopt_model *m = &s->rm;
	rmpsim__slab_fini(&m->dense, s->a);
	rmpsim__free(s->a, m->warm, m->nl3 * sizeof(*m->warm));
	rmpsim__free(s->a, m->l3_fill, m->nl3 * sizeof(*m->l3_fill));
	rmpsim__free(s->a, m->res, m->ndom * sizeof(*m->res));
	rmpsim__free(s->a, m->vin, m->nregions * sizeof(*m->vin));
	rmpsim__free(s->a, m->node_pkg, s->ndomains * sizeof(*m->node_pkg));
	memset(m, 0, sizeof(*m));
}

uint64_t rmpsim__c2c_ps(const struct rmpsim_sim *s, unsigned a, unsigned b)
{
	const struct rmpsim__cpu *x = &s->cpus[a], *y = &s->cpus[b];
	if (x->l3 == y->l3)
		return s->prof.c2c_same_l3_ps;
	if (x->package == y->package)
		return s->prof.c2c_other_l3_ps;
	return s->prof.c2c_other_socket_ps;
}

static unsigned scope_domain(const struct rmpsim_sim *s, unsigned cpu)
{
	switch (s->prof.rmpopt_cache_scope) {
	case RMPSIM_SCOPE_L3: return s->cpus[cpu].l3;
	case RMPSIM_SCOPE_SOCKET: return s->cpus[cpu].package;
	default: return 0;
	}
}

const struct rmpsim__warm *rmpsim__warm_peek(const struct rmpsim_sim *s, unsigned g, uint64_t region)
{
	const struct rmpsim__rmpopt_model *m = &s->rm;
	return g < m->nl3 && region < m->nregions && m->warm[g] ? &m->warm[g][region] : NULL;
}

struct rmpsim__warm *rmpsim__warm_get(struct rmpsim_sim *s, unsigned g, uint64_t region)
{
	struct rmpsim__rmpopt_model *m = &s->rm;
	if (g >= m->nl3 || region >= m->nregions)
		return NULL;
	struct rmpsim__warm *r = rmpsim__model_row(s, (void **)m->warm, g, sizeof(**m->warm));
	return r ? &r[region] : NULL;
}

uint64_t rmpsim__warm_held(const struct rmpsim_sim *s, const struct rmpsim__warm *w, unsigned g, uint32_t gen)
{
	return rmpsim__held_lines(w, s->rm.l3_fill[g], s->prof.l3_bytes, gen);
}

static void account(struct rmpsim_sim *s, unsigned cpu, uint64_t t, const struct rmpsim_verify_cost *c)
{
	struct rmpsim__cpu *cc = &s->cpus[cpu];
	if (c->kind < RMPSIM_RMPOPT_NKINDS)
		cc->st.rmpopt[c->kind]++;
	cc->st.rmpopt_ps += c->ps;
	cc->st.rmpopt_lines += c->lines;
	cc->st.rmpopt_dram_lines += c->dram_lines;
	struct rmpsim__cost_marks k = { s->rm.win_min, s->rm.win_max, s->rm.rise_max };
	rmpsim__note_cost(&s->rm, &k, cpu, t, c->ps);
	s->rm.win_min = k.win_min;
	s->rm.win_max = k.win_max;
	s->rm.rise_max = k.rise_max;
	rmpsim_sim_compute(s, c->ps); /* a handler's duration, or the process's time */
}

static uint64_t sat(uint64_t x, unsigned bits)
{
	uint64_t max = (1ull << bits) - 1;
	return x < max ? x : max;
}

/* The packed fields of a RMPSIM_TRACE_RMPOPT record (sim.h). */
static uint64_t trace_rmpopt_id(const struct rmpsim_verify_cost *c, const struct rmpsim_verify *v,
				uint64_t off)
{
	return (uint64_t)(c->kind & 3) << 62 | (uint64_t)(v->first_busy < 0) << 61 |
	       sat(v->region, 21) << 40 | sat(off, 40);
}

static uint64_t trace_rmpopt_a(const struct rmpsim_verify_cost *c)
{
	return sat(c->lines, 24) << 40 | sat(c->ps, 40);
}

/* The verify's RMPSIM_TRACE_RMPOPT record (for timelines, the report layer),
 * when a hook listens; before account(), which lets the time pass. */
static void trace_verify(struct rmpsim_sim *s, unsigned cpu, uint64_t t, const struct rmpsim_verify *v,
			 const struct rmpsim_verify_cost *c)
{
	if (s->trace_fn)
		rmpsim__trace(s, RMPSIM_TRACE_RMPOPT, cpu, trace_rmpopt_id(c, v, t - s->now),
			      trace_rmpopt_a(c));
}

void rmpsim_sim_charge_verify(struct rmpsim_sim *s, const struct rmpsim_verify *v,
			      struct rmpsim_verify_cost *ret)
{
	if (!s || !v)
		return;
	if (s->ctx_handler)
		rmpsim__arun_settle(s); /* a run before this verify ends first (A300) */
	unsigned cpu = s->ctx_cpu;
	struct rmpsim__rmpopt_model *m = &s->rm;
	const struct rmpsim_profile *p = &s->prof;
	struct rmpsim_verify_cost c = { 0 };

	if (cpu == RMPSIM_CPU_ANY)
		return; /* engine context executes nothing */
	uint64_t t = s->ctx_handler ? s->ctx_base + s->ctx_charge : s->now;
	bool indexed = v->region < m->nregions;
	struct rmpsim__result *res = NULL;

	if (m->ndom && indexed) {
		struct rmpsim__result *r =
			rmpsim__model_row(s, (void **)m->res, scope_domain(s, cpu), sizeof(**m->res));
		res = r ? &r[v->region] : NULL;
	}
	bool hit = false;
	if (res && res->valid && res->gen == v->gen) {
		if (res->ready_at <= t) { /* A45: a completed result in scope */
			hit = true;
			c.ps = m->cached_ps;
		} else if (res->start_at <= t && p->rmpopt_inflight == RMPSIM_INFLIGHT_WAIT) { /* A122 */
			hit = true;
			c.ps = res->ready_at - t + m->cached_ps;
		}
	}
	if (hit) {
		c.kind = RMPSIM_RMPOPT_CACHE_HIT;
	} else {
		/* A120: the lines up to the first assigned entry. */
		unsigned g = s->cpus[cpu].l3;
		struct rmpsim__warm *wr =
			indexed ? rmpsim__model_row(s, (void **)m->warm, g, sizeof(**m->warm)) : NULL;
		struct rmpsim__scan_in in;
		rmpsim__scan_in_set(s, cpu, v, &in);
		rmpsim__scan(s, &in, &m->l3_fill[g], t, wr ? &wr[v->region] : NULL, (uint32_t)v->gen, &c);
		if (res && !(res->valid && res->gen == v->gen && res->ready_at <= t + c.ps))
			*res = (struct rmpsim__result){
				.start_at = t, .ready_at = t + c.ps, .gen = v->gen, .valid = true
			};
	}
	trace_verify(s, cpu, t, v, &c);
	account(s, cpu, t, &c);
	if (ret)
		*ret = c;
}

void rmpsim__verify_replay(struct rmpsim_sim *s, const struct rmpsim_verify *v,
			   const struct rmpsim_verify_cost *c, bool accounted)
{
	unsigned cpu = s->ctx_cpu;
	uint64_t t = s->ctx_base + s->ctx_charge;
	trace_verify(s, cpu, t, v, c); /* as rmpsim_sim_charge_verify() records it */
	if (accounted)
		rmpsim_sim_compute(s, c->ps);
	else
		account(s, cpu, t, c);
}

void rmpsim_sim_rmpopt_window(struct rmpsim_sim *s, uint64_t *ret_min_ps, uint64_t *ret_max_ps)
{
	if (!s)
		return;
	bool any = s->rm.win_min != UINT64_MAX;
	if (ret_min_ps)
		*ret_min_ps = any ? s->rm.win_min : 0;
	if (ret_max_ps)
		*ret_max_ps = any ? s->rm.win_max : 0;
	s->rm.win_min = UINT64_MAX;
	s->rm.win_max = 0;
}

size_t rmpsim_sim_rmpopt_rises(struct rmpsim_sim *s, struct rmpsim_rise *ret, size_t max)
{
	if (!s || (!ret && max))
		return 0;
	size_t n = s->rm.nrise;
	size_t kept = n < RMPSIM_RISES_MAX ? n : RMPSIM_RISES_MAX;
	for (size_t i = 0; i < kept && i < max; i++)
		ret[i] = s->rm.rise[i];
	s->rm.nrise = 0;
	s->rm.rise_max = 0;
	return n;
}

/* A non-verify RMPOPT (function 1, outside the window, a fault): A64. */
void rmpsim__charge_report(struct rmpsim_sim *s, unsigned kind, bool count)
{
	unsigned cpu = s->ctx_cpu;
	if (cpu == RMPSIM_CPU_ANY)
		return;
	struct rmpsim__cpu *cc = &s->cpus[cpu];
	if (count && kind < RMPSIM_RMPOPT_NKINDS)
		cc->st.rmpopt[kind]++;
	cc->st.rmpopt_ps += s->rm.report_ps;
	rmpsim_sim_compute(s, s->rm.report_ps);
}
