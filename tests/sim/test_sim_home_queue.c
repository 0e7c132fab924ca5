/* SPDX-License-Identifier: MIT */
/*
 * The RMP home node's DRAM queue (src/sim/home_queue.[ch], A62, A300) against
 * a brute-force model: the reservations the queue made, as a plain list of
 * busy intervals. A read that may begin at t takes the first idle stretch of
 * the node from t on that holds its whole service (first fit), else it queues
 * behind the last reservation; reads issued in time order see A62's plain
 * FCFS, start = max(free_at, t). Random reads, in and out of time order, with
 * a clock (no read begins before it) that moves on so that the gap buffer is
 * compacted and grows; and with an allocator that fails, where a gap left out
 * may make a read later than first fit, never sooner, and never overlapping
 * another.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/rng.h"
#include "failing_alloc.h"
#include "sim/home_queue.h"

/* The model: every reservation [lo, hi) made so far, sorted (they are disjoint). */
struct model {
	struct rmpsim__gap *busy;
	size_t n, cap;
	uint64_t free_at;
};

/* The first reservation that ends after t (ends are sorted too). */
static size_t model_after(const struct model *m, uint64_t t)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->busy[mid].hi <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether [lo, hi) overlaps a reservation. */
static bool model_overlaps(const struct model *m, uint64_t lo, uint64_t hi)
{
	size_t i = model_after(m, lo);
	return i < m->n && m->busy[i].lo < hi;
}

static void model_add(struct model *m, uint64_t lo, uint64_t hi)
{
	assert_false(model_overlaps(m, lo, hi)); /* no read overlaps another */
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 256;
		m->busy = realloc(m->busy, m->cap * sizeof(*m->busy));
		assert_non_null(m->busy);
	}
	size_t i = model_after(m, lo);
	memmove(&m->busy[i + 1], &m->busy[i], (m->n - i) * sizeof(*m->busy));
	m->busy[i] = (struct rmpsim__gap){ lo, hi };
	m->n++;
	if (hi > m->free_at)
		m->free_at = hi;
}

/* First fit from t: the earliest start >= t whose [start, start + dur) is idle. */
static uint64_t model_first_fit(const struct model *m, uint64_t t, uint64_t dur)
{
	uint64_t start = t;
	for (size_t i = model_after(m, t); i < m->n && m->busy[i].lo < start + dur; i++)
		start = m->busy[i].hi > start ? m->busy[i].hi : start;
	return start;
}

/*
 * The queue's gaps are sorted, disjoint, not empty, end before free_at, and
 * hold no reservation; those that end after the clock are exactly the model's
 * idle stretches before free_at (gaps ending by the clock may have been
 * dropped, or not yet).
 */
static void check_gaps(const struct rmpsim__home_queue *q, const struct model *m, uint64_t clock)
{
	assert_true(q->a <= q->b && q->b <= q->cap);
	assert_int_equal(q->free_at, m->free_at);
	size_t n = rmpsim__queue_ngaps(q);
	for (size_t i = 0; i < n; i++) {
		const struct rmpsim__gap *g = rmpsim__queue_gap(q, i);
		assert_true(g->lo < g->hi);
		assert_true(g->hi < q->free_at); /* a gap ends at a read's start, before that read ends */
		if (i)
			assert_true(rmpsim__queue_gap(q, i - 1)->hi < g->lo ||
				    rmpsim__queue_gap(q, i - 1)->hi == g->lo);
		assert_false(model_overlaps(m, g->lo, g->hi));
	}
	/* The model's idle stretches from the clock to free_at. */
	const struct rmpsim__gap *b = m->busy;
	size_t k = 0; /* the queue's first gap that ends after the clock */
	while (k < n && rmpsim__queue_gap(q, k)->hi <= clock)
		k++;
	uint64_t at = 0; /* everything before `at` is busy or accounted for */
	for (size_t i = 0; i <= m->n; i++) {
		uint64_t lo = i < m->n ? b[i].lo : m->free_at;
		if (lo > at && lo > clock) { /* the idle stretch [at, lo) */
			assert_true(k < n);
			assert_int_equal(rmpsim__queue_gap(q, k)->lo, at);
			assert_int_equal(rmpsim__queue_gap(q, k)->hi, lo);
			k++;
		}
		if (i < m->n && b[i].hi > at)
			at = b[i].hi;
	}
	assert_int_equal(k, n);
}

