/* SPDX-License-Identifier: MIT */
/*
 * The front of the table store: argument and coverage checks, the derived
 * subpage_count (A1), and dispatch to the dense or sparse backend.
 */
#include <string.h>

#include "base/alloc.h"
#include "rmp/entry_bits.h"
#include "table.h"
#include "rmp/unchecked.h"

void *rmpsim__rmp_alloc(struct rmpsim_rmp *rmp, size_t n, bool zero)
{
	void *p = zero ? rmpsim__calloc(rmp->alloc, 1, n) : rmpsim__malloc(rmp->alloc, n);

	if (p)
		atomic_fetch_add_explicit(&rmp->bytes, n, memory_order_relaxed);
	return p;
}

void rmpsim__rmp_free(struct rmpsim_rmp *rmp, void *p, size_t n)
{
	if (!p)
		return;
	atomic_fetch_sub_explicit(&rmp->bytes, n, memory_order_relaxed);
	rmpsim__free(rmp->alloc, p, n);
}

int rmpsim_rmp_create(const struct rmpsim_allocator *a, const struct rmpsim_rmp_layout *layout,
		      enum rmpsim_rmp_backend backend, struct rmpsim_rmp **ret_rmp)
{
	a = rmpsim__alloc_or_default(a);
	if (!layout || !ret_rmp || (backend != RMPSIM_RMP_SPARSE && backend != RMPSIM_RMP_DENSE))
		return -EINVAL;
	struct rmpsim_rmp *rmp = rmpsim__calloc(a, 1, sizeof(*rmp));
	if (!rmp)
		return -ENOMEM;
	rmp->alloc = a;
	rmp->backend = backend;
	atomic_init(&rmp->bytes, sizeof(*rmp));
	int err = rmpsim__layout_clone(a, layout, &rmp->layout);
	if (err)
		goto fail;
	atomic_fetch_add(&rmp->bytes,
			 sizeof(*rmp->layout) + rmp->layout->n_segments * sizeof(struct rmpsim__segment));
	uint64_t prefix_2m = rmpsim__layout_covered_prefix(rmp->layout) >> 21;
	rmp->covered_2m = prefix_2m < UINT32_MAX ? (uint32_t)prefix_2m : UINT32_MAX;
	err = backend == RMPSIM_RMP_DENSE ? rmpsim__dense_init(rmp) : rmpsim__sparse_init(rmp);
	if (err)
		goto fail;
	*ret_rmp = rmp;
	return 0;
fail:
	rmpsim_layout_destroy(rmp->layout);
	rmpsim__free(a, rmp, sizeof(*rmp));
	return err;
}

void rmpsim_rmp_destroy(struct rmpsim_rmp *rmp)
{
	if (!rmp)
		return;
	if (rmp->backend == RMPSIM_RMP_DENSE)
		rmpsim__dense_fini(rmp);
	else
		rmpsim__sparse_fini(rmp);
	rmpsim_layout_destroy(rmp->layout);
	rmpsim__free(rmp->alloc, rmp, sizeof(*rmp));
}

const struct rmpsim_rmp_layout *rmpsim_rmp_layout(const struct rmpsim_rmp *rmp)
{
	return rmp ? rmp->layout : NULL;
}

size_t rmpsim_rmp_memory_bytes(const struct rmpsim_rmp *rmp)
{
	return rmp ? atomic_load_explicit(&((struct rmpsim_rmp *)rmp)->bytes, memory_order_relaxed) : 0;
}

/* Whether the 2 MB region holding spa has storage (it may still be partly uncovered). */
static bool in_store(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	return rmp && spa < rmp->layout->coverage_end;
}

unsigned rmpsim_rmp_2m_assigned_count(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	if (!in_store(rmp, spa & ~(RMPSIM_SZ_2M - 1)))
		return 0;
	spa &= ~(RMPSIM_SZ_2M - 1);
	return rmp->backend == RMPSIM_RMP_DENSE ? rmpsim__dense_2m_count(rmp, spa)
						: rmpsim__sparse_2m_count(rmp, spa);
}

bool rmpsim_rmp_2m_head_assigned(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	spa &= ~(RMPSIM_SZ_2M - 1);
	if (!in_store(rmp, spa))
		return false;
	return rmp->backend == RMPSIM_RMP_DENSE ? rmpsim__dense_2m_head(rmp, spa)
						: rmpsim__sparse_2m_head(rmp, spa);
}

