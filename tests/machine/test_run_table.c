/* SPDX-License-Identifier: MIT */
/*
 * The run table (A511): a machine whose repeated ranged runs are answered
 * from the table against a twin whose every run does the per-region work
 * (the table switched off), driven through the same random steps: runs over
 * a few ranges (so that they repeat), single verifies and status reads,
 * rounds (verify_cpus and CPU sets), RMPUPDATEs (4K and 2M, private and
 * shared), PSMASH, a firmware page reclaim, RMPOPT_BASE writes and EN flips,
 * hypervisor writes and SNP_INIT. After every step: every core's bit for
 * every region of the ranges, every CPU's counters, every region's content
 * generation, and each step's outcome are the same.
 * covers: A511
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/firmware.h>
#include <rmpsim/machine.h>

#include "base/rng.h"
#include "machine/machine_internal.h"
#include "machine_helpers.h"

enum { NCORES = 4, NSETS = 3, TOP = 2048 + 16 };

struct twin {
	struct rmpsim_machine *m[2]; /* [0] the table, [1] off */
	struct rmpsim_machine_cpuset *set[2][NSETS];
	uint64_t gens[2][RMPSIM_RMPOPT_REGIONS];
	unsigned steps;
	/* rmpsim_machine_rmpopt_run_gens_id: the last nonzero id seen, the
	 * range and generations it came with, how often it came again. */
	uint64_t id, id_r0, id_n, id_gens[RMPSIM_RMPOPT_REGIONS];
	unsigned id_again;
};

/* The same nonzero id: the same range and generations as when first seen. */
static void check_gens_id(struct twin *w, uint64_t r0, uint64_t n, const uint64_t *gens)
{
	uint64_t id = rmpsim_machine_rmpopt_run_gens_id(w->m[0]);
	if (!id)
		return;
	if (id == w->id) {
		ASSERT_EQ(r0, w->id_r0);
		ASSERT_EQ(n, w->id_n);
		assert_memory_equal(gens, w->id_gens, n * sizeof(*gens));
		w->id_again++;
		return;
	}
	w->id = id;
	w->id_r0 = r0;
	w->id_n = n;
	memcpy(w->id_gens, gens, n * sizeof(*gens));
}

static void twin_up(struct twin *w, enum rmpsim_rmpopt_cache cache)
{
	static const unsigned members[NSETS][4] = { { 1, 2, 3, 0 }, { 0, 5, 6, 7 }, { 2, 4, 1, 3 } };
	static const size_t nmembers[NSETS] = { 3, 4, 2 };
	struct rmpsim_machine_config cfg;

	rmpsim_machine_config_default(&cfg);
	cfg.cache = cache;
	memset(w, 0, sizeof(*w));
	for (int i = 0; i < 2; i++) {
		w->m[i] = small_machine(&cfg);
		assert_non_null(w->m[i]);
		assert_int_equal(bring_up_snp(w->m[i], true), 0);
		for (int s = 0; s < NSETS; s++)
			assert_int_equal(
				rmpsim_machine_cpuset_create(w->m[i], members[s], nmembers[s], &w->set[i][s]),
				0);
	}
	rmpsim__run_table_set_off(w->m[1], true);
}

static void twin_down(struct twin *w)
{
	for (int i = 0; i < 2; i++) {
		for (int s = 0; s < NSETS; s++)
			rmpsim_machine_cpuset_destroy(w->m[i], w->set[i][s]);
		rmpsim_machine_destroy(w->m[i]);
	}
}

static void same_out(const struct rmpsim_insn_out *a, const struct rmpsim_insn_out *b)
{
	ASSERT_EQ(a->fault, b->fault);
	ASSERT_EQ(a->cf, b->cf);
	ASSERT_EQ(a->rax, b->rax);
	ASSERT_EQ(a->rmpopt.kind, b->rmpopt.kind);
	ASSERT_EQ(a->rmpopt.slots_scanned, b->rmpopt.slots_scanned);
	ASSERT_EQ(a->write_path, b->write_path);
}

/* Everything a caller can read: bits of every core and region up to TOP, counters, content generations. */
static void same_state(const struct twin *w)
{
	const struct rmpsim_topology *t = rmpsim_machine_topology(w->m[0]);
	for (unsigned c = 0; c < NCORES; c++)
		for (uint64_t r = 0; r < TOP; r++)
			if (rmpsim_machine_region_optimized(w->m[0], c, r) !=
			    rmpsim_machine_region_optimized(w->m[1], c, r))
				fail_msg("core %u region %llu: %d vs %d", c, (unsigned long long)r,
					 rmpsim_machine_region_optimized(w->m[0], c, r),
					 rmpsim_machine_region_optimized(w->m[1], c, r));
	for (uint64_t r = 0; r < 16; r++)
		ASSERT_EQ(rmpsim_machine_region_optimized_all(w->m[0], r),
			  rmpsim_machine_region_optimized_all(w->m[1], r));
	for (unsigned cpu = 0; cpu < rmpsim_topology_ncpus(t); cpu++) {
		struct rmpsim_cpu_counters a, b;
		rmpsim_machine_counters(w->m[0], cpu, &a);
		rmpsim_machine_counters(w->m[1], cpu, &b);
		assert_memory_equal(&a, &b, sizeof(a));
	}
	for (uint64_t r = 0; r < rmpsim_machine_nregions(w->m[0]); r++)
		ASSERT_EQ(rmpsim_machine_region_content_gen(w->m[0], r),
			  rmpsim_machine_region_content_gen(w->m[1], r));
}

