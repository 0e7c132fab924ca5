/* SPDX-License-Identifier: MIT */
/*
 * SNP_INIT's view of the table (spec 2.2 firmware notes): hypervisor pages
 * zero, HV_FIXED immutable-only, the RMP's own pages FIRMWARE with their
 * sub-page counts, and the 1 GB regions that can never be optimised.
 */
#include "rmp_fixture.h"
#include "failing_alloc.h"

#define MB (1ull << 20)
#define GB (1ull << 30)
#define FW 0x8000000000000005ull /* spec 2.2: lock + immutable + assigned */

static enum rmpsim_rmp_backend be(void **state)
{
	return *(const enum rmpsim_rmp_backend *)*state;
}

/* covers: spec 2.2, A1, A11 */
static void contiguous_snp_init(void **state)
{
	/* fx layout with 2 GB: the RMP is [256 MiB, 265 MiB). */
	struct rmpsim_rmp *rmp = fx_table(NULL, 2, be(state));
	struct rmpsim_raw_entry g = fx_guest(0, 1, true);
	const uint64_t hv_fixed[2][2] = { { 1 * MB, 2 * MB }, { GB + 4 * SZ_2M, GB + 5 * SZ_2M } };

	/* Whatever was there before is gone. */
	assert_int_equal(rmpsim_rmp_set_range(rmp, 300 * MB, 5000, &g, true), 0);
	assert_int_equal(rmpsim_rmp_snp_init(rmp, hv_fixed, 2), 0);
	assert_int_equal(fx_get(rmp, 300 * MB).lo, 0);
	assert_int_equal(fx_get(rmp, 0).lo, 0);
	/* spec 2.2: HV_FIXED = 0x4; not assigned, so the GB stays free (A11). */
	assert_int_equal(fx_get(rmp, 1 * MB).lo, 0x4);
	assert_int_equal(fx_get(rmp, 2 * MB - SZ_4K).lo, 0x4);
	assert_int_equal(fx_get(rmp, 2 * MB).lo, 0);
	assert_int_equal(fx_get(rmp, GB + 4 * SZ_2M).lo, 0x4); /* head: 0x4, subpage 0 */
	assert_true(rmpsim_rmp_1g_is_free(rmp, GB));
	/* The RMP's own pages: FIRMWARE; the head of a full 2 MB region counts 511 others. */
	assert_int_equal(fx_get(rmp, 256 * MB + SZ_4K).lo, FW);
	assert_int_equal(fx_get(rmp, 256 * MB).lo, FW | (511ull << 3));
	assert_int_equal(fx_get(rmp, 264 * MB).lo, FW | (255ull << 3)); /* [264, 265) MiB: 256 pages */
	assert_int_equal(fx_get(rmp, 265 * MB).lo, 0);
	assert_int_equal(fx_get(rmp, 255 * MB).lo, 0);
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, 264 * MB), 256);
	assert_int_equal(rmpsim_rmp_1g_first_busy_slot(rmp, 0), 128);
	uint64_t regions[4] = { 99, 99, 99, 99 };
	assert_int_equal(rmpsim_rmp_unoptimizable_1g(rmp, regions, 4), 1);
	assert_int_equal(regions[0], 0);
	assert_int_equal(regions[1], 99);
	assert_int_equal(rmpsim_rmp_unoptimizable_1g(rmp, regions, 0), 1);
	/* Bad ranges are rejected before anything changes. */
	const uint64_t bad[1][2] = { { 2 * MB, 1 * MB } };
	assert_int_equal(rmpsim_rmp_snp_init(rmp, bad, 1), -EINVAL);
	assert_int_equal(fx_get(rmp, 256 * MB + SZ_4K).lo, FW);
	rmpsim_rmp_destroy(rmp);
}

