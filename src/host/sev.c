// SPDX-License-Identifier: MIT
/*
 * SNP host support (spec 1.5, 1.9, 3.1, 3.2, 3.6), modelled on
 * arch/x86/virt/svm/sev.c: snp_prepare(), snp_shutdown(), the RMP helpers
 * rmp_make_private()/rmp_make_shared()/psmash(), snp_leak_pages(), and the
 * rmpsim_host_* entry points of rmpsim/policy.h around them.
 */
#define pr_fmt(fmt) "SEV-SNP: " fmt

#include <linux/bug.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/psp-sev.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/sev.h>
#include <asm/sev-rmpsim.h>

#include "rmpopt.h"
#include "sev_host.h"

/*
 * The leaked ranges. Linux chains the pages themselves (page->buddy_list);
 * the simulator has no struct page, so it keeps the first ranges in a table
 * and counts all of them (docs/model.md, A93).
 */
#define SNP_LEAKED_RANGES_MAX	64

struct snp_leaked_range {
	u64 pfn;
	u64 npages;
};

static struct snp_leaked_range snp_leaked_ranges[SNP_LEAKED_RANGES_MAX];
static unsigned int snp_nr_leaked_ranges;
static unsigned long long snp_nr_leaked_pages;
static DEFINE_SPINLOCK(snp_leaked_pages_list_lock);

/* spec 1.3: set by snp_prepare() when the RMP is segmented (A90). */
static bool rmpopt_capable;
/* The policy whose setup succeeded, until snp_shutdown. */
static const struct rmpsim_policy_ops *rmpopt_active_ops;

/* ---- SNP enable and shutdown (spec 1.9, 3.6) ---------------------------- */

static void mfd_enable(void *arg)
{
	u64 val;

	/* spec 3.6: MtrrFixDramModEn before SNP is enabled, on every CPU */
	rdmsrq(MSR_AMD64_SYSCFG, val);
	val |= MSR_AMD64_SYSCFG_MFDM;
	wrmsrq(MSR_AMD64_SYSCFG, val);
}

static void snp_enable(void *arg)
{
	u64 val;

	rdmsrq(MSR_AMD64_SYSCFG, val);
	val |= MSR_AMD64_SYSCFG_SNP_EN | MSR_AMD64_SYSCFG_SNP_VMPL_EN;
	wrmsrq(MSR_AMD64_SYSCFG, val);
}

int snp_prepare(void)
{
	u64 val;

	if (!cpu_feature_enabled(X86_FEATURE_SEV_SNP))
		return -ENODEV;

	/*
	 * spec 1.9 (v10): no CPU may come or go once SnpEn is set, since the
	 * firmware requires it on every present CPU. Disabled before
	 * cpus_read_lock() (lock order).
	 */
	cpu_hotplug_disable();
	cpus_read_lock();

	/* spec 1.9: -EOPNOTSUPP unless every present CPU is online */
	if (!cpumask_equal(cpu_online_mask, cpu_present_mask)) {
		cpus_read_unlock();
		cpu_hotplug_enable();
		pr_err("SNP requires all present CPUs to be online\n");
		return -EOPNOTSUPP;
	}

	/* spec 3.6: SNP_EN already set (kexec): nothing to enable */
	rdmsrq(MSR_AMD64_SYSCFG, val);
	if (!(val & MSR_AMD64_SYSCFG_SNP_EN)) {
		on_each_cpu(mfd_enable, NULL, 1);
		on_each_cpu(snp_enable, NULL, 1);
	}
	cpus_read_unlock();

	/*
	 * spec 1.3 (HW-5): RMPOPT_EN needs a segmented RMP. Linux sets
	 * rmpopt_capable when it set up the segmented RMP at boot; the
	 * simulated machine's BIOS did that, so its CPUID decides (A90).
	 */
	rmpopt_capable = cpu_feature_enabled(X86_FEATURE_SEGMENTED_RMP);

	return 0;
}

bool snp_rmpopt_capable(void)
{
	return rmpopt_capable;
}

const struct rmpsim_policy_ops *snp_rmpopt_active_ops(void)
{
	return rmpopt_active_ops;
}

static void rmpopt_cleanup(void)
{
	const struct rmpsim_policy_ops *ops = rmpopt_active_ops;

	if (ops)
		ops->cleanup();
	rmpopt_active_ops = NULL;
}

