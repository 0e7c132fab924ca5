/* SPDX-License-Identifier: MIT */
/*
 * The RMP instructions and the RMP checks on memory accesses (spec section 3,
 * 2.4), as pure functions over a struct rmpsim_rmp: no CPUs, no RMPOPT state
 * (the machine layer adds those).
 *
 * Conventions (include/rmpsim/error.h), the QEMU/Spike shape: every
 * instruction entry point (here and in machine.h) returns 0 when the
 * instruction ran, whatever its architectural outcome, and fills one
 * struct rmpsim_insn_out: the code in RAX, CF, or the fault it raised and its
 * error code, and what it changed. A negative errno is the library's own
 * failure, never an architectural outcome: -EINVAL for a NULL pointer or an
 * argument no instruction encoding can carry, -ENOMEM when the table could
 * not allocate. On a negative return nothing changed and *out is not written.
 * - The order in which an instruction checks its conditions is its return-code
 *   precedence; it is documented at the top of its source file
 *   (src/insn/<instruction>.c) and in docs/model.md (assumptions A20-A39).
 * - An SPA beyond the RMP is an architectural outcome where the instruction
 *   defines one (RMPUPDATE, PSMASH, RMPREAD: FAIL_INPUT; PVALIDATE,
 *   RMPADJUST, RMPQUERY and guest accesses: #NPF), never -EINVAL.
 *
 * Entries of 2 MB pages (A25): a 2 MB RMPUPDATE writes all 512 entries of the
 * region: the 2 MB-aligned ("head") entry holds the page's state; an assigned
 * page's other 511 entries are sub-entries (assigned, ASID 0, 4K, everything
 * else zero: AMD-ASPFW sev_mcmd.c), an unassigned page's are zero. The head
 * entry is authoritative for the whole 2 MB region while it is an assigned
 * 2 MB entry.
 *
 * Thread safety: as struct rmpsim_rmp (rmp.h): calls touching the same 1 GB
 * region must be serialised by the caller.
 */
#ifndef RMPSIM_INSN_H
#define RMPSIM_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/error.h>
#include <rmpsim/rmp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The outcome of an instruction: one type for every instruction ---- */

/*
 * How an instruction (or an access) ended: it completed, or it raised an
 * exception in the executing context, or (#NPF) it exited to the hypervisor.
 */
enum rmpsim_fault {
	RMPSIM_FAULT_NONE = 0, /* completed: rax, cf and change are its result */
	RMPSIM_FAULT_UD,       /* #UD (vector 6) */
	RMPSIM_FAULT_GP,       /* #GP(0) (vector 13); error code 0 */
	RMPSIM_FAULT_PF,       /* #PF (vector 14) of a hypervisor access; error code RMPSIM_PF_* */
	RMPSIM_FAULT_VC,       /* #VC (vector 29) in the guest; error code = the #VC exit code */
	RMPSIM_FAULT_NPF, /* nested page fault: VMEXIT 0x400 to the hypervisor; error code RMPSIM_NPF_* */
};
/* The x86 exception vector of a fault (#NPF: its VMEXIT code 0x400; NONE: 0). */
unsigned rmpsim_fault_vector(enum rmpsim_fault f);
/* "#UD", "#GP", "#PF", "#VC", "#NPF", "none". */
const char *rmpsim_fault_name(enum rmpsim_fault f);

/* x86 #PF error-code bits (Linux X86_PF_*), of a hypervisor access. */
#define RMPSIM_PF_PRESENT (1u << 0)
#define RMPSIM_PF_WRITE	  (1u << 1)
#define RMPSIM_PF_USER	  (1u << 2)
#define RMPSIM_PF_RMP	  (1u << 31) /* X86_PF_RMP */

/*
 * Nested-page-fault error code bits (EXITINFO1; KVM PFERR_* names, spec 3.5,
 * A36). SIZEM is set only by PVALIDATE and RMPADJUST (AMD, kvm list
 * 2022-10-13); USER is set on every guest fault (nested paging treats guest
 * accesses as user ones).
 */
