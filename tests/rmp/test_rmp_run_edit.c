/* SPDX-License-Identifier: MIT */
/*
 * The sparse store's in-place edit of run chunks (issue 14 point 5; sparse.c
 * edit_unpacked): a 4K edit (rmpsim__rmp_edit_4k) of a slot holding a run chunk
 * or nothing is read, decided and written where the runs are, without the
 * view, the plan or the copy back, when its outcome is plain.
 *
 * Random sequences of edits in a few hot 2 MB slots run on three tables:
 *   A  sparse, the edit (the path under test);
 *   B  sparse, the entry the edit decides written with rmpsim_rmp_set (the
 *      one-entry write: its plan and apply);
 *   C  dense, the same writes: the reference for entries and summaries.
 * After every step: the edit's flags and old lo against an oracle read from
 * C, the slot's runs and the table's bytes A against B (the in-place edit
 * must leave exactly the runs the planner makes), the entry and the slot's
 * summaries A against C, and the in-place counter (rmpsim__rmp_run_edits)
 * against this test's own statement of which edits are done in place. Now
 * and then a whole-slot or partial range write (templates, wide chunks)
 * and a full comparison of the hot slots. Every in-place case must be
 * reached, and edits must also land on packed, dense and template slots.
 * Usage: test_rmp_run_edit [steps [seed]].
 */
#include <stdio.h>
#include <stdlib.h>

#include "rmp_fixture.h"

#include "base/rng.h"
#include "rmp/entry_bits.h"
#include "rmp/unchecked.h"

static uint64_t g_steps = 100000;
static uint64_t g_seed = 20261201;

#define NHOT	4
#define MAXRUNS 512

/* What an edit of the hot slot makes, as this test states the in-place rules. */
enum edit_case {
	CASE_LONE,	  /* a non-zero entry into an empty slot */
	CASE_RELEASE,	  /* the chunk's only entry goes */
	CASE_DROP,	  /* a run of one entry goes */
	CASE_TRIM_FIRST,  /* a run loses its first entry */
	CASE_TRIM_LAST,	  /* a run loses its last entry */
	CASE_SPLIT,	  /* a run loses an inner entry */
	CASE_PREV_STEP,	  /* the entry continues the run ending before it (stepping) */
	CASE_PREV_FLAT,	  /* ... (equal entries) */
	CASE_NEXT_STEP,	  /* the entry leads the run starting after it (stepping) */
	CASE_NEXT_FLAT,	  /* ... (equal entries) */
	CASE_NEW_RUN,	  /* a new run of one entry */
	CASE_REPLACE,	  /* another non-zero entry over the chunk's only one */
	CASE_WIDEN,	  /* a new run into a full chunk whose entries share packed attrs: it turns packed */
	CASE_GENERAL,	  /* a run chunk's edit the planner does (not in place) */
	CASE_NOT_RUNS,	  /* a written edit of a packed, dense or template slot */
	CASE_NOT_WRITTEN, /* refused or the same bytes */
	NCASES
};
static const char *const case_name[NCASES] = {
	"lone",	     "release",	  "drop",    "trim first", "trim last", "split",   "prev step", "prev flat",
	"next step", "next flat", "new run", "replace",	   "widen",	"general", "not runs",	"not written",
};

struct run_edit_world {
	struct rmpsim_rmp *a, *b, *c;
	uint64_t hot[NHOT];
	uint64_t gpa[NHOT];   /* each slot's guest GPA base: stepping entries follow it */
	bool scattered[NHOT]; /* a guest's pages with GPAs in no order, as guest_memfd's */
	struct rmpsim_rng rng;
	uint64_t cases[NCASES];
	uint64_t forms[RMPSIM__SLOT_TEMPLATE + 1];
};

static uint64_t below(struct run_edit_world *w, uint64_t n)
{
	return rmpsim__rng_below(&w->rng, n);
}

