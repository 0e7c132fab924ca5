/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_CPUMASK_TYPES_H
#define _LINUX_CPUMASK_TYPES_H

#include <linux/bits.h>

#include <rmpsim/limits.h>

/*
 * NR_CPUS is the x86 CONFIG_MAXSMP value (A80): a cpumask_t holds 8192 bits;
 * operations only look at the first nr_cpu_ids bits (the machine's CPU count),
 * and cpumask_var_t is CONFIG_CPUMASK_OFFSTACK-style (allocated, may fail).
 */
#define NR_CPUS RMPSIM_MAX_CPUS /* one value for the topology and the shim (issue 10) */

struct cpumask {
	unsigned long bits[BITS_TO_LONGS(NR_CPUS)];
};
typedef struct cpumask cpumask_t;
typedef struct cpumask *cpumask_var_t;

#endif
