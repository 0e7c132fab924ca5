/* SPDX-License-Identifier: MIT */
/*
 * Topology queries and CPU hotplug: cpus_read_lock (readers against
 * add_cpu/remove_cpu), cpu_hotplug_disable (a count; -EBUSY while non-zero,
 * as kernel/cpu.c cpu_hotplug_disabled).
 */
#include <string.h>

#include "kshim.h"

#include <linux/bug.h>
#include <linux/cpu.h>
#include <linux/sched.h>
#include <linux/nodemask.h>
#include <linux/topology.h>

const struct cpumask *rmpsim__k_sibling_mask(unsigned int cpu)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	BUG_ON(cpu >= k->ncpus);
	return &k->siblings[rmpsim_sim_cpu_core(k->sim, cpu)];
}

bool rmpsim__k_is_primary_thread(unsigned int cpu)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	return cpu < k->ncpus && rmpsim_sim_cpu_is_primary(k->sim, cpu);
}

int rmpsim__k_cpu_to_node(int cpu)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (cpu < 0 || (unsigned)cpu >= k->ncpus)
		return -1; /* NUMA_NO_NODE */
	return (int)rmpsim_sim_cpu_node(k->sim, (unsigned)cpu);
}

unsigned int rmpsim__k_core_id(unsigned int cpu)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	return cpu < k->ncpus ? rmpsim_sim_cpu_core(k->sim, cpu) : 0;
}

unsigned int rmpsim__k_nr_nodes(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	unsigned n = 0;
	for (unsigned c = 0; c < k->ncpus; c++)
		if (rmpsim_sim_cpu_node(k->sim, c) + 1 > n)
			n = rmpsim_sim_cpu_node(k->sim, c) + 1;
	return n;
}

/* ---- cpus_read_lock: a reader-writer semaphore, writers are hotplug ---- */

void cpus_read_lock(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	might_sleep();
	while (k->cpus_writer) {
		struct rmpsim__k_waiter w;
		rmpsim__k_wait(&k->cpus_waiters, &w);
	}
	k->cpus_readers++;
}

int cpus_read_trylock(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (k->cpus_writer)
		return 0;
	k->cpus_readers++;
	return 1;
}

void cpus_read_unlock(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (!k->cpus_readers) {
		rmpsim__k_report_bug("BUG: cpus_read_unlock() without cpus_read_lock()");
		return;
	}
	if (--k->cpus_readers == 0)
		rmpsim__k_wake_all(&k->cpus_waiters);
}

void lockdep_assert_cpus_held(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (!k->cpus_readers && !k->cpus_writer)
		rmpsim__k_warn(__FILE__, __LINE__, "lockdep_assert_cpus_held", NULL);
}

static void cpus_write_lock(struct rmpsim_kernel *k)
{
	while (k->cpus_writer || k->cpus_readers) {
		struct rmpsim__k_waiter w;
		rmpsim__k_wait(&k->cpus_waiters, &w);
	}
	k->cpus_writer = true;
}

static void cpus_write_unlock(struct rmpsim_kernel *k)
{
	k->cpus_writer = false;
	rmpsim__k_wake_all(&k->cpus_waiters);
}

void cpu_hotplug_disable(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	/* Linux takes cpu_maps_update_begin(), which may sleep. */
	might_sleep();
	k->hotplug_disabled++;
}

void cpu_hotplug_enable(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (WARN(k->hotplug_disabled == 0, "Unbalanced cpu hotplug enable\n"))
		return;
	k->hotplug_disabled--;
}

static int set_online(unsigned int cpu, bool online)
{
	struct rmpsim_kernel *k = rmpsim__k_get();

	might_sleep();
	if (cpu >= k->ncpus || !cpumask_test_cpu((int)cpu, k->present))
		return -EINVAL;
	if (k->hotplug_disabled)
		return -EBUSY;
	cpus_write_lock(k);
	int err = 0;
	if (k->hotplug_disabled)
		err = -EBUSY; /* disabled while we waited for the lock */
	else if (cpumask_test_cpu((int)cpu, k->online) == online)
		err = 0; /* already in that state: device_online/offline return 0 */
	else if (!online && cpumask_weight(k->online) == 1)
		err = -EBUSY; /* the last online CPU */
	else if (online) {
		cpumask_set_cpu(cpu, k->online);
		/* cpuhp states: startup on the new CPU; a failure takes it down again */
		err = rmpsim__k_cpuhp_notify(k, cpu, true);
		if (err)
			cpumask_clear_cpu(cpu, k->online);
	} else {
		rmpsim__k_cpuhp_notify(k, cpu, false); /* teardown on the CPU that goes */
		cpumask_clear_cpu(cpu, k->online);
	}
	cpus_write_unlock(k);
	return err;
}

int add_cpu(unsigned int cpu)
{
	return set_online(cpu, true);
}

int remove_cpu(unsigned int cpu)
{
	return set_online(cpu, false);
}

static const struct cpumask *cpu_none_mask_k(void)
{
	static const struct cpumask none; /* all clear */
	return &none;
}

/* The CPUs of each node, built at the first call (the topology is fixed). */
const struct cpumask *rmpsim__k_cpumask_of_node(int node)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (!k->node_masks) {
		unsigned n = rmpsim__k_nr_nodes();
		k->node_masks = rmpsim__k_alloc(sizeof(struct cpumask) * n);
		if (!k->node_masks) {
			rmpsim__k_report_bug("BUG: out of memory in cpumask_of_node");
			return cpu_none_mask_k();
		}
		memset(k->node_masks, 0, sizeof(struct cpumask) * n);
		k->nnodes = n;
		for (unsigned c = 0; c < k->ncpus; c++)
			cpumask_set_cpu(c, &k->node_masks[rmpsim_sim_cpu_node(k->sim, c)]);
	}
	if (node < 0 || (unsigned)node >= k->nnodes)
		return cpu_none_mask_k();
	return &k->node_masks[node];
}
