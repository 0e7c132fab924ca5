/* SPDX-License-Identifier: MIT */
/*
 * Workloads: guests, their backing and placement, lifecycle events, host write
 * traffic, scenario files and the built-in review scenarios (design.md 1), and
 * the result of one measured RMPOPT pass (docs/internal/contracts.md).
 *
 * A scenario says what the machine runs; rmpsim_workload_run() boots the
 * simulated host (snp_prepare, SNP_INIT, snp_setup_rmpopt and its first pass),
 * brings the RMP into the scenario's state, lets the policy run one pass and
 * measures it from the pass's tracepoints.
 *
 * Thread safety: scenarios and results are plain data. rmpsim_workload_run()
 * runs kernel-style code, so one run at a time per process (contracts.md,
 * "Kernel state in kernel-style code").
 *
 * Bad input: a NULL scenario, text, path, name or ret argument is -EINVAL
 * with nothing written (so is adding to a scenario rmpsim_scenario_init never
 * set up); init and free take NULL; rmpsim_unc_percentile of NULL is 0.
 */
#ifndef RMPSIM_WORKLOAD_H
#define RMPSIM_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/alloc.h>
#include <rmpsim/error.h>
#include <rmpsim/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RMPSIM_WL_NAME_MAX 64
#define RMPSIM_WL_PATH_MAX 512

/* How a guest's memory is mapped. 1G backing is held by 2 MB RMP entries:
 * only 4 KB and 2 MB RMP entries exist (spec 3.1, 3.5). */
enum rmpsim_backing { RMPSIM_BACKING_4K = 0, RMPSIM_BACKING_2M = 1, RMPSIM_BACKING_1G = 2 };

/* "4K", "2M", "1G". */
const char *rmpsim_backing_name(enum rmpsim_backing b);
/* Parse "4K"/"4k", "2M"/"2m", "1G"/"1g": 0 or -EINVAL. */
int rmpsim_backing_parse(const char *s, enum rmpsim_backing *ret_backing);

/* ---- Results ---- */

#define RMPSIM_COTENANT_HIST_BUCKETS 64 /* 1 us each */
/* Per-CPU co-tenant figures kept per run: one entry per CPU up to this many
 * CPUs (the default machine's 1,024), else per group of consecutive CPUs (A490). */
#define RMPSIM_COTENANT_CPU_ENTRIES 1024

/* One measured pass (contracts.md). Times are virtual nanoseconds. */
struct rmpsim_run_result {
	char policy[RMPSIM_WL_NAME_MAX];
	char scenario[RMPSIM_WL_NAME_MAX];
	enum rmpsim_backing backing;

	uint64_t pass_ns;     /* pass_done - pass_start */
	uint64_t leader_ns;   /* leader_done - pass_start */
	uint64_t follower_ns; /* pass_done - leader_done */
	int leader_cpu;	      /* CPU that ran the leader loop; -1 when the policy has none */

	uint64_t cpu_busy_max_ns;    /* busy time during the pass, the busiest CPU */
	uint64_t cpu_busy_median_ns; /* the median CPU (lower median for an even count) */
	/* CPUs busy at all during the pass, and their (lower) median busy time: with
	 * primary-thread followers half the CPUs stay idle and the all-CPU median is
	 * 0, which hides what each participating CPU paid (A116). */
	uint64_t cpus_active;
	uint64_t cpu_busy_median_active_ns;
	uint64_t irq_off_max_ns; /* longest interrupts-off stretch on any CPU during the pass */

