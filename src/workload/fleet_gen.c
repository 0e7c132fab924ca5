/* SPDX-License-Identifier: MIT */
/*
 * rmpsim gen-fleet: a VM lifecycle log for users who have none (A466). VMs
 * arrive as a Poisson process (n arrivals over the duration: the arrival
 * times are n sorted uniform draws, which is a Poisson process conditioned on
 * its count), live an exponential time, and take a size from a table of
 * power-of-two instance sizes; some SNP VMs convert half their memory to
 * shared once during their life.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <rmpsim/fleet.h>

#include "base/alloc.h"
#include "base/rng.h"

#define GiB (1ull << 30)

/* A466: instance sizes (GiB) and their weights (percent). */
static const struct {
	unsigned gib, weight;
} sizes[] = { { 2, 10 }, { 4, 20 }, { 8, 25 }, { 16, 20 }, { 32, 15 }, { 64, 7 }, { 128, 3 } };

void rmpsim_fleet_gen_default(struct rmpsim_fleet_gen *ret)
{
	if (!ret)
		return;
	*ret = (struct rmpsim_fleet_gen){
		.vms = 1000,
		.duration_ns = 24ull * 3600 * 1000000000ull,
		.lifetime_mean_ns = 2ull * 3600 * 1000000000ull,
		.snp_percent = 60,
		.backing_percent = { 20, 70, 10 },
		.convert_percent = 20,
		.seed = 1,
	};
}

static double uniform(struct rmpsim_rng *r)
{
	return (double)(rmpsim__rng_next(r) >> 11) * 0x1p-53;
}

struct row {
	uint64_t t_ms;
	unsigned vm, action; /* enum rmpsim_fleet_action */
	uint64_t bytes;
};

static int by_time(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	if (a->t_ms != b->t_ms)
		return a->t_ms < b->t_ms ? -1 : 1;
	if (a->vm != b->vm) /* a VM's own rows keep their order through the sort: vm, then action */
		return a->vm < b->vm ? -1 : 1;
	return (a->action > b->action) - (a->action < b->action);
}

int rmpsim_fleet_generate(const struct rmpsim_fleet_gen *g, FILE *out, const struct rmpsim_allocator *alloc,
			  struct rmpsim_diag *diag)
{
	const struct rmpsim_allocator *a = rmpsim__alloc_or_default(alloc);
	struct rmpsim_rng rng;

