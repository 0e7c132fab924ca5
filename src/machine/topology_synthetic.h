/* SPDX-License-Identifier: MIT */
/* Our own pass over an hwloc synthetic description (topology_synthetic.c). */
#ifndef RMPSIM_MACHINE_TOPOLOGY_SYNTHETIC_H
#define RMPSIM_MACHINE_TOPOLOGY_SYNTHETIC_H

#include <stdbool.h>
#include <stdint.h>

#include <rmpsim/error.h>

#define RMPSIM__SYNTH_LEVELS 32 /* = RMPSIM_MAX_SYNTHETIC_LEVELS: one level per token at most */

/* What the description makes, as counted from its text. */
struct rmpsim_synthetic_summary {
	unsigned cpus, nodes;
	uint64_t memory; /* bytes, NUMA nodes without memory= counted at hwloc's 1 GiB */
	/* Its shape, for building the machine without hwloc (topology.c). */
	unsigned nlevels;
	int type[RMPSIM__SYNTH_LEVELS];		     /* hwloc_obj_type_t of each level, top down */
	uint64_t count[RMPSIM__SYNTH_LEVELS];	     /* objects in each object of the level above */
	uint64_t level_memory[RMPSIM__SYNTH_LEVELS]; /* a numa level: each node's bytes */
	unsigned nattached;			     /* "[numa(...)]" tokens */
	int attached_to;			     /* the level the last one follows (-1: the machine) */
	uint64_t attached_memory;		     /* its bytes per node */
};

/*
 * Check desc against the grammar and the limits of <rmpsim/limits.h> without
 * loading it; -EINVAL with diag (line 1, the column of the offending token,
 * "column N: ..." message). ret may be NULL.
 */
int rmpsim__synthetic_scan(const char *desc, struct rmpsim_diag *diag, struct rmpsim_synthetic_summary *ret);

/*
 * Whether desc keeps to the plain spelling (lower-case type names, single
 * spaces or runs of them, numbers without leading zeros, units as hwloc
 * documents them, memory= only on numa, size= only on caches, no empty or
 * extra attribute): the descriptions rmpsim builds without hwloc. Others go
 * through hwloc's import, which decides what it accepts.
 */
bool rmpsim__synthetic_plain(const char *desc);

#endif
