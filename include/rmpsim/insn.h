/* SPDX-License-Identifier: MIT */
/*
 * The RMP instructions and the RMP checks on memory accesses (spec section 3,
 * 2.4), as pure functions over a struct rmpsim_rmp: no CPUs, no RMPOPT state
 * (the machine layer adds those).
 *
 * Conventions (include/rmpsim/error.h):
 * - Each instruction returns its architectural code (>= 0, its own enum) or a
 *   negative errno for a failure of the library itself (-ENOMEM from the table;
 *   -EINVAL for a NULL pointer or an impossible argument). On a negative return
 *   nothing changed and no ret_* out-parameter was written (except where said).
 * - The order in which an instruction checks its conditions is its return-code
 *   precedence; it is documented at the top of its source file
 *   (src/insn/<instruction>.c) and in docs/model.md (assumptions A20-A39).
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

/* ---- What an instruction did to the table ---- */

/* For the machine layer: RMPOPT bit clears and scan-cache invalidation (A27). */
struct rmpsim_rmp_change {
	bool changed;	/* some entry's 16 bytes changed */
	bool assigned;	/* some entry went from not assigned to assigned (A27: clears RMPOPT bits) */
	uint64_t spa;	/* first byte affected (4K or 2M aligned) */
	uint64_t bytes; /* 4K or 2M (a range: the whole range done); 0 when nothing changed */
};

/* ---- RMPUPDATE (spec 3.1) ---- */

/* RMPUPDATE input, spec 3.1 (16 bytes packed in hardware). */
struct rmpsim_rmp_state {
	uint64_t gpa;
	uint8_t assigned, pagesize, immutable, rsvd;
	uint32_t asid;
};

