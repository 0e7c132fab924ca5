/* SPDX-License-Identifier: MIT */
/*
 * Co-tenant vCPUs (A440-A442): an IPI round to CPUs running a guest costs
 * each of them one exit, the handler and one entry, by hand; a CPU without a
 * vCPU pays its C-state exit as before; a process waking on a vCPU CPU is a
 * stretch too; the stretch records leave the trace hash alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/sim.h>

#include "sim_test_util.h"

#define NCPUS 8

struct round {
	unsigned long mask[1];
	uint64_t charge;
	unsigned rounds;
	uint64_t gap; /* sleep between rounds */
};

static void handler(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	(void)cpu;
	struct round *r = arg;
	rmpsim_sim_compute(s, r->charge);
}

static void sender(struct rmpsim_sim *s, void *arg)
{
	struct round *r = arg;
	for (unsigned i = 0; i < r->rounds; i++) {
		assert_int_equal(rmpsim_sim_ipi_many(s, r->mask, handler, r, RMPSIM_IPI_WAIT), 0);
		rmpsim_sim_sleep(s, r->gap);
	}
}

struct trace_sum {
	uint64_t n, sum, max;
};

static void on_trace(void *ctx, const struct rmpsim_trace_rec *rec)
{
	struct trace_sum *t = ctx;
	if (rec->kind != RMPSIM_TRACE_VCPU)
		return;
	t->n++;
	t->sum += rec->a;
	t->max = rec->a > t->max ? rec->a : t->max;
}

