/* SPDX-License-Identifier: MIT */
/*
 * Runs kstyle_scan.c (kernel-style code on shim names only) on a small
 * machine: setup programs RMPOPT_BASE on every primary thread, k triggers
 * re-arm the delayed work with mod_delayed_work(), and the leader/follower
 * pass must run once, 10 s after the last trigger, set the RMPOPT bits on
 * every core, and take the time the hand oracles below say.
 */
#include "kshim_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/msr.h>
#include <linux/cpumask.h>
#include <linux/delay.h>

#include "kstyle_scan.h"
#include "assert_eq.h"

#define K_TRIGGERS 4
#define GAP_MS	   3

struct ctx {
	struct rmpsim_machine *m;
	int setup_rc;
	bool uniform;	      /* every core agrees on every region */
	unsigned optimized;   /* regions optimised on every core */
	unsigned ram_regions; /* regions holding RAM */
	bool matches_rmp;     /* a RAM region is optimised iff the RMP says it is free */
	uint64_t base_after_cleanup_or;
};

static void check_bits(struct ctx *c)
{
	const struct rmpsim_topology *t = rmpsim_machine_topology(c->m);
	unsigned ncores = rmpsim_topology_ncores(t);
	uint64_t end = rmpsim_machine_max_pfn(c->m) << 12;

	c->uniform = true;
	c->matches_rmp = true;
	for (uint64_t r = 0; (r << 30) < end; r++) {
		bool on0 = rmpsim_machine_region_optimized(c->m, 0, r);
		for (unsigned core = 1; core < ncores; core++)
			if (rmpsim_machine_region_optimized(c->m, core, r) != on0)
				c->uniform = false;
		c->optimized += on0;
		if (rmpsim_machine_is_ram(c->m, r << 30)) {
			c->ram_regions++;
			if (on0 != rmpsim_rmp_1g_is_free(rmpsim_machine_rmp(c->m), r << 30))
				c->matches_rmp = false;
		}
	}
}

static void init_fn(void *arg)
{
	struct ctx *c = arg;

	c->setup_rc = kstyle_setup();
	if (c->setup_rc)
		return;
	msleep(1); /* start the triggers on a tick boundary */
	for (int i = 0; i < K_TRIGGERS; i++) {
		kstyle_trigger();
		msleep(GAP_MS);
	}
	msleep(15000); /* sleeping: CPU 0 stays free for the pass */
	check_bits(c);
	kstyle_cleanup();
	for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) {
		u64 v = 0;
		rdmsrq_on_cpu(cpu, MSR_AMD64_RMPOPT_BASE, &v);
		c->base_after_cleanup_or |= v;
	}
}

/* 1 package, 2 nodes x 2 cores x 2 threads = 8 CPUs, 4 GiB per node; SNP initialised. */
static void world_up(struct world *w, uint64_t seed)
{
	const struct world_spec ws = {
		.nodes = 2, .mem_per_node = 4ull << 30, .snp_en = true, .snp_init = true, .seed = seed
	};
	world_up_spec(w, &ws);
}

static uint64_t mark_time(struct rmpsim_sim *sim, const char *name, int nth, uint64_t *ret_a)
{
	for (size_t i = 0; i < rmpsim_sim_mark_count(sim); i++) {
		const struct rmpsim_mark *mk = rmpsim_sim_mark_get(sim, i);
		if (!strcmp(mk->name, name) && nth-- == 0) {
			if (ret_a)
				*ret_a = mk->a;
			return mk->time_ps;
		}
	}
	fail_msg("mark %s not found", name);
	return 0;
}

