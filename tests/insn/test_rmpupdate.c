/* SPDX-License-Identifier: MIT */
/* RMPUPDATE (spec 3.1): every return code, the 2M rules, A26 and the change record. */
#include "insn_fixture.h"
#include "failing_alloc.h"
#include "assert_eq.h"

#define ASID 5u
#define R    (4 * SZ_2M) /* a 2 MB region in the middle of the table */

/* covers: spec 3.1, A27 */
static void assign_4k_writes_the_entry(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);
	struct rmpsim_rmp_state s = fix_state(1, RMPSIM_PAGE_4K, 0x7000, ASID);
	struct rmpsim_rmp_change c;

	assert_int_equal(fix_rmpupdate(rmp, R + 3 * SZ_4K, &s, &c), RMPSIM_RMPUPDATE_OK);
	struct rmpsim_raw_entry raw = fix_raw(rmp, R + 3 * SZ_4K);
	ASSERT_EQ(raw.lo, (LO_ASSIGNED | LO_GPA(0x7000) | LO_ASID(ASID)));
	ASSERT_EQ(raw.hi, 0);
	assert_true(c.changed && c.assigned);
	assert_true(c.spa == R + 3 * SZ_4K && c.bytes == SZ_4K);
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, R), 1);

	/* The same update again changes nothing and assigns nothing (A27). */
	assert_int_equal(fix_rmpupdate(rmp, R + 3 * SZ_4K, &s, &c), RMPSIM_RMPUPDATE_OK);
	assert_false(c.changed);
	assert_false(c.assigned);
	ASSERT_EQ(c.bytes, 0);

	/* Back to the hypervisor: every field zero, gpa and asid dropped (A21). */
	s = fix_state(0, RMPSIM_PAGE_4K, 0x7000, ASID);
	assert_int_equal(fix_rmpupdate(rmp, R + 3 * SZ_4K, &s, &c), RMPSIM_RMPUPDATE_OK);
	raw = fix_raw(rmp, R + 3 * SZ_4K);
	assert_true(raw.lo == 0 && raw.hi == 0);
	assert_true(c.changed);
	assert_false(c.assigned);
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, R), 0);
	rmpsim_rmp_destroy(rmp);
}

/*
 * AMD-ASPFW sev_mcmd.c (SNP_DBG_DECRYPT): "Subpage[1 to 511] in a 2M page.
 * page_size=4K and asid=0", assigned (its UNSMASH sets assigned = 1, asid = 0
 * on them); Linux's snp_lookup_rmpentry() reads assigned from them.
 */
/* covers: spec 3.1, A25 */
static void assign_2m_writes_head_and_sub_entries(void **state)
{
	(void)state;
	for (int b = 0; b < 2; b++) {
		struct rmpsim_rmp *rmp = fix_table(b ? RMPSIM_RMP_SPARSE : RMPSIM_RMP_DENSE);
		struct rmpsim_rmp_state s = fix_state(1, RMPSIM_PAGE_2M, 0x40000000, ASID);
		struct rmpsim_rmp_change c;

		assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_OK);
		/* The head: the page's state, and sub-page count 0 (the firmware's UNSMASH leaves 0). */
		ASSERT_EQ(fix_raw(rmp, R).lo, (LO_ASSIGNED | LO_2M | LO_GPA(0x40000000) | LO_ASID(ASID)));
		for (unsigned i = 1; i < 512; i++) {
			struct rmpsim_raw_entry raw = fix_raw(rmp, R + i * SZ_4K);
			assert_true(raw.lo == LO_ASSIGNED && raw.hi == 0); /* assigned, ASID 0, 4K */
		}
		assert_true(c.changed && c.assigned && c.spa == R && c.bytes == SZ_2M);
		assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, R), 512);
		assert_true(rmpsim_rmp_2m_head_assigned(rmp, R));
		assert_int_equal(rmpsim_rmp_1g_first_busy_slot(rmp, R), 4);
		/* The same update again writes the same bytes: nothing changed. */
		assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_OK);
		assert_false(c.changed);

		/* 2M private -> 2M shared is not an overlap; the sub-entries go back to zero. */
		s = fix_state(0, RMPSIM_PAGE_2M, 0, 0);
		assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_OK);
		ASSERT_EQ(fix_raw(rmp, R).lo, LO_2M);
		for (unsigned i = 1; i < 512; i += 17)
			ASSERT_EQ(fix_raw(rmp, R + i * SZ_4K).lo, 0);
		assert_true(rmpsim_rmp_1g_is_free(rmp, R));
		assert_true(c.changed && !c.assigned);
		rmpsim_rmp_destroy(rmp);
	}
}

