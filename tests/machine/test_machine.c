/* SPDX-License-Identifier: MIT */
/* The machine (issue 4 points 2-4): memory map, BIOS RMP, MSRs, CPUID, firmware. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/machine.h>

#include "failing_alloc.h"
#include "machine_helpers.h"

/* covers: A40 */
static void memory_map_of_the_default_machine(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_machine *m = NULL;
	struct rmpsim_mem_range r[8];

	assert_int_equal(rmpsim_topology_default(NULL, &t), 0);
	assert_int_equal(rmpsim_machine_create(NULL, t, NULL, NULL, &m), 0);
	/* Node 0: [0,3G) + [4G,513G); nodes 1-3 follow, 512 GiB each. */
	assert_int_equal(rmpsim_machine_ram_ranges(m, r, 8), 5);
	assert_true(r[0].start == 0 && r[0].end == 3 * GIB && r[0].node == 0);
	assert_true(r[1].start == 4 * GIB && r[1].end == 513 * GIB && r[1].node == 0);
	for (unsigned n = 1; n < 4; n++) {
		ASSERT_EQ(r[n + 1].start, (1 + 512ull * n) * GIB);
		ASSERT_EQ(r[n + 1].end, (1 + 512ull * (n + 1)) * GIB);
		assert_int_equal(r[n + 1].node, n);
	}
	uint64_t total = 0;
	for (int i = 0; i < 5; i++)
		total += r[i].end - r[i].start;
	ASSERT_EQ(total, 2048 * GIB); /* no RAM lost to the hole */
	assert_true(rmpsim_machine_max_pfn(m) == (2049 * GIB) >> 12);
	ASSERT_EQ(rmpsim_machine_min_low_pfn(m), 0);
	assert_false(rmpsim_machine_is_ram(m, 3 * GIB + 5));
	assert_int_equal(rmpsim_machine_spa_node(m, 3 * GIB), -1);
	assert_int_equal(rmpsim_machine_spa_node(m, 513 * GIB), 1);
	assert_int_equal(rmpsim_machine_spa_node(m, 2048 * GIB), 3);
	assert_int_equal(rmpsim_machine_nregions(m), 2049);
	rmpsim_machine_destroy(m);
	rmpsim_topology_destroy(t);
}

/* covers: A41, spec 2.3 */
static void segmented_rmp_lives_on_the_node_it_covers(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_machine *m = NULL;
	size_t n;
	uint64_t v;

	assert_int_equal(rmpsim_topology_default(NULL, &t), 0);
	assert_int_equal(rmpsim_machine_create(NULL, t, NULL, NULL, &m), 0);
	const uint64_t *rst = rmpsim_machine_rst(m, &n);
	uint64_t ram_end = rmpsim_machine_max_pfn(m) << 12;
	/* 64 GiB segments up to 2049 GiB: 33 of them, the last mapping 1 GB. */
	assert_int_equal(n, 33);
	assert_int_equal(t_rdmsr(m, 0, RMPSIM_MSR_RMP_CFG, &v), RMPSIM_FAULT_NONE);
	ASSERT_EQ(v, 0x2401); /* spec 2.3 example: shift 36, enabled */
	assert_int_equal(t_rdmsr(m, 0, RMPSIM_MSR_RMP_END, &v), RMPSIM_FAULT_NONE);
	ASSERT_EQ(v, 0);
	assert_int_equal(t_rdmsr(m, 0, RMPSIM_MSR_RMP_BASE, &v), RMPSIM_FAULT_NONE);
	ASSERT_EQ(v, 4 * GIB); /* A41: node 0's placement base, above the hole */
	for (size_t i = 0; i < n; i++) {
		uint64_t seg = i << 36, gb = rst[i] & 0xfffff, addr = rst[i] & 0x000FFFFFFFF00000ull;
		uint64_t want_gb = (ram_end - seg) < (64 * GIB) ? (ram_end - seg + GIB - 1) / GIB : 64;
		uint64_t first_ram = seg;

		ASSERT_EQ(gb, want_gb);
		while (!rmpsim_machine_is_ram(m, first_ram))
			first_ram += GIB;
		/* Entries on the node of the memory they cover, wholly inside that node's RAM. */
		assert_int_equal(rmpsim_machine_spa_node(m, addr), rmpsim_machine_spa_node(m, first_ram));
		assert_int_equal(rmpsim_machine_spa_node(m, addr + gb * 4 * MIB - 1),
				 rmpsim_machine_spa_node(m, first_ram));
		/* No two segments overlap. */
		for (size_t j = 0; j < i; j++) {
			uint64_t a2 = rst[j] & 0x000FFFFFFFF00000ull, g2 = rst[j] & 0xfffff;
			assert_true(addr + gb * 4 * MIB <= a2 || a2 + g2 * 4 * MIB <= addr);
		}
	}
	rmpsim_machine_destroy(m);
	rmpsim_topology_destroy(t);
}

