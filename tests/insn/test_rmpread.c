/* SPDX-License-Identifier: MIT */
/* RMPREAD (spec 2.4) and the lookup / dump helpers (spec 3.6). */
#include <stdio.h>

#include "insn_fixture.h"
#include "assert_eq.h"

#define ASID 3u
#define R    (10 * SZ_2M)

/* covers: spec 2.4, A29 */
static void rmpread_view(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);
	struct rmpsim_rmpread_entry e;

	fix_set_raw(rmp, R + 7 * SZ_4K,
		    LO_ASSIGNED | LO_IMMUTABLE | LO_GPA(0x123000) | LO_ASID(ASID) | LO_VALIDATED, 0xff);
	memset(&e, 0xaa, sizeof(e));
	assert_int_equal(fix_rmpread(rmp, R + 7 * SZ_4K + 0x123, &e),
			 RMPSIM_RMPREAD_OK); /* bits 11:0 ignored */
	ASSERT_EQ(e.gpa, 0x123000);
	assert_true(e.assigned && e.immutable && e.pagesize == 0 && e.asid == ASID);
	assert_true(e.hpage_region_status);
	/* Another page of the same region: unassigned, but the region holds an assigned page. */
	assert_int_equal(fix_rmpread(rmp, R, &e), RMPSIM_RMPREAD_OK);
	assert_false(e.assigned);
	assert_true(e.hpage_region_status);
	assert_int_equal(fix_rmpread(rmp, R + SZ_2M, &e), RMPSIM_RMPREAD_OK);
	assert_false(e.hpage_region_status);
	/* Uncovered: FAIL_INPUT and no entry (the caller writes no buffer). */
	struct rmpsim_insn_out o;
	memset(&o, 0x55, sizeof(o));
	assert_int_equal(rmpsim_insn_rmpread(rmp, FIX_COVER, &o), 0);
	assert_int_equal(o.fault, RMPSIM_FAULT_NONE);
	assert_int_equal(o.rax, RMPSIM_RMPREAD_FAIL_INPUT);
	assert_true(o.rmpread.gpa == 0 && !o.rmpread.assigned && o.rmpread.asid == 0);
	rmpsim_rmp_destroy(rmp);
}

/*
 * Linux arch/x86/virt/svm/sev.c __snp_lookup_rmpentry(): "assigned" is read
 * from the PFN's own entry, the level from the 2 MB-aligned entry's page size
 * (get_rmpentry(pfn & ~(PTRS_PER_PMD - 1), &e_large)), assigned or not.
 */
/* covers: spec 3.6, A38, A25 */
static void lookup_as_linux(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_DENSE);
	struct rmpsim_rmpread_entry re;
	struct rmpsim_raw_entry raw;
	bool assigned;
	unsigned level;

	/* A private 2 MB page made by RMPUPDATE: page 100 is a sub-entry, assigned (AMD-ASPFW). */
	assert_int_equal(fix_update(rmp, R, 1, 1, 0x200000, ASID), RMPSIM_RMPUPDATE_OK);
	assert_int_equal(rmpsim_insn_lookup(rmp, R + 100 * SZ_4K, &assigned, &level, &raw), 0);
	assert_true(assigned);
	assert_int_equal(level, RMPSIM_PAGE_2M);
	assert_true(raw.lo == LO_ASSIGNED && raw.hi == 0); /* the page's own entry */
	/* RMPREAD of page 5 of it: assigned = 1, ASID 0, 4K ("Subpage[1 to 511] ... asid=0", sev_mcmd.c). */
	assert_int_equal(fix_rmpread(rmp, R + 5 * SZ_4K, &re), RMPSIM_RMPREAD_OK);
	assert_true(re.assigned && re.asid == 0 && re.pagesize == RMPSIM_PAGE_4K && re.gpa == 0);
	/* A region of 4K entries: the page's own entry. */
	fix_set_raw(rmp, R + SZ_2M + SZ_4K, LO_ASSIGNED | LO_ASID(ASID), 0);
	assert_int_equal(rmpsim_insn_lookup(rmp, R + SZ_2M + SZ_4K, &assigned, &level, NULL), 0);
	assert_true(assigned);
	assert_int_equal(level, RMPSIM_PAGE_4K);
	assert_int_equal(rmpsim_insn_lookup(rmp, R + SZ_2M, &assigned, &level, NULL), 0);
	assert_false(assigned);
	/* A hypervisor 2 MB head (rmp_make_shared at 2M) with a private 4K page inside: level 2M, assigned. */
	fix_set_raw(rmp, R + SZ_2M, LO_2M, 0);
	assert_int_equal(rmpsim_insn_lookup(rmp, R + SZ_2M + SZ_4K, &assigned, &level, NULL), 0);
	assert_true(assigned);
	assert_int_equal(level, RMPSIM_PAGE_2M);
	assert_int_equal(rmpsim_insn_lookup(rmp, FIX_COVER, &assigned, &level, NULL), -EFAULT);
	rmpsim_rmp_destroy(rmp);
}

