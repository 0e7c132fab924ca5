/* SPDX-License-Identifier: MIT */
/*
 * The SEV firmware (PSP) command interface, as much of Linux's
 * <linux/psp-sev.h> as the SNP host needs: sev_do_cmd() with SNP_INIT,
 * SNP_INIT_EX, SNP_SHUTDOWN and SNP_SHUTDOWN_EX, executed by the machine's
 * firmware model (rmpsim_machine_snp_init/_snp_shutdown, spec 1.1, 1.9, 2.2).
 *
 * Simplifications: the command is not charged any time (the profile has no
 * firmware cost; SNP_INIT happens once, before any measured phase); of the
 * SNP_INIT_EX data only the HV_FIXED range list is used (list_paddr_en,
 * list_paddr: its "physical address" is the list's address, __psp_pa() being
 * the identity in the shim: kernel data is not in the simulated RAM); no other
 * command exists (-EINVAL).
 */
#ifndef __PSP_SEV_H__
#define __PSP_SEV_H__

#include <linux/types.h>

/* Command ids (Linux enum sev_cmd; the SNP ones the host uses). */
enum sev_cmd {
	SEV_CMD_SNP_INIT = 0x081,
	SEV_CMD_SNP_SHUTDOWN = 0x082,
	SEV_CMD_SNP_INIT_EX = 0x085,
	SEV_CMD_SNP_SHUTDOWN_EX = 0x086,
};

/* Firmware status codes (Linux enum sev_ret_code, the ones the model returns). */
enum sev_ret_code {
	SEV_RET_SUCCESS = 0,
	SEV_RET_INVALID_PLATFORM_STATE = 0x0001,
	SEV_RET_INVALID_CONFIG = 0x0003,
};

/* The firmware ABI's range list (SNP_INIT_EX): 4 KB pages from base. */
struct sev_data_range {
	u64 base;
	u32 page_count;
	u32 rsvd;
} __attribute__((__packed__));

struct sev_data_range_list {
	u32 num_elements;
	u32 rsvd;
	struct sev_data_range ranges[];
} __attribute__((__packed__));

/* SNP_INIT_EX data: with list_paddr_en, the ranges the firmware makes HV_FIXED. */
struct sev_data_snp_init_ex {
	u32 init_rmp : 1, list_paddr_en : 1, rapl_dis : 1, ciphertext_hiding_en : 1, tio_en : 1, rsvd : 27;
	u32 rsvd1;
	u64 list_paddr;
	u16 max_snp_asid;
	u8 rsvd2[54];
} __attribute__((__packed__));

/* A kernel address as the PSP sees it: the identity in the shim (see above). */
#define __psp_pa(x) ((u64)(unsigned long)(x))

/*
 * SNP_SHUTDOWN_EX data. x86_snp_shutdown = 1 (X86_SNP_SHUTDOWN): the
 * firmware clears SYSCFG.SNP_EN on every CPU; 0: legacy, SNP_EN stays set
 * (spec 1.9). iommu_snp_shutdown is accepted and ignored (no IOMMU model).
 */
struct sev_data_snp_shutdown_ex {
	u32 len;
	u32 iommu_snp_shutdown : 1, x86_snp_shutdown : 1, rsvd : 30;
} __attribute__((__packed__));

/*
 * Run a firmware command. Returns 0 on success; -EIO when the firmware
 * returned an error status (then *psp_ret, if psp_ret is not NULL, is that
 * status, as in Linux); -ENODEV without a machine; -EINVAL for a command the
 * model does not implement; -ENOMEM when the simulator ran out of memory.
 * SNP_SHUTDOWN (no data) is the legacy shutdown; SNP_SHUTDOWN_EX with NULL
 * data is too.
 */
int sev_do_cmd(int cmd, void *data, int *psp_ret);

#endif
