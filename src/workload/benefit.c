/* SPDX-License-Identifier: MIT */
/*
 * The benefit side of RMPOPT (issue 17 point 2; A445-A447), from rates, not by
 * simulating each fill: CPU c fills write TLB entries at rate_c per second of
 * its execution (host_fills_per_s, or guest_fills_per_s on a co-tenant vCPU's
 * CPU), spread over the 1 GB regions in proportion to the memory those writes
 * go to (the host's: RAM no SNP guest holds, or host_regions; the non-SNP
 * guests': their memory). Each fill in region g pays one RMP lookup unless
 * c's core has g optimised: the lookup reads one RMP line, from the L3 with
 * probability rmp_l3_hit_percent, else from the DRAM of g's RMP home, local
 * or remote to c's socket (the memory engine's line latencies, A121). So
 *
 *   saved_c = rate_c * sum_g w(g) * lookup_ps(c, g) * optimised(core(c), g)
 *
 * per second of c's execution, and a pass has paid for itself after
 * pass_cost / sum_c saved_c seconds of execution on every CPU.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <rmpsim/machine.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>

#include "base/alloc.h"
#include "cotenant.h"

#define GB (1ull << 30)

static bool in_ranges(const struct rmpsim_cpu_range *r, size_t n, uint64_t x)
{
	for (size_t i = 0; i < n; i++) {
		if (x >= r[i].lo && x <= r[i].hi)
			return true;
	}
	return false;
}

/* Add [spa, spa + bytes) to per-region byte counts, by 1 GB region. */
static void add_bytes(double *w, uint64_t nreg, uint64_t spa, uint64_t bytes, double sign)
{
	for (uint64_t end = spa + bytes; spa < end;) {
		uint64_t next = (spa / GB + 1) * GB;
		next = next < end ? next : end;
		if (spa / GB < nreg)
			w[spa / GB] += sign * (double)(next - spa);
		spa = next;
	}
}

/* Scale to weights summing to 1; false when there is nothing. */
static bool normalise(double *w, uint64_t nreg)
{
	double sum = 0;
	for (uint64_t g = 0; g < nreg; g++) {
		w[g] = w[g] > 0 ? w[g] : 0;
		sum += w[g];
	}
	if (sum <= 0)
		return false;
	for (uint64_t g = 0; g < nreg; g++)
		w[g] /= sum;
	return true;
}

int rmpsim__benefit(struct rmpsim_sim *sim, struct rmpsim_machine *m, const struct rmpsim_cotenant *c,
		    const struct rmpsim__tenant_mem *mem, size_t nmem, const struct rmpsim_allocator *a,
		    struct rmpsim_run_result *r)
{
	const struct rmpsim_topology *t = rmpsim_machine_topology(m);
	const struct rmpsim_profile *p = rmpsim_sim_profile(sim);
	struct rmpsim_mem_range ranges[256];
	size_t nr = rmpsim_machine_ram_ranges(m, ranges, 256);
	uint64_t nreg = 0;
	unsigned ncpus = rmpsim_sim_ncpus(sim);

	uint64_t cost = r->benefit.pass_cost_ns;
	memset(&r->benefit, 0, sizeof(r->benefit));
	r->benefit.pass_cost_ns = cost;
	if (!c->host_fills_per_s && !c->guest_fills_per_s)
		return 0;
	nr = nr < 256 ? nr : 256;
	for (size_t i = 0; i < nr; i++)
		nreg = (ranges[i].end + GB - 1) / GB > nreg ? (ranges[i].end + GB - 1) / GB : nreg;
	/* host_regions lie below nreg: rmpsim__cotenant_check before the run */
	double *host = rmpsim__calloc(a, nreg, sizeof(*host));
	double *guest = rmpsim__calloc(a, nreg, sizeof(*guest));
	uint64_t *lat = rmpsim__calloc(a, 2 * nreg, sizeof(*lat)); /* [g][same socket or not] */
	int err = host && guest && lat ? 0 : -ENOMEM;
	if (err)
		goto out;

