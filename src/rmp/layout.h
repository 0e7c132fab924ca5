/* SPDX-License-Identifier: MIT */
/*
 * The parsed RMP layout (spec 2.1, 2.3). A contiguous RMP is one segment with
 * shift 52, as Linux treats it (spec 2.1), so lookups have a single form.
 */
#ifndef RMPSIM_RMP_LAYOUT_H
#define RMPSIM_RMP_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include <rmpsim/rmp.h>

#define RMPSIM__NON_SEGMENTED_SHIFT 52u /* spec 2.1 */

struct rmpsim__segment {
	uint64_t entries_pa;   /* SPA of the segment's first entry */
	uint64_t mapped_bytes; /* SPA bytes the segment's entries cover; 0 = none */
};

struct rmpsim_rmp_layout {
	const struct rmpsim_allocator *alloc;
	bool segmented;
	uint64_t rmp_base; /* bookkeeping area (16 KiB), then the RST when segmented */
	uint64_t rmp_end;  /* contiguous: last byte; segmented: 0 */
	unsigned shift;
	unsigned n_segments; /* usable RST size: last used index + 1 (spec 2.3) */
	uint64_t coverage_end;
	struct rmpsim__segment *segments;
};

/* Whether spa has an entry (spec 2.3): rmpsim_layout_covers(), inline for the store's hot path. */
static inline bool rmpsim__layout_covers_inline(const struct rmpsim_rmp_layout *l, uint64_t spa)
{
	uint64_t idx = spa >> l->shift;

	return idx < l->n_segments && (spa & ((1ull << l->shift) - 1)) < l->segments[idx].mapped_bytes;
}

/* The end of the covered prefix: every page of [0, end) has an entry, the page at end has none. */
uint64_t rmpsim__layout_covered_prefix(const struct rmpsim_rmp_layout *l);
/* Whether every 4K page of [spa, spa + bytes) has an entry. */
bool rmpsim__layout_range_covered(const struct rmpsim_rmp_layout *l, uint64_t spa, uint64_t bytes);
int rmpsim__layout_clone(const struct rmpsim_allocator *a, const struct rmpsim_rmp_layout *src,
			 struct rmpsim_rmp_layout **ret_layout);

#endif
