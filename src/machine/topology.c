/* SPDX-License-Identifier: MIT */
/*
 * Topology from hwloc (issue 4 point 1). hwloc does the parsing; we keep a
 * flat, immutable copy with Linux's CPU numbering (see topology.h), so queries
 * are O(1) and need no hwloc handle afterwards.
 */
#include <limits.h>
#include <hwloc.h>
#include <stdio.h>
#include <string.h>

#include <rmpsim/limits.h>
#include <rmpsim/topology.h>

#include "base/alloc.h"
#include "topology_hwloc.h"
#include "topology_internal.h"
#include "topology_synthetic.h"

/* NUMA memory is kept in whole 2 MiB units (A40: the memory map is 2 MiB granular). */
/* A NUMA node without memory= gets hwloc's default of 1 GiB (A202). */
#define HWLOC_DEFAULT_NODE_MEMORY (1ull << 30)
#define NODE_MEM_UNIT		  (2ull << 20)

int rmpsim__topo_alloc(const struct rmpsim_allocator *a, unsigned ncores, unsigned nnodes,
		       struct rmpsim_topology **ret)
{
	struct rmpsim_topology *t = rmpsim__calloc(a, 1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->alloc = a;
	t->ncores = ncores;
	t->nnodes = nnodes;
	t->core_node = rmpsim__calloc(a, ncores, sizeof(*t->core_node));
	t->core_l3 = rmpsim__calloc(a, ncores, sizeof(*t->core_l3));
	t->node_mem = rmpsim__calloc(a, nnodes, sizeof(*t->node_mem));
	t->node_pkg = rmpsim__calloc(a, nnodes, sizeof(*t->node_pkg));
	if (!t->core_node || !t->core_l3 || !t->node_mem || !t->node_pkg) {
		rmpsim_topology_destroy(t);
		return -ENOMEM;
	}
	*ret = t;
	return 0;
}

/* The L3 group arrays, once the number of groups is known. */
int rmpsim__topo_alloc_l3(struct rmpsim_topology *t, unsigned nl3)
{
	t->nl3 = nl3;
	t->l3_node = rmpsim__calloc(t->alloc, nl3, sizeof(*t->l3_node));
	t->l3_ncores = rmpsim__calloc(t->alloc, nl3, sizeof(*t->l3_ncores));
	return t->l3_node && t->l3_ncores ? 0 : -ENOMEM;
}

void rmpsim_topology_destroy(struct rmpsim_topology *t)
{
	if (!t)
		return;
	rmpsim__free(t->alloc, t->core_node, t->ncores * sizeof(*t->core_node));
	rmpsim__free(t->alloc, t->core_l3, t->ncores * sizeof(*t->core_l3));
	rmpsim__free(t->alloc, t->node_mem, t->nnodes * sizeof(*t->node_mem));
	rmpsim__free(t->alloc, t->node_pkg, t->nnodes * sizeof(*t->node_pkg));
	rmpsim__free(t->alloc, t->l3_node, t->nl3 * sizeof(*t->l3_node));
	rmpsim__free(t->alloc, t->l3_ncores, t->nl3 * sizeof(*t->l3_ncores));
	rmpsim__free(t->alloc, t, sizeof(*t));
}

/*
 * Number the L3 groups in core order. On entry t->core_l3[c] holds a key below
 * nkeys naming core c's L3 (hwloc's L3 index, or the core's node when the
 * machine names no L3); on return it holds the group, numbered by the first
 * core of each group, and l3_node/l3_ncores are filled. A group must lie in
 * one NUMA node: the memory model gives each L3 group one home node.
 */
static int topo_group_l3(struct rmpsim_topology *t, unsigned nkeys, struct rmpsim_diag *diag)
{
	unsigned *group = rmpsim__malloc(t->alloc, (size_t)nkeys * sizeof(*group));
	unsigned nl3 = 0;
	int r;

	if (!group)
		return -ENOMEM;
	for (unsigned k = 0; k < nkeys; k++)
		group[k] = UINT_MAX;
	for (unsigned c = 0; c < t->ncores; c++) {
		unsigned k = t->core_l3[c];

		if (group[k] == UINT_MAX)
			group[k] = nl3++;
		t->core_l3[c] = group[k];
	}
	rmpsim__free(t->alloc, group, (size_t)nkeys * sizeof(*group));
	r = rmpsim__topo_alloc_l3(t, nl3);
	if (r < 0)
		return r;
	for (unsigned c = 0; c < t->ncores; c++) {
		unsigned g = t->core_l3[c];

		if (t->l3_ncores[g]++ == 0)
			t->l3_node[g] = t->core_node[c];
		else if (t->l3_node[g] != t->core_node[c])
			return rmpsim_diag_fail(diag, -EINVAL,
						"L3 cache %u spans NUMA nodes %u and %u (an L3 must lie "
						"in one node)",
						g, t->l3_node[g], t->core_node[c]);
	}
	return 0;
}

/* Shared final checks of a filled topology. */
static int topo_check(struct rmpsim_topology *t, struct rmpsim_diag *diag)
{
	if ((uint64_t)t->ncores * t->tpc > RMPSIM_MAX_CPUS)
		return rmpsim_diag_fail(diag, -EINVAL, "%u cores x %u threads exceed %u CPUs", t->ncores,
					t->tpc, RMPSIM_MAX_CPUS);
	uint64_t total = 0;

	if (t->nnodes > RMPSIM_MAX_NODES)
		return rmpsim_diag_fail(diag, -EINVAL, "%u NUMA nodes exceed %u", t->nnodes,
					RMPSIM_MAX_NODES);
	for (unsigned n = 0; n < t->nnodes; n++) {
		if (t->node_mem[n] > RMPSIM_MAX_MEMORY_BYTES - total)
			return rmpsim_diag_fail(diag, -EINVAL, "more than %llu TiB of memory",
						RMPSIM_MAX_MEMORY_BYTES >> 40);
		total += t->node_mem[n];
		t->node_mem[n] -= t->node_mem[n] % NODE_MEM_UNIT;
		if (t->node_mem[n] == 0)
			return rmpsim_diag_fail(diag, -EINVAL,
						"NUMA node %u: less than 2 MiB of memory (memoryless nodes "
						"are not supported)",
						n);
	}
	t->ncpus = t->ncores * t->tpc;
	return 0;
}

int rmpsim_topology_regular_l3(const struct rmpsim_allocator *a, unsigned packages,
			       unsigned nodes_per_package, unsigned l3_per_node, unsigned cores_per_l3,
			       unsigned threads_per_core, uint64_t node_memory,
			       struct rmpsim_topology **ret_topo)
{
	struct rmpsim_topology *t;
	unsigned cores_per_node;
	int r;

