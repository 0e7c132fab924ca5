/* SPDX-License-Identifier: MIT */
/*
 * Timing oracles for the RMPOPT memory engine (docs/timing.md section 4):
 * cold and warm scans, early exits, 4 KB-entry scans, L3 capacity, remote
 * DRAM, simultaneous scanners at the RMP home's bandwidth, and the result
 * cache with its scope and in-flight rule. Expected values are computed by
 * hand from the profile's parameters, with an independent cycles -> ps
 * conversion.
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

/* ceil(n / misses_in_flight) * line: the latency-bound read of n lines. */
static uint64_t lat(const struct rmpsim_profile *p, uint64_t n, uint64_t line)
{
	return (n + p->misses_in_flight - 1) / p->misses_in_flight * line;
}

static uint64_t service(const struct rmpsim_profile *p)
{
	return (64000000ull + p->node_bw_mbps - 1) / p->node_bw_mbps;
}

struct seq {
	unsigned n;		    /* verifies */
	struct rmpsim_verify v[16]; /* what each one finds */
	struct rmpsim_verify_cost c[16];
	uint64_t t[16]; /* when each started */
	uint64_t gap;	/* compute between verifies */
};

static void verifier(struct rmpsim_sim *s, void *arg)
{
	struct seq *q = arg;
	for (unsigned i = 0; i < q->n; i++) {
		q->t[i] = rmpsim_sim_now(s);
		rmpsim_sim_charge_verify(s, &q->v[i], &q->c[i]);
		rmpsim_sim_compute(s, q->gap);
	}
}

