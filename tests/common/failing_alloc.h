/* SPDX-License-Identifier: MIT */
/*
 * An allocator that fails on demand (Lua's ltests.h idea), to check that every
 * allocation failure is reported as -ENOMEM and leaves no partial state.
 *
 *   struct failing_alloc fa;
 *   failing_alloc_init(&fa, 3);   // the 4th allocation and all later ones fail
 *
 * Use failing_alloc_sweep() to run an operation with the failure point moved
 * from the first allocation to beyond the last.
 */
#ifndef RMPSIM_TEST_FAILING_ALLOC_H
#define RMPSIM_TEST_FAILING_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

#include <rmpsim/alloc.h>

struct failing_alloc {
	struct rmpsim_allocator alloc;
	long budget;	   /* allocations left before failures start; <0 = never fail */
	long allocations;  /* successful allocations so far */
	long failures;	   /* refused allocations so far */
	size_t live_bytes; /* bytes currently allocated through it */
};

void failing_alloc_init(struct failing_alloc *fa, long budget);

#endif