	a = rmpsim__alloc_or_default(a);
	if (!ret_topo || !packages || !nodes_per_package || !l3_per_node || !cores_per_l3 ||
	    !threads_per_core ||
	    (uint64_t)packages * nodes_per_package * l3_per_node * cores_per_l3 * threads_per_core >
		    RMPSIM_MAX_CPUS)
		return -EINVAL;
	if (node_memory < NODE_MEM_UNIT)
		return -EINVAL;
	cores_per_node = l3_per_node * cores_per_l3;
	r = rmpsim__topo_alloc(a, packages * nodes_per_package * cores_per_node, packages * nodes_per_package,
			       &t);
	if (r < 0)
		return r;
	t->npackages = packages;
	t->tpc = threads_per_core;
	for (unsigned n = 0; n < t->nnodes; n++) {
		t->node_mem[n] = node_memory;
		t->node_pkg[n] = n / nodes_per_package;
	}
	for (unsigned c = 0; c < t->ncores; c++) {
		t->core_node[c] = c / cores_per_node;
		t->core_l3[c] = c / cores_per_l3;
	}
	r = topo_group_l3(t, t->ncores / cores_per_l3, NULL);
	if (r == 0)
		r = topo_check(t, NULL);
	if (r < 0) {
		rmpsim_topology_destroy(t);
		return r;
	}
	*ret_topo = t;
	return 0;
}

int rmpsim_topology_regular(const struct rmpsim_allocator *a, unsigned packages, unsigned nodes_per_package,
			    unsigned cores_per_node, unsigned threads_per_core, uint64_t node_memory,
			    struct rmpsim_topology **ret_topo)
{
	/* One L3 group per node (as for a machine description without L3 objects, A200). */
	return rmpsim_topology_regular_l3(a, packages, nodes_per_package, 1, cores_per_node, threads_per_core,
					  node_memory, ret_topo);
}

int rmpsim_topology_copy(const struct rmpsim_allocator *a, const struct rmpsim_topology *src, bool smt,
			 struct rmpsim_topology **ret_topo)
{
	struct rmpsim_topology *t;
	int r;

