/* SPDX-License-Identifier: MIT */
/* What a scenario run and a fleet replay both set up (run.c). */
#ifndef RMPSIM_WORKLOAD_SETUP_H
#define RMPSIM_WORKLOAD_SETUP_H

#include <rmpsim/alloc.h>
#include <rmpsim/error.h>

struct rmpsim_machine;

/* The machine of a description: "" the default one, a path ending in .xml an
 * hwloc XML file, else an hwloc synthetic string. 0 or -errno with *diag. */
int rmpsim__wl_make_machine(const struct rmpsim_allocator *a, const char *desc, struct rmpsim_machine **ret,
			    struct rmpsim_diag *diag);

#endif
