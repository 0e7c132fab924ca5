/* SPDX-License-Identifier: MIT */
/*
 * Present so that <linux/iommu.h> in kernel code does not resolve to the C
 * library's UAPI header of the same name. The shim models no IOMMU: the types
 * are declared, nothing else.
 */
#ifndef _LINUX_IOMMU_H
#define _LINUX_IOMMU_H

#include <linux/types.h>

struct iommu_domain;
struct iommu_group;

#endif