/*
 * A page of a small pool (a region of the machine's RAM, the first page of
 * its first or last 2 MB slot), so that pages go private and back, regions
 * fill and empty often, and 2 MB pages get smashed.
 */
static uint64_t pool_page(struct rmpsim_rng *rng, bool two_m)
{
	static const uint64_t slots[] = { 0, 511 };
	(void)two_m;
	return (5 + rmpsim__rng_below(rng, 8)) * GIB + slots[rmpsim__rng_below(rng, 2)] * 2 * MIB;
}

/* One random step on both machines, with the same outcome. */
static void step(struct twin *w, struct rmpsim_rng *rng)
{
	/* Few ranges, so runs repeat: the machine's regions, a window's first 2048, a middle stretch. */
	static const uint64_t range[][2] = { { 0, 16 }, { 0, 2048 }, { 8, 2048 }, { 5, 9 }, { 3, 2051 } };
	static const uint64_t bases[] = { 0, 3, 8 }; /* GiB */
	const struct rmpsim_topology *t = rmpsim_machine_topology(w->m[0]);
	unsigned cpu = (unsigned)rmpsim__rng_below(rng, rmpsim_topology_ncpus(t));
	/* Calm stretches (mostly runs) and busy ones: a table is built, repeated, then disturbed. */
	bool calm = (w->steps++ / 50) % 2;
	unsigned op = (unsigned)(calm && rmpsim__rng_below(rng, 4) ? rmpsim__rng_below(rng, 58)
								   : rmpsim__rng_below(rng, 100));
	struct rmpsim_insn_out o[2];
	int rc[2];

	if (op < 40) { /* a run, most often by a core that has not run this range yet */
		unsigned k = calm ? (w->steps / 100) % 5
				  : (unsigned)rmpsim__rng_below(rng, 5); /* a calm stretch's range */
		uint64_t r0 = range[k][0], n = range[k][1] - range[k][0];
		uint64_t off = rmpsim__rng_below(rng, GIB);
		unsigned how =
			(unsigned)rmpsim__rng_below(rng, 4); /* no gens, copied, by pointer (table's side) */
		const uint64_t *ptr = NULL;
		for (int i = 0; i < 2; i++)
			rc[i] = how == 3 && i == 0
					? rmpsim_machine_rmpopt_verify_run_gens(w->m[i], cpu, r0 * GIB + off,
										n, &ptr)
					: rmpsim_machine_rmpopt_verify_run(w->m[i], cpu, r0 * GIB + off, n,
									   how ? w->gens[i] : NULL);
		ASSERT_EQ(rc[0], rc[1]);
		if (rc[0] == 0 && how)
			for (uint64_t j = 0; j < n; j++)
				ASSERT_EQ(how == 3 ? ptr[j] : w->gens[0][j], w->gens[1][j]);
		if (rc[0] == 0 && how == 3)
			check_gens_id(w, r0, n, ptr);
	} else if (op < 52) { /* a single verify or status read, in or out of a range */
		uint64_t r =
			rmpsim__rng_below(rng, 2) ? rmpsim__rng_below(rng, 16) : rmpsim__rng_below(rng, TOP);
		uint64_t rcx = rmpsim__rng_below(rng, 4) ? 0 : 1;
		for (int i = 0; i < 2; i++)
			ASSERT_EQ(rmpsim_machine_rmpopt(w->m[i], cpu, r * GIB, rcx, &o[i]), 0);
		same_out(&o[0], &o[1]);
	} else if (op < 58) { /* a round: a CPU set or a list */
		uint64_t r =
			rmpsim__rng_below(rng, 2) ? rmpsim__rng_below(rng, 16) : rmpsim__rng_below(rng, TOP);
		struct rmpsim_insn_out rest[2];
		if (rmpsim__rng_below(rng, 2)) {
			unsigned s = (unsigned)rmpsim__rng_below(rng, NSETS);
			for (int i = 0; i < 2; i++)
				rc[i] = rmpsim_machine_rmpopt_verify_set(w->m[i], w->set[i][s], r * GIB,
									 &o[i], &rest[i]);
		} else {
			unsigned cpus[3] = { cpu, (cpu + 1) % 8, (cpu + 6) % 8 };
			size_t n = 1 + (size_t)rmpsim__rng_below(rng, 3);
			for (int i = 0; i < 2; i++)
				rc[i] = rmpsim_machine_rmpopt_verify_cpus(w->m[i], cpus, n, r * GIB, &o[i],
									  &rest[i]);
		}
		ASSERT_EQ(rc[0], rc[1]);
		if (rc[0] == 0) {
			same_out(&o[0], &o[1]);
			same_out(&rest[0], &rest[1]);
		}
	} else if (op < 78) { /* an RMPUPDATE: 4K or 2M, private or shared, in the machine's RAM */
		bool two_m = rmpsim__rng_below(rng, 3) == 0;
		uint64_t spa = pool_page(rng, two_m);
		bool priv = rmpsim__rng_below(rng, 2);
		unsigned ps = two_m ? RMPSIM_PAGE_2M : RMPSIM_PAGE_4K;
		for (int i = 0; i < 2; i++)
			rc[i] = priv ? make_private(w->m[i], cpu, spa, ps)
				     : make_shared(w->m[i], cpu, spa, ps);
		ASSERT_EQ(rc[0], rc[1]);
	} else if (op < 82) { /* PSMASH, or the firmware's reclaim: entries change, nothing assigned */
		uint64_t spa = pool_page(rng, true);
		if (rmpsim__rng_below(rng, 2)) {
			for (int i = 0; i < 2; i++)
				rc[i] = rmpsim_machine_psmash(w->m[i], cpu, spa, &o[i]);
			ASSERT_EQ(rc[0], rc[1]);
			if (rc[0] == 0)
				ASSERT_EQ(o[0].rax, o[1].rax);
		} else {
			enum rmpsim_fw_cmd_status st[2];
			for (int i = 0; i < 2; i++)
				rc[i] = rmpsim_machine_snp_page_reclaim(w->m[i], spa, 0, &st[i]);
			ASSERT_EQ(rc[0], rc[1]);
			ASSERT_EQ(st[0], st[1]);
		}
	} else if (op < 87) { /* RMPOPT_BASE: another base, EN flips, the same value again */
		uint64_t v = bases[rmpsim__rng_below(rng, 3)] << 30 |
			     (rmpsim__rng_below(rng, 4) ? RMPSIM_RMPOPT_BASE_EN : 0);
		for (int i = 0; i < 2; i++)
			ASSERT_EQ(rmpsim_machine_wrmsr(w->m[i], cpu, RMPSIM_MSR_RMPOPT_BASE, v, &o[i]), 0);
		same_out(&o[0], &o[1]);
	} else if (op < 98) { /* a hypervisor write: skipped or checked as the core's bit says */
		uint64_t spa = rmpsim__rng_below(rng, 13) * GIB + rmpsim__rng_below(rng, GIB / 4096) * 4096;
		for (int i = 0; i < 2; i++)
			ASSERT_EQ(rmpsim_machine_hv_write(w->m[i], cpu, spa, RMPSIM_SZ_4K, &o[i]), 0);
		same_out(&o[0], &o[1]);
	} else { /* SNP_SHUTDOWN + SNP_INIT: every table clear, every scan cache stale */
		enum rmpsim_fw_status st;
		for (int i = 0; i < 2; i++) {
			assert_int_equal(rmpsim_machine_snp_shutdown(w->m[i], false, &st), 0);
			assert_int_equal(rmpsim_machine_snp_init(w->m[i], NULL, 0, &st), 0);
		}
	}
}

