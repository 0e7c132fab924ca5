/* SPDX-License-Identifier: MIT */
/*
 * The server's shape: packages, NUMA nodes with their memory, L3 groups (the
 * cores sharing one L3 cache: a CCD/CCX on AMD), cores and SMT threads
 * (design.md section 1, issue 4 point 1, issue 9 item 3), read through hwloc
 * from a synthetic description or an XML file exported by `lstopo --of xml`.
 *
 * L3 groups come from hwloc's L3Cache objects (`l3:N` in a synthetic string).
 * A description without L3 objects has one L3 group per NUMA node (A200).
 * An L3 group lies inside one NUMA node; groups are numbered in core order
 * (group 0 holds core 0; a group's cores need not be consecutive in an XML
 * file, but they are in every synthetic and regular machine).
 *
 * CPU numbering follows Linux on AMD servers: the first thread of every core
 * comes first (CPUs 0 .. ncores-1, cores in package, node, core order), then
 * the second threads in the same core order (CPUs ncores .. 2*ncores-1), and
 * so on. The primary thread of a core is its first thread (the kernel's
 * APIC-ID-LSB rule, topology_is_primary_thread()). Cores are numbered
 * 0 .. ncores-1 in the same order, so core c's primary thread is CPU c.
 *
 * A topology is immutable after creation: queries are safe from any thread.
 */
#ifndef RMPSIM_TOPOLOGY_H
#define RMPSIM_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/alloc.h>
#include <rmpsim/error.h>
#include <rmpsim/limits.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rmpsim_topology; /* opaque */

/*
 * The built-in default machine's hwloc synthetic description (design.md 1):
 * 2 packages, NPS2 (2 NUMA nodes of 512 GiB per package), 4 L3 groups of 32
 * cores per node (128 cores per node), 2 threads per core = 1024 CPUs, 2 TiB.
 *
 * Why 32-core L3 groups: the default models the densest EPYC of the RMPOPT
 * era. AMD EPYC "Venice" (Zen 6c, SP7) is publicly reported with 256 cores as
 * eight 32-core CCDs, each sharing one 128 MB L3 (Tom's Hardware, "AMD 6th Gen
 * EPYC 9006 Venice CPUs reportedly offer up to 96 Zen 6 or 256 Zen 6c cores";
 * a leak, not an AMD datasheet). For comparison: Zen 5c "Turin Dense" has 16
 * cores per CCD sharing 32 MB, Zen 5 "Turin" 8 per CCD sharing 32 MB
 * (TechPowerUp's 5th Gen EPYC "Turin" engineering-sample report). Sources and
 * the strings for those machines: profiles/machines/README.md.
 */
#define RMPSIM_TOPOLOGY_DEFAULT_SYNTHETIC "pack:2 group:2 [numa(memory=549755813888)] l3:4 core:32 pu:2"

/*
 * From an hwloc synthetic description, e.g.
 * "pack:2 group:2 [numa(memory=549755813888)] l3:4 core:32 pu:2" or
 * "pack:2 numa:2(memory=64GiB) core:4 pu:2".
 * The description is read by rmpsim first (src/machine/topology_synthetic.c
 * gives the accepted grammar) and checked against the limits of
 * <rmpsim/limits.h> before hwloc imports it. Errors (all -EINVAL, with *diag
 * filled; diag->col = 1-based column of the offending token): a token that is
 * not "type:count", "type:count(attrs)" or "[numa(memory=SIZE)]", a type that
 * is not a level (pack, die, group, numa, caches, core, pu), a count that is
 * not a positive integer, unbalanced brackets, an attribute other than
 * memory= on numa or size= on a cache, a NUMA node with less than 2 MiB
 * (memory=0 included), more than RMPSIM_MAX_CPUS CPUs, RMPSIM_MAX_NODES nodes
 * or RMPSIM_MAX_MEMORY_BYTES of memory, a description longer than
 * RMPSIM_MAX_SYNTHETIC_LEN bytes or not ending with pu; a description hwloc
 * still refuses (col 1); cores with different thread counts, an L3 spanning
 * two NUMA nodes. -ENOMEM on allocation failure.
 */
int rmpsim_topology_from_synthetic(const struct rmpsim_allocator *a, const char *desc,
				   struct rmpsim_diag *diag, struct rmpsim_topology **ret_topo);
/*
 * From an hwloc XML file. Errors: -ENOENT when the file cannot be opened,
 * -EINVAL when it is larger than RMPSIM_MAX_XML_BYTES or names more PU or
 * NUMANode objects than the limits (counted in the text before hwloc reads
 * it), when hwloc cannot parse it, or the machine fails the checks above;
 * diag->file names the file.
 */
