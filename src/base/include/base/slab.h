/* SPDX-License-Identifier: MIT */
/*
 * Zeroed pieces of memory carved in order of first use from chunks of
 * ~2 MiB, all freed at once (rmpsim__slab_fini). For what a simulator keeps
 * for its whole life and, once it uses it, fills densely: the RMPOPT model's
 * per-L3 and per-domain rows (src/sim/rmpopt_model.c) and the period skips'
 * snapshots of the runs (src/sim/run_period.c). From the default allocator a
 * chunk is one transparent huge page where the kernel gives them
 * (rmpsim__malloc_dense): its first touch is one page fault, not 512, and
 * everything carved from it after that none; a page fault costs ~17 us on
 * the VM the benchmark figures come from (docs/performance.md).
 *
 * Under AddressSanitizer every piece is an allocation of its own (freed by
 * fini all the same), so that an overrun of one is found.
 */
#ifndef RMPSIM_BASE_SLAB_H
#define RMPSIM_BASE_SLAB_H

#include <stdbool.h>
#include <stddef.h>

#include <rmpsim/alloc.h>

struct rmpsim__slab_chunk {
	void *p;
	size_t n;
};

struct rmpsim__slab {
	size_t chunk_bytes;  /* a chunk's size; a piece bigger gets one of its own */
	size_t left;	     /* bytes not yet carved in the newest chunk */
	unsigned char *next; /* the first of them */
	bool zeroed;	     /* the newest chunk came zero-filled */
	struct rmpsim__slab_chunk *chunks;
	size_t nchunks, cap;
};

/* Pieces are carved in multiples of this (a cache line): aligned to it
 * when their chunk is (a huge page is). */
#define RMPSIM__SLAB_ALIGN 64u

/* A slab for about expect bytes in its life (a hint: more is carved from
 * more chunks). Its chunks are whole huge pages unless expect is under 1/32
 * of one: then a chunk is just expect (a small simulator's rows). */
void rmpsim__slab_init(struct rmpsim__slab *sl, size_t expect);

/* n zeroed bytes; NULL when the allocator fails (the slab stays usable). */
void *rmpsim__slab_zalloc(struct rmpsim__slab *sl, const struct rmpsim_allocator *a, size_t n);

/* Whether every piece is an allocation of its own (AddressSanitizer builds). */
extern const bool rmpsim__slab_piecewise;

/* Frees every piece at once; the slab is then as after init. */
void rmpsim__slab_fini(struct rmpsim__slab *sl, const struct rmpsim_allocator *a);

#endif