#define RMPSIM_NPF_PRESENT     (1ull << 0)
#define RMPSIM_NPF_WRITE       (1ull << 1)
#define RMPSIM_NPF_USER	       (1ull << 2)
#define RMPSIM_NPF_FETCH       (1ull << 4)
#define RMPSIM_NPF_RMP	       (1ull << 31)
#define RMPSIM_NPF_GUEST_FINAL (1ull << 32)
#define RMPSIM_NPF_ENC	       (1ull << 34)
#define RMPSIM_NPF_SIZEM       (1ull << 35)
#define RMPSIM_NPF_VMPL	       (1ull << 36)
/* #VC error code for an access to a page not validated (GHCB spec). */
#define RMPSIM_VC_PAGE_NOT_VALIDATED 0x404u

/* What an instruction did to the table: RMPOPT bit clears and scan-cache invalidation (A27). */
struct rmpsim_rmp_change {
	bool changed;	/* some entry's 16 bytes changed */
	bool assigned;	/* some entry went from not assigned to assigned (A27: clears RMPOPT bits) */
	uint64_t spa;	/* first byte affected (4K or 2M aligned) */
	uint64_t bytes; /* 4K or 2M (a range: the whole range done); 0 when nothing changed */
};

/* What RMPOPT did, for the timing model (spec 1.2, A45). */
enum rmpsim_rmpopt_kind {
	RMPSIM_RMPOPT_SCANNED,	  /* full scan of the 512 2 MB slots, region free */
	RMPSIM_RMPOPT_EARLY_EXIT, /* scan stopped at exit_slot (first busy 2 MB slot) */
	RMPSIM_RMPOPT_CACHE_HIT,  /* a cached scan result was used, no scan */
	RMPSIM_RMPOPT_REPORT,	  /* function 1: status read only */
	RMPSIM_RMPOPT_OUTSIDE,	  /* SPA outside [base, base + 2 TiB): CF = 0, no fault (A43) */
};
/* How many kinds there are: the length of every array indexed by kind
 * (machine and sim counters); the assertion keeps it in step with the enum. */
#define RMPSIM_RMPOPT_NKINDS 5
#ifdef __cplusplus
static_assert(RMPSIM_RMPOPT_OUTSIDE + 1 == RMPSIM_RMPOPT_NKINDS, "RMPSIM_RMPOPT_NKINDS: one per kind");
#else
_Static_assert(RMPSIM_RMPOPT_OUTSIDE + 1 == RMPSIM_RMPOPT_NKINDS, "RMPSIM_RMPOPT_NKINDS: one per kind");
#endif

/* The RMPOPT results of a hypervisor write's check (machine.h). */
enum rmpsim_write_path {
	RMPSIM_WRITE_NO_SNP = 0, /* SYSCFG.SNP_EN = 0 on cpu: no RMP checks at all (spec 1.1) */
	RMPSIM_WRITE_SKIPPED,	 /* the core's RMPOPT bit was set: check skipped */
	RMPSIM_WRITE_CHECKED,	 /* the full RMP check ran */
};

/* The instructions, for what is kept per instruction (costs: rmpsim_profile_insn_mcyc). */
enum rmpsim_insn_id {
	RMPSIM_INSN_RMPUPDATE,
	RMPSIM_INSN_PSMASH,
	RMPSIM_INSN_RMPREAD,
	RMPSIM_INSN_RMPOPT,
	RMPSIM_INSN_PVALIDATE,
	RMPSIM_INSN_RMPADJUST,
	RMPSIM_INSN_RMPQUERY,
	RMPSIM_INSN_RDMSR,
	RMPSIM_INSN_WRMSR,
};
#define RMPSIM_INSN_NIDS 9

/*
 * The one outcome of every instruction and access check. Which fields an
 * instruction sets is said with it; every other field is zero.
 */
