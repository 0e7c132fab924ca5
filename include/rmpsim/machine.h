/* SPDX-License-Identifier: MIT */
/*
 * The machine (issue 4): topology, memory map, the BIOS-built RMP, MSRs,
 * CPUID, firmware (SNP_INIT / SNP_SHUTDOWN), the per-core RMPOPT tables with
 * the scan cache, and the functional "execute on CPU c" API.
 *
 * Thread safety. These may be called from many threads at once, on the same or
 * different CPUs: rmpsim_machine_rmpupdate, _rmpupdate_range, _psmash,
 * _rmpread, _rmpopt, _hv_write, and every read-only query (_region_optimized*,
 * _counters, memory map, CPUID). The security invariant of design.md section 3
 * holds under any interleaving: once rmpsim_machine_rmpupdate() that assigned a
 * page in a 1 GB region has returned, no CPU skips the RMP check in that region
 * until a later RMPOPT verifies it again. Everything else (create/destroy,
 * rdmsr/wrmsr, snp_init/snp_shutdown) must not run concurrently
 * with any other call on the same machine.
 *
 * Instructions (RDMSR, WRMSR, RMPOPT, RMPUPDATE, PSMASH, RMPREAD) and the
 * hypervisor write check return 0 with a struct rmpsim_insn_out filled
 * (include/rmpsim/insn.h) or a negative errno for the library's own failure:
 * -EINVAL for a NULL machine or out, or a cpu that is not < ncpus (no CPU
 * executes it, so there is no architectural outcome); -ENOMEM. So do
 * rmpsim_machine_snp_init, _snp_shutdown and _read_entry for a NULL machine.
 * The queries (counts, bools, pointers, CPUID, counters) answer 0, false or
 * NULL (zeroed *ret) for a NULL machine or an index out of range
 * (tests/lib/test_bad_args.c).
 *
 * Spec tags refer to spec/rmp-rmpopt-facts.md, A-numbers (A40 and up) to
 * docs/model.md.
 */
#ifndef RMPSIM_MACHINE_H
#define RMPSIM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/alloc.h>
#include <rmpsim/error.h>
#include <rmpsim/insn.h>
#include <rmpsim/rmp.h>
#include <rmpsim/topology.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- MSRs (spec 1.3, 1.9, 2.1, 2.3) ---- */

#define RMPSIM_MSR_SYSCFG      0xC0010010u
#define RMPSIM_MSR_RMP_BASE    0xC0010132u
#define RMPSIM_MSR_RMP_END     0xC0010133u
#define RMPSIM_MSR_RMP_CFG     0xC0010136u
#define RMPSIM_MSR_RMPOPT_BASE 0xC0010139u

#define RMPSIM_SYSCFG_MFDM	     (1ull << 19)
#define RMPSIM_SYSCFG_MEM_ENCRYPT_EN (1ull << 23) /* set by the BIOS, A48 */
#define RMPSIM_SYSCFG_SNP_EN	     (1ull << 24)
#define RMPSIM_SYSCFG_SNP_VMPL_EN    (1ull << 25)
#define RMPSIM_RMP_CFG_SEGMENTED_EN  (1ull << 0)

/* ---- CPUID (spec 1.4, 2.3, 2.4) ---- */

#define RMPSIM_CPUID_8000001F_EAX_SME	    (1u << 0)
#define RMPSIM_CPUID_8000001F_EAX_SEV	    (1u << 1)
#define RMPSIM_CPUID_8000001F_EAX_SEV_ES    (1u << 3)
#define RMPSIM_CPUID_8000001F_EAX_SNP	    (1u << 4)
#define RMPSIM_CPUID_8000001F_EAX_RMPREAD   (1u << 21)
#define RMPSIM_CPUID_8000001F_EAX_SEGMENTED (1u << 23)
#define RMPSIM_CPUID_80000025_EBX_LIMIT	    (1u << 10)
#define RMPSIM_CPUID_80000025_EDX_RMPOPT    (1u << 0)

struct rmpsim_cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* ---- Configuration ---- */

enum rmpsim_rmp_kind {
	RMPSIM_RMP_SEGMENTED = 0, /* Zen 5+: RST + per-node segments (spec 2.3) */
	RMPSIM_RMP_CONTIGUOUS = 1 /* Zen 3/4: one table (spec 2.1) */
};

