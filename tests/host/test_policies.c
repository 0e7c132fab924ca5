/* SPDX-License-Identifier: MIT */
/*
 * The other policies (docs/policies.md): batching of v10 vs queue-delayed
 * (spec 1.8), naive (spec 1.6), percpu, targeted, three-case (spec 1.7) on a
 * 4 core x 2 thread, 8 GiB machine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/policy.h>

#include "harness.h"

#define GIB	(1ull << 30)
#define NREG	8u
#define CORES	4u
#define THREADS 2u
#define SEC_PS	1000000000000ull
#define MS_PS	1000000000ull

struct boot {
	const char *policy;
	int rc;
	unsigned long long t_first, t_last; /* ns */
	unsigned k;
};

static void setup_fn(struct boot *b)
{
	b->rc = rmpsim_host_snp_prepare() | rmpsim_host_snp_init() |
		rmpsim_host_setup_rmpopt(rmpsim_policy_find(b->policy));
}

/* k teardown triggers 1 s apart, after the first pass */
static void batching_fn(void *arg)
{
	struct boot *b = arg;
	unsigned i;

	setup_fn(b);
	ktest_msleep(1000);
	for (i = 0; i < b->k; i++) {
		if (i)
			ktest_msleep(1000);
		if (i == 0)
			b->t_first = ktest_now_ns();
		b->t_last = ktest_now_ns();
		rmpsim_host_rmpopt_all_physmem();
	}
}

static void run_batching(const char *policy, unsigned k, uint64_t *ret_start_ps, struct boot *b)
{
	struct h_machine h;

	memset(b, 0, sizeof(*b));
	b->policy = policy;
	b->k = k;
	h_create(&h, CORES, THREADS, NREG * GIB);
	h_boot(&h, batching_fn, b);
	h_run(&h);
	assert_int_equal(b->rc, 0);
	/* the first pass plus exactly one batched pass */
	assert_int_equal(h_mark_count(&h, "rmpopt_pass_start"), 2);
	*ret_start_ps = h_mark(&h, "rmpopt_pass_start", 1)->time_ps;
	h_destroy(&h);
}

/* covers: spec 1.8 (mod_delayed_work: 10 s after the last trigger) */
static void test_v10_batches_after_last_trigger(void **state)
{
	struct boot b;
	uint64_t t;

	(void)state;
	run_batching("v10", 3, &t, &b);
	/*
	 * Two msleep(1000) between the first and the last trigger. Linux's
	 * msleep(m) sleeps msecs_to_jiffies(m) + 1 jiffies (docs/kshim.md),
	 * so at HZ = 1000 each is 1001 ms, not 1000.
	 */
	assert_int_equal(b.t_last - b.t_first, 2 * 1001000000ull);
	/* 10 s after the last call, give or take the timer tick and worker wake-up (< 2 ms) */
	assert_true(t >= b.t_last * 1000 + 10 * SEC_PS);
	assert_true(t < b.t_last * 1000 + 10 * SEC_PS + 2 * MS_PS);
}

/* covers: spec 1.8, A94 (queue_delayed_work: the first deadline holds) */
static void test_queue_delayed_keeps_first_deadline(void **state)
{
	struct boot b;
	uint64_t t;

	(void)state;
	run_batching("queue-delayed", 3, &t, &b);
	assert_true(t >= b.t_first * 1000 + 10 * SEC_PS);
	assert_true(t < b.t_first * 1000 + 10 * SEC_PS + 2 * MS_PS);
}

static void plain_fn(void *arg)
{
	setup_fn(arg);
}

/* covers: spec 1.6, A92 */
static void test_naive_ipis_all_online(void **state)
{
	struct h_machine h;
	struct boot b = { .policy = "naive" };
	unsigned cpu, r;

	(void)state;
	h_create(&h, CORES, THREADS, NREG * GIB);
	h_boot(&h, plain_fn, &b);
	h_run(&h);
	assert_int_equal(b.rc, 0);
	/* no leader */
	assert_int_equal((int64_t)h_mark(&h, "rmpopt_leader_done", 0)->a, -1);
	/* every online CPU, siblings included, runs RMPOPT on every region */
	for (cpu = 0; cpu < h.ncpus; cpu++)
		assert_int_equal(h_rmpopt_all(&h, cpu), NREG);
	for (r = 0; r < NREG; r++)
		assert_int_equal(rmpsim_machine_region_optimized_all(h.m, r),
				 rmpsim_rmp_1g_is_free(rmpsim_machine_rmp(h.m), r * GIB));
	h_destroy(&h);
}