struct rmpsim_insn_out {
	enum rmpsim_fault fault; /* NONE: the instruction completed */
	uint64_t error_code;	 /* with a fault: RMPSIM_PF_*, RMPSIM_NPF_*, the #VC code; #UD, #GP: 0 */
	/* Completed: */
	uint64_t rax;			 /* the code in RAX (enum rmpsim_<insn>_rc); RDMSR: EDX:EAX */
	bool cf;			 /* RFLAGS.CF (PVALIDATE: nothing to update; RMPOPT: optimised) */
	struct rmpsim_rmp_change change; /* what the table got (changed = false: nothing) */
	uint64_t done;			 /* RMPUPDATE: pages updated (a range: those before the failure) */
	/* Per instruction, when it completed with code 0: */
	struct rmpsim_rmpread_entry rmpread; /* RMPREAD: the entry */
	struct {
		uint8_t target_perm_mask; /* the target VMPL's permissions (VMPL0: all, spec 3.4) */
		bool vmsa;
		uint8_t page_size; /* RMPSIM_PAGE_4K / _2M of the authoritative entry */
	} rmpquery;
	struct {
		enum rmpsim_rmpopt_kind kind; /* what the hardware did (not after a fault) */
		unsigned exit_slot;	      /* EARLY_EXIT: the 2 MB slot (0..511) that stopped the scan */
		unsigned slots_scanned;	      /* slots the hardware read: 512, exit_slot + 1, or 0 */
	} rmpopt;
	enum rmpsim_write_path write_path; /* hypervisor write (machine.h) */
};

/* ---- RMPUPDATE (spec 3.1) ---- */

/* RMPUPDATE input, spec 3.1 (16 bytes packed in hardware). */
struct rmpsim_rmp_state {
	uint64_t gpa;
	uint8_t assigned, pagesize, immutable, rsvd;
	uint32_t asid;
};

enum rmpsim_rmpupdate_rc {
	RMPSIM_RMPUPDATE_OK = 0,
	RMPSIM_RMPUPDATE_FAIL_INPUT = 1,      /* A20, A21, A22 */
	RMPSIM_RMPUPDATE_FAIL_PERMISSION = 2, /* spec 3.1: entry immutable */
	RMPSIM_RMPUPDATE_FAIL_INUSE = 3,      /* A23: lock bit */
	RMPSIM_RMPUPDATE_FAIL_OVERLAP = 4,    /* A24: 4K / 2M overlap */
};

/* The largest ASID an entry holds (10 bits, spec 2.2). */
#define RMPSIM_ASID_MAX 1023u
/* One past the largest GPA an entry holds (39 bits of GPA >> 12, spec 2.2). */
#define RMPSIM_GPA_LIMIT (1ull << 51)

/*
 * RMPUPDATE with RAX = spa and RCX pointing at *in. Fills out->rax (enum
 * rmpsim_rmpupdate_rc), out->change, out->done (1 on OK). Never faults: an
 * SPA beyond the RMP is FAIL_INPUT (A20).
 * -EINVAL: rmp, in or out NULL. -ENOMEM: the table could not allocate.
 */
int rmpsim_insn_rmpupdate(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
			  struct rmpsim_insn_out *out);
/*
 * npages consecutive pages of size in->pagesize from spa, GPA advancing by the
 * page size when gpa_step: exactly equal to that many rmpsim_insn_rmpupdate
 * calls, stopping at the first failure (whose code goes to out->rax);
 * out->done = how many succeeded. Cost O(2 MB regions + non-zero entries in
 * them), not O(pages). out->change covers the whole range done (spa = start,
 * bytes = done pages) when anything changed.
 * -EINVAL: rmp, in or out NULL. -ENOMEM: the pages before the failing 2 MB
 * chunk are done (as an instruction sequence stopped there) and out is
 * written all the same, so that the caller learns out->done and out->change.
 */
int rmpsim_insn_rmpupdate_range(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
				const struct rmpsim_rmp_state *in, bool gpa_step,
				struct rmpsim_insn_out *out);

/* ---- PSMASH (spec 3.2) ---- */

/*
 * The codes Microsoft's __psmash documents: 0, 1, 2, 3, 7 (A28). Code 2 ("the
 * current ASID isn't zero") cannot happen: the model runs PSMASH as the
 * hypervisor.
 */
enum rmpsim_psmash_rc {
	RMPSIM_PSMASH_OK = 0,
	RMPSIM_PSMASH_FAIL_INPUT = 1,	   /* SPA not 2 MB aligned, or not covered (A28) */
	RMPSIM_PSMASH_FAIL_PERMISSION = 2, /* the current ASID isn't zero (never, see above) */
	RMPSIM_PSMASH_FAIL_INUSE = 3,	   /* A28: the head's lock bit */
	RMPSIM_PSMASH_FAIL_EXPAND = 7, /* not expandable: not an assigned 2 MB entry, or immutable (A28) */
};
/*
 * PSMASH with RAX = spa: out->rax (enum rmpsim_psmash_rc), out->change. An
 * SPA beyond the RMP is FAIL_INPUT (A28). -EINVAL: rmp or out NULL; -ENOMEM.
 */
