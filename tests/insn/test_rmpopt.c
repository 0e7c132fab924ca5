/* SPDX-License-Identifier: MIT */
/*
 * RMPOPT as an instruction over the RMP and the core's state (src/insn/rmpopt.c):
 * the check order of A44, the window of A43, function 1, and function 0 with
 * and without the region's scan cache (A45, A51).
 */
#include "insn_fixture.h"

static struct rmpsim_insn_out opt(const struct rmpsim_rmp *rmp, struct rmpsim_rmpopt_core *core, uint64_t rax,
				  uint64_t rcx)
{
	struct rmpsim_insn_out r;

	assert_int_equal(rmpsim_insn_rmpopt(rmp, core, rax, rcx, &r), 0);
	return r;
}

/* covers: A44 */
static void faults_in_order(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);
	struct rmpsim_rmpopt_core c = { .supported = false, .base_msr = RMPSIM_RMPOPT_BASE_EN };

	/* No CPUID bit: #UD even with RCX > 1 (A44: #UD first). */
	assert_int_equal(opt(rmp, &c, 0, 7).fault, RMPSIM_FAULT_UD);
	c.supported = true;
	c.base_msr = 0; /* RMPOPT_EN = 0 (spec 1.2, HW-3) */
	assert_int_equal(opt(rmp, &c, 0, 0).fault, RMPSIM_FAULT_UD);
	c.base_msr = RMPSIM_RMPOPT_BASE_EN;
	struct rmpsim_insn_out r = opt(rmp, &c, 0, 2);
	assert_int_equal(r.fault, RMPSIM_FAULT_GP);
	assert_int_equal(r.error_code, 0);
	assert_false(r.cf);
	rmpsim_rmp_destroy(rmp);
}

/* covers: A43 */
static void outside_the_window_clears_cf(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);
	struct rmpsim_rmpopt_core c = { .supported = true, .base_msr = (4ull << 30) | RMPSIM_RMPOPT_BASE_EN };

	struct rmpsim_insn_out r = opt(rmp, &c, 3ull << 30, 0); /* below the base */
	assert_int_equal(r.fault, RMPSIM_FAULT_NONE);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_OUTSIDE);
	assert_false(r.cf);
	r = opt(rmp, &c, (4ull << 30) + RMPSIM_RMPOPT_WINDOW, 0); /* one past the 2 TiB */
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_OUTSIDE);
	rmpsim_rmp_destroy(rmp);
}

/* covers: spec 1.2 */
static void report_returns_the_core_bit(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);
	struct rmpsim_rmpopt_core c = { .supported = true,
					.base_msr = RMPSIM_RMPOPT_BASE_EN,
					.region_bit = true };

	struct rmpsim_insn_out r = opt(rmp, &c, 0x12345678, RMPSIM_RMPOPT_FN_REPORT);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_REPORT);
	assert_true(r.cf);
	c.region_bit = false;
	assert_false(opt(rmp, &c, 0, RMPSIM_RMPOPT_FN_REPORT).cf);
	rmpsim_rmp_destroy(rmp);
}

/* covers: A45, A51 */
static void verify_scans_and_caches(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);
	struct rmpsim_rmpopt_scan_cache cache = { false, -1 };
	struct rmpsim_rmpopt_core c = { .supported = true,
					.base_msr = RMPSIM_RMPOPT_BASE_EN,
					.cache = &cache };

	/* A free region: full scan, CF = 1, the result cached. */
	struct rmpsim_insn_out r = opt(rmp, &c, 0, 0);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_SCANNED);
	assert_int_equal(r.rmpopt.slots_scanned, 512);
	assert_true(r.cf);
	assert_true(cache.valid);
	assert_int_equal(cache.slot, -1);
	/* A busy slot 5: the valid cache still answers (the machine invalidates it). */
	assert_int_equal(fix_update(rmp, 5 * SZ_2M + SZ_4K, 1, RMPSIM_PAGE_4K, 0, 3), RMPSIM_RMPUPDATE_OK);
	r = opt(rmp, &c, 0, 0);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_CACHE_HIT);
	assert_int_equal(r.rmpopt.slots_scanned, 0);
	assert_true(r.cf);
	cache.valid = false;
	r = opt(rmp, &c, 0, 0);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_EARLY_EXIT);
	assert_int_equal(r.rmpopt.exit_slot, 5);
	assert_int_equal(r.rmpopt.slots_scanned, 6);
	assert_false(r.cf);
	assert_int_equal(cache.slot, 5);
	/* No cache kept: every verify scans. */
	c.cache = NULL;
	assert_int_equal(opt(rmp, &c, 0, 0).rmpopt.kind, RMPSIM_RMPOPT_EARLY_EXIT);
	/* A51: a region without RMP entries holds nothing assigned. */
	r = opt(rmp, &c, 40ull << 30, 0);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_SCANNED);
	assert_true(r.cf);
	rmpsim_rmp_destroy(rmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(faults_in_order),
		cmocka_unit_test(outside_the_window_clears_cf),
		cmocka_unit_test(report_returns_the_core_bit),
		cmocka_unit_test(verify_scans_and_caches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
