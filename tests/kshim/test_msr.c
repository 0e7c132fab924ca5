/* SPDX-License-Identifier: MIT */
/*
 * MSRs, CPU features and the RMP instruction helpers on a small machine:
 * *_on_cpu is one priced IPI, a #GP on a plain access is an oops (A87) while
 * the _safe variants return -EIO, RMPOPT without RMPOPT_EN is #UD (an oops),
 * and RMPUPDATE's assignment clears the region's optimisation (spec 1.1).
 */
#include "kshim_test.h"

#include <string.h>

#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/sev-rmpsim.h>
#include <asm/sev.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/smp.h>
#include "assert_eq.h"

/* 1 package, 1 node, 2 cores x 2 threads, 4 GiB; SNP initialised. */
static void world_up(struct world *w)
{
	const struct world_spec ws = {
		.nodes = 1, .mem_per_node = 4ull << 30, .snp_en = true, .snp_init = true, .seed = 1
	};
	world_up_spec(w, &ws);
}

struct res {
	int ret[12];
	u64 val[4];
	uint64_t t[4];
	bool b[8];
	bool after_oops;
};
static struct res rs;

static uint64_t now_ps(void)
{
	return (uint64_t)ktime_get_ns() * 1000;
}

/* Region 2 (2..3 GiB): plain RAM below the A40 hole, free of RMP pages. */
#define PA_REGION (2ull << 30)

static void msr_main(void *arg)
{
	(void)arg;
	u64 v;

	rdmsrq(MSR_AMD64_SYSCFG, v);
	rs.b[0] = v & MSR_AMD64_SYSCFG_SNP_EN;
	rs.ret[0] = rdmsrq_safe(0xdeadbeef, &v);
	rs.ret[1] = wrmsrq_safe(0xdeadbeef, 1);
	/* The window base on core 1 (CPU 1), by IPI, priced as one round. */
	rs.t[0] = now_ps();
	rs.ret[2] = wrmsrq_on_cpu(1, MSR_AMD64_RMPOPT_BASE, MSR_AMD64_RMPOPT_ENABLE);
	rs.t[1] = now_ps();
	rs.ret[3] = rdmsrq_on_cpu(1, MSR_AMD64_RMPOPT_BASE, &rs.val[0]);
	/* A reserved bit: #GP, reported by the safe variant. */
	rs.ret[4] = wrmsrq_safe_on_cpu(1, MSR_AMD64_RMPOPT_BASE, BIT_ULL(63) | MSR_AMD64_RMPOPT_ENABLE);
	/* Features from CPUID. */
	rs.b[1] = cpu_feature_enabled(X86_FEATURE_RMPOPT);
	rs.b[2] = boot_cpu_has(X86_FEATURE_SEV_SNP) && boot_cpu_has(X86_FEATURE_SEGMENTED_RMP) &&
		  boot_cpu_has(X86_FEATURE_RMPREAD);
	rs.b[3] = boot_cpu_has(X86_FEATURE_HYPERVISOR);
	setup_clear_cpu_cap(X86_FEATURE_RMPOPT);
	rs.b[4] = cpu_feature_enabled(X86_FEATURE_RMPOPT);
}

