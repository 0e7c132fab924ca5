/* SPDX-License-Identifier: MIT */
/*
 * Round patterns in the interrupts-off histogram (hist.c). A round taken from
 * a memo hands out the memo's stretches again at a new send (sim.h
 * rmpsim_round_stretches.pattern, pattern_gen): what they add to the columns
 * does not depend on the send, so it is worked out once per pattern (bucket
 * counts per column, and each column's count, sum, minimum, maximum) and each
 * round of it is one more count (mult), folded into the columns before they
 * are read or the slot is given to another pattern. The busy heatmap keeps its
 * own part of slot k (heat.h heat_pattern).
 */
#ifndef RMPSIM_REPORT_HIST_PATTERN_H
#define RMPSIM_REPORT_HIST_PATTERN_H

#include <stdbool.h>
#include <stdint.h>

#include <rmpsim/sim.h>

#include "base/alloc.h"
#include "heat.h"
#include "hist_col.h"

struct hist_pattern_bucket {
	unsigned col, bucket; /* bucket IRQOFF_ENTRIES: over */
	uint64_t count;
};
struct hist_pattern_col {
	unsigned col;
	uint64_t count, sum, min, max;
};

struct hist_pattern {
	const void *key; /* the pattern; NULL: slot free */
	uint64_t gen;	 /* its pattern_gen */
	uint64_t used;	 /* clock at its last round: the least recent slot makes room */
	uint64_t mult;	 /* its rounds not folded into the columns yet */
	size_t nb, nc, cap;
	struct hist_pattern_bucket *b; /* [cap] distinct (column, bucket) and their counts */
	struct hist_pattern_col *c;    /* [cap] the columns it touches */
};

struct rmpsim__hist_patterns {
	const struct rmpsim_allocator *alloc;
	unsigned ncols;
	uint64_t clock;
	struct hist_pattern p[RMPSIM__ROUND_PATTERNS];
	uint32_t *at_b; /* [ncols * (IRQOFF_ENTRIES + 1)] while building: 1 + index in b, else 0 */
	uint32_t *at_c; /* [ncols] likewise in c */
};

void rmpsim__hist_patterns_init(struct rmpsim__hist_patterns *ps, const struct rmpsim_allocator *a,
				unsigned ncols);
void rmpsim__hist_patterns_fini(struct rmpsim__hist_patterns *ps);
/*
 * A round with a pattern (r->pattern != NULL) during a pass, cols the pass's
 * columns (col_of[cpu] each CPU's, ncpus CPUs): counted in the columns and
 * the heatmap, 0; or -ENOMEM, nothing done (the caller adds its stretches).
 */
int rmpsim__hist_pattern_round(struct rmpsim__hist_patterns *ps, struct rmpsim__heat *heat,
			       struct column *cols, const unsigned *col_of, unsigned ncpus,
			       const struct rmpsim_round_stretches *r);
/* Every pending round into cols (before they are read). */
void rmpsim__hist_patterns_fold(struct rmpsim__hist_patterns *ps, struct column *cols);
/* Forget the pending rounds (the columns they belong to were cleared). */
void rmpsim__hist_patterns_drop(struct rmpsim__hist_patterns *ps);

#endif
