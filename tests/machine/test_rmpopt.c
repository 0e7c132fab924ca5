/* SPDX-License-Identifier: MIT */
/* RMPOPT and hypervisor write checks (issue 4 points 5-6). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/machine.h>

#include "base/rng.h"
#include "machine_helpers.h"

static struct rmpsim_insn_out opt(struct rmpsim_machine *m, unsigned cpu, uint64_t rax, uint64_t rcx)
{
	struct rmpsim_insn_out r;

	assert_int_equal(rmpsim_machine_rmpopt(m, cpu, rax, rcx, &r), 0);
	return r;
}

static struct rmpsim_machine *up(enum rmpsim_rmpopt_cache cache)
{
	struct rmpsim_machine_config cfg;
	struct rmpsim_machine *m;

	rmpsim_machine_config_default(&cfg);
	cfg.cache = cache;
	m = small_machine(&cfg);
	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, true), 0);
	return m;
}

/* covers: spec 1.2, A44 */
static void rmpopt_faults(void **state)
{
	(void)state;
	struct rmpsim_machine_config cfg;
	struct rmpsim_machine *m = small_machine(NULL);
	struct rmpsim_insn_out r;
	struct rmpsim_cpu_counters c;

	assert_non_null(m);
	/* RMPOPT_EN = 0: #UD (HW-3), whatever RCX is. */
	r = opt(m, 0, 0, 0);
	assert_int_equal(r.fault, RMPSIM_FAULT_UD);
	r = opt(m, 0, 0, 7);
	assert_int_equal(r.fault, RMPSIM_FAULT_UD);
	assert_int_equal(bring_up_snp(m, true), 0);
	/* RCX > 1: #GP (A44). */
	r = opt(m, 0, 0, 2);
	assert_int_equal(r.fault, RMPSIM_FAULT_GP);
	rmpsim_machine_counters(m, 0, &c);
	ASSERT_EQ(c.rmpopt_faults, 3);
	assert_int_equal(rmpsim_machine_rmpopt(m, 99, 0, 0, &r), -EINVAL);
	rmpsim_machine_destroy(m);

	/* No RMPOPT in CPUID: #UD. */
	rmpsim_machine_config_default(&cfg);
	cfg.rmpopt = false;
	m = small_machine(&cfg);
	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, false), 0);
	r = opt(m, 0, 0, 0);
	assert_int_equal(r.fault, RMPSIM_FAULT_UD);
	rmpsim_machine_destroy(m);
}

/* covers: spec 1.2, spec 1.7, A45, A51 */
static void verify_scan_then_followers_hit_the_cache(void **state)
{
	(void)state;
	struct rmpsim_machine *m = up(RMPSIM_RMPOPT_CACHE_ALWAYS);
	struct rmpsim_insn_out r;
	struct rmpsim_cpu_counters c;

	/* Leader on CPU 0: full scan of an empty GB. */
	r = opt(m, 0, 8 * GIB + 12345, 0); /* A43: low bits ignored */
	assert_int_equal(r.fault, RMPSIM_FAULT_NONE);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_SCANNED);
	assert_int_equal(r.rmpopt.slots_scanned, 512);
	assert_true(r.cf);
	/* Followers on other cores use the cached result. */
	for (unsigned cpu = 1; cpu < 4; cpu++) {
		r = opt(m, cpu, 8 * GIB, 0);
		assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_CACHE_HIT);
		assert_int_equal(r.rmpopt.slots_scanned, 0);
		assert_true(r.cf);
	}
	/* The sibling thread (CPU 4 = core 0) shares the table: set without running RMPOPT. */
	r = opt(m, 4, 8 * GIB, 1);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_REPORT);
	assert_true(r.cf);
	assert_true(rmpsim_machine_region_optimized_all(m, 8));
	assert_false(rmpsim_machine_region_optimized_all(m, 9));
	rmpsim_machine_counters(m, 0, &c);
	ASSERT_EQ(c.rmpopt[RMPSIM_RMPOPT_SCANNED], 1);
	rmpsim_machine_counters(m, 2, &c);
	ASSERT_EQ(c.rmpopt[RMPSIM_RMPOPT_CACHE_HIT], 1);
	rmpsim_machine_destroy(m);
}