static void run_seq(const struct rmpsim_profile *p, const struct rmpsim_sim_topology *t, unsigned cpu,
		    struct seq *q)
{
	struct rmpsim_sim *s = NULL;
	assert_int_equal(rmpsim_sim_create_bare(NULL, t, p, 1, &s), 0);
	struct rmpsim_proc_attr a = { .name = "kworker", .cpu = cpu };
	assert_int_equal(rmpsim_sim_spawn(s, &a, verifier, q, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	rmpsim_sim_destroy(s);
}

static const struct rmpsim_sim_topology one_node = { .ncpus = 4, .threads_per_core = 1, .nodes = 1 };

static void cold_then_warm_scans(void **state)
{
	(void)state;
	/* covers: A61, A120, A121, A123, A124 */
	const struct rmpsim_profile *p = rmpsim_profile_default();
	struct seq q = { .n = 4 };
	for (unsigned i = 0; i < 4; i++)
		q.v[i] =
			(struct rmpsim_verify){ .region = i % 2, .gen = 7, .first_busy = -1, .home_node = 0 };
	run_seq(p, &one_node, 1, &q);
	uint64_t fixed = oracle_ps(p, p->rmpopt_fixed_mcyc);
	/* First read of each region: 512 lines from local DRAM, one scanner (its
	 * 512 * service at the home is far below the latency-bound time). */
	uint64_t cold = fixed + lat(p, 512, p->dram_local_ps);
	assert_true(512 * service(p) < lat(p, 512, p->dram_local_ps));
	uint64_t warm = fixed + lat(p, 512, p->l3_line_ps);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(q.c[i].kind, RMPSIM_RMPOPT_SCANNED);
		assert_int_equal(q.c[i].lines, 512);
		assert_int_equal(q.c[i].ps, i < 2 ? cold : warm);
		assert_int_equal(q.c[i].dram_lines, i < 2 ? 512 : 0);
	}
	/* A content change (new generation) makes the lines stale. */
	q = (struct seq){ .n = 2 };
	q.v[0] = (struct rmpsim_verify){ .region = 3, .gen = 1, .first_busy = -1 };
	q.v[1] = (struct rmpsim_verify){ .region = 3, .gen = 2, .first_busy = -1 };
	run_seq(p, &one_node, 1, &q);
	assert_int_equal(q.c[1].ps, cold);
}

static void early_exit_reads_up_to_the_busy_entry(void **state)
{
	(void)state;
	/* covers: A120 */
	struct rmpsim_profile p = *rmpsim_profile_default();
	uint64_t fixed = oracle_ps(&p, p.rmpopt_fixed_mcyc);
	struct seq q = { .n = 3 };
	q.v[0] = (struct rmpsim_verify){ .region = 0, .first_busy = 0 };
	q.v[1] = (struct rmpsim_verify){ .region = 1, .first_busy = 511 };
	/* A later full scan of region 0: its first line is warm, 511 are not. */
	q.v[2] = (struct rmpsim_verify){ .region = 0, .first_busy = -1 };
	run_seq(&p, &one_node, 0, &q);
	assert_int_equal(q.c[0].kind, RMPSIM_RMPOPT_EARLY_EXIT);
	assert_int_equal(q.c[0].lines, 1);
	assert_int_equal(q.c[0].ps, fixed + p.dram_local_ps);
	assert_int_equal(q.c[1].lines, 512);
	assert_int_equal(q.c[1].ps, fixed + lat(&p, 512, p.dram_local_ps));
	assert_int_equal(q.c[2].dram_lines, 511);
	assert_int_equal(q.c[2].ps, fixed + lat(&p, 1, p.l3_line_ps) + lat(&p, 511, p.dram_local_ps));

	/* 4 KB entries: four to a line; a free GB is 65,536 lines. */
	p.rmpopt_scan = RMPSIM_SCAN_4K;
	q = (struct seq){ .n = 2 };
	q.v[0] = (struct rmpsim_verify){ .region = 0, .first_busy = 262143 };
	q.v[1] = (struct rmpsim_verify){ .region = 1, .first_busy = 5 };
	run_seq(&p, &one_node, 0, &q);
	assert_int_equal(q.c[0].lines, 65536);
	assert_int_equal(q.c[1].lines, 2);
	assert_int_equal(q.c[1].ps, fixed + lat(&p, 2, p.dram_local_ps));
}

static void l3_capacity_evicts_the_oldest_region(void **state)
{
	(void)state;
	/* covers: A124 */
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.l3_bytes = 2 * 512 * 64; /* room for two regions' lines */
	struct seq q = { .n = 5 };
	unsigned order[5] = { 0, 1, 0, 2, 1 }; /* 0 refreshed; 2 then pushes out 1 */
	for (unsigned i = 0; i < 5; i++)
		q.v[i] = (struct rmpsim_verify){ .region = order[i], .first_busy = -1 };
	run_seq(&p, &one_node, 0, &q);
	assert_int_equal(q.c[0].dram_lines, 512);
	assert_int_equal(q.c[1].dram_lines, 512);
	assert_int_equal(q.c[2].dram_lines, 0); /* warm */
	assert_int_equal(q.c[3].dram_lines, 512);
	assert_int_equal(q.c[4].dram_lines, 512); /* evicted by region 2 */
}

static void remote_home_costs_remote_dram(void **state)
{
	(void)state;
	/* covers: A121 */
	const struct rmpsim_profile *p = rmpsim_profile_default();
	struct rmpsim_sim_topology t = { .ncpus = 4, .threads_per_core = 1, .nodes = 2, .packages = 2 };
	struct seq q = { .n = 2 };
	q.v[0] = (struct rmpsim_verify){ .region = 0, .first_busy = -1, .home_node = 1 };
	q.v[1] = (struct rmpsim_verify){ .region = 1, .first_busy = -1, .home_node = 0 };
	run_seq(p, &t, 0, &q); /* CPU 0: node 0, package 0 */
	uint64_t fixed = oracle_ps(p, p->rmpopt_fixed_mcyc);
	assert_int_equal(q.c[0].ps, fixed + lat(p, 512, p->dram_remote_ps));
	assert_int_equal(q.c[1].ps, fixed + lat(p, 512, p->dram_local_ps));
}

struct burst {
	unsigned long mask[1024 / (8 * sizeof(long))];
	uint64_t t_call, t_return;
	struct rmpsim_verify v;
	uint64_t start[1024];
};

static void scan_handler(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	struct burst *b = arg;
	b->start[cpu] = rmpsim_sim_now(s);
	rmpsim_sim_charge_verify(s, &b->v, NULL);
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
	/* covers: A62, A131 (the all-but-self shorthand reaches every target at once) */
	struct rmpsim_profile p = *rmpsim_profile_default();
	unsigned ncpus = 1024, m = ncpus - 1;
	struct rmpsim_sim *s = bare_sim(ncpus, &p, 1);
	struct burst b = { .v = { .region = 5, .first_busy = -1 } };
	for (unsigned c = 1; c < ncpus; c++)
		mask_set(b.mask, c);
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, burst_sender, &b, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);

