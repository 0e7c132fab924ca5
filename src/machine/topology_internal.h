/* SPDX-License-Identifier: MIT */
/* The flat topology behind the opaque handle (shared by topology.c and the machine). */
#ifndef RMPSIM_MACHINE_TOPOLOGY_INTERNAL_H
#define RMPSIM_MACHINE_TOPOLOGY_INTERNAL_H

#include <stdint.h>

#include <rmpsim/alloc.h>

struct rmpsim_topology {
	const struct rmpsim_allocator *alloc;
	unsigned ncpus, ncores, nnodes, npackages;
	unsigned tpc;	     /* threads per core (uniform) */
	unsigned *core_node; /* [ncores] NUMA node of each core */
	uint64_t *node_mem;  /* [nnodes] bytes, multiple of 2 MiB */
	unsigned *node_pkg;  /* [nnodes] package of each node */
	unsigned nl3;	     /* L3 groups (cores sharing one L3), numbered in core order */
	unsigned *core_l3;   /* [ncores] L3 group of each core */
	unsigned *l3_node;   /* [nl3] NUMA node of each group */
	unsigned *l3_ncores; /* [nl3] cores in each group */
};

#endif
