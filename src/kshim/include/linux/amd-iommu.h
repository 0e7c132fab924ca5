/* SPDX-License-Identifier: MIT */
/*
 * The AMD IOMMU's SNP interface as the SEV host code sees it. rmpsim has no
 * IOMMU model: SNP support is reported on (the firmware model does not need
 * the IOMMU's consent), and the enable call succeeds (docs/kshim.md).
 */
#ifndef _LINUX_AMD_IOMMU_H
#define _LINUX_AMD_IOMMU_H

#include <linux/types.h>

#define amd_iommu_snp_en true

static inline int amd_iommu_snp_enable(void)
{
	return 0;
}

#endif