/* covers: spec 1.2, spec 1.3, spec 1.7, spec 1.8 */
static void scan_runs_once_after_last_rearm_with_oracle_timing(void **state)
{
	(void)state;
	struct world w;
	struct ctx c = { 0 };

	world_up(&w, 7);
	c.m = w.m;
	assert_int_equal(rmpsim_kernel_boot(w.k, init_fn, &c), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);

	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(w.k, &ks);
	assert_int_equal(ks.oopses, 0);
	assert_int_equal(ks.bugs, 0);
	assert_int_equal(ks.warnings, 0);
	assert_int_equal(c.setup_rc, 0);

	/* Behaviour: one pass for K_TRIGGERS re-arms; bits on every core. */
	assert_int_equal(kstyle_obs.runs, 1);
	assert_int_equal(kstyle_obs.ntriggers, K_TRIGGERS);
	assert_true(c.uniform);
	assert_true(c.matches_rmp);
	assert_true(c.optimized > 0);
	assert_true(c.optimized <= c.ram_regions + 1);
	assert_int_equal(c.base_after_cleanup_or, 0); /* cleanup wrote 0 on every core */

	/* msleep(GAP) from just after a tick boundary wakes GAP + 1 ticks later. */
	for (int i = 1; i < K_TRIGGERS; i++)
		assert_int_equal(kstyle_obs.trigger_ns[i] - kstyle_obs.trigger_ns[i - 1],
				 (GAP_MS + 1) * 1000000ull);

	/* Timing: the timer is re-armed by the last trigger to the tick jiffies + 10000;
	 * then the worker wakes (A69). */
	uint64_t t_last = kstyle_obs.trigger_ns[K_TRIGGERS - 1] * 1000;
	uint64_t fire = (t_last / T_TICK + 10000) * T_TICK;
	uint64_t start = mark_time(w.sim, "rmpopt_pass_start", 0, NULL);
	ASSERT_EQ(start, fire + T_WQ_WAKEUP);
	assert_true(start > t_last + RMPSIM_S(10) - T_TICK);

	/* Leader: N regions x (one RMPOPT + cond_resched) on its own CPU. */
	uint64_t n = (kstyle_obs.pa_end - kstyle_obs.pa_start) >> 30;
	uint64_t leader_cpu;
	uint64_t t_leader = mark_time(w.sim, "rmpopt_leader_done", 0, &leader_cpu);
	assert_int_equal(leader_cpu, kstyle_obs.leader_cpu);
	ASSERT_EQ(t_leader - start, n * (T_F_PS + T_RESCHED));

	/* Followers: the primary threads of the other cores; one IPI round per region. */
	unsigned ncores = rmpsim_topology_ncores(w.topo);
	assert_int_equal(kstyle_obs.nfollowers, ncores - 1);
	uint64_t t_done = mark_time(w.sim, "rmpopt_pass_done", 0, NULL);
	ASSERT_EQ(t_done - t_leader, n * (oracle_ipi_round(ncores - 1, T_F_PS) + T_RESCHED));

	/* The log line of the handler, with its dmesg timestamp. */
	size_t len;
	const char *log = rmpsim_kernel_dmesg(w.k, &len);
	char expect[160];
	snprintf(expect, sizeof(expect), "[%5llu.%06llu] kstyle: Attempt RMP optimizations",
		 (unsigned long long)(start / RMPSIM_S(1)),
		 (unsigned long long)(start % RMPSIM_S(1) / RMPSIM_US(1)));
	assert_non_null(strstr(log, expect));
	if (getenv("KSHIM_DEBUG"))
		fprintf(stderr, "%s\nn=%llu start=%llu lead=%llu done=%llu opt=%u ram=%u\n", log,
			(unsigned long long)n, (unsigned long long)start, (unsigned long long)t_leader,
			(unsigned long long)t_done, c.optimized, c.ram_regions);
	world_down(&w);
}

static uint64_t run_hash(uint64_t seed, char *log, size_t logsz)
{
	struct world w;
	struct ctx c = { 0 };

	world_up(&w, seed);
	c.m = w.m;
	assert_int_equal(rmpsim_kernel_boot(w.k, init_fn, &c), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	uint64_t h = rmpsim_sim_trace_hash(w.sim);
	snprintf(log, logsz, "%s", rmpsim_kernel_dmesg(w.k, NULL));
	world_down(&w);
	return h;
}

/* The same seed gives the same trace and the same dmesg (statics reset between boots). */
static void two_runs_are_identical(void **state)
{
	(void)state;
	static char a[8192], b[8192];
	uint64_t h1 = run_hash(3, a, sizeof(a));
	uint64_t h2 = run_hash(3, b, sizeof(b));
	ASSERT_EQ(h1, h2);
	assert_string_equal(a, b);
	assert_int_equal(kstyle_obs.runs, 1); /* reset, not accumulated */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_runs_once_after_last_rearm_with_oracle_timing),
		cmocka_unit_test(two_runs_are_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
