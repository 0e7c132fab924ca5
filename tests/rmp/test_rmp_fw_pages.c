/* SPDX-License-Identifier: MIT */
/*
 * The SEV firmware's page states and its page commands, against AMD's
 * published firmware (amd/AMD-ASPFW): sev_rmp.c rmp_entry_get_state() and
 * page_set_hv_fixed(), sev_mcmd.c snp_mcmd_page_reclaim() and
 * snp_mcmd_page_unsmash(). Status values: Linux include/uapi/linux/psp-sev.h
 * (INVALID_ADDRESS 0x09, INVALID_PARAM 0x16, INVALID_PAGE_SIZE 0x19,
 * INVALID_PAGE_STATE 0x1A).
 */
#include "rmp_fixture.h"

#define MB   (1ull << 20)
#define FW   0x8000000000000005ull /* sev_rmp.c RMP_ENTRY_VAL_FIRMWARE */
#define HVF  0x4ull		   /* sev_rmp.c RMP_ENTRY_VAL_HV_FIXED */
#define ASID 5ull
#define R    (32 * SZ_2M)

#define LO_ASSIGNED  (1ull << 0)
#define LO_2M	     (1ull << 1)
#define LO_IMMUTABLE (1ull << 2)
#define LO_GPA(g)    ((uint64_t)(g)&0x0007fffffffff000ull)
#define LO_ASID(a)   ((uint64_t)(a) << 51)
#define LO_VMSA	     (1ull << 61)
#define LO_VALIDATED (1ull << 62)
#define LO_LOCK	     (1ull << 63)

static enum rmpsim_fw_page_state st_of(uint64_t lo)
{
	struct rmpsim_raw_entry e = { lo, 0 };

	return rmpsim_rmp_fw_page_state(&e);
}

static void put(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t lo, uint64_t hi)
{
	struct rmpsim_raw_entry e = { lo, hi };

	assert_int_equal(rmpsim_rmp_set(rmp, spa, &e), 0);
}

/* The table of sev_rmp.h snp_page_state_t (SEV-SNP ABI 6.2), one entry per state. */
/* covers: A161 */
static void page_states(void **state)
{
	(void)state;
	assert_int_equal(rmpsim_rmp_fw_page_state(NULL), RMPSIM_FWPAGE_DEFAULT);
	assert_int_equal(st_of(0), RMPSIM_FWPAGE_HYPERVISOR);
	assert_int_equal(st_of(LO_2M), RMPSIM_FWPAGE_HYPERVISOR);
	assert_int_equal(st_of(HVF), RMPSIM_FWPAGE_HV_FIXED);
	assert_int_equal(st_of(FW), RMPSIM_FWPAGE_FIRMWARE);
	assert_int_equal(st_of(LO_ASSIGNED | LO_IMMUTABLE), RMPSIM_FWPAGE_FIRMWARE); /* lock: don't care */
	assert_int_equal(st_of(LO_ASSIGNED), RMPSIM_FWPAGE_RECLAIM);
	assert_int_equal(st_of(LO_ASSIGNED | LO_IMMUTABLE | LO_VMSA), RMPSIM_FWPAGE_CONTEXT);
	/* METADATA: GPA field > 0 with state tag 1 in field bits 38:36. */
	assert_int_equal(st_of(LO_ASSIGNED | LO_IMMUTABLE | ((1ull << 36 | 7) << 12)),
			 RMPSIM_FWPAGE_METADATA);
	/* FIRMWARE_IOMMU: GPA field 1 with state tag 2. */
	assert_int_equal(st_of(LO_ASSIGNED | LO_IMMUTABLE | ((2ull << 36 | 1) << 12)),
			 RMPSIM_FWPAGE_FIRMWARE_IOMMU);
	assert_int_equal(st_of(LO_ASSIGNED | LO_IMMUTABLE | LO_ASID(ASID)), RMPSIM_FWPAGE_PRE_GUEST);
	assert_int_equal(st_of(LO_ASSIGNED | LO_IMMUTABLE | LO_VALIDATED | LO_ASID(ASID)),
			 RMPSIM_FWPAGE_PRE_SWAP);
	assert_int_equal(st_of(LO_ASSIGNED | LO_ASID(ASID)), RMPSIM_FWPAGE_GUEST_INVALID);
	assert_int_equal(st_of(LO_ASSIGNED | LO_VALIDATED | LO_ASID(ASID)), RMPSIM_FWPAGE_GUEST_VALID);
	/* A 2 MB page's sub-entry (assigned, ASID 0, A25) reads as RECLAIM to the firmware. */
	assert_int_equal(st_of(LO_ASSIGNED), RMPSIM_FWPAGE_RECLAIM);
	/* Nothing else: a validated hypervisor page; an assigned ASID-0 locked non-immutable page. */
	assert_int_equal(st_of(LO_VALIDATED), RMPSIM_FWPAGE_INVALID);
	assert_int_equal(st_of(LO_ASSIGNED | LO_LOCK), RMPSIM_FWPAGE_INVALID);
}

