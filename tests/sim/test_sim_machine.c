/* SPDX-License-Identifier: MIT */
/*
 * The sim over a real machine: topology from the machine, RMPOPT results from
 * rmpsim_machine_rmpopt charged by kind, the contention domain from the SPA's
 * node, and faults priced as status reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/machine.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>

#include "base/rng.h"
#include "machine_helpers.h"
#include "range_steps.h"
#include "sim_test_util.h"

struct ctx {
	struct rmpsim_machine *m;
	uint64_t spa;
	struct rmpsim_insn_out leader[2], follower[8];
};

static void follow(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	struct ctx *c = arg;
	assert_int_equal(rmpsim_machine_rmpopt(c->m, cpu, c->spa, RMPSIM_RMPOPT_FN_VERIFY, &c->follower[cpu]),
			 0);
	rmpsim_sim_charge_rmpopt(s, &c->follower[cpu], c->spa);
}

static void lead(struct rmpsim_sim *s, void *arg)
{
	struct ctx *c = arg;
	unsigned cpu = rmpsim_sim_cpu(s);
	/* 8 GiB: node 1 RAM, nothing assigned -> full scan. */
	assert_int_equal(rmpsim_machine_rmpopt(c->m, cpu, c->spa, RMPSIM_RMPOPT_FN_VERIFY, &c->leader[0]), 0);
	rmpsim_sim_charge_rmpopt(s, &c->leader[0], c->spa);
	/* Function 1 on the same region: a status read. */
	assert_int_equal(rmpsim_machine_rmpopt(c->m, cpu, c->spa, RMPSIM_RMPOPT_FN_REPORT, &c->leader[1]), 0);
	rmpsim_sim_charge_rmpopt(s, &c->leader[1], c->spa);
	/* Followers: the other primary threads (CPUs 1-3). */
	unsigned long mask[1] = { 0xe };
	assert_int_equal(rmpsim_sim_ipi_many(s, mask, follow, c, RMPSIM_IPI_WAIT), 0);
}

static void pass_over_a_real_machine(void **state)
{
	(void)state;
	/* covers: A61, A63, A64 with machine results */
	struct rmpsim_machine *m = small_machine(NULL);
	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, true), 0);
	const struct rmpsim_profile *p = rmpsim_profile_default();
	struct rmpsim_sim *s = NULL;
	assert_int_equal(rmpsim_sim_create(NULL, NULL, p, 1, &s), -EINVAL);
	assert_int_equal(rmpsim_sim_create(NULL, m, p, 1, &s), 0);
	assert_ptr_equal(rmpsim_sim_machine(s), m);
	/* Topology from the machine: 8 CPUs, 4 cores, CPUs 4-7 are siblings. */
	assert_int_equal(rmpsim_sim_ncpus(s), 8);
	assert_int_equal(rmpsim_sim_cpu_core(s, 6), 2);
	assert_false(rmpsim_sim_cpu_is_primary(s, 6));
	assert_int_equal(rmpsim_sim_cpu_node(s, 3), 1);

	struct ctx c = { .m = m, .spa = 8 * GIB };
	struct rmpsim_proc_attr a = { .name = "leader", .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, lead, &c, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);

	assert_int_equal(c.leader[0].rmpopt.kind, RMPSIM_RMPOPT_SCANNED);
	assert_int_equal(c.leader[0].rmpopt.slots_scanned, 512);
	assert_int_equal(c.leader[1].rmpopt.kind, RMPSIM_RMPOPT_REPORT);
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(s, 0, &st), 0);
	assert_int_equal(st.rmpopt[RMPSIM_RMPOPT_SCANNED], 1);
	assert_int_equal(st.rmpopt[RMPSIM_RMPOPT_REPORT], 1);
	/* The lines come from the node holding the region's RMP (A121). */
	int home = rmpsim_machine_rmp_home_node(m, c.spa);
	assert_true(home >= 0);
	const struct rmpsim_topology *t = rmpsim_machine_topology(m);
	bool local0 = rmpsim_topology_node_package(t, (unsigned)home) == rmpsim_topology_cpu_package(t, 0);
	uint64_t fixed = oracle_ps(p, p->rmpopt_fixed_mcyc);
	uint64_t rounds = (512 + p->misses_in_flight - 1) / p->misses_in_flight;
	uint64_t cold = rounds * (local0 ? p->dram_local_ps : p->dram_remote_ps);
	assert_int_equal(st.rmpopt_ps, fixed + cold + oracle_ps(p, p->rmpopt_report_mcyc));
	assert_int_equal(st.rmpopt_lines, 512);
	assert_int_equal(st.rmpopt_dram_lines, 512);
	for (unsigned cpu = 1; cpu <= 3; cpu++) {
		/* The machine's functional cache answered (machine A45), but the
		 * timing model (scope none by default) has every follower read the
		 * lines: warm in the leader's L3 group, else from DRAM. */
		assert_int_equal(c.follower[cpu].rmpopt.kind, RMPSIM_RMPOPT_CACHE_HIT);
		assert_int_equal(rmpsim_sim_cpu_stats(s, cpu, &st), 0);
		assert_int_equal(st.rmpopt[RMPSIM_RMPOPT_SCANNED], 1);
		bool same_l3 = rmpsim_topology_cpu_l3(t, cpu) == rmpsim_topology_cpu_l3(t, 0);
		bool local = rmpsim_topology_node_package(t, (unsigned)home) ==
			     rmpsim_topology_cpu_package(t, cpu);
		uint64_t lines = same_l3 ? rounds * p->l3_line_ps
					 : rounds * (local ? p->dram_local_ps : p->dram_remote_ps);
		assert_true(st.rmpopt_ps >= fixed + lines); /* DRAM lines may also queue at the home */
		assert_int_equal(st.rmpopt_dram_lines, same_l3 ? 0 : 512);
		if (same_l3)
			assert_int_equal(st.rmpopt_ps, fixed + lines);
	}
	rmpsim_sim_destroy(s);
	rmpsim_machine_destroy(m);
}

