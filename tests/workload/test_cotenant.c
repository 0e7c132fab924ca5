/* SPDX-License-Identifier: MIT */
/*
 * Co-tenants (issue 17 points 1, 2 and 5) on the 8-CPU 8 GiB machine of
 * tests/scenario/README.md with its golden profile (1 GHz, every line 10 ns, a
 * global result cache, exit 400 ns, entry 600 ns): each policy's interruptions,
 * stolen time and longest stretch against the hand formula
 * stolen = interruptions x (exit + handler + entry); the benefit by hand; pinned
 * vCPUs under the worker; the [cotenant] knobs and their errors.
 * covers: A440, A441, A443, A444, A445, A446, A447, A490
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/profile.h>
#include <rmpsim/workload.h>

#define GOLDEN_PROFILE SOURCE_ROOT "/tests/scenario/profiles/golden.ini"

static const char base[] = "[scenario]\n"
			   "machine = pack:1 numa:1(memory=8GiB) core:4 pu:2\n"
			   "seed = 1\n"
			   "state = cotenant\n"
			   "backing = 2M\n"
			   "[cotenant]\n";

static int run_text(const char *cotenant, const char *policy, struct rmpsim_run_result *res,
		    struct rmpsim_diag *d)
{
	char text[1024];
	struct rmpsim_scenario s;
	struct rmpsim_profile prof;
	snprintf(text, sizeof(text), "%s%s", base, cotenant);
	assert_int_equal(rmpsim_profile_load(GOLDEN_PROFILE, &prof, NULL), 0);
	assert_int_equal(rmpsim_scenario_parse_string(text, "t.ini", NULL, &s, d), 0);
	struct rmpsim_run_options opt = { .policy = policy, .profile_value = &prof };
	int r = rmpsim_workload_run(&s, &opt, NULL, res, d);
	rmpsim_scenario_free(&s);
	return r;
}

/* Handler of one IPI under the golden profile: overhead 300 + n cached verifies of 50. */
static uint64_t stretch_ns(unsigned verifies)
{
	return 400 + 300 + 50ull * verifies + 600;
}

static void each_policy_steals_interruptions_times_exit_handler_entry(void **state)
{
	(void)state;
	static const struct {
		const char *policy;
		unsigned verifies_per_ipi; /* RMPOPTs one handler runs */
		bool per_region;	   /* one IPI per region (else one per pass) */
	} pol[] = {
		{ "v10", 1, true },
		{ "targeted", 1, true },
		{ "naive", 1, true },
		{ "percpu", 9, false }, /* every region in one handler */
	};
	for (size_t i = 0; i < sizeof(pol) / sizeof(pol[0]); i++) {
		struct rmpsim_run_result r;
		struct rmpsim_diag d = { 0 };
		assert_int_equal(run_text("vcpus = auto\n", pol[i].policy, &r, &d), 0);
		const struct rmpsim_cotenant_result *c = &r.cotenant;
		uint64_t per_cpu = pol[i].per_region ? r.regions_total : 1; /* passes x IPIs per vCPU CPU */
		/* A443: CPU 0 (driver, VMMs) and the worker's CPU are the host's */
		assert_true(c->vcpus == 6 || c->vcpus == 7); /* 7 when the worker ran on CPU 0 too */
		assert_int_equal(c->interruptions_max, per_cpu);
		assert_int_equal(c->interruptions % per_cpu, 0);
		assert_true(c->interruptions <= (uint64_t)c->vcpus * per_cpu);
		assert_int_equal(c->stretch_max_ns, stretch_ns(pol[i].verifies_per_ipi));
		assert_int_equal(c->stolen_ns, c->interruptions * stretch_ns(pol[i].verifies_per_ipi));
		assert_int_equal(c->stolen_max_ns, per_cpu * stretch_ns(pol[i].verifies_per_ipi));
		assert_int_equal(c->hist[stretch_ns(pol[i].verifies_per_ipi) / 1000], c->interruptions);
		assert_int_equal(c->hist_over, 0);
		/* every IPI that reached a vCPU CPU took it out of its guest */
		assert_true(c->interruptions <= r.ipis_sent);
		/* A445-A447: the same RMP state after every policy's pass, so the same saving */
		assert_int_equal(r.benefit.saved_ns_per_s, 38333333);
		assert_true(r.benefit.pass_cost_ns >= c->interruptions * 1000);
	}
}