/* covers: A161 */
static void reclaim(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fx_table(NULL, 1, RMPSIM_RMP_SPARSE);
	enum rmpsim_fw_cmd_status s;
	uint64_t pre_guest = LO_ASSIGNED | LO_IMMUTABLE | LO_GPA(0x5000) | LO_ASID(ASID);

	/* PRE_GUEST -> GUEST_INVALID: immutable and lock cleared, the rest kept (hi too). */
	put(rmp, R, pre_guest | LO_LOCK, 0x0f0f);
	assert_int_equal(rmpsim_rmp_fw_page_reclaim(rmp, R, 0, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_SUCCESS);
	assert_int_equal(fx_get(rmp, R).lo, LO_ASSIGNED | LO_GPA(0x5000) | LO_ASID(ASID));
	assert_int_equal(fx_get(rmp, R).hi, 0x0f0f);
	/* "Return success if the immutable bit is already 0": again, unchanged. */
	assert_int_equal(rmpsim_rmp_fw_page_reclaim(rmp, R, 0, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_SUCCESS);
	/* PRE_SWAP -> GUEST_VALID; FIRMWARE -> RECLAIM; METADATA -> RECLAIM without its tag. */
	put(rmp, R + SZ_4K, pre_guest | LO_VALIDATED, 0);
	assert_int_equal(rmpsim_rmp_fw_page_reclaim(rmp, R + SZ_4K, 0, &s), 0);
	assert_int_equal(st_of(fx_get(rmp, R + SZ_4K).lo), RMPSIM_FWPAGE_GUEST_VALID);
	put(rmp, R + 2 * SZ_4K, FW, 0);
	assert_int_equal(rmpsim_rmp_fw_page_reclaim(rmp, R + 2 * SZ_4K, 0, &s), 0);
	assert_int_equal(fx_get(rmp, R + 2 * SZ_4K).lo, LO_ASSIGNED);
	put(rmp, R + 3 * SZ_4K, LO_ASSIGNED | LO_IMMUTABLE | ((1ull << 36 | 7) << 12), 0);
	assert_int_equal(rmpsim_rmp_fw_page_reclaim(rmp, R + 3 * SZ_4K, 0, &s), 0);
	assert_int_equal(fx_get(rmp, R + 3 * SZ_4K).lo, LO_ASSIGNED | (7ull << 12));
	/* HV_FIXED is immutable but no reclaimable state: INVALID_PAGE_STATE, unchanged. */
	put(rmp, R + 4 * SZ_4K, HVF, 0);
	assert_int_equal(rmpsim_rmp_fw_page_reclaim(rmp, R + 4 * SZ_4K, 0, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PAGE_STATE);
	assert_int_equal(fx_get(rmp, R + 4 * SZ_4K).lo, HVF);
	/* Page size must match the entry's: INVALID_PAGE_SIZE; a 2 MB request off 2 MB: INVALID_ADDRESS. */
	assert_int_equal(rmpsim_rmp_fw_page_reclaim(rmp, R + 4 * SZ_4K, 1, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PAGE_SIZE);
	put(rmp, R + SZ_2M + SZ_4K, pre_guest | LO_2M, 0);
	assert_int_equal(rmpsim_rmp_fw_page_reclaim(rmp, R + SZ_2M + SZ_4K, 1, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_ADDRESS);
	/* Reserved bits: INVALID_PARAM; no RMP entry: INVALID_ADDRESS (A161). */
	assert_int_equal(rmpsim_rmp_fw_page_reclaim(rmp, R + 7, 0, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PARAM);
	assert_int_equal(rmpsim_rmp_fw_page_reclaim(rmp, R, 2, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PARAM);
	assert_int_equal(rmpsim_rmp_fw_page_reclaim(rmp, FX_COVER(1), 0, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_ADDRESS);
	assert_int_equal(rmpsim_rmp_fw_page_reclaim(rmp, R, 0, NULL), -EINVAL);
	rmpsim_rmp_destroy(rmp);
}

/* covers: A161 */
static void set_state_firmware_to_hv_fixed(void **state)
{
	(void)state;
	for (int b = 0; b < 2; b++) {
		struct rmpsim_rmp *rmp = fx_table(NULL, 1, b ? RMPSIM_RMP_DENSE : RMPSIM_RMP_SPARSE);
		struct rmpsim_raw_entry fw = { FW, 0 };
		enum rmpsim_fw_cmd_status s;
		const uint64_t ranges[2][2] = { { R + 10 * SZ_4K, R + SZ_2M + 20 * SZ_4K },
						{ R + 3 * SZ_2M, R + 3 * SZ_2M + SZ_4K } };

		assert_int_equal(rmpsim_rmp_set_range(rmp, R, 1024, &fw, false), 0);
		put(rmp, R + 3 * SZ_2M, FW, 0);
		/* One page of the first range is not FIRMWARE: INVALID_PAGE_STATE, nothing written. */
		put(rmp, R + SZ_2M + 5 * SZ_4K, LO_ASSIGNED | LO_IMMUTABLE,
		    0); /* FIRMWARE state, not check_fw's value */
		assert_int_equal(rmpsim_rmp_fw_page_set_hv_fixed(rmp, ranges, 2, &s), 0);
		assert_int_equal(s, RMPSIM_FWCMD_INVALID_PAGE_STATE);
		assert_int_equal(fx_get(rmp, R + 10 * SZ_4K).lo & ~(0x1ffull << 3), FW);
		put(rmp, R + SZ_2M + 5 * SZ_4K, FW, 0);
		assert_int_equal(rmpsim_rmp_fw_page_set_hv_fixed(rmp, ranges, 2, &s), 0);
		assert_int_equal(s, RMPSIM_FWCMD_SUCCESS);
		assert_int_equal(fx_get(rmp, R + 10 * SZ_4K).lo, HVF);
		assert_int_equal(fx_get(rmp, R + SZ_2M + 19 * SZ_4K).lo, HVF);
		assert_int_equal(fx_get(rmp, R + SZ_2M + 20 * SZ_4K).lo, FW);
		assert_int_equal(fx_get(rmp, R + 9 * SZ_4K).lo, FW);
		assert_int_equal(fx_get(rmp, R + 3 * SZ_2M).lo, HVF);
		/* The head's derived sub-page count follows: 10 FIRMWARE pages left, 9 besides the head. */
		assert_int_equal(fx_subpage(fx_get(rmp, R)), 9);
		/* Again: the pages are HV_FIXED now, not FIRMWARE. */
		assert_int_equal(rmpsim_rmp_fw_page_set_hv_fixed(rmp, ranges, 1, &s), 0);
		assert_int_equal(s, RMPSIM_FWCMD_INVALID_PAGE_STATE);
		/* The RMP itself may not be converted: INVALID_ADDRESS. */
		const uint64_t self[1][2] = { { FX_BASE, FX_BASE + SZ_4K } };
		assert_int_equal(rmpsim_rmp_fw_page_set_hv_fixed(rmp, self, 1, &s), 0);
		assert_int_equal(s, RMPSIM_FWCMD_INVALID_ADDRESS);
		const uint64_t bad[1][2] = { { R + 5, R + SZ_4K } };
		assert_int_equal(rmpsim_rmp_fw_page_set_hv_fixed(rmp, bad, 1, &s), 0);
		assert_int_equal(s, RMPSIM_FWCMD_INVALID_PARAM);
		rmpsim_rmp_destroy(rmp);
	}
}

/* 512 PRE_GUEST 4K entries of one guest 2 MB page, as the firmware's UNSMASH expects them. */
static void pre_guest_2m(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t gpa)
{
	struct rmpsim_raw_entry e = { LO_ASSIGNED | LO_IMMUTABLE | LO_GPA(gpa) | LO_ASID(ASID), 0x0303 };

	assert_int_equal(rmpsim_rmp_set_range(rmp, spa, 512, &e, true), 0);
}

/* covers: A161, A25 */
static void unsmash(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fx_table(NULL, 1, RMPSIM_RMP_SPARSE);
	enum rmpsim_fw_cmd_status s;

	pre_guest_2m(rmp, R, 0x40000000);
	assert_int_equal(rmpsim_rmp_fw_page_unsmash(rmp, R, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_SUCCESS);
	/* "First page - page_size set to 2M, reset subpage count". */
	struct rmpsim_raw_entry h = fx_get(rmp, R);
	assert_int_equal(h.lo, LO_ASSIGNED | LO_2M | LO_IMMUTABLE | LO_GPA(0x40000000) | LO_ASID(ASID));
	assert_int_equal(h.hi, 0x0303);
	assert_int_equal(st_of(h.lo), RMPSIM_FWPAGE_PRE_GUEST);
	/* "Subpages changes: assigned = 1, asid = 0, immutable = lock = 0"; the rest as it was. */
	for (unsigned i = 1; i < 512; i += 85) {
		struct rmpsim_raw_entry e = fx_get(rmp, R + i * SZ_4K);
		assert_int_equal(e.lo, LO_ASSIGNED | LO_GPA(0x40000000 + i * SZ_4K));
		assert_int_equal(e.hi, 0x0303);
	}
	/* Now a 2 MB entry: a second UNSMASH finds entry 0 not 4K. */
	assert_int_equal(rmpsim_rmp_fw_page_unsmash(rmp, R, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PAGE_STATE);
	/* Each rule of the firmware's loop, broken once: INVALID_PAGE_STATE, nothing written. */
	uint64_t base = R + 4 * SZ_2M;
	struct {
		unsigned idx;
		uint64_t lo, hi;
	} breaks[] = {
		{ 7, LO_ASSIGNED | LO_IMMUTABLE | LO_GPA(0x80000000 + 7 * SZ_4K) | LO_ASID(ASID + 1),
		  0x0303 },
		{ 7, LO_ASSIGNED | LO_IMMUTABLE | LO_GPA(0x80000000 + 8 * SZ_4K) | LO_ASID(ASID), 0x0303 },
		{ 7, LO_ASSIGNED | LO_IMMUTABLE | LO_GPA(0x80000000 + 7 * SZ_4K) | LO_ASID(ASID), 0x0707 },
		{ 7, LO_ASSIGNED | LO_GPA(0x80000000 + 7 * SZ_4K) | LO_ASID(ASID), 0x0303 },
		{ 7, LO_ASSIGNED | LO_IMMUTABLE | LO_VMSA | LO_GPA(0x80000000 + 7 * SZ_4K) | LO_ASID(ASID),
		  0x0303 },
		{ 7,
		  LO_ASSIGNED | LO_IMMUTABLE | LO_VALIDATED | LO_GPA(0x80000000 + 7 * SZ_4K) | LO_ASID(ASID),
		  0x0303 },
	};
	for (unsigned k = 0; k < sizeof(breaks) / sizeof(breaks[0]); k++) {
		pre_guest_2m(rmp, base, 0x80000000);
		put(rmp, base + breaks[k].idx * SZ_4K, breaks[k].lo, breaks[k].hi);
		assert_int_equal(rmpsim_rmp_fw_page_unsmash(rmp, base, &s), 0);
		assert_int_equal(s, RMPSIM_FWCMD_INVALID_PAGE_STATE);
		assert_int_equal(fx_get(rmp, base).lo & LO_2M, 0);
	}
	/* The guest page not 2 MB aligned. */
	pre_guest_2m(rmp, base, 0x80000000 + SZ_4K);
	assert_int_equal(rmpsim_rmp_fw_page_unsmash(rmp, base, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PAGE_STATE);
	/* Not 2 MB aligned: INVALID_PARAM; no RMP entry: INVALID_PAGE_STATE (a DEFAULT page); the RMP: INVALID_ADDRESS. */
	assert_int_equal(rmpsim_rmp_fw_page_unsmash(rmp, base + SZ_4K, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PARAM);
	assert_int_equal(rmpsim_rmp_fw_page_unsmash(rmp, FX_COVER(1) + SZ_2M * 4, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PAGE_STATE);
	assert_int_equal(rmpsim_rmp_fw_page_unsmash(rmp, FX_BASE, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_ADDRESS);
	rmpsim_rmp_destroy(rmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(page_states),
		cmocka_unit_test(reclaim),
		cmocka_unit_test(set_state_firmware_to_hv_fixed),
		cmocka_unit_test(unsmash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