/* covers: spec 3.6, spec 2.2 */
static void dump_entries_and_text(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);
	struct rmpsim_dump_entry d[4];
	size_t total = 0;
	char text[512];

	fix_set_raw(rmp, R + 2 * SZ_4K, LO_ASSIGNED | LO_ASID(ASID), 0x11);
	fix_set_raw(rmp, R + 9 * SZ_4K, LO_IMMUTABLE, 0);
	/* The assigned entry alone. */
	assert_int_equal(rmpsim_insn_dump(rmp, R + 2 * SZ_4K, d, 4, &total), 0);
	assert_int_equal(total, 1);
	assert_true(d[0].spa == R + 2 * SZ_4K && d[0].raw.hi == 0x11);
	/*
	 * An unassigned entry: every non-zero entry of the region, in SPA order.
	 * The 2 MB-aligned entry is non-zero too: its sub-page count (lo bits
	 * 3-11, spec 2.2) says one other page of the region is assigned.
	 */
	assert_int_equal(rmpsim_insn_dump(rmp, R + 300 * SZ_4K, d, 4, &total), 0);
	assert_int_equal(total, 3);
	assert_true(d[0].spa == R && d[0].raw.lo == (1ull << 3) && d[0].raw.hi == 0);
	assert_true(d[1].spa == R + 2 * SZ_4K && d[2].spa == R + 9 * SZ_4K);
	ASSERT_EQ(d[2].raw.lo, LO_IMMUTABLE);
	assert_int_equal(rmpsim_insn_dump(rmp, R + 300 * SZ_4K, d, 1, &total), 0);
	assert_int_equal(total, 3);

	/*
	 * The text in current Linux's dump_rmpentry() format (arch/x86/virt/svm/
	 * sev.c: pr_info("PFN: 0x%llx, [0x%016llx - 0x%016llx]\n", pfn_i,
	 * e_raw->lo, e_raw->hi)), written out by hand.
	 */
	char want[512];
	uint64_t pfn = (R + 300 * SZ_4K) >> 12, base = R >> 12;
	snprintf(want, sizeof(want),
		 "PFN 0x%llx unassigned, dumping non-zero entries in 2M PFN region: [0x%llx - 0x%llx]\n"
		 "PFN: 0x%llx, [0x%016llx - 0x%016llx]\n"
		 "PFN: 0x%llx, [0x%016llx - 0x%016llx]\n"
		 "PFN: 0x%llx, [0x%016llx - 0x%016llx]\n",
		 (unsigned long long)pfn, (unsigned long long)base, (unsigned long long)(base + 512),
		 (unsigned long long)base, 8ull, 0ull, (unsigned long long)(base + 2),
		 (unsigned long long)(LO_ASSIGNED | LO_ASID(ASID)), 0x11ull, (unsigned long long)(base + 9),
		 (unsigned long long)LO_IMMUTABLE, 0ull);
	int n = rmpsim_insn_dump_text(rmp, R + 300 * SZ_4K, text, sizeof(text));
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(text, want);
	/* Truncation is snprintf-like. */
	assert_int_equal(rmpsim_insn_dump_text(rmp, R + 300 * SZ_4K, text, 10), (int)strlen(want));
	assert_int_equal(strlen(text), 9);
	/* Assigned: pr_info("PFN 0x%llx, RMP entry: [0x%016llx - 0x%016llx]\n", pfn, e_raw->lo, e_raw->hi). */
	snprintf(want, sizeof(want), "PFN 0x%llx, RMP entry: [0x%016llx - 0x%016llx]\n",
		 (unsigned long long)(base + 2), (unsigned long long)(LO_ASSIGNED | LO_ASID(ASID)), 0x11ull);
	assert_int_equal(rmpsim_insn_dump_text(rmp, R + 2 * SZ_4K, text, sizeof(text)), (int)strlen(want));
	assert_string_equal(text, want);
	assert_int_equal(rmpsim_insn_dump_text(rmp, FIX_COVER, text, sizeof(text)), -EFAULT);
	rmpsim_rmp_destroy(rmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rmpread_view),
		cmocka_unit_test(lookup_as_linux),
		cmocka_unit_test(dump_entries_and_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