	a = rmpsim__alloc_or_default(a);
	if (!src || !ret_topo)
		return -EINVAL;
	r = rmpsim__topo_alloc(a, src->ncores, src->nnodes, &t);
	if (r == 0) {
		r = rmpsim__topo_alloc_l3(t, src->nl3);
		if (r < 0)
			rmpsim_topology_destroy(t);
	}
	if (r < 0)
		return r;
	t->npackages = src->npackages;
	t->tpc = smt ? src->tpc : 1;
	t->ncpus = t->ncores * t->tpc;
	memcpy(t->core_node, src->core_node, src->ncores * sizeof(*t->core_node));
	memcpy(t->core_l3, src->core_l3, src->ncores * sizeof(*t->core_l3));
	memcpy(t->node_mem, src->node_mem, src->nnodes * sizeof(*t->node_mem));
	memcpy(t->node_pkg, src->node_pkg, src->nnodes * sizeof(*t->node_pkg));
	memcpy(t->l3_node, src->l3_node, src->nl3 * sizeof(*t->l3_node));
	memcpy(t->l3_ncores, src->l3_ncores, src->nl3 * sizeof(*t->l3_ncores));
	*ret_topo = t;
	return 0;
}

/* ---- hwloc ---- */

static unsigned pkg_index(hwloc_obj_t o)
{
	for (; o; o = o->parent)
		if (o->type == HWLOC_OBJ_PACKAGE)
			return o->logical_index;
	return 0;
}

/*
 * The NUMA node local to a core: hwloc attaches a node as a memory child of
 * the smallest object whose CPUs it covers, so it is found on the core itself
 * (a node of exactly one core's CPUs) or on the nearest ancestor that has
 * memory children (through memory-side caches).
 * When that ancestor has several nodes (e.g. DRAM and HBM), the first is the
 * core's node. NULL when no ancestor has one.
 */
static hwloc_obj_t core_numa(hwloc_obj_t core)
{
	for (hwloc_obj_t o = core; o; o = o->parent) {
		for (hwloc_obj_t m = o->memory_first_child; m;) {
			if (m->type == HWLOC_OBJ_NUMANODE)
				return m;
			m = m->memory_first_child ? m->memory_first_child : m->next_sibling;
		}
	}
	return NULL;
}

/*
 * Turn a loaded hwloc topology into ours, in time linear in the number of
 * PUs (every step walks one object's ancestors, never searches a cpuset).
 */
int rmpsim__topo_from_hwloc(const struct rmpsim_allocator *a, hwloc_topology_t h, struct rmpsim_diag *diag,
			    struct rmpsim_topology **ret_topo)
{
	int ncore = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_CORE);
	int nnuma = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_NUMANODE);
	int npu = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_PU);
	int npkg = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_PACKAGE);
	int nl3 = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_L3CACHE);
	/* Without a core level every PU is its own core (no SMT). */
	hwloc_obj_type_t core_type = ncore > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
	struct rmpsim_topology *t;
	unsigned *threads = NULL;
	int r;

	if (npu <= 0)
		return rmpsim_diag_fail(diag, -EINVAL, "the machine has no PU (processing unit)");
	if (nnuma <= 0)
		return rmpsim_diag_fail(diag, -EINVAL, "the machine has no NUMA node");
	if (npu > (int)RMPSIM_MAX_CPUS)
		return rmpsim_diag_fail(diag, -EINVAL, "%d PUs exceed %u CPUs", npu, RMPSIM_MAX_CPUS);
	if (ncore <= 0)
		ncore = npu;
	r = rmpsim__topo_alloc(a, (unsigned)ncore, (unsigned)nnuma, &t);
	if (r < 0)
		return r;
	t->npackages = npkg > 0 ? (unsigned)npkg : 1;
	for (int n = 0; n < nnuma; n++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(h, HWLOC_OBJ_NUMANODE, (unsigned)n);

		if (!o) {
			r = rmpsim_diag_fail(diag, -EINVAL, "hwloc lists no NUMA node %d of %d", n, nnuma);
			goto out;
		}
		t->node_mem[n] = o->attr ? o->attr->numanode.local_memory : 0;
		t->node_pkg[n] = pkg_index(o);
	}
	/* Threads per core: each PU counts towards its core. */
	threads = rmpsim__calloc(a, (size_t)ncore, sizeof(*threads));
	if (!threads) {
		r = -ENOMEM;
		goto out;
	}
	for (hwloc_obj_t pu = hwloc_get_next_obj_by_type(h, HWLOC_OBJ_PU, NULL); pu;
	     pu = hwloc_get_next_obj_by_type(h, HWLOC_OBJ_PU, pu)) {
		hwloc_obj_t core =
			core_type == HWLOC_OBJ_PU ? pu : hwloc_get_ancestor_obj_by_type(h, core_type, pu);

		if (!core || core->logical_index >= (unsigned)ncore) {
			r = rmpsim_diag_fail(diag, -EINVAL, "PU %u is in no core", pu->logical_index);
			goto out;
		}
		threads[core->logical_index]++;
	}
	for (int c = 0; c < ncore; c++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(h, core_type, (unsigned)c);
		hwloc_obj_t node = o ? core_numa(o) : NULL;

		if (!o) {
			r = rmpsim_diag_fail(diag, -EINVAL, "hwloc lists no core %d of %d", c, ncore);
			goto out;
		}
		if (c == 0)
			t->tpc = threads[0];
		if (threads[c] == 0) {
			/* Not mixed SMT: hwloc keeps a core whose PUs the file left out (found by fuzz_xml). */
			r = rmpsim_diag_fail(diag, -EINVAL, "core %d has no PU (processing unit)", c);
			goto out;
		}
		if (threads[c] != t->tpc) {
			r = rmpsim_diag_fail(diag, -EINVAL,
					     "core %d has %u threads but core 0 has %u (mixed SMT is not "
					     "supported)",
					     c, threads[c], t->tpc);
			goto out;
		}
		if (!node || node->logical_index >= (unsigned)nnuma) {
			r = rmpsim_diag_fail(diag, -EINVAL, "core %d is in no NUMA node", c);
			goto out;
		}
		t->core_node[c] = node->logical_index;
		if (nl3 > 0) {
			hwloc_obj_t l3 = hwloc_get_ancestor_obj_by_type(h, HWLOC_OBJ_L3CACHE, o);

			if (!l3 || l3->logical_index >= (unsigned)nl3) {
				r = rmpsim_diag_fail(diag, -EINVAL,
						     "core %d is under no L3 cache though the machine "
						     "has L3 caches",
						     c);
				goto out;
			}
			t->core_l3[c] = l3->logical_index;
		} else {
			/* A200: without L3 objects, each NUMA node is one L3 group. */
			t->core_l3[c] = t->core_node[c];
		}
	}
	r = topo_group_l3(t, nl3 > 0 ? (unsigned)nl3 : (unsigned)nnuma, diag);
	if (r == 0)
		r = topo_check(t, diag);