static void ipi_stats(const char *policy, uint64_t ipis[8], uint64_t irqoff[8], unsigned *leader)
{
	struct h_machine h;
	struct boot b = { .policy = policy };
	unsigned cpu;

	h_create(&h, CORES, THREADS, NREG * GIB);
	h_boot(&h, plain_fn, &b);
	h_run(&h);
	assert_int_equal(b.rc, 0);
	*leader = (unsigned)h_mark(&h, "rmpopt_leader_done", 0)->a;
	for (cpu = 0; cpu < h.ncpus; cpu++) {
		struct rmpsim_cpu_stats st;

		assert_int_equal(rmpsim_sim_cpu_stats(h.sim, cpu, &st), 0);
		ipis[cpu] = st.ipis;
		irqoff[cpu] = st.irqoff_max_ps;
		/*
		 * The same work gets done: the leader and every follower core
		 * (its primary thread) run N RMPOPTs; the leader's sibling none
		 * (the leader may be a secondary thread: its core is excluded).
		 */
		if (cpu == *leader || (h_primary(&h, cpu) && h_core(&h, cpu) != h_core(&h, *leader)))
			assert_int_equal(h_rmpopt_all(&h, cpu), NREG);
		else
			assert_int_equal(h_rmpopt_all(&h, cpu), 0);
	}
	for (cpu = 0; cpu < NREG; cpu++)
		assert_int_equal(rmpsim_machine_region_optimized_all(h.m, cpu),
				 rmpsim_rmp_1g_is_free(rmpsim_machine_rmp(h.m), cpu * GIB));
	h_destroy(&h);
}

#define SETUP_IPIS(cpu) ((cpu) == 0 ? 0u : 3u)

/* covers: spec 1.7 */
static void test_percpu_one_ipi_per_follower(void **state)
{
	uint64_t ipis_v10[8], irq_v10[8], ipis_pc[8], irq_pc[8];
	unsigned lv, lp, cpu;

	(void)state;
	ipi_stats("v10", ipis_v10, irq_v10, &lv);
	ipi_stats("percpu", ipis_pc, irq_pc, &lp);
	/*
	 * The primaries of the cores that did not lead (Linux numbering: CPU
	 * c and c + CORES share core c). The leader may be either thread of
	 * its core; its whole core is no follower.
	 */
	for (cpu = 0; cpu < CORES; cpu++) {
		if (cpu == lv % CORES || cpu == lp % CORES)
			continue;
		/*
		 * Before the pass, boot on CPU 0 sent every other CPU 3 IPIs:
		 * snp_prepare's two on_each_cpu() rounds (MFDM, then SNP_EN |
		 * VMPL_EN) and the RMPOPT_BASE wrmsrq_on_cpu() of setup; CPU 0
		 * ran those locally. Then v10: one IPI per region; percpu: one.
		 */
		assert_int_equal(ipis_v10[cpu], SETUP_IPIS(cpu) + NREG);
		assert_int_equal(ipis_pc[cpu], SETUP_IPIS(cpu) + 1);
		/* and one interrupts-off stretch that covers all N RMPOPTs */
		assert_true(irq_pc[cpu] > irq_v10[cpu]);
	}
}

struct tgt {
	int rc;
	unsigned long pending_after_teardown;
	unsigned long long t;
};

static void targeted_fn(void *arg)
{
	struct tgt *t = arg;
	unsigned long long pfn5 = (5 * GIB) >> 12, pfn6 = (6 * GIB) >> 12;

	t->rc = rmpsim_host_snp_prepare() | rmpsim_host_snp_init() |
		rmpsim_host_setup_rmpopt(rmpsim_policy_find("targeted"));
	ktest_msleep(1000);
	/* a guest in regions 5 and 6: their bits are cleared on every core */
	t->rc |= rmpsim_host_rmp_make_private(pfn5, 0, 1, 1, 0) |
		 rmpsim_host_rmp_make_private(pfn6, 0x1000, 1, 1, 0);
	t->rc |= rmpsim_host_rmp_make_shared(pfn5, 1) | rmpsim_host_rmp_make_shared(pfn6, 1);
	/* only the page in region 5 is reported as torn down */
	rmpsim_host_guest_teardown(pfn5, 1);
	t->pending_after_teardown = ktest_targeted_pending();
}

/* covers: A96 */
static void test_targeted_scans_only_marked(void **state)
{
	struct h_machine h;
	struct tgt t = { 0, 0, 0 };
	uint64_t before[8];
	unsigned cpu, c, leader;
	struct rmpsim_rmp *rmp;

	(void)state;
	h_create(&h, CORES, THREADS, NREG * GIB);
	rmp = rmpsim_machine_rmp(h.m);
	h_boot(&h, targeted_fn, &t);
	/* first pass only */
	assert_int_equal(rmpsim_sim_run_until(h.sim, 500 * MS_PS), 0);
	for (cpu = 0; cpu < h.ncpus; cpu++)
		before[cpu] = h_rmpopt_all(&h, cpu);
	h_run(&h);
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.pending_after_teardown, 1);
	assert_int_equal(h_mark_count(&h, "rmpopt_pass_start"), 2);
	/*
	 * The second pass ran one RMPOPT per core, region 5 only: on the
	 * leader (either thread of its core) and on the primary thread of
	 * every other core (the followers).
	 */
	leader = (unsigned)h_mark(&h, "rmpopt_leader_done", 1)->a;
	for (cpu = 0; cpu < h.ncpus; cpu++) {
		bool runs = cpu == leader || (h_primary(&h, cpu) && h_core(&h, cpu) != h_core(&h, leader));

		assert_int_equal(h_rmpopt_all(&h, cpu) - before[cpu], runs ? 1 : 0);
	}
	assert_true(rmpsim_rmp_1g_is_free(rmp, 5 * GIB));
	assert_true(rmpsim_rmp_1g_is_free(rmp, 6 * GIB));
	for (c = 0; c < CORES; c++) {
		assert_true(rmpsim_machine_region_optimized(h.m, c, 5));
		/* free, but not marked: stays un-optimised */
		assert_false(rmpsim_machine_region_optimized(h.m, c, 6));
	}
	h_destroy(&h);
}