static void v10_by_hand(void **state)
{
	(void)state;
	struct rmpsim_run_result r;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(run_text("vcpus = auto\n", "v10", &r, &d), 0);
	/* tests/scenario/README.md "cotenant": the worker on CPU 5, followers 0, 2, 3; 2 and 3 run vCPUs */
	assert_int_equal(r.leader_cpu, 5);
	assert_int_equal(r.cotenant.vcpus, 6);
	assert_int_equal(r.cotenant.interruptions, 2 * 9);
	assert_int_equal(r.cotenant.stolen_ns, 18 * 1350);
	assert_int_equal(r.follower_ns, 9 * 1870);
	/* A490: per CPU, one entry each on 8 CPUs; CPUs 0 and 5 are the host's */
	static const uint16_t vcpus[8] = { 0, 1, 1, 1, 1, 0, 1, 1 };
	static const uint64_t irqs[8] = { 0, 0, 9, 9, 0, 0, 0, 0 };
	assert_int_equal(r.cotenant.cpus_per_entry, 1);
	assert_int_equal(r.cotenant.nentries, 8);
	for (unsigned c = 0; c < 8; c++) {
		assert_int_equal(r.cotenant.cpu_vcpus[c], vcpus[c]);
		assert_int_equal(r.cotenant.cpu_interruptions[c], irqs[c]);
		assert_int_equal(r.cotenant.cpu_stolen_ns[c], irqs[c] * 1350);
		assert_int_equal(r.cotenant.cpu_stretch_max_ns[c], irqs[c] ? 1350 : 0);
	}
	/* vCPU CPUs save 500,000 x 10 ns each; the host's 2 CPUs 5/6 of that */
	assert_int_equal(r.benefit.fills_per_s, 8 * 500000);
	assert_int_equal(r.benefit.saved_max_ns_per_s, 5000000);
	assert_int_equal(r.benefit.saved_min_ns_per_s, 4166667);
	assert_int_equal(r.benefit.checked_with_per_s, 166667);
	assert_int_equal(r.benefit.pass_cost_ns, 17580 + 3 * 3150 + 18 * 1000);
	assert_int_equal(r.benefit.breakeven_us, 1175);
}

static void pinned_vcpus_lose_the_whole_pass_to_the_worker(void **state)
{
	(void)state;
	struct rmpsim_run_result r;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(run_text("vcpus = 1-7\n", "v10", &r, &d), 0);
	assert_int_equal(r.cotenant.vcpus, 7);
	/* A443: the worker preempts the vCPU pinned on its CPU for the whole pass */
	assert_int_equal(r.cotenant.stretch_max_cpu, r.leader_cpu);
	assert_true(r.cotenant.stretch_max_ns >= r.pass_ns);
	/* its stretch is still open when the pass ends: the pass's part of it is stolen */
	assert_true(r.cotenant.stolen_max_ns >= r.pass_ns);
	assert_int_equal(r.cotenant.stolen_max_cpu, r.leader_cpu);
}

/* A490: beyond 1,024 CPUs an entry covers ceil(CPUs / 1,024) consecutive CPUs: 1,200 CPUs, 2 each. */
static void per_cpu_entries_group_beyond_1024_cpus(void **state)
{
	(void)state;
	struct rmpsim_scenario s;
	struct rmpsim_run_result r;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_scenario_builtin("cotenant", RMPSIM_BACKING_2M, NULL, &s), 0);
	struct rmpsim_run_options opt = { .machine = "pack:1 numa:1(memory=8GiB) core:600 pu:2" };
	assert_int_equal(rmpsim_workload_run(&s, &opt, NULL, &r, &d), 0);
	rmpsim_scenario_free(&s);
	const struct rmpsim_cotenant_result *c = &r.cotenant;
	assert_int_equal(c->cpus_per_entry, 2);
	assert_int_equal(c->nentries, 600);
	uint64_t vc = 0, irq = 0, stolen = 0, longest = 0;
	for (unsigned e = 0; e < c->nentries; e++) {
		assert_true(c->cpu_vcpus[e] <= 2);
		vc += c->cpu_vcpus[e];
		irq += c->cpu_interruptions[e];
		stolen += c->cpu_stolen_ns[e];
		longest = c->cpu_stretch_max_ns[e] > longest ? c->cpu_stretch_max_ns[e] : longest;
	}
	assert_int_equal(vc, c->vcpus);
	assert_true(c->vcpus >= 1198); /* all but the driver's and the worker's CPUs (A443) */
	assert_int_equal(irq, c->interruptions);
	assert_true(irq > 0);
	assert_int_equal(longest, c->stretch_max_ns);
	/* each CPU's stolen time is truncated to ns on its own: at most 1 ns lost per CPU */
	assert_true(stolen <= c->stolen_ns && stolen + c->vcpus >= c->stolen_ns);
	/* the unused tail stays empty */
	assert_int_equal(c->cpu_vcpus[600], 0);
	assert_int_equal(c->cpu_interruptions[RMPSIM_COTENANT_CPU_ENTRIES - 1], 0);
}

