/* SPDX-License-Identifier: MIT */
/* The memory-map subset of <linux/mm.h>: min_low_pfn, max_pfn, pfn_valid(). */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <asm/page.h>
#include <linux/memblock.h>
#include <linux/pfn.h>
#include <linux/types.h>

/* A PFN of RAM on the simulated machine (the MMIO hole and beyond max_pfn are not, A40). */
bool rmpsim__k_pfn_valid(u64 pfn);
#define pfn_valid(pfn) rmpsim__k_pfn_valid(pfn)

#endif