	uint64_t rmpopt_executed; /* RMPOPT instructions (function 0) during the pass */
	uint64_t rmpopt_scanned;  /* ... of which full scans */
	uint64_t rmpopt_early_exit;
	uint64_t rmpopt_cache_hit;
	uint64_t ipis_sent; /* IPIs (one per target CPU) during the pass */
	/* Per-instruction cost of the pass's RMPOPTs (function 0), in cycles at the
	 * profile's clock (spec 1.12's unit), and the RMP lines verifies read. */
	uint64_t rmpopt_cycles_min, rmpopt_cycles_mean, rmpopt_cycles_max;
	uint64_t scan_lines_read;
	uint64_t scan_lines_from_dram;
	/* Where the running maximum of per-RMPOPT cycles rose during the pass, in
	 * order (spec 1.12 C's "max cycle on cpu" lines): the first 32. */
	struct {
		unsigned cpu;
		uint64_t cycles;
	} rmpopt_max_rises[32];
	unsigned rmpopt_nrises;

	uint64_t regions_optimized; /* 1 GB regions of the pass range optimised on every programmed core */
	uint64_t regions_total;	    /* 1 GB regions in the pass range */

	uint64_t ram_bytes;	/* RAM of the machine */
	uint64_t private_bytes; /* bytes assigned to guests when the pass started */
	uint64_t skip_bytes;	/* RAM bytes whose hypervisor writes skip RMP checks on every CPU */
	double skip_share;	/* skip_bytes / ram_bytes */

	uint64_t host_writes_checked; /* host write traffic after the pass (0 if none) */
	uint64_t host_writes_skipped;
	uint64_t host_writes_faulted;

	uint64_t seed;
	uint64_t trace_hash;

	/* Co-tenant jitter (issue 17; docs/scenarios.md "Co-tenants"): what the
	 * pass cost the non-SNP vCPUs. vcpus = 0: none configured, not reported. */
	struct rmpsim_cotenant_result {
		uint64_t vcpus;		    /* CPUs that ran a co-tenant vCPU through the pass */
		uint64_t interruptions;	    /* times the host took a vCPU's CPU, all of them */
		uint64_t interruptions_max; /* ... the most on one CPU */
		int interruptions_max_cpu;
		uint64_t stolen_ns;	/* exit + host work + entry, all vCPUs */
		uint64_t stolen_max_ns; /* ... the most on one CPU */
		int stolen_max_cpu;
		uint64_t stretch_max_ns; /* the longest single stretch */
		int stretch_max_cpu;
		uint64_t hist[RMPSIM_COTENANT_HIST_BUCKETS]; /* stretches by whole microseconds */
		uint64_t hist_over; /* ... of RMPSIM_COTENANT_HIST_BUCKETS us or more */
		/* Per CPU (A490): entry i covers CPUs [i * cpus_per_entry, (i + 1) *
		 * cpus_per_entry); nentries = ceil(ncpus / cpus_per_entry). A CPU the host
		 * took (A443) or without a vCPU counts 0 everywhere. */
		unsigned nentries, cpus_per_entry;
		uint16_t cpu_vcpus[RMPSIM_COTENANT_CPU_ENTRIES];	 /* CPUs with a vCPU in the entry */
		uint64_t cpu_interruptions[RMPSIM_COTENANT_CPU_ENTRIES]; /* summed over the entry's CPUs */
		uint64_t cpu_stolen_ns[RMPSIM_COTENANT_CPU_ENTRIES];	 /* summed */
		uint64_t
			cpu_stretch_max_ns[RMPSIM_COTENANT_CPU_ENTRIES]; /* the longest of the entry's CPUs */
	} cotenant;
	/* The benefit side (issue 17 point 2; A445-A447), computed from rates, not
	 * simulated: fills_per_s = 0: no traffic configured, not reported. */
	struct rmpsim_benefit_result {
		uint64_t fills_per_s;		/* write TLB fills per second of execution, all CPUs */
		uint64_t checked_without_per_s; /* fills that pay an RMP lookup without RMPOPT */
		uint64_t checked_with_per_s;	/* ... with it, after the pass */
		uint64_t saved_ns_per_s;	/* lookup time saved per second of execution, all CPUs */
		uint64_t saved_max_ns_per_s;	/* ... the CPU that saves most, per second of its execution */
		uint64_t saved_min_ns_per_s;	/* ... the CPU that saves least */
		uint64_t pass_cost_ns;		/* CPU time the pass took: host busy + vCPU exits/entries */
		uint64_t breakeven_us; /* pass_cost / saved: seconds of execution, in us; UINT64_MAX never */
	} benefit;
};