/* covers: A41, spec 2.1 */
static void contiguous_rmp_covers_ram_and_itself(void **state)
{
	(void)state;
	struct rmpsim_machine_config cfg;
	struct rmpsim_machine *m;
	uint64_t base, end, v;
	size_t n;

	rmpsim_machine_config_default(&cfg);
	cfg.rmp_kind = RMPSIM_RMP_CONTIGUOUS;
	m = small_machine(&cfg);
	assert_non_null(m);
	assert_int_equal(t_rdmsr(m, 0, RMPSIM_MSR_RMP_BASE, &base), RMPSIM_FAULT_NONE);
	assert_int_equal(t_rdmsr(m, 0, RMPSIM_MSR_RMP_END, &end), RMPSIM_FAULT_NONE);
	/* spec 2.1 Linux check: (max(max_pfn, PFN_UP(rmp_end)) << 4) + 16 KB <= RMP size. */
	uint64_t maxpfn = rmpsim_machine_max_pfn(m), endpfn = (end + 4095) >> 12;
	assert_true(((maxpfn > endpfn ? maxpfn : endpfn) << 4) + 16384 <= end + 1 - base);
	assert_true(base % MIB == 0 && (end + 1) % MIB == 0);
	ASSERT_EQ(base, 4 * GIB);
	assert_null(rmpsim_machine_rst(m, &n));
	assert_int_equal(n, 0);
	/* No segmented RMP: RMP_CFG does not exist (A47). */
	assert_int_equal(t_rdmsr(m, 0, RMPSIM_MSR_RMP_CFG, &v), RMPSIM_FAULT_GP);
	rmpsim_machine_destroy(m);
}

/* covers: A49, spec 1.4, spec 2.3, spec 2.4 */
static void cpuid_reports_the_configuration(void **state)
{
	(void)state;
	struct rmpsim_machine_config cfg;
	struct rmpsim_cpuid_regs c;
	struct rmpsim_machine *m = small_machine(NULL);

	assert_non_null(m);
	rmpsim_machine_cpuid(m, 3, 0x8000001F, 0, &c);
	assert_true(c.eax & RMPSIM_CPUID_8000001F_EAX_SNP);
	assert_true(c.eax & (1u << 21));
	assert_true(c.eax & (1u << 23));
	rmpsim_machine_cpuid(m, 3, 0x80000025, 0, &c);
	assert_true(c.edx & 1u);
	assert_true((c.eax & 0x3f) <= 36 && ((c.eax >> 6) & 0x3f) >= 36);
	rmpsim_machine_cpuid(m, 3, 0x12345678, 0, &c);
	assert_true(c.eax == 0 && c.ebx == 0 && c.ecx == 0 && c.edx == 0);
	rmpsim_machine_destroy(m);

	rmpsim_machine_config_default(&cfg);
	cfg.rmpopt = false;
	cfg.rmpread = false;
	cfg.rmp_kind = RMPSIM_RMP_CONTIGUOUS;
	m = small_machine(&cfg);
	assert_non_null(m);
	rmpsim_machine_cpuid(m, 0, 0x8000001F, 0, &c);
	assert_false(c.eax & (1u << 21));
	assert_false(c.eax & (1u << 23));
	rmpsim_machine_cpuid(m, 0, 0x80000025, 0, &c);
	assert_false(c.edx & 1u);
	rmpsim_machine_destroy(m);
}