/*
 * The writers of a masked core's words, one by one: core 1 repeats core 0's
 * run while region 6 holds one private page, the page goes shared (the
 * region is free, its generation unchanged), then core 1 verifies region 6
 * alone, in a round, in a CPU set, or gets a new RMPOPT_BASE; or region 6
 * was free, gets assigned, and another core verifies it (its words reset at
 * the newer generation) before core 1's bits are written out. Each leaves
 * core 1's bit as the plain runs do.
 */
static void masked_core_writers(void **state)
{
	(void)state;
	for (unsigned how = 0; how < 5; how++) {
		struct twin w;
		struct rmpsim_insn_out o, rest;
		unsigned cpu1 = 1;
		twin_up(&w, RMPSIM_RMPOPT_CACHE_ALWAYS);
		for (int i = 0; i < 2; i++) {
			struct rmpsim_machine *m = w.m[i];
			if (how < 4)
				assert_int_equal(make_private(m, 0, 6 * GIB, RMPSIM_PAGE_4K), 0);
			assert_int_equal(rmpsim_machine_rmpopt_verify_run(m, 0, 0, 16, NULL), 0);
			assert_int_equal(rmpsim_machine_rmpopt_verify_run(m, cpu1, 0, 16, NULL), 0);
			if (how ==
			    4) { /* region 6 was free: assigned (a newer generation), core 2 verifies it */
				assert_int_equal(make_private(m, 0, 6 * GIB, RMPSIM_PAGE_4K), 0);
				assert_int_equal(rmpsim_machine_rmpopt(m, 2, 6 * GIB, 0, &o), 0);
				/* core 1's bits leave the table: none may come back set for region 6 */
				assert_int_equal(rmpsim_machine_rmpopt(m, cpu1, 7 * GIB, 0, &o), 0);
				assert_false(rmpsim_machine_region_optimized(m, 1, 6));
				continue;
			}
			assert_int_equal(make_shared(m, 0, 6 * GIB, RMPSIM_PAGE_4K), 0);
			if (how == 0)
				assert_int_equal(rmpsim_machine_rmpopt(m, cpu1, 6 * GIB, 0, &o), 0);
			else if (how == 1)
				assert_int_equal(
					rmpsim_machine_rmpopt_verify_cpus(m, &cpu1, 1, 6 * GIB, &o, &rest),
					0);
			else if (how == 2) /* set 0 holds CPUs 1, 2 and 3 */
				assert_int_equal(
					rmpsim_machine_rmpopt_verify_set(m, w.set[i][0], 6 * GIB, &o, &rest),
					0);
			else
				assert_int_equal(
					t_wrmsr(m, cpu1, RMPSIM_MSR_RMPOPT_BASE, GIB | RMPSIM_RMPOPT_BASE_EN),
					RMPSIM_FAULT_NONE);
		}
		ASSERT_EQ(w.m[0]->rt.repeats, 1);
		same_state(&w);
		twin_down(&w);
	}
}

