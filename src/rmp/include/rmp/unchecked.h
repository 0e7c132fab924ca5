/* SPDX-License-Identifier: MIT */
/*
 * The table without its front checks, for the instruction layer's hot path
 * (src/insn: RMPUPDATE, PSMASH), which has already checked the arguments and
 * the coverage in its documented order and would otherwise pay for them twice.
 * Same thread-safety contract as rmp.h.
 */
#ifndef RMPSIM_RMP_UNCHECKED_H
#define RMPSIM_RMP_UNCHECKED_H

#include <stdbool.h>
#include <stdint.h>

#include <rmpsim/rmp.h>

/* The stored entry of a covered, 4K-aligned spa: rmpsim_rmp_get() without subpage_count. */
void rmpsim__rmp_get_stored(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry *ret);
/* What RMPUPDATE reads before it writes: one entry and its 2 MB region's summaries. */
struct rmpsim__rmp_view {
	struct rmpsim_raw_entry e; /* stored: subpage_count 0 */
	unsigned count_2m;	   /* rmpsim_rmp_2m_assigned_count() of the region, if asked for */
	bool head_2m_page;	   /* the region's 2 MB-aligned entry is an assigned 2 MB entry (A24) */
	bool zero_2m;		   /* every entry of the 2 MB region is known zero (false: maybe not) */
};
/* The view of a covered, 4K-aligned spa, in one look-up; count_2m is 0 unless want_count. */
void rmpsim__rmp_get_view(const struct rmpsim_rmp *rmp, uint64_t spa, bool want_count,
			  struct rmpsim__rmp_view *ret);
/* rmpsim_rmp_set() of a covered, 4K-aligned spa: 0 or -ENOMEM (nothing changed). */
int rmpsim__rmp_set_covered(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_raw_entry *entry);
/*
 * rmpsim__rmp_set_covered() of the spa whose view *v the caller read with no
 * write to the table in between (the RMPUPDATE path, under its region's
 * lock): the store does not read the old entry again.
 */
int rmpsim__rmp_set_viewed(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim__rmp_view *v,
			   const struct rmpsim_raw_entry *entry);

/*
 * A conditional write of one 4K entry in one look-up (issue 14 point 5: the
 * 4K RMPUPDATE checks, decides and writes where the store finds the entry,
 * instead of a view and a write that each find it). The new entry is `set`
 * with the hi bits of keep_hi taken from the old entry; it is not written
 * when the old entry's lo has a bit of refuse_lo, nor, with
 * refuse_in_2m_page, when the page lies inside an assigned 2 MB entry's
 * region (head_2m_page of its view), nor when it holds the same bytes.
 */
struct rmpsim__rmp_edit {
	struct rmpsim_raw_entry set; /* stored form: subpage_count 0 */
	uint64_t keep_hi;
	uint64_t refuse_lo;
	bool refuse_in_2m_page;
};
enum {
	RMPSIM__EDIT_UNCOVERED = 1, /* spa has no entry (A20's question): nothing read */
	RMPSIM__EDIT_REFUSED = 2,   /* a refuse condition held: nothing written */
	RMPSIM__EDIT_WRITTEN = 4,   /* the entry changed */
};
/*
 * The edit of the 4K-aligned spa (covered or not): 0 (same bytes: nothing
 * to write) or one of the flags above, with *old_lo the old entry's lo
 * unless UNCOVERED; -ENOMEM: nothing changed.
 */
int rmpsim__rmp_edit_4k(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim__rmp_edit *ed,
			uint64_t *old_lo);

/*
 * For tests of the sparse store's in-place edits (issue 14 point 5): the
 * form the store keeps the 2 MB slot of the covered spa in, and how many
 * rmpsim__rmp_edit_4k calls on its 1 GB region were done in place on a run
 * chunk or an empty slot (sparse.c, edit_unpacked) since the region's state was
 * allocated. The dense backend: -1 and 0.
 */
enum {
	RMPSIM__SLOT_NO_REGION, /* the 1 GB region has no state: all zero */
	RMPSIM__SLOT_EMPTY,	/* no chunk, no template: all zero */
	RMPSIM__SLOT_RUNS,
	RMPSIM__SLOT_DENSE,
	RMPSIM__SLOT_PACKED,
	RMPSIM__SLOT_TEMPLATE,
};
int rmpsim__rmp_slot_form(const struct rmpsim_rmp *rmp, uint64_t spa);
unsigned rmpsim__rmp_run_edits(const struct rmpsim_rmp *rmp, uint64_t spa);

