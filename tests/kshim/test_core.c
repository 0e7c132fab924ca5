/* SPDX-License-Identifier: MIT */
/*
 * The shim's life and its small kernel helpers: reset hooks and the run lock,
 * allocation failure at create, WARN/BUG, kmalloc, lists, the size/alignment
 * macros, cleanup guards, and the tracepoints as sim marks.
 */
#include "kshim_test.h"

#include <string.h>

#include <linux/cleanup.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/pfn.h>
#include <linux/slab.h>
#include <trace/events/rmpopt.h>

#include "failing_alloc.h"
#include "assert_eq.h"

static int resets;
static void count_reset(void)
{
	resets++;
}
RMPSIM_KERNEL_RESET(count_reset);

static void reset_hooks_run_at_every_create_and_one_kernel_per_thread(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = bare_sim(4);
	struct rmpsim_kernel *k, *k2;
	int before = resets;
	assert_int_equal(rmpsim_kshim_register_reset(count_reset), 0); /* again: no-op */
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(resets, before + 1);
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k2), -EBUSY);
	rmpsim_kernel_destroy(k);
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(resets, before + 2);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

static void create_fails_cleanly_at_every_allocation(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = bare_sim(4);
	int err = -ENOMEM;
	for (long budget = 0; err == -ENOMEM; budget++) {
		struct failing_alloc fa;
		struct rmpsim_kernel *k = NULL;
		failing_alloc_init(&fa, budget);
		err = rmpsim_kernel_create(&fa.alloc, sim, &k);
		if (err == 0) {
			rmpsim_kernel_destroy(k);
		} else {
			assert_int_equal(err, -ENOMEM);
			assert_null(k);
		}
		assert_int_equal(fa.live_bytes, 0);
	}
	rmpsim_sim_destroy(sim);
}

DEFINE_GUARD(counter, int *, (*_T)++, (*_T) += 10)

static void warn_bug_main(void *arg)
{
	int *after = arg;
	for (int i = 0; i < 3; i++)
		WARN_ON_ONCE(i >= 0);
	if (!WARN_ON(0) && WARN(1, "explained %d\n", 5))
		*after = 1;
	trace_rmpopt_pass_start(SZ_1G, SZ_2G);
	trace_rmpopt_leader_done(-1);
	BUG_ON(1 + 1 == 2);
	*after = 2; /* never reached: the oops ends the task */
}

/* covers: A88 */
static void warn_counts_and_bug_oopses(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = bare_sim(4);
	struct rmpsim_kernel *k;
	int after = 0;
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(rmpsim_kernel_spawn(k, "w", 3, warn_bug_main, &after), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(k, &ks);
	assert_int_equal(ks.warnings, 2); /* WARN_ON_ONCE once, WARN once */
	assert_int_equal(ks.oopses, 1);
	assert_int_equal(after, 1);
	const char *log = rmpsim_kernel_dmesg(k, NULL);
	assert_non_null(strstr(log, "explained 5\n"));
	assert_non_null(strstr(log, "WARNING: CPU: 3 at "));
	assert_non_null(strstr(log, "kernel BUG at "));
	/* Tracepoints: name, CPU, args. */
	assert_int_equal(rmpsim_sim_mark_count(sim), 2);
	const struct rmpsim_mark *m0 = rmpsim_sim_mark_get(sim, 0), *m1 = rmpsim_sim_mark_get(sim, 1);
	assert_string_equal(m0->name, "rmpopt_pass_start");
	assert_int_equal(m0->cpu, 3);
	assert_true(m0->a == SZ_1G && m0->b == SZ_2G);
	assert_string_equal(m1->name, "rmpopt_leader_done");
	assert_true((int64_t)m1->a == -1);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

struct item {
	int v;
	struct list_head node;
};

static void helpers_main(void *arg)
{
	int *ok = arg;
	LIST_HEAD(head);
	struct item *it, *tmp;
	int sum = 0, n = 0;

	for (int i = 1; i <= 4; i++) {
		it = kzalloc(sizeof(*it), GFP_KERNEL);
		it->v = i;
		list_add_tail(&it->node, &head);
	}
	list_for_each_entry(it, &head, node)
	{
		sum = sum * 10 + it->v; /* order: 1234 */
		n++;
	}
	list_for_each_entry_safe(it, tmp, &head, node)
	{
		list_del(&it->node);
		kfree(it);
	}
	ok[0] = sum == 1234 && n == 4 && list_empty(&head);
	ok[1] = kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL) == NULL;
	{
		void *p __free(kfree) = kmalloc(100, GFP_KERNEL);
		ok[2] = p != NULL;
	}
	int c = 0;
	{
		guard(counter)(&c);
		ok[3] = c == 1;
	}
	scoped_guard(counter, &c) ok[4] = c == 12;
	ok[5] = c == 22;
	u32 *r = kmalloc(4, GFP_KERNEL);
	*r = 7;
	r = krealloc(r, 64, GFP_KERNEL);
	ok[6] = *r == 7;
	kfree(r);
}

static void kmalloc_lists_guards(void **state)
{
	(void)state;
	struct failing_alloc fa;
	failing_alloc_init(&fa, -1);
	struct rmpsim_sim *sim = bare_sim(2);
	struct rmpsim_kernel *k;
	int ok[7] = { 0 };
	assert_int_equal(rmpsim_kernel_create(&fa.alloc, sim, &k), 0);
	size_t base = fa.live_bytes;
	assert_int_equal(rmpsim_kernel_boot(k, helpers_main, ok), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	for (int i = 0; i < 7; i++)
		assert_true(ok[i]);
	/* Everything kmalloc'ed was freed (__free included); the boot record too. */
	assert_int_equal(fa.live_bytes, base);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
	assert_int_equal(fa.live_bytes, 0);
}

static void size_and_alignment_macros(void **state)
{
	(void)state;
	u64 pa = 0x12345678ull;
	ASSERT_EQ(ALIGN_DOWN(pa, SZ_1G), 0);
	ASSERT_EQ(ALIGN(pa, SZ_1G), SZ_1G);
	ASSERT_EQ(ALIGN(0x40000000ull, SZ_1G), 0x40000000ull);
	ASSERT_EQ(ALIGN(0x20000000001ull, SZ_2M), 0x20000200000ull);
	ASSERT_EQ(PFN_PHYS(0x200000ul), 0x200000000ull);
	ASSERT_EQ(PHYS_PFN(0x200000fffull), 0x200000ul);
	ASSERT_EQ(SZ_2T, 2048ull * SZ_1G);
	assert_true(BIT(3) == 8 && BIT_ULL(40) == 0x10000000000ull);
	ASSERT_EQ(GENMASK_ULL(13, 8), 0x3f00ull);
	assert_int_equal(min(3u, 5u), 3);
	assert_int_equal(max(-3, -5), -3);
	assert_int_equal(min_t(int, 7, 2u), 2);
	assert_int_equal(clamp(9, 1, 4), 4);
	assert_int_equal(DIV_ROUND_UP(10, 4), 3);
	int a = 1, b = 2;
	swap(a, b);
	assert_true(a == 2 && b == 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reset_hooks_run_at_every_create_and_one_kernel_per_thread),
		cmocka_unit_test(create_fails_cleanly_at_every_allocation),
		cmocka_unit_test(warn_counts_and_bug_oopses),
		cmocka_unit_test(kmalloc_lists_guards),
		cmocka_unit_test(size_and_alignment_macros),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
