/* SPDX-License-Identifier: MIT */
/*
 * The MSRs the kernel reads and writes (spec 1.3, 1.9, 2.1, 2.3).
 *
 * Scope: SYSCFG per CPU; RMPOPT_BASE per core (both SMT threads see one
 * register, spec 1.3); RMP_BASE / RMP_END / RMP_CFG are the BIOS's values,
 * identical on every CPU and locked (A47).
 */
#include <rmpsim/machine.h>

#include "machine_internal.h"

/* SYSCFG bits software may change (A48); others read as the BIOS left them. */
#define SYSCFG_WRITABLE (RMPSIM_SYSCFG_MFDM | RMPSIM_SYSCFG_SNP_EN | RMPSIM_SYSCFG_SNP_VMPL_EN)

/* The MSR's value, or #GP. */
static enum rmpsim_fault read_msr(const struct rmpsim_machine *m, unsigned cpu, uint32_t msr,
				  uint64_t *ret_val)
{
	switch (msr) {
	case RMPSIM_MSR_SYSCFG: *ret_val = m->syscfg[cpu]; return RMPSIM_FAULT_NONE;
	case RMPSIM_MSR_RMP_BASE: *ret_val = m->msr_rmp_base; return RMPSIM_FAULT_NONE;
	case RMPSIM_MSR_RMP_END: *ret_val = m->msr_rmp_end; return RMPSIM_FAULT_NONE;
	case RMPSIM_MSR_RMP_CFG:
		if (m->cfg.rmp_kind != RMPSIM_RMP_SEGMENTED)
			return RMPSIM_FAULT_GP; /* A47: exists only with segmented RMP support */
		*ret_val = m->msr_rmp_cfg;
		return RMPSIM_FAULT_NONE;
	case RMPSIM_MSR_RMPOPT_BASE:
		if (!m->cfg.rmpopt)
			return RMPSIM_FAULT_GP; /* A42: no RMPOPT, no MSR */
		*ret_val = m->rmpopt_base[rmpsim__core_of(m, cpu)];
		return RMPSIM_FAULT_NONE;
	default: return RMPSIM_FAULT_GP;
	}
}

static enum rmpsim_fault write_rmpopt_base(struct rmpsim_machine *m, unsigned cpu, uint64_t val)
{
	unsigned core = rmpsim__core_of(m, cpu);
	uint64_t old = m->rmpopt_base[core];

	if (!m->cfg.rmpopt)
		return RMPSIM_FAULT_GP; /* A42 */
	if (val & ~(RMPSIM_RMPOPT_BASE_ADDR_MASK | RMPSIM_RMPOPT_BASE_EN))
		return RMPSIM_FAULT_GP; /* A42: bits 29:1 and 63:52 reserved, spec OQ 1 */
	if ((val & RMPSIM_RMPOPT_BASE_EN) &&
	    (!(m->syscfg[cpu] & RMPSIM_SYSCFG_SNP_EN) || !(m->msr_rmp_cfg & RMPSIM_RMP_CFG_SEGMENTED_EN)))
		return RMPSIM_FAULT_GP; /* HW-5, A42: needs SNP and segmented RMP enabled */
	/*
	 * A43 (spec OQ 3): the table survives a write that keeps the base and
	 * EN = 1; a new base or EN going 0 -> 1 clears it, so a bit never
	 * describes a region it was not verified for.
	 */
	if ((val & RMPSIM_RMPOPT_BASE_ADDR_MASK) != (old & RMPSIM_RMPOPT_BASE_ADDR_MASK) ||
	    ((val & RMPSIM_RMPOPT_BASE_EN) && !(old & RMPSIM_RMPOPT_BASE_EN)))
		rmpsim__rmpopt_clear_core(m, core);
	m->rmpopt_base[core] = val;
	atomic_fetch_add_explicit(&m->base_gen, 1, memory_order_release); /* cpuset.c: look again */
	return RMPSIM_FAULT_NONE;
}

static enum rmpsim_fault write_msr(struct rmpsim_machine *m, unsigned cpu, uint32_t msr, uint64_t val)
{
	switch (msr) {
	case RMPSIM_MSR_SYSCFG: {
		uint64_t old = m->syscfg[cpu];
		uint64_t next = (old & ~SYSCFG_WRITABLE) | (val & SYSCFG_WRITABLE);

		/* spec 1.9, A48: SNP_EN is write-1-only; only the firmware clears it. */
		if (old & RMPSIM_SYSCFG_SNP_EN)
			next |= RMPSIM_SYSCFG_SNP_EN;
		m->syscfg[cpu] = next;
		return RMPSIM_FAULT_NONE;
	}
	case RMPSIM_MSR_RMP_BASE:
	case RMPSIM_MSR_RMP_END:
	case RMPSIM_MSR_RMP_CFG: return RMPSIM_FAULT_GP; /* A47: locked by the BIOS */
	case RMPSIM_MSR_RMPOPT_BASE: return write_rmpopt_base(m, cpu, val);
	default: return RMPSIM_FAULT_GP;
	}
}

int rmpsim_machine_rdmsr(struct rmpsim_machine *m, unsigned cpu, uint32_t msr, struct rmpsim_insn_out *out)
{
	struct rmpsim_insn_out r = { 0 };

	if (!m || !out || !rmpsim__cpu_ok(m, cpu))
		return -EINVAL;
	r.fault = read_msr(m, cpu, msr, &r.rax);
	if (r.fault != RMPSIM_FAULT_NONE)
		r.rax = 0;
	*out = r;
	return 0;
}

int rmpsim_machine_wrmsr(struct rmpsim_machine *m, unsigned cpu, uint32_t msr, uint64_t val,
			 struct rmpsim_insn_out *out)
{
	if (!m || !out || !rmpsim__cpu_ok(m, cpu))
		return -EINVAL;
	*out = (struct rmpsim_insn_out){ .fault = write_msr(m, cpu, msr, val) };
	return 0;
}
