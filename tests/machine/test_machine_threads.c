/* SPDX-License-Identifier: MIT */
/*
 * Stress (issue 4 point 7): real threads mix RMPUPDATE, RMPOPT, status queries
 * and hypervisor writes on one machine, and check the security invariant of
 * design.md section 3 under whatever interleaving the scheduler produces:
 *  - a write to a page that stayed assigned for the whole write never succeeds;
 *  - once the assigning RMPUPDATE has returned, no core reports (or skips
 *    checks for) that region as optimised while the page stays assigned.
 * Each page has one owner thread, which brackets its RMPUPDATEs with a
 * sequence counter (odd while in flight; seq/2 odd = assigned), so other
 * threads know when a page was assigned for the whole of their operation.
 * covers: spec 1.1, spec 3.5, A46, A55
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/machine.h>

#include "base/rng.h"
#include "machine/machine_internal.h"
#include "machine_helpers.h"

enum { NTHREADS = 4, R0 = 5, NREG = 3, PPR = 4, NPAGES = NREG * PPR, ITERS = 40000 };

struct shared {
	struct rmpsim_machine *m;
	_Atomic uint64_t seq[NPAGES];
	_Atomic int violations;
	_Atomic uint64_t skipped, optimised_seen;
	_Atomic unsigned writers_done; /* run_table_threads: runners and owner that returned */
};

struct worker {
	struct shared *s;
	unsigned id;
};

static uint64_t page_spa(unsigned p)
{
	/* Page p: region R0 + p / PPR, in 2 MB slot 100 * (p % PPR) + 7. */
	return (uint64_t)(R0 + p / PPR) * GIB + (uint64_t)(100 * (p % PPR) + 7) * 2 * MIB + 4096;
}

static bool stable_assigned(uint64_t before, uint64_t after)
{
	return before == after && !(before & 1) && ((before / 2) & 1);
}

static bool stable_shared(uint64_t before, uint64_t after)
{
	return before == after && !(before & 1) && !((before / 2) & 1);
}

static void snapshot(struct shared *s, unsigned region, uint64_t out[PPR])
{
	for (unsigned i = 0; i < PPR; i++)
		out[i] = atomic_load_explicit(&s->seq[region * PPR + i], memory_order_acquire);
}

