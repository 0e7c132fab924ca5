/* SPDX-License-Identifier: MIT */
/*
 * Bad input through every insn entry point (issue 11 "Bad input"), one table:
 * NULL handles and arguments no encoding carries are -EINVAL with *out left
 * as it was; an SPA beyond the RMP is the architectural outcome the
 * instruction defines (FAIL_INPUT, #NPF, no check), never -EINVAL.
 */
#include "bad_input.h"
#include "insn_fixture.h"

#define ASID 7u
#define FAR  (FIX_COVER + 5 * SZ_2M) /* beyond the RMP's coverage */

enum op {
	RMPUPDATE,
	RMPUPDATE_RANGE,
	PSMASH,
	RMPREAD,
	PVALIDATE,
	RMPADJUST,
	RMPQUERY,
	HV_ACCESS,
	GUEST_ACCESS,
	RMPOPT
};

/* Which argument is broken. */
enum bad { OK_ARGS, NULL_RMP, NULL_IN, NULL_CTX, NULL_OUT, VMPL4, BAD_SIZE };

struct row {
	struct bad_input_want want;
	enum op op;
	enum bad bad;
	uint64_t spa;
};

static const struct row rows[] = {
	{ { "rmpupdate NULL rmp", -EINVAL, 0, 0 }, RMPUPDATE, NULL_RMP, 0 },
	{ { "rmpupdate NULL state", -EINVAL, 0, 0 }, RMPUPDATE, NULL_IN, 0 },
	{ { "rmpupdate NULL out", -EINVAL, 0, 0 }, RMPUPDATE, NULL_OUT, 0 },
	{ { "rmpupdate beyond the RMP", 0, RMPSIM_FAULT_NONE, RMPSIM_RMPUPDATE_FAIL_INPUT },
	  RMPUPDATE,
	  OK_ARGS,
	  FAR },
	{ { "rmpupdate at 2^64-4K", 0, RMPSIM_FAULT_NONE, RMPSIM_RMPUPDATE_FAIL_INPUT },
	  RMPUPDATE,
	  OK_ARGS,
	  ~0xfffull },
	{ { "range NULL rmp", -EINVAL, 0, 0 }, RMPUPDATE_RANGE, NULL_RMP, 0 },
	{ { "range NULL state", -EINVAL, 0, 0 }, RMPUPDATE_RANGE, NULL_IN, 0 },
	{ { "range NULL out", -EINVAL, 0, 0 }, RMPUPDATE_RANGE, NULL_OUT, 0 },
	{ { "range beyond the RMP", 0, RMPSIM_FAULT_NONE, RMPSIM_RMPUPDATE_FAIL_INPUT },
	  RMPUPDATE_RANGE,
	  OK_ARGS,
	  FAR },
	{ { "psmash NULL rmp", -EINVAL, 0, 0 }, PSMASH, NULL_RMP, 0 },
	{ { "psmash NULL out", -EINVAL, 0, 0 }, PSMASH, NULL_OUT, 0 },
	{ { "psmash beyond the RMP", 0, RMPSIM_FAULT_NONE, RMPSIM_PSMASH_FAIL_INPUT }, PSMASH, OK_ARGS, FAR },
	{ { "rmpread NULL rmp", -EINVAL, 0, 0 }, RMPREAD, NULL_RMP, 0 },
	{ { "rmpread NULL out", -EINVAL, 0, 0 }, RMPREAD, NULL_OUT, 0 },
	{ { "rmpread beyond the RMP", 0, RMPSIM_FAULT_NONE, RMPSIM_RMPREAD_FAIL_INPUT },
	  RMPREAD,
	  OK_ARGS,
	  FAR },
	{ { "pvalidate NULL rmp", -EINVAL, 0, 0 }, PVALIDATE, NULL_RMP, 0 },
	{ { "pvalidate NULL ctx", -EINVAL, 0, 0 }, PVALIDATE, NULL_CTX, 0 },
	{ { "pvalidate NULL out", -EINVAL, 0, 0 }, PVALIDATE, NULL_OUT, 0 },
	{ { "pvalidate VMPL 4", -EINVAL, 0, 0 }, PVALIDATE, VMPL4, 0 },
	{ { "pvalidate beyond the RMP", 0, RMPSIM_FAULT_NPF, 0 }, PVALIDATE, OK_ARGS, FAR },
	{ { "rmpadjust NULL rmp", -EINVAL, 0, 0 }, RMPADJUST, NULL_RMP, 0 },
	{ { "rmpadjust NULL ctx", -EINVAL, 0, 0 }, RMPADJUST, NULL_CTX, 0 },
	{ { "rmpadjust NULL out", -EINVAL, 0, 0 }, RMPADJUST, NULL_OUT, 0 },
	{ { "rmpadjust VMPL 4", -EINVAL, 0, 0 }, RMPADJUST, VMPL4, 0 },
	{ { "rmpadjust beyond the RMP", 0, RMPSIM_FAULT_NPF, 0 }, RMPADJUST, OK_ARGS, FAR },
	{ { "rmpquery NULL rmp", -EINVAL, 0, 0 }, RMPQUERY, NULL_RMP, 0 },
	{ { "rmpquery NULL ctx", -EINVAL, 0, 0 }, RMPQUERY, NULL_CTX, 0 },
	{ { "rmpquery NULL out", -EINVAL, 0, 0 }, RMPQUERY, NULL_OUT, 0 },
	{ { "rmpquery VMPL 4", -EINVAL, 0, 0 }, RMPQUERY, VMPL4, 0 },
	{ { "rmpquery beyond the RMP", 0, RMPSIM_FAULT_NPF, 0 }, RMPQUERY, OK_ARGS, FAR },
	{ { "hv_access NULL rmp", -EINVAL, 0, 0 }, HV_ACCESS, NULL_RMP, 0 },
	{ { "hv_access NULL out", -EINVAL, 0, 0 }, HV_ACCESS, NULL_OUT, 0 },
	{ { "hv_access 8K mapping", -EINVAL, 0, 0 }, HV_ACCESS, BAD_SIZE, 0 },
	{ { "hv_access beyond the RMP", 0, RMPSIM_FAULT_NONE, 0 }, HV_ACCESS, OK_ARGS, FAR },
	{ { "guest_access NULL rmp", -EINVAL, 0, 0 }, GUEST_ACCESS, NULL_RMP, 0 },
	{ { "guest_access NULL ctx", -EINVAL, 0, 0 }, GUEST_ACCESS, NULL_CTX, 0 },
	{ { "guest_access NULL out", -EINVAL, 0, 0 }, GUEST_ACCESS, NULL_OUT, 0 },
	{ { "guest_access VMPL 4", -EINVAL, 0, 0 }, GUEST_ACCESS, VMPL4, 0 },
	{ { "guest_access 8K NPT leaf", -EINVAL, 0, 0 }, GUEST_ACCESS, BAD_SIZE, 0 },
	{ { "guest_access beyond the RMP", 0, RMPSIM_FAULT_NPF, 0 }, GUEST_ACCESS, OK_ARGS, FAR },
	{ { "rmpopt NULL rmp", -EINVAL, 0, 0 }, RMPOPT, NULL_RMP, 0 },
	{ { "rmpopt NULL core", -EINVAL, 0, 0 }, RMPOPT, NULL_CTX, 0 },
	{ { "rmpopt NULL out", -EINVAL, 0, 0 }, RMPOPT, NULL_OUT, 0 },
	{ { "rmpopt beyond the RMP", 0, RMPSIM_FAULT_NONE, 0 }, RMPOPT, OK_ARGS, 64 * SZ_1G },
};

