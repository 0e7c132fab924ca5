/* SPDX-License-Identifier: MIT */
/*
 * MSR access on the simulated machine. rdmsrq/wrmsrq run on the current CPU;
 * a #GP there is an oops (the run stops; Linux would log an "unchecked MSR
 * access error" and continue, A87). The _safe variants return -EIO instead.
 * The _on_cpu variants are an IPI to that CPU (smp_call_function_single,
 * priced by the profile) and return its error.
 */
#ifndef _ASM_X86_MSR_H
#define _ASM_X86_MSR_H

#include <asm/msr-index.h>
#include <asm/tsc.h> /* rdtsc(), rdtsc_ordered(): <asm/msr.h> in older kernels */
#include <linux/types.h>

u64 rmpsim__k_rdmsrq(u32 msr);
void rmpsim__k_wrmsrq(u32 msr, u64 val);
#define rdmsrq(msr, val) ((val) = rmpsim__k_rdmsrq(msr))
#define wrmsrq(msr, val) rmpsim__k_wrmsrq((msr), (u64)(val))
#define rdmsrl(msr, val) rdmsrq(msr, val)
#define wrmsrl(msr, val) wrmsrq(msr, val)
int rdmsrq_safe(u32 msr, u64 *p);
int wrmsrq_safe(u32 msr, u64 val);
int rdmsrq_on_cpu(unsigned int cpu, u32 msr, u64 *q);
int wrmsrq_on_cpu(unsigned int cpu, u32 msr, u64 q);
int rdmsrq_safe_on_cpu(unsigned int cpu, u32 msr, u64 *q);
int wrmsrq_safe_on_cpu(unsigned int cpu, u32 msr, u64 q);
/* The same MSR value on every CPU of mask (one IPI round, waiting); v4-v5 of the series. */
struct cpumask;
void wrmsrq_on_cpus(const struct cpumask *mask, u32 msr, u64 q);
#define wrmsrl_on_cpus wrmsrq_on_cpus
#define rdmsrl_on_cpu  rdmsrq_on_cpu
#define wrmsrl_on_cpu  wrmsrq_on_cpu
#define rdmsrl_safe    rdmsrq_safe

#endif
