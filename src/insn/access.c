/* SPDX-License-Identifier: MIT */
/*
 * RMP checks on memory accesses (spec 3.5), without RMPOPT.
 *
 * Hypervisor (and non-SNP guest) access, checks in this order:
 *  1. a read is never checked (spec 3.5)                        -> allowed
 *  2. an SPA without an RMP entry is not checked (A34)          -> allowed
 *  3. 4K mapping: the authoritative entry (A38) is assigned (spec 3.5)
 *     2M or 1G mapping: some entry of the 2 MB region holding the SPA is
 *     assigned (spec 3.5 rule 2; 1G checked as that 2 MB region, A34)
 *                                                               -> #PF RMP
 *  4. only with RMPSIM_ACCESS_IMMUTABLE_FAULTS: an immutable entry under the
 *     mapping (A34; by default HV_FIXED pages are writable)    -> #PF RMP
 *
 * SNP guest access, checks in this order (A35; every #NPF also has PRESENT,
 * USER and GUEST_FINAL, A36):
 *  1. an SPA without an RMP entry: shared allowed, private      -> #NPF RMP|ENC
 *  2. shared: as the hypervisor rule 3, reads included          -> #NPF RMP
 *  3. private: the authoritative entry is assigned to the guest at this GPA
 *     and not immutable (spec 3.5)                              -> #NPF RMP|ENC
 *  4. private: the NPT leaf size (1G as 2M) equals the RMP page size (spec 3.5)
 *                                                               -> #NPF RMP|ENC
 *     (no SIZEM: AMD sets it only when PVALIDATE or RMPADJUST fails, A36)
 *  5. private: the page is validated (A32)                      -> #VC 0x404
 *  6. private: the VMPL has the permission (spec 3.5)           -> #NPF RMP|ENC|VMPL
 */
#include <rmpsim/insn.h>

#include "guest.h"
#include "require.h"

static bool mapping_size_ok(uint64_t size)
{
	return size == RMPSIM_SZ_4K || size == RMPSIM_SZ_2M || size == RMPSIM_SZ_1G;
}

static int immutable_visit(void *ctx, uint64_t spa, const struct rmpsim_raw_entry *raw)
{
	bool *found = ctx;
	struct rmpsim_rmp_entry e;

	(void)spa;
	rmpsim_entry_decode(raw, &e);
	if (e.immutable) {
		*found = true;
		return 1;
	}
	return 0;
}

/* Whether some entry under a leaf mapping of size at spa blocks it (spec 3.5, A34). */
static bool mapping_blocked(const struct rmpsim_rmp *rmp, uint64_t spa, uint64_t size, bool immutable_faults)
{
	struct rmpsim_rmp_entry e;
	struct rmpsim_raw_entry raw;
	uint64_t espa;

	if (size == RMPSIM_SZ_4K) {
		rmpsim__authoritative(rmp, spa, &raw, &e, &espa);
		if (e.assigned) /* spec 3.5 */
			return true;
		if (immutable_faults) { /* A34 */
			rmpsim__read_entry(rmp, spa, NULL, &e);
			return e.immutable;
		}
		return false;
	}
	if (rmpsim_rmp_2m_assigned_count(rmp, spa) > 0) /* spec 3.5, A34 */
		return true;
	if (immutable_faults) { /* A34 */
		bool found = false;
		(void)rmpsim_rmp_2m_for_each_nonzero(rmp, spa, immutable_visit, &found);
		return found;
	}
	return false;
}

int rmpsim_insn_hv_access(const struct rmpsim_rmp *rmp, uint64_t spa, uint64_t mapping_size, unsigned flags,
			  struct rmpsim_insn_out *out)
{
	struct rmpsim_insn_out r = { 0 };

	if (!rmp || !out || !mapping_size_ok(mapping_size))
		return -EINVAL;
	spa = rmpsim__align_down(spa, RMPSIM_SZ_4K);
	if (!(flags & RMPSIM_ACCESS_WRITE)) /* spec 3.5 */
		goto out;
	if (!rmpsim__require_covered(rmp, spa, RMPSIM_SZ_4K)) /* A34 */
		goto out;
	if (mapping_blocked(rmp, spa, mapping_size, flags & RMPSIM_ACCESS_IMMUTABLE_FAULTS)) {
		r.fault = RMPSIM_FAULT_PF;
		r.error_code = RMPSIM_PF_RMP | RMPSIM_PF_PRESENT | RMPSIM_PF_WRITE;
		if (flags & RMPSIM_ACCESS_USER)
			r.error_code |= RMPSIM_PF_USER;
	}
out:
	*out = r;
	return 0;
}

/* The permission an access needs (spec 3.5, 2.2 bits). */
static uint8_t needed_perm(unsigned flags)
{
	if (flags & RMPSIM_ACCESS_EXEC)
		return (flags & RMPSIM_ACCESS_USER) ? RMPSIM_PERM_EXEC_USER : RMPSIM_PERM_EXEC_SUPER;
	return (flags & RMPSIM_ACCESS_WRITE) ? RMPSIM_PERM_WRITE : RMPSIM_PERM_READ;
}

int rmpsim_insn_guest_access(const struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
			     uint64_t spa, uint64_t npt_size, unsigned flags, struct rmpsim_insn_out *out)
{
	struct rmpsim_insn_out r = { 0 };
	struct rmpsim_rmp_entry e;
	struct rmpsim_raw_entry raw;
	uint64_t espa;
	bool priv = (flags & RMPSIM_ACCESS_PRIVATE) != 0;

	if (!rmp || !ctx || !out || ctx->vmpl > 3 || !mapping_size_ok(npt_size))
		return -EINVAL;
	gpa = rmpsim__align_down(gpa, RMPSIM_SZ_4K);
	spa = rmpsim__align_down(spa, RMPSIM_SZ_4K);
	if (!rmpsim__require_covered(rmp, spa, RMPSIM_SZ_4K)) { /* A35 */
		if (priv) {
			r.fault = RMPSIM_FAULT_NPF;
			r.error_code = rmpsim__npf_bits(flags);
		}
		goto out;
	}
	if (!priv) {
		if (mapping_blocked(rmp, spa, npt_size, false)) { /* spec 3.5, A35 */
			r.fault = RMPSIM_FAULT_NPF;
			r.error_code = rmpsim__npf_bits(flags);
		}
		goto out;
	}
	unsigned level = rmpsim__authoritative(rmp, spa, &raw, &e, &espa);
	unsigned npt_level = npt_size == RMPSIM_SZ_4K ? RMPSIM_PAGE_4K : RMPSIM_PAGE_2M; /* A35: 1G as 2M */
	if (!rmpsim__guest_owns(&e, level, espa, ctx, gpa, spa)) {			 /* spec 3.5 */
		r.fault = RMPSIM_FAULT_NPF;
		r.error_code = rmpsim__npf_bits(flags);
	} else if (level != npt_level) { /* spec 3.5, A35; A36: no SIZEM on an access */
		r.fault = RMPSIM_FAULT_NPF;
		r.error_code = rmpsim__npf_bits(flags);
	} else if (!e.validated) { /* A32 */
		r.fault = RMPSIM_FAULT_VC;
		r.error_code = RMPSIM_VC_PAGE_NOT_VALIDATED;
	} else if (!(rmpsim__vmpl_perms(&e, ctx->vmpl) & needed_perm(flags))) { /* spec 3.5 */
		r.fault = RMPSIM_FAULT_NPF;
		r.error_code = rmpsim__npf_bits(flags) | RMPSIM_NPF_VMPL;
	}
out:
	*out = r;
	return 0;
}
