/* SPDX-License-Identifier: MIT */
/*
 * The whole public API of librmpsim in one include (docs/api.md):
 *
 *	#include <rmpsim/rmpsim.h>
 *	cc prog.c $(pkg-config --cflags --libs rmpsim)
 *
 * Every function declared by these headers, and no other, is exported by the
 * shared librmpsim (tests/lib/test_exports.py checks it). The kernel shim's
 * headers (<linux/...>, <rmpsim/policy.h>) are not part of it: they are for
 * kernel-style plugins (pkg-config rmpsim-kshim, docs/kshim.md).
 */
#ifndef RMPSIM_RMPSIM_H
#define RMPSIM_RMPSIM_H

#include <rmpsim/alloc.h>
#include <rmpsim/error.h>
#include <rmpsim/firmware.h>
#include <rmpsim/fleet.h>
#include <rmpsim/insn.h>
#include <rmpsim/limits.h>
#include <rmpsim/machine.h>
#include <rmpsim/profile.h>
#include <rmpsim/report.h>
#include <rmpsim/rmp.h>
#include <rmpsim/sim.h>
#include <rmpsim/timeline.h>
#include <rmpsim/topology.h>
#include <rmpsim/workload.h>

#endif
