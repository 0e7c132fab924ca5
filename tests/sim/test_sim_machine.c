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

#include "machine_helpers.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pass_over_a_real_machine),
		cmocka_unit_test(faulting_rmpopt_costs_a_status_read),
		cmocka_unit_test(verify_inputs_follow_the_region_contents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