static bool any_stably_assigned(const uint64_t a[PPR], const uint64_t b[PPR])
{
	for (unsigned i = 0; i < PPR; i++)
		if (stable_assigned(a[i], b[i]))
			return true;
	return false;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *s = w->s;
	struct rmpsim_rng rng;

	rmpsim__rng_seed(&rng, 1000 + w->id);
	for (int it = 0; it < ITERS; it++) {
		unsigned cpu = (unsigned)rmpsim__rng_below(&rng, rmpsim_machine_ncpus(s->m));
		unsigned op = (unsigned)rmpsim__rng_below(&rng, 10);
		unsigned region = (unsigned)rmpsim__rng_below(&rng, NREG);
		uint64_t before[PPR], after[PPR];

		if (op < 3) {
			/* Toggle one of my pages. */
			unsigned p = w->id + NTHREADS * (unsigned)rmpsim__rng_below(&rng, NPAGES / NTHREADS);
			uint64_t seq = atomic_load_explicit(&s->seq[p], memory_order_relaxed);
			bool assign = !((seq / 2) & 1);
			int rc;

			atomic_store_explicit(&s->seq[p], seq + 1, memory_order_release);
			rc = assign ? make_private(s->m, cpu, page_spa(p), RMPSIM_PAGE_4K)
				    : make_shared(s->m, cpu, page_spa(p), RMPSIM_PAGE_4K);
			if (rc != RMPSIM_RMPUPDATE_OK)
				atomic_fetch_add(&s->violations, 1);
			atomic_store_explicit(&s->seq[p], seq + 2, memory_order_release);
		} else if (op < 6) {
			struct rmpsim_insn_out r;

			snapshot(s, region, before);
			rmpsim_machine_rmpopt(s->m, cpu, (uint64_t)(R0 + region) * GIB, op == 5 ? 1 : 0, &r);
			snapshot(s, region, after);
			if (r.fault != RMPSIM_FAULT_NONE || (r.cf && any_stably_assigned(before, after)))
				atomic_fetch_add(&s->violations, 1);
		} else if (op < 7) {
			unsigned core = (unsigned)rmpsim__rng_below(&rng, 4);

			snapshot(s, region, before);
			bool o = rmpsim_machine_region_optimized(s->m, core, R0 + region);
			snapshot(s, region, after);
			if (o)
				atomic_fetch_add_explicit(&s->optimised_seen, 1, memory_order_relaxed);
			if (o && any_stably_assigned(before, after))
				atomic_fetch_add(&s->violations, 1);
		} else {
			unsigned p = (unsigned)rmpsim__rng_below(&rng, NPAGES);
			struct rmpsim_insn_out wr;
			uint64_t b = atomic_load_explicit(&s->seq[p], memory_order_acquire);

			rmpsim_machine_hv_write(s->m, cpu, page_spa(p), RMPSIM_SZ_4K, &wr);
			uint64_t a = atomic_load_explicit(&s->seq[p], memory_order_acquire);
			if (wr.write_path == RMPSIM_WRITE_SKIPPED)
				atomic_fetch_add_explicit(&s->skipped, 1, memory_order_relaxed);
			/* Never allowed on an assigned page; never refused on a shared one. */
			if (stable_assigned(b, a) && wr.fault != RMPSIM_FAULT_PF)
				atomic_fetch_add(&s->violations, 1);
			if (stable_shared(b, a) && wr.fault != RMPSIM_FAULT_NONE)
				atomic_fetch_add(&s->violations, 1);
		}
	}
	return NULL;
}

static void invariant_holds_under_real_threads(void **state)
{
	(void)state;
	static struct shared s; /* large-ish; one test at a time */
	pthread_t th[NTHREADS];
	struct worker w[NTHREADS];

	memset(&s, 0, sizeof(s));
	s.m = small_machine(NULL);
	assert_non_null(s.m);
	assert_int_equal(bring_up_snp(s.m, true), 0);
	for (unsigned i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){ .s = &s, .id = i };
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	for (unsigned i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_load(&s.violations), 0);
	/* The test exercised the interesting path: some checks were skipped. */
	assert_true(atomic_load(&s.skipped) > 0);
	assert_true(atomic_load(&s.optimised_seen) > 0);
	/* Final state, single-threaded: every page the owners left assigned blocks its region. */
	for (unsigned r = 0; r < NREG; r++) {
		bool busy = false;
		for (unsigned i = 0; i < PPR; i++)
			busy |= ((atomic_load(&s.seq[r * PPR + i]) / 2) & 1) != 0;
		if (busy)
			for (unsigned core = 0; core < 4; core++)
				assert_false(rmpsim_machine_region_optimized(s.m, core, R0 + r));
	}
	rmpsim_machine_destroy(s.m);
}

/*
 * The region lock (a spin lock, issue 14 point 5) excludes: threads update
 * interleaved 4K pages of one 2 MB chunk (its runs, then a packed or dense
 * chunk, its region's counts), and one thread turns the next slot into a 2 MB
 * page and PSMASHes it (the region's templates), all in one GB region. Under
 * TSan an unordered access is a failure; without TSan a lost update shows in
 * the final entries and counts.
 */
enum { XT = 4, XPAGES = 64, XROUNDS = 300 };
#define XREGION (9 * GIB)

struct excl {
	struct rmpsim_machine *m;
	unsigned id;
	_Atomic int *errors;
};

