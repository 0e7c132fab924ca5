/* SPDX-License-Identifier: MIT */
/*
 * struct page, with the fields kernel code around RMPOPT touches (the leaked
 * pages list, flags, private). pfn_to_page() (<linux/mm.h>) gives the same
 * struct for the same PFN for the whole boot; the structs exist only for the
 * PFNs asked for (A230): nothing else of the memory map is modelled.
 */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <linux/list.h>
#include <linux/types.h>

struct page {
	unsigned long flags;
	union {
		struct list_head lru;
		struct list_head buddy_list;
	};
	unsigned long private;
	/* private to the shim */
	u64 rmpsim_pfn;
	struct page *rmpsim_next; /* hash chain */
	void *rmpsim_data;	  /* page_address(): 4 KB made at first use */
};

#endif