/* ---- Scenarios ---- */

/* The RMP state a built-in scenario prepares before its measured pass. */
enum rmpsim_wl_state {
	RMPSIM_WL_STATE_EVENTS = 0,  /* only the scenario's own guests and events */
	RMPSIM_WL_STATE_FULL,	     /* RAM full of private guest memory (A110) */
	RMPSIM_WL_STATE_WORST,	     /* the last 4 KB page of every GB private (A112) */
	RMPSIM_WL_STATE_EMPTY,	     /* full, then everything torn down (A113) */
	RMPSIM_WL_STATE_EMPTY_AGAIN, /* empty, then a second pass is measured (A113) */
	RMPSIM_WL_STATE_COTENANT,    /* per node: an SNP guest and a non-SNP one, half each (A444) */
};
const char *rmpsim_wl_state_name(enum rmpsim_wl_state s);
int rmpsim_wl_state_parse(const char *s, enum rmpsim_wl_state *ret_state);

/* Where a value was written in a scenario file (line 0: not from a file), for messages. */
struct rmpsim_wl_pos {
	unsigned line, col;
};

/*
 * Co-tenants and write traffic ([cotenant] of a scenario file,
 * docs/scenarios.md "Co-tenants"; A440-A447).
 */
#define RMPSIM_COTENANT_MAX_RANGES 64
enum rmpsim_vcpus_mode {
	RMPSIM_VCPUS_NONE = 0, /* no co-tenant vCPU */
	RMPSIM_VCPUS_AUTO,     /* every CPU where no host process runs (A443) */
	RMPSIM_VCPUS_LIST,     /* the CPUs of list[] */
};
struct rmpsim_cpu_range {
	uint64_t lo, hi; /* inclusive */
};
struct rmpsim_cotenant {
	enum rmpsim_vcpus_mode vcpus;
	struct rmpsim_cpu_range list[RMPSIM_COTENANT_MAX_RANGES];
	size_t nlist;
	struct rmpsim_wl_pos vcpus_pos; /* checked against the machine when it runs */
	/* Write TLB fills per second of execution (A445); 0 = none. */
	uint64_t host_fills_per_s;   /* every CPU, into host memory (RAM no SNP guest holds) */
	uint64_t guest_fills_per_s;  /* every vCPU CPU, into the non-SNP guests' memory */
	unsigned rmp_l3_hit_percent; /* RMP lines of the checks found in the L3 (A446) */
	struct rmpsim_cpu_range host_regions[RMPSIM_COTENANT_MAX_RANGES]; /* 1 GB regions; n = 0: all */
	size_t nhost_regions;
	struct rmpsim_wl_pos host_regions_pos;
};
/* Defaults of a [cotenant] section and the built-in `cotenant` (A445, A446). */
#define RMPSIM_COTENANT_HOST_FILLS  500000ull
#define RMPSIM_COTENANT_GUEST_FILLS 500000ull
#define RMPSIM_COTENANT_L3_HIT	    50u

struct rmpsim_guest {
	char name[RMPSIM_WL_NAME_MAX];
	bool snp;		       /* SNP guest (private memory) or not (shared only) */
	enum rmpsim_backing backing;   /* 4K, 2M or 1G */
	uint64_t bytes;		       /* size; a multiple of the backing page size */
	int node;		       /* NUMA node for its memory; -1 = lowest free address */
	struct rmpsim_wl_pos pos;      /* its [guest NAME] line */
	struct rmpsim_wl_pos node_pos; /* its node = value */
};

