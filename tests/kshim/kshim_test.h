/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the kshim tests: a timing profile with round numbers (so the
 * oracles are easy to compute by hand), sims with or without a machine, and a
 * "world" (topology, machine, sim, kernel) brought up the way the firmware needs.
 */
#ifndef KSHIM_TEST_H
#define KSHIM_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/kshim.h>
#include <rmpsim/machine.h>

#include "machine_insn.h"
#include <rmpsim/profile.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>

/*
 * 1 GHz (1 cycle = 1 ns); every RMPOPT costs F = 2000 cycles whatever it did
 * (scan, early exit, cached, report: RMP lines cost nothing), so timing
 * oracles do not depend on the machine's RMP layout; no context-switch cost.
 * IPIs: every line transfer T_C2C whatever the distance, physical APIC mode
 * with free ICR writes (every target receives when the queueing loop ends),
 * no idle exit, one CSD poll at a time.
 */
#define T_F_PS	       RMPSIM_NS(2000)
#define T_IPI_BASE     RMPSIM_NS(200)
#define T_C2C	       RMPSIM_NS(20)
#define T_IPI_PER      (2 * T_C2C) /* queue_lines = 2 transfers per target */
#define T_IPI_DELIVERY RMPSIM_NS(700)
#define T_IPI_HANDLER  RMPSIM_NS(300)
#define T_IPI_ACK      T_C2C /* the CSD line back to the sender */
#define T_IPI_POLL     T_C2C /* csd_polls_in_flight = 1 */
#define T_WQ_WAKEUP    RMPSIM_NS(4000)
#define T_RESCHED      RMPSIM_NS(20)
#define T_MUTEX	       RMPSIM_NS(40)
#define T_TICK	       RMPSIM_MS(1) /* HZ = 1000 */

static inline struct rmpsim_profile test_profile(void)
{
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.freq_khz = 1000000;
	p.rmpopt_fixed_mcyc = 2000 * 1000;
	p.l3_line_ps = p.dram_local_ps = p.dram_remote_ps = 0;
	p.rmpopt_cached_mcyc = 2000 * 1000;
	p.rmpopt_report_mcyc = 2000 * 1000;
	p.rmpopt_contention = false;
	p.ipi_send_base_ps = T_IPI_BASE;
	p.c2c_same_l3_ps = p.c2c_other_l3_ps = p.c2c_other_socket_ps = T_C2C;
	p.ipi_queue_lines = 2;
	p.apic_mode = RMPSIM_APIC_PHYSICAL;
	p.ipi_shorthand = false;
	p.ipi_icr_write_ps = 0;
	p.ipi_delivery_ps = T_IPI_DELIVERY;
	p.ipi_delivery_remote_ps = 0;
	p.idle_exit_ps = p.deep_idle_exit_ps = 0;
	p.ipi_handler_overhead_ps = T_IPI_HANDLER;
	p.csd_polls_in_flight = 1;
	p.wq_wakeup_ps = T_WQ_WAKEUP;
	p.cond_resched_ps = T_RESCHED;
	p.mutex_ps = T_MUTEX;
	p.context_switch_ps = 0;
	p.hz = 1000;
	return p;
}

/* Hand oracle: one on_each_cpu_mask(wait) round to m idle remote CPUs whose
 * handler charges h (sim.h, A66-A67): the last target (CPU order) gets its IPI
 * after base + m * per + delivery, runs overhead + h, acknowledges after ack;
 * then the sender polls m CSDs. */
static inline uint64_t oracle_ipi_round(unsigned m, uint64_t h)
{
	return T_IPI_BASE + m * T_IPI_PER + T_IPI_DELIVERY + T_IPI_HANDLER + h + T_IPI_ACK + m * T_IPI_POLL;
}

/* A bare sim (no machine): ncpus CPUs, 2 threads per core, 1 node. */
static inline struct rmpsim_sim *bare_sim(unsigned ncpus)
{
	struct rmpsim_profile p = test_profile();
	struct rmpsim_sim_topology t = { .ncpus = ncpus, .threads_per_core = 2, .nodes = 1 };
	struct rmpsim_sim *sim = NULL;
	assert_int_equal(rmpsim_sim_create_bare(NULL, &t, &p, 1, &sim), 0);
	return sim;
}

/* A machine with a kernel on it, and what differs between the tests' machines. */
struct world {
	struct rmpsim_topology *topo;
	struct rmpsim_machine *m;
	struct rmpsim_sim *sim;
	struct rmpsim_kernel *k;
};

struct world_spec {
	unsigned nodes; /* 1 package; 2 cores x 2 threads per node */
	uint64_t mem_per_node;
	bool no_mmio_hole;
	bool snp_en;   /* SYSCFG.SNP_EN on every CPU (the firmware's precondition, spec 1.9) */
	bool snp_init; /* then SNP_INIT, which must succeed */
	uint64_t seed;
};

static inline void world_up_spec(struct world *w, const struct world_spec *ws)
{
	struct rmpsim_profile p = test_profile();
	struct rmpsim_machine_config cfg;
	enum rmpsim_fw_status st;

	memset(w, 0, sizeof(*w));
	rmpsim_machine_config_default(&cfg);
	if (ws->no_mmio_hole)
		cfg.mmio_hole_size = 0;
	assert_int_equal(rmpsim_topology_regular(NULL, 1, ws->nodes, 2, 2, ws->mem_per_node, &w->topo), 0);
	assert_int_equal(rmpsim_machine_create(NULL, w->topo, &cfg, NULL, &w->m), 0);
	for (unsigned cpu = 0; ws->snp_en && cpu < rmpsim_machine_ncpus(w->m); cpu++) {
		uint64_t v;
		assert_int_equal(t_rdmsr(w->m, cpu, RMPSIM_MSR_SYSCFG, &v), RMPSIM_FAULT_NONE);
		assert_int_equal(t_wrmsr(w->m, cpu, RMPSIM_MSR_SYSCFG, v | RMPSIM_SYSCFG_SNP_EN),
				 RMPSIM_FAULT_NONE);
	}
	if (ws->snp_init) {
		assert_int_equal(rmpsim_machine_snp_init(w->m, NULL, 0, &st), 0);
		assert_int_equal(st, RMPSIM_FW_SUCCESS);
	}
	assert_int_equal(rmpsim_sim_create(NULL, w->m, &p, ws->seed, &w->sim), 0);
	assert_int_equal(rmpsim_kernel_create(NULL, w->sim, &w->k), 0);
}

static inline void world_down(struct world *w)
{
	rmpsim_kernel_destroy(w->k);
	rmpsim_sim_destroy(w->sim);
	rmpsim_machine_destroy(w->m);
	rmpsim_topology_destroy(w->topo);
}

#endif