static void bad_segment_shift_is_refused(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_machine *m = NULL;
	struct rmpsim_machine_config cfg;
	struct rmpsim_diag diag = { 0 };

	assert_int_equal(rmpsim_topology_regular(NULL, 1, 1, 1, 1, 4 * GIB, &t), 0);
	rmpsim_machine_config_default(&cfg);
	cfg.segment_shift = 20;
	assert_int_equal(rmpsim_machine_create(NULL, t, &cfg, &diag, &m), -EINVAL);
	assert_non_null(strstr(diag.msg, "segment shift 20"));
	assert_null(m);
	rmpsim_topology_destroy(t);
}

/* covers: spec 1.9, A48 */
static void syscfg_snp_en_is_write_one_only(void **state)
{
	(void)state;
	struct rmpsim_machine *m = small_machine(NULL);
	uint64_t v;

	assert_non_null(m);
	assert_int_equal(t_rdmsr(m, 2, RMPSIM_MSR_SYSCFG, &v), RMPSIM_FAULT_NONE);
	assert_false(v & RMPSIM_SYSCFG_SNP_EN);
	assert_int_equal(t_wrmsr(m, 2, RMPSIM_MSR_SYSCFG, v | RMPSIM_SYSCFG_SNP_EN), RMPSIM_FAULT_NONE);
	assert_int_equal(t_wrmsr(m, 2, RMPSIM_MSR_SYSCFG, v & ~RMPSIM_SYSCFG_SNP_EN), RMPSIM_FAULT_NONE);
	assert_int_equal(t_rdmsr(m, 2, RMPSIM_MSR_SYSCFG, &v), RMPSIM_FAULT_NONE);
	assert_true(v & RMPSIM_SYSCFG_SNP_EN);
	/* Per CPU: CPU 3 is untouched. */
	assert_int_equal(t_rdmsr(m, 3, RMPSIM_MSR_SYSCFG, &v), RMPSIM_FAULT_NONE);
	assert_false(v & RMPSIM_SYSCFG_SNP_EN);
	rmpsim_machine_destroy(m);
}

/* covers: A42, A47, HW-5 */
static void rmpopt_base_msr_rules(void **state)
{
	(void)state;
	struct rmpsim_machine *m = small_machine(NULL);
	uint64_t v, syscfg;

	assert_non_null(m);
	/* Enable without SNP_EN: #GP (HW-5). Plain base without EN is fine. */
	assert_int_equal(t_wrmsr(m, 1, RMPSIM_MSR_RMPOPT_BASE, RMPSIM_RMPOPT_BASE_EN), RMPSIM_FAULT_GP);
	assert_int_equal(t_wrmsr(m, 1, RMPSIM_MSR_RMPOPT_BASE, 2 * GIB), RMPSIM_FAULT_NONE);
	assert_int_equal(t_rdmsr(m, 1, RMPSIM_MSR_SYSCFG, &syscfg), RMPSIM_FAULT_NONE);
	assert_int_equal(t_wrmsr(m, 1, RMPSIM_MSR_SYSCFG, syscfg | RMPSIM_SYSCFG_SNP_EN), RMPSIM_FAULT_NONE);
	/* Reserved bits: not 1 GB aligned, bit 52+. */
	assert_int_equal(t_wrmsr(m, 1, RMPSIM_MSR_RMPOPT_BASE, (1ull << 29) | 1), RMPSIM_FAULT_GP);
	assert_int_equal(t_wrmsr(m, 1, RMPSIM_MSR_RMPOPT_BASE, (1ull << 52) | 1), RMPSIM_FAULT_GP);
	assert_int_equal(t_wrmsr(m, 1, RMPSIM_MSR_RMPOPT_BASE, 4 * GIB | 1), RMPSIM_FAULT_NONE);
	/* Per core: the sibling (CPU 1 + 4 cores) reads the same value; core 0 does not. */
	assert_int_equal(t_rdmsr(m, 5, RMPSIM_MSR_RMPOPT_BASE, &v), RMPSIM_FAULT_NONE);
	ASSERT_EQ(v, (4 * GIB | 1));
	assert_int_equal(t_rdmsr(m, 0, RMPSIM_MSR_RMPOPT_BASE, &v), RMPSIM_FAULT_NONE);
	ASSERT_EQ(v, 0);
	/* The BIOS-owned MSRs are locked; unknown MSRs #GP. */
	assert_int_equal(t_wrmsr(m, 1, RMPSIM_MSR_RMP_BASE, 0), RMPSIM_FAULT_GP);
	assert_int_equal(t_wrmsr(m, 1, RMPSIM_MSR_RMP_CFG, 0), RMPSIM_FAULT_GP);
	assert_int_equal(t_rdmsr(m, 1, 0xC0011234u, &v), RMPSIM_FAULT_GP);
	assert_int_equal(t_wrmsr(m, 1, 0xC0011234u, 0), RMPSIM_FAULT_GP);
	rmpsim_machine_destroy(m);
}