/* covers: A45 */
static void cache_never_mode_always_scans(void **state)
{
	(void)state;
	struct rmpsim_machine *m = up(RMPSIM_RMPOPT_CACHE_NEVER);

	for (unsigned cpu = 0; cpu < 4; cpu++) {
		struct rmpsim_insn_out r = opt(m, cpu, 8 * GIB, 0);
		assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_SCANNED);
		assert_true(r.cf);
	}
	rmpsim_machine_destroy(m);
}

/* covers: spec 1.2, A51 (the reviewers' worst case: last 4K page of the GB private) */
static void last_page_private_exits_at_slot_511(void **state)
{
	(void)state;
	struct rmpsim_machine *m = up(RMPSIM_RMPOPT_CACHE_ALWAYS);
	struct rmpsim_insn_out r;

	assert_int_equal(make_private(m, 0, 9 * GIB - 4096, RMPSIM_PAGE_4K), RMPSIM_RMPUPDATE_OK);
	r = opt(m, 1, 8 * GIB, 0);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_EARLY_EXIT);
	assert_int_equal(r.rmpopt.exit_slot, 511);
	assert_int_equal(r.rmpopt.slots_scanned, 512);
	assert_false(r.cf);
	/* A45: busy results are cached too. */
	r = opt(m, 2, 8 * GIB, 0);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_CACHE_HIT);
	assert_false(r.cf);
	/* A 2 MB page at slot 3 of another GB. */
	assert_int_equal(make_private(m, 0, 10 * GIB + 3 * (2 * MIB), RMPSIM_PAGE_2M), RMPSIM_RMPUPDATE_OK);
	r = opt(m, 1, 10 * GIB, 0);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_EARLY_EXIT);
	assert_int_equal(r.rmpopt.exit_slot, 3);
	assert_int_equal(r.rmpopt.slots_scanned, 4);
	/* spec 1.1: the GB holding the RMP (firmware pages) never optimises. */
	r = opt(m, 1, 4 * GIB, 0);
	assert_false(r.cf);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_EARLY_EXIT);
	assert_int_equal(r.rmpopt.exit_slot, 0);
	rmpsim_machine_destroy(m);
}

/* covers: spec 1.1, spec 3.1, A46, A45 */
static void assigning_rmpupdate_clears_every_core(void **state)
{
	(void)state;
	struct rmpsim_machine *m = up(RMPSIM_RMPOPT_CACHE_ALWAYS);
	struct rmpsim_insn_out r;

	for (unsigned cpu = 0; cpu < 4; cpu++)
		assert_true(opt(m, cpu, 6 * GIB, 0).cf);
	assert_true(rmpsim_machine_region_optimized_all(m, 6));
	assert_int_equal(make_private(m, 3, 6 * GIB + 0x5000, RMPSIM_PAGE_4K), RMPSIM_RMPUPDATE_OK);
	for (unsigned core = 0; core < 4; core++)
		assert_false(rmpsim_machine_region_optimized(m, core, 6));
	for (unsigned cpu = 0; cpu < 8; cpu++)
		assert_false(opt(m, cpu, 6 * GIB, 1).cf);
	/* Back to shared: the bits stay clear until RMPOPT runs again, which must rescan. */
	assert_int_equal(make_shared(m, 3, 6 * GIB + 0x5000, RMPSIM_PAGE_4K), RMPSIM_RMPUPDATE_OK);
	assert_false(rmpsim_machine_region_optimized(m, 0, 6));
	r = opt(m, 0, 6 * GIB, 0);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_SCANNED);
	assert_true(r.cf);
	/* A failed assigning RMPUPDATE (misaligned 2 MB) clears nothing (A55). */
	ASSERT_NE(make_private(m, 0, 6 * GIB + 4096, RMPSIM_PAGE_2M), RMPSIM_RMPUPDATE_OK);
	assert_true(rmpsim_machine_region_optimized(m, 0, 6));
	/* An unassigning RMPUPDATE in an optimised region keeps the bit (A46). */
	assert_int_equal(make_shared(m, 0, 6 * GIB + 8192, RMPSIM_PAGE_4K), RMPSIM_RMPUPDATE_OK);
	assert_true(rmpsim_machine_region_optimized(m, 0, 6));
	rmpsim_machine_destroy(m);
}

