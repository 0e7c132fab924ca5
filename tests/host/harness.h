/* SPDX-License-Identifier: MIT */
/*
 * A small simulated machine with a kernel on it, for the host layer's tests:
 * topology (packages x cores x threads, memory, no MMIO hole unless asked),
 * machine, sim with the default profile, kernel. Run kernel code with
 * h_boot()/h_spawn() and h_run().
 */
#ifndef RMPSIM_TEST_HOST_HARNESS_H
#define RMPSIM_TEST_HOST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/kshim.h>
#include <rmpsim/machine.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>

struct h_machine {
	struct rmpsim_topology *topo;
	struct rmpsim_machine *m;
	struct rmpsim_sim *sim;
	struct rmpsim_kernel *k;
	unsigned ncpus, ncores;
	struct h_track *track; /* h_create_oopsing */
};

/* cores x threads CPUs in one node of mem bytes; no MMIO hole. */
void h_create(struct h_machine *h, unsigned cores, unsigned threads, uint64_t mem);
/*
 * The same with the kernel allocating through a tracking allocator whose
 * leftovers h_destroy() frees: for tests whose kernel oopses, since an oopsed
 * task never frees what it holds (as in Linux).
 */
/* With a contiguous RMP (no segmented RMP, so no RMPOPT_EN, spec 1.3). */
void h_create_contiguous(struct h_machine *h, unsigned cores, unsigned threads, uint64_t mem);
void h_create_oopsing(struct h_machine *h, unsigned cores, unsigned threads, uint64_t mem);
void h_destroy(struct h_machine *h);
void h_boot(struct h_machine *h, void (*fn)(void *), void *arg);
void h_spawn(struct h_machine *h, unsigned cpu, void (*fn)(void *), void *arg);
void h_run(struct h_machine *h);

/* The i-th mark named name (0-based), or NULL. */
const struct rmpsim_mark *h_mark(struct h_machine *h, const char *name, size_t i);
size_t h_mark_count(struct h_machine *h, const char *name);
/* RMPOPTs cpu executed of each kind so far (machine counters). */
uint64_t h_rmpopt(struct h_machine *h, unsigned cpu, enum rmpsim_rmpopt_kind kind);
uint64_t h_rmpopt_all(struct h_machine *h, unsigned cpu);
uint64_t h_rdmsr(struct h_machine *h, unsigned cpu, uint32_t msr);
/* Whether dmesg contains text. */
bool h_dmesg_has(struct h_machine *h, const char *text);
unsigned h_core(struct h_machine *h, unsigned cpu);
bool h_primary(struct h_machine *h, unsigned cpu);

#include "ktest.h"

#endif
