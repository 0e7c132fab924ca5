/* SPDX-License-Identifier: MIT */
/*
 * The fused 4K RMPUPDATE (issue 14 point 5: checks 3-6 and the write in one
 * store call, rmpsim__rmp_edit_4k, inline in insn/rmpupdate_one.h) against
 * the reference path (rmpsim__insn_rmpupdate_ref: one look-up's view, then a
 * separate write) on random tables: the same random sequence runs on two
 * tables, the fused path on one and the reference on the other, and every
 * outcome field, every entry touched and, now and then, every entry and
 * summary of the hot regions must agree. Both backends, and across them. The
 * generator makes packed chunks (a guest's scattered 4K pages: the store's
 * in-place case), dense ones (mixed owners), run chunks, 2 MB pages and
 * PSMASH'd ones, and odd entries (immutable, lock, validated, hi bits kept
 * by A26), and must reach every 4K outcome and the store's in-place edits
 * of run chunks (rmpsim__rmp_run_edits). A directed sequence of a
 * guest's 2 MB pages reaches the 2 MB path's template join.
 * Usage: test_insn_rmpupdate_fused [steps [seed]].
 * covers: spec 3.1
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/rng.h"
#include "diff_engine.h"
#include "insn_fixture.h"

#include "insn/require.h"
#include "rmp/unchecked.h"

static uint64_t g_steps = 60000;
static uint64_t g_seed = 20261201;

#define NHOT 6
struct fused_pair {
	struct rmpsim_rmp *t[2]; /* [0] the fused path, [1] the reference */
	uint64_t hot[NHOT];	 /* 2 MB regions the operands cluster in */
	uint32_t home[NHOT];	 /* each one's usual owner, so that packed chunks form */
	struct rmpsim_rng rng;
	uint64_t n_rc[5], n_changed, n_same;
	char err[256];
};

static uint64_t below(struct fused_pair *p, uint64_t n)
{
	return rmpsim__rng_below(&p->rng, n);
}

#define EQ(p, what, a, b)                                                                                    \
	do {                                                                                                 \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                             \
		if (a_ != b_) {                                                                              \
			snprintf((p)->err, sizeof((p)->err), "%s: fused %#llx, reference %#llx", what,       \
				 (unsigned long long)a_, (unsigned long long)b_);                            \
			return 1;                                                                            \
		}                                                                                            \
	} while (0)

/* The two tables' entries [spa, spa + n pages) and their summaries (diff_engine.h). */
static int cmp_entries(struct fused_pair *p, uint64_t spa, uint64_t n)
{
	const char *what;
	uint64_t a, b;

	if (!diff_tables_differ(p->t[0], p->t[1], spa, n, &what, &a, &b))
		return 0;
	snprintf(p->err, sizeof(p->err), "%s at %#llx: fused %#llx, reference %#llx", what,
		 (unsigned long long)spa, (unsigned long long)a, (unsigned long long)b);
	return 1;
}

/* A 4K page of hot region h: its head, its first or last pages, or any. */
static uint64_t hot_page(struct fused_pair *p, unsigned h)
{
	uint64_t k = below(p, 8);
	uint64_t page = k == 0 ? 0 : k == 1 ? 1 + below(p, 2) : k == 2 ? 510 + below(p, 2) : below(p, 512);
	return p->hot[h] + page * SZ_4K;
}

