/* SPDX-License-Identifier: MIT */
/*
 * The SEV firmware commands that touch the machine's RMP state (spec 1.1,
 * 1.9, 2.2; A54).
 */
#include <rmpsim/machine.h>

#include "machine/machine_internal.h"

int rmpsim_machine_snp_init(struct rmpsim_machine *m, const uint64_t (*hv_fixed)[2], size_t n_hv_fixed,
			    enum rmpsim_fw_status *ret_status)
{
	int r;

	if (!ret_status || (n_hv_fixed && !hv_fixed))
		return -EINVAL;
	if (m->snp_initialized) {
		*ret_status = RMPSIM_FW_INVALID_PLATFORM_STATE; /* A54 */
		return 0;
	}
	/* spec 1.9: SNP_EN must be set on every present CPU. */
	for (unsigned cpu = 0; cpu < m->topo->ncpus; cpu++) {
		if (!(m->syscfg[cpu] & RMPSIM_SYSCFG_SNP_EN)) {
			*ret_status = RMPSIM_FW_INVALID_CONFIG; /* A54 */
			return 0;
		}
	}
	/* spec 2.2: hypervisor = 0, HV_FIXED immutable, the RMP's own pages FIRMWARE. */
	r = rmpsim_rmp_snp_init(m->rmp, hv_fixed, n_hv_fixed);
	if (r < 0)
		return r;
	/* HW-5, spec 1.1: SNP_INIT clears every RMPOPT table; the scan caches are stale. */
	for (unsigned c = 0; c < m->topo->ncores; c++)
		rmpsim__rmpopt_clear_core(m, c);
	rmpsim__rmpopt_invalidate_all_caches(m);
	m->snp_initialized = true;
	*ret_status = RMPSIM_FW_SUCCESS;
	return 0;
}

int rmpsim_machine_snp_shutdown(struct rmpsim_machine *m, bool x86_snp_shutdown,
				enum rmpsim_fw_status *ret_status)
{
	if (!ret_status)
		return -EINVAL;
	if (!m->snp_initialized) {
		*ret_status = RMPSIM_FW_INVALID_PLATFORM_STATE;
		return 0;
	}
	/* spec 1.9: X86_SNP_SHUTDOWN clears SNP_EN on every CPU; the legacy command leaves it. */
	if (x86_snp_shutdown)
		for (unsigned cpu = 0; cpu < m->topo->ncpus; cpu++)
			m->syscfg[cpu] &= ~RMPSIM_SYSCFG_SNP_EN;
	m->snp_initialized = false;
	*ret_status = RMPSIM_FW_SUCCESS;
	return 0;
}

bool rmpsim_machine_snp_initialized(const struct rmpsim_machine *m)
{
	return m->snp_initialized;
}
