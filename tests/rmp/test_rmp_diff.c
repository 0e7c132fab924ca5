/* SPDX-License-Identifier: MIT */
/*
 * The differential test (issue 2 point 7): random sequences of entry writes
 * (single and range, random fields, runs with gpa_step, overwrites that
 * fragment chunks and re-merge them) through the SPARSE store and the DENSE
 * reference; after each step every touched entry's 16 bytes and every touched
 * summary must agree. Writes concentrate on a few hot 2 MB chunks so that
 * chunks go from runs to dense and back.
 *
 * Usage: test_rmp_diff [steps] [seed]   (default 100000 steps; slow suite: 10M)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "rmp_fixture.h"

#include "base/rng.h"
#include "rmp/entry_bits.h"
#include "rmp/unchecked.h"

#define COVER_GB 4u

static long g_steps = 100000;
static uint64_t g_seed = 1;
static bool g_trace;

struct pair {
	struct rmpsim_rmp *s, *d;
	uint64_t cover;
	struct rmpsim_rng rng;
};

static uint64_t rnd(struct pair *p, uint64_t n)
{
	return rmpsim__rng_below(&p->rng, n);
}

/* A random entry: mostly shapes that merge into runs, some pure noise. */
static struct rmpsim_raw_entry random_entry(struct pair *p, uint64_t spa)
{
	struct rmpsim_raw_entry e = { 0, 0 };

	if ((spa & ~(SZ_2M - 1)) == 100 * SZ_2M) {
		/* One hot chunk of a guest's pages with scrambled GPAs (the sparse store's packed
		 * chunks, issue 14), now and then a zero one or another guest's page. */
		unsigned k = (unsigned)rnd(p, 32);
		if (k == 0)
			return e;
		return fx_guest(rnd(p, 1ull << 30) << 12, k == 1 ? 10 : 9, rnd(p, 2));
	}
	switch (rnd(p, 8)) {
	case 0:
	case 1: break; /* zero: hypervisor */
	case 2:
	case 3: /* a guest page whose GPA follows the SPA: neighbours merge into runs */
		e = fx_guest(spa + ((uint64_t)rnd(p, 3) << 32), 1 + (unsigned)rnd(p, 3), rnd(p, 2));
		break;
	case 4: e.lo = 0x4; break;		     /* HV_FIXED */
	case 5: e.lo = 0x8000000000000005ull; break; /* FIRMWARE */
	case 6:					     /* near the top of the GPA field, so steps wrap */
		e.lo = (0x0007fffffffff000ull - (rnd(p, 4) << 12)) | (rnd(p, 2) ? 1 : 0);
		break;
	default:
		e.lo = rmpsim__rng_next(&p->rng);
		e.hi = rnd(p, 2) ? rmpsim__rng_next(&p->rng) : 0;
		break;
	}
	return e;
}

static void compare_entry(struct pair *p, uint64_t spa)
{
	struct rmpsim_raw_entry a, b;

	assert_int_equal(rmpsim_rmp_get(p->s, spa, &a), 0);
	assert_int_equal(rmpsim_rmp_get(p->d, spa, &b), 0);
	if (a.lo != b.lo || a.hi != b.hi)
		fail_msg("entry 0x%" PRIx64 ": sparse %016" PRIx64 ":%016" PRIx64 " dense %016" PRIx64
			 ":%016" PRIx64,
			 spa, a.hi, a.lo, b.hi, b.lo);
}

struct collect {
	unsigned n;
	uint64_t spa[RMPSIM_ENTRIES_PER_2M];
	struct rmpsim_raw_entry e[RMPSIM_ENTRIES_PER_2M];
};

static int collect_fn(void *ctx, uint64_t spa, const struct rmpsim_raw_entry *e)
{
	struct collect *c = ctx;

	c->spa[c->n] = spa;
	c->e[c->n++] = *e;
	return 0;
}

static void compare_2m(struct pair *p, uint64_t spa, bool visit)
{
	spa &= ~(SZ_2M - 1);
	assert_int_equal(rmpsim_rmp_2m_assigned_count(p->s, spa), rmpsim_rmp_2m_assigned_count(p->d, spa));
	assert_int_equal(rmpsim_rmp_2m_head_assigned(p->s, spa), rmpsim_rmp_2m_head_assigned(p->d, spa));
	compare_entry(p, spa); /* the head carries the derived subpage_count */
	if (!visit)
		return;
	static struct collect cs, cd;
	cs.n = cd.n = 0;
	assert_int_equal(rmpsim_rmp_2m_for_each_nonzero(p->s, spa, collect_fn, &cs), 0);
	assert_int_equal(rmpsim_rmp_2m_for_each_nonzero(p->d, spa, collect_fn, &cd), 0);
	assert_int_equal(cs.n, cd.n);
	assert_memory_equal(cs.spa, cd.spa, cs.n * sizeof(cs.spa[0]));
	assert_memory_equal(cs.e, cd.e, cs.n * sizeof(cs.e[0]));
}

