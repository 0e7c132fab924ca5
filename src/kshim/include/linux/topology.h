/* SPDX-License-Identifier: MIT */
/* CPU topology of the simulated machine (Linux numbering, rmpsim/topology.h). */
#ifndef _LINUX_TOPOLOGY_H
#define _LINUX_TOPOLOGY_H

#include <linux/cpumask.h>
#include <linux/smp.h>

const struct cpumask *rmpsim__k_sibling_mask(unsigned int cpu);
bool rmpsim__k_is_primary_thread(unsigned int cpu);
int rmpsim__k_cpu_to_node(int cpu);
unsigned int rmpsim__k_core_id(unsigned int cpu);
unsigned int rmpsim__k_nr_nodes(void);

/* The CPUs of cpu's core, cpu included (all SMT threads). */
#define topology_sibling_cpumask(cpu)	rmpsim__k_sibling_mask(cpu)
#define topology_is_primary_thread(cpu) rmpsim__k_is_primary_thread(cpu)
#define topology_core_id(cpu)		rmpsim__k_core_id(cpu)
#define cpu_to_node(cpu)		rmpsim__k_cpu_to_node(cpu)
#define numa_node_id()			cpu_to_node(smp_processor_id())
#define nr_node_ids			rmpsim__k_nr_nodes()
#define num_online_nodes()		rmpsim__k_nr_nodes()

#endif
