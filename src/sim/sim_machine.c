/* SPDX-License-Identifier: MIT */
/* The parts of the sim that read the machine (kept apart so that machine-less
 * users do not link the machine layer). */
#include <errno.h>

#include <rmpsim/machine.h>
#include <rmpsim/topology.h>

#include "base/alloc.h"
#include "sim_internal.h"

int rmpsim_sim_create(const struct rmpsim_allocator *a, struct rmpsim_machine *machine,
		      const struct rmpsim_profile *profile, uint64_t seed, struct rmpsim_sim **ret_sim)
{
	a = rmpsim__alloc_or_default(a);
	if (!machine || !ret_sim)
		return -EINVAL;
	const struct rmpsim_topology *t = rmpsim_machine_topology(machine);
	unsigned ncpus = rmpsim_topology_ncpus(t);
	if (ncpus == 0)
		return -EINVAL;
	struct rmpsim_sim *s = rmpsim__malloc(a, sizeof(*s));
	if (!s)
		return -ENOMEM;
	int r = rmpsim__sim_init(s, a, ncpus, rmpsim_topology_nnodes(t), profile, seed);
	if (r < 0) {
		rmpsim__free(a, s, sizeof(*s));
		return r;
	}
	s->machine = machine;
	s->round_try = rmpsim__round_plan_try;
	s->plan_release = rmpsim__round_plan_release;
	for (unsigned c = 0; c < ncpus; c++) {
		struct rmpsim__cpu *cc = &s->cpus[c];
		cc->core = rmpsim_topology_cpu_core(t, c);
		cc->node = rmpsim_topology_cpu_node(t, c);
		cc->package = rmpsim_topology_cpu_package(t, c);
		cc->l3 = rmpsim_topology_cpu_l3(t, c);
		cc->cluster = rmpsim__x2apic_cluster(cc->core, rmpsim_topology_cpu_thread(t, c),
						     rmpsim_topology_threads_per_core(t));
		cc->primary = rmpsim_topology_cpu_is_primary(t, c);
	}
	r = rmpsim__rmpopt_model_init(s, rmpsim_machine_nregions(machine), rmpsim_topology_nl3(t),
				      rmpsim_topology_npackages(t));
	if (r < 0) {
		rmpsim_sim_destroy(s);
		return r;
	}
	/* Without it every verify asks the machine: slower, the same results. */
	s->rm.vin = rmpsim__calloc(a, s->rm.nregions, sizeof(*s->rm.vin));
	*ret_sim = s;
	return 0;
}

void rmpsim_sim_charge_rmpopt(struct rmpsim_sim *s, const struct rmpsim_insn_out *r, uint64_t spa)
{
	if (!s || !r)
		return;
	if (s->ctx_handler)
		rmpsim__arun_settle(s); /* a run before this RMPOPT ends first (A300) */
	if (r->fault != RMPSIM_FAULT_NONE) {
		rmpsim__charge_report(s, 0, false); /* A64: a faulting RMPOPT is not a kind */
		return;
	}
	if (r->rmpopt.kind == RMPSIM_RMPOPT_REPORT || r->rmpopt.kind == RMPSIM_RMPOPT_OUTSIDE ||
	    !s->machine) {
		rmpsim__charge_report(s, r->rmpopt.kind, true);
		return;
	}
	struct rmpsim_verify v;
	rmpsim__verify_inputs(s, spa, &v);
	rmpsim_sim_charge_verify(s, &v, NULL);
}

void rmpsim__verify_inputs(struct rmpsim_sim *s, uint64_t spa, struct rmpsim_verify *ret)
{
	struct rmpsim_verify v = { .region = spa >> 30 };
	v.gen = rmpsim_machine_region_content_gen(s->machine, v.region);
	/* The first assigned entry follows from the region's contents, which
	 * change only with its generation (the machine's per-core table trusts
	 * the generation the same way); the home node from the RMP layout, read
	 * again with it too. */
	struct rmpsim__verify_in *in = s->rm.vin && v.region < s->rm.nregions ? &s->rm.vin[v.region] : NULL;
	if (in && in->valid && in->gen == v.gen) {
		v.home_node = in->home_node;
		v.first_busy = in->first_busy;
	} else {
		int home = rmpsim_machine_rmp_home_node(s->machine, spa);
		v.home_node = home < 0 ? 0 : (unsigned)home;
		v.first_busy = rmpsim_machine_rmpopt_first_busy(s->machine, spa,
								s->prof.rmpopt_scan == RMPSIM_SCAN_4K);
		if (in)
			*in = (struct rmpsim__verify_in){ .gen = v.gen,
							  .first_busy = v.first_busy,
							  .home_node = v.home_node,
							  .valid = true };
	}
	*ret = v;
}
