/* SPDX-License-Identifier: MIT */
/*
 * PVALIDATE over a range of 4K pages (A470) against the same pages validated
 * one by one: random tables (runs of a guest's pages with stepping GPAs, stray
 * entries of other guests, immutable and already-validated pages, gaps, 2 MB
 * pages), the same random window on two copies, then every entry, the count
 * done and the outcome that stopped it must agree.
 */
#include "insn_fixture.h"

#include "base/rng.h"

#define ASID 5u
#define BASE (4 * SZ_2M)
#define SPAN (8 * SZ_2M) /* pages [BASE, BASE + SPAN) are played with */
#define GPA0 0x100000000ull

static void build(struct rmpsim_rmp *rmp, struct rmpsim_rng *rng)
{
	/* The guest's pages: a few long runs of stepping GPAs (one GPA space: gpa = GPA0 + spa - BASE). */
	for (unsigned k = 0; k < 6; k++) {
		uint64_t first = BASE + rmpsim__rng_below(rng, SPAN / SZ_4K) * SZ_4K;
		uint64_t n = 1 + rmpsim__rng_below(rng, 1500);
		if (first + n * SZ_4K > BASE + SPAN)
			n = (BASE + SPAN - first) / SZ_4K;
		struct rmpsim_raw_entry e = { LO_ASSIGNED | LO_GPA(GPA0 + first - BASE) | LO_ASID(ASID), 0 };
		assert_true(rmpsim_rmp_set_range(rmp, first, n, &e, true) >= 0);
	}
	/* Strays: a page of another guest, an immutable one, one validated already, a wrong GPA, a hole. */
	for (unsigned k = 0; k < 12; k++) {
		uint64_t spa = BASE + rmpsim__rng_below(rng, SPAN / SZ_4K) * SZ_4K;
		uint64_t lo = LO_ASSIGNED | LO_GPA(GPA0 + spa - BASE) | LO_ASID(ASID);
		switch (rmpsim__rng_below(rng, 5)) {
		case 0: lo = (lo & ~LO_ASID(0x3ff)) | LO_ASID(ASID + 1); break;
		case 1: lo |= LO_IMMUTABLE; break;
		case 2: lo |= LO_VALIDATED; break;
		case 3: lo = (lo & ~LO_GPA(~0ull)) | LO_GPA(GPA0 + spa - BASE + SZ_2M); break;
		default: lo = 0; break;
		}
		fix_set_raw(rmp, spa, lo, 0);
	}
	/* Sometimes a whole 2 MB page of the guest: authoritative for its region (#NPF SIZEM). */
	if (rmpsim__rng_below(rng, 3) == 0) {
		uint64_t spa = BASE + rmpsim__rng_below(rng, SPAN / SZ_2M) * SZ_2M;
		fix_update(rmp, spa, 1, RMPSIM_PAGE_2M, GPA0 + spa - BASE, ASID);
	}
}

