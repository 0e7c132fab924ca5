/* SPDX-License-Identifier: MIT */
/* PVALIDATE (spec 3.3): codes 0/1/6, CF, #GP at VMPL > 0, and the nested-page-fault cases. */
#include "insn_fixture.h"
#include "assert_eq.h"

#define ASID 7u
#define R    (12 * SZ_2M)
#define GPA  (0x40000000ull)
/*
 * What every PVALIDATE NPF carries (A36): PRESENT | USER | RMP | ENC, the bits
 * of the error code AMD logged for a PVALIDATE size mismatch, 0xc80000005
 * (kvm list, 2022-10-13, 087931d7-4639-afde-fce3-bf916201ec3e@amd.com), less
 * SIZEM (bit 35).
 */
#define NPF_BASE (0xc80000005ull & ~(1ull << 35))

static const struct rmpsim_guest_ctx vmpl0 = { ASID, 0 };

static struct rmpsim_insn_out pv(struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
				 uint64_t spa, uint64_t rcx, uint64_t rdx)
{
	struct rmpsim_insn_out r;

	assert_int_equal(rmpsim_insn_pvalidate(rmp, ctx, gpa, spa, rcx, rdx, &r), 0);
	return r;
}

/* covers: spec 3.3 */
static void validate_4k_and_cf(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);
	uint64_t lo = LO_ASSIGNED | LO_GPA(GPA) | LO_ASID(ASID);

	fix_set_raw(rmp, R, lo, 0);
	struct rmpsim_insn_out r = pv(rmp, &vmpl0, GPA, R, 0, 1);
	assert_int_equal(r.fault, RMPSIM_FAULT_NONE);
	assert_int_equal(r.rax, RMPSIM_PVALIDATE_OK);
	assert_false(r.cf);
	assert_true(r.change.changed && !r.change.assigned && r.change.spa == R && r.change.bytes == SZ_4K);
	ASSERT_EQ(fix_raw(rmp, R).lo, (lo | LO_VALIDATED));
	/* Again: CF = 1, nothing written. */
	r = pv(rmp, &vmpl0, GPA, R, 0, 1);
	assert_int_equal(r.rax, RMPSIM_PVALIDATE_OK);
	assert_true(r.cf);
	assert_false(r.change.changed);
	/* Rescind, then rescind again. */
	r = pv(rmp, &vmpl0, GPA, R, 0, 0);
	assert_false(r.cf);
	ASSERT_EQ(fix_raw(rmp, R).lo, lo);
	assert_true(pv(rmp, &vmpl0, GPA, R, 0, 0).cf);
	rmpsim_rmp_destroy(rmp);
}

/*
 * Microsoft __pvalidate lists codes 0, 1 and 6 only; the Enarx SEV shim's
 * pvalidate documents "VMPL or CPL not zero will result in a #GP(0)".
 */
/* covers: spec 3.3, A30, A33, A39 (precedence) */
static void failure_codes(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);
	struct rmpsim_guest_ctx vmpl1 = { ASID, 1 };

	fix_set_raw(rmp, R, LO_ASSIGNED | LO_GPA(GPA) | LO_ASID(ASID), 0);
	struct rmpsim_insn_out g = pv(rmp, &vmpl1, GPA, R, 0, 1); /* A30 */
	assert_int_equal(g.fault, RMPSIM_FAULT_GP);
	assert_int_equal(g.rax, 0);
	assert_false(g.change.changed);
	ASSERT_EQ(fix_raw(rmp, R).lo, (LO_ASSIGNED | LO_GPA(GPA) | LO_ASID(ASID)));
	assert_int_equal(pv(rmp, &vmpl0, GPA, R, 2, 1).rax, RMPSIM_PVALIDATE_FAIL_INPUT); /* A33 */
	assert_int_equal(pv(rmp, &vmpl0, GPA, R, 0, 2).rax, RMPSIM_PVALIDATE_FAIL_INPUT); /* A33 */
	assert_int_equal(pv(rmp, &vmpl0, GPA + SZ_4K, R, 1, 1).rax,
			 RMPSIM_PVALIDATE_FAIL_INPUT); /* spec 3.3 */
	assert_int_equal(pv(rmp, &vmpl0, GPA, R + SZ_4K, 1, 1).rax, RMPSIM_PVALIDATE_FAIL_INPUT);
	/* 2 MB request on a region of 4K entries (spec 3.3). */
	assert_int_equal(pv(rmp, &vmpl0, GPA, R, 1, 1).rax, RMPSIM_PVALIDATE_FAIL_SIZEMISMATCH);
	/* The VMPL check precedes operands (A30 first). */
	assert_int_equal(pv(rmp, &vmpl1, GPA, R, 5, 5).fault, RMPSIM_FAULT_GP);
	struct rmpsim_insn_out r;
	struct rmpsim_guest_ctx bad = { ASID, 4 };
	assert_int_equal(rmpsim_insn_pvalidate(rmp, &bad, GPA, R, 0, 1, &r), -EINVAL);
	rmpsim_rmp_destroy(rmp);
}

