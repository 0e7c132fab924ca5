/* SPDX-License-Identifier: MIT */
/*
 * The SEV firmware commands that touch the machine's RMP state (spec 1.1,
 * 1.9, 2.2; A54): SNP_INIT as the firmware's configure_rmp() writes the RMP
 * (AMD-ASPFW sev_rmp.c, A160), SNP_SHUTDOWN, and the page commands
 * SNP_PAGE_RECLAIM / SET_STATE / UNSMASH (sev_mcmd.c, A161).
 */
#include <stdlib.h>

#include <rmpsim/firmware.h>
#include <rmpsim/machine.h>

#include "machine_internal.h"

/* The memory map's RAM as [start, end) pairs for configure_rmp (the firmware's SYS_MEM_MAP). */
static uint64_t (*ram_ranges(const struct rmpsim_machine *m))[2]
{
	uint64_t(*r)[2] = calloc(m->nram ? m->nram : 1, sizeof(*r));

	for (size_t i = 0; r && i < m->nram; i++) {
		r[i][0] = m->ram[i].start;
		r[i][1] = m->ram[i].end;
	}
	return r;
}

int rmpsim_machine_snp_init(struct rmpsim_machine *m, const uint64_t (*hv_fixed)[2], size_t n_hv_fixed,
			    enum rmpsim_fw_status *ret_status)
{
	int r;

	if (!m || !ret_status || (n_hv_fixed && !hv_fixed))
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
	/*
	 * configure_rmp (A160): covered non-DRAM (the MMIO hole) HV_FIXED, DRAM
	 * hypervisor, the SNP_INIT_EX range list HV_FIXED, the RMP's own pages
	 * FIRMWARE.
	 */
	uint64_t(*dram)[2] = ram_ranges(m);
	if (!dram)
		return -ENOMEM;
	r = rmpsim_rmp_snp_init_map(m->rmp, (const uint64_t(*)[2])dram, m->nram, hv_fixed, n_hv_fixed);
	free(dram);
	if (r < 0)
		return r;
	/* HW-5, spec 1.1: SNP_INIT clears every RMPOPT table; the scan caches are stale. */
	rmpsim__rmpopt_clear_all(m);
	rmpsim__rmpopt_invalidate_all_caches(m);
	m->snp_initialized = true;
	*ret_status = RMPSIM_FW_SUCCESS;
	return 0;
}

int rmpsim_machine_snp_shutdown(struct rmpsim_machine *m, bool x86_snp_shutdown,
				enum rmpsim_fw_status *ret_status)
{
	if (!m || !ret_status)
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
	return m && m->snp_initialized;
}

/* ---- The page commands (sev_mcmd.c, A161) ---- */

/* A firmware command changed entries of [spa, spa + bytes): drop the regions' cached scans (A45). */
static void fw_changed(struct rmpsim_machine *m, uint64_t spa, uint64_t bytes)
{
	for (uint64_t g = spa & ~(RMPSIM_SZ_1G - 1); g < spa + bytes; g += RMPSIM_SZ_1G) {
		struct rmpsim__region *reg = rmpsim__region_of(m, g);
		if (!reg)
			break;
		rmpsim__region_lock(reg);
		rmpsim__run_table_touch(m, g >> 30); /* A511 */
		reg->cache.valid = false;
		/* the timing model's cached lines and results are stale too */
		atomic_fetch_add_explicit(&reg->content_gen, 1, memory_order_relaxed);
		rmpsim__region_unlock(reg);
	}
}

/* Every firmware page command first checks the platform state (sev_mcmd.c: snp_state != SNP_STATE_INIT). */
static bool platform_ready(const struct rmpsim_machine *m, enum rmpsim_fw_cmd_status *ret_status)
{
	if (!m->snp_initialized)
		*ret_status = RMPSIM_FWCMD_INVALID_PLATFORM_STATE;
	return m->snp_initialized;
}

int rmpsim_machine_snp_page_reclaim(struct rmpsim_machine *m, uint64_t paddr, unsigned pagesize,
				    enum rmpsim_fw_cmd_status *ret_status)
{
	if (!m || !ret_status)
		return -EINVAL;
	/* snp_mcmd_page_reclaim checks its reserved bits before the platform state. */
	if (pagesize > 1 || (paddr & (RMPSIM_SZ_4K - 1))) {
		*ret_status = RMPSIM_FWCMD_INVALID_PARAM;
		return 0;
	}
	if (!platform_ready(m, ret_status))
		return 0;
	/* A reclaim clears immutable and lock only: no entry becomes assigned (no RMPOPT clear, A46). */
	int r = rmpsim_rmp_fw_page_reclaim(m->rmp, paddr, pagesize, ret_status);
	if (r == 0 && *ret_status == RMPSIM_FWCMD_SUCCESS)
		fw_changed(m, paddr, RMPSIM_SZ_4K);
	return r;
}

int rmpsim_machine_snp_page_set_state(struct rmpsim_machine *m, const uint64_t (*ranges)[2], size_t n,
				      enum rmpsim_fw_cmd_status *ret_status)
{
	if (!m || !ret_status || (n && !ranges))
		return -EINVAL;
	if (!platform_ready(m, ret_status))
		return 0;
	/* FIRMWARE to HV_FIXED: entries stop being assigned; cached scans go stale (A45). */
	int r = rmpsim_rmp_fw_page_set_hv_fixed(m->rmp, ranges, n, ret_status);
	for (size_t i = 0; r == 0 && i < n && *ret_status == RMPSIM_FWCMD_SUCCESS; i++)
		if (ranges[i][1] > ranges[i][0])
			fw_changed(m, ranges[i][0], ranges[i][1] - ranges[i][0]);
	return r;
}

int rmpsim_machine_snp_page_unsmash(struct rmpsim_machine *m, uint64_t paddr,
				    enum rmpsim_fw_cmd_status *ret_status)
{
	if (!m || !ret_status)
		return -EINVAL;
	/* snp_mcmd_page_unsmash: reserved bits and 2 MB alignment before the platform state. */
	if (paddr & (RMPSIM_SZ_2M - 1)) {
		*ret_status = RMPSIM_FWCMD_INVALID_PARAM;
		return 0;
	}
	if (!platform_ready(m, ret_status))
		return 0;
	/* The 512 entries were assigned and stay assigned (A25): no RMPOPT clear (A46). */
	int r = rmpsim_rmp_fw_page_unsmash(m->rmp, paddr, ret_status);
	if (r == 0 && *ret_status == RMPSIM_FWCMD_SUCCESS)
		fw_changed(m, paddr, RMPSIM_SZ_2M);
	return r;
}
