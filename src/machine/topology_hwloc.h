/* SPDX-License-Identifier: MIT */
/* The pieces of topology.c that topology_xml.c builds on. */
#ifndef RMPSIM_MACHINE_TOPOLOGY_HWLOC_H
#define RMPSIM_MACHINE_TOPOLOGY_HWLOC_H

#include <hwloc.h>

#include <rmpsim/topology.h>

/* An empty topology of ncores cores and nnodes nodes (no L3 groups yet). */
int rmpsim__topo_alloc(const struct rmpsim_allocator *a, unsigned ncores, unsigned nnodes,
		       struct rmpsim_topology **ret);
/* Its L3 group arrays. */
int rmpsim__topo_alloc_l3(struct rmpsim_topology *t, unsigned nl3);
/* Our flat copy of a loaded hwloc topology, checked (topology.h). */
int rmpsim__topo_from_hwloc(const struct rmpsim_allocator *a, hwloc_topology_t h, struct rmpsim_diag *diag,
			    struct rmpsim_topology **ret_topo);
/* rmpsim_topology_from_synthetic() through hwloc's import always (the direct build's reference). */
int rmpsim__topology_from_synthetic_hwloc(const struct rmpsim_allocator *a, const char *desc,
					  struct rmpsim_diag *diag, struct rmpsim_topology **ret_topo);
/*
 * The checks rmpsim_topology_from_xml makes before hwloc reads the file (its
 * size, its PU and NUMANode counts); diag names the file. For fuzz_xml, which
 * must know which files hwloc may be given at all.
 */
int rmpsim__topology_xml_prescan(const char *path, struct rmpsim_diag *diag);
/*
 * hwloc's import of the file, in this process, as rmpsim_topology_from_xml's
 * child runs it: *ret_h is the loaded topology (0), or NULL and a message.
 * For fuzz_xml, which re-reads in process a file that hwloc survived in the
 * child, so that rmpsim's conversion runs where ASan and coverage see it.
 */
int rmpsim__topology_xml_hwloc_load(const char *path, hwloc_topology_t *ret_h, struct rmpsim_diag *diag);
/* How far rmpsim_topology_from_xml got: for fuzz_xml, which must tell
 * hwloc's failures (not its findings) from rmpsim's without reading the
 * messages (rewording one must not blind it). */
enum rmpsim__xml_stage {
	RMPSIM__XML_PRESCAN,	   /* refused before hwloc was given the file (or a bad argument) */
	RMPSIM__XML_NOT_STARTED,   /* the import's child could not be started */
	RMPSIM__XML_HWLOC_DIED,	   /* hwloc died reading the file, or ran out of time, in the child */
	RMPSIM__XML_HWLOC_REFUSED, /* hwloc refused the file */
	RMPSIM__XML_CONVERTED,	   /* hwloc read it: rmpsim's conversion ran (its answer, or its crash) */
};
/* rmpsim_topology_from_xml(), and how far it got into *ret_stage (may be NULL). */
int rmpsim__topology_from_xml_stage(const struct rmpsim_allocator *a, const char *path,
				    struct rmpsim_diag *diag, struct rmpsim_topology **ret_topo,
				    enum rmpsim__xml_stage *ret_stage);
/*
 * Tests only: called in rmpsim_topology_from_xml's child once hwloc has read
 * the file, where rmpsim's own conversion begins (NULL: nothing). A test
 * makes the child die there, to see the import report a bug in rmpsim (-EIO,
 * RMPSIM_ERR_INTERNAL) and not blame the file.
 */
extern void (*rmpsim__xml_child_after_hwloc)(void);

#endif
