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
 * Before the run boots: the vCPU list and host_regions (when there is traffic)
 * name CPUs and RAM regions the machine has. 0, or -EINVAL with msg and where
 * the value was written (*ret_pos).
 */
int rmpsim__cotenant_check(const struct rmpsim_machine *m, const struct rmpsim_cotenant *c, char *msg,
			   size_t len, struct rmpsim_wl_pos *ret_pos);
/* Put the scenario's (checked) vCPUs on the sim (none: nothing). 0 or -ENOMEM. */
int rmpsim__cotenant_start(struct rmpsim_sim *sim, const struct rmpsim_cotenant *c,
			   const struct rmpsim_allocator *a);

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
 * must be set; host_regions checked by rmpsim__cotenant_check). 0 or -ENOMEM.
 */
int rmpsim__benefit(struct rmpsim_sim *sim, struct rmpsim_machine *m, const struct rmpsim_cotenant *c,
		    const struct rmpsim__tenant_mem *mem, size_t nmem, const struct rmpsim_allocator *a,
		    struct rmpsim_run_result *r);

#endif
