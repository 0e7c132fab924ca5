/* SPDX-License-Identifier: MIT */
/*
 * Steps of the random scripts that drive handlers' ranged runs
 * (test_sim_machine.c, test_sim_runs.c): the process's own verify, a page
 * that changes hands, and the RMPOPT window and rises read as a report reads
 * them at its marks. Include after cmocka.h and machine_helpers.h.
 */
#ifndef RMPSIM_TEST_RANGE_STEPS_H
#define RMPSIM_TEST_RANGE_STEPS_H

#include <rmpsim/machine.h>
#include <rmpsim/sim.h>

#include "base/rng.h"

/* The small machine with SNP up and RMPOPT on, and a sim over it whose home
 * node's bandwidth binds (320 MB/s: a region's 512 lines take 102.4 us of the
 * node, against 11 us of latency). */
static inline struct rmpsim_sim *range_binding_sim(struct rmpsim_machine **ret_m)
{
	struct rmpsim_profile prof = *rmpsim_profile_default();
	prof.node_bw_mbps = 320;
	struct rmpsim_machine *m = small_machine(NULL);
	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, true), 0);
	struct rmpsim_sim *s = NULL;
	assert_int_equal(rmpsim_sim_create(NULL, m, &prof, 1, &s), 0);
	*ret_m = m;
	return s;
}

/* A call's draw: targets among CPUs 1-7, n regions from a at RAX offset off,
 * waited for or not. solo: one handler at a time (the lowest target, waited). */
struct range_call {
	unsigned long mask[1];
	uint64_t a, n, off;
	bool wait;
};

static inline void range_draw_call(struct rmpsim_rng *rng, bool solo, struct range_call *c)
{
	c->mask[0] = (unsigned long)(1 + rmpsim__rng_below(rng, 127)) << 1;
	c->a = rmpsim__rng_below(rng, 13);
	c->n = 1 + rmpsim__rng_below(rng, 13 - c->a);
	c->off = rmpsim__rng_below(rng, GIB);
	c->wait = solo || rmpsim__rng_below(rng, 3) != 0;
	if (solo)
		c->mask[0] &= ~c->mask[0] + 1;
}

/* The process on CPU 0 verifies one of the first 13 regions itself. */
static inline void range_step_own_verify(struct rmpsim_sim *s, struct rmpsim_machine *m,
					 struct rmpsim_rng *rng)
{
	uint64_t r = rmpsim__rng_below(rng, 13);
	struct rmpsim_insn_out o;
	assert_int_equal(rmpsim_machine_rmpopt(m, 0, r * GIB, RMPSIM_RMPOPT_FN_VERIFY, &o), 0);
	rmpsim_sim_charge_rmpopt(s, &o, r * GIB);
}

/* A 2 MB page of regions 4-12 turns private or shared: the region's generation moves. */
static inline void range_step_page_change(struct rmpsim_machine *m, struct rmpsim_rng *rng)
{
	uint64_t spa = (4 + rmpsim__rng_below(rng, 9)) * GIB + rmpsim__rng_below(rng, 512) * 2 * MIB;
	if (rmpsim__rng_below(rng, 2))
		(void)make_private(m, 0, spa, 0);
	else
		(void)make_shared(m, 0, spa, 0);
}

/* The window and rises since the last read, folded into marks. */
static inline uint64_t range_fold_window(struct rmpsim_sim *s, uint64_t marks, uint64_t *ret_lo)
{
	uint64_t lo, hi;
	struct rmpsim_rise rises[RMPSIM_RISES_MAX];
	rmpsim_sim_rmpopt_window(s, &lo, &hi);
	size_t nr = rmpsim_sim_rmpopt_rises(s, rises, RMPSIM_RISES_MAX);
	marks = marks * 31 + lo * 7 + hi * 3 + nr;
	for (size_t i = 0; i < nr && i < RMPSIM_RISES_MAX; i++)
		marks = marks * 31 + rises[i].cpu + rises[i].ps * 5 + rises[i].at_ps * 11;
	if (ret_lo)
		*ret_lo = lo;
	return marks;
}

/* Two runs' rises, the same (their count, and each one's CPU, cost and time). */
static inline void range_assert_same_rises(const struct rmpsim_rise *a, size_t na,
					   const struct rmpsim_rise *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na && i < RMPSIM_RISES_MAX; i++) {
		assert_int_equal(a[i].cpu, b[i].cpu);
		assert_int_equal(a[i].ps, b[i].ps);
		assert_int_equal(a[i].at_ps, b[i].at_ps);
	}
}

#endif
