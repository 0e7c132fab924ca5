/* SPDX-License-Identifier: MIT */
/*
 * Bad input through every instruction of the machine (issue 11 "Bad input"),
 * one table: a NULL machine or out, a CPU that does not exist (the first
 * number past the last CPU, and UINT_MAX) and a bad mapping size are -EINVAL
 * with *out left as it was (A320); an SPA beyond the machine is the architectural
 * outcome the instruction defines. Then the architectural faults the
 * configuration decides (RMPREAD without its CPUID bit) and calls after
 * SNP_SHUTDOWN.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "bad_input.h"
#include "machine_helpers.h"
#include "machine_insn.h"

enum op { RDMSR, WRMSR, RMPOPT, RMPUPDATE, RMPUPDATE_RANGE, PSMASH, PVALIDATE, RMPREAD, HV_WRITE };
enum bad { OK_ARGS, NULL_M, NULL_IN, NULL_OUT, CPU_NCPUS, CPU_MAX, BAD_SIZE };

struct row {
	struct bad_input_want want;
	enum op op;
	enum bad bad;
	uint64_t spa;
};

#define FAR (1ull << 50) /* beyond the RAM, the RMP and the RMPOPT window */

static const struct row rows[] = {
	{ { "rdmsr NULL machine", -EINVAL, 0, 0 }, RDMSR, NULL_M, 0 },
	{ { "rdmsr NULL out", -EINVAL, 0, 0 }, RDMSR, NULL_OUT, 0 },
	{ { "rdmsr cpu = ncpus", -EINVAL, 0, 0 }, RDMSR, CPU_NCPUS, 0 },
	{ { "rdmsr cpu = UINT_MAX", -EINVAL, 0, 0 }, RDMSR, CPU_MAX, 0 },
	{ { "wrmsr NULL machine", -EINVAL, 0, 0 }, WRMSR, NULL_M, 0 },
	{ { "wrmsr NULL out", -EINVAL, 0, 0 }, WRMSR, NULL_OUT, 0 },
	{ { "wrmsr cpu = ncpus", -EINVAL, 0, 0 }, WRMSR, CPU_NCPUS, 0 },
	{ { "rmpopt NULL machine", -EINVAL, 0, 0 }, RMPOPT, NULL_M, 0 },
	{ { "rmpopt NULL out", -EINVAL, 0, 0 }, RMPOPT, NULL_OUT, 0 },
	{ { "rmpopt cpu = ncpus", -EINVAL, 0, 0 }, RMPOPT, CPU_NCPUS, 0 },
	{ { "rmpopt cpu = UINT_MAX", -EINVAL, 0, 0 }, RMPOPT, CPU_MAX, 0 },
	{ { "rmpopt beyond the window", 0, RMPSIM_FAULT_NONE, 0 }, RMPOPT, OK_ARGS, FAR },
	{ { "rmpupdate NULL machine", -EINVAL, 0, 0 }, RMPUPDATE, NULL_M, 0 },
	{ { "rmpupdate NULL state", -EINVAL, 0, 0 }, RMPUPDATE, NULL_IN, 0 },
	{ { "rmpupdate NULL out", -EINVAL, 0, 0 }, RMPUPDATE, NULL_OUT, 0 },
	{ { "rmpupdate cpu = ncpus", -EINVAL, 0, 0 }, RMPUPDATE, CPU_NCPUS, 0 },
	{ { "rmpupdate cpu = UINT_MAX", -EINVAL, 0, 0 }, RMPUPDATE, CPU_MAX, 0 },
	{ { "rmpupdate beyond the machine", 0, RMPSIM_FAULT_NONE, RMPSIM_RMPUPDATE_FAIL_INPUT },
	  RMPUPDATE,
	  OK_ARGS,
	  FAR },
	{ { "range NULL machine", -EINVAL, 0, 0 }, RMPUPDATE_RANGE, NULL_M, 0 },
	{ { "range NULL state", -EINVAL, 0, 0 }, RMPUPDATE_RANGE, NULL_IN, 0 },
	{ { "range NULL out", -EINVAL, 0, 0 }, RMPUPDATE_RANGE, NULL_OUT, 0 },
	{ { "range cpu = ncpus", -EINVAL, 0, 0 }, RMPUPDATE_RANGE, CPU_NCPUS, 0 },
	{ { "range beyond the machine", 0, RMPSIM_FAULT_NONE, RMPSIM_RMPUPDATE_FAIL_INPUT },
	  RMPUPDATE_RANGE,
	  OK_ARGS,
	  FAR },
	{ { "psmash NULL machine", -EINVAL, 0, 0 }, PSMASH, NULL_M, 0 },
	{ { "psmash NULL out", -EINVAL, 0, 0 }, PSMASH, NULL_OUT, 0 },
	{ { "psmash cpu = ncpus", -EINVAL, 0, 0 }, PSMASH, CPU_NCPUS, 0 },
	{ { "psmash beyond the machine", 0, RMPSIM_FAULT_NONE, RMPSIM_PSMASH_FAIL_INPUT },
	  PSMASH,
	  OK_ARGS,
	  FAR },
	{ { "pvalidate NULL machine", -EINVAL, 0, 0 }, PVALIDATE, NULL_M, 0 },
	{ { "pvalidate NULL ctx", -EINVAL, 0, 0 }, PVALIDATE, NULL_IN, 0 },
	{ { "pvalidate NULL out", -EINVAL, 0, 0 }, PVALIDATE, NULL_OUT, 0 },
	{ { "pvalidate cpu = ncpus", -EINVAL, 0, 0 }, PVALIDATE, CPU_NCPUS, 0 },
	{ { "pvalidate beyond the machine", 0, RMPSIM_FAULT_NPF, 0 }, PVALIDATE, OK_ARGS, FAR },
	{ { "rmpread NULL machine", -EINVAL, 0, 0 }, RMPREAD, NULL_M, 0 },
	{ { "rmpread NULL out", -EINVAL, 0, 0 }, RMPREAD, NULL_OUT, 0 },
	{ { "rmpread cpu = ncpus", -EINVAL, 0, 0 }, RMPREAD, CPU_NCPUS, 0 },
	{ { "rmpread beyond the machine", 0, RMPSIM_FAULT_NONE, RMPSIM_RMPREAD_FAIL_INPUT },
	  RMPREAD,
	  OK_ARGS,
	  FAR },
	{ { "hv_write NULL machine", -EINVAL, 0, 0 }, HV_WRITE, NULL_M, 0 },
	{ { "hv_write NULL out", -EINVAL, 0, 0 }, HV_WRITE, NULL_OUT, 0 },
	{ { "hv_write cpu = ncpus", -EINVAL, 0, 0 }, HV_WRITE, CPU_NCPUS, 0 },
	{ { "hv_write 8K mapping", -EINVAL, 0, 0 }, HV_WRITE, BAD_SIZE, 0 },
	{ { "hv_write beyond the machine", 0, RMPSIM_FAULT_NONE, 0 }, HV_WRITE, OK_ARGS, FAR },
};