/*
 * A run of stored entries of one 2 MB region: the entries with region-local
 * indices [start, start + len) are `first`, its GPA field advanced by
 * i - start when step (rmpsim__raw_advance, entry_bits.h). len >= 1; a run
 * holds no zero entry.
 */
struct rmpsim__rmp_run {
	struct rmpsim_raw_entry first; /* stored: subpage_count 0 */
	unsigned start, len;
	bool step;
};
/*
 * Visit the non-zero stored entries of the 2 MB region holding spa as runs, in
 * increasing order, disjoint; every entry not in a run is zero. Costs O(runs)
 * on the sparse store's run chunks (a guest's 4K pages with stepping GPAs are
 * one run), O(512) on its dense chunks and on the dense backend. How entries
 * are cut into runs is the backend's affair: callers must not depend on it. A
 * non-zero return of fn stops the walk and is returned.
 */
int rmpsim__rmp_2m_runs(const struct rmpsim_rmp *rmp, uint64_t spa,
			int (*fn)(void *ctx, const struct rmpsim__rmp_run *r), void *ctx);

/*
 * A 1 GB region whose 2 MB slots are all alike: slot k holds runs[0..nruns)
 * (region-local entry indices, as rmpsim__rmp_run), each run's first entry
 * with its GPA field advanced by k x 512 pages where adv; every entry outside
 * the runs is zero (nruns 0: the region is all zero). A guest's 4K or 2 MB
 * pages with consecutive GPAs make such a region (issue 14).
 */
#define RMPSIM__SHAPE_RUNS 2
struct rmpsim__rmp_shape {
	unsigned nruns;
	struct rmpsim__rmp_run runs[RMPSIM__SHAPE_RUNS];
	bool adv[RMPSIM__SHAPE_RUNS];
};
/*
 * A 2 MB page's slot as a shape: entry 0 is head, its GPA field advancing a
 * slot's worth (512 pages) from slot to slot when adv; entries 1..511 are
 * {sub_lo, 0} (none when sub_lo is 0).
 */
static inline void rmpsim__rmp_page_2m_shape(struct rmpsim_raw_entry head, uint64_t sub_lo, bool adv,
					     struct rmpsim__rmp_shape *w)
{
	w->runs[0] = (struct rmpsim__rmp_run){ head, 0, 1, false };
	w->adv[0] = adv;
	w->nruns = 1;
	if (sub_lo) {
		w->runs[1] = (struct rmpsim__rmp_run){ { sub_lo, 0 }, 1, RMPSIM_ENTRIES_PER_2M - 1, false };
		w->adv[1] = false;
		w->nruns = 2;
	}
}

/*
 * RMPUPDATE's 2 MB case in one call (issue 14 point 5): write the 2 MB page
 * {head, sub_lo, adv} (rmpsim__rmp_page_2m_shape) at the 2 MB-aligned spa, as
 * rmpsim__rmp_set_slots(rmp, spa, 1, its shape), if its region is covered and
 * known all zero. The entries come as values, not as a shape, so that the
 * sparse store compares its templates with them directly. Returns
 * RMPSIM__EDIT_UNCOVERED (some page of it has no entry), RMPSIM__EDIT_REFUSED
 * (not known all zero: nothing done) or RMPSIM__EDIT_WRITTEN; -ENOMEM:
 * nothing changed.
 */
int rmpsim__rmp_fill_zero_2m(struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry head,
			     uint64_t sub_lo, bool adv);

/*
 * The shape of the covered 1 GB region holding spa, O(1): true when the store
 * knows every slot alike (the sparse store's template regions and empty
 * regions); false otherwise (callers then look at each slot). Runs hold no
 * zero entry and a stepping run never wraps its GPA field inside a slot.
 */
bool rmpsim__rmp_1g_shape(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim__rmp_shape *ret);
/*
 * Write nslots whole 2 MB slots from the 2 MB-aligned, covered spa: slot k
 * (counted from spa) gets sh's runs, advanced by k x 512 pages where adv, and
 * zero elsewhere. Runs must be sorted, disjoint and hold no zero entry (a
 * stepping run not wrapping its GPA field). O(regions) when the slots become
 * template slots; 0 or -ENOMEM (nothing changed).
 */
int rmpsim__rmp_set_slots(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t nslots,
			  const struct rmpsim__rmp_shape *sh);

#endif