int rmpsim_insn_psmash(struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_insn_out *out);

/* ---- RMPREAD (spec 2.4) ---- */

enum rmpsim_rmpread_rc {
	RMPSIM_RMPREAD_OK = 0,
	RMPSIM_RMPREAD_FAIL_INPUT = 1, /* A29: SPA not covered by the RMP */
};
/*
 * RMPREAD with RAX = spa (bits 11:0 ignored, A29): out->rax (enum
 * rmpsim_rmpread_rc) and, on OK, out->rmpread = the architectural view of the
 * 4K entry holding spa (hpage_region_status = some entry of the 2 MB region
 * is assigned, A29). An SPA beyond the RMP is FAIL_INPUT (A29).
 * -EINVAL: rmp or out NULL.
 */
int rmpsim_insn_rmpread(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_insn_out *out);

/* ---- RMPOPT (spec 1.1-1.4, 1.7) ---- */

#define RMPSIM_RMPOPT_FN_VERIFY 0u		/* VERIFY_AND_REPORT_STATUS, spec 1.2 */
#define RMPSIM_RMPOPT_FN_REPORT 1u		/* REPORT_STATUS, spec 1.2 */
#define RMPSIM_RMPOPT_WINDOW	(2048ull << 30) /* 2 TiB, spec 1.3 */
#define RMPSIM_RMPOPT_REGIONS	2048u
/* RMPOPT_BASE MSR fields (spec 1.3). */
#define RMPSIM_RMPOPT_BASE_EN	     (1ull << 0)
#define RMPSIM_RMPOPT_BASE_ADDR_MASK 0x000FFFFFC0000000ull /* bits 51:30, A42 */

/* A region's cached scan result (A45, spec 1.7 "reserved processor memory"). */
struct rmpsim_rmpopt_scan_cache {
	bool valid; /* until any entry of the region changes */
	int slot;   /* first busy 2 MB slot, -1 = free */
};

/*
 * The RMPOPT state of the executing core, kept by the machine and passed in:
 * the instruction reads it and says what to store (out->cf of a verify is the
 * core's new table entry for the region). For a verify the caller holds
 * whatever serialises the region (the machine: the region's lock).
 */
struct rmpsim_rmpopt_core {
	bool supported;				/* CPUID Fn8000_0025 EDX[0] */
	uint64_t base_msr;			/* the core's RMPOPT_BASE */
	bool region_bit;			/* function 1: the core's entry for RAX's region */
	struct rmpsim_rmpopt_scan_cache *cache; /* function 0: the region's cache; NULL = none kept */
};

/*
 * RMPOPT with RAX = rax (bits 29:0 ignored, A43), RCX = rcx on a core whose
 * state is *core. Check order (A44): no CPUID bit or RMPOPT_EN = 0 -> #UD
 * (spec 1.2, HW-3); RCX > 1 -> #GP (A44); SPA outside [base, base + 2 TiB)
 * -> CF = 0, kind OUTSIDE (A43); function 1 -> CF = region_bit; function 0:
 * the cached result when core->cache is valid (A45), else the scan of the 512
 * 2 MB slots, stopping at the first busy one (a region without RMP entries
 * holds nothing assigned, A51), CF = free; the cache is updated.
 * out: fault, cf, rmpopt. -EINVAL: rmp, core or out NULL.
 */
int rmpsim_insn_rmpopt(const struct rmpsim_rmp *rmp, struct rmpsim_rmpopt_core *core, uint64_t rax,
		       uint64_t rcx, struct rmpsim_insn_out *out);

/* ---- Guest instructions and accesses ---- */

/* The executing SNP guest (A31): its ASID and the VMPL it runs at. */
struct rmpsim_guest_ctx {
	uint32_t asid;
	uint8_t vmpl; /* 0..3 */
};

