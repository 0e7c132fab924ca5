/* SPDX-License-Identifier: MIT */
/*
 * The table store, run on both backends: get/set/set_range, the derived
 * subpage_count (A1), exact summaries, the non-zero visitor, coverage errors.
 * Expected values are computed by hand from the spec (not read back from the
 * other backend: that is test_rmp_diff's job).
 */
#include "rmp_fixture.h"

static enum rmpsim_rmp_backend be(void **state)
{
	return *(const enum rmpsim_rmp_backend *)*state;
}

/* covers: spec 2.2 -- a write reads back, and its neighbours stay zero. */
static void set_get_round_trip(void **state)
{
	struct rmpsim_rmp *rmp = fx_table(NULL, 1, be(state));
	struct rmpsim_raw_entry e = { 0x123456789abcdef0ull & ~0xff9ull, 0xfedcba9876543210ull };
	uint64_t spa = 0x12345000;

	assert_int_equal(rmpsim_rmp_set(rmp, spa + 0x123, &e), 0); /* any byte of the page */
	struct rmpsim_raw_entry r = fx_get(rmp, spa + 0xfff);
	assert_int_equal(r.lo, e.lo);
	assert_int_equal(r.hi, e.hi);
	r = fx_get(rmp, spa - SZ_4K);
	assert_int_equal(r.lo | r.hi, 0);
	r = fx_get(rmp, spa + SZ_4K);
	assert_int_equal(r.lo | r.hi, 0);
	rmpsim_rmp_destroy(rmp);
}

/* covers: A1 -- subpage_count is derived; input bits are ignored. */
static void subpage_count_is_derived(void **state)
{
	struct rmpsim_rmp *rmp = fx_table(NULL, 1, be(state));
	uint64_t r2m = 5 * SZ_2M;
	struct rmpsim_raw_entry g = fx_guest(0x1000, 3, false);

	g.lo |= 0x1ffull << 3; /* garbage subpage bits in the input */
	assert_int_equal(rmpsim_rmp_set(rmp, r2m + 7 * SZ_4K, &g), 0);
	assert_int_equal(fx_subpage(fx_get(rmp, r2m + 7 * SZ_4K)), 0); /* not the head: reads 0 */
	assert_int_equal(fx_subpage(fx_get(rmp, r2m)), 1);	       /* one other assigned */
	assert_int_equal(fx_get(rmp, r2m).lo, 1ull << 3);	       /* head itself is zero otherwise */
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, r2m), 1);
	assert_false(rmpsim_rmp_2m_head_assigned(rmp, r2m));

	/* The head itself assigned does not count in its own subpage_count. */
	assert_int_equal(rmpsim_rmp_set(rmp, r2m, &g), 0);
	assert_int_equal(fx_subpage(fx_get(rmp, r2m)), 1);
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, r2m), 2);
	assert_true(rmpsim_rmp_2m_head_assigned(rmp, r2m));

	/* All 511 others assigned: the field's maximum. */
	assert_int_equal(rmpsim_rmp_set_range(rmp, r2m + SZ_4K, 511, &g, true), 0);
	assert_int_equal(fx_subpage(fx_get(rmp, r2m)), 511);
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, r2m), 512);
	/* Non-assigned non-zero entries (immutable only) do not count. */
	struct rmpsim_raw_entry imm = { 0x4, 0 };
	assert_int_equal(rmpsim_rmp_set_range(rmp, r2m + SZ_4K, 10, &imm, false), 0);
	assert_int_equal(fx_subpage(fx_get(rmp, r2m)), 501);
	rmpsim_rmp_destroy(rmp);
}

/* set_range with gpa_step: entry i has the GPA advanced by i pages, across 2M and 1G. */
static void set_range_steps_gpa(void **state)
{
	struct rmpsim_rmp *rmp = fx_table(NULL, 2, be(state));
	uint64_t spa = SZ_1G - 3 * SZ_4K; /* crosses the 1 GB boundary */
	uint64_t n = 600;
	struct rmpsim_raw_entry g = fx_guest(0x40000000, 9, true);

	assert_int_equal(rmpsim_rmp_set_range(rmp, spa, n, &g, true), 0);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t p = spa + i * SZ_4K;
		struct rmpsim_raw_entry r = fx_get(rmp, p);
		r.lo &= ~(0x1ffull << 3);
		assert_int_equal(r.lo, fx_guest(0x40000000 + i * SZ_4K, 9, true).lo);
	}
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, SZ_1G - SZ_2M), 3);
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, SZ_1G), 512);
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, SZ_1G + SZ_2M), 600 - 3 - 512);
	assert_int_equal(rmpsim_rmp_1g_first_busy_slot(rmp, 0), 511);
	assert_int_equal(rmpsim_rmp_1g_first_busy_slot(rmp, SZ_1G), 0);
	/* Flat (no step): every entry equal. */
	assert_int_equal(rmpsim_rmp_set_range(rmp, 0, 1000, &g, false), 0);
	assert_int_equal(fx_get(rmp, 999 * SZ_4K).lo, g.lo);
	rmpsim_rmp_destroy(rmp);
}

