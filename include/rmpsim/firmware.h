/* SPDX-License-Identifier: MIT */
/*
 * The SEV firmware's RMP page commands on a machine (AMD-ASPFW sev_mcmd.c):
 * SNP_PAGE_RECLAIM, SNP_PAGE_SET_STATE and SNP_PAGE_UNSMASH. They return
 * INVALID_PLATFORM_STATE unless SNP is initialised (rmpsim_machine_snp_init),
 * then do what the rmp layer's rmpsim_rmp_fw_page_* do (rmp.h). Like SNP_INIT
 * they must not run concurrently with other calls on the same machine.
 */
#ifndef RMPSIM_FIRMWARE_H
#define RMPSIM_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

#include <rmpsim/machine.h>
#include <rmpsim/rmp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Each returns 0 with *ret_status set, or a negative errno (-EINVAL, -ENOMEM). */
int rmpsim_machine_snp_page_reclaim(struct rmpsim_machine *m, uint64_t paddr, unsigned pagesize,
				    enum rmpsim_fw_cmd_status *ret_status);
int rmpsim_machine_snp_page_set_state(struct rmpsim_machine *m, const uint64_t (*ranges)[2], size_t n,
				      enum rmpsim_fw_cmd_status *ret_status);
int rmpsim_machine_snp_page_unsmash(struct rmpsim_machine *m, uint64_t paddr,
				    enum rmpsim_fw_cmd_status *ret_status);

#ifdef __cplusplus
}
#endif
#endif
