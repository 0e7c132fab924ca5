/* SPDX-License-Identifier: MIT */
/* RMPADJUST (spec 3.4): VMPL order, permission subsets, VMSA, codes 1/2/6, faults. */
#include "insn_fixture.h"
#include "assert_eq.h"

#define ASID		       11u
#define R		       (14 * SZ_2M)
#define GPA		       (0x10000000ull)
#define RDX(vmpl, perms, vmsa) ((uint64_t)(vmpl) | ((uint64_t)(perms) << 8) | ((vmsa) ? (1ull << 16) : 0))

static struct rmpsim_insn_out adj(struct rmpsim_rmp *rmp, uint8_t vmpl, uint64_t gpa, uint64_t spa,
				  uint64_t rcx, uint64_t rdx)
{
	struct rmpsim_guest_ctx ctx = { ASID, vmpl };
	struct rmpsim_insn_out r;

	assert_int_equal(rmpsim_insn_rmpadjust(rmp, &ctx, gpa, spa, rcx, rdx, &r), 0);
	return r;
}

/* covers: spec 3.4 */
static void grants_and_vmsa(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);
	uint64_t lo = LO_ASSIGNED | LO_GPA(GPA) | LO_ASID(ASID) | LO_VALIDATED;

	fix_set_raw(rmp, R, lo, 0);
	struct rmpsim_insn_out r = adj(rmp, 0, GPA, R, 0, RDX(1, 0x3, false));
	assert_int_equal(r.fault, RMPSIM_FAULT_NONE);
	assert_int_equal(r.rax, RMPSIM_RMPADJUST_OK);
	ASSERT_EQ(fix_raw(rmp, R).hi, HI_VMPL(1, 0x3));
	assert_true(r.change.changed && !r.change.assigned);
	/* VMPL1 passes a subset on to VMPL2. */
	assert_int_equal(adj(rmp, 1, GPA, R, 0, RDX(2, 0x1, false)).rax, RMPSIM_RMPADJUST_OK);
	ASSERT_EQ(fix_raw(rmp, R).hi, (HI_VMPL(1, 0x3) | HI_VMPL(2, 0x1)));
	/* ... but not more than it has (spec 3.4). */
	assert_int_equal(adj(rmp, 1, GPA, R, 0, RDX(3, 0x4, false)).rax, RMPSIM_RMPADJUST_FAIL_PERMISSION);
	/* Not to itself or a more privileged VMPL (spec 3.4). */
	assert_int_equal(adj(rmp, 1, GPA, R, 0, RDX(1, 0x1, false)).rax, RMPSIM_RMPADJUST_FAIL_PERMISSION);
	assert_int_equal(adj(rmp, 2, GPA, R, 0, RDX(1, 0x1, false)).rax, RMPSIM_RMPADJUST_FAIL_PERMISSION);
	/* The VMSA bit (spec 3.4). */
	assert_int_equal(adj(rmp, 0, GPA, R, 0, RDX(1, 0, true)).rax, RMPSIM_RMPADJUST_OK);
	ASSERT_EQ(fix_raw(rmp, R).lo, (lo | LO_VMSA));
	ASSERT_EQ(fix_raw(rmp, R).hi, HI_VMPL(2, 0x1));
	rmpsim_rmp_destroy(rmp);
}

/*
 * Microsoft __rmpadjust: vmsa "Indicates if the page may be used as a VM Save
 * Area page (0=No, 1=Yes). Ignored when the current VMPL != 0".
 */
/* covers: spec 3.4, A33 */
static void vmsa_only_at_vmpl0(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);
	uint64_t lo = LO_ASSIGNED | LO_GPA(GPA) | LO_ASID(ASID) | LO_VALIDATED;

	fix_set_raw(rmp, R, lo, HI_VMPL(1, 0x3));
	/* VMPL1 asks for VMSA = 1: ignored, the permissions are still written. */
	assert_int_equal(adj(rmp, 1, GPA, R, 0, RDX(2, 0x1, true)).rax, RMPSIM_RMPADJUST_OK);
	ASSERT_EQ(fix_raw(rmp, R).lo, lo);
	ASSERT_EQ(fix_raw(rmp, R).hi, (HI_VMPL(1, 0x3) | HI_VMPL(2, 0x1)));
	/* VMPL0 sets it; VMPL1 asking for VMSA = 0 leaves it set. */
	assert_int_equal(adj(rmp, 0, GPA, R, 0, RDX(1, 0x3, true)).rax, RMPSIM_RMPADJUST_OK);
	ASSERT_EQ(fix_raw(rmp, R).lo, (lo | LO_VMSA));
	assert_int_equal(adj(rmp, 1, GPA, R, 0, RDX(2, 0x1, false)).rax, RMPSIM_RMPADJUST_OK);
	ASSERT_EQ(fix_raw(rmp, R).lo, (lo | LO_VMSA));
	/* Ignored means ignored: VMPL1's VMSA bit on a 2 MB request is no operand error (A33 at VMPL0 only). */
	assert_int_equal(fix_update(rmp, R + SZ_2M, 1, 1, GPA + SZ_2M, ASID), RMPSIM_RMPUPDATE_OK);
	fix_set_raw(rmp, R + SZ_2M, LO_ASSIGNED | LO_2M | LO_GPA(GPA + SZ_2M) | LO_ASID(ASID) | LO_VALIDATED,
		    HI_VMPL(1, 0x3));
	assert_int_equal(adj(rmp, 1, GPA + SZ_2M, R + SZ_2M, 1, RDX(2, 0x1, true)).rax, RMPSIM_RMPADJUST_OK);
	assert_int_equal(adj(rmp, 0, GPA + SZ_2M, R + SZ_2M, 1, RDX(2, 0x1, true)).rax,
			 RMPSIM_RMPADJUST_FAIL_INPUT);
	rmpsim_rmp_destroy(rmp);
}

