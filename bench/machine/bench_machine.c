/* SPDX-License-Identifier: MIT */
/*
 * Machine benchmarks (issue 4), measured in instructions with callgrind, not
 * in time. Each case runs a deterministic loop and prints a hash of the
 * results. Commands and figures: docs/performance.md.
 *
 *   bench_machine rmpupdate-8cpu [n]     RMPUPDATE assign/unassign on an 8-CPU machine
 *   bench_machine rmpupdate-1024cpu [n]  the same on the default 1024-CPU, 2 TiB machine
 *   bench_machine rmpopt-empty [n]       RMPOPT verify of an empty GB (scan, cache off)
 *   bench_machine rmpopt-lastpriv [n]    RMPOPT verify of a GB whose last 4K page is private
 *   bench_machine rmpopt-cachehit [n]    RMPOPT verify answered by the scan cache
 *   bench_machine rmpupdate-ops [n]      per operation on the 8-CPU machine, one phase each:
 *                                        n 4K assigns (stride 3 pages), n 4K unassigns of
 *                                        them, n/8 (at most 2048) 2M assigns and PSMASHes; count one with
 *                                        callgrind --toggle-collect=phase_4k_assign (etc.)
 *   bench_machine verify-run [n]         ranged runs of 2,048 verifies on the 1024-CPU machine
 *                                        (A511): the first core's (phase_run_first, scans),
 *                                        n - 1 other cores' repeats (phase_run_repeat; again
 *                                        with the generations by pointer, phase_run_repeat_ptr), then
 *                                        one RMPUPDATE in the range and a run that records
 *                                        again over warm caches (phase_run_rebuild, the
 *                                        n cores' bits written out first)
 *
 * bench/machine/rmpupdate_cost runs rmpupdate-ops and the alternating loops under
 * callgrind and prints, per operation, the whole loop beside the machine call alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/insn.h>
#include <rmpsim/machine.h>

#include "base/hash.h"

#define GIB (1ull << 30)

/* RMPUPDATE / PSMASH: the library's error (< 0) or the code in RAX, the value the hashes take. */
static int machine_rmpupdate(struct rmpsim_machine *m, unsigned cpu, uint64_t spa,
			     const struct rmpsim_rmp_state *st)
{
	struct rmpsim_insn_out o;
	int err = rmpsim_machine_rmpupdate(m, cpu, spa, st, &o);
	return err < 0 ? err : (int)o.rax;
}

static int machine_psmash(struct rmpsim_machine *m, unsigned cpu, uint64_t spa)
{
	struct rmpsim_insn_out o;
	int err = rmpsim_machine_psmash(m, cpu, spa, &o);
	return err < 0 ? err : (int)o.rax;
}

static struct rmpsim_machine *machine(bool big, enum rmpsim_rmpopt_cache cache)
{
	struct rmpsim_insn_out out;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_machine *m = NULL;
	struct rmpsim_machine_config cfg;
	enum rmpsim_fw_status st;
	int r = big ? rmpsim_topology_default(NULL, &t)
		    : rmpsim_topology_regular(NULL, 1, 1, 4, 2, 16 * GIB, &t);

	if (r < 0)
		return NULL;
	rmpsim_machine_config_default(&cfg);
	cfg.cache = cache;
	r = rmpsim_machine_create(NULL, t, &cfg, NULL, &m);
	rmpsim_topology_destroy(t);
	if (r < 0)
		return NULL;
	for (unsigned cpu = 0; cpu < rmpsim_machine_ncpus(m); cpu++)
		rmpsim_machine_wrmsr(m, cpu, RMPSIM_MSR_SYSCFG, RMPSIM_SYSCFG_SNP_EN, &out);
	if (rmpsim_machine_snp_init(m, NULL, 0, &st) < 0 || st != RMPSIM_FW_SUCCESS)
		return NULL;
	for (unsigned core = 0; core < rmpsim_topology_ncores(rmpsim_machine_topology(m)); core++)
		rmpsim_machine_wrmsr(m, core, RMPSIM_MSR_RMPOPT_BASE, RMPSIM_RMPOPT_BASE_EN, &out);
	return m;
}

