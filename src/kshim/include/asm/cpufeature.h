/* SPDX-License-Identifier: MIT */
/*
 * CPU features from the simulated machine's CPUID (on CPU 0, as the boot CPU),
 * minus those cleared with setup_clear_cpu_cap(). A bare sim has none.
 */
#ifndef _ASM_X86_CPUFEATURE_H
#define _ASM_X86_CPUFEATURE_H

#include <asm/cpufeatures.h>
#include <linux/types.h>

bool rmpsim__k_cpu_has(unsigned int feature);
void setup_clear_cpu_cap(unsigned int feature);
#define boot_cpu_has(f)	       rmpsim__k_cpu_has(f)
#define cpu_feature_enabled(f) rmpsim__k_cpu_has(f)
#define static_cpu_has(f)      rmpsim__k_cpu_has(f)
#define cpu_has(c, f)	       rmpsim__k_cpu_has(f)

#endif
