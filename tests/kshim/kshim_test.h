/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the kshim tests: a timing profile with round numbers (so the
 * oracles are easy to compute by hand) and sims with or without a machine.
 */
#ifndef KSHIM_TEST_H
#define KSHIM_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <rmpsim/kshim.h>
#include <rmpsim/machine.h>
#include <rmpsim/profile.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>

/*
 * 1 GHz (1 cycle = 1 ns); every RMPOPT costs F = 2000 cycles whatever it did
 * (scan, early exit, cached, report), so timing oracles do not depend on the
 * machine's RMP layout; no context-switch cost. IPI costs as the defaults.
 */
#define T_F_PS	       RMPSIM_NS(2000)
#define T_IPI_BASE     RMPSIM_NS(200)
#define T_IPI_PER      RMPSIM_NS(40)
#define T_IPI_DELIVERY RMPSIM_NS(700)
#define T_IPI_HANDLER  RMPSIM_NS(300)
#define T_IPI_ACK      RMPSIM_NS(150)
#define T_IPI_POLL     RMPSIM_NS(20)
#define T_WQ_WAKEUP    RMPSIM_NS(4000)
#define T_RESCHED      RMPSIM_NS(20)
#define T_MUTEX	       RMPSIM_NS(40)
#define T_TICK	       RMPSIM_MS(1) /* HZ = 1000 */

static inline struct rmpsim_profile test_profile(void)
{
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.freq_khz = 1000000;
	p.rmpopt_fixed_mcyc = 2000 * 1000;
	p.rmpopt_slot_mcyc = 0;
	p.rmpopt_slot_service_mcyc = 0;
	p.rmpopt_cached_mcyc = 2000 * 1000;
	p.rmpopt_report_mcyc = 2000 * 1000;
	p.rmpopt_contention = false;
	p.ipi_send_base_ps = T_IPI_BASE;
	p.ipi_send_per_target_ps = T_IPI_PER;
	p.ipi_delivery_ps = T_IPI_DELIVERY;
	p.ipi_handler_overhead_ps = T_IPI_HANDLER;
	p.ipi_ack_ps = T_IPI_ACK;
	p.ipi_ack_poll_per_target_ps = T_IPI_POLL;
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

#endif
