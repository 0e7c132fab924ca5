/* SPDX-License-Identifier: MIT */
/*
 * The concurrency contract of rmp.h: writers of different 1 GB regions run at
 * the same time without locks. Four threads each churn their own GB of one
 * sparse table; afterwards every entry equals a dense table fed the same
 * writes serially. Run under TSan in CI (suite threads).
 */
#include <pthread.h>

#include "rmp_fixture.h"

#include "base/rng.h"

#define NT    4
#define STEPS 20000

struct worker {
	struct rmpsim_rmp *rmp;
	unsigned gb;
	int err;
};

/* The writes of thread t: deterministic from its seed, inside GB t only. */
static int churn(struct rmpsim_rmp *rmp, unsigned gb)
{
	struct rmpsim_rng rng;

	rmpsim__rng_seed(&rng, 100 + gb);
	for (int i = 0; i < STEPS; i++) {
		uint64_t page = rmpsim__rng_below(&rng, 512 * 512);
		uint64_t n = 1 + rmpsim__rng_below(&rng, 700);
		if (page + n > 512 * 512)
			n = 512 * 512 - page;
		uint64_t spa = (uint64_t)gb * SZ_1G + page * SZ_4K;
		struct rmpsim_raw_entry e = rmpsim__rng_below(&rng, 3) ? fx_guest(spa, 1 + gb, true)
								       : (struct rmpsim_raw_entry){ 0, 0 };
		int err = rmpsim_rmp_set_range(rmp, spa, n, &e, rmpsim__rng_below(&rng, 2));
		if (err)
			return err;
	}
	return 0;
}

static void *run(void *arg)
{
	struct worker *w = arg;

	w->err = churn(w->rmp, w->gb);
	return NULL;
}

static void different_gbs_in_parallel(void **state)
{
	(void)state;
	struct rmpsim_rmp *s = fx_table(NULL, NT, RMPSIM_RMP_SPARSE);
	struct rmpsim_rmp *d = fx_table(NULL, NT, RMPSIM_RMP_DENSE);
	pthread_t th[NT];
	struct worker w[NT];

	for (unsigned t = 0; t < NT; t++) {
		w[t] = (struct worker){ s, t, -1 };
		assert_int_equal(pthread_create(&th[t], NULL, run, &w[t]), 0);
	}
	for (unsigned t = 0; t < NT; t++) {
		assert_int_equal(pthread_join(th[t], NULL), 0);
		assert_int_equal(w[t].err, 0);
		assert_int_equal(churn(d, t), 0);
	}
	for (uint64_t spa = 0; spa < (uint64_t)NT * SZ_1G; spa += SZ_4K) {
		struct rmpsim_raw_entry a = fx_get(s, spa), b = fx_get(d, spa);
		assert_int_equal(a.lo, b.lo);
		assert_int_equal(a.hi, b.hi);
	}
	for (unsigned t = 0; t < NT; t++)
		assert_int_equal(rmpsim_rmp_1g_first_busy_slot(s, t * SZ_1G),
				 rmpsim_rmp_1g_first_busy_slot(d, t * SZ_1G));
	rmpsim_rmp_destroy(s);
	rmpsim_rmp_destroy(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(different_gbs_in_parallel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