/* covers: spec 3.3, A31, A36 */
static void nested_page_faults(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);
	struct rmpsim_insn_out r;

	r = pv(rmp, &vmpl0, GPA, R, 0, 1); /* not assigned */
	assert_int_equal(r.fault, RMPSIM_FAULT_NPF);
	ASSERT_EQ(r.error_code, NPF_BASE);
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_GPA(GPA) | LO_ASID(ASID + 1), 0); /* another guest */
	assert_int_equal(pv(rmp, &vmpl0, GPA, R, 0, 1).fault, RMPSIM_FAULT_NPF);
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_GPA(GPA + SZ_4K) | LO_ASID(ASID), 0); /* another GPA */
	assert_int_equal(pv(rmp, &vmpl0, GPA, R, 0, 1).fault, RMPSIM_FAULT_NPF);
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_IMMUTABLE | LO_GPA(GPA) | LO_ASID(ASID), 0); /* pre-guest */
	assert_int_equal(pv(rmp, &vmpl0, GPA, R, 0, 1).fault, RMPSIM_FAULT_NPF);
	/* A31: no RMP entry at all. */
	r = pv(rmp, &vmpl0, GPA, FIX_COVER, 0, 1);
	assert_int_equal(r.fault, RMPSIM_FAULT_NPF);
	ASSERT_EQ(r.error_code, NPF_BASE);
	/*
	 * 4K inside an assigned 2 MB page: SIZEM (spec 3.3); the GPA is the
	 * page's GPA + offset. AMD's logged error code for exactly this case:
	 * 0xc80000005 (present, user, RMP, encrypted, SIZEM).
	 */
	assert_int_equal(fix_update(rmp, R + SZ_2M, 1, 1, GPA, ASID), RMPSIM_RMPUPDATE_OK);
	r = pv(rmp, &vmpl0, GPA + 3 * SZ_4K, R + SZ_2M + 3 * SZ_4K, 0, 1);
	assert_int_equal(r.fault, RMPSIM_FAULT_NPF);
	ASSERT_EQ(r.error_code, 0xc80000005ull);
	/* ... with a wrong GPA it is the plain RMP fault. */
	r = pv(rmp, &vmpl0, GPA + 4 * SZ_4K, R + SZ_2M + 3 * SZ_4K, 0, 1);
	ASSERT_EQ(r.error_code, NPF_BASE);
	/* The 2 MB validate works and flips only the 2 MB entry. */
	r = pv(rmp, &vmpl0, GPA, R + SZ_2M, 1, 1);
	assert_int_equal(r.fault, RMPSIM_FAULT_NONE);
	assert_int_equal(r.rax, RMPSIM_PVALIDATE_OK);
	ASSERT_EQ(r.change.bytes, SZ_2M);
	assert_true(fix_raw(rmp, R + SZ_2M).lo & LO_VALIDATED);
	ASSERT_EQ(fix_raw(rmp, R + SZ_2M + SZ_4K).lo, LO_ASSIGNED); /* the sub-entry stays (A25) */
	rmpsim_rmp_destroy(rmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(validate_4k_and_cf),
		cmocka_unit_test(failure_codes),
		cmocka_unit_test(nested_page_faults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
