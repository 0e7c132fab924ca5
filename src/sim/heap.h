/* SPDX-License-Identifier: MIT */
/*
 * The future-event set: a 4-ary min-heap of event pointers ordered by
 * (time, seq). Each event stores its index so cancel is O(log n). A 4-ary heap
 * is shallower than a binary one (fewer cache misses per sift-down) and its
 * children sit in one cache line of pointers; see docs/performance.md.
 */
#ifndef RMPSIM_SIM_HEAP_H
#define RMPSIM_SIM_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/sim.h>

#define RMPSIM__HEAP_NONE SIZE_MAX

struct rmpsim__heap {
	struct rmpsim_event **v;
	size_t n, cap;
	const struct rmpsim_allocator *a;
};

void rmpsim__heap_init(struct rmpsim__heap *h, const struct rmpsim_allocator *a);
void rmpsim__heap_fini(struct rmpsim__heap *h);
/* Make room for `want` events in all; -ENOMEM leaves the heap unchanged. */
int rmpsim__heap_reserve(struct rmpsim__heap *h, size_t want);
/* Insert (room must be reserved); ev->time and ev->seq already set. */
void rmpsim__heap_push(struct rmpsim__heap *h, struct rmpsim_event *ev);
/* Earliest event or NULL. */
static inline struct rmpsim_event *rmpsim__heap_top(const struct rmpsim__heap *h)
{
	return h->n ? h->v[0] : NULL;
}
struct rmpsim_event *rmpsim__heap_pop(struct rmpsim__heap *h);
/* Remove a queued event; false if it was not queued. */
bool rmpsim__heap_remove(struct rmpsim__heap *h, struct rmpsim_event *ev);

static inline bool rmpsim__ev_before(const struct rmpsim_event *a, const struct rmpsim_event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

#endif