/* Does a later RMPOPT find the scan result an earlier one cached? (spec 1.7, OQ4, A45) */
enum rmpsim_rmpopt_cache {
	RMPSIM_RMPOPT_CACHE_ALWAYS = 0, /* followers always hit while the region is unchanged */
	RMPSIM_RMPOPT_CACHE_NEVER = 1	/* every verify scans */
};

struct rmpsim_machine_config {
	enum rmpsim_rmp_kind rmp_kind;	 /* default SEGMENTED */
	unsigned segment_shift;		 /* RMP_CFG[13:8]; default 36 (64 GiB) */
	bool rmpopt;			 /* CPUID 0x80000025 EDX[0]; default true */
	bool rmpread;			 /* CPUID 0x8000001F EAX[21]; default true */
	bool smt;			 /* false: only the first thread of each core exists */
	enum rmpsim_rmpopt_cache cache;	 /* default ALWAYS */
	enum rmpsim_rmp_backend backend; /* default SPARSE; DENSE for reference tests */
	uint64_t mmio_hole_start;	 /* default 3 GiB (A40) */
	uint64_t mmio_hole_size;	 /* default 1 GiB; 0 = no hole */
};
void rmpsim_machine_config_default(struct rmpsim_machine_config *ret_cfg);

struct rmpsim_machine; /* opaque */

/*
 * Build the machine: copy the topology (dropping SMT siblings when cfg->smt is
 * false), lay out RAM (A40), let the "BIOS" build the RMP (A41) and program
 * the MSRs, create the RMP store. All CPUs start with SYSCFG.SNP_EN = 0 and
 * RMPOPT_BASE = 0; SNP is not initialised. cfg NULL = defaults.
 * -EINVAL (diag filled) for a bad configuration (segment shift outside the
 * CPUID range, RMPOPT with a contiguous RMP is allowed but can never be enabled),
 * -ENOMEM.
 */
int rmpsim_machine_create(const struct rmpsim_allocator *a, const struct rmpsim_topology *topo,
			  const struct rmpsim_machine_config *cfg, struct rmpsim_diag *diag,
			  struct rmpsim_machine **ret_m);
void rmpsim_machine_destroy(struct rmpsim_machine *m);

const struct rmpsim_topology *rmpsim_machine_topology(const struct rmpsim_machine *m);
const struct rmpsim_machine_config *rmpsim_machine_config(const struct rmpsim_machine *m);
/* The table itself: for reading (reports, tests). Writes go through the machine. */
struct rmpsim_rmp *rmpsim_machine_rmp(struct rmpsim_machine *m);
unsigned rmpsim_machine_ncpus(const struct rmpsim_machine *m);

/* ---- Memory map (A40) ---- */

struct rmpsim_mem_range {
	uint64_t start, end; /* [start, end) SPA */
	unsigned node;
};
/* RAM ranges in address order; returns the count, writing at most max. */
size_t rmpsim_machine_ram_ranges(const struct rmpsim_machine *m, struct rmpsim_mem_range *ret, size_t max);
/* Linux min_low_pfn (0 on x86-64, A40) and max_pfn (end of the highest RAM range >> 12). */
uint64_t rmpsim_machine_min_low_pfn(const struct rmpsim_machine *m);
uint64_t rmpsim_machine_max_pfn(const struct rmpsim_machine *m);
/* Whether spa is RAM; NUMA node of a RAM SPA (-1 otherwise). */
bool rmpsim_machine_is_ram(const struct rmpsim_machine *m, uint64_t spa);
int rmpsim_machine_spa_node(const struct rmpsim_machine *m, uint64_t spa);
/* The RMP Segment Table as the BIOS wrote it (segmented only; *ret_n = 0 otherwise). */
const uint64_t *rmpsim_machine_rst(const struct rmpsim_machine *m, size_t *ret_n);
/* Number of 1 GB regions the machine tracks RMPOPT state for (ceil(RMP coverage / 1 GB)). */
unsigned rmpsim_machine_nregions(const struct rmpsim_machine *m);

/* ---- What a verify would read, for the timing model (docs/timing.md 4) ---- */

/*
 * The first assigned entry a verify of spa's 1 GB region would meet: its 2 MB
 * slot (0..511), or with four_k its 4 KB entry index (0..262,143); -1 when the
 * region holds none (also for a region without RMP entries, A51). Exact, from
 * the summaries; thread-safe.
 */
