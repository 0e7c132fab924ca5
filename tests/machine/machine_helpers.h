/* SPDX-License-Identifier: MIT */
/* Small machines for the machine tests, brought up the way Linux does it. */
#ifndef RMPSIM_TEST_MACHINE_HELPERS_H
#define RMPSIM_TEST_MACHINE_HELPERS_H

#include <rmpsim/insn.h>
#include <rmpsim/machine.h>

#include "machine_insn.h"

#define GIB (1ull << 30)
#define MIB (1ull << 20)

/*
 * 1 package, 2 NUMA nodes of 6 GiB, 2 cores per node, 2 threads: 8 CPUs, 4
 * cores. With the default 3-4 GiB hole: RAM [0,3G) [4G,7G) on node 0 and
 * [7G,13G) on node 1; the RMP (one 64 GiB segment) sits at 4 GiB.
 */
static inline struct rmpsim_machine *small_machine(const struct rmpsim_machine_config *cfg)
{
	struct rmpsim_topology *t = NULL;
	struct rmpsim_machine *m = NULL;
	struct rmpsim_diag diag = { 0 };

	if (rmpsim_topology_regular(NULL, 1, 2, 2, 2, 6 * GIB, &t) < 0)
		return NULL;
	if (rmpsim_machine_create(NULL, t, cfg, &diag, &m) < 0)
		m = NULL;
	rmpsim_topology_destroy(t);
	return m;
}

/* snp_prepare() + SNP_INIT + RMPOPT_BASE = 0 | EN on every core (via its primary thread). */
static inline int bring_up_snp(struct rmpsim_machine *m, bool rmpopt)
{
	const struct rmpsim_topology *t = rmpsim_machine_topology(m);
	enum rmpsim_fw_status st;

	for (unsigned cpu = 0; cpu < rmpsim_topology_ncpus(t); cpu++) {
		uint64_t v;
		if (t_rdmsr(m, cpu, RMPSIM_MSR_SYSCFG, &v) != RMPSIM_FAULT_NONE)
			return -1;
		v |= RMPSIM_SYSCFG_MFDM | RMPSIM_SYSCFG_SNP_EN | RMPSIM_SYSCFG_SNP_VMPL_EN;
		if (t_wrmsr(m, cpu, RMPSIM_MSR_SYSCFG, v) != RMPSIM_FAULT_NONE)
			return -1;
	}
	if (rmpsim_machine_snp_init(m, NULL, 0, &st) < 0 || st != RMPSIM_FW_SUCCESS)
		return -1;
	if (rmpopt)
		for (unsigned core = 0; core < rmpsim_topology_ncores(t); core++)
			if (t_wrmsr(m, rmpsim_topology_core_cpu(t, core, 0), RMPSIM_MSR_RMPOPT_BASE,
				    RMPSIM_RMPOPT_BASE_EN) != RMPSIM_FAULT_NONE)
				return -1;
	return 0;
}

static inline int make_private(struct rmpsim_machine *m, unsigned cpu, uint64_t spa, unsigned pagesize)
{
	struct rmpsim_rmp_state st = {
		.gpa = 0x200000, .assigned = 1, .pagesize = (uint8_t)pagesize, .asid = 5
	};
	return t_rmpupdate(m, cpu, spa, &st, NULL);
}

static inline int make_shared(struct rmpsim_machine *m, unsigned cpu, uint64_t spa, unsigned pagesize)
{
	struct rmpsim_rmp_state st = { .pagesize = (uint8_t)pagesize };
	return t_rmpupdate(m, cpu, spa, &st, NULL);
}

#endif