struct slot_runs {
	unsigned n;
	struct rmpsim__rmp_run r[MAXRUNS];
};

static int collect_run(void *ctx, const struct rmpsim__rmp_run *r)
{
	struct slot_runs *s = ctx;

	assert_true(s->n < MAXRUNS);
	s->r[s->n++] = *r;
	return 0;
}

static void slot_runs_of(const struct rmpsim_rmp *t, uint64_t spa, struct slot_runs *ret)
{
	ret->n = 0;
	assert_int_equal(rmpsim__rmp_2m_runs(t, spa, collect_run, ret), 0);
}

static bool raw_eq(struct rmpsim_raw_entry x, struct rmpsim_raw_entry y)
{
	return x.lo == y.lo && x.hi == y.hi;
}

/* One entry is both a flat and a stepping run; a longer one is what its step says. */
static bool may_step(const struct rmpsim__rmp_run *r)
{
	return r->step || r->len == 1;
}

static bool may_be_flat(const struct rmpsim__rmp_run *r)
{
	return !r->step || r->len == 1;
}

/*
 * The case of a written edit of entry idx to e in a run slot with runs s
 * (old non-zero exactly when idx lies in a run). In place: a run loses an
 * entry at an end, splits (room for one more run: 8 in a run chunk) or goes,
 * unless a piece of one entry would touch another run; a non-zero entry in
 * a gap continues the touching run before it or leads the one after it, or
 * is a new run, unless runs touch it on both sides; with no room for the new
 * run the chunk turns packed when every entry shares packed attrs. A
 * non-zero entry over a non-zero one is in place only when it is the
 * chunk's only entry; the rest goes to the planner.
 */
static enum edit_case run_case(const struct slot_runs *s, unsigned idx, struct rmpsim_raw_entry e)
{
	unsigned k = 0;

	while (k < s->n && s->r[k].start + s->r[k].len <= idx)
		k++;
	bool in = k < s->n && s->r[k].start <= idx;
	if (rmpsim__raw_is_zero(&e)) {
		const struct rmpsim__rmp_run *r = &s->r[k];
		assert_true(in);
		if (r->len == 1)
			return s->n == 1 ? CASE_RELEASE : CASE_DROP;
		unsigned left = idx - r->start, right = r->start + r->len - idx - 1;
		bool prev_touches = k > 0 && s->r[k - 1].start + s->r[k - 1].len == r->start;
		bool next_touches = k + 1 < s->n && s->r[k + 1].start == r->start + r->len;
		if ((left == 1 && prev_touches) || (right == 1 && next_touches))
			return CASE_GENERAL;
		if (!left)
			return CASE_TRIM_FIRST;
		if (!right)
			return CASE_TRIM_LAST;
		return s->n >= 8 ? CASE_GENERAL : CASE_SPLIT;
	}
	if (in)
		return s->n == 1 && s->r[0].len == 1 ? CASE_REPLACE : CASE_GENERAL;
	const struct rmpsim__rmp_run *a =
		k > 0 && s->r[k - 1].start + s->r[k - 1].len == idx ? &s->r[k - 1] : NULL;
	const struct rmpsim__rmp_run *b = k < s->n && s->r[k].start == idx + 1 ? &s->r[k] : NULL;
	if (a && b)
		return CASE_GENERAL;
	if (a && may_step(a) && raw_eq(rmpsim__raw_advance(a->first, a->len), e))
		return CASE_PREV_STEP;
	if (a && may_be_flat(a) && raw_eq(a->first, e))
		return CASE_PREV_FLAT;
	if (b && may_step(b) && raw_eq(rmpsim__raw_advance(e, 1), b->first))
		return CASE_NEXT_STEP;
	if (b && may_be_flat(b) && raw_eq(b->first, e))
		return CASE_NEXT_FLAT;
	if (s->n < 8)
		return CASE_NEW_RUN;
	/* Packed attrs: every bit but the GPA field and VALIDATED (sparse.c's packed chunks). */
	const uint64_t own = RMPSIM__LO_GPA_MASK | RMPSIM__LO_VALIDATED;
	for (unsigned i = 0; i < s->n; i++)
		if ((s->r[i].first.lo & ~own) != (e.lo & ~own) || s->r[i].first.hi != e.hi)
			return CASE_GENERAL; /* a dense chunk */
	return CASE_WIDEN;
}

