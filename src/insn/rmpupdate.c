/* SPDX-License-Identifier: MIT */
/*
 * RMPUPDATE (spec 3.1): the hypervisor writes the RMP entry of one 4K or 2M
 * page.
 *
 * Checks, in this order (the order is the return-code precedence, A39):
 *  1. operands of *in (A21): pagesize, assigned, immutable in {0,1}; rsvd 0;
 *     an assigned state needs asid <= 1023 and a GPA aligned to the page size
 *     below 2^51; an unassigned state may not set immutable   -> FAIL_INPUT
 *  2. spa aligned to the page size (spec 3.1 for 2 MB, A22 for 4K)
 *                                                              -> FAIL_INPUT
 *  3. every 4K page of the page is covered by the RMP (A20)   -> FAIL_INPUT
 *  4. the entry written (the 2 MB-aligned one for 2 MB, A25) is
 *     immutable (spec 3.1)                                     -> FAIL_PERMISSION
 *  5. that entry's lock bit is set (A23)                       -> FAIL_INUSE
 *  6. 4K / 2M overlap (A24): a 4K update inside a region whose 2 MB-aligned
 *     entry is an assigned 2 MB entry; a 2 MB update of a region holding any
 *     assigned entry other than an assigned 2 MB head         -> FAIL_OVERLAP
 * Then the entry is written (A26: validated, vmsa and the VMPL permissions
 * are reset when the owner, GPA, size or assigned state change).
 */
#include <rmpsim/insn.h>

#include "insn/require.h"
#include "rmp/unchecked.h"

/* Check 1 (A21). */
static bool rmpupdate_operands_ok(const struct rmpsim_rmp_state *in, uint64_t gpa)
{
	uint64_t size;

	if (in->pagesize > 1 || in->assigned > 1 || in->immutable > 1 || in->rsvd != 0) /* A21 */
		return false;
	size = rmpsim__page_bytes(in->pagesize);
	if (!in->assigned)
		return !in->immutable; /* A21: the hypervisor cannot make HV_FIXED pages */
	return in->asid <= RMPSIM_ASID_MAX && rmpsim__require_aligned(gpa, size) && gpa < RMPSIM_GPA_LIMIT &&
	       size <= RMPSIM_GPA_LIMIT - gpa; /* A21 */
}

void rmpsim__rmpupdate_new_entry(const struct rmpsim_rmp_entry *old, const struct rmpsim_rmp_state *in,
				 uint64_t gpa, struct rmpsim_rmp_entry *ret_new)
{
	struct rmpsim_rmp_entry n = *old;
	uint64_t new_gpa = in->assigned ? gpa : 0;		   /* A21: no owner on hypervisor pages */
	uint16_t new_asid = in->assigned ? (uint16_t)in->asid : 0; /* A21 */

	/* A26, after VeriSMo: a new owner, GPA, size or state (or ASID 0) starts from scratch. */
	bool reset = old->asid != new_asid || old->gpa != new_gpa || old->pagesize != in->pagesize ||
		     old->assigned != (bool)in->assigned || new_asid == 0;

	n.assigned = in->assigned;
	n.pagesize = in->pagesize;
	n.immutable = in->immutable;
	n.gpa = new_gpa;
	n.asid = new_asid;
	n.lock = false;
	n.subpage_count = 0;
	if (reset) {
		n.validated = false;
		n.vmsa = false;
		memset(n.vmpl_perms, 0, sizeof(n.vmpl_perms)); /* A26: VMPL0 keeps its implicit full rights */
	}
	*ret_new = n;
}

/*
 * The raw entry rmpsim__rmpupdate_new_entry() gives, on bits (the hot path:
 * no decode / encode). Operands passed check 1, so asid and GPA fit.
 */
