// SPDX-License-Identifier: MIT
/*
 * The RMP instruction helpers written the way the kernel writes them: inline
 * asm with the opcode bytes and the kernel's register constraints. Loaded as
 * a plugin, each instruction must execute on the simulated CPU
 * (test_insn_trap.c compares them with the shim's functions).
 */
#include <linux/compiler.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include <asm/msr.h>

#include <rmpsim/policy.h>

/* RMPUPDATE's operand, as in asm/sev.h (deliberately not included: a file of
 * sev.c defines its helpers next to this header's declarations). */
struct t_rmp_state {
	u64 gpa;
	u8 assigned;
	u8 pagesize;
	u8 immutable;
	u8 rsvd;
	u32 asid;
} __packed;

struct t_rmpentry {
	u64 gpa;
	u8 assigned : 1, rsvd1 : 7;
	u8 pagesize : 1, hpage_region_status : 1, rsvd2 : 6;
	u8 immutable : 1, rsvd3 : 7;
	u8 rsvd4;
	u32 asid;
} __packed;

static inline bool __rmpopt(u64 rax, u64 rcx)
{
	bool optimized;

	asm volatile(".byte 0xf2, 0x0f, 0x01, 0xfc"
		     : "=@ccc"(optimized)
		     : "a"(rax), "c"(rcx)
		     : "memory", "cc");
	return optimized;
}

static int rmpupdate(u64 paddr, struct t_rmp_state *state)
{
	int ret;

	asm volatile(".byte 0xF2, 0x0F, 0x01, 0xFE"
		     : "=a"(ret)
		     : "a"(paddr), "c"((unsigned long)state)
		     : "memory", "cc");
	return ret;
}

static int psmash(u64 paddr)
{
	int ret;

	asm volatile(".byte 0xF3, 0x0F, 0x01, 0xFF" : "=a"(ret) : "a"(paddr) : "memory", "cc");
	return ret;
}

static int rmpread(u64 paddr, struct t_rmpentry *e)
{
	int ret;

	asm volatile(".byte 0xf2, 0x0f, 0x01, 0xfd" : "=a"(ret) : "a"(paddr), "c"(e) : "memory", "cc");
	return ret;
}

static int t_pvalidate(unsigned long vaddr, bool rmp_psize, bool validate)
{
	bool no_rmpupdate;
	int rc;

	asm volatile(".byte 0xF2, 0x0F, 0x01, 0xFF\n\t"
		     : "=@ccc"(no_rmpupdate), "=a"(rc)
		     : "a"(vaddr), "c"(rmp_psize), "d"(validate)
		     : "memory", "cc");
	return no_rmpupdate ? 255 : rc;
}

static int t_rmpadjust(unsigned long vaddr, bool rmp_psize, unsigned long attrs)
{
	int rc;

	asm volatile(".byte 0xF3, 0x0F, 0x01, 0xFE\n\t"
		     : "=a"(rc)
		     : "a"(vaddr), "c"(rmp_psize), "d"(attrs)
		     : "memory", "cc");
	return rc;
}

/* The same bytes inside an immediate are data, not an instruction. */
static noinline u32 immediate_with_rmpopt_bytes(void)
{
	u32 v;

	asm volatile("movl $0xfc010ff2, %0" : "=r"(v));
	return v;
}

/* What the test runs in a simulated process on CPU 0: out[] gets each result. */
static void run_sequence(u64 pa, u64 *out)
{
	struct t_rmp_state st = { .gpa = 0x7000, .assigned = 1, .pagesize = 0, .asid = 5 };
	struct t_rmp_state shared = { 0 };
	struct t_rmpentry e = { 0 };

	wrmsrq(MSR_AMD64_RMPOPT_BASE, (pa & ~(SZ_1G - 1)) | 1);
	out[0] = __rmpopt(pa, 0);
	out[1] = (u32)rmpupdate(pa + 0x5000, &st);
	out[2] = __rmpopt(pa, 1);
	out[3] = (u32)rmpread(pa + 0x5000, &e);
	out[4] = e.gpa;
	out[5] = e.assigned | e.pagesize << 1 | e.immutable << 2 | (u64)e.asid << 8;
	out[6] = (u32)psmash(pa + 0x1000); /* not 2 MB aligned */
	out[7] = (u32)rmpupdate(pa + 0x5000, &shared);
	out[8] = __rmpopt(pa, 0);
	out[9] = immediate_with_rmpopt_bytes();
}

struct asm_helpers {
	void (*run_sequence)(u64 pa, u64 *out);
	int (*pvalidate)(unsigned long vaddr, bool rmp_psize, bool validate);
	int (*rmpadjust)(unsigned long vaddr, bool rmp_psize, unsigned long attrs);
};
const struct asm_helpers asm_helpers = { run_sequence, t_pvalidate, t_rmpadjust };

static int nop_setup(void)
{
	return 0;
}

static void nop(void)
{
}

const struct rmpsim_policy_ops rmpsim_policy_plugin = {
	.abi_version = RMPSIM_POLICY_ABI_VERSION,
	.name = "asm-helpers",
	.description = "test: the RMP helpers as inline asm",
	.setup = nop_setup,
	.trigger = nop,
	.cleanup = nop,
};