static int upd(struct rmpsim_machine *m, unsigned cpu, uint64_t spa, uint64_t gpa, unsigned pagesize,
	       bool assign)
{
	struct rmpsim_rmp_state st = { .gpa = assign ? gpa : 0,
				       .assigned = assign,
				       .pagesize = (uint8_t)pagesize,
				       .asid = assign ? 9 : 0 };
	struct rmpsim_insn_out o;
	int err = rmpsim_machine_rmpupdate(m, cpu, spa, &st, &o);
	return err < 0 ? err : (int)o.rax;
}

static void *excl_main(void *arg)
{
	struct excl *x = arg;
	unsigned cpu = x->id;

	for (unsigned round = 0; round < XROUNDS; round++) {
		if (x->id == XT) { /* the 2 MB thread: slot 1 of the region */
			struct rmpsim_insn_out o;
			uint64_t spa = XREGION + 2 * MIB;
			int bad = upd(x->m, cpu, spa, (uint64_t)round << 21, RMPSIM_PAGE_2M, true) != 0;
			bad |= rmpsim_machine_psmash(x->m, cpu, spa, &o) != 0 || o.rax != 0;
			struct rmpsim_rmp_state shared = { 0 };
			bad |= rmpsim_machine_rmpupdate_range(x->m, cpu, spa, 512, &shared, false, &o) != 0 ||
			       o.rax != 0 || o.done != 512;
			if (bad)
				atomic_fetch_add(x->errors, 1);
			continue;
		}
		/* Pages id, id + XT, ... of slot 0: assign all, then back to shared the odd ones. */
		for (unsigned k = 0; k < XPAGES; k++) {
			unsigned i = x->id + XT * k;
			if (upd(x->m, cpu, XREGION + i * 4096ull, (round * 7919ull + i) << 12, RMPSIM_PAGE_4K,
				true))
				atomic_fetch_add(x->errors, 1);
		}
		for (unsigned k = 1; k < XPAGES; k += 2)
			if (upd(x->m, cpu, XREGION + (x->id + XT * k) * 4096ull, 0, RMPSIM_PAGE_4K, false))
				atomic_fetch_add(x->errors, 1);
	}
	return NULL;
}

static void region_lock_excludes(void **state)
{
	(void)state;
	_Atomic int errors = 0;
	pthread_t th[XT + 1];
	struct excl x[XT + 1];
	struct rmpsim_machine *m = small_machine(NULL);

	assert_non_null(m);
	assert_int_equal(bring_up_snp(m, true), 0);
	for (unsigned i = 0; i <= XT; i++) {
		x[i] = (struct excl){ m, i, &errors };
		assert_int_equal(pthread_create(&th[i], NULL, excl_main, &x[i]), 0);
	}
	for (unsigned i = 0; i <= XT; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_load(&errors), 0);
	/* Each thread's last round: its even pages assigned with that round's GPA, odd ones zero. */
	for (unsigned i = 0; i < XT * XPAGES; i++) {
		struct rmpsim_raw_entry e;
		assert_int_equal(rmpsim_machine_read_entry(m, XREGION + i * 4096ull, &e), 0);
		bool assigned = (i / XT) % 2 == 0;
		uint64_t gpa = ((XROUNDS - 1) * 7919ull + i) << 12;
		assert_int_equal(e.lo & 1, assigned);
		if (assigned)
			assert_int_equal((e.lo >> 12) & ((1ull << 39) - 1), (gpa >> 12) & ((1ull << 39) - 1));
		else
			assert_true(e.lo == 0 && e.hi == 0);
	}
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmpsim_machine_rmp(m), XREGION), XT * XPAGES / 2);
	assert_int_equal(rmpsim_rmp_2m_assigned_count(rmpsim_machine_rmp(m), XREGION + 2 * MIB), 0);
	rmpsim_machine_destroy(m);
}