static int run(void *ctx, const void *row, struct rmpsim_insn_out *o)
{
	struct rmpsim_machine *machine = ctx;
	const struct row *r = row;
	struct rmpsim_machine *m = r->bad == NULL_M ? NULL : machine;
	struct rmpsim_insn_out *out = r->bad == NULL_OUT ? NULL : o;
	unsigned cpu = r->bad == CPU_NCPUS ? rmpsim_machine_ncpus(machine) : r->bad == CPU_MAX ? UINT_MAX : 1;
	struct rmpsim_rmp_state st = { .gpa = 0x1000, .assigned = 1, .asid = 3 };
	const struct rmpsim_rmp_state *in = r->bad == NULL_IN ? NULL : &st;

	switch (r->op) {
	case RDMSR: return rmpsim_machine_rdmsr(m, cpu, RMPSIM_MSR_SYSCFG, out);
	case WRMSR: return rmpsim_machine_wrmsr(m, cpu, RMPSIM_MSR_SYSCFG, 0, out);
	case RMPOPT: return rmpsim_machine_rmpopt(m, cpu, r->spa, RMPSIM_RMPOPT_FN_VERIFY, out);
	case RMPUPDATE: return rmpsim_machine_rmpupdate(m, cpu, r->spa, in, out);
	case RMPUPDATE_RANGE: return rmpsim_machine_rmpupdate_range(m, cpu, r->spa, 4, in, true, out);
	case PSMASH: return rmpsim_machine_psmash(m, cpu, r->spa, out);
	case PVALIDATE: {
		const struct rmpsim_guest_ctx g = { 3, 0 };
		return rmpsim_machine_pvalidate(m, cpu, r->bad == NULL_IN ? NULL : &g, 0x1000, r->spa, 0, 1,
						out);
	}
	case RMPREAD: return rmpsim_machine_rmpread(m, cpu, r->spa, out);
	case HV_WRITE:
		return rmpsim_machine_hv_write(m, cpu, r->spa, r->bad == BAD_SIZE ? 8192 : RMPSIM_SZ_4K, out);
	}
	return 1;
}