enum rmpsim_wl_event_kind {
	RMPSIM_EV_LAUNCH = 0,  /* rmp_make_private over the guest's memory (SNP guests) */
	RMPSIM_EV_TEARDOWN,    /* back to shared, then the sev_vm_destroy-like hook */
	RMPSIM_EV_TRIGGER,     /* the policy's trigger (snp_rmpopt_all_physmem) */
	RMPSIM_EV_HOST_WRITES, /* count host writes through the machine's write check */
};

struct rmpsim_wl_event {
	uint64_t time_ns; /* virtual time after boot */
	enum rmpsim_wl_event_kind kind;
	unsigned guest; /* LAUNCH, TEARDOWN: index into guests */
	uint64_t count; /* HOST_WRITES: number of writes */
	unsigned line;	/* line in the scenario file (0 for built-ins), for messages */
};

struct rmpsim_scenario {
	char name[RMPSIM_WL_NAME_MAX];
	char file[RMPSIM_WL_PATH_MAX]; /* the scenario file ("" for built-ins), for messages */
	struct rmpsim_wl_pos machine_pos, profile_pos, policy_pos;
	char machine[RMPSIM_WL_PATH_MAX]; /* "" = default machine; else synthetic string or XML path */
	char profile[RMPSIM_WL_PATH_MAX]; /* "" = default profile; else INI path */
	char policy[RMPSIM_WL_NAME_MAX];  /* "" = the caller's (CLI) policy */
	uint64_t seed;
	bool has_seed;
	enum rmpsim_wl_state state;
	enum rmpsim_backing backing; /* for built-in states */
	uint64_t host_reserve;	     /* bytes left to the host when filling RAM (A111) */
	uint64_t host_writes;	     /* host writes counted after the pass (A114) */

	struct rmpsim_cotenant cotenant; /* [cotenant] */

	struct rmpsim_guest *guests;
	size_t nguests;
	struct rmpsim_wl_event *events; /* sorted by time, file order among equal times */
	size_t nevents;

	const struct rmpsim_allocator *alloc; /* owns guests and events */
	size_t guests_cap, events_cap;
};

/* Default host reserve for filled states (A111). */
#define RMPSIM_WL_DEFAULT_HOST_RESERVE (4ull << 30)

/* Initialise an empty scenario (no allocation). */
void rmpsim_scenario_init(struct rmpsim_scenario *s, const struct rmpsim_allocator *alloc);
/* Release guests and events; the scenario is empty again afterwards. */
void rmpsim_scenario_free(struct rmpsim_scenario *s);
int rmpsim_scenario_add_guest(struct rmpsim_scenario *s, const struct rmpsim_guest *g);
int rmpsim_scenario_add_event(struct rmpsim_scenario *s, const struct rmpsim_wl_event *e);

/*
 * Parse a scenario file (INI, docs/scenarios.md). On failure returns -EINVAL
 * (bad content, *diag names file:line:col and what was expected), -ENOENT/-EIO
 * (cannot read), or -ENOMEM; *ret_s is untouched on failure.
 * Relative machine and profile paths are resolved against the file's folder.
 */
int rmpsim_scenario_parse_file(const char *path, const struct rmpsim_allocator *alloc,
			       struct rmpsim_scenario *ret_s, struct rmpsim_diag *diag);
/* The same from text; file names the text in messages (may be NULL). */
int rmpsim_scenario_parse_string(const char *text, const char *file, const struct rmpsim_allocator *alloc,
				 struct rmpsim_scenario *ret_s, struct rmpsim_diag *diag);

/*
 * Set one key of a scenario as its file would (section "scenario", "guest
 * NAME" or "cotenant", docs/scenarios.md): the same checks; the guest must
 * exist; a scenario without co-tenants gets the [cotenant] defaults first. 0, or
 * -EINVAL with *diag (no location: the caller says where the value came
 * from); *s is unchanged on failure.
 */
int rmpsim_scenario_set(struct rmpsim_scenario *s, const char *section, const char *key, const char *value,
			struct rmpsim_diag *diag);

/* ---- Built-in scenarios (the reviewers' matrix) ---- */

