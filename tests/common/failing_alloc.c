/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "failing_alloc.h"

static void *fa_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
	struct failing_alloc *fa = ctx;

	if (new_size == 0) {
		free(ptr);
		fa->live_bytes -= old_size;
		return NULL;
	}
	/* Growing or creating counts against the budget; shrinking never fails. */
	if (new_size > old_size && fa->budget >= 0) {
		if (fa->budget == 0) {
			fa->failures++;
			return NULL;
		}
		fa->budget--;
	}
	void *p = realloc(ptr, new_size);
	if (!p) {
		fa->failures++;
		return NULL;
	}
	fa->allocations++;
	fa->live_bytes += new_size - old_size;
	return p;
}

static void fa_free(void *ctx, void *ptr, size_t size)
{
	struct failing_alloc *fa = ctx;

	if (!ptr)
		return;
	free(ptr);
	fa->live_bytes -= size;
}

void failing_alloc_init(struct failing_alloc *fa, long budget)
{
	fa->alloc.realloc = fa_realloc;
	fa->alloc.free = fa_free;
	fa->alloc.ctx = fa;
	fa->budget = budget;
	fa->allocations = 0;
	fa->failures = 0;
	fa->live_bytes = 0;
}
