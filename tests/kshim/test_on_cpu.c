/* SPDX-License-Identifier: MIT */
/*
 * The measurement code's primitives, written as kernel code: smp_call_on_cpu()
 * (the target CPU's kworker runs the function in process context and the
 * caller sleeps until it returns), rdtsc()/rdtsc_ordered() (virtual time at
 * the profile's clock) and local_irq_disable/enable/save/restore in process
 * context (Linux's flag semantics; interrupts wait). Timings against hand
 * oracles from the profile below: wq_wakeup W, context switch C.
 */
#include "kshim_test.h"

#include <string.h>

#include <asm/msr.h>
#include <asm/tsc.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include "assert_eq.h"

#define NCPU 8
#define W    T_WQ_WAKEUP
#define C    RMPSIM_NS(1500)
#define WORK RMPSIM_NS(10000) /* what each called function computes */
#define KHZ  2250000ull	      /* 2.25 GHz */

static struct rmpsim_sim *make_sim(void)
{
	struct rmpsim_profile p = test_profile();
	p.context_switch_ps = C;
	p.freq_khz = KHZ;
	p.ipi_icr_write_ps = RMPSIM_NS(10); /* one ICR write per target: handlers start apart */
	struct rmpsim_sim_topology t = { .ncpus = NCPU, .threads_per_core = 2, .nodes = 1 };
	struct rmpsim_sim *sim = NULL;
	assert_int_equal(rmpsim_sim_create_bare(NULL, &t, &p, 1, &sim), 0);
	return sim;
}

static uint64_t now_ps(void)
{
	return (uint64_t)ktime_get_ns() * 1000;
}

/* ---- smp_call_on_cpu ---- */

struct seen {
	int cpu;
	bool in_irq, irqs_off;
	uint64_t start, end;
	int calls;
};

static int work_fn(void *arg)
{
	struct seen *s = arg;
	s->cpu = smp_processor_id();
	s->in_irq = in_interrupt();
	s->irqs_off = irqs_disabled();
	s->start = now_ps();
	ndelay(WORK / 1000);
	s->end = now_ps();
	s->calls++;
	return 1000 + s->calls;
}

struct on_cpu_run {
	struct seen s[4];
	int ret[8];
	uint64_t t[8];
};

static void on_cpu_main(void *arg)
{
	struct on_cpu_run *r = arg;
	/* First call to CPU 3: its kworker is created W later and pays a switch there. */
	r->t[0] = now_ps();
	r->ret[0] = smp_call_on_cpu(3, work_fn, &r->s[0], false);
	r->t[1] = now_ps();
	/* Again: the idle kworker is woken (W), but CPU 3 last ran it (no switch). */
	r->ret[1] = smp_call_on_cpu(3, work_fn, &r->s[0], false);
	r->t[2] = now_ps();
	/* On the caller's own CPU: a switch to the kworker and one back. */
	r->ret[2] = smp_call_on_cpu(0, work_fn, &r->s[1], true);
	r->t[3] = now_ps();
	r->ret[3] = smp_call_on_cpu(NCPU, work_fn, &r->s[2], false);
	r->ret[4] = remove_cpu(5);
	r->ret[5] = smp_call_on_cpu(5, work_fn, &r->s[2], false);
}