static void ud(struct rmpsim_sim *s, void *arg)
{
	struct ctx *c = arg;
	assert_int_equal(rmpsim_machine_rmpopt(c->m, 0, c->spa, RMPSIM_RMPOPT_FN_VERIFY, &c->leader[0]), 0);
	rmpsim_sim_charge_rmpopt(s, &c->leader[0], c->spa);
}

static void faulting_rmpopt_costs_a_status_read(void **state)
{
	(void)state;
	/* covers: A64 */
	struct rmpsim_machine *m = small_machine(NULL);
	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, false), 0); /* RMPOPT_EN never set: #UD */
	const struct rmpsim_profile *p = rmpsim_profile_default();
	struct rmpsim_sim *s = NULL;
	assert_int_equal(rmpsim_sim_create(NULL, m, p, 1, &s), 0);
	struct ctx c = { .m = m, .spa = 8 * GIB };
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, ud, &c, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	assert_int_equal(c.leader[0].fault, RMPSIM_FAULT_UD);
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(s, 0, &st), 0);
	assert_int_equal(st.rmpopt_ps, oracle_ps(p, p->rmpopt_report_mcyc));
	for (int k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
		assert_int_equal(st.rmpopt[k], 0);
	rmpsim_sim_destroy(s);
	rmpsim_machine_destroy(m);
}

/* Three verifies of one region, its contents changed in between. */
static void verify_change_verify(struct rmpsim_sim *s, void *arg)
{
	struct ctx *c = arg;
	struct rmpsim_cpu_stats st[4];
	uint64_t page = c->spa + 5 * 2 * MIB + 4096; /* in the sixth 2 MB slot */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rmpsim_sim_cpu_stats(s, 0, &st[i]), 0);
		assert_int_equal(
			rmpsim_machine_rmpopt(c->m, 0, c->spa, RMPSIM_RMPOPT_FN_VERIFY, &c->leader[0]), 0);
		rmpsim_sim_charge_rmpopt(s, &c->leader[0], c->spa);
		if (i == 0)
			assert_int_equal(make_private(c->m, 0, page, 0), 0);
		else if (i == 1)
			assert_int_equal(make_shared(c->m, 0, page, 0), 0);
	}
	assert_int_equal(rmpsim_sim_cpu_stats(s, 0, &st[3]), 0);
	/* Free, then an exit at slot 5 (6 lines), then free again: each verify
	 * reads what the region holds at its time, not what an earlier one found. */
	assert_int_equal(st[1].rmpopt_lines - st[0].rmpopt_lines, 512);
	assert_int_equal(st[2].rmpopt_lines - st[1].rmpopt_lines, 6);
	assert_int_equal(st[2].rmpopt[RMPSIM_RMPOPT_EARLY_EXIT] - st[1].rmpopt[RMPSIM_RMPOPT_EARLY_EXIT], 1);
	assert_int_equal(st[3].rmpopt_lines - st[2].rmpopt_lines, 512);
	assert_int_equal(st[3].rmpopt[RMPSIM_RMPOPT_SCANNED], 2);
}

