/* SPDX-License-Identifier: MIT */
/* RMP checks on hypervisor and guest accesses (spec 3.5). */
#include "insn_fixture.h"
#include "assert_eq.h"

#define ASID	     13u
#define R	     (20 * SZ_2M)
#define GPA	     (0x7000000ull)
#define PF_RMP_WRITE ((1u << 31) | (1u << 1) | (1u << 0))

static struct rmpsim_insn_out hv(const struct rmpsim_rmp *rmp, uint64_t spa, uint64_t size, unsigned flags)
{
	struct rmpsim_insn_out r;

	assert_int_equal(rmpsim_insn_hv_access(rmp, spa, size, flags, &r), 0);
	return r;
}

/* covers: spec 3.5, A34 */
static void hypervisor_writes(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);
	const unsigned W = RMPSIM_ACCESS_WRITE;

	fix_set_raw(rmp, R + 100 * SZ_4K, LO_ASSIGNED | LO_ASID(ASID), 0);
	/* The private page itself, through any mapping. */
	struct rmpsim_insn_out r = hv(rmp, R + 100 * SZ_4K, SZ_4K, W);
	assert_true(r.fault);
	ASSERT_EQ(r.error_code, PF_RMP_WRITE);
	assert_true(hv(rmp, R + 100 * SZ_4K + 8, SZ_2M, W).fault);
	/* Its neighbour: fine through 4K, not through 2M or 1G (spec 3.5 rule 2, A34). */
	assert_false(hv(rmp, R + 101 * SZ_4K, SZ_4K, W).fault);
	assert_true(hv(rmp, R + 101 * SZ_4K, SZ_2M, W).fault);
	assert_true(hv(rmp, R + 101 * SZ_4K, SZ_1G, W).fault);
	/* A 1 GB mapping is checked as the 2 MB region holding the address (A34). */
	assert_false(hv(rmp, R + SZ_2M, SZ_1G, W).fault);
	/* Reads are never checked (spec 3.5). */
	assert_false(hv(rmp, R + 100 * SZ_4K, SZ_4K, 0).fault);
	/* User writes carry the user bit. */
	ASSERT_EQ(hv(rmp, R + 100 * SZ_4K, SZ_4K, W | RMPSIM_ACCESS_USER).error_code,
		  (PF_RMP_WRITE | (1u << 2)));
	/* Inside an assigned 2 MB page, even where the 4K entry is zero. */
	fix_set_raw(rmp, R + SZ_2M, LO_ASSIGNED | LO_2M | LO_ASID(ASID), 0);
	assert_true(hv(rmp, R + SZ_2M + 77 * SZ_4K, SZ_4K, W).fault);
	/* A34: an SPA without an RMP entry is not checked. */
	assert_false(hv(rmp, FIX_COVER + SZ_4K, SZ_4K, W).fault);
	/* A34: HV_FIXED (immutable, unassigned) is writable unless the switch says otherwise. */
	fix_set_raw(rmp, R + 2 * SZ_2M + 5 * SZ_4K, LO_IMMUTABLE, 0);
	assert_false(hv(rmp, R + 2 * SZ_2M + 5 * SZ_4K, SZ_4K, W).fault);
	assert_false(hv(rmp, R + 2 * SZ_2M, SZ_2M, W).fault);
	assert_true(hv(rmp, R + 2 * SZ_2M + 5 * SZ_4K, SZ_4K, W | RMPSIM_ACCESS_IMMUTABLE_FAULTS).fault);
	assert_true(hv(rmp, R + 2 * SZ_2M, SZ_2M, W | RMPSIM_ACCESS_IMMUTABLE_FAULTS).fault);
	assert_false(hv(rmp, R + 2 * SZ_2M + 6 * SZ_4K, SZ_4K, W | RMPSIM_ACCESS_IMMUTABLE_FAULTS).fault);
	struct rmpsim_insn_out x;
	assert_int_equal(rmpsim_insn_hv_access(rmp, R, 8192, W, &x), -EINVAL);
	rmpsim_rmp_destroy(rmp);
}

static struct rmpsim_insn_out ga(const struct rmpsim_rmp *rmp, uint8_t vmpl, uint64_t gpa, uint64_t spa,
				 uint64_t npt, unsigned flags)
{
	struct rmpsim_guest_ctx ctx = { ASID, vmpl };
	struct rmpsim_insn_out r;

	assert_int_equal(rmpsim_insn_guest_access(rmp, &ctx, gpa, spa, npt, flags, &r), 0);
	return r;
}