static struct rmpsim_raw_entry rmpupdate_new_raw(const struct rmpsim_raw_entry *old,
						 const struct rmpsim_rmp_state *in, uint64_t gpa)
{
	uint64_t new_gpa = in->assigned ? gpa : 0;		   /* A21: no owner on hypervisor pages */
	uint16_t new_asid = in->assigned ? (uint16_t)in->asid : 0; /* A21 */
	uint64_t old_asid = (old->lo >> RMPSIM__LO_ASID_SHIFT) & RMPSIM__ASID_MAX;
	uint64_t old_gpa = ((old->lo >> RMPSIM__LO_GPA_SHIFT) & RMPSIM__GPA_FIELD_MAX) << 12;
	unsigned old_pagesize = (unsigned)((old->lo >> 1) & 1u);
	bool old_assigned = old->lo & RMPSIM__LO_ASSIGNED;

	/* A26, after VeriSMo: a new owner, GPA, size or state (or ASID 0) starts from scratch. */
	bool reset = old_asid != new_asid || old_gpa != new_gpa || old_pagesize != in->pagesize ||
		     old_assigned != (bool)in->assigned || new_asid == 0;
	struct rmpsim_raw_entry n;

	/* lock and subpage_count 0; validated and vmsa kept unless reset (spec 2.2 lo). */
	n.lo = (in->assigned ? RMPSIM__LO_ASSIGNED : 0) | ((uint64_t)(in->pagesize & 1u) << 1) |
	       (in->immutable ? RMPSIM__LO_IMMUTABLE : 0) |
	       (((new_gpa >> 12) & RMPSIM__GPA_FIELD_MAX) << RMPSIM__LO_GPA_SHIFT) |
	       (((uint64_t)new_asid & RMPSIM__ASID_MAX) << RMPSIM__LO_ASID_SHIFT) |
	       (reset ? 0 : old->lo & (RMPSIM__LO_VMSA | RMPSIM__LO_VALIDATED));
	/* hi: the VMPL permissions (bytes 0-3) reset (A26: VMPL0 keeps its implicit full rights), the rest kept. */
	n.hi = reset ? old->hi & ~0xffffffffull : old->hi;
	return n;
}

/* An assigned 2 MB entry, on bits: authoritative for its region. */
static bool raw_is_assigned_2m(const struct rmpsim_raw_entry *e)
{
	return (e->lo & (RMPSIM__LO_ASSIGNED | RMPSIM__LO_PAGESIZE)) ==
	       (RMPSIM__LO_ASSIGNED | RMPSIM__LO_PAGESIZE);
}

/* Checks 1-6 for one page, on raw entries; fills *old (stored, subpage_count 0) for the write. */
static enum rmpsim_rmpupdate_rc rmpupdate_check(const struct rmpsim_rmp *rmp, uint64_t spa,
						const struct rmpsim_rmp_state *in, uint64_t gpa,
						struct rmpsim_raw_entry *old)
{
	RMPSIM__REQUIRE(rmpupdate_operands_ok(in, gpa), RMPSIM_RMPUPDATE_FAIL_INPUT); /* A21 */
	bool is_2m = in->pagesize == RMPSIM_PAGE_2M;
	uint64_t size = is_2m ? RMPSIM_SZ_2M : RMPSIM_SZ_4K;
	RMPSIM__REQUIRE(rmpsim__require_aligned(spa, size), RMPSIM_RMPUPDATE_FAIL_INPUT); /* spec 3.1, A22 */
	/* A20 (spa is 4K aligned: for a 4K page its first byte decides). */
	RMPSIM__REQUIRE(is_2m ? rmpsim__require_covered(rmp, spa, size)
			      : rmpsim_layout_covers(rmpsim_rmp_layout(rmp), spa),
			RMPSIM_RMPUPDATE_FAIL_INPUT);

	/* The entry and its region's summaries in one look-up (the checks below read no more). */
	struct rmpsim__rmp_view v;
	rmpsim__rmp_get_view(rmp, spa, is_2m, &v);
	*old = v.e;
	RMPSIM__REQUIRE(!(old->lo & RMPSIM__LO_IMMUTABLE), RMPSIM_RMPUPDATE_FAIL_PERMISSION); /* spec 3.1 */
	RMPSIM__REQUIRE(!(old->lo & RMPSIM__LO_LOCK), RMPSIM_RMPUPDATE_FAIL_INUSE);	      /* A23 */

	uint64_t head = rmpsim__align_down(spa, RMPSIM_SZ_2M);
	if (!is_2m) {
		/* A24: the page lies inside a guest's (or firmware's) 2 MB page. */
		if (v.head_assigned_2m) {
			struct rmpsim_raw_entry h = v.e;
			if (head != spa)
				rmpsim__rmp_get_stored(rmp, head, &h);
			RMPSIM__REQUIRE(!raw_is_assigned_2m(&h), RMPSIM_RMPUPDATE_FAIL_OVERLAP); /* A24 */
		}
	} else {
		/* A24: any assigned 4K entry in the region (an assigned 2 MB head is the page itself). */
		unsigned busy = v.count_2m;
		if (raw_is_assigned_2m(old))
			busy--;
		RMPSIM__REQUIRE(busy == 0, RMPSIM_RMPUPDATE_FAIL_OVERLAP); /* A24 */
	}
	return RMPSIM_RMPUPDATE_OK;
}

