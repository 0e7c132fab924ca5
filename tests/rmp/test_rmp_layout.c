/* SPDX-License-Identifier: MIT */
/*
 * Layouts (spec 2.1 contiguous, spec 2.3 segmented): addresses by the spec's
 * formulas, the worked example of spec 2.3, and every rejected input with a
 * diag naming the field and the value, and no state left behind.
 */
#include <stdio.h>

#include "rmp_fixture.h"
#include "failing_alloc.h"

#define MB (1ull << 20)
#define GB (1ull << 30)

/* Expect rejection with -EINVAL, a diag containing want, and no allocation at all. */
static void expect_contig_reject(uint64_t base, uint64_t end, uint64_t ram_end, const char *want)
{
	struct failing_alloc fa;
	struct rmpsim_diag d;
	struct rmpsim_rmp_layout *l = (struct rmpsim_rmp_layout *)&fa; /* must stay untouched */

	failing_alloc_init(&fa, -1);
	memset(&d, 0, sizeof(d));
	assert_int_equal(rmpsim_layout_contiguous(&fa.alloc, base, end, ram_end, &d, &l), -EINVAL);
	assert_ptr_equal(l, (struct rmpsim_rmp_layout *)&fa);
	assert_int_equal(fa.allocations, 0);
	if (!strstr(d.msg, want))
		fail_msg("diag \"%s\" lacks \"%s\"", d.msg, want);
}

/* covers: spec 2.1 -- entry address and coverage formulas. */
static void contiguous_addresses(void **state)
{
	(void)state;
	struct rmpsim_rmp_layout *l = NULL; /* 1 MiB RMP at 64 MiB, 128 MiB of RAM */
	uint64_t a;

	assert_int_equal(rmpsim_layout_contiguous(NULL, 64 * MB, 65 * MB - 1, 128 * MB, NULL, &l), 0);

	assert_false(rmpsim_layout_is_segmented(l));
	assert_int_equal(rmpsim_layout_coverage_end(l), ((MB - 16384) / 16) * 4096); /* 252 MiB */
	assert_int_equal(rmpsim_layout_entry_addr(l, 0, &a), 0);
	assert_int_equal(a, 64 * MB + 16384);
	assert_int_equal(rmpsim_layout_entry_addr(l, 0x0abcd123, &a), 0);
	assert_int_equal(a, 64 * MB + 16384 + 0xabcdull * 16);
	uint64_t end = rmpsim_layout_coverage_end(l);
	assert_true(rmpsim_layout_covers(l, end - 1));
	assert_false(rmpsim_layout_covers(l, end));
	assert_false(rmpsim_layout_covers(l, 1ull << 52));
	a = 7;
	assert_int_equal(rmpsim_layout_entry_addr(l, end, &a), -EFAULT);
	assert_int_equal(a, 7);
	assert_int_equal(rmpsim_layout_entry_addr(l, end - 1, &a), 0);
	assert_int_equal(a, 65 * MB - 16); /* the last entry is the RMP's last 16 bytes */
	uint64_t r[2][2];
	assert_int_equal(rmpsim_layout_self_ranges(l, r, 2), 1);
	assert_int_equal(r[0][0], 64 * MB);
	assert_int_equal(r[0][1], 65 * MB);
	rmpsim_layout_destroy(l);
}

/* covers: spec 2.1, A4 -- each contiguous rejection names the field and value. */
static void contiguous_rejections(void **state)
{
	(void)state;
	expect_contig_reject(0x1fff, 0x4fffff, 64 * MB, "RMP_BASE = 0x1fff is unset");
	expect_contig_reject(64 * MB, 0x1000, 64 * MB, "RMP_END = 0x1000 is unset");
	expect_contig_reject(64 * MB | (1ull << 55), 65 * MB - 1, 64 * MB,
			     "RMP_BASE = 0x80000004000000 has bits 63:52");
	expect_contig_reject(64 * MB, (65 * MB - 1) | (1ull << 63), 64 * MB,
			     "RMP_END = 0x80000000040fffff has bits 63:52");
	expect_contig_reject(65 * MB, 64 * MB, 64 * MB, "RMP_BASE = 0x4100000 is above RMP_END = 0x4000000");
	expect_contig_reject(64 * MB + 0x2000, 65 * MB + 0x1fff, 64 * MB,
			     "RMP_BASE = 0x4002000 is not 1 MB aligned");
	expect_contig_reject(64 * MB, 65 * MB + 0x1fff, 64 * MB,
			     "RMP size 0x102000 is not a multiple of 1 MB");
	/* Too small for RAM: 1 MiB covers 252 MiB, RAM is 253 MiB. */
	expect_contig_reject(64 * MB, 65 * MB - 1, 253 * MB, "does not cover RAM up to 0xfd00000");
	/* Too small for itself: RAM is small, but the RMP sits at 1 GiB. */
	expect_contig_reject(GB, GB + MB - 1, 64 * MB, "and itself");
	/* The exact boundary: 253 MiB of RAM needs (0xfd00 << 4) + 16 KiB = 0xfd4000 bytes; 16 MiB passes. */
	struct rmpsim_rmp_layout *l = NULL;
	assert_int_equal(rmpsim_layout_contiguous(NULL, 64 * MB, 80 * MB - 1, 253 * MB, NULL, &l), 0);
	rmpsim_layout_destroy(l);
	/* RAM exactly the coverage passes (spec 2.1 formula at equality). */
	assert_int_equal(rmpsim_layout_contiguous(NULL, 64 * MB, 65 * MB - 1, 252 * MB, NULL, &l), 0);
	rmpsim_layout_destroy(l);
}

