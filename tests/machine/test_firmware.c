/* SPDX-License-Identifier: MIT */
/*
 * SNP_INIT as the firmware's configure_rmp() writes the RMP, and the page
 * commands SNP_PAGE_RECLAIM / SET_STATE / UNSMASH on a machine (AMD-ASPFW
 * sev_rmp.c, sev_mcmd.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <rmpsim/firmware.h>

#include "machine_helpers.h"

#define HV_FIXED 0x4ull /* sev_rmp.c RMP_ENTRY_VAL_HV_FIXED */

static struct rmpsim_raw_entry entry(struct rmpsim_machine *m, uint64_t spa)
{
	struct rmpsim_raw_entry e;

	assert_int_equal(rmpsim_machine_read_entry(m, spa, &e), 0);
	return e;
}

/*
 * configure_rmp(): covered memory outside the memory map's DRAM stays
 * HV_FIXED, so an RMPUPDATE there fails as the hardware's does: Microsoft
 * __rmpupdate 2 = "the RMP entry is immutable".
 */
/* covers: A160, spec 3.1 */
static void mmio_hole_is_hv_fixed(void **state)
{
	(void)state;
	struct rmpsim_machine *m = small_machine(NULL);
	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, false), 0);
	/* The default hole [3 GiB, 4 GiB) (A40) is covered and not RAM. */
	assert_false(rmpsim_machine_is_ram(m, 3 * GIB + 5 * MIB));
	assert_int_equal(entry(m, 3 * GIB).lo, HV_FIXED);
	assert_int_equal(entry(m, 4 * GIB - 4096).lo, HV_FIXED);
	assert_int_equal(entry(m, 3 * GIB - 4096).lo, 0);
	assert_int_equal(make_private(m, 0, 3 * GIB + 5 * MIB, RMPSIM_PAGE_4K),
			 RMPSIM_RMPUPDATE_FAIL_PERMISSION);
	assert_int_equal(make_shared(m, 0, 3 * GIB + 5 * MIB, RMPSIM_PAGE_4K),
			 RMPSIM_RMPUPDATE_FAIL_PERMISSION);
	/* A 2 MB page reaching into the hole from RAM is refused too (A25). */
	assert_int_equal(make_private(m, 0, 3 * GIB, RMPSIM_PAGE_2M), RMPSIM_RMPUPDATE_FAIL_PERMISSION);
	assert_int_equal(make_private(m, 0, 3 * GIB - 2 * MIB, RMPSIM_PAGE_2M), RMPSIM_RMPUPDATE_OK);
	/* HV_FIXED does not keep the GB from being optimised (A11): nothing in it is assigned. */
	struct rmpsim_insn_out r;
	assert_int_equal(t_wrmsr(m, 0, RMPSIM_MSR_RMPOPT_BASE, RMPSIM_RMPOPT_BASE_EN), RMPSIM_FAULT_NONE);
	assert_int_equal(rmpsim_machine_rmpopt(m, 0, 3 * GIB, 0, &r), 0);
	assert_true(r.cf);
	rmpsim_machine_destroy(m);
}

/* The SNP_INIT_EX range list: HV_FIXED (configure_rmp walk_reserved_list). */
/* covers: A160 */
static void snp_init_range_list(void **state)
{
	(void)state;
	struct rmpsim_machine *m = small_machine(NULL);
	enum rmpsim_fw_status st;
	const uint64_t list[1][2] = { { 8 * GIB, 8 * GIB + 2 * MIB } };

	assert_non_null(m);
	for (unsigned cpu = 0; cpu < 8; cpu++) {
		uint64_t v;
		assert_int_equal(t_rdmsr(m, cpu, RMPSIM_MSR_SYSCFG, &v), RMPSIM_FAULT_NONE);
		assert_int_equal(t_wrmsr(m, cpu, RMPSIM_MSR_SYSCFG, v | RMPSIM_SYSCFG_SNP_EN),
				 RMPSIM_FAULT_NONE);
	}
	assert_int_equal(rmpsim_machine_snp_init(m, list, 1, &st), 0);
	assert_int_equal(st, RMPSIM_FW_SUCCESS);
	assert_int_equal(entry(m, 8 * GIB).lo, HV_FIXED);
	assert_int_equal(entry(m, 8 * GIB + 2 * MIB).lo, 0);
	assert_int_equal(make_private(m, 0, 8 * GIB + 4096, RMPSIM_PAGE_4K),
			 RMPSIM_RMPUPDATE_FAIL_PERMISSION);
	rmpsim_machine_destroy(m);
}

/* Every page command checks the platform state: INVALID_PLATFORM_STATE (1) before SNP_INIT. */
/* covers: A161 */
static void page_commands(void **state)
{
	(void)state;
	struct rmpsim_machine *m = small_machine(NULL);
	enum rmpsim_fw_cmd_status s;
	const uint64_t range[1][2] = { { 9 * GIB, 9 * GIB + 4096 } };

	assert_non_null(m);
	assert_int_equal(rmpsim_machine_snp_page_reclaim(m, 9 * GIB, 0, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PLATFORM_STATE);
	assert_int_equal(rmpsim_machine_snp_page_set_state(m, range, 1, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PLATFORM_STATE);
	assert_int_equal(rmpsim_machine_snp_page_unsmash(m, 9 * GIB, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PLATFORM_STATE);
	/* Reserved bits come first (INVALID_PARAM, 0x16), before the platform state. */
	assert_int_equal(rmpsim_machine_snp_page_unsmash(m, 9 * GIB + 4096, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PARAM);
	assert_int_equal(bring_up_snp(m, false), 0);
	/* A hypervisor page: reclaim leaves it (immutable 0: SUCCESS), set-state refuses it (not FIRMWARE). */
	assert_int_equal(rmpsim_machine_snp_page_reclaim(m, 9 * GIB, 0, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_SUCCESS);
	assert_int_equal(rmpsim_machine_snp_page_set_state(m, range, 1, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PAGE_STATE);
	assert_int_equal(rmpsim_machine_snp_page_unsmash(m, 9 * GIB, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_PAGE_STATE);
	/* The RMP's own pages (FIRMWARE: its bookkeeping area at 4 GiB) may not be made HV_FIXED: INVALID_ADDRESS. */
	const uint64_t rmp_page[1][2] = { { 4 * GIB + 4096, 4 * GIB + 2 * 4096 } };
	assert_int_equal(rmpsim_machine_snp_page_set_state(m, rmp_page, 1, &s), 0);
	assert_int_equal(s, RMPSIM_FWCMD_INVALID_ADDRESS);
	assert_int_equal(rmpsim_machine_snp_page_reclaim(m, 9 * GIB, 0, NULL), -EINVAL);
	rmpsim_machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mmio_hole_is_hv_fixed),
		cmocka_unit_test(snp_init_range_list),
		cmocka_unit_test(page_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
