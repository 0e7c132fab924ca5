/* SPDX-License-Identifier: MIT */
/*
 * The v10 RMPOPT manager (spec 1.3, 1.5, 1.7) on a small machine: 4 cores x 2
 * threads (Linux numbering: CPUs 0-3 primary, 4-7 their siblings), 8 GiB.
 * Expectations are computed here from the spec and from the RMP summaries
 * (rmpsim_rmp_1g_is_free), never from the policy's own output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/policy.h>

#include "harness.h"

#define GIB	(1ull << 30)
#define NREG	8u /* 8 GiB from 0: [0, 8 GiB) */
#define CORES	4u
#define THREADS 2u

struct boot {
	const char *policy;
	int prepare, init, setup;
};

static void boot_fn(void *arg)
{
	struct boot *b = arg;

	b->prepare = rmpsim_host_snp_prepare();
	b->init = rmpsim_host_snp_init();
	b->setup = rmpsim_host_setup_rmpopt(rmpsim_policy_find(b->policy));
}

static void boot(struct h_machine *h, const char *policy)
{
	struct boot b = { .policy = policy, .prepare = 1, .init = 1, .setup = 1 };

	h_create(h, CORES, THREADS, NREG * GIB);
	h_boot(h, boot_fn, &b);
	h_run(h);
	assert_int_equal(b.prepare, 0);
	assert_int_equal(b.init, 0);
	assert_int_equal(b.setup, 0);
}

static bool region_free(struct h_machine *h, unsigned r)
{
	return rmpsim_rmp_1g_is_free(rmpsim_machine_rmp(h->m), (uint64_t)r * GIB);
}

/* covers: spec 1.3, spec 1.5, spec 1.7, A45 */
static void test_first_pass_sets_exactly_free_regions(void **state)
{
	struct h_machine h;
	const struct rmpsim_mark *start, *lead, *done;
	unsigned c, r, cpu, leader, nfree = 0;

	(void)state;
	boot(&h, "v10");

	/* spec 1.5: setup queues exactly one pass, at once */
	assert_int_equal(h_mark_count(&h, "rmpopt_pass_start"), 1);
	assert_int_equal(h_mark_count(&h, "rmpopt_pass_done"), 1);
	start = h_mark(&h, "rmpopt_pass_start", 0);
	lead = h_mark(&h, "rmpopt_leader_done", 0);
	done = h_mark(&h, "rmpopt_pass_done", 0);
	assert_non_null(lead);
	/* spec 1.3: window [ALIGN_DOWN(min_low_pfn), ALIGN(max_pfn)) = [0, 8 GiB) */
	assert_int_equal(start->a, 0);
	assert_int_equal(start->b, NREG * GIB);
	assert_true(start->time_ps <= lead->time_ps && lead->time_ps <= done->time_ps);
	/* the leader is the CPU the worker ran on */
	leader = (unsigned)lead->a;
	assert_int_equal(leader, start->cpu);

	/* every core's table holds exactly the free regions */
	for (r = 0; r < NREG; r++)
		nfree += region_free(&h, r);
	assert_true(nfree >= 1 && nfree < NREG); /* the RMP itself sits in RAM */
	for (c = 0; c < CORES; c++)
		for (r = 0; r < NREG; r++)
			assert_int_equal(rmpsim_machine_region_optimized(h.m, c, r), region_free(&h, r));

	/* spec 1.7: the leader scans N regions; each other core's primary follows with N */
	assert_int_equal(h_rmpopt(&h, leader, RMPSIM_RMPOPT_SCANNED) +
				 h_rmpopt(&h, leader, RMPSIM_RMPOPT_EARLY_EXIT),
			 NREG);
	assert_int_equal(h_rmpopt(&h, leader, RMPSIM_RMPOPT_SCANNED), nfree);
	for (cpu = 0; cpu < h.ncpus; cpu++) {
		if (cpu == leader)
			continue;
		if (h_primary(&h, cpu) && h_core(&h, cpu) != h_core(&h, leader)) {
			/* A45 (machine): followers find the leader's cached result */
			assert_int_equal(h_rmpopt(&h, cpu, RMPSIM_RMPOPT_CACHE_HIT), NREG);
			assert_int_equal(h_rmpopt_all(&h, cpu), NREG);
		} else {
			/* the leader's sibling and the other secondary threads: nothing */
			assert_int_equal(h_rmpopt_all(&h, cpu), 0);
		}
	}

	/* spec 1.3: RMPOPT_BASE = base | EN on every core (read from both threads) */
	for (cpu = 0; cpu < h.ncpus; cpu++)
		assert_int_equal(h_rdmsr(&h, cpu, RMPSIM_MSR_RMPOPT_BASE), 0 | RMPSIM_RMPOPT_BASE_EN);
	assert_true(h_dmesg_has(&h, "Attempt RMP optimizations on physical address range @1GB "
				    "alignment [0x0000000000000000 - 0x0000000200000000]"));
	h_destroy(&h);
}

struct second {
	const char *policy;
	unsigned cpu;
};

static void second_pass_fn(void *arg)
{
	struct second *s = arg;

	ktest_run_handler_on(s->policy, s->cpu);
}

/*
 * Run one more v10 pass with the worker on cpu; check that cpu leads and its
 * whole core is left out of the followers (spec 1.7 step 3).
 */