struct rmpsim_builtin {
	const char *name;
	enum rmpsim_wl_state state;
	const char *description;
};
/* The built-in scenario names in benchmark order; *ret_n entries. */
const struct rmpsim_builtin *rmpsim_builtins(size_t *ret_n);

/* The benchmark matrix: (scenario, backing) pairs in run order. */
struct rmpsim_bench_run {
	const char *scenario;
	enum rmpsim_backing backing;
};
const struct rmpsim_bench_run *rmpsim_benchmark_runs(size_t *ret_n);

/* Fill *ret_s with built-in `name` with the given backing: 0, or -ENOENT. */
int rmpsim_scenario_builtin(const char *name, enum rmpsim_backing backing,
			    const struct rmpsim_allocator *alloc, struct rmpsim_scenario *ret_s);

/* ---- Running ---- */

struct rmpsim_machine; /* machine.h */
/*
 * The machine of a description, as runs build it: NULL or "" the default
 * machine, a path ending in .xml an hwloc XML file, else an hwloc synthetic
 * string. 0 or -errno with *diag. Destroy with rmpsim_machine_destroy.
 */
int rmpsim_workload_machine(const struct rmpsim_allocator *a, const char *desc, struct rmpsim_machine **ret,
			    struct rmpsim_diag *diag);

struct rmpsim_sim;	       /* sim.h */
struct rmpsim_trace_rec;       /* sim.h */
struct rmpsim_round_stretches; /* sim.h */

struct rmpsim_run_options {
	const char *machine;			    /* NULL/"" = scenario's, else default machine */
	const char *profile;			    /* NULL/"" = scenario's, else default profile */
	const struct rmpsim_profile *profile_value; /* when set: this profile, not a file (sweeps, draws) */
	const char *policy;			    /* NULL/"" = scenario's, else "v10" */
	const char *policy_plugin;		    /* path of a plugin .so, or NULL */
	uint64_t seed;
	bool has_seed;				    /* else the scenario's seed, else 1 */
	void (*dmesg)(void *ctx, const char *line); /* kernel log lines, or NULL */
	void *dmesg_ctx;
	/* Every record of the sim's trace hook (sim.h), from boot to shutdown, or
	 * NULL: the timelines of the report layer. */
	void (*trace)(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_trace_rec *rec);
	void *trace_ctx;
	/* The record kinds trace wants, a bit (1u << kind) each (RMPSIM_TRACE_KIND_BIT),
	 * or 0 for every kind: a default run makes about 100 million records, and a
	 * hook that needs a few kinds is not called for the others (the histograms'
	 * RMPSIM_HIST_TRACE_KINDS). */
	uint32_t trace_kinds;
	/* The run's simulated time now and then (every few thousand trace
	 * records), or NULL: a progress display. Observes only. */
	void (*progress)(void *ctx, uint64_t sim_now_ps);
	void *progress_ctx;
	/* --trace-detail: every IPI step by step and hashed, no rounds (docs/timing.md
	 * "Rounds"); a trace writer above (trace) implies it. */
	bool trace_detail;
	/* With trace and trace_kinds within RMPSIM_TRACE_ROUND_KINDS (rounds kept,
	 * docs/timing.md "Rounds"): each round's interrupts-off stretches in one call
	 * (ctx = trace_ctx; sim.h rmpsim_sim_set_round_stretch_hook) instead of its
	 * RMPSIM_TRACE_IRQOFF records through trace; NULL: record by record. The
	 * histograms' rmpsim_hist_round_hook. */
	void (*trace_round_stretches)(void *ctx, struct rmpsim_sim *sim,
				      const struct rmpsim_round_stretches *r);
};

/*
 * Run one scenario and measure its pass. Returns 0 and fills *ret_result;
 * -EINVAL with *diag for bad input (machine, profile, policy, guests that do
 * not fit); -ENOENT for an unknown policy; -ENOMEM; -EOPNOTSUPP when no pass
 * ran. *ret_result is untouched on failure.
 */