void snp_shutdown(void)
{
	u64 syscfg;

	/*
	 * spec 1.9: only after the firmware cleared SnpEn (X86_SNP_SHUTDOWN);
	 * a legacy shutdown leaves SNP on, RMPOPT running and hotplug off.
	 */
	rdmsrq(MSR_AMD64_SYSCFG, syscfg);
	if (syscfg & MSR_AMD64_SYSCFG_SNP_EN)
		return;

	rmpopt_cleanup();
	cpu_hotplug_enable();
}

/* ---- RMP entries (spec 3.1, 3.2, 3.6) ----------------------------------- */

/*
 * spec 3.6: Linux prints the raw entry words; the shim offers RMPREAD (the
 * architectural view), so this prints its fields.
 */
static void dump_rmpentry(u64 pfn)
{
	struct rmpentry e;

	if (__rmpread(PFN_PHYS(pfn), &e)) {
		pr_info("PFN 0x%llx: no RMP entry\n", pfn);
		return;
	}
	pr_info("PFN 0x%llx: RMP entry: assigned %u pagesize %u immutable %u asid %u gpa 0x%llx\n",
		pfn, e.assigned, e.pagesize, e.immutable, e.asid, e.gpa);
}

/*
 * A105: Linux retries an RMPUPDATE that returns FAIL_OVERLAP for ever,
 * because on hardware the overlap is transient (another CPU's RMPUPDATE or
 * PSMASH on the same 2 MB range, spec 3.1). In the simulator an overlap can
 * also be permanent (a 4K update inside an assigned 2 MB page, A24), which
 * would hang the run. The kernel's loop is kept, but after this many retries
 * at one page (each charged as an RMPUPDATE: about 5 ms of virtual time with
 * the default profile, thousands of times any transient hold) the simulated
 * kernel gives up: pr_err, a simulation bug report, -EFAULT.
 */
#define RMPUPDATE_OVERLAP_RETRIES_MAX	10000

static int rmpupdate_overlap_give_up(u64 pfn, int level)
{
	pr_err("RMPUPDATE for PFN %llx, pg_level: %d: FAIL_OVERLAP after %d retries, giving up\n",
	       pfn, level, RMPUPDATE_OVERLAP_RETRIES_MAX);
	dump_rmpentry(pfn);
	/* A105 */
	rmpsim_kernel_report_bug("rmpsim: RMPUPDATE FAIL_OVERLAP at PFN 0x%llx persisted for %d retries (Linux retries for ever)",
				 pfn, RMPUPDATE_OVERLAP_RETRIES_MAX);
	return -EFAULT;
}

static int rmpupdate_failed(u64 pfn, int level, int ret)
{
	pr_err("RMPUPDATE failed for PFN %llx, pg_level: %d, ret: %d\n",
	       pfn, level, ret);
	dump_rmpentry(pfn);
	WARN_ON(1);	/* dump_stack() */
	return -EFAULT;
}

static int rmpupdate(u64 pfn, struct rmp_state *state)
{
	int ret, level, retries;

	if (!cpu_feature_enabled(X86_FEATURE_SEV_SNP))
		return -ENODEV;

	level = RMP_TO_PG_LEVEL(state->pagesize);

	/*
	 * spec 3.1: FAIL_OVERLAP means another CPU (or the firmware) holds
	 * the 2 MB range: retry (bounded, A105).
	 */
	for (retries = 0;; retries++) {
		ret = __rmpupdate(PFN_PHYS(pfn), state);
		if (ret != RMPUPDATE_FAIL_OVERLAP)
			break;
		if (retries == RMPUPDATE_OVERLAP_RETRIES_MAX)
			return rmpupdate_overlap_give_up(pfn, level);
	}

	if (ret)
		return rmpupdate_failed(pfn, level, ret);

	return 0;
}

int rmp_make_private(u64 pfn, u64 gpa, int level, u32 asid, bool immutable)
{
	struct rmp_state state;

	memset(&state, 0, sizeof(state));
	state.assigned = 1;
	state.asid = asid;
	state.immutable = immutable;
	state.gpa = gpa;
	state.pagesize = PG_LEVEL_TO_RMP(level);

	return rmpupdate(pfn, &state);
}

