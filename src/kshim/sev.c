/* SPDX-License-Identifier: MIT */
/*
 * The RMP instructions on the current CPU (<asm/sev.h>): the machine executes
 * them, the sim charges their cost (RMPOPT by kind and contention, A62;
 * RMPUPDATE and PSMASH per the profile).
 */
#include <rmpsim/insn.h>
#include <rmpsim/machine.h>

#include "kshim.h"

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
	struct rmpsim_insn_out r;

	if (!need_machine(k, "RMPOPT"))
		return false;
	int err = rmpsim_machine_rmpopt(k->machine, this_cpu(k), rax, rcx, &r);
	if (err < 0) {
		rmpsim__k_sim_failed(err, "RMPOPT");
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

/*
 * Simulator helper (<asm/sev-rmpsim.h>): exactly the loop of RMPOPT function 0
 * over [pa_start, pa_end) in 1 GB steps on this CPU. Inside an IPI handler the
 * sim computes it as one ranged run (docs/timing.md "Ranged runs"); otherwise,
 * or when the run's conditions do not hold, every RMPOPT is executed as
 * __rmpopt() executes it (faults oops one by one, as the loop's would).
 */
void rmpsim__k_rmpopt_range(u64 pa_start, u64 pa_end)
{
	struct rmpsim_kernel *k = rmpsim__k_get();

	if (pa_end <= pa_start)
		return;
	u64 n = (pa_end - pa_start - 1) / RMPSIM_SZ_1G + 1;
	if (k->machine && n <= RMPSIM_RMPOPT_REGIONS && rmpsim_sim_rmpopt_run(k->sim, pa_start, n) == 0) {
		rmpsim__k_infer_rmpopt_round(k, this_cpu(k), (unsigned)n);
		return;
	}
	for (u64 i = 0; i < n; i++)
		rmpsim__k_rmpopt(pa_start + i * RMPSIM_SZ_1G, RMPSIM_RMPOPT_FN_VERIFY);
}

void rmpsim_rmpopt_round_fn(void (*fn)(void *info))
{
	rmpsim__k_get()->round_fn = fn;
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

/*
 * A failure of the simulator itself (out of memory) is no architectural
 * outcome: the run is void (rmpsim__k_sim_failed) and the kernel gets the
 * negative errno, which no instruction returns.
 */
int rmpsim__k_rmpupdate(u64 paddr, const struct rmp_state *state)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_rmp_state in = machine_state(state);
	struct rmpsim_insn_out r;

	if (!need_machine(k, "RMPUPDATE"))
		return RMPSIM_RMPUPDATE_FAIL_INPUT;
	rmpsim_sim_charge_insn(k->sim, RMPSIM_INSN_RMPUPDATE, 1);
	int err = rmpsim_machine_rmpupdate(k->machine, this_cpu(k), paddr, &in, &r);
	if (err < 0) {
		rmpsim__k_sim_failed(err, "RMPUPDATE");
		return err;
	}
	return (int)r.rax;
}

/* Simulator extension (<asm/sev-rmpsim.h>): npages RMPUPDATEs as one range. */
int rmpsim__k_rmpupdate_range(u64 paddr, u64 npages, const struct rmp_state *state, bool gpa_step, u64 *done)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_rmp_state in = machine_state(state);
	struct rmpsim_insn_out r;

	if (done)
		*done = 0;
	if (!need_machine(k, "RMPUPDATE"))
		return RMPSIM_RMPUPDATE_FAIL_INPUT;
	if (npages == 0)
		return 0;
	int err = rmpsim_machine_rmpupdate_range(k->machine, this_cpu(k), paddr, npages, &in, gpa_step, &r);
	if (err < 0) {
		rmpsim__k_sim_failed(err, "RMPUPDATE range");
		return err;
	}
	/* The instructions the range stands for: the pages done, and the failing one. */
	uint64_t executed = r.done + (r.rax != RMPSIM_RMPUPDATE_OK);
	rmpsim_sim_charge_insn(k->sim, RMPSIM_INSN_RMPUPDATE, executed);
	if (done)
		*done = r.done;
	return (int)r.rax;
}

int rmpsim__k_psmash(u64 paddr)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_insn_out r;

	if (!need_machine(k, "PSMASH"))
		return RMPSIM_PSMASH_FAIL_INPUT;
	rmpsim_sim_charge_insn(k->sim, RMPSIM_INSN_PSMASH, 1);
	int err = rmpsim_machine_psmash(k->machine, this_cpu(k), paddr, &r);
	if (err < 0) {
		rmpsim__k_sim_failed(err, "PSMASH");
		return err;
	}
	return (int)r.rax;
}

int rmpsim__k_rmpread(u64 paddr, struct rmpentry *e)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_insn_out r;

	if (!need_machine(k, "RMPREAD"))
		return RMPSIM_RMPREAD_FAIL_INPUT;
	rmpsim_sim_charge_insn(k->sim, RMPSIM_INSN_RMPREAD, 1); /* A87: costs 0 */
	int err = rmpsim_machine_rmpread(k->machine, this_cpu(k), paddr, &r);
	if (err < 0) {
		rmpsim__k_sim_failed(err, "RMPREAD");
		return err;
	}
	if (r.fault != RMPSIM_FAULT_NONE) {
		/* No RMPREAD in CPUID: #UD, and the kernel oopses (it checks the feature first). */
		rmpsim__k_oops("invalid opcode: RMPREAD rax=0x%016llx", (unsigned long long)paddr);
		return RMPSIM_RMPREAD_FAIL_INPUT;
	}
	if (r.rax != RMPSIM_RMPREAD_OK)
		return (int)r.rax;
	*e = (struct rmpentry){ 0 };
	e->gpa = r.rmpread.gpa;
	e->assigned = r.rmpread.assigned;
	e->pagesize = r.rmpread.pagesize & 1;
	e->hpage_region_status = r.rmpread.hpage_region_status;
	e->immutable = r.rmpread.immutable;
	e->asid = r.rmpread.asid;
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
