/* SPDX-License-Identifier: MIT */
/* Sizes, times, integers and names users write (workload/values.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/workload.h>

static void sizes_use_binary_units(void **state)
{
	(void)state;
	uint64_t v = 7;
	assert_int_equal(rmpsim_parse_size("4K", &v), 0);
	ASSERT_EQ(v, 4096);
	assert_int_equal(rmpsim_parse_size("16G", &v), 0);
	assert_true(v == 16ull << 30);
	assert_int_equal(rmpsim_parse_size("2TiB", &v), 0);
	assert_true(v == 2ull << 40);
	assert_int_equal(rmpsim_parse_size("512mb", &v), 0);
	assert_true(v == 512ull << 20);
	assert_int_equal(rmpsim_parse_size("0x1000", &v), 0);
	ASSERT_EQ(v, 4096);
	assert_int_equal(rmpsim_parse_size("123", &v), 0);
	ASSERT_EQ(v, 123);
	/* Junk, signs, empty and overflow are refused and leave v alone. */
	v = 99;
	assert_int_equal(rmpsim_parse_size("4X", &v), -EINVAL);
	assert_int_equal(rmpsim_parse_size("-4K", &v), -EINVAL);
	assert_int_equal(rmpsim_parse_size("", &v), -EINVAL);
	assert_int_equal(rmpsim_parse_size(" 4K", &v), -EINVAL);
	assert_int_equal(rmpsim_parse_size("16384P", &v), -ERANGE); /* 2^64 */
	ASSERT_EQ(v, 99);
}

static void times_need_units(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_int_equal(rmpsim_parse_time_ns("10s", &v), 0);
	ASSERT_EQ(v, 10000000000ull);
	assert_int_equal(rmpsim_parse_time_ns("5ms", &v), 0);
	ASSERT_EQ(v, 5000000);
	assert_int_equal(rmpsim_parse_time_ns("20us", &v), 0);
	ASSERT_EQ(v, 20000);
	assert_int_equal(rmpsim_parse_time_ns("300ns", &v), 0);
	ASSERT_EQ(v, 300);
	assert_int_equal(rmpsim_parse_time_ns("2min", &v), 0);
	ASSERT_EQ(v, 120000000000ull);
	assert_int_equal(rmpsim_parse_time_ns("3h", &v), 0);
	ASSERT_EQ(v, 10800000000000ull);
	assert_int_equal(rmpsim_parse_time_ns("5124095h", &v), 0); /* the largest whole hour count */
	ASSERT_EQ(v, 5124095ull * 3600000000000ull);
	assert_int_equal(rmpsim_parse_time_ns("5124096h", &v), -ERANGE);
	assert_int_equal(rmpsim_parse_time_ns("3H", &v), -EINVAL); /* units are case-sensitive */
	assert_int_equal(rmpsim_parse_time_ns("0", &v), 0);
	ASSERT_EQ(v, 0);
	assert_int_equal(rmpsim_parse_time_ns("7", &v), -EINVAL); /* unit needed */
	assert_int_equal(rmpsim_parse_time_ns("5 ms", &v), -EINVAL);
	assert_int_equal(rmpsim_parse_time_ns("1.5s", &v), -EINVAL);
	assert_int_equal(rmpsim_parse_time_ns("99999999999min", &v), -ERANGE);
}

static void u64_bounds(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_int_equal(rmpsim_parse_u64("18446744073709551615", &v), 0);
	ASSERT_EQ(v, UINT64_MAX);
	assert_int_equal(rmpsim_parse_u64("18446744073709551616", &v), -ERANGE);
	assert_int_equal(rmpsim_parse_u64("0xffffffffffffffff", &v), 0);
	ASSERT_EQ(v, UINT64_MAX);
	assert_int_equal(rmpsim_parse_u64("0x", &v), -EINVAL);
	assert_int_equal(rmpsim_parse_u64("12a", &v), -EINVAL);
}

static void names_round_trip(void **state)
{
	(void)state;
	enum rmpsim_backing b;
	for (int i = RMPSIM_BACKING_4K; i <= RMPSIM_BACKING_1G; i++) {
		assert_int_equal(rmpsim_backing_parse(rmpsim_backing_name((enum rmpsim_backing)i), &b), 0);
		assert_int_equal(b, i);
	}
	assert_int_equal(rmpsim_backing_parse("2m", &b), 0);
	assert_int_equal(b, RMPSIM_BACKING_2M);
	assert_int_equal(rmpsim_backing_parse("1T", &b), -EINVAL);
	enum rmpsim_wl_state s;
	assert_int_equal(rmpsim_wl_state_parse("empty-again", &s), 0);
	assert_int_equal(s, RMPSIM_WL_STATE_EMPTY_AGAIN);
	assert_string_equal(rmpsim_wl_state_name(RMPSIM_WL_STATE_WORST), "worst");
	assert_int_equal(rmpsim_wl_state_parse("Full", &s), -EINVAL);
}

/* The benchmark is the reviewers' matrix (design.md 1; covers: spec 1.13): full, empty and
 * empty-again in 4K, 2M and 1G, and the worst case once: 10 runs, each a
 * built-in with the state its name says. */
static void benchmark_is_the_review_matrix(void **state)
{
	(void)state;
	size_t n, nb;
	const struct rmpsim_bench_run *runs = rmpsim_benchmark_runs(&n);
	const struct rmpsim_builtin *b = rmpsim_builtins(&nb);
	assert_int_equal(n, 10);
	assert_int_equal(nb, 7); /* the matrix's 4, the 2 perf2 self-checks and cotenant */
	unsigned seen[7][3] = { { 0 } };
	for (size_t i = 0; i < n; i++) {
		struct rmpsim_scenario s;
		assert_int_equal(rmpsim_scenario_builtin(runs[i].scenario, runs[i].backing, NULL, &s), 0);
		assert_string_equal(s.name, runs[i].scenario);
		assert_int_equal(s.backing, runs[i].backing);
		for (size_t k = 0; k < nb; k++) {
			if (!strcmp(b[k].name, runs[i].scenario)) {
				assert_int_equal(s.state, b[k].state);
				seen[k][runs[i].backing]++;
			}
		}
		rmpsim_scenario_free(&s);
	}
	for (size_t k = 0; k < nb; k++) {
		for (int bk = 0; bk < 3; bk++) {
			unsigned want = !strcmp(b[k].name, "worst") ? bk == RMPSIM_BACKING_4K : 1;
			if (!strncmp(b[k].name, "perf2-", 6) || !strcmp(b[k].name, "cotenant"))
				want = 0; /* self-checks and issue 17's scenario, not part of the review matrix */
			assert_int_equal(seen[k][bk], want);
		}
	}
	struct rmpsim_scenario s;
	assert_int_equal(rmpsim_scenario_builtin("nope", RMPSIM_BACKING_4K, NULL, &s), -ENOENT);
	/* The self-checks bring their own policy and a machine shaped like spec 1.12's. */
	assert_int_equal(rmpsim_scenario_builtin("perf2-serial", RMPSIM_BACKING_4K, NULL, &s), 0);
	assert_string_equal(s.policy, "perf2-serial");
	assert_non_null(strstr(s.machine, "l3:4 core:32 pu:2"));
	rmpsim_scenario_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_use_binary_units),
		cmocka_unit_test(times_need_units),
		cmocka_unit_test(u64_bounds),
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(benchmark_is_the_review_matrix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