int rmpsim_rmp_1g_first_busy_slot(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	spa &= ~(RMPSIM_SZ_1G - 1);
	if (!in_store(rmp, spa))
		return -1;
	return rmp->backend == RMPSIM_RMP_DENSE ? rmpsim__dense_1g_first_busy(rmp, spa)
						: rmpsim__sparse_1g_first_busy(rmp, spa);
}

bool rmpsim_rmp_1g_is_free(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	return rmpsim_rmp_1g_first_busy_slot(rmp, spa) < 0;
}

/* The stored entry (subpage bits zero) of a covered page. */
static void get_stored(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry *ret)
{
	if (rmp->backend == RMPSIM_RMP_DENSE)
		rmpsim__dense_get(rmp, spa, ret);
	else
		rmpsim__sparse_get(rmp, spa, ret);
}

/*
 * A1: subpage_count is derived, not stored: in the 2 MB-aligned entry it is
 * the number of assigned entries among the other 511 of the region, except in
 * an assigned 2 MB entry, whose other 511 are its own sub-entries: 0 there, as
 * the firmware's UNSMASH leaves it (AMD-ASPFW sev_mcmd.c).
 */
static void add_subpage(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry *e)
{
	if (spa & (RMPSIM_SZ_2M - 1))
		return;
	if ((e->lo & 3u) == 3u) /* assigned (bit 0) 2 MB (bit 1) entry */
		return;
	unsigned n = rmpsim_rmp_2m_assigned_count(rmp, spa) - (rmpsim__raw_assigned(e) ? 1u : 0u);
	e->lo |= ((uint64_t)n & RMPSIM__SUBPAGE_MAX) << RMPSIM__LO_SUBPAGE_SHIFT;
}

void rmpsim__rmp_get_stored(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry *ret)
{
	get_stored(rmp, spa, ret);
}

/* The dense reference's view: its entry, its region's kept count and head (out of line: the sparse path stays lean). */
__attribute__((noinline)) static void dense_view(const struct rmpsim_rmp *rmp, uint64_t spa, bool want_count,
						 struct rmpsim__rmp_view *ret)
{
	uint64_t head = spa & ~(RMPSIM_SZ_2M - 1);
	struct rmpsim_raw_entry h;

	rmpsim__dense_get(rmp, spa, &ret->e);
	ret->count_2m = want_count ? rmpsim__dense_2m_count(rmp, head) : 0;
	rmpsim__dense_get(rmp, head, &h);
	ret->head_2m_page = (h.lo & 3u) == 3u; /* assigned (bit 0) 2 MB (bit 1) entry */
	ret->zero_2m = false;		       /* the reference keeps no such summary */
}

void rmpsim__rmp_get_view(const struct rmpsim_rmp *rmp, uint64_t spa, bool want_count,
			  struct rmpsim__rmp_view *ret)
{
	if (rmp->backend == RMPSIM_RMP_SPARSE)
		rmpsim__sparse_get_view(rmp, spa, ret); /* the hot path: a tail call */
	else
		dense_view(rmp, spa, want_count, ret);
}

int rmpsim_rmp_get(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry *ret_entry)
{
	if (!rmp || !ret_entry)
		return -EINVAL;
	spa &= ~(RMPSIM_SZ_4K - 1);
	if (!rmpsim_layout_covers(rmp->layout, spa)) /* spec 2.3: -EFAULT when not covered */
		return -EFAULT;
	struct rmpsim_raw_entry e;
	get_stored(rmp, spa, &e);
	add_subpage(rmp, spa, &e);
	*ret_entry = e;
	return 0;
}

/* One covered, 4K-aligned page (the RMPUPDATE path); old: its stored entry if known, else NULL. */
static int set_one(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_raw_entry *entry,
		   const struct rmpsim_raw_entry *old)
{
	struct rmpsim_raw_entry f = rmpsim__raw_stored(entry);

	if (rmp->backend == RMPSIM_RMP_SPARSE)
		return rmpsim__sparse_set_one(rmp, spa, &f, old);
	rmpsim__dense_set_range(rmp, spa, 1, &f, false);
	return 0;
}

int rmpsim__rmp_set_covered(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_raw_entry *entry)
{
	return set_one(rmp, spa, entry, NULL);
}

int rmpsim__rmp_set_viewed(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim__rmp_view *v,
			   const struct rmpsim_raw_entry *entry)
{
	return set_one(rmp, spa, entry, &v->e);
}

