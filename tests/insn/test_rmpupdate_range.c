/* SPDX-License-Identifier: MIT */
/*
 * rmpsim_insn_rmpupdate_range's bulk path (docs/performance.md): chunks
 * of a guest's 4K pages, stored as runs with stepping GPAs, are decided run by
 * run. Each case runs the range on one table and the sequence of single
 * RMPUPDATEs on another (same backend and across backends) and compares return
 * code, pages done, change record, every entry of the window and the
 * summaries; it also checks, through rmpsim__insn_rmpupdate_range_stats,
 * that regular chunks take the bulk path and irregular ones the exact one.
 */
#include "insn_fixture.h"

#include "insn/require.h"

#define GB SZ_1G
/* A contiguous RMP at 256 MiB for 3 GiB of RAM (spec 2.1: 16 KiB + 16 bytes per 4K page). */
#define T_RAM_END  (3 * GB)
#define T_RMP_BASE (256ull << 20)
#define T_RMP_SIZE (3 * (4ull << 20) + (1ull << 20))
#define ASID	   5u
#define A	   (512ull << 20)   /* an area inside the first GB */
#define B	   (GB - 3 * SZ_2M) /* three 2 MB chunks below the 1 GB boundary */
#define T_COVER	   (((T_RMP_SIZE - RMPSIM_RMP_BOOKKEEPING_SIZE) / 16) * SZ_4K)

static struct rmpsim_rmp *t_table(enum rmpsim_rmp_backend backend)
{
	struct rmpsim_rmp_layout *l = NULL;
	struct rmpsim_rmp *rmp = NULL;
	struct rmpsim_diag d;

	memset(&d, 0, sizeof(d));
	assert_int_equal(
		rmpsim_layout_contiguous(NULL, T_RMP_BASE, T_RMP_BASE + T_RMP_SIZE - 1, T_RAM_END, &d, &l),
		0);
	assert_int_equal(rmpsim_rmp_create(NULL, l, backend, &rmp), 0);
	rmpsim_layout_destroy(l);
	return rmp;
}

/* A guest's 4K pages: n entries from spa, GPAs stepping from gpa (spec 2.2 bits). */
static void fill_private(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t n, uint64_t gpa, unsigned asid,
			 uint64_t extra_lo, uint64_t hi)
{
	struct rmpsim_raw_entry e = { LO_ASSIGNED | LO_GPA(gpa) | LO_ASID(asid) | extra_lo, hi };

	assert_int_equal(rmpsim_rmp_set_range(rmp, spa, n, &e, true), 0);
}

/* The entry at spa with bits set in lo / hi on top of what it holds. */
static void poke(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t set_lo, uint64_t set_hi)
{
	struct rmpsim_raw_entry e = fix_raw(rmp, spa);

	e.lo = (e.lo & ~LO_SUBPAGE_MASK) | set_lo;
	e.hi |= set_hi;
	assert_int_equal(rmpsim_rmp_set(rmp, spa, &e), 0);
}

/* ---- the states the cases start from ---- */

/* Four fully private chunks from A, validated, GPAs stepping from 1 GiB. */
static void st_private(struct rmpsim_rmp *rmp)
{
	fill_private(rmp, A, 4 * 512, GB, ASID, LO_VALIDATED, 0);
}

/* Six private chunks across the 1 GB boundary (B .. B + 12 MiB). */
static void st_private_1g(struct rmpsim_rmp *rmp)
{
	fill_private(rmp, B, 6 * 512, 0x200000, ASID, LO_VALIDATED, 0);
}

/* Private, not validated, VMPL1 permissions set (hi low word). */
static void st_private_perms(struct rmpsim_rmp *rmp)
{
	fill_private(rmp, A, 4 * 512, GB, ASID, 0, HI_VMPL(1, 0x1f));
}

/* Private, not validated and no permissions: a same-owner update changes nothing. */
static void st_private_plain(struct rmpsim_rmp *rmp)
{
	fill_private(rmp, A, 4 * 512, GB, ASID, 0, 0);
}

static void st_immutable(struct rmpsim_rmp *rmp)
{
	st_private(rmp);
	poke(rmp, A + SZ_2M + 77 * SZ_4K, LO_IMMUTABLE, 0);
}

static void st_locked(struct rmpsim_rmp *rmp)
{
	st_private(rmp);
	poke(rmp, A + 2 * SZ_2M + 300 * SZ_4K, LO_LOCK, 0);
}

