/* SPDX-License-Identifier: MIT */
/* kmalloc through the kernel's allocator, and the tracepoints as sim marks. */
#include <string.h>

#include "kshim.h"

#include <linux/sched.h>
#include <linux/slab.h>
#include <trace/events/rmpopt.h>

/* Each block carries its size in front (the injected allocator wants it at free). */
#define HDR 16u

void *rmpsim__k_kmalloc(size_t size, gfp_t flags)
{
	if (!(flags & __GFP_ATOMIC_BIT))
		might_sleep();
	if (size > SIZE_MAX - HDR)
		return NULL;
	unsigned char *p = rmpsim__k_alloc(size + HDR);
	if (!p)
		return NULL;
	memcpy(p, &size, sizeof(size));
	if (flags & __GFP_ZERO)
		memset(p + HDR, 0, size);
	return p + HDR;
}

void rmpsim__k_kfree(const void *ptr)
{
	if (!ptr)
		return;
	unsigned char *p = (unsigned char *)ptr - HDR;
	size_t size;
	memcpy(&size, p, sizeof(size));
	rmpsim__k_free(p, size + HDR);
}

void *rmpsim__k_krealloc(const void *ptr, size_t new_size, gfp_t flags)
{
	if (!ptr)
		return rmpsim__k_kmalloc(new_size, flags);
	size_t old;
	memcpy(&old, (const unsigned char *)ptr - HDR, sizeof(old));
	void *n = rmpsim__k_kmalloc(new_size, flags);
	if (!n)
		return NULL; /* the old block stays valid, as in Linux */
	memcpy(n, ptr, old < new_size ? old : new_size);
	rmpsim__k_kfree(ptr);
	return n;
}

void rmpsim__k_trace_mark(const char *name, u64 a, u64 b)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (rmpsim_sim_mark(k->sim, name, a, b))
		rmpsim__k_report_bug("BUG: out of memory recording tracepoint %s", name);
}