/* covers: A33, spec 3.4, A32, A35 */
static void failures_and_faults(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);

	fix_set_raw(rmp, R, LO_ASSIGNED | LO_GPA(GPA) | LO_ASID(ASID), 0); /* not validated */
	assert_int_equal(adj(rmp, 0, GPA, R, 2, RDX(1, 1, false)).rax, RMPSIM_RMPADJUST_FAIL_INPUT);
	assert_int_equal(adj(rmp, 0, GPA, R, 0, RDX(4, 1, false)).rax, RMPSIM_RMPADJUST_FAIL_INPUT);
	assert_int_equal(adj(rmp, 0, GPA, R, 0, RDX(1, 0x20, false)).rax, RMPSIM_RMPADJUST_FAIL_INPUT);
	assert_int_equal(adj(rmp, 0, GPA, R, 0, RDX(1, 1, false) | (1ull << 17)).rax,
			 RMPSIM_RMPADJUST_FAIL_INPUT);
	assert_int_equal(adj(rmp, 0, GPA + SZ_4K, R, 1, RDX(1, 1, false)).rax, RMPSIM_RMPADJUST_FAIL_INPUT);
	assert_int_equal(adj(rmp, 0, GPA, R, 1, RDX(1, 0, true)).rax, RMPSIM_RMPADJUST_FAIL_INPUT);
	/* A32: not validated -> #VC. */
	assert_int_equal(adj(rmp, 0, GPA, R, 0, RDX(1, 1, false)).fault, RMPSIM_FAULT_VC);
	/* 2 MB request over 4K entries (spec 3.4). */
	assert_int_equal(adj(rmp, 0, GPA, R, 1, RDX(1, 1, false)).rax, RMPSIM_RMPADJUST_FAIL_SIZEMISMATCH);
	/* Another guest's page: NPF. */
	struct rmpsim_insn_out r = adj(rmp, 0, GPA, R + SZ_4K, 0, RDX(1, 1, false));
	assert_int_equal(r.fault, RMPSIM_FAULT_NPF);
	assert_true(r.error_code & (1ull << 31));
	/*
	 * A35: 4K inside a 2 MB entry -> SIZEM, the bits AMD logged for the same
	 * mismatch on PVALIDATE: 0xc80000005 (kvm list, 2022-10-13; A36).
	 */
	assert_int_equal(fix_update(rmp, R + SZ_2M, 1, 1, GPA, ASID), RMPSIM_RMPUPDATE_OK);
	fix_set_raw(rmp, R + SZ_2M, LO_ASSIGNED | LO_2M | LO_GPA(GPA) | LO_ASID(ASID) | LO_VALIDATED, 0);
	r = adj(rmp, 0, GPA + SZ_4K, R + SZ_2M + SZ_4K, 0, RDX(1, 1, false));
	assert_int_equal(r.fault, RMPSIM_FAULT_NPF);
	ASSERT_EQ(r.error_code, 0xc80000005ull);
	assert_int_equal(adj(rmp, 0, GPA, R + SZ_2M, 1, RDX(1, 1, false)).rax, RMPSIM_RMPADJUST_OK);
	ASSERT_EQ(fix_raw(rmp, R + SZ_2M).hi, HI_VMPL(1, 1));
	/* A31: no RMP entry. */
	assert_int_equal(adj(rmp, 0, GPA, FIX_COVER, 0, RDX(1, 1, false)).fault, RMPSIM_FAULT_NPF);
	rmpsim_rmp_destroy(rmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grants_and_vmsa),
		cmocka_unit_test(failures_and_faults),
		cmocka_unit_test(vmsa_only_at_vmpl0),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
