/* SPDX-License-Identifier: MIT */
/*
 * The timing profile (timing model v2): every cost the simulation charges, as
 * named parameters read from an INI file (inih). Each parameter is a physical
 * cause with a default, a low-high range and a source; profiles/default.ini
 * holds the defaults, which are also compiled in (rmpsim_profile_default());
 * a test checks the two agree. docs/timing.md gives every formula, a worked
 * example per phase and the source of every default; docs/model.md names the
 * assumptions of the timing model (its sections of docs/model.md).
 *
 * Units. Integers only, so that runs are bit-identical everywhere:
 *   - *_mcyc  : thousandths of a CPU cycle ("6.5" cycles in the file = 6500);
 *   - *_ps    : picoseconds ("ns" values in the file are written in ns with up
 *               to 3 decimals and stored in ps);
 *   - freq_khz: core (TSC) clock in kHz ("2.0" GHz in the file = 2000000);
 *   - node_bw_mbps: 10^6 bytes per second ("300" GB/s in the file = 300000);
 *   - counts and bytes as plain integers; switches as enum values.
 *
 * In a file, a parameter may carry its own range after the value:
 *   delivery_ns = 800 [500, 2000]
 * The value must lie inside the range and low <= high; a parameter without
 * a range keeps the built-in one, except a point range (a fixed choice such
 * as HZ), which moves to the value. Switches have no range.
 *
 * The profile is a plain value: copy it, edit fields, pass it to the sim.
 *
 * Bad input: the int functions give -EINVAL (or -ENOENT, as documented) for
 * a NULL argument or a parameter index not < RMPSIM_PROFILE_NPARAMS; the
 * others take a NULL profile or an unknown index without crashing (0, false,
 * "?", nothing printed). rmpsim_profile_set_value() stores what it is given:
 * check values with rmpsim_profile_set().
 */
#ifndef RMPSIM_PROFILE_H
#define RMPSIM_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rmpsim/error.h>
#include <rmpsim/insn.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which RMP entries a verify reads (spec 1.2, OQ5; A120). */
enum rmpsim_scan_entries {
	RMPSIM_SCAN_2M = 0, /* the 512 2 MB entries, trusting their sub-page counts: one line each */
	RMPSIM_SCAN_4K = 1, /* all 262,144 4 KB entries of the GB: 4 per 64-byte line */
};
/* Where a completed scan's result can be found by a later verify (A45, OQ4). */
enum rmpsim_cache_scope {
	RMPSIM_SCOPE_NONE = 0,	 /* no result cache: every verify reads the RMP */
	RMPSIM_SCOPE_L3 = 1,	 /* visible to the CPUs of the scanning CPU's L3 group */
	RMPSIM_SCOPE_SOCKET = 2, /* ... of its socket */
	RMPSIM_SCOPE_GLOBAL = 3, /* ... of the whole machine */
};
/* A verify that starts while a scan of the same region is in flight in its scope (A122). */
enum rmpsim_inflight {
	RMPSIM_INFLIGHT_SCAN = 0, /* scans itself */
	RMPSIM_INFLIGHT_WAIT = 1, /* waits for that scan's result */
};
/* x2APIC destination mode for IPIs to a mask (arch/x86/kernel/apic/x2apic_*.c; A130). */
enum rmpsim_apic_mode {
	RMPSIM_APIC_CLUSTER = 0,  /* one ICR write per cluster of 16 x2APIC IDs */
	RMPSIM_APIC_PHYSICAL = 1, /* one ICR write per target */
};

#define RMPSIM_PROFILE_NPARAMS 38 /* entries of the parameter table (profile.c) */

struct rmpsim_profile {
	/* [cpu] */
	uint64_t freq_khz; /* core (TSC) clock: spec 1.12 PERF-2 timestamps, A60 */

	/* [memory]: where each RMP line a verify reads comes from (A121) */
	uint64_t l3_line_ps;	   /* a line the L3 group read recently */
	uint64_t dram_local_ps;	   /* a line from DRAM of the reader's socket */
	uint64_t dram_remote_ps;   /* a line from the other socket's DRAM */
	uint64_t misses_in_flight; /* lines one RMPOPT keeps in flight */
	uint64_t node_bw_mbps;	   /* DRAM bandwidth of one NUMA node (RMP home), 10^6 B/s */
	uint64_t l3_bytes;	   /* capacity of one L3 group's cache for RMP lines */