/* covers: spec 3.1, A25 */
static void immutable_anywhere_in_2m_refuses(void **state)
{
	(void)state;
	for (int b = 0; b < 2; b++) {
		struct rmpsim_rmp *rmp = fix_table(b ? RMPSIM_RMP_SPARSE : RMPSIM_RMP_DENSE);

		/*
		 * An HV_FIXED 4K page (0x4, AMD-ASPFW sev_rmp.c RMP_ENTRY_VAL_HV_FIXED)
		 * inside the region: a 2 MB page over it would swallow it. Microsoft
		 * __rmpupdate: 2 = "the RMP entry is immutable".
		 */
		fix_set_raw(rmp, R + 300 * SZ_4K, LO_IMMUTABLE, 0);
		assert_int_equal(fix_update(rmp, R, 1, 1, 0x200000, ASID), RMPSIM_RMPUPDATE_FAIL_PERMISSION);
		assert_int_equal(fix_update(rmp, R, 0, 1, 0, 0), RMPSIM_RMPUPDATE_FAIL_PERMISSION);
		ASSERT_EQ(fix_raw(rmp, R).lo, 0);
		/* A locked sub-entry: "another processor is modifying the same RMP entry" (A23). */
		fix_set_raw(rmp, R + 300 * SZ_4K, 0, 0);
		fix_set_raw(rmp, R + 511 * SZ_4K, LO_LOCK, 0);
		assert_int_equal(fix_update(rmp, R, 1, 1, 0x200000, ASID), RMPSIM_RMPUPDATE_FAIL_INUSE);
		fix_set_raw(rmp, R + 511 * SZ_4K, 0, 0);
		assert_int_equal(fix_update(rmp, R, 1, 1, 0x200000, ASID), RMPSIM_RMPUPDATE_OK);
		rmpsim_rmp_destroy(rmp);
	}
}

/* covers: A21 */
static void bad_operands_fail_input(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);
	struct rmpsim_rmp_state s;
	struct rmpsim_rmp_change c;

	s = fix_state(1, 2, 0, ASID); /* pagesize 2 */
	assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_FAIL_INPUT);
	s = fix_state(2, 0, 0, ASID); /* assigned 2 */
	assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_FAIL_INPUT);
	s = fix_state(1, 0, 0, ASID);
	s.rsvd = 1;
	assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_FAIL_INPUT);
	s = fix_state(1, 0, 0, ASID);
	s.immutable = 2;
	assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_FAIL_INPUT);
	s = fix_state(1, 0, 0, 1024); /* ASID has 10 bits */
	assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_FAIL_INPUT);
	s = fix_state(1, 0, 0, 1023);
	assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_OK);
	s = fix_state(1, 0, 0x1001, ASID); /* GPA not 4K aligned */
	assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_FAIL_INPUT);
	s = fix_state(1, 1, 0x1000, ASID); /* 2M page at a 4K-aligned GPA */
	assert_int_equal(fix_rmpupdate(rmp, R + SZ_2M, &s, &c), RMPSIM_RMPUPDATE_FAIL_INPUT);
	s = fix_state(1, 0, 1ull << 51, ASID); /* GPA beyond 51 bits */
	assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_FAIL_INPUT);
	s = fix_state(1, 0, (1ull << 51) - SZ_4K, ASID); /* the last GPA fits */
	assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_OK);
	s = fix_state(0, 0, 0, 0);
	s.immutable = 1; /* the hypervisor cannot make HV_FIXED pages */
	assert_int_equal(fix_rmpupdate(rmp, R + SZ_4K, &s, &c), RMPSIM_RMPUPDATE_FAIL_INPUT);
	assert_false(c.changed);
	rmpsim_rmp_destroy(rmp);
}

