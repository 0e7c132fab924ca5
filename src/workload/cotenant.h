/* SPDX-License-Identifier: MIT */
/*
 * Co-tenants in a run (issue 17 points 1 and 2): the vCPUs of non-SNP guests
 * on the scenario's CPUs (cotenant.c) and the RMP checks their and the host's
 * write traffic would pay (benefit.c).
 */
#ifndef RMPSIM_WORKLOAD_COTENANT_H
#define RMPSIM_WORKLOAD_COTENANT_H

#include <stddef.h>
#include <stdint.h>

#include <rmpsim/workload.h>

#include "placement.h"

struct rmpsim_sim;
struct rmpsim_machine;

/*
 * Put the scenario's vCPUs on the sim (none: nothing). -EINVAL with msg when
 * the list names a CPU the machine lacks; -ENOMEM.
 */
int rmpsim__cotenant_start(struct rmpsim_sim *sim, const struct rmpsim_cotenant *c,
			   const struct rmpsim_allocator *a, char *msg, size_t len);

/* A444: the guests of state cotenant, per NUMA node: an SNP guest of half the
 * node's free whole GBs (rounded down) and a non-SNP guest of the rest. */
size_t rmpsim__cotenant_nguests(unsigned nnodes);
void rmpsim__cotenant_guests(const struct rmpsim__pool *pool, unsigned nnodes, enum rmpsim_backing backing,
			     struct rmpsim_guest *ret);

/* Guest memory as placed, for the traffic model. */
struct rmpsim__tenant_mem {
	const struct rmpsim__extent *ext;
	size_t n;
	bool snp;
};

/*
 * The benefit side (A445-A447), from rates, after the pass: fills in a region
 * a core has optimised skip the RMP lookup. Fills r->benefit (pass_cost_ns
 * must be set). 0, -EINVAL (bad host_regions, msg), -ENOMEM.
 */
int rmpsim__benefit(struct rmpsim_sim *sim, struct rmpsim_machine *m, const struct rmpsim_cotenant *c,
		    const struct rmpsim__tenant_mem *mem, size_t nmem, const struct rmpsim_allocator *a,
		    struct rmpsim_run_result *r, char *msg, size_t len);

#endif