/* covers: A42, HW-5 */
static void rmpopt_base_needs_segmented_rmp_and_the_feature(void **state)
{
	(void)state;
	struct rmpsim_machine_config cfg;
	struct rmpsim_machine *m;
	uint64_t v;

	rmpsim_machine_config_default(&cfg);
	cfg.rmp_kind = RMPSIM_RMP_CONTIGUOUS;
	m = small_machine(&cfg);
	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, false), 0);
	assert_int_equal(t_wrmsr(m, 0, RMPSIM_MSR_RMPOPT_BASE, 1), RMPSIM_FAULT_GP);
	rmpsim_machine_destroy(m);

	rmpsim_machine_config_default(&cfg);
	cfg.rmpopt = false;
	m = small_machine(&cfg);
	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, false), 0);
	assert_int_equal(t_wrmsr(m, 0, RMPSIM_MSR_RMPOPT_BASE, 1), RMPSIM_FAULT_GP);
	assert_int_equal(t_rdmsr(m, 0, RMPSIM_MSR_RMPOPT_BASE, &v), RMPSIM_FAULT_GP);
	rmpsim_machine_destroy(m);
}

/* covers: spec 1.9, A54 */
static void snp_init_needs_snp_en_everywhere(void **state)
{
	(void)state;
	struct rmpsim_machine *m = small_machine(NULL);
	enum rmpsim_fw_status st = RMPSIM_FW_SUCCESS;
	uint64_t v;

	assert_non_null(m);
	for (unsigned cpu = 0; cpu < 7; cpu++) /* all but CPU 7 */
		assert_int_equal(t_wrmsr(m, cpu, RMPSIM_MSR_SYSCFG, RMPSIM_SYSCFG_SNP_EN), RMPSIM_FAULT_NONE);
	assert_int_equal(rmpsim_machine_snp_init(m, NULL, 0, &st), 0);
	assert_int_equal(st, RMPSIM_FW_INVALID_CONFIG);
	assert_false(rmpsim_machine_snp_initialized(m));
	assert_int_equal(t_wrmsr(m, 7, RMPSIM_MSR_SYSCFG, RMPSIM_SYSCFG_SNP_EN), RMPSIM_FAULT_NONE);
	assert_int_equal(rmpsim_machine_snp_init(m, NULL, 0, &st), 0);
	assert_int_equal(st, RMPSIM_FW_SUCCESS);
	assert_true(rmpsim_machine_snp_initialized(m));
	assert_int_equal(rmpsim_machine_snp_init(m, NULL, 0, &st), 0);
	assert_int_equal(st, RMPSIM_FW_INVALID_PLATFORM_STATE);

	/* spec 2.2: SNP_INIT made the RMP's own pages FIRMWARE (assigned + immutable). */
	struct rmpsim_raw_entry e;
	assert_int_equal(rmpsim_machine_read_entry(m, 4 * GIB, &e), 0);
	assert_true(e.lo & 1);
	assert_true(e.lo & 4);
	assert_int_equal(rmpsim_machine_read_entry(m, 8 * GIB, &e), 0);
	assert_true(e.lo == 0 && e.hi == 0);

	/* Legacy shutdown leaves SNP_EN set; X86_SNP_SHUTDOWN clears it everywhere. */
	assert_int_equal(rmpsim_machine_snp_shutdown(m, false, &st), 0);
	assert_int_equal(st, RMPSIM_FW_SUCCESS);
	assert_int_equal(t_rdmsr(m, 4, RMPSIM_MSR_SYSCFG, &v), RMPSIM_FAULT_NONE);
	assert_true(v & RMPSIM_SYSCFG_SNP_EN);
	assert_int_equal(rmpsim_machine_snp_shutdown(m, true, &st), 0);
	assert_int_equal(st, RMPSIM_FW_INVALID_PLATFORM_STATE); /* already shut down */
	assert_int_equal(rmpsim_machine_snp_init(m, NULL, 0, &st), 0);
	assert_int_equal(st, RMPSIM_FW_SUCCESS);
	assert_int_equal(rmpsim_machine_snp_shutdown(m, true, &st), 0);
	assert_int_equal(st, RMPSIM_FW_SUCCESS);
	for (unsigned cpu = 0; cpu < 8; cpu++) {
		assert_int_equal(t_rdmsr(m, cpu, RMPSIM_MSR_SYSCFG, &v), RMPSIM_FAULT_NONE);
		assert_false(v & RMPSIM_SYSCFG_SNP_EN);
	}
	rmpsim_machine_destroy(m);
}