int rmpsim_topology_from_xml(const struct rmpsim_allocator *a, const char *path, struct rmpsim_diag *diag,
			     struct rmpsim_topology **ret_topo);
/* The built-in default machine (RMPSIM_TOPOLOGY_DEFAULT_SYNTHETIC). */
int rmpsim_topology_default(const struct rmpsim_allocator *a, struct rmpsim_topology **ret_topo);
/*
 * A regular machine without hwloc (tests, sweeps): packages x nodes_per_package
 * NUMA nodes, each with cores_per_node cores of threads_per_core threads and
 * node_memory bytes; one L3 group per node. -EINVAL when a count is 0, the
 * memory is below 2 MiB or the CPU count exceeds the maximum.
 */
int rmpsim_topology_regular(const struct rmpsim_allocator *a, unsigned packages, unsigned nodes_per_package,
			    unsigned cores_per_node, unsigned threads_per_core, uint64_t node_memory,
			    struct rmpsim_topology **ret_topo);
/* The same with l3_per_node L3 groups of cores_per_l3 cores in every node. */
int rmpsim_topology_regular_l3(const struct rmpsim_allocator *a, unsigned packages,
			       unsigned nodes_per_package, unsigned l3_per_node, unsigned cores_per_l3,
			       unsigned threads_per_core, uint64_t node_memory,
			       struct rmpsim_topology **ret_topo);
/*
 * A copy (L3 groups included); with smt = false only the first thread of every core is kept (SMT
 * off in the BIOS: the firmware and the OS see ncores CPUs).
 */
int rmpsim_topology_copy(const struct rmpsim_allocator *a, const struct rmpsim_topology *t, bool smt,
			 struct rmpsim_topology **ret_topo);
void rmpsim_topology_destroy(struct rmpsim_topology *t);

/* The CPU limit of every topology: the shim's NR_CPUS (<rmpsim/limits.h>). */
#define RMPSIM_TOPOLOGY_MAX_CPUS RMPSIM_MAX_CPUS

unsigned rmpsim_topology_ncpus(const struct rmpsim_topology *t);
unsigned rmpsim_topology_ncores(const struct rmpsim_topology *t);
unsigned rmpsim_topology_nnodes(const struct rmpsim_topology *t);
unsigned rmpsim_topology_npackages(const struct rmpsim_topology *t);
unsigned rmpsim_topology_threads_per_core(const struct rmpsim_topology *t);

/* The queries take a NULL topology (0 / false, as for an index out of range);
 * the constructors give -EINVAL for a NULL ret_topo (or source to copy). */

/* Per CPU (cpu < ncpus; out of range returns 0 / false). */
unsigned rmpsim_topology_cpu_core(const struct rmpsim_topology *t, unsigned cpu);
unsigned rmpsim_topology_cpu_node(const struct rmpsim_topology *t, unsigned cpu);
unsigned rmpsim_topology_cpu_package(const struct rmpsim_topology *t, unsigned cpu);
/* Thread index within the core: 0 for the primary thread. */
unsigned rmpsim_topology_cpu_thread(const struct rmpsim_topology *t, unsigned cpu);
bool rmpsim_topology_cpu_is_primary(const struct rmpsim_topology *t, unsigned cpu);
/*
 * The CPUs of cpu's core (topology_sibling_cpumask(), including cpu itself), in
 * increasing order; returns how many there are, writing at most max.
 */
unsigned rmpsim_topology_cpu_siblings(const struct rmpsim_topology *t, unsigned cpu, unsigned *ret_cpus,
				      unsigned max);
/* CPU number of thread `thread` of core `core` (ncpus if none). */
unsigned rmpsim_topology_core_cpu(const struct rmpsim_topology *t, unsigned core, unsigned thread);
/* Per NUMA node (node < nnodes). */
uint64_t rmpsim_topology_node_memory(const struct rmpsim_topology *t, unsigned node);
unsigned rmpsim_topology_node_package(const struct rmpsim_topology *t, unsigned node);
uint64_t rmpsim_topology_total_memory(const struct rmpsim_topology *t);

/* L3 groups: how many; cpu's group (0 .. nl3-1; 0 when cpu is out of range). */
unsigned rmpsim_topology_nl3(const struct rmpsim_topology *t);
unsigned rmpsim_topology_cpu_l3(const struct rmpsim_topology *t, unsigned cpu);
/* Per L3 group (l3 < nl3; out of range returns 0): its NUMA node, its cores. */
unsigned rmpsim_topology_l3_node(const struct rmpsim_topology *t, unsigned l3);
unsigned rmpsim_topology_l3_ncores(const struct rmpsim_topology *t, unsigned l3);

#ifdef __cplusplus
}
#endif
#endif
