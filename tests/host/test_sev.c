/* SPDX-License-Identifier: MIT */
/*
 * SNP host bring-up and teardown, the RMP helpers, and the 2 TB window cap
 * (spec 1.3, 1.8, 1.9, 3.1, 3.6) through the shim on small machines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/policy.h>

#include "harness.h"

#define GIB	   (1ull << 30)
#define SYSCFG_ALL (RMPSIM_SYSCFG_MFDM | RMPSIM_SYSCFG_SNP_EN | RMPSIM_SYSCFG_SNP_VMPL_EN)

struct res {
	int a, b, c, d, e, f;
	unsigned long long n, m;
};

static void offline_prepare_fn(void *arg)
{
	struct res *r = arg;

	r->a = ktest_remove_cpu(3);
	r->b = rmpsim_host_snp_prepare();
	/* hotplug is enabled again after the refusal: CPU 3 can come back */
	r->c = ktest_add_cpu(3);
	r->d = rmpsim_host_snp_prepare();
	/* now SNP is on and hotplug is disabled */
	r->e = ktest_remove_cpu(3);
}

/* covers: spec 1.9 */
static void test_prepare_requires_all_present_online(void **state)
{
	struct h_machine h;
	struct res r = { 1, 1, 1, 1, 1, 1, 0, 0 };
	unsigned cpu;

	(void)state;
	h_create(&h, 2, 2, 4 * GIB);
	h_boot(&h, offline_prepare_fn, &r);
	h_run(&h);
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, -EOPNOTSUPP);
	assert_int_equal(r.c, 0);
	assert_int_equal(r.d, 0);
	assert_int_equal(r.e, -EBUSY);
	/* spec 3.6: MFDM, SNP_EN and VMPL_EN on every CPU */
	for (cpu = 0; cpu < h.ncpus; cpu++)
		assert_int_equal(h_rdmsr(&h, cpu, RMPSIM_MSR_SYSCFG) & SYSCFG_ALL, SYSCFG_ALL);
	h_destroy(&h);
}

static void prepare_fn(void *arg)
{
	struct res *r = arg;

	r->a = rmpsim_host_snp_prepare();
}

/* covers: spec 3.6 (kexec: SNP_EN already set, nothing re-enabled) */
static void test_prepare_skips_when_snp_en_set(void **state)
{
	struct h_machine h;
	struct res r = { 1, 1, 1, 1, 1, 1, 0, 0 };
	unsigned cpu;

	(void)state;
	h_create(&h, 2, 2, 4 * GIB);
	for (cpu = 0; cpu < h.ncpus; cpu++) {
		uint64_t v = h_rdmsr(&h, cpu, RMPSIM_MSR_SYSCFG);

		assert_int_equal(rmpsim_machine_wrmsr(h.m, cpu, RMPSIM_MSR_SYSCFG, v | RMPSIM_SYSCFG_SNP_EN),
				 RMPSIM_FAULT_NONE);
	}
	h_boot(&h, prepare_fn, &r);
	h_run(&h);
	assert_int_equal(r.a, 0);
	for (cpu = 0; cpu < h.ncpus; cpu++)
		assert_int_equal(h_rdmsr(&h, cpu, RMPSIM_MSR_SYSCFG) & RMPSIM_SYSCFG_MFDM, 0);
	h_destroy(&h);
}

static void lifecycle_fn(void *arg)
{
	struct res *r = arg;

	r->a = rmpsim_host_snp_prepare();
	r->b = rmpsim_host_snp_init();
	r->c = rmpsim_host_setup_rmpopt(NULL);
	/* the v5 guard: a second setup of the same policy is a no-op */
	r->d = rmpsim_host_setup_rmpopt(NULL);
	ktest_msleep(100); /* the first pass runs */
	rmpsim_host_snp_shutdown();
	/* spec 1.9: hotplug is enabled again after cleanup */
	r->e = ktest_remove_cpu(1);
}