/* One RMPUPDATE with an explicit GPA (the range advances it). */
static enum rmpsim_rmpupdate_rc rmpupdate_one(struct rmpsim_rmp *rmp, uint64_t spa,
					      const struct rmpsim_rmp_state *in, uint64_t gpa,
					      struct rmpsim_rmp_change *change)
{
	struct rmpsim_raw_entry old;
	enum rmpsim_rmpupdate_rc rc = rmpupdate_check(rmp, spa, in, gpa, &old);

	rmpsim__change_none(change);
	if (rc != RMPSIM_RMPUPDATE_OK)
		return rc;
	struct rmpsim_raw_entry n = rmpupdate_new_raw(&old, in, gpa);
	if (rmpsim__raw_same(&old, &n))
		return RMPSIM_RMPUPDATE_OK; /* nothing to write: same bytes */
	if (rmpsim__rmp_set_covered(rmp, spa, &n) < 0)
		return RMPSIM_RMPUPDATE_ENOMEM;
	rmpsim__change_set(change, true, !(old.lo & RMPSIM__LO_ASSIGNED) && (n.lo & RMPSIM__LO_ASSIGNED), spa,
			   rmpsim__page_bytes(in->pagesize));
	return RMPSIM_RMPUPDATE_OK;
}

enum rmpsim_rmpupdate_rc rmpsim_insn_rmpupdate(struct rmpsim_rmp *rmp, uint64_t spa,
					       const struct rmpsim_rmp_state *in,
					       struct rmpsim_rmp_change *ret_change)
{
	struct rmpsim_rmp_change c;
	enum rmpsim_rmpupdate_rc rc;

	if (!rmp || !in)
		return (enum rmpsim_rmpupdate_rc) - EINVAL;
	rc = rmpupdate_one(rmp, spa, in, in->gpa, &c);
	if (rc >= 0 && ret_change)
		*ret_change = c;
	return rc;
}

/* ---- The range: exactly a sequence of RMPUPDATEs, at O(2 MB regions) ---- */

struct range_scan {
	const struct rmpsim_rmp_state *in;
	uint64_t region;    /* the 2 MB region of the chunk */
	uint64_t lo, hi;    /* the chunk [lo, hi) */
	uint64_t first_spa; /* page 0 of the range */
	uint64_t gpa0;	    /* GPA of page 0 */
	bool gpa_step;
	bool plain;	   /* every non-zero entry of the chunk takes the uniform new value */
	bool changed;	   /* some non-zero entry of the chunk does not hold it already */
	uint64_t visited;  /* non-zero entries in the chunk */
	uint64_t assigned; /* non-zero entries in the chunk that are assigned */
};

static uint64_t range_gpa(const struct range_scan *s, uint64_t spa)
{
	return s->gpa_step ? s->gpa0 + (spa - s->first_spa) : s->gpa0;
}

/* The uniform value: what RMPUPDATE writes over a zero entry at page spa. */
static struct rmpsim_raw_entry range_uniform(const struct range_scan *s, uint64_t spa)
{
	static const struct rmpsim_raw_entry zero = { 0, 0 };

	return rmpupdate_new_raw(&zero, s->in, range_gpa(s, spa));
}

/*
 * Whether each of the n entries from f (page a on; the GPA field advancing
 * when step) gets the uniform value, as rmpupdate_new_raw() gives it. The
 * entries of a run differ in the GPA field only, so every other field decides
 * for all of them at once.
 */