/* A3: the stepped GPA field wraps within its 39 bits, never into the ASID. */
static void gpa_step_wraps_in_field(void **state)
{
	struct rmpsim_rmp *rmp = fx_table(NULL, 1, be(state));
	struct rmpsim_raw_entry g = { 0x0007fffffffff000ull - 0x1000,
				      0 }; /* gpa field max - 1, nothing else */

	assert_int_equal(rmpsim_rmp_set_range(rmp, SZ_2M + SZ_4K, 4, &g, true), 0);
	assert_int_equal(fx_get(rmp, SZ_2M + SZ_4K).lo, 0x0007ffffffffe000ull);
	assert_int_equal(fx_get(rmp, SZ_2M + 2 * SZ_4K).lo, 0x0007fffffffff000ull);
	assert_int_equal(fx_get(rmp, SZ_2M + 3 * SZ_4K).lo, 0); /* wrapped to 0: an all-zero entry */
	assert_int_equal(fx_get(rmp, SZ_2M + 4 * SZ_4K).lo, 0x1000);
	rmpsim_rmp_destroy(rmp);
}

/* covers: spec 2.1, spec 2.3 -- uncovered SPAs are -EFAULT; nothing changes. */
static void uncovered_is_efault(void **state)
{
	struct rmpsim_rmp *rmp = fx_table(NULL, 1, be(state));
	struct rmpsim_raw_entry e = fx_guest(0, 1, false), r;
	uint64_t end = FX_COVER(1);

	assert_int_equal(rmpsim_layout_coverage_end(rmpsim_rmp_layout(rmp)), end);
	assert_int_equal(rmpsim_rmp_get(rmp, end, &r), -EFAULT);
	assert_int_equal(rmpsim_rmp_set(rmp, end, &e), -EFAULT);
	assert_int_equal(rmpsim_rmp_set_range(rmp, end - SZ_4K, 2, &e, true), -EFAULT);
	assert_int_equal(fx_get(rmp, end - SZ_4K).lo, 0);
	assert_int_equal(rmpsim_rmp_set_range(rmp, end - SZ_4K, 1, &e, true), 0);
	assert_int_equal(rmpsim_rmp_set_range(rmp, 0x800, 1, &e, true), -EINVAL);
	assert_int_equal(rmpsim_rmp_set_range(rmp, 0, 0, &e, true), 0);
	assert_int_equal(rmpsim_rmp_set_range(rmp, 0, UINT64_MAX, &e, true), -EFAULT);
	/* Summaries beyond coverage read as empty. */
	assert_true(rmpsim_rmp_1g_is_free(rmp, 64 * SZ_1G));
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, 64 * SZ_1G), 0);
	rmpsim_rmp_destroy(rmp);
}

/* The 1 GB summaries: free, first busy slot; non-assigned entries do not make a slot busy. */
static void one_gb_summaries(void **state)
{
	struct rmpsim_rmp *rmp = fx_table(NULL, 2, be(state));
	struct rmpsim_raw_entry g = fx_guest(0, 1, false), z = { 0, 0 }, imm = { 0x4, 0 };

	assert_true(rmpsim_rmp_1g_is_free(rmp, SZ_1G));
	assert_int_equal(rmpsim_rmp_1g_first_busy_slot(rmp, SZ_1G), -1);
	assert_int_equal(rmpsim_rmp_set(rmp, SZ_1G + 300 * SZ_2M + 17 * SZ_4K, &imm), 0);
	assert_true(rmpsim_rmp_1g_is_free(rmp, SZ_1G)); /* A11: immutable-only is not assigned */
	assert_int_equal(rmpsim_rmp_set(rmp, SZ_1G + 300 * SZ_2M + 511 * SZ_4K, &g), 0);
	assert_false(rmpsim_rmp_1g_is_free(rmp, SZ_1G + 5));
	assert_int_equal(rmpsim_rmp_1g_first_busy_slot(rmp, SZ_1G), 300);
	assert_int_equal(rmpsim_rmp_set(rmp, SZ_1G + 70 * SZ_2M, &g), 0);
	assert_int_equal(rmpsim_rmp_1g_first_busy_slot(rmp, SZ_1G), 70);
	assert_true(rmpsim_rmp_2m_head_assigned(rmp, SZ_1G + 70 * SZ_2M + 5 * SZ_4K));
	assert_true(rmpsim_rmp_1g_is_free(rmp, 0));
	assert_int_equal(rmpsim_rmp_set(rmp, SZ_1G + 70 * SZ_2M, &z), 0);
	assert_int_equal(rmpsim_rmp_1g_first_busy_slot(rmp, SZ_1G), 300);
	assert_int_equal(rmpsim_rmp_set_range(rmp, SZ_1G, 512 * 512, &z, false), 0);
	assert_true(rmpsim_rmp_1g_is_free(rmp, SZ_1G));
	assert_int_equal(fx_get(rmp, SZ_1G + 300 * SZ_2M + 17 * SZ_4K).lo, 0);
	rmpsim_rmp_destroy(rmp);
}

