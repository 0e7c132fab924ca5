/* SPDX-License-Identifier: MIT */
/*
 * What the BIOS does before the OS runs: reserve the RMP and program
 * RMP_BASE / RMP_END / RMP_CFG (spec 2.1, 2.3). Placement is A41:
 *
 * - Segmented (Zen 5+): 2^shift-byte segments from SPA 0 up to the end of
 *   RAM, each mapped up to the end of RAM (rounded up to 1 GB); each
 *   segment's entries are reserved on the NUMA node holding the first RAM
 *   byte at or above the segment's start (spec 2.3: "RMP entries on the same node as the
 *   memory they cover"). Per node the pieces are stacked from the node's
 *   placement base; node 0 first holds the 16 KiB bookkeeping area and the
 *   4 KiB RST (RMP_BASE), padded to 1 MiB. RMP_END = 0.
 * - Contiguous (Zen 3/4): bookkeeping + one entry per 4K page up to the end of
 *   RAM, 1 MiB aligned, at node 0's placement base.
 *
 * A node's placement base: the start of its lowest RAM range at or above
 * 4 GiB that can hold its RMP, else of its lowest range that can. So on the
 * default machine the RMP sits at the bottom of each node's memory (node 0:
 * just above the MMIO hole), which leaves max_pfn untouched and makes the
 * first 1-3 GB of every node unoptimisable, as the RMP's own GBs are (spec 1.1).
 */
#include <string.h>

#include <rmpsim/machine.h>

#include "base/alloc.h"
#include "machine_internal.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* The placement base for `bytes` of RMP on node n, or UINT64_MAX. */
static uint64_t placement_base(const struct rmpsim_machine *m, unsigned n, uint64_t bytes)
{
	uint64_t fallback = UINT64_MAX;

	for (size_t i = 0; i < m->nram; i++) {
		const struct rmpsim_mem_range *r = &m->ram[i];
		/* A41: never the legacy first MiB (real-mode area); an RMP at SPA 0
		 * would also read as "not reserved" (RMP_BASE bits 51:13 zero, spec 2.1). */
		uint64_t s = align_up(r->start < MIB ? MIB : r->start, MIB);

		if (r->node != n || s >= r->end || r->end - s < bytes)
			continue;
		if (s >= 4 * GIB)
			return s;
		if (fallback == UINT64_MAX)
			fallback = s;
	}
	return fallback;
}

/*
 * The node holding the first RAM byte at or above start (ranges are in address
 * order). A segment lying wholly in the MMIO hole still gets entries (spec
 * 2.3 allows RMP for MMIO); they live on the node of the RAM that follows.
 */
static int first_ram_node(const struct rmpsim_machine *m, uint64_t start)
{
	for (size_t i = 0; i < m->nram; i++)
		if (m->ram[i].end > start)
			return (int)m->ram[i].node;
	return -1;
}

