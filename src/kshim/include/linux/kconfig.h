/* SPDX-License-Identifier: MIT */
/*
 * IS_ENABLED(CONFIG_FOO) and friends: 1 when CONFIG_FOO (or CONFIG_FOO_MODULE)
 * is defined as 1, else 0, usable in #if and in C. The configuration the shim
 * stands for is below (an x86-64 SEV-SNP host; docs/kshim.md).
 */
#ifndef _LINUX_KCONFIG_H
#define _LINUX_KCONFIG_H

#define CONFIG_X86		 1
#define CONFIG_X86_64		 1
#define CONFIG_64BIT		 1
#define CONFIG_SMP		 1
#define CONFIG_NUMA		 1
#define CONFIG_CPUMASK_OFFSTACK	 1
#define CONFIG_HOTPLUG_CPU	 1
#define CONFIG_AMD_MEM_ENCRYPT	 1
#define CONFIG_KVM_AMD_SEV	 1
#define CONFIG_CRYPTO_DEV_SP_PSP 1
#define CONFIG_AMD_IOMMU	 1
#define CONFIG_DEBUG_FS		 1
#define CONFIG_HZ_1000		 1

/* "CONFIG_X" expands to 1 when defined so; pasting it onto a probe name turns
 * the probe into "0," and shifts the answer into the second argument. */
#define rmpsim__kconfig_probe_1		   0,
#define rmpsim__kconfig_second(a, b, ...)  b
#define rmpsim__kconfig_pick(probe)	   rmpsim__kconfig_second(probe 1, 0, 0)
#define rmpsim__kconfig_paste(val)	   rmpsim__kconfig_pick(rmpsim__kconfig_probe_##val)
#define rmpsim__kconfig_is_defined(option) rmpsim__kconfig_paste(option)

#define IS_BUILTIN(option)   rmpsim__kconfig_is_defined(option)
#define IS_MODULE(option)    rmpsim__kconfig_is_defined(option##_MODULE)
#define IS_ENABLED(option)   (IS_BUILTIN(option) || IS_MODULE(option))
#define IS_REACHABLE(option) IS_ENABLED(option)

#endif