static int run(void *fixture, const void *row, struct rmpsim_insn_out *o)
{
	struct rmpsim_rmp *table = fixture;
	const struct row *r = row;
	struct rmpsim_rmp *rmp = r->bad == NULL_RMP ? NULL : table;
	struct rmpsim_insn_out *out = r->bad == NULL_OUT ? NULL : o;
	struct rmpsim_rmp_state st = fix_state(1, RMPSIM_PAGE_4K, 0x1000, ASID);
	const struct rmpsim_rmp_state *in = r->bad == NULL_IN ? NULL : &st;
	struct rmpsim_guest_ctx g = { ASID, r->bad == VMPL4 ? 4 : 0 };
	const struct rmpsim_guest_ctx *ctx = r->bad == NULL_CTX ? NULL : &g;
	uint64_t size = r->bad == BAD_SIZE ? 2 * SZ_4K : SZ_4K;
	struct rmpsim_rmpopt_core core = { .supported = true, .base_msr = RMPSIM_RMPOPT_BASE_EN };

	switch (r->op) {
	case RMPUPDATE: return rmpsim_insn_rmpupdate(rmp, r->spa, in, out);
	case RMPUPDATE_RANGE: return rmpsim_insn_rmpupdate_range(rmp, r->spa, 3, in, true, out);
	case PSMASH: return rmpsim_insn_psmash(rmp, r->spa, out);
	case RMPREAD: return rmpsim_insn_rmpread(rmp, r->spa, out);
	case PVALIDATE: return rmpsim_insn_pvalidate(rmp, ctx, 0x1000, r->spa, 0, 1, out);
	case RMPADJUST: return rmpsim_insn_rmpadjust(rmp, ctx, 0x1000, r->spa, 0, 1, out);
	case RMPQUERY: return rmpsim_insn_rmpquery(rmp, ctx, 0x1000, r->spa, 1, out);
	case HV_ACCESS: return rmpsim_insn_hv_access(rmp, r->spa, size, RMPSIM_ACCESS_WRITE, out);
	case GUEST_ACCESS:
		return rmpsim_insn_guest_access(rmp, ctx, 0x1000, r->spa, size, RMPSIM_ACCESS_PRIVATE, out);
	case RMPOPT: return rmpsim_insn_rmpopt(rmp, r->bad == NULL_CTX ? NULL : &core, r->spa, 0, out);
	}
	return 1;
}

static void every_entry_point(void **state)
{
	(void)state;
	struct rmpsim_rmp *rmp = fix_table(RMPSIM_RMP_SPARSE);

	BAD_INPUT_RUN_TABLE(rows, run, rmp);
	/* Nothing was written anywhere. */
	for (uint64_t spa = 0; spa < 4 * SZ_2M; spa += SZ_4K)
		assert_true(fix_raw(rmp, spa).lo == 0);
	rmpsim_rmp_destroy(rmp);
}

/* The vectors and names of the faults (insn.h). */
static void fault_vectors(void **state)
{
	(void)state;
	assert_int_equal(rmpsim_fault_vector(RMPSIM_FAULT_NONE), 0);
	assert_int_equal(rmpsim_fault_vector(RMPSIM_FAULT_UD), 6);
	assert_int_equal(rmpsim_fault_vector(RMPSIM_FAULT_GP), 13);
	assert_int_equal(rmpsim_fault_vector(RMPSIM_FAULT_PF), 14);
	assert_int_equal(rmpsim_fault_vector(RMPSIM_FAULT_VC), 29);
	assert_int_equal(rmpsim_fault_vector(RMPSIM_FAULT_NPF), 0x400);
	assert_string_equal(rmpsim_fault_name(RMPSIM_FAULT_NPF), "#NPF");
	assert_string_equal(rmpsim_fault_name(RMPSIM_FAULT_NONE), "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_entry_point),
		cmocka_unit_test(fault_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
