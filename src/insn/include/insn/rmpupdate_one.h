/* SPDX-License-Identifier: MIT */
/*
 * One RMPUPDATE on the fused path (issue 14 point 5: a few hundred
 * instructions per operation). The instruction layer's path
 * (rmpsim_insn_rmpupdate, src/insn/rmpupdate.c) and the machine layer's
 * fused path (src/machine/rmpupdate.c: from the region's lock straight into
 * the store) run these same functions, so they cannot differ.
 *
 * A 4K page, inline: checks 1-2 (A21, A22) here; check 3 (A20), the look-up,
 * checks 4-6 and the write in one call of the store (rmpsim__rmp_edit_4k,
 * rmp/unchecked.h), which refuses the write on exactly the bits checks 4-5
 * read and on check 6's question (A24) and reports the old entry's lo; which
 * check failed is then decided here, in the documented order (A39). A 2 MB
 * page: rmpsim__insn_rmpupdate_2m below. The check list is at the top of
 * src/insn/rmpupdate.c.
 */
#ifndef RMPSIM_INSN_RMPUPDATE_ONE_H
#define RMPSIM_INSN_RMPUPDATE_ONE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rmpsim/insn.h>

#include "rmp/entry_bits.h"
#include "rmp/unchecked.h"

/* Check 1 (A21). */
static inline bool rmpsim__rmpupdate_operands_ok(const struct rmpsim_rmp_state *in, uint64_t gpa)
{
	if (in->pagesize > 1 || in->assigned > 1 || in->immutable > 1 || in->rsvd != 0) /* A21 */
		return false;
	uint64_t size = in->pagesize == RMPSIM_PAGE_2M ? RMPSIM_SZ_2M : RMPSIM_SZ_4K;
	if (!in->assigned)
		return !in->immutable; /* A21: the hypervisor cannot make HV_FIXED pages */
	return in->asid <= RMPSIM_ASID_MAX && (gpa & (size - 1)) == 0 && gpa < RMPSIM_GPA_LIMIT &&
	       size <= RMPSIM_GPA_LIMIT - gpa; /* A21 */
}

/*
 * The raw entry RMPUPDATE writes over old (A26, after VeriSMo's
 * RmpEntry::trans, which resets validated, vmsa and the permissions for every
 * guest-owned or shared new state): the state of *in, lock and subpage_count
 * 0, validated and vmsa 0, the four VMPL permission bytes 0 (VMPL0 keeps its
 * implicit full rights, spec 3.4); the hi fields above the permissions
 * (implicit key select, root port, IDE stream, page migration) are kept.
 * Operands passed check 1, so asid and GPA fit.
 */
#define RMPSIM__RMPUPDATE_KEEP_HI (~0xffffffffull) /* A26 */
static inline struct rmpsim_raw_entry
rmpsim__rmpupdate_new_raw(const struct rmpsim_raw_entry *old, const struct rmpsim_rmp_state *in, uint64_t gpa)
{
	uint64_t new_gpa = in->assigned ? gpa : 0;		   /* A21: no owner on hypervisor pages */
	uint16_t new_asid = in->assigned ? (uint16_t)in->asid : 0; /* A21 */
	struct rmpsim_raw_entry n;

	n.lo = (in->assigned ? RMPSIM__LO_ASSIGNED : 0) | ((uint64_t)(in->pagesize & 1u) << 1) |
	       (in->immutable ? RMPSIM__LO_IMMUTABLE : 0) |
	       (((new_gpa >> 12) & RMPSIM__GPA_FIELD_MAX) << RMPSIM__LO_GPA_SHIFT) |
	       (((uint64_t)new_asid & RMPSIM__ASID_MAX) << RMPSIM__LO_ASID_SHIFT);
	n.hi = old->hi & RMPSIM__RMPUPDATE_KEEP_HI; /* A26 */
	return n;
}

/*
 * One 4K page with an explicit GPA (in->pagesize anything but 2 MB: check 1
 * refuses a bad one): its code, or -ENOMEM (nothing written); *changed, and
 * *assigned when the entry went from unassigned to assigned (A27).
 */
static inline int rmpsim__rmpupdate_4k(struct rmpsim_rmp *rmp, uint64_t spa,
				       const struct rmpsim_rmp_state *in, uint64_t gpa, bool *changed,
				       bool *assigned)
{
	static const struct rmpsim_raw_entry zero = { 0, 0 };
	uint64_t old_lo;

	*changed = *assigned = false;
	if (!rmpsim__rmpupdate_operands_ok(in, gpa) || (spa & (RMPSIM_SZ_4K - 1)))
		return RMPSIM_RMPUPDATE_FAIL_INPUT; /* A21, A22 */
	const struct rmpsim__rmp_edit ed = { rmpsim__rmpupdate_new_raw(&zero, in, gpa),
					     RMPSIM__RMPUPDATE_KEEP_HI,
					     RMPSIM__LO_IMMUTABLE | RMPSIM__LO_LOCK, true };
	int f = rmpsim__rmp_edit_4k(rmp, spa, &ed, &old_lo);
	if (f < 0)
		return f; /* -ENOMEM */
	if (f & RMPSIM__EDIT_UNCOVERED)
		return RMPSIM_RMPUPDATE_FAIL_INPUT; /* A20 */
	if (f & RMPSIM__EDIT_REFUSED)
		return (old_lo & RMPSIM__LO_IMMUTABLE) ? RMPSIM_RMPUPDATE_FAIL_PERMISSION /* spec 3.1 */
		       : (old_lo & RMPSIM__LO_LOCK)    ? RMPSIM_RMPUPDATE_FAIL_INUSE	  /* A23 */
						       : RMPSIM_RMPUPDATE_FAIL_OVERLAP;	  /* A24 */
	*changed = f & RMPSIM__EDIT_WRITTEN;
	*assigned = *changed && in->assigned && !(old_lo & RMPSIM__LO_ASSIGNED);
	return RMPSIM_RMPUPDATE_OK;
}

/*
 * One 2 MB page with an explicit GPA (in->pagesize 2 MB): its code, or
 * -ENOMEM; *changed, *assigned as rmpsim__rmpupdate_4k. A covered 2 MB
 * region that is all zero (a guest's launch: checks 4-6 cannot fail there)
 * is written in one store call (rmpsim__rmp_fill_zero_2m); any other goes
 * through the region's view and checks 4-6 entry by entry.
 */
int rmpsim__insn_rmpupdate_2m(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
			      uint64_t gpa, bool *changed, bool *assigned);

/* The outcome of one RMPUPDATE (code rc >= 0), written in place once. */
static inline void rmpsim__rmpupdate_out(int rc, bool changed, bool assigned, uint64_t spa, uint64_t bytes,
					 struct rmpsim_insn_out *out)
{
	/*
	 * Cleared in two parts: gcc clears a block of at most 64 bytes with a few
	 * vector stores but the whole 104-byte outcome with `rep stos`, one
	 * instruction per 8 bytes (13 of the ~300 an RMPUPDATE may cost).
	 */
	_Static_assert(sizeof(*out) > 64, "the outcome is cleared in two parts");
	memset(out, 0, 64);
	memset((char *)out + 64, 0, sizeof(*out) - 64);
	out->rax = (uint64_t)rc;
	out->done = rc == RMPSIM_RMPUPDATE_OK;
	out->change.changed = changed;
	out->change.assigned = assigned;
	out->change.spa = changed ? spa : 0;
	out->change.bytes = changed ? bytes : 0;
}

#endif
