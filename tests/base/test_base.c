/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/error.h>

#include "base/alloc.h"
#include "base/hash.h"
#include "base/rng.h"
#include "base/slab.h"
#include "failing_alloc.h"

static void diag_format_names_file_line_col(void **state)
{
	(void)state;
	struct rmpsim_diag d = { 0 };
	char buf[600];

	assert_int_equal(rmpsim_diag_fail(&d, -EINVAL, "field %s: %d", "x", 7), -EINVAL);
	assert_string_equal(rmpsim_diag_format(&d, buf, sizeof(buf)), "field x: 7");
	rmpsim_diag_at(&d, "a.ini", 3, 0);
	assert_string_equal(rmpsim_diag_format(&d, buf, sizeof(buf)), "a.ini:3: field x: 7");
	rmpsim_diag_at(&d, "a.ini", 3, 9);
	assert_string_equal(rmpsim_diag_format(&d, buf, sizeof(buf)), "a.ini:3:9: field x: 7");
	/* A NULL diag is allowed and only the code comes back. */
	assert_int_equal(rmpsim_diag_fail(NULL, -ERANGE, "ignored"), -ERANGE);
}

static void failing_alloc_fails_after_budget(void **state)
{
	(void)state;
	struct failing_alloc fa;

	failing_alloc_init(&fa, 2);
	void *a = rmpsim__malloc(&fa.alloc, 10);
	void *b = rmpsim__calloc(&fa.alloc, 2, 8);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(rmpsim__malloc(&fa.alloc, 1));
	assert_int_equal(fa.failures, 1);
	assert_int_equal(fa.live_bytes, 26);
	rmpsim__free(&fa.alloc, a, 10);
	rmpsim__free(&fa.alloc, b, 16);
	assert_int_equal(fa.live_bytes, 0);
	/* calloc refuses a product that overflows size_t. */
	failing_alloc_init(&fa, -1);
	assert_null(rmpsim__calloc(&fa.alloc, SIZE_MAX / 2, 4));
}

/* An allocator whose memory comes dirty (0xa5), counting live bytes and the
 * chunks it gave: a slab must zero what it hands out itself. */
struct dirty_alloc {
	struct rmpsim_allocator alloc;
	size_t live_bytes;
	long allocations, budget; /* budget < 0: never fail */
};

static void *dirty_realloc(void *ctx, void *p, size_t old_n, size_t new_n)
{
	struct dirty_alloc *d = ctx;
	if (new_n == 0) {
		free(p);
		d->live_bytes -= old_n;
		return NULL;
	}
	if (d->budget == 0)
		return NULL;
	if (d->budget > 0)
		d->budget--;
	unsigned char *q = realloc(p, new_n);
	if (!q)
		return NULL;
	if (new_n > old_n)
		memset(q + old_n, 0xa5, new_n - old_n);
	d->live_bytes += new_n - old_n;
	d->allocations++;
	return q;
}

static void dirty_free(void *ctx, void *p, size_t n)
{
	struct dirty_alloc *d = ctx;
	if (p)
		d->live_bytes -= n;
	free(p);
}