/* covers: A46 */
static void psmash_clears_no_bit(void **state)
{
	(void)state;
	struct rmpsim_machine *m = up(RMPSIM_RMPOPT_CACHE_ALWAYS);
	struct rmpsim_insn_out r;

	assert_int_equal(make_private(m, 0, 10 * GIB, RMPSIM_PAGE_2M), RMPSIM_RMPUPDATE_OK);
	assert_false(opt(m, 0, 10 * GIB, 0).cf);
	assert_int_equal(t_psmash(m, 0, 10 * GIB), RMPSIM_PSMASH_OK);
	/* PSMASH changed entries: the cache is stale, so the next verify rescans (A45). */
	r = opt(m, 1, 10 * GIB, 0);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_EARLY_EXIT);
	assert_int_equal(r.rmpopt.exit_slot, 0);
	rmpsim_machine_destroy(m);
}

/* covers: spec 1.3, A43, A50 */
static void window_and_base_rewrites(void **state)
{
	(void)state;
	struct rmpsim_machine *m = up(RMPSIM_RMPOPT_CACHE_ALWAYS);
	struct rmpsim_insn_out r;

	assert_true(opt(m, 0, 8 * GIB, 0).cf);
	/* Beyond base + 2 TiB: CF = 0, no fault, nothing set (A43). */
	r = opt(m, 0, 2048 * GIB, 0);
	assert_int_equal(r.fault, RMPSIM_FAULT_NONE);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_OUTSIDE);
	assert_false(r.cf);
	/* Same base, EN kept: the table survives (A50). */
	assert_int_equal(t_wrmsr(m, 0, RMPSIM_MSR_RMPOPT_BASE, 1), RMPSIM_FAULT_NONE);
	assert_true(rmpsim_machine_region_optimized(m, 0, 8));
	/* New base 8 GiB: the table is cleared; SPA 0 is now below the window. */
	assert_int_equal(t_wrmsr(m, 0, RMPSIM_MSR_RMPOPT_BASE, 8 * GIB | 1), RMPSIM_FAULT_NONE);
	assert_false(rmpsim_machine_region_optimized(m, 0, 8));
	assert_int_equal(opt(m, 0, 0, 0).rmpopt.kind, RMPSIM_RMPOPT_OUTSIDE);
	r = opt(m, 0, 8 * GIB, 0);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_CACHE_HIT); /* the region's cache is global */
	assert_true(r.cf);
	assert_true(rmpsim_machine_region_optimized(m, 0, 8));
	/* EN = 0: the table is not consulted (A50), and RMPOPT #UDs. */
	assert_int_equal(t_wrmsr(m, 0, RMPSIM_MSR_RMPOPT_BASE, 8 * GIB), RMPSIM_FAULT_NONE);
	assert_false(rmpsim_machine_region_optimized(m, 0, 8));
	assert_int_equal(opt(m, 4, 8 * GIB, 1).fault, RMPSIM_FAULT_UD);
	/* Beyond the RMP's coverage but inside the window: nothing assigned there (A51). */
	r = opt(m, 1, 100 * GIB, 0);
	assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_SCANNED);
	assert_true(r.cf);
	rmpsim_machine_destroy(m);
}

/* covers: HW-5, spec 1.1 */
static void snp_init_clears_all_tables(void **state)
{
	(void)state;
	struct rmpsim_machine *m = up(RMPSIM_RMPOPT_CACHE_ALWAYS);
	enum rmpsim_fw_status st;

	assert_true(opt(m, 2, 8 * GIB, 0).cf);
	assert_int_equal(rmpsim_machine_snp_shutdown(m, false, &st), 0);
	assert_int_equal(rmpsim_machine_snp_init(m, NULL, 0, &st), 0);
	assert_int_equal(st, RMPSIM_FW_SUCCESS);
	assert_false(rmpsim_machine_region_optimized(m, 2, 8));
	/* The caches went with it: the next verify scans. */
	assert_int_equal(opt(m, 2, 8 * GIB, 0).rmpopt.kind, RMPSIM_RMPOPT_SCANNED);
	rmpsim_machine_destroy(m);
}