int rmpsim_workload_run(const struct rmpsim_scenario *s, const struct rmpsim_run_options *opt,
			const struct rmpsim_allocator *alloc, struct rmpsim_run_result *ret_result,
			struct rmpsim_diag *diag);

/* ---- Uncertainty: Latin-hypercube draws over the profile's ranges (uncertainty.c) ---- */

/*
 * rmpsim --uncertainty N (docs/cli.md "Uncertainty"; A240-A244). Each of the
 * profile's numeric parameters with low < high is drawn N times, one draw in
 * each of N equal strata of its range, strata shuffled independently per
 * parameter (Latin hypercube); switches and fixed parameters keep the base
 * profile's value. Each draw is a full run. Deterministic: the draws depend only
 * on the seed, N and the base profile's ranges, never on the worker count.
 */
#define RMPSIM_UNC_MIN_DRAWS 2u		/* a slope needs two points */
#define RMPSIM_UNC_MAX_DRAWS 4096u	/* strata x sub-steps fit 32 bits (A240) */
#define RMPSIM_UNC_SUBSTEPS  (1u << 20) /* positions inside one stratum */

/* The measured times that get a band: "pass_ns", "leader_ns", "follower_ns",
 * "cpu_busy_max_ns", "irq_off_max_ns" in JSON. */
enum rmpsim_unc_metric {
	RMPSIM_UNC_PASS_NS = 0,
	RMPSIM_UNC_LEADER_NS,
	RMPSIM_UNC_FOLLOWER_NS,
	RMPSIM_UNC_CPU_BUSY_MAX_NS,
	RMPSIM_UNC_IRQ_OFF_MAX_NS,
	RMPSIM_UNC_NMETRICS
};
/* The metric's value in a run result (its field of the same name). */
static inline uint64_t rmpsim_unc_metric_value(const struct rmpsim_run_result *r, enum rmpsim_unc_metric m)
{
	switch (m) {
	case RMPSIM_UNC_PASS_NS: return r->pass_ns;
	case RMPSIM_UNC_LEADER_NS: return r->leader_ns;
	case RMPSIM_UNC_FOLLOWER_NS: return r->follower_ns;
	case RMPSIM_UNC_CPU_BUSY_MAX_NS: return r->cpu_busy_max_ns;
	case RMPSIM_UNC_IRQ_OFF_MAX_NS: return r->irq_off_max_ns;
	default: return 0;
	}
}

/* 5th, 50th and 95th percentiles by nearest rank (rmpsim_unc_percentile). */
struct rmpsim_band {
	uint64_t p5, p50, p95;
};

/* One bar of the tornado: how parameter `param` moves pass_ns (A242, A243). */
struct rmpsim_sensitivity {
	unsigned param;		/* index in the profile's parameter table (rmpsim_profile_param) */
	uint64_t lo, hi;	/* its range in the base profile, stored units */
	char name[64];		/* "section.key" */
	char low[32], high[32]; /* lo and hi as the profile file writes them */
	int64_t pass_ns_change; /* least-squares slope of pass_ns on the position u in [0, 1): low -> high */
	int rank_corr_milli;	/* Spearman's rank correlation of pass_ns with the draw, x 1000, rounded */
};

struct rmpsim_uncertainty {
	unsigned ndraws;
	struct rmpsim_band bands[RMPSIM_UNC_NMETRICS];
	/* A243: a bar this size can come from chance alone: two standard errors of a
	 * slope on a parameter without effect, 2 sqrt(12) sd(pass_ns) / sqrt(N - 1). */
	uint64_t change_noise_ns;
	unsigned nsens; /* parameters drawn; sens[] sorted by |pass_ns_change|, then table order */
	struct rmpsim_sensitivity sens[RMPSIM_PROFILE_NPARAMS];
};

