/* SPDX-License-Identifier: MIT */
/*
 * Set-up cost against the CPU count (issue 14 points 3 and 6): build the
 * machine of a synthetic description, its sim and its kernel, as a run does
 * before its first event, and print the peak RSS so far. Each phase is its
 * own function so that callgrind counts it alone (--toggle-collect=phase_*);
 * the instruction counts at 1,024 .. 8,192 CPUs give the growth exponent
 * (docs/performance.md, "Scaling"). Wall-clock times are printed for
 * information only.
 *
 *   bench_setup CPUS [MEMORY_TIB]   CPUS: 1024, 2048, 4096 or 8192 (default 2 TiB per 1,024 CPUs)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rmpsim/kshim.h>
#include <rmpsim/machine.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

__attribute__((noinline)) static struct rmpsim_topology *phase_topology(const char *desc)
{
	struct rmpsim_topology *t = NULL;
	struct rmpsim_diag d = { 0 };

	if (rmpsim_topology_from_synthetic(NULL, desc, &d, &t)) {
		fprintf(stderr, "bench_setup: %s\n", d.msg);
		exit(1);
	}
	return t;
}

__attribute__((noinline)) static struct rmpsim_machine *phase_machine(const struct rmpsim_topology *t)
{
	struct rmpsim_machine *m = NULL;
	struct rmpsim_diag d = { 0 };

	if (rmpsim_machine_create(NULL, t, NULL, &d, &m)) {
		fprintf(stderr, "bench_setup: machine: %s\n", d.msg);
		exit(1);
	}
	return m;
}

__attribute__((noinline)) static struct rmpsim_sim *phase_sim(struct rmpsim_machine *m)
{
	struct rmpsim_sim *s = NULL;

	if (rmpsim_sim_create(NULL, m, NULL, 1, &s)) {
		fprintf(stderr, "bench_setup: sim\n");
		exit(1);
	}
	return s;
}

__attribute__((noinline)) static struct rmpsim_kernel *phase_kernel(struct rmpsim_sim *s)
{
	struct rmpsim_kernel *k = NULL;

	if (rmpsim_kernel_create(NULL, s, &k)) {
		fprintf(stderr, "bench_setup: kernel\n");
		exit(1);
	}
	return k;
}

int main(int argc, char **argv)
{
	unsigned cpus = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 1024;
	unsigned tib = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : cpus / 512;
	char desc[160];

	if (cpus < 1024 || cpus > 8192 || cpus % 1024 || !tib || tib % 2 || tib > 64) {
		fprintf(stderr, "usage: bench_setup CPUS (1024..8192, a multiple of 1024) [TIB, even]\n");
		return 2;
	}
	/* 2 sockets x 2 nodes, L3 groups of 32 cores (8 threads x 2 each), as the default machine. */
	snprintf(desc, sizeof(desc), "pack:2 numa:2(memory=%uGiB) l3:%u core:32 pu:2", tib * 256, cpus / 256);
	double t0 = now_s();
	struct rmpsim_topology *t = phase_topology(desc);
	double t1 = now_s();
	struct rmpsim_machine *m = phase_machine(t);
	double t2 = now_s();
	struct rmpsim_sim *s = phase_sim(m);
	double t3 = now_s();
	struct rmpsim_kernel *k = phase_kernel(s);
	double t4 = now_s();
	printf("set-up %u CPUs, %u TiB (%s): topology %.3f s, machine %.3f s, sim %.3f s, kernel %.3f s, "
	       "total %.3f s (wall, informational); peak RSS %ld KB\n",
	       cpus, tib, desc, t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0, peak_rss_kb());
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(s);
	rmpsim_machine_destroy(m);
	rmpsim_topology_destroy(t);
	return 0;
}
