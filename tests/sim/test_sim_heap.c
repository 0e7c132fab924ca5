/* SPDX-License-Identifier: MIT */
/* The event heap against a sorted-array oracle: random inserts, pops and cancels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "assert_eq.h"

#include "base/rng.h"
#include "failing_alloc.h"
#include "sim/heap.h"

#define N 3000

/* Oracle: the live events, kept unsorted; the minimum is found by a scan. */
static struct rmpsim_event *oracle_min(struct rmpsim_event **live, size_t n, size_t *ret_i)
{
	size_t best = 0;
	for (size_t i = 1; i < n; i++)
		if (rmpsim__ev_before(live[i], live[best]))
			best = i;
	*ret_i = best;
	return live[best];
}

static void heap_matches_oracle_random(void **state)
{
	(void)state;
	static struct rmpsim_event evs[N];
	static struct rmpsim_event *live[N];
	size_t nlive = 0, used = 0;
	uint64_t seq = 0;
	struct rmpsim__heap h;
	struct rmpsim_rng rng;

	rmpsim__rng_seed(&rng, 7);
	rmpsim__heap_init(&h, rmpsim_allocator_default());
	for (int step = 0; step < 20000; step++) {
		uint64_t op = rmpsim__rng_below(&rng, 10);
		if (op < 5 && used < N) {
			struct rmpsim_event *e = &evs[used++];
			/* Few distinct times so that ties (broken by seq) are common. */
			e->time = rmpsim__rng_below(&rng, 50);
			e->seq = seq++;
			e->heap_index = RMPSIM__HEAP_NONE;
			assert_int_equal(rmpsim__heap_reserve(&h, h.n + 1), 0);
			rmpsim__heap_push(&h, e);
			live[nlive++] = e;
		} else if (op < 8 && nlive) {
			size_t i;
			struct rmpsim_event *want = oracle_min(live, nlive, &i);
			assert_ptr_equal(rmpsim__heap_top(&h), want);
			assert_ptr_equal(rmpsim__heap_pop(&h), want);
			assert_true(want->heap_index == RMPSIM__HEAP_NONE);
			live[i] = live[--nlive];
		} else if (nlive) {
			size_t i = rmpsim__rng_below(&rng, nlive);
			assert_true(rmpsim__heap_remove(&h, live[i]));
			assert_false(rmpsim__heap_remove(&h, live[i])); /* not queued any more */
			live[i] = live[--nlive];
		}
		assert_int_equal(h.n, nlive);
	}
	/* Drain: strictly increasing (time, seq). */
	struct rmpsim_event *prev = NULL, *e;
	while ((e = rmpsim__heap_pop(&h))) {
		if (prev)
			assert_true(rmpsim__ev_before(prev, e));
		prev = e;
		nlive--;
	}
	assert_int_equal(nlive, 0);
	rmpsim__heap_fini(&h);
}

static void heap_reserve_failure_leaves_heap_intact(void **state)
{
	(void)state;
	struct failing_alloc fa;
	struct rmpsim__heap h;
	struct rmpsim_event e = { .time = 1, .seq = 0, .heap_index = RMPSIM__HEAP_NONE };

	failing_alloc_init(&fa, 0);
	rmpsim__heap_init(&h, &fa.alloc);
	assert_int_equal(rmpsim__heap_reserve(&h, 1), -ENOMEM);
	assert_int_equal(h.cap, 0);
	fa.budget = -1;
	assert_int_equal(rmpsim__heap_reserve(&h, 1), 0);
	rmpsim__heap_push(&h, &e);
	assert_ptr_equal(rmpsim__heap_top(&h), &e);
	rmpsim__heap_fini(&h);
	ASSERT_EQ(e.heap_index, RMPSIM__HEAP_NONE);
	assert_int_equal(fa.live_bytes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(heap_matches_oracle_random),
		cmocka_unit_test(heap_reserve_failure_leaves_heap_intact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
