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
 * page: rmpsim__rmpupdate_2m below. The check list is at the top of
 * src/insn/rmpupdate.c.
 */
#ifndef RMPSIM_INSN_RMPUPDATE_ONE_H
#define RMPSIM_INSN_RMPUPDATE_ONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rmpsim/insn.h>

#include "rmp/entry_bits.h"
#include "rmp/unchecked.h"

/*
 * Check 1 (A21). The four one-byte operands are read as one word: pagesize,
 * assigned and immutable in {0, 1} and rsvd 0 exactly when no bit of the mask
 * is set (little-endian: assigned is its low byte).
 */
#define RMPSIM__RMPUPDATE_OPS_BAD 0xfffefefeu /* rsvd, immutable, pagesize, assigned */
_Static_assert(offsetof(struct rmpsim_rmp_state, pagesize) ==
			       offsetof(struct rmpsim_rmp_state, assigned) + 1 &&
		       offsetof(struct rmpsim_rmp_state, immutable) ==
			       offsetof(struct rmpsim_rmp_state, assigned) + 2 &&
		       offsetof(struct rmpsim_rmp_state, rsvd) ==
			       offsetof(struct rmpsim_rmp_state, assigned) + 3,
	       "the one-byte operands are one word");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the operand word's low byte is assigned");
static inline bool rmpsim__rmpupdate_operands_ok(const struct rmpsim_rmp_state *in, uint64_t gpa)
{
	uint32_t ops;

	memcpy(&ops, (const char *)in + offsetof(struct rmpsim_rmp_state, assigned), sizeof(ops));
	if (ops & RMPSIM__RMPUPDATE_OPS_BAD) /* A21 */
		return false;
	if (!in->assigned)
		return !in->immutable; /* A21: the hypervisor cannot make HV_FIXED pages */
	uint64_t size = in->pagesize == RMPSIM_PAGE_2M ? RMPSIM_SZ_2M : RMPSIM_SZ_4K;
	/* A GPA aligned to the page size below 2^51 (a multiple of it) also ends by 2^51. */
	_Static_assert(RMPSIM_GPA_LIMIT % RMPSIM_SZ_2M == 0, "an aligned page below the limit ends by it");
	return in->asid <= RMPSIM_ASID_MAX && (gpa & (size - 1)) == 0 && gpa < RMPSIM_GPA_LIMIT; /* A21 */
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
	/* A21: no owner on hypervisor pages; the GPA field is bits 50:12 of the GPA. */
	uint64_t gpa_field = gpa & RMPSIM__LO_GPA_MASK;
	uint64_t asid_field = ((uint64_t)in->asid & RMPSIM__ASID_MAX) << RMPSIM__LO_ASID_SHIFT;
	uint64_t owner = in->assigned ? gpa_field | asid_field : 0;
	struct rmpsim_raw_entry n;

	_Static_assert(RMPSIM__LO_ASSIGNED == 1 && RMPSIM__LO_PAGESIZE == 2 && RMPSIM__LO_IMMUTABLE == 4,
		       "the three operand bits, each 0 or 1 after check 1, in place");
	n.lo = (uint64_t)in->assigned | ((uint64_t)in->pagesize << 1) | ((uint64_t)in->immutable << 2) |
	       owner;
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

/* The general 2 MB path (src/insn/rmpupdate.c, out of line): checks 4-6 on the region's view. */
int rmpsim__insn_rmpupdate_2m_viewed(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
				     uint64_t gpa, bool *changed, bool *assigned);

/*
 * What a 2 MB page's slot holds after RMPUPDATE writes head entry n: the head
 * and its 511 sub-entries (A25: assigned, ASID 0, 4K for an assigned page, as
 * AMD-ASPFW's sev_mcmd.c; zero otherwise). An assigned head's GPA advances a
 * page's worth a slot, so a guest's 2 MB pages share one template.
 */
static inline void rmpsim__rmpupdate_2m_shape(const struct rmpsim_rmp_state *in,
					      const struct rmpsim_raw_entry *n, struct rmpsim__rmp_shape *w)
{
	rmpsim__rmp_page_2m_shape(*n, in->assigned ? RMPSIM__LO_ASSIGNED : 0, in->assigned, w); /* A25 */
}

/*
 * One 2 MB page with an explicit GPA (in->pagesize 2 MB): its code, or
 * -ENOMEM; *changed, *assigned as rmpsim__rmpupdate_4k. Checks 1-2 here; a
 * covered 2 MB region that is all zero (a guest's launch: checks 4-6 cannot
 * fail there) is written in one store call (rmpsim__rmp_fill_zero_2m, which
 * answers check 3); any other goes through the region's view and checks 4-6
 * entry by entry (rmpsim__insn_rmpupdate_2m_viewed).
 */
static inline int rmpsim__rmpupdate_2m(struct rmpsim_rmp *rmp, uint64_t spa,
				       const struct rmpsim_rmp_state *in, uint64_t gpa, bool *changed,
				       bool *assigned)
{
	static const struct rmpsim_raw_entry zero = { 0, 0 };

	*changed = *assigned = false;
	if (!rmpsim__rmpupdate_operands_ok(in, gpa) || (spa & (RMPSIM_SZ_2M - 1)))
		return RMPSIM_RMPUPDATE_FAIL_INPUT; /* A21, spec 3.1 */
	/* Over an all-zero region: no entry immutable, locked or assigned (checks 4-6 pass), the head was zero. */
	const struct rmpsim_raw_entry n = rmpsim__rmpupdate_new_raw(&zero, in, gpa);
	/* The page's shape (rmpsim__rmpupdate_2m_shape), as values. */
	int f = rmpsim__rmp_fill_zero_2m(rmp, spa, n, in->assigned ? RMPSIM__LO_ASSIGNED : 0, in->assigned);
	if (f < 0)
		return f; /* -ENOMEM */
	if (f & RMPSIM__EDIT_UNCOVERED)
		return RMPSIM_RMPUPDATE_FAIL_INPUT; /* A20 */
	if (f & RMPSIM__EDIT_REFUSED)		    /* not known all zero: the region's view */
		return rmpsim__insn_rmpupdate_2m_viewed(rmp, spa, in, gpa, changed, assigned);
	*changed = f & RMPSIM__EDIT_WRITTEN;
	*assigned = *changed && in->assigned; /* the head (A27) */
	return RMPSIM_RMPUPDATE_OK;
}

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
