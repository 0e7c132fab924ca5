/* SPDX-License-Identifier: MIT */
/*
 * The physical memory map (A40): each NUMA node's RAM in node order from SPA
 * 0, with the low MMIO hole [mmio_hole_start, +mmio_hole_size) cut out and
 * the RAM it would have held moved above it (the BIOS "memory hoisting" every
 * x86 server does). min_low_pfn and max_pfn as Linux computes them on x86-64.
 */
#include <rmpsim/machine.h>

#include "base/alloc.h"
#include "machine_internal.h"

static void add_range(struct rmpsim_machine *m, uint64_t start, uint64_t end, unsigned node)
{
	struct rmpsim_mem_range *last = m->nram ? &m->ram[m->nram - 1] : NULL;

	if (last && last->end == start && last->node == node) {
		last->end = end;
		return;
	}
	m->ram[m->nram++] = (struct rmpsim_mem_range){ .start = start, .end = end, .node = node };
}

int rmpsim__memmap_build(struct rmpsim_machine *m, struct rmpsim_diag *diag)
{
	const struct rmpsim_topology *t = m->topo;
	uint64_t hole_start = m->cfg.mmio_hole_start, hole_end = hole_start + m->cfg.mmio_hole_size;
	uint64_t cursor = 0;

	if (m->cfg.mmio_hole_size && ((hole_start | m->cfg.mmio_hole_size) & ((2ull << 20) - 1)))
		return rmpsim_diag_fail(diag, -EINVAL, "the MMIO hole must be 2 MiB aligned");
	/* At most one split per node (the hole), so nnodes + 1 ranges. */
	m->ram = rmpsim__calloc(m->alloc, t->nnodes + 1u, sizeof(*m->ram));
	if (!m->ram)
		return -ENOMEM;
	for (unsigned n = 0; n < t->nnodes; n++) {
		uint64_t left = t->node_mem[n];

		while (left) {
			uint64_t end;

			if (m->cfg.mmio_hole_size && cursor >= hole_start && cursor < hole_end)
				cursor = hole_end; /* A40: the hole is never RAM */
			end = cursor + left;
			if (m->cfg.mmio_hole_size && cursor < hole_start && end > hole_start)
				end = hole_start;
			add_range(m, cursor, end, n);
			left -= end - cursor;
			cursor = end;
		}
	}
	if (cursor > (1ull << 51))
		return rmpsim_diag_fail(diag, -EINVAL, "RAM ends above 2^51 (the RMP's address limit)");
	m->max_pfn = cursor >> 12;
	return 0;
}

size_t rmpsim_machine_ram_ranges(const struct rmpsim_machine *m, struct rmpsim_mem_range *ret, size_t max)
{
	if (!m || (!ret && max))
		return 0;
	for (size_t i = 0; i < m->nram && i < max; i++)
		ret[i] = m->ram[i];
	return m->nram;
}

uint64_t rmpsim_machine_min_low_pfn(const struct rmpsim_machine *m)
{
	(void)m;
	/* A40: x86-64 Linux never raises min_low_pfn from 0. */
	return 0;
}

uint64_t rmpsim_machine_max_pfn(const struct rmpsim_machine *m)
{
	return m ? m->max_pfn : 0;
}

int rmpsim_machine_spa_node(const struct rmpsim_machine *m, uint64_t spa)
{
	for (size_t i = 0; m && i < m->nram; i++)
		if (spa >= m->ram[i].start && spa < m->ram[i].end)
			return (int)m->ram[i].node;
	return -1;
}

bool rmpsim_machine_is_ram(const struct rmpsim_machine *m, uint64_t spa)
{
	return rmpsim_machine_spa_node(m, spa) >= 0;
}
