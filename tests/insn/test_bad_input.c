/* SPDX-License-Identifier: MIT */
/*
 * Bad input through every insn entry point (issue 11 "Bad input"), one table:
 * NULL handles and arguments no encoding carries are -EINVAL with *out left
 * as it was; an SPA beyond the RMP is the architectural outcome the
 * instruction defines (FAIL_INPUT, #NPF, no check), never -EINVAL.
 */
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
	const char *name;
	enum op op;
	enum bad bad;
	uint64_t spa;
	int want_ret;		 /* 0 or -errno */
	enum rmpsim_fault fault; /* with want_ret 0 */
	uint64_t rax;		 /* with want_ret 0 and no fault */
};

static const struct row rows[] = {
	{ "rmpupdate NULL rmp", RMPUPDATE, NULL_RMP, 0, -EINVAL, 0, 0 },
	{ "rmpupdate NULL state", RMPUPDATE, NULL_IN, 0, -EINVAL, 0, 0 },
	{ "rmpupdate NULL out", RMPUPDATE, NULL_OUT, 0, -EINVAL, 0, 0 },
	{ "rmpupdate beyond the RMP", RMPUPDATE, OK_ARGS, FAR, 0, RMPSIM_FAULT_NONE,
	  RMPSIM_RMPUPDATE_FAIL_INPUT },
	{ "rmpupdate at 2^64-4K", RMPUPDATE, OK_ARGS, ~0xfffull, 0, RMPSIM_FAULT_NONE,
	  RMPSIM_RMPUPDATE_FAIL_INPUT },
	{ "range NULL rmp", RMPUPDATE_RANGE, NULL_RMP, 0, -EINVAL, 0, 0 },
	{ "range NULL state", RMPUPDATE_RANGE, NULL_IN, 0, -EINVAL, 0, 0 },
	{ "range NULL out", RMPUPDATE_RANGE, NULL_OUT, 0, -EINVAL, 0, 0 },
	{ "range beyond the RMP", RMPUPDATE_RANGE, OK_ARGS, FAR, 0, RMPSIM_FAULT_NONE,
	  RMPSIM_RMPUPDATE_FAIL_INPUT },
	{ "psmash NULL rmp", PSMASH, NULL_RMP, 0, -EINVAL, 0, 0 },
	{ "psmash NULL out", PSMASH, NULL_OUT, 0, -EINVAL, 0, 0 },
	{ "psmash beyond the RMP", PSMASH, OK_ARGS, FAR, 0, RMPSIM_FAULT_NONE, RMPSIM_PSMASH_FAIL_INPUT },
	{ "rmpread NULL rmp", RMPREAD, NULL_RMP, 0, -EINVAL, 0, 0 },
	{ "rmpread NULL out", RMPREAD, NULL_OUT, 0, -EINVAL, 0, 0 },
	{ "rmpread beyond the RMP", RMPREAD, OK_ARGS, FAR, 0, RMPSIM_FAULT_NONE, RMPSIM_RMPREAD_FAIL_INPUT },
	{ "pvalidate NULL rmp", PVALIDATE, NULL_RMP, 0, -EINVAL, 0, 0 },
	{ "pvalidate NULL ctx", PVALIDATE, NULL_CTX, 0, -EINVAL, 0, 0 },
	{ "pvalidate NULL out", PVALIDATE, NULL_OUT, 0, -EINVAL, 0, 0 },
	{ "pvalidate VMPL 4", PVALIDATE, VMPL4, 0, -EINVAL, 0, 0 },
	{ "pvalidate beyond the RMP", PVALIDATE, OK_ARGS, FAR, 0, RMPSIM_FAULT_NPF, 0 },
	{ "rmpadjust NULL rmp", RMPADJUST, NULL_RMP, 0, -EINVAL, 0, 0 },
	{ "rmpadjust NULL ctx", RMPADJUST, NULL_CTX, 0, -EINVAL, 0, 0 },
	{ "rmpadjust NULL out", RMPADJUST, NULL_OUT, 0, -EINVAL, 0, 0 },
	{ "rmpadjust VMPL 4", RMPADJUST, VMPL4, 0, -EINVAL, 0, 0 },
	{ "rmpadjust beyond the RMP", RMPADJUST, OK_ARGS, FAR, 0, RMPSIM_FAULT_NPF, 0 },
	{ "rmpquery NULL rmp", RMPQUERY, NULL_RMP, 0, -EINVAL, 0, 0 },
	{ "rmpquery NULL ctx", RMPQUERY, NULL_CTX, 0, -EINVAL, 0, 0 },
	{ "rmpquery NULL out", RMPQUERY, NULL_OUT, 0, -EINVAL, 0, 0 },
	{ "rmpquery VMPL 4", RMPQUERY, VMPL4, 0, -EINVAL, 0, 0 },
	{ "rmpquery beyond the RMP", RMPQUERY, OK_ARGS, FAR, 0, RMPSIM_FAULT_NPF, 0 },
	{ "hv_access NULL rmp", HV_ACCESS, NULL_RMP, 0, -EINVAL, 0, 0 },
	{ "hv_access NULL out", HV_ACCESS, NULL_OUT, 0, -EINVAL, 0, 0 },
	{ "hv_access 8K mapping", HV_ACCESS, BAD_SIZE, 0, -EINVAL, 0, 0 },
	{ "hv_access beyond the RMP", HV_ACCESS, OK_ARGS, FAR, 0, RMPSIM_FAULT_NONE, 0 },
	{ "guest_access NULL rmp", GUEST_ACCESS, NULL_RMP, 0, -EINVAL, 0, 0 },
	{ "guest_access NULL ctx", GUEST_ACCESS, NULL_CTX, 0, -EINVAL, 0, 0 },
	{ "guest_access NULL out", GUEST_ACCESS, NULL_OUT, 0, -EINVAL, 0, 0 },
	{ "guest_access VMPL 4", GUEST_ACCESS, VMPL4, 0, -EINVAL, 0, 0 },
	{ "guest_access 8K NPT leaf", GUEST_ACCESS, BAD_SIZE, 0, -EINVAL, 0, 0 },
	{ "guest_access beyond the RMP", GUEST_ACCESS, OK_ARGS, FAR, 0, RMPSIM_FAULT_NPF, 0 },
	{ "rmpopt NULL rmp", RMPOPT, NULL_RMP, 0, -EINVAL, 0, 0 },
	{ "rmpopt NULL core", RMPOPT, NULL_CTX, 0, -EINVAL, 0, 0 },
	{ "rmpopt NULL out", RMPOPT, NULL_OUT, 0, -EINVAL, 0, 0 },
	{ "rmpopt beyond the RMP", RMPOPT, OK_ARGS, 64 * SZ_1G, 0, RMPSIM_FAULT_NONE, 0 },
};

static int run(struct rmpsim_rmp *table, const struct row *r, struct rmpsim_insn_out *o)
{
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

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct rmpsim_insn_out o;
		memset(&o, 0xa5, sizeof(o));
		int ret = run(rmp, r, &o);
		if (ret != r->want_ret)
			fail_msg("%s: returned %d, want %d", r->name, ret, r->want_ret);
		if (ret < 0) {
			unsigned char *b = (unsigned char *)&o;
			for (size_t k = 0; k < sizeof(o); k++)
				if (b[k] != 0xa5)
					fail_msg("%s: out written on failure (byte %zu)", r->name, k);
			continue;
		}
		if (o.fault != r->fault)
			fail_msg("%s: fault %s, want %s", r->name, rmpsim_fault_name(o.fault),
				 rmpsim_fault_name(r->fault));
		if (o.fault == RMPSIM_FAULT_NONE && o.rax != r->rax)
			fail_msg("%s: rax %llu, want %llu", r->name, (unsigned long long)o.rax,
				 (unsigned long long)r->rax);
		if (o.change.changed)
			fail_msg("%s: changed the table", r->name);
	}
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