/* --- segmented --- */

static const struct rmpsim_segment_caps caps = { .min_shift = 30, .max_shift = 40, .cached_count = 512 };

#define SEG_BASE    (1 * MB)
#define SEG_CFG_64G 0x2401ull /* spec 2.3 example: shift 0x24 = 36 */

/* RST entry: bits 19:0 mapped GB, bits 51:20 segment address (spec 2.3). */
static uint64_t rst_entry(uint64_t seg_pa, uint64_t mapped_gb)
{
	return (seg_pa & 0x000ffffffff00000ull) | mapped_gb;
}

/* 16 segments of 64 GB covering 1 TiB; segment i's entries at (i + 1) GiB. */
static void build_rst(uint64_t *rst, size_t n)
{
	memset(rst, 0, n * sizeof(*rst));
	for (size_t i = 0; i < 16 && i < n; i++)
		rst[i] = rst_entry((i + 1) * GB, 64);
}

static void expect_seg_reject(uint64_t cfg, const struct rmpsim_segment_caps *c, const uint64_t *rst,
			      size_t n, uint64_t ram_end, const char *want)
{
	struct failing_alloc fa;
	struct rmpsim_diag d;
	struct rmpsim_rmp_layout *l = (struct rmpsim_rmp_layout *)&fa;

	failing_alloc_init(&fa, -1);
	memset(&d, 0, sizeof(d));
	assert_int_equal(rmpsim_layout_segmented(&fa.alloc, SEG_BASE, cfg, c, rst, n, ram_end, &d, &l),
			 -EINVAL);
	assert_ptr_equal(l, (struct rmpsim_rmp_layout *)&fa);
	assert_int_equal(fa.allocations, 0);
	if (!strstr(d.msg, want))
		fail_msg("diag \"%s\" lacks \"%s\"", d.msg, want);
}

/* covers: spec 2.3 -- the worked example: x = 0x9000800000 -> RST 9, entry index 0x800. */
static void segmented_worked_example(void **state)
{
	(void)state;
	uint64_t rst[32];
	struct rmpsim_rmp_layout *l = NULL;
	uint64_t a;

	build_rst(rst, 32);
	assert_int_equal(
		rmpsim_layout_segmented(NULL, SEG_BASE, SEG_CFG_64G, &caps, rst, 32, 1024 * GB, NULL, &l), 0);
	assert_true(rmpsim_layout_is_segmented(l));
	assert_int_equal(rmpsim_layout_coverage_end(l), 1024 * GB);
	assert_int_equal(rmpsim_layout_entry_addr(l, 0x9000800000ull, &a), 0);
	assert_int_equal(a, 10 * GB + 0x800 * 16);
	assert_int_equal(rmpsim_layout_entry_addr(l, 0x9000000000ull, &a), 0);
	assert_int_equal(a, 10 * GB);
	assert_int_equal(rmpsim_layout_entry_addr(l, 0x8fffffffffull, &a), 0);
	assert_int_equal(a, 9 * GB + (64 * GB / 4096 - 1) * 16);	       /* last entry of RST[8] */
	assert_int_equal(rmpsim_layout_entry_addr(l, 1024 * GB, &a), -EFAULT); /* rst_index 16: none */
	/* self ranges: bookkeeping + RST, then each segment's 256 MiB of entries. */
	uint64_t r[20][2];
	assert_int_equal(rmpsim_layout_self_ranges(l, r, 20), 17);
	assert_int_equal(r[0][0], SEG_BASE);
	assert_int_equal(r[0][1], SEG_BASE + 16384 + 4096);
	assert_int_equal(r[16][0], 16 * GB);
	assert_int_equal(r[16][1], 16 * GB + 256 * MB);
	rmpsim_layout_destroy(l);
}