/* covers: spec 3.5, spec 1.1, A53, A52 */
static void hypervisor_writes(void **state)
{
	(void)state;
	struct rmpsim_machine *m = small_machine(NULL);
	struct rmpsim_insn_out w;
	struct rmpsim_cpu_counters c;

	assert_non_null(m);
	/* Before SNP_EN: no checks at all. */
	assert_int_equal(rmpsim_machine_hv_write(m, 0, 4 * GIB, RMPSIM_SZ_4K, &w), 0);
	assert_int_equal(w.write_path, RMPSIM_WRITE_NO_SNP);
	assert_int_equal(w.fault, RMPSIM_FAULT_NONE);
	assert_int_equal(bring_up_snp(m, true), 0);
	/* The RMP's own pages are FIRMWARE: a write faults with #PF(RMP). */
	assert_int_equal(rmpsim_machine_hv_write(m, 0, 4 * GIB, RMPSIM_SZ_4K, &w), 0);
	assert_int_equal(w.write_path, RMPSIM_WRITE_CHECKED);
	assert_int_equal(w.fault, RMPSIM_FAULT_PF);
	assert_true(w.error_code & RMPSIM_PF_RMP);
	assert_true(w.error_code & RMPSIM_PF_WRITE);
	/* Optimised region: skipped on that core only. */
	assert_true(opt(m, 1, 8 * GIB, 0).cf);
	assert_int_equal(rmpsim_machine_hv_write(m, 5, 8 * GIB + 4096, RMPSIM_SZ_4K, &w),
			 0); /* core 1's sibling */
	assert_int_equal(w.write_path, RMPSIM_WRITE_SKIPPED);
	assert_int_equal(rmpsim_machine_hv_write(m, 0, 8 * GIB + 4096, RMPSIM_SZ_4K, &w), 0);
	assert_int_equal(w.write_path, RMPSIM_WRITE_CHECKED);
	assert_int_equal(w.fault, RMPSIM_FAULT_NONE);
	/* After assignment the write through core 1 faults (design.md 3). */
	assert_int_equal(make_private(m, 0, 8 * GIB + 4096, RMPSIM_PAGE_4K), RMPSIM_RMPUPDATE_OK);
	assert_int_equal(rmpsim_machine_hv_write(m, 5, 8 * GIB + 4096, RMPSIM_SZ_4K, &w), 0);
	assert_int_equal(w.write_path, RMPSIM_WRITE_CHECKED);
	assert_int_equal(w.fault, RMPSIM_FAULT_PF);
	/* A 2 MB mapping over a private 4K page faults; its neighbour 4K page does not. */
	assert_int_equal(rmpsim_machine_hv_write(m, 5, 8 * GIB + 8192, RMPSIM_SZ_2M, &w), 0);
	assert_int_equal(w.fault, RMPSIM_FAULT_PF);
	assert_int_equal(rmpsim_machine_hv_write(m, 5, 8 * GIB + 8192, RMPSIM_SZ_4K, &w), 0);
	assert_int_equal(w.fault, RMPSIM_FAULT_NONE);
	rmpsim_machine_counters(m, 5, &c);
	assert_true(c.writes_skipped == 1 && c.writes_faulted == 2 && c.writes_checked == 3);
	assert_int_equal(rmpsim_machine_hv_write(m, 5, 8 * GIB, 12345, &w), -EINVAL);
	rmpsim_machine_destroy(m);
}

/*
 * Differential: random RMPUPDATE / PSMASH / RMPOPT / writes on the sparse and
 * the dense store agree with each other and with a trivial oracle (a region
 * verifies free iff the test never left a page of it assigned).
 * covers: spec 1.2, A45, A46, A51
 */
