/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

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

/* Whether rmpsim__malloc_dense maps n bytes itself. */
static bool dense_mapped(const struct rmpsim_allocator *a, size_t n)
{
	return a == &libc_allocator && n >= RMPSIM__DENSE_BYTES;
}

void *rmpsim__malloc_dense(const struct rmpsim_allocator *a, size_t n, bool *zeroed)
{
	*zeroed = false;
	if (!dense_mapped(a, n))
		return rmpsim__malloc(a, n);
	/* Mapped here, not by malloc: malloc may serve even megabytes from heap
	 * pages already faulted 4 KiB at a time (its mmap threshold rises as
	 * large blocks are freed), which huge pages cannot back. Mapped with a
	 * huge page's slack, then cut to an aligned n. */
	size_t len = n + RMPSIM__DENSE_BYTES;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	uintptr_t at = ((uintptr_t)p + RMPSIM__DENSE_BYTES - 1) & ~(uintptr_t)(RMPSIM__DENSE_BYTES - 1);
	unsigned char *q = (unsigned char *)at;
	size_t head = (size_t)(q - p), tail = len - head - n;
	if (head)
		munmap(p, head);
	if (tail)
		munmap(q + n, tail);
#ifdef MADV_HUGEPAGE
	/* Advice only: where the kernel has no huge page (or THP is off), the
	 * pages come 4 KiB at a time as from malloc. */
	(void)madvise(q, n / RMPSIM__DENSE_BYTES * RMPSIM__DENSE_BYTES, MADV_HUGEPAGE);
#endif
	*zeroed = true; /* anonymous pages come zero-filled */
	return q;
}

void rmpsim__free_dense(const struct rmpsim_allocator *a, void *p, size_t n)
{
	if (!dense_mapped(a, n))
		rmpsim__free(a, p, n);
	else if (p)
		munmap(p, n);
}
