/* SPDX-License-Identifier: MIT */
/*
 * Zeroed blocks of one size, handed out in order of first use from chunks
 * of ~2 MiB, all freed at once (rmpsim__slab_fini). For tables of rows that
 * are allocated lazily but, once used, filled densely: the RMPOPT model's
 * per-L3 and per-domain rows (src/sim/rmpopt_model.c). From the default
 * allocator a chunk is one transparent huge page where the kernel gives
 * them (rmpsim__malloc_dense): its first touch is one page fault, not 512,
 * and a page fault costs ~17 us on the VM the benchmark figures come from
 * (docs/performance.md "Page faults").
 */
#ifndef RMPSIM_BASE_SLAB_H
#define RMPSIM_BASE_SLAB_H

#include <stdbool.h>
#include <stddef.h>

#include <rmpsim/alloc.h>

struct rmpsim__slab {
	size_t elem;	     /* bytes of a block */
	size_t per_chunk;    /* blocks in a chunk */
	size_t chunk_bytes;  /* a chunk's size: whole huge pages, or just the blocks */
	size_t left;	     /* blocks not yet handed out in the newest chunk */
	unsigned char *next; /* the next of those */
	bool zeroed;	     /* the newest chunk came zero-filled */
	void **chunks;	     /* [nchunks] */
	size_t nchunks, cap;
};

/* A slab of blocks of elem bytes, at most max_blocks of them in its life:
 * when they all fit in less than a chunk, the one chunk holds just them. */
void rmpsim__slab_init(struct rmpsim__slab *sl, size_t elem, size_t max_blocks);

/* A zeroed block; NULL when the allocator fails (the slab stays usable). */
void *rmpsim__slab_zalloc(struct rmpsim__slab *sl, const struct rmpsim_allocator *a);

/* Frees every block at once; the slab is then as after init with 0 blocks. */
void rmpsim__slab_fini(struct rmpsim__slab *sl, const struct rmpsim_allocator *a);

#endif
