/* SPDX-License-Identifier: MIT */
/* cpu_relax() for busy-wait loops: one pause is one spinlock spin step of busy time (20 ns, A85). */
#ifndef _ASM_X86_PROCESSOR_H
#define _ASM_X86_PROCESSOR_H

#include <linux/types.h>

void rmpsim__k_cpu_relax(void);
#define cpu_relax() rmpsim__k_cpu_relax()

#endif