static int build_segmented(struct rmpsim_machine *m, uint64_t ram_end, struct rmpsim_diag *diag)
{
	unsigned shift = m->cfg.segment_shift;
	uint64_t seg = 1ull << shift;
	uint64_t nseg = (ram_end + seg - 1) >> shift;
	unsigned nn = m->topo->nnodes;
	uint64_t head = align_up(RMPSIM_RMP_BOOKKEEPING_SIZE + RMPSIM_RST_SIZE, MIB);
	uint64_t *need, *cursor;
	int r = 0;

	if (nseg > RMPSIM_RST_MAX_ENTRIES)
		return rmpsim_diag_fail(
			diag, -EINVAL,
			"RAM up to 0x%llx needs %llu RMP segments of 2^%u bytes; the RST holds %u",
			(unsigned long long)ram_end, (unsigned long long)nseg, shift, RMPSIM_RST_MAX_ENTRIES);
	m->rst = rmpsim__calloc(m->alloc, RMPSIM_RST_MAX_ENTRIES, sizeof(*m->rst));
	need = rmpsim__calloc(m->alloc, nn, sizeof(*need));
	cursor = rmpsim__calloc(m->alloc, nn, sizeof(*cursor));
	if (!m->rst || !need || !cursor) {
		r = -ENOMEM;
		goto out;
	}
	/* Pass 1: how much RMP each node holds. */
	need[0] = head;
	for (uint64_t i = 0; i < nseg; i++) {
		uint64_t s = i << shift;
		uint64_t gb = (((ram_end - s) < seg ? ram_end - s : seg) + GIB - 1) >> 30;
		int node = first_ram_node(m, s);
		if (node < 0)
			continue; /* not reached: s < ram_end */
		need[node] += gb * (GIB / RMPSIM_SZ_4K) * RMPSIM_RMP_ENTRY_SIZE;
	}
	for (unsigned n = 0; n < nn; n++) {
		cursor[n] = placement_base(m, n, need[n]);
		if (cursor[n] == UINT64_MAX) {
			r = rmpsim_diag_fail(diag, -EINVAL, "NUMA node %u cannot hold its %llu MiB of RMP", n,
					     (unsigned long long)(need[n] >> 20));
			goto out;
		}
	}
	/* Pass 2: place the bookkeeping + RST, then every segment. */
	m->msr_rmp_base = cursor[0];
	cursor[0] += head;
	for (uint64_t i = 0; i < nseg; i++) {
		uint64_t s = i << shift;
		uint64_t gb = (((ram_end - s) < seg ? ram_end - s : seg) + GIB - 1) >> 30;
		int node = first_ram_node(m, s);
		if (node < 0)
			continue;
		/* spec 2.3: bits 19:0 mapped size in GB, bits 51:20 the segment's SPA. */
		m->rst[i] = (cursor[node] & 0x000FFFFFFFF00000ull) | gb;
		cursor[node] += gb * (GIB / RMPSIM_SZ_4K) * RMPSIM_RMP_ENTRY_SIZE;
	}
	m->nrst = nseg;
	m->msr_rmp_end = 0; /* spec 2.3: RMP_END should be zero */
	m->msr_rmp_cfg = ((uint64_t)shift << 8) | RMPSIM_RMP_CFG_SEGMENTED_EN;
out:
	rmpsim__free(m->alloc, need, nn * sizeof(*need));
	rmpsim__free(m->alloc, cursor, nn * sizeof(*cursor));
	return r;
}

static int build_contiguous(struct rmpsim_machine *m, uint64_t ram_end, struct rmpsim_diag *diag)
{
	uint64_t size = align_up(RMPSIM_RMP_BOOKKEEPING_SIZE + (ram_end >> 12) * RMPSIM_RMP_ENTRY_SIZE, MIB);
	uint64_t base = placement_base(m, 0, size);

	if (base == UINT64_MAX)
		return rmpsim_diag_fail(diag, -EINVAL, "NUMA node 0 cannot hold the %llu MiB contiguous RMP",
					(unsigned long long)(size >> 20));
	m->msr_rmp_base = base;
	m->msr_rmp_end = base + size - 1; /* spec 2.1: the last byte */
	m->msr_rmp_cfg = 0;
	return 0;
}

int rmpsim__bios_build_rmp(struct rmpsim_machine *m, struct rmpsim_diag *diag)
{
	uint64_t ram_end = m->max_pfn << 12;
	int r;

	if (m->cfg.rmp_kind == RMPSIM_RMP_SEGMENTED) {
		struct rmpsim_segment_caps caps;
		struct rmpsim_cpuid_regs c;

		r = build_segmented(m, ram_end, diag);
		if (r < 0)
			return r;
		rmpsim_machine_cpuid(m, 0, 0x80000025u, 0, &c);
		caps.min_shift = c.eax & 0x3f;
		caps.max_shift = (c.eax >> 6) & 0x3f;
		caps.cached_count = c.ebx & 0x3ff;
		caps.count_is_limit = (c.ebx & RMPSIM_CPUID_80000025_EBX_LIMIT) != 0;
		r = rmpsim_layout_segmented(m->alloc, m->msr_rmp_base, m->msr_rmp_cfg, &caps, m->rst, m->nrst,
					    ram_end, diag, &m->layout);
	} else {
		r = build_contiguous(m, ram_end, diag);
		if (r < 0)
			return r;
		r = rmpsim_layout_contiguous(m->alloc, m->msr_rmp_base, m->msr_rmp_end, ram_end, diag,
					     &m->layout);
	}
	if (r < 0)
		return r;
	return rmpsim_rmp_create(m->alloc, m->layout, m->cfg.backend, &m->rmp);
}

const uint64_t *rmpsim_machine_rst(const struct rmpsim_machine *m, size_t *ret_n)
{
	if (ret_n)
		*ret_n = m && m->rst ? m->nrst : 0;
	return m ? m->rst : NULL;
}