/* One RMPUPDATE on both tables; 4K ones are what this test is about. */
static int step_update(struct fused_pair *p, unsigned h, bool two_mb)
{
	uint64_t spa = two_mb ? p->hot[h] : hot_page(p, h);
	struct rmpsim_rmp_state st = { 0 };
	uint64_t k = below(p, 64);

	st.pagesize = two_mb;
	st.assigned = below(p, 5) != 0;
	st.asid = below(p, 8) ? p->home[h] : 1 + (uint32_t)below(p, 4);
	st.gpa = two_mb ? (below(p, 1u << 18) << 21) : (below(p, 1u << 27) << 12); /* scattered */
	if (k == 0)
		st.rsvd = 1; /* check 1 (A21) */
	else if (k == 1)
		st.asid = RMPSIM_ASID_MAX + 1;
	else if (k == 2)
		st.immutable = 1; /* refused unassigned, kept assigned (A21) */
	else if (k == 3)
		spa += 1 + below(p, SZ_4K - 1); /* check 2 (A22) */
	else if (k == 4)
		st.pagesize = 3;
	else if (k == 5)
		st.gpa = RMPSIM_GPA_LIMIT - SZ_4K * below(p, 2);
	struct rmpsim_insn_out o[2];
	int r[2];
	memset(o, 0xa5, sizeof(o)); /* every field must be written */
	r[0] = rmpsim_insn_rmpupdate(p->t[0], spa, &st, &o[0]);
	r[1] = rmpsim__insn_rmpupdate_ref(p->t[1], spa, &st, &o[1]);
	EQ(p, "return", r[0], r[1]);
	EQ(p, "outcome bytes", memcmp(&o[0], &o[1], sizeof(o[0])) != 0, 0);
	if (r[0] == 0 && !two_mb && o[0].rax < 5) {
		p->n_rc[o[0].rax]++;
		p->n_changed += o[0].change.changed;
		p->n_same += o[0].rax == 0 && !o[0].change.changed;
	}
	uint64_t page = spa & ~(SZ_4K - 1);
	return cmp_entries(p, page, 1) || cmp_entries(p, page & ~(SZ_2M - 1), 1);
}

/* A firmware-style write of an odd entry on both tables (immutable, lock, validated, kept hi bits). */
static int step_odd(struct fused_pair *p, unsigned h)
{
	uint64_t spa = hot_page(p, h);
	uint64_t lo = 0, hi = 0;

	if (below(p, 3)) {
		lo = RMPSIM__LO_ASSIGNED | ((uint64_t)p->home[h] << RMPSIM__LO_ASID_SHIFT) |
		     (below(p, 1u << 27) << 12);
		if ((spa & (SZ_2M - 1)) == 0 && below(p, 3) == 0)
			lo |= RMPSIM__LO_PAGESIZE;
		lo |= below(p, 2) ? RMPSIM__LO_VALIDATED : 0;
		lo |= below(p, 5) == 0 ? RMPSIM__LO_IMMUTABLE : 0;
		lo |= below(p, 5) == 0 ? RMPSIM__LO_LOCK : 0;
		hi = below(p, 4) == 0 ? RMPSIM__HI_IKS | (below(p, 256) << 8) : 0;
	}
	struct rmpsim_raw_entry e = { lo, hi };
	EQ(p, "set", rmpsim_rmp_set(p->t[0], spa, &e),
	   rmpsim_rmp_set(p->t[1], spa, &e)); /* beyond: both refuse */
	return 0;
}

static int step(struct fused_pair *p)
{
	unsigned h = (unsigned)below(p, NHOT);
	uint64_t op = below(p, 100);

	if (op < 80)
		return step_update(p, h, false);
	if (op < 85)
		return step_update(p, h, true);
	if (op < 92)
		return step_odd(p, h);
	if (op < 96) { /* PSMASH: 512 stepping 4K entries */
		struct rmpsim_insn_out o[2];
		for (int t = 0; t < 2; t++)
			EQ(p, "psmash", rmpsim_insn_psmash(p->t[t], p->hot[h], &o[t]), 0);
		return cmp_entries(p, p->hot[h], RMPSIM_ENTRIES_PER_2M);
	}
	/* A run of a guest's consecutive 4K pages (run chunks), or the region back to shared. */
	struct rmpsim_rmp_state st = { .assigned = (uint8_t)below(p, 2), .asid = p->home[h] };
	uint64_t first = below(p, 500), n = 1 + below(p, 12);
	st.gpa = st.assigned ? below(p, 1u << 20) << 12 : 0;
	if (below(p, 4) == 0) {
		first = 0;
		n = RMPSIM_ENTRIES_PER_2M;
		st.assigned = 0;
		st.gpa = 0;
	}
	struct rmpsim_insn_out o[2];
	for (int t = 0; t < 2; t++)
		EQ(p, "range",
		   rmpsim_insn_rmpupdate_range(p->t[t], p->hot[h] + first * SZ_4K, n, &st, true, &o[t]), 0);
	EQ(p, "range done", o[0].done, o[1].done);
	return cmp_entries(p, p->hot[h], RMPSIM_ENTRIES_PER_2M);
}