	/* Every target received at the same instant, left C1, and the k-th (CPU
	 * order) finds k - 1 scans' DRAM lines ahead of it at the home:
	 * fixed + max(latency-bound, k * 512 * service). */
	uint64_t fixed = oracle_ps(&p, p.rmpopt_fixed_mcyc);
	uint64_t alone = lat(&p, 512, p.dram_local_ps), work = 512 * service(&p);
	uint64_t sum = 0;
	for (unsigned k = 1; k <= m; k++) {
		assert_int_equal(b.start[k], b.start[1]);
		struct rmpsim_cpu_stats st;
		assert_int_equal(rmpsim_sim_cpu_stats(s, k, &st), 0);
		uint64_t want = fixed + (alone > k * work ? alone : k * work);
		assert_int_equal(st.rmpopt_ps, want);
		assert_int_equal(st.rmpopt_dram_lines, 512);
		sum += st.rmpopt_ps;
	}
	/*
	 * The self-check of spec 1.12 C (perf2-parallel, A62): the published mean
	 * with all CPUs verifying at once is 114,372 cycles. The model lands
	 * within 10 %: the bandwidth is a platform figure (8 DDR5-6400 channels,
	 * 75 % achievable), not fitted, so only the order is claimed.
	 */
	uint64_t mean_cycles = sum / m * p.freq_khz / 1000000000ull;
	print_message("1,023 simultaneous cold scans: mean %llu cycles (spec 1.12 C parallel: 114,372)\n",
		      (unsigned long long)mean_cycles);
	assert_true(mean_cycles > 102935 && mean_cycles < 125809);
	rmpsim_sim_destroy(s);