struct three {
	int rc, r3, r7, a3, a7;
	const char *policy; /* set up with CPUs 3 and 7 offline (each policy has its own state) */
};

static void three_setup_fn(void *arg)
{
	struct three *t = arg;

	t->rc = rmpsim_host_snp_prepare() | rmpsim_host_snp_init();
	/* a hypothetical kernel that lets CPUs come and go under SNP (pre-v8) */
	ktest_hotplug_enable();
	t->r3 = ktest_remove_cpu(3);
	t->r7 = ktest_remove_cpu(7);
	t->rc |= rmpsim_host_setup_rmpopt(rmpsim_policy_find(t->policy));
	ktest_msleep(100);
	/* core 3 comes back, never programmed: RMPOPT_EN = 0 there */
	t->a3 = ktest_add_cpu(3);
	t->a7 = ktest_add_cpu(7);
}

static char three_case_name[] = "three-case";
static char v10_name[] = "v10";

static void three_pass_fn(void *arg)
{
	ktest_run_handler_on(arg, 7);
}

/* covers: spec 1.7 (case 3), A95 */
static void test_three_case_explicit_leader(void **state)
{
	struct h_machine h;
	struct three t = { 1, 1, 1, 1, 1, "three-case" };
	struct rmpsim_kernel_stats ks;
	uint64_t before[8];
	unsigned cpu;
	const struct rmpsim_mark *m;

	(void)state;
	h_create(&h, CORES, THREADS, NREG * GIB);
	h_boot(&h, three_setup_fn, &t);
	h_run(&h);
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.r3 | t.r7 | t.a3 | t.a7, 0);
	assert_int_equal(h_rdmsr(&h, 3, RMPSIM_MSR_RMPOPT_BASE), 0);
	for (cpu = 0; cpu < h.ncpus; cpu++)
		before[cpu] = h_rmpopt_all(&h, cpu);

	h_spawn(&h, 0, three_pass_fn, three_case_name);
	h_run(&h);
	rmpsim_kernel_stats(h.k, &ks);
	assert_int_equal(ks.oopses, 0);
	m = h_mark(&h, "rmpopt_pass_start", 1);
	assert_non_null(m);
	assert_int_equal(m->cpu, 7);
	/* case 3: cpumask_first of the programmed primaries leads */
	assert_int_equal(h_mark(&h, "rmpopt_leader_done", 1)->a, 0);
	assert_int_equal(h_rmpopt_all(&h, 0) - before[0], NREG);
	assert_int_equal(h_rmpopt_all(&h, 1) - before[1], NREG);
	assert_int_equal(h_rmpopt_all(&h, 2) - before[2], NREG);
	assert_int_equal(h_rmpopt_all(&h, 3) - before[3], 0);
	assert_int_equal(h_rmpopt_all(&h, 7) - before[7], 0);
	h_destroy(&h);
}

/* The same situation under v10 (no case 3): RMPOPT on core 3 raises #UD. */
/* covers: spec 1.2 (#UD with RMPOPT_EN = 0), spec 1.7 */
static void test_v10_on_unprogrammed_core_oopses(void **state)
{
	struct h_machine h;
	struct three t = { 1, 1, 1, 1, 1, "v10" };
	struct rmpsim_kernel_stats ks;

	(void)state;
	h_create_oopsing(&h, CORES, THREADS, NREG * GIB);
	h_boot(&h, three_setup_fn, &t);
	h_run(&h);
	assert_int_equal(t.rc, 0);
	h_spawn(&h, 0, three_pass_fn, v10_name);
	rmpsim_sim_run(h.sim);
	rmpsim_kernel_stats(h.k, &ks);
	assert_true(ks.oopses >= 1);
	h_destroy(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v10_batches_after_last_trigger),
		cmocka_unit_test(test_queue_delayed_keeps_first_deadline),
		cmocka_unit_test(test_naive_ipis_all_online),
		cmocka_unit_test(test_percpu_one_ipi_per_follower),
		cmocka_unit_test(test_targeted_scans_only_marked),
		cmocka_unit_test(test_three_case_explicit_leader),
		cmocka_unit_test(test_v10_on_unprogrammed_core_oopses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