static uint64_t run_rounds(const struct rmpsim_profile *p, unsigned long vcpus, unsigned rounds,
			   struct rmpsim_cpu_stats *st, struct trace_sum *tr)
{
	struct rmpsim_sim *s = bare_sim(NCPUS, p, 1);
	assert_non_null(s);
	struct round r = {
		.mask = { 0xfeul }, .charge = RMPSIM_NS(700), .rounds = rounds, .gap = RMPSIM_US(50)
	};
	if (vcpus)
		rmpsim_sim_set_vcpus(s, &vcpus, 0);
	rmpsim_sim_set_trace_hook(s, on_trace, tr);
	struct rmpsim_proc_attr a = { .name = "sender", .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, sender, &r, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	for (unsigned c = 0; c < NCPUS; c++)
		assert_int_equal(rmpsim_sim_cpu_stats(s, c, &st[c]), 0);
	uint64_t h = rmpsim_sim_trace_hash(s);
	rmpsim_sim_destroy(s);
	return h;
}

static void ipi_rounds_on_vcpus_cost_exit_handler_entry(void **state)
{
	(void)state;
	/* covers: A440, A441 */
	struct rmpsim_profile p = oracle_profile();
	p.vm_exit_ps = RMPSIM_NS(500);
	p.vm_entry_ps = RMPSIM_NS(400);
	struct rmpsim_cpu_stats st[NCPUS];
	struct trace_sum tr = { 0 };
	const unsigned rounds = 3;
	/* vCPUs on CPUs 1-5; 6 and 7 stay plain idle host CPUs. */
	run_rounds(&p, 0x3eul, rounds, st, &tr);
	uint64_t stretch = p.vm_exit_ps + p.ipi_handler_overhead_ps + RMPSIM_NS(700) + p.vm_entry_ps;
	for (unsigned c = 1; c <= 5; c++) {
		assert_int_equal(st[c].vcpu_exits, rounds);
		assert_int_equal(st[c].vcpu_stolen_ps, rounds * stretch);
		assert_int_equal(st[c].vcpu_stretch_max_ps, stretch);
		assert_int_equal(st[c].idle_exits, 0);
		/* busy time: the handler after the exit; the entry is not simulated as busy */
		assert_int_equal(st[c].busy_ps, rounds * (p.ipi_handler_overhead_ps + RMPSIM_NS(700)));
	}
	for (unsigned c = 6; c < NCPUS; c++) {
		assert_int_equal(st[c].vcpu_exits, 0);
		assert_int_equal(st[c].vcpu_stolen_ps, 0);
	}
	assert_int_equal(st[0].vcpu_exits, 0);
	assert_int_equal(tr.n, 5 * rounds);
	assert_int_equal(tr.sum, 5 * rounds * stretch);
	assert_int_equal(tr.max, stretch);
}

static void vcpus_leave_the_trace_hash_alone_without_them(void **state)
{
	(void)state;
	/* covers: A440 */
	struct rmpsim_profile p = oracle_profile();
	struct rmpsim_cpu_stats a[NCPUS], b[NCPUS];
	struct trace_sum ta = { 0 }, tb = { 0 };
	/* No vCPU at all vs an empty mask set explicitly: the same run. */
	uint64_t h1 = run_rounds(&p, 0, 2, a, &ta);
	uint64_t h2 = run_rounds(&p, 0, 2, b, &tb);
	assert_int_equal(h1, h2);
	assert_int_equal(ta.n, 0);
	/* With vCPUs the handlers start after vm_exit instead of a C-state exit:
	 * a different simulation, hence a different hash. */
	struct trace_sum tc = { 0 };
	uint64_t h3 = run_rounds(&p, 0xfeul, 2, b, &tc);
	assert_true(h3 != h1);
	assert_int_equal(tc.n, 14);
}

static void worker(struct rmpsim_sim *s, void *arg)
{
	(void)arg;
	rmpsim_sim_compute(s, RMPSIM_US(10));
}

static void a_process_on_a_vcpu_cpu_is_one_stretch(void **state)
{
	(void)state;
	/* covers: A440, A441 */
	struct rmpsim_profile p = oracle_profile();
	struct rmpsim_sim *s = bare_sim(2, &p, 1);
	unsigned long vcpus = 0x2ul;
	rmpsim_sim_set_vcpus(s, &vcpus, 0);
	struct rmpsim_proc_attr a = { .name = "kworker", .cpu = 1 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, worker, NULL, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(s, 1, &st), 0);
	/* exit (charged to the process, as a C-state exit would be), the context
	 * switch into it, its 10 us, then the entry */
	uint64_t want = p.vm_exit_ps + p.context_switch_ps + RMPSIM_US(10) + p.vm_entry_ps;
	assert_int_equal(st.vcpu_exits, 1);
	assert_int_equal(st.vcpu_stolen_ps, want);
	assert_int_equal(st.vcpu_stretch_max_ps, want);
	assert_true(rmpsim_sim_cpu_has_vcpu(s, 1));
	assert_int_equal(st.vcpu_open_ps, 0);
	rmpsim_sim_destroy(s);
}

static void give_way_hands_a_process_cpu_to_the_host(void **state)
{
	(void)state;
	/* covers: A443 */
	struct rmpsim_profile p = oracle_profile();
	struct rmpsim_sim *s = bare_sim(3, &p, 1);
	unsigned long vcpus = 0x6ul;
	rmpsim_sim_set_vcpus(s, &vcpus, RMPSIM_VCPU_GIVE_WAY);
	struct rmpsim_proc_attr a = { .name = "kworker", .cpu = 1 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, worker, NULL, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(s, 1, &st), 0);
	assert_false(rmpsim_sim_cpu_has_vcpu(s, 1));
	assert_true(rmpsim_sim_cpu_has_vcpu(s, 2));
	assert_false(rmpsim_sim_cpu_has_vcpu(s, 0));
	assert_int_equal(st.vcpu_exits, 0);
	assert_int_equal(st.vcpu_stolen_ps, 0);
	assert_int_equal(st.idle_exits, 0); /* idle since 0: polling, no C-state exit (A136) */
	rmpsim_sim_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipi_rounds_on_vcpus_cost_exit_handler_entry),
		cmocka_unit_test(vcpus_leave_the_trace_hash_alone_without_them),
		cmocka_unit_test(a_process_on_a_vcpu_cpu_is_one_stretch),
		cmocka_unit_test(give_way_hands_a_process_cpu_to_the_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
