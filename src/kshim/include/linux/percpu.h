/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU variables. DEFINE_PER_CPU(type, name) is an array of NR_CPUS
 * copies, and alloc_percpu(type) a pointer to such an array, so that one set
 * of accessors serves both: per_cpu(name, cpu), per_cpu_ptr(&name or p, cpu),
 * this_cpu_ptr(), this_cpu_read/write/add/inc/dec(name) on the current
 * simulated CPU (the caller keeps preemption off where Linux needs it).
 * Simplification (docs/kshim.md): every copy exists for NR_CPUS CPUs, and
 * copies are not NUMA-local (no memory placement is modelled).
 */
#ifndef _LINUX_PERCPU_H
#define _LINUX_PERCPU_H

#include <linux/cpumask_types.h>
#include <linux/slab.h>
#include <linux/smp.h>

#define __percpu
#define DEFINE_PER_CPU(type, name)	   __typeof__(type) name[NR_CPUS]
#define DECLARE_PER_CPU(type, name)	   extern __typeof__(type) name[NR_CPUS]
#define DEFINE_PER_CPU_ALIGNED(type, name) DEFINE_PER_CPU(type, name)

#define per_cpu(var, cpu)	 (var)[cpu]
#define per_cpu_ptr(ptr, cpu)	 (&(*(ptr))[cpu])
#define this_cpu_ptr(ptr)	 per_cpu_ptr(ptr, smp_processor_id())
#define raw_cpu_ptr(ptr)	 this_cpu_ptr(ptr)
#define this_cpu_read(var)	 ((var)[smp_processor_id()])
#define this_cpu_write(var, v)	 ((var)[smp_processor_id()] = (v))
#define this_cpu_add(var, v)	 ((var)[smp_processor_id()] += (v))
#define this_cpu_inc(var)	 this_cpu_add(var, 1)
#define this_cpu_dec(var)	 this_cpu_add(var, -1)
#define __this_cpu_read(var)	 this_cpu_read(var)
#define __this_cpu_write(var, v) this_cpu_write(var, v)
#define __this_cpu_inc(var)	 this_cpu_inc(var)
#define get_cpu_var(var)                                                                                     \
	(*({                                                                                                 \
		preempt_disable();                                                                           \
		this_cpu_ptr(&(var));                                                                        \
	}))
#define put_cpu_var(var) preempt_enable()

#define alloc_percpu(type) ((__typeof__(type)(*)[NR_CPUS])kcalloc(NR_CPUS, sizeof(type), GFP_KERNEL))
#define free_percpu(ptr)   kfree(ptr)

#endif
