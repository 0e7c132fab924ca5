/* SPDX-License-Identifier: MIT */
/* Bit positions of the raw RMP entry (spec 2.2), shared by the rmp layer's files. */
#ifndef RMPSIM_RMP_ENTRY_BITS_H
#define RMPSIM_RMP_ENTRY_BITS_H

#include <stdbool.h>
#include <stdint.h>

#include <rmpsim/rmp.h>

#define RMPSIM__LO_ASSIGNED	 (1ull << 0)
#define RMPSIM__LO_PAGESIZE	 (1ull << 1)
#define RMPSIM__LO_IMMUTABLE	 (1ull << 2)
#define RMPSIM__LO_SUBPAGE_SHIFT 3
#define RMPSIM__SUBPAGE_MAX	 0x1ffull
#define RMPSIM__LO_SUBPAGE_MASK	 (RMPSIM__SUBPAGE_MAX << RMPSIM__LO_SUBPAGE_SHIFT)
#define RMPSIM__LO_GPA_SHIFT	 12
#define RMPSIM__GPA_FIELD_MAX	 ((1ull << 39) - 1)
#define RMPSIM__LO_GPA_MASK	 (RMPSIM__GPA_FIELD_MAX << RMPSIM__LO_GPA_SHIFT)
#define RMPSIM__LO_ASID_SHIFT	 51
#define RMPSIM__ASID_MAX	 0x3ffull
#define RMPSIM__LO_VMSA		 (1ull << 61)
#define RMPSIM__LO_VALIDATED	 (1ull << 62)
#define RMPSIM__LO_LOCK		 (1ull << 63)
#define RMPSIM__HI_IKS		 (1ull << 32)
#define RMPSIM__HI_RPID_SHIFT	 49
#define RMPSIM__HI_RPID_MAX	 0x1fu
#define RMPSIM__HI_IDE_SHIFT	 54
#define RMPSIM__HI_IDE_MAX	 0xffu
#define RMPSIM__HI_MIG_SHIFT	 62
#define RMPSIM__HI_MIG_MAX	 0x3u

static inline bool rmpsim__raw_assigned(const struct rmpsim_raw_entry *e)
{
	return e->lo & RMPSIM__LO_ASSIGNED;
}

static inline bool rmpsim__raw_is_zero(const struct rmpsim_raw_entry *e)
{
	return (e->lo | e->hi) == 0;
}

static inline bool rmpsim__raw_equal(const struct rmpsim_raw_entry *a, const struct rmpsim_raw_entry *b)
{
	return a->lo == b->lo && a->hi == b->hi;
}

/*
 * Entry i of a gpa_step run: the GPA field advanced by i pages. The field is 39
 * bits and wraps within itself, never carrying into the ASID (A3).
 */
static inline struct rmpsim_raw_entry rmpsim__raw_advance(struct rmpsim_raw_entry e, uint64_t i)
{
	uint64_t f = (e.lo >> RMPSIM__LO_GPA_SHIFT) + i;

	e.lo = (e.lo & ~RMPSIM__LO_GPA_MASK) | ((f & RMPSIM__GPA_FIELD_MAX) << RMPSIM__LO_GPA_SHIFT);
	return e;
}

static inline uint64_t rmpsim__raw_gpa_field(const struct rmpsim_raw_entry *e)
{
	return (e->lo >> RMPSIM__LO_GPA_SHIFT) & RMPSIM__GPA_FIELD_MAX;
}

#endif