/* covers: spec 3.1, A22, A20 */
static void misaligned_or_uncovered_spa_fails_input(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);

	assert_int_equal(fix_update(rmp, R + SZ_4K, 1, 1, 0, ASID),
			 RMPSIM_RMPUPDATE_FAIL_INPUT); /* spec 3.1 */
	assert_int_equal(fix_update(rmp, R + 0x10, 1, 0, 0, ASID), RMPSIM_RMPUPDATE_FAIL_INPUT);  /* A22 */
	assert_int_equal(fix_update(rmp, FIX_COVER, 1, 0, 0, ASID), RMPSIM_RMPUPDATE_FAIL_INPUT); /* A20 */
	assert_int_equal(fix_update(rmp, FIX_COVER, 1, 1, 0, ASID), RMPSIM_RMPUPDATE_FAIL_INPUT); /* A20 */
	assert_int_equal(fix_update(rmp, UINT64_MAX & ~0xfffull, 1, 0, 0, ASID), RMPSIM_RMPUPDATE_FAIL_INPUT);
	assert_int_equal(fix_update(rmp, FIX_COVER - SZ_4K, 1, 0, 0, ASID), RMPSIM_RMPUPDATE_OK);
	assert_int_equal(fix_update(rmp, FIX_COVER - SZ_2M, 1, 1, 0, ASID), RMPSIM_RMPUPDATE_FAIL_OVERLAP);
	rmpsim_rmp_destroy(rmp);
}

/* covers: spec 3.1, A23, A39 (precedence) */
static void immutable_and_lock(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);

	fix_set_raw(rmp, R, LO_IMMUTABLE, 0); /* HV_FIXED (spec 2.2) */
	assert_int_equal(fix_update(rmp, R, 1, 0, 0, ASID), RMPSIM_RMPUPDATE_FAIL_PERMISSION);
	ASSERT_EQ(fix_raw(rmp, R).lo, LO_IMMUTABLE);
	fix_set_raw(rmp, R + SZ_4K, LO_LOCK, 0);
	assert_int_equal(fix_update(rmp, R + SZ_4K, 1, 0, 0, ASID), RMPSIM_RMPUPDATE_FAIL_INUSE);
	/* Firmware pages hold lock and immutable: immutable wins (spec 3.1 before A23). */
	fix_set_raw(rmp, R + 2 * SZ_4K, LO_LOCK | LO_IMMUTABLE | LO_ASSIGNED, 0);
	assert_int_equal(fix_update(rmp, R + 2 * SZ_4K, 0, 0, 0, 0), RMPSIM_RMPUPDATE_FAIL_PERMISSION);
	/* A 2 MB update checks its head: immutable there fails (A25). */
	fix_set_raw(rmp, R + SZ_2M, LO_IMMUTABLE, 0);
	assert_int_equal(fix_update(rmp, R + SZ_2M, 1, 1, 0, ASID), RMPSIM_RMPUPDATE_FAIL_PERMISSION);
	/* Operand errors come before the entry's state (A21 before spec 3.1). */
	assert_int_equal(fix_update(rmp, R, 1, 0, 0x10, ASID), RMPSIM_RMPUPDATE_FAIL_INPUT);
	rmpsim_rmp_destroy(rmp);
}

/* covers: A24 */
static void overlap_rules(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);

	/* A 2 MB assign over an assigned 4K page anywhere in the region. */
	assert_int_equal(fix_update(rmp, R + 511 * SZ_4K, 1, 0, 0, ASID), RMPSIM_RMPUPDATE_OK);
	assert_int_equal(fix_update(rmp, R, 1, 1, 0, ASID), RMPSIM_RMPUPDATE_FAIL_OVERLAP);
	/* ... and a 2 MB unassign too. */
	assert_int_equal(fix_update(rmp, R, 0, 1, 0, 0), RMPSIM_RMPUPDATE_FAIL_OVERLAP);
	assert_int_equal(fix_update(rmp, R + 511 * SZ_4K, 0, 0, 0, 0), RMPSIM_RMPUPDATE_OK);
	/* An assigned 4K head is an overlap for a 2 MB update as well. */
	assert_int_equal(fix_update(rmp, R, 1, 0, 0, ASID), RMPSIM_RMPUPDATE_OK);
	assert_int_equal(fix_update(rmp, R, 1, 1, 0, ASID), RMPSIM_RMPUPDATE_FAIL_OVERLAP);
	assert_int_equal(fix_update(rmp, R, 0, 0, 0, 0), RMPSIM_RMPUPDATE_OK);
	assert_int_equal(fix_update(rmp, R, 1, 1, 0, ASID), RMPSIM_RMPUPDATE_OK);
	/* 4K updates inside an assigned 2 MB page, the head included. */
	assert_int_equal(fix_update(rmp, R + SZ_4K, 1, 0, 0, ASID), RMPSIM_RMPUPDATE_FAIL_OVERLAP);
	assert_int_equal(fix_update(rmp, R + SZ_4K, 0, 0, 0, 0), RMPSIM_RMPUPDATE_FAIL_OVERLAP);
	assert_int_equal(fix_update(rmp, R, 0, 0, 0, 0), RMPSIM_RMPUPDATE_FAIL_OVERLAP);
	/* Lock beats overlap (A23 before A24). */
	fix_set_raw(rmp, R + 8 * SZ_4K, LO_LOCK, 0);
	assert_int_equal(fix_update(rmp, R + 8 * SZ_4K, 1, 0, 0, ASID), RMPSIM_RMPUPDATE_FAIL_INUSE);
	/* A hypervisor 2 MB head does not block 4K assigns inside it. */
	assert_int_equal(fix_update(rmp, R + SZ_2M, 0, 1, 0, 0), RMPSIM_RMPUPDATE_OK);
	assert_int_equal(fix_update(rmp, R + SZ_2M + SZ_4K, 1, 0, 0, ASID), RMPSIM_RMPUPDATE_OK);
	rmpsim_rmp_destroy(rmp);
}

