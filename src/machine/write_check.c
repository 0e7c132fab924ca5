/* SPDX-License-Identifier: MIT */
/*
 * Hypervisor (and non-SNP guest) writes (spec 3.5, 1.1): no check while the
 * CPU's SNP_EN is 0 (A53); otherwise the executing core's RMPOPT bit for the
 * 1 GB region first, lock-free; when it is clear, the full RMP check of the
 * insn layer under the region's lock.
 */
#include <rmpsim/insn.h>
#include <rmpsim/machine.h>

#include "machine_internal.h"

int rmpsim_machine_hv_write(struct rmpsim_machine *m, unsigned cpu, uint64_t spa, uint64_t mapping_size,
			    struct rmpsim_insn_out *out)
{
	struct rmpsim_insn_out r = { 0 };
	struct rmpsim__region *reg;

	if (!m || !out || !rmpsim__cpu_ok(m, cpu) ||
	    (mapping_size != RMPSIM_SZ_4K && mapping_size != RMPSIM_SZ_2M && mapping_size != RMPSIM_SZ_1G))
		return -EINVAL;
	/* spa stays unaligned: a 1 GB mapping is checked at spa's 2 MB region (insn A34). */
	if (!(m->syscfg[cpu] & RMPSIM_SYSCFG_SNP_EN)) {
		*out = (struct rmpsim_insn_out){ .write_path = RMPSIM_WRITE_NO_SNP }; /* spec 1.1, A53 */
		return 0;
	}
	/*
	 * spec 3.5: a set bit skips the RMP lookup. A 1 GB mapping covers
	 * exactly one region; smaller mappings lie inside one.
	 */
	if (rmpsim__rmpopt_bit(m, rmpsim__core_of(m, cpu), spa)) {
		RMPSIM__COUNT(m, cpu, writes_skipped);
		*out = (struct rmpsim_insn_out){ .write_path = RMPSIM_WRITE_SKIPPED };
		return 0;
	}
	reg = rmpsim__region_of(m, spa);
	if (reg)
		rmpsim__region_lock(reg);
	/* A52: only the write flag, so HV_FIXED pages do not fault (consistent with RMPOPT). */
	int rc = rmpsim_insn_hv_access(m->rmp, spa, mapping_size, RMPSIM_ACCESS_WRITE, &r);
	if (reg)
		rmpsim__region_unlock(reg);
	if (rc < 0)
		return rc;
	RMPSIM__COUNT(m, cpu, writes_checked);
	if (r.fault != RMPSIM_FAULT_NONE)
		RMPSIM__COUNT(m, cpu, writes_faulted);
	r.write_path = RMPSIM_WRITE_CHECKED;
	*out = r;
	return 0;
}