static struct rmpsim_raw_entry stored(const struct rmpsim_rmp *t, uint64_t spa)
{
	struct rmpsim_raw_entry e;

	rmpsim__rmp_get_stored(t, spa, &e);
	return e;
}

/* The slot of spa: entries, summaries A against C, runs and bytes A against B. */
static void compare_slot(struct run_edit_world *w, uint64_t spa, bool every_entry)
{
	uint64_t base = spa & ~(SZ_2M - 1);
	struct slot_runs ra, rb;

	for (unsigned i = 0; i < RMPSIM_ENTRIES_PER_2M; i++) {
		uint64_t x = base + (uint64_t)i * SZ_4K;
		if (!every_entry && x != spa)
			continue;
		struct rmpsim_raw_entry ea = fx_get(w->a, x), ec = fx_get(w->c, x);
		if (!raw_eq(ea, ec))
			fail_msg("entry %#llx: %#llx:%#llx, reference %#llx:%#llx", (unsigned long long)x,
				 (unsigned long long)ea.lo, (unsigned long long)ea.hi,
				 (unsigned long long)ec.lo, (unsigned long long)ec.hi);
	}
	assert_int_equal(rmpsim_rmp_2m_assigned_count(w->a, base), rmpsim_rmp_2m_assigned_count(w->c, base));
	assert_int_equal(rmpsim_rmp_2m_head_assigned(w->a, base), rmpsim_rmp_2m_head_assigned(w->c, base));
	assert_int_equal(rmpsim_rmp_1g_first_busy_slot(w->a, base),
			 rmpsim_rmp_1g_first_busy_slot(w->c, base));
	slot_runs_of(w->a, base, &ra);
	slot_runs_of(w->b, base, &rb);
	assert_int_equal(ra.n, rb.n);
	for (unsigned k = 0; k < ra.n; k++) {
		const struct rmpsim__rmp_run *x = &ra.r[k], *y = &rb.r[k];
		if (!raw_eq(x->first, y->first) || x->start != y->start || x->len != y->len ||
		    x->step != y->step)
			fail_msg("slot %#llx run %u: [%u +%u step %d first %#llx] vs the planner's [%u +%u "
				 "step %d first %#llx]",
				 (unsigned long long)base, k, x->start, x->len, x->step,
				 (unsigned long long)x->first.lo, y->start, y->len, y->step,
				 (unsigned long long)y->first.lo);
	}
	assert_int_equal(rmpsim__rmp_slot_form(w->a, base), rmpsim__rmp_slot_form(w->b, base));
	assert_int_equal(rmpsim_rmp_memory_bytes(w->a), rmpsim_rmp_memory_bytes(w->b));
}

/* A new entry for page idx of hot slot h: zero, stepping with the slot's GPAs, off by one, flat, odd. */
static struct rmpsim_raw_entry new_entry(struct run_edit_world *w, unsigned h, unsigned idx)
{
	uint64_t g = w->gpa[h] + (uint64_t)idx * SZ_4K;
	struct rmpsim_raw_entry e = { 0, 0 };

	if (w->scattered[h]) /* one owner, no runs: full chunks turn packed */
		return below(w, 3) ? fx_guest(w->gpa[h] + below(w, 1u << 20) * SZ_4K, 1, below(w, 2)) : e;