/* covers: A220, A221 */
static void on_cpu_runs_in_the_target_kworker(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = make_sim();
	struct rmpsim_kernel *k;
	struct on_cpu_run r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(rmpsim_kernel_boot(k, on_cpu_main, &r), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);

	assert_int_equal(r.ret[0], 1001);
	assert_int_equal(r.ret[1], 1002);
	assert_int_equal(r.s[0].cpu, 3);
	assert_false(r.s[0].in_irq); /* process context: may sleep */
	assert_false(r.s[0].irqs_off);
	ASSERT_EQ(r.t[1] - r.t[0], W + C + WORK);
	ASSERT_EQ(r.t[2] - r.t[1], W + WORK);
	assert_int_equal(r.ret[2], 1001);
	assert_int_equal(r.s[1].cpu, 0);
	ASSERT_EQ(r.t[3] - r.t[2], W + C + WORK + C);
	assert_int_equal(r.ret[3], -ENXIO);
	assert_int_equal(r.ret[4], 0);
	assert_int_equal(r.ret[5], -ENXIO);
	assert_int_equal(r.s[2].calls, 0);

	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(k, &ks);
	assert_int_equal(ks.bugs, 0);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

/* Two callers at the same instant: one kworker per CPU takes them in order (A220). */
struct two {
	struct seen s;
	uint64_t back[2];
	int ret[2];
};
static struct two g_two;

static void caller_a(void *arg)
{
	(void)arg;
	g_two.ret[0] = smp_call_on_cpu(3, work_fn, &g_two.s, false);
	g_two.back[0] = now_ps();
}

static void caller_b(void *arg)
{
	(void)arg;
	g_two.ret[1] = smp_call_on_cpu(3, work_fn, &g_two.s, false);
	g_two.back[1] = now_ps();
}

/* covers: A220 */
static void on_cpu_calls_to_one_cpu_are_serialised(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = make_sim();
	struct rmpsim_kernel *k;
	memset(&g_two, 0, sizeof(g_two));
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(rmpsim_kernel_spawn(k, "a", 1, caller_a, NULL), 0);
	assert_int_equal(rmpsim_kernel_spawn(k, "b", 2, caller_b, NULL), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	/* Both start at C (their own first switch), call at once; the kworker
	 * wakes W later, runs a's function, then b's without another wake-up. */
	assert_int_equal(g_two.ret[0], 1001);
	assert_int_equal(g_two.ret[1], 1002);
	ASSERT_EQ(g_two.back[0], C + W + C + WORK);
	ASSERT_EQ(g_two.back[1], C + W + C + 2 * WORK);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

static void call_from_handler(void *info)
{
	int *ret = info;
	*ret = smp_call_on_cpu(2, work_fn, NULL, false);
}

static void handler_main(void *arg)
{
	smp_call_function_single(1, call_from_handler, arg, 1);
}

/* Sleeping in an IPI handler is a bug, and nothing runs. */
static void on_cpu_from_a_handler_is_a_bug(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = make_sim();
	struct rmpsim_kernel *k;
	int ret = 0;
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(rmpsim_kernel_boot(k, handler_main, &ret), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	assert_int_equal(ret, -EINVAL);
	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(k, &ks);
	assert_true(ks.bugs >= 1);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

/* ---- rdtsc ---- */

struct tsc_run {
	u64 tsc[4], tsc_cpu[NCPU];
	uint64_t t[4];
};

static void tsc_on_cpu(void *info)
{
	struct tsc_run *r = info;
	r->tsc_cpu[smp_processor_id()] = rdtsc_ordered();
}

static void tsc_main(void *arg)
{
	struct tsc_run *r = arg;
	r->t[0] = now_ps();
	r->tsc[0] = rdtsc();
	ndelay(1000);
	r->tsc[1] = rdtsc_ordered();
	r->t[1] = now_ps();
	msleep(1);
	r->tsc[2] = get_cycles();
	r->t[2] = now_ps();
	/* Every CPU reads its counter in one handler round. */
	on_each_cpu(tsc_on_cpu, r, 1);
}

/* covers: A222 */
static void rdtsc_counts_cycles_of_virtual_time(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = make_sim();
	struct rmpsim_kernel *k;
	struct tsc_run r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(rmpsim_kernel_boot(k, tsc_main, &r), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	/* 2.25 GHz: 1 us is 2250 cycles; 1.5 us (the first switch) is 3375. */
	ASSERT_EQ(r.t[0], C);
	ASSERT_EQ(r.tsc[0], 3375);
	ASSERT_EQ(r.tsc[1] - r.tsc[0], 2250);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(r.tsc[i], r.t[i] * KHZ / 1000000000ull);
	/* Handlers run at different times on different CPUs; each sees its own time. */
	for (int cpu = 1; cpu < NCPU; cpu++)
		assert_true(r.tsc_cpu[cpu] > r.tsc[2]);
	assert_true(r.tsc_cpu[NCPU - 1] > r.tsc_cpu[1]);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

/* ---- local_irq_* in process context ---- */

struct irq_run {
	bool off[8];
	uint64_t enable_at, handler_at, sent_at;
};
static struct irq_run g_irq;

static void stamp(void *info)
{
	(void)info;
	g_irq.handler_at = now_ps();
}

static void irq_owner(void *arg)
{
	(void)arg;
	unsigned long f1, f2;
	/* The flag, not a count: twice off and once on is on. */
	local_irq_disable();
	local_irq_disable();
	g_irq.off[0] = irqs_disabled();
	local_irq_enable();
	g_irq.off[1] = irqs_disabled();
	/* save/restore: each restore returns to what its save found. */
	local_irq_save(f1);
	local_irq_save(f2);
	local_irq_restore(f2);
	g_irq.off[2] = irqs_disabled();
	local_irq_restore(f1);
	g_irq.off[3] = irqs_disabled();
	/* restore of a "disabled" flags disables. */
	local_irq_disable();
	local_irq_save(f1);
	local_irq_enable();
	g_irq.off[4] = irqs_disabled();
	local_irq_restore(f1);
	g_irq.off[5] = irqs_disabled();
	local_irq_enable();
	/* 10 us with interrupts off: the IPI sent meanwhile waits for the enable. */
	local_irq_disable();
	ndelay(WORK / 1000);
	g_irq.enable_at = now_ps();
	local_irq_enable();
}

static void irq_sender(void *arg)
{
	(void)arg;
	ndelay(1000);
	g_irq.sent_at = now_ps();
	smp_call_function_single(1, stamp, NULL, 1);
}

static void local_irq_in_process_context(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = make_sim();
	struct rmpsim_kernel *k;
	memset(&g_irq, 0, sizeof(g_irq));
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(rmpsim_kernel_spawn(k, "irqoff", 1, irq_owner, NULL), 0);
	assert_int_equal(rmpsim_kernel_spawn(k, "sender", 2, irq_sender, NULL), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	assert_true(g_irq.off[0]);
	assert_false(g_irq.off[1]);
	assert_true(g_irq.off[2]);
	assert_false(g_irq.off[3]);
	assert_false(g_irq.off[4]);
	assert_true(g_irq.off[5]);
	/* The IPI reached CPU 1 while it was off and ran at the enable. */
	assert_true(g_irq.sent_at + T_IPI_BASE + T_IPI_PER + T_IPI_DELIVERY < g_irq.enable_at);
	ASSERT_EQ(g_irq.handler_at, g_irq.enable_at);
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(sim, 1, &st), 0);
	ASSERT_EQ(st.irqoff_max_ps, WORK);
	assert_string_equal(st.irqoff_max_where, "irqoff");
	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(k, &ks);
	assert_int_equal(ks.bugs, 0);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(on_cpu_runs_in_the_target_kworker),
		cmocka_unit_test(on_cpu_calls_to_one_cpu_are_serialised),
		cmocka_unit_test(on_cpu_from_a_handler_is_a_bug),
		cmocka_unit_test(rdtsc_counts_cycles_of_virtual_time),
		cmocka_unit_test(local_irq_in_process_context),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
