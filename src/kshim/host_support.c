/* SPDX-License-Identifier: MIT */
/*
 * Shim pieces added for the host layer: the SEV firmware command interface
 * (<linux/psp-sev.h>) and rmpsim_kernel_report_bug() of <asm/sev-rmpsim.h>.
 * The range RMPUPDATE of <asm/sev-rmpsim.h> sits beside RMPUPDATE in sev.c.
 */
#include <errno.h>
#include <stdarg.h>

#include <rmpsim/insn.h>
#include <rmpsim/machine.h>

#include "kshim.h"

#include <asm/sev-rmpsim.h>
#include <linux/psp-sev.h>

/* SNP_INIT_EX: the range list (if any) becomes the firmware's HV_FIXED ranges (A160). */
static int snp_init_ex(struct rmpsim_kernel *k, const struct sev_data_snp_init_ex *d,
		       enum rmpsim_fw_status *st)
{
	const struct sev_data_range_list *list = NULL;
	if (d && d->list_paddr_en && d->list_paddr)
		list = (const struct sev_data_range_list *)(unsigned long)d->list_paddr;
	if (!list || !list->num_elements)
		return rmpsim_machine_snp_init(k->machine, NULL, 0, st);
	size_t n = list->num_elements;
	uint64_t(*ranges)[2] = rmpsim__k_alloc(n * sizeof(*ranges));
	if (!ranges)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		ranges[i][0] = list->ranges[i].base;
		ranges[i][1] = list->ranges[i].base + ((uint64_t)list->ranges[i].page_count << 12);
	}
	int rc = rmpsim_machine_snp_init(k->machine, (const uint64_t(*)[2])ranges, n, st);
	rmpsim__k_free(ranges, n * sizeof(*ranges));
	return rc;
}

int sev_do_cmd(int cmd, void *data, int *psp_ret)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	enum rmpsim_fw_status st = RMPSIM_FW_SUCCESS;
	int rc;

	if (!k->machine)
		return -ENODEV;
	switch (cmd) {
	case SEV_CMD_SNP_INIT: rc = rmpsim_machine_snp_init(k->machine, NULL, 0, &st); break;
	case SEV_CMD_SNP_INIT_EX: rc = snp_init_ex(k, data, &st); break;
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

void rmpsim_kernel_report_bug(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	rmpsim__k_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rmpsim__k_report_bug("%s", msg);
}