static bool range_run_takes_uniform(const struct range_scan *s, const struct rmpsim_raw_entry *f, bool step,
				    uint64_t a, uint64_t n)
{
	const struct rmpsim_rmp_state *in = s->in;
	uint64_t kept = f->lo & (RMPSIM__LO_VMSA | RMPSIM__LO_VALIDATED);
	uint16_t new_asid = in->assigned ? (uint16_t)in->asid : 0;
	uint64_t old_asid = (f->lo >> RMPSIM__LO_ASID_SHIFT) & RMPSIM__ASID_MAX;

	/* hi bits above the VMPL permissions survive every update (A26); the uniform value has none. */
	if (f->hi >> 32)
		return false;
	/* Nothing a kept state could carry over (A26): the new value is the uniform one. */
	if (!kept && !f->hi)
		return true;
	/* A26: a new owner, size or state (or ASID 0) resets every entry to the uniform value. */
	if (old_asid != new_asid || ((f->lo >> 1) & 1u) != in->pagesize ||
	    (bool)(f->lo & RMPSIM__LO_ASSIGNED) != (bool)in->assigned || new_asid == 0)
		return true;
	/* Whether each entry resets depends on its GPA (A26): decide entry by entry, exactly. */
	for (uint64_t i = 0; i < n; i++) {
		struct rmpsim_raw_entry o = step ? rmpsim__raw_advance(*f, i) : *f;
		uint64_t p = a + i * RMPSIM_SZ_4K;
		struct rmpsim_raw_entry nw = rmpupdate_new_raw(&o, in, range_gpa(s, p));
		struct rmpsim_raw_entry u = range_uniform(s, p);
		if (!rmpsim__raw_same(&nw, &u))
			return false;
	}
	return true;
}

/* Whether each of the n entries from f (page a on) already holds the uniform value. */
static bool range_run_holds_uniform(const struct range_scan *s, const struct rmpsim_raw_entry *f, bool step,
				    uint64_t a, uint64_t n)
{
	struct rmpsim_raw_entry u = range_uniform(s, a);
	bool u_step = s->gpa_step && s->in->assigned;

	if (!rmpsim__raw_same(f, &u))
		return false;
	/*
	 * Equal at page a; the others follow when both advance alike. The uniform
	 * GPA stays below 2^51 in a chunk (A21), so its field never wraps, and two
	 * fields one stepping and one not differ at the second entry.
	 */
	return n == 1 || step == u_step;
}

/* A run of non-zero entries of the region: does the bulk write handle each exactly as RMPUPDATE would? */
static int range_visit_run(void *ctx, const struct rmpsim__rmp_run *r)
{
	struct range_scan *s = ctx;
	uint64_t a = s->region + (uint64_t)r->start * RMPSIM_SZ_4K;
	uint64_t b = a + (uint64_t)r->len * RMPSIM_SZ_4K;

	if (a < s->lo)
		a = s->lo;
	if (b > s->hi)
		b = s->hi;
	if (a >= b)
		return 0; /* outside the chunk */
	uint64_t n = (b - a) >> 12;
	bool step = r->step && n > 1;
	struct rmpsim_raw_entry f = r->first;
	if (r->step)
		f = rmpsim__raw_advance(f, ((a - s->region) >> 12) - r->start);
	/* Checks 4 and 5 read bits every entry of the run shares (spec 3.1, A23). */
	if ((f.lo & (RMPSIM__LO_IMMUTABLE | RMPSIM__LO_LOCK)) ||
	    !range_run_takes_uniform(s, &f, step, a, n)) {
		s->plain = false; /* a failure or an individual value inside the chunk: page by page */
		return 1;
	}
	s->visited += n;
	s->assigned += (f.lo & RMPSIM__LO_ASSIGNED) ? n : 0;
	s->changed |= !range_run_holds_uniform(s, &f, step, a, n);
	return 0;
}

/*
 * Pages [lo, hi) of one 2 MB region (4K pages) with one bulk write, when every
 * entry there takes the uniform value and none fails: decided run by run
 * (rmpsim__rmp_2m_runs), so a chunk holding a guest's stepping-GPA pages costs
 * O(1), not O(512). Returns 1 when done (*changed_any / *assigned_any
 * updated), 0 when the chunk needs the page-by-page path, or -ENOMEM (nothing
 * written).
 */
static int range_chunk_fast(struct rmpsim_rmp *rmp, struct range_scan *s, bool *changed_any,
			    bool *assigned_any)
{
	uint64_t n = (s->hi - s->lo) >> 12;
	uint64_t head = rmpsim__align_down(s->lo, RMPSIM_SZ_2M);

	if (!rmpsim__require_covered(rmp, s->lo, s->hi - s->lo))
		return 0; /* A20: the single path finds the first uncovered page */
	if (rmpsim_rmp_2m_head_assigned(rmp, head)) {
		struct rmpsim_raw_entry h;
		rmpsim__rmp_get_stored(rmp, head, &h);
		if (raw_is_assigned_2m(&h))
			return 0; /* A24: the single path says which code the first page gets */
	}
	s->region = head;
	s->plain = true;
	s->changed = false;
	s->visited = 0;
	s->assigned = 0;
	if (rmpsim__rmp_2m_runs(rmp, head, range_visit_run, s) < 0 || !s->plain)
		return 0;

	struct rmpsim_raw_entry ur = range_uniform(s, s->lo);
	bool uniform_zero = ur.lo == 0 && ur.hi == 0;
	/* Entries not visited are zero: they change unless the new value is zero too. */
	bool changed = s->changed || (n > s->visited && !uniform_zero);
	if (changed && rmpsim_rmp_set_range(rmp, s->lo, n, &ur, s->gpa_step && s->in->assigned) < 0)
		return -ENOMEM;
	*changed_any |= changed;
	*assigned_any |= s->in->assigned && s->assigned < n;
	return 1;
}