/* Every core verifies region 8, then n RMPUPDATEs alternate assign / unassign in it. */
static uint64_t bench_rmpupdate(struct rmpsim_machine *m, long n)
{
	uint64_t h = RMPSIM_FNV_OFFSET;
	unsigned ncores = rmpsim_topology_ncores(rmpsim_machine_topology(m));
	struct rmpsim_insn_out res;

	for (unsigned core = 0; core < ncores; core++)
		rmpsim_machine_rmpopt(m, core, 8 * GIB, 0, &res);
	for (long i = 0; i < n; i++) {
		struct rmpsim_rmp_state st = { 0 };
		uint64_t spa = 8 * GIB + (uint64_t)((i / 2) % 65536) * 4096;

		if (!(i & 1)) {
			st.assigned = 1;
			st.asid = 1;
			st.gpa = spa;
		}
		h = rmpsim__hash_u64(h, (uint64_t)machine_rmpupdate(m, (unsigned)i % 8, spa, &st));
	}
	h = rmpsim__hash_u64(h, rmpsim_machine_region_optimized(m, 0, 8));
	return h;
}

static uint64_t bench_rmpopt(struct rmpsim_machine *m, long n, bool last_private)
{
	uint64_t h = RMPSIM_FNV_OFFSET;

	if (last_private) {
		struct rmpsim_rmp_state st = { .assigned = 1, .asid = 1, .gpa = 0x1000 };
		if (machine_rmpupdate(m, 0, 9 * GIB - 4096, &st) != 0)
			return 0;
	}
	for (long i = 0; i < n; i++) {
		struct rmpsim_insn_out r;

		rmpsim_machine_rmpopt(m, (unsigned)i % 8, 8 * GIB, 0, &r);
		h = rmpsim__hash_u64(h, ((uint64_t)r.rmpopt.kind << 32) | ((uint64_t)r.cf << 16) |
						r.rmpopt.slots_scanned);
	}
	return h;
}

/* ---- rmpupdate-ops: one function per operation, so callgrind counts each alone ---- */

static uint64_t ops_hash = RMPSIM_FNV_OFFSET;
static long ops_ok;

static void ops_result(int rc)
{

	ops_hash = rmpsim__hash_u64(ops_hash, (uint64_t)rc);
	ops_ok += rc == 0;
}

/* 4K pages of a guest scattered with a stride of 3 pages from 9 GiB (as bench/insn). */
static uint64_t ops_page_4k(long i)
{
	return 9 * GIB + (uint64_t)i * 3 * 4096;
}

__attribute__((noinline)) static void phase_4k_assign(struct rmpsim_machine *m, long n)
{
	for (long i = 0; i < n; i++) {
		struct rmpsim_rmp_state st = { .gpa = (uint64_t)i * 4096, .assigned = 1, .asid = 17 };
		ops_result(machine_rmpupdate(m, (unsigned)i % 8, ops_page_4k(i), &st));
	}
}

__attribute__((noinline)) static void phase_4k_unassign(struct rmpsim_machine *m, long n)
{
	for (long i = 0; i < n; i++) {
		struct rmpsim_rmp_state st = { 0 };
		ops_result(machine_rmpupdate(m, (unsigned)i % 8, ops_page_4k(i), &st));
	}
}

__attribute__((noinline)) static void phase_2m_assign(struct rmpsim_machine *m, long n)
{
	for (long i = 0; i < n; i++) {
		struct rmpsim_rmp_state st = {
			.gpa = (uint64_t)i << 21, .assigned = 1, .pagesize = RMPSIM_PAGE_2M, .asid = 18
		};
		ops_result(machine_rmpupdate(m, (unsigned)i % 8, 10 * GIB + ((uint64_t)i << 21), &st));
	}
}

__attribute__((noinline)) static void phase_psmash(struct rmpsim_machine *m, long n)
{
	for (long i = 0; i < n; i++)
		ops_result(machine_psmash(m, (unsigned)i % 8, 10 * GIB + ((uint64_t)i << 21)));
}

static uint64_t bench_ops(struct rmpsim_machine *m, long n)
{
	long n2m = n / 8 < 2048 ? n / 8 : 2048; /* 2 MB pages within [10, 14) GiB */

	phase_4k_assign(m, n);
	phase_4k_unassign(m, n);
	phase_2m_assign(m, n2m);
	phase_psmash(m, n2m);
	printf("4k assign %ld, 4k unassign %ld, 2m assign %ld, psmash %ld; %ld OK\n", n, n, n2m, n2m, ops_ok);
	return ops_hash;
}

/* ---- verify-run: one function per phase, for callgrind --toggle-collect ---- */

static uint64_t run_gens[RMPSIM_RMPOPT_REGIONS];

static uint64_t run_one(struct rmpsim_machine *m, unsigned cpu, uint64_t h)
{
	int rc = rmpsim_machine_rmpopt_verify_run(m, cpu, 0, RMPSIM_RMPOPT_REGIONS, run_gens);
	return rmpsim__hash_u64(rmpsim__hash_u64(h, (uint64_t)rc), run_gens[RMPSIM_RMPOPT_REGIONS - 1]);
}