static void no_traffic_no_vcpus_nothing_reported(void **state)
{
	(void)state;
	struct rmpsim_run_result r;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(
		run_text("vcpus = none\nhost_fills_per_s = 0\nguest_fills_per_s = 0\n", "v10", &r, &d), 0);
	assert_int_equal(r.cotenant.vcpus, 0);
	assert_int_equal(r.cotenant.interruptions, 0);
	assert_int_equal(r.benefit.fills_per_s, 0);
	/* L3 share and host regions: all lookups from the L3 (10 ns here too), host fills on regions 0-1 */
	assert_int_equal(run_text("vcpus = none\nguest_fills_per_s = 0\nhost_fills_per_s = 1000\n"
				  "rmp_l3_hit_percent = 100\nhost_regions = 0-1\n",
				  "v10", &r, &d),
			 0);
	assert_int_equal(r.benefit.fills_per_s, 8 * 1000);
	assert_int_equal(r.benefit.saved_ns_per_s, 8 * 1000 * 10);
	assert_int_equal(r.benefit.checked_with_per_s, 0);
	/* only region 4 (the RMP's, never optimised): nothing saved, never pays off */
	assert_int_equal(run_text("vcpus = none\nguest_fills_per_s = 0\nhost_regions = 4\n", "v10", &r, &d),
			 0);
	assert_int_equal(r.benefit.saved_ns_per_s, 0);
	assert_int_equal(r.benefit.breakeven_us, UINT64_MAX);
}

static void expect_parse_error(const char *cotenant, const char *msg)
{
	char text[1024];
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	snprintf(text, sizeof(text), "%s%s", base, cotenant);
	assert_int_equal(rmpsim_scenario_parse_string(text, "t.ini", NULL, &s, &d), -EINVAL);
	char got[1200];
	snprintf(got, sizeof(got), "%s:%u:%u: %s", d.file, d.line, d.col, d.msg);
	assert_string_equal(got, msg);
}

static void bad_knobs_name_file_line_col(void **state)
{
	(void)state;
	expect_parse_error("vcpus = 3-1\n",
			   "t.ini:7:9: vcpus: expected auto, none or a CPU list such as 1-7,9 (at most 64 "
			   "ranges, CPUs below 8192)");
	expect_parse_error("vcpus = 1,,2\n",
			   "t.ini:7:9: vcpus: expected auto, none or a CPU list such as 1-7,9 (at most 64 "
			   "ranges, CPUs below 8192)");
	expect_parse_error(
		"host_fills_per_s = lots\n",
		"t.ini:7:20: host_fills_per_s: expected a rate of write TLB fills per second, 0 to "
		"10000000000");
	expect_parse_error(
		"guest_fills_per_s = 20000000000\n",
		"t.ini:7:21: guest_fills_per_s: expected a rate of write TLB fills per second, 0 to "
		"10000000000");
	expect_parse_error("rmp_l3_hit_percent = 101\n",
			   "t.ini:7:22: rmp_l3_hit_percent: expected a share from 0 to 100");
	expect_parse_error(
		"host_regions = x\n",
		"t.ini:7:16: host_regions: expected a list of 1 GB regions (SPA >> 30) such as 0-15,64 "
		"(at most 64 ranges)");
	expect_parse_error("colour = red\n",
			   "t.ini:7:1: [cotenant] colour: expected one of vcpus, host_fills_per_s, "
			   "guest_fills_per_s, rmp_l3_hit_percent, host_regions");
}

static void values_the_machine_lacks_fail_at_their_line(void **state)
{
	(void)state;
	struct rmpsim_run_result r;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(run_text("vcpus = 2,8\n", "v10", &r, &d), -EINVAL);
	assert_string_equal(d.file, "t.ini");
	assert_int_equal(d.line, 7);
	assert_int_equal(d.col, 9);
	assert_string_equal(d.msg, "[cotenant] vcpus: CPU 8: expected CPUs of the machine (0 to 7)");
	memset(&d, 0, sizeof(d));
	assert_int_equal(run_text("host_regions = 0-9\n", "v10", &r, &d), -EINVAL);
	assert_int_equal(d.line, 7);
	assert_int_equal(d.col, 16);
	assert_string_equal(d.msg, "[cotenant] host_regions: region 9: expected 1 GB regions of the "
				   "machine's RAM (0 to 8)");
}

/* rmpsim_scenario_set "cotenant" (--set cotenant.KEY): the file's checks; a scenario
 * without co-tenants starts from the section's defaults; a value set so has no file line. */