out:
	rmpsim__free(a, threads, (size_t)ncore * sizeof(*threads));
	if (r < 0) {
		rmpsim_topology_destroy(t);
		return r;
	}
	*ret_topo = t;
	return 0;
}

/*
 * A synthetic machine built from the shape our own pass read, without hwloc
 * (issue 14 point 3: hwloc's import compares each new object with its
 * siblings, quadratic in the width of a level: 2.6 s for 1,024 flat cores per
 * node). In hwloc's depth-first numbering core c lies in object c / (cores
 * per object) of every level above it, so each array is one pass, O(CPUs).
 * Returns 1 for shapes it does not cover, which go to hwloc: NUMA memory
 * below the cores, several "[numa]" tokens, a NUMA level above the packages,
 * a node attached above exactly one package, an L3 above the NUMA nodes. tests/machine and fuzz_synthetic compare both
 * ways on every description they build.
 */
static int topo_from_shape(const struct rmpsim_allocator *a, const struct rmpsim_synthetic_summary *sh,
			   struct rmpsim_diag *diag, struct rmpsim_topology **ret_topo)
{
	int core_lv = -1, numa_lv = -1, pkg_lv = -1, l3_lv = -1, node_lv;
	int pu_lv = (int)sh->nlevels - 1;
	uint64_t objects[RMPSIM__SYNTH_LEVELS], node_mem, n = 1;