static void run_pair(enum rmpsim_rmp_backend fused, enum rmpsim_rmp_backend ref)
{
	struct fused_pair p;

	memset(&p, 0, sizeof(p));
	p.t[0] = fix_table(fused);
	p.t[1] = fix_table(ref);
	uint64_t last = (FIX_COVER / SZ_2M - 1) * SZ_2M; /* the last covered 2 MB region */
	const uint64_t hot[NHOT] = { 0, SZ_2M, 5 * SZ_2M, 17 * SZ_2M, last, last + SZ_2M /* beyond: A20 */ };
	memcpy(p.hot, hot, sizeof(hot));
	for (unsigned i = 0; i < NHOT; i++)
		p.home[i] = 1 + i % 3;
	rmpsim__rng_seed(&p.rng, g_seed + fused * 7 + ref);
	/* The sparse store's in-place run-chunk edits in the hot regions' GB (its counter restarts when the GB is freed). */
	uint64_t run_edits = 0;
	unsigned seen = 0;
	for (uint64_t i = 0; i < g_steps; i++) {
		int bad = step(&p);
		unsigned now = rmpsim__rmp_run_edits(p.t[0], 0);
		run_edits += now >= seen ? now - seen : now;
		seen = now;
		if (!bad && i % 2000 == 1999)
			for (unsigned h = 0; h < NHOT && !bad; h++)
				bad = cmp_entries(&p, p.hot[h], RMPSIM_ENTRIES_PER_2M);
		if (bad) {
			fprintf(stderr, "seed %llu step %llu: %s\n", (unsigned long long)g_seed,
				(unsigned long long)i, p.err);
			fail();
		}
	}
	fprintf(stderr,
		"4K: ok %llu (changed %llu, same bytes %llu), input %llu, permission %llu, inuse %llu, "
		"overlap %llu\n",
		(unsigned long long)p.n_rc[0], (unsigned long long)p.n_changed, (unsigned long long)p.n_same,
		(unsigned long long)p.n_rc[1], (unsigned long long)p.n_rc[2], (unsigned long long)p.n_rc[3],
		(unsigned long long)p.n_rc[4]);
	/* The generator must reach every outcome, or agreement proves little. */
	if (g_steps >= 20000) {
		assert_true(p.n_changed > 1000);
		assert_true(p.n_same > 10);
		for (int rc = 1; rc <= 4; rc++)
			assert_true(p.n_rc[rc] > 10);
	}
	fprintf(stderr, "in-place run-chunk edits in GB 0: %llu\n", (unsigned long long)run_edits);
	if (g_steps >= 20000 && fused == RMPSIM_RMP_SPARSE)
		assert_true(run_edits > 50);
	rmpsim_rmp_destroy(p.t[0]);
	rmpsim_rmp_destroy(p.t[1]);
}

/*
 * A guest's 2 MB pages (GPA = SPA, one ASID) over every slot of the covered
 * GB in a scrambled order, with PSMASHes, unassigns and re-assigns between
 * them: the fused 2 MB path fills all-zero slots by joining the region's
 * template (its cached summaries), which the random steps above rarely
 * reach. Every outcome and every entry and summary of the slot must match
 * the reference.
 */