/*
 * The run table (A511) under threads: two threads run the same range of
 * verifies on their own cores (mostly answered by the table), and verify
 * single regions alone or in a round of their two cores (their bits leave
 * the table); a third toggles pages of the range's regions; a fourth reads
 * bits and does hypervisor writes. (RMPOPT_BASE is written from one thread
 * at a time: msr.c keeps it in a plain field.) No core may report, skip a check for, or get
 * CF = 1 on a region that holds a page assigned for the whole operation.
 * Afterwards every core's run leaves its bit = "the region is free".
 * covers: A511
 */
enum { RT_ITERS = 6000 };

static void *rt_runner(void *arg)
{
	struct worker *w = arg;
	struct shared *s = w->s;
	struct rmpsim_rng rng;
	uint64_t gens[16];
	unsigned mine[2] = { 2 * w->id, 2 * w->id + 1 };
	struct rmpsim_machine_cpuset *set;

	if (rmpsim_machine_cpuset_create(s->m, mine, 2, &set) != 0) {
		atomic_fetch_add(&s->violations, 1);
		return NULL;
	}
	rmpsim__rng_seed(&rng, 2000 + w->id);
	/* RT_ITERS operations, and on (up to a cap) until the reader has seen a
	 * bit set: the path under test, whatever order the threads run in. */
	for (int it = 0; it < RT_ITERS || (!atomic_load(&s->optimised_seen) && it < 50 * RT_ITERS); it++) {
		unsigned cpu = 2 * w->id + (unsigned)rmpsim__rng_below(&rng, 2); /* cores 0-1 or 2-3: mine */
		unsigned op = (unsigned)rmpsim__rng_below(&rng, 20);
		unsigned region = (unsigned)rmpsim__rng_below(&rng, NREG);
		uint64_t before[PPR], after[PPR];
		struct rmpsim_insn_out r;

		if (op < 14) {
			if (rmpsim_machine_rmpopt_verify_run(s->m, cpu, 0, 16, gens) != 0)
				atomic_fetch_add(&s->violations, 1);
		} else if (op < 18) {
			snapshot(s, region, before);
			rmpsim_machine_rmpopt(s->m, cpu, (uint64_t)(R0 + region) * GIB, 0, &r);
			snapshot(s, region, after);
			if (r.cf && any_stably_assigned(before, after))
				atomic_fetch_add(&s->violations, 1);
		} else { /* a round of my two cores (a CPU set): both cores' bits leave the table */
			struct rmpsim_insn_out rest;
			snapshot(s, region, before);
			int rc = rmpsim_machine_rmpopt_verify_set(s->m, set, (uint64_t)(R0 + region) * GIB,
								  &r, &rest);
			snapshot(s, region, after);
			if (rc != 0 || ((r.cf || rest.cf) && any_stably_assigned(before, after)))
				atomic_fetch_add(&s->violations, 1);
		}
	}
	rmpsim_machine_cpuset_destroy(s->m, set);
	atomic_fetch_add(&s->writers_done, 1);
	return NULL;
}

/* Page p (a region's one page) changes hands: assigned when free, freed when assigned. */
static void rt_toggle(struct shared *s, unsigned p)
{
	uint64_t seq = atomic_load_explicit(&s->seq[p], memory_order_relaxed);
	bool assign = !((seq / 2) & 1);
	atomic_store_explicit(&s->seq[p], seq + 1, memory_order_release);
	int rc = assign ? make_private(s->m, 7, page_spa(p), RMPSIM_PAGE_4K)
			: make_shared(s->m, 7, page_spa(p), RMPSIM_PAGE_4K);
	if (rc != RMPSIM_RMPUPDATE_OK)
		atomic_fetch_add(&s->violations, 1);
	/* Assigned and returned: no core's bit for the region may read set (A46), table or not. */
	for (unsigned core = 0; assign && core < 4; core++)
		if (rmpsim_machine_region_optimized(s->m, core, R0 + p / PPR))
			atomic_fetch_add(&s->violations, 1);
	atomic_store_explicit(&s->seq[p], seq + 2, memory_order_release);
}

