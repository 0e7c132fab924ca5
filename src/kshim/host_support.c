/* SPDX-License-Identifier: MIT */
/*
 * Shim pieces added for the host layer: the SEV firmware command interface
 * (<linux/psp-sev.h>) and the simulator extensions of <asm/sev-rmpsim.h>
 * (range RMPUPDATE, reporting a simulated kernel's bug).
 */
#include <errno.h>
#include <stdarg.h>

#include <rmpsim/insn.h>
#include <rmpsim/machine.h>

#include "kshim/kshim.h"

#include <asm/sev-rmpsim.h>
#include <linux/psp-sev.h>

int sev_do_cmd(int cmd, void *data, int *psp_ret)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	enum rmpsim_fw_status st = RMPSIM_FW_SUCCESS;
	int rc;

	if (!k->machine)
		return -ENODEV;
	switch (cmd) {
	case SEV_CMD_SNP_INIT:
	case SEV_CMD_SNP_INIT_EX: rc = rmpsim_machine_snp_init(k->machine, NULL, 0, &st); break;
	case SEV_CMD_SNP_SHUTDOWN: rc = rmpsim_machine_snp_shutdown(k->machine, false, &st); break;
	case SEV_CMD_SNP_SHUTDOWN_EX: {
		const struct sev_data_snp_shutdown_ex *d = data;

		rc = rmpsim_machine_snp_shutdown(k->machine, d && d->x86_snp_shutdown, &st);
		break;
	}
	default: return -EINVAL;
	}
	if (rc < 0)
		return rc;
	if (psp_ret)
		*psp_ret = (int)st;
	return st == RMPSIM_FW_SUCCESS ? 0 : -EIO;
}

int rmpsim__k_rmpupdate_range(u64 paddr, u64 npages, const struct rmp_state *state, bool gpa_step, u64 *done)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_rmp_state in = {
		.gpa = state->gpa,
		.assigned = state->assigned,
		.pagesize = state->pagesize,
		.immutable = state->immutable,
		.rsvd = state->rsvd,
		.asid = state->asid,
	};
	uint64_t n = 0, executed;
	unsigned cpu;
	int rc;

	if (done)
		*done = 0;
	if (!k->machine) {
		rmpsim__k_oops("invalid opcode: RMPUPDATE on a machine-less simulation");
		return RMPSIM_RMPUPDATE_FAIL_INPUT;
	}
	if (npages == 0)
		return 0;
	cpu = rmpsim_sim_cpu(k->sim);
	if (cpu == RMPSIM_CPU_ANY)
		cpu = 0;
	rc = rmpsim_machine_rmpupdate_range(k->machine, cpu, paddr, npages, &in, gpa_step, &n);
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

void rmpsim_kernel_report_bug(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	rmpsim__k_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rmpsim__k_report_bug("%s", msg);
}
