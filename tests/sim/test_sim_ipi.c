/* SPDX-License-Identifier: MIT */
/*
 * IPIs: hand-computed timing of a round to M targets, preemption of a
 * computing process, deferral while interrupts are off, might_sleep in
 * handlers, local execution, no-wait sends, allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/sim.h>

#include "failing_alloc.h"
#include "sim_test_util.h"

#define MAXC 128

struct round {
	unsigned long mask[2];
	uint64_t charge; /* what each handler charges */
	uint64_t t_call, t_return;
	uint64_t h_start[MAXC];
	unsigned h_cpu[MAXC];
	bool h_in_handler[MAXC];
	int handled;
	unsigned flags;
	int ret;
	bool try_sleep;
};

static void handler(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	struct round *r = arg;
	r->h_start[cpu] = rmpsim_sim_now(s);
	r->h_cpu[cpu] = rmpsim_sim_cpu(s);
	r->h_in_handler[cpu] =
		rmpsim_sim_in_handler(s) && rmpsim_sim_current(s) == NULL && rmpsim_sim_irqs_disabled(s);
	r->handled++;
	if (r->try_sleep)
		rmpsim_sim_sleep(s, RMPSIM_MS(1)); /* a bug: returns at once */
	rmpsim_sim_compute(s, r->charge);
}

static void sender(struct rmpsim_sim *s, void *arg)
{
	struct round *r = arg;
	r->t_call = rmpsim_sim_now(s);
	r->ret = rmpsim_sim_ipi_many(s, r->mask, handler, r, r->flags);
	r->t_return = rmpsim_sim_now(s);
}

static void one_round_to_m_targets_matches_hand_formula(void **state)
{
	(void)state;
	/* covers: A66, A67, A133, A134, A135, A136, A137 */
	struct rmpsim_profile prof = oracle_profile();
	const struct rmpsim_profile *p = &prof;
	for (unsigned m = 1; m <= 40; m += 13) {
		struct rmpsim_sim *s = bare_sim(MAXC, p, 1);
		struct round r = { .charge = RMPSIM_NS(900), .flags = RMPSIM_IPI_WAIT };
		for (unsigned i = 1; i <= m; i++)
			mask_set(r.mask, 2 * i); /* targets 2, 4, ..., 2m */
		mask_set(r.mask, 0);		 /* the sender itself: excluded (no LOCAL flag) */
		struct rmpsim_proc_attr a = { .name = "sender", .cpu = 0 };
		assert_int_equal(rmpsim_sim_spawn(s, &a, sender, &r, NULL), 0);
		assert_int_equal(rmpsim_sim_run(s), 0);
		assert_int_equal(r.ret, 0);
		assert_int_equal(r.handled, m);

		/* By hand, from the profile's parameters (docs/timing.md "IPIs"): */
		uint64_t t0 = p->context_switch_ps; /* the sender's first dispatch */
		assert_int_equal(r.t_call, t0);
		uint64_t send_end = t0 + oracle_send_ps(p, m);
		uint64_t handler_len = p->ipi_handler_overhead_ps + r.charge;
		uint64_t last_ack = 0;
		for (unsigned i = 1; i <= m; i++) {
			unsigned cpu = 2 * i;
			uint64_t recv = oracle_recv_ps(p, t0, m, i);
			assert_int_equal(r.h_start[cpu], recv); /* the effect happens on arrival */
			assert_int_equal(r.h_cpu[cpu], cpu);
			assert_true(r.h_in_handler[cpu]);
			struct rmpsim_cpu_stats st;
			assert_int_equal(rmpsim_sim_cpu_stats(s, cpu, &st), 0);
			assert_int_equal(st.handler_ps, handler_len);
			assert_int_equal(st.busy_ps, handler_len); /* the C1 exit is not busy time */
			assert_int_equal(st.ipis, 1);
			/* Idle since time 0: C1 (or polling, or C2) by how long (A136). */
			uint64_t wake = oracle_idle_exit(p, recv);
			assert_true(wake == p->idle_exit_ps); /* this round: C1 */
			assert_int_equal(st.idle_exits, 1);
			assert_int_equal(st.irqoff_max_ps, handler_len);
			assert_int_equal(st.irqoff_max_at_ps, recv + wake);
			assert_string_equal(st.irqoff_max_where, "ipi");
			uint64_t ack = recv + wake + handler_len + p->c2c_same_l3_ps;
			last_ack = ack > last_ack ? ack : last_ack;
		}
		uint64_t done = (last_ack > send_end ? last_ack : send_end) + oracle_poll_ps(p, m);
		assert_int_equal(r.t_return, done);
		struct rmpsim_cpu_stats st0;
		assert_int_equal(rmpsim_sim_cpu_stats(s, 0, &st0), 0);
		assert_int_equal(st0.busy_ps, done); /* context switch + send + spin + poll */
		assert_int_equal(st0.ipis, 0);
		assert_int_equal(st0.irqoff_max_ps, 0); /* the sender spins with interrupts on */
		/* Non-targets saw nothing. */
		assert_int_equal(rmpsim_sim_cpu_stats(s, 1, &st0), 0);
		assert_int_equal(st0.busy_ps, 0);
		rmpsim_sim_destroy(s);
	}
}

