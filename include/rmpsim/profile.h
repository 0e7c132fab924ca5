/* SPDX-License-Identifier: MIT */
/*
 * The timing profile: every cost the simulation charges, as named parameters
 * read from an INI file (inih). profiles/default.ini holds the defaults, which
 * are also compiled in (rmpsim_profile_default()); a test checks the two agree.
 * docs/timing.md gives every formula and the source of every default.
 *
 * Units. Integers only, so that runs are bit-identical everywhere:
 *   - *_mcyc  : thousandths of a CPU cycle ("6.5" cycles in the file = 6500);
 *   - *_ps    : picoseconds ("ns" values in the file are written in ns with up
 *               to 3 decimals and stored in ps);
 *   - freq_khz: core clock in kHz ("2.25" GHz in the file = 2250000).
 * Cycle costs are turned into time with rmpsim_profile_cycles_to_ps().
 *
 * The profile is a plain value: copy it, edit fields, pass it to the sim.
 */
#ifndef RMPSIM_PROFILE_H
#define RMPSIM_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rmpsim/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rmpsim_rmpopt_result; /* include/rmpsim/machine.h */

struct rmpsim_profile {
	/* [cpu] */
	uint64_t freq_khz; /* core (TSC) clock; spec 1.12 never gave it: A60 */

	/* [rmpopt] costs in milli-cycles (spec 1.12 A/C, A61-A64) */
	uint64_t rmpopt_fixed_mcyc;	   /* per instruction, before the first slot read */
	uint64_t rmpopt_slot_mcyc;	   /* per 2 MB slot read, one scanner alone */
	uint64_t rmpopt_slot_service_mcyc; /* occupancy of the shared RMP home per slot read (contention) */
	uint64_t rmpopt_cached_mcyc;	   /* follower: cached scan result used (A63) */
	uint64_t rmpopt_report_mcyc;	   /* function 1 / outside the window (A64) */
	bool rmpopt_contention;		   /* switch: model the shared RMP home queue (A62) */

	/* [rmp] */
	uint64_t rmpupdate_mcyc; /* A65 */
	uint64_t psmash_mcyc;	 /* A65 */

	/* [ipi] (smp_call_function_many, A66-A68) */
	uint64_t ipi_send_base_ps;	     /* sender: fixed part of one call */
	uint64_t ipi_send_per_target_ps;     /* sender: CSD enqueue + ICR write, per target */
	uint64_t ipi_delivery_ps;	     /* ICR write -> handler entry on the target */
	uint64_t ipi_handler_overhead_ps;    /* target: irq entry + exit + CSD dequeue */
	uint64_t ipi_ack_ps;		     /* target's CSD unlock visible to the sender */
	uint64_t ipi_ack_poll_per_target_ps; /* sender: csd_lock_wait per target */

	/* [kernel] */
	uint64_t wq_wakeup_ps;	    /* queue_work -> the worker runs (A69) */
	uint64_t cond_resched_ps;   /* cond_resched() with nothing else to run */
	uint64_t mutex_ps;	    /* uncontended mutex lock + unlock pair */
	uint64_t context_switch_ps; /* switching processes on a CPU */
	uint64_t hz;		    /* jiffies per second (msleep granularity) */
};

/* The compiled-in defaults (identical to profiles/default.ini). */
const struct rmpsim_profile *rmpsim_profile_default(void);

/*
 * Load an INI profile. Parameters start from the defaults; the file overrides
 * any subset. Unknown sections/keys, malformed numbers and out-of-range values
 * fail with -EINVAL and a diag naming file:line and the key. *ret is written
 * only on success. -ENOENT when the file cannot be opened.
 */
int rmpsim_profile_load(const char *path, struct rmpsim_profile *ret, struct rmpsim_diag *diag);
/* Same, from a string (name is used in diagnostics). */
int rmpsim_profile_parse(const char *text, const char *name, struct rmpsim_profile *ret,
			 struct rmpsim_diag *diag);
/* Set one parameter by "section.key" (e.g. "rmpopt.slot_cycles") from text. */
int rmpsim_profile_set(struct rmpsim_profile *p, const char *section, const char *key, const char *value,
		       struct rmpsim_diag *diag);

/* Print every parameter as INI: value, unit and source as comments. */
void rmpsim_profile_print(const struct rmpsim_profile *p, FILE *out);

/* Cycles (in milli-cycles) -> picoseconds at the profile's clock, rounded. */
uint64_t rmpsim_profile_cycles_to_ps(const struct rmpsim_profile *p, uint64_t mcyc);

/*
 * RMPOPT cost in milli-cycles, pure (docs/timing.md "RMPOPT"):
 *   scan of s slots as the n-th of n scanners arriving together at the
 *   shared RMP home (n >= 1):  fixed + max(s * slot, n * s * service)
 *   cached result: cached;  report / outside: report.
 * With contention off, n is ignored. Faulting RMPOPT (#UD/#GP) costs `report`.
 */
uint64_t rmpsim_profile_rmpopt_mcyc(const struct rmpsim_profile *p, const struct rmpsim_rmpopt_result *r,
				    unsigned n);
/* The same in picoseconds. */
uint64_t rmpsim_profile_cost_rmpopt(const struct rmpsim_profile *p, const struct rmpsim_rmpopt_result *r,
				    unsigned concurrent_scanners);
/* Scan-only form (s slots read, 0 = no scan), for callers without a result. */
uint64_t rmpsim_profile_rmpopt_scan_mcyc(const struct rmpsim_profile *p, unsigned slots, unsigned n);

/* IPI sender cost of one call to m targets (without waiting): base + m * per_target. */
uint64_t rmpsim_profile_ipi_send_ps(const struct rmpsim_profile *p, unsigned m);

#ifdef __cplusplus
}
#endif
#endif