/* The dense reference's edit: its view, the common decision, its write (out of line: the sparse path stays lean). */
__attribute__((noinline)) static int dense_edit_4k(struct rmpsim_rmp *rmp, uint64_t spa,
						   const struct rmpsim__rmp_edit *ed, uint64_t *old_lo)
{
	struct rmpsim__rmp_view v;
	struct rmpsim_raw_entry n;

	dense_view(rmp, spa, false, &v);
	*old_lo = v.e.lo;
	int f = rmpsim__edit_decide(ed, &v.e, v.head_2m_page, &n);
	if (f == RMPSIM__EDIT_WRITTEN)
		rmpsim__dense_set_range(rmp, spa, 1, &n, false);
	return f;
}

int rmpsim__rmp_edit_4k(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim__rmp_edit *ed,
			uint64_t *old_lo)
{
	if (!rmpsim__rmp_covered(rmp, spa))
		return RMPSIM__EDIT_UNCOVERED;
	if (rmp->backend == RMPSIM_RMP_SPARSE)
		return rmpsim__sparse_edit_4k(rmp, spa, ed, old_lo); /* the hot path: a tail call */
	return dense_edit_4k(rmp, spa, ed, old_lo);
}

int rmpsim__rmp_slot_form(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	return rmp->backend == RMPSIM_RMP_SPARSE ? rmpsim__sparse_slot_form(rmp, spa) : -1;
}

unsigned rmpsim__rmp_run_edits(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	return rmp->backend == RMPSIM_RMP_SPARSE ? rmpsim__sparse_run_edits(rmp, spa) : 0;
}

int rmpsim__rmp_fill_zero_2m(struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry head,
			     uint64_t sub_lo, bool adv)
{
	/*
	 * Coverage ends on 4K or 1 GB boundaries: a 2 MB region's first and last
	 * pages decide (A20); a region of the covered prefix has both.
	 */
	if ((spa >> 21) >= rmp->covered_2m &&
	    (!rmpsim__layout_covers_inline(rmp->layout, spa) ||
	     !rmpsim__layout_covers_inline(rmp->layout, spa + RMPSIM_SZ_2M - 1)))
		return RMPSIM__EDIT_UNCOVERED;
	if (rmp->backend != RMPSIM_RMP_SPARSE)
		return RMPSIM__EDIT_REFUSED; /* the dense reference keeps no such knowledge */
	return rmpsim__sparse_fill_zero_2m(rmp, spa, head, sub_lo, adv);
}

int rmpsim_rmp_set_range(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
			 const struct rmpsim_raw_entry *first, bool gpa_step)
{
	if (!rmp || !first || (spa & (RMPSIM_SZ_4K - 1)))
		return -EINVAL;
	if (!npages)
		return 0;
	if (npages > (UINT64_MAX >> 12) || !rmpsim__layout_range_covered(rmp->layout, spa, npages << 12))
		return -EFAULT;
	if (npages == 1)
		return set_one(rmp, spa, first, NULL);
	struct rmpsim_raw_entry f = rmpsim__raw_stored(first);
	if (rmp->backend == RMPSIM_RMP_DENSE) {
		rmpsim__dense_set_range(rmp, spa, npages, &f, gpa_step);
		return 0;
	}
	return rmpsim__sparse_set_range(rmp, spa, npages, &f, gpa_step);
}

int rmpsim_rmp_set(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_raw_entry *entry)
{
	if (!rmp || !entry)
		return -EINVAL;
	spa &= ~(RMPSIM_SZ_4K - 1);
	/* One 4K page: coverage ends on 4K boundaries, so its first byte decides. */
	if (!rmpsim_layout_covers(rmp->layout, spa))
		return -EFAULT;
	return set_one(rmp, spa, entry, NULL);
}

struct visit_ctx {
	const struct rmpsim_rmp *rmp;
	int (*fn)(void *ctx, uint64_t spa, const struct rmpsim_raw_entry *e);
	void *ctx;
};

