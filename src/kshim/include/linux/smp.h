/* SPDX-License-Identifier: MIT */
/*
 * SMP calls on the simulated machine. Cross-CPU calls are IPIs priced by the
 * timing profile; the function runs in the target CPU's context
 * (smp_processor_id() is the target), with interrupts off, and may not sleep
 * (a sleeping call there is reported as a bug, as might_sleep() would).
 */
#ifndef _LINUX_SMP_H
#define _LINUX_SMP_H

#include <linux/cpumask.h>
#include <linux/preempt.h>
#include <linux/types.h>

typedef void (*smp_call_func_t)(void *info);

int rmpsim__k_smp_processor_id(void);
#define smp_processor_id()     rmpsim__k_smp_processor_id()
#define raw_smp_processor_id() rmpsim__k_smp_processor_id()
#define get_cpu()                                                                                            \
	({                                                                                                   \
		preempt_disable();                                                                           \
		smp_processor_id();                                                                          \
	})
#define put_cpu() preempt_enable()

/*
 * Run func(info) on every CPU in mask (online ones): remote CPUs by IPI, the
 * local CPU directly with interrupts off if it is in the mask (Linux
 * semantics). wait: return only when every call has finished.
 */
void on_each_cpu_mask(const struct cpumask *mask, smp_call_func_t func, void *info, bool wait);
void on_each_cpu(smp_call_func_t func, void *info, int wait);
/* Remote CPUs of mask only (never the caller's CPU); callers have preemption off. */
void smp_call_function_many(const struct cpumask *mask, smp_call_func_t func, void *info, bool wait);
/* One CPU (the local one directly). -ENXIO when cpu is not online. */
int smp_call_function_single(int cpu, smp_call_func_t func, void *info, int wait);
/*
 * The ipi_send_cpumask / ipi_send_cpu trace names the callback and the
 * caller as written at the call (A380: names, no offsets): the macros pass
 * them; the functions themselves are unchanged.
 */
void rmpsim__k_ipi_names(const char *callback, const char *callsite);
#define on_each_cpu_mask(mask, func, info, wait)                                                             \
	(rmpsim__k_ipi_names(#func, __func__), on_each_cpu_mask(mask, func, info, wait))
#define on_each_cpu(func, info, wait) (rmpsim__k_ipi_names(#func, __func__), on_each_cpu(func, info, wait))
#define smp_call_function_many(mask, func, info, wait)                                                       \
	(rmpsim__k_ipi_names(#func, __func__), smp_call_function_many(mask, func, info, wait))
#define smp_call_function_single(cpu, func, info, wait)                                                      \
	(rmpsim__k_ipi_names(#func, __func__), smp_call_function_single(cpu, func, info, wait))
/* Run a sleepable func in a kernel thread bound to cpu and wait for it. */
int smp_call_on_cpu(unsigned int cpu, int (*func)(void *), void *par, bool phys);

#endif