enum rmpsim_rmpupdate_rc {
	/* Library failure, not an architectural outcome: the table could not
	 * allocate. Nothing changed. (Kept in the enum so that the enum is signed.) */
	RMPSIM_RMPUPDATE_ENOMEM = -ENOMEM,
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
 * RMPUPDATE with RAX = spa and RCX pointing at *in. ret_change may be NULL; it
 * is written for every architectural outcome (changed = false on failure).
 */
enum rmpsim_rmpupdate_rc rmpsim_insn_rmpupdate(struct rmpsim_rmp *rmp, uint64_t spa,
					       const struct rmpsim_rmp_state *in,
					       struct rmpsim_rmp_change *ret_change);
/*
 * npages consecutive pages of size in->pagesize from spa, GPA advancing by the
 * page size when gpa_step: exactly equal to that many rmpsim_insn_rmpupdate
 * calls, stopping at the first failure (whose code it returns); *ret_done =
 * how many succeeded. Cost O(2 MB regions + non-zero entries in them), not
 * O(pages). ret_change covers the whole range done (spa = start, bytes = done
 * pages) when anything changed. On RMPSIM_RMPUPDATE_ENOMEM the pages before
 * the failing 2 MB chunk are done, and *ret_done / *ret_change say so, exactly
 * as an instruction sequence stopped there. ret_done and ret_change may be NULL.
 */
enum rmpsim_rmpupdate_rc rmpsim_insn_rmpupdate_range(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
						     const struct rmpsim_rmp_state *in, bool gpa_step,
						     uint64_t *ret_done,
						     struct rmpsim_rmp_change *ret_change);

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
/* Returns the PSMASH code (enum rmpsim_psmash_rc) or -ENOMEM. ret_change may be NULL. */
int rmpsim_insn_psmash(struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_rmp_change *ret_change);

/* ---- RMPREAD (spec 2.4) ---- */

enum rmpsim_rmpread_rc {
	RMPSIM_RMPREAD_OK = 0,
	RMPSIM_RMPREAD_FAIL_INPUT = 1, /* A29: SPA not covered by the RMP */
};
/*
 * RMPREAD with RAX = spa (bits 11:0 ignored, A29): the architectural view of
 * the 4K entry holding spa. hpage_region_status = some entry of the 2 MB
 * region is assigned (A29). ret is written only on RMPSIM_RMPREAD_OK.
 */
enum rmpsim_rmpread_rc rmpsim_insn_rmpread(const struct rmpsim_rmp *rmp, uint64_t spa,
					   struct rmpsim_rmpread_entry *ret);

/* ---- Guest instructions and accesses ---- */

/* The executing SNP guest (A31): its ASID and the VMPL it runs at. */
struct rmpsim_guest_ctx {
	uint32_t asid;
	uint8_t vmpl; /* 0..3 */
};

/* How a guest instruction or access ended. */
enum rmpsim_guest_fault {
	RMPSIM_GUEST_NONE = 0, /* the instruction completed (see its code) */
	RMPSIM_GUEST_NPF,      /* nested page fault to the hypervisor; see npf_error_code */
	RMPSIM_GUEST_VC,       /* #VC in the guest: page not validated (A32) */
	RMPSIM_GUEST_GP,       /* #GP(0) in the guest: PVALIDATE not at VMPL0 (A30) */
};

/*
 * Nested-page-fault error code bits (KVM PFERR_* names, spec 3.5, A36). SIZEM
 * is set only by PVALIDATE and RMPADJUST (AMD, kvm list 2022-10-13); USER is
 * set on every guest fault (nested paging treats guest accesses as user ones).
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

/* ---- PVALIDATE (spec 3.3) ---- */

enum rmpsim_pvalidate_rc {
	RMPSIM_PVALIDATE_OK = 0,
	RMPSIM_PVALIDATE_FAIL_INPUT = 1,	/* spec 3.3: bad operand or misaligned 2 MB request */
	RMPSIM_PVALIDATE_FAIL_PERMISSION = 2,	/* never returned: VMPL > 0 is #GP (A30); kept for ABI */
	RMPSIM_PVALIDATE_FAIL_SIZEMISMATCH = 6, /* spec 3.3: 2 MB request on a 4K entry */
};

struct rmpsim_pvalidate_result {
	enum rmpsim_guest_fault fault; /* NONE: rc and cf are the outcome */
	enum rmpsim_pvalidate_rc rc;
	bool cf;		 /* RFLAGS.CF: no RMP update happened (already in that state) */
	uint64_t npf_error_code; /* with RMPSIM_GUEST_NPF */
	struct rmpsim_rmp_change change;
};
/*
 * PVALIDATE by guest ctx. gpa is the guest-physical page the RAX virtual
 * address translates to, spa the system-physical page behind it (the caller
 * walks the page tables, A31); rcx = page size (0 4K, 1 2M); rdx = 1 validate,
 * 0 rescind. Returns 0 with *ret filled, -EINVAL for NULL pointers, -ENOMEM.
 */
int rmpsim_insn_pvalidate(struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
			  uint64_t spa, uint64_t rcx, uint64_t rdx, struct rmpsim_pvalidate_result *ret);
/*
 * PVALIDATE 4K (RCX = 0, RDX = rdx) of npages pages, gpa + i x 4K at spa + i x
 * 4K, one after the other, stopping at the first that does not complete with
 * code 0 and CF 0 (a guest validating the memory it was given): *ret_done
 * pages completed and flipped, *ret the outcome of the page that stopped it
 * (or of the last one). The table ends as npages single calls would leave it
 * (A470), in O(runs) where the pages lie in runs the guest owns. 0, -EINVAL
 * (NULL, npages 0, unaligned or wrapping addresses), -ENOMEM.
 */
int rmpsim_insn_pvalidate_4k_range(struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
				   uint64_t spa, uint64_t npages, uint64_t rdx, uint64_t *ret_done,
				   struct rmpsim_pvalidate_result *ret);

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

struct rmpsim_rmpadjust_result {
	enum rmpsim_guest_fault fault;
	enum rmpsim_rmpadjust_rc rc;
	uint64_t npf_error_code;
	struct rmpsim_rmp_change change;
};
/*
 * RMPADJUST by guest ctx on the page gpa/spa (as PVALIDATE, A31); rcx = page
 * size; rdx = bits 7:0 target VMPL, 15:8 permissions (RMPSIM_PERM_* << 8),
 * bit 16 VMSA, ignored unless the caller runs at VMPL0 (Microsoft __rmpadjust).
 * Returns 0 with *ret filled, -EINVAL for NULL pointers.
 */
int rmpsim_insn_rmpadjust(struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
			  uint64_t spa, uint64_t rcx, uint64_t rdx, struct rmpsim_rmpadjust_result *ret);

/* ---- RMPQUERY (Microsoft __rmpquery, A37) ---- */

/* Codes Microsoft's __rmpquery documents: 0 and 2. */
enum rmpsim_rmpquery_rc {
	RMPSIM_RMPQUERY_OK = 0,
	RMPSIM_RMPQUERY_FAIL_PERMISSION = 2, /* the entry is immutable; A37: target VMPL > 3 */
};

struct rmpsim_rmpquery_result {
	enum rmpsim_guest_fault fault; /* NONE: rc and, on OK, the fields below */
	enum rmpsim_rmpquery_rc rc;
	uint8_t target_perm_mask; /* the target VMPL's permissions (VMPL0: all, spec 3.4) */
	bool vmsa;
	uint8_t page_size; /* RMPSIM_PAGE_4K / _2M of the authoritative entry */
	uint64_t npf_error_code;
};
/*
 * RMPQUERY by guest ctx on the page gpa/spa (as RMPADJUST, A31) for
 * target_vmpl. Reads only. The CPUID bit that advertises it is not public
 * (A37): callers decide whether the CPU has it. Returns 0 with *ret filled,
 * -EINVAL for NULL pointers.
 */
int rmpsim_insn_rmpquery(const struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
			 uint64_t spa, unsigned target_vmpl, struct rmpsim_rmpquery_result *ret);

/* ---- RMP checks on memory accesses (spec 3.5) ---- */

/* x86 #PF error-code bits of a hypervisor access. */
#define RMPSIM_INSN_PF_PRESENT (1u << 0)
#define RMPSIM_INSN_PF_WRITE   (1u << 1)
#define RMPSIM_INSN_PF_USER    (1u << 2)
#define RMPSIM_INSN_PF_RMP     (1u << 31) /* X86_PF_RMP */

/* Access flags for the checks. */
#define RMPSIM_ACCESS_WRITE   (1u << 0)
#define RMPSIM_ACCESS_USER    (1u << 1) /* CPL 3 */
#define RMPSIM_ACCESS_EXEC    (1u << 2) /* instruction fetch (guest accesses) */
#define RMPSIM_ACCESS_PRIVATE (1u << 3) /* guest: C-bit set, encrypted with the guest key */
/* A34 switch: an unassigned immutable entry (HV_FIXED) also faults hypervisor writes. */
#define RMPSIM_ACCESS_IMMUTABLE_FAULTS (1u << 4)

struct rmpsim_hv_access_result {
	bool fault;		/* #PF raised */
	uint32_t pf_error_code; /* with fault: RMP | PRESENT | WRITE (| USER) */
};
/*
 * A hypervisor (or non-SNP guest) access to spa through a leaf mapping of
 * mapping_size bytes (4 KiB, 2 MiB or 1 GiB). Reads are never checked; a 1 GiB
 * mapping is checked as the 2 MiB region holding spa (A34). This is the full
 * check, without RMPOPT (the machine layer consults RMPOPT first).
 * Returns 0 with *ret filled, or -EINVAL for a bad mapping size.
 */
int rmpsim_insn_hv_access(const struct rmpsim_rmp *rmp, uint64_t spa, uint64_t mapping_size, unsigned flags,
			  struct rmpsim_hv_access_result *ret);

struct rmpsim_guest_access_result {
	enum rmpsim_guest_fault fault;
	uint64_t npf_error_code; /* with RMPSIM_GUEST_NPF */
	uint32_t vc_error_code;	 /* with RMPSIM_GUEST_VC */
};
/*
 * An access by SNP guest ctx to gpa, backed by spa through a nested page table
 * leaf of npt_size bytes (4 KiB, 2 MiB, 1 GiB). flags: RMPSIM_ACCESS_*; a
 * PRIVATE access needs a page assigned to the guest at that GPA, validated,
 * with the VMPL's permission and matching page size; a shared access needs
 * hypervisor-owned pages (spec 3.5, A35). Returns 0 with *ret filled, -EINVAL.
 */
int rmpsim_insn_guest_access(const struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
			     uint64_t spa, uint64_t npt_size, unsigned flags,
			     struct rmpsim_guest_access_result *ret);

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
