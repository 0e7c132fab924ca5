/* SPDX-License-Identifier: MIT */
/*
 * The run pipeline end to end on a small machine (8 CPUs, 8 GiB; see
 * tests/scenario/README.md for its layout): each built-in state against what
 * the model must give, by reasoning rather than by recorded numbers, and the
 * run's error paths. covers: A110, A111, A112, A113, A114, A115, A116, A117
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/workload.h>

#define MACHINE "pack:1 numa:1(memory=8GiB) core:4 pu:2"
#define GB	(1ull << 30)

/*
 * The cache reasoning below needs a result cache: these runs use the default
 * profile with a global result cache (A45 scope global). With the default
 * scope (none), every verify reads the RMP: checked on its own below.
 */
static struct rmpsim_profile cached_profile(void)
{
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.rmpopt_cache_scope = RMPSIM_SCOPE_GLOBAL;
	return p;
}

static int run_state_with(const char *name, enum rmpsim_backing b, const struct rmpsim_profile *prof,
			  struct rmpsim_run_result *res)
{
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	struct rmpsim_run_options opt = { .machine = MACHINE, .profile_value = prof };
	assert_int_equal(rmpsim_scenario_builtin(name, b, NULL, &s), 0);
	int r = rmpsim_workload_run(&s, &opt, NULL, res, &d);
	if (r)
		print_error("%s: %s\n", name, d.msg);
	rmpsim_scenario_free(&s);
	return r;
}

static int run_state(const char *name, enum rmpsim_backing b, struct rmpsim_run_result *res)
{
	struct rmpsim_profile p = cached_profile();
	return run_state_with(name, b, &p, res);
}

/* Identities every pass satisfies, whatever the profile. */
static void check_identities(const struct rmpsim_run_result *r)
{
	assert_true(r->pass_ns == r->leader_ns + r->follower_ns ||
		    r->pass_ns == r->leader_ns + r->follower_ns + 1);
	assert_true(r->rmpopt_executed == r->rmpopt_scanned + r->rmpopt_early_exit + r->rmpopt_cache_hit);
	assert_true(r->cpu_busy_max_ns >= r->cpu_busy_median_ns);
	assert_true(r->cpu_busy_max_ns <= r->pass_ns + 1);
	assert_true(r->regions_total == 9); /* [0, 9 GiB): RAM ends at 9 GiB (A40) */
	/* v10: 9 regions on the leader, 9 x 3 follower cores. */
	assert_true(r->rmpopt_executed == 36);
	assert_true(r->ipis_sent == 27);
	assert_true(r->ram_bytes == 8 * GB);
	assert_true(r->skip_share * (double)r->ram_bytes == (double)r->skip_bytes);
	assert_string_equal(r->policy, "v10");
}

static void full_leaves_only_host_regions(void **state)
{
	(void)state;
	for (int b = RMPSIM_BACKING_4K; b <= RMPSIM_BACKING_1G; b++) {
		struct rmpsim_run_result r;
		assert_int_equal(run_state("full", (enum rmpsim_backing)b, &r), 0);
		check_identities(&r);
		assert_int_equal(r.backing, b);
		/* A111: host keeps [0, 3G) and region 4 (also the RMP); the guest gets 5-8. */
		ASSERT_EQ(r.private_bytes, 4 * GB);
		ASSERT_EQ(r.regions_optimized, 4); /* 0, 1, 2 and the hole */
		ASSERT_EQ(r.skip_bytes, 3 * GB);
		ASSERT_EQ(r.rmpopt_early_exit, 4); /* the guest's regions, slot 0 */
		ASSERT_EQ(r.rmpopt_scanned, 0);	   /* the rest is cached since boot (A45) */
		/* The guest's 4 regions are read to their first line, from DRAM. */
		assert_true(r.scan_lines_read == 4 && r.scan_lines_from_dram == 4);
	}
}

static void worst_scans_to_the_last_slot(void **state)
{
	(void)state;
	struct rmpsim_run_result w, f;
	assert_int_equal(run_state("worst", RMPSIM_BACKING_4K, &w), 0);
	assert_int_equal(run_state("full", RMPSIM_BACKING_4K, &f), 0);
	check_identities(&w);
	ASSERT_EQ(w.private_bytes, 7 * 4096); /* A112: every free RAM GB */
	ASSERT_EQ(w.regions_optimized, 1);    /* only the hole */
	ASSERT_EQ(w.skip_bytes, 0);
	ASSERT_EQ(w.rmpopt_early_exit, 7);
	/* The worst case's leader reads 512 slots where full's stops at slot 0. */
	assert_true(w.leader_ns > f.leader_ns);
	assert_true(w.pass_ns > f.pass_ns);
}

static void empty_then_empty_again(void **state)
{
	(void)state;
	for (int b = RMPSIM_BACKING_4K; b <= RMPSIM_BACKING_1G; b++) {
		struct rmpsim_run_result e, a;
		assert_int_equal(run_state("empty", (enum rmpsim_backing)b, &e), 0);
		assert_int_equal(run_state("empty-again", (enum rmpsim_backing)b, &a), 0);
		check_identities(&e);
		check_identities(&a);
		assert_true(e.private_bytes == 0 && a.private_bytes == 0);
		/* Everything but the RMP's region is optimised after either pass. */
		assert_true(e.regions_optimized == 8 && a.regions_optimized == 8);
		ASSERT_EQ(e.skip_bytes, 7 * GB);
		/* empty: the leader rescans the 4 regions the guest used (A113; any
		 * change to a region invalidates its cached scan, machine A45),
		 * whatever the backing. */
		if (e.rmpopt_scanned != 4)
			print_error("empty %s: leader scanned %llu regions, expected 4\n",
				    rmpsim_backing_name((enum rmpsim_backing)b),
				    (unsigned long long)e.rmpopt_scanned);
		ASSERT_EQ(e.rmpopt_scanned, 4);
		/* empty again: nothing changed, every RMPOPT uses the cached result. */
		ASSERT_EQ(a.rmpopt_cache_hit, a.rmpopt_executed);
		assert_true(a.leader_ns < e.leader_ns);
	}
}