int64_t rmpsim_machine_rmpopt_first_busy(struct rmpsim_machine *m, uint64_t spa, bool four_k);
/* NUMA node of the memory holding spa's RMP entries (-1 when spa has none). */
int rmpsim_machine_rmp_home_node(const struct rmpsim_machine *m, uint64_t spa);
/* A counter that moves on every change of the region's RMP entries (stale scan
 * results and cached lines); 0 for a region beyond the RMP. */
uint64_t rmpsim_machine_region_content_gen(const struct rmpsim_machine *m, uint64_t region);

/* ---- MSRs and CPUID ---- */

/*
 * RDMSR on cpu: out->rax = the value (EDX:EAX). Unknown MSR (or RMPOPT_BASE
 * without the RMPOPT feature): #GP. -EINVAL: m or out NULL, cpu out of range.
 */
int rmpsim_machine_rdmsr(struct rmpsim_machine *m, unsigned cpu, uint32_t msr, struct rmpsim_insn_out *out);
/*
 * WRMSR on cpu. #GP: unknown MSR; RMP_BASE/RMP_END/RMP_CFG (locked by the
 * BIOS, A47); RMPOPT_BASE with reserved bits (A42) or EN = 1 while SNP_EN is 0
 * on cpu or the RMP is not segmented (HW-5, A42). SYSCFG: SNP_EN is write-1-only
 * (clearing it is ignored, spec 1.9, A48).
 * -EINVAL: m or out NULL, cpu out of range.
 */
int rmpsim_machine_wrmsr(struct rmpsim_machine *m, unsigned cpu, uint32_t msr, uint64_t val,
			 struct rmpsim_insn_out *out);
/* CPUID leaf/subleaf on cpu; unknown leaves read as zeros. */
void rmpsim_machine_cpuid(const struct rmpsim_machine *m, unsigned cpu, uint32_t leaf, uint32_t subleaf,
			  struct rmpsim_cpuid_regs *ret);

/* ---- Firmware (spec 1.1, 1.9, 2.2) ---- */

/* SEV firmware status codes (Linux include/uapi/linux/psp-sev.h). */
enum rmpsim_fw_status {
	RMPSIM_FW_SUCCESS = 0,
	RMPSIM_FW_INVALID_PLATFORM_STATE = 1,
	RMPSIM_FW_INVALID_CONFIG = 3,
};

/*
 * SNP_INIT: INVALID_CONFIG unless SYSCFG.SNP_EN is set on every present CPU
 * (spec 1.9); INVALID_PLATFORM_STATE if already initialised. On success the
 * RMP is initialised as the firmware's configure_rmp() does it
 * (rmpsim_rmp_snp_init_map: covered non-RAM and the given HV_FIXED ranges
 * HV_FIXED, RAM hypervisor, the RMP FIRMWARE; A160) and every core's RMPOPT
 * table is cleared (HW-5). Page commands: <rmpsim/firmware.h>.
 * Returns 0 with *ret_status set, or a negative errno (nothing changed).
 */
int rmpsim_machine_snp_init(struct rmpsim_machine *m, const uint64_t (*hv_fixed)[2], size_t n_hv_fixed,
			    enum rmpsim_fw_status *ret_status);
/*
 * SNP_SHUTDOWN. x86_snp_shutdown = true (X86_SNP_SHUTDOWN): the firmware clears
 * SYSCFG.SNP_EN on every CPU; false (legacy): SNP_EN stays set (spec 1.9).
 * INVALID_PLATFORM_STATE when not initialised.
 */
int rmpsim_machine_snp_shutdown(struct rmpsim_machine *m, bool x86_snp_shutdown,
				enum rmpsim_fw_status *ret_status);
bool rmpsim_machine_snp_initialized(const struct rmpsim_machine *m);

/* ---- Instructions executed on a CPU (thread-safe) ---- */

/*
 * RMPOPT on cpu: RAX = SPA, RCX = function (spec 1.2), as rmpsim_insn_rmpopt
 * with the core's state; a verify sets or clears the core's bit for the
 * region. -EINVAL: m or out NULL, cpu out of range.
 */
int rmpsim_machine_rmpopt(struct rmpsim_machine *m, unsigned cpu, uint64_t rax, uint64_t rcx,
			  struct rmpsim_insn_out *out);

/*
 * A round of verifies (issue 14, docs/timing.md "Rounds"): RMPOPT function 0
 * at rax on cpus[0], cpus[1], ... in that order with nothing in between, as n
 * calls of rmpsim_machine_rmpopt(m, cpus[i], rax, 0, ...) would do (the same
 * table bits, scan cache and counters), under one region lock. ret_first is
 * cpus[0]'s outcome, ret_rest every later one's (they are alike: the first
 * left the state the rest see). -EAGAIN, nothing done, unless every CPU's
 * core has RMPOPT enabled at the same RMPOPT_BASE with rax in its window;
 * -EINVAL for bad arguments; -ENOMEM.
 */