	/* [rmpopt] */
	uint64_t rmpopt_fixed_mcyc;  /* per verify, besides its line reads (A61) */
	uint64_t rmpopt_cached_mcyc; /* verify answered by a cached scan result (A63) */
	uint64_t rmpopt_report_mcyc; /* function 1 / outside the window / fault (A64) */
	bool rmpopt_contention;	     /* switch: DRAM lines queue at the RMP home's bandwidth (A62) */
	unsigned rmpopt_scan;	     /* enum rmpsim_scan_entries */
	unsigned rmpopt_cache_scope; /* enum rmpsim_cache_scope */
	unsigned rmpopt_inflight;    /* enum rmpsim_inflight */

	/* [rmp] */
	uint64_t rmpupdate_mcyc; /* A65 */
	uint64_t psmash_mcyc;	 /* A65 */

	/* [ipi] (kernel/smp.c smp_call_function_many_cond + the APIC, A66-A68, A130-A138) */
	unsigned apic_mode;		  /* enum rmpsim_apic_mode */
	bool ipi_shorthand;		  /* all-but-self shorthand when the mask is every other CPU */
	uint64_t ipi_send_base_ps;	  /* sender: entry, mask copy, fences of one call */
	uint64_t c2c_same_l3_ps;	  /* a modified line moving between cores of one L3 group */
	uint64_t c2c_other_l3_ps;	  /* ... between L3 groups of one socket */
	uint64_t c2c_other_socket_ps;	  /* ... between sockets */
	uint64_t ipi_queue_lines;	  /* remote lines per target in the queueing loop */
	uint64_t ipi_icr_write_ps;	  /* one x2APIC ICR write (WRMSR 0x830) */
	uint64_t ipi_delivery_ps;	  /* ICR write -> interrupt taken, same socket */
	uint64_t ipi_delivery_remote_ps;  /* extra delivery time to the other socket */
	uint64_t idle_exit_ps;		  /* an idle target leaving C1 */
	uint64_t deep_idle_exit_ps;	  /* ... leaving C2, when idle at least deep_idle_after */
	uint64_t deep_idle_after_ps;	  /* idle time after which the CPU sits in C2 */
	uint64_t ipi_handler_overhead_ps; /* target: irq entry + exit + call-queue flush */
	uint64_t csd_polls_in_flight;	  /* sender's csd_lock_wait loads overlapped */

	/* [kernel] */
	uint64_t wq_wakeup_ps;	    /* queue_work -> the worker runs (A69) */
	uint64_t cond_resched_ps;   /* cond_resched() with nothing else to run */
	uint64_t mutex_ps;	    /* uncontended mutex lock + unlock pair */
	uint64_t context_switch_ps; /* switching processes on a CPU */
	uint64_t hz;		    /* jiffies per second (msleep granularity) */

	/* [vcpu]: a host interrupt landing on a CPU that runs a non-SNP guest's vCPU (A440) */
	uint64_t vm_exit_ps;  /* #VMEXIT(INTR) and KVM's exit path until the host takes the interrupt */
	uint64_t vm_entry_ps; /* KVM's re-entry path and VMRUN back into the guest */

	/* The low-high range of every parameter, by table index (switches: 0..n-1). */
	uint64_t lo[RMPSIM_PROFILE_NPARAMS], hi[RMPSIM_PROFILE_NPARAMS];
};

/* The compiled-in defaults (identical to profiles/default.ini). */
const struct rmpsim_profile *rmpsim_profile_default(void);

/*
 * Load an INI profile. Parameters start from the defaults; the file overrides
 * any subset. Unknown sections/keys, malformed numbers, out-of-bounds values,
 * a range with low > high, a value outside its range and an unknown switch
 * value fail with -EINVAL and a diag naming file:line:col and the key. *ret is
 * written only on success. -ENOENT when the file cannot be opened; -EISDIR
 * for a directory.
 */
int rmpsim_profile_load(const char *path, struct rmpsim_profile *ret, struct rmpsim_diag *diag);
/* Same, from a string (name is used in diagnostics). */
int rmpsim_profile_parse(const char *text, const char *name, struct rmpsim_profile *ret,
			 struct rmpsim_diag *diag);
/*
 * Set one parameter by section and key (e.g. "memory", "dram_local_ns") from
 * text "value" or "value [low, high]". The value must lie in the range in
 * effect. -EINVAL with diag otherwise.
 */
int rmpsim_profile_set(struct rmpsim_profile *p, const char *section, const char *key, const char *value,
		       struct rmpsim_diag *diag);