/* covers: spec 1.3, spec 1.4, A87 */
static void msrs_and_features(void **state)
{
	(void)state;
	struct world w;
	memset(&rs, 0, sizeof(rs));
	world_up(&w);
	assert_int_equal(rmpsim_kernel_boot(w.k, msr_main, NULL), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	assert_true(rs.b[0]);
	assert_int_equal(rs.ret[0], -EIO);
	assert_int_equal(rs.ret[1], -EIO);
	assert_int_equal(rs.ret[2], 0);
	ASSERT_EQ(rs.t[1] - rs.t[0], oracle_ipi_round(1, 0));
	assert_int_equal(rs.ret[3], 0);
	ASSERT_EQ(rs.val[0], MSR_AMD64_RMPOPT_ENABLE);
	assert_int_equal(rs.ret[4], -EIO);
	assert_true(rs.b[1]);
	assert_true(rs.b[2]);
	assert_false(rs.b[3]);
	assert_false(rs.b[4]);
	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(w.k, &ks);
	assert_int_equal(ks.oopses, 0);
	world_down(&w);
}

static void gp_main(void *arg)
{
	(void)arg;
	wrmsrq(MSR_AMD64_RMP_BASE, 0); /* locked by the BIOS: #GP */
	rs.after_oops = true;
}

static void plain_wrmsr_gp_is_an_oops(void **state)
{
	(void)state;
	struct world w;
	memset(&rs, 0, sizeof(rs));
	world_up(&w);
	assert_int_equal(rmpsim_kernel_boot(w.k, gp_main, NULL), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(w.k, &ks);
	assert_int_equal(ks.oopses, 1);
	assert_false(rs.after_oops); /* the task never continued */
	assert_non_null(
		strstr(rmpsim_kernel_dmesg(w.k, NULL), "general protection fault: WRMSR to 0xc0010132"));
	world_down(&w);
}

static void rmp_main(void *arg)
{
	(void)arg;
	struct rmp_state st = { .gpa = 0x1000, .assigned = 1, .pagesize = RMP_PG_SIZE_4K, .asid = 1 };
	struct rmpentry e;
	int cpu = smp_processor_id(); /* CPU 0: core 0 */

	wrmsrq(MSR_AMD64_RMPOPT_BASE, MSR_AMD64_RMPOPT_ENABLE);
	rs.t[0] = now_ps();
	rs.b[0] = __rmpopt(PA_REGION, 0);
	rs.t[1] = now_ps();
	rs.ret[0] = __rmpupdate(PA_REGION + 0x5000, &st);
	rs.b[1] = __rmpopt(PA_REGION, 1); /* report only: cleared by RMPUPDATE */
	rs.ret[1] = __rmpread(PA_REGION + 0x5000, &e);
	rs.b[2] = e.assigned && e.asid == 1 && e.gpa == 0x1000;
	rs.ret[2] = __psmash(PA_REGION + 0x1000); /* not 2 MB aligned */
	st.assigned = 0;
	st.asid = 0;
	st.gpa = 0;
	rs.ret[3] = __rmpupdate(PA_REGION + 0x5000, &st);
	rs.b[3] = __rmpopt(PA_REGION, 0);
	rs.ret[4] = cpu;
}

static int rmpopt_on_cpu1(void *arg)
{
	(void)arg;
	__rmpopt(PA_REGION, 0); /* core 1 never got RMPOPT_EN: #UD */
	rs.after_oops = true;
	return 0;
}

static void ud_main(void *arg)
{
	(void)arg;
	smp_call_on_cpu(1, rmpopt_on_cpu1, NULL, false);
}

/* covers: spec 1.1, spec 3.1, spec 3.2 */
static void rmp_helpers_execute_on_the_current_cpu(void **state)
{
	(void)state;
	struct world w;
	memset(&rs, 0, sizeof(rs));
	world_up(&w);
	assert_int_equal(rmpsim_kernel_boot(w.k, rmp_main, NULL), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	assert_int_equal(rs.ret[4], 0);
	assert_true(rs.b[0]); /* a free region verifies */
	ASSERT_EQ(rs.t[1] - rs.t[0], T_F_PS);
	assert_int_equal(rs.ret[0], 0);
	assert_false(rs.b[1]); /* the assignment cleared it */
	assert_int_equal(rs.ret[1], 0);
	assert_true(rs.b[2]);
	assert_int_equal(rs.ret[2], 1); /* PSMASH FAIL_INPUT */
	assert_int_equal(rs.ret[3], 0);
	assert_true(rs.b[3]); /* free again: verifies again */
	/* The bit is per core: core 0 (CPUs 0 and 2) has it, core 1 does not. */
	assert_true(rmpsim_machine_region_optimized(w.m, 0, PA_REGION >> 30));
	assert_false(rmpsim_machine_region_optimized(w.m, 1, PA_REGION >> 30));
	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(w.k, &ks);
	assert_int_equal(ks.oopses, 0);
	world_down(&w);
}

/* covers: spec 1.2 (#UD without RMPOPT_EN is an oops, like the kernel) */
static void rmpopt_without_enable_is_an_oops(void **state)
{
	(void)state;
	struct world w;
	memset(&rs, 0, sizeof(rs));
	world_up(&w);
	assert_int_equal(rmpsim_kernel_boot(w.k, ud_main, NULL), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(w.k, &ks);
	assert_int_equal(ks.oopses, 1);
	assert_false(rs.after_oops);
	assert_non_null(strstr(rmpsim_kernel_dmesg(w.k, NULL), "invalid opcode: RMPOPT"));
	world_down(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msrs_and_features),
		cmocka_unit_test(plain_wrmsr_gp_is_an_oops),
		cmocka_unit_test(rmp_helpers_execute_on_the_current_cpu),
		cmocka_unit_test(rmpopt_without_enable_is_an_oops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
