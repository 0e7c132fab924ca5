/* SPDX-License-Identifier: MIT */
/*
 * The timing model against the published per-instruction data (issue 9 item
 * 5, spec 1.12 C, docs/timing.md section 6): the built-in self-checks
 * perf2-serial and perf2-parallel replay the PERF-2 measurement code on a
 * machine shaped like the one measured (1,024 CPUs: 2 sockets, NPS2, 32-core
 * L3 groups). The tests use 8 GiB per node instead of ~259 GiB: the
 * per-instruction figures are the same on every region (each region is
 * verified by the same CPUs in the same order), only the number of regions
 * changes, and the test stays within seconds under the sanitizers.
 *
 * Tolerances, and why:
 *  - min 60 cycles, +-10 %: the model's minimum (fixed + one warm line, A61)
 *    was set from this figure; the check is that nothing cheaper exists.
 *  - first running maximum 22,100 cycles on CPU 0, +-10 %: misses_in_flight
 *    was derived from it (A123); same kind of check.
 *  - the other socket's first maximum, 34,680 cycles on CPU 256, +-25 %: a
 *    prediction from the remote DRAM latency (a platform figure, A121).
 *  - mean 5,658 cycles, +-25 %: a prediction; the model's cold scans cost
 *    the same on every region while the published maxima grew over the pass
 *    (to 83,680), a tail the deterministic model does not have.
 *  - the maximum between the two published running maxima we reproduce and
 *    the last one (34,680 .. 83,680): the model has no such tail.
 *  - every rise of the running maximum on a CPU that is a multiple of 32:
 *    the shape of the log (the first CPU of each L3 group reads DRAM).
 *  - 30.0 us per serial call, +-10 %: deep_idle_exit_ns was calibrated on it
 *    (A136), so this is a consistency check of the call's other parts.
 *  - parallel mean 114,372 cycles, +-15 %, on the full-size machine: a
 *    prediction from the node's DRAM bandwidth (A62), nothing fitted to it.
 *    How many of the 1,024 scans of a region queue for DRAM depends on the
 *    C-states (A136): on_each_cpu() runs the sender's own RMPOPT right after
 *    the IPIs go out; when the targets first leave C2 (their rounds are longer
 *    than deep_idle_after), that local scan completes before they start, and
 *    its L3 group's other CPUs read warm lines: ~960 DRAM readers per region,
 *    not 1,024, and a mean ~12 % below the figure. With C1 targets (or a
 *    short C2 exit) all 1,024 queue and the model gives 113,395 (-1 %). On a
 *    machine with fewer regions the rounds differ again (8 GiB per node:
 *    ~85,000), so this test runs the machine of spec 1.12.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/workload.h>

#define PERF2_TEST_MACHINE "pack:2 group:2 [numa(memory=8GiB)] l3:4 core:32 pu:2"

static void within(uint64_t got, uint64_t want, unsigned pct, const char *what)
{
	uint64_t lo = want - want * pct / 100, hi = want + want * pct / 100;
	print_message("%s: model %llu, published %llu (tolerance %u %%)\n", what, (unsigned long long)got,
		      (unsigned long long)want, pct);
	assert_in_range(got, lo, hi);
}

static void run_on(const char *machine, const char *name, const struct rmpsim_profile *prof,
		   struct rmpsim_run_result *r)
{
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	struct rmpsim_run_options opt = { .machine = machine, .profile_value = prof };
	assert_int_equal(rmpsim_scenario_builtin(name, RMPSIM_BACKING_4K, NULL, &s), 0);
	int e = rmpsim_workload_run(&s, &opt, NULL, r, &d);
	if (e)
		print_error("%s: %s\n", name, d.msg);
	assert_int_equal(e, 0);
	rmpsim_scenario_free(&s);
}

static void run(const char *name, const struct rmpsim_profile *prof, struct rmpsim_run_result *r)
{
	run_on(PERF2_TEST_MACHINE, name, prof, r);
}

static void perf2_serial_matches_the_published_log(void **state)
{
	(void)state;
	/* covers: A45, A61, A121, A123, A136 */
	struct rmpsim_run_result r;
	run("perf2-serial", NULL, &r);
	assert_int_equal(r.rmpopt_executed, r.regions_total * 1024);
	assert_int_equal(r.rmpopt_cache_hit, 0); /* the default reading: no result cache */
	within(r.rmpopt_cycles_min, 60, 10, "min cycles");
	within(r.rmpopt_cycles_mean, 5658, 25, "mean cycles");
	assert_in_range(r.rmpopt_cycles_max, 34680, 83680);
	assert_true(r.rmpopt_nrises >= 2);
	bool other_socket = false;
	for (unsigned i = 0; i < r.rmpopt_nrises; i++) {
		print_message("running maximum %llu cycles on CPU %u\n",
			      (unsigned long long)r.rmpopt_max_rises[i].cycles, r.rmpopt_max_rises[i].cpu);
		assert_int_equal(r.rmpopt_max_rises[i].cpu % 32, 0);
		if (r.rmpopt_max_rises[i].cpu >= 256 && !other_socket) {
			other_socket = true;
			within(r.rmpopt_max_rises[i].cycles, 34680, 25, "first maximum on the other socket");
		}
	}
	assert_true(other_socket);
	/* The first cold read of the pass is CPU 0's, from its own socket's DRAM. */
	unsigned first = 0;
	while (first < r.rmpopt_nrises && r.rmpopt_max_rises[first].cycles < 10000)
		first++; /* warm rereads of a region read in the boot pass come first */
	assert_true(first < r.rmpopt_nrises);
	assert_int_equal(r.rmpopt_max_rises[first].cpu, 0);
	within(r.rmpopt_max_rises[first].cycles, 22100, 10, "first maximum, CPU 0");
	/* 31.9 s for 1,062,912 calls: 30.0 us a call. */
	within(r.pass_ns / r.rmpopt_executed, 30017, 10, "ns per serial call");
}

static void a_result_cache_would_not_give_that_log(void **state)
{
	(void)state;
	/* covers: A45 (why the default scope is none) */
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.rmpopt_cache_scope = RMPSIM_SCOPE_L3;
	struct rmpsim_run_result r;
	run("perf2-serial", &p, &r);
	/* With a result per L3 group, all but the first CPU of each group take it:
	 * the mean falls far below the published 5,658 cycles. */
	assert_true(r.rmpopt_cache_hit > r.rmpopt_executed * 9 / 10);
	assert_true(r.rmpopt_cycles_mean < 5658 * 3 / 4);
}

static void perf2_parallel_matches_the_published_mean(void **state)
{
	(void)state;
	/* covers: A62, A131 */
	struct rmpsim_run_result r;
	run_on(NULL, "perf2-parallel", NULL, &r); /* the scenario's own machine: 1,037 regions */
	assert_int_equal(r.regions_total, 1038);
	assert_int_equal(r.rmpopt_executed, r.regions_total * 1024);
	within(r.rmpopt_cycles_mean, 114372, 15, "parallel mean cycles");
	/* Nearly every line comes from DRAM: nobody's read completes before the others start. */
	assert_true(r.scan_lines_from_dram > r.scan_lines_read * 9 / 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(perf2_serial_matches_the_published_log),
		cmocka_unit_test(a_result_cache_would_not_give_that_log),
		cmocka_unit_test(perf2_parallel_matches_the_published_mean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
