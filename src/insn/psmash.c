/* SPDX-License-Identifier: MIT */
/*
 * PSMASH (spec 3.2): split the 2 MB entry at a 2 MB-aligned SPA into 512 4K
 * entries that keep its attributes (validated, vmsa, VMPL permissions, the
 * other hi fields); entry i gets the GPA of the 2 MB page + i * 4K, over the
 * sub-entries the 2 MB page held (A25).
 *
 * Return codes are those Microsoft's __psmash documents: 0, 1, 2 ("the current
 * ASID isn't zero": never here, the model runs PSMASH as the hypervisor), 3
 * ("another processor is modifying the same RMP entry") and 7 ("the page
 * doesn't meet the requirements for expansion"; AMD's debug log on the kvm
 * list, 2022-10-13, shows rc 7 for PSMASH of a 4K entry). There is no 4.
 *
 * Checks, in this order (the return-code precedence, A39):
 *  1. spa 2 MB aligned (spec 3.2)                               -> FAIL_INPUT
 *  2. the whole 2 MB region covered by the RMP (A28)            -> FAIL_INPUT
 *  3. the 2 MB-aligned entry is an assigned 2 MB entry (A28)    -> 7
 *  4. that entry is not immutable (A28)                         -> 7
 *  5. its lock bit is clear (A28)                               -> FAIL_INUSE
 * An unassigned 2 MB entry (a hypervisor page with a size hint) is not
 * split: there is no guest page to expand, and splitting it would overwrite
 * the other 511 entries (which may be HV_FIXED) (A28).
 */
#include <rmpsim/insn.h>

#include "require.h"
#include "rmp/unchecked.h"

/* Checks 1-5 on the raw head entry (no decode: the hot path); fills *v (head stored, subpage_count 0). */
static enum rmpsim_psmash_rc psmash_check(const struct rmpsim_rmp *rmp, uint64_t spa,
					  struct rmpsim__rmp_view *v)
{
	RMPSIM__REQUIRE(rmpsim__require_aligned(spa, RMPSIM_SZ_2M), RMPSIM_PSMASH_FAIL_INPUT); /* spec 3.2 */
	RMPSIM__REQUIRE(rmpsim__require_covered(rmp, spa, RMPSIM_SZ_2M), RMPSIM_PSMASH_FAIL_INPUT); /* A28 */
	rmpsim__rmp_get_view(rmp, spa, true, v);
	const struct rmpsim_raw_entry *head = &v->e;
	RMPSIM__REQUIRE((head->lo & (RMPSIM__LO_ASSIGNED | RMPSIM__LO_PAGESIZE)) ==
				(RMPSIM__LO_ASSIGNED | RMPSIM__LO_PAGESIZE),
			RMPSIM_PSMASH_FAIL_EXPAND);					/* A28 */
	RMPSIM__REQUIRE(!(head->lo & RMPSIM__LO_IMMUTABLE), RMPSIM_PSMASH_FAIL_EXPAND); /* A28 */
	RMPSIM__REQUIRE(!(head->lo & RMPSIM__LO_LOCK), RMPSIM_PSMASH_FAIL_INUSE);	/* A28 */
	return RMPSIM_PSMASH_OK;
}

int rmpsim_insn_psmash(struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_insn_out *out)
{
	struct rmpsim__rmp_view v;
	struct rmpsim_insn_out r = { 0 };

	if (!rmp || !out)
		return -EINVAL;
	enum rmpsim_psmash_rc rc = psmash_check(rmp, spa, &v);
	if (rc == RMPSIM_PSMASH_OK) {
		/* Entry 0 of the run: the head as a 4K entry, every other field kept (spec 3.2). */
		struct rmpsim_raw_entry first = { v.e.lo & ~(RMPSIM__LO_PAGESIZE | RMPSIM__LO_SUBPAGE_MASK),
						  v.e.hi };
		/*
		 * The 512 entries as one slot write: one stepping run, its GPA a
		 * page's worth further each slot, so a guest's PSMASH'd pages share
		 * a template of their region (no allocation). A slot write takes no
		 * run that wraps its GPA field (an entry RMPUPDATE did not make,
		 * A3): those go through the range write, which splits them.
		 */
		const struct rmpsim__rmp_shape w = { 1,
						     { { first, 0, RMPSIM_ENTRIES_PER_2M, true } },
						     { true } };
		bool wraps =
			rmpsim__raw_gpa_field(&first) > RMPSIM__GPA_FIELD_MAX - (RMPSIM_ENTRIES_PER_2M - 1);
		if ((wraps ? rmpsim_rmp_set_range(rmp, spa, RMPSIM_ENTRIES_PER_2M, &first, true)
			   : rmpsim__rmp_set_slots(rmp, spa, 1, &w)) < 0)
			return -ENOMEM;
		/* A27: the sub-entries were assigned already (A25); only a region that was not whole counts. */
		rmpsim__change_set(&r.change, true, v.count_2m < RMPSIM_ENTRIES_PER_2M, spa, RMPSIM_SZ_2M);
	}
	r.rax = rc;
	*out = r;
	return 0;
}