struct visit {
	unsigned n;
	uint64_t spa[8];
	uint64_t lo[8];
};

static int record(void *ctx, uint64_t spa, const struct rmpsim_raw_entry *e)
{
	struct visit *v = ctx;

	if (v->n < 8) {
		v->spa[v->n] = spa;
		v->lo[v->n] = e->lo;
	}
	v->n++;
	return v->n == 5 ? 77 : 0; /* stop at the fifth, to check early exit */
}

/* The visitor: ascending, only non-zero, head with its subpage_count, early stop. */
static void for_each_nonzero(void **state)
{
	struct rmpsim_rmp *rmp = fx_table(NULL, 1, be(state));
	uint64_t r = 9 * SZ_2M;
	struct rmpsim_raw_entry g = fx_guest(0x5000, 2, false), imm = { 0x4, 0 };
	struct visit v = { 0 };

	assert_int_equal(rmpsim_rmp_2m_for_each_nonzero(rmp, r, record, &v), 0);
	assert_int_equal(v.n, 0);
	assert_int_equal(rmpsim_rmp_set(rmp, r + 100 * SZ_4K, &g), 0);
	assert_int_equal(rmpsim_rmp_set(rmp, r + 3 * SZ_4K, &imm), 0);
	assert_int_equal(rmpsim_rmp_2m_for_each_nonzero(rmp, r + 5, record, &v), 0);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.spa[0], r); /* zero head, but subpage_count = 1 (A1) */
	assert_int_equal(v.lo[0], 1ull << 3);
	assert_int_equal(v.spa[1], r + 3 * SZ_4K);
	assert_int_equal(v.lo[1], 0x4);
	assert_int_equal(v.spa[2], r + 100 * SZ_4K);
	assert_int_equal(v.lo[2], g.lo);
	memset(&v, 0, sizeof(v));
	assert_int_equal(rmpsim_rmp_set_range(rmp, r + 200 * SZ_4K, 10, &g, true), 0);
	assert_int_equal(rmpsim_rmp_2m_for_each_nonzero(rmp, r, record, &v), 77);
	assert_int_equal(v.n, 5);
	assert_int_equal(v.spa[4], r + 201 * SZ_4K);
	assert_int_equal(v.lo[4], fx_guest(0x6000, 2, false).lo);
	rmpsim_rmp_destroy(rmp);
}

/* Many scattered writes in one 2 MB chunk (fragmenting it), then a range re-merges it. */
static void fragment_and_remerge(void **state)
{
	struct rmpsim_rmp *rmp = fx_table(NULL, 1, be(state));
	uint64_t r = 17 * SZ_2M;

	for (unsigned i = 0; i < 512; i += 3) {
		struct rmpsim_raw_entry e = fx_guest(i * SZ_4K * 7, 1 + i % 5, i & 1);
		assert_int_equal(rmpsim_rmp_set(rmp, r + i * SZ_4K, &e), 0);
	}
	for (unsigned i = 0; i < 512; i++) {
		struct rmpsim_raw_entry e = fx_get(rmp, r + i * SZ_4K);
		uint64_t want = i % 3 ? 0 : fx_guest(i * SZ_4K * 7, 1 + i % 5, i & 1).lo;
		if (i == 0)
			want |= 170ull << 3; /* 171 assigned in all, 170 others */
		assert_int_equal(e.lo, want);
	}
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, r), 171);
	size_t frag = rmpsim_rmp_memory_bytes(rmp);
	struct rmpsim_raw_entry g = fx_guest(0, 4, true);
	assert_int_equal(rmpsim_rmp_set_range(rmp, r, 512, &g, true), 0);
	for (unsigned i = 1; i < 512; i++)
		assert_int_equal(fx_get(rmp, r + i * SZ_4K).lo, fx_guest(i * SZ_4K, 4, true).lo);
	if (be(state) == RMPSIM_RMP_SPARSE)
		assert_true(rmpsim_rmp_memory_bytes(rmp) + 4096 < frag); /* dense chunk gone */
	rmpsim_rmp_destroy(rmp);
}

static const enum rmpsim_rmp_backend sparse = RMPSIM_RMP_SPARSE, dense = RMPSIM_RMP_DENSE;

#define BOTH(f) cmocka_unit_test_prestate(f, (void *)&sparse), cmocka_unit_test_prestate(f, (void *)&dense)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(set_get_round_trip),      BOTH(subpage_count_is_derived), BOTH(set_range_steps_gpa),
		BOTH(gpa_step_wraps_in_field), BOTH(uncovered_is_efault),      BOTH(one_gb_summaries),
		BOTH(for_each_nonzero),	       BOTH(fragment_and_remerge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
