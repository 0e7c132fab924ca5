/* SPDX-License-Identifier: MIT */
/* MSR access and CPU features on the simulated machine (spec 1.3, 1.4). */
#include <rmpsim/machine.h>

#include "kshim.h"

#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/smp.h>

static unsigned this_cpu(struct rmpsim_kernel *k)
{
	unsigned cpu = rmpsim_sim_cpu(k->sim);
	return cpu == RMPSIM_CPU_ANY ? 0 : cpu;
}

/*
 * -EIO on #GP (or no machine), as native_read_msr_safe(). The machine's own
 * failure (no such CPU: a shim bug) voids the run and also reads as -EIO.
 */
static int msr_outcome(int err, const struct rmpsim_insn_out *r, const char *insn)
{
	if (err < 0) {
		rmpsim__k_sim_failed(err, insn);
		return -EIO;
	}
	return r->fault == RMPSIM_FAULT_NONE ? 0 : -EIO;
}

static int do_rdmsr(struct rmpsim_kernel *k, unsigned cpu, u32 msr, u64 *val)
{
	struct rmpsim_insn_out r;
	if (!k->machine || msr_outcome(rmpsim_machine_rdmsr(k->machine, cpu, msr, &r), &r, "RDMSR"))
		return -EIO;
	*val = r.rax;
	return 0;
}

static int do_wrmsr(struct rmpsim_kernel *k, unsigned cpu, u32 msr, u64 val)
{
	struct rmpsim_insn_out r;
	rmpsim__k_infer_msr(k, msr, val);
	if (!k->machine || msr_outcome(rmpsim_machine_wrmsr(k->machine, cpu, msr, val, &r), &r, "WRMSR"))
		return -EIO;
	return 0;
}

u64 rmpsim__k_rdmsrq(u32 msr)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	u64 v = 0;
	if (do_rdmsr(k, this_cpu(k), msr, &v)) /* A87 */
		rmpsim__k_oops("general protection fault: RDMSR from 0x%x", msr);
	return v;
}

void rmpsim__k_wrmsrq(u32 msr, u64 val)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (do_wrmsr(k, this_cpu(k), msr, val)) /* A87 */
		rmpsim__k_oops("general protection fault: WRMSR to 0x%x (tried to write 0x%016llx)", msr,
			       val);
}

int rdmsrq_safe(u32 msr, u64 *p)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	return do_rdmsr(k, this_cpu(k), msr, p);
}

int wrmsrq_safe(u32 msr, u64 val)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	return do_wrmsr(k, this_cpu(k), msr, val);
}

/* The IPI handlers of the *_on_cpu calls. */
struct msr_call {
	u32 msr;
	u64 val;
	int err;
	bool safe, write;
};

static void msr_on_cpu_fn(void *info)
{
	struct msr_call *c = info;
	if (c->safe) {
		c->err = c->write ? wrmsrq_safe(c->msr, c->val) : rdmsrq_safe(c->msr, &c->val);
		return;
	}
	if (c->write)
		wrmsrq(c->msr, c->val);
	else
		rdmsrq(c->msr, c->val);
}

static int msr_on_cpu(unsigned cpu, struct msr_call *c)
{
	int err = smp_call_function_single((int)cpu, msr_on_cpu_fn, c, 1);
	return err ? err : c->err;
}

int rdmsrq_on_cpu(unsigned int cpu, u32 msr, u64 *q)
{
	struct msr_call c = { .msr = msr };
	int err = msr_on_cpu(cpu, &c);
	*q = c.val;
	return err;
}

int wrmsrq_on_cpu(unsigned int cpu, u32 msr, u64 q)
{
	struct msr_call c = { .msr = msr, .val = q, .write = true };
	return msr_on_cpu(cpu, &c);
}

int rdmsrq_safe_on_cpu(unsigned int cpu, u32 msr, u64 *q)
{
	struct msr_call c = { .msr = msr, .safe = true };
	int err = msr_on_cpu(cpu, &c);
	*q = c.val;
	return err;
}

int wrmsrq_safe_on_cpu(unsigned int cpu, u32 msr, u64 q)
{
	struct msr_call c = { .msr = msr, .val = q, .safe = true, .write = true };
	return msr_on_cpu(cpu, &c);
}

/* ---- features (spec 1.4) ---- */

void setup_clear_cpu_cap(unsigned int feature)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (feature < 32 * 32)
		k->cleared_caps[feature / 32] |= 1u << (feature % 32);
}

bool rmpsim__k_cpu_has(unsigned int feature)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (!k->machine || feature >= 32 * 32 || (k->cleared_caps[feature / 32] >> (feature % 32)) & 1)
		return false;
	struct rmpsim_cpuid_regs r;
	switch (feature) {
	case X86_FEATURE_RMPOPT:
		rmpsim_machine_cpuid(k->machine, 0, 0x80000025, 0, &r);
		return r.edx & RMPSIM_CPUID_80000025_EDX_RMPOPT;
	case X86_FEATURE_SME:
	case X86_FEATURE_SEV:
	case X86_FEATURE_SEV_ES:
	case X86_FEATURE_SEV_SNP:
	case X86_FEATURE_RMPREAD:
	case X86_FEATURE_SEGMENTED_RMP:
		rmpsim_machine_cpuid(k->machine, 0, 0x8000001f, 0, &r);
		return (r.eax >> (feature % 32)) & 1;
	default: return false; /* X86_FEATURE_HYPERVISOR and everything else */
	}
}

/* ---- memory bounds (<linux/memblock.h>) ---- */

unsigned long rmpsim__k_min_low_pfn(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	return k->machine ? (unsigned long)rmpsim_machine_min_low_pfn(k->machine) : 0;
}

unsigned long rmpsim__k_max_pfn(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	return k->machine ? (unsigned long)rmpsim_machine_max_pfn(k->machine) : 0;
}

bool rmpsim__k_pfn_valid(u64 pfn)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	return k->machine && pfn < rmpsim_machine_max_pfn(k->machine) &&
	       rmpsim_machine_is_ram(k->machine, (uint64_t)pfn << 12);
}

struct msr_all {
	u32 msr;
	u64 val;
};

static void wrmsr_here(void *info)
{
	struct msr_all *m = info;
	rmpsim__k_wrmsrq(m->msr, m->val); /* a #GP is an oops, as for wrmsrq (A87) */
}

void wrmsrq_on_cpus(const struct cpumask *mask, u32 msr, u64 q)
{
	struct msr_all m = { msr, q };
	on_each_cpu_mask(mask, wrmsr_here, &m, true);
}
