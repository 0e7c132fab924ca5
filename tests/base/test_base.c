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

/* Pieces are zeroed, distinct and do not overlap, across chunks and with a
 * piece bigger than a chunk; fini gives everything back. */
static void slab_hands_out_zeroed_distinct_pieces(void **state)
{
	(void)state;
	struct dirty_alloc d;
	struct rmpsim__slab sl;
	enum { N = 5000 };
	static unsigned char *piece[N];
	static size_t size[N];

	dirty_init(&d, -1);
	rmpsim__slab_init(&sl, 10 * RMPSIM__DENSE_BYTES);
	assert_int_equal(sl.chunk_bytes, RMPSIM__DENSE_BYTES);
	size_t asked = 0;
	for (size_t i = 0; i < N; i++) {
		size[i] = i == N / 2 ? 3 * RMPSIM__DENSE_BYTES / 2
				     : 1000 + i % 300; /* one bigger than a chunk */
		piece[i] = rmpsim__slab_zalloc(&sl, &d.alloc, size[i]);
		assert_non_null(piece[i]);
		assert_true(all_zero(piece[i], size[i]));
		memset(piece[i], (int)(i % 255) + 1, size[i]); /* a later piece must not touch it */
		asked += size[i];
	}
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(piece[i][0], (int)(i % 255) + 1);
		assert_int_equal(piece[i][size[i] - 1], (int)(i % 255) + 1);
	}
	assert_true(d.live_bytes >= asked);
	if (!rmpsim__slab_piecewise) {
		/* 5.6 MiB of small pieces (rounded to 64 bytes) and one of 3 MiB:
		 * two chunks of 2 MiB, the big piece's own of 4 MiB (whose last
		 * MiB the small ones after it fill), and one more of 2 MiB */
		assert_int_equal(sl.nchunks, 4);
		assert_int_equal(d.live_bytes, 5 * RMPSIM__DENSE_BYTES + sl.cap * sizeof(*sl.chunks));
	}
	rmpsim__slab_fini(&sl, &d.alloc);
	assert_int_equal(d.live_bytes, 0);
	/* Usable again after fini, with the same chunks. */
	assert_int_equal(sl.chunk_bytes, RMPSIM__DENSE_BYTES);
	void *again = rmpsim__slab_zalloc(&sl, &d.alloc, 100);
	assert_non_null(again);
	assert_true(all_zero(again, 100));
	rmpsim__slab_fini(&sl, &d.alloc);
	assert_int_equal(d.live_bytes, 0);

	/* A small slab's chunk is just what it expects (in cache lines)... */
	rmpsim__slab_init(&sl, 1000);
	assert_int_equal(sl.chunk_bytes, 1024);
	rmpsim__slab_init(&sl, 0);
	assert_int_equal(sl.chunk_bytes, RMPSIM__SLAB_ALIGN);
	/* ...a whole huge page from 1/32 of one on (16 rows of 2,049 regions). */
	rmpsim__slab_init(&sl, RMPSIM__DENSE_BYTES / 32 - 1);
	assert_int_equal(sl.chunk_bytes, RMPSIM__DENSE_BYTES / 32);
	rmpsim__slab_init(&sl, 16 * 49176);
	assert_int_equal(sl.chunk_bytes, RMPSIM__DENSE_BYTES);
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
		rmpsim__slab_init(&sl, 256); /* chunks of four 64-byte pieces */
		size_t ok = 0;
		for (size_t i = 0; i < 12; i++)
			ok += rmpsim__slab_zalloc(&sl, &d.alloc, 64) != NULL;
		/* the chunk list takes one allocation, each chunk of 4 pieces one
		 * (each piece one, and the list a second at 4, under ASan) */
		size_t want = budget == 0 ? 0 : 4 * (size_t)(budget - 1);
		if (rmpsim__slab_piecewise)
			want = budget == 0 ? 0 : (size_t)(budget - 1);
		assert_int_equal(ok, want);
		d.budget = -1;
		void *more = rmpsim__slab_zalloc(&sl, &d.alloc, 64);
		assert_non_null(more);
		assert_true(all_zero(more, 64));
		rmpsim__slab_fini(&sl, &d.alloc);
		assert_int_equal(d.live_bytes, 0);
	}
}

/* From the default allocator a chunk of whole huge pages starts on a huge
 * page (what lets the kernel back it with one), pieces follow each other in
 * it, and fini frees it. */
static void slab_default_chunks_are_huge_page_aligned(void **state)
{
	(void)state;
	struct rmpsim__slab sl;
	const struct rmpsim_allocator *a = rmpsim_allocator_default();

	rmpsim__slab_init(&sl, RMPSIM__DENSE_BYTES);
	unsigned char *first = rmpsim__slab_zalloc(&sl, a, 4096);
	assert_non_null(first);
	size_t per_chunk = RMPSIM__DENSE_BYTES / 4096;
	for (size_t i = 1; i < per_chunk + 1; i++) {
		unsigned char *b = rmpsim__slab_zalloc(&sl, a, 4096);
		assert_non_null(b);
		assert_true(all_zero(b, 4096));
		if (rmpsim__slab_piecewise)
			continue;
		if (i == per_chunk) /* the second chunk's first piece */
			assert_int_equal((uintptr_t)b % RMPSIM__DENSE_BYTES, 0);
		else
			assert_ptr_equal(b, first + i * 4096);
	}
	if (!rmpsim__slab_piecewise)
		assert_int_equal((uintptr_t)first % RMPSIM__DENSE_BYTES, 0);
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
		cmocka_unit_test(slab_hands_out_zeroed_distinct_pieces),
		cmocka_unit_test(slab_survives_allocation_failure),
		cmocka_unit_test(slab_default_chunks_are_huge_page_aligned),
		cmocka_unit_test(hash_is_fnv1a),
		cmocka_unit_test(rng_is_deterministic_and_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
