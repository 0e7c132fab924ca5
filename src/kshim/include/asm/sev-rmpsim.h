/* SPDX-License-Identifier: MIT */
/*
 * Simulator extensions for kernel-style code: NOT Linux API. They exist
 * because some kernel loops are too long to simulate instruction by
 * instruction, and because a simulated kernel sometimes must tell the
 * simulation that it gave up where Linux would spin for ever.
 */
#ifndef _ASM_X86_SEV_RMPSIM_H
#define _ASM_X86_SEV_RMPSIM_H

#include <linux/compiler.h>
#include <linux/types.h>

#include <asm/sev.h>

/*
 * The RMP instructions on the current simulated CPU as plain functions, for
 * kernel-style code that does not carry its own inline asm (the built-in
 * policies). Each charges its profile cost on the current CPU. An RMPOPT that
 * faults (#UD: RMPOPT_EN = 0 on this core, spec 1.2; #GP) is an oops, as in
 * the kernel. Linux keeps these helpers and struct rmpentry private to
 * arch/x86/virt/svm/sev.c.
 */
/* The architectural RMPREAD entry (spec 2.4; 16 bytes). */
struct rmpentry {
	u64 gpa;
	u8 assigned : 1, rsvd1 : 7;
	u8 pagesize : 1, hpage_region_status : 1, rsvd2 : 6;
	u8 immutable : 1, rsvd3 : 7;
	u8 rsvd4;
	u32 asid;
} __attribute__((__packed__));

/* RMPOPT (spec 1.2): RAX = 1 GB-aligned SPA, RCX = function; returns RFLAGS.CF. */
bool rmpsim__k_rmpopt(u64 rax, u64 rcx);
static inline bool __rmpopt(u64 rax, u64 rcx)
{
	return rmpsim__k_rmpopt(rax, rcx);
}

/*
 * The loop "for (pa = pa_start; pa < pa_end; pa += SZ_1G) __rmpopt(pa, 0);"
 * on the current CPU, in one call: the same table bits, counters, costs and
 * statistics as that loop (docs/kshim.md "Simulator helpers"; inside an IPI
 * handler the sim computes it as one ranged run, docs/timing.md "Ranged runs").
 * RMPOPT ignores RAX bits 29:0, so pa_start need not be aligned.
 */
void rmpsim__k_rmpopt_range(u64 pa_start, u64 pa_end);
static inline void __rmpopt_range(u64 pa_start, u64 pa_end)
{
	rmpsim__k_rmpopt_range(pa_start, pa_end);
}

/*
 * Declares that fn(info) executes exactly __rmpopt(ALIGN_DOWN((u64)info, 1 GB),
 * 0) on the current CPU and nothing else (the v10 series' rmpopt_smp): then
 * on_each_cpu_mask(mask, fn, info, true) may be simulated as one round
 * (docs/timing.md "Rounds"), with the same results as its IPIs one by one.
 * For this kernel; NULL forgets it.
 */
void rmpsim_rmpopt_round_fn(void (*fn)(void *info));

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

/*
 * npages RMPUPDATEs on the current CPU: pages of state->pagesize from paddr,
 * the GPA advancing by the page size when gpa_step. The machine executes the
 * range (rmpsim_machine_rmpupdate_range, O(regions) rather than O(pages))
 * and the CPU is charged as for the instructions it stands for: one profile
 * RMPUPDATE cost per page done, plus one for the failing page if any. Stops
 * at the first page whose RMPUPDATE does not return 0, exactly as the loop
 * of __rmpupdate() calls it replaces; returns that code (0 when all were
 * done) and *done = pages done before it (done may be NULL).
 */
int rmpsim__k_rmpupdate_range(u64 paddr, u64 npages, const struct rmp_state *state, bool gpa_step, u64 *done);
static inline int __rmpupdate_range(u64 paddr, u64 npages, struct rmp_state *state, bool gpa_step, u64 *done)
{
	return rmpsim__k_rmpupdate_range(paddr, npages, state, gpa_step, done);
}

/*
 * Tell the simulation the kernel hit a condition that, on hardware, would
 * hang or corrupt it (e.g. an RMPUPDATE retried for ever): logged to dmesg
 * and counted in rmpsim_kernel_stats().bugs; the caller continues.
 */
void rmpsim_kernel_report_bug(const char *fmt, ...) __printf(1, 2);

#endif