static void verify_inputs_follow_the_region_contents(void **state)
{
	(void)state;
	/* covers: A120 (the sim keeps what the machine said per region and generation) */
	struct rmpsim_machine *m = small_machine(NULL);
	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, true), 0);
	struct rmpsim_sim *s = NULL;
	assert_int_equal(rmpsim_sim_create(NULL, m, rmpsim_profile_default(), 1, &s), 0);
	struct ctx c = { .m = m, .spa = 8 * GIB };
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, verify_change_verify, &c, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	rmpsim_sim_destroy(s);
	rmpsim_machine_destroy(m);
}

/*
 * Ranged runs (issue 14 point 2, docs/timing.md "Ranged runs"): handlers that
 * verify a range of regions with rmpsim_sim_rmpopt_run, after the same random
 * script on CPU 0: calls to random targets, waited for or not (handlers
 * overlap the script's own verifies, so groups hold lines still in flight),
 * the process's own verifies, RMPUPDATEs between them, sleeps; RMP segments of
 * 1 GiB (regions on both homes), random profiles (an L3 of a few regions, a
 * binding home bandwidth, scan granularity, misses in flight, result caches),
 * the machine's scan cache on or off (its run's loop of cached regions, or
 * every verify a scan). The runs of concurrent handlers are charged in time
 * order (A300): their fast way (BY_RUN) against each verify charged as one
 * (BY_RUN_RECORDS: a hook that takes every RMPOPT record); and, with one
 * handler at a time (solo: one target, waited for), against the handlers
 * verifying region by region themselves (BY_LOOP: rmpsim_machine_rmpopt and
 * rmpsim_sim_charge_rmpopt).
 */
enum range_mode { BY_RUN, BY_RUN_RECORDS, BY_LOOP };

struct range_world {
	struct rmpsim_machine *m;
	bool ranged, solo;
	uint64_t seed;
	uint64_t a, n, off; /* the handlers' range: n regions from a, RAX offset off */
	uint64_t marks;	    /* the RMPOPT window and rises read after each step, folded */
};

static void verify_range(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	struct range_world *w = arg;
	uint64_t spa = w->a * GIB + w->off;
	if (w->ranged) {
		assert_int_equal(rmpsim_sim_rmpopt_run(s, spa, w->n), 0);
		return;
	}
	for (uint64_t i = 0; i < w->n; i++) {
		struct rmpsim_insn_out r;
		assert_int_equal(rmpsim_machine_rmpopt(w->m, cpu, spa + i * GIB, RMPSIM_RMPOPT_FN_VERIFY, &r),
				 0);
		rmpsim_sim_charge_rmpopt(s, &r, spa + i * GIB);
	}
}

static void range_script(struct rmpsim_sim *s, void *arg)
{
	struct range_world *w = arg;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, w->seed);
	for (int step = 0; step < 40; step++) {
		unsigned op = (unsigned)rmpsim__rng_below(&rng, 10);
		if (op < 5) { /* a call to random targets */
			struct range_call c;
			range_draw_call(&rng, w->solo, &c);
			w->a = c.a;
			w->n = c.n;
			w->off = c.off;
			assert_int_equal(
				rmpsim_sim_ipi_many(s, c.mask, verify_range, w, c.wait ? RMPSIM_IPI_WAIT : 0),
				0);
			if (!c.wait) /* the handlers' range must stay until they ran */
				rmpsim_sim_sleep(s, 2000000000ull);
		} else if (op < 7) { /* the process's own verifies */
			range_step_own_verify(s, w->m, &rng);
		} else if (op < 9) { /* a page changes: the region's generation moves */
			range_step_page_change(w->m, &rng);
		} else {
			rmpsim_sim_sleep(s, rmpsim__rng_below(&rng, 40000000));
		}
		/* The window and rises since the last step (as a report reads them at its marks). */
		w->marks = range_fold_window(s, w->marks, NULL);
	}
}

struct range_snap {
	uint64_t now, hash, marks, win_lo, win_hi;
	size_t nrises;
	struct rmpsim_rise rises[RMPSIM_RISES_MAX];
	struct rmpsim_cpu_stats st[8];
	struct rmpsim_cpu_counters cnt[8];
	bool opt[4][16];
};

