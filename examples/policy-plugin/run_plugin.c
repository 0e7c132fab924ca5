/* SPDX-License-Identifier: MIT */
/*
 * Load an out-of-tree policy and run its first pass on a small machine
 * (4 cores x 2 threads, 8 GiB): afterwards every core must have RMPOPT bits
 * for exactly the free 1 GB regions, the leader must have scanned each region
 * once and every other core's primary must have followed once per region.
 *
 *	run_plugin ./every_other.so
 */
#include <stdio.h>
#include <string.h>

#include <rmpsim/kshim.h>
#include <rmpsim/machine.h>
#include <rmpsim/policy.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>

#define GIB (1ull << 30)
#define NREG 8u

struct boot {
	const struct rmpsim_policy_ops *ops;
	int rc;
};

static void boot_fn(void *arg)
{
	struct boot *b = arg;

	b->rc = rmpsim_host_snp_prepare();
	if (!b->rc)
		b->rc = rmpsim_host_snp_init();
	if (!b->rc)
		b->rc = rmpsim_host_setup_rmpopt(b->ops);
}

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			failed = 1;                                            \
		}                                                              \
	} while (0)

int main(int argc, char **argv)
{
	struct rmpsim_topology *topo = NULL;
	struct rmpsim_machine *m = NULL;
	struct rmpsim_sim *sim = NULL;
	struct rmpsim_kernel *k = NULL;
	struct rmpsim_machine_config cfg;
	struct rmpsim_diag diag;
	struct boot b = { NULL, 1 };
	unsigned cpu, core, r, leader = ~0u, passes = 0;
	size_t i, loglen;
	int failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PLUGIN.so\n", argv[0]);
		return 2;
	}
	memset(&diag, 0, sizeof(diag));
	if (rmpsim_policy_load_plugin(argv[1], &diag, &b.ops, NULL)) {
		fprintf(stderr, "%s\n", diag.msg);
		return 1;
	}
	printf("loaded policy '%s': %s\n", b.ops->name, b.ops->description);

	rmpsim_machine_config_default(&cfg);
	cfg.mmio_hole_size = 0;
	if (rmpsim_topology_regular(NULL, 1, 1, 4, 2, NREG * GIB, &topo) ||
	    rmpsim_machine_create(NULL, topo, &cfg, &diag, &m) ||
	    rmpsim_sim_create(NULL, m, NULL, 1, &sim) ||
	    rmpsim_kernel_create(NULL, sim, &k) ||
	    rmpsim_kernel_boot(k, boot_fn, &b) || rmpsim_sim_run(sim)) {
		fprintf(stderr, "cannot set up the machine\n");
		return 1;
	}
	CHECK(b.rc == 0);

	for (i = 0; i < rmpsim_sim_mark_count(sim); i++) {
		const struct rmpsim_mark *mk = rmpsim_sim_mark_get(sim, i);

		if (!strcmp(mk->name, "rmpopt_leader_done"))
			leader = (unsigned)mk->a;
		passes += !strcmp(mk->name, "rmpopt_pass_done");
	}
	CHECK(passes == 1);
	CHECK(leader < 8);

	/* bits = free regions, on every core */
	for (core = 0; core < 4; core++)
		for (r = 0; r < NREG; r++)
			CHECK(rmpsim_machine_region_optimized(m, core, r) ==
			      rmpsim_rmp_1g_is_free(rmpsim_machine_rmp(m),
						    r * GIB));
	/* leader: one RMPOPT per region; other primaries the same; secondaries none */
	for (cpu = 0; cpu < 8; cpu++) {
		struct rmpsim_cpu_counters c;
		uint64_t n = 0;
		unsigned kind;

		rmpsim_machine_counters(m, cpu, &c);
		for (kind = 0; kind < RMPSIM_RMPOPT_NKINDS; kind++)
			n += c.rmpopt[kind];
		if (cpu == leader ||
		    (rmpsim_topology_cpu_is_primary(topo, cpu) &&
		     rmpsim_topology_cpu_core(topo, cpu) !=
			     rmpsim_topology_cpu_core(topo, leader)))
			CHECK(n == NREG);
		else
			CHECK(n == 0);
	}
	CHECK(strstr(rmpsim_kernel_dmesg(k, &loglen), "two-wave RMPOPT") != NULL);

	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
	rmpsim_machine_destroy(m);
	rmpsim_topology_destroy(topo);
	printf("%s\n", failed ? "FAIL" : "ok");
	return failed;
}