/* The third chunk is one assigned 2 MB page (its other 511 entries sub-entries: assigned, ASID 0, A25). */
static void st_2m_head(struct rmpsim_rmp *rmp)
{
	struct rmpsim_raw_entry sub = { LO_ASSIGNED, 0 };

	st_private(rmp);
	assert_int_equal(rmpsim_rmp_set_range(rmp, A + 2 * SZ_2M, 512, &sub, false), 0);
	fix_set_raw(rmp, A + 2 * SZ_2M, LO_ASSIGNED | LO_2M | LO_GPA(4 * GB) | LO_ASID(ASID), 0);
}

/* One entry of another guest in the second chunk. */
static void st_other_asid(struct rmpsim_rmp *rmp)
{
	st_private(rmp);
	fix_set_raw(rmp, A + SZ_2M + 9 * SZ_4K,
		    LO_ASSIGNED | LO_GPA(0x5000) | LO_ASID(ASID + 1) | LO_VALIDATED, 0);
}

/* Every third entry validated (a dense chunk in the sparse store), VMSA on one. */
static void st_validated_mix(struct rmpsim_rmp *rmp)
{
	fill_private(rmp, A, 4 * 512, GB, ASID, 0, 0);
	for (unsigned i = 0; i < 512; i += 3)
		poke(rmp, A + SZ_2M + i * SZ_4K, LO_VALIDATED, 0);
	poke(rmp, A + 2 * SZ_2M + 5 * SZ_4K, LO_VMSA, 0);
}

/* One entry carrying a hi bit above the VMPL permissions (kept by every update, A26). */
static void st_hi_reserved(struct rmpsim_rmp *rmp)
{
	st_private(rmp);
	poke(rmp, A + 3 * SZ_2M + 1 * SZ_4K, 0, 1ull << 40);
}

/* Shared pages among private ones: holes in the runs. */
static void st_holes(struct rmpsim_rmp *rmp)
{
	struct rmpsim_raw_entry z = { 0, 0 };

	st_private(rmp);
	assert_int_equal(rmpsim_rmp_set_range(rmp, A + SZ_2M + 100 * SZ_4K, 50, &z, false), 0);
	assert_int_equal(rmpsim_rmp_set(rmp, A + 2 * SZ_2M, &z), 0);
}

static void st_empty(struct rmpsim_rmp *rmp)
{
	(void)rmp;
}

/* ---- the check: range on one table, sequence on the other ---- */

struct rcase {
	void (*setup)(struct rmpsim_rmp *rmp);
	uint64_t spa, npages;
	struct rmpsim_rmp_state in;
	bool gpa_step;
	enum rmpsim_rmpupdate_rc rc;
	bool all_bulk; /* no page by page at all */
};

static enum rmpsim_rmpupdate_rc sequence(struct rmpsim_rmp *rmp, const struct rcase *c, uint64_t *done,
					 struct rmpsim_rmp_change *ch)
{
	enum rmpsim_rmpupdate_rc rc = RMPSIM_RMPUPDATE_OK;
	bool any = false, asg = false;

	*done = 0;
	for (uint64_t k = 0; k < c->npages; k++) {
		struct rmpsim_rmp_state one = c->in;
		struct rmpsim_rmp_change x;
		if (c->gpa_step)
			one.gpa += k * SZ_4K;
		rc = fix_rmpupdate(rmp, c->spa + k * SZ_4K, &one, &x);
		if (rc != RMPSIM_RMPUPDATE_OK)
			break;
		any |= x.changed;
		asg |= x.assigned;
		(*done)++;
	}
	memset(ch, 0, sizeof(*ch));
	ch->changed = any;
	ch->assigned = asg;
	ch->spa = any ? c->spa : 0;
	ch->bytes = any ? *done * SZ_4K : 0;
	return rc;
}

