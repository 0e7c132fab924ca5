/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include "base/alloc.h"
#include "base/slab.h"

#if defined(__SANITIZE_ADDRESS__)
#define SLAB_PIECEWISE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLAB_PIECEWISE 1
#endif
#endif
#ifndef SLAB_PIECEWISE
#define SLAB_PIECEWISE 0
#endif

const bool rmpsim__slab_piecewise = SLAB_PIECEWISE;

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

void rmpsim__slab_init(struct rmpsim__slab *sl, size_t expect)
{
	memset(sl, 0, sizeof(*sl));
	/* Whole huge pages: zeroing one costs less than the 16 or more page
	 * faults of 1/32 of one touched 4 KiB at a time. */
	sl->chunk_bytes = expect < RMPSIM__DENSE_BYTES / 32
				  ? round_up(expect ? expect : 1, RMPSIM__SLAB_ALIGN)
				  : RMPSIM__DENSE_BYTES;
}

/* Room for the chunk list's next entry. */
static bool chunk_room(struct rmpsim__slab *sl, const struct rmpsim_allocator *a)
{
	if (sl->nchunks < sl->cap)
		return true;
	size_t cap = sl->cap ? 2 * sl->cap : 4;
	struct rmpsim__slab_chunk *c = rmpsim__realloc(a, sl->chunks, sl->cap * sizeof(*c), cap * sizeof(*c));
	if (!c)
		return false;
	sl->chunks = c;
	sl->cap = cap;
	return true;
}

void *rmpsim__slab_zalloc(struct rmpsim__slab *sl, const struct rmpsim_allocator *a, size_t n)
{
	n = round_up(n ? n : 1, RMPSIM__SLAB_ALIGN);
	if (SLAB_PIECEWISE) {
		if (!chunk_room(sl, a))
			return NULL;
		void *p = rmpsim__calloc(a, 1, n);
		if (p)
			sl->chunks[sl->nchunks++] = (struct rmpsim__slab_chunk){ p, n };
		return p;
	}
	if (n > sl->left) {
		/* A new chunk; what the last one had left goes unused. */
		size_t size = n > sl->chunk_bytes ? round_up(n, sl->chunk_bytes) : sl->chunk_bytes;
		if (!chunk_room(sl, a))
			return NULL;
		bool zeroed;
		unsigned char *chunk = rmpsim__malloc_dense(a, size, &zeroed);
		if (!chunk)
			return NULL;
		sl->chunks[sl->nchunks++] = (struct rmpsim__slab_chunk){ chunk, size };
		sl->next = chunk;
		sl->left = size;
		sl->zeroed = zeroed;
	}
	/* Zeroed here, piece by piece (a chunk's pages are touched only as it is
	 * used), unless the chunk came zeroed: nothing is carved twice. */
	void *p = sl->zeroed ? sl->next : memset(sl->next, 0, n);
	sl->next += n;
	sl->left -= n;
	return p;
}

void rmpsim__slab_fini(struct rmpsim__slab *sl, const struct rmpsim_allocator *a)
{
	for (size_t i = 0; i < sl->nchunks; i++) {
		if (SLAB_PIECEWISE)
			rmpsim__free(a, sl->chunks[i].p, sl->chunks[i].n);
		else
			rmpsim__free_dense(a, sl->chunks[i].p, sl->chunks[i].n);
	}
	rmpsim__free(a, sl->chunks, sl->cap * sizeof(*sl->chunks));
	size_t chunk_bytes = sl->chunk_bytes;
	memset(sl, 0, sizeof(*sl));
	sl->chunk_bytes = chunk_bytes;
}