	if (sh->nlevels == 0 || sh->type[pu_lv] != HWLOC_OBJ_PU)
		return 1;
	for (int l = 0; l <= pu_lv; l++) {
		/* hwloc keeps a group only where it adds structure (its default
		 * KEEP_STRUCTURE filter): one group per parent, or a group of one
		 * child, is merged away and its memory moves; hwloc builds those. */
		if (sh->type[l] == HWLOC_OBJ_GROUP && (sh->count[l] == 1 || sh->count[l + 1] == 1))
			return 1;
		n *= sh->count[l];
		objects[l] = n;
		if (sh->type[l] == HWLOC_OBJ_CORE)
			core_lv = l;
		else if (sh->type[l] == HWLOC_OBJ_NUMANODE)
			numa_lv = l;
		else if (sh->type[l] == HWLOC_OBJ_PACKAGE)
			pkg_lv = l;
		else if (sh->type[l] == HWLOC_OBJ_L3CACHE)
			l3_lv = l;
	}
	if (core_lv < 0)
		core_lv = pu_lv; /* each PU its own core, as from_hwloc reads it */
	if (numa_lv >= 0 && !sh->nattached) {
		node_lv = numa_lv;
		node_mem = sh->level_memory[numa_lv];
		if (pkg_lv > numa_lv)
			return 1;
	} else if (numa_lv < 0 && sh->nattached == 1) {
		node_lv = sh->attached_to; /* -1: the machine's */
		node_mem = sh->attached_memory;
	} else if (numa_lv < 0 && !sh->nattached) {
		node_lv = -1;
		node_mem = HWLOC_DEFAULT_NODE_MEMORY; /* A202 */
	} else {
		return 1;
	}
	if (node_lv > core_lv || (l3_lv >= 0 && l3_lv < node_lv))
		return 1;
	/* A node over exactly one package below it: hwloc attaches it to that package (found by libFuzzer). */
	if (node_lv >= 0 && pkg_lv > node_lv && objects[pkg_lv] == objects[node_lv])
		return 1;
	unsigned ncores = (unsigned)objects[core_lv], nnodes = node_lv >= 0 ? (unsigned)objects[node_lv] : 1;
	unsigned npkg = pkg_lv >= 0 ? (unsigned)objects[pkg_lv] : 1;
	unsigned nl3 = l3_lv >= 0 ? (unsigned)objects[l3_lv] : nnodes;
	struct rmpsim_topology *t;
	int r = rmpsim__topo_alloc(a, ncores, nnodes, &t);

