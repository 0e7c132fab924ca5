/* SPDX-License-Identifier: MIT */
/* The memory-map subset of <linux/mm.h>: min_low_pfn, max_pfn, pfn_valid(), struct page. */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <asm/page.h>
#include <linux/memblock.h>
#include <linux/mm_types.h>
#include <linux/pfn.h>
#include <linux/types.h>

/* A PFN of RAM on the simulated machine (the MMIO hole and beyond max_pfn are not, A40). */
bool rmpsim__k_pfn_valid(u64 pfn);
#define pfn_valid(pfn) rmpsim__k_pfn_valid(pfn)

/*
 * pfn_to_page(): the struct page of a PFN, made at first use and the same for
 * the rest of the boot (A230); NULL only when out of memory. page_to_pfn()
 * inverts it. No page is compound (no huge-page allocator is modelled).
 */
struct page *rmpsim__k_pfn_to_page(u64 pfn);
#define pfn_to_page(pfn)   rmpsim__k_pfn_to_page(pfn)
#define page_to_pfn(page)  ((unsigned long)(page)->rmpsim_pfn)
#define page_to_phys(page) ((phys_addr_t)PFN_PHYS(page_to_pfn(page)))
#define phys_to_page(pa)   pfn_to_page(PHYS_PFN(pa))
/*
 * page_address(): the page's bytes in the direct map. The simulated machine
 * keeps no memory contents, so each struct page gets its own zeroed 4 KB at
 * its first page_address(), the same for the rest of the boot (A384): code
 * may read and write it; what it writes is not the simulated RAM (RMP checks
 * and timing do not see it). NULL only when out of memory.
 */
void *rmpsim__k_page_address(struct page *page);
#define page_address(page)  rmpsim__k_page_address(page)
#define PageCompound(page)  ((void)(page), false)
#define compound_head(page) (page)
#define compound_nr(page)   ((void)(page), 1UL)

#endif