static void without_a_result_cache_every_verify_reads(void **state)
{
	(void)state;
	/* covers: A45 (scope none, the default), A120, A121, A124 */
	struct rmpsim_run_result r;
	assert_int_equal(run_state_with("full", RMPSIM_BACKING_4K, NULL, &r), 0);
	check_identities(&r);
	ASSERT_EQ(r.rmpopt_cache_hit, 0);
	/* 4 primaries verify every region: the guest's 4 and the RMP's region stop
	 * at their first slot; regions 0-3 are read whole. */
	ASSERT_EQ(r.rmpopt_early_exit, 5 * 4);
	ASSERT_EQ(r.rmpopt_scanned, 4 * 4);
	ASSERT_EQ(r.scan_lines_read, 5 * 4 + 4 * 4 * 512);
	/* One L3 group (no l3 level in the machine: one per node): the lines the
	 * boot pass read are still warm, except the guest's regions, which changed
	 * since (one line each, read once from DRAM by the leader). */
	ASSERT_EQ(r.scan_lines_from_dram, 4);
	assert_true(r.rmpopt_cycles_min > 0 && r.rmpopt_cycles_min <= r.rmpopt_cycles_mean &&
		    r.rmpopt_cycles_mean <= r.rmpopt_cycles_max);
	assert_true(r.rmpopt_nrises >= 1);
}

static void same_seed_same_trace(void **state)
{
	(void)state;
	struct rmpsim_run_result x, y;
	assert_int_equal(run_state("empty", RMPSIM_BACKING_4K, &x), 0);
	assert_int_equal(run_state("empty", RMPSIM_BACKING_4K, &y), 0);
	ASSERT_EQ(x.trace_hash, y.trace_hash);
	assert_true(x.pass_ns == y.pass_ns && x.cpu_busy_max_ns == y.cpu_busy_max_ns);
	ASSERT_EQ(x.seed, 1);
}

static void events_and_host_writes(void **state)
{
	(void)state;
	const char *text = "[scenario]\nmachine = " MACHINE "\nhost_writes = 1000\n"
			   "[guest a]\nbacking = 2M\nsize = 2G\n"
			   "[events]\n0 = launch a\n1s = teardown a\n";
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	struct rmpsim_run_result r;
	assert_int_equal(rmpsim_scenario_parse_string(text, "ev.ini", NULL, &s, &d), 0);
	assert_int_equal(rmpsim_workload_run(&s, NULL, NULL, &r, &d), 0);
	rmpsim_scenario_free(&s);
	check_identities(&r);
	assert_string_equal(r.scenario, "ev");
	assert_int_equal(r.backing, RMPSIM_BACKING_2M);
	/* The teardown hook's pass ran (10 s later) and left all but region 4 optimised. */
	ASSERT_EQ(r.regions_optimized, 8);
	/* A114: every write is counted once; only writes into region 4 (1/8 of
	 * RAM) are checked, and those that hit the RMP's own firmware pages there
	 * (37 MiB of 8 GiB: about 4.5 of 1000 expected) fault. */
	ASSERT_EQ(r.host_writes_checked + r.host_writes_skipped + r.host_writes_faulted, 1000);
	assert_true(r.host_writes_faulted < 25);
	assert_true(r.host_writes_checked + r.host_writes_faulted > 60);
	assert_true(r.host_writes_checked + r.host_writes_faulted < 200);
}

static void bad_input(void **state)
{
	(void)state;
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	struct rmpsim_run_result r;
	memset(&r, 0x77, sizeof(r));
	struct rmpsim_run_options opt = { .machine = MACHINE, .policy = "no-such" };
	assert_int_equal(rmpsim_scenario_builtin("full", RMPSIM_BACKING_2M, NULL, &s), 0);
	assert_int_equal(rmpsim_workload_run(&s, &opt, NULL, &r, &d), -ENOENT);
	assert_string_equal(d.msg, "unknown policy 'no-such'");
	opt.policy = NULL;
	opt.machine = "pack:1 frobs:3";
	assert_int_equal(rmpsim_workload_run(&s, &opt, NULL, &r, &d), -EINVAL);
	rmpsim_scenario_free(&s);
	/* A guest larger than the free RAM (A111). */
	const char *text =
		"[scenario]\nmachine = " MACHINE "\n[guest big]\nsize = 16G\n[events]\n0 = launch big\n";
	assert_int_equal(rmpsim_scenario_parse_string(text, "big.ini", NULL, &s, &d), 0);
	assert_int_equal(rmpsim_workload_run(&s, NULL, NULL, &r, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "does not fit"));
	rmpsim_scenario_free(&s);
	ASSERT_EQ(r.pass_ns, 0x7777777777777777ull); /* untouched on failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_leaves_only_host_regions),
		cmocka_unit_test(worst_scans_to_the_last_slot),
		cmocka_unit_test(empty_then_empty_again),
		cmocka_unit_test(without_a_result_cache_every_verify_reads),
		cmocka_unit_test(same_seed_same_trace),
		cmocka_unit_test(events_and_host_writes),
		cmocka_unit_test(bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
