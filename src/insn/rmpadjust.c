/* SPDX-License-Identifier: MIT */
/*
 * RMPADJUST (spec 3.4): an SNP guest grants a less privileged VMPL
 * permissions on one of its pages (at most its own), and marks VMSA pages.
 *
 * Checks, in this order (the return-code precedence, A39):
 *  1. RCX in {0, 1}; RDX bits 7:0 a VMPL 0..3, bits 15:13 and 63:17 zero,
 *     permissions in RMPSIM_PERM_ALL (A33)                      -> FAIL_INPUT
 *  2. a 2 MB request has 2 MB-aligned GPA and SPA (A33)         -> FAIL_INPUT
 *  3. the VMSA bit with a 2 MB request, at VMPL0 (A33)          -> FAIL_INPUT
 *  4. target VMPL numerically greater than the caller's (spec 3.4)
 *                                                               -> FAIL_PERMISSION
 *  5. the SPA is covered by the RMP (A31)                       -> #NPF
 *  6. the authoritative entry is assigned to the caller at this GPA and not
 *     immutable (spec 3.4)                                      -> #NPF
 *  7. a 4K request inside an assigned 2 MB entry (A35)          -> #NPF SIZEM
 * (every #NPF: PRESENT|USER|RMP|ENC, A36)
 *  8. a 2 MB request on a region of 4K entries (spec 3.4)       -> FAIL_SIZEMISMATCH
 *  9. the page is validated (spec 3.4; #VC per A32)             -> #VC
 * 10. the permissions are a subset of the caller's (spec 3.4)   -> FAIL_PERMISSION
 * Then the target VMPL's permission byte is written, and the VMSA bit when the
 * caller runs at VMPL0: Microsoft's __rmpadjust says the VMSA input is
 * "ignored when the current VMPL != 0", so at VMPL1-3 the entry keeps its VMSA
 * bit.
 */
#include <rmpsim/insn.h>

#include "guest.h"
#include "require.h"

/* RDX bits that must be zero (A33): 15:13 (permission bits 7:5) and 63:17. */
#define RMPADJUST_RSVD                                                                                       \
	(~(RMPSIM_RMPADJUST_VMPL_MASK | ((uint64_t)RMPSIM_PERM_ALL << RMPSIM_RMPADJUST_PERM_SHIFT) |         \
	   RMPSIM_RMPADJUST_VMSA))

static void adj_fault(struct rmpsim_insn_out *r, uint64_t bits)
{
	r->fault = RMPSIM_FAULT_NPF;
	r->error_code = RMPSIM__INSN_NPF | bits;
}

int rmpsim_insn_rmpadjust(struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
			  uint64_t spa, uint64_t rcx, uint64_t rdx, struct rmpsim_insn_out *out)
{
	struct rmpsim_insn_out r;
	struct rmpsim_rmp_entry e;
	struct rmpsim_raw_entry raw;
	uint64_t espa;

	if (!rmp || !ctx || !out || ctx->vmpl > 3)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	unsigned target = (unsigned)(rdx & RMPSIM_RMPADJUST_VMPL_MASK);
	uint8_t perms = (uint8_t)(rdx >> RMPSIM_RMPADJUST_PERM_SHIFT);
	/* Microsoft __rmpadjust: the VMSA input is ignored unless the caller runs at VMPL0. */
	bool vmsa_input = ctx->vmpl == 0;
	bool vmsa = vmsa_input && (rdx & RMPSIM_RMPADJUST_VMSA) != 0;

	if (rcx > 1 || (rdx & RMPADJUST_RSVD) || target > 3) { /* A33 */
		r.rax = RMPSIM_RMPADJUST_FAIL_INPUT;
		goto out;
	}
	uint64_t size = rmpsim__page_bytes((unsigned)rcx);
	if (rcx == RMPSIM_PAGE_2M &&
	    (!rmpsim__require_aligned(gpa, size) || !rmpsim__require_aligned(spa, size))) { /* A33 */
		r.rax = RMPSIM_RMPADJUST_FAIL_INPUT;
		goto out;
	}
	if (rcx == RMPSIM_PAGE_2M && vmsa) { /* A33: a VMSA is one 4K page */
		r.rax = RMPSIM_RMPADJUST_FAIL_INPUT;
		goto out;
	}
	if (target <= ctx->vmpl) { /* spec 3.4 */
		r.rax = RMPSIM_RMPADJUST_FAIL_PERMISSION;
		goto out;
	}
	gpa = rmpsim__align_down(gpa, RMPSIM_SZ_4K);
	spa = rmpsim__align_down(spa, RMPSIM_SZ_4K);
	if (!rmpsim__require_covered(rmp, spa, size)) { /* A31 */
		adj_fault(&r, 0);
		goto out;
	}
	unsigned level = rmpsim__authoritative(rmp, spa, &raw, &e, &espa);
	if (!rmpsim__guest_owns(&e, level, espa, ctx, gpa, spa)) { /* spec 3.4 */
		adj_fault(&r, 0);
		goto out;
	}
	if (rcx == RMPSIM_PAGE_4K && level == RMPSIM_PAGE_2M) { /* A35 */
		adj_fault(&r, RMPSIM_NPF_SIZEM);
		goto out;
	}
	if (rcx == RMPSIM_PAGE_2M && e.pagesize != RMPSIM_PAGE_2M) { /* spec 3.4 */
		r.rax = RMPSIM_RMPADJUST_FAIL_SIZEMISMATCH;
		goto out;
	}
	if (!e.validated) { /* spec 3.4, A32 */
		r.fault = RMPSIM_FAULT_VC;
		r.error_code = RMPSIM_VC_PAGE_NOT_VALIDATED;
		goto out;
	}
	if ((perms & ~rmpsim__vmpl_perms(&e, ctx->vmpl)) != 0) { /* spec 3.4 */
		r.rax = RMPSIM_RMPADJUST_FAIL_PERMISSION;
		goto out;
	}
	e.vmpl_perms[target] = perms;
	if (vmsa_input)
		e.vmsa = vmsa;
	struct rmpsim_raw_entry nr;
	rmpsim_entry_encode(&e, &nr);
	if (!rmpsim__raw_same(&raw, &nr)) {
		if (rmpsim_rmp_set(rmp, espa, &nr) < 0)
			return -ENOMEM;
		rmpsim__change_set(&r.change, true, false, espa, rmpsim__page_bytes(e.pagesize));
	}
out:
	*out = r;
	return 0;
}