static void compare_tables(const struct rmpsim_rmp *x, const struct rmpsim_rmp *y, uint64_t lo, uint64_t hi)
{
	for (uint64_t p = lo; p < hi; p += SZ_4K) {
		struct rmpsim_raw_entry a = fix_raw(x, p), b = fix_raw(y, p);
		if (a.lo != b.lo || a.hi != b.hi)
			fail_msg("entry 0x%llx: 0x%llx/0x%llx vs 0x%llx/0x%llx", (unsigned long long)p,
				 (unsigned long long)a.lo, (unsigned long long)a.hi, (unsigned long long)b.lo,
				 (unsigned long long)b.hi);
	}
	for (uint64_t r = lo; r < hi; r += SZ_2M) {
		assert_int_equal(rmpsim_rmp_2m_assigned_count(x, r), rmpsim_rmp_2m_assigned_count(y, r));
		assert_int_equal(rmpsim_rmp_2m_head_assigned(x, r), rmpsim_rmp_2m_head_assigned(y, r));
	}
	for (uint64_t g = 0; g < T_RAM_END; g += GB)
		assert_int_equal(rmpsim_rmp_1g_first_busy_slot(x, g), rmpsim_rmp_1g_first_busy_slot(y, g));
}

/* Run c as a range on backend rb and as a sequence on sb; returns the range's stats. */
static struct rmpsim__range_stats check_pair(const struct rcase *c, enum rmpsim_rmp_backend rb,
					     enum rmpsim_rmp_backend sb)
{
	struct rmpsim_rmp *r = t_table(rb), *s = t_table(sb);
	struct rmpsim__range_stats st = { 0, 0, 0, 0 };
	struct rmpsim_rmp_change chr, chs;
	uint64_t done_r = 0, done_s = 0;

	c->setup(r);
	c->setup(s);
	struct rmpsim_insn_out o;
	assert_int_equal(
		rmpsim__insn_rmpupdate_range_stats(r, c->spa, c->npages, &c->in, c->gpa_step, &o, &st), 0);
	enum rmpsim_rmpupdate_rc rcr = (enum rmpsim_rmpupdate_rc)o.rax;
	done_r = o.done;
	chr = o.change;
	enum rmpsim_rmpupdate_rc rcs = sequence(s, c, &done_s, &chs);
	assert_int_equal(rcr, rcs);
	assert_int_equal(rcr, c->rc);
	assert_int_equal(done_r, done_s);
	assert_int_equal(chr.changed, chs.changed);
	assert_int_equal(chr.assigned, chs.assigned);
	assert_int_equal(chr.spa, chs.spa);
	assert_int_equal(chr.bytes, chs.bytes);
	uint64_t lo = (c->spa & ~(SZ_2M - 1)) - SZ_2M;
	uint64_t hi = ((c->spa + c->npages * SZ_4K + SZ_2M - 1) & ~(SZ_2M - 1)) + SZ_2M;
	compare_tables(r, s, lo, hi < T_COVER ? hi : T_COVER);
	/* Every page was handled once, by one path or the other (up to the failing one). */
	assert_true(st.bulk_pages + st.single_pages >= done_r);
	assert_true(st.bulk_pages + st.single_pages <= c->npages);
	rmpsim_rmp_destroy(r);
	rmpsim_rmp_destroy(s);
	return st;
}

static void run_case(const struct rcase *c)
{
	static const enum rmpsim_rmp_backend pairs[4][2] = {
		{ RMPSIM_RMP_SPARSE, RMPSIM_RMP_SPARSE },
		{ RMPSIM_RMP_DENSE, RMPSIM_RMP_DENSE },
		{ RMPSIM_RMP_SPARSE, RMPSIM_RMP_DENSE },
		{ RMPSIM_RMP_DENSE, RMPSIM_RMP_SPARSE },
	};
	uint64_t chunks = ((c->spa + c->npages * SZ_4K - 1) >> 21) - (c->spa >> 21) + 1;

	for (unsigned i = 0; i < 4; i++) {
		struct rmpsim__range_stats st = check_pair(c, pairs[i][0], pairs[i][1]);
		if (c->all_bulk) {
			/* The fast path was taken for every chunk, on both backends. */
			assert_int_equal(st.single_pages, 0);
			assert_int_equal(st.bulk_chunks, chunks);
			assert_int_equal(st.bulk_pages, c->npages);
		} else {
			assert_true(st.single_pages > 0);
		}
	}
}

static struct rmpsim_rmp_state shared(void)
{
	return fix_state(0, RMPSIM_PAGE_4K, 0, 0);
}

/* ---- the cases ---- */