/*
 * VeriSMo (source/verismo/src/arch/rmp/access_s.rs: RmpEntry::rmpupdate, which RmpEntry::trans
 * calls): for every shared or guest-owned new state, validated = false, vmsa =
 * false, perms = rmp_perm_init(); the old entry contributes nothing.
 */
/* covers: A26 */
static void validated_and_permissions_reset_rule(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);
	uint64_t hi = HI_VMPL(1, 0x3) | (1ull << 32); /* VMPL1 read+write, implicit_key_select */
	uint64_t lo = LO_ASSIGNED | LO_GPA(0x5000) | LO_ASID(ASID) | LO_VALIDATED | LO_VMSA;
	struct rmpsim_rmp_state s = fix_state(1, 0, 0x5000, ASID);
	struct rmpsim_rmp_change c;

	/* The same state again: validated, vmsa and permissions reset all the same. */
	fix_set_raw(rmp, R, lo, hi);
	assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_OK);
	ASSERT_EQ(fix_raw(rmp, R).lo, (LO_ASSIGNED | LO_GPA(0x5000) | LO_ASID(ASID)));
	ASSERT_EQ(fix_raw(rmp, R).hi, (1ull << 32)); /* A26: the hi fields above the permissions stay */
	assert_true(c.changed && !c.assigned);
	/* A validated guest page cannot be made immutable and stay validated (no firmware-only state). */
	fix_set_raw(rmp, R, lo, hi);
	s.immutable = 1;
	assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_OK);
	ASSERT_EQ(fix_raw(rmp, R).lo, (LO_ASSIGNED | LO_IMMUTABLE | LO_GPA(0x5000) | LO_ASID(ASID)));
	/* A new GPA, ASID, or ASID 0 (a firmware page) resets them too. */
	fix_set_raw(rmp, R, lo, hi);
	assert_int_equal(fix_update(rmp, R, 1, 0, 0x6000, ASID), RMPSIM_RMPUPDATE_OK);
	ASSERT_EQ(fix_raw(rmp, R).lo, (LO_ASSIGNED | LO_GPA(0x6000) | LO_ASID(ASID)));
	fix_set_raw(rmp, R, lo, hi);
	assert_int_equal(fix_update(rmp, R, 1, 0, 0x5000, ASID + 1), RMPSIM_RMPUPDATE_OK);
	ASSERT_EQ(fix_raw(rmp, R).lo, (LO_ASSIGNED | LO_GPA(0x5000) | LO_ASID(ASID + 1)));
	fix_set_raw(rmp, R, LO_ASSIGNED | LO_VALIDATED, hi);
	assert_int_equal(fix_update(rmp, R, 1, 0, 0, 0), RMPSIM_RMPUPDATE_OK);
	ASSERT_EQ(fix_raw(rmp, R).lo, LO_ASSIGNED);
	/* Shared: reset as well. */
	fix_set_raw(rmp, R, LO_VALIDATED | LO_VMSA, hi);
	assert_int_equal(fix_update(rmp, R, 0, 0, 0, 0), RMPSIM_RMPUPDATE_OK);
	assert_true(fix_raw(rmp, R).lo == 0 && fix_raw(rmp, R).hi == (1ull << 32));
	rmpsim_rmp_destroy(rmp);
}