	/* With contention off, everybody pays the latency-bound cost. */
	p.rmpopt_contention = false;
	s = bare_sim(ncpus, &p, 1);
	assert_int_equal(rmpsim_sim_spawn(s, &a, burst_sender, &b, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(s, 1000, &st), 0);
	assert_int_equal(st.rmpopt_ps, fixed + alone);
	rmpsim_sim_destroy(s);
}

/* Two CPUs of one L3 group verify one region; the second starts `gap` after the first. */
struct pair {
	uint64_t gap;
	struct rmpsim_verify_cost c[2];
	uint64_t t[2];
};

static void pair_first(struct rmpsim_sim *s, void *arg)
{
	struct pair *pr = arg;
	struct rmpsim_verify v = { .region = 9, .gen = 1, .first_busy = -1 };
	pr->t[0] = rmpsim_sim_now(s);
	rmpsim_sim_charge_verify(s, &v, &pr->c[0]);
}

static void pair_second(struct rmpsim_sim *s, void *arg)
{
	struct pair *pr = arg;
	struct rmpsim_verify v = { .region = 9, .gen = 1, .first_busy = -1 };
	rmpsim_sim_compute(s, pr->gap);
	pr->t[1] = rmpsim_sim_now(s);
	rmpsim_sim_charge_verify(s, &v, &pr->c[1]);
}

static void run_pair(const struct rmpsim_profile *p, struct pair *pr)
{
	struct rmpsim_sim *s = bare_sim(4, p, 1);
	struct rmpsim_proc_attr a0 = { .cpu = 0 }, a1 = { .cpu = 1 };
	assert_int_equal(rmpsim_sim_spawn(s, &a0, pair_first, pr, NULL), 0);
	assert_int_equal(rmpsim_sim_spawn(s, &a1, pair_second, pr, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	rmpsim_sim_destroy(s);
}

static void a_result_exists_only_once_its_scan_completes(void **state)
{
	(void)state;
	/* covers: A45, A122 */
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.context_switch_ps = 0;
	p.rmpopt_cache_scope = RMPSIM_SCOPE_L3;
	uint64_t fixed = oracle_ps(&p, p.rmpopt_fixed_mcyc);
	uint64_t scan = fixed + lat(&p, 512, p.dram_local_ps);
	uint64_t cached = oracle_ps(&p, p.rmpopt_cached_mcyc);

	/* After the first scan completes: a cached result. */
	struct pair pr = { .gap = scan };
	run_pair(&p, &pr);
	assert_int_equal(pr.c[0].ps, scan);
	assert_int_equal(pr.c[1].kind, RMPSIM_RMPOPT_CACHE_HIT);
	assert_int_equal(pr.c[1].ps, cached);
	assert_int_equal(pr.c[1].lines, 0);

	/* While it is in flight: no result yet. This assertion fails if a result
	 * became visible when its scan started. The second scans itself, cold
	 * (the lines are not in the group until the first read completes), behind
	 * the first's DRAM reads at the home. */
	pr = (struct pair){ .gap = scan / 2 };
	run_pair(&p, &pr);
	assert_int_not_equal(pr.c[1].kind, RMPSIM_RMPOPT_CACHE_HIT);
	assert_int_equal(pr.c[1].dram_lines, 512);
	assert_true(pr.c[1].ps >= lat(&p, 512, p.dram_local_ps));

	/* The "wait" reading: it waits for the first scan's result. */
	p.rmpopt_inflight = RMPSIM_INFLIGHT_WAIT;
	pr = (struct pair){ .gap = scan / 2 };
	run_pair(&p, &pr);
	assert_int_equal(pr.c[1].kind, RMPSIM_RMPOPT_CACHE_HIT);
	assert_int_equal(pr.c[1].ps, pr.t[0] + scan - pr.t[1] + cached);

	/* A free cached result (cached_cycles = 0) is still a cached result. */
	p.rmpopt_inflight = RMPSIM_INFLIGHT_SCAN;
	p.rmpopt_cached_mcyc = 0;
	pr = (struct pair){ .gap = scan };
	run_pair(&p, &pr);
	assert_int_equal(pr.c[1].kind, RMPSIM_RMPOPT_CACHE_HIT);
	assert_int_equal(pr.c[1].ps, 0);
	assert_int_equal(pr.c[1].lines, 0);

	/* Scope none: never a cached result, even long after. */
	p.rmpopt_cache_scope = RMPSIM_SCOPE_NONE;
	pr = (struct pair){ .gap = 10 * scan };
	run_pair(&p, &pr);
	assert_int_equal(pr.c[1].kind, RMPSIM_RMPOPT_SCANNED);
	assert_int_equal(pr.c[1].ps, fixed + lat(&p, 512, p.l3_line_ps)); /* but warm lines */
}

static void scope_decides_who_sees_a_result(void **state)
{
	(void)state;
	/* covers: A45 (l3, socket, global) */
	struct rmpsim_sim_topology t = {
		.ncpus = 8, .threads_per_core = 1, .nodes = 2, .packages = 2, .l3_per_node = 2
	};
	/* CPUs 0,1: L3 0; 2,3: L3 1 (socket 0); 4-7: socket 1. CPU 0 scans first. */
	unsigned expect_hit[4][8] = {
		[RMPSIM_SCOPE_NONE] = { 0 },
		[RMPSIM_SCOPE_L3] = { 0, 1, 0, 0, 0, 0, 0, 0 },
		[RMPSIM_SCOPE_SOCKET] = { 0, 1, 1, 1, 0, 0, 0, 0 },
		[RMPSIM_SCOPE_GLOBAL] = { 0, 1, 1, 1, 1, 1, 1, 1 },
	};
	for (unsigned scope = 0; scope < 4; scope++) {
		for (unsigned cpu = 1; cpu < 8; cpu++) {
			struct rmpsim_profile p = *rmpsim_profile_default();
			p.rmpopt_cache_scope = scope;
			struct rmpsim_sim *s = NULL;
			assert_int_equal(rmpsim_sim_create_bare(NULL, &t, &p, 1, &s), 0);
			struct pair pr = { .gap = RMPSIM_MS(1) };
			struct rmpsim_proc_attr a0 = { .cpu = 0 }, a1 = { .cpu = cpu };
			assert_int_equal(rmpsim_sim_spawn(s, &a0, pair_first, &pr, NULL), 0);
			assert_int_equal(rmpsim_sim_spawn(s, &a1, pair_second, &pr, NULL), 0);
			assert_int_equal(rmpsim_sim_run(s), 0);
			assert_int_equal(pr.c[1].kind == RMPSIM_RMPOPT_CACHE_HIT, expect_hit[scope][cpu]);
			rmpsim_sim_destroy(s);
		}
	}
}

static void rmpupdate_body(struct rmpsim_sim *s, void *arg)
{
	uint64_t *t = arg;
	t[0] = rmpsim_sim_now(s);
	rmpsim_sim_charge_insn(s, RMPSIM_INSN_RMPUPDATE, 1); /* the instruction-cost table */
	t[1] = rmpsim_sim_now(s);
	rmpsim_sim_charge_insn(s, RMPSIM_INSN_PSMASH, 1);
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
	assert_int_equal(t[1] - t[0], oracle_ps(p, p->rmpupdate_mcyc));
	assert_int_equal(t[2] - t[1], oracle_ps(p, p->psmash_mcyc));
	rmpsim_sim_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cold_then_warm_scans),
		cmocka_unit_test(early_exit_reads_up_to_the_busy_entry),
		cmocka_unit_test(l3_capacity_evicts_the_oldest_region),
		cmocka_unit_test(remote_home_costs_remote_dram),
		cmocka_unit_test(simultaneous_scanners_queue_at_the_rmp_home),
		cmocka_unit_test(a_result_exists_only_once_its_scan_completes),
		cmocka_unit_test(scope_decides_who_sees_a_result),
		cmocka_unit_test(rmpupdate_and_psmash_are_charged_in_cycles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