/* ---- PVALIDATE (spec 3.3) ---- */

enum rmpsim_pvalidate_rc {
	RMPSIM_PVALIDATE_OK = 0,
	RMPSIM_PVALIDATE_FAIL_INPUT = 1,	/* spec 3.3: bad operand or misaligned 2 MB request */
	RMPSIM_PVALIDATE_FAIL_PERMISSION = 2,	/* never returned: VMPL > 0 is #GP (A30); kept for ABI */
	RMPSIM_PVALIDATE_FAIL_SIZEMISMATCH = 6, /* spec 3.3: 2 MB request on a 4K entry */
};

/*
 * PVALIDATE by guest ctx. gpa is the guest-physical page the RAX virtual
 * address translates to, spa the system-physical page behind it (the caller
 * walks the page tables, A31); rcx = page size (0 4K, 1 2M); rdx = 1 validate,
 * 0 rescind. out: fault #GP (not VMPL0, A30) or #NPF (error code), else rax
 * (enum rmpsim_pvalidate_rc), cf (already in that state: nothing written) and
 * change. -EINVAL: a NULL pointer or ctx->vmpl > 3; -ENOMEM.
 */
int rmpsim_insn_pvalidate(struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
			  uint64_t spa, uint64_t rcx, uint64_t rdx, struct rmpsim_insn_out *out);
/*
 * PVALIDATE 4K (RCX = 0, RDX = rdx) of npages pages, gpa + i x 4K at spa + i x
 * 4K, one after the other, stopping at the first that does not complete with
 * code 0 and CF 0 (a guest validating the memory it was given): out->done
 * pages completed and flipped; the rest of *out is the outcome of the page that
 * stopped it (or of the last one). The table ends as npages single calls would
 * leave it (A470), in O(runs) where the pages lie in runs the guest owns. 0,
 * -EINVAL (NULL, npages 0, unaligned or wrapping addresses), -ENOMEM.
 */
int rmpsim_insn_pvalidate_4k_range(struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
				   uint64_t spa, uint64_t npages, uint64_t rdx, struct rmpsim_insn_out *out);

/* ---- RMPADJUST (spec 3.4) ---- */

#define RMPSIM_RMPADJUST_VMPL_MASK  0xffull
#define RMPSIM_RMPADJUST_PERM_SHIFT 8
#define RMPSIM_RMPADJUST_VMSA	    (1ull << 16)

enum rmpsim_rmpadjust_rc {
	RMPSIM_RMPADJUST_OK = 0,
	RMPSIM_RMPADJUST_FAIL_INPUT = 1,	/* A33: bad operand, misaligned 2 MB, VMSA on 2 MB */
	RMPSIM_RMPADJUST_FAIL_PERMISSION = 2,	/* spec 3.4: target VMPL / permissions */
	RMPSIM_RMPADJUST_FAIL_SIZEMISMATCH = 6, /* spec 3.4: 2 MB request on a 4K entry */
};

/*
 * RMPADJUST by guest ctx on the page gpa/spa (as PVALIDATE, A31); rcx = page
 * size; rdx = bits 7:0 target VMPL, 15:8 permissions (RMPSIM_PERM_* << 8),
 * bit 16 VMSA, ignored unless the caller runs at VMPL0 (Microsoft __rmpadjust).
 * out: fault #NPF (error code), else rax (enum rmpsim_rmpadjust_rc) and change.
 * -EINVAL: a NULL pointer or ctx->vmpl > 3; -ENOMEM.
 */
int rmpsim_insn_rmpadjust(struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
			  uint64_t spa, uint64_t rcx, uint64_t rdx, struct rmpsim_insn_out *out);

/* ---- RMPQUERY (Microsoft __rmpquery, A37) ---- */

/* Codes Microsoft's __rmpquery documents: 0 and 2. */
enum rmpsim_rmpquery_rc {
	RMPSIM_RMPQUERY_OK = 0,
	RMPSIM_RMPQUERY_FAIL_PERMISSION = 2, /* the entry is immutable; A37: target VMPL > 3 */
};

