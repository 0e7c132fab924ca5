/* SPDX-License-Identifier: MIT */
/* PSMASH (spec 3.2): the split, and the codes Microsoft's __psmash documents (A28). */
#include "insn_fixture.h"
#include "assert_eq.h"

#define ASID 9u
#define R    (6 * SZ_2M)

/* covers: spec 3.2, A25, A27 */
static void splits_keeping_attributes(void **state)
{
	(void)state;
	for (int b = 0; b < 2; b++) {
		struct rmpsim_rmp *rmp = fix_table(b ? RMPSIM_RMP_SPARSE : RMPSIM_RMP_DENSE);
		struct rmpsim_rmp_state s = fix_state(1, RMPSIM_PAGE_2M, 0x80000000, ASID);
		uint64_t hi = HI_VMPL(1, 0x5) | HI_VMPL(2, 0x1);
		struct rmpsim_rmp_change c;

		/* A 2 MB guest page made by RMPUPDATE (sub-entries assigned, ASID 0), then attributes by hand. */
		assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_OK);
		uint64_t lo = LO_ASSIGNED | LO_2M | LO_GPA(0x80000000) | LO_ASID(ASID) | LO_VALIDATED;
		fix_set_raw(rmp, R, lo, hi);
		assert_int_equal(fix_psmash(rmp, R, &c), RMPSIM_PSMASH_OK);
		for (unsigned i = 0; i < 512; i++) {
			struct rmpsim_raw_entry raw = fix_raw(rmp, R + i * SZ_4K);
			ASSERT_EQ((raw.lo & ~LO_SUBPAGE_MASK), (LO_ASSIGNED | LO_GPA(0x80000000 + i * SZ_4K) |
								LO_ASID(ASID) | LO_VALIDATED));
			ASSERT_EQ(raw.hi, hi);
		}
		assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, R), 512);
		/* A27: the sub-entries were assigned already: nothing became assigned. */
		assert_true(c.changed && !c.assigned && c.spa == R && c.bytes == SZ_2M);
		/*
		 * Now 4K entries: nothing to expand. AMD's debug log (kvm list,
		 * 2022-10-13, 087931d7-4639-afde-fce3-bf916201ec3e@amd.com) shows
		 * "psmash failed ... rc 7" for a 4K entry; Microsoft's __psmash: 7 =
		 * "the page doesn't meet the requirements for expansion".
		 */
		assert_int_equal(fix_psmash(rmp, R, &c), 7);
		assert_false(c.changed);
		rmpsim_rmp_destroy(rmp);
	}
}

/* covers: spec 3.2, A28 */
static void failure_codes(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);
	struct rmpsim_rmp_change c;

	/* Microsoft __psmash: 1 = "an input parameter is invalid" (misaligned, A28: uncovered). */
	assert_int_equal(fix_psmash(rmp, R + SZ_4K, &c), 1);
	assert_int_equal(fix_psmash(rmp, FIX_COVER, &c), 1);
	assert_int_equal(fix_psmash(rmp, FIX_COVER + SZ_4K, &c), 1);
	/* Microsoft __psmash 7, AMD's "rc 7" log: not an assigned 2 MB entry. */
	assert_int_equal(fix_psmash(rmp, R, &c), 7); /* zero entry */
	fix_set_raw(rmp, R, LO_2M, 0);		     /* hypervisor 2M */
	assert_int_equal(fix_psmash(rmp, R, &c), 7);
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_ASID(ASID), 0); /* assigned 4K head */
	assert_int_equal(fix_psmash(rmp, R, &c), 7);
	/* A28: immutable is not expandable either (code 2 is only "ASID isn't zero"). */
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_2M | LO_IMMUTABLE, 0);
	assert_int_equal(fix_psmash(rmp, R, &c), 7);
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_2M | LO_IMMUTABLE | LO_LOCK, 0);
	assert_int_equal(fix_psmash(rmp, R, &c), 7);
	/* Microsoft __psmash 3: "another processor is modifying the same RMP entry" (the lock bit, A28). */
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_2M | LO_LOCK | LO_ASID(ASID), 0);
	assert_int_equal(fix_psmash(rmp, R, &c), 3);
	assert_false(c.changed);
	ASSERT_EQ((fix_raw(rmp, R).lo & ~LO_SUBPAGE_MASK), (LO_ASSIGNED | LO_2M | LO_LOCK | LO_ASID(ASID)));
	/* No code 4 anywhere in the public record: no input gives it. */
	for (uint64_t spa = 0; spa < 8 * SZ_2M; spa += SZ_2M / 4)
		assert_int_not_equal(fix_psmash(rmp, spa, &c), 4);
	rmpsim_rmp_destroy(rmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(splits_keeping_attributes),
		cmocka_unit_test(failure_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