static void no_wait_returns_after_sending(void **state)
{
	(void)state;
	struct rmpsim_profile prof = oracle_profile();
	const struct rmpsim_profile *p = &prof;
	struct rmpsim_sim *s = bare_sim(8, p, 1);
	struct round r = { .charge = RMPSIM_US(5), .flags = 0 };
	for (unsigned c = 1; c < 8; c++)
		mask_set(r.mask, c);
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, sender, &r, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_int_equal(r.t_return, r.t_call + oracle_send_ps(p, 7));
	assert_int_equal(r.handled, 7);
	rmpsim_sim_destroy(s);
}

/* A process computing 10 us on the target. */
static void victim(struct rmpsim_sim *s, void *arg)
{
	uint64_t *end = arg;
	rmpsim_sim_compute(s, RMPSIM_US(10));
	*end = rmpsim_sim_now(s);
}

static void ipi_preempts_a_computing_process(void **state)
{
	(void)state;
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.context_switch_ps = 0;
	struct rmpsim_sim *s = bare_sim(2, &p, 1);
	struct round r = { .charge = RMPSIM_US(2), .flags = RMPSIM_IPI_WAIT };
	uint64_t end = 0;
	mask_set(r.mask, 1);
	struct rmpsim_proc_attr a0 = { .cpu = 0 }, a1 = { .name = "victim", .cpu = 1 };
	assert_int_equal(rmpsim_sim_spawn(s, &a1, victim, &end, NULL), 0);
	assert_int_equal(rmpsim_sim_spawn(s, &a0, sender, &r, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	uint64_t recv = oracle_recv_ps(&p, 0, 1, 1);
	assert_int_equal(r.h_start[1], recv); /* not deferred: interrupts were on, not idle */
	/* The victim's 10 us end moves back by the handler's length. */
	assert_int_equal(end, RMPSIM_US(10) + p.ipi_handler_overhead_ps + RMPSIM_US(2));
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(s, 1, &st), 0);
	assert_int_equal(st.busy_ps, end);
	assert_int_equal(st.handler_ps, p.ipi_handler_overhead_ps + RMPSIM_US(2));
	rmpsim_sim_destroy(s);
}

static void irqoff_victim(struct rmpsim_sim *s, void *arg)
{
	uint64_t *end = arg;
	rmpsim_sim_irq_disable(s);
	rmpsim_sim_compute(s, RMPSIM_US(10));
	end[0] = rmpsim_sim_now(s);
	rmpsim_sim_irq_enable(s);
	end[1] = rmpsim_sim_now(s); /* after the waiting handler ran */
}

static void irqs_off_defer_the_handler(void **state)
{
	(void)state;
	/* covers: A73 */
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.context_switch_ps = 0;
	struct rmpsim_sim *s = bare_sim(2, &p, 1);
	struct round r = { .charge = RMPSIM_US(2), .flags = RMPSIM_IPI_WAIT };
	uint64_t end[2] = { 0 };
	mask_set(r.mask, 1);
	struct rmpsim_proc_attr a0 = { .cpu = 0 }, a1 = { .name = "irqoff", .cpu = 1 };
	assert_int_equal(rmpsim_sim_spawn(s, &a1, irqoff_victim, end, NULL), 0);
	assert_int_equal(rmpsim_sim_spawn(s, &a0, sender, &r, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	uint64_t hlen = p.ipi_handler_overhead_ps + RMPSIM_US(2);
	assert_int_equal(end[0], RMPSIM_US(10));
	assert_int_equal(r.h_start[1], RMPSIM_US(10)); /* deferred to local_irq_enable */
	assert_int_equal(end[1], RMPSIM_US(10) + hlen);
	/* The sender waited for the deferred handler. */
	assert_int_equal(r.t_return, RMPSIM_US(10) + hlen + p.c2c_same_l3_ps + oracle_poll_ps(&p, 1));
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(s, 1, &st), 0);
	/* Longest stretch: the process's 10 us (the handler's is shorter). */
	assert_int_equal(st.irqoff_max_ps, RMPSIM_US(10));
	assert_int_equal(st.irqoff_max_at_ps, 0);
	assert_string_equal(st.irqoff_max_where, "irqoff");
	rmpsim_sim_destroy(s);
}

static void sleeping_in_a_handler_is_a_bug(void **state)
{
	(void)state;
	/* covers: A74 */
	struct rmpsim_sim *s = bare_sim(4, NULL, 1);
	struct round r = { .charge = 0, .flags = RMPSIM_IPI_WAIT, .try_sleep = true };
	mask_set(r.mask, 1);
	mask_set(r.mask, 2);
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, sender, &r, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_int_equal(r.handled, 2);
	assert_int_equal(rmpsim_sim_bugs(s), 2);
	assert_non_null(strstr(rmpsim_sim_last_bug(s), "called from IPI handler on cpu 2"));
	/* The sleep did not happen: the round ended in microseconds, not 1 ms. */
	assert_true(r.t_return < RMPSIM_US(20));
	rmpsim_sim_destroy(s);
}

static void atomic_sleeper(struct rmpsim_sim *s, void *arg)
{
	(void)arg;
	rmpsim_sim_preempt_disable(s);
	assert_false(rmpsim_sim_might_sleep(s, "mutex_lock"));
	rmpsim_sim_preempt_enable(s);
	assert_true(rmpsim_sim_might_sleep(s, "mutex_lock"));
}

static void might_sleep_with_preemption_off(void **state)
{
	(void)state;
	struct rmpsim_sim *s = bare_sim(1, NULL, 1);
	assert_int_equal(rmpsim_sim_spawn(s, NULL, atomic_sleeper, NULL, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_int_equal(rmpsim_sim_bugs(s), 1);
	assert_non_null(strstr(rmpsim_sim_last_bug(s), "mutex_lock"));
	assert_non_null(strstr(rmpsim_sim_last_bug(s), "preemption disabled"));
	rmpsim_sim_destroy(s);
}

static void local_also_runs_on_the_caller(void **state)
{
	(void)state;
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.context_switch_ps = 0;
	struct rmpsim_sim *s = bare_sim(4, &p, 1);
	struct round r = { .charge = RMPSIM_US(3), .flags = RMPSIM_IPI_WAIT | RMPSIM_IPI_LOCAL };
	mask_set(r.mask, 0);
	mask_set(r.mask, 3);
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, sender, &r, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_int_equal(r.handled, 2);
	assert_int_equal(r.h_cpu[0], 0);
	/* Linux order: send, run locally (irqs off), then wait. The local run
	 * starts when sending ends and lasts what it charged. */
	uint64_t send_end = oracle_send_ps(&p, 1);
	assert_int_equal(r.h_start[0], send_end);
	uint64_t local_end = send_end + RMPSIM_US(3);
	uint64_t recv = oracle_recv_ps(&p, 0, 1, 1);
	uint64_t ack = recv + oracle_idle_exit(&p, recv) + p.ipi_handler_overhead_ps + RMPSIM_US(3) +
		       p.c2c_same_l3_ps;
	uint64_t done = (ack > local_end ? ack : local_end) + oracle_poll_ps(&p, 1);
	assert_int_equal(r.t_return, done);
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(s, 0, &st), 0);
	assert_int_equal(st.irqoff_max_ps, RMPSIM_US(3));
	rmpsim_sim_destroy(s);
}

static void ipi_from_handler(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	(void)cpu;
	int *ret = arg;
	unsigned long m[1] = { 1 };
	*ret = rmpsim_sim_ipi_many(s, m, ipi_from_handler, arg, RMPSIM_IPI_WAIT);
}

static void nested_sender(struct rmpsim_sim *s, void *arg)
{
	assert_int_equal(rmpsim_sim_ipi_one(s, 1, ipi_from_handler, arg, RMPSIM_IPI_WAIT), 0);
}

static void ipi_from_handler_is_refused(void **state)
{
	(void)state;
	struct rmpsim_sim *s = bare_sim(2, NULL, 1);
	int ret = 0;
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, nested_sender, &ret, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(rmpsim_sim_bugs(s), 1);
	/* Outside a process there is no sender. */
	unsigned long m[1] = { 2 };
	assert_int_equal(rmpsim_sim_ipi_many(s, m, handler, NULL, 0), -EINVAL);
	rmpsim_sim_destroy(s);
}

static void enomem_sends_nothing(void **state)
{
	(void)state;
	/* Budget: enough for create + spawn, then the CSDs fail at some point. */
	int saw_enomem = 0, saw_ok = 0;
	for (long budget = 4; budget < 30; budget++) {
		struct failing_alloc fa;
		failing_alloc_init(&fa, -1);
		struct rmpsim_sim_topology t = { .ncpus = 8, .threads_per_core = 1, .nodes = 1 };
		struct rmpsim_sim *s = NULL;
		assert_int_equal(rmpsim_sim_create_bare(&fa.alloc, &t, NULL, 1, &s), 0);
		rmpsim_sim_set_stack_size(s, 32768);
		struct round r = { .charge = 0, .flags = RMPSIM_IPI_WAIT };
		for (unsigned c = 1; c < 8; c++)
			mask_set(r.mask, c);
		struct rmpsim_proc_attr a = { .cpu = 0 };
		assert_int_equal(rmpsim_sim_spawn(s, &a, sender, &r, NULL), 0);
		fa.budget = budget - 4;
		assert_int_equal(rmpsim_sim_run(s), 0);
		if (r.ret == -ENOMEM) {
			saw_enomem++;
			assert_int_equal(r.handled, 0);
			assert_int_equal(r.t_return, r.t_call); /* nothing sent, nothing charged */
		} else {
			assert_int_equal(r.ret, 0);
			assert_int_equal(r.handled, 7);
			saw_ok++;
		}
		rmpsim_sim_destroy(s);
		assert_int_equal(fa.live_bytes, 0);
	}
	assert_true(saw_enomem > 0);
	assert_true(saw_ok > 0);
}

/* The ICR writes of one call: all-but-self shorthand, x2APIC clusters, physical. */
struct icr_case {
	unsigned long mask[1];
	uint64_t t_call, t_return;
	uint64_t start[64];
};

static void icr_handler(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	struct icr_case *c = arg;
	c->start[cpu] = rmpsim_sim_now(s);
}

static void icr_sender(struct rmpsim_sim *s, void *arg)
{
	struct icr_case *c = arg;
	c->t_call = rmpsim_sim_now(s);
	assert_int_equal(rmpsim_sim_ipi_many(s, c->mask, icr_handler, c, 0), 0);
	c->t_return = rmpsim_sim_now(s);
}

static struct icr_case run_icr(const struct rmpsim_profile *p, unsigned long mask)
{
	/* 64 CPUs, 1 thread per core: x2APIC ID = core, clusters of 16 (A138). */
	struct rmpsim_sim *s = bare_sim(64, p, 1);
	struct icr_case c = { .mask = { mask } };
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, icr_sender, &c, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	rmpsim_sim_destroy(s);
	return c;
}

static void icr_writes_follow_the_apic_mode(void **state)
{
	(void)state;
	/* covers: A130, A131, A132, A138 */
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.context_switch_ps = 0;
	p.idle_exit_ps = 0;
	uint64_t queue = 63 * p.ipi_queue_lines * p.c2c_same_l3_ps; /* bare sim: one L3 group */
	uint64_t t_icr = p.ipi_send_base_ps + queue;

	/* Every CPU but the sender: the shorthand, one write, all receive together. */
	struct icr_case c = run_icr(&p, ~1ul);
	for (unsigned cpu = 1; cpu < 64; cpu++)
		assert_int_equal(c.start[cpu], t_icr + p.ipi_icr_write_ps + p.ipi_delivery_ps);
	assert_int_equal(c.t_return, t_icr + p.ipi_icr_write_ps);

	/* Without the shorthand, cluster mode: one write per cluster of 16 IDs,
	 * in the order of each cluster's first target. */
	p.ipi_shorthand = false;
	c = run_icr(&p, ~1ul);
	for (unsigned cpu = 1; cpu < 64; cpu++)
		assert_int_equal(c.start[cpu],
				 t_icr + (cpu / 16 + 1) * p.ipi_icr_write_ps + p.ipi_delivery_ps);
	assert_int_equal(c.t_return, t_icr + 4 * p.ipi_icr_write_ps);

	/* Physical mode: one write per target, in CPU order. */
	p.apic_mode = RMPSIM_APIC_PHYSICAL;
	c = run_icr(&p, ~1ul);
	for (unsigned cpu = 1; cpu < 64; cpu++)
		assert_int_equal(c.start[cpu], t_icr + cpu * p.ipi_icr_write_ps + p.ipi_delivery_ps);
	assert_int_equal(c.t_return, t_icr + 63 * p.ipi_icr_write_ps);

	/* A mask that is not every other CPU never takes the shorthand. */
	p.ipi_shorthand = true;
	p.apic_mode = RMPSIM_APIC_CLUSTER;
	c = run_icr(&p, 0x10002ul); /* CPUs 1 and 16: two clusters */
	uint64_t t2 = p.ipi_send_base_ps + 2 * p.ipi_queue_lines * p.c2c_same_l3_ps;
	assert_int_equal(c.start[1], t2 + p.ipi_icr_write_ps + p.ipi_delivery_ps);
	assert_int_equal(c.start[16], t2 + 2 * p.ipi_icr_write_ps + p.ipi_delivery_ps);
}

static void distance_prices_the_queueing_loop(void **state)
{
	(void)state;
	/* covers: A132, A133, A135 (same L3 group, other group, other socket) */
	struct rmpsim_profile p = oracle_profile();
	p.context_switch_ps = 0;
	p.idle_exit_ps = 0;
	/* 8 CPUs: 2 sockets, 1 node each, 2 L3 groups per node: CPUs 0-1, 2-3 | 4-5, 6-7. */
	struct rmpsim_sim_topology t = {
		.ncpus = 8, .threads_per_core = 1, .nodes = 2, .packages = 2, .l3_per_node = 2
	};
	struct rmpsim_sim *s = NULL;
	assert_int_equal(rmpsim_sim_create_bare(NULL, &t, &p, 1, &s), 0);
	struct icr_case c = { .mask = { 0x1 << 1 | 0x1 << 2 | 0x1 << 4 } };
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, icr_sender, &c, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	rmpsim_sim_destroy(s);
	uint64_t queue = p.ipi_queue_lines * (p.c2c_same_l3_ps + p.c2c_other_l3_ps + p.c2c_other_socket_ps);
	uint64_t t_icr = p.ipi_send_base_ps + queue;
	assert_int_equal(c.start[1], t_icr + 1 * p.ipi_icr_write_ps + p.ipi_delivery_ps);
	assert_int_equal(c.start[2], t_icr + 2 * p.ipi_icr_write_ps + p.ipi_delivery_ps);
	assert_int_equal(c.start[4],
			 t_icr + 3 * p.ipi_icr_write_ps + p.ipi_delivery_ps + p.ipi_delivery_remote_ps);
	assert_int_equal(c.t_return, t_icr + 3 * p.ipi_icr_write_ps);
}

/* Stats read while a target leaves C2 (its handler's stretch starts later). */
struct mid_wake {
	struct rmpsim_timer t;
	struct rmpsim_cpu_stats st;
	int read;
};

static void read_mid_wake(struct rmpsim_sim *s, struct rmpsim_timer *t)
{
	struct mid_wake *mw = t->arg;
	mw->read = rmpsim_sim_cpu_stats(s, 1, &mw->st) == 0;
}

static void stats_during_an_idle_exit_are_sane(void **state)
{
	(void)state;
	/* covers: A136 */
	struct rmpsim_profile p = oracle_profile();
	p.context_switch_ps = 0;
	struct rmpsim_sim *s = bare_sim(2, &p, 1);
	struct round r = { .charge = RMPSIM_NS(100), .flags = RMPSIM_IPI_WAIT };
	mask_set(r.mask, 1);
	uint64_t recv = oracle_recv_ps(&p, 0, 1, 1);
	uint64_t wake = oracle_idle_exit(&p, recv);
	assert_true(wake > 0);
	struct mid_wake mw = { 0 };
	rmpsim_timer_init(&mw.t, read_mid_wake, &mw);
	assert_int_equal(rmpsim_sim_timer_add(s, &mw.t, recv + wake / 2), 0);
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, sender, &r, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_true(mw.read);
	/* Mid-exit, the CPU is not busy yet and no interrupts-off stretch has begun. */
	assert_int_equal(mw.st.busy_ps, 0);
	assert_int_equal(mw.st.irqoff_max_ps, 0);
	rmpsim_sim_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(icr_writes_follow_the_apic_mode),
		cmocka_unit_test(stats_during_an_idle_exit_are_sane),
		cmocka_unit_test(distance_prices_the_queueing_loop),
		cmocka_unit_test(one_round_to_m_targets_matches_hand_formula),
		cmocka_unit_test(no_wait_returns_after_sending),
		cmocka_unit_test(ipi_preempts_a_computing_process),
		cmocka_unit_test(irqs_off_defer_the_handler),
		cmocka_unit_test(sleeping_in_a_handler_is_a_bug),
		cmocka_unit_test(might_sleep_with_preemption_off),
		cmocka_unit_test(local_also_runs_on_the_caller),
		cmocka_unit_test(ipi_from_handler_is_refused),
		cmocka_unit_test(enomem_sends_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