/* SMT off in the BIOS: the firmware sees one CPU per core. */
/* A range RMPUPDATE that fails part-way counts the instructions it executed:
 * the pages done plus the failing one, not the whole range. */
static void range_rmpupdate_counts_executed_instructions(void **state)
{
	(void)state;
	struct rmpsim_machine *m = small_machine(NULL);
	struct rmpsim_rmp_state st = {
		.gpa = 0x40000000, .assigned = 1, .pagesize = RMPSIM_PAGE_4K, .asid = 7
	};
	struct rmpsim_cpu_counters c;
	uint64_t done = 0;
	int rc;

	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, true), 0);
	/* A private 2 MB page at 6 GiB + 2 MiB blocks the 513th 4K page of the range. */
	assert_int_equal(make_private(m, 0, 6 * GIB + 2 * MIB, RMPSIM_PAGE_2M), 0);
	rc = t_rmpupdate_range(m, 1, 6 * GIB, 1024, &st, true, &done);
	assert_true(rc > 0);
	assert_int_equal(done, 512);
	rmpsim_machine_counters(m, 1, &c);
	assert_int_equal(c.rmpupdates, 513);
	rmpsim_machine_counters(m, 0, &c);
	assert_int_equal(c.rmpupdates, 1);
	rmpsim_machine_destroy(m);
}

static void smt_off_machine(void **state)
{
	(void)state;
	struct rmpsim_machine_config cfg;
	struct rmpsim_machine *m;

	rmpsim_machine_config_default(&cfg);
	cfg.smt = false;
	m = small_machine(&cfg);
	assert_non_null(m);
	assert_int_equal(rmpsim_machine_ncpus(m), 4);
	assert_int_equal(bring_up_snp(m, true), 0);
	rmpsim_machine_destroy(m);
}

static void create_survives_every_allocation_failure(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct failing_alloc fa;
	bool ok = false;

	assert_int_equal(rmpsim_topology_regular(NULL, 1, 2, 2, 2, 6 * GIB, &t), 0);
	for (long budget = 0; budget < 200 && !ok; budget++) {
		struct rmpsim_machine *m = NULL;

		failing_alloc_init(&fa, budget);
		int r = rmpsim_machine_create(&fa.alloc, t, NULL, NULL, &m);
		if (r == 0) {
			ok = true;
			rmpsim_machine_destroy(m);
		} else {
			assert_int_equal(r, -ENOMEM);
			assert_null(m);
		}
		assert_int_equal(fa.live_bytes, 0);
	}
	assert_true(ok);
	rmpsim_topology_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memory_map_of_the_default_machine),
		cmocka_unit_test(segmented_rmp_lives_on_the_node_it_covers),
		cmocka_unit_test(contiguous_rmp_covers_ram_and_itself),
		cmocka_unit_test(cpuid_reports_the_configuration),
		cmocka_unit_test(bad_segment_shift_is_refused),
		cmocka_unit_test(syscfg_snp_en_is_write_one_only),
		cmocka_unit_test(rmpopt_base_msr_rules),
		cmocka_unit_test(rmpopt_base_needs_segmented_rmp_and_the_feature),
		cmocka_unit_test(snp_init_needs_snp_en_everywhere),
		cmocka_unit_test(range_rmpupdate_counts_executed_instructions),
		cmocka_unit_test(smt_off_machine),
		cmocka_unit_test(create_survives_every_allocation_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
