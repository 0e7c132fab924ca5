/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "base/alloc.h"

static void *libc_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
	(void)ctx;
	(void)old_size;
	if (new_size == 0) {
		/* realloc(p, 0) is implementation-defined; keep one meaning. */
		free(ptr);
		return NULL;
	}
	return realloc(ptr, new_size);
}

static void libc_free(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	(void)size;
	free(ptr);
}

static const struct rmpsim_allocator libc_allocator = {
	.realloc = libc_realloc,
	.free = libc_free,
	.ctx = NULL,
};

const struct rmpsim_allocator *rmpsim_allocator_default(void)
{
	return &libc_allocator;
}