static void table_equals_the_plain_runs(void **state)
{
	(void)state;
	struct rmpsim_rng rng;
	unsigned repeats = 0;

	rmpsim__rng_seed(&rng, 511);
	for (unsigned mode = 0; mode < 2; mode++) {
		struct twin w;
		twin_up(&w, mode ? RMPSIM_RMPOPT_CACHE_NEVER : RMPSIM_RMPOPT_CACHE_ALWAYS);
		for (int s = 0; s < 2000; s++) {
			step(&w, &rng);
			same_state(&w);
		}
		/* the test means something only if the table answers runs, and
		 * hands the same generations back under the same id */
		repeats += (unsigned)w.m[0]->rt.repeats;
		print_message("the same generations' id again: %u\n", w.id_again);
		assert_true(w.id_again > 10);
		twin_down(&w);
	}
	print_message("runs answered by the table: %u\n", repeats);
	assert_true(repeats > 100);
	const uint64_t *ptr;
	assert_int_equal(rmpsim_machine_rmpopt_verify_run_gens(NULL, 0, 0, 1, &ptr), -EINVAL);
	assert_int_equal(rmpsim_machine_rmpopt_run_gens_id(NULL), 0);
}

/* rmpsim_machine_rmpopt_run_gens_id: a repeat keeps the id, a change in the
 * range gives a new one, a run whose generations are not the table's none. */
static void gens_id_names_the_generations(void **state)
{
	(void)state;
	struct twin w;
	const uint64_t *ptr;
	twin_up(&w, RMPSIM_RMPOPT_CACHE_ALWAYS);
	struct rmpsim_machine *m = w.m[0];
	assert_int_equal(rmpsim_machine_rmpopt_verify_run_gens(m, 0, 0, 16, &ptr), 0);
	uint64_t id1 = rmpsim_machine_rmpopt_run_gens_id(m);
	assert_true(id1 != 0);
	assert_int_equal(rmpsim_machine_rmpopt_verify_run_gens(m, 1, 0, 16, &ptr), 0);
	ASSERT_EQ(rmpsim_machine_rmpopt_run_gens_id(m), id1);
	assert_int_equal(make_private(m, 0, 6 * GIB, RMPSIM_PAGE_4K), 0);
	assert_int_equal(rmpsim_machine_rmpopt_verify_run_gens(m, 2, 0, 16, &ptr), 0);
	uint64_t id2 = rmpsim_machine_rmpopt_run_gens_id(m);
	assert_true(id2 != 0 && id2 != id1);
	rmpsim__run_table_set_off(m, true); /* a run of another range: its own generations */
	assert_int_equal(rmpsim_machine_rmpopt_verify_run_gens(m, 3, 0, 8, &ptr), 0);
	ASSERT_EQ(rmpsim_machine_rmpopt_run_gens_id(m), 0);
	twin_down(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(masked_core_writers),
		cmocka_unit_test(table_equals_the_plain_runs),
		cmocka_unit_test(gens_id_names_the_generations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