int rmp_make_shared(u64 pfn, int level)
{
	struct rmp_state state;

	memset(&state, 0, sizeof(state));
	state.pagesize = PG_LEVEL_TO_RMP(level);

	return rmpupdate(pfn, &state);
}

/*
 * Simulator extension: npages RMPUPDATEs as one range operation of the
 * machine, charged as npages RMPUPDATEs (a 512 GiB guest is 128M of them).
 * The FAIL_OVERLAP retry and the error report are those of rmpupdate().
 */
static int rmpupdate_range(u64 pfn, u64 npages, struct rmp_state *state,
			   bool gpa_step, u64 *done)
{
	u64 step, n;
	int ret, level, fails = 0;

	*done = 0;
	if (!cpu_feature_enabled(X86_FEATURE_SEV_SNP))
		return -ENODEV;

	level = RMP_TO_PG_LEVEL(state->pagesize);
	step = level == PG_LEVEL_2M ? PTRS_PER_PMD : 1;

	while (*done < npages) {
		/* A100: the rest of the range in one machine call */
		ret = __rmpupdate_range(PFN_PHYS(pfn + *done * step),
					npages - *done, state, gpa_step, &n);
		*done += n;
		if (gpa_step)
			state->gpa += n * step * PAGE_SIZE;
		if (!ret)
			break;
		if (ret == RMPUPDATE_FAIL_OVERLAP) {
			/* A105: consecutive failures at the same page */
			fails = n ? 1 : fails + 1;
			if (fails > RMPUPDATE_OVERLAP_RETRIES_MAX)
				return rmpupdate_overlap_give_up(pfn + *done * step,
								 level);
			continue;
		}
		return rmpupdate_failed(pfn + *done * step, level, ret);
	}

	return 0;
}

int rmp_make_private_range(u64 pfn, u64 npages, u64 gpa, int level, u32 asid,
			   u64 *done)
{
	struct rmp_state state;

	memset(&state, 0, sizeof(state));
	state.assigned = 1;
	state.asid = asid;
	state.gpa = gpa;
	state.pagesize = PG_LEVEL_TO_RMP(level);

	return rmpupdate_range(pfn, npages, &state, true, done);
}

int rmp_make_shared_range(u64 pfn, u64 npages, int level, u64 *done)
{
	struct rmp_state state;

	memset(&state, 0, sizeof(state));
	state.pagesize = PG_LEVEL_TO_RMP(level);

	return rmpupdate_range(pfn, npages, &state, false, done);
}

int psmash(u64 pfn)
{
	if (!cpu_feature_enabled(X86_FEATURE_SEV_SNP))
		return -ENODEV;

	/* spec 3.2: RAX is a 2 MB aligned SPA; callers align the PFN down */
	if (!pfn_valid(pfn))
		return -EINVAL;

	return __psmash(PFN_PHYS(pfn));
}

void __snp_leak_pages(u64 pfn, unsigned int npages, bool dump_rmp)
{
	u64 i;

	pr_warn("Leaking PFN range 0x%llx-0x%llx\n", pfn, pfn + npages);

	spin_lock(&snp_leaked_pages_list_lock);
	if (snp_nr_leaked_ranges < SNP_LEAKED_RANGES_MAX) {
		snp_leaked_ranges[snp_nr_leaked_ranges].pfn = pfn;
		snp_leaked_ranges[snp_nr_leaked_ranges].npages = npages;
		snp_nr_leaked_ranges++;
	}
	snp_nr_leaked_pages += npages;
	spin_unlock(&snp_leaked_pages_list_lock);

	if (dump_rmp)
		for (i = 0; i < npages; i++)
			dump_rmpentry(pfn + i);
}

void snp_leak_pages(u64 pfn, unsigned int npages)
{
	__snp_leak_pages(pfn, npages, true);
}

/* ---- Kernel state reset before each simulated boot ---------------------- */

/* This file's state; each policy file resets its own. */
static void sev_reset(void)
{
	rmpopt_capable = false;
	rmpopt_active_ops = NULL;
	memset(snp_leaked_ranges, 0, sizeof(snp_leaked_ranges));
	snp_nr_leaked_ranges = 0;
	snp_nr_leaked_pages = 0;
	spin_lock_init(&snp_leaked_pages_list_lock);
}
RMPSIM_KERNEL_RESET(sev_reset);