static void set_a_cotenant_key_like_the_file(void **state)
{
	(void)state;
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_scenario_builtin("full", RMPSIM_BACKING_2M, NULL, &s), 0);
	assert_int_equal(rmpsim_scenario_set(&s, "cotenant", "rmp_l3_hit_percent", "20", &d), 0);
	assert_int_equal(s.cotenant.rmp_l3_hit_percent, 20);
	assert_int_equal(s.cotenant.vcpus, RMPSIM_VCPUS_AUTO);
	assert_int_equal(s.cotenant.host_fills_per_s, RMPSIM_COTENANT_HOST_FILLS);
	/* a second key keeps the first */
	assert_int_equal(rmpsim_scenario_set(&s, "cotenant", "vcpus", "2-3", &d), 0);
	assert_int_equal(s.cotenant.rmp_l3_hit_percent, 20);
	assert_int_equal(s.cotenant.nlist, 1);
	/* bad values and keys change nothing */
	assert_int_equal(rmpsim_scenario_set(&s, "cotenant", "vcpus", "3-2", &d), -EINVAL);
	assert_non_null(strstr(d.msg, "vcpus: expected auto, none or a CPU list"));
	assert_int_equal(s.cotenant.list[0].lo, 2);
	assert_int_equal(rmpsim_scenario_set(&s, "cotenant", "colour", "red", &d), -EINVAL);
	assert_non_null(strstr(d.msg, "[cotenant] colour: expected one of vcpus"));
	rmpsim_scenario_free(&s);
	/* over a file's value: the error is no longer at the file's line */
	char text[512];
	snprintf(text, sizeof(text), "%svcpus = 1\n", base);
	assert_int_equal(rmpsim_scenario_parse_string(text, "t.ini", NULL, &s, &d), 0);
	assert_int_equal(s.cotenant.vcpus_pos.line, 7);
	assert_int_equal(rmpsim_scenario_set(&s, "cotenant", "vcpus", "2,8", &d), 0);
	assert_int_equal(s.cotenant.vcpus_pos.line, 0);
	struct rmpsim_run_result r;
	memset(&d, 0, sizeof(d));
	assert_int_equal(rmpsim_workload_run(&s, NULL, NULL, &r, &d), -EINVAL);
	assert_string_equal(d.file, "");
	assert_string_equal(d.msg, "[cotenant] vcpus: CPU 8: expected CPUs of the machine (0 to 7)");
	rmpsim_scenario_free(&s);
}

static void defaults_of_the_section_and_the_builtin(void **state)
{
	(void)state;
	struct rmpsim_scenario s;
	assert_int_equal(rmpsim_scenario_builtin("cotenant", RMPSIM_BACKING_2M, NULL, &s), 0);
	assert_int_equal(s.state, RMPSIM_WL_STATE_COTENANT);
	assert_int_equal(s.cotenant.vcpus, RMPSIM_VCPUS_AUTO);
	assert_int_equal(s.cotenant.host_fills_per_s, RMPSIM_COTENANT_HOST_FILLS);
	assert_int_equal(s.cotenant.guest_fills_per_s, RMPSIM_COTENANT_GUEST_FILLS);
	assert_int_equal(s.cotenant.rmp_l3_hit_percent, RMPSIM_COTENANT_L3_HIT);
	rmpsim_scenario_free(&s);
	/* other built-ins have no co-tenant */
	assert_int_equal(rmpsim_scenario_builtin("full", RMPSIM_BACKING_2M, NULL, &s), 0);
	assert_int_equal(s.cotenant.vcpus, RMPSIM_VCPUS_NONE);
	assert_int_equal(s.cotenant.host_fills_per_s, 0);
	rmpsim_scenario_free(&s);
	/* a section's keys start from the defaults */
	struct rmpsim_diag d = { 0 };
	char text[512];
	snprintf(text, sizeof(text), "%svcpus = 1-3,5\n", base);
	assert_int_equal(rmpsim_scenario_parse_string(text, "t.ini", NULL, &s, &d), 0);
	assert_int_equal(s.cotenant.vcpus, RMPSIM_VCPUS_LIST);
	assert_int_equal(s.cotenant.nlist, 2);
	assert_int_equal(s.cotenant.list[0].lo, 1);
	assert_int_equal(s.cotenant.list[0].hi, 3);
	assert_int_equal(s.cotenant.list[1].lo, 5);
	assert_int_equal(s.cotenant.host_fills_per_s, RMPSIM_COTENANT_HOST_FILLS);
	rmpsim_scenario_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_policy_steals_interruptions_times_exit_handler_entry),
		cmocka_unit_test(v10_by_hand),
		cmocka_unit_test(pinned_vcpus_lose_the_whole_pass_to_the_worker),
		cmocka_unit_test(per_cpu_entries_group_beyond_1024_cpus),
		cmocka_unit_test(no_traffic_no_vcpus_nothing_reported),
		cmocka_unit_test(set_a_cotenant_key_like_the_file),
		cmocka_unit_test(bad_knobs_name_file_line_col),
		cmocka_unit_test(values_the_machine_lacks_fail_at_their_line),
		cmocka_unit_test(defaults_of_the_section_and_the_builtin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