/* covers: spec 2.3 -- a mapped size below the segment size; segments above RAM are allowed. */
static void segmented_partial_and_above_ram(void **state)
{
	(void)state;
	uint64_t rst[32];
	struct rmpsim_rmp_layout *l = NULL;
	uint64_t a;

	build_rst(rst, 32);
	rst[15] = rst_entry(16 * GB, 10); /* RAM ends 10 GB into segment 15 */
	rst[20] = rst_entry(40 * GB, 2);  /* MMIO above RAM (Trusted I/O) */
	assert_int_equal(
		rmpsim_layout_segmented(NULL, SEG_BASE, SEG_CFG_64G, &caps, rst, 32, 970 * GB, NULL, &l), 0);
	assert_true(rmpsim_layout_covers(l, 970 * GB - 1));
	assert_false(rmpsim_layout_covers(l, 970 * GB));
	assert_false(rmpsim_layout_covers(l, 17 * 64 * GB)); /* RST[17] mapped size 0 */
	assert_true(rmpsim_layout_covers(l, 20 * 64 * GB + 2 * GB - 1));
	assert_false(rmpsim_layout_covers(l, 20 * 64 * GB + 2 * GB));
	assert_int_equal(rmpsim_layout_coverage_end(l), 20 * 64 * GB + 2 * GB);
	assert_int_equal(rmpsim_layout_entry_addr(l, 20 * 64 * GB + 4096, &a), 0);
	assert_int_equal(a, 40 * GB + 16);
	rmpsim_layout_destroy(l);
}

/* covers: spec 2.3, A5, A6, A7, A8, A9 -- each segmented rejection names the field and value. */
static void segmented_rejections(void **state)
{
	(void)state;
	uint64_t rst[32];
	struct rmpsim_segment_caps c = caps;

	build_rst(rst, 32);
	expect_seg_reject(0x2400, &caps, rst, 32, 1024 * GB, "RMP_CFG = 0x2400: bit 0");
	c.max_shift = 35;
	expect_seg_reject(SEG_CFG_64G, &c, rst, 32, 1024 * GB,
			  "RMP_CFG.segment_shift = 36 is outside the CPUID 0x80000025 range [30, 35]");
	c = caps;
	c.min_shift = 37;
	expect_seg_reject(SEG_CFG_64G, &c, rst, 32, 1024 * GB, "RMP_CFG.segment_shift = 36");
	c = caps;
	c.min_shift = 20;
	expect_seg_reject(0x1d01, &c, rst, 32, 1024 * GB, "segment_shift = 29 is outside the modelled range");
	c = caps;
	c.count_is_limit = true;
	c.cached_count = 8;
	expect_seg_reject(SEG_CFG_64G, &c, rst, 32, 1024 * GB,
			  "RST[8] = 0x240000040 is used but index 8 is beyond the hard segment limit 8");

	build_rst(rst, 32);
	rst[3] = rst_entry(4 * GB, 80);
	expect_seg_reject(SEG_CFG_64G, &caps, rst, 32, 1024 * GB,
			  "RST[3].mapped_size = 80 GB exceeds the segment size 64 GB");
	build_rst(rst, 32);
	rst[4] |= 1ull << 60;
	expect_seg_reject(SEG_CFG_64G, &caps, rst, 32, 1024 * GB,
			  "RST[4].segment_address: entry 0x1000000140000040 is misaligned");
	build_rst(rst, 32);
	rst[5] = rst_entry(0, 64);
	expect_seg_reject(SEG_CFG_64G, &caps, rst, 32, 1024 * GB, "RST[5].segment_address = 0 is unset");
	build_rst(rst, 32);
	rst[6] = rst_entry(SEG_BASE, 64); /* on top of the bookkeeping area */
	expect_seg_reject(SEG_CFG_64G, &caps, rst, 32, 1024 * GB,
			  "RST[6].segment_address = 0x100000 overlaps the bookkeeping area/RST");
	build_rst(rst, 32);
	rst[7] = rst_entry(2 * GB + 255 * MB, 64); /* into RST[1]'s 256 MiB of entries */
	expect_seg_reject(SEG_CFG_64G, &caps, rst, 32, 1024 * GB,
			  "RST[7].segment_address = 0x8ff00000 overlaps the entries of RST[1]");
	build_rst(rst, 32);
	rst[7] = rst_entry(0x000ffffffff00000ull, 64);
	expect_seg_reject(SEG_CFG_64G, &caps, rst, 32, 1024 * GB, "entries end beyond 2^52");
	/* OQ13 holes: mapped size 0, or short, in the middle of RAM (A9). */
	build_rst(rst, 32);
	rst[9] = 0;
	expect_seg_reject(SEG_CFG_64G, &caps, rst, 32, 1024 * GB,
			  "RST[9].mapped_size = 0 GB leaves RAM [0x9000000000, 0xa000000000)");
	build_rst(rst, 32);
	rst[2] = rst_entry(3 * GB, 32);
	expect_seg_reject(SEG_CFG_64G, &caps, rst, 32, 1024 * GB, "RST[2].mapped_size = 32 GB leaves RAM");
	build_rst(rst, 32);
	expect_seg_reject(SEG_CFG_64G, &caps, rst, 8, 1024 * GB,
			  "RST: 8 entries of 64 GB segments do not cover RAM up to 0x10000000000");
	expect_seg_reject(SEG_CFG_64G, &caps, rst, 513, 1024 * GB, "RST: 513 entries given");

	/* Unset / misaligned RMP_BASE. */
	struct rmpsim_rmp_layout *l = NULL;
	struct rmpsim_diag d;
	memset(&d, 0, sizeof(d));
	assert_int_equal(
		rmpsim_layout_segmented(NULL, 0x1000, SEG_CFG_64G, &caps, rst, 32, 1024 * GB, &d, &l),
		-EINVAL);
	assert_non_null(strstr(d.msg, "RMP_BASE = 0x1000 is unset"));
	assert_int_equal(
		rmpsim_layout_segmented(NULL, 0x102000, SEG_CFG_64G, &caps, rst, 32, 1024 * GB, &d, &l),
		-EINVAL);
	assert_non_null(strstr(d.msg, "RMP_BASE = 0x102000 is not 1 MB aligned"));
	assert_null(l);
}

