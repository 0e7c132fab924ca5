/* SPDX-License-Identifier: MIT */
/*
 * <linux/mm.h> for the host: min_low_pfn, max_pfn, pfn_valid().
 *
 * The shim does not offer <linux/mm.h> yet. Until it does, these names are
 * weak references to variables of that name (NULL when nobody defines them),
 * and HOST_HAVE_MEMMAP says whether the memory map is known; setup refuses
 * to run without it. Once the shim has the header, it is used as is.
 */
#ifndef _HOST_COMPAT_MM_H
#define _HOST_COMPAT_MM_H

#if __has_include(<linux/mm.h>)
#include <linux/mm.h>
#define HOST_HAVE_MEMMAP()	true
#else
#include <linux/pfn.h>
#include <linux/types.h>
#include <asm/page.h>

extern unsigned long min_low_pfn __attribute__((weak));
extern unsigned long max_pfn __attribute__((weak));
#define HOST_HAVE_MEMMAP()	(&min_low_pfn != NULL && &max_pfn != NULL)

static inline bool pfn_valid(u64 pfn)
{
	return HOST_HAVE_MEMMAP() && pfn < max_pfn;
}
#endif

#endif /* _HOST_COMPAT_MM_H */