int rmpsim_machine_rmpopt_verify_cpus(struct rmpsim_machine *m, const unsigned *cpus, size_t n, uint64_t rax,
				      struct rmpsim_insn_out *ret_first, struct rmpsim_insn_out *ret_rest);

/*
 * A run of verifies on one CPU (issue 14 point 2, docs/timing.md "Ranged
 * runs"): RMPOPT function 0 on cpu at rax, rax + 1 GB, ... (n consecutive 1 GB
 * regions) in that order with nothing in between, as n calls of
 * rmpsim_machine_rmpopt(m, cpu, rax + i GB, 0, ...) would do (the same table
 * bits, scan caches and counters), each region under its lock; a repeat of
 * the last such run's range by another core, while nothing in the range
 * changed, in O(1) (docs/model.md A511: the bits stay in a run table). -EAGAIN,
 * nothing done, unless the core has RMPOPT enabled and every region lies in
 * its window (no verify of the run would fault or report); -EINVAL for bad
 * arguments; -ENOMEM, nothing done. ret_content_gens: NULL, or n entries that
 * get each region's content generation (rmpsim_machine_region_content_gen).
 */
int rmpsim_machine_rmpopt_verify_run(struct rmpsim_machine *m, unsigned cpu, uint64_t rax, size_t n,
				     uint64_t *ret_content_gens);

/*
 * The same, the content generations not copied (a repeated run costs O(1),
 * docs/model.md A511): on 0, *ret_gens points at the n generations, valid
 * until the next ranged run on the machine; for a caller that runs its
 * ranged runs from one thread at a time (the simulator).
 */
int rmpsim_machine_rmpopt_verify_run_gens(struct rmpsim_machine *m, unsigned cpu, uint64_t rax, size_t n,
					  const uint64_t **ret_gens);
/*
 * Which generations the last successful rmpsim_machine_rmpopt_verify_run_gens
 * handed back: two calls with the same nonzero id handed back the same
 * generations of the same regions (a repeat of a run the machine keeps, A511),
 * so a caller may keep what it worked out from them without comparing; 0:
 * not known (compare).
 */
uint64_t rmpsim_machine_rmpopt_run_gens_id(const struct rmpsim_machine *m);

/*
 * The same for a fixed list of distinct CPUs made once (a round's targets, sent
 * region after region): rmpsim_machine_rmpopt_verify_set(m, set, ...) is
 * rmpsim_machine_rmpopt_verify_cpus(m, cpus, n, ...) at the cost of a word of
 * table bits per 64 cores; its counts show in rmpsim_machine_counters as the
 * members' own. A set is used by one thread at a time; destroy it before the
 * machine (its counts stay the members'). -EINVAL: a bad or repeated CPU.
 */
struct rmpsim_machine_cpuset;
int rmpsim_machine_cpuset_create(struct rmpsim_machine *m, const unsigned *cpus, size_t n,
				 struct rmpsim_machine_cpuset **ret);
void rmpsim_machine_cpuset_destroy(struct rmpsim_machine *m, struct rmpsim_machine_cpuset *set);
int rmpsim_machine_rmpopt_verify_set(struct rmpsim_machine *m, struct rmpsim_machine_cpuset *set,
				     uint64_t rax, struct rmpsim_insn_out *ret_first,
				     struct rmpsim_insn_out *ret_rest);

/*
 * RMPUPDATE on cpu (rmpsim_insn_rmpupdate). An update that assigns a page
 * clears that region's RMPOPT bit on every core in O(1) (A46); any change
 * invalidates the region's cached scan result (A45). An SPA beyond the RMP is
 * FAIL_INPUT (A20). -EINVAL: m, in or out NULL, cpu out of range; -ENOMEM.
 */
int rmpsim_machine_rmpupdate(struct rmpsim_machine *m, unsigned cpu, uint64_t spa,
			     const struct rmpsim_rmp_state *in, struct rmpsim_insn_out *out);
/*
 * npages pages from spa, as rmpsim_insn_rmpupdate_range (out->done, out->rax
 * the failing page's code); locks one 1 GB region at a time. out->change is
 * not kept (changed = false). Errors as rmpsim_machine_rmpupdate; on -ENOMEM
 * out->done says how many pages were done.
 */
