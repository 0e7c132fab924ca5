/* SPDX-License-Identifier: MIT */
/* Shared helpers of the rmp tests: small contiguous layouts and raw entries. */
#ifndef RMPSIM_TEST_RMP_FIXTURE_H
#define RMPSIM_TEST_RMP_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/rmp.h>

#define SZ_4K RMPSIM_SZ_4K
#define SZ_2M RMPSIM_SZ_2M
#define SZ_1G RMPSIM_SZ_1G

/* A contiguous RMP at 256 MiB covering gb GiB plus 252 MiB (spec 2.1 formula). */
#define FX_BASE	     (256ull << 20)
#define FX_SIZE(gb)  ((uint64_t)(gb) * (4ull << 20) + (1ull << 20))
#define FX_COVER(gb) (((FX_SIZE(gb) - 16384) / 16) * SZ_4K)

static inline struct rmpsim_rmp_layout *fx_layout(const struct rmpsim_allocator *a, unsigned gb)
{
	struct rmpsim_rmp_layout *l = NULL;
	struct rmpsim_diag d;

	memset(&d, 0, sizeof(d));
	assert_int_equal(
		rmpsim_layout_contiguous(a, FX_BASE, FX_BASE + FX_SIZE(gb) - 1, (uint64_t)gb << 30, &d, &l),
		0);
	return l;
}

static inline struct rmpsim_rmp *fx_table(const struct rmpsim_allocator *a, unsigned gb,
					  enum rmpsim_rmp_backend backend)
{
	struct rmpsim_rmp_layout *l = fx_layout(NULL, gb);
	struct rmpsim_rmp *rmp = NULL;

	assert_int_equal(rmpsim_rmp_create(a, l, backend, &rmp), 0);
	rmpsim_layout_destroy(l);
	return rmp;
}

static inline struct rmpsim_raw_entry fx_get(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	struct rmpsim_raw_entry r;

	assert_int_equal(rmpsim_rmp_get(rmp, spa, &r), 0);
	return r;
}

/* A guest-private 4K entry by the spec 2.2 bit table: assigned, gpa, asid, validated. */
static inline struct rmpsim_raw_entry fx_guest(uint64_t gpa, unsigned asid, bool validated)
{
	struct rmpsim_raw_entry r = { 1ull | (gpa & 0x0007fffffffff000ull) | ((uint64_t)asid << 51) |
					      (validated ? 1ull << 62 : 0),
				      0 };
	return r;
}

/* The subpage_count bits (lo 3-11) of a raw entry. */
static inline unsigned fx_subpage(struct rmpsim_raw_entry r)
{
	return (unsigned)((r.lo >> 3) & 0x1ff);
}

#endif