/* covers: spec 1.8, spec 1.9, A101, A103 */
static void test_shutdown_cleans_up(void **state)
{
	struct h_machine h;
	struct res r = { 1, 1, 1, 1, 1, 1, 0, 0 };
	unsigned cpu;

	(void)state;
	h_create(&h, 2, 2, 4 * GIB);
	h_boot(&h, lifecycle_fn, &r);
	h_run(&h);
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, 0);
	assert_int_equal(r.c, 0);
	assert_int_equal(r.d, 0);
	assert_int_equal(r.e, 0);
	assert_int_equal(h_mark_count(&h, "rmpopt_pass_done"), 1);
	for (cpu = 0; cpu < h.ncpus; cpu++) {
		/* spec 1.8: RMPOPT_BASE = 0 on each core; the firmware cleared SNP_EN */
		assert_int_equal(h_rdmsr(&h, cpu, RMPSIM_MSR_RMPOPT_BASE), 0);
		assert_int_equal(h_rdmsr(&h, cpu, RMPSIM_MSR_SYSCFG) & RMPSIM_SYSCFG_SNP_EN, 0);
	}
	h_destroy(&h);
}

static void cap_fn(void *arg)
{
	struct res *r = arg;

	r->a = rmpsim_host_snp_prepare();
	r->b = rmpsim_host_snp_init();
	r->c = rmpsim_host_setup_rmpopt(rmpsim_policy_find("targeted"));
	/* leave the first pass nothing to do beyond one region: see below */
}

/* covers: spec 1.3 */
static void test_window_capped_at_2t(void **state)
{
	struct h_machine h;
	struct res r = { 1, 1, 1, 1, 1, 1, 0, 0 };
	const struct rmpsim_mark *m;

	(void)state;
	/* 2 TiB + 64 GiB of RAM from 0: the window stops at 2 TiB */
	h_create(&h, 1, 1, 2112 * GIB);
	h_boot(&h, cap_fn, &r);
	h_run(&h);
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, 0);
	assert_int_equal(r.c, 0);
	assert_true(h_dmesg_has(&h, "RMPOPT coverage limited to 2TB; memory above 0x20000000000 "
				    "not optimized"));
	m = h_mark(&h, "rmpopt_pass_start", 0);
	assert_non_null(m);
	assert_int_equal(m->a, 0);
	assert_int_equal(m->b, 2048 * GIB);
	/* one CPU: the leader ran exactly one RMPOPT per GB of the window */
	assert_int_equal(h_rmpopt_all(&h, 0), 2048);
	h_destroy(&h);
}

static void rmp_fn(void *arg)
{
	struct res *r = arg;
	unsigned long long pfn = (5 * GIB) >> 12;

	r->a = rmpsim_host_snp_prepare();
	r->b = rmpsim_host_snp_init();
	r->c = rmpsim_host_rmp_make_private(pfn, 0x1000, 1, 7, 0);
	r->d = rmpsim_host_rmp_make_private_range(pfn + 512, 1024, 0x200000, 1, 7, &r->n);
	r->e = rmpsim_host_rmp_make_shared(pfn, 1) |
	       rmpsim_host_rmp_make_shared_range(pfn + 512, 1024, 1, &r->m);
	rmpsim_host_snp_leak_pages(pfn + 4096, 3);
	rmpsim_host_snp_leak_pages(pfn + 8192, 2);
}

static void rmp_check_fn(void *arg)
{
	struct res *r = arg;

	r->f = (int)rmpsim_host_snp_nr_leaked_pages();
}

/* covers: spec 3.1, spec 3.6, A93, A100 */
static void test_rmp_helpers(void **state)
{
	struct h_machine h;
	struct res r = { 1, 1, 1, 1, 1, 1, 0, 0 };
	struct rmpsim_rmp *rmp;

	(void)state;
	h_create(&h, 1, 2, 8 * GIB);
	rmp = rmpsim_machine_rmp(h.m);
	h_boot(&h, rmp_fn, &r);
	h_run(&h);
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, 0);
	assert_int_equal(r.c, 0);
	assert_int_equal(r.d, 0);
	assert_int_equal(r.n, 1024);
	assert_int_equal(r.e, 0);
	assert_int_equal(r.m, 1024);
	/* everything given back: region 5 free again */
	assert_true(rmpsim_rmp_1g_is_free(rmp, 5 * GIB));
	/* the RMPUPDATEs were executed: 1 + 1024 + 1 + 1024 */
	{
		struct rmpsim_cpu_counters c;

		rmpsim_machine_counters(h.m, 0, &c);
		assert_int_equal(c.rmpupdates, 2050);
	}
	h_spawn(&h, 0, rmp_check_fn, &r);
	h_run(&h);
	assert_int_equal(r.f, 5);
	h_destroy(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepare_requires_all_present_online),
		cmocka_unit_test(test_prepare_skips_when_snp_en_set),
		cmocka_unit_test(test_shutdown_cleans_up),
		cmocka_unit_test(test_window_capped_at_2t),
		cmocka_unit_test(test_rmp_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
