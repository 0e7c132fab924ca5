/* SPDX-License-Identifier: MIT */
/* Where guest memory goes: the 1 GB regions guests can get (A111) and a simple
 * first-fit allocator over them, per NUMA node. */
#ifndef RMPSIM_WORKLOAD_PLACEMENT_H
#define RMPSIM_WORKLOAD_PLACEMENT_H

#include <stddef.h>
#include <stdint.h>

#include <rmpsim/alloc.h>

struct rmpsim_machine;

struct rmpsim__extent {
	uint64_t spa, bytes;
	unsigned node;
};

/* Append e to *arr (grown with a), merged with the last piece when they touch
 * on one node. 0 or -ENOMEM. */
int rmpsim__extent_push(const struct rmpsim_allocator *a, struct rmpsim__extent **arr, size_t *n, size_t *cap,
			struct rmpsim__extent e);

struct rmpsim__pool {
	const struct rmpsim_allocator *alloc;
	struct rmpsim__extent *free; /* address order; merged whole GBs */
	size_t nfree, cap;
	uint64_t free_bytes;
};

/*
 * The regions guests can get (A111): every 1 GB region wholly inside one RAM
 * range whose RMP entries are all unassigned after SNP_INIT (regions holding
 * the RMP or firmware pages never can be; spec 1.1), minus the lowest
 * host_reserve bytes of RAM, which the host keeps. 0 or -ENOMEM.
 */
int rmpsim__pool_init(struct rmpsim__pool *p, const struct rmpsim_allocator *a, struct rmpsim_machine *m,
		      uint64_t host_reserve);
void rmpsim__pool_free(struct rmpsim__pool *p);
/* Bytes a node (-1 = any) still has. */
uint64_t rmpsim__pool_node_bytes(const struct rmpsim__pool *p, int node);
/*
 * Take `bytes` (a multiple of align) from node (-1 = lowest address first),
 * each piece aligned to align, appending pieces to *ext (grown with the
 * pool's allocator). 0, -ENOSPC (nothing taken), -ENOMEM.
 */
int rmpsim__pool_take(struct rmpsim__pool *p, int node, uint64_t bytes, uint64_t align,
		      struct rmpsim__extent **ext, size_t *next, size_t *ext_cap);

#endif