static void *rt_owner(void *arg)
{
	struct worker *w = arg;
	struct shared *s = w->s;
	struct rmpsim_rng rng;

	rmpsim__rng_seed(&rng, 3000);
	for (int it = 0; it < RT_ITERS / 4; it++) {
		/* one page per region: regions go free and busy */
		rt_toggle(s, PPR * (unsigned)rmpsim__rng_below(&rng, NREG));
		sched_yield(); /* let runs repeat between changes */
	}
	/* The first region left free: the runners' runs can then set its bits
	 * for the reader to see, whichever thread ran when. */
	if ((atomic_load_explicit(&s->seq[0], memory_order_relaxed) / 2) & 1)
		rt_toggle(s, 0);
	atomic_fetch_add(&s->writers_done, 1);
	return NULL;
}

static void *rt_reader(void *arg)
{
	struct worker *w = arg;
	struct shared *s = w->s;
	struct rmpsim_rng rng;

	rmpsim__rng_seed(&rng, 4000);
	/* RT_ITERS reads, and on while the others still run until one finds a
	 * bit set (the path under test: a scheduler that runs this thread
	 * first must not leave it unexercised). */
	for (int it = 0;
	     it < RT_ITERS || (!atomic_load(&s->optimised_seen) && atomic_load(&s->writers_done) < 3); it++) {
		unsigned region = (unsigned)rmpsim__rng_below(&rng, NREG);
		unsigned core = (unsigned)rmpsim__rng_below(&rng, 4);
		uint64_t before[PPR], after[PPR];
		snapshot(s, region, before);
		bool o = rmpsim_machine_region_optimized(s->m, core, R0 + region);
		struct rmpsim_insn_out wr;
		rmpsim_machine_hv_write(s->m, 4 + core, page_spa(region * PPR), RMPSIM_SZ_4K, &wr);
		snapshot(s, region, after);
		if (o)
			atomic_fetch_add_explicit(&s->optimised_seen, 1, memory_order_relaxed);
		if ((o || wr.write_path == RMPSIM_WRITE_SKIPPED) && any_stably_assigned(before, after))
			atomic_fetch_add(&s->violations, 1);
	}
	return NULL;
}

static void run_table_threads(void **state)
{
	(void)state;
	static struct shared s;
	void *(*mains[4])(void *) = { rt_runner, rt_runner, rt_owner, rt_reader };
	pthread_t th[4];
	struct worker w[4];

	memset(&s, 0, sizeof(s));
	s.m = small_machine(NULL);
	assert_non_null(s.m);
	assert_int_equal(bring_up_snp(s.m, true), 0);
	for (unsigned i = 0; i < 4; i++) {
		w[i] = (struct worker){ .s = &s, .id = i };
		assert_int_equal(pthread_create(&th[i], NULL, mains[i], &w[i]), 0);
	}
	for (unsigned i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_load(&s.violations), 0);
	assert_true(atomic_load(&s.optimised_seen) > 0);
	assert_true(s.m->rt.repeats > 0); /* the table answered runs */
	/* Every core's run over the range, alone: its bits are what the RMP says now. */
	for (unsigned core = 0; core < 4; core++)
		assert_int_equal(rmpsim_machine_rmpopt_verify_run(s.m, core, 0, 16, NULL), 0);
	for (unsigned reg = 0; reg < NREG; reg++) {
		bool busy = false;
		for (unsigned i = 0; i < PPR; i++)
			busy |= ((atomic_load(&s.seq[reg * PPR + i]) / 2) & 1) != 0;
		for (unsigned core = 0; core < 4; core++)
			assert_int_equal(rmpsim_machine_region_optimized(s.m, core, R0 + reg), !busy);
	}
	rmpsim_machine_destroy(s.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(invariant_holds_under_real_threads),
		cmocka_unit_test(region_lock_excludes),
		cmocka_unit_test(run_table_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
