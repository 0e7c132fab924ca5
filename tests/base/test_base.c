/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/error.h>

#include "base/alloc.h"
#include "base/hash.h"
#include "base/rng.h"
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
		cmocka_unit_test(hash_is_fnv1a),
		cmocka_unit_test(rng_is_deterministic_and_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
