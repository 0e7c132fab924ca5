/* SPDX-License-Identifier: MIT */
/* The parts of the sim that read the machine (kept apart so that machine-less
 * users do not link the machine layer). */
#include <errno.h>

#include <rmpsim/machine.h>
#include <rmpsim/topology.h>

#include "base/alloc.h"
#include "sim/sim_internal.h"

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
	for (unsigned c = 0; c < ncpus; c++) {
		s->cpus[c].core = rmpsim_topology_cpu_core(t, c);
		s->cpus[c].node = rmpsim_topology_cpu_node(t, c);
		s->cpus[c].primary = rmpsim_topology_cpu_is_primary(t, c);
	}
	*ret_sim = s;
	return 0;
}

void rmpsim_sim_charge_rmpopt(struct rmpsim_sim *s, const struct rmpsim_rmpopt_result *r, uint64_t spa)
{
	unsigned domain = 0;

	if (s->machine) {
		int node = rmpsim_machine_spa_node(s->machine, spa);
		domain = node < 0 ? 0 : (unsigned)node;
	}
	if (r->fault != RMPSIM_FAULT_NONE) {
		/* A64: a faulting RMPOPT costs a status read; it is not a kind. */
		unsigned cpu = rmpsim_sim_cpu(s);
		if (cpu != RMPSIM_CPU_ANY) {
			uint64_t cost = rmpsim_profile_cycles_to_ps(&s->prof, s->prof.rmpopt_report_mcyc);
			s->cpus[cpu].st.rmpopt_ps += cost;
			rmpsim_sim_compute(s, cost);
		}
		return;
	}
	rmpsim_sim_charge_rmpopt_raw(s, r->kind, r->slots_scanned, domain);
}
