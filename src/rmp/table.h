/* SPDX-License-Identifier: MIT */
/*
 * The table store behind struct rmpsim_rmp: one front (table.c) that checks
 * arguments and coverage, two backends (dense.c: the reference array;
 * sparse.c: the scalable store). Backends only ever see covered, 4K-aligned
 * SPAs and non-empty ranges.
 */
#ifndef RMPSIM_RMP_TABLE_H
#define RMPSIM_RMP_TABLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rmpsim/rmp.h>

#include "layout.h"
#include "rmp/unchecked.h"

struct rmpsim__dense {
	struct rmpsim_raw_entry *e; /* one per 4K page of [0, n_2m x 2 MB), subpage bits zero */
	uint16_t *count2m;	    /* assigned entries per 2 MB region, kept on every write */
	uint64_t n_2m;
};

struct rmpsim__sgb; /* sparse.c: one 1 GB region */

struct rmpsim__sparse {
	struct rmpsim__sgb **gb; /* preallocated: one pointer per GB, NULL = all zero */
	uint64_t n_gb;
};

struct rmpsim_rmp {
	const struct rmpsim_allocator *alloc;
	struct rmpsim_rmp_layout *layout;
	enum rmpsim_rmp_backend backend;
	/*
	 * Whole 2 MB regions from SPA 0 that the layout covers (issue 14 point 5):
	 * one compare answers A20 for the hot paths below it (rmpsim__rmp_covered).
	 * It sits in the padding after backend: the table's bytes do not change.
	 */
	uint32_t covered_2m;
	atomic_size_t bytes; /* updated from different GBs' writers: atomic */
	union {
		struct rmpsim__dense dense;
		struct rmpsim__sparse sparse;
	} u;
};

/* Whether spa has an entry (A20): the covered prefix's one compare, else the layout. */
static inline bool rmpsim__rmp_covered(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	return (spa >> 21) < rmp->covered_2m || rmpsim__layout_covers_inline(rmp->layout, spa);
}

/* Allocation through the table's allocator, accounted in rmp->bytes. */
void *rmpsim__rmp_alloc(struct rmpsim_rmp *rmp, size_t n, bool zero);
void rmpsim__rmp_free(struct rmpsim_rmp *rmp, void *p, size_t n);

/* The stored entry with subpage bits cleared (an input to a write). */
static inline struct rmpsim_raw_entry rmpsim__raw_stored(const struct rmpsim_raw_entry *e)
{
	struct rmpsim_raw_entry r = *e;

	r.lo &= ~(0x1ffull << 3);
	return r;
}

/*
 * What an edit (unchecked.h) makes of a page's old entry; head: the page lies
 * inside an assigned 2 MB entry's region. Its flags; *n the new entry when
 * WRITTEN. Every backend's edit decides here, so they cannot differ.
 */
static inline int rmpsim__edit_decide(const struct rmpsim__rmp_edit *ed, const struct rmpsim_raw_entry *old,
				      bool head, struct rmpsim_raw_entry *n)
{
	if ((old->lo & ed->refuse_lo) || (head && ed->refuse_in_2m_page))
		return RMPSIM__EDIT_REFUSED;
	n->lo = ed->set.lo;
	n->hi = (old->hi & ed->keep_hi) | ed->set.hi;
	return n->lo == old->lo && n->hi == old->hi ? 0 : RMPSIM__EDIT_WRITTEN;
}

/* rmpsim__rmp_2m_runs() over an array of 512 stored entries: consecutive equal or stepping entries merge. */
struct rmpsim__rmp_run;
int rmpsim__array_2m_runs(const struct rmpsim_raw_entry *e,
			  int (*fn)(void *ctx, const struct rmpsim__rmp_run *r), void *ctx);

int rmpsim__dense_init(struct rmpsim_rmp *rmp);
void rmpsim__dense_fini(struct rmpsim_rmp *rmp);
void rmpsim__dense_get(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry *ret);
void rmpsim__dense_set_range(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
			     const struct rmpsim_raw_entry *first, bool step);
unsigned rmpsim__dense_2m_count(const struct rmpsim_rmp *rmp, uint64_t spa);
bool rmpsim__dense_2m_head(const struct rmpsim_rmp *rmp, uint64_t spa);
int rmpsim__dense_1g_first_busy(const struct rmpsim_rmp *rmp, uint64_t spa);

int rmpsim__sparse_init(struct rmpsim_rmp *rmp);
void rmpsim__sparse_fini(struct rmpsim_rmp *rmp);
void rmpsim__sparse_get(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry *ret);
/* sparse_get, sparse_2m_count and sparse_2m_head of spa in one look-up (unchecked.h). */
struct rmpsim__rmp_view;
void rmpsim__sparse_get_view(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim__rmp_view *ret);
int rmpsim__sparse_set_range(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
			     const struct rmpsim_raw_entry *first, bool step);
int rmpsim__sparse_set_one(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_raw_entry *e,
			   const struct rmpsim_raw_entry *old);
/* rmpsim__rmp_edit_4k() of a covered page (unchecked.h). */
int rmpsim__sparse_edit_4k(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim__rmp_edit *ed,
			   uint64_t *old_lo);
/* rmpsim__rmp_slot_form() and rmpsim__rmp_run_edits() of a covered spa (unchecked.h). */
int rmpsim__sparse_slot_form(const struct rmpsim_rmp *rmp, uint64_t spa);
unsigned rmpsim__sparse_run_edits(const struct rmpsim_rmp *rmp, uint64_t spa);
/* rmpsim__rmp_fill_zero_2m() of a covered 2 MB region (unchecked.h). */
int rmpsim__sparse_fill_zero_2m(struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry head,
				uint64_t sub_lo, bool adv);
unsigned rmpsim__sparse_2m_count(const struct rmpsim_rmp *rmp, uint64_t spa);
bool rmpsim__sparse_2m_head(const struct rmpsim_rmp *rmp, uint64_t spa);
int rmpsim__sparse_1g_first_busy(const struct rmpsim_rmp *rmp, uint64_t spa);
int rmpsim__sparse_2m_runs(const struct rmpsim_rmp *rmp, uint64_t spa,
			   int (*fn)(void *ctx, const struct rmpsim__rmp_run *r), void *ctx);
struct rmpsim__rmp_shape;
bool rmpsim__sparse_1g_shape(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim__rmp_shape *ret);
int rmpsim__sparse_set_slots(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t nslots,
			     const struct rmpsim__rmp_shape *sh);
int rmpsim__sparse_2m_for_each(const struct rmpsim_rmp *rmp, uint64_t spa,
			       int (*fn)(void *ctx, uint64_t spa, const struct rmpsim_raw_entry *e),
			       void *ctx);

#endif