static void check_leader_on(unsigned wcpu)
{
	struct h_machine h;
	uint64_t before[16];
	struct second s = { .policy = "v10", .cpu = wcpu };
	unsigned cpu, sib = wcpu < CORES ? wcpu + CORES : wcpu - CORES;

	boot(&h, "v10");
	for (cpu = 0; cpu < h.ncpus; cpu++)
		before[cpu] = h_rmpopt_all(&h, cpu);
	h_spawn(&h, wcpu, second_pass_fn, &s);
	h_run(&h);

	assert_int_equal(h_mark_count(&h, "rmpopt_pass_done"), 2);
	assert_int_equal(h_mark(&h, "rmpopt_leader_done", 1)->a, wcpu);
	assert_int_equal(h_core(&h, sib), h_core(&h, wcpu));
	for (cpu = 0; cpu < h.ncpus; cpu++) {
		uint64_t n = h_rmpopt_all(&h, cpu) - before[cpu];

		if (cpu == wcpu)
			assert_int_equal(n, NREG);
		else if (cpu == sib || !h_primary(&h, cpu))
			assert_int_equal(n, 0);
		else
			assert_int_equal(n, NREG);
	}
	h_destroy(&h);
}

/* covers: spec 1.7 */
static void test_leader_primary_excluded(void **state)
{
	(void)state;
	check_leader_on(2);
}

/* covers: spec 1.7 */
static void test_leader_sibling_excludes_primary(void **state)
{
	(void)state;
	check_leader_on(6); /* secondary thread of core 2 */
}

static char table_buf[4096];
static int table_len;
static size_t table_size = sizeof(table_buf);

static void table_fn(void *arg)
{
	(void)arg;
	table_len = rmpsim_host_rmpopt_table_show(table_buf, table_size);
}

/* covers: spec 1.11 */
static void test_debugfs_table_format(void **state)
{
	struct h_machine h;
	char expect[4096];
	size_t len = 0;
	unsigned r;

	(void)state;
	boot(&h, "v10");
	table_size = sizeof(table_buf);
	h_spawn(&h, 0, table_fn, NULL);
	h_run(&h);

	/* function 1 on all online CPUs: a free region is set on all 8 (per-core tables) */
	for (r = 0; r < NREG; r++)
		len += (size_t)snprintf(expect + len, sizeof(expect) - len, "Memory @%3uGB: CPU(s): %s\n", r,
					region_free(&h, r) ? "0-7" : "none");
	assert_string_equal(table_buf, expect);
	assert_int_equal(table_len, (int)len);
	/* function 1 only reads: 8 regions x 8 CPUs REPORT, no scans */
	assert_int_equal(h_rmpopt(&h, 5, RMPSIM_RMPOPT_REPORT), NREG);
	ASSERT_EQ(strstr(table_buf, "Memory @  0GB: CPU(s): "), table_buf);

	/* snprintf semantics on a short buffer: full length, truncated text */
	table_size = 20;
	h_spawn(&h, 0, table_fn, NULL);
	h_run(&h);
	assert_int_equal(table_len, (int)len);
	assert_int_equal(strlen(table_buf), 19);
	assert_memory_equal(table_buf, expect, 19);
	h_destroy(&h);
}

struct cfs {
	long bad1, bad2, bad3, ok1, ok2;
	char show0[64], show1[64], desc[256];
};

static void configfs_fn(void *arg)
{
	struct cfs *c = arg;

	rmpsim_host_rmpopt_action_show(c->show0);
	c->bad1 = rmpsim_host_rmpopt_action_store("2", 1);
	c->bad2 = rmpsim_host_rmpopt_action_store("abc\n", 4);
	c->bad3 = rmpsim_host_rmpopt_action_store("", 0);
	c->ok1 = rmpsim_host_rmpopt_action_store("1\n", 2);
	rmpsim_host_rmpopt_action_show(c->show1);
	/* in progress: accepted, but no second pass (cmpxchg fails) */
	c->ok2 = rmpsim_host_rmpopt_action_store("1", 1);
	rmpsim_host_rmpopt_description_show(c->desc);
}

static void show_fn(void *arg)
{
	rmpsim_host_rmpopt_action_show(arg);
}

/* covers: spec 1.10, A97 */
static void test_configfs_semantics(void **state)
{
	struct h_machine h;
	struct cfs c;
	char after[64];

	(void)state;
	memset(&c, 0, sizeof(c));
	boot(&h, "v10");
	h_spawn(&h, 0, configfs_fn, &c);
	h_run(&h);

	assert_string_equal(c.show0, "RMP optimization in progress: No\n");
	assert_int_equal(c.bad1, -EINVAL);
	assert_int_equal(c.bad2, -EINVAL);
	assert_int_equal(c.bad3, -EINVAL);
	assert_int_equal(c.ok1, 2);
	assert_string_equal(c.show1, "RMP optimization in progress: Yes\n");
	assert_int_equal(c.ok2, 1);
	assert_non_null(strstr(c.desc, "action"));
	/* first pass + exactly one requested pass */
	assert_int_equal(h_mark_count(&h, "rmpopt_pass_done"), 2);

	h_spawn(&h, 0, show_fn, after);
	h_run(&h);
	assert_string_equal(after, "RMP optimization in progress: No\n");
	h_destroy(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_pass_sets_exactly_free_regions),
		cmocka_unit_test(test_leader_primary_excluded),
		cmocka_unit_test(test_leader_sibling_excludes_primary),
		cmocka_unit_test(test_debugfs_table_format),
		cmocka_unit_test(test_configfs_semantics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
