/* SPDX-License-Identifier: MIT */
/*
 * Timing oracles at the sim level: a leader pass over N regions by one
 * process, and followers scanning at once through the shared RMP home queue.
 * Expected values are computed by hand from the profile's parameters
 * (docs/timing.md), with an independent cycles -> ps conversion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/machine.h>
#include <rmpsim/sim.h>

#include "sim_test_util.h"

struct pass {
	unsigned n;	/* regions */
	unsigned kind;	/* what every RMPOPT did */
	unsigned slots; /* slots read */
	uint64_t start, end;
};

static void leader(struct rmpsim_sim *s, void *arg)
{
	struct pass *ps = arg;
	ps->start = rmpsim_sim_now(s);
	rmpsim_sim_migrate_disable(s);
	for (unsigned i = 0; i < ps->n; i++) {
		rmpsim_sim_charge_rmpopt_raw(s, ps->kind, ps->slots, 0);
		rmpsim_sim_yield(s); /* cond_resched() */
	}
	rmpsim_sim_migrate_enable(s);
	ps->end = rmpsim_sim_now(s);
}

static uint64_t run_leader(const struct rmpsim_profile *p, struct pass *ps, struct rmpsim_cpu_stats *st)
{
	struct rmpsim_sim *s = bare_sim(4, p, 9);
	struct rmpsim_proc_attr a = { .name = "kworker/u8:1", .cpu = 2 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, leader, ps, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_int_equal(rmpsim_sim_cpu_stats(s, 2, st), 0);
	rmpsim_sim_destroy(s);
	return ps->end - ps->start;
}

static void leader_pass_over_n_regions(void **state)
{
	(void)state;
	/* covers: A61, A62, A63 */
	const struct rmpsim_profile *p = rmpsim_profile_default();
	struct rmpsim_cpu_stats st;
	unsigned n = 2048; /* a 2 TiB window */

	/* Empty RMP: every region a full scan of 512 slots. One scanner alone
	 * never waits at the RMP home (its service 512 * 0.436 cycles is shorter
	 * than its own 512 * 6.5), so each costs fixed + 512 * slot. */
	struct pass ps = { .n = n, .kind = RMPSIM_RMPOPT_SCANNED, .slots = 512 };
	uint64_t per = oracle_ps(p, p->rmpopt_fixed_mcyc) + oracle_ps(p, 512 * p->rmpopt_slot_mcyc);
	assert_int_equal(run_leader(p, &ps, &st), n * per + n * p->cond_resched_ps);
	assert_int_equal(st.rmpopt[RMPSIM_RMPOPT_SCANNED], n);
	assert_int_equal(st.rmpopt_ps, n * per);
	/* By hand at 2.25 GHz: 53.5 cycles = 23.778 ns -> 23778 ps, 3328 cycles =
	 * 1479.111 ns -> 1479111 ps; 2048 * (1502889 + 20000) ps = 3.1189 ms. */
	assert_int_equal(per, 23778 + 1479111);
	assert_int_equal(n * per + n * p->cond_resched_ps, 3118876672ull);

	/* Worst case: the last 4K page of every GB private: exit at slot 511
	 * reads all 512 slots, so it costs as much as a full scan. */
	struct pass worst = { .n = n, .kind = RMPSIM_RMPOPT_EARLY_EXIT, .slots = 512 };
	assert_int_equal(run_leader(p, &worst, &st), n * per + n * p->cond_resched_ps);
	assert_int_equal(st.rmpopt[RMPSIM_RMPOPT_EARLY_EXIT], n);

	/* Full of private memory: exit at slot 0, 60 cycles each. */
	struct pass full = { .n = n, .kind = RMPSIM_RMPOPT_EARLY_EXIT, .slots = 1 };
	uint64_t per0 = oracle_ps(p, p->rmpopt_fixed_mcyc) + oracle_ps(p, p->rmpopt_slot_mcyc);
	assert_int_equal(run_leader(p, &full, &st), n * per0 + n * p->cond_resched_ps);

	/* Cached results (a second pass with the cache warm). */
	struct pass cached = { .n = n, .kind = RMPSIM_RMPOPT_CACHE_HIT, .slots = 0 };
	assert_int_equal(run_leader(p, &cached, &st),
			 n * oracle_ps(p, p->rmpopt_cached_mcyc) + n * p->cond_resched_ps);
	assert_int_equal(st.rmpopt[RMPSIM_RMPOPT_CACHE_HIT], n);
	/* The leader never had interrupts off. */
	assert_int_equal(st.irqoff_max_ps, 0);
}

struct burst {
	unsigned long mask[16];
	uint64_t t_call, t_return;
};

static void scan_handler(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	(void)cpu;
	(void)arg;
	rmpsim_sim_charge_rmpopt_raw(s, RMPSIM_RMPOPT_SCANNED, 512, 0);
}

static void burst_sender(struct rmpsim_sim *s, void *arg)
{
	struct burst *b = arg;
	b->t_call = rmpsim_sim_now(s);
	assert_int_equal(rmpsim_sim_ipi_many(s, b->mask, scan_handler, b, RMPSIM_IPI_WAIT), 0);
	b->t_return = rmpsim_sim_now(s);
}

static void simultaneous_scanners_queue_at_the_rmp_home(void **state)
{
	(void)state;
	/* covers: A62 */
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.ipi_send_per_target_ps = 0; /* every target starts its scan at the same instant */
	unsigned ncpus = 1024, m = ncpus - 1;
	struct rmpsim_sim *s = bare_sim(ncpus, &p, 1);
	struct burst b = { 0 };
	for (unsigned c = 1; c < ncpus; c++)
		mask_set(b.mask, c);
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, burst_sender, &b, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);

	/* The k-th scanner (k = 1.. in CPU order) waits for k - 1 services at
	 * the home: fixed + max(alone, k * service). */
	uint64_t fixed = oracle_ps(&p, p.rmpopt_fixed_mcyc);
	uint64_t alone = oracle_ps(&p, 512 * p.rmpopt_slot_mcyc);
	uint64_t work = oracle_ps(&p, 512 * p.rmpopt_slot_service_mcyc);
	uint64_t sum = 0, longest = 0;
	for (unsigned k = 1; k <= m; k++) {
		struct rmpsim_cpu_stats st;
		assert_int_equal(rmpsim_sim_cpu_stats(s, k, &st), 0);
		uint64_t want = fixed + (alone > k * work ? alone : k * work);
		assert_int_equal(st.rmpopt_ps, want);
		assert_int_equal(st.handler_ps, p.ipi_handler_overhead_ps + want);
		sum += st.rmpopt_ps;
		longest = want > longest ? want : longest;
	}
	/* The sender waits for the slowest follower. */
	uint64_t t_recv = b.t_call + p.ipi_send_base_ps + p.ipi_delivery_ps;
	assert_int_equal(b.t_return, t_recv + p.ipi_handler_overhead_ps + longest + p.ipi_ack_ps +
					     (uint64_t)m * p.ipi_ack_poll_per_target_ps);
	/* Calibration check (spec 1.12 C): the average is 114,372 cycles within 1 %. */
	uint64_t mean_cycles = sum / m * p.freq_khz / 1000000000ull;
	assert_true(mean_cycles > 113228 && mean_cycles < 115516);
	rmpsim_sim_destroy(s);

	/* With contention off, everybody pays the serial cost. */
	p.rmpopt_contention = false;
	s = bare_sim(ncpus, &p, 1);
	assert_int_equal(rmpsim_sim_spawn(s, &a, burst_sender, &b, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(s, 1000, &st), 0);
	assert_int_equal(st.rmpopt_ps, oracle_ps(&p, p.rmpopt_fixed_mcyc + 512 * p.rmpopt_slot_mcyc));
	rmpsim_sim_destroy(s);
}

static void domain_handler(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	const bool *split = arg;
	rmpsim_sim_charge_rmpopt_raw(s, RMPSIM_RMPOPT_SCANNED, 512, *split ? cpu % 2 : 0);
}

struct dom {
	bool split;
};

static void domain_sender(struct rmpsim_sim *s, void *arg)
{
	unsigned long m[1] = { 0x6 }; /* CPUs 1 and 2 */
	assert_int_equal(rmpsim_sim_ipi_many(s, m, domain_handler, arg, RMPSIM_IPI_WAIT), 0);
}

static void domains_do_not_share_a_queue(void **state)
{
	(void)state;
	/* covers: A62 (one queue per node holding the RMP segment) */
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.rmpopt_slot_mcyc = 0;	      /* the home queue is the only slot cost */
	p.ipi_send_per_target_ps = 0; /* both scans start together */
	uint64_t fixed = oracle_ps(&p, p.rmpopt_fixed_mcyc),
		 work = oracle_ps(&p, 512 * p.rmpopt_slot_service_mcyc);
	for (int split = 0; split < 2; split++) {
		struct rmpsim_sim_topology t = { .ncpus = 4, .threads_per_core = 1, .nodes = 2 };
		struct rmpsim_sim *s = NULL;
		bool sp = split;
		assert_int_equal(rmpsim_sim_create_bare(NULL, &t, &p, 1, &s), 0);
		struct rmpsim_proc_attr a = { .cpu = 0 };
		assert_int_equal(rmpsim_sim_spawn(s, &a, domain_sender, &sp, NULL), 0);
		assert_int_equal(rmpsim_sim_run(s), 0);
		struct rmpsim_cpu_stats s1, s2;
		assert_int_equal(rmpsim_sim_cpu_stats(s, 1, &s1), 0);
		assert_int_equal(rmpsim_sim_cpu_stats(s, 2, &s2), 0);
		assert_int_equal(s1.rmpopt_ps, fixed + work);
		assert_int_equal(s2.rmpopt_ps, fixed + (split ? 1 : 2) * work);
		rmpsim_sim_destroy(s);
	}
}

static void rmpupdate_body(struct rmpsim_sim *s, void *arg)
{
	uint64_t *t = arg;
	t[0] = rmpsim_sim_now(s);
	rmpsim_sim_compute_mcyc(s, rmpsim_sim_profile(s)->rmpupdate_mcyc);
	t[1] = rmpsim_sim_now(s);
	rmpsim_sim_compute_mcyc(s, rmpsim_sim_profile(s)->psmash_mcyc);
	t[2] = rmpsim_sim_now(s);
}

static void rmpupdate_and_psmash_are_charged_in_cycles(void **state)
{
	(void)state;
	/* covers: A65 (kshim charges these per instruction with compute_mcyc) */
	const struct rmpsim_profile *p = rmpsim_profile_default();
	struct rmpsim_sim *s = bare_sim(1, p, 1);
	uint64_t t[3];
	assert_int_equal(rmpsim_sim_spawn(s, NULL, rmpupdate_body, t, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	/* 1,500 cycles at 2.25 GHz = 666.667 ns; 3,000 cycles = 1333.333 ns. */
	assert_int_equal(t[1] - t[0], 666667);
	assert_int_equal(t[2] - t[1], 1333333);
	rmpsim_sim_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leader_pass_over_n_regions),
		cmocka_unit_test(simultaneous_scanners_queue_at_the_rmp_home),
		cmocka_unit_test(domains_do_not_share_a_queue),
		cmocka_unit_test(rmpupdate_and_psmash_are_charged_in_cycles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