/*
 * AMD-ASPFW sev_rmp.c configure_rmp(): "Start by filling the entire
 * RMP-covered area with HV-FIXED", then the memory map's DRAM ranges
 * RMP_ENTRY_VAL_HV (0), then the SNP_INIT_EX range list HV_FIXED (0x4), then
 * the RMP itself RMP_ENTRY_VAL_FIRMWARE (0x8000000000000005); add_range()
 * lets a later range override an earlier one.
 */
/* covers: A160, A11, A1 */
static void configure_rmp_order(void **state)
{
	struct rmpsim_rmp *rmp = fx_table(NULL, 2, be(state));
	/* DRAM [0, 1 GiB + 256 MiB) and [1.5 GiB, end): a 256 MiB MMIO-like hole in between. */
	const uint64_t dram[2][2] = { { 0, GB + 256 * MB }, { GB + 512 * MB, FX_COVER(2) } };
	/* The range list: a DRAM page, a range over the hole, and one over the RMP itself. */
	const uint64_t list[3][2] = { { 8 * MB, 8 * MB + SZ_4K },
				      { GB + 300 * MB, GB + 301 * MB },
				      { 255 * MB, 257 * MB } };
	struct rmpsim_raw_entry g = fx_guest(0, 1, true);

	assert_int_equal(rmpsim_rmp_set_range(rmp, GB + 260 * MB, 10, &g, true), 0);
	assert_int_equal(rmpsim_rmp_snp_init_map(rmp, dram, 2, list, 3), 0);
	/* DRAM: hypervisor. */
	assert_int_equal(fx_get(rmp, 0).lo, 0);
	assert_int_equal(fx_get(rmp, GB + 256 * MB - SZ_4K).lo, 0);
	assert_int_equal(fx_get(rmp, GB + 512 * MB).lo, 0);
	assert_int_equal(fx_get(rmp, FX_COVER(2) - SZ_4K).lo, 0);
	/* Covered non-DRAM: HV_FIXED, whatever it held. */
	assert_int_equal(fx_get(rmp, GB + 256 * MB).lo, 0x4);
	assert_int_equal(fx_get(rmp, GB + 260 * MB).lo, 0x4);
	assert_int_equal(fx_get(rmp, GB + 512 * MB - SZ_4K).lo, 0x4);
	assert_int_equal(fx_get(rmp, GB + 256 * MB).hi, 0);
	/* The range list: HV_FIXED over DRAM too. */
	assert_int_equal(fx_get(rmp, 8 * MB).lo, 0x4);
	assert_int_equal(fx_get(rmp, 8 * MB + SZ_4K).lo, 0);
	/* The RMP stays FIRMWARE under the list (the firmware excludes it); the rest of that range is HV_FIXED. */
	assert_int_equal(fx_get(rmp, 256 * MB + SZ_4K).lo, FW);
	assert_int_equal(fx_get(rmp, 255 * MB).lo, 0x4);
	assert_int_equal(fx_get(rmp, 256 * MB - SZ_4K).lo, 0x4);
	/* HV_FIXED is not assigned: the hole's GB counts nothing (A11). */
	assert_true(rmpsim_rmp_1g_is_free(rmp, GB));
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, GB + 256 * MB), 0);
	/* The old entry point is the map with every covered page DRAM. */
	assert_int_equal(rmpsim_rmp_snp_init(rmp, NULL, 0), 0);
	assert_int_equal(fx_get(rmp, GB + 256 * MB).lo, 0);
	assert_int_equal(fx_get(rmp, 8 * MB).lo, 0);
	const uint64_t bad[1][2] = { { SZ_4K, 100 } };
	assert_int_equal(rmpsim_rmp_snp_init_map(rmp, bad, 1, NULL, 0), -EINVAL);
	assert_int_equal(rmpsim_rmp_snp_init_map(rmp, NULL, 1, NULL, 0), -EINVAL);
	rmpsim_rmp_destroy(rmp);
}