	switch (below(w, 10)) {
	case 0:
	case 1:
	case 2: break; /* zero: the page back to shared */
	case 3:
	case 4:
	case 5: e = fx_guest(g, 1, below(w, 4) == 0); break;
	case 6: /* continues a neighbour's GPAs from the other side */
		e = fx_guest(below(w, 2) ? g + SZ_4K : g - SZ_4K, 1, false);
		break;
	case 7: /* equal entries: flat runs */ e = fx_guest(w->gpa[h], 2, false); break;
	case 8: /* a hypervisor page with a GPA field but not assigned, stepping */
		e.lo = g & RMPSIM__LO_GPA_MASK;
		break;
	default: /* VMPL permissions kept or not (A26), or a 2 MB page's head */
		e = fx_guest(g, 1, true);
		e.hi = 0xff00;
		if (idx == 0 && below(w, 2))
			e.lo |= RMPSIM__LO_PAGESIZE;
		break;
	}
	return e;
}

/* Now and then: a range write over the three tables (templates, wide chunks, cleared slots). */
static void range_write(struct run_edit_world *w, unsigned h)
{
	uint64_t s = below(w, 2) ? 0 : below(w, 512), n = s ? 1 + below(w, 512 - s) : 512;
	uint64_t spa = w->hot[h] + s * SZ_4K;
	struct rmpsim_raw_entry first = { 0, 0 };
	bool step = false;

	switch (below(w, 3)) {
	case 0: break; /* clear */
	case 1:
		first = fx_guest(w->gpa[h] + s * SZ_4K, 1, false);
		step = true;
		break;
	default: first = fx_guest(w->gpa[h], 2, false); break;
	}
	assert_int_equal(rmpsim_rmp_set_range(w->a, spa, n, &first, step), 0);
	assert_int_equal(rmpsim_rmp_set_range(w->b, spa, n, &first, step), 0);
	assert_int_equal(rmpsim_rmp_set_range(w->c, spa, n, &first, step), 0);
}

static void clear_slot(struct run_edit_world *w, unsigned h)
{
	const struct rmpsim_raw_entry zero = { 0, 0 };

	assert_int_equal(rmpsim_rmp_set_range(w->a, w->hot[h], 512, &zero, false), 0);
	assert_int_equal(rmpsim_rmp_set_range(w->b, w->hot[h], 512, &zero, false), 0);
	assert_int_equal(rmpsim_rmp_set_range(w->c, w->hot[h], 512, &zero, false), 0);
}

/* Scattered entries of a foreign owner over the slot: it turns packed or dense. */
static void scatter(struct run_edit_world *w, unsigned h)
{
	for (unsigned i = 0; i < 24; i++) {
		uint64_t spa = w->hot[h] + below(w, 512) * SZ_4K;
		struct rmpsim_raw_entry e =
			fx_guest(w->gpa[h] + below(w, 1u << 20) * SZ_4K, below(w, 2) ? 1 : 3, false);
		assert_int_equal(rmpsim_rmp_set(w->a, spa, &e), 0);
		assert_int_equal(rmpsim_rmp_set(w->b, spa, &e), 0);
		assert_int_equal(rmpsim_rmp_set(w->c, spa, &e), 0);
	}
}

