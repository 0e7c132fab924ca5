/* SPDX-License-Identifier: MIT */
/* 2 MB granules of the guest regions, and the placement policies (A462). */
#include <errno.h>
#include <string.h>

#include "base/alloc.h"
#include "granules.h"

#define GB (1ull << 30)

int rmpsim__gran_init(struct rmpsim__granules *g, const struct rmpsim_allocator *a,
		      const struct rmpsim__pool *pool, unsigned nnodes)
{
	size_t n = 0;

	memset(g, 0, sizeof(*g));
	g->alloc = rmpsim__alloc_or_default(a);
	g->nnodes = nnodes;
	for (size_t i = 0; i < pool->nfree; i++)
		n += pool->free[i].bytes / GB;
	g->reg = rmpsim__calloc(g->alloc, n ? n : 1, sizeof(*g->reg));
	g->order = rmpsim__calloc(g->alloc, n ? n : 1, sizeof(*g->order));
	g->scratch = rmpsim__calloc(g->alloc, n ? n : 1, sizeof(*g->scratch));
	if (!g->reg || !g->order || !g->scratch) {
		rmpsim__gran_fini(g);
		return -ENOMEM;
	}
	for (size_t i = 0; i < pool->nfree; i++) {
		const struct rmpsim__extent *e = &pool->free[i];
		for (uint64_t spa = e->spa; spa + GB <= e->spa + e->bytes; spa += GB)
			g->reg[g->nreg++] = (struct rmpsim__gran_region){ .spa = spa, .node = e->node };
	}
	return 0;
}

void rmpsim__gran_fini(struct rmpsim__granules *g)
{
	if (!g->alloc)
		return;
	size_t n = g->nreg ? g->nreg : 1;
	rmpsim__free(g->alloc, g->reg, n * sizeof(*g->reg));
	rmpsim__free(g->alloc, g->order, n * sizeof(*g->order));
	rmpsim__free(g->alloc, g->scratch, n * sizeof(*g->scratch));
	g->reg = NULL;
	g->order = g->scratch = NULL;
	g->nreg = 0;
}

static bool on_node(const struct rmpsim__gran_region *r, int node)
{
	return node < 0 || r->node == (unsigned)node;
}

uint64_t rmpsim__gran_free(const struct rmpsim__granules *g, int node, bool whole_gb)
{
	uint64_t b = 0;
	for (unsigned i = 0; i < g->nreg; i++) {
		const struct rmpsim__gran_region *r = &g->reg[i];
		if (!on_node(r, node))
			continue;
		if (whole_gb)
			b += r->used ? 0 : GB;
		else
			b += (uint64_t)(RMPSIM__GRANULES_PER_GB - r->used) * RMPSIM__GRANULE;
	}
	return b;
}

uint64_t rmpsim__gran_capacity(const struct rmpsim__granules *g, int node)
{
	uint64_t b = 0;
	for (unsigned i = 0; i < g->nreg; i++)
		b += on_node(&g->reg[i], node) ? GB : 0;
	return b;
}

/* A462 spread: a VM for any node goes to the node with the most free memory
 * that can hold it whole; when none can, it may span nodes (-1). */
static int spread_node(const struct rmpsim__granules *g, uint64_t bytes, bool whole_gb)
{
	int best = -1;
	uint64_t best_free = 0;
	for (unsigned n = 0; n < g->nnodes; n++) {
		uint64_t f = rmpsim__gran_free(g, (int)n, whole_gb);
		if (f >= bytes && f > best_free) {
			best = (int)n;
			best_free = f;
		}
	}
	return best;
}

/* pack (A462): fuller regions first, then address order: a stable counting
 * sort of the candidates (in address order) by granules used, descending. */
static void order_by_fill(struct rmpsim__granules *g, unsigned n)
{
	unsigned count[RMPSIM__GRANULES_PER_GB + 1] = { 0 }, start[RMPSIM__GRANULES_PER_GB + 1];
	for (unsigned k = 0; k < n; k++)
		count[g->reg[g->order[k]].used]++;
	unsigned pos = 0;
	for (unsigned u = RMPSIM__GRANULES_PER_GB + 1; u-- > 0;) {
		start[u] = pos;
		pos += count[u];
	}
	for (unsigned k = 0; k < n; k++)
		g->scratch[start[g->reg[g->order[k]].used]++] = g->order[k];
	memcpy(g->order, g->scratch, n * sizeof(*g->order));
}

