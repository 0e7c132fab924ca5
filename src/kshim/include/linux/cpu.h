/* SPDX-License-Identifier: MIT */
/*
 * CPU hotplug for the simulated kernel. cpus_read_lock() is a reader lock
 * against hotplug (add_cpu/remove_cpu take it for writing);
 * cpu_hotplug_disable() counts, and while the count is non-zero add_cpu() and
 * remove_cpu() fail with -EBUSY (kernel/cpu.c cpu_hotplug_disabled).
 */
#ifndef _LINUX_CPU_H
#define _LINUX_CPU_H

#include <linux/cleanup.h>
#include <linux/cpumask.h>
#include <linux/smp.h>
#include <linux/types.h>

void cpus_read_lock(void);
void cpus_read_unlock(void);
int cpus_read_trylock(void);
void lockdep_assert_cpus_held(void);
void cpu_hotplug_disable(void);
void cpu_hotplug_enable(void);
/* Online / offline one CPU (device_online/offline semantics). */
int add_cpu(unsigned int cpu);
int remove_cpu(unsigned int cpu);
#define cpu_up(cpu)   add_cpu(cpu)
#define cpu_down(cpu) remove_cpu(cpu)

DEFINE_LOCK_GUARD_0(cpus_read_lock, cpus_read_lock(), cpus_read_unlock())

#endif