static int guest_2m_step(struct fused_pair *p, uint64_t i)
{
	const uint64_t nslots = FIX_COVER / SZ_2M;
	uint64_t spa = (i * 37 % nslots) * SZ_2M;
	struct rmpsim_rmp_state st = { .gpa = spa, .assigned = 1, .pagesize = RMPSIM_PAGE_2M, .asid = 5 };
	struct rmpsim_insn_out o[2];
	int r[2];

	if (i >= nslots) { /* second round: take some pages apart or back, then assign again */
		if (i % 3 == 0) {
			for (int t = 0; t < 2; t++)
				EQ(p, "psmash rc", rmpsim_insn_psmash(p->t[t], spa, &o[t]), 0);
			EQ(p, "psmash rax", o[0].rax, o[1].rax);
		} else if (i % 3 == 1) {
			struct rmpsim_rmp_state none = { .pagesize = RMPSIM_PAGE_2M };
			r[0] = rmpsim_insn_rmpupdate(p->t[0], spa, &none, &o[0]);
			r[1] = rmpsim__insn_rmpupdate_ref(p->t[1], spa, &none, &o[1]);
			EQ(p, "unassign", r[0], r[1]);
			EQ(p, "unassign outcome", memcmp(&o[0], &o[1], sizeof(o[0])) != 0, 0);
		}
		if (i % 5 == 0)
			st.asid = 6; /* not the template's: the general write */
	}
	r[0] = rmpsim_insn_rmpupdate(p->t[0], spa, &st, &o[0]);
	r[1] = rmpsim__insn_rmpupdate_ref(p->t[1], spa, &st, &o[1]);
	EQ(p, "return", r[0], r[1]);
	EQ(p, "outcome bytes", memcmp(&o[0], &o[1], sizeof(o[0])) != 0, 0);
	return cmp_entries(p, spa, RMPSIM_ENTRIES_PER_2M);
}

static void guest_2m_pages(enum rmpsim_rmp_backend fused, enum rmpsim_rmp_backend ref)
{
	struct fused_pair p;

	memset(&p, 0, sizeof(p));
	p.t[0] = fix_table(fused);
	p.t[1] = fix_table(ref);
	for (uint64_t i = 0; i < 3 * (FIX_COVER / SZ_2M); i++)
		if (guest_2m_step(&p, i))
			fail_msg("2 MB step %llu: %s", (unsigned long long)i, p.err);
	for (uint64_t spa = 0; spa < FIX_COVER; spa += SZ_2M)
		if (cmp_entries(&p, spa, RMPSIM_ENTRIES_PER_2M))
			fail_msg("at the end: %s", p.err);
	rmpsim_rmp_destroy(p.t[0]);
	rmpsim_rmp_destroy(p.t[1]);
}

static void guest_2m_pages_sparse(void **state)
{
	(void)state;
	guest_2m_pages(RMPSIM_RMP_SPARSE, RMPSIM_RMP_SPARSE);
	guest_2m_pages(RMPSIM_RMP_SPARSE, RMPSIM_RMP_DENSE);
}

static void sparse_fused_equals_sparse_reference(void **state)
{
	(void)state;
	run_pair(RMPSIM_RMP_SPARSE, RMPSIM_RMP_SPARSE);
}

static void dense_fused_equals_dense_reference(void **state)
{
	(void)state;
	run_pair(RMPSIM_RMP_DENSE, RMPSIM_RMP_DENSE);
}

static void sparse_fused_equals_dense_reference(void **state)
{
	(void)state;
	run_pair(RMPSIM_RMP_SPARSE, RMPSIM_RMP_DENSE);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		g_steps = strtoull(argv[1], NULL, 0);
	if (argc > 2)
		g_seed = strtoull(argv[2], NULL, 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sparse_fused_equals_sparse_reference),
		cmocka_unit_test(dense_fused_equals_dense_reference),
		cmocka_unit_test(sparse_fused_equals_dense_reference),
		cmocka_unit_test(guest_2m_pages_sparse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
