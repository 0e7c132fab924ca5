/* SPDX-License-Identifier: MIT */
/* What every topology rmpsim accepts must satisfy (include/rmpsim/topology.h). */
#ifndef RMPSIM_FUZZ_TOPOLOGY_CHECK_H
#define RMPSIM_FUZZ_TOPOLOGY_CHECK_H

#include <rmpsim/limits.h>
#include <rmpsim/topology.h>

static void check_topology(const struct rmpsim_topology *t)
{
	unsigned ncpus = rmpsim_topology_ncpus(t), ncores = rmpsim_topology_ncores(t);
	unsigned tpc = rmpsim_topology_threads_per_core(t), nnodes = rmpsim_topology_nnodes(t);
	unsigned npk = rmpsim_topology_npackages(t), nl3 = rmpsim_topology_nl3(t);
	uint64_t total = 0, l3cores = 0;
	unsigned sib[16];

	FUZZ_CHECK(ncpus == ncores * tpc && ncpus >= 1 && ncpus <= RMPSIM_MAX_CPUS);
	FUZZ_CHECK(nnodes >= 1 && nnodes <= RMPSIM_MAX_NODES && npk >= 1 && nl3 >= 1 && nl3 <= ncores);
	for (unsigned n = 0; n < nnodes; n++) {
		uint64_t m = rmpsim_topology_node_memory(t, n);
		FUZZ_CHECK(m >= (2u << 20) && m % (2u << 20) == 0);
		FUZZ_CHECK(rmpsim_topology_node_package(t, n) < npk);
		total += m;
	}
	FUZZ_CHECK(total == rmpsim_topology_total_memory(t) && total <= RMPSIM_MAX_MEMORY_BYTES);
	for (unsigned g = 0; g < nl3; g++) {
		FUZZ_CHECK(rmpsim_topology_l3_ncores(t, g) >= 1);
		FUZZ_CHECK(rmpsim_topology_l3_node(t, g) < nnodes);
		l3cores += rmpsim_topology_l3_ncores(t, g);
	}
	FUZZ_CHECK(l3cores == ncores);
	for (unsigned cpu = 0; cpu < ncpus; cpu++) {
		unsigned core = rmpsim_topology_cpu_core(t, cpu), l3 = rmpsim_topology_cpu_l3(t, cpu);
		FUZZ_CHECK(core == cpu % ncores && rmpsim_topology_cpu_thread(t, cpu) == cpu / ncores);
		FUZZ_CHECK(rmpsim_topology_cpu_is_primary(t, cpu) == (cpu < ncores));
		FUZZ_CHECK(rmpsim_topology_core_cpu(t, core, cpu / ncores) == cpu);
		FUZZ_CHECK(rmpsim_topology_cpu_node(t, cpu) < nnodes &&
			   rmpsim_topology_cpu_package(t, cpu) < npk);
		FUZZ_CHECK(l3 < nl3 && rmpsim_topology_l3_node(t, l3) == rmpsim_topology_cpu_node(t, cpu));
		/* Groups are numbered in core order: a core's group is at most one past any earlier core's. */
		FUZZ_CHECK(core == 0 || l3 <= rmpsim_topology_cpu_l3(t, core - 1) + 1 || cpu >= ncores);
		if (tpc <= 16) {
			FUZZ_CHECK(rmpsim_topology_cpu_siblings(t, cpu, sib, 16) == tpc);
			FUZZ_CHECK(sib[cpu / ncores] == cpu);
		}
	}
	FUZZ_CHECK(rmpsim_topology_cpu_l3(t, ncpus) == 0 && rmpsim_topology_l3_ncores(t, nl3) == 0);
}

/* Whether two topologies are the same machine, query by query. */
static inline bool same_topology(const struct rmpsim_topology *a, const struct rmpsim_topology *b)
{
	unsigned ncpus = rmpsim_topology_ncpus(a), nnodes = rmpsim_topology_nnodes(a);
	unsigned nl3 = rmpsim_topology_nl3(a);

	if (ncpus != rmpsim_topology_ncpus(b) || rmpsim_topology_ncores(a) != rmpsim_topology_ncores(b) ||
	    nnodes != rmpsim_topology_nnodes(b) || nl3 != rmpsim_topology_nl3(b) ||
	    rmpsim_topology_npackages(a) != rmpsim_topology_npackages(b) ||
	    rmpsim_topology_threads_per_core(a) != rmpsim_topology_threads_per_core(b))
		return false;
	for (unsigned n = 0; n < nnodes; n++)
		if (rmpsim_topology_node_memory(a, n) != rmpsim_topology_node_memory(b, n) ||
		    rmpsim_topology_node_package(a, n) != rmpsim_topology_node_package(b, n))
			return false;
	for (unsigned g = 0; g < nl3; g++)
		if (rmpsim_topology_l3_node(a, g) != rmpsim_topology_l3_node(b, g) ||
		    rmpsim_topology_l3_ncores(a, g) != rmpsim_topology_l3_ncores(b, g))
			return false;
	for (unsigned cpu = 0; cpu < ncpus; cpu++)
		if (rmpsim_topology_cpu_node(a, cpu) != rmpsim_topology_cpu_node(b, cpu) ||
		    rmpsim_topology_cpu_l3(a, cpu) != rmpsim_topology_cpu_l3(b, cpu) ||
		    rmpsim_topology_cpu_package(a, cpu) != rmpsim_topology_cpu_package(b, cpu))
			return false;
	return true;
}

#endif
