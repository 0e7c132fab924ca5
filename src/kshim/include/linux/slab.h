/* SPDX-License-Identifier: MIT */
/*
 * kmalloc and friends, through the simulation's injected allocator (so tests
 * can make them fail). A small header before each block remembers its size,
 * because the injected allocator wants it back at free time.
 */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/cleanup.h>
#include <linux/gfp.h>
#include <linux/types.h>

void *rmpsim__k_kmalloc(size_t size, gfp_t flags);
void *rmpsim__k_krealloc(const void *p, size_t new_size, gfp_t flags);
void rmpsim__k_kfree(const void *p);

#define kmalloc(size, flags)  rmpsim__k_kmalloc((size), (flags))
#define kzalloc(size, flags)  rmpsim__k_kmalloc((size), (flags) | __GFP_ZERO)
#define krealloc(p, n, flags) rmpsim__k_krealloc((p), (n), (flags))
#define kfree(p)	      rmpsim__k_kfree(p)
#define kvfree(p)	      rmpsim__k_kfree(p)
#define kvmalloc(size, flags) kmalloc(size, flags)
#define kvzalloc(size, flags) kzalloc(size, flags)

static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kmalloc(n * size, flags);
}
static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}
#define kvcalloc(n, size, flags) kcalloc(n, size, flags)

DEFINE_FREE(kfree, void *, if (_T) kfree(_T))

#endif
