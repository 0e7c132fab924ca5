/* SPDX-License-Identifier: MIT */
/* PSMASH (spec 3.2): the split and codes 1..4 with their triggers (A28). */
#include "insn_fixture.h"

#define ASID 9u
#define R    (6 * SZ_2M)

/* covers: spec 3.2, A27 */
static void splits_keeping_attributes(void **state)
{
	(void)state;
	for (int b = 0; b < 2; b++) {
		struct rmpsim_rmp *rmp = fix_table(b ? RMPSIM_RMP_SPARSE : RMPSIM_RMP_DENSE);
		uint64_t lo = LO_ASSIGNED | LO_2M | LO_GPA(0x80000000) | LO_ASID(ASID) | LO_VALIDATED;
		uint64_t hi = HI_VMPL(1, 0x5) | HI_VMPL(2, 0x1);
		struct rmpsim_rmp_change c;

		fix_set_raw(rmp, R, lo, hi);
		assert_int_equal(rmpsim_insn_psmash(rmp, R, &c), RMPSIM_PSMASH_OK);
		for (unsigned i = 0; i < 512; i++) {
			struct rmpsim_raw_entry raw = fix_raw(rmp, R + i * SZ_4K);
			assert_true((raw.lo & ~LO_SUBPAGE_MASK) ==
				    (LO_ASSIGNED | LO_GPA(0x80000000 + i * SZ_4K) | LO_ASID(ASID) |
				     LO_VALIDATED));
			assert_true(raw.hi == hi);
		}
		assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, R), 512);
		assert_true(c.changed && c.assigned && c.spa == R && c.bytes == SZ_2M);
		/* Now 4K entries: a second PSMASH has nothing to split. */
		assert_int_equal(rmpsim_insn_psmash(rmp, R, &c), RMPSIM_PSMASH_FAIL_INPUT);
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

	assert_int_equal(rmpsim_insn_psmash(rmp, R + SZ_4K, &c), RMPSIM_PSMASH_FAIL_INPUT); /* spec 3.2 */
	assert_int_equal(rmpsim_insn_psmash(rmp, FIX_COVER, &c), RMPSIM_PSMASH_FAIL_BADADDR);
	assert_int_equal(rmpsim_insn_psmash(rmp, FIX_COVER + SZ_4K, &c), RMPSIM_PSMASH_FAIL_INPUT);
	assert_int_equal(rmpsim_insn_psmash(rmp, R, &c), RMPSIM_PSMASH_FAIL_INPUT); /* zero entry */
	fix_set_raw(rmp, R, LO_2M, 0);						    /* hypervisor 2M */
	assert_int_equal(rmpsim_insn_psmash(rmp, R, &c), RMPSIM_PSMASH_FAIL_INPUT);
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_ASID(ASID), 0); /* assigned 4K head */
	assert_int_equal(rmpsim_insn_psmash(rmp, R, &c), RMPSIM_PSMASH_FAIL_INPUT);
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_2M | LO_IMMUTABLE, 0);
	assert_int_equal(rmpsim_insn_psmash(rmp, R, &c), RMPSIM_PSMASH_FAIL_PERMISSION);
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_2M | LO_IMMUTABLE | LO_LOCK, 0);
	assert_int_equal(rmpsim_insn_psmash(rmp, R, &c), RMPSIM_PSMASH_FAIL_PERMISSION);
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_2M | LO_LOCK | LO_ASID(ASID), 0);
	assert_int_equal(rmpsim_insn_psmash(rmp, R, &c), RMPSIM_PSMASH_FAIL_INUSE);
	/* A region in transition: an assigned 4K entry under an assigned 2 MB head. */
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_2M | LO_ASID(ASID), 0);
	fix_set_raw(rmp, R + 5 * SZ_4K, LO_ASSIGNED | LO_ASID(ASID), 0);
	assert_int_equal(rmpsim_insn_psmash(rmp, R, &c), RMPSIM_PSMASH_FAIL_INUSE);
	assert_false(c.changed);
	assert_true((fix_raw(rmp, R).lo & ~LO_SUBPAGE_MASK) == (LO_ASSIGNED | LO_2M | LO_ASID(ASID)));
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
