/* SPDX-License-Identifier: MIT */
/*
 * The RMP instructions on the current CPU (<asm/sev.h>): the machine executes
 * them, the sim charges their cost (RMPOPT by kind and contention, A62;
 * RMPUPDATE and PSMASH per the profile).
 */
#include <rmpsim/insn.h>
#include <rmpsim/machine.h>

#include "kshim/kshim.h"

#include <asm/sev.h>
#include <asm/sev-rmpsim.h>

static unsigned this_cpu(struct rmpsim_kernel *k)
{
	unsigned cpu = rmpsim_sim_cpu(k->sim);
	return cpu == RMPSIM_CPU_ANY ? 0 : cpu;
}

static bool need_machine(struct rmpsim_kernel *k, const char *insn)
{
	if (k->machine)
		return true;
	rmpsim__k_oops("invalid opcode: %s on a machine-less simulation", insn);
	return false;
}

bool rmpsim__k_rmpopt(u64 rax, u64 rcx)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_rmpopt_result r;

	if (!need_machine(k, "RMPOPT"))
		return false;
	if (rmpsim_machine_rmpopt(k->machine, this_cpu(k), rax, rcx, &r) < 0) {
		rmpsim__k_report_bug("BUG: RMPOPT on an invalid CPU");
		return false;
	}
	rmpsim_sim_charge_rmpopt(k->sim, &r, rax);
	rmpsim__k_infer_rmpopt(k, this_cpu(k), rcx);
	if (r.fault != RMPSIM_FAULT_NONE) {
		/* spec 1.2: #UD when the core's RMPOPT_EN is 0; the kernel oopses. */
		rmpsim__k_oops("%s: RMPOPT rax=0x%016llx rcx=0x%llx",
			       r.fault == RMPSIM_FAULT_UD ? "invalid opcode" : "general protection fault",
			       rax, rcx);
		return false;
	}
	return r.cf;
}

/* The kernel's RMPUPDATE operand (struct rmp_state) as the machine takes it. */
static struct rmpsim_rmp_state machine_state(const struct rmp_state *state)
{
	return (struct rmpsim_rmp_state){
		.gpa = state->gpa,
		.assigned = state->assigned,
		.pagesize = state->pagesize,
		.immutable = state->immutable,
		.rsvd = state->rsvd,
		.asid = state->asid,
	};
}

int rmpsim__k_rmpupdate(u64 paddr, const struct rmp_state *state)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_rmp_state in = machine_state(state);

	if (!need_machine(k, "RMPUPDATE"))
		return RMPSIM_RMPUPDATE_FAIL_INPUT;
	rmpsim_sim_compute_mcyc(k->sim, rmpsim_sim_profile(k->sim)->rmpupdate_mcyc);
	int rc = rmpsim_machine_rmpupdate(k->machine, this_cpu(k), paddr, &in, NULL);
	if (rc < 0) {
		/* The simulator itself failed (out of memory): not an architectural outcome. */
		rmpsim__k_oops("rmpsim: RMPUPDATE could not run (%d)", rc);
		return RMPSIM_RMPUPDATE_FAIL_INPUT;
	}
	return rc;
}

/* Simulator extension (<asm/sev-rmpsim.h>): npages RMPUPDATEs as one range. */
int rmpsim__k_rmpupdate_range(u64 paddr, u64 npages, const struct rmp_state *state, bool gpa_step, u64 *done)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_rmp_state in = machine_state(state);
	uint64_t n = 0, executed;
	int rc;

	if (done)
		*done = 0;
	if (!need_machine(k, "RMPUPDATE"))
		return RMPSIM_RMPUPDATE_FAIL_INPUT;
	if (npages == 0)
		return 0;
	rc = rmpsim_machine_rmpupdate_range(k->machine, this_cpu(k), paddr, npages, &in, gpa_step, &n);
	if (rc < 0) {
		rmpsim__k_oops("rmpsim: RMPUPDATE range could not run (%d)", rc);
		return RMPSIM_RMPUPDATE_FAIL_INPUT;
	}
	/* The instructions the range stands for: the pages done, and the failing one. */
	executed = n + (rc != RMPSIM_RMPUPDATE_OK);
	rmpsim_sim_compute_mcyc(k->sim, executed * rmpsim_sim_profile(k->sim)->rmpupdate_mcyc);
	if (done)
		*done = n;
	return rc;
}

int rmpsim__k_psmash(u64 paddr)
{
	struct rmpsim_kernel *k = rmpsim__k_get();

	if (!need_machine(k, "PSMASH"))
		return RMPSIM_PSMASH_FAIL_INPUT;
	rmpsim_sim_compute_mcyc(k->sim, rmpsim_sim_profile(k->sim)->psmash_mcyc);
	int rc = rmpsim_machine_psmash(k->machine, this_cpu(k), paddr);
	if (rc < 0) {
		rmpsim__k_oops("rmpsim: PSMASH could not run (%d)", rc);
		return RMPSIM_PSMASH_FAIL_INPUT;
	}
	return rc;
}

int rmpsim__k_rmpread(u64 paddr, struct rmpentry *e)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_rmpread_entry r;

	if (!need_machine(k, "RMPREAD"))
		return RMPSIM_RMPREAD_FAIL_INPUT;
	/* No RMPREAD cost in the profile: charged nothing (docs/kshim.md). */
	enum rmpsim_rmpread_rc rc = rmpsim_insn_rmpread(rmpsim_machine_rmp(k->machine), paddr, &r);
	if (rc != RMPSIM_RMPREAD_OK)
		return (int)rc;
	*e = (struct rmpentry){ 0 };
	e->gpa = r.gpa;
	e->assigned = r.assigned;
	e->pagesize = r.pagesize & 1;
	e->hpage_region_status = r.hpage_region_status;
	e->immutable = r.immutable;
	e->asid = r.asid;
	return 0;
}

/* A223: PVALIDATE and RMPADJUST are guest instructions; the simulated CPUs
 * run the host kernel, where they raise #UD. */
int rmpsim__k_guest_insn(const char *name, unsigned long rax, unsigned long rcx, unsigned long rdx)
{
	rmpsim__k_oops("invalid opcode: %s outside an SEV-SNP guest rax=0x%016lx rcx=0x%lx rdx=0x%lx", name,
		       rax, rcx, rdx);
	return PVALIDATE_FAIL_INPUT;
}
