/* SPDX-License-Identifier: MIT */
/*
 * Simulated time / wall time of one full leader/follower pass (issue 14
 * point 6), measured in one process for each policy named on the command line:
 *
 *   bench_pass [small|default] [detail] [POLICY...]   (default machine, the
 *                                 five pass policies of issue 14; detail: every
 *                                 IPI step by step, no rounds: --trace-detail)
 *
 * For each policy: SNP bring-up, SNP_INIT and the policy's setup on the
 * machine (default: rmpsim_topology_default(), 1,024 CPUs, 2 TiB), whose
 * first pass runs over an RMP that holds only itself (every other region
 * free). A first run finds when the pass starts and ends (its marks); a
 * second run stops at the start (rmpsim_sim_run_until), then runs to the end
 * under a wall clock; a third runs as the second, untimed. Prints the pass's
 * simulated time, its wall time, their ratio, the IPIs and RMPOPTs it
 * simulated and the trace hash (which must be the same in the last two: a
 * round is computed only when it ends before the run's limit, so a run cut at
 * other times may hash differently, docs/timing.md "Rounds"). The wall clock is the process's CPU
 * time (CLOCK_PROCESS_CPUTIME_ID): on a shared machine, time spent waiting for
 * a core is not the simulator's. Deterministic in everything but the
 * wall clock; docs/performance.md "Pass speed" has the figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rmpsim/kshim.h>
#include <rmpsim/machine.h>
#include <rmpsim/policy.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>

static const struct rmpsim_policy_ops *policy;
static int boot_rc;
static bool detail; /* rmpsim_sim_set_trace_detail */

static void boot_fn(void *arg)
{
	(void)arg;
	boot_rc = rmpsim_host_snp_prepare();
	if (!boot_rc)
		boot_rc = rmpsim_host_snp_init();
	if (!boot_rc)
		boot_rc = rmpsim_host_setup_rmpopt(policy);
}

struct world {
	struct rmpsim_topology *topo;
	struct rmpsim_machine *m;
	struct rmpsim_sim *sim;
	struct rmpsim_kernel *k;
};

static int world_create(struct world *w, bool small)
{
	struct rmpsim_machine_config cfg;
	struct rmpsim_diag diag;

	memset(w, 0, sizeof(*w));
	memset(&diag, 0, sizeof(diag));
	rmpsim_machine_config_default(&cfg);
	if (small) {
		cfg.mmio_hole_size = 0;
		if (rmpsim_topology_regular(NULL, 1, 1, 8, 2, 16ull << 30, &w->topo))
			return -1;
	} else if (rmpsim_topology_default(NULL, &w->topo)) {
		return -1;
	}
	if (rmpsim_machine_create(NULL, w->topo, &cfg, &diag, &w->m)) {
		fprintf(stderr, "machine: %s\n", diag.msg);
		return -1;
	}
	if (rmpsim_sim_create(NULL, w->m, NULL, 1, &w->sim))
		return -1;
	rmpsim_sim_set_trace_detail(w->sim, detail);
	if (rmpsim_kernel_create(NULL, w->sim, &w->k) || rmpsim_kernel_boot(w->k, boot_fn, NULL))
		return -1;
	return 0;
}

static void world_destroy(struct world *w)
{
	rmpsim_kernel_destroy(w->k);
	rmpsim_sim_destroy(w->sim);
	rmpsim_machine_destroy(w->m);
	rmpsim_topology_destroy(w->topo);
}

