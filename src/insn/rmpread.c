/* SPDX-License-Identifier: MIT */
/*
 * RMPREAD (spec 2.4): the architectural view of the RMP entry of a 4K page.
 *
 * Checks, in this order (A39):
 *  1. the SPA (bits 11:0 ignored, A29) is covered by the RMP (A29) -> FAIL_INPUT
 * The view is the 4K entry of the SPA as stored (inside an assigned 2 MB page
 * that is a sub-entry: assigned, ASID 0, 4K, A25). hpage_region_status is set when any entry of the 2 MB region
 * is assigned (A29, the same rule as the table's summaries).
 */
#include <rmpsim/insn.h>

#include "require.h"

/* The checks and the view; *ret is written only on OK. */
static enum rmpsim_rmpread_rc rmpread(const struct rmpsim_rmp *rmp, uint64_t spa,
				      struct rmpsim_rmpread_entry *ret)
{
	struct rmpsim_rmp_entry e;

	spa = rmpsim__align_down(spa, RMPSIM_SZ_4K);						     /* A29 */
	RMPSIM__REQUIRE(rmpsim__require_covered(rmp, spa, RMPSIM_SZ_4K), RMPSIM_RMPREAD_FAIL_INPUT); /* A29 */
	rmpsim__read_entry(rmp, spa, NULL, &e);
	ret->gpa = e.gpa;
	ret->assigned = e.assigned;
	ret->pagesize = e.pagesize;
	ret->hpage_region_status = rmpsim_rmp_2m_assigned_count(rmp, spa) > 0; /* A29 */
	ret->immutable = e.immutable;
	ret->asid = e.asid;
	return RMPSIM_RMPREAD_OK;
}

int rmpsim_insn_rmpread(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_insn_out *out)
{
	struct rmpsim_insn_out r = { 0 };

	if (!rmp || !out)
		return -EINVAL;
	r.rax = rmpread(rmp, spa, &r.rmpread);
	*out = r;
	return 0;
}