	if (r < 0)
		return r;
	t->npackages = npkg;
	t->tpc = (unsigned)(objects[pu_lv] / ncores);
	for (unsigned i = 0; i < nnodes; i++) {
		t->node_mem[i] = node_mem;
		/* A node attached above the packages has no package ancestor: package 0 (pkg_index). */
		t->node_pkg[i] = pkg_lv >= 0 && pkg_lv <= node_lv ? i / (nnodes / npkg) : 0;
	}
	for (unsigned c = 0; c < ncores; c++) {
		t->core_node[c] = c / (ncores / nnodes);
		t->core_l3[c] = l3_lv >= 0 ? c / (ncores / nl3) : t->core_node[c]; /* A200 */
	}
	r = topo_group_l3(t, nl3, diag);
	if (r == 0)
		r = topo_check(t, diag);
	if (r < 0) {
		rmpsim_topology_destroy(t);
		return r;
	}
	*ret_topo = t;
	return 0;
}

static int from_synthetic(const struct rmpsim_allocator *a, const char *desc, struct rmpsim_diag *diag,
			  bool use_hwloc, struct rmpsim_topology **ret_topo)
{
	struct rmpsim_synthetic_summary want;
	struct rmpsim_topology *t;
	hwloc_topology_t h;
	int r;

	a = rmpsim__alloc_or_default(a);
	if (!ret_topo)
		return -EINVAL;
	if (!desc) {
		rmpsim_diag_at(diag, NULL, 1, 1);
		return rmpsim_diag_fail(diag, -EINVAL, "column 1: empty topology description");
	}
	r = rmpsim__synthetic_scan(desc, diag, &want);
	if (r < 0)
		return r;
	/* Other spellings go to hwloc, which decides (fuzz_synthetic found tabs, "memory=1GiB,"). */
	if (!use_hwloc && rmpsim__synthetic_plain(desc)) {
		r = topo_from_shape(a, &want, diag, ret_topo);
		if (r <= 0)
			return r;
	}
	if (hwloc_topology_init(&h) < 0)
		return -ENOMEM;
	if (hwloc_topology_set_synthetic(h, desc) < 0 || hwloc_topology_load(h) < 0) {
		hwloc_topology_destroy(h);
		rmpsim_diag_at(diag, NULL, 1, 1);
		return rmpsim_diag_fail(diag, -EINVAL,
					"column 1: hwloc rejected the synthetic description '%.200s' (see "
					"hwloc's synthetic syntax)",
					desc);
	}
	r = rmpsim__topo_from_hwloc(a, h, diag, &t);
	hwloc_topology_destroy(h);
	if (r < 0)
		return r;
	/* Our count and hwloc's agree (topology_synthetic.c reads hwloc's grammar). */
	if (t->ncpus != want.cpus || t->nnodes != want.nodes) {
		rmpsim_topology_destroy(t);
		rmpsim_diag_at(diag, NULL, 1, 1);
		return rmpsim_diag_fail(diag, -EINVAL,
					"column 1: hwloc made %u CPUs and %u NUMA nodes of '%.200s', rmpsim "
					"counted %u and %u",
					t->ncpus, t->nnodes, desc, want.cpus, want.nodes);
	}
	*ret_topo = t;
	return 0;
}

int rmpsim_topology_from_synthetic(const struct rmpsim_allocator *a, const char *desc,
				   struct rmpsim_diag *diag, struct rmpsim_topology **ret_topo)
{
	return from_synthetic(a, desc, diag, false, ret_topo);
}

int rmpsim__topology_from_synthetic_hwloc(const struct rmpsim_allocator *a, const char *desc,
					  struct rmpsim_diag *diag, struct rmpsim_topology **ret_topo)
{
	return from_synthetic(a, desc, diag, true, ret_topo);
}

int rmpsim_topology_default(const struct rmpsim_allocator *a, struct rmpsim_topology **ret_topo)
{
	/* 2 sockets x NPS2 x 4 L3 groups of 32 cores x 2 threads, 512 GiB per node (topology.h). */
	return rmpsim_topology_regular_l3(a, 2, 2, 4, 32, 2, 512ull << 30, ret_topo);
}

