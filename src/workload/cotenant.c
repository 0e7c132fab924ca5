/* SPDX-License-Identifier: MIT */
/*
 * Co-tenant vCPUs on the simulated host (A440-A444): the scenario's CPU list,
 * or every CPU until a host process takes it (auto), and the guests of state
 * cotenant.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <rmpsim/machine.h>
#include <rmpsim/sim.h>

#include "base/alloc.h"
#include "cotenant.h"

#define GB	      (1ull << 30)
#define BITS_PER_LONG (sizeof(unsigned long) * CHAR_BIT)

/* The highest 1 GB region holding RAM, plus one. */
static uint64_t ram_regions(const struct rmpsim_machine *m)
{
	struct rmpsim_mem_range ranges[256];
	size_t nr = rmpsim_machine_ram_ranges(m, ranges, 256);
	uint64_t nreg = 0;
	for (size_t i = 0; i < nr && i < 256; i++)
		nreg = (ranges[i].end + GB - 1) / GB > nreg ? (ranges[i].end + GB - 1) / GB : nreg;
	return nreg;
}

int rmpsim__cotenant_check(const struct rmpsim_machine *m, const struct rmpsim_cotenant *c, char *msg,
			   size_t len, struct rmpsim_wl_pos *ret_pos)
{
	unsigned ncpus = rmpsim_machine_ncpus(m);
	for (size_t i = 0; c->vcpus == RMPSIM_VCPUS_LIST && i < c->nlist; i++) {
		if (c->list[i].hi >= ncpus) {
			snprintf(msg, len,
				 "[cotenant] vcpus: CPU %llu: expected CPUs of the machine (0 to %u)",
				 (unsigned long long)c->list[i].hi, ncpus - 1);
			*ret_pos = c->vcpus_pos;
			return -EINVAL;
		}
	}
	if (!c->host_fills_per_s && !c->guest_fills_per_s)
		return 0; /* no traffic: the regions are not used */
	uint64_t nreg = ram_regions(m);
	for (size_t i = 0; i < c->nhost_regions; i++) {
		if (c->host_regions[i].hi >= nreg) {
			snprintf(msg, len,
				 "[cotenant] host_regions: region %llu: expected 1 GB regions of the "
				 "machine's "
				 "RAM (0 to %llu)",
				 (unsigned long long)c->host_regions[i].hi, (unsigned long long)nreg - 1);
			*ret_pos = c->host_regions_pos;
			return -EINVAL;
		}
	}
	return 0;
}

int rmpsim__cotenant_start(struct rmpsim_sim *sim, const struct rmpsim_cotenant *c,
			   const struct rmpsim_allocator *a)
{
	unsigned ncpus = rmpsim_sim_ncpus(sim);
	size_t words = (ncpus + BITS_PER_LONG - 1) / BITS_PER_LONG;

	if (c->vcpus == RMPSIM_VCPUS_NONE)
		return 0;
	unsigned long *mask = rmpsim__calloc(a, words, sizeof(*mask));
	if (!mask)
		return -ENOMEM;
	for (unsigned cpu = 0; cpu < ncpus; cpu++) {
		bool on = c->vcpus == RMPSIM_VCPUS_AUTO;
		for (size_t i = 0; !on && i < c->nlist; i++)
			on = cpu >= c->list[i].lo && cpu <= c->list[i].hi;
		if (on)
			mask[cpu / BITS_PER_LONG] |= 1ul << (cpu % BITS_PER_LONG);
	}
	rmpsim_sim_set_vcpus(sim, mask, c->vcpus == RMPSIM_VCPUS_AUTO ? RMPSIM_VCPU_GIVE_WAY : 0);
	rmpsim__free(a, mask, words * sizeof(*mask));
	return 0;
}

size_t rmpsim__cotenant_nguests(unsigned nnodes)
{
	return 2 * (size_t)nnodes;
}

void rmpsim__cotenant_guests(const struct rmpsim__pool *pool, unsigned nnodes, enum rmpsim_backing backing,
			     struct rmpsim_guest *ret)
{
	for (unsigned n = 0; n < nnodes; n++) {
		uint64_t gbs = rmpsim__pool_node_bytes(pool, (int)n) / GB;
		struct rmpsim_guest *snp = &ret[2 * n], *other = &ret[2 * n + 1];
		memset(snp, 0, 2 * sizeof(*snp));
		snprintf(snp->name, sizeof(snp->name), "snp%u", n);
		snprintf(other->name, sizeof(other->name), "tenant%u", n);
		snp->snp = true;
		snp->backing = other->backing = backing;
		snp->node = other->node = (int)n;
		snp->bytes = gbs / 2 * GB;
		other->bytes = (gbs - gbs / 2) * GB;
	}
}