static void random_ops_match_dense_and_oracle(void **state)
{
	(void)state;
	struct rmpsim_machine_config cfg;
	struct rmpsim_machine *ms, *md;
	struct rmpsim_rng rng;
	/* Pages under test: regions 5..12 (the RMP is in region 4), 16 pages per region. */
	enum { R0 = 5, NR = 8, PPR = 16 };
	uint8_t assigned[NR][PPR] = { { 0 } };

	rmpsim_machine_config_default(&cfg);
	ms = small_machine(&cfg);
	cfg.backend = RMPSIM_RMP_DENSE;
	md = small_machine(&cfg);
	assert_non_null(ms);
	assert_non_null(md);
	assert_int_equal(bring_up_snp(ms, true), 0);
	assert_int_equal(bring_up_snp(md, true), 0);
	rmpsim__rng_seed(&rng, 4242);
	for (int step = 0; step < 4000; step++) {
		unsigned reg = (unsigned)rmpsim__rng_below(&rng, NR),
			 pg = (unsigned)rmpsim__rng_below(&rng, PPR);
		unsigned cpu = (unsigned)rmpsim__rng_below(&rng, 8);
		/* Page pg of a region sits in 2 MB slot 32 * pg, last 4K of that slot. */
		uint64_t spa = (uint64_t)(R0 + reg) * GIB + (uint64_t)pg * 32 * (2 * MIB) + 2 * MIB - 4096;
		unsigned op = (unsigned)rmpsim__rng_below(&rng, 4);

		if (op == 0) {
			int a = make_private(ms, cpu, spa, RMPSIM_PAGE_4K),
			    b = make_private(md, cpu, spa, RMPSIM_PAGE_4K);
			assert_int_equal(a, b);
			assert_int_equal(a, RMPSIM_RMPUPDATE_OK);
			assigned[reg][pg] = 1;
		} else if (op == 1) {
			int a = make_shared(ms, cpu, spa, RMPSIM_PAGE_4K),
			    b = make_shared(md, cpu, spa, RMPSIM_PAGE_4K);
			assert_int_equal(a, b);
			assigned[reg][pg] = 0;
		} else if (op == 2) {
			struct rmpsim_insn_out a, b;
			int first = -1;
			assert_int_equal(rmpsim_machine_rmpopt(ms, cpu, (uint64_t)(R0 + reg) * GIB, 0, &a),
					 0);
			assert_int_equal(rmpsim_machine_rmpopt(md, cpu, (uint64_t)(R0 + reg) * GIB, 0, &b),
					 0);
			/* Field by field: the padding of the struct is not part of the result. */
			assert_int_equal(a.fault, b.fault);
			assert_int_equal(a.cf, b.cf);
			assert_int_equal(a.rmpopt.kind, b.rmpopt.kind);
			assert_int_equal(a.rmpopt.exit_slot, b.rmpopt.exit_slot);
			assert_int_equal(a.rmpopt.slots_scanned, b.rmpopt.slots_scanned);
			for (unsigned p = 0; p < PPR && first < 0; p++)
				if (assigned[reg][p])
					first = (int)p * 32;
			assert_int_equal(a.cf, first < 0);
			if (a.rmpopt.kind == RMPSIM_RMPOPT_EARLY_EXIT)
				assert_int_equal(a.rmpopt.exit_slot, first);
		} else {
			struct rmpsim_insn_out a, b;
			assert_int_equal(rmpsim_machine_hv_write(ms, cpu, spa, RMPSIM_SZ_4K, &a), 0);
			assert_int_equal(rmpsim_machine_hv_write(md, cpu, spa, RMPSIM_SZ_4K, &b), 0);
			assert_memory_equal(&a, &b, sizeof(a));
			assert_int_equal(a.fault == RMPSIM_FAULT_PF, assigned[reg][pg]);
		}
	}
	rmpsim_machine_destroy(ms);
	rmpsim_machine_destroy(md);
}

/*
 * The tables against a per-core oracle of 2048 entries (the layout before
 * A510): random bases per core (windows in one block of 2048 regions,
 * straddling two, at the top of the address space), EN on and off, verifies,
 * assigning and unassigning RMPUPDATEs, SNP_INIT; every core's entry of every
 * region of interest compared after each step.
 * covers: A43, A46, A50, A510, HW-5
 */
