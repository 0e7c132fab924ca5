/* SPDX-License-Identifier: MIT */
/*
 * One full v10 pass for callgrind (docs/performance.md); not a test.
 *
 *   bench_v10_pass small|default pass|boot
 *
 * small: 8 cores x 2 threads, 16 GiB; default: rmpsim_topology_default()
 * (1024 CPUs, 2 TiB). "pass": SNP bring-up, setup, the first pass, shutdown.
 * "boot": the same with the pass cancelled before it starts, so that the
 * difference of the two instruction counts is the pass.
 */
#include <stdio.h>
#include <string.h>

#include <rmpsim/kshim.h>
#include <rmpsim/machine.h>
#include <rmpsim/policy.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>

#include "ktest.h"

static int run_pass;
static int rc;

static void boot_fn(void *arg)
{
	(void)arg;
	rc = rmpsim_host_snp_prepare();
	if (!rc)
		rc = rmpsim_host_snp_init();
	if (!rc)
		rc = rmpsim_host_setup_rmpopt(NULL);
	if (rc)
		return;
	if (run_pass)
		ktest_msleep(60000); /* far longer than one pass */
	rmpsim_host_snp_shutdown();
}

int main(int argc, char **argv)
{
	struct rmpsim_topology *topo = NULL;
	struct rmpsim_machine_config cfg;
	struct rmpsim_machine *m = NULL;
	struct rmpsim_sim *sim = NULL;
	struct rmpsim_kernel *k = NULL;
	struct rmpsim_diag diag;
	size_t i, n;

	if (argc != 3) {
		fprintf(stderr, "usage: %s small|default pass|boot\n", argv[0]);
		return 2;
	}
	run_pass = !strcmp(argv[2], "pass");
	memset(&diag, 0, sizeof(diag));
	rmpsim_machine_config_default(&cfg);
	if (!strcmp(argv[1], "small")) {
		cfg.mmio_hole_size = 0;
		if (rmpsim_topology_regular(NULL, 1, 1, 8, 2, 16ull << 30, &topo))
			return 1;
	} else if (rmpsim_topology_default(NULL, &topo)) {
		return 1;
	}
	if (rmpsim_machine_create(NULL, topo, &cfg, &diag, &m)) {
		fprintf(stderr, "machine: %s\n", diag.msg);
		return 1;
	}
	if (rmpsim_sim_create(NULL, m, NULL, 1, &sim) || rmpsim_kernel_create(NULL, sim, &k) ||
	    rmpsim_kernel_boot(k, boot_fn, NULL) || rmpsim_sim_run(sim))
		return 1;
	n = rmpsim_sim_mark_count(sim);
	for (i = 0; i < n; i++) {
		const struct rmpsim_mark *mk = rmpsim_sim_mark_get(sim, i);

		printf("%-20s t=%llu ps cpu=%u\n", mk->name, (unsigned long long)mk->time_ps, mk->cpu);
	}
	printf("rc=%d cpus=%u\n", rc, rmpsim_machine_ncpus(m));
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
	rmpsim_machine_destroy(m);
	rmpsim_topology_destroy(topo);
	return rc != 0;
}
