/* SPDX-License-Identifier: MIT */
/* The RMP home node's DRAM queue in simulated-time order (home_queue.h, A300). */
#include <stdbool.h>
#include <string.h>

#include "home_queue.h"

/* The hole moved to logical index i: gap[a] is the first gap at or after i. */
static void move_hole(struct rmpsim__home_queue *q, size_t i)
{
	if (i < q->a) {
		size_t k = q->a - i;
		memmove(&q->gap[q->b - k], &q->gap[i], k * sizeof(*q->gap));
		q->a = i;
		q->b -= k;
	} else if (i > q->a) {
		size_t k = i - q->a;
		memmove(&q->gap[q->a], &q->gap[q->b], k * sizeof(*q->gap));
		q->a = i;
		q->b += k;
	}
}

/*
 * Room for one more gap: the gaps that end by the clock dropped (no read
 * begins before it, so none can take them), and the buffer doubled if that
 * is not enough. Returns false when out of memory (the caller then leaves a
 * gap out: reads that could have used it queue instead, slower, never sooner).
 */
static bool room(const struct rmpsim_allocator *al, struct rmpsim__home_queue *q, uint64_t clock)
{
	if (q->a < q->b)
		return true;
	move_hole(q, rmpsim__queue_ngaps(q)); /* every gap in gap[0, a) */
	size_t dead = 0;
	while (dead < q->a && q->gap[dead].hi <= clock)
		dead++;
	if (dead * 4 >= q->a && dead) { /* enough freed: compact in place */
		memmove(q->gap, &q->gap[dead], (q->a - dead) * sizeof(*q->gap));
		q->a -= dead;
		return true;
	}
	size_t cap = q->cap ? q->cap * 2 : 64;
	struct rmpsim__gap *g = rmpsim__malloc(al, cap * sizeof(*g));
	if (!g)
		return false;
	size_t n = q->a - dead;
	if (n)
		memcpy(g, &q->gap[dead], n * sizeof(*g));
	rmpsim__free(al, q->gap, q->cap * sizeof(*q->gap));
	q->gap = g;
	q->cap = cap;
	q->a = n;
	q->b = cap;
	return true;
}

static void insert(const struct rmpsim_allocator *al, struct rmpsim__home_queue *q, uint64_t clock, size_t i,
		   uint64_t lo, uint64_t hi)
{
	size_t before = rmpsim__queue_ngaps(q);
	if (!room(al, q, clock))
		return;
	i -= before - rmpsim__queue_ngaps(q); /* dead gaps dropped come before i */
	move_hole(q, i);
	q->gap[q->a++] = (struct rmpsim__gap){ lo, hi };
}

void rmpsim__queue_push(const struct rmpsim_allocator *al, struct rmpsim__home_queue *q, uint64_t clock,
			uint64_t lo, uint64_t hi)
{
	insert(al, q, clock, rmpsim__queue_ngaps(q), lo, hi);
}

uint64_t rmpsim__queue_take_gap(const struct rmpsim_allocator *al, struct rmpsim__home_queue *q,
				uint64_t clock, uint64_t t, uint64_t dur)
{
	/* The first gap that ends after t (gaps are disjoint and in order). */
	size_t lo = 0, hi = rmpsim__queue_ngaps(q);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rmpsim__queue_gap(q, mid)->hi <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo, n = rmpsim__queue_ngaps(q); i < n; i++) {
		struct rmpsim__gap *g = rmpsim__queue_gap(q, i);
		uint64_t start = g->lo > t ? g->lo : t;
		if (g->hi - start < dur)
			continue; /* too short from where the read could begin */
		/* The read takes [start, start + dur): what is left on either side stays idle. */
		uint64_t left_lo = g->lo, right_lo = start + dur, right_hi = g->hi;
		if (left_lo < start && right_lo < right_hi) {
			g->hi = start;
			insert(al, q, clock, i + 1, right_lo, right_hi);
		} else if (left_lo < start) {
			g->hi = start;
		} else if (right_lo < right_hi) {
			g->lo = right_lo;
		} else { /* the gap used up: gone */
			move_hole(q, i);
			q->b++;
		}
		return start;
	}
	uint64_t start = q->free_at; /* no gap holds it: behind the last reservation */
	q->free_at = start + dur;
	return start;
}

void rmpsim__queue_shift(struct rmpsim__home_queue *q, uint64_t keep_from, uint64_t d)
{
	move_hole(q, rmpsim__queue_ngaps(q)); /* every gap in gap[0, a) */
	size_t n = 0;
	for (size_t i = 0; i < q->a; i++)
		if (q->gap[i].hi > keep_from)
			q->gap[n++] = (struct rmpsim__gap){ q->gap[i].lo + d, q->gap[i].hi + d };
	q->a = n;
	q->b = q->cap;
	q->free_at += d;
}

void rmpsim__queue_free(const struct rmpsim_allocator *al, struct rmpsim__home_queue *q)
{
	rmpsim__free(al, q->gap, q->cap * sizeof(*q->gap));
	*q = (struct rmpsim__home_queue){ 0 };
}