/* A7: a used entry inside the hard limit is fine; unused entries beyond it are ignored. */
static void segmented_hard_limit_boundary(void **state)
{
	(void)state;
	uint64_t rst[32];
	struct rmpsim_segment_caps c = caps;
	struct rmpsim_rmp_layout *l = NULL;

	build_rst(rst, 32);
	c.count_is_limit = true;
	c.cached_count = 16;
	assert_int_equal(
		rmpsim_layout_segmented(NULL, SEG_BASE, SEG_CFG_64G, &c, rst, 32, 1024 * GB, NULL, &l), 0);
	rmpsim_layout_destroy(l);
	c.count_is_limit = false; /* without EBX[10], the count is only a cache size */
	c.cached_count = 2;
	assert_int_equal(
		rmpsim_layout_segmented(NULL, SEG_BASE, SEG_CFG_64G, &c, rst, 32, 1024 * GB, NULL, &l), 0);
	rmpsim_layout_destroy(l);
}

/* Allocation failure at every point: -ENOMEM, nothing leaked, ret untouched. */
static void layouts_and_create_enomem(void **state)
{
	(void)state;
	uint64_t rst[32];

	build_rst(rst, 32);
	for (long budget = 0; budget < 64; budget++) {
		struct failing_alloc fa;
		struct rmpsim_rmp_layout *l = NULL, *l2 = NULL;
		struct rmpsim_rmp *rmp = NULL;
		failing_alloc_init(&fa, budget);
		int e1 = rmpsim_layout_contiguous(&fa.alloc, FX_BASE, FX_BASE + FX_SIZE(1) - 1, GB, NULL, &l);
		int e2 = e1 ? e1
			    : rmpsim_layout_segmented(&fa.alloc, SEG_BASE, SEG_CFG_64G, &caps, rst, 32,
						      1024 * GB, NULL, &l2);
		int e3 = e2 ? e2 : rmpsim_rmp_create(&fa.alloc, l2, RMPSIM_RMP_SPARSE, &rmp);
		int e4 = e3 ? e3
			    : (rmpsim_rmp_destroy(rmp), rmp = NULL,
			       rmpsim_rmp_create(&fa.alloc, l, RMPSIM_RMP_DENSE, &rmp));
		assert_true(e4 == 0 || e4 == -ENOMEM);
		if (e4)
			assert_null(rmp);
		rmpsim_rmp_destroy(rmp);
		rmpsim_layout_destroy(l);
		rmpsim_layout_destroy(l2);
		assert_int_equal(fa.live_bytes, 0);
		if (!e4) {
			assert_true(budget >= 4);
			return;
		}
	}
	fail_msg("never succeeded");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(contiguous_addresses),
		cmocka_unit_test(contiguous_rejections),
		cmocka_unit_test(segmented_worked_example),
		cmocka_unit_test(segmented_partial_and_above_ram),
		cmocka_unit_test(segmented_rejections),
		cmocka_unit_test(segmented_hard_limit_boundary),
		cmocka_unit_test(layouts_and_create_enomem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