/* covers: spec 3.5, A32, A35, A36 */
static void guest_accesses(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);
	const unsigned P = RMPSIM_ACCESS_PRIVATE, W = RMPSIM_ACCESS_WRITE;
	/* PRESENT | USER | RMP | FINAL: USER on every nested fault (A36: nested paging treats guest accesses as user). */
	const uint64_t base = (1ull << 0) | (1ull << 2) | (1ull << 31) | (1ull << 32);

	fix_set_raw(rmp, R, LO_ASSIGNED | LO_GPA(GPA) | LO_ASID(ASID) | LO_VALIDATED, HI_VMPL(1, 0x1));
	assert_int_equal(ga(rmp, 0, GPA, R, SZ_4K, P | W).fault, RMPSIM_FAULT_NONE);
	/* VMPL1 may read, not write (spec 3.5). */
	assert_int_equal(ga(rmp, 1, GPA, R, SZ_4K, P).fault, RMPSIM_FAULT_NONE);
	struct rmpsim_insn_out r = ga(rmp, 1, GPA, R, SZ_4K, P | W);
	assert_int_equal(r.fault, RMPSIM_FAULT_NPF);
	ASSERT_EQ(r.error_code, (base | (1ull << 1) | (1ull << 34) | (1ull << 36)));
	assert_int_equal(ga(rmp, 1, GPA, R, SZ_4K, P | RMPSIM_ACCESS_EXEC).fault, RMPSIM_FAULT_NPF);
	/* Wrong GPA: RMP | ENC. */
	r = ga(rmp, 0, GPA + SZ_4K, R, SZ_4K, P);
	ASSERT_EQ(r.error_code, (base | (1ull << 34)));
	/* A shared access to a private page: RMP without ENC. */
	r = ga(rmp, 0, GPA, R, SZ_4K, 0);
	ASSERT_EQ(r.error_code, base);
	/* A shared access through a 2 MB NPT leaf to a neighbour also faults (A35). */
	assert_int_equal(ga(rmp, 0, GPA, R + SZ_4K, SZ_4K, 0).fault, RMPSIM_FAULT_NONE);
	assert_int_equal(ga(rmp, 0, GPA, R + SZ_4K, SZ_2M, 0).fault, RMPSIM_FAULT_NPF);
	/*
	 * A private 2 MB NPT leaf over 4K RMP entries: a fault, without SIZEM.
	 * AMD (kvm list, 2022-10-13): SIZEM "is only set when PVALIDATE or
	 * RMPADJUST fails" (A36).
	 */
	r = ga(rmp, 0, GPA, R, SZ_2M, P);
	assert_int_equal(r.fault, RMPSIM_FAULT_NPF);
	ASSERT_EQ(r.error_code, (base | (1ull << 34)));
	/* Not validated: #VC (A32). */
	fix_set_raw(rmp, R + SZ_4K, LO_ASSIGNED | LO_GPA(GPA + SZ_4K) | LO_ASID(ASID), 0);
	r = ga(rmp, 0, GPA + SZ_4K, R + SZ_4K, SZ_4K, P);
	assert_int_equal(r.fault, RMPSIM_FAULT_VC);
	assert_int_equal(r.error_code, 0x404);
	/* 2 MB RMP page: a 1 GB NPT leaf counts as 2 MB; a 4K leaf faults, without SIZEM (A35, A36). */
	fix_set_raw(rmp, R + SZ_2M, LO_ASSIGNED | LO_2M | LO_GPA(0x40000000) | LO_ASID(ASID) | LO_VALIDATED,
		    0);
	assert_int_equal(ga(rmp, 0, 0x40000000 + 9 * SZ_4K, R + SZ_2M + 9 * SZ_4K, SZ_1G, P).fault,
			 RMPSIM_FAULT_NONE);
	r = ga(rmp, 0, 0x40000000 + 9 * SZ_4K, R + SZ_2M + 9 * SZ_4K, SZ_4K, P);
	assert_int_equal(r.fault, RMPSIM_FAULT_NPF);
	ASSERT_EQ(r.error_code, (base | (1ull << 34)));
	/* No RMP entry: shared fine, private faults (A35). */
	assert_int_equal(ga(rmp, 0, GPA, FIX_COVER, SZ_4K, 0).fault, RMPSIM_FAULT_NONE);
	assert_int_equal(ga(rmp, 0, GPA, FIX_COVER, SZ_4K, P).fault, RMPSIM_FAULT_NPF);
	rmpsim_rmp_destroy(rmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hypervisor_writes),
		cmocka_unit_test(guest_accesses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
