/* SPDX-License-Identifier: MIT */
/*
 * RMPQUERY, as Microsoft documents its __rmpquery intrinsic: a guest reads the
 * permission mask a target VMPL has on one of its pages, the page's VMSA bit
 * and its page size. Codes 0 and 2 ("the current ASID isn't zero, or the RMP
 * entry is immutable"). Reads only.
 *
 * Checks, in this order (the return-code precedence, A37, A39):
 *  1. target VMPL 0..3 (A37: no code 1 is documented)         -> FAIL_PERMISSION
 *  2. the SPA is covered by the RMP (A31)                      -> #NPF
 *  3. the authoritative entry is immutable (Microsoft: code 2) -> FAIL_PERMISSION
 *  4. the entry is assigned to the caller at this GPA (A37, as RMPADJUST,
 *     spec 3.4)                                                -> #NPF
 * (every #NPF: PRESENT|USER|RMP|ENC, A36). The "ASID isn't zero" half of
 * code 2 is not read literally (a guest always runs with a non-zero ASID, so
 * the instruction would never succeed), A37.
 */
#include <rmpsim/insn.h>

#include "guest.h"
#include "require.h"

int rmpsim_insn_rmpquery(const struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
			 uint64_t spa, unsigned target_vmpl, struct rmpsim_insn_out *out)
{
	struct rmpsim_insn_out r;
	struct rmpsim_rmp_entry e;
	struct rmpsim_raw_entry raw;
	uint64_t espa;

	if (!rmp || !ctx || !out || ctx->vmpl > 3)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	if (target_vmpl > 3) { /* A37 */
		r.rax = RMPSIM_RMPQUERY_FAIL_PERMISSION;
		goto out;
	}
	gpa = rmpsim__align_down(gpa, RMPSIM_SZ_4K);
	spa = rmpsim__align_down(spa, RMPSIM_SZ_4K);
	if (!rmpsim__require_covered(rmp, spa, RMPSIM_SZ_4K)) { /* A31 */
		r.fault = RMPSIM_FAULT_NPF;
		r.error_code = RMPSIM__INSN_NPF;
		goto out;
	}
	unsigned level = rmpsim__authoritative(rmp, spa, &raw, &e, &espa);
	if (e.immutable) { /* Microsoft __rmpquery: code 2 */
		r.rax = RMPSIM_RMPQUERY_FAIL_PERMISSION;
		goto out;
	}
	if (!rmpsim__guest_owns(&e, level, espa, ctx, gpa, spa)) { /* A37, spec 3.4 */
		r.fault = RMPSIM_FAULT_NPF;
		r.error_code = RMPSIM__INSN_NPF;
		goto out;
	}
	r.rmpquery.target_perm_mask = rmpsim__vmpl_perms(&e, target_vmpl); /* spec 3.4: VMPL0 has all */
	r.rmpquery.vmsa = e.vmsa;
	r.rmpquery.page_size = (uint8_t)level;
out:
	*out = r;
	return 0;
}