static void tables_match_a_per_core_oracle(void **state)
{
	(void)state;
	struct rmpsim_machine *m = up(RMPSIM_RMPOPT_CACHE_ALWAYS);
	const struct rmpsim_topology *t = rmpsim_machine_topology(m);
	enum { NCORES = 4, NREG = 2048 };
	static const uint64_t bases[] = { 0, 8, 2047, 4096, (1ull << 22) - 1 }; /* GiB */
	static uint8_t oracle[NCORES][NREG];
	uint64_t msr[NCORES];
	struct rmpsim_rng rng;
	enum rmpsim_fw_status st;

	assert_int_equal(rmpsim_topology_ncores(t), NCORES);
	memset(oracle, 0, sizeof(oracle));
	for (unsigned c = 0; c < NCORES; c++)
		msr[c] = RMPSIM_RMPOPT_BASE_EN;
	rmpsim__rng_seed(&rng, 510);
	for (int step = 0; step < 3000; step++) {
		unsigned core = (unsigned)rmpsim__rng_below(&rng, NCORES);
		unsigned cpu = rmpsim_topology_core_cpu(t, core, (unsigned)rmpsim__rng_below(&rng, 2));
		uint64_t base = (msr[core] & RMPSIM_RMPOPT_BASE_ADDR_MASK) >> 30;
		/* Regions of interest: the small machine's (0..15), a window's ends. */
		uint64_t pick[] = { rmpsim__rng_below(&rng, 16), base + rmpsim__rng_below(&rng, 4),
				    base + NREG - 1 - rmpsim__rng_below(&rng, 4) };
		uint64_t region = pick[rmpsim__rng_below(&rng, 3)];
		unsigned op = (unsigned)rmpsim__rng_below(&rng, 100);

		if (op < 5) { /* a new base or EN flip on this core (A43) */
			uint64_t v = bases[rmpsim__rng_below(&rng, 5)] << 30 |
				     (rmpsim__rng_below(&rng, 4) ? RMPSIM_RMPOPT_BASE_EN : 0);
			assert_int_equal(t_wrmsr(m, cpu, RMPSIM_MSR_RMPOPT_BASE, v), RMPSIM_FAULT_NONE);
			if ((v & RMPSIM_RMPOPT_BASE_ADDR_MASK) !=
				    (msr[core] & RMPSIM_RMPOPT_BASE_ADDR_MASK) ||
			    ((v & RMPSIM_RMPOPT_BASE_EN) && !(msr[core] & RMPSIM_RMPOPT_BASE_EN)))
				memset(oracle[core], 0, sizeof(oracle[core]));
			msr[core] = v;
		} else if (op < 7) { /* SNP_INIT clears every table (HW-5) */
			assert_int_equal(rmpsim_machine_snp_shutdown(m, false, &st), 0);
			assert_int_equal(rmpsim_machine_snp_init(m, NULL, 0, &st), 0);
			assert_int_equal(st, RMPSIM_FW_SUCCESS);
			memset(oracle, 0, sizeof(oracle));
		} else if (op < 25) { /* a page of regions 5..12 assigned: the region's bits go (A46) */
			uint64_t r = 5 + rmpsim__rng_below(&rng, 8);
			uint64_t spa = r * GIB + rmpsim__rng_below(&rng, 512) * 2 * MIB;
			if (make_private(m, cpu, spa, RMPSIM_PAGE_4K) == RMPSIM_RMPUPDATE_OK)
				for (unsigned c = 0; c < NCORES; c++) {
					uint64_t b = (msr[c] & RMPSIM_RMPOPT_BASE_ADDR_MASK) >> 30;
					if (r >= b && r - b < NREG)
						oracle[c][r - b] = 0;
				}
		} else if (op < 40) {
			uint64_t r = 5 + rmpsim__rng_below(&rng, 8);
			(void)make_shared(m, cpu, r * GIB + rmpsim__rng_below(&rng, 512) * 2 * MIB,
					  RMPSIM_PAGE_4K);
		} else if (msr[core] & RMPSIM_RMPOPT_BASE_EN) { /* a verify */
			struct rmpsim_insn_out r = opt(m, cpu, region << 30, 0);
			if (region >= base && region - base < NREG) {
				assert_int_equal(r.fault, RMPSIM_FAULT_NONE);
				assert_int_not_equal(r.rmpopt.kind, RMPSIM_RMPOPT_OUTSIDE);
				oracle[core][region - base] = r.cf;
			} else {
				assert_int_equal(r.rmpopt.kind, RMPSIM_RMPOPT_OUTSIDE);
			}
		}
		for (unsigned c = 0; c < NCORES; c++) {
			uint64_t b = (msr[c] & RMPSIM_RMPOPT_BASE_ADDR_MASK) >> 30;
			uint64_t check[] = { region, b, b + NREG - 1, 5, 12, 13 };
			for (unsigned i = 0; i < sizeof(check) / sizeof(check[0]); i++) {
				uint64_t r = check[i];
				/* The query takes regions below 2^22 (52-bit SPAs) only. */
				bool want = (msr[c] & RMPSIM_RMPOPT_BASE_EN) && r >= b && r - b < NREG &&
					    r < (1ull << 22) && oracle[c][r - b];
				ASSERT_EQ(rmpsim_machine_region_optimized(m, c, r), want);
			}
		}
	}
	rmpsim_machine_destroy(m);
}

/*
 * A ranged run (issue 14 point 2): rmpsim_machine_rmpopt_verify_run on one
 * machine against the loop of rmpsim_machine_rmpopt on a twin, after the same
 * random steps (bases and EN flips, private and shared pages, runs over the
 * machine's regions, a window's ends and beyond it, SNP_INIT), in both scan
 * cache modes: the same table bits, counters and content generations; -EAGAIN
 * exactly when some verify of the loop would fault or lie outside the window.
 */