	/* A445: the host writes RAM that no SNP guest holds; non-SNP guests their own memory. */
	for (size_t i = 0; i < nr; i++)
		add_bytes(host, nreg, ranges[i].start, ranges[i].end - ranges[i].start, 1);
	for (size_t i = 0; i < nmem; i++) {
		for (size_t k = 0; k < mem[i].n; k++)
			add_bytes(mem[i].snp ? host : guest, nreg, mem[i].ext[k].spa, mem[i].ext[k].bytes,
				  mem[i].snp ? -1 : 1);
	}
	for (uint64_t g = 0; c->nhost_regions && g < nreg; g++) {
		if (!in_ranges(c->host_regions, c->nhost_regions, g))
			host[g] = 0;
	}
	bool have_host = normalise(host, nreg);
	if (!normalise(guest, nreg)) /* no non-SNP guest memory: the guests write where the host does */
		memcpy(guest, host, nreg * sizeof(*guest));

	/* A446: one RMP line per lookup, from the L3 or the home node's DRAM. */
	uint64_t hit = c->rmp_l3_hit_percent;
	for (uint64_t g = 0; g < nreg; g++) {
		lat[2 * g] = (hit * p->l3_line_ps + (100 - hit) * p->dram_local_ps) / 100;
		lat[2 * g + 1] = (hit * p->l3_line_ps + (100 - hit) * p->dram_remote_ps) / 100;
	}

	double total_ps = 0, fills_with = 0;
	uint64_t fills = 0;
	double best = 0, worst = -1;
	for (unsigned cpu = 0; cpu < ncpus; cpu++) {
		bool vcpu = rmpsim_sim_cpu_has_vcpu(sim, cpu);
		uint64_t rate = vcpu ? c->guest_fills_per_s : c->host_fills_per_s;
		const double *w = vcpu ? guest : host;
		unsigned core = rmpsim_topology_cpu_core(t, cpu);
		unsigned pkg = rmpsim_topology_cpu_package(t, cpu);
		double saved = 0, skipped = 0;
		if (!vcpu && !have_host)
			rate = 0;
		for (uint64_t g = 0; rate && g < nreg; g++) {
			if (w[g] <= 0 || !rmpsim_machine_region_optimized(m, core, g))
				continue;
			int home = rmpsim_machine_rmp_home_node(m, g * GB);
			bool remote = home >= 0 && rmpsim_topology_node_package(t, (unsigned)home) != pkg;
			saved += w[g] * (double)lat[2 * g + remote];
			skipped += w[g];
		}
		saved *= (double)rate; /* ps saved per second of this CPU's execution */
		fills += rate;
		fills_with += (double)rate * (1 - skipped);
		total_ps += saved;
		best = saved > best ? saved : best;
		worst = worst < 0 || saved < worst ? saved : worst;
	}
	r->benefit.fills_per_s = fills;
	r->benefit.checked_without_per_s = fills;
	r->benefit.checked_with_per_s = (uint64_t)llround(fills_with);
	r->benefit.saved_ns_per_s = (uint64_t)llround(total_ps / 1000);
	r->benefit.saved_max_ns_per_s = (uint64_t)llround(best / 1000);
	r->benefit.saved_min_ns_per_s = (uint64_t)llround((worst > 0 ? worst : 0) / 1000);
	/* A447: paid for itself once the saved lookups add up to what the pass cost. */
	r->benefit.breakeven_us =
		total_ps > 0 ? (uint64_t)llround((double)r->benefit.pass_cost_ns * 1e9 / total_ps)
			     : UINT64_MAX;
out:
	rmpsim__free(a, host, nreg * sizeof(*host));
	rmpsim__free(a, guest, nreg * sizeof(*guest));
	rmpsim__free(a, lat, 2 * nreg * sizeof(*lat));
	return err;
}