static void compare_1g(struct pair *p, uint64_t spa)
{
	assert_int_equal(rmpsim_rmp_1g_first_busy_slot(p->s, spa), rmpsim_rmp_1g_first_busy_slot(p->d, spa));
	assert_int_equal(rmpsim_rmp_1g_is_free(p->s, spa), rmpsim_rmp_1g_is_free(p->d, spa));
}

/* Every entry and summary of the whole table (at the end of a run). */
static void compare_all(struct pair *p)
{
	for (uint64_t spa = 0; spa < p->cover; spa += SZ_4K)
		compare_entry(p, spa);
	for (uint64_t spa = 0; spa < p->cover; spa += SZ_2M)
		compare_2m(p, spa, true);
	for (uint64_t spa = 0; spa < p->cover; spa += SZ_1G)
		compare_1g(p, spa);
}

static uint64_t hot_spa(struct pair *p)
{
	/* Eight hot 2 MB chunks (two at GB edges), else anywhere. */
	static const uint64_t hot[8] = {
		0,	   3 * SZ_2M,  SZ_1G - SZ_2M, SZ_1G, 2 * SZ_1G + 77 * SZ_2M, 3 * SZ_1G + 511 * SZ_2M,
		4 * SZ_1G, 100 * SZ_2M
	};
	if (rnd(p, 4))
		return hot[rnd(p, 8)] + rnd(p, 512) * SZ_4K;
	return rnd(p, p->cover / SZ_4K) * SZ_4K;
}

/*
 * Whole 2 MB slots written alike (rmpsim__rmp_set_slots, the instruction
 * layer's GB batches): a guest's 4K pages (one stepping run, advancing 512
 * pages a slot) or 2 MB pages (a head advancing, the sub-entries flat), or
 * shared 2 MB heads. Then the sparse store's shape of each region touched
 * must describe every slot of it.
 */
static void step_slots(struct pair *p, long i)
{
	uint64_t nslot_all = p->cover / SZ_2M;
	uint64_t first = rnd(p, 3) ? (rnd(p, nslot_all / 512) * 512) : rnd(p, nslot_all);
	uint64_t n = rnd(p, 2) ? 512 * (1 + rnd(p, 2)) : 1 + rnd(p, 700);
	struct rmpsim__rmp_shape sh = { 0 };
	unsigned asid = 1 + (unsigned)rnd(p, 3);

	if (first + n > nslot_all)
		n = nslot_all - first;
	switch (rnd(p, 4)) {
	case 0: /* 4K pages, consecutive GPAs */
		sh.nruns = 1;
		sh.runs[0] = (struct rmpsim__rmp_run){ fx_guest(rnd(p, 1ull << 36) << 12, asid, false), 0,
						       512, true };
		sh.adv[0] = true;
		break;
	case 1: /* 2 MB pages: head (A25 sub-entries: assigned, ASID 0) */
		sh.nruns = 2;
		sh.runs[0] = (struct rmpsim__rmp_run){ fx_guest(rnd(p, 1ull << 27) << 21, asid, false), 0, 1,
						       false };
		sh.runs[0].first.lo |= 2; /* page size 2M */
		sh.adv[0] = true;
		sh.runs[1] = (struct rmpsim__rmp_run){ { 1, 0 }, 1, 511, false };
		break;
	case 2: /* shared 2 MB heads */
		sh.nruns = 1;
		sh.runs[0] = (struct rmpsim__rmp_run){ { 2, 0 }, 0, 1, false };
		break;
	default: /* zero */ break;
	}
	if (g_trace)
		fprintf(stderr, "step %ld: set_slots from slot %" PRIu64 " n %" PRIu64 " runs %u\n", i, first,
			n, sh.nruns);
	assert_int_equal(rmpsim__rmp_set_slots(p->s, first * SZ_2M, n, &sh), 0);
	assert_int_equal(rmpsim__rmp_set_slots(p->d, first * SZ_2M, n, &sh), 0);
	for (uint64_t k = first; k < first + n; k += 1 + rnd(p, 64)) {
		compare_2m(p, k * SZ_2M, true);
		for (unsigned e = 0; e < 512; e += 1 + (unsigned)rnd(p, 200))
			compare_entry(p, k * SZ_2M + e * SZ_4K);
	}
	for (uint64_t g = first / 512; g <= (first + n - 1) / 512; g++) {
		struct rmpsim__rmp_shape got;
		compare_1g(p, g * SZ_1G);
		if (!rmpsim__rmp_1g_shape(p->s, g * SZ_1G, &got))
			continue;
		/* The shape describes the region: check three slots against the reference. */
		for (unsigned t = 0; t < 3; t++) {
			uint64_t slot = t == 0 ? 0 : t == 1 ? 511 : rnd(p, 512);
			for (unsigned e = 0; e < 512; e += 1 + (unsigned)rnd(p, 100)) {
				struct rmpsim_raw_entry want = { 0, 0 }, d;
				for (unsigned r = 0; r < got.nruns; r++) {
					const struct rmpsim__rmp_run *run = &got.runs[r];
					if (e < run->start || e >= run->start + run->len)
						continue;
					want = got.adv[r] ? rmpsim__raw_advance(run->first, slot * 512)
							  : run->first;
					if (run->step)
						want = rmpsim__raw_advance(want, e - run->start);
				}
				if (g * SZ_1G + slot * SZ_2M + e * SZ_4K >= p->cover)
					break; /* a region the coverage ends inside */
				rmpsim__rmp_get_stored(p->d, g * SZ_1G + slot * SZ_2M + e * SZ_4K, &d);
				assert_true(want.lo == d.lo && want.hi == d.hi);
			}
		}
	}
}

