/* SPDX-License-Identifier: MIT */
/*
 * The machine's instructions in the shape most tests check them: one int
 * that is the library's error (< 0), else the fault (RDMSR, WRMSR: enum
 * rmpsim_fault) or the code in RAX (RMPUPDATE, PSMASH). Tests of the outcome
 * fields themselves call the machine.h functions with a struct
 * rmpsim_insn_out directly.
 */
#ifndef RMPSIM_TEST_MACHINE_INSN_H
#define RMPSIM_TEST_MACHINE_INSN_H

#include <rmpsim/insn.h>
#include <rmpsim/machine.h>

/* RDMSR: the fault; *ret_val = the value (0 after a fault or an error). */
static inline int t_rdmsr(struct rmpsim_machine *m, unsigned cpu, uint32_t msr, uint64_t *ret_val)
{
	struct rmpsim_insn_out o = { 0 };
	int err = rmpsim_machine_rdmsr(m, cpu, msr, &o);

	*ret_val = o.rax;
	return err < 0 ? err : (int)o.fault;
}

/* WRMSR: the fault. */
static inline int t_wrmsr(struct rmpsim_machine *m, unsigned cpu, uint32_t msr, uint64_t val)
{
	struct rmpsim_insn_out o;
	int err = rmpsim_machine_wrmsr(m, cpu, msr, val, &o);

	return err < 0 ? err : (int)o.fault;
}

/* RMPUPDATE: the code; *ret_change (may be NULL) what changed. */
static inline int t_rmpupdate(struct rmpsim_machine *m, unsigned cpu, uint64_t spa,
			      const struct rmpsim_rmp_state *in, struct rmpsim_rmp_change *ret_change)
{
	struct rmpsim_insn_out o;
	int err = rmpsim_machine_rmpupdate(m, cpu, spa, in, &o);

	if (err < 0)
		return err;
	if (ret_change)
		*ret_change = o.change;
	return (int)o.rax;
}

/* A range of RMPUPDATEs: the code of the failing page (0: all done); *ret_done (may be NULL). */
static inline int t_rmpupdate_range(struct rmpsim_machine *m, unsigned cpu, uint64_t spa, uint64_t npages,
				    const struct rmpsim_rmp_state *in, bool gpa_step, uint64_t *ret_done)
{
	struct rmpsim_insn_out o = { 0 };
	int err = rmpsim_machine_rmpupdate_range(m, cpu, spa, npages, in, gpa_step, &o);

	if (ret_done)
		*ret_done = o.done;
	return err < 0 ? err : (int)o.rax;
}

/* PSMASH: the code. */
static inline int t_psmash(struct rmpsim_machine *m, unsigned cpu, uint64_t spa)
{
	struct rmpsim_insn_out o;
	int err = rmpsim_machine_psmash(m, cpu, spa, &o);

	return err < 0 ? err : (int)o.rax;
}

#endif