/* covers: issue 14 point 2 */
static void verify_run_matches_the_loop(void **state)
{
	(void)state;
	enum { NCORES = 4, NREG = 2048 };
	static const uint64_t bases[] = { 0, 8, 2047, 4096 }; /* GiB */
	static uint64_t gens[NREG];
	struct rmpsim_rng rng;
	enum rmpsim_fw_status st;

	rmpsim__rng_seed(&rng, 142);
	for (unsigned mode = 0; mode < 2; mode++) {
		enum rmpsim_rmpopt_cache cache =
			mode ? RMPSIM_RMPOPT_CACHE_NEVER : RMPSIM_RMPOPT_CACHE_ALWAYS;
		struct rmpsim_machine *a = up(cache), *b = up(cache);
		const struct rmpsim_topology *t = rmpsim_machine_topology(a);
		uint64_t msr[NCORES];
		unsigned runs = 0, refused = 0;
		for (unsigned c = 0; c < NCORES; c++)
			msr[c] = RMPSIM_RMPOPT_BASE_EN;
		for (int step = 0; step < 600; step++) {
			unsigned core = (unsigned)rmpsim__rng_below(&rng, NCORES);
			unsigned cpu =
				rmpsim_topology_core_cpu(t, core, (unsigned)rmpsim__rng_below(&rng, 2));
			uint64_t base = (msr[core] & RMPSIM_RMPOPT_BASE_ADDR_MASK) >> 30;
			unsigned op = (unsigned)rmpsim__rng_below(&rng, 100);
			if (op < 5) {
				uint64_t v = bases[rmpsim__rng_below(&rng, 4)] << 30 |
					     (rmpsim__rng_below(&rng, 4) ? RMPSIM_RMPOPT_BASE_EN : 0);
				assert_int_equal(t_wrmsr(a, cpu, RMPSIM_MSR_RMPOPT_BASE, v),
						 RMPSIM_FAULT_NONE);
				assert_int_equal(t_wrmsr(b, cpu, RMPSIM_MSR_RMPOPT_BASE, v),
						 RMPSIM_FAULT_NONE);
				msr[core] = v;
			} else if (op < 7) {
				for (struct rmpsim_machine *m = a; m; m = m == a ? b : NULL) {
					assert_int_equal(rmpsim_machine_snp_shutdown(m, false, &st), 0);
					assert_int_equal(rmpsim_machine_snp_init(m, NULL, 0, &st), 0);
				}
			} else if (op < 30) {
				uint64_t spa = (5 + rmpsim__rng_below(&rng, 8)) * GIB +
					       rmpsim__rng_below(&rng, 512) * 2 * MIB;
				bool priv = rmpsim__rng_below(&rng, 2);
				for (struct rmpsim_machine *m = a; m; m = m == a ? b : NULL)
					(void)(priv ? make_private(m, cpu, spa, RMPSIM_PAGE_4K)
						    : make_shared(m, cpu, spa, RMPSIM_PAGE_4K));
			} else { /* a run: over the machine's regions, at a window's end, or past it */
				uint64_t starts[] = { rmpsim__rng_below(&rng, 16),
						      base + NREG - rmpsim__rng_below(&rng, 8),
						      base + rmpsim__rng_below(&rng, 4) };
				uint64_t r0 = starts[rmpsim__rng_below(&rng, 3)];
				size_t n = 1 + (size_t)rmpsim__rng_below(
						       &rng, rmpsim__rng_below(&rng, 8) ? 24 : NREG);
				uint64_t off = rmpsim__rng_below(&rng, GIB); /* RAX bits 29:0 are ignored */
				int rc = rmpsim_machine_rmpopt_verify_run(a, cpu, r0 * GIB + off, n, gens);
				bool plain = (msr[core] & RMPSIM_RMPOPT_BASE_EN) && r0 >= base &&
					     r0 + n <= base + NREG;
				ASSERT_EQ(rc, plain ? 0 : -EAGAIN);
				if (rc == 0) {
					runs++;
					for (size_t i = 0; i < n; i++) {
						struct rmpsim_insn_out r = opt(b, cpu, (r0 + i) * GIB, 0);
						assert_int_equal(r.fault, RMPSIM_FAULT_NONE);
						assert_int_not_equal(r.rmpopt.kind, RMPSIM_RMPOPT_OUTSIDE);
						ASSERT_EQ(gens[i],
							  rmpsim_machine_region_content_gen(b, r0 + i));
					}
				} else {
					refused++;
				}
			}
			for (unsigned c = 0; c < rmpsim_topology_ncpus(t); c++) {
				struct rmpsim_cpu_counters ca, cb;
				rmpsim_machine_counters(a, c, &ca);
				rmpsim_machine_counters(b, c, &cb);
				assert_memory_equal(&ca, &cb, sizeof(ca));
			}
			for (unsigned c = 0; c < NCORES; c++) {
				uint64_t bc = (msr[c] & RMPSIM_RMPOPT_BASE_ADDR_MASK) >> 30;
				for (uint64_t r = 0; r < 16; r++) {
					ASSERT_EQ(rmpsim_machine_region_optimized(a, c, r),
						  rmpsim_machine_region_optimized(b, c, r));
					ASSERT_EQ(rmpsim_machine_region_optimized(a, c, bc + NREG - 1 - r),
						  rmpsim_machine_region_optimized(b, c, bc + NREG - 1 - r));
				}
			}
		}
		assert_true(runs > 100 && refused > 20);
		rmpsim_machine_destroy(a);
		rmpsim_machine_destroy(b);
	}
	assert_int_equal(rmpsim_machine_rmpopt_verify_run(NULL, 0, 0, 1, NULL), -EINVAL);
}