/* covers: spec 2.3, OQ7 -- a segmented RMP: bookkeeping/RST and every segment are FIRMWARE. */
static void segmented_unoptimizable(void **state)
{
	(void)state;
	const struct rmpsim_segment_caps caps = { .min_shift = 30, .max_shift = 40, .cached_count = 512 };
	uint64_t rst[4];
	/* 4 segments of 64 GB (256 GiB of RAM); entries of segment i at (3 + 2i) GB + 512 MB. */
	for (unsigned i = 0; i < 4; i++)
		rst[i] = ((3 + 2 * i) * GB + 512 * MB) | 64;
	struct rmpsim_rmp_layout *l = NULL;
	struct rmpsim_rmp *rmp = NULL;
	assert_int_equal(rmpsim_layout_segmented(NULL, 1 * MB, 0x2401, &caps, rst, 4, 256 * GB, NULL, &l), 0);
	/* Sparse only: a dense table of 256 GiB would hold 1 GiB of entries. */
	assert_int_equal(rmpsim_rmp_create(NULL, l, RMPSIM_RMP_SPARSE, &rmp), 0);
	rmpsim_layout_destroy(l);
	assert_int_equal(rmpsim_rmp_snp_init(rmp, NULL, 0), 0);
	uint64_t regions[8];
	/* GB 0 (bookkeeping at 1 MB); segments of 256 MiB at 3.5, 5.5, 7.5, 9.5 GB. */
	assert_int_equal(rmpsim_rmp_unoptimizable_1g(rmp, regions, 8), 5);
	const uint64_t want[5] = { 0, 3, 5, 7, 9 };
	assert_memory_equal(regions, want, sizeof(want));
	assert_int_equal(fx_get(rmp, 1 * MB + 16384).lo, FW); /* the RST page */
	assert_int_equal(fx_get(rmp, 1 * MB + 20480).lo, 0);
	assert_int_equal(rmpsim_rmp_1g_first_busy_slot(rmp, 5 * GB), 256);
	assert_true(rmpsim_rmp_1g_is_free(rmp, 4 * GB));
	rmpsim_rmp_destroy(rmp);
}

/* A12: SNP_INIT failing for memory leaves the table all-hypervisor, nothing leaked. */
static void snp_init_enomem(void **state)
{
	(void)state;
	for (long budget = 0; budget < 100; budget++) {
		struct failing_alloc fa;
		failing_alloc_init(&fa, -1);
		struct rmpsim_rmp *rmp = fx_table(&fa.alloc, 2, RMPSIM_RMP_SPARSE);
		size_t empty = rmpsim_rmp_memory_bytes(rmp);
		struct rmpsim_raw_entry g = fx_guest(0, 1, true);
		assert_int_equal(rmpsim_rmp_set_range(rmp, 0, 3000, &g, true), 0);
		fa.budget = budget;
		int err = rmpsim_rmp_snp_init(rmp, NULL, 0);
		fa.budget = -1;
		if (!err) {
			assert_int_equal(fx_get(rmp, 256 * MB).lo, FW | (511ull << 3));
			rmpsim_rmp_destroy(rmp);
			return;
		}
		assert_int_equal(err, -ENOMEM);
		assert_int_equal(fx_get(rmp, 5 * SZ_4K).lo, 0);
		assert_int_equal(fx_get(rmp, 256 * MB).lo, 0);
		assert_int_equal(rmpsim_rmp_memory_bytes(rmp), empty);
		rmpsim_rmp_destroy(rmp);
		assert_int_equal(fa.live_bytes, 0);
	}
	fail_msg("never succeeded");
}

static const enum rmpsim_rmp_backend sparse = RMPSIM_RMP_SPARSE, dense = RMPSIM_RMP_DENSE;

#define BOTH(f) cmocka_unit_test_prestate(f, (void *)&sparse), cmocka_unit_test_prestate(f, (void *)&dense)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(contiguous_snp_init),
		BOTH(configure_rmp_order),
		cmocka_unit_test(segmented_unoptimizable),
		cmocka_unit_test(snp_init_enomem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
