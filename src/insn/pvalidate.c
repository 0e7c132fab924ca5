/* SPDX-License-Identifier: MIT */
/*
 * PVALIDATE (spec 3.3): an SNP guest at VMPL0 sets or clears the validated
 * bit of one of its 4K or 2 MB pages.
 *
 * Checks, in this order (the return-code precedence, A39):
 *  1. the guest runs at VMPL0 (spec 3.3; A30: #GP(0), no code) -> #GP
 *  2. RCX in {0, 1} and RDX in {0, 1} (A33)                     -> FAIL_INPUT
 *  3. a 2 MB request has 2 MB-aligned GPA and SPA (spec 3.3)    -> FAIL_INPUT
 *  4. the SPA is covered by the RMP (A31)                       -> #NPF
 *  5. the authoritative entry (A38) is assigned, not immutable, has the
 *     guest's ASID and maps this GPA (spec 3.3)                 -> #NPF
 *  6. a 4K request inside an assigned 2 MB entry (spec 3.3)     -> #NPF SIZEM
 * (every #NPF: PRESENT|USER|RMP|ENC, A36)
 *  7. a 2 MB request on a region of 4K entries (spec 3.3)       -> FAIL_SIZEMISMATCH
 *  8. validated already has the requested value (spec 3.3)     -> success, CF = 1
 * Then the validated bit of the authoritative entry flips (A25: for 2 MB
 * only the 2 MB entry holds it; its sub-entries stay as they are).
 */
#include <rmpsim/insn.h>

#include "guest.h"
#include "require.h"

static void pv_fault(struct rmpsim_insn_out *r, uint64_t bits)
{
	r->fault = RMPSIM_FAULT_NPF;
	r->error_code = RMPSIM__INSN_NPF | bits;
}

int rmpsim_insn_pvalidate(struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
			  uint64_t spa, uint64_t rcx, uint64_t rdx, struct rmpsim_insn_out *out)
{
	struct rmpsim_insn_out r;
	struct rmpsim_rmp_entry e;
	struct rmpsim_raw_entry raw;
	uint64_t espa;

	if (!rmp || !ctx || !out || ctx->vmpl > 3)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	if (ctx->vmpl != 0) { /* spec 3.3, A30: #GP(0), as the Enarx shim documents */
		r.fault = RMPSIM_FAULT_GP;
		goto out;
	}
	if (rcx > 1 || rdx > 1) { /* A33 */
		r.rax = RMPSIM_PVALIDATE_FAIL_INPUT;
		goto out;
	}
	uint64_t size = rmpsim__page_bytes((unsigned)rcx);
	if (rcx == RMPSIM_PAGE_2M &&
	    (!rmpsim__require_aligned(gpa, size) || !rmpsim__require_aligned(spa, size))) { /* spec 3.3 */
		r.rax = RMPSIM_PVALIDATE_FAIL_INPUT;
		goto out;
	}
	gpa = rmpsim__align_down(gpa, RMPSIM_SZ_4K);
	spa = rmpsim__align_down(spa, RMPSIM_SZ_4K);
	if (!rmpsim__require_covered(rmp, spa, size)) { /* A31 */
		pv_fault(&r, 0);
		goto out;
	}
	unsigned level = rmpsim__authoritative(rmp, spa, &raw, &e, &espa);
	if (!rmpsim__guest_owns(&e, level, espa, ctx, gpa, spa)) { /* spec 3.3 */
		pv_fault(&r, 0);
		goto out;
	}
	if (rcx == RMPSIM_PAGE_4K && level == RMPSIM_PAGE_2M) { /* spec 3.3 */
		pv_fault(&r, RMPSIM_NPF_SIZEM);
		goto out;
	}
	if (rcx == RMPSIM_PAGE_2M && e.pagesize != RMPSIM_PAGE_2M) { /* spec 3.3 */
		r.rax = RMPSIM_PVALIDATE_FAIL_SIZEMISMATCH;
		goto out;
	}
	if (e.validated == (rdx == 1)) { /* spec 3.3: CF, nothing written */
		r.cf = true;
		goto out;
	}
	e.validated = rdx == 1;
	struct rmpsim_raw_entry nr;
	rmpsim_entry_encode(&e, &nr);
	if (rmpsim_rmp_set(rmp, espa, &nr) < 0)
		return -ENOMEM;
	rmpsim__change_set(&r.change, true, false, espa, rmpsim__page_bytes(e.pagesize));
out:
	*out = r;
	return 0;
}