int rmpsim_machine_rmpupdate_range(struct rmpsim_machine *m, unsigned cpu, uint64_t spa, uint64_t npages,
				   const struct rmpsim_rmp_state *in, bool gpa_step,
				   struct rmpsim_insn_out *out);
/*
 * PSMASH on cpu (rmpsim_insn_psmash): out->rax, out->change. Clears no bits
 * (A46). -EINVAL: m or out NULL, cpu out of range; -ENOMEM.
 */
int rmpsim_machine_psmash(struct rmpsim_machine *m, unsigned cpu, uint64_t spa, struct rmpsim_insn_out *out);
/*
 * PVALIDATE by the guest ctx running on cpu (rmpsim_insn_pvalidate, spec 3.3):
 * out->fault, ->rax, ->cf, ->change. A change to an entry drops the region's
 * cached scan result like any write (A45); it clears no RMPOPT bits (A27:
 * validation assigns nothing). -EINVAL: m, ctx or out NULL, cpu out of range,
 * ctx->vmpl > 3; -ENOMEM.
 */
int rmpsim_machine_pvalidate(struct rmpsim_machine *m, unsigned cpu, const struct rmpsim_guest_ctx *ctx,
			     uint64_t gpa, uint64_t spa, uint64_t rcx, uint64_t rdx,
			     struct rmpsim_insn_out *out);
/* The same for npages 4K pages (rmpsim_insn_pvalidate_4k_range: out->done), one lock per 1 GB region. */
int rmpsim_machine_pvalidate_4k_range(struct rmpsim_machine *m, unsigned cpu,
				      const struct rmpsim_guest_ctx *ctx, uint64_t gpa, uint64_t spa,
				      uint64_t npages, uint64_t rdx, struct rmpsim_insn_out *out);
/*
 * RMPREAD on cpu (rmpsim_insn_rmpread, spec 2.4): out->rax, out->rmpread;
 * #UD when CPUID lacks RMPREAD (Fn8000_001F EAX[21]; the kernel checks
 * before using it). -EINVAL: m or out NULL, cpu out of range.
 */
int rmpsim_machine_rmpread(struct rmpsim_machine *m, unsigned cpu, uint64_t spa, struct rmpsim_insn_out *out);
/* The raw entry of spa under the region lock (-EFAULT when not covered). */
int rmpsim_machine_read_entry(struct rmpsim_machine *m, uint64_t spa, struct rmpsim_raw_entry *ret);

/* ---- Hypervisor writes (spec 3.5) ---- */

/*
 * A hypervisor write on cpu to spa through a mapping of mapping_size bytes
 * (4 KiB, 2 MiB or 1 GiB; spa is aligned down to it). The executing core's
 * RMPOPT bit for the 1 GB region is consulted first (spec 3.5).
 * out->write_path, and fault #PF with error code RMPSIM_PF_RMP | _WRITE when
 * the check refuses it. An SPA beyond the RMP is checked as a page without
 * an entry (never faults). -EINVAL: m or out NULL, cpu out of range, a bad
 * mapping size. Thread-safe.
 */
int rmpsim_machine_hv_write(struct rmpsim_machine *m, unsigned cpu, uint64_t spa, uint64_t mapping_size,
			    struct rmpsim_insn_out *out);

/* ---- Reports ---- */

/* Whether region (absolute index, SPA >> 30) is optimised on core / on every core. */
bool rmpsim_machine_region_optimized(const struct rmpsim_machine *m, unsigned core, uint64_t region);
bool rmpsim_machine_region_optimized_all(const struct rmpsim_machine *m, uint64_t region);

struct rmpsim_cpu_counters {
	uint64_t rmpopt[RMPSIM_RMPOPT_NKINDS]; /* by enum rmpsim_rmpopt_kind */
	uint64_t rmpopt_faults;		       /* #UD / #GP */
	uint64_t writes_skipped;	       /* RMPSIM_WRITE_SKIPPED */
	uint64_t writes_checked;	       /* RMPSIM_WRITE_CHECKED (allowed or not) */
	uint64_t writes_faulted;	       /* #PF(RMP) */
	uint64_t rmpupdates;		       /* RMPUPDATE executed (any return code) */
};
void rmpsim_machine_counters(const struct rmpsim_machine *m, unsigned cpu, struct rmpsim_cpu_counters *ret);

#ifdef __cplusplus
}
#endif
#endif