static void same_as_one_by_one(void **state)
{
	(void)state;
	struct rmpsim_rng rng;
	unsigned fast_full = 0;
	rmpsim__rng_seed(&rng, 470);
	for (unsigned round = 0; round < 400; round++) {
		/* both stores: how entries are cut into runs is the backend's affair */
		enum rmpsim_rmp_backend be = round % 2 ? RMPSIM_RMP_DENSE : RMPSIM_RMP_SPARSE;
		struct rmpsim_rmp *a = fix_table(be), *b = fix_table(be);
		uint64_t seed = rmpsim__rng_next(&rng);
		struct rmpsim_rng ra, rb;
		rmpsim__rng_seed(&ra, seed);
		rmpsim__rng_seed(&rb, seed);
		build(a, &ra);
		build(b, &rb);
		/* The guest validates (or rescinds) a window, as it would at launch. */
		uint64_t first = BASE + rmpsim__rng_below(&rng, SPAN / SZ_4K) * SZ_4K;
		uint64_t n = 1 + rmpsim__rng_below(&rng, (BASE + SPAN - first) / SZ_4K);
		uint64_t rdx = rmpsim__rng_below(&rng, 4) ? 1 : 0;
		struct rmpsim_guest_ctx ctx = { ASID, 0 };
		struct rmpsim_insn_out got, want = { 0 };
		uint64_t done = 0, k = 0;
		assert_int_equal(
			rmpsim_insn_pvalidate_4k_range(a, &ctx, GPA0 + first - BASE, first, n, rdx, &got), 0);
		done = got.done;
		for (; k < n; k++) {
			assert_int_equal(rmpsim_insn_pvalidate(b, &ctx, GPA0 + first - BASE + k * SZ_4K,
							       first + k * SZ_4K, 0, rdx, &want),
					 0);
			if (want.fault != RMPSIM_FAULT_NONE || want.rax || want.cf)
				break;
		}
		if (done != k || got.fault != want.fault || got.rax != want.rax || got.cf != want.cf ||
		    got.error_code != want.error_code)
			fail_msg("round %u: done %llu vs %llu, fault %d/%d rc %d/%d cf %d/%d", round,
				 (unsigned long long)done, (unsigned long long)k, got.fault, want.fault,
				 (int)got.rax, (int)want.rax, got.cf, want.cf);
		fast_full += done == n && n > 512;
		for (uint64_t spa = BASE - SZ_2M; spa < BASE + SPAN + SZ_2M; spa += SZ_4K) {
			struct rmpsim_raw_entry x = fix_raw(a, spa), y = fix_raw(b, spa);
			if (x.lo != y.lo || x.hi != y.hi)
				fail_msg("round %u: entry 0x%llx: %016llx %016llx vs %016llx %016llx", round,
					 (unsigned long long)spa, (unsigned long long)x.hi,
					 (unsigned long long)x.lo, (unsigned long long)y.hi,
					 (unsigned long long)y.lo);
		}
		rmpsim_rmp_destroy(a);
		rmpsim_rmp_destroy(b);
	}
	/* The fast path ran on whole regions in some rounds (windows of > 512 pages that all flipped). */
	assert_true(fast_full > 0);
}

/* A guest's whole 2 MB region of consecutive pages: every page flips, and a second call gives CF at once. */
static void launch_then_again(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);
	struct rmpsim_raw_entry e = { LO_ASSIGNED | LO_GPA(GPA0) | LO_ASID(ASID), 0 };
	struct rmpsim_guest_ctx ctx = { ASID, 0 };
	struct rmpsim_insn_out r;

	assert_true(rmpsim_rmp_set_range(rmp, BASE, 3 * 512, &e, true) >= 0);
	assert_int_equal(rmpsim_insn_pvalidate_4k_range(rmp, &ctx, GPA0, BASE, 3 * 512, 1, &r), 0);
	assert_int_equal(r.done, 3 * 512);
	assert_false(r.cf);
	assert_true(r.change.changed);
	for (uint64_t i = 0; i < 3 * 512; i += 97)
		assert_int_equal(fix_raw(rmp, BASE + i * SZ_4K).lo & ~LO_SUBPAGE_MASK,
				 (e.lo + i * SZ_4K) | LO_VALIDATED);
	assert_int_equal(rmpsim_insn_pvalidate_4k_range(rmp, &ctx, GPA0, BASE, 3 * 512, 1, &r), 0);
	assert_int_equal(r.done, 0);
	assert_true(r.cf);
	/* Bad arguments. */
	assert_int_equal(rmpsim_insn_pvalidate_4k_range(rmp, &ctx, GPA0, BASE, 0, 1, &r), -EINVAL);
	assert_int_equal(rmpsim_insn_pvalidate_4k_range(rmp, &ctx, GPA0 + 1, BASE, 1, 1, &r), -EINVAL);
	assert_int_equal(rmpsim_insn_pvalidate_4k_range(rmp, NULL, GPA0, BASE, 1, 1, &r), -EINVAL);
	rmpsim_rmp_destroy(rmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_one_by_one),
		cmocka_unit_test(launch_then_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