/* How many pages from gpa stay below the GPA limit (A21); UINT64_MAX when unbounded. */
static uint64_t range_gpa_pages(const struct rmpsim_rmp_state *in, uint64_t gpa, bool gpa_step, uint64_t size)
{
	if (!in->assigned || !gpa_step)
		return UINT64_MAX;
	if (gpa >= RMPSIM_GPA_LIMIT)
		return 0;
	return (RMPSIM_GPA_LIMIT - gpa) / size;
}

enum rmpsim_rmpupdate_rc
rmpsim__insn_rmpupdate_range_stats(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
				   const struct rmpsim_rmp_state *in, bool gpa_step, uint64_t *ret_done,
				   struct rmpsim_rmp_change *ret_change, struct rmpsim__range_stats *stats)
{
	enum rmpsim_rmpupdate_rc rc = RMPSIM_RMPUPDATE_OK;
	bool changed_any = false, assigned_any = false;
	uint64_t done = 0;

	if (!rmp || !in)
		return (enum rmpsim_rmpupdate_rc) - EINVAL;
	uint64_t size = rmpsim__page_bytes(in->pagesize);
	struct range_scan s = { .in = in, .first_spa = spa, .gpa0 = in->gpa, .gpa_step = gpa_step };

	while (done < npages && rc == RMPSIM_RMPUPDATE_OK) {
		uint64_t p = spa + done * size;
		uint64_t gpa = gpa_step ? in->gpa + done * size : in->gpa;
		uint64_t chunk = 1;

		if (in->pagesize == RMPSIM_PAGE_4K && rmpupdate_operands_ok(in, gpa) &&
		    rmpsim__require_aligned(p, RMPSIM_SZ_4K)) {
			uint64_t to_region_end =
				(rmpsim__align_down(p, RMPSIM_SZ_2M) + RMPSIM_SZ_2M - p) >> 12;
			uint64_t gpa_pages = range_gpa_pages(in, gpa, gpa_step, size);
			chunk = npages - done;
			if (chunk > to_region_end)
				chunk = to_region_end;
			if (chunk > gpa_pages)
				chunk = gpa_pages;
			if (chunk == 0)
				chunk = 1; /* the single path reports the GPA failure */
			s.lo = p;
			s.hi = p + chunk * size;
			int fast = chunk > 1 ? range_chunk_fast(rmp, &s, &changed_any, &assigned_any) : 0;
			if (fast < 0) {
				rc = RMPSIM_RMPUPDATE_ENOMEM;
				break;
			}
			if (fast == 1) {
				done += chunk;
				if (stats) {
					stats->bulk_chunks++;
					stats->bulk_pages += chunk;
				}
				continue;
			}
		}
		/* The exact path: one instruction at a time through this chunk. */
		for (uint64_t k = 0; k < chunk; k++) {
			struct rmpsim_rmp_change c;
			if (stats)
				stats->single_pages++;
			rc = rmpupdate_one(rmp, p + k * size, in, gpa_step ? gpa + k * size : gpa, &c);
			if (rc != RMPSIM_RMPUPDATE_OK)
				break;
			changed_any |= c.changed;
			assigned_any |= c.assigned;
			done++;
		}
	}
	if (ret_done)
		*ret_done = done;
	if (ret_change)
		rmpsim__change_set(ret_change, changed_any, assigned_any, spa, done * size);
	return rc;
}

enum rmpsim_rmpupdate_rc rmpsim_insn_rmpupdate_range(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
						     const struct rmpsim_rmp_state *in, bool gpa_step,
						     uint64_t *ret_done, struct rmpsim_rmp_change *ret_change)
{
	return rmpsim__insn_rmpupdate_range_stats(rmp, spa, npages, in, gpa_step, ret_done, ret_change, NULL);
}