/* Print every parameter as INI: value, range, unit and source. */
void rmpsim_profile_print(const struct rmpsim_profile *p, FILE *out);
/* The same, with sources[i] (when sources and it are not NULL) as parameter i's
 * source (rmpsim calibrate: "fitted to FILE ..."). */
void rmpsim_profile_print_sourced(const struct rmpsim_profile *p, FILE *out, const char *const *sources);

/* ---- The parameter table, for sweeps and uncertainty draws ---- */

enum rmpsim_param_kind {
	RMPSIM_PARAM_GHZ,    /* stored kHz, written GHz with 6 decimals */
	RMPSIM_PARAM_CYCLES, /* stored milli-cycles, written cycles with 3 decimals */
	RMPSIM_PARAM_NS,     /* stored ps, written ns with 3 decimals */
	RMPSIM_PARAM_INT,    /* a count */
	RMPSIM_PARAM_BYTES,  /* bytes */
	RMPSIM_PARAM_GBPS,   /* stored 10^6 B/s, written GB/s with 3 decimals */
	RMPSIM_PARAM_BOOL,   /* switch: false/true */
	RMPSIM_PARAM_ENUM,   /* switch: one of names[] */
};
struct rmpsim_param_info {
	const char *section, *key, *unit, *source;
	enum rmpsim_param_kind kind;
	const char *const *names; /* ENUM: value names, NULL-terminated */
	uint64_t def, lo, hi;	  /* built-in default and range (stored units) */
};
/* Table entry i (< RMPSIM_PROFILE_NPARAMS); -EINVAL otherwise. */
int rmpsim_profile_param(unsigned i, struct rmpsim_param_info *ret);
/* Index of section.key, or -ENOENT. */
int rmpsim_profile_param_index(const char *section, const char *key);
/* Whether parameter i is numeric with low < high (drawn by --uncertainty). */
bool rmpsim_profile_param_uncertain(const struct rmpsim_profile *p, unsigned i);
/* Value of parameter i in stored units; set it (no range check). */
uint64_t rmpsim_profile_get_value(const struct rmpsim_profile *p, unsigned i);
void rmpsim_profile_set_value(struct rmpsim_profile *p, unsigned i, uint64_t v);
/* "value" as the file writes it (e.g. "2.25", "110", "cluster"). */
void rmpsim_profile_format_value(unsigned i, uint64_t v, char *buf, size_t len);

/* ---- Conversions and closed forms used by the sim and by tests ---- */

/* Cycles (in milli-cycles) -> picoseconds at the profile's clock, rounded. */
uint64_t rmpsim_profile_cycles_to_ps(const struct rmpsim_profile *p, uint64_t mcyc);
/* Picoseconds -> whole cycles at the profile's clock, rounded. */
uint64_t rmpsim_profile_ps_to_cycles(const struct rmpsim_profile *p, uint64_t ps);

/*
 * Lines a verify of one 1 GB region reads (docs/timing.md "RMPOPT"): with
 * first_busy = the index of the first assigned entry at the scan's
 * granularity (2 MB slot 0..511, or 4 KB entry 0..262,143), -1 if none.
 */
uint64_t rmpsim_profile_scan_lines(const struct rmpsim_profile *p, int64_t first_busy);
/*
 * Latency-bound time of reading n lines that each cost line_ps, misses_in_flight
 * at a time: ceil(n / mif) * line_ps.
 */
uint64_t rmpsim_profile_lines_ps(const struct rmpsim_profile *p, uint64_t n, uint64_t line_ps);
/* Time one 64-byte line occupies the RMP home's bandwidth (rounded up, >= 1 ps). */
uint64_t rmpsim_profile_line_service_ps(const struct rmpsim_profile *p);

/*
 * The fixed cost of one instruction on a CPU in milli-cycles: the one table
 * of instruction costs (profile.c), over the parameters above. RMPUPDATE
 * rmp.rmpupdate_cycles, PSMASH rmp.psmash_cycles (A65); RMPOPT
 * rmpopt.report_cycles, its cost without a scan (a verify's scan is charged
 * by rmpsim_sim_charge_rmpopt, A61-A64); RMPREAD 0 (no figure: free, A87);
 * PVALIDATE, RMPADJUST, RMPQUERY (guest instructions the host never runs),
 * RDMSR and WRMSR 0 (not charged). An unknown instruction costs 0.
 */
uint64_t rmpsim_profile_insn_mcyc(const struct rmpsim_profile *p, enum rmpsim_insn_id insn);

#ifdef __cplusplus
}
#endif
#endif
