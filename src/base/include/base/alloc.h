/* SPDX-License-Identifier: MIT */
/* Internal allocation helpers over struct rmpsim_allocator. */
#ifndef RMPSIM_BASE_ALLOC_H
#define RMPSIM_BASE_ALLOC_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rmpsim/alloc.h>

/* Resolve NULL to the default allocator. */
static inline const struct rmpsim_allocator *rmpsim__alloc_or_default(const struct rmpsim_allocator *a)
{
	return a ? a : rmpsim_allocator_default();
}

static inline void *rmpsim__malloc(const struct rmpsim_allocator *a, size_t n)
{
	return a->realloc(a->ctx, NULL, 0, n);
}

static inline void *rmpsim__calloc(const struct rmpsim_allocator *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	void *p = a->realloc(a->ctx, NULL, 0, count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

static inline void *rmpsim__realloc(const struct rmpsim_allocator *a, void *p, size_t old_n, size_t new_n)
{
	return a->realloc(a->ctx, p, old_n, new_n);
}

static inline void rmpsim__free(const struct rmpsim_allocator *a, void *p, size_t n)
{
	a->free(a->ctx, p, n);
}

/* A transparent huge page's size: rmpsim__malloc_dense's unit. */
#define RMPSIM__DENSE_BYTES ((size_t)2 << 20)

/* Room for n bytes (not zeroed) that the caller will fill densely. From the
 * default allocator, n >= RMPSIM__DENSE_BYTES comes aligned to that with
 * transparent huge pages advised (MADV_HUGEPAGE), so that its first touch
 * costs a page fault per 2 MiB, not per 4 KiB; any other allocator or size
 * is asked as rmpsim__malloc. Freed with rmpsim__free_dense (the same n).
 * *zeroed says whether the memory is known to be zero (fresh pages). */
void *rmpsim__malloc_dense(const struct rmpsim_allocator *a, size_t n, bool *zeroed);
void rmpsim__free_dense(const struct rmpsim_allocator *a, void *p, size_t n);

#endif