static void dirty_init(struct dirty_alloc *d, long budget)
{
	*d = (struct dirty_alloc){ .alloc = { dirty_realloc, dirty_free, d }, .budget = budget };
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Blocks are zeroed, distinct and do not overlap, across chunk boundaries;
 * chunks are whole huge pages (or just the blocks when they are few and
 * small); fini gives everything back. */
static void slab_hands_out_zeroed_distinct_blocks(void **state)
{
	(void)state;
	struct dirty_alloc d;
	struct rmpsim__slab sl;
	enum { ELEM = 1000, N = 5000 };
	static unsigned char *blk[N];

	dirty_init(&d, -1);
	rmpsim__slab_init(&sl, ELEM, 0);
	assert_int_equal(sl.chunk_bytes, RMPSIM__DENSE_BYTES);
	assert_int_equal(sl.per_chunk, RMPSIM__DENSE_BYTES / ELEM);
	for (size_t i = 0; i < N; i++) {
		blk[i] = rmpsim__slab_zalloc(&sl, &d.alloc);
		assert_non_null(blk[i]);
		assert_true(all_zero(blk[i], ELEM));
		memset(blk[i], (int)(i % 255) + 1, ELEM); /* a later block must not touch it */
	}
	for (size_t i = 0; i < N; i++)
		for (size_t j = 0; j < ELEM; j += 97)
			assert_int_equal(blk[i][j], (int)(i % 255) + 1);
	size_t chunks = (N + sl.per_chunk - 1) / sl.per_chunk;
	assert_int_equal(sl.nchunks, chunks);
	assert_true(d.live_bytes >= chunks * RMPSIM__DENSE_BYTES);
	rmpsim__slab_fini(&sl, &d.alloc);
	assert_int_equal(d.live_bytes, 0);
	/* Usable again after fini, with the same geometry. */
	void *again = rmpsim__slab_zalloc(&sl, &d.alloc);
	assert_non_null(again);
	assert_true(all_zero(again, ELEM));
	rmpsim__slab_fini(&sl, &d.alloc);
	assert_int_equal(d.live_bytes, 0);

	/* Few blocks: one chunk just their size below 1/32 of a huge page... */
	rmpsim__slab_init(&sl, 100, 10);
	assert_int_equal(sl.per_chunk, 10);
	assert_int_equal(sl.chunk_bytes, 1000);
	/* ...a whole huge page from there on, still one chunk. */
	rmpsim__slab_init(&sl, 49176, 16);
	assert_int_equal(sl.per_chunk, 16);
	assert_int_equal(sl.chunk_bytes, RMPSIM__DENSE_BYTES);
	/* A block bigger than a huge page: chunks of whole huge pages. */
	rmpsim__slab_init(&sl, 3 * RMPSIM__DENSE_BYTES / 2, 0);
	assert_int_equal(sl.per_chunk, 1);
	assert_int_equal(sl.chunk_bytes, 2 * RMPSIM__DENSE_BYTES);
}

/* A refused chunk (or chunk list) gives NULL and leaves the slab sound: the
 * next call with memory to spare works, and fini frees exactly what was
 * taken. */
static void slab_survives_allocation_failure(void **state)
{
	(void)state;
	struct dirty_alloc d;
	struct rmpsim__slab sl;

	for (long budget = 0; budget < 4; budget++) {
		dirty_init(&d, budget);
		rmpsim__slab_init(&sl, 64, 4);
		void *got[12] = { 0 };
		size_t ok = 0;
		for (size_t i = 0; i < 12; i++) {
			got[i] = rmpsim__slab_zalloc(&sl, &d.alloc);
			ok += got[i] != NULL;
		}
		/* the chunk list takes one allocation, each chunk of 4 blocks one */
		size_t want = budget == 0 ? 0 : 4 * (size_t)(budget - 1);
		assert_int_equal(ok, want);
		d.budget = -1;
		void *more = rmpsim__slab_zalloc(&sl, &d.alloc);
		assert_non_null(more);
		assert_true(all_zero(more, 64));
		rmpsim__slab_fini(&sl, &d.alloc);
		assert_int_equal(d.live_bytes, 0);
	}
}

/* From the default allocator a chunk of whole huge pages starts on a huge
 * page (what lets the kernel back it with one), and is freed by fini. */
static void slab_default_chunks_are_huge_page_aligned(void **state)
{
	(void)state;
	struct rmpsim__slab sl;
	const struct rmpsim_allocator *a = rmpsim_allocator_default();

	rmpsim__slab_init(&sl, 4096, 0);
	unsigned char *first = rmpsim__slab_zalloc(&sl, a);
	assert_non_null(first);
	assert_int_equal((uintptr_t)first % RMPSIM__DENSE_BYTES, 0);
	for (size_t i = 1; i < sl.per_chunk + 1; i++) {
		unsigned char *b = rmpsim__slab_zalloc(&sl, a);
		assert_non_null(b);
		assert_true(all_zero(b, 4096));
		if (i == sl.per_chunk) /* the second chunk's first block */
			assert_int_equal((uintptr_t)b % RMPSIM__DENSE_BYTES, 0);
		else
			assert_ptr_equal(b, first + i * 4096);
	}
	rmpsim__slab_fini(&sl, a);
	/* Below a huge page, the allocator's own memory (and free). */
	bool zeroed = true;
	void *small = rmpsim__malloc_dense(a, 4096, &zeroed);
	assert_non_null(small);
	assert_false(zeroed); /* malloc's: not known to be zero */
	rmpsim__free_dense(a, small, 4096);
}

static void hash_is_fnv1a(void **state)
{
	(void)state;
	/* Published FNV-1a 64 test vectors. */
	ASSERT_EQ(rmpsim__hash_bytes(RMPSIM_FNV_OFFSET, "", 0), 0xcbf29ce484222325ull);
	ASSERT_EQ(rmpsim__hash_bytes(RMPSIM_FNV_OFFSET, "a", 1), 0xaf63dc4c8601ec8cull);
	ASSERT_EQ(rmpsim__hash_bytes(RMPSIM_FNV_OFFSET, "foobar", 6), 0x85944171f73967e8ull);
	/* u64 is hashed little-endian whatever the host. */
	uint8_t le[8] = { 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01 };
	ASSERT_EQ(rmpsim__hash_u64(RMPSIM_FNV_OFFSET, 0x0102030405060708ull),
		  rmpsim__hash_bytes(RMPSIM_FNV_OFFSET, le, 8));
}

static void rng_is_deterministic_and_bounded(void **state)
{
	(void)state;
	struct rmpsim_rng a, b;

	rmpsim__rng_seed(&a, 42);
	rmpsim__rng_seed(&b, 42);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = rmpsim__rng_below(&a, 7);
		assert_true(x < 7);
		ASSERT_EQ(x, rmpsim__rng_below(&b, 7));
	}
	rmpsim__rng_seed(&b, 43);
	int same = 0;
	for (int i = 0; i < 64; i++)
		same += rmpsim__rng_next(&a) == rmpsim__rng_next(&b);
	assert_true(same < 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diag_format_names_file_line_col),
		cmocka_unit_test(failing_alloc_fails_after_budget),
		cmocka_unit_test(slab_hands_out_zeroed_distinct_blocks),
		cmocka_unit_test(slab_survives_allocation_failure),
		cmocka_unit_test(slab_default_chunks_are_huge_page_aligned),
		cmocka_unit_test(hash_is_fnv1a),
		cmocka_unit_test(rng_is_deterministic_and_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
