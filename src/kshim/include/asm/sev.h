/* SPDX-License-Identifier: MIT */
/*
 * What Linux's arch/x86/include/asm/sev.h gives host code: struct rmp_state,
 * the RMP page sizes and return codes, and the guest helpers pvalidate() and
 * rmpadjust(). Like Linux's header it defines none of the hypervisor helpers
 * that arch/x86/virt/svm/sev.c keeps to itself (rmpupdate, psmash, the RMPREAD
 * entry, __rmpopt), so kernel code pasted from a patch can define them with
 * its own inline asm: a plugin's instruction bytes are executed by the
 * simulated CPU (rmpsim/code_patch.h). The shim's ready-made helpers
 * (__rmpopt(), __rmpupdate(), ...) are in <asm/sev-rmpsim.h>.
 */
#ifndef _ASM_X86_SEV_H
#define _ASM_X86_SEV_H

#include <linux/bits.h>
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

#define RMP_PG_SIZE_4K	       0
#define RMP_PG_SIZE_2M	       1
#define RMP_TO_PG_LEVEL(level) (((level) == RMP_PG_SIZE_4K) ? 1 : 2)
#define PG_LEVEL_TO_RMP(level) (((level) == 1) ? RMP_PG_SIZE_4K : RMP_PG_SIZE_2M)

/* RMPUPDATE / PSMASH return codes (spec 3.1, 3.2). */
#define RMPUPDATE_FAIL_OVERLAP 4
#define PSMASH_FAIL_INUSE      3

/* PVALIDATE and RMPADJUST results (spec 3.3, 3.4). */
#define PVALIDATE_FAIL_INPUT	    1
#define PVALIDATE_FAIL_SIZEMISMATCH 6
#define PVALIDATE_FAIL_NOUPDATE	    255 /* Linux's code for CF = 1 */
#define RMPADJUST_VMSA_PAGE_BIT	    BIT(16)

/*
 * The guest instructions, as Linux's inline helpers are named. The simulated
 * CPUs run the host kernel, where both raise #UD (A223): an oops.
 */
int rmpsim__k_guest_insn(const char *name, unsigned long rax, unsigned long rcx, unsigned long rdx);
static inline int pvalidate(unsigned long vaddr, bool rmp_psize, bool validate)
{
	return rmpsim__k_guest_insn("PVALIDATE", vaddr, rmp_psize, validate);
}
static inline int rmpadjust(unsigned long vaddr, bool rmp_psize, unsigned long attrs)
{
	return rmpsim__k_guest_insn("RMPADJUST", vaddr, rmp_psize, attrs);
}

#endif