__attribute__((noinline)) static uint64_t phase_run_first(struct rmpsim_machine *m, uint64_t h)
{
	return run_one(m, 0, h);
}

__attribute__((noinline)) static uint64_t phase_run_repeat(struct rmpsim_machine *m, long n, uint64_t h)
{
	for (long cpu = 1; cpu < n; cpu++)
		h = run_one(m, (unsigned)cpu, h);
	return h;
}

/* The same cores again, the generations by pointer (no copy): what a pass after the first costs. */
__attribute__((noinline)) static uint64_t phase_run_repeat_ptr(struct rmpsim_machine *m, long n, uint64_t h)
{
	for (long cpu = 1; cpu < n; cpu++) {
		const uint64_t *gens = NULL;
		int rc = rmpsim_machine_rmpopt_verify_run_gens(m, (unsigned)cpu, 0, RMPSIM_RMPOPT_REGIONS,
							       &gens);
		h = rmpsim__hash_u64(h, (uint64_t)rc);
		if (rc == 0)
			h = rmpsim__hash_u64(h, gens[RMPSIM_RMPOPT_REGIONS - 1]);
	}
	return h;
}

__attribute__((noinline)) static uint64_t phase_run_rebuild(struct rmpsim_machine *m, long n, uint64_t h)
{
	struct rmpsim_rmp_state st = { .gpa = 0x1000, .assigned = 1, .asid = 1 };
	h = rmpsim__hash_u64(h, (uint64_t)machine_rmpupdate(m, 0, 10 * GIB, &st));
	return run_one(m, (unsigned)n, h);
}

static uint64_t bench_verify_run(struct rmpsim_machine *m, long n)
{
	unsigned ncores = rmpsim_topology_ncores(rmpsim_machine_topology(m));
	if (n < 1 || n >= (long)ncores)
		n = ncores - 1; /* distinct cores: a CPU's sibling would repeat its own core */
	uint64_t h = phase_run_first(m, RMPSIM_FNV_OFFSET);
	h = phase_run_repeat(m, n, h);
	h = phase_run_repeat_ptr(m, n, h);
	h = phase_run_rebuild(m, n, h);
	for (unsigned core = 0; core < ncores; core += 37)
		for (uint64_t r = 0; r < RMPSIM_RMPOPT_REGIONS; r += 61)
			h = rmpsim__hash_u64(h, rmpsim_machine_region_optimized(m, core, r));
	struct rmpsim_cpu_counters c;
	rmpsim_machine_counters(m, 1, &c);
	for (int k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
		h = rmpsim__hash_u64(h, c.rmpopt[k]);
	printf("runs: 1 first, %ld repeats, 1 after a change\n", n - 1);
	return h;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? atol(argv[2]) : 10000;
	struct rmpsim_machine *m = NULL;
	uint64_t h;

	if (!strcmp(c, "rmpupdate-8cpu") || !strcmp(c, "rmpupdate-1024cpu")) {
		m = machine(!strcmp(c, "rmpupdate-1024cpu"), RMPSIM_RMPOPT_CACHE_ALWAYS);
		if (!m)
			return 1;
		h = bench_rmpupdate(m, n);
	} else if (!strcmp(c, "rmpopt-empty") || !strcmp(c, "rmpopt-lastpriv")) {
		m = machine(true, RMPSIM_RMPOPT_CACHE_NEVER);
		if (!m)
			return 1;
		h = bench_rmpopt(m, n, !strcmp(c, "rmpopt-lastpriv"));
	} else if (!strcmp(c, "rmpupdate-ops")) {
		m = machine(false, RMPSIM_RMPOPT_CACHE_ALWAYS);
		if (!m)
			return 1;
		h = bench_ops(m, n);
	} else if (!strcmp(c, "verify-run")) {
		m = machine(true, RMPSIM_RMPOPT_CACHE_ALWAYS);
		if (!m)
			return 1;
		if (argc <= 2)
			n = 511; /* the percpu pass's followers */
		h = bench_verify_run(m, n);
	} else if (!strcmp(c, "rmpopt-cachehit")) {
		m = machine(true, RMPSIM_RMPOPT_CACHE_ALWAYS);
		if (!m)
			return 1;
		h = bench_rmpopt(m, n, false);
	} else {
		fprintf(stderr,
			"usage: %s "
			"rmpupdate-8cpu|rmpupdate-1024cpu|rmpupdate-ops|rmpopt-empty|rmpopt-lastpriv|rmpopt-"
			"cachehit|verify-run [n]\n",
			argv[0]);
		return 2;
	}
	printf("%s n=%ld hash=%016llx\n", c, n, (unsigned long long)h);
	rmpsim_machine_destroy(m);
	return 0;
}