static void count_rmpopt_records(void *ctx, const struct rmpsim_trace_rec *rec)
{
	*(uint64_t *)ctx += rec->kind == RMPSIM_TRACE_RMPOPT;
}

static void range_world_run(const struct rmpsim_profile *prof, uint64_t seed, enum range_mode mode, bool solo,
			    enum rmpsim_rmpopt_cache cache, struct range_snap *sn)
{
	struct rmpsim_machine_config cfg;
	rmpsim_machine_config_default(&cfg);
	cfg.segment_shift = 30; /* a segment per GiB: the regions' RMP lines on both nodes */
	cfg.cache = cache;	/* NEVER: every verify of a run scans (the machine's general loop) */
	struct rmpsim_machine *m = small_machine(&cfg);
	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, true), 0);
	struct rmpsim_sim *s = NULL;
	assert_int_equal(rmpsim_sim_create(NULL, m, prof, seed, &s), 0);
	struct range_world w = { .m = m, .ranged = mode != BY_LOOP, .solo = solo, .seed = seed };
	uint64_t records = 0;
	if (mode == BY_RUN_RECORDS)
		rmpsim_sim_set_trace_hook(s, count_rmpopt_records, &records);
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, range_script, &w, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	if (mode != BY_LOOP)
		assert_true(rmpsim_sim_rmpopt_runs(s) > 0);
	else
		assert_int_equal(rmpsim_sim_rmpopt_runs(s), 0);
	/* Every RMPOPT of the script, runs' included, left its record. */
	if (mode == BY_RUN_RECORDS) {
		uint64_t executed = 0;
		for (unsigned c = 0; c < 8; c++) {
			struct rmpsim_cpu_stats st;
			assert_int_equal(rmpsim_sim_cpu_stats(s, c, &st), 0);
			for (unsigned k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
				executed += st.rmpopt[k];
		}
		assert_true(records > 0);
		assert_int_equal(records, executed);
	}
	memset(sn, 0, sizeof(*sn));
	sn->now = rmpsim_sim_now(s);
	sn->hash = rmpsim_sim_trace_hash(s);
	sn->marks = w.marks;
	rmpsim_sim_rmpopt_window(s, &sn->win_lo, &sn->win_hi);
	sn->nrises = rmpsim_sim_rmpopt_rises(s, sn->rises, RMPSIM_RISES_MAX);
	for (unsigned c = 0; c < 8; c++) {
		assert_int_equal(rmpsim_sim_cpu_stats(s, c, &sn->st[c]), 0);
		rmpsim_machine_counters(m, c, &sn->cnt[c]);
	}
	for (unsigned core = 0; core < 4; core++)
		for (uint64_t r = 0; r < 16; r++)
			sn->opt[core][r] = rmpsim_machine_region_optimized(m, core, r);
	rmpsim_sim_destroy(s);
	rmpsim_machine_destroy(m);
}

/* covers: issue 14 point 2, A300 */
static void ranged_run_equals_the_loop(void **state)
{
	(void)state;
	struct rmpsim_rng rng;
	rmpsim__rng_seed(&rng, 1402);
	for (int iter = 0; iter < 40; iter++) {
		struct rmpsim_profile prof = *rmpsim_profile_default();
		if (rmpsim__rng_below(&rng, 2))
			prof.l3_bytes = (1 + rmpsim__rng_below(&rng, 12)) * 512 * 64;
		if (rmpsim__rng_below(&rng, 2))
			prof.node_bw_mbps = 320 + rmpsim__rng_below(&rng, 3000);
		if (rmpsim__rng_below(&rng, 4) == 0)
			prof.rmpopt_contention = false;
		if (rmpsim__rng_below(&rng, 4) == 0)
			prof.rmpopt_scan = RMPSIM_SCAN_4K;
		if (rmpsim__rng_below(&rng, 5) == 0)
			prof.rmpopt_cache_scope = RMPSIM_SCOPE_L3;
		prof.misses_in_flight = 1 + rmpsim__rng_below(&rng, 12);
		uint64_t seed = 1 + rmpsim__rng_below(&rng, 100000);
		enum rmpsim_rmpopt_cache cache =
			rmpsim__rng_below(&rng, 4) ? RMPSIM_RMPOPT_CACHE_ALWAYS : RMPSIM_RMPOPT_CACHE_NEVER;
		static struct range_snap a, b;
		bool solo = iter % 2;
		range_world_run(&prof, seed, BY_RUN, solo, cache, &a);
		range_world_run(&prof, seed, solo ? BY_LOOP : BY_RUN_RECORDS, solo, cache, &b);
		assert_int_equal(a.now, b.now);
		assert_int_equal(a.hash, b.hash);
		assert_int_equal(a.marks, b.marks);
		assert_int_equal(a.win_lo, b.win_lo);
		assert_int_equal(a.win_hi, b.win_hi);
		assert_int_equal(a.nrises, b.nrises);
		for (size_t i = 0; i < a.nrises && i < RMPSIM_RISES_MAX; i++) {
			assert_int_equal(a.rises[i].cpu, b.rises[i].cpu);
			assert_int_equal(a.rises[i].ps, b.rises[i].ps);
			assert_int_equal(a.rises[i].at_ps, b.rises[i].at_ps);
		}
		for (unsigned c = 0; c < 8; c++) {
			assert_memory_equal(&a.st[c], &b.st[c], sizeof(a.st[c]));
			assert_memory_equal(&a.cnt[c], &b.cnt[c], sizeof(a.cnt[c]));
		}
		assert_memory_equal(a.opt, b.opt, sizeof(a.opt));
	}
}

