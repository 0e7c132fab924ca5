/* SPDX-License-Identifier: MIT */
/*
 * NUMA nodes of the simulated machine (all online, numbered from 0):
 * for_each_node(), for_each_online_node(), node_online(), num_online_nodes(),
 * cpumask_of_node() (<linux/topology.h> gives cpu_to_node, nr_node_ids).
 */
#ifndef _LINUX_NODEMASK_H
#define _LINUX_NODEMASK_H

#include <linux/cpumask.h>
#include <linux/topology.h>

#define for_each_node(node)	   for ((node) = 0; (node) < (int)nr_node_ids; (node)++)
#define for_each_online_node(node) for_each_node(node)
#define node_online(node)	   ((unsigned)(node) < (unsigned)nr_node_ids)
#define num_possible_nodes()	   ((unsigned)nr_node_ids)
#define NUMA_NO_NODE		   (-1)

const struct cpumask *rmpsim__k_cpumask_of_node(int node);
#define cpumask_of_node(node) rmpsim__k_cpumask_of_node(node)

#endif