static void every_instruction(void **state)
{
	(void)state;
	struct rmpsim_machine *m = small_machine(NULL);
	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, true), 0);

	BAD_INPUT_RUN_TABLE(rows, run, m);
	/* No failed call counted an instruction. */
	for (unsigned cpu = 0; cpu < rmpsim_machine_ncpus(m); cpu++) {
		struct rmpsim_cpu_counters c;
		rmpsim_machine_counters(m, cpu, &c);
		assert_int_equal(c.rmpupdates, cpu == 1 ? 2 : 0); /* the two FAIL_INPUT rows */
	}
	rmpsim_machine_destroy(m);
}

/* RMPREAD without its CPUID bit is #UD, not a library error (spec 2.4). covers: A320 */
static void rmpread_without_cpuid_is_ud(void **state)
{
	(void)state;
	struct rmpsim_machine_config cfg;
	rmpsim_machine_config_default(&cfg);
	cfg.rmpread = false;
	struct rmpsim_machine *m = small_machine(&cfg);
	assert_non_null(m);
	struct rmpsim_insn_out o;
	assert_int_equal(rmpsim_machine_rmpread(m, 0, 4 * GIB, &o), 0);
	assert_int_equal(o.fault, RMPSIM_FAULT_UD);
	assert_int_equal(rmpsim_fault_vector(o.fault), 6);
	rmpsim_machine_destroy(m);
}

/*
 * After SNP_SHUTDOWN with X86_SNP_SHUTDOWN the firmware cleared SNP_EN: writes
 * are not checked, RMPOPT_BASE cannot be enabled again (#GP, HW-5), and the
 * firmware commands answer INVALID_PLATFORM_STATE; nothing is a library error.
 */
static void calls_after_shutdown(void **state)
{
	(void)state;
	struct rmpsim_machine *m = small_machine(NULL);
	enum rmpsim_fw_status st;
	struct rmpsim_insn_out o;

	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, true), 0);
	assert_int_equal(make_private(m, 0, 8 * GIB, RMPSIM_PAGE_4K), 0);
	assert_int_equal(rmpsim_machine_snp_shutdown(m, true, &st), 0);
	assert_int_equal(st, RMPSIM_FW_SUCCESS);
	assert_int_equal(rmpsim_machine_hv_write(m, 0, 8 * GIB, RMPSIM_SZ_4K, &o), 0);
	assert_int_equal(o.fault, RMPSIM_FAULT_NONE);
	assert_int_equal(o.write_path, RMPSIM_WRITE_NO_SNP);
	assert_int_equal(t_wrmsr(m, 0, RMPSIM_MSR_RMPOPT_BASE, RMPSIM_RMPOPT_BASE_EN), RMPSIM_FAULT_GP);
	assert_int_equal(rmpsim_machine_snp_shutdown(m, true, &st), 0);
	assert_int_equal(st, RMPSIM_FW_INVALID_PLATFORM_STATE);
	assert_int_equal(rmpsim_machine_snp_shutdown(NULL, true, &st), -EINVAL);
	assert_int_equal(rmpsim_machine_snp_init(NULL, NULL, 0, &st), -EINVAL);
	assert_int_equal(rmpsim_machine_read_entry(NULL, 0, NULL), -EINVAL);
	rmpsim_machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_instruction),
		cmocka_unit_test(rmpread_without_cpuid_is_ud),
		cmocka_unit_test(calls_after_shutdown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
