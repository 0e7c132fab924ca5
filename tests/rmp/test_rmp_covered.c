/* SPDX-License-Identifier: MIT */
/*
 * The table's covered prefix (issue 14 point 5): the hot store calls
 * (rmpsim__rmp_edit_4k, rmpsim__rmp_fill_zero_2m) answer A20's question with
 * one compare against the whole 2 MB regions from SPA 0 that the layout
 * covers, and ask the layout beyond them. Their answer must be the layout's
 * at every page around every edge: a contiguous RMP, and a segmented one
 * with a partly mapped segment, a hole and a segment above the hole.
 * covers: spec 2.1, spec 2.3
 */
#include "rmp_fixture.h"

#include "rmp/entry_bits.h"
#include "rmp/unchecked.h"

#define MB (1ull << 20)
#define GB (1ull << 30)

/* RST entry: bits 19:0 mapped GB, bits 51:20 segment address (spec 2.3). */
static uint64_t rst_entry(uint64_t seg_pa, uint64_t mapped_gb)
{
	return (seg_pa & 0x000ffffffff00000ull) | mapped_gb;
}

/* A 4K edit and a 2 MB fill at spa agree with the layout on coverage. */
static void expect_layout_answer(struct rmpsim_rmp *rmp, uint64_t spa)
{
	const struct rmpsim_rmp_layout *l = rmpsim_rmp_layout(rmp);
	const struct rmpsim__rmp_edit ed = {
		{ RMPSIM__LO_ASSIGNED | (7ull << RMPSIM__LO_ASID_SHIFT), 0 }, 0, 0, false
	};
	uint64_t old_lo = 0;
	int f = rmpsim__rmp_edit_4k(rmp, spa, &ed, &old_lo);

	assert_true(f >= 0);
	if (((f & RMPSIM__EDIT_UNCOVERED) != 0) == rmpsim_layout_covers(l, spa))
		fail_msg("4K edit at %#llx: flags %d, layout covers %d", (unsigned long long)spa, f,
			 rmpsim_layout_covers(l, spa));
	uint64_t head = spa & ~(SZ_2M - 1);
	const struct rmpsim_raw_entry head2m = { RMPSIM__LO_ASSIGNED | RMPSIM__LO_PAGESIZE, 0 };
	bool covered = rmpsim_layout_covers(l, head) && rmpsim_layout_covers(l, head + SZ_2M - 1);
	f = rmpsim__rmp_fill_zero_2m(rmp, head, head2m, 0, false);
	assert_true(f >= 0);
	if (((f & RMPSIM__EDIT_UNCOVERED) != 0) == covered)
		fail_msg("2 MB fill at %#llx: flags %d, layout covers both ends %d", (unsigned long long)head,
			 f, covered);
}

/* Every page within two 2 MB regions either side of each edge, and a few wild SPAs. */
static void probe_edges(struct rmpsim_rmp *rmp, const uint64_t *edges, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = edges[i] >= 2 * SZ_2M ? edges[i] - 2 * SZ_2M : 0;
		for (uint64_t spa = lo; spa < edges[i] + 2 * SZ_2M; spa += SZ_4K)
			expect_layout_answer(rmp, spa);
	}
	const uint64_t wild[] = { 1ull << 52, (1ull << 63) + SZ_2M, ~0ull & ~(SZ_2M - 1) };
	for (size_t i = 0; i < sizeof(wild) / sizeof(wild[0]); i++)
		expect_layout_answer(rmp, wild[i]);
}

/* A contiguous RMP of 1 MiB at 64 MiB: 252 MiB covered (its size is whole MB, so the edge is 2 MB aligned). */
static void contiguous_edge(void **state)
{
	(void)state;
	for (int b = 0; b < 2; b++) {
		struct rmpsim_rmp_layout *l = NULL;
		struct rmpsim_rmp *rmp = NULL;
		assert_int_equal(rmpsim_layout_contiguous(NULL, 64 * MB, 65 * MB - 1, 128 * MB, NULL, &l), 0);
		assert_int_equal(rmpsim_layout_coverage_end(l), 252 * MB);
		assert_int_equal(rmpsim_rmp_create(NULL, l, b ? RMPSIM_RMP_DENSE : RMPSIM_RMP_SPARSE, &rmp),
				 0);
		rmpsim_layout_destroy(l);
		const uint64_t edges[] = { 0, 252 * MB };
		probe_edges(rmp, edges, 2);
		rmpsim_rmp_destroy(rmp);
	}
}

/*
 * Segments of 64 GB: 0-14 mapped whole, 15 mapped 10 GB (RAM ends there),
 * 16-19 not mapped, 20 mapped 2 GB (above RAM).
 */
static void segmented_hole_and_partial(void **state)
{
	(void)state;
	static const struct rmpsim_segment_caps caps = { .min_shift = 30,
							 .max_shift = 40,
							 .cached_count = 512 };
	uint64_t rst[32] = { 0 };
	struct rmpsim_rmp_layout *l = NULL;
	struct rmpsim_rmp *rmp = NULL;

	for (uint64_t i = 0; i < 15; i++)
		rst[i] = rst_entry((i + 1) * GB, 64);
	rst[15] = rst_entry(16 * GB, 10);
	rst[20] = rst_entry(40 * GB, 2);
	assert_int_equal(rmpsim_layout_segmented(NULL, MB, 0x2401ull /* 64 GB segments */, &caps, rst, 32,
						 970 * GB, NULL, &l),
			 0);
	assert_int_equal(rmpsim_rmp_create(NULL, l, RMPSIM_RMP_SPARSE, &rmp), 0);
	rmpsim_layout_destroy(l);
	const uint64_t edges[] = { 0,	     64 * GB,	   14 * 64 * GB, 15 * 64 * GB,
				   970 * GB, 16 * 64 * GB, 20 * 64 * GB, 20 * 64 * GB + 2 * GB };
	probe_edges(rmp, edges, sizeof(edges) / sizeof(edges[0]));
	rmpsim_rmp_destroy(rmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(contiguous_edge),
		cmocka_unit_test(segmented_hole_and_partial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