/* ---- Firmware (spec 1.1, 1.9) -------------------------------------------- */

/*
 * SNP_INIT and SNP_SHUTDOWN_EX as the ccp driver sends them
 * (drivers/crypto/ccp/sev-dev.c), through the shim's firmware model.
 */
static int snp_firmware_init(void)
{
	int error = 0, ret;

	ret = sev_do_cmd(SEV_CMD_SNP_INIT, NULL, &error);
	if (ret)
		pr_err("failed to INIT rc %d, error %#x\n", ret, error);
	return ret;
}

static int snp_firmware_shutdown(bool x86_snp_shutdown)
{
	struct sev_data_snp_shutdown_ex data;
	int error = 0, ret;

	memset(&data, 0, sizeof(data));
	data.len = sizeof(data);
	data.x86_snp_shutdown = x86_snp_shutdown;
	ret = sev_do_cmd(SEV_CMD_SNP_SHUTDOWN_EX, &data, &error);
	if (ret)
		pr_err("failed to SHUTDOWN_EX rc %d, error %#x\n", ret, error);
	return ret;
}

/* ---- rmpsim/policy.h entry points ---------------------------------------- */

int rmpsim_host_snp_init(void)
{
	return snp_firmware_init();
}

int rmpsim_host_snp_prepare(void)
{
	return snp_prepare();
}

int rmpsim_host_setup_rmpopt(const struct rmpsim_policy_ops *ops)
{
	int ret;

	if (!ops)
		ops = &rmpsim_policy_v10;
	if (rmpopt_active_ops)
		return rmpopt_active_ops == ops ? 0 : -EBUSY;

	ret = ops->setup();
	if (ret) {
		pr_info("RMPOPT not enabled (policy %s): %d\n", ops->name, ret);
		return ret;
	}
	rmpopt_active_ops = ops;
	return 0;
}

void rmpsim_host_rmpopt_all_physmem(void)
{
	if (rmpopt_active_ops)
		rmpopt_active_ops->trigger();
}

void rmpsim_host_guest_teardown(unsigned long long first_pfn,
				unsigned long long npages)
{
	const struct rmpsim_policy_ops *ops = rmpopt_active_ops;

	/* spec 1.5: sev_vm_destroy() after snp_decommission_context() */
	if (!ops)
		return;
	if (ops->guest_teardown)
		ops->guest_teardown(first_pfn, npages);
	else
		ops->trigger();
}

void rmpsim_host_snp_shutdown(void)
{
	int ret;

	/* spec 1.9: X86_SNP_SHUTDOWN: the firmware clears SnpEn everywhere */
	ret = snp_firmware_shutdown(true);
	if (ret)
		pr_err("SNP_SHUTDOWN failed: %d\n", ret);
	snp_shutdown();
}

int rmpsim_host_rmp_make_private(unsigned long long pfn, unsigned long long gpa,
				 int level, unsigned int asid, int immutable)
{
	return rmp_make_private(pfn, gpa, level, asid, immutable);
}

int rmpsim_host_rmp_make_shared(unsigned long long pfn, int level)
{
	return rmp_make_shared(pfn, level);
}

int rmpsim_host_rmp_make_private_range(unsigned long long pfn,
				       unsigned long long npages,
				       unsigned long long gpa, int level,
				       unsigned int asid,
				       unsigned long long *ret_done)
{
	u64 done;
	int ret;

	ret = rmp_make_private_range(pfn, npages, gpa, level, asid, &done);
	if (ret_done)
		*ret_done = done;
	return ret;
}

int rmpsim_host_rmp_make_shared_range(unsigned long long pfn,
				      unsigned long long npages, int level,
				      unsigned long long *ret_done)
{
	u64 done;
	int ret;

	ret = rmp_make_shared_range(pfn, npages, level, &done);
	if (ret_done)
		*ret_done = done;
	return ret;
}

int rmpsim_host_psmash(unsigned long long pfn)
{
	return psmash(pfn);
}

void rmpsim_host_snp_leak_pages(unsigned long long pfn,
				unsigned long long npages)
{
	snp_leak_pages(pfn, npages);
}

unsigned long long rmpsim_host_snp_nr_leaked_pages(void)
{
	return snp_nr_leaked_pages;
}
