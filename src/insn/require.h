/* SPDX-License-Identifier: MIT */
/*
 * The precondition vocabulary of the instruction files (after Spike's
 * require_*() and QEMU's svm_helper checks): small predicates over the RMP
 * that each instruction strings together in its documented order, and a
 * REQUIRE() that returns the instruction's typed failure when one does not
 * hold. Internal to src/insn.
 */
#ifndef RMPSIM_INSN_REQUIRE_H
#define RMPSIM_INSN_REQUIRE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rmpsim/insn.h>
#include <rmpsim/rmp.h>

#include "rmp/entry_bits.h" /* spec 2.2 bit positions, for checks on raw entries */

/* Return fail from the enclosing check function unless cond holds. */
#define RMPSIM__REQUIRE(cond, fail)                                                                          \
	do {                                                                                                 \
		if (!(cond))                                                                                 \
			return (fail);                                                                       \
	} while (0)

static inline uint64_t rmpsim__page_bytes(unsigned pagesize)
{
	return pagesize == RMPSIM_PAGE_2M ? RMPSIM_SZ_2M : RMPSIM_SZ_4K;
}

static inline uint64_t rmpsim__align_down(uint64_t x, uint64_t size)
{
	return x & ~(size - 1);
}

static inline bool rmpsim__require_aligned(uint64_t x, uint64_t size)
{
	return (x & (size - 1)) == 0;
}

/*
 * Every 4K page of [spa, spa + bytes) has an entry. Coverage ends on 4K
 * boundaries (contiguous RMP) or on 1 GB boundaries (segments are mapped in
 * whole GB, spec 2.3), so a range of at most 2 MB that is 4K aligned is covered
 * exactly when its first and last pages are.
 */
static inline bool rmpsim__require_covered(const struct rmpsim_rmp *rmp, uint64_t spa, uint64_t bytes)
{
	const struct rmpsim_rmp_layout *l = rmpsim_rmp_layout(rmp);

	if (spa + bytes - 1 < spa)
		return false;
	if (bytes == RMPSIM_SZ_4K && rmpsim__require_aligned(spa, RMPSIM_SZ_4K))
		return rmpsim_layout_covers(l, spa); /* one page: its first byte decides */
	return rmpsim_layout_covers(l, spa) && rmpsim_layout_covers(l, spa + bytes - 1);
}

/* The decoded entry of a covered spa (the caller checked coverage). */
static inline void rmpsim__read_entry(const struct rmpsim_rmp *rmp, uint64_t spa,
				      struct rmpsim_raw_entry *raw, struct rmpsim_rmp_entry *e)
{
	struct rmpsim_raw_entry r = { 0, 0 };

	(void)rmpsim_rmp_get(rmp, spa, &r);
	if (raw)
		*raw = r;
	rmpsim_entry_decode(&r, e);
}

/* Whether an entry is an assigned 2 MB entry: authoritative for its region. */
static inline bool rmpsim__is_assigned_2m(const struct rmpsim_rmp_entry *e)
{
	return e->assigned && e->pagesize == RMPSIM_PAGE_2M;
}

/* Whether two raw entries hold the same bytes, apart from the table-kept sub-page count. */
static inline bool rmpsim__raw_same(const struct rmpsim_raw_entry *a, const struct rmpsim_raw_entry *b)
{
	return ((a->lo ^ b->lo) & ~RMPSIM__LO_SUBPAGE_MASK) == 0 && a->hi == b->hi;
}

static inline void rmpsim__change_none(struct rmpsim_rmp_change *c)
{
	memset(c, 0, sizeof(*c));
}

static inline void rmpsim__change_set(struct rmpsim_rmp_change *c, bool changed, bool assigned, uint64_t spa,
				      uint64_t bytes)
{
	c->changed = changed;
	c->assigned = assigned;
	c->spa = changed ? spa : 0;
	c->bytes = changed ? bytes : 0;
}

/*
 * The entry the guest checks use for spa (covered): the 2 MB-aligned entry
 * when it is an assigned 2 MB entry (its sub-entries hold no owner, A25),
 * else the 4K entry of spa. Returns its level and the SPA of the entry.
 */
static inline unsigned rmpsim__authoritative(const struct rmpsim_rmp *rmp, uint64_t spa,
					     struct rmpsim_raw_entry *raw, struct rmpsim_rmp_entry *e,
					     uint64_t *entry_spa)
{
	uint64_t head = rmpsim__align_down(spa, RMPSIM_SZ_2M);

	if (rmpsim_rmp_2m_head_assigned(rmp, head)) {
		rmpsim__read_entry(rmp, head, raw, e);
		if (e->pagesize == RMPSIM_PAGE_2M) {
			*entry_spa = head;
			return RMPSIM_PAGE_2M;
		}
	}
	*entry_spa = rmpsim__align_down(spa, RMPSIM_SZ_4K);
	rmpsim__read_entry(rmp, *entry_spa, raw, e);
	return RMPSIM_PAGE_4K;
}

/*
 * rmpsim_insn_rmpupdate() on the reference paths (issue 14 point 5): a 4K
 * page through one look-up's view and a separate write, a 2 MB page through
 * its region's view, as before the store's one-call edits; what tests
 * compare the fused path with.
 */
int rmpsim__insn_rmpupdate_ref(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
			       struct rmpsim_insn_out *out);

/* How rmpsim_insn_rmpupdate_range got its work done (rmpupdate.c), for tests and benchmarks. */
struct rmpsim__range_stats {
	uint64_t bulk_chunks;  /* 2 MB chunks written in bulk, decided run by run */
	uint64_t bulk_pages;   /* the pages of those chunks */
	uint64_t single_pages; /* pages given to the single-RMPUPDATE path (the failing one included) */
	uint64_t gb_batches;   /* whole GB regions decided as one (their chunks counted in bulk_chunks) */
};
/* rmpsim_insn_rmpupdate_range(), adding to *stats (may be NULL) what it did. */
int rmpsim__insn_rmpupdate_range_stats(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
				       const struct rmpsim_rmp_state *in, bool gpa_step,
				       struct rmpsim_insn_out *out, struct rmpsim__range_stats *stats);

#endif