static void step(struct pair *p, long i)
{
	if (i % 64 == 63) {
		step_slots(p, i);
		return;
	}
	uint64_t spa = hot_spa(p), n;
	unsigned kind = (unsigned)rnd(p, 16);
	bool gpa_step = rnd(p, 3) != 0;

	if (kind < 8)
		n = 1;
	else if (kind < 14)
		n = 1 + rnd(p, 1100);
	else if (kind < 15 && rnd(p, 2))
		n = (1 + rnd(p, 4)) * 512 - rnd(p, 3); /* whole chunks, roughly */
	else if (kind < 15) {
		/* whole 2 MB chunks exactly: the sparse store's template slots (issue 14) */
		spa &= ~(SZ_2M - 1);
		n = (1 + rnd(p, 8)) * 512;
	} else
		n = i % 97 == 0 ? 512 * 512 + rnd(p, 1024) : 1 + rnd(p, 64); /* rarely a whole GB */
	if (spa + n * SZ_4K > p->cover)
		n = (p->cover - spa) / SZ_4K;
	struct rmpsim_raw_entry e = random_entry(p, spa);
	int rs = n == 1 && rnd(p, 2) ? rmpsim_rmp_set(p->s, spa, &e)
				     : rmpsim_rmp_set_range(p->s, spa, n, &e, gpa_step);
	int rd = n == 1 ? rmpsim_rmp_set(p->d, spa, &e) : rmpsim_rmp_set_range(p->d, spa, n, &e, gpa_step);
	if (g_trace)
		fprintf(stderr,
			"step %ld: spa 0x%" PRIx64 " n %" PRIu64 " step %d entry %016" PRIx64 ":%016" PRIx64
			"\n",
			i, spa, n, gpa_step, e.hi, e.lo);
	assert_int_equal(rs, 0);
	assert_int_equal(rd, 0);
	for (uint64_t k = 0; k < n; k++)
		compare_entry(p, spa + k * SZ_4K);
	for (uint64_t a = spa & ~(SZ_2M - 1); a < spa + n * SZ_4K; a += SZ_2M)
		compare_2m(p, a, (i & 15) == 0);
	for (uint64_t a = spa & ~(SZ_1G - 1); a < spa + n * SZ_4K; a += SZ_1G)
		compare_1g(p, a);
}

/* covers: A1, A3 */
static void sparse_equals_dense(void **state)
{
	(void)state;
	static struct pair p;

	p.s = fx_table(NULL, COVER_GB, RMPSIM_RMP_SPARSE);
	p.d = fx_table(NULL, COVER_GB, RMPSIM_RMP_DENSE);
	p.cover = FX_COVER(COVER_GB);
	rmpsim__rng_seed(&p.rng, g_seed);
	for (long i = 0; i < g_steps; i++) {
		step(&p, i);
		if (i % 1000000 == 999999)
			compare_all(&p);
	}
	compare_all(&p);
	/* Clearing everything frees the sparse store back to its empty size. */
	struct rmpsim_rmp *fresh = fx_table(NULL, COVER_GB, RMPSIM_RMP_SPARSE);
	struct rmpsim_raw_entry z = { 0, 0 };
	assert_int_equal(rmpsim_rmp_set_range(p.s, 0, p.cover / SZ_4K, &z, false), 0);
	assert_int_equal(rmpsim_rmp_memory_bytes(p.s), rmpsim_rmp_memory_bytes(fresh));
	rmpsim_rmp_destroy(fresh);
	rmpsim_rmp_destroy(p.s);
	rmpsim_rmp_destroy(p.d);
}

int main(int argc, char **argv)
{
	g_trace = getenv("RMP_DIFF_TRACE") != NULL;
	if (argc > 1)
		g_steps = strtol(argv[1], NULL, 0);
	if (argc > 2)
		g_seed = strtoull(argv[2], NULL, 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sparse_equals_dense),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
