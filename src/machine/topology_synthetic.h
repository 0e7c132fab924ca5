/* SPDX-License-Identifier: MIT */
/* Our own pass over an hwloc synthetic description (topology_synthetic.c). */
#ifndef RMPSIM_MACHINE_TOPOLOGY_SYNTHETIC_H
#define RMPSIM_MACHINE_TOPOLOGY_SYNTHETIC_H

#include <stdint.h>

#include <rmpsim/error.h>

/* What the description makes, as counted from its text. */
struct rmpsim_synthetic_summary {
	unsigned cpus, nodes;
	uint64_t memory; /* bytes, NUMA nodes without memory= counted at hwloc's 1 GiB */
};

/*
 * Check desc against the grammar and the limits of <rmpsim/limits.h> without
 * loading it; -EINVAL with diag (line 1, the column of the offending token,
 * "column N: ..." message). ret may be NULL.
 */
int rmpsim__synthetic_scan(const char *desc, struct rmpsim_diag *diag, struct rmpsim_synthetic_summary *ret);

#endif