	if (!g || !out)
		return -EINVAL;
	if (!g->vms || g->vms > RMPSIM_FLEET_MAX_VMS)
		return rmpsim_diag_fail(diag, -EINVAL, "--vms: expected 1 to %u VMs", RMPSIM_FLEET_MAX_VMS);
	if (!g->duration_ns || g->duration_ns > RMPSIM_FLEET_MAX_TIME_NS / 2)
		return rmpsim_diag_fail(diag, -EINVAL, "--hours: expected a duration up to 15 days");
	if (!g->lifetime_mean_ns)
		return rmpsim_diag_fail(diag, -EINVAL, "--lifetime: expected a mean lifetime above 0");
	if (g->snp_percent > 100 || g->convert_percent > 100 ||
	    g->backing_percent[0] + g->backing_percent[1] + g->backing_percent[2] != 100)
		return rmpsim_diag_fail(diag, -EINVAL,
					"expected percentages of at most 100, backings summing to 100");
	size_t nrows = (size_t)g->vms * 3;
	struct row *rows = rmpsim__calloc(a, nrows, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	uint64_t *vm_bytes = rmpsim__calloc(a, g->vms, sizeof(*vm_bytes));
	unsigned char *vm_kind = rmpsim__calloc(a, g->vms, 2);
	if (!vm_bytes || !vm_kind) {
		rmpsim__free(a, rows, nrows * sizeof(*rows));
		rmpsim__free(a, vm_bytes, g->vms * sizeof(*vm_bytes));
		rmpsim__free(a, vm_kind, (size_t)g->vms * 2);
		return -ENOMEM;
	}
	rmpsim__rng_seed(&rng, g->seed ^ 0x666c656574ull); /* "fleet" */
	uint64_t dur_ms = g->duration_ns / 1000000, end_ms = RMPSIM_FLEET_MAX_TIME_NS / 1000000;
	size_t n = 0;
	for (unsigned v = 0; v < g->vms; v++) {
		uint64_t t = (uint64_t)(uniform(&rng) * (double)dur_ms);
		double life = -log(1.0 - uniform(&rng)) * (double)(g->lifetime_mean_ns / 1000000);
		unsigned pick = (unsigned)rmpsim__rng_below(&rng, 100), acc = 0;
		size_t k = 0;
		for (; k + 1 < sizeof(sizes) / sizeof(sizes[0]); k++) {
			acc += sizes[k].weight;
			if (pick < acc)
				break;
		}
		unsigned bpick = (unsigned)rmpsim__rng_below(&rng, 100);
		unsigned backing = bpick < g->backing_percent[0]			   ? 0
				   : bpick < g->backing_percent[0] + g->backing_percent[1] ? 1
											   : 2;
		bool snp = rmpsim__rng_below(&rng, 100) < g->snp_percent;
		bool conv = snp && rmpsim__rng_below(&rng, 100) < g->convert_percent;
		double at = uniform(&rng);
		vm_bytes[v] = (uint64_t)sizes[k].gib * GiB;
		vm_kind[2 * v] = (unsigned char)backing;
		vm_kind[2 * v + 1] = snp;
		rows[n++] = (struct row){ t, v, RMPSIM_FLEET_LAUNCH, 0 };
		uint64_t life_ms = life < (double)end_ms ? (uint64_t)life + 1 : end_ms;
		if (conv && life_ms > 1)
			rows[n++] = (struct row){ t + (uint64_t)(at * (double)(life_ms - 1)), v,
						  RMPSIM_FLEET_CONVERT,
						  vm_bytes[v] / 2 / (backing == 2 ? GiB : 2ull << 20) *
							  (backing == 2 ? GiB : 2ull << 20) };
		if (t + life_ms < dur_ms) /* VMs still alive at the end keep running */
			rows[n++] = (struct row){ t + life_ms, v, RMPSIM_FLEET_TEARDOWN, 0 };
	}
	qsort(rows, n, sizeof(*rows), by_time);
	static const char *const bname[] = { "4K", "2M", "1G" };
	int err = fprintf(out,
			  "# rmpsim gen-fleet: %u VMs over %llu s, mean life %llu s, seed %llu\n"
			  "time,vm,action,size,backing,snp,node\n",
			  g->vms, (unsigned long long)(g->duration_ns / 1000000000ull),
			  (unsigned long long)(g->lifetime_mean_ns / 1000000000ull),
			  (unsigned long long)g->seed) < 0;
	for (size_t i = 0; i < n && !err; i++) {
		const struct row *r = &rows[i];
		if (r->action == RMPSIM_FLEET_LAUNCH)
			err = fprintf(out, "%llums,vm-%05u,launch,%lluG,%s,%s,any\n",
				      (unsigned long long)r->t_ms, r->vm + 1,
				      (unsigned long long)(vm_bytes[r->vm] / GiB), bname[vm_kind[2 * r->vm]],
				      vm_kind[2 * r->vm + 1] ? "yes" : "no") < 0;
		else if (r->action == RMPSIM_FLEET_CONVERT)
			err = fprintf(out, "%llums,vm-%05u,convert,%lluM\n", (unsigned long long)r->t_ms,
				      r->vm + 1, (unsigned long long)(r->bytes >> 20)) < 0;
		else
			err = fprintf(out, "%llums,vm-%05u,teardown\n", (unsigned long long)r->t_ms,
				      r->vm + 1) < 0;
	}
	rmpsim__free(a, rows, nrows * sizeof(*rows));
	rmpsim__free(a, vm_bytes, g->vms * sizeof(*vm_bytes));
	rmpsim__free(a, vm_kind, (size_t)g->vms * 2);
	return err ? -EIO : 0;
}
