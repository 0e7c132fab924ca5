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

/* Without one: the scan of each region, its statistics summed; the group's
 * fill counter, the home's queue and the window kept in locals meanwhile. */
static void charge_scans(struct rmpsim_sim *s, const uint64_t *gens, uint64_t r0, size_t n)
{
	struct rmpsim__rmpopt_model *m = &s->rm;
	const struct rmpsim_profile *p = &s->prof;
	unsigned cpu = s->ctx_cpu;
	struct rmpsim__cpu *cc = &s->cpus[cpu];
	unsigned g = cc->l3;
	struct rmpsim__warm *wr = rmpsim__model_row(s, (void **)m->warm, g, sizeof(*wr));
	const struct rmpsim__verify_in *vin = gens ? m->vin : NULL;
	uint64_t t0 = s->ctx_base + s->ctx_charge, t = t0;
	uint64_t kinds[RMPSIM_RMPOPT_NKINDS] = { 0 }, lines = 0, dram_lines = 0;
	uint64_t fill = m->l3_fill[g], free_at = 0;
	struct rmpsim__cost_marks k = { m->win_min, m->win_max, m->rise_max };
	struct rmpsim__scan_in in = { 0 };
	bool have_in = false;

	for (uint64_t region = r0; region < r0 + n; region++) {
		bool indexed = region < m->nregions;
		struct rmpsim_verify v;
		/* What the machine says a verify finds: the sim's copy when the
		 * generation the run read is its own (rmpsim__verify_inputs). */
		const struct rmpsim__verify_in *vi = vin && indexed ? &vin[region] : NULL;
		if (vi && vi->valid && vi->gen == gens[region - r0])
			v = (struct rmpsim_verify){ .region = region,
						    .gen = vi->gen,
						    .first_busy = vi->first_busy,
						    .home_node = vi->home_node };
		else
			rmpsim__verify_inputs(s, region << 30, &v);
		if (!have_in || v.first_busy != in.first_busy || v.home_node != in.home_asked) {
			if (have_in)
				s->domains[in.home].free_at = free_at;
			rmpsim__scan_in_set(s, cpu, &v, &in);
			free_at = s->domains[in.home].free_at;
			have_in = true;
		}
		struct rmpsim_verify_cost c;
		rmpsim__scan(p, &in, &fill, &free_at, t, wr && indexed ? &wr[region] : NULL, (uint32_t)v.gen,
			     &c);
		kinds[c.kind]++;
		lines += c.lines;
		dram_lines += c.dram_lines;
		rmpsim__note_cost(m, &k, cpu, t, c.ps);
		t += c.ps;
	}
	if (have_in)
		s->domains[in.home].free_at = free_at;
	m->l3_fill[g] = fill;
	m->win_min = k.win_min;
	m->win_max = k.win_max;
	m->rise_max = k.rise_max;
	for (unsigned i = 0; i < RMPSIM_RMPOPT_NKINDS; i++)
		cc->st.rmpopt[i] += kinds[i];
	cc->st.rmpopt_ps += t - t0;
	cc->st.rmpopt_lines += lines;
	cc->st.rmpopt_dram_lines += dram_lines;
	s->ctx_charge += t - t0; /* rmpsim_sim_compute() in a handler */
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