static void one_edit(struct run_edit_world *w, unsigned h, unsigned idx)
{
	uint64_t spa = w->hot[h] + (uint64_t)idx * SZ_4K, base = w->hot[h];
	struct rmpsim__rmp_edit ed = { new_entry(w, h, idx), below(w, 3) ? 0 : ~0ull, 0, below(w, 2) != 0 };
	unsigned r = (unsigned)below(w, 16);

	ed.refuse_lo = r == 0 ? RMPSIM__LO_VALIDATED : r == 1 ? RMPSIM__LO_ASSIGNED : 0;
	/* The oracle, from the dense reference. */
	struct rmpsim_raw_entry old = stored(w->c, spa), e0 = stored(w->c, base), e;
	bool head = (e0.lo & (RMPSIM__LO_ASSIGNED | RMPSIM__LO_PAGESIZE)) ==
		    (RMPSIM__LO_ASSIGNED | RMPSIM__LO_PAGESIZE);
	int want;
	if ((old.lo & ed.refuse_lo) || (head && ed.refuse_in_2m_page)) {
		want = RMPSIM__EDIT_REFUSED;
	} else {
		e.lo = ed.set.lo;
		e.hi = (old.hi & ed.keep_hi) | ed.set.hi;
		want = raw_eq(e, old) ? 0 : RMPSIM__EDIT_WRITTEN;
	}
	/* Which case this is, from A's slot as it stands. */
	int form = rmpsim__rmp_slot_form(w->a, spa);
	enum edit_case ec = CASE_NOT_WRITTEN;
	if (want == RMPSIM__EDIT_WRITTEN) {
		struct slot_runs s;
		slot_runs_of(w->a, spa, &s);
		ec = form == RMPSIM__SLOT_EMPTY	 ? CASE_LONE
		     : form == RMPSIM__SLOT_RUNS ? run_case(&s, idx, e)
						 : CASE_NOT_RUNS;
		w->forms[form]++;
	}
	w->cases[ec]++;
	unsigned before = rmpsim__rmp_run_edits(w->a, spa);
	uint64_t old_lo = ~0ull;
	int f = rmpsim__rmp_edit_4k(w->a, spa, &ed, &old_lo);
	if (f != want || old_lo != old.lo)
		fail_msg("edit at %#llx: flags %d old lo %#llx, oracle %d %#llx", (unsigned long long)spa, f,
			 (unsigned long long)old_lo, want, (unsigned long long)old.lo);
	if (want == RMPSIM__EDIT_WRITTEN) {
		assert_int_equal(rmpsim_rmp_set(w->b, spa, &e), 0);
		assert_int_equal(rmpsim_rmp_set(w->c, spa, &e), 0);
	}
	/* The lone case needs the region's state (an edit does not allocate it). */
	bool in_place = ec < CASE_GENERAL && form != RMPSIM__SLOT_NO_REGION;
	if (rmpsim__rmp_run_edits(w->a, spa) - before != (in_place ? 1u : 0u))
		fail_msg("edit at %#llx (%s, form %d): in-place count %u -> %u", (unsigned long long)spa,
			 case_name[ec], form, before, rmpsim__rmp_run_edits(w->a, spa));
}

