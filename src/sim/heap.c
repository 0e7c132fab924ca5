/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "base/alloc.h"
#include "base/check.h"
#include "heap.h"

#define D 4u /* arity */

void rmpsim__heap_init(struct rmpsim__heap *h, const struct rmpsim_allocator *a)
{
	h->v = NULL;
	h->n = 0;
	h->cap = 0;
	h->a = a;
}

void rmpsim__heap_fini(struct rmpsim__heap *h)
{
	for (size_t i = 0; i < h->n; i++)
		h->v[i]->heap_index = RMPSIM__HEAP_NONE;
	rmpsim__free(h->a, h->v, h->cap * sizeof(*h->v));
	h->v = NULL;
	h->n = h->cap = 0;
}

int rmpsim__heap_reserve(struct rmpsim__heap *h, size_t want)
{
	if (want <= h->cap)
		return 0;
	size_t ncap = h->cap ? h->cap : 64;
	while (ncap < want)
		ncap *= 2;
	void *nv = rmpsim__realloc(h->a, h->v, h->cap * sizeof(*h->v), ncap * sizeof(*h->v));
	if (!nv)
		return -ENOMEM;
	h->v = nv;
	h->cap = ncap;
	return 0;
}

static inline void place(struct rmpsim__heap *h, size_t i, struct rmpsim_event *ev)
{
	h->v[i] = ev;
	ev->heap_index = i;
}

static void sift_up(struct rmpsim__heap *h, size_t i, struct rmpsim_event *ev)
{
	while (i > 0) {
		size_t parent = (i - 1) / D;
		if (!rmpsim__ev_before(ev, h->v[parent]))
			break;
		place(h, i, h->v[parent]);
		i = parent;
	}
	place(h, i, ev);
}

static void sift_down(struct rmpsim__heap *h, size_t i, struct rmpsim_event *ev)
{
	for (;;) {
		size_t first = i * D + 1;
		if (first >= h->n)
			break;
		size_t last = first + D < h->n ? first + D : h->n;
		size_t best = first;
		for (size_t c = first + 1; c < last; c++)
			if (rmpsim__ev_before(h->v[c], h->v[best]))
				best = c;
		if (!rmpsim__ev_before(h->v[best], ev))
			break;
		place(h, i, h->v[best]);
		i = best;
	}
	place(h, i, ev);
}

void rmpsim__heap_push(struct rmpsim__heap *h, struct rmpsim_event *ev)
{
	if (RMPSIM_NEVER(h->n >= h->cap))
		return;
	sift_up(h, h->n++, ev);
}

/* Take the element at i out, refilling the hole with the last element. */
static void remove_at(struct rmpsim__heap *h, size_t i)
{
	struct rmpsim_event *last = h->v[--h->n];

	h->v[i]->heap_index = RMPSIM__HEAP_NONE;
	if (i == h->n)
		return;
	if (i > 0 && rmpsim__ev_before(last, h->v[(i - 1) / D]))
		sift_up(h, i, last);
	else
		sift_down(h, i, last);
}

struct rmpsim_event *rmpsim__heap_pop(struct rmpsim__heap *h)
{
	if (!h->n)
		return NULL;
	struct rmpsim_event *top = h->v[0];
	remove_at(h, 0);
	return top;
}

bool rmpsim__heap_remove(struct rmpsim__heap *h, struct rmpsim_event *ev)
{
	size_t i = ev->heap_index;

	if (i == RMPSIM__HEAP_NONE || i >= h->n || h->v[i] != ev)
		return false;
	remove_at(h, i);
	return true;
}
