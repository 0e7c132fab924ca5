/* SPDX-License-Identifier: MIT */
/* The memory bounds Linux keeps in globals, from the simulated machine's map (A40). */
#ifndef _LINUX_MEMBLOCK_H
#define _LINUX_MEMBLOCK_H

unsigned long rmpsim__k_min_low_pfn(void);
unsigned long rmpsim__k_max_pfn(void);
#define min_low_pfn rmpsim__k_min_low_pfn()
#define max_pfn	    rmpsim__k_max_pfn()

#endif
