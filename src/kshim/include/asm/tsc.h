/* SPDX-License-Identifier: MIT */
/*
 * The time-stamp counter of the current simulated CPU: the virtual time in
 * cycles of the timing profile's core clock (an invariant TSC, synchronised
 * on every CPU, 0 at virtual time 0). rdtsc_ordered() is rdtsc() with the
 * ordering Linux gets from LFENCE/RDTSCP: in the simulation every read is
 * already ordered with the code around it.
 */
#ifndef _ASM_X86_TSC_H
#define _ASM_X86_TSC_H

#include <linux/types.h>

typedef unsigned long long cycles_t;

u64 rmpsim__k_rdtsc(void);

static inline u64 rdtsc(void)
{
	return rmpsim__k_rdtsc();
}

static inline u64 rdtsc_ordered(void)
{
	return rmpsim__k_rdtsc();
}

static inline cycles_t get_cycles(void)
{
	return rmpsim__k_rdtsc();
}

#endif