static void set_bits(struct rmpsim__gran_region *r, unsigned first, unsigned n, bool on)
{
	for (unsigned i = first; i < first + n; i++) {
		if (on)
			r->bits[i / 64] |= 1ull << (i % 64);
		else
			r->bits[i / 64] &= ~(1ull << (i % 64));
	}
	r->used = on ? r->used + n : r->used - n;
}

static bool taken(const struct rmpsim__gran_region *r, unsigned i)
{
	return r->bits[i / 64] >> (i % 64) & 1;
}

static struct rmpsim__gran_region *region_of(struct rmpsim__granules *g, uint64_t spa)
{
	unsigned lo = 0, hi = g->nreg;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (g->reg[mid].spa + GB <= spa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->nreg && g->reg[lo].spa <= spa ? &g->reg[lo] : NULL;
}

/* Mark the granules of n extents taken (on) or free. */
static void mark(struct rmpsim__granules *g, const struct rmpsim__extent *ext, size_t n, bool on)
{
	for (size_t k = 0; k < n; k++) {
		for (uint64_t spa = ext[k].spa; spa < ext[k].spa + ext[k].bytes;) {
			uint64_t end = spa / GB * GB + GB;
			if (end > ext[k].spa + ext[k].bytes)
				end = ext[k].spa + ext[k].bytes;
			struct rmpsim__gran_region *r = region_of(g, spa);
			if (r)
				set_bits(r, (unsigned)(spa % GB / RMPSIM__GRANULE),
					 (unsigned)((end - spa) / RMPSIM__GRANULE), on);
			spa = end;
		}
	}
}

int rmpsim__gran_take(struct rmpsim__granules *g, enum rmpsim_placement pl, int node, uint64_t bytes,
		      bool whole_gb, struct rmpsim__extent **ext, size_t *next, size_t *ext_cap)
{
	if (!bytes || bytes % (whole_gb ? GB : RMPSIM__GRANULE) || *next)
		return -EINVAL;
	if (pl == RMPSIM_PLACE_SPREAD && node < 0)
		node = spread_node(g, bytes, whole_gb);
	if (rmpsim__gran_free(g, node, whole_gb) < bytes)
		return -ENOSPC;
	unsigned n = 0;
	for (unsigned i = 0; i < g->nreg; i++) {
		const struct rmpsim__gran_region *r = &g->reg[i];
		if (on_node(r, node) && r->used < RMPSIM__GRANULES_PER_GB && (!whole_gb || !r->used))
			g->order[n++] = i;
	}
	if (pl == RMPSIM_PLACE_PACK)
		order_by_fill(g, n);
	/* Extents first, so that -ENOMEM leaves the granules as they were. */
	size_t old_n = *next;
	uint64_t left = bytes;
	for (unsigned k = 0; k < n && left; k++) {
		struct rmpsim__gran_region *r = &g->reg[g->order[k]];
		for (unsigned i = 0; i < RMPSIM__GRANULES_PER_GB && left;) {
			if (taken(r, i)) {
				i++;
				continue;
			}
			unsigned run = 0;
			while (i + run < RMPSIM__GRANULES_PER_GB && !taken(r, i + run) &&
			       (uint64_t)run * RMPSIM__GRANULE < left)
				run++;
			struct rmpsim__extent e = { r->spa + (uint64_t)i * RMPSIM__GRANULE,
						    (uint64_t)run * RMPSIM__GRANULE, r->node };
			if (rmpsim__extent_push(g->alloc, ext, next, ext_cap, e)) {
				*next = old_n;
				return -ENOMEM;
			}
			left -= e.bytes;
			i += run;
		}
	}
	mark(g, *ext + old_n, *next - old_n, true);
	return 0;
}

void rmpsim__gran_give(struct rmpsim__granules *g, const struct rmpsim__extent *ext, size_t n)
{
	mark(g, ext, n, false);
}