/* covers: A21, A26 */
static void private_chunks_to_shared(void **state)
{
	(void)state;
	run_case(&(struct rcase){ st_private, A, 4 * 512, shared(), false, RMPSIM_RMPUPDATE_OK, true });
	/* gpa_step is ignored for shared pages (A21). */
	run_case(&(struct rcase){ st_private, A, 4 * 512, shared(), true, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_private_perms, A, 4 * 512, shared(), true, RMPSIM_RMPUPDATE_OK, true });
	/* Shared over shared: nothing changes. */
	run_case(&(struct rcase){ st_empty, A, 4 * 512, shared(), false, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_holes, A, 4 * 512, shared(), false, RMPSIM_RMPUPDATE_OK, true });
}

/* covers: A26 */
static void private_chunks_to_other_asid(void **state)
{
	(void)state;
	struct rmpsim_rmp_state in = fix_state(1, RMPSIM_PAGE_4K, 0x40000000, ASID + 4);

	run_case(&(struct rcase){ st_private, A, 4 * 512, in, true, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_private, A, 4 * 512, in, false, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_holes, A, 4 * 512, in, true, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_empty, A, 4 * 512, in, true, RMPSIM_RMPUPDATE_OK, true });
	/* Same owner, new GPAs: every entry resets (A26), decided entry by entry but written in bulk. */
	in = fix_state(1, RMPSIM_PAGE_4K, 3 * GB, ASID);
	run_case(&(struct rcase){ st_private, A, 4 * 512, in, true, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_private_perms, A, 4 * 512, in, true, RMPSIM_RMPUPDATE_OK, true });
	/* Same owner, same GPAs, nothing kept: nothing changes, still in bulk. */
	in = fix_state(1, RMPSIM_PAGE_4K, GB, ASID);
	run_case(&(struct rcase){ st_private_plain, A, 4 * 512, in, true, RMPSIM_RMPUPDATE_OK, true });
	/* ... but one GPA for all: the first page holds its value, the others change. */
	run_case(&(struct rcase){ st_private_plain, A, 4 * 512, in, false, RMPSIM_RMPUPDATE_OK, true });
	/*
	 * Same owner, same GPAs: validated and the VMPL permissions reset all the
	 * same (VeriSMo RmpEntry::trans, A26), so the chunks go in bulk too.
	 */
	run_case(&(struct rcase){ st_private, A, 4 * 512, in, true, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_private_perms, A, 4 * 512, in, true, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_private, A, 4 * 512, in, false, RMPSIM_RMPUPDATE_OK, true });
}

static void partial_chunks_at_range_ends(void **state)
{
	(void)state;
	struct rmpsim_rmp_state in = fix_state(1, RMPSIM_PAGE_4K, 0x80000000, 77);

	run_case(&(struct rcase){ st_private, A + 5 * SZ_4K, 3 * 512 + 200, shared(), false,
				  RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_private, A + 510 * SZ_4K, 4, in, true, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_private, A + 17 * SZ_4K, 300, in, true, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_holes, A + SZ_2M + 120 * SZ_4K, 1000, in, true, RMPSIM_RMPUPDATE_OK,
				  true });
}

/* covers: spec 3.1, A23, A24 */
static void chunks_with_one_irregular_entry(void **state)
{
	(void)state;
	struct rmpsim_rmp_state in = fix_state(1, RMPSIM_PAGE_4K, 0x40000000, ASID + 4);

	for (int k = 0; k < 2; k++) {
		struct rmpsim_rmp_state t = k ? in : shared();
		run_case(&(struct rcase){ st_immutable, A, 4 * 512, t, true, RMPSIM_RMPUPDATE_FAIL_PERMISSION,
					  false });
		run_case(&(struct rcase){ st_locked, A, 4 * 512, t, true, RMPSIM_RMPUPDATE_FAIL_INUSE,
					  false });
		run_case(&(struct rcase){ st_2m_head, A, 4 * 512, t, true, RMPSIM_RMPUPDATE_FAIL_OVERLAP,
					  false });
		run_case(&(struct rcase){ st_hi_reserved, A, 4 * 512, t, true, RMPSIM_RMPUPDATE_OK, false });
		/* Another guest's entry and a validated / VMSA mix all reset (A26): still in bulk. */
		run_case(&(struct rcase){ st_other_asid, A, 4 * 512, t, true, RMPSIM_RMPUPDATE_OK, true });
		run_case(&(struct rcase){ st_validated_mix, A, 4 * 512, t, true, RMPSIM_RMPUPDATE_OK, true });
	}
	/* The mix against its own owner and GPAs: reset as well (A26), in bulk. */
	struct rmpsim_rmp_state same = fix_state(1, RMPSIM_PAGE_4K, GB, ASID);
	run_case(&(struct rcase){ st_validated_mix, A, 4 * 512, same, true, RMPSIM_RMPUPDATE_OK, true });
	/* The irregular entry outside the range does not stop the bulk path. */
	run_case(&(struct rcase){ st_immutable, A, 512 + 77, shared(), false, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_immutable, A + SZ_2M + 78 * SZ_4K, 434, shared(), false,
				  RMPSIM_RMPUPDATE_OK, true });
}

