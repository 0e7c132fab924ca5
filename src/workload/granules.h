/* SPDX-License-Identifier: MIT */
/*
 * Guest memory for a fleet replay: the pool's 1 GB regions (A111) cut into
 * 2 MB granules that VMs take at launch and give back at teardown, placed by
 * one of the placement policies (A462). A VM's memory is a list of extents
 * (placement.h), contiguous granules merged.
 */
#ifndef RMPSIM_WORKLOAD_GRANULES_H
#define RMPSIM_WORKLOAD_GRANULES_H

#include <stdbool.h>
#include <stdint.h>

#include <rmpsim/fleet.h>

#include "placement.h"

#define RMPSIM__GRANULE		(2ull << 20)
#define RMPSIM__GRANULES_PER_GB 512u

struct rmpsim__gran_region {
	uint64_t spa;
	unsigned node;
	unsigned used;	  /* granules taken */
	uint64_t bits[8]; /* granule i taken: bit i */
};

struct rmpsim__granules {
	const struct rmpsim_allocator *alloc;
	struct rmpsim__gran_region *reg; /* address order */
	unsigned nreg, nnodes;
	unsigned *order, *scratch; /* region indices in placement order, and room to sort them */
};

/* Every region of the pool (whole GBs), which is left unchanged. 0, -ENOMEM. */
int rmpsim__gran_init(struct rmpsim__granules *g, const struct rmpsim_allocator *a,
		      const struct rmpsim__pool *pool, unsigned nnodes);
void rmpsim__gran_fini(struct rmpsim__granules *g);
/* Free bytes of node (-1: every node); 1 GB backing counts only empty regions. */
uint64_t rmpsim__gran_free(const struct rmpsim__granules *g, int node, bool whole_gb);
/* Bytes of node (-1: all) when nothing is taken. */
uint64_t rmpsim__gran_capacity(const struct rmpsim__granules *g, int node);
/*
 * Take bytes (a multiple of 2 MB; of 1 GB when whole_gb, which takes only empty
 * regions) for a VM whose node is node (-1: any), by policy pl; the extents
 * are appended to *ext. 0, -ENOSPC (nothing taken), -ENOMEM (nothing taken).
 */
int rmpsim__gran_take(struct rmpsim__granules *g, enum rmpsim_placement pl, int node, uint64_t bytes,
		      bool whole_gb, struct rmpsim__extent **ext, size_t *next, size_t *ext_cap);
/* (*next must be 0: a VM takes its memory once.) */
/* Give back extents taken before. */
void rmpsim__gran_give(struct rmpsim__granules *g, const struct rmpsim__extent *ext, size_t n);

#endif
