/* SPDX-License-Identifier: MIT */
/*
 * rmpsim__rmp_2m_runs (src/rmp/include/rmp/unchecked.h): the runs of a 2 MB region are
 * sorted, disjoint, hold no zero entry and give back exactly the stored
 * entries, on both backends, for random writes (single entries, flat and
 * stepping ranges, zeros that split runs, fragmentation into dense chunks);
 * a guest's stepping-GPA chunk is one run in the sparse store.
 */
#include <stdlib.h>

#include "rmp_fixture.h"

#include "rmp/entry_bits.h"
#include "rmp/unchecked.h"

struct collect {
	struct rmpsim_raw_entry e[RMPSIM_ENTRIES_PER_2M];
	bool seen[RMPSIM_ENTRIES_PER_2M];
	unsigned next; /* first index a later run may start at */
	unsigned nruns;
	unsigned stop_after; /* 0: never stop */
};

static int collect_run(void *ctx, const struct rmpsim__rmp_run *r)
{
	struct collect *c = ctx;

	assert_true(r->len >= 1);
	assert_true(r->start >= c->next); /* sorted and disjoint */
	assert_true(r->start + r->len <= RMPSIM_ENTRIES_PER_2M);
	for (unsigned i = r->start; i < r->start + r->len; i++) {
		struct rmpsim_raw_entry e = r->step ? rmpsim__raw_advance(r->first, i - r->start) : r->first;
		assert_false(rmpsim__raw_is_zero(&e)); /* a run holds no zero entry */
		c->e[i] = e;
		c->seen[i] = true;
	}
	c->next = r->start + r->len;
	c->nruns++;
	return c->stop_after && c->nruns == c->stop_after ? 7 : 0;
}

/* The runs of the region at spa reproduce every stored entry; returns how many runs. */
static unsigned check_region(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	struct collect c;

	memset(&c, 0, sizeof(c));
	assert_int_equal(rmpsim__rmp_2m_runs(rmp, spa, collect_run, &c), 0);
	for (unsigned i = 0; i < RMPSIM_ENTRIES_PER_2M; i++) {
		struct rmpsim_raw_entry want = fx_get(rmp, spa + i * SZ_4K);
		want.lo &= ~RMPSIM__LO_SUBPAGE_MASK;
		if (!c.seen[i]) {
			assert_true(rmpsim__raw_is_zero(&want));
			continue;
		}
		assert_true(c.e[i].lo == want.lo && c.e[i].hi == want.hi);
	}
	return c.nruns;
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static struct rmpsim_raw_entry random_entry(uint64_t *s)
{
	switch (rng_next(s) % 4) {
	case 0: {
		struct rmpsim_raw_entry z = { 0, 0 };
		return z;
	}
	case 1: /* GPA field 0: a stepping run from it holds a zero entry only at the wrap */
		return (struct rmpsim_raw_entry){ (RMPSIM__GPA_FIELD_MAX - rng_next(s) % 4)
							  << RMPSIM__LO_GPA_SHIFT,
						  0 };
	default: return fx_guest((rng_next(s) % 64) << 12, (unsigned)(rng_next(s) % 3), rng_next(s) % 2);
	}
}

static void random_contents(void **state)
{
	(void)state;
	for (int b = 0; b < 2; b++) {
		struct rmpsim_rmp *rmp = fx_table(NULL, 1, b ? RMPSIM_RMP_DENSE : RMPSIM_RMP_SPARSE);
		uint64_t s = 0x9e3779b97f4a7c15ull;
		for (int round = 0; round < 3000; round++) {
			uint64_t region = (rng_next(&s) % 4) * SZ_2M;
			uint64_t start = region + (rng_next(&s) % 512) * SZ_4K;
			uint64_t n = rng_next(&s) % 3 ? 1 + rng_next(&s) % 40 : 1 + rng_next(&s) % 1100;
			struct rmpsim_raw_entry e = random_entry(&s);
			assert_int_equal(rmpsim_rmp_set_range(rmp, start, n, &e, rng_next(&s) % 2), 0);
			if (round % 50 == 0)
				for (uint64_t r = 0; r < 5 * SZ_2M; r += SZ_2M)
					check_region(rmp, r);
		}
		rmpsim_rmp_destroy(rmp);
	}
}

static void guest_chunk_is_one_run(void **state)
{
	(void)state;
	struct rmpsim_rmp *sp = fx_table(NULL, 1, RMPSIM_RMP_SPARSE),
			  *de = fx_table(NULL, 1, RMPSIM_RMP_DENSE);
	struct rmpsim_raw_entry g = fx_guest(1ull << 30, 5, true);

	assert_int_equal(rmpsim_rmp_set_range(sp, 4 * SZ_2M, 3 * 512, &g, true), 0);
	assert_int_equal(rmpsim_rmp_set_range(de, 4 * SZ_2M, 3 * 512, &g, true), 0);
	for (uint64_t r = 4 * SZ_2M; r < 7 * SZ_2M; r += SZ_2M) {
		assert_int_equal(check_region(sp, r), 1);
		assert_int_equal(check_region(de, r), 1); /* the dense backend merges stepping entries too */
	}
	/* A hole splits it in two; an empty region has none; a stop is passed on. */
	struct rmpsim_raw_entry z = { 0, 0 };
	assert_int_equal(rmpsim_rmp_set(sp, 5 * SZ_2M + 100 * SZ_4K, &z), 0);
	assert_int_equal(check_region(sp, 5 * SZ_2M), 2);
	assert_int_equal(check_region(sp, 9 * SZ_2M), 0);
	struct collect c;
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	assert_int_equal(rmpsim__rmp_2m_runs(sp, 5 * SZ_2M, collect_run, &c), 7);
	assert_int_equal(c.nruns, 1);
	rmpsim_rmp_destroy(sp);
	rmpsim_rmp_destroy(de);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_contents),
		cmocka_unit_test(guest_chunk_is_one_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
