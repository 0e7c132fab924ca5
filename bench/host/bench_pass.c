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
 * simulated, its minor page faults (BENCH_PASS_PERF=1: its start and end on
 * CLOCK_MONOTONIC to stderr, for perf record -k CLOCK_MONOTONIC) and the
 * trace hash (which must be the same in the last two: a
 * round is computed only when it ends before the run's limit, so a run cut at
 * other times may hash differently, docs/timing.md "Rounds"). The wall clock is the process's CPU
 * time (CLOCK_PROCESS_CPUTIME_ID): on a shared machine, time spent waiting for
 * a core is not the simulator's. Deterministic in everything but the
 * wall clock; docs/performance.md "Pass speed" has the figures.
 *
 *   bench_pass machine DESC [detail] [POLICY...]   (issue 14's "8,192 CPUs,
 *                                 16 TiB: set-up + one pass in <= 2 s, RSS <=
 *                                 256 MiB with an empty RMP"; default policy v10)
 *
 * On the synthetic machine DESC, in ONE run per policy (a machine that size
 * makes a dry run as dear as the measured one): the set-up (topology, machine,
 * sim, kernel: setup_world), the boot up to the first pass's start, and the
 * pass (timed_pass), stopped at the pass's marks by a trace hook that takes
 * rounds. Prints CPU and wall time of each part, set-up + pass, the pass's
 * simulated time / CPU time, its IPIs and RMPOPTs, and the process's peak RSS
 * (getrusage; run one policy per process for a per-policy peak). callgrind:
 * --toggle-collect=setup_world or --toggle-collect=timed_pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

/* desc: a synthetic machine description, or NULL for small / the default machine. */
static int world_create(struct world *w, bool small, const char *desc)
{
	struct rmpsim_machine_config cfg;
	struct rmpsim_diag diag;

	memset(w, 0, sizeof(*w));
	memset(&diag, 0, sizeof(diag));
	rmpsim_machine_config_default(&cfg);
	if (desc) {
		if (rmpsim_topology_from_synthetic(NULL, desc, &diag, &w->topo)) {
			fprintf(stderr, "machine '%s': %s\n", desc, diag.msg);
			return -1;
		}
	} else if (small) {
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

static void shutdown_fn(void *arg)
{
	(void)arg;
	rmpsim_host_snp_shutdown(); /* the policy's cleanup frees what its setup took */
}

/* After a run: shut SNP down as a run does (LeakSanitizer), then free the world. */
static void world_destroy(struct world *w)
{
	if (w->k && !boot_rc && !rmpsim_kernel_spawn(w->k, "shutdown", 0, shutdown_fn, NULL))
		rmpsim_sim_run(w->sim);
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

/* Minor page faults so far: a first touch of a heap page costs ~10 us on
 * the VM the figures come from, more than thousands of instructions, and
 * callgrind does not see it (docs/performance.md "Page faults"). */
static long minor_faults(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
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

/* With BENCH_PASS_PERF=1 in the environment, each timed pass's start and
 * end on CLOCK_MONOTONIC go to stderr, to cut a `perf record -k
 * CLOCK_MONOTONIC` profile to the pass: the simulated CPUs run on fibers,
 * whose stacks do not unwind to timed_pass. */
static bool perf_marks;

static void perf_mark(const char *what)
{
	if (!perf_marks)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "bench_pass %s %lld.%09ld\n", what, (long long)ts.tv_sec, ts.tv_nsec);
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
	if (world_create(&w, small, NULL) || rmpsim_sim_run(w.sim) || boot_rc)
		return -1;
	bool found = pass_marks(w.sim, &start, &done);
	world_destroy(&w);
	if (!found) {
		fprintf(stderr, "%s: no pass ran\n", name);
		return -1;
	}
	/* Untimed, cut where the timed run is: the reference hash. */
	if (world_create(&w, small, NULL) || rmpsim_sim_run_until(w.sim, start) < 0 ||
	    rmpsim_sim_run_until(w.sim, done) < 0 || rmpsim_sim_run(w.sim))
		return -1;
	uint64_t hash1 = rmpsim_sim_trace_hash(w.sim);
	world_destroy(&w);
	/* Timed run: the pass alone under the wall clock. */
	if (world_create(&w, small, NULL) || rmpsim_sim_run_until(w.sim, start) < 0)
		return -1;
	uint64_t ipis0 = sum_stat(w.sim, true), rmpopts0 = sum_stat(w.sim, false);
	uint64_t rounds0, memo0, rounds, memo;
	rmpsim_sim_round_counts(w.sim, &rounds0, &memo0);
	long faults0 = minor_faults();
	perf_mark("pass-start");
	double t0 = now_s();
	int pass_rc = timed_pass(w.sim, done);
	double wall = now_s() - t0;
	perf_mark("pass-end");
	if (pass_rc < 0)
		return -1;
	long faults = minor_faults() - faults0;
	rmpsim_sim_round_counts(w.sim, &rounds, &memo);
	uint64_t skipped, skips = rmpsim_sim_run_period_skips(w.sim, &skipped); /* runs in periods */
	uint64_t ahead_v, aheads = rmpsim_sim_run_look_aheads(w.sim, &ahead_v); /* A310 */
	uint64_t ipis = sum_stat(w.sim, true) - ipis0, rmpopts = sum_stat(w.sim, false) - rmpopts0;
	if (rmpsim_sim_run(w.sim) || rmpsim_sim_trace_hash(w.sim) != hash1) {
		fprintf(stderr, "%s: the timed run differs from the untimed one\n", name);
		return -1;
	}
	double sim_s = (double)(done - start) * 1e-12;
	printf("%-12s pass %12.3f us  wall %10.3f ms  sim/wall %9.1fx  ipis %8llu  rmpopts %8llu  rounds "
	       "%5llu "
	       "(memo %5llu)  skips %4llu (%8llu verifies)  ahead %4llu (%6llu verifies)  faults %4ld  hash "
	       "%016llx\n",
	       name, sim_s * 1e6, wall * 1e3, sim_s / wall, (unsigned long long)ipis,
	       (unsigned long long)rmpopts, (unsigned long long)(rounds - rounds0),
	       (unsigned long long)(memo - memo0), (unsigned long long)skips, (unsigned long long)skipped,
	       (unsigned long long)aheads, (unsigned long long)ahead_v, faults, (unsigned long long)hash1);
	world_destroy(&w);
	return 0;
}

/* ---- bench_pass machine DESC: set-up + one pass in one run ---- */

static double wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Stops the run at the first pass's start, then at its end. */
struct pass_stop {
	struct rmpsim_sim *sim;
	const char *want; /* the mark to stop at next; NULL: none */
	uint64_t at_ps;	  /* its time */
};

static void stop_at_mark(void *ctx, const struct rmpsim_trace_rec *rec)
{
	struct pass_stop *ps = ctx;
	if (rec->kind != RMPSIM_TRACE_MARK || !ps->want)
		return;
	const struct rmpsim_mark *mk = rmpsim_sim_mark_get(ps->sim, (size_t)rec->id);
	if (mk && !strcmp(mk->name, ps->want)) {
		ps->at_ps = mk->time_ps;
		ps->want = NULL;
		rmpsim_sim_stop(ps->sim);
	}
}

/* The set-up alone, for callgrind (--toggle-collect=setup_world). */
__attribute__((noinline)) static int setup_world(struct world *w, const char *desc)
{
	return world_create(w, false, desc);
}

/* The pass alone in one run (started at its start mark): run to its done mark. */
__attribute__((noinline)) static int timed_pass_to_mark(struct rmpsim_sim *sim)
{
	return rmpsim_sim_run(sim);
}

static int bench_machine(const char *name, const char *desc)
{
	struct world w;
	struct pass_stop ps = { .want = "rmpopt_pass_start" };

	policy = rmpsim_policy_find(name);
	if (!policy) {
		fprintf(stderr, "unknown policy %s\n", name);
		return -1;
	}
	double c0 = now_s(), w0 = wall_s();
	if (setup_world(&w, desc))
		return -1;
	double c1 = now_s(), w1 = wall_s();
	ps.sim = w.sim;
	rmpsim_sim_set_trace_rounds(w.sim, true); /* the hook reads marks only: rounds stay */
	rmpsim_sim_set_trace_hook(w.sim, stop_at_mark, &ps);
	if (rmpsim_sim_run(w.sim) < 0 || boot_rc || ps.want) {
		fprintf(stderr, "%s: no pass started (boot %d)\n", name, boot_rc);
		world_destroy(&w);
		return -1;
	}
	uint64_t start = ps.at_ps;
	double c2 = now_s(), w2 = wall_s();
	uint64_t ipis0 = sum_stat(w.sim, true), rmpopts0 = sum_stat(w.sim, false);
	ps.want = "rmpopt_pass_done";
	double c3 = now_s(), w3 = wall_s();
	if (timed_pass_to_mark(w.sim) < 0 || ps.want) {
		fprintf(stderr, "%s: the pass did not end\n", name);
		world_destroy(&w);
		return -1;
	}
	double c4 = now_s(), w4 = wall_s();
	uint64_t ipis = sum_stat(w.sim, true) - ipis0, rmpopts = sum_stat(w.sim, false) - rmpopts0;
	double sim_s = (double)(ps.at_ps - start) * 1e-12;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("%s on %s (%u CPUs)\n", name, desc, rmpsim_sim_ncpus(w.sim));
	printf("  set-up       CPU %8.3f s  wall %8.3f s  (topology, machine, sim, kernel)\n", c1 - c0,
	       w1 - w0);
	printf("  boot to pass CPU %8.3f s  wall %8.3f s\n", c2 - c1, w2 - w1);
	printf("  pass         CPU %8.3f s  wall %8.3f s  simulated %.3f ms  sim/CPU %.2fx  ipis %llu  "
	       "rmpopts %llu\n",
	       c4 - c3, w4 - w3, sim_s * 1e3, sim_s / (c4 - c3), (unsigned long long)ipis,
	       (unsigned long long)rmpopts);
	uint64_t rounds, memo;
	rmpsim_sim_round_counts(w.sim, &rounds, &memo);
	printf("  rounds so far %llu, from a memo %llu\n", (unsigned long long)rounds,
	       (unsigned long long)memo);
	printf("  set-up + pass CPU %7.3f s  wall %8.3f s  (target <= 2 s)\n", (c1 - c0) + (c4 - c3),
	       (w1 - w0) + (w4 - w3));
	printf("  set-up to pass end CPU %.3f s  wall %.3f s; peak RSS %ld KiB (target <= 262144)\n", c4 - c0,
	       w4 - w0, ru.ru_maxrss);
	world_destroy(&w);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const all[] = { "v10", "naive", "three-case", "percpu", "targeted" };
	bool small = false;
	int i = 1, rc = 0;

	const char *desc = NULL;
	const char *perf_env = getenv("BENCH_PASS_PERF");
	perf_marks = perf_env && !strcmp(perf_env, "1");
	if (i + 1 < argc && !strcmp(argv[i], "machine")) {
		desc = argv[i + 1];
		i += 2;
	} else if (i < argc && (!strcmp(argv[i], "small") || !strcmp(argv[i], "default"))) {
		small = !strcmp(argv[i++], "small");
	}
	if (i < argc && !strcmp(argv[i], "detail"))
		detail = ++i > 0;
	if (desc) {
		if (i == argc)
			return bench_machine("v10", desc) != 0;
		for (; i < argc; i++)
			rc |= bench_machine(argv[i], desc) != 0;
		return rc;
	}
	if (i == argc) {
		for (size_t j = 0; j < sizeof(all) / sizeof(all[0]); j++)
			rc |= bench(all[j], small) != 0;
	} else {
		for (; i < argc; i++)
			rc |= bench(argv[i], small) != 0;
	}
	return rc;
}
