/* SPDX-License-Identifier: MIT */
/* Checks shared by the guest instructions and guest accesses. Internal to src/insn. */
#ifndef RMPSIM_INSN_GUEST_H
#define RMPSIM_INSN_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include <rmpsim/insn.h>
#include <rmpsim/rmp.h>

/*
 * The bits an RMP nested page fault of a guest access carries (A36): PRESENT
 * (the NPT entry is there), USER (nested paging treats every guest access as
 * a user access), GUEST_FINAL (the final translation), RMP; WRITE and FETCH as
 * the access; ENC for a private access. Never SIZEM: AMD (kvm list,
 * 2022-10-13) says SIZEM is set only when PVALIDATE or RMPADJUST fails.
 */
static inline uint64_t rmpsim__npf_bits(unsigned flags)
{
	uint64_t b = RMPSIM_NPF_PRESENT | RMPSIM_NPF_USER | RMPSIM_NPF_GUEST_FINAL | RMPSIM_NPF_RMP;

	if (flags & RMPSIM_ACCESS_WRITE)
		b |= RMPSIM_NPF_WRITE;
	if (flags & RMPSIM_ACCESS_EXEC)
		b |= RMPSIM_NPF_FETCH;
	if (flags & RMPSIM_ACCESS_PRIVATE)
		b |= RMPSIM_NPF_ENC;
	return b;
}

/*
 * The nested page fault of a guest instruction (PVALIDATE, RMPADJUST,
 * RMPQUERY): PRESENT | USER | RMP | ENC, the bits of the error code AMD logged
 * for a PVALIDATE size mismatch, 0xc80000005 (with SIZEM), kvm list
 * 2022-10-13 (A36). No WRITE, no GUEST_FINAL.
 */
#define RMPSIM__INSN_NPF (RMPSIM_NPF_PRESENT | RMPSIM_NPF_USER | RMPSIM_NPF_RMP | RMPSIM_NPF_ENC)

/*
 * The authoritative entry e (at espa, of the given level) belongs to the
 * guest at this GPA: assigned, not immutable, the guest's ASID, and the GPA of
 * spa inside the entry's page equals gpa (spec 3.3, 3.4, 3.5).
 */
static inline bool rmpsim__guest_owns(const struct rmpsim_rmp_entry *e, unsigned level, uint64_t espa,
				      const struct rmpsim_guest_ctx *ctx, uint64_t gpa, uint64_t spa)
{
	(void)level;
	if (!e->assigned || e->immutable || e->asid != ctx->asid || ctx->asid == 0)
		return false;
	return e->gpa + (spa - espa) == gpa;
}

/* The permissions of a VMPL on an entry: VMPL0 has all of them (spec 3.4, A26). */
static inline uint8_t rmpsim__vmpl_perms(const struct rmpsim_rmp_entry *e, unsigned vmpl)
{
	return vmpl == 0 ? (uint8_t)RMPSIM_PERM_ALL : e->vmpl_perms[vmpl & 3];
}

#endif