static void run_world(uint64_t steps, uint64_t seed)
{
	struct run_edit_world w;

	memset(&w, 0, sizeof(w));
	rmpsim__rng_seed(&w.rng, seed);
	w.a = fx_table(NULL, 2, RMPSIM_RMP_SPARSE);
	w.b = fx_table(NULL, 2, RMPSIM_RMP_SPARSE);
	w.c = fx_table(NULL, 2, RMPSIM_RMP_DENSE);
	/* Two neighbouring slots of GB 1, its last, and one of GB 0 (above the RMP itself). */
	const uint64_t hot[NHOT] = { SZ_1G + 3 * SZ_2M, SZ_1G + 4 * SZ_2M, 2 * SZ_1G - SZ_2M, 200 * SZ_2M };
	for (unsigned h = 0; h < NHOT; h++) {
		w.hot[h] = hot[h];
		w.gpa[h] = (uint64_t)(h + 1) << 32;
	}
	unsigned window[NHOT] = { 0 }, width[NHOT] = { 24, 24, 24, 24 };
	for (uint64_t i = 0; i < steps; i++) {
		unsigned h = (unsigned)below(&w, NHOT);
		if (below(&w, 32) == 0) { /* a new window, narrow now and then (lone entries come and go) */
			width[h] = below(&w, 3) ? 24 : 2;
			w.scattered[h] = below(&w, 4) == 0;
			window[h] = below(&w, 3) == 0 ? 0 : (unsigned)below(&w, 512 - 24);
			if (below(&w, 2) == 0)
				clear_slot(&w, h);
		}
		if (below(&w, 400) == 0)
			range_write(&w, h);
		if (below(&w, 1500) == 0)
			scatter(&w, h);
		/* Mostly the window, so that runs meet and part. */
		unsigned idx = width[h] == 2 || below(&w, 4) ? window[h] + (unsigned)below(&w, width[h])
							     : (unsigned)below(&w, 512);
		one_edit(&w, h, idx);
		compare_slot(&w, w.hot[h] + (uint64_t)idx * SZ_4K, i % 32 == 0);
	}
	for (unsigned h = 0; h < NHOT; h++)
		compare_slot(&w, w.hot[h], true);
	for (unsigned k = 0; k < NCASES; k++) {
		if (getenv("RUN_EDIT_VERBOSE"))
			printf("%-12s %llu\n", case_name[k], (unsigned long long)w.cases[k]);
		if (!w.cases[k])
			fail_msg("case '%s' never reached in %llu steps", case_name[k],
				 (unsigned long long)steps);
	}
	/* Edits also met the other forms, which go the general way. */
	assert_true(w.forms[RMPSIM__SLOT_PACKED] > 0);
	assert_true(w.forms[RMPSIM__SLOT_DENSE] > 0);
	assert_true(w.forms[RMPSIM__SLOT_TEMPLATE] > 0);
	rmpsim_rmp_destroy(w.a);
	rmpsim_rmp_destroy(w.b);
	rmpsim_rmp_destroy(w.c);
}

static void random_edits(void **state)
{
	(void)state;
	run_world(g_steps, g_seed);
}

/* The alternating pattern of bench_machine rmpupdate-8cpu: a page assigned and given back, alone in its region. */
static void lone_page_churn(void **state)
{
	struct rmpsim_rmp *t = fx_table(NULL, 2, RMPSIM_RMP_SPARSE);
	(void)state;
	for (unsigned i = 0; i < 64; i++) {
		uint64_t spa = SZ_1G + (uint64_t)(i * 37 % 4096) * SZ_4K;
		struct rmpsim__rmp_edit assign = { fx_guest(spa, 1, false), 0, RMPSIM__LO_IMMUTABLE, true };
		struct rmpsim__rmp_edit unassign = { { 0, 0 }, 0, RMPSIM__LO_IMMUTABLE, false };
		uint64_t old_lo;
		unsigned before = rmpsim__rmp_run_edits(t, spa);
		assert_int_equal(rmpsim__rmp_edit_4k(t, spa, &assign, &old_lo), RMPSIM__EDIT_WRITTEN);
		assert_int_equal(old_lo, 0);
		assert_int_equal(rmpsim_rmp_2m_assigned_count(t, spa), 1);
		assert_true(rmpsim_rmp_2m_head_assigned(t, spa & ~(SZ_2M - 1)) == ((spa & (SZ_2M - 1)) == 0));
		assert_int_equal(rmpsim__rmp_edit_4k(t, spa, &unassign, &old_lo), RMPSIM__EDIT_WRITTEN);
		assert_int_equal(old_lo, fx_guest(spa, 1, false).lo);
		assert_int_equal(rmpsim_rmp_2m_assigned_count(t, spa), 0);
		assert_int_equal(rmpsim__rmp_slot_form(t, spa), RMPSIM__SLOT_EMPTY);
		/* The first assign in the region allocated its state (the general way); then both in place. */
		assert_int_equal(rmpsim__rmp_run_edits(t, spa) - before, i == 0 ? 1u : 2u);
	}
	rmpsim_rmp_destroy(t);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_edits),
		cmocka_unit_test(lone_page_churn),
	};
	if (argc > 1)
		g_steps = strtoull(argv[1], NULL, 0);
	if (argc > 2)
		g_seed = strtoull(argv[2], NULL, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
