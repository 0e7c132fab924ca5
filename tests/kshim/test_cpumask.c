/* SPDX-License-Identifier: MIT */
/*
 * cpumask operations against a plain bool-array oracle on a 200-CPU kernel
 * (nr_cpu_ids not a multiple of the word size), the %*pbl / %*pb formats,
 * cpumask_of, and cpumask_var_t allocation failure.
 */
#include "kshim_test.h"

#include <stdio.h>
#include <string.h>

#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/slab.h>

#include "base/rng.h"
#include "failing_alloc.h"

#define NCPU 200

static void fill(struct cpumask *m, bool *o, struct rmpsim_rng *r, unsigned density)
{
	cpumask_clear(m);
	for (unsigned i = 0; i < NCPU; i++) {
		o[i] = rmpsim__rng_below(r, 100) < density;
		if (o[i])
			cpumask_set_cpu(i, m);
	}
}

static void ops_match_bool_array_oracle(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = bare_sim(NCPU);
	struct rmpsim_kernel *k;
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(nr_cpu_ids, NCPU);

	struct rmpsim_rng r;
	rmpsim__rng_seed(&r, 11);
	static struct cpumask a, b, d;
	bool oa[NCPU], ob[NCPU];
	for (int round = 0; round < 200; round++) {
		fill(&a, oa, &r, (unsigned)(round % 5) * 25);
		fill(&b, ob, &r, (unsigned)(round % 3) * 40);
		unsigned wa = 0, first = NCPU, last = NCPU, wand = 0;
		bool inter = false, eq = true, sub = true;
		for (unsigned i = 0; i < NCPU; i++) {
			wa += oa[i];
			if (oa[i] && first == NCPU)
				first = i;
			if (oa[i])
				last = i;
			inter |= oa[i] && ob[i];
			wand += oa[i] && ob[i];
			eq &= oa[i] == ob[i];
			sub &= !oa[i] || ob[i];
		}
		assert_int_equal(cpumask_weight(&a), wa);
		assert_int_equal(cpumask_first(&a), first);
		assert_int_equal(cpumask_last(&a), last);
		assert_int_equal(cpumask_empty(&a), wa == 0);
		assert_int_equal(cpumask_full(&a), wa == NCPU);
		assert_int_equal(cpumask_intersects(&a, &b), inter);
		assert_int_equal(cpumask_weight_and(&a, &b), wand);
		assert_int_equal(cpumask_equal(&a, &b), eq);
		assert_int_equal(cpumask_subset(&a, &b), sub);

		/* for_each_cpu visits exactly the set bits, in order. */
		unsigned cpu, prev = 0, n = 0;
		bool first_visit = true;
		for_each_cpu(cpu, &a)
		{
			assert_true(oa[cpu]);
			assert_true(first_visit || cpu > prev);
			first_visit = false;
			prev = cpu;
			n++;
		}
		assert_int_equal(n, wa);

		bool nonempty = cpumask_and(&d, &a, &b);
		assert_int_equal(nonempty, wand != 0);
		for (unsigned i = 0; i < NCPU; i++)
			assert_int_equal(cpumask_test_cpu((int)i, &d), oa[i] && ob[i]);
		cpumask_andnot(&d, &a, &b);
		for (unsigned i = 0; i < NCPU; i++)
			assert_int_equal(cpumask_test_cpu((int)i, &d), oa[i] && !ob[i]);
		cpumask_or(&d, &a, &b);
		for (unsigned i = 0; i < NCPU; i++)
			assert_int_equal(cpumask_test_cpu((int)i, &d), oa[i] || ob[i]);
		cpumask_complement(&d, &a);
		assert_int_equal(cpumask_weight(&d), NCPU - wa);
		cpumask_copy(&d, &a);
		assert_true(cpumask_equal(&d, &a));
		n = 0;
		for_each_cpu_andnot(cpu, &a, &b)
		{
			assert_true(oa[cpu] && !ob[cpu]);
			n++;
		}
		assert_int_equal(n, wa - wand);
	}
	/* Bits at or above nr_cpu_ids do not exist for queries. */
	cpumask_clear(&a);
	cpumask_set_cpu(NCPU + 5, &a);
	assert_true(cpumask_empty(&a));
	assert_int_equal(cpumask_first(&a), NCPU);
	assert_false(cpumask_test_cpu(NCPU + 5, &a));
	cpumask_setall(&a);
	assert_int_equal(cpumask_weight(&a), NCPU);
	assert_int_equal(cpumask_any_but(&a, 0), 1);
	assert_int_equal(cpumask_next(-1, &a), 0);
	assert_int_equal(cpumask_next(NCPU - 1, &a), NCPU);

	/* cpumask_of(cpu) is exactly {cpu}. */
	for (unsigned c = 0; c < NCPU; c++) {
		assert_int_equal(cpumask_weight(cpumask_of(c)), 1);
		assert_int_equal(cpumask_first(cpumask_of(c)), c);
	}
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

static void cpulist_and_hex_formats(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = bare_sim(NCPU);
	struct rmpsim_kernel *k;
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	static struct cpumask m;
	char buf[256];

	cpumask_clear(&m);
	snprintf(buf, sizeof(buf), "[%*pbl]", cpumask_pr_args(&m));
	assert_string_equal(buf, "[]");
	for (unsigned c = 0; c < 4; c++)
		cpumask_set_cpu(c, &m);
	cpumask_set_cpu(8, &m);
	cpumask_set_cpu(63, &m);
	cpumask_set_cpu(64, &m);
	cpumask_set_cpu(199, &m);
	snprintf(buf, sizeof(buf), "%*pbl", cpumask_pr_args(&m));
	assert_string_equal(buf, "0-3,8,63-64,199");
	/* %*pb: 32-bit chunks, most significant first; 200 bits = 8 + 6 * 32: 7 chunks. */
	snprintf(buf, sizeof(buf), "%*pb", cpumask_pr_args(&m));
	assert_string_equal(buf, "80,00000000,00000000,00000000,00000001,80000000,0000010f");
	cpumask_setall(&m);
	snprintf(buf, sizeof(buf), "%*pbl", cpumask_pr_args(&m));
	assert_string_equal(buf, "0-199");
	/* Truncation keeps the C contract: the full length is returned. */
	int n = snprintf(buf, 5, "%*pbl", cpumask_pr_args(&m));
	assert_int_equal(n, 5);
	assert_string_equal(buf, "0-19");
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

/* covers: A80 */
static void alloc_cpumask_var_fails_with_the_allocator(void **state)
{
	(void)state;
	struct failing_alloc fa;
	failing_alloc_init(&fa, -1);
	struct rmpsim_sim *sim = bare_sim(NCPU);
	struct rmpsim_kernel *k;
	assert_int_equal(rmpsim_kernel_create(&fa.alloc, sim, &k), 0);
	size_t base = fa.live_bytes;

	cpumask_var_t v; /* GFP_NOWAIT: the test thread is not a kernel task */
	assert_true(zalloc_cpumask_var(&v, GFP_NOWAIT));
	assert_true(cpumask_empty(v));
	assert_true(fa.live_bytes > base);
	/* Only nr_cpu_ids bits are allocated (CONFIG_CPUMASK_OFFSTACK). */
	assert_int_equal(cpumask_size(), (NCPU + 63) / 64 * 8);
	free_cpumask_var(v);
	assert_int_equal(fa.live_bytes, base);
	fa.budget = 0;
	assert_false(alloc_cpumask_var(&v, GFP_NOWAIT));
	assert_int_equal(fa.live_bytes, base);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
	assert_int_equal(fa.live_bytes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ops_match_bool_array_oracle),
		cmocka_unit_test(cpulist_and_hex_formats),
		cmocka_unit_test(alloc_cpumask_var_fails_with_the_allocator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
