/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "base/alloc.h"
#include "base/slab.h"

void rmpsim__slab_init(struct rmpsim__slab *sl, size_t elem, size_t max_blocks)
{
	memset(sl, 0, sizeof(*sl));
	sl->elem = elem ? elem : 1;
	/* Whole huge pages per chunk (the block may be bigger than one). */
	sl->chunk_bytes = (sl->elem + RMPSIM__DENSE_BYTES - 1) / RMPSIM__DENSE_BYTES * RMPSIM__DENSE_BYTES;
	sl->per_chunk = sl->chunk_bytes / sl->elem;
	/* All the blocks in less than a chunk: one chunk holds them. It is still
	 * a whole huge page when they fill 1/32 of one: zeroing the page once
	 * costs less than the 16 or more page faults of the blocks' own pages. */
	if (max_blocks && max_blocks < sl->per_chunk) {
		sl->per_chunk = max_blocks;
		if (max_blocks * sl->elem < RMPSIM__DENSE_BYTES / 32)
			sl->chunk_bytes = max_blocks * sl->elem;
	}
}

void *rmpsim__slab_zalloc(struct rmpsim__slab *sl, const struct rmpsim_allocator *a)
{
	if (!sl->left) {
		if (sl->nchunks == sl->cap) {
			size_t cap = sl->cap ? 2 * sl->cap : 4;
			void **c = rmpsim__realloc(a, sl->chunks, sl->cap * sizeof(*c), cap * sizeof(*c));
			if (!c)
				return NULL;
			sl->chunks = c;
			sl->cap = cap;
		}
		unsigned char *chunk = rmpsim__malloc_dense(a, sl->chunk_bytes, &sl->zeroed);
		if (!chunk)
			return NULL;
		sl->chunks[sl->nchunks++] = chunk;
		sl->next = chunk;
		sl->left = sl->per_chunk;
	}
	/* Zeroed here, block by block (a chunk's pages are touched only as its
	 * blocks are used), unless the chunk came zeroed: its blocks are handed
	 * out once. */
	void *b = sl->zeroed ? sl->next : memset(sl->next, 0, sl->elem);
	sl->next += sl->elem;
	sl->left--;
	return b;
}

void rmpsim__slab_fini(struct rmpsim__slab *sl, const struct rmpsim_allocator *a)
{
	for (size_t i = 0; i < sl->nchunks; i++)
		rmpsim__free_dense(a, sl->chunks[i], sl->chunk_bytes);
	rmpsim__free(a, sl->chunks, sl->cap * sizeof(*sl->chunks));
	struct rmpsim__slab empty = { .elem = sl->elem,
				      .per_chunk = sl->per_chunk,
				      .chunk_bytes = sl->chunk_bytes };
	*sl = empty;
}