/* Reads in time order: plain FCFS (A62), to the picosecond. */
static void reads_in_time_order_are_fcfs(void **state)
{
	(void)state;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, 62);
	const struct rmpsim_allocator *al = rmpsim__alloc_or_default(NULL);
	struct rmpsim__home_queue q = { 0 };
	struct model m = { 0 };
	uint64_t t = 0, free_at = 0;
	for (int i = 0; i < 20000; i++) {
		t += rmpsim__rng_below(&rng, 3) ? rmpsim__rng_below(&rng, 500)
						: rmpsim__rng_below(&rng, 50000);
		uint64_t dur = 1 + rmpsim__rng_below(&rng, 2000);
		uint64_t fcfs = free_at > t ? free_at : t;
		uint64_t start = rmpsim__queue_take(al, &q, t, t, dur);
		assert_int_equal(start, fcfs);
		free_at = start + dur;
		model_add(&m, start, start + dur);
		if (i % 1000 == 0)
			check_gaps(&q, &m, t);
	}
	check_gaps(&q, &m, t);
	/* No gap ever serves a read in time order: they all end by the clock and the
	 * buffer stays bounded however many reads went by. */
	assert_true(q.cap <= 128);
	rmpsim__queue_free(al, &q);
	assert_null(q.gap);
	free(m.busy);
}

static uint64_t pruned; /* takes that dropped gaps ending by the clock */

/*
 * Random reads, several readers each issuing in its own time order but the
 * readers computed in turn (as runs and rounds are), and a clock that moves
 * on to the earliest reader now and then.
 */
static void run_random(uint64_t seed, const struct rmpsim_allocator *al, bool exact, uint64_t *ret_max_gaps,
		       uint64_t *ret_late)
{
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, seed);
	struct rmpsim__home_queue q = { 0 };
	struct model m = { 0 };
	enum { READERS = 12 };
	uint64_t at[READERS], clock = 0;
	unsigned nreaders = 1 + (unsigned)rmpsim__rng_below(&rng, READERS);
	uint64_t spread = 1 + rmpsim__rng_below(&rng, 200000);
	uint64_t dmax = 1 + rmpsim__rng_below(&rng, 5000);
	for (unsigned r = 0; r < nreaders; r++)
		at[r] = rmpsim__rng_below(&rng, spread);
	for (int i = 0; i < 4000; i++) {
		unsigned r = (unsigned)rmpsim__rng_below(&rng, nreaders);
		uint64_t t = at[r] < clock ? clock : at[r];
		uint64_t dur = 1 + rmpsim__rng_below(&rng, dmax);
		if (rmpsim__rng_below(&rng, 50) == 0) {
			/* A memo's round (ipi_round.c memo_apply): the idle stretch from
			 * where the queue is free to its first read, then its reads. */
			uint64_t lo = (q.free_at > clock ? q.free_at : clock) + 1 +
				      rmpsim__rng_below(&rng, 3 * dmax);
			uint64_t hi = lo + 1 + rmpsim__rng_below(&rng, 3 * dmax);
			rmpsim__queue_push(al, &q, clock, q.free_at, lo);
			model_add(&m, lo, hi);
			q.free_at = hi;
			continue;
		}
		uint64_t want = model_first_fit(&m, t, dur);
		size_t before = rmpsim__queue_ngaps(&q);
		uint64_t start = rmpsim__queue_take(al, &q, clock, t, dur);
		pruned +=
			rmpsim__queue_ngaps(&q) + 1 < before; /* more than a gap used up: dead ones dropped */
		if (exact) {
			assert_int_equal(start, want);
		} else {
			assert_true(start >= want); /* a gap left out: later, never sooner */
			*ret_late += start > want;
		}
		assert_true(start >= t);
		model_add(&m, start, start + dur);
		at[r] = t + rmpsim__rng_below(&rng, 2 * dmax); /* the reader's next read */
		if (rmpsim__rng_below(&rng, 20) == 0) {	       /* the clock moves to the earliest reader */
			uint64_t lo = UINT64_MAX;
			for (unsigned k = 0; k < nreaders; k++)
				lo = at[k] < lo ? at[k] : lo;
			clock = lo > clock ? lo : clock;
		}
		if (rmpsim__queue_ngaps(&q) > *ret_max_gaps)
			*ret_max_gaps = rmpsim__queue_ngaps(&q);
		if (exact && i % 97 == 0)
			check_gaps(&q, &m, clock);
	}
	if (exact)
		check_gaps(&q, &m, clock);
	rmpsim__queue_free(al, &q);
	free(m.busy);
}