/* An allocator that refuses once told to. */
static bool refuse_alloc;
static void *refusing_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
	(void)ctx;
	(void)old_size;
	if (refuse_alloc && new_size)
		return NULL;
	return realloc(ptr, new_size);
}
static void refusing_free(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	(void)size;
	free(ptr);
}

/*
 * The first verify in a block of 2048 regions allocates it (A510): out of
 * memory, RMPOPT returns -ENOMEM with no bit stored and nothing counted; the
 * next try, with memory, stores the bit.
 * covers: A510
 */
static void first_verify_in_a_block_out_of_memory(void **state)
{
	(void)state;
	const struct rmpsim_allocator a = { refusing_realloc, refusing_free, NULL };
	struct rmpsim_topology *t = NULL;
	struct rmpsim_machine *m = NULL;
	struct rmpsim_diag diag = { 0 };
	struct rmpsim_insn_out r;
	struct rmpsim_cpu_counters before, after;

	assert_int_equal(rmpsim_topology_regular(NULL, 1, 2, 2, 2, 6 * GIB, &t), 0);
	assert_int_equal(rmpsim_machine_create(&a, t, NULL, &diag, &m), 0);
	rmpsim_topology_destroy(t);
	assert_int_equal(bring_up_snp(m, true), 0);
	rmpsim_machine_counters(m, 2, &before);
	refuse_alloc = true;
	assert_int_equal(rmpsim_machine_rmpopt(m, 2, 8 * GIB, 0, &r), -ENOMEM);
	refuse_alloc = false;
	rmpsim_machine_counters(m, 2, &after);
	assert_memory_equal(&before, &after, sizeof(before));
	assert_false(rmpsim_machine_region_optimized(
		m, rmpsim_topology_cpu_core(rmpsim_machine_topology(m), 2), 8));
	r = opt(m, 2, 8 * GIB, 0);
	assert_true(r.cf);
	assert_true(rmpsim_machine_region_optimized(
		m, rmpsim_topology_cpu_core(rmpsim_machine_topology(m), 2), 8));
	rmpsim_machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rmpopt_faults),
		cmocka_unit_test(verify_scan_then_followers_hit_the_cache),
		cmocka_unit_test(cache_never_mode_always_scans),
		cmocka_unit_test(last_page_private_exits_at_slot_511),
		cmocka_unit_test(assigning_rmpupdate_clears_every_core),
		cmocka_unit_test(psmash_clears_no_bit),
		cmocka_unit_test(window_and_base_rewrites),
		cmocka_unit_test(snp_init_clears_all_tables),
		cmocka_unit_test(hypervisor_writes),
		cmocka_unit_test(random_ops_match_dense_and_oracle),
		cmocka_unit_test(tables_match_a_per_core_oracle),
		cmocka_unit_test(first_verify_in_a_block_out_of_memory),
		cmocka_unit_test(verify_run_matches_the_loop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
