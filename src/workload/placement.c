/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <rmpsim/machine.h>
#include <rmpsim/rmp.h>

#include "base/alloc.h"
#include "placement.h"

#define GB (1ull << 30)

int rmpsim__extent_push(const struct rmpsim_allocator *a, struct rmpsim__extent **arr, size_t *n, size_t *cap,
			struct rmpsim__extent e)
{
	if (*n && (*arr)[*n - 1].spa + (*arr)[*n - 1].bytes == e.spa && (*arr)[*n - 1].node == e.node) {
		(*arr)[*n - 1].bytes += e.bytes; /* merge with the previous piece */
		return 0;
	}
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *q = rmpsim__realloc(a, *arr, *cap * sizeof(**arr), ncap * sizeof(**arr));
		if (!q)
			return -ENOMEM;
		*arr = q;
		*cap = ncap;
	}
	(*arr)[(*n)++] = e;
	return 0;
}

int rmpsim__pool_init(struct rmpsim__pool *p, const struct rmpsim_allocator *a, struct rmpsim_machine *m,
		      uint64_t host_reserve)
{
	struct rmpsim_mem_range ranges[256];
	size_t n = rmpsim_machine_ram_ranges(m, ranges, 256);
	struct rmpsim_rmp *rmp = rmpsim_machine_rmp(m);
	uint64_t reserved = 0;

	memset(p, 0, sizeof(*p));
	p->alloc = rmpsim__alloc_or_default(a);
	if (n > 256)
		n = 256; /* more RAM ranges than any machine we build; the rest stays unused */
	for (size_t i = 0; i < n; i++) {
		uint64_t start = (ranges[i].start + GB - 1) & ~(GB - 1);
		for (uint64_t spa = start; spa + GB <= ranges[i].end; spa += GB) {
			/* A111: the host keeps the lowest host_reserve bytes of RAM. */
			if (reserved < host_reserve) {
				reserved += GB;
				continue;
			}
			if (!rmpsim_rmp_1g_is_free(rmp, spa)) /* spec 1.1: RMP/firmware pages */
				continue;
			struct rmpsim__extent e = { spa, GB, ranges[i].node };
			if (rmpsim__extent_push(p->alloc, &p->free, &p->nfree, &p->cap, e)) {
				rmpsim__pool_free(p);
				return -ENOMEM;
			}
			p->free_bytes += GB;
		}
	}
	return 0;
}

void rmpsim__pool_free(struct rmpsim__pool *p)
{
	if (p->alloc)
		rmpsim__free(p->alloc, p->free, p->cap * sizeof(*p->free));
	p->free = NULL;
	p->nfree = p->cap = 0;
	p->free_bytes = 0;
}

uint64_t rmpsim__pool_node_bytes(const struct rmpsim__pool *p, int node)
{
	uint64_t b = 0;
	for (size_t i = 0; i < p->nfree; i++) {
		if (node < 0 || p->free[i].node == (unsigned)node)
			b += p->free[i].bytes;
	}
	return b;
}

int rmpsim__pool_take(struct rmpsim__pool *p, int node, uint64_t bytes, uint64_t align,
		      struct rmpsim__extent **ext, size_t *next, size_t *ext_cap)
{
	/* Check first, so that a refusal takes nothing. */
	uint64_t avail = 0;
	for (size_t i = 0; i < p->nfree; i++) {
		const struct rmpsim__extent *f = &p->free[i];
		if (node >= 0 && f->node != (unsigned)node)
			continue;
		uint64_t s = (f->spa + align - 1) & ~(align - 1);
		if (s < f->spa + f->bytes)
			avail += (f->spa + f->bytes - s) / align * align;
	}
	if (avail < bytes)
		return -ENOSPC;
	size_t old_n = *next;
	for (size_t i = 0; i < p->nfree && bytes; i++) {
		struct rmpsim__extent *f = &p->free[i];
		if (node >= 0 && f->node != (unsigned)node)
			continue;
		uint64_t s = (f->spa + align - 1) & ~(align - 1);
		if (s >= f->spa + f->bytes)
			continue;
		uint64_t take = (f->spa + f->bytes - s) / align * align;
		if (take > bytes)
			take = bytes;
		if (!take)
			continue;
		struct rmpsim__extent e = { s, take, f->node };
		if (rmpsim__extent_push(p->alloc, ext, next, ext_cap, e)) {
			*next = old_n; /* the pool is not changed yet for this piece */
			return -ENOMEM;
		}
		/* The alignment gap before s is wasted (guests of mixed backing). */
		p->free_bytes -= take + (s - f->spa);
		f->bytes -= take + (s - f->spa);
		f->spa = s + take;
		bytes -= take;
	}
	return 0;
}