static void ranges_crossing_1g(void **state)
{
	(void)state;
	struct rmpsim_rmp_state in = fix_state(1, RMPSIM_PAGE_4K, 0x10000000, 300);

	run_case(&(struct rcase){ st_private_1g, B, 6 * 512, shared(), false, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_private_1g, B + 7 * SZ_4K, 5 * 512, in, true, RMPSIM_RMPUPDATE_OK,
				  true });
	run_case(&(struct rcase){ st_empty, GB - 3 * SZ_4K, 2 * 512, in, true, RMPSIM_RMPUPDATE_OK, true });
	run_case(&(struct rcase){ st_private_1g, 2 * GB - SZ_2M, 3 * 512, in, true, RMPSIM_RMPUPDATE_OK,
				  true });
}

/* covers: A20, A21 */
static void range_failures_at_the_edges(void **state)
{
	(void)state;
	/* The GPA limit inside a chunk (A21): the chunk is cut before it, the rest fails page by page. */
	struct rmpsim_rmp_state in = fix_state(1, RMPSIM_PAGE_4K, (1ull << 51) - 100 * SZ_4K, 6);
	run_case(&(struct rcase){ st_private, A, 2 * 512, in, true, RMPSIM_RMPUPDATE_FAIL_INPUT, false });
	/* Past the end of the RMP's coverage (A20). */
	run_case(&(struct rcase){ st_empty, T_COVER - 600 * SZ_4K, 1200, fix_state(1, RMPSIM_PAGE_4K, 0, 7),
				  true, RMPSIM_RMPUPDATE_FAIL_INPUT, false });
}

/*
 * Whole GB regions in one batch (issue 14 point 5): a chain of updates over
 * GB 1 with 4K and 2 MB pages, each run as one range on table r and as single
 * RMPUPDATEs on table q; code, pages done, change record and every entry of
 * the GB must agree, and the range on a sparse table must have decided the
 * steps marked `batch` as one.
 */
struct gbstep {
	struct rmpsim_rmp_state in;
	bool gpa_step, batch;
	enum rmpsim_rmpupdate_rc rc;
};

static void gb_step(struct rmpsim_rmp *r, struct rmpsim_rmp *q, const struct gbstep *g, bool sparse_r)
{
	uint64_t size = g->in.pagesize == RMPSIM_PAGE_2M ? SZ_2M : SZ_4K, n = GB / size;
	struct rmpsim__range_stats st = { 0, 0, 0, 0 };
	struct rmpsim_rmp_change chr;
	uint64_t done_r = 0, done_q = 0;
	struct rmpsim_insn_out o;
	assert_int_equal(rmpsim__insn_rmpupdate_range_stats(r, GB, n, &g->in, g->gpa_step, &o, &st), 0);
	enum rmpsim_rmpupdate_rc rcr = (enum rmpsim_rmpupdate_rc)o.rax;
	done_r = o.done;
	chr = o.change;
	int rcq = RMPSIM_RMPUPDATE_OK;
	bool any = false, asg = false;

	for (uint64_t k = 0; k < n; k++) {
		struct rmpsim_rmp_state one = g->in;
		struct rmpsim_rmp_change x;
		if (g->gpa_step)
			one.gpa += k * size;
		rcq = fix_rmpupdate(q, GB + k * size, &one, &x);
		if (rcq != RMPSIM_RMPUPDATE_OK)
			break;
		any |= x.changed;
		asg |= x.assigned;
		done_q++;
	}
	assert_int_equal(rcr, g->rc);
	assert_int_equal(rcq, g->rc);
	assert_int_equal(done_r, done_q);
	assert_int_equal(chr.changed, any);
	assert_int_equal(chr.assigned, asg);
	assert_true(!any || (chr.spa == GB && chr.bytes == done_q * size));
	compare_tables(r, q, GB - SZ_2M, 2 * GB + SZ_2M);
	if (sparse_r)
		assert_int_equal(st.gb_batches, g->batch ? 1 : 0);
}

