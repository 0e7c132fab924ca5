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
 *  4. an entry the update writes is immutable (spec 3.1; for 2 MB any of the
 *     512, A25: a 2 MB page may not swallow an HV_FIXED 4K page)
 *                                                              -> FAIL_PERMISSION
 *  5. an entry it writes has the lock bit (A23)                -> FAIL_INUSE
 *  6. 4K / 2M overlap (A24): a 4K update inside a region whose 2 MB-aligned
 *     entry is an assigned 2 MB entry; a 2 MB update of a region holding any
 *     assigned entry while its head is not an assigned 2 MB entry
 *                                                              -> FAIL_OVERLAP
 * Then the entry is written with validated, vmsa and the VMPL permissions
 * reset (A26, VeriSMo's RmpEntry::trans); a 2 MB update also writes the 511
 * sub-entries (A25: assigned, ASID 0, 4K for an assigned page; zero otherwise).
 */
#include <rmpsim/insn.h>

#include "insn/rmpupdate_one.h"
#include "require.h"
#include "rmp/unchecked.h"

/* A25: what each of the 511 other entries of an assigned 2 MB page holds (AMD-ASPFW sev_mcmd.c). */
static const struct rmpsim_raw_entry subentry_assigned = { RMPSIM__LO_ASSIGNED, 0 };
static const struct rmpsim_raw_entry subentry_none = { 0, 0 };

/* An assigned 2 MB entry, on bits: authoritative for its region. */
static bool raw_is_assigned_2m(const struct rmpsim_raw_entry *e)
{
	return (e->lo & (RMPSIM__LO_ASSIGNED | RMPSIM__LO_PAGESIZE)) ==
	       (RMPSIM__LO_ASSIGNED | RMPSIM__LO_PAGESIZE);
}

/* What the non-zero entries of a 2 MB region hold, for checks 4 and 5 and the sub-entry write. */
struct region_scan {
	bool immutable, lock;
	bool subs_hold;			    /* entries 1..511 all equal *sub */
	const struct rmpsim_raw_entry *sub; /* the sub-entry value to compare with */
	unsigned nonzero_subs;		    /* non-zero entries among 1..511 */
	unsigned count_2m;		    /* assigned entries among the 512 */
};

static int region_visit(void *ctx, const struct rmpsim__rmp_run *r)
{
	struct region_scan *s = ctx;
	unsigned start = r->start, len = r->len;

	s->immutable |= (r->first.lo & RMPSIM__LO_IMMUTABLE) != 0;
	s->lock |= (r->first.lo & RMPSIM__LO_LOCK) != 0;
	if (start == 0) { /* entry 0 is the head: the caller reads it */
		start = 1;
		len--;
	}
	if (!len)
		return 0;
	s->nonzero_subs += len;
	/*
	 * Exact whatever the cut into runs: two entries of a stepping run differ
	 * in the GPA field, so such a run holds the sub-entry value only if it
	 * has one entry here, which is compared as it is.
	 */
	if (r->step && len > 1) {
		s->subs_hold = false;
	} else {
		struct rmpsim_raw_entry e =
			r->step ? rmpsim__raw_advance(r->first, start - r->start) : r->first;
		if (!rmpsim__raw_same(&e, s->sub))
			s->subs_hold = false;
	}
	return 0;
}

/* Scan a 2 MB region's runs: immutable / lock anywhere, and whether entries 1..511 hold *sub. */
static void region_scan(const struct rmpsim_rmp *rmp, uint64_t head, const struct rmpsim_raw_entry *sub,
			struct region_scan *s)
{
	memset(s, 0, sizeof(*s));
	s->subs_hold = true;
	s->sub = sub;
	(void)rmpsim__rmp_2m_runs(rmp, head, region_visit, s);
	/* Entries outside every run are zero: they hold *sub only when it is zero. */
	if (s->nonzero_subs < RMPSIM_ENTRIES_PER_2M - 1 && !rmpsim__raw_is_zero(sub))
		s->subs_hold = false;
}

/* Checks 1-3 (A21, A22, A20), common to both page sizes. */
static enum rmpsim_rmpupdate_rc rmpupdate_check_input(const struct rmpsim_rmp *rmp, uint64_t spa,
						      const struct rmpsim_rmp_state *in, uint64_t gpa)
{
	RMPSIM__REQUIRE(rmpsim__rmpupdate_operands_ok(in, gpa), RMPSIM_RMPUPDATE_FAIL_INPUT); /* A21 */
	bool is_2m = in->pagesize == RMPSIM_PAGE_2M;
	uint64_t size = is_2m ? RMPSIM_SZ_2M : RMPSIM_SZ_4K;
	RMPSIM__REQUIRE(rmpsim__require_aligned(spa, size), RMPSIM_RMPUPDATE_FAIL_INPUT); /* spec 3.1, A22 */
	/* A20 (spa is 4K aligned: for a 4K page its first byte decides). */
	RMPSIM__REQUIRE(is_2m ? rmpsim__require_covered(rmp, spa, size)
			      : rmpsim_layout_covers(rmpsim_rmp_layout(rmp), spa),
			RMPSIM_RMPUPDATE_FAIL_INPUT);
	return RMPSIM_RMPUPDATE_OK;
}

/* Checks 4-6 of a 4K page on the look-up's view (the checks read no more). */
static enum rmpsim_rmpupdate_rc rmpupdate_check_4k(const struct rmpsim__rmp_view *v)
{
	RMPSIM__REQUIRE(!(v->e.lo & RMPSIM__LO_IMMUTABLE), RMPSIM_RMPUPDATE_FAIL_PERMISSION); /* spec 3.1 */
	RMPSIM__REQUIRE(!(v->e.lo & RMPSIM__LO_LOCK), RMPSIM_RMPUPDATE_FAIL_INUSE);	      /* A23 */
	/* A24: the page lies inside a guest's (or firmware's) 2 MB page (the look-up read its head). */
	RMPSIM__REQUIRE(!v->head_2m_page, RMPSIM_RMPUPDATE_FAIL_OVERLAP); /* A24 */
	return RMPSIM_RMPUPDATE_OK;
}

/* Checks 4-6 of a 2 MB page: every one of its 512 entries (A25); fills *rs. Out of line: the 4K path stays lean. */
__attribute__((noinline)) static enum rmpsim_rmpupdate_rc
rmpupdate_check_2m(const struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
		   const struct rmpsim__rmp_view *v, struct region_scan *rs)
{
	/* A25: the update writes all 512 entries; any of them immutable or locked refuses it. */
	if (v->zero_2m) /* what the scan finds in an all-zero region, without the walk */
		*rs = (struct region_scan){ .subs_hold = !in->assigned };
	else
		region_scan(rmp, spa, in->assigned ? &subentry_assigned : &subentry_none, rs);
	rs->count_2m = v->count_2m;
	RMPSIM__REQUIRE(!rs->immutable, RMPSIM_RMPUPDATE_FAIL_PERMISSION); /* spec 3.1, A25 */
	RMPSIM__REQUIRE(!rs->lock, RMPSIM_RMPUPDATE_FAIL_INUSE);	   /* A23 */
	/* A24: assigned entries other than this 2 MB page's own (head and sub-entries). */
	RMPSIM__REQUIRE(raw_is_assigned_2m(&v->e) || v->count_2m == 0, RMPSIM_RMPUPDATE_FAIL_OVERLAP);
	return RMPSIM_RMPUPDATE_OK;
}

/* A 2 MB page that passed its checks: one write of the slot; 0 or -ENOMEM (nothing written). */
__attribute__((noinline)) static int rmpupdate_write_2m(struct rmpsim_rmp *rmp, uint64_t spa,
							const struct rmpsim_rmp_state *in,
							const struct rmpsim_raw_entry *n)
{
	struct rmpsim__rmp_shape w;

	rmpsim__rmpupdate_2m_shape(in, n, &w);
	return rmpsim__rmp_set_slots(rmp, spa, 1, &w) < 0 ? -ENOMEM : 0;
}

/*
 * The reference for the 4K path (rmpsim__rmpupdate_4k, insn/rmpupdate_one.h;
 * tests/insn/test_rmpupdate_fused.c): checks 1-6 on one look-up's view, then
 * a separate write, as before the store's one-call edit.
 */
static int rmpupdate_4k_viewed(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
			       uint64_t gpa, bool *changed, bool *assigned)
{
	struct rmpsim__rmp_view v;

	*changed = *assigned = false;
	enum rmpsim_rmpupdate_rc rc = rmpupdate_check_input(rmp, spa, in, gpa);
	if (rc != RMPSIM_RMPUPDATE_OK)
		return (int)rc;
	rmpsim__rmp_get_view(rmp, spa, false, &v);
	rc = rmpupdate_check_4k(&v);
	if (rc != RMPSIM_RMPUPDATE_OK)
		return (int)rc;
	struct rmpsim_raw_entry n = rmpsim__rmpupdate_new_raw(&v.e, in, gpa);
	if (rmpsim__raw_same(&v.e, &n))
		return RMPSIM_RMPUPDATE_OK; /* nothing to write: same bytes */
	if (rmpsim__rmp_set_viewed(rmp, spa, &v, &n) < 0)
		return -ENOMEM;
	*changed = true;
	*assigned = in->assigned && !(v.e.lo & RMPSIM__LO_ASSIGNED);
	return RMPSIM_RMPUPDATE_OK;
}

/*
 * The same for a 2 MB page: its 512 entries (A25), on the region's view; the
 * general path of rmpsim__rmpupdate_2m (insn/rmpupdate_one.h) and its reference.
 */
int rmpsim__insn_rmpupdate_2m_viewed(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
				     uint64_t gpa, bool *changed, bool *assigned)
{
	struct rmpsim__rmp_view v;
	struct region_scan rs;

	*changed = *assigned = false;
	enum rmpsim_rmpupdate_rc rc = rmpupdate_check_input(rmp, spa, in, gpa);
	if (rc != RMPSIM_RMPUPDATE_OK)
		return (int)rc;
	rmpsim__rmp_get_view(rmp, spa, true, &v);
	rc = rmpupdate_check_2m(rmp, spa, in, &v, &rs);
	if (rc != RMPSIM_RMPUPDATE_OK)
		return (int)rc;
	struct rmpsim_raw_entry n = rmpsim__rmpupdate_new_raw(&v.e, in, gpa);
	if (rmpsim__raw_same(&v.e, &n) && rs.subs_hold)
		return RMPSIM_RMPUPDATE_OK; /* nothing to write: same bytes */
	if (rmpupdate_write_2m(rmp, spa, in, &n) < 0)
		return -ENOMEM;
	*changed = true;
	*assigned = in->assigned && rs.count_2m < RMPSIM_ENTRIES_PER_2M; /* the head, or a sub-entry */
	return RMPSIM_RMPUPDATE_OK;
}

/* One RMPUPDATE with an explicit GPA (the range advances it): its code, or -ENOMEM. */
static int rmpupdate_one(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
			 uint64_t gpa, struct rmpsim_rmp_change *change)
{
	bool changed, assigned;
	/* A page size other than 2 MB goes the 4K way, where check 1 refuses a bad one. */
	int rc = in->pagesize == RMPSIM_PAGE_2M
			 ? rmpsim__rmpupdate_2m(rmp, spa, in, gpa, &changed, &assigned)
			 : rmpsim__rmpupdate_4k(rmp, spa, in, gpa, &changed, &assigned);

	rmpsim__change_none(change);
	if (rc == RMPSIM_RMPUPDATE_OK && changed)
		rmpsim__change_set(change, true, assigned, spa, rmpsim__page_bytes(in->pagesize));
	return rc;
}

/* One RMPUPDATE through the outcome API, on the fused paths or (reference) the view paths. */
static inline int rmpupdate_out_of(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
				   struct rmpsim_insn_out *out, bool reference)
{
	bool changed, assigned;
	int rc;

	if (!rmp || !in || !out)
		return -EINVAL;
	if (in->pagesize == RMPSIM_PAGE_2M)
		rc = reference ? rmpsim__insn_rmpupdate_2m_viewed(rmp, spa, in, in->gpa, &changed, &assigned)
			       : rmpsim__rmpupdate_2m(rmp, spa, in, in->gpa, &changed, &assigned);
	else if (reference)
		rc = rmpupdate_4k_viewed(rmp, spa, in, in->gpa, &changed, &assigned);
	else
		rc = rmpsim__rmpupdate_4k(rmp, spa, in, in->gpa, &changed, &assigned);
	if (rc < 0)
		return rc; /* -ENOMEM: *out untouched */
	rmpsim__rmpupdate_out(rc, changed, assigned, spa, rmpsim__page_bytes(in->pagesize), out);
	return 0;
}

int rmpsim_insn_rmpupdate(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
			  struct rmpsim_insn_out *out)
{
	return rmpupdate_out_of(rmp, spa, in, out, false);
}

int rmpsim__insn_rmpupdate_ref(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
			       struct rmpsim_insn_out *out)
{
	return rmpupdate_out_of(rmp, spa, in, out, true);
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

	return rmpsim__rmpupdate_new_raw(&zero, s->in, range_gpa(s, spa));
}

/*
 * Whether each of the n entries from f gets the uniform value, as
 * rmpsim__rmpupdate_new_raw() gives it: the new value depends on the old one only
 * through the hi bits above the VMPL permissions (A26), which the entries of a
 * run share.
 */
static bool range_run_takes_uniform(const struct rmpsim_raw_entry *f)
{
	return (f->hi >> 32) == 0; /* A26: kept; the uniform value has none */
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
	if ((f.lo & (RMPSIM__LO_IMMUTABLE | RMPSIM__LO_LOCK)) || !range_run_takes_uniform(&f)) {
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

/* ---- Whole GB regions in one batch (issue 14 point 5) ---- */

/*
 * A region the store knows alike in every 2 MB slot (rmpsim__rmp_1g_shape:
 * slot k holds the shape's runs, advanced k x 512 pages where adv) takes the
 * decisions of its 512 chunks (4K pages) or 512 pages (2 MB) as one: each
 * check reads bits every slot shares; only GPA fields differ, and they differ
 * alike in the old and the new entries exactly when both advance a slot at a
 * time. Anything else (a failure to report, an entry of its own) returns 0:
 * the chunk or page path decides, exactly as before.
 */

/* Whether every page of [spa, spa + 1 GB) passes check 1 with its own GPA (A21): its two ends decide. */
static bool gb_operands_ok(const struct range_scan *s, uint64_t spa, uint64_t size)
{
	uint64_t last = spa + RMPSIM_SZ_1G - size;

	return rmpsim__rmpupdate_operands_ok(s->in, range_gpa(s, spa)) &&
	       rmpsim__rmpupdate_operands_ok(s->in, range_gpa(s, last));
}

/* 4K pages: what range_chunk_fast() decides for every chunk of the region, decided on slot 0. */
static int range_gb_4k(struct rmpsim_rmp *rmp, struct range_scan *s, uint64_t spa, bool *changed_any,
		       bool *assigned_any)
{
	struct rmpsim__rmp_shape sh;
	bool u_step = s->gpa_step && s->in->assigned, changed = false;
	uint64_t visited = 0, assigned = 0;

	if (!gb_operands_ok(s, spa, RMPSIM_SZ_4K) || !rmpsim__require_covered(rmp, spa, RMPSIM_SZ_1G) ||
	    !rmpsim__rmp_1g_shape(rmp, spa, &sh))
		return 0;
	s->region = spa;
	for (unsigned i = 0; i < sh.nruns; i++) {
		const struct rmpsim__rmp_run *r = &sh.runs[i];
		if ((r->first.lo & (RMPSIM__LO_IMMUTABLE | RMPSIM__LO_LOCK)) ||
		    !range_run_takes_uniform(&r->first))
			return 0; /* checks 4, 5 or an entry's own value (A26): chunk by chunk */
		if (r->start == 0 && raw_is_assigned_2m(&r->first))
			return 0; /* A24: the chunk path names the failing page */
		visited += r->len;
		assigned += (r->first.lo & RMPSIM__LO_ASSIGNED) ? r->len : 0;
		uint64_t a = spa + (uint64_t)r->start * RMPSIM_SZ_4K;
		changed |= !range_run_holds_uniform(s, &r->first, r->step && r->len > 1, a, r->len) ||
			   sh.adv[i] != u_step;
	}
	struct rmpsim_raw_entry ur = range_uniform(s, spa);
	changed |= visited < RMPSIM_ENTRIES_PER_2M && !(ur.lo == 0 && ur.hi == 0);
	if (changed && rmpsim_rmp_set_range(rmp, spa, RMPSIM_SZ_1G >> 12, &ur, u_step) < 0)
		return -ENOMEM;
	*changed_any |= changed;
	*assigned_any |= s->in->assigned && assigned < RMPSIM_ENTRIES_PER_2M;
	return 1;
}

/* 2 MB pages: what rmpupdate_one() decides for each of the region's 512 pages, decided on slot 0. */
static int range_gb_2m(struct rmpsim_rmp *rmp, struct range_scan *s, uint64_t spa, bool *changed_any,
		       bool *assigned_any)
{
	const struct rmpsim_raw_entry *sub = s->in->assigned ? &subentry_assigned : &subentry_none;
	struct rmpsim__rmp_shape sh;
	struct rmpsim_raw_entry old = { 0, 0 };
	bool old_adv = false, subs_hold = true;
	unsigned count = 0, nonzero_subs = 0;

	if (!gb_operands_ok(s, spa, RMPSIM_SZ_2M) || !rmpsim__require_covered(rmp, spa, RMPSIM_SZ_1G) ||
	    !rmpsim__rmp_1g_shape(rmp, spa, &sh))
		return 0;
	for (unsigned i = 0; i < sh.nruns; i++) {
		const struct rmpsim__rmp_run *r = &sh.runs[i];
		unsigned start = r->start, len = r->len;
		if (r->first.lo & (RMPSIM__LO_IMMUTABLE | RMPSIM__LO_LOCK))
			return 0; /* checks 4 and 5 (spec 3.1, A23, A25): page by page */
		count += (r->first.lo & RMPSIM__LO_ASSIGNED) ? len : 0;
		if (start == 0) { /* the head (region_visit) */
			old = r->first;
			old_adv = sh.adv[i];
			start = 1;
			len--;
		}
		if (!len)
			continue;
		if (sh.adv[i])
			return 0; /* sub-entries that differ from slot to slot: page by page */
		nonzero_subs += len;
		subs_hold &= !(r->step && len > 1) && rmpsim__raw_same(&r->first, sub);
	}
	if (nonzero_subs < RMPSIM_ENTRIES_PER_2M - 1 && !rmpsim__raw_is_zero(sub))
		subs_hold = false;
	if (!raw_is_assigned_2m(&old) && count != 0)
		return 0; /* A24: page by page reports the overlap */
	/* Slot k's new head is slot 0's advanced k x 512 pages when the GPA steps. */
	bool new_adv = s->in->assigned && s->gpa_step;
	struct rmpsim_raw_entry n = rmpsim__rmpupdate_new_raw(&old, s->in, range_gpa(s, spa));
	/* A zero old head never holds the new one (that has its page size bit). */
	bool changed = !subs_hold || !rmpsim__raw_same(&old, &n) || old_adv != new_adv;
	if (changed) {
		struct rmpsim__rmp_shape w = { 1, { { n, 0, 1, false } }, { new_adv } };
		if (!rmpsim__raw_is_zero(sub)) {
			w.nruns = 2;
			w.runs[1] = (struct rmpsim__rmp_run){ *sub, 1, RMPSIM_ENTRIES_PER_2M - 1, false };
		}
		if (rmpsim__rmp_set_slots(rmp, spa, RMPSIM_SLOTS_PER_1G, &w) < 0)
			return -ENOMEM;
	}
	*changed_any |= changed;
	/* A27: a sub-entry or the head went from unassigned to assigned. */
	*assigned_any |= s->in->assigned && count < RMPSIM_ENTRIES_PER_2M;
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

int rmpsim__insn_rmpupdate_range_stats(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
				       const struct rmpsim_rmp_state *in, bool gpa_step,
				       struct rmpsim_insn_out *out, struct rmpsim__range_stats *stats)
{
	int rc = RMPSIM_RMPUPDATE_OK;
	bool changed_any = false, assigned_any = false;
	uint64_t done = 0;

	if (!rmp || !in || !out)
		return -EINVAL;
	uint64_t size = rmpsim__page_bytes(in->pagesize);
	struct range_scan s = { .in = in, .first_spa = spa, .gpa0 = in->gpa, .gpa_step = gpa_step };

	while (done < npages && rc == RMPSIM_RMPUPDATE_OK) {
		uint64_t p = spa + done * size;
		uint64_t gpa = gpa_step ? in->gpa + done * size : in->gpa;
		uint64_t chunk = 1;

		if ((p & (RMPSIM_SZ_1G - 1)) == 0 && npages - done >= RMPSIM_SZ_1G / size &&
		    in->pagesize <= 1) {
			int gb = in->pagesize == RMPSIM_PAGE_2M
					 ? range_gb_2m(rmp, &s, p, &changed_any, &assigned_any)
					 : range_gb_4k(rmp, &s, p, &changed_any, &assigned_any);
			if (gb < 0) {
				rc = -ENOMEM;
				break;
			}
			if (gb == 1) {
				done += RMPSIM_SZ_1G / size;
				if (stats) {
					stats->gb_batches++;
					stats->bulk_chunks += RMPSIM_SLOTS_PER_1G;
					stats->bulk_pages += RMPSIM_SZ_1G / size;
				}
				continue;
			}
		}

		if (in->pagesize == RMPSIM_PAGE_4K && rmpsim__rmpupdate_operands_ok(in, gpa) &&
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
				rc = -ENOMEM;
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
	/* Written on -ENOMEM too: the caller learns what was done (insn.h). */
	memset(out, 0, sizeof(*out));
	out->rax = rc < 0 ? 0 : (uint64_t)rc;
	out->done = done;
	rmpsim__change_set(&out->change, changed_any, assigned_any, spa, done * size);
	return rc < 0 ? rc : 0;
}

int rmpsim_insn_rmpupdate_range(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
				const struct rmpsim_rmp_state *in, bool gpa_step, struct rmpsim_insn_out *out)
{
	return rmpsim__insn_rmpupdate_range_stats(rmp, spa, npages, in, gpa_step, out, NULL);
}
