/* SPDX-License-Identifier: MIT */
/* struct page on demand (<linux/mm.h> pfn_to_page, A230): a hash of the PFNs asked for;
 * page_address() gives each its own 4 KB on demand (A384). */
#include <string.h>

#include "kshim.h"

#include <linux/mm.h>

#define BUCKETS 4096u

struct page *rmpsim__k_pfn_to_page(u64 pfn)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (!k->pages) {
		k->pages = rmpsim__k_alloc(sizeof(*k->pages) * BUCKETS);
		if (!k->pages)
			return NULL;
		memset(k->pages, 0, sizeof(*k->pages) * BUCKETS);
	}
	struct page **b = &k->pages[(pfn * 0x9e3779b97f4a7c15ull) >> 52];
	for (struct page *p = *b; p; p = p->rmpsim_next)
		if (p->rmpsim_pfn == pfn)
			return p;
	struct page *p = rmpsim__k_alloc(sizeof(*p));
	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->rmpsim_pfn = pfn;
	INIT_LIST_HEAD(&p->lru);
	p->rmpsim_next = *b;
	*b = p;
	return p;
}

void *rmpsim__k_page_address(struct page *page)
{
	if (!page)
		return NULL;
	if (!page->rmpsim_data) {
		page->rmpsim_data = rmpsim__k_alloc(PAGE_SIZE);
		if (page->rmpsim_data)
			memset(page->rmpsim_data, 0, PAGE_SIZE);
	}
	return page->rmpsim_data;
}

void rmpsim__k_pages_destroy(struct rmpsim_kernel *k)
{
	if (!k->pages)
		return;
	for (unsigned i = 0; i < BUCKETS; i++) {
		while (k->pages[i]) {
			struct page *p = k->pages[i];
			k->pages[i] = p->rmpsim_next;
			if (p->rmpsim_data)
				rmpsim__k_free(p->rmpsim_data, PAGE_SIZE);
			rmpsim__k_free(p, sizeof(*p));
		}
	}
	rmpsim__k_free(k->pages, sizeof(*k->pages) * BUCKETS);
	k->pages = NULL;
}
