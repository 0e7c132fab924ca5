/* SPDX-License-Identifier: MIT */
/*
 * The IPI benchmark an IPI table is compared with (A422): CPU 0 calls
 * smp_call_function_many() with wait to CPUs 1..N and an empty function,
 * once to warm up and once measured; the measured call's time on the sender
 * is the prediction. A benchmark that repeats the call back to back keeps its
 * targets in shallow idle, as the call right after the warm-up finds them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/machine.h>
#include <rmpsim/sim.h>
#include <rmpsim/workload.h>

#include "calib/calib.h"

#define BITS (8 * sizeof(unsigned long))

struct bench {
	const unsigned *targets;
	size_t n;
	double *ret_ns;
	unsigned long *mask;
	unsigned ncpus;
	int err;
};

static void empty_fn(struct rmpsim_sim *sim, unsigned cpu, void *arg)
{
	(void)sim;
	(void)cpu;
	(void)arg;
}

static void sender(struct rmpsim_sim *sim, void *arg)
{
	struct bench *b = arg;
	size_t words = (b->ncpus + BITS - 1) / BITS;

	for (size_t i = 0; i < b->n && !b->err; i++) {
		memset(b->mask, 0, words * sizeof(unsigned long));
		for (unsigned c = 1; c <= b->targets[i]; c++)
			b->mask[c / BITS] |= 1ul << (c % BITS);
		uint64_t t0 = 0;
		for (int k = 0; k < 2 && !b->err; k++) { /* warm-up, then measured */
			t0 = rmpsim_sim_now(sim);
			b->err = rmpsim_sim_ipi_many(sim, b->mask, empty_fn, NULL, RMPSIM_IPI_WAIT);
		}
		b->ret_ns[i] = (double)(rmpsim_sim_now(sim) - t0) / 1000.0;
	}
}

int calib_ipi_bench(const char *machine, const struct rmpsim_profile *p, const unsigned *targets, size_t n,
		    double *ret_ns, struct rmpsim_diag *diag)
{
	struct rmpsim_machine *m = NULL;
	struct rmpsim_sim *sim = NULL;
	int r = rmpsim_workload_machine(NULL, machine ? machine : "", &m, diag);
	if (r)
		return r;
	struct bench b = { targets, n, ret_ns, NULL, rmpsim_machine_ncpus(m), 0 };
	for (size_t i = 0; i < n; i++) {
		if (targets[i] < 1 || targets[i] >= b.ncpus) {
			rmpsim_machine_destroy(m);
			return rmpsim_diag_fail(diag, -EINVAL,
						"%u targets: the machine has CPUs 1..%u besides the sender",
						targets[i], b.ncpus - 1);
		}
	}
	b.mask = calloc((b.ncpus + BITS - 1) / BITS, sizeof(unsigned long));
	r = b.mask ? rmpsim_sim_create(NULL, m, p, 1, &sim) : -ENOMEM;
	if (!r)
		r = rmpsim_sim_spawn(sim, &(struct rmpsim_proc_attr){ .name = "ipi-bench", .cpu = 0 }, sender,
				     &b, NULL);
	if (!r)
		r = rmpsim_sim_run(sim);
	if (!r && b.err)
		r = rmpsim_diag_fail(diag, b.err, "the IPI benchmark could not send its calls");
	if (sim)
		rmpsim_sim_destroy(sim);
	rmpsim_machine_destroy(m);
	free(b.mask);
	return r;
}