/*
 * RMPQUERY by guest ctx on the page gpa/spa (as RMPADJUST, A31) for
 * target_vmpl. Reads only. The CPUID bit that advertises it is not public
 * (A37): callers decide whether the CPU has it. out: fault #NPF, else rax
 * (enum rmpsim_rmpquery_rc) and, on OK, out->rmpquery.
 * -EINVAL: a NULL pointer or ctx->vmpl > 3.
 */
int rmpsim_insn_rmpquery(const struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
			 uint64_t spa, unsigned target_vmpl, struct rmpsim_insn_out *out);

/* ---- RMP checks on memory accesses (spec 3.5) ---- */

/* Access flags for the checks. */
#define RMPSIM_ACCESS_WRITE   (1u << 0)
#define RMPSIM_ACCESS_USER    (1u << 1) /* CPL 3 */
#define RMPSIM_ACCESS_EXEC    (1u << 2) /* instruction fetch (guest accesses) */
#define RMPSIM_ACCESS_PRIVATE (1u << 3) /* guest: C-bit set, encrypted with the guest key */
/* A34 switch: an unassigned immutable entry (HV_FIXED) also faults hypervisor writes. */
#define RMPSIM_ACCESS_IMMUTABLE_FAULTS (1u << 4)

/*
 * A hypervisor (or non-SNP guest) access to spa through a leaf mapping of
 * mapping_size bytes (4 KiB, 2 MiB or 1 GiB). Reads are never checked; a 1 GiB
 * mapping is checked as the 2 MiB region holding spa (A34). This is the full
 * check, without RMPOPT (the machine layer consults RMPOPT first).
 * out: fault #PF with error code RMP | PRESENT | WRITE (| USER), or none.
 * -EINVAL: rmp or out NULL, or a bad mapping size.
 */
int rmpsim_insn_hv_access(const struct rmpsim_rmp *rmp, uint64_t spa, uint64_t mapping_size, unsigned flags,
			  struct rmpsim_insn_out *out);

/*
 * An access by SNP guest ctx to gpa, backed by spa through a nested page table
 * leaf of npt_size bytes (4 KiB, 2 MiB, 1 GiB). flags: RMPSIM_ACCESS_*; a
 * PRIVATE access needs a page assigned to the guest at that GPA, validated,
 * with the VMPL's permission and matching page size; a shared access needs
 * hypervisor-owned pages (spec 3.5, A35). out: fault #NPF or #VC (A32) with
 * its error code, or none. -EINVAL: a NULL pointer, ctx->vmpl > 3 or a bad
 * npt_size.
 */
int rmpsim_insn_guest_access(const struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
			     uint64_t spa, uint64_t npt_size, unsigned flags, struct rmpsim_insn_out *out);

/* ---- Lookup helpers (spec 3.6) ---- */

/*
 * snp_lookup_rmpentry() as Linux does it (A38): assigned and the raw entry
 * come from spa's own 4K entry, the level (RMPSIM_PAGE_4K / _2M) from the
 * page size of the 2 MB-aligned entry of its region. -EFAULT when not
 * covered. ret_entry may be NULL.
 */
int rmpsim_insn_lookup(const struct rmpsim_rmp *rmp, uint64_t spa, bool *ret_assigned, unsigned *ret_level,
		       struct rmpsim_raw_entry *ret_entry);

/* One entry of a dump: its SPA and raw words. */
struct rmpsim_dump_entry {
	uint64_t spa;
	struct rmpsim_raw_entry raw;
};
/*
 * dump_rmpentry(): if the entry of spa is assigned, that entry alone;
 * otherwise every non-zero entry of the 2 MB region holding spa (they can
 * block writes through a 2 MB mapping). Up to max entries go to buf;
 * *ret_total = how many there are (may exceed max). -EFAULT when not covered.
 */
int rmpsim_insn_dump(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_dump_entry *buf, size_t max,
		     size_t *ret_total);
/*
 * The same dump as text in current Linux's format (arch/x86/virt/svm/sev.c:
 * the low word first, "PFN: 0x..." lines; one line per entry, '\n' ended),
 * snprintf-style: returns the length the full text needs (excluding NUL),
 * writes at most len bytes including the NUL; or -EFAULT.
 */
int rmpsim_insn_dump_text(const struct rmpsim_rmp *rmp, uint64_t spa, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