/* covers: A27 */
static void range_matches_sequence_simple(void **state)
{
	(void)state;
	struct rmpsim_rmp *a = fix_table(RMPSIM_RMP_SPARSE);
	struct rmpsim_rmp_state s = fix_state(1, RMPSIM_PAGE_4K, 0x100000, ASID);
	struct rmpsim_rmp_change c;
	uint64_t done = 99;

	/* 1000 pages across three regions, the third holding an immutable page at index 700. */
	fix_set_raw(a, R + 700 * SZ_4K, LO_IMMUTABLE, 0);
	assert_int_equal(fix_rmpupdate_range(a, R + 10 * SZ_4K, 1000, &s, true, &done, &c),
			 RMPSIM_RMPUPDATE_FAIL_PERMISSION);
	assert_int_equal(done, 690);
	assert_true(c.changed && c.assigned && c.spa == R + 10 * SZ_4K && c.bytes == 690 * SZ_4K);
	ASSERT_EQ(fix_raw(a, R + 699 * SZ_4K).lo,
		  (LO_ASSIGNED | LO_GPA(0x100000 + 689 * SZ_4K) | LO_ASID(ASID)));
	ASSERT_EQ(fix_raw(a, R + 701 * SZ_4K).lo, 0);
	assert_int_equal(rmpsim_rmp_2m_assigned_count(a, R), 502);
	assert_int_equal(rmpsim_rmp_2m_assigned_count(a, R + SZ_2M), 188);
	rmpsim_rmp_destroy(a);
}

/* covers: A21 */
static void range_stops_at_gpa_limit(void **state)
{
	(void)state;
	struct rmpsim_rmp *a = fix_table(RMPSIM_RMP_DENSE);
	struct rmpsim_rmp_state s = fix_state(1, RMPSIM_PAGE_4K, (1ull << 51) - 3 * SZ_4K, ASID);
	uint64_t done = 0;

	assert_int_equal(fix_rmpupdate_range(a, R, 10, &s, true, &done, NULL), RMPSIM_RMPUPDATE_FAIL_INPUT);
	assert_int_equal(done, 3);
	/* Without the step every page has the same GPA and all succeed. */
	assert_int_equal(fix_rmpupdate_range(a, R, 10, &s, false, &done, NULL), RMPSIM_RMPUPDATE_OK);
	assert_int_equal(done, 10);
	rmpsim_rmp_destroy(a);
}

static void enomem_changes_nothing(void **state)
{
	(void)state;
	struct failing_alloc fa;

	failing_alloc_init(&fa, -1);
	struct rmpsim_rmp *rmp = fix_table_alloc(RMPSIM_RMP_SPARSE, &fa.alloc);
	fa.budget = 0;
	struct rmpsim_rmp_state s = fix_state(1, RMPSIM_PAGE_4K, 0, ASID);
	struct rmpsim_rmp_change c = { true, true, 1, 1 };
	struct rmpsim_insn_out o = { .rax = 77 };
	/* The simulator's failure is -ENOMEM, never an architectural code (insn.h). */
	assert_int_equal(rmpsim_insn_rmpupdate(rmp, R, &s, &o), -ENOMEM);
	assert_int_equal(o.rax, 77); /* untouched on failure */
	ASSERT_EQ(fix_raw(rmp, R).lo, 0);
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmp, R), 0);
	/* A range tells what it did before failing: nothing here. */
	o.done = 7;
	assert_int_equal(rmpsim_insn_rmpupdate_range(rmp, R, 600, &s, true, &o), -ENOMEM);
	assert_int_equal(o.done, 0);
	assert_int_equal(o.rax, 0);
	assert_false(o.change.changed);
	assert_true(rmpsim_rmp_1g_is_free(rmp, R));
	fa.budget = -1;
	assert_int_equal(fix_rmpupdate(rmp, R, &s, &c), RMPSIM_RMPUPDATE_OK);
	rmpsim_rmp_destroy(rmp);
	assert_int_equal(fa.live_bytes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(assign_4k_writes_the_entry),
		cmocka_unit_test(assign_2m_writes_head_and_sub_entries),
		cmocka_unit_test(immutable_anywhere_in_2m_refuses),
		cmocka_unit_test(bad_operands_fail_input),
		cmocka_unit_test(misaligned_or_uncovered_spa_fails_input),
		cmocka_unit_test(immutable_and_lock),
		cmocka_unit_test(overlap_rules),
		cmocka_unit_test(validated_and_permissions_reset_rule),
		cmocka_unit_test(range_matches_sequence_simple),
		cmocka_unit_test(range_stops_at_gpa_limit),
		cmocka_unit_test(enomem_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
