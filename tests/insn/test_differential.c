/* SPDX-License-Identifier: MIT */
/*
 * Differential test (issue 3 point 9): random instruction sequences on the
 * SPARSE table and the DENSE reference agree on every outcome, entry and
 * summary; ranges equal their sequences. Usage: test_differential [steps [seed]].
 * covers: spec 3.1, spec 3.2, spec 3.3, spec 3.4, spec 3.5, spec 3.6, spec 2.4
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/rng.h"
#include "diff_engine.h"
#include "insn_fixture.h"

static uint64_t rng_src(void *ctx, uint64_t n)
{
	return rmpsim__rng_below(ctx, n);
}

static uint64_t g_steps = 200000;
static uint64_t g_seed = 20260701;

static void sparse_and_dense_agree(void **state)
{
	(void)state;
	struct diff_pair p;
	struct rmpsim_rng rng;

	diff_init(&p, fix_table(RMPSIM_RMP_SPARSE), fix_table(RMPSIM_RMP_DENSE), FIX_COVER);
	rmpsim__rng_seed(&rng, g_seed);
	for (uint64_t i = 0; i < g_steps; i++) {
		if (diff_step(&p, rng_src, &rng) || (i % 5000 == 4999 && diff_cmp_all(&p))) {
			fprintf(stderr, "seed %llu: %s\n", (unsigned long long)g_seed, p.err);
			fail();
		}
	}
	assert_int_equal(diff_cmp_all(&p), 0);
	fprintf(stderr,
		"%llu steps: rmpupdate ok %llu, input %llu, permission %llu, inuse %llu, overlap %llu; range "
		"pages %llu;"
		" psmash ok %llu; pvalidate ok %llu; rmpadjust ok %llu; guest faults %llu; hv faults %llu\n",
		(unsigned long long)p.steps, (unsigned long long)p.n_update_ok,
		(unsigned long long)p.n_update_fail[1], (unsigned long long)p.n_update_fail[2],
		(unsigned long long)p.n_update_fail[3], (unsigned long long)p.n_update_fail[4],
		(unsigned long long)p.n_range_pages, (unsigned long long)p.n_psmash_ok,
		(unsigned long long)p.n_pvalidate_ok, (unsigned long long)p.n_rmpadjust_ok,
		(unsigned long long)p.n_guest_fault, (unsigned long long)p.n_hv_fault);
	/* The generator must reach every outcome, or agreement proves little. */
	if (g_steps >= 100000) {
		assert_true(p.n_update_ok > 1000);
		for (int rc = 1; rc <= 4; rc++)
			assert_true(p.n_update_fail[rc] > 10);
		assert_true(p.n_range_pages > 10000);
		assert_true(p.n_psmash_ok > 5);
		assert_true(p.n_pvalidate_ok > 100);
		assert_true(p.n_rmpadjust_ok > 50);
		assert_true(p.n_guest_fault > 100);
		assert_true(p.n_hv_fault > 100);
	}
	/* The sequences must have produced something: guests' pages in the hot regions. */
	unsigned busy = 0;
	for (int i = 0; i < DIFF_NHOT - 1; i++)
		busy += rmpsim_rmp_2m_assigned_count(p.t[1], p.hot[i]);
	assert_true(busy > 0);
	rmpsim_rmp_destroy(p.t[0]);
	rmpsim_rmp_destroy(p.t[1]);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		g_steps = strtoull(argv[1], NULL, 0);
	if (argc > 2)
		g_seed = strtoull(argv[2], NULL, 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sparse_and_dense_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