int rmpsim_rmp_2m_for_each_nonzero(const struct rmpsim_rmp *rmp, uint64_t spa,
				   int (*fn)(void *ctx, uint64_t spa, const struct rmpsim_raw_entry *e),
				   void *ctx)
{
	if (!rmp || !fn)
		return -EINVAL;
	spa &= ~(RMPSIM_SZ_2M - 1);
	if (!in_store(rmp, spa))
		return 0;
	/*
	 * The head entry is visited as rmpsim_rmp_get() reads it, subpage_count
	 * included, so a zero head with assigned sub-pages is non-zero (A1).
	 */
	if (rmpsim_layout_covers(rmp->layout, spa)) {
		struct rmpsim_raw_entry h;
		get_stored(rmp, spa, &h);
		add_subpage(rmp, spa, &h);
		if (!rmpsim__raw_is_zero(&h)) {
			int r = fn(ctx, spa, &h);
			if (r)
				return r;
		}
	}
	if (rmp->backend == RMPSIM_RMP_SPARSE)
		return rmpsim__sparse_2m_for_each(rmp, spa, fn, ctx);
	for (unsigned i = 1; i < RMPSIM_ENTRIES_PER_2M; i++) {
		uint64_t p = spa + i * RMPSIM_SZ_4K;
		struct rmpsim_raw_entry e;
		if (!rmpsim_layout_covers(rmp->layout, p))
			continue;
		rmpsim__dense_get(rmp, p, &e);
		if (rmpsim__raw_is_zero(&e))
			continue;
		int r = fn(ctx, p, &e);
		if (r)
			return r;
	}
	return 0;
}

int rmpsim__array_2m_runs(const struct rmpsim_raw_entry *e,
			  int (*fn)(void *ctx, const struct rmpsim__rmp_run *r), void *ctx)
{
	for (unsigned i = 0; i < RMPSIM_ENTRIES_PER_2M;) {
		if (rmpsim__raw_is_zero(&e[i])) {
			i++;
			continue;
		}
		struct rmpsim__rmp_run r = { e[i], i, 1, false };
		if (i + 1 < RMPSIM_ENTRIES_PER_2M) {
			struct rmpsim_raw_entry next = rmpsim__raw_advance(e[i], 1);
			r.step = rmpsim__raw_equal(&next, &e[i + 1]);
		}
		/* Extend while the next entry is the run's next value (never zero: zero ends a run). */
		while (r.start + r.len < RMPSIM_ENTRIES_PER_2M) {
			const struct rmpsim_raw_entry *n = &e[r.start + r.len];
			struct rmpsim_raw_entry want = r.step ? rmpsim__raw_advance(r.first, r.len) : r.first;
			if (rmpsim__raw_is_zero(n) || !rmpsim__raw_equal(&want, n))
				break;
			r.len++;
		}
		int rc = fn(ctx, &r);
		if (rc)
			return rc;
		i = r.start + r.len;
	}
	return 0;
}

int rmpsim__rmp_2m_runs(const struct rmpsim_rmp *rmp, uint64_t spa,
			int (*fn)(void *ctx, const struct rmpsim__rmp_run *r), void *ctx)
{
	spa &= ~(RMPSIM_SZ_2M - 1);
	if (!in_store(rmp, spa))
		return 0;
	if (rmp->backend == RMPSIM_RMP_DENSE)
		return rmpsim__array_2m_runs(&rmp->u.dense.e[spa >> 12], fn, ctx);
	return rmpsim__sparse_2m_runs(rmp, spa, fn, ctx);
}

bool rmpsim__rmp_1g_shape(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim__rmp_shape *ret)
{
	return rmp->backend == RMPSIM_RMP_SPARSE && rmpsim__sparse_1g_shape(rmp, spa, ret);
}

int rmpsim__rmp_set_slots(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t nslots,
			  const struct rmpsim__rmp_shape *sh)
{
	if (rmp->backend == RMPSIM_RMP_SPARSE)
		return rmpsim__sparse_set_slots(rmp, spa, nslots, sh);
	/* The reference: each slot zeroed, then its runs (a dense write cannot fail). */
	static const struct rmpsim_raw_entry zero = { 0, 0 };
	for (uint64_t k = 0; k < nslots; k++) {
		uint64_t slot = spa + k * RMPSIM_SZ_2M;
		rmpsim__dense_set_range(rmp, slot, RMPSIM_ENTRIES_PER_2M, &zero, false);
		for (unsigned i = 0; i < sh->nruns; i++) {
			const struct rmpsim__rmp_run *r = &sh->runs[i];
			struct rmpsim_raw_entry f =
				sh->adv[i] ? rmpsim__raw_advance(r->first, k * RMPSIM_ENTRIES_PER_2M)
					   : r->first;
			rmpsim__dense_set_range(rmp, slot + (uint64_t)r->start * RMPSIM_SZ_4K, r->len, &f,
						r->step);
		}
	}
	return 0;
}