/*
 * Nearest-rank percentile of n >= 1 sorted values: the value of rank
 * ceil(pct * n / 100) (at least 1), 1-based (A241).
 */
uint64_t rmpsim_unc_percentile(const uint64_t *sorted, size_t n, unsigned pct);

/*
 * The Latin-hypercube design: ret_pos[i * RMPSIM_PROFILE_NPARAMS + j] is draw
 * i's position of parameter j in [0, ndraws * RMPSIM_UNC_SUBSTEPS): stratum
 * pos / SUBSTEPS, u = pos / (ndraws * SUBSTEPS). Every parameter gets positions
 * (its own random stream, so widening one parameter does not move the others'
 * draws); only the uncertain ones are used. -EINVAL for ndraws out of range.
 */
int rmpsim_unc_design(unsigned ndraws, uint64_t seed, uint32_t *ret_pos);
/* Draw i's profile: base with every uncertain parameter at its position (A240). */
void rmpsim_unc_profile(const struct rmpsim_profile *base, unsigned ndraws, const uint32_t *pos_row,
			struct rmpsim_profile *ret);
/*
 * Bands of every metric and the tornado of pass_ns from ndraws draws:
 * y[i * RMPSIM_UNC_NMETRICS + m] = metric m of draw i. -ENOMEM.
 */
int rmpsim_unc_summarise(const struct rmpsim_profile *base, unsigned ndraws, const uint32_t *pos,
			 const uint64_t *y, const struct rmpsim_allocator *alloc,
			 struct rmpsim_uncertainty *ret);

/*
 * What one draw runs: fill metrics[RMPSIM_UNC_NMETRICS] for profile p. 0 or a
 * negative errno with *diag. (A test can pass a synthetic function.)
 */
typedef int (*rmpsim_unc_runner)(void *ctx, const struct rmpsim_profile *p, uint64_t *metrics,
				 struct rmpsim_diag *diag);
/*
 * Design, run ndraws draws with `workers` fork()ed processes (<= 1: in this
 * process; the simulated kernel is one per process, contracts.md), summarise.
 * Results are identical for every worker count. 0, -EINVAL (ndraws), -ENOMEM,
 * -ECHILD (a worker could not start, died or sent garbage: *diag says which),
 * or the first failing draw's error and *diag. *ret is written only on success.
 */
int rmpsim_unc_sample(const struct rmpsim_profile *base, unsigned ndraws, uint64_t seed, unsigned workers,
		      rmpsim_unc_runner run, void *ctx, const struct rmpsim_allocator *alloc,
		      struct rmpsim_uncertainty *ret, struct rmpsim_diag *diag);
/*
 * rmpsim_unc_sample with rmpsim_workload_run as the runner: scenario s with
 * options opt (its profile replaced by each draw, no dmesg), seeded like the
 * run (opt's seed, else the scenario's). base NULL: the profile the run
 * itself uses (opt's profile_value, else opt's or the scenario's file, else
 * the default).
 */
int rmpsim_unc_run(const struct rmpsim_scenario *s, const struct rmpsim_run_options *opt,
		   const struct rmpsim_profile *base, unsigned ndraws, unsigned workers,
		   const struct rmpsim_allocator *alloc, struct rmpsim_uncertainty *ret,
		   struct rmpsim_diag *diag);

/* ---- Value parsing shared by scenario files and the CLI ---- */

/* "16G", "4K", "512M", "2T", "4096" (bytes; binary units): 0 or -EINVAL/-ERANGE. */
int rmpsim_parse_size(const char *s, uint64_t *ret_bytes);
/* "300ns", "20us", "5ms", "10s", "2min", "3h", "0": 0 or -EINVAL/-ERANGE. */
int rmpsim_parse_time_ns(const char *s, uint64_t *ret_ns);
/* Decimal or 0x hex u64: 0 or -EINVAL/-ERANGE. */
int rmpsim_parse_u64(const char *s, uint64_t *ret);

#ifdef __cplusplus
}
#endif
#endif
