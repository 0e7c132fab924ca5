/* SPDX-License-Identifier: MIT */
/* Helpers shared by the sim tests. */
#ifndef RMPSIM_TEST_SIM_UTIL_H
#define RMPSIM_TEST_SIM_UTIL_H

#include <rmpsim/sim.h>

/* A bare sim of ncpus CPUs (1 thread per core, 1 node) over profile p. */
static inline struct rmpsim_sim *bare_sim(unsigned ncpus, const struct rmpsim_profile *p, uint64_t seed)
{
	struct rmpsim_sim_topology t = { .ncpus = ncpus, .threads_per_core = 1, .nodes = 1 };
	struct rmpsim_sim *s = NULL;
	if (rmpsim_sim_create_bare(NULL, &t, p, seed, &s) != 0)
		return NULL;
	rmpsim_sim_set_stack_size(s, 64 * 1024);
	return s;
}

/* Independent oracle for cycles -> ps: round(mcyc * 10^6 / kHz). */
static inline uint64_t oracle_ps(const struct rmpsim_profile *p, uint64_t mcyc)
{
	return (mcyc * 1000000ull + p->freq_khz / 2) / p->freq_khz;
}

static inline void mask_set(unsigned long *mask, unsigned cpu)
{
	mask[cpu / (8 * sizeof(long))] |= 1ul << (cpu % (8 * sizeof(long)));
}

#endif
