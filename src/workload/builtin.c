/* SPDX-License-Identifier: MIT */
/*
 * The built-in review scenarios (design.md section 1; spec 1.13, Dave Hansen's
 * list): full of private memory, the worst case (last 4 KB page of every GB
 * private), empty (after teardown) and empty again, each with 4K/2M/1G backing.
 */
#include <stdio.h>
#include <string.h>

#include <rmpsim/workload.h>

static const struct rmpsim_builtin builtins[] = {
	{ "full", RMPSIM_WL_STATE_FULL, "RAM full of private guest memory (all RAM the guests can get)" },
	{ "worst", RMPSIM_WL_STATE_WORST, "the last 4K page of every GB private" },
	{ "empty", RMPSIM_WL_STATE_EMPTY,
	  "after teardown of every guest: one pass that finds everything free" },
	{ "empty-again", RMPSIM_WL_STATE_EMPTY_AGAIN, "a second pass on an already optimised machine" },
};

const struct rmpsim_builtin *rmpsim_builtins(size_t *ret_n)
{
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
	*ret_n = sizeof(bench) / sizeof(bench[0]);
	return bench;
}

int rmpsim_scenario_builtin(const char *name, enum rmpsim_backing backing,
			    const struct rmpsim_allocator *alloc, struct rmpsim_scenario *ret_s)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		if (strcmp(builtins[i].name, name) != 0)
			continue;
		struct rmpsim_scenario s;
		rmpsim_scenario_init(&s, alloc);
		snprintf(s.name, sizeof(s.name), "%s", name);
		s.state = builtins[i].state;
		s.backing = backing;
		*ret_s = s;
		return 0;
	}
	return -ENOENT;
}
