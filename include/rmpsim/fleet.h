/* SPDX-License-Identifier: MIT */
/*
 * Fleet replay (issue 17 point 4, docs/scenarios.md "Fleet replay"): a VM
 * lifecycle log (CSV: time, VM id, launch / convert / teardown, size, backing,
 * SNP or not, NUMA node) run through a policy for hours of virtual time, with
 * a time series every N seconds: share of RAM skipping RMP checks, passes,
 * CPU time on RMPOPT, interruptions per CPU, how fragmented private memory is
 * over the 1 GB regions. Where guest memory goes is a knob (placement).
 * rmpsim_fleet_generate() writes such logs (seeded Poisson arrivals).
 *
 * Thread safety: logs and results are plain data; rmpsim_fleet_run() runs
 * kernel-style code, so one run at a time per process (as rmpsim_workload_run).
 *
 * Bad input: a NULL log, path, text (with len > 0), stream or ret argument
 * is -EINVAL with nothing written; the _free functions take NULL.
 */
#ifndef RMPSIM_FLEET_H
#define RMPSIM_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rmpsim/alloc.h>
#include <rmpsim/error.h>
#include <rmpsim/workload.h>

#ifdef __cplusplus
extern "C" {
#endif

enum rmpsim_fleet_action {
	RMPSIM_FLEET_LAUNCH = 0, /* place the VM's memory; SNP: make it private (and PVALIDATE it) */
	RMPSIM_FLEET_CONVERT,	 /* SNP: make the VM's private memory `bytes` (the rest shared) */
	RMPSIM_FLEET_TEARDOWN,	 /* back to shared, sev_vm_destroy's hook, memory freed */
};
const char *rmpsim_fleet_action_name(enum rmpsim_fleet_action a);

/* A VM of the log: what its launch line says. */
struct rmpsim_fleet_vm {
	char id[RMPSIM_WL_NAME_MAX];
	uint64_t bytes;		     /* a multiple of 2 MiB (1 GiB for 1G backing) */
	enum rmpsim_backing backing; /* 4K, 2M or 1G */
	bool snp;
	int node;		 /* NUMA node, or -1 for "any" */
	unsigned line, node_col; /* its launch line and the node field's column, for messages */
};

struct rmpsim_fleet_event {
	uint64_t time_ns;
	enum rmpsim_fleet_action action;
	unsigned vm;	/* index into vms */
	uint64_t bytes; /* CONVERT: the private bytes wanted afterwards */
	unsigned line;
};

struct rmpsim_fleet {
	char file[RMPSIM_WL_PATH_MAX];
	struct rmpsim_fleet_vm *vms;
	size_t nvms;
	struct rmpsim_fleet_event *events; /* in time order (the file's; checked) */
	size_t nevents;
	const struct rmpsim_allocator *alloc;
	size_t vms_cap, events_cap;
};

/* SNP ASIDs a host can give out at once (the RMP entry's 10-bit field; A464). */
#define RMPSIM_FLEET_MAX_ASID 1023u

/* Limits of a log (A465). */
#define RMPSIM_FLEET_MAX_EVENTS	 1000000u
#define RMPSIM_FLEET_MAX_VMS	 100000u
#define RMPSIM_FLEET_MAX_TIME_NS (30ull * 86400 * 1000000000ull) /* 30 days */

/*
 * Parse a lifecycle log (CSV, docs/scenarios.md "Fleet replay"). -EINVAL with
 * *diag at file:line:col for a bad row, a time out of order, an unknown VM, a
 * lifecycle the log cannot have (a second launch, a convert of a non-SNP VM,
 * events after teardown); -ENOENT/-EIO when the file cannot be read; -ENOMEM.
 * *ret is untouched on failure. Free with rmpsim_fleet_free().
 */
int rmpsim_fleet_parse_file(const char *path, const struct rmpsim_allocator *alloc, struct rmpsim_fleet *ret,
			    struct rmpsim_diag *diag);
int rmpsim_fleet_parse_string(const char *text, size_t len, const char *file,
			      const struct rmpsim_allocator *alloc, struct rmpsim_fleet *ret,
			      struct rmpsim_diag *diag);
void rmpsim_fleet_free(struct rmpsim_fleet *f);
/* True when path names a lifecycle log rather than a scenario file (ends in .csv). */
bool rmpsim_fleet_is_log(const char *path);

/* ---- Placement of guest memory (A462) ---- */

enum rmpsim_placement {
	RMPSIM_PLACE_FIRST_FIT = 0, /* lowest free addresses first */
	RMPSIM_PLACE_PACK,	    /* fullest partly used 1 GB regions first, then empty ones */
	RMPSIM_PLACE_SPREAD,	    /* "any": the node with the most free memory, first fit there */
	RMPSIM_PLACE_COUNT
};
const char *rmpsim_placement_name(enum rmpsim_placement p);
int rmpsim_placement_parse(const char *s, enum rmpsim_placement *ret);

/* ---- Running ---- */

struct rmpsim_machine;	    /* machine.h */
struct rmpsim_fleet_sample; /* below */
struct rmpsim_fleet_options {
	const char *machine, *profile, *policy, *policy_plugin; /* NULL/"": defaults */
	const struct rmpsim_profile *profile_value; /* when set: this profile, not a file (--set) */
	uint64_t seed;
	enum rmpsim_placement placement;
	uint64_t sample_ns; /* time between samples; 0: RMPSIM_FLEET_DEFAULT_SAMPLE_NS */
	bool no_pvalidate;  /* SNP guests do not PVALIDATE their private pages (A467) */
	/* Page-size churn (A469): 2 MB pages split by PSMASH per hour per running SNP
	 * VM with 2M or 1G backing, each collapsed again at the next sample. */
	uint32_t churn_per_hour;
	/* Called at each sample, after it is recorded and before the sample's churn
	 * (collapse, then new splits), with the machine to inspect (RMP entries,
	 * RMPOPT bits; it must not be changed), or NULL. Tests check state with it. */
	void (*on_sample)(void *ctx, struct rmpsim_machine *m, const struct rmpsim_fleet_sample *s);
	void *on_sample_ctx;
};
#define RMPSIM_FLEET_DEFAULT_SAMPLE_NS (60ull * 1000000000ull)
/* The fleet driver runs on CPU 0 (A115); samples wait for passes in flight. */

/* One point of the time series: the state at time_ns, and what happened since the previous point. */
struct rmpsim_fleet_sample {
	uint64_t time_ns;
	unsigned vms_running;
	uint64_t private_bytes;	  /* assigned to guests */
	uint64_t skip_bytes;	  /* RAM whose host writes skip RMP checks on every CPU */
	double skip_share;	  /* skip_bytes / RAM */
	unsigned regions_private; /* 1 GB regions holding any private page */
	unsigned regions_needed;  /* ceil(private_bytes / 1 GB): the fewest that could */
	/* since the previous sample */
	uint64_t passes;	 /* RMPOPT passes completed */
	uint64_t rmpopt_cpu_ns;	 /* CPU time charged for RMPOPT instructions, all CPUs */
	uint64_t handler_cpu_ns; /* CPU time in IPI handlers (interrupts off), all CPUs */
	uint64_t ipis_max;	 /* interruptions (IPI handlers) of the most interrupted CPU */
	double ipis_mean;	 /* ... mean over CPUs */
};

/* A launch the host could not place (per-event error, A464). */
struct rmpsim_fleet_reject {
	unsigned line;
	char vm[RMPSIM_WL_NAME_MAX];
	uint64_t bytes, free_bytes;
	bool no_asid; /* memory was free, but every SNP ASID was in use */
};

struct rmpsim_fleet_result {
	char policy[RMPSIM_WL_NAME_MAX];
	enum rmpsim_placement placement;
	uint64_t seed, trace_hash;
	uint64_t ram_bytes, end_ns;
	unsigned ncpus;
	uint64_t launches, converts, teardowns, rejected, skipped; /* skipped: events of rejected VMs */
	uint64_t pvalidates;	    /* PVALIDATE instructions the guests ran (A467) */
	uint64_t splits, collapses; /* page-size churn (A469) */
	uint64_t passes, rmpopt_cpu_ns, handler_cpu_ns;
	uint64_t ipis_max_cpu; /* the most interrupted CPU over the whole replay */
	unsigned ipis_max_cpu_id;
	double skip_share_mean; /* time-weighted over the samples */
	double frag_mean; /* mean of regions_private / regions_needed over samples with private memory */
	struct rmpsim_fleet_sample *samples;
	size_t nsamples, samples_cap;
	struct rmpsim_fleet_reject rejects[16]; /* the first ones */
	const struct rmpsim_allocator *alloc;
};

/*
 * Replay the log. 0 with *ret filled (free with rmpsim_fleet_result_free);
 * -EINVAL with *diag (file:line:col of the log) for a VM that can never fit
 * (larger than its node's or the machine's guest memory) or a node the
 * machine lacks, before anything runs; the errors of rmpsim_workload_run for
 * machine, profile, policy. *ret is untouched on failure.
 */
int rmpsim_fleet_run(const struct rmpsim_fleet *f, const struct rmpsim_fleet_options *o,
		     const struct rmpsim_allocator *alloc, struct rmpsim_fleet_result *ret,
		     struct rmpsim_diag *diag);
void rmpsim_fleet_result_free(struct rmpsim_fleet_result *r);

/* ---- Generator (rmpsim gen-fleet) ---- */

struct rmpsim_fleet_gen {
	unsigned vms;		     /* arrivals */
	uint64_t duration_ns;	     /* arrivals are Poisson over [0, duration) */
	uint64_t lifetime_mean_ns;   /* exponential lifetimes; VMs still alive at the end stay */
	unsigned snp_percent;	     /* share of SNP VMs */
	unsigned backing_percent[3]; /* 4K, 2M, 1G (sum 100) */
	unsigned convert_percent;    /* SNP VMs that convert part of their memory once mid-life */
	uint64_t seed;
};
/* Defaults (A466): 1,000 VMs over 24 h, 2 h mean life, 60% SNP, 2M:4K:1G = 70:20:10, 20% convert. */
void rmpsim_fleet_gen_default(struct rmpsim_fleet_gen *ret);
/* Write a log to out. 0, -EINVAL (bad knobs, *diag), -EIO (write failed), -ENOMEM. */
int rmpsim_fleet_generate(const struct rmpsim_fleet_gen *g, FILE *out, const struct rmpsim_allocator *alloc,
			  struct rmpsim_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
