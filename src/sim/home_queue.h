/* SPDX-License-Identifier: MIT */
/*
 * The DRAM queue of an RMP home node (A62, A300): first come, first served at
 * the node's bandwidth, in the order of simulated time, not of the order the
 * simulator computes reads in.
 *
 * Why the order matters. The simulator computes a handler whole when it
 * starts (a percpu follower's 2,048 verifies, a round's targets one after
 * another), so a read computed later may begin earlier in simulated time than
 * reads already placed. A single "busy until" time would make it wait behind
 * reads issued after it, milliseconds in the future (it did: A300). The queue
 * therefore keeps, besides the end of the last reservation (free_at), the idle
 * stretches (gaps) before it; a read that begins before free_at takes the
 * first gap from its start on that holds its whole service time, else it
 * queues at free_at. Reads placed in time order never find a gap after their
 * start (every gap ends at an earlier read's start), so for them this is the
 * plain FCFS queue of A62, to the picosecond.
 *
 * The gaps are a gap buffer (a sorted array with a movable hole): one reader's
 * reads fall in increasing order, so a reader's inserts move the hole
 * O(gaps) in all. Gaps that end before the event loop's clock can serve no
 * later read (every read starts at or after the event being handled) and are
 * dropped when the buffer would grow.
 */
#ifndef RMPSIM_SIM_HOME_QUEUE_H
#define RMPSIM_SIM_HOME_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "base/alloc.h"

/* An idle stretch [lo, hi) of the node's DRAM before the queue's end. */
struct rmpsim__gap {
	uint64_t lo, hi;
};

struct rmpsim__home_queue {
	uint64_t free_at; /* the last reservation ends (A62) */
	/* Gaps in time order: gap[0, a) then gap[b, cap) (the hole is [a, b)). */
	struct rmpsim__gap *gap;
	size_t a, b, cap;
};

static inline size_t rmpsim__queue_ngaps(const struct rmpsim__home_queue *q)
{
	return q->a + (q->cap - q->b);
}

static inline struct rmpsim__gap *rmpsim__queue_gap(const struct rmpsim__home_queue *q, size_t i)
{
	return &q->gap[i < q->a ? i : i + (q->b - q->a)];
}

/* Out of line: the read begins before free_at and a gap ends after its start
 * (the first gap from there that holds it, or the end of the queue). */
uint64_t rmpsim__queue_take_gap(const struct rmpsim_allocator *al, struct rmpsim__home_queue *q,
				uint64_t clock, uint64_t t, uint64_t dur);
/* Appends the gap [lo, hi) at the end (lo >= the last gap's hi). */
void rmpsim__queue_push(const struct rmpsim_allocator *al, struct rmpsim__home_queue *q, uint64_t clock,
			uint64_t lo, uint64_t hi);
/* The queue moved d ps later (A301: the runs skipped whole periods), the gaps
 * that end by keep_from (no read to come can take them) dropped. */
void rmpsim__queue_shift(struct rmpsim__home_queue *q, uint64_t keep_from, uint64_t d);
void rmpsim__queue_free(const struct rmpsim_allocator *al, struct rmpsim__home_queue *q);

/*
 * A read whose DRAM service of dur ps may begin at t: when it begins. clock:
 * the event loop's time (no read begins before it), for dropping dead gaps.
 */
static inline uint64_t rmpsim__queue_take(const struct rmpsim_allocator *al, struct rmpsim__home_queue *q,
					  uint64_t clock, uint64_t t, uint64_t dur)
{
	if (t < q->free_at) {
		size_t n = rmpsim__queue_ngaps(q);
		if (n && rmpsim__queue_gap(q, n - 1)->hi > t) /* an idle stretch after t */
			return rmpsim__queue_take_gap(al, q, clock, t, dur);
		uint64_t start = q->free_at; /* busy from t on: behind the last reservation */
		q->free_at = start + dur;
		return start;
	}
	if (t > q->free_at) /* the node idles from the last reservation to t */
		rmpsim__queue_push(al, q, clock, q->free_at, t);
	q->free_at = t + dur;
	return t;
}

#endif