static void whole_gb_batches(void **state)
{
	(void)state;
	const struct gbstep chain[] = {
		{ fix_state(1, RMPSIM_PAGE_4K, 2 * GB, ASID), true, true, RMPSIM_RMPUPDATE_OK },
		{ fix_state(1, RMPSIM_PAGE_4K, 2 * GB, ASID), true, true,
		  RMPSIM_RMPUPDATE_OK }, /* no change */
		{ fix_state(1, RMPSIM_PAGE_4K, 7 * GB, ASID + 2), true, true, RMPSIM_RMPUPDATE_OK },
		{ fix_state(1, RMPSIM_PAGE_4K, 7 * GB, ASID + 2), false, true,
		  RMPSIM_RMPUPDATE_OK }, /* one GPA */
		{ shared(), false, true, RMPSIM_RMPUPDATE_OK },
		{ fix_state(1, RMPSIM_PAGE_2M, 4 * GB, ASID), true, true, RMPSIM_RMPUPDATE_OK },
		{ fix_state(1, RMPSIM_PAGE_2M, 4 * GB, ASID), true, true,
		  RMPSIM_RMPUPDATE_OK }, /* no change */
		{ fix_state(1, RMPSIM_PAGE_2M, 4 * GB, ASID + 1), false, true, RMPSIM_RMPUPDATE_OK },
		/* 4K pages inside assigned 2 MB pages: the page path reports the overlap (A24). */
		{ fix_state(1, RMPSIM_PAGE_4K, 2 * GB, ASID), true, false, RMPSIM_RMPUPDATE_FAIL_OVERLAP },
		{ fix_state(0, RMPSIM_PAGE_2M, 0, 0), false, true,
		  RMPSIM_RMPUPDATE_OK }, /* shared 2 MB heads */
		{ fix_state(1, RMPSIM_PAGE_4K, 2 * GB, ASID), true, true, RMPSIM_RMPUPDATE_OK },
		/* A 2 MB page over assigned 4K pages: the overlap again (A24). */
		{ fix_state(1, RMPSIM_PAGE_2M, 4 * GB, ASID), true, false, RMPSIM_RMPUPDATE_FAIL_OVERLAP },
		{ shared(), false, true, RMPSIM_RMPUPDATE_OK },
		{ fix_state(1, RMPSIM_PAGE_2M, 4 * GB, ASID), true, true, RMPSIM_RMPUPDATE_OK },
		{ fix_state(0, RMPSIM_PAGE_2M, 0, 0), false, true, RMPSIM_RMPUPDATE_OK },
	};
	static const enum rmpsim_rmp_backend pairs[3][2] = {
		{ RMPSIM_RMP_SPARSE, RMPSIM_RMP_SPARSE },
		{ RMPSIM_RMP_SPARSE, RMPSIM_RMP_DENSE },
		{ RMPSIM_RMP_DENSE, RMPSIM_RMP_SPARSE },
	};

	for (unsigned p = 0; p < 3; p++) {
		struct rmpsim_rmp *r = t_table(pairs[p][0]), *q = t_table(pairs[p][1]);
		for (size_t i = 0; i < sizeof(chain) / sizeof(chain[0]); i++)
			gb_step(r, q, &chain[i], pairs[p][0] == RMPSIM_RMP_SPARSE);
		rmpsim_rmp_destroy(r);
		rmpsim_rmp_destroy(q);
	}
	/* A GB of one guest's 4K pages costs the sparse store one region block, no chunk. */
	struct rmpsim_rmp *r = t_table(RMPSIM_RMP_SPARSE), *q = t_table(RMPSIM_RMP_SPARSE);
	size_t empty = rmpsim_rmp_memory_bytes(r);
	gb_step(r, q, &chain[0], true);
	assert_true(rmpsim_rmp_memory_bytes(r) - empty < 8192);
	rmpsim_rmp_destroy(r);
	rmpsim_rmp_destroy(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(private_chunks_to_shared),
		cmocka_unit_test(private_chunks_to_other_asid),
		cmocka_unit_test(partial_chunks_at_range_ends),
		cmocka_unit_test(chunks_with_one_irregular_entry),
		cmocka_unit_test(ranges_crossing_1g),
		cmocka_unit_test(range_failures_at_the_edges),
		cmocka_unit_test(whole_gb_batches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