static void random_reads_take_the_first_fit(void **state)
{
	(void)state;
	uint64_t max_gaps = 0, late = 0;
	for (uint64_t seed = 1; seed <= 60; seed++)
		run_random(seed, rmpsim__alloc_or_default(NULL), true, &max_gaps, &late);
	/* The buffer did grow past its first 64 gaps, and dropped dead gaps on the way. */
	assert_true(max_gaps > 128);
	assert_true(pruned > 10);
	print_message("most gaps %llu, prunings %llu\n", (unsigned long long)max_gaps,
		      (unsigned long long)pruned);
}

/* Out of memory: a gap left out, never a read placed sooner or on another;
 * nothing leaks. */
static void out_of_memory_leaves_gaps_out(void **state)
{
	(void)state;
	uint64_t max_gaps = 0, late = 0;
	for (long budget = 0; budget < 4; budget++)
		for (uint64_t seed = 100; seed < 110; seed++) {
			struct failing_alloc fa;
			failing_alloc_init(&fa, budget);
			run_random(seed, &fa.alloc, false, &max_gaps, &late);
			assert_int_equal(fa.live_bytes, 0);
		}
	assert_true(late > 0); /* some read did find its gap missing */
}

/*
 * The buffer full (64 gaps): the next gap drops exactly those that end by the
 * clock, and a read at the clock still takes the last picosecond of the gap
 * that ends right after it.
 */
static void dead_gaps_are_those_ending_by_the_clock(void **state)
{
	(void)state;
	const struct rmpsim_allocator *al = rmpsim__alloc_or_default(NULL);
	struct rmpsim__home_queue q = { 0 };
	/* The last gap's last picosecond. */
	assert_int_equal(rmpsim__queue_take(al, &q, 0, 100, 10), 100);
	assert_int_equal(rmpsim__queue_take(al, &q, 0, 99, 1), 99);
	assert_int_equal(rmpsim__queue_take(al, &q, 0, 98, 2), 110);
	rmpsim__queue_free(al, &q);
	for (uint64_t k = 1; k <= 64; k++) /* gaps [0, 100), [110, 200), ... [6310, 6400) */
		assert_int_equal(rmpsim__queue_take(al, &q, 0, 100 * k, 10), 100 * k);
	assert_int_equal(rmpsim__queue_ngaps(&q), 64);
	assert_int_equal(q.cap, 64);
	/* The last picosecond of a gap, then one that ends at the read's start. */
	assert_int_equal(rmpsim__queue_take(al, &q, 0, 99, 1), 99);
	assert_int_equal(rmpsim__queue_take(al, &q, 0, 99, 1), 110);
	assert_int_equal(rmpsim__queue_ngaps(&q), 64);
	uint64_t clock = 3999; /* the gaps ending at 100..3900 are dead, [3910, 4000) is not */
	assert_int_equal(rmpsim__queue_take(al, &q, clock, 7000, 10), 7000);
	assert_int_equal(q.cap, 64); /* compacted in place */
	assert_int_equal(rmpsim__queue_ngaps(&q), 64 + 1 - 39);
	assert_int_equal(rmpsim__queue_gap(&q, 0)->lo, 3910);
	assert_int_equal(rmpsim__queue_take(al, &q, clock, clock, 1), clock);
	assert_int_equal(rmpsim__queue_gap(&q, 0)->hi, clock); /* what is left of it before the read */
	/* The first gap that holds the read; one that fits none queues at the end. */
	assert_int_equal(rmpsim__queue_take(al, &q, clock, clock, 200), 6410); /* [6410, 7000) */
	assert_int_equal(rmpsim__queue_take(al, &q, clock, clock, 600), 7010);
	assert_int_equal(q.free_at, 7610);
	rmpsim__queue_free(al, &q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_in_time_order_are_fcfs),
		cmocka_unit_test(random_reads_take_the_first_fit),
		cmocka_unit_test(out_of_memory_leaves_gaps_out),
		cmocka_unit_test(dead_gaps_are_those_ending_by_the_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
