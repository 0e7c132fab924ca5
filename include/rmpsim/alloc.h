/* SPDX-License-Identifier: MIT */
/*
 * The injected allocator (style.md practice 1, after Lua's lua_Alloc).
 *
 * Every rmpsim object takes a const struct rmpsim_allocator * at creation
 * (NULL means the C library's malloc) and allocates only through it, so tests
 * can inject failures and embedders can account memory. The functions must be
 * thread-safe if the objects using them are used from several threads.
 */
#ifndef RMPSIM_ALLOC_H
#define RMPSIM_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rmpsim_allocator {
	/* Like realloc(ptr, new_size): ptr NULL allocates; returns NULL on failure,
	 * leaving ptr untouched. old_size is the size ptr was allocated with (0
	 * for NULL), for allocators that account memory. */
	void *(*realloc)(void *ctx, void *ptr, size_t old_size, size_t new_size);
	/* Like free(ptr); size is the allocated size. ptr may be NULL. */
	void (*free)(void *ctx, void *ptr, size_t size);
	void *ctx;
};

/* The C library's allocator. */
const struct rmpsim_allocator *rmpsim_allocator_default(void);

#ifdef __cplusplus
}
#endif
#endif
