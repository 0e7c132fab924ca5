/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor RMP instructions on the current simulated CPU, shaped like
 * the kernel's inline-asm helpers (arch/x86/include/asm/sev.h, virt/svm/sev.c).
 * Each charges its profile cost on the current CPU. An RMPOPT that faults
 * (#UD: RMPOPT_EN = 0 on this core, spec 1.2; #GP) is an oops, as in the kernel.
 *
 * Kernel code that defines its own __rmpopt()/__rmpupdate() with inline asm
 * must drop those definitions and use these (docs/kshim.md).
 */
#ifndef _ASM_X86_SEV_H
#define _ASM_X86_SEV_H

#include <linux/types.h>

/* RMPUPDATE input (spec 3.1; 16 bytes, packed). */
struct rmp_state {
	u64 gpa;
	u8 assigned;
	u8 pagesize;
	u8 immutable;
	u8 rsvd;
	u32 asid;
} __attribute__((__packed__));

/* The architectural RMPREAD entry (spec 2.4; 16 bytes). */
struct rmpentry {
	u64 gpa;
	u8 assigned : 1, rsvd1 : 7;
	u8 pagesize : 1, hpage_region_status : 1, rsvd2 : 6;
	u8 immutable : 1, rsvd3 : 7;
	u8 rsvd4;
	u32 asid;
} __attribute__((__packed__));

#define RMP_PG_SIZE_4K	       0
#define RMP_PG_SIZE_2M	       1
#define RMP_TO_PG_LEVEL(level) (((level) == RMP_PG_SIZE_4K) ? 1 : 2)
#define PG_LEVEL_TO_RMP(level) (((level) == 1) ? RMP_PG_SIZE_4K : RMP_PG_SIZE_2M)

/* RMPUPDATE / PSMASH return codes (spec 3.1, 3.2). */
#define RMPUPDATE_FAIL_OVERLAP 4
#define PSMASH_FAIL_INUSE      3

/* RMPOPT (spec 1.2): RAX = 1 GB-aligned SPA, RCX = function; returns RFLAGS.CF. */
bool rmpsim__k_rmpopt(u64 rax, u64 rcx);
static inline bool __rmpopt(u64 rax, u64 rcx)
{
	return rmpsim__k_rmpopt(rax, rcx);
}

/* RMPUPDATE (spec 3.1): RAX = SPA, RCX = &state; returns EAX (the raw code). */
int rmpsim__k_rmpupdate(u64 paddr, const struct rmp_state *state);
static inline int __rmpupdate(u64 paddr, struct rmp_state *state)
{
	return rmpsim__k_rmpupdate(paddr, state);
}

/* PSMASH (spec 3.2): RAX = 2 MB-aligned SPA; returns EAX. */
int rmpsim__k_psmash(u64 paddr);
static inline int __psmash(u64 paddr)
{
	return rmpsim__k_psmash(paddr);
}

/* RMPREAD (spec 2.4): RAX = SPA, RCX = &entry; returns EAX (0 or 1 FAIL_INPUT). */
int rmpsim__k_rmpread(u64 paddr, struct rmpentry *e);
static inline int __rmpread(u64 paddr, struct rmpentry *e)
{
	return rmpsim__k_rmpread(paddr, e);
}

#endif
