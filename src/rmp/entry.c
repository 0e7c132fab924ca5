/* SPDX-License-Identifier: MIT */
/*
 * The two entry formats: the raw 16 bytes of spec 2.2 and the architectural
 * RMPREAD output of spec 2.4. Every field is masked to its width on encode, so
 * an out-of-range value never spills into a neighbouring field.
 */
#include <string.h>

#include <rmpsim/rmp.h>

#include "rmp/entry_bits.h"

/* spec 2.2: hi bits the model names; the rest is kept verbatim in hi_reserved. */
#define HI_KNOWN_MASK                                                                                        \
	(0xffffffffull | RMPSIM__HI_IKS | ((uint64_t)RMPSIM__HI_RPID_MAX << RMPSIM__HI_RPID_SHIFT) |         \
	 ((uint64_t)RMPSIM__HI_IDE_MAX << RMPSIM__HI_IDE_SHIFT) |                                            \
	 ((uint64_t)RMPSIM__HI_MIG_MAX << RMPSIM__HI_MIG_SHIFT))

void rmpsim_entry_encode(const struct rmpsim_rmp_entry *e, struct rmpsim_raw_entry *ret_raw)
{
	uint64_t lo = 0, hi = 0;

	if (!e || !ret_raw)
		return;

	/* spec 2.2: lo */
	lo |= e->assigned ? RMPSIM__LO_ASSIGNED : 0;
	lo |= (uint64_t)(e->pagesize & 1u) << 1;
	lo |= e->immutable ? RMPSIM__LO_IMMUTABLE : 0;
	lo |= ((uint64_t)e->subpage_count & RMPSIM__SUBPAGE_MAX) << RMPSIM__LO_SUBPAGE_SHIFT;
	lo |= ((e->gpa >> 12) & RMPSIM__GPA_FIELD_MAX) << RMPSIM__LO_GPA_SHIFT;
	lo |= ((uint64_t)e->asid & RMPSIM__ASID_MAX) << RMPSIM__LO_ASID_SHIFT;
	lo |= e->vmsa ? RMPSIM__LO_VMSA : 0;
	lo |= e->validated ? RMPSIM__LO_VALIDATED : 0;
	lo |= e->lock ? RMPSIM__LO_LOCK : 0;
	/* spec 2.2: hi */
	for (unsigned i = 0; i < 4; i++)
		hi |= (uint64_t)e->vmpl_perms[i] << (8 * i);
	hi |= e->implicit_key_select ? RMPSIM__HI_IKS : 0;
	hi |= ((uint64_t)e->root_port_id & RMPSIM__HI_RPID_MAX) << RMPSIM__HI_RPID_SHIFT;
	hi |= ((uint64_t)e->pcie_ide_stream_id & RMPSIM__HI_IDE_MAX) << RMPSIM__HI_IDE_SHIFT;
	hi |= ((uint64_t)e->page_migration & RMPSIM__HI_MIG_MAX) << RMPSIM__HI_MIG_SHIFT;
	hi |= e->hi_reserved & ~HI_KNOWN_MASK;
	ret_raw->lo = lo;
	ret_raw->hi = hi;
}

void rmpsim_entry_decode(const struct rmpsim_raw_entry *raw, struct rmpsim_rmp_entry *ret_e)
{
	struct rmpsim_rmp_entry e;

	if (!raw || !ret_e)
		return;
	uint64_t lo = raw->lo, hi = raw->hi;

	memset(&e, 0, sizeof(e));
	e.assigned = lo & RMPSIM__LO_ASSIGNED;
	e.pagesize = (uint8_t)((lo >> 1) & 1u);
	e.immutable = lo & RMPSIM__LO_IMMUTABLE;
	e.subpage_count = (uint16_t)((lo >> RMPSIM__LO_SUBPAGE_SHIFT) & RMPSIM__SUBPAGE_MAX);
	e.gpa = ((lo >> RMPSIM__LO_GPA_SHIFT) & RMPSIM__GPA_FIELD_MAX) << 12;
	e.asid = (uint16_t)((lo >> RMPSIM__LO_ASID_SHIFT) & RMPSIM__ASID_MAX);
	e.vmsa = lo & RMPSIM__LO_VMSA;
	e.validated = lo & RMPSIM__LO_VALIDATED;
	e.lock = lo & RMPSIM__LO_LOCK;
	for (unsigned i = 0; i < 4; i++)
		e.vmpl_perms[i] = (uint8_t)(hi >> (8 * i));
	e.implicit_key_select = hi & RMPSIM__HI_IKS;
	e.root_port_id = (uint8_t)((hi >> RMPSIM__HI_RPID_SHIFT) & RMPSIM__HI_RPID_MAX);
	e.pcie_ide_stream_id = (uint8_t)((hi >> RMPSIM__HI_IDE_SHIFT) & RMPSIM__HI_IDE_MAX);
	e.page_migration = (uint8_t)((hi >> RMPSIM__HI_MIG_SHIFT) & RMPSIM__HI_MIG_MAX);
	e.hi_reserved = hi & ~HI_KNOWN_MASK;
	*ret_e = e;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* spec 2.4: Linux struct rmpentry, packed, little-endian. */
void rmpsim_rmpread_encode(const struct rmpsim_rmpread_entry *e, uint8_t ret_bytes[16])
{
	uint8_t b[16];

	if (!e || !ret_bytes)
		return;
	memset(b, 0, sizeof(b));
	put_le(&b[0], e->gpa, 8);
	b[8] = e->assigned ? 1u : 0u;
	b[9] = (uint8_t)((e->pagesize & 1u) | (e->hpage_region_status ? 2u : 0u));
	b[10] = e->immutable ? 1u : 0u;
	put_le(&b[12], e->asid, 4);
	memcpy(ret_bytes, b, sizeof(b));
}

void rmpsim_rmpread_decode(const uint8_t bytes[16], struct rmpsim_rmpread_entry *ret_e)
{
	struct rmpsim_rmpread_entry e;

	if (!bytes || !ret_e)
		return;
	memset(&e, 0, sizeof(e));
	e.gpa = get_le(&bytes[0], 8);
	e.assigned = bytes[8] & 1u;
	e.pagesize = bytes[9] & 1u;
	e.hpage_region_status = bytes[9] & 2u;
	e.immutable = bytes[10] & 1u;
	e.asid = (uint32_t)get_le(&bytes[12], 4);
	*ret_e = e;
}
