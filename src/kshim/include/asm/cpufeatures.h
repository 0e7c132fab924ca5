/* SPDX-License-Identifier: MIT */
/* Feature numbers (word * 32 + bit) as in arch/x86/include/asm/cpufeatures.h (spec 1.4). */
#ifndef _ASM_X86_CPUFEATURES_H
#define _ASM_X86_CPUFEATURES_H

#define X86_FEATURE_RMPOPT	  (3 * 32 + 7)	/* CPUID 0x80000025 EDX[0], scattered */
#define X86_FEATURE_HYPERVISOR	  (4 * 32 + 31) /* never set: bare metal */
#define X86_FEATURE_SME		  (19 * 32 + 0) /* CPUID 0x8000001F EAX[0] */
#define X86_FEATURE_SEV		  (19 * 32 + 1)
#define X86_FEATURE_SEV_ES	  (19 * 32 + 3)
#define X86_FEATURE_SEV_SNP	  (19 * 32 + 4)
#define X86_FEATURE_RMPREAD	  (19 * 32 + 21)
#define X86_FEATURE_SEGMENTED_RMP (19 * 32 + 23)

#endif