/* The first pass's marks: start and done times; false when none ran. */
static bool pass_marks(struct rmpsim_sim *sim, uint64_t *start, uint64_t *done)
{
	bool s = false;
	for (size_t i = 0, n = rmpsim_sim_mark_count(sim); i < n; i++) {
		const struct rmpsim_mark *mk = rmpsim_sim_mark_get(sim, i);
		if (!s && !strcmp(mk->name, "rmpopt_pass_start")) {
			*start = mk->time_ps;
			s = true;
		} else if (s && !strcmp(mk->name, "rmpopt_pass_done")) {
			*done = mk->time_ps;
			return true;
		}
	}
	return false;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t sum_stat(struct rmpsim_sim *sim, bool ipis)
{
	uint64_t n = 0;
	for (unsigned c = 0; c < rmpsim_sim_ncpus(sim); c++) {
		struct rmpsim_cpu_stats st;
		if (rmpsim_sim_cpu_stats(sim, c, &st))
			continue;
		if (ipis)
			n += st.ipis;
		else
			for (unsigned k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
				n += st.rmpopt[k];
	}
	return n;
}

/* The measured part, apart so that callgrind can count it alone
 * (valgrind --tool=callgrind --toggle-collect=timed_pass). */
__attribute__((noinline)) static int timed_pass(struct rmpsim_sim *sim, uint64_t done)
{
	return rmpsim_sim_run_until(sim, done);
}

static int bench(const char *name, bool small)
{
	struct world w;
	uint64_t start = 0, done = 0;

	policy = rmpsim_policy_find(name);
	if (!policy) {
		fprintf(stderr, "unknown policy %s\n", name);
		return -1;
	}
	/* Dry run: where the pass is. */
	if (world_create(&w, small) || rmpsim_sim_run(w.sim) || boot_rc)
		return -1;
	bool found = pass_marks(w.sim, &start, &done);
	world_destroy(&w);
	if (!found) {
		fprintf(stderr, "%s: no pass ran\n", name);
		return -1;
	}
	/* Untimed, cut where the timed run is: the reference hash. */
	if (world_create(&w, small) || rmpsim_sim_run_until(w.sim, start) < 0 ||
	    rmpsim_sim_run_until(w.sim, done) < 0 || rmpsim_sim_run(w.sim))
		return -1;
	uint64_t hash1 = rmpsim_sim_trace_hash(w.sim);
	world_destroy(&w);
	/* Timed run: the pass alone under the wall clock. */
	if (world_create(&w, small) || rmpsim_sim_run_until(w.sim, start) < 0)
		return -1;
	uint64_t ipis0 = sum_stat(w.sim, true), rmpopts0 = sum_stat(w.sim, false);
	double t0 = now_s();
	if (timed_pass(w.sim, done) < 0)
		return -1;
	double wall = now_s() - t0;
	uint64_t ipis = sum_stat(w.sim, true) - ipis0, rmpopts = sum_stat(w.sim, false) - rmpopts0;
	if (rmpsim_sim_run(w.sim) || rmpsim_sim_trace_hash(w.sim) != hash1) {
		fprintf(stderr, "%s: the timed run differs from the untimed one\n", name);
		return -1;
	}
	double sim_s = (double)(done - start) * 1e-12;
	printf("%-12s pass %12.3f us  wall %10.3f ms  sim/wall %9.1fx  ipis %8llu  rmpopts %8llu  hash "
	       "%016llx\n",
	       name, sim_s * 1e6, wall * 1e3, sim_s / wall, (unsigned long long)ipis,
	       (unsigned long long)rmpopts, (unsigned long long)hash1);
	world_destroy(&w);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const all[] = { "v10", "naive", "three-case", "percpu", "targeted" };
	bool small = false;
	int i = 1, rc = 0;

	if (i < argc && (!strcmp(argv[i], "small") || !strcmp(argv[i], "default")))
		small = !strcmp(argv[i++], "small");
	if (i < argc && !strcmp(argv[i], "detail"))
		detail = ++i > 0;
	if (i == argc) {
		for (size_t j = 0; j < sizeof(all) / sizeof(all[0]); j++)
			rc |= bench(all[j], small) != 0;
	} else {
		for (; i < argc; i++)
			rc |= bench(argv[i], small) != 0;
	}
	return rc;
}
