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

/*
 * The IPI oracle of docs/timing.md section 3 for a bare sim (one L3 group, one
 * socket: every line transfer at c2c_same_l3), physical APIC mode, targets
 * idle in C1: the sender's send cost for m targets, and when target number i
 * (1-based, CPU order) receives, counted from the call at t0.
 */
static inline uint64_t oracle_send_ps(const struct rmpsim_profile *p, uint64_t m)
{
	return p->ipi_send_base_ps + m * p->ipi_queue_lines * p->c2c_same_l3_ps + m * p->ipi_icr_write_ps;
}
static inline uint64_t oracle_recv_ps(const struct rmpsim_profile *p, uint64_t t0, uint64_t m, uint64_t i)
{
	return t0 + p->ipi_send_base_ps + m * p->ipi_queue_lines * p->c2c_same_l3_ps +
	       i * p->ipi_icr_write_ps + p->ipi_delivery_ps;
}
/* The sender's csd_lock_wait over m targets once all are unlocked. */
static inline uint64_t oracle_poll_ps(const struct rmpsim_profile *p, uint64_t m)
{
	return (m * p->c2c_same_l3_ps + p->csd_polls_in_flight - 1) / p->csd_polls_in_flight;
}
/* A136 by hand: leaving idle after idle_ps: polling (free) below 2 x the C1
 * exit, C1, or C2 from deep_idle_after on. */
static inline uint64_t oracle_idle_exit(const struct rmpsim_profile *p, uint64_t idle_ps)
{
	if (idle_ps >= p->deep_idle_after_ps)
		return p->deep_idle_exit_ps;
	return idle_ps >= 2 * p->idle_exit_ps ? p->idle_exit_ps : 0;
}

/* A profile for IPI oracles: physical mode, no shorthand (which would need every CPU). */
static inline struct rmpsim_profile oracle_profile(void)
{
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.apic_mode = RMPSIM_APIC_PHYSICAL;
	p.ipi_shorthand = false;
	return p;
}

static inline void mask_set(unsigned long *mask, unsigned cpu)
{
	mask[cpu / (8 * sizeof(long))] |= 1ul << (cpu % (8 * sizeof(long)));
}

#endif
