/* SPDX-License-Identifier: MIT */
/*
 * cpumasks with the kernel's names and semantics, over the simulated machine's
 * CPUs (nr_cpu_ids = the machine's CPU count). See cpumask_types.h for NR_CPUS.
 */
#ifndef _LINUX_CPUMASK_H
#define _LINUX_CPUMASK_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/cpumask_types.h>
#include <linux/gfp.h>
#include <linux/types.h>

unsigned int rmpsim__k_nr_cpu_ids(void);
#define nr_cpu_ids	   rmpsim__k_nr_cpu_ids()
#define nr_cpumask_bits	   nr_cpu_ids
#define cpumask_bits(m)	   ((m)->bits)
#define cpumask_pr_args(m) (int)nr_cpu_ids, cpumask_bits(m)

const struct cpumask *rmpsim__k_cpu_online_mask(void);
const struct cpumask *rmpsim__k_cpu_present_mask(void);
const struct cpumask *rmpsim__k_cpu_possible_mask(void);
#define cpu_online_mask	  rmpsim__k_cpu_online_mask()
#define cpu_present_mask  rmpsim__k_cpu_present_mask()
#define cpu_possible_mask rmpsim__k_cpu_possible_mask()
#define cpu_active_mask	  cpu_online_mask

const struct cpumask *rmpsim__k_cpumask_of(unsigned int cpu);
#define cpumask_of(cpu) rmpsim__k_cpumask_of(cpu)

void cpumask_set_cpu(unsigned int cpu, struct cpumask *dstp);
void cpumask_clear_cpu(unsigned int cpu, struct cpumask *dstp);
bool cpumask_test_cpu(int cpu, const struct cpumask *srcp);
bool cpumask_test_and_set_cpu(int cpu, struct cpumask *dstp);
bool cpumask_test_and_clear_cpu(int cpu, struct cpumask *dstp);
void cpumask_setall(struct cpumask *dstp);
void cpumask_clear(struct cpumask *dstp);
void cpumask_copy(struct cpumask *dstp, const struct cpumask *srcp);
bool cpumask_and(struct cpumask *dstp, const struct cpumask *src1p, const struct cpumask *src2p);
bool cpumask_andnot(struct cpumask *dstp, const struct cpumask *src1p, const struct cpumask *src2p);
void cpumask_or(struct cpumask *dstp, const struct cpumask *src1p, const struct cpumask *src2p);
void cpumask_xor(struct cpumask *dstp, const struct cpumask *src1p, const struct cpumask *src2p);
void cpumask_complement(struct cpumask *dstp, const struct cpumask *srcp);
bool cpumask_intersects(const struct cpumask *src1p, const struct cpumask *src2p);
bool cpumask_subset(const struct cpumask *src1p, const struct cpumask *src2p);
bool cpumask_equal(const struct cpumask *src1p, const struct cpumask *src2p);
bool cpumask_empty(const struct cpumask *srcp);
bool cpumask_full(const struct cpumask *srcp);
unsigned int cpumask_weight(const struct cpumask *srcp);
unsigned int cpumask_weight_and(const struct cpumask *src1p, const struct cpumask *src2p);
/* First set bit, or nr_cpu_ids when none. */
unsigned int cpumask_first(const struct cpumask *srcp);
unsigned int cpumask_first_and(const struct cpumask *src1p, const struct cpumask *src2p);
unsigned int cpumask_last(const struct cpumask *srcp);
/* Next set bit after n (n = -1 starts at 0), or nr_cpu_ids. */
unsigned int cpumask_next(int n, const struct cpumask *srcp);
unsigned int cpumask_next_and(int n, const struct cpumask *src1p, const struct cpumask *src2p);
unsigned int cpumask_next_andnot(int n, const struct cpumask *src1p, const struct cpumask *src2p);
unsigned int cpumask_any_but(const struct cpumask *srcp, unsigned int cpu);
#define cpumask_any(srcp)	cpumask_first(srcp)
#define cpumask_any_and(s1, s2) cpumask_first_and(s1, s2)

#define for_each_cpu(cpu, mask)                                                                              \
	for ((cpu) = cpumask_first(mask); (unsigned int)(cpu) < nr_cpu_ids;                                  \
	     (cpu) = cpumask_next((cpu), (mask)))
#define for_each_cpu_and(cpu, mask1, mask2)                                                                  \
	for ((cpu) = cpumask_next_and(-1, (mask1), (mask2)); (unsigned int)(cpu) < nr_cpu_ids;               \
	     (cpu) = cpumask_next_and((cpu), (mask1), (mask2)))
#define for_each_cpu_andnot(cpu, mask1, mask2)                                                               \
	for ((cpu) = cpumask_next_andnot(-1, (mask1), (mask2)); (unsigned int)(cpu) < nr_cpu_ids;            \
	     (cpu) = cpumask_next_andnot((cpu), (mask1), (mask2)))
#define for_each_online_cpu(cpu)   for_each_cpu((cpu), cpu_online_mask)
#define for_each_present_cpu(cpu)  for_each_cpu((cpu), cpu_present_mask)
#define for_each_possible_cpu(cpu) for_each_cpu((cpu), cpu_possible_mask)

#define cpu_online(cpu)	    cpumask_test_cpu((cpu), cpu_online_mask)
#define cpu_present(cpu)    cpumask_test_cpu((cpu), cpu_present_mask)
#define cpu_possible(cpu)   cpumask_test_cpu((cpu), cpu_possible_mask)
#define num_online_cpus()   cpumask_weight(cpu_online_mask)
#define num_present_cpus()  cpumask_weight(cpu_present_mask)
#define num_possible_cpus() cpumask_weight(cpu_possible_mask)

/* CONFIG_CPUMASK_OFFSTACK: the mask is allocated (through the simulation's
 * allocator, so a test can make it fail) and must be freed. */
bool alloc_cpumask_var(cpumask_var_t *mask, gfp_t flags);
bool zalloc_cpumask_var(cpumask_var_t *mask, gfp_t flags);
void free_cpumask_var(cpumask_var_t mask);
unsigned int cpumask_size(void);

#endif