/*
 * Two handlers on different nodes run the same 8 cold regions at once on a
 * home node whose bandwidth binds (200 ns a line: a region's 512 lines take
 * 102.4 us of the node, against 11 us of latency). Charged in time order
 * (A300), the node serves their reads in turn, so neither finishes much
 * before the other and neither before the node has served all whole reads
 * but one.
 * Charged in the order the simulator computes them (each run whole when its
 * handler starts, before A300), the first would finish at half that and the
 * second's first read would wait behind all of the first's, though they were
 * issued later in simulated time.
 */
struct pair_world {
	unsigned long mask;
};

static void run_eight(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	(void)cpu;
	(void)arg;
	assert_int_equal(rmpsim_sim_rmpopt_run(s, 0, 8), 0);
}

static void send_pair(struct rmpsim_sim *s, void *arg)
{
	struct pair_world *w = arg;
	assert_int_equal(rmpsim_sim_ipi_many(s, &w->mask, run_eight, NULL, RMPSIM_IPI_WAIT), 0);
}

/* covers: A300 */
static void concurrent_runs_share_the_home_in_time_order(void **state)
{
	(void)state;
	struct rmpsim_machine *m = NULL;
	struct rmpsim_sim *s = range_binding_sim(&m);
	const struct rmpsim_profile *prof = rmpsim_sim_profile(s);
	struct pair_world w = { .mask = (1ul << 1) | (1ul << 2) }; /* cores 1 and 2: nodes 0 and 1 */
	struct rmpsim_proc_attr a = { .cpu = 0 };
	assert_int_equal(rmpsim_sim_spawn(s, &a, send_pair, &w, NULL), 0);
	assert_int_equal(rmpsim_sim_run(s), 0);
	struct rmpsim_cpu_stats one, two;
	assert_int_equal(rmpsim_sim_cpu_stats(s, 1, &one), 0);
	assert_int_equal(rmpsim_sim_cpu_stats(s, 2, &two), 0);
	uint64_t service = 512 * rmpsim_profile_line_service_ps(prof); /* a region's reads at the node */
	/* Seven of the eight regions are free (the one holding the RMP exits at
	 * its first line); reads of lines still in flight go to the node too
	 * (A122): 14 whole reads, so each run waits for 13 at least. */
	uint64_t reads = one.rmpopt_dram_lines / 512 + two.rmpopt_dram_lines / 512;
	assert_true(reads >= 14);
	assert_true(one.rmpopt_ps >= (reads - 1) * service);
	assert_true(two.rmpopt_ps >= (reads - 1) * service);
	uint64_t diff =
		one.rmpopt_ps > two.rmpopt_ps ? one.rmpopt_ps - two.rmpopt_ps : two.rmpopt_ps - one.rmpopt_ps;
	assert_true(diff <= 2 * service);
	assert_int_equal(rmpsim_sim_rmpopt_runs(s), 2);
	rmpsim_sim_destroy(s);
	rmpsim_machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pass_over_a_real_machine),
		cmocka_unit_test(faulting_rmpopt_costs_a_status_read),
		cmocka_unit_test(verify_inputs_follow_the_region_contents),
		cmocka_unit_test(ranged_run_equals_the_loop),
		cmocka_unit_test(concurrent_runs_share_the_home_in_time_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
