/* SPDX-License-Identifier: MIT */
/*
 * The built-in review scenarios (design.md section 1; spec 1.13, Dave Hansen's
 * list): full of private memory, the worst case (last 4 KB page of every GB
 * private), empty (after teardown) and empty again, each with 4K/2M/1G backing.
 */
#include <stdio.h>
#include <string.h>

#include <rmpsim/workload.h>

#include "cotenant_knobs.h"

static const struct rmpsim_builtin builtins[] = {
	{ "full", RMPSIM_WL_STATE_FULL, "RAM full of private guest memory (all RAM the guests can get)" },
	{ "worst", RMPSIM_WL_STATE_WORST, "the last 4K page of every GB private" },
	{ "empty", RMPSIM_WL_STATE_EMPTY,
	  "after teardown of every guest: one pass that finds everything free" },
	{ "empty-again", RMPSIM_WL_STATE_EMPTY_AGAIN, "a second pass on an already optimised machine" },
	{ "perf2-serial", RMPSIM_WL_STATE_EMPTY,
	  "self-check: spec 1.12 C's serial measurement (regions outer, CPUs inner, smp_call_on_cpu) "
	  "on a 1,024-CPU, 1,038 GiB machine after guest shutdown" },
	{ "cotenant", RMPSIM_WL_STATE_COTENANT,
	  "co-tenants (issue 17): per node an SNP guest and a non-SNP one (half the RAM each), non-SNP "
	  "vCPUs on every CPU no host process takes, host and guest write traffic; jitter and benefit "
	  "of the pass" },
	{ "perf2-parallel", RMPSIM_WL_STATE_EMPTY,
	  "self-check: spec 1.12 C's parallel measurement (each region IPI'd to every CPU at once)" },
};

/*
 * The machine of spec 1.12 A/C: 1,024 CPUs (2 sockets, NPS2, 32-core L3
 * groups as the default machine), RAM up to PA 0x10380000000 (1,038 GiB of
 * address space, 1,037 GiB of RAM besides the 1 GiB MMIO hole of A40).
 */
#define PERF2_MACHINE "pack:2 group:2 [numa(memory=278367731712)] l3:4 core:32 pu:2"

const struct rmpsim_builtin *rmpsim_builtins(size_t *ret_n)
{
	if (ret_n)
		*ret_n = sizeof(builtins) / sizeof(builtins[0]);
	return builtins;
}

/* The reviewers' matrix: {full, empty, empty-again} x {4K, 2M, 1G} plus the
 * worst case, which is a 4K page by definition. */
static const struct rmpsim_bench_run bench[] = {
	{ "full", RMPSIM_BACKING_4K },	      { "full", RMPSIM_BACKING_2M },
	{ "full", RMPSIM_BACKING_1G },	      { "worst", RMPSIM_BACKING_4K },
	{ "empty", RMPSIM_BACKING_4K },	      { "empty", RMPSIM_BACKING_2M },
	{ "empty", RMPSIM_BACKING_1G },	      { "empty-again", RMPSIM_BACKING_4K },
	{ "empty-again", RMPSIM_BACKING_2M }, { "empty-again", RMPSIM_BACKING_1G },
};

const struct rmpsim_bench_run *rmpsim_benchmark_runs(size_t *ret_n)
{
	if (ret_n)
		*ret_n = sizeof(bench) / sizeof(bench[0]);
	return bench;
}

int rmpsim_scenario_builtin(const char *name, enum rmpsim_backing backing,
			    const struct rmpsim_allocator *alloc, struct rmpsim_scenario *ret_s)
{
	if (!name || !ret_s)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		if (strcmp(builtins[i].name, name) != 0)
			continue;
		struct rmpsim_scenario s;
		rmpsim_scenario_init(&s, alloc);
		snprintf(s.name, sizeof(s.name), "%s", name);
		s.state = builtins[i].state;
		s.backing = backing;
		if (s.state == RMPSIM_WL_STATE_COTENANT) /* A443, A445, A446 */
			rmpsim__cotenant_defaults(&s.cotenant, RMPSIM_VCPUS_AUTO);
		if (!strncmp(name, "perf2-", 6)) { /* the measurement is its own policy */
			snprintf(s.policy, sizeof(s.policy), "%s", name);
			snprintf(s.machine, sizeof(s.machine), "%s", PERF2_MACHINE);
		}
		*ret_s = s;
		return 0;
	}
	return -ENOENT;
}
