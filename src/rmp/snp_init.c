/* SPDX-License-Identifier: MIT */
/*
 * SNP_INIT's view of the table, as the firmware's configure_rmp() writes it
 * (AMD-ASPFW sev_rmp.c): every covered entry HV_FIXED, then the DRAM ranges
 * of the memory map hypervisor (zero), then the SNP_INIT_EX range list
 * HV_FIXED, then the RMP's own pages FIRMWARE. Later steps win where ranges
 * overlap, as configure_rmp's add_range() splits earlier ranges.
 */
#include "rmp/entry_bits.h"
#include "table.h"

#define HV_FIXED_LO 0x4ull		  /* sev_rmp.c RMP_ENTRY_VAL_HV_FIXED: immutable only */
#define FIRMWARE_LO 0x8000000000000005ull /* sev_rmp.c RMP_ENTRY_VAL_FIRMWARE: lock + immutable + assigned */
#define MAX_SELF    (RMPSIM_RST_MAX_ENTRIES + 1u)

/* Zero every covered entry; writing zero over whole segments never allocates. */
static void zero_all(struct rmpsim_rmp *rmp)
{
	const struct rmpsim_rmp_layout *l = rmp->layout;
	const struct rmpsim_raw_entry z = { 0, 0 };

	for (unsigned i = 0; i < l->n_segments; i++) {
		const struct rmpsim__segment *s = &l->segments[i];
		if (!s->mapped_bytes)
			continue;
		uint64_t start = l->shift >= 52 ? 0 : (uint64_t)i << l->shift;
		int err = rmpsim_rmp_set_range(rmp, start, s->mapped_bytes >> 12, &z, false);
		(void)err; /* cannot fail: see sparse.c, a full-chunk zero write frees */
	}
}

/* The end of the DRAM range holding pos, or pos when none does; *next = the lowest DRAM start above pos. */
static uint64_t dram_skip(const uint64_t (*dram)[2], size_t n, uint64_t pos, uint64_t *next)
{
	uint64_t to = pos;

	*next = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		if (dram[i][0] <= pos && pos < dram[i][1] && dram[i][1] > to)
			to = dram[i][1];
		if (dram[i][0] > pos && dram[i][0] < *next)
			*next = dram[i][0];
	}
	return to;
}

/* Write lo over the covered part of [start, end), segment by segment. */
static int write_covered(struct rmpsim_rmp *rmp, uint64_t start, uint64_t end, uint64_t lo)
{
	const struct rmpsim_raw_entry e = { lo, 0 };
	const struct rmpsim_rmp_layout *l = rmp->layout;

	start &= ~(RMPSIM_SZ_4K - 1);
	for (unsigned i = 0; i < l->n_segments; i++) {
		const struct rmpsim__segment *s = &l->segments[i];
		uint64_t s0 = l->shift >= 52 ? 0 : (uint64_t)i << l->shift;
		uint64_t s1 = s0 + s->mapped_bytes;
		uint64_t a = start > s0 ? start : s0;
		uint64_t b = end < s1 ? end : s1;
		if (a >= b)
			continue;
		int err = rmpsim_rmp_set_range(rmp, a, (b - a + RMPSIM_SZ_4K - 1) >> 12, &e, false);
		if (err)
			return err;
	}
	return 0;
}

static bool ranges_ok(const uint64_t (*r)[2], size_t n)
{
	if (n && !r)
		return false;
	for (size_t i = 0; i < n; i++)
		if (r[i][0] > r[i][1] || (r[i][0] | r[i][1]) & (RMPSIM_SZ_4K - 1))
			return false;
	return true;
}

int rmpsim_rmp_snp_init_map(struct rmpsim_rmp *rmp, const uint64_t (*dram)[2], size_t n_dram,
			    const uint64_t (*hv_fixed)[2], size_t n_hv_fixed)
{
	if (!rmp || !ranges_ok(dram, n_dram) || !ranges_ok(hv_fixed, n_hv_fixed))
		return -EINVAL;
	/*
	 * configure_rmp: "Start by filling the entire RMP-covered area with
	 * HV-FIXED", then the memory map's DRAM hypervisor (zero): written here as
	 * zero everywhere and HV_FIXED over the covered gaps between DRAM ranges,
	 * the same entries at O(ranges) (A160).
	 */
	zero_all(rmp);
	int err = 0;
	uint64_t end = rmpsim_layout_coverage_end(rmp->layout), pos = 0;
	while (!err && pos < end) {
		uint64_t next, to = dram_skip(dram, n_dram, pos, &next);
		if (to > pos) {
			pos = to; /* inside DRAM */
			continue;
		}
		to = next < end ? next : end;
		err = write_covered(rmp, pos, to, HV_FIXED_LO);
		pos = to;
	}
	/* configure_rmp: the SNP_INIT_EX range list is HV_FIXED (A11: not assigned). */
	for (size_t i = 0; !err && i < n_hv_fixed; i++)
		err = write_covered(rmp, hv_fixed[i][0], hv_fixed[i][1], HV_FIXED_LO);
	/* configure_rmp: the RMP itself FIRMWARE, last; their sub-page counts follow (A1). */
	uint64_t self[MAX_SELF][2];
	size_t n = rmpsim_layout_self_ranges(rmp->layout, self, MAX_SELF);
	for (size_t i = 0; !err && i < n && i < MAX_SELF; i++)
		err = write_covered(rmp, self[i][0], self[i][1], FIRMWARE_LO);
	if (err) {
		/* A12: on -ENOMEM the table is left all-hypervisor (zeroing never fails). */
		zero_all(rmp);
		return err;
	}
	return 0;
}

int rmpsim_rmp_snp_init(struct rmpsim_rmp *rmp, const uint64_t (*hv_fixed)[2], size_t n_hv_fixed)
{
	if (!rmp)
		return -EINVAL;
	/* Everything covered counts as DRAM. */
	const uint64_t all[1][2] = { { 0, rmpsim_layout_coverage_end(rmp->layout) } };
	return rmpsim_rmp_snp_init_map(rmp, all, 1, hv_fixed, n_hv_fixed);
}

size_t rmpsim_rmp_unoptimizable_1g(const struct rmpsim_rmp *rmp, uint64_t *ret_regions, size_t max)
{
	if (!rmp || (!ret_regions && max))
		return 0;
	const struct rmpsim_rmp_layout *l = rmp->layout;
	uint64_t self[MAX_SELF][2];
	size_t n_self = rmpsim_layout_self_ranges(l, self, MAX_SELF);
	uint64_t n_gb = (l->coverage_end + RMPSIM_SZ_1G - 1) >> 30;
	size_t n = 0;

	if (n_self > MAX_SELF)
		n_self = MAX_SELF;
	/*
	 * spec 2.2, OQ7: SNP_INIT makes the RMP's own pages FIRMWARE (assigned),
	 * so each GB holding a covered one of them never passes an RMPOPT verify.
	 */
	for (uint64_t gb = 0; gb < n_gb; gb++) {
		uint64_t g0 = gb << 30, g1 = g0 + RMPSIM_SZ_1G;
		for (size_t i = 0; i < n_self; i++) {
			uint64_t a = self[i][0] > g0 ? self[i][0] : g0;
			uint64_t b = self[i][1] < g1 ? self[i][1] : g1;
			/* Coverage inside one GB is a prefix of it (spec 2.1) or all of it (spec 2.3, A5). */
			bool hit = a < b && rmpsim_layout_covers(l, a);
			if (hit) {
				if (n < max)
					ret_regions[n] = gb;
				n++;
				break;
			}
		}
	}
	return n;
}