/* ---- queries ---- */

unsigned rmpsim_topology_ncpus(const struct rmpsim_topology *t)
{
	return t ? t->ncpus : 0;
}
unsigned rmpsim_topology_ncores(const struct rmpsim_topology *t)
{
	return t ? t->ncores : 0;
}
unsigned rmpsim_topology_nnodes(const struct rmpsim_topology *t)
{
	return t ? t->nnodes : 0;
}
unsigned rmpsim_topology_npackages(const struct rmpsim_topology *t)
{
	return t ? t->npackages : 0;
}
unsigned rmpsim_topology_threads_per_core(const struct rmpsim_topology *t)
{
	return t ? t->tpc : 0;
}

unsigned rmpsim_topology_cpu_core(const struct rmpsim_topology *t, unsigned cpu)
{
	return t && cpu < t->ncpus ? cpu % t->ncores : 0;
}

unsigned rmpsim_topology_cpu_thread(const struct rmpsim_topology *t, unsigned cpu)
{
	return t && cpu < t->ncpus ? cpu / t->ncores : 0;
}

unsigned rmpsim_topology_cpu_node(const struct rmpsim_topology *t, unsigned cpu)
{
	return t && cpu < t->ncpus ? t->core_node[cpu % t->ncores] : 0;
}

unsigned rmpsim_topology_cpu_package(const struct rmpsim_topology *t, unsigned cpu)
{
	return t && cpu < t->ncpus ? t->node_pkg[t->core_node[cpu % t->ncores]] : 0;
}

bool rmpsim_topology_cpu_is_primary(const struct rmpsim_topology *t, unsigned cpu)
{
	/* The kernel's rule: APIC ID LSB 0 = first thread of the core. */
	return t && cpu < t->ncores;
}

unsigned rmpsim_topology_cpu_siblings(const struct rmpsim_topology *t, unsigned cpu, unsigned *ret_cpus,
				      unsigned max)
{
	if (!t || cpu >= t->ncpus || (!ret_cpus && max))
		return 0;
	for (unsigned i = 0; i < t->tpc && i < max; i++)
		ret_cpus[i] = cpu % t->ncores + i * t->ncores;
	return t->tpc;
}

unsigned rmpsim_topology_core_cpu(const struct rmpsim_topology *t, unsigned core, unsigned thread)
{
	if (!t)
		return 0;
	if (core >= t->ncores || thread >= t->tpc)
		return t->ncpus;
	return core + thread * t->ncores;
}

unsigned rmpsim_topology_nl3(const struct rmpsim_topology *t)
{
	return t ? t->nl3 : 0;
}

unsigned rmpsim_topology_cpu_l3(const struct rmpsim_topology *t, unsigned cpu)
{
	return t && cpu < t->ncpus ? t->core_l3[cpu % t->ncores] : 0;
}

unsigned rmpsim_topology_l3_node(const struct rmpsim_topology *t, unsigned l3)
{
	return t && l3 < t->nl3 ? t->l3_node[l3] : 0;
}

unsigned rmpsim_topology_l3_ncores(const struct rmpsim_topology *t, unsigned l3)
{
	return t && l3 < t->nl3 ? t->l3_ncores[l3] : 0;
}

uint64_t rmpsim_topology_node_memory(const struct rmpsim_topology *t, unsigned node)
{
	return t && node < t->nnodes ? t->node_mem[node] : 0;
}

unsigned rmpsim_topology_node_package(const struct rmpsim_topology *t, unsigned node)
{
	return t && node < t->nnodes ? t->node_pkg[node] : 0;
}

uint64_t rmpsim_topology_total_memory(const struct rmpsim_topology *t)
{
	uint64_t s = 0;

	for (unsigned n = 0; t && n < t->nnodes; n++)
		s += t->node_mem[n];
	return s;
}
