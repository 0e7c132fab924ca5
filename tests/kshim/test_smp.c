/* SPDX-License-Identifier: MIT */
/*
 * SMP calls: IPI handlers run in the target CPU's context and may not sleep;
 * on_each_cpu_mask also runs on the local CPU; offline CPUs get nothing;
 * smp_call_on_cpu runs a sleepable function bound to its CPU; timings against
 * the IPI oracle of kshim_test.h.
 */
#include "kshim_test.h"

#include <string.h>

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include "assert_eq.h"

#define NCPU 8

struct rec {
	unsigned hits[NCPU];
	bool in_irq[NCPU];
	bool irqs_off[NCPU];
	uint64_t t[8];
	int ret[8];
	int on_cpu_cpu;
};

static uint64_t now_ps(void)
{
	return (uint64_t)ktime_get_ns() * 1000;
}

static void record(void *info)
{
	struct rec *r = info;
	int cpu = smp_processor_id();
	r->hits[cpu]++;
	r->in_irq[cpu] = in_interrupt();
	r->irqs_off[cpu] = irqs_disabled();
	ndelay(1000); /* the handler's own work: 1 us */
}

static void sleeper(void *info)
{
	(void)info;
	msleep(1); /* not allowed in an IPI handler */
}

static int on_cpu_fn(void *arg)
{
	struct rec *r = arg;
	r->on_cpu_cpu = smp_processor_id();
	msleep(2); /* sleeping is fine here: a kernel thread */
	return 42;
}

static void smp_main(void *arg)
{
	struct rec *r = arg;
	static struct cpumask m;

	cpumask_clear(&m);
	cpumask_set_cpu(0, &m);
	cpumask_set_cpu(3, &m);
	cpumask_set_cpu(5, &m);
	r->t[0] = now_ps();
	on_each_cpu_mask(&m, record, r, true);
	r->t[1] = now_ps();
	/* An offline CPU is skipped. */
	r->ret[0] = remove_cpu(5);
	on_each_cpu_mask(&m, record, r, true);
	r->ret[1] = add_cpu(5);
	/* smp_call_function_many never runs on the caller. */
	smp_call_function_many(&m, record, r, true);
	r->ret[2] = smp_call_function_single(NCPU + 1, record, r, 1);
	/* A sleepable function on CPU 6. */
	r->t[2] = now_ps();
	r->ret[3] = smp_call_on_cpu(6, on_cpu_fn, r, false);
	r->t[3] = now_ps();
	/* cond_resched with nothing else to run costs the profile's time. */
	r->t[4] = now_ps();
	cond_resched();
	r->t[5] = now_ps();
}

/* covers: A89, A66, A67 */
static void ipi_semantics_and_timing(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = bare_sim(NCPU);
	struct rmpsim_kernel *k;
	struct rec r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(rmpsim_kernel_boot(k, smp_main, &r), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);

	/* First round {0,3,5}, second {0,3} (5 offline), then many: {3,5}. */
	assert_int_equal(r.hits[0], 2);
	assert_int_equal(r.hits[3], 3);
	assert_int_equal(r.hits[5], 2);
	assert_int_equal(r.hits[1] + r.hits[2] + r.hits[4] + r.hits[6] + r.hits[7], 0);
	/* Remote: interrupt context; local: called directly, interrupts off. */
	assert_true(r.in_irq[3]);
	assert_true(r.irqs_off[3]);
	assert_false(r.in_irq[0]);
	assert_true(r.irqs_off[0]);
	assert_int_equal(r.ret[0], 0);
	assert_int_equal(r.ret[1], 0);
	assert_int_equal(r.ret[2], -ENXIO);
	/* Two remote targets and a 1 us handler (the local call overlaps the wait). */
	ASSERT_EQ(r.t[1] - r.t[0], oracle_ipi_round(2, RMPSIM_NS(1000)));
	/* smp_call_on_cpu: the kworker wakes (A69), runs on CPU 6, sleeps 2 ms. */
	assert_int_equal(r.ret[3], 42);
	assert_int_equal(r.on_cpu_cpu, 6);
	uint64_t woke = r.t[2] + T_WQ_WAKEUP;
	ASSERT_EQ(r.t[3], (woke / T_TICK + 3) * T_TICK);
	ASSERT_EQ(r.t[5] - r.t[4], T_RESCHED);

	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(k, &ks);
	assert_int_equal(ks.bugs, 0);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

static void sleep_main(void *arg)
{
	(void)arg;
	smp_call_function_single(2, sleeper, NULL, 1);
}

/* A sleeping call in an IPI handler is reported as a bug (might_sleep). */
static void sleeping_in_handler_is_a_bug(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = bare_sim(NCPU);
	struct rmpsim_kernel *k;
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(rmpsim_kernel_boot(k, sleep_main, NULL), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(k, &ks);
	assert_true(ks.bugs >= 1);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipi_semantics_and_timing),
		cmocka_unit_test(sleeping_in_handler_is_a_bug),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
