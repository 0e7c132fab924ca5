/* SPDX-License-Identifier: MIT */
/*
 * RMPQUERY as Microsoft documents its __rmpquery intrinsic: guest VA + target
 * VMPL -> target_perm_mask, vmsa, page_size; codes 0 and 2 ("the current ASID
 * isn't zero, or the RMP entry is immutable").
 */
#include "insn_fixture.h"
#include "assert_eq.h"

#define ASID 13u
#define R    (16 * SZ_2M)
#define GPA  (0x20000000ull)

static struct rmpsim_insn_out q(const struct rmpsim_rmp *rmp, uint8_t vmpl, uint64_t gpa, uint64_t spa,
				unsigned target)
{
	struct rmpsim_guest_ctx ctx = { ASID, vmpl };
	struct rmpsim_insn_out r;

	assert_int_equal(rmpsim_insn_rmpquery(rmp, &ctx, gpa, spa, target, &r), 0);
	return r;
}

/* covers: A37, spec 3.4 */
static void reports_the_target_vmpl(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);

	fix_set_raw(rmp, R, LO_ASSIGNED | LO_GPA(GPA) | LO_ASID(ASID) | LO_VALIDATED | LO_VMSA,
		    HI_VMPL(1, 0x3) | HI_VMPL(3, 0x9));
	struct rmpsim_insn_out r = q(rmp, 1, GPA, R, 3);
	assert_int_equal(r.fault, RMPSIM_FAULT_NONE);
	assert_int_equal(r.rax, 0);
	assert_int_equal(r.rmpquery.target_perm_mask, 0x9);
	assert_true(r.rmpquery.vmsa);
	assert_int_equal(r.rmpquery.page_size, RMPSIM_PAGE_4K);
	assert_int_equal(q(rmp, 0, GPA, R, 1).rmpquery.target_perm_mask, 0x3);
	assert_int_equal(q(rmp, 0, GPA, R, 2).rmpquery.target_perm_mask, 0);
	/* VMPL0 holds every permission whatever its byte says (spec 3.4). */
	assert_int_equal(q(rmp, 0, GPA, R, 0).rmpquery.target_perm_mask, RMPSIM_PERM_ALL);
	/* A 2 MB page: page_size 2M, read through any of its 4K pages. */
	assert_int_equal(fix_update(rmp, R + SZ_2M, 1, 1, GPA + SZ_2M, ASID), RMPSIM_RMPUPDATE_OK);
	r = q(rmp, 0, GPA + SZ_2M + 7 * SZ_4K, R + SZ_2M + 7 * SZ_4K, 1);
	assert_int_equal(r.rax, 0);
	assert_int_equal(r.rmpquery.page_size, RMPSIM_PAGE_2M);
	assert_false(r.rmpquery.vmsa);
	/* Reads only: nothing changed. */
	ASSERT_EQ(fix_raw(rmp, R).hi, (HI_VMPL(1, 0x3) | HI_VMPL(3, 0x9)));
	rmpsim_rmp_destroy(rmp);
}

/* covers: A37, A36, A31 */
static void codes_and_faults(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);

	/* Microsoft __rmpquery: 2 = "... or the RMP entry is immutable". */
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_IMMUTABLE | LO_GPA(GPA) | LO_ASID(ASID), 0);
	assert_int_equal(q(rmp, 0, GPA, R, 1).rax, 2);
	/* A37: a target VMPL beyond 3 is code 2 too (no code 1 is documented). */
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_GPA(GPA) | LO_ASID(ASID), 0);
	assert_int_equal(q(rmp, 0, GPA, R, 4).rax, 2);
	assert_int_equal(q(rmp, 0, GPA, R, 1).rax, 0);
	/* Not the caller's page at this GPA, or no RMP entry: the guest instruction #NPF (A36). */
	struct rmpsim_insn_out r = q(rmp, 0, GPA + SZ_4K, R, 1);
	assert_int_equal(r.fault, RMPSIM_FAULT_NPF);
	ASSERT_EQ(r.error_code, (0xc80000005ull & ~(1ull << 35)));
	assert_int_equal(q(rmp, 0, GPA, R + SZ_4K, 1).fault, RMPSIM_FAULT_NPF);
	assert_int_equal(q(rmp, 0, GPA, FIX_COVER, 1).fault, RMPSIM_FAULT_NPF);
	struct rmpsim_guest_ctx bad = { ASID, 4 };
	assert_int_equal(rmpsim_insn_rmpquery(rmp, &bad, GPA, R, 1, &r), -EINVAL);
	assert_int_equal(rmpsim_insn_rmpquery(NULL, &bad, GPA, R, 1, &r), -EINVAL);
	rmpsim_rmp_destroy(rmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reports_the_target_vmpl),
		cmocka_unit_test(codes_and_faults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
