/* SPDX-License-Identifier: MIT */
/*
 * The scalable table store (design.md section 4, issue 2 point 6).
 *
 * Shape: a preallocated array of one pointer per 1 GB region (NULL = all
 * entries zero). A region holds its exact summaries (per 2 MB slot: assigned
 * count, head-assigned bit, busy bit) and one pointer per 2 MB chunk (NULL =
 * all zero). A chunk is either a short sorted list of runs -- {start, len,
 * first entry, gpa_step}, so a guest's 4K pages with consecutive GPAs cost one
 * run -- or, once fragmented beyond RUN_CAP runs, a dense array of 512 entries.
 * Runs never hold a zero entry, so memory exists only where entries are
 * non-zero, and a chunk (region) is freed when it becomes all zero again.
 *
 * Writes are two-phase so that -ENOMEM leaves the table unchanged: phase 1
 * plans every touched chunk and preallocates exactly the blocks phase 2 will
 * need (chained through their own first bytes, so the pool costs nothing);
 * phase 2 applies and cannot fail. A range write costs O(2 MB chunks touched):
 * a fully covered chunk's new content is the (at most two) pieces of the run.
 *
 * Spares (design.md section 4, "a few hundred instructions" per RMPUPDATE):
 * RMPUPDATE churn makes one page private and shared again, which would
 * allocate and free a run chunk (and, when it is the region's only page, the
 * 5 KiB region header) on every call. So a region keeps the last run chunk it
 * freed as its spare, and a region emptied by a one-entry write (rmpsim_rmp_set
 * or a one-page range) stays allocated, all zero, with its spare. A write of
 * more than one page that leaves a region empty frees it and its spare, so a
 * bulk clear (guest teardown, SNP_INIT) returns the store to its empty size.
 * Bound: at most sizeof(region) + sizeof(run chunk) (about 5.4 KiB) per GB
 * emptied page by page (11 MiB for 2 TiB), one run chunk (200 bytes) per GB
 * in use. Spares are host memory the table holds: counted in its bytes.
 *
 * Concurrency (rmp.h): a write touches only its own regions' pointers and
 * state (the spare belongs to its region), plus the atomic byte counter of the
 * table.
 */
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "base/check.h"
#include "rmp/entry_bits.h"
#include "table.h"
#include "rmp/unchecked.h"

#define RUN_CAP	     8u	  /* runs per run chunk before it turns dense */
#define COMPRESS_MAX 4u	  /* a dense chunk goes back to runs at this many or fewer */
#define COMPRESS_AGE 256u /* entries written to a dense chunk between compress tries */
#define NPG	     RMPSIM_ENTRIES_PER_2M
#define BITMAP_WORDS (RMPSIM_SLOTS_PER_1G / 64u)

struct run {
	struct rmpsim_raw_entry first;
	uint16_t start, len; /* chunk-local entry index, 1..512 entries */
	uint8_t step;	     /* entry i is first with the GPA field advanced by i */
};

enum { CHUNK_RUNS = 1, CHUNK_DENSE = 2, CHUNK_PACKED = 3 };

struct chunk_hdr {
	uint8_t kind;
	uint8_t nruns;	  /* CHUNK_RUNS */
	uint16_t nonzero; /* dense and packed ("wide") chunks: non-zero entries */
	uint32_t age;	  /* wide chunks: entries written since the last compress try */
};

struct run_chunk {
	struct chunk_hdr h;
	struct run runs[RUN_CAP];
};

struct dense_chunk {
	struct chunk_hdr h;
	struct rmpsim_raw_entry e[NPG];
};

/*
 * A packed chunk (issue 14 point 4: a guest's 4K pages whose GPAs form no
 * runs, as guest_memfd's scattered pages do): its entries share every bit but
 * the GPA field and VALIDATED (attrs holds them, those two clear), so each
 * keeps 5 bytes, its GPA field (39 bits) and VALIDATED; `present` tells a zero
 * entry from one equal to attrs. 2,648 bytes instead of a dense chunk's 8 KiB.
 */
#define PACKED_OWN (RMPSIM__LO_GPA_MASK | RMPSIM__LO_VALIDATED)
#define OWN_BYTES  5u
struct packed_chunk {
	struct chunk_hdr h;
	struct rmpsim_raw_entry attrs;
	uint64_t present[NPG / 64];
	uint8_t own[NPG][OWN_BYTES];
};

/*
 * The 5 own bytes of entry i (GPA field, VALIDATED in bit 39) in one load: the
 * 8 bytes that end with them, which start inside the chunk for every i (the
 * bitmap precedes own[0]); the 3 bytes before them shift out.
 */
static inline uint64_t packed_own(const struct packed_chunk *pc, unsigned i)
{
	uint64_t v;

	_Static_assert(offsetof(struct packed_chunk, own) >= 8 - OWN_BYTES, "the load stays in the chunk");
	memcpy(&v,
	       (const uint8_t *)pc + offsetof(struct packed_chunk, own) + (size_t)i * OWN_BYTES -
		       (8 - OWN_BYTES),
	       sizeof(v));
	return v >> 8 * (8 - OWN_BYTES); /* wide_put's 4 + 1 bytes, little-endian */
}
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "packed_own reads the own bytes little-endian");

static bool packed_fits(const struct rmpsim_raw_entry *attrs, const struct rmpsim_raw_entry *e)
{
	return ((e->lo & ~PACKED_OWN) == attrs->lo && e->hi == attrs->hi) || rmpsim__raw_is_zero(e);
}

/* Whether every entry of a run from first (stepping or not) fits attrs. */
static bool packed_fits_run(const struct rmpsim_raw_entry *attrs, const struct rmpsim_raw_entry *first,
			    bool step)
{
	if (!step && rmpsim__raw_is_zero(first))
		return true;
	/* The entries differ from first only in the GPA field: all fit or none does (a zero one fits). */
	return (first->lo & ~PACKED_OWN) == attrs->lo && first->hi == attrs->hi;
}

static struct rmpsim_raw_entry packed_attrs(const struct rmpsim_raw_entry *e)
{
	return (struct rmpsim_raw_entry){ e->lo & ~PACKED_OWN, e->hi };
}

/* Entry i of a dense or packed chunk. */
static struct rmpsim_raw_entry wide_get(const struct chunk_hdr *c, unsigned i)
{
	if (c->kind == CHUNK_DENSE)
		return ((const struct dense_chunk *)(const void *)c)->e[i];
	const struct packed_chunk *pc = (const struct packed_chunk *)(const void *)c;
	if (!((pc->present[i / 64] >> (i % 64)) & 1u))
		return (struct rmpsim_raw_entry){ 0, 0 };
	uint64_t v = packed_own(pc, i);
	uint64_t lo = pc->attrs.lo | ((v & RMPSIM__GPA_FIELD_MAX) << RMPSIM__LO_GPA_SHIFT) |
		      ((v >> 39) << 62); /* RMPSIM__LO_VALIDATED */
	return (struct rmpsim_raw_entry){ lo, pc->attrs.hi };
}

/* Set entry i of a dense or packed chunk (a packed one: e fits its attrs). */
static void wide_put(struct chunk_hdr *c, unsigned i, const struct rmpsim_raw_entry *e)
{
	if (c->kind == CHUNK_DENSE) {
		((struct dense_chunk *)(void *)c)->e[i] = *e;
		return;
	}
	struct packed_chunk *pc = (struct packed_chunk *)(void *)c;
	uint64_t bit = 1ull << (i % 64);
	if (rmpsim__raw_is_zero(e)) {
		pc->present[i / 64] &= ~bit;
		return;
	}
	assert(packed_fits(&pc->attrs, e));
	pc->present[i / 64] |= bit;
	uint64_t v = rmpsim__raw_gpa_field(e) | ((e->lo & RMPSIM__LO_VALIDATED) ? 1ull << 39 : 0);
	uint32_t low = (uint32_t)v;
	memcpy(pc->own[i], &low, 4);
	pc->own[i][4] = (uint8_t)(v >> 32);
}

/*
 * A region's template (issue 14: guest launch without an allocation per 2 MB):
 * slot i holds the runs of `runs`, each one's first entry advanced by i x 512
 * pages when adv (a guest's 4K pages or 2 MB pages with consecutive GPAs)
 * and kept as is otherwise (the sub-entries of 2 MB pages). Entries are never
 * zero (some non-GPA bit is set) and a stepping run never wraps its GPA field
 * inside a slot, so a template slot reads exactly as the run chunk it
 * replaces.
 */
#define TMPL_RUNS 2u
/*
 * Two per region (issue 14 point 5): a guest's 2 MB pages (head and
 * sub-entries) and the same pages after PSMASH (512 stepping 4K entries) are
 * both template slots, so neither an RMPUPDATE nor a PSMASH allocates.
 */
#define NTMPL 2u
struct tmpl {
	unsigned n;
	struct run runs[TMPL_RUNS];
	bool adv[TMPL_RUNS];
	/* Every template slot's summaries (summarise_runs of its runs, the same at
	 * any slot: assigned bits and starts), kept so that a slot joins in O(1). */
	bool head;
	uint16_t count;
};

struct rmpsim__sgb {
	uint64_t busy[BITMAP_WORDS]; /* slot holds an assigned entry */
	uint64_t head[BITMAP_WORDS]; /* slot's 2 MB-aligned entry is assigned */
	uint16_t count[RMPSIM_SLOTS_PER_1G];
	struct chunk_hdr *chunk[RMPSIM_SLOTS_PER_1G];
	uint32_t nchunks;
	/* Edits done in place on a run chunk or an empty slot (edit_unpacked; tests read it).
	 * It fills the padding before spare: the region's bytes do not change. */
	uint32_t run_edits;
	struct run_chunk *spare; /* a free run chunk kept for the next one needed (see the top) */
	/* Slot follows template k (its chunk pointer is NULL); a slot is in at most one mask. */
	uint64_t tmask[NTMPL][BITMAP_WORDS];
	uint32_t ntmpl[NTMPL]; /* slots set in tmask[k] */
	struct tmpl tmpl[NTMPL];
};

/* ---- planning a chunk write ---- */

enum plan_kind { PLAN_ZERO, PLAN_RUNS, PLAN_DENSE, PLAN_PACKED };

struct plan {
	enum plan_kind kind;
	struct rmpsim_raw_entry attrs; /* PLAN_PACKED */
	unsigned nruns;
	struct run runs[RUN_CAP + 4]; /* room for a split and two pieces before the cap check */
};

static struct rmpsim_raw_entry run_entry(const struct run *r, unsigned idx)
{
	return r->step ? rmpsim__raw_advance(r->first, idx - r->start) : r->first;
}

static bool flat_ok(const struct run *r)
{
	return !r->step || r->len == 1;
}

static bool step_ok(const struct run *r)
{
	return r->step || r->len == 1;
}

/* Append r to the list, merging with the last run when their entries continue. */
static void push_run(struct plan *p, struct run r)
{
	if (p->nruns) {
		struct run *a = &p->runs[p->nruns - 1];
		if (a->start + a->len == r.start) {
			struct rmpsim_raw_entry next = rmpsim__raw_advance(a->first, a->len);
			if (step_ok(a) && step_ok(&r) && rmpsim__raw_equal(&next, &r.first)) {
				a->len = (uint16_t)(a->len + r.len);
				a->step = 1;
				return;
			}
			if (flat_ok(a) && flat_ok(&r) && rmpsim__raw_equal(&a->first, &r.first)) {
				a->len = (uint16_t)(a->len + r.len);
				a->step = 0;
				return;
			}
		}
	}
	assert(p->nruns < RUN_CAP + 4);
	p->runs[p->nruns++] = r;
}

/*
 * Push the written run [s, e) as pieces holding no zero entry. A stepped GPA
 * field wraps at most once in 512 entries (A3); only the entry where it is 0
 * can be all zero, and then it is the first of its piece.
 */
static void push_written(struct plan *p, unsigned s, unsigned e, const struct rmpsim_raw_entry *first,
			 bool step)
{
	if (!step) {
		if (!rmpsim__raw_is_zero(first))
			push_run(p, (struct run){ *first, (uint16_t)s, (uint16_t)(e - s), 0 });
		return;
	}
	uint64_t to_wrap = (RMPSIM__GPA_FIELD_MAX + 1) - rmpsim__raw_gpa_field(first);
	unsigned cut = to_wrap < e - s ? s + (unsigned)to_wrap : e;
	unsigned starts[2] = { s, cut }, ends[2] = { cut, e };
	for (unsigned k = 0; k < 2; k++) {
		unsigned a = starts[k], b = ends[k];
		struct rmpsim_raw_entry f = rmpsim__raw_advance(*first, a - s);
		if (a < b && rmpsim__raw_is_zero(&f)) {
			a++;
			f = rmpsim__raw_advance(f, 1);
		}
		if (a < b)
			push_run(p, (struct run){ f, (uint16_t)a, (uint16_t)(b - a), (uint8_t)(b - a > 1) });
	}
}

/* Push the part of old run r before s. */
static void push_left(struct plan *p, const struct run *r, unsigned s)
{
	if (r->start < s) {
		struct run l = *r;
		unsigned re = r->start + r->len;
		l.len = (uint16_t)((re < s ? re : s) - r->start);
		push_run(p, l);
	}
}

/* Push the part of old run r from e on. */
static void push_right(struct plan *p, const struct run *r, unsigned e)
{
	unsigned re = r->start + r->len;

	if (re > e) {
		unsigned a = r->start > e ? r->start : e;
		push_run(p, (struct run){ run_entry(r, a), (uint16_t)a, (uint16_t)(re - a), r->step });
	}
}

/* Whether the runs of a plan (no zero entry in any) share packed attrs: *attrs. */
static bool runs_pack(const struct plan *p, struct rmpsim_raw_entry *attrs)
{
	*attrs = packed_attrs(&p->runs[0].first);
	for (unsigned k = 0; k < p->nruns; k++)
		if (!packed_fits_run(attrs, &p->runs[k].first, p->runs[k].step))
			return false;
	return true;
}

/*
 * The new content of a chunk after writing [s, e). A wide chunk stays wide
 * unless fully overwritten: a packed one turns dense when the write does not
 * fit its attrs. Runs past RUN_CAP go packed when they share attrs, else dense.
 */
static void plan_chunk(const struct chunk_hdr *c, unsigned s, unsigned e,
		       const struct rmpsim_raw_entry *first, bool step, struct plan *p)
{
	p->nruns = 0;
	if (c && c->kind != CHUNK_RUNS && !(s == 0 && e == NPG)) {
		p->kind = PLAN_DENSE;
		if (c->kind == CHUNK_PACKED) {
			p->attrs = ((const struct packed_chunk *)(const void *)c)->attrs;
			if (packed_fits_run(&p->attrs, first, step))
				p->kind = PLAN_PACKED;
		}
		return;
	}
	const struct run_chunk *rc =
		c && c->kind == CHUNK_RUNS ? (const struct run_chunk *)(const void *)c : NULL;
	unsigned n = rc ? rc->h.nruns : 0;
	/* Old runs are sorted and disjoint: their left parts, the write, their right parts. */
	for (unsigned i = 0; i < n && rc->runs[i].start < s; i++)
		push_left(p, &rc->runs[i], s);
	push_written(p, s, e, first, step);
	for (unsigned i = 0; i < n; i++)
		push_right(p, &rc->runs[i], e);
	p->kind = p->nruns == 0 ? PLAN_ZERO : p->nruns <= RUN_CAP ? PLAN_RUNS : PLAN_DENSE;
	if (p->kind == PLAN_DENSE && runs_pack(p, &p->attrs))
		p->kind = PLAN_PACKED;
}

/* The chunk kind a wide plan makes, and the pool class of its block. */
static unsigned plan_chunk_kind(const struct plan *p)
{
	return p->kind == PLAN_PACKED ? CHUNK_PACKED : CHUNK_DENSE;
}

/* ---- block pool (phase 1 -> phase 2) ---- */

/* By size class: region, then the chunk kinds (class = CHUNK_*). */
#define NCLASS 4u
struct pool {
	void *head[NCLASS];
};

static const size_t class_size[NCLASS] = { sizeof(struct rmpsim__sgb), sizeof(struct run_chunk),
					   sizeof(struct dense_chunk), sizeof(struct packed_chunk) };

static void pool_put(struct pool *pl, unsigned cls, void *b)
{
	memcpy(b, &pl->head[cls], sizeof(void *));
	pl->head[cls] = b;
}

static int pool_add(struct rmpsim_rmp *rmp, struct pool *pl, unsigned cls)
{
	void *b = rmpsim__rmp_alloc(rmp, class_size[cls], false);

	if (!b)
		return -ENOMEM;
	pool_put(pl, cls, b);
	return 0;
}

static void *pool_take(struct pool *pl, unsigned cls)
{
	void *b = pl->head[cls];

	if (RMPSIM_NEVER(!b))
		abort();
	memcpy(&pl->head[cls], b, sizeof(void *));
	return b;
}

static void pool_drain(struct rmpsim_rmp *rmp, struct pool *pl)
{
	for (unsigned cls = 0; cls < NCLASS; cls++)
		while (pl->head[cls])
			rmpsim__rmp_free(rmp, pool_take(pl, cls), class_size[cls]);
}

static bool pool_empty(const struct pool *pl)
{
	for (unsigned cls = 0; cls < NCLASS; cls++)
		if (pl->head[cls])
			return false;
	return true;
}

/* Phase 1: the block a plan for a slot whose own chunk is c will take in phase 2 (none if c is reused). */
static int plan_alloc(struct rmpsim_rmp *rmp, struct pool *pl, const struct plan *p,
		      const struct chunk_hdr *c)
{
	unsigned kind = p->kind == PLAN_ZERO ? 0 : p->kind == PLAN_RUNS ? CHUNK_RUNS : plan_chunk_kind(p);

	if (!kind || (c && c->kind == kind))
		return 0;
	return pool_add(rmp, pl, kind);
}

/* ---- init / fini / reads ---- */

int rmpsim__sparse_init(struct rmpsim_rmp *rmp)
{
	struct rmpsim__sparse *s = &rmp->u.sparse;

	s->n_gb = (rmp->layout->coverage_end + RMPSIM_SZ_1G - 1) >> 30;
	s->gb = NULL;
	if (!s->n_gb)
		return 0;
	/* Preallocated so that writers of different regions never race on it. */
	s->gb = rmpsim__rmp_alloc(rmp, s->n_gb * sizeof(*s->gb), true);
	return s->gb ? 0 : -ENOMEM;
}

static void chunk_free(struct rmpsim_rmp *rmp, struct chunk_hdr *c)
{
	if (c)
		rmpsim__rmp_free(rmp, c, class_size[c->kind]);
}

/* A chunk the region no longer uses: a run chunk becomes the spare if there is none. */
static void chunk_release(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb, struct chunk_hdr *c)
{
	if (c && c->kind == CHUNK_RUNS && !gb->spare) {
		gb->spare = (struct run_chunk *)(void *)c;
		return;
	}
	chunk_free(rmp, c);
}

static void gb_free(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb)
{
	rmpsim__rmp_free(rmp, gb->spare, sizeof(*gb->spare));
	rmpsim__rmp_free(rmp, gb, sizeof(*gb));
}

void rmpsim__sparse_fini(struct rmpsim_rmp *rmp)
{
	struct rmpsim__sparse *s = &rmp->u.sparse;

	for (uint64_t g = 0; g < s->n_gb; g++) {
		struct rmpsim__sgb *gb = s->gb[g];
		if (!gb)
			continue;
		for (unsigned i = 0; i < RMPSIM_SLOTS_PER_1G; i++)
			chunk_free(rmp, gb->chunk[i]);
		gb_free(rmp, gb);
	}
	rmpsim__rmp_free(rmp, s->gb, s->n_gb * sizeof(*s->gb));
}

static const struct rmpsim__sgb *gb_of(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	return rmp->u.sparse.gb[spa >> 30];
}

static unsigned slot_of(uint64_t spa)
{
	return (unsigned)((spa >> 21) & (RMPSIM_SLOTS_PER_1G - 1));
}

static void chunk_get(const struct chunk_hdr *c, unsigned idx, struct rmpsim_raw_entry *ret)
{
	static const struct rmpsim_raw_entry zero = { 0, 0 };

	*ret = zero;
	if (!c)
		return;
	if (c->kind != CHUNK_RUNS) {
		*ret = wide_get(c, idx);
		return;
	}
	const struct run_chunk *rc = (const struct run_chunk *)(const void *)c;
	for (unsigned i = 0; i < rc->h.nruns; i++) {
		const struct run *r = &rc->runs[i];
		if (idx < r->start)
			return;
		if (idx < r->start + r->len) {
			*ret = run_entry(r, idx);
			return;
		}
	}
}

static const struct chunk_hdr *slot_view(const struct rmpsim__sgb *gb, unsigned slot, struct run_chunk *tmp);

void rmpsim__sparse_get(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry *ret)
{
	const struct rmpsim__sgb *gb = gb_of(rmp, spa);
	struct run_chunk tmp;

	chunk_get(slot_view(gb, slot_of(spa), &tmp), (unsigned)((spa >> 12) & (NPG - 1)), ret);
}

unsigned rmpsim__sparse_2m_count(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	const struct rmpsim__sgb *gb = gb_of(rmp, spa);

	return gb ? gb->count[slot_of(spa)] : 0;
}

static bool bit_get(const uint64_t *bm, unsigned i)
{
	return (bm[i / 64] >> (i % 64)) & 1u;
}

static void bit_put(uint64_t *bm, unsigned i, bool v)
{
	if (v)
		bm[i / 64] |= 1ull << (i % 64);
	else
		bm[i / 64] &= ~(1ull << (i % 64));
}

/* ---- templates (see struct tmpl) ---- */

/* The template slot `slot` follows, or -1. */
static int tmpl_which(const struct rmpsim__sgb *gb, unsigned slot)
{
	return bit_get(gb->tmask[0], slot) ? 0 : bit_get(gb->tmask[1], slot) ? 1 : -1;
}

static bool tmpl_has(const struct rmpsim__sgb *gb, unsigned slot)
{
	return ((gb->tmask[0][slot / 64] | gb->tmask[1][slot / 64]) >> (slot % 64)) & 1u;
}

/* A run's first entry at slot `slot` from its slot-0 form (back: the other way). */
static struct rmpsim_raw_entry slot_advance(struct rmpsim_raw_entry e, unsigned slot, bool back)
{
	uint64_t d = (uint64_t)slot * NPG;

	return rmpsim__raw_advance(e, back ? RMPSIM__GPA_FIELD_MAX + 1 - d : d);
}

/* Slot `slot` of a template as a run chunk in *rc (the caller's). */
static const struct chunk_hdr *tmpl_chunk(const struct tmpl *t, unsigned slot, struct run_chunk *rc)
{
	rc->h = (struct chunk_hdr){ CHUNK_RUNS, (uint8_t)t->n, 0, 0 };
	for (unsigned k = 0; k < t->n; k++) {
		rc->runs[k] = t->runs[k];
		if (t->adv[k])
			rc->runs[k].first = slot_advance(t->runs[k].first, slot, false);
	}
	return &rc->h;
}

/* What a slot holds: its chunk, its template runs (built in *tmp), or NULL (all zero). */
static const struct chunk_hdr *slot_view(const struct rmpsim__sgb *gb, unsigned slot, struct run_chunk *tmp)
{
	if (!gb)
		return NULL;
	int k = tmpl_which(gb, slot);
	if (k >= 0)
		return tmpl_chunk(&gb->tmpl[k], slot, tmp);
	return gb->chunk[slot];
}

/*
 * Whether runs (a whole slot's new content, adv[k] for each) can be template
 * slot `slot`: no entry zero, no stepping run wrapping its GPA field; *ret =
 * their slot-0 form.
 */
static bool tmpl_form(const struct run *runs, unsigned n, const bool *adv, unsigned slot, struct tmpl *ret)
{
	if (n == 0 || n > TMPL_RUNS)
		return false;
	memset(ret, 0, sizeof(*ret));
	ret->n = n;
	for (unsigned k = 0; k < n; k++) {
		const struct run *r = &runs[k];
		if (!(r->first.lo & ~RMPSIM__LO_GPA_MASK) && !r->first.hi)
			return false; /* some entry of the run could be all zero */
		if (r->step && rmpsim__raw_gpa_field(&r->first) + r->len - 1 > RMPSIM__GPA_FIELD_MAX)
			return false;
		ret->runs[k] = (struct run){ r->first, r->start, r->len, r->step };
		ret->adv[k] = adv[k];
		if (adv[k])
			ret->runs[k].first = slot_advance(r->first, slot, true);
		if (rmpsim__raw_assigned(&r->first)) { /* summarise_runs' rule */
			ret->count = (uint16_t)(ret->count + r->len);
			ret->head |= r->start == 0;
		}
	}
	return true;
}

static bool tmpl_equal(const struct tmpl *a, const struct tmpl *b)
{
	if (a->n != b->n)
		return false;
	for (unsigned k = 0; k < a->n; k++) {
		const struct run *x = &a->runs[k], *y = &b->runs[k];
		if (!rmpsim__raw_equal(&x->first, &y->first) || x->start != y->start || x->len != y->len ||
		    x->step != y->step || a->adv[k] != b->adv[k])
			return false;
	}
	return true;
}

/*
 * The template rule of one write in one region, the same in both phases of
 * the write: the region's template if some slot follows it when the write
 * starts, else the first whole-slot content the write makes there. A whole
 * slot whose content matches it becomes a template slot; any other content
 * gets a chunk.
 */
struct wtmpl {
	bool have[NTMPL];
	struct tmpl t[NTMPL];
	unsigned last; /* the template the last wtmpl_take() that returned true chose */
};

static void wtmpl_init(struct wtmpl *w, const struct rmpsim__sgb *gb)
{
	for (unsigned k = 0; k < NTMPL; k++) {
		w->have[k] = gb && gb->ntmpl[k];
		if (w->have[k])
			w->t[k] = gb->tmpl[k];
	}
	w->last = 0;
}

/* Whether content runs can be a template slot: one of the write's templates, or a free one it takes. */
static bool wtmpl_take(struct wtmpl *w, const struct run *runs, unsigned n, const bool *adv, unsigned slot)
{
	struct tmpl t;

	if (!tmpl_form(runs, n, adv, slot, &t))
		return false;
	for (unsigned k = 0; k < NTMPL; k++)
		if (w->have[k] && tmpl_equal(&w->t[k], &t)) {
			w->last = k;
			return true;
		}
	for (unsigned k = 0; k < NTMPL; k++)
		if (!w->have[k]) {
			w->t[k] = t;
			w->have[k] = true;
			w->last = k;
			return true;
		}
	return false;
}

static void tmpl_drop(struct rmpsim__sgb *gb, unsigned slot)
{
	int k = tmpl_which(gb, slot);

	if (k >= 0) {
		bit_put(gb->tmask[k], slot, false);
		gb->ntmpl[k]--;
	}
}

/* Entry idx of template slot `slot`, read from the template's runs (no run chunk built). */
static struct rmpsim_raw_entry tmpl_entry(const struct tmpl *t, unsigned slot, unsigned idx)
{
	for (unsigned k = 0; k < t->n; k++) {
		const struct run *r = &t->runs[k];
		if (idx - r->start < r->len) {
			uint64_t d = (t->adv[k] ? (uint64_t)slot * NPG : 0) + (r->step ? idx - r->start : 0);
			return d ? rmpsim__raw_advance(r->first, d) : r->first;
		}
	}
	return (struct rmpsim_raw_entry){ 0, 0 };
}

/* Entry idx of a run chunk. */
static struct rmpsim_raw_entry runs_entry(const struct run_chunk *rc, unsigned idx)
{
	for (unsigned i = 0; i < rc->h.nruns; i++) {
		const struct run *r = &rc->runs[i];
		if (idx - r->start < r->len)
			return run_entry(r, idx);
	}
	return (struct rmpsim_raw_entry){ 0, 0 };
}

/* Entry idx of slot `slot` of an allocated region: chunk_get(slot_view()) without the copy. */
static struct rmpsim_raw_entry slot_entry(const struct rmpsim__sgb *gb, unsigned slot, unsigned idx)
{
	int k = tmpl_which(gb, slot);
	if (k >= 0)
		return tmpl_entry(&gb->tmpl[k], slot, idx);
	const struct chunk_hdr *c = gb->chunk[slot];
	if (!c)
		return (struct rmpsim_raw_entry){ 0, 0 };
	if (c->kind != CHUNK_RUNS)
		return wide_get(c, idx);
	return runs_entry((const struct run_chunk *)(const void *)c, idx);
}

/* Whether an entry is an assigned 2 MB entry (A24's question about a region's entry 0). */
static bool raw_is_2m_page(const struct rmpsim_raw_entry *e)
{
	return (e->lo & (RMPSIM__LO_ASSIGNED | RMPSIM__LO_PAGESIZE)) ==
	       (RMPSIM__LO_ASSIGNED | RMPSIM__LO_PAGESIZE);
}

/* The view of a slot without a wide chunk: absent region, template, run chunk or nothing. */
__attribute__((noinline)) static void view_general(const struct rmpsim__sgb *gb, unsigned slot, unsigned idx,
						   struct rmpsim__rmp_view *ret)
{
	if (!gb || (!gb->chunk[slot] && !tmpl_has(gb, slot))) {
		/* All zero (the summaries are exact: no assigned entry, no head). */
		*ret = (struct rmpsim__rmp_view){ { 0, 0 }, 0, false, true };
		return;
	}
	ret->e = slot_entry(gb, slot, idx);
	ret->count_2m = gb->count[slot];
	ret->zero_2m = false;
	/* A24's question, answered here where the slot is at hand. */
	bool head = bit_get(gb->head, slot);
	if (head) {
		struct rmpsim_raw_entry h = idx ? slot_entry(gb, slot, 0) : ret->e;
		head = raw_is_2m_page(&h);
	}
	ret->head_2m_page = head;
}

void rmpsim__sparse_get_view(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim__rmp_view *ret)
{
	const struct rmpsim__sgb *gb = gb_of(rmp, spa);
	unsigned slot = slot_of(spa), idx = (unsigned)((spa >> 12) & (NPG - 1));
	const struct chunk_hdr *c = gb ? gb->chunk[slot] : NULL;

	if (!c || c->kind == CHUNK_RUNS) {
		view_general(gb, slot, idx, ret);
		return;
	}
	/* A wide chunk (never a template slot): the hot path of scattered 4K pages, no call. */
	ret->e = wide_get(c, idx);
	ret->count_2m = gb->count[slot];
	ret->zero_2m = false;
	bool head = bit_get(gb->head, slot);
	if (head) {
		struct rmpsim_raw_entry h = idx ? wide_get(c, 0) : ret->e;
		head = raw_is_2m_page(&h);
	}
	ret->head_2m_page = head;
}

bool rmpsim__sparse_2m_head(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	const struct rmpsim__sgb *gb = gb_of(rmp, spa);

	return gb && bit_get(gb->head, slot_of(spa));
}

int rmpsim__sparse_1g_first_busy(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	const struct rmpsim__sgb *gb = gb_of(rmp, spa);

	if (!gb)
		return -1;
	/* The first busy slot by counting trailing zeros: never walks entries. */
	for (unsigned w = 0; w < BITMAP_WORDS; w++)
		if (gb->busy[w])
			return (int)(w * 64 + (unsigned)__builtin_ctzll(gb->busy[w]));
	return -1;
}

int rmpsim__sparse_2m_for_each(const struct rmpsim_rmp *rmp, uint64_t spa,
			       int (*fn)(void *ctx, uint64_t spa, const struct rmpsim_raw_entry *e),
			       void *ctx)
{
	const struct rmpsim__sgb *gb = gb_of(rmp, spa);
	struct run_chunk tmp;
	const struct chunk_hdr *c = slot_view(gb, slot_of(spa), &tmp);

	if (!c)
		return 0;
	/* Entry 0 is visited by the caller (with its derived subpage_count). */
	if (c->kind != CHUNK_RUNS) {
		for (unsigned i = 1; i < NPG; i++) {
			struct rmpsim_raw_entry e = wide_get(c, i);
			if (rmpsim__raw_is_zero(&e))
				continue;
			int r = fn(ctx, spa + i * RMPSIM_SZ_4K, &e);
			if (r)
				return r;
		}
		return 0;
	}
	const struct run_chunk *rc = (const struct run_chunk *)(const void *)c;
	for (unsigned k = 0; k < rc->h.nruns; k++) {
		const struct run *run = &rc->runs[k];
		for (unsigned i = run->start ? run->start : 1u; i < run->start + run->len; i++) {
			struct rmpsim_raw_entry e = run_entry(run, i);
			int r = fn(ctx, spa + i * RMPSIM_SZ_4K, &e);
			if (r)
				return r;
		}
	}
	return 0;
}

int rmpsim__sparse_2m_runs(const struct rmpsim_rmp *rmp, uint64_t spa,
			   int (*fn)(void *ctx, const struct rmpsim__rmp_run *r), void *ctx)
{
	const struct rmpsim__sgb *gb = gb_of(rmp, spa);
	struct run_chunk tmp;
	const struct chunk_hdr *c = slot_view(gb, slot_of(spa), &tmp);

	if (!c)
		return 0;
	if (c->kind == CHUNK_DENSE)
		return rmpsim__array_2m_runs(((const struct dense_chunk *)(const void *)c)->e, fn, ctx);
	if (c->kind == CHUNK_PACKED) {
		struct rmpsim_raw_entry e[NPG];
		for (unsigned i = 0; i < NPG; i++)
			e[i] = wide_get(c, i);
		return rmpsim__array_2m_runs(e, fn, ctx);
	}
	/* A run chunk's runs are sorted, disjoint and hold no zero entry (see the top): pass them on. */
	const struct run_chunk *rc = (const struct run_chunk *)(const void *)c;
	for (unsigned k = 0; k < rc->h.nruns; k++) {
		const struct run *run = &rc->runs[k];
		struct rmpsim__rmp_run r = { run->first, run->start, run->len, run->step && run->len > 1 };
		int ret = fn(ctx, &r);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- writes ---- */

/* Recompute a slot's summaries from a run list: O(runs). */
static void summarise_runs(struct rmpsim__sgb *gb, unsigned slot, const struct run *runs, unsigned n)
{
	unsigned count = 0;
	bool head = false;

	for (unsigned i = 0; i < n; i++) {
		if (!rmpsim__raw_assigned(&runs[i].first))
			continue;
		count += runs[i].len;
		head |= runs[i].start == 0;
	}
	gb->count[slot] = (uint16_t)count;
	uint64_t bit = 1ull << (slot % 64);
	gb->head[slot / 64] = (gb->head[slot / 64] & ~bit) | (head ? bit : 0);
	gb->busy[slot / 64] = (gb->busy[slot / 64] & ~bit) | (count ? bit : 0);
}

/* A template slot's summaries: its template's, kept in it (no pass over the runs). */
static void summarise_tmpl(struct rmpsim__sgb *gb, unsigned slot, const struct tmpl *t)
{
	uint64_t bit = 1ull << (slot % 64);

	gb->count[slot] = t->count;
	gb->head[slot / 64] = (gb->head[slot / 64] & ~bit) | (t->head ? bit : 0);
	gb->busy[slot / 64] = (gb->busy[slot / 64] & ~bit) | (t->count ? bit : 0);
}

static void set_chunk(struct rmpsim__sgb *gb, unsigned slot, struct chunk_hdr *c)
{
	gb->nchunks = gb->nchunks - (gb->chunk[slot] != NULL) + (c != NULL);
	gb->chunk[slot] = c;
}

/*
 * A fresh wide chunk of `kind` (packed: attrs) holding what view holds (runs,
 * a wide chunk or nothing). A packed chunk's own bytes are read only where
 * its present bit is set, so only its header and bitmap are cleared; from a
 * run view the counts come from the runs (no pass over the 512 entries).
 */
static void wide_fill(struct chunk_hdr *w, unsigned kind, const struct rmpsim_raw_entry *attrs,
		      const struct chunk_hdr *view, struct rmpsim__sgb *gb, unsigned slot)
{
	if (kind == CHUNK_PACKED) {
		struct packed_chunk *pc = (struct packed_chunk *)(void *)w;
		memset(pc, 0, offsetof(struct packed_chunk, own));
		pc->attrs = *attrs;
	} else {
		memset(w, 0, class_size[kind]);
	}
	w->kind = (uint8_t)kind;
	unsigned nz = 0, count = 0;
	if (view && view->kind == CHUNK_RUNS) {
		const struct run_chunk *rc = (const struct run_chunk *)(const void *)view;
		for (unsigned k = 0; k < rc->h.nruns; k++) {
			const struct run *r = &rc->runs[k];
			for (unsigned i = r->start; i < r->start + r->len; i++) {
				struct rmpsim_raw_entry e = run_entry(r, i);
				wide_put(w, i, &e);
			}
			nz += r->len; /* runs hold no zero entry */
			count += rmpsim__raw_assigned(&r->first) ? r->len : 0;
		}
	} else if (view) {
		for (unsigned i = 0; i < NPG; i++) {
			struct rmpsim_raw_entry e = wide_get(view, i);
			wide_put(w, i, &e);
			nz += !rmpsim__raw_is_zero(&e);
			count += rmpsim__raw_assigned(&e);
		}
	}
	w->nonzero = (uint16_t)nz;
	gb->count[slot] = (uint16_t)count;
}

/* The index of the first non-zero entry of wide chunk w at or after i, or NPG (a packed one: by its bitmap). */
static unsigned wide_next(const struct chunk_hdr *w, unsigned i)
{
	if (w->kind == CHUNK_PACKED) {
		const uint64_t *present = ((const struct packed_chunk *)(const void *)w)->present;
		for (unsigned wd = i / 64; wd < NPG / 64; wd++) {
			uint64_t bits = present[wd] & (wd == i / 64 ? ~0ull << (i % 64) : ~0ull);
			if (bits)
				return wd * 64 + (unsigned)__builtin_ctzll(bits);
		}
		return NPG;
	}
	for (; i < NPG; i++) {
		struct rmpsim_raw_entry e = wide_get(w, i);
		if (!rmpsim__raw_is_zero(&e))
			return i;
	}
	return NPG;
}

/* The runs of a wide chunk, stopping past max; *attrs_ok: its entries share packed attrs (*attrs). */
static unsigned wide_runs(const struct chunk_hdr *w, struct plan *p, unsigned max, bool *attrs_ok,
			  struct rmpsim_raw_entry *attrs)
{
	bool have = false;

	p->nruns = 0;
	*attrs_ok = true;
	for (unsigned i = wide_next(w, 0); i < NPG; i = wide_next(w, i + 1)) {
		struct rmpsim_raw_entry e = wide_get(w, i);
		if (!have) {
			*attrs = packed_attrs(&e);
			have = true;
		}
		*attrs_ok = *attrs_ok && packed_fits(attrs, &e);
		if (p->nruns <= max)
			push_run(p, (struct run){ e, (uint16_t)i, 1, 0 });
		else if (w->kind == CHUNK_PACKED || !*attrs_ok)
			break; /* too many runs, and nothing else to learn (a packed chunk's entries fit) */
	}
	return p->nruns;
}

/*
 * Every so often a wide chunk that has become regular again goes back to
 * runs, and a dense one whose entries share packed attrs gets packed.
 * Optional: if the allocation fails, it stays as it is (same content).
 */
static void compress_now(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb, unsigned slot)
{
	struct chunk_hdr *w = gb->chunk[slot];
	struct rmpsim_raw_entry attrs;
	struct plan p;
	bool packs;

	w->age = 0;
	if (wide_runs(w, &p, COMPRESS_MAX, &packs, &attrs) > COMPRESS_MAX) {
		if (w->kind != CHUNK_DENSE || !packs)
			return;
		struct chunk_hdr *pc = rmpsim__rmp_alloc(rmp, sizeof(struct packed_chunk), false);
		if (!pc)
			return;
		wide_fill(pc, CHUNK_PACKED, &attrs, w, gb, slot); /* same entries: same count */
		set_chunk(gb, slot, pc);
		chunk_free(rmp, w);
		return;
	}
	struct run_chunk *rc = rmpsim__rmp_alloc(rmp, sizeof(*rc), true);
	if (!rc)
		return;
	rc->h.kind = CHUNK_RUNS;
	rc->h.nruns = (uint8_t)p.nruns;
	memcpy(rc->runs, p.runs, p.nruns * sizeof(p.runs[0]));
	set_chunk(gb, slot, &rc->h);
	chunk_free(rmp, w);
}

/* The compress try when the chunk's age says so (the test inline: one-entry writes pay only it). */
static inline void maybe_compress(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb, unsigned slot)
{
	if (gb->chunk[slot]->age >= COMPRESS_AGE)
		compress_now(rmp, gb, slot);
}

/* Entries [s, e) of wide chunk w of slot (first on, stepping or not), with the summaries. */
static void wide_write(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb, unsigned slot, struct chunk_hdr *w,
		       unsigned s, unsigned e, const struct rmpsim_raw_entry *first, bool step)
{
	int count = gb->count[slot], nz = w->nonzero;

	for (unsigned i = s; i < e; i++) {
		struct rmpsim_raw_entry n = step ? rmpsim__raw_advance(*first, i - s) : *first;
		struct rmpsim_raw_entry o = wide_get(w, i);
		count += (int)rmpsim__raw_assigned(&n) - (int)rmpsim__raw_assigned(&o);
		nz += (int)!rmpsim__raw_is_zero(&n) - (int)!rmpsim__raw_is_zero(&o);
		wide_put(w, i, &n);
	}
	w->nonzero = (uint16_t)nz;
	w->age += e - s;
	gb->count[slot] = (uint16_t)count;
	struct rmpsim_raw_entry e0 = wide_get(w, 0);
	bit_put(gb->head, slot, rmpsim__raw_assigned(&e0));
	bit_put(gb->busy, slot, count != 0);
	if (!nz) {
		set_chunk(gb, slot, NULL);
		chunk_free(rmp, w);
		return;
	}
	maybe_compress(rmp, gb, slot);
}

/* Phase 2 for one chunk: apply the plan; cannot fail. */
static void apply_chunk(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb, unsigned slot, unsigned s, unsigned e,
			const struct rmpsim_raw_entry *first, bool step, const struct plan *p,
			struct pool *pl, const struct chunk_hdr *view)
{
	struct chunk_hdr *old = gb->chunk[slot];

	tmpl_drop(gb, slot); /* the slot gets a chunk of its own, or none (view: what it held) */

	if (p->kind == PLAN_ZERO) {
		set_chunk(gb, slot, NULL);
		chunk_release(rmp, gb, old);
		summarise_runs(gb, slot, NULL, 0);
		return;
	}
	if (p->kind == PLAN_RUNS) {
		struct run_chunk *rc =
			old && old->kind == CHUNK_RUNS ? (struct run_chunk *)(void *)old : NULL;
		if (!rc) {
			rc = pool_take(pl, 1);
			memset(&rc->h, 0, sizeof(rc->h)); /* runs past nruns are never read */
			rc->h.kind = CHUNK_RUNS;
			set_chunk(gb, slot, &rc->h);
			chunk_release(rmp, gb, old);
		}
		rc->h.nruns = (uint8_t)p->nruns;
		memcpy(rc->runs, p->runs, p->nruns * sizeof(p->runs[0]));
		summarise_runs(gb, slot, rc->runs, rc->h.nruns);
		return;
	}
	unsigned kind = plan_chunk_kind(p);
	struct chunk_hdr *w;
	if (old && old->kind == kind) {
		w = old;
	} else {
		w = pool_take(pl, kind);
		wide_fill(w, kind, &p->attrs, view, gb, slot);
		set_chunk(gb, slot, w);
		chunk_release(rmp, gb, old);
	}
	wide_write(rmp, gb, slot, w, s, e, first, step);
}

/* Visit the chunks of [spa, spa + npages x 4K): chunk-local [s, e) and the entry at s. */
struct walk {
	uint64_t spa, end;
	const struct rmpsim_raw_entry *first;
	bool step;
};

static void walk_piece(const struct walk *w, uint64_t at, unsigned *s, unsigned *e,
		       struct rmpsim_raw_entry *f)
{
	uint64_t chunk_end = (at | (RMPSIM_SZ_2M - 1)) + 1;
	uint64_t stop = w->end < chunk_end ? w->end : chunk_end;

	*s = (unsigned)((at >> 12) & (NPG - 1));
	*e = *s + (unsigned)((stop - at) >> 12);
	*f = w->step ? rmpsim__raw_advance(*w->first, (at - w->spa) >> 12) : *w->first;
}

/* A whole slot written with one run (a set_range piece): its content, if it can be a template slot. */
static bool whole_slot_tmpl(struct wtmpl *wt, unsigned slot, const struct rmpsim_raw_entry *f, bool step,
			    struct plan *p)
{
	const bool adv[TMPL_RUNS] = { step, step };

	plan_chunk(NULL, 0, NPG, f, step, p);
	return p->kind == PLAN_RUNS && wtmpl_take(wt, p->runs, p->nruns, adv, slot);
}

/* Phase 2 for a template slot: its chunk (if any) goes, the slot follows the template. */
static void tmpl_apply(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb, unsigned slot, const struct wtmpl *wt)
{
	struct chunk_hdr *old = gb->chunk[slot];

	if (old) {
		set_chunk(gb, slot, NULL);
		chunk_release(rmp, gb, old);
	}
	unsigned k = wt->last;
	if (tmpl_which(gb, slot) != (int)k) {
		tmpl_drop(gb, slot);
		bit_put(gb->tmask[k], slot, true);
		gb->ntmpl[k]++;
	}
	gb->tmpl[k] = wt->t[k];
	summarise_tmpl(gb, slot, &wt->t[k]);
}

/*
 * A whole region written with one content per slot (slot k: runs advanced by
 * k x 512 where adv, k counted from the region's slot 0 at k0): whether every
 * slot can be a template slot, decided from its first and last slot (the GPA
 * fields only grow in between, so no slot wraps if neither end does). The
 * write replaces every slot, so it may replace the region's template too
 * (the rule of struct wtmpl is for writes of some slots). *t = the template.
 */
static bool region_tmpl(const struct wtmpl *wt, const struct run *runs, unsigned n, const bool *adv,
			uint64_t k0, struct tmpl *t)
{
	struct run at[TMPL_RUNS];
	struct tmpl last;

	if (n == 0 || n > TMPL_RUNS)
		return false;
	for (unsigned end = 0; end < 2; end++) {
		uint64_t k = k0 + (end ? RMPSIM_SLOTS_PER_1G - 1 : 0);
		for (unsigned i = 0; i < n; i++) {
			at[i] = runs[i];
			if (adv[i])
				at[i].first = rmpsim__raw_advance(runs[i].first, k * NPG);
		}
		if (!tmpl_form(at, n, adv, end ? RMPSIM_SLOTS_PER_1G - 1 : 0, end ? &last : t))
			return false;
	}
	/* Every slot is rewritten: the region's old template (wt) goes with them. */
	(void)wt;
	return tmpl_equal(t, &last);
}

/* Phase 2 of a whole region made template slots: O(its chunks), no per-slot planning. */
static void region_fill_tmpl(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb, const struct tmpl *t)
{
	for (unsigned slot = 0; gb->nchunks && slot < RMPSIM_SLOTS_PER_1G; slot++) {
		struct chunk_hdr *old = gb->chunk[slot];
		if (old) {
			set_chunk(gb, slot, NULL);
			chunk_release(rmp, gb, old);
		}
	}
	memset(gb->tmask[0], 0xff, sizeof(gb->tmask[0]));
	memset(gb->tmask[1], 0, sizeof(gb->tmask[1]));
	gb->ntmpl[0] = RMPSIM_SLOTS_PER_1G;
	gb->ntmpl[1] = 0;
	gb->tmpl[0] = *t;
	/* Every slot's summaries are the template's. */
	summarise_tmpl(gb, 0, t);
	for (unsigned slot = 1; slot < RMPSIM_SLOTS_PER_1G; slot++)
		gb->count[slot] = gb->count[0];
	uint64_t head = bit_get(gb->head, 0) ? ~0ull : 0, busy = bit_get(gb->busy, 0) ? ~0ull : 0;
	for (unsigned w = 0; w < BITMAP_WORDS; w++) {
		gb->head[w] = head;
		gb->busy[w] = busy;
	}
}

/* The content of whole slots written by one set_range piece: its (at most two) runs, or none. */
static unsigned range_slot_runs(uint64_t spa, uint64_t at, const struct rmpsim_raw_entry *first, bool step,
				struct run *runs)
{
	struct plan p;
	struct rmpsim_raw_entry f = step ? rmpsim__raw_advance(*first, (at - spa) >> 12) : *first;

	plan_chunk(NULL, 0, NPG, &f, step, &p);
	for (unsigned i = 0; i < p.nruns; i++)
		runs[i] = p.runs[i];
	return p.nruns;
}

/*
 * set_range over the whole region g as template slots, if it can be one:
 * the content of its slot 0 advanced 512 pages a slot (step) or the same
 * (not). *t = the template.
 */
static bool range_region_tmpl(const struct wtmpl *wt, uint64_t spa, uint64_t g,
			      const struct rmpsim_raw_entry *first, bool step, struct tmpl *t)
{
	struct run runs[RUN_CAP + 4];
	const bool adv[TMPL_RUNS] = { step, step };
	unsigned n = range_slot_runs(spa, g << 30, first, step, runs);

	/* Slot k of the region is slot 0's content advanced k x 512 (the walk's f, step). */
	return n >= 1 && n <= TMPL_RUNS && region_tmpl(wt, runs, n, adv, 0, t);
}

int rmpsim__sparse_set_range(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
			     const struct rmpsim_raw_entry *first, bool step)
{
	struct rmpsim__sparse *sp = &rmp->u.sparse;
	struct walk w = { spa, spa + (npages << 12), first, step };
	struct pool pl = { { NULL } };
	struct plan p, pw;
	struct wtmpl wt;
	struct run_chunk tmp;
	unsigned s, e;
	struct rmpsim_raw_entry f;

	/* Phase 1: plan each chunk and preallocate exactly what phase 2 will take. */
	for (uint64_t at = spa; at < w.end;) {
		uint64_t g = at >> 30;
		const struct rmpsim__sgb *gb = sp->gb[g];
		bool gb_planned = gb != NULL;
		struct tmpl rt;
		wtmpl_init(&wt, gb);
		if (at == g << 30 && w.end >= (g + 1) << 30 &&
		    range_region_tmpl(&wt, spa, g, first, step, &rt)) {
			if (!gb_planned && pool_add(rmp, &pl, 0)) {
				pool_drain(rmp, &pl);
				return -ENOMEM;
			}
			at = (g + 1) << 30;
			continue;
		}
		for (; at < w.end && (at >> 30) == g; at = (at | (RMPSIM_SZ_2M - 1)) + 1) {
			walk_piece(&w, at, &s, &e, &f);
			unsigned slot = slot_of(at);
			int err = 0;
			if (s == 0 && e == NPG && whole_slot_tmpl(&wt, slot, &f, step, &pw)) {
				if (!gb_planned) {
					err = pool_add(rmp, &pl, 0);
					gb_planned = true;
				}
				if (err) {
					pool_drain(rmp, &pl);
					return err;
				}
				continue;
			}
			const struct chunk_hdr *c = gb ? gb->chunk[slot] : NULL;
			plan_chunk(slot_view(gb, slot, &tmp), s, e, &f, step, &p);
			err = plan_alloc(rmp, &pl, &p, c);
			if (!err && p.kind != PLAN_ZERO && !gb_planned) {
				err = pool_add(rmp, &pl, 0);
				gb_planned = true;
			}
			if (err) {
				pool_drain(rmp, &pl);
				return err;
			}
		}
	}
	/* Phase 2: apply; every block needed is in the pool. A one-chunk write reuses its plan. */
	bool single = (spa >> 21) == ((w.end - 1) >> 21);
	for (uint64_t at = spa; at < w.end;) {
		uint64_t g = at >> 30;
		struct rmpsim__sgb *gb = sp->gb[g];
		struct tmpl rt;
		wtmpl_init(&wt, gb);
		if (at == g << 30 && w.end >= (g + 1) << 30 &&
		    range_region_tmpl(&wt, spa, g, first, step, &rt)) {
			if (!gb) {
				gb = pool_take(&pl, 0);
				memset(gb, 0, sizeof(*gb));
				sp->gb[g] = gb;
			}
			region_fill_tmpl(rmp, gb, &rt);
			at = (g + 1) << 30;
			continue;
		}
		for (; at < w.end && (at >> 30) == g; at = (at | (RMPSIM_SZ_2M - 1)) + 1) {
			walk_piece(&w, at, &s, &e, &f);
			unsigned slot = slot_of(at);
			bool as_tmpl = s == 0 && e == NPG && whole_slot_tmpl(&wt, slot, &f, step, &pw);
			const struct chunk_hdr *view = slot_view(gb, slot, &tmp);
			if (!single && !as_tmpl)
				plan_chunk(view, s, e, &f, step, &p);
			if ((as_tmpl || p.kind != PLAN_ZERO) && !gb) {
				gb = pool_take(&pl, 0);
				memset(gb, 0, sizeof(*gb));
				sp->gb[g] = gb;
			}
			if (as_tmpl)
				tmpl_apply(rmp, gb, slot, &wt);
			else if (gb)
				apply_chunk(rmp, gb, slot, s, e, &f, step, &p, &pl, view);
		}
		if (gb && !gb->nchunks && !gb->ntmpl[0] && !gb->ntmpl[1]) {
			sp->gb[g] = NULL;
			gb_free(rmp, gb);
		}
	}
	if (RMPSIM_NEVER(!pool_empty(&pl)))
		abort();
	pool_drain(rmp, &pl);
	return 0;
}

/* A non-zero entry alone in its (absent) chunk: one run; can fail only before any change. */
static int set_lone(struct rmpsim_rmp *rmp, struct rmpsim__sparse *sp, uint64_t g, unsigned slot,
		    unsigned idx, const struct rmpsim_raw_entry *e)
{
	struct rmpsim__sgb *gb = sp->gb[g];
	struct run_chunk *rc;

	if (gb && gb->spare) {
		rc = gb->spare;
		gb->spare = NULL;
	} else {
		rc = rmpsim__rmp_alloc(rmp, sizeof(*rc), false);
		if (!rc)
			return -ENOMEM;
	}
	if (!gb) {
		gb = rmpsim__rmp_alloc(rmp, sizeof(*gb), true);
		if (!gb) {
			rmpsim__rmp_free(rmp, rc, sizeof(*rc));
			return -ENOMEM;
		}
		sp->gb[g] = gb;
	}
	memset(&rc->h, 0, sizeof(rc->h));
	rc->h.kind = CHUNK_RUNS;
	rc->h.nruns = 1;
	rc->runs[0] = (struct run){ *e, (uint16_t)idx, 1, 0 };
	set_chunk(gb, slot, &rc->h);
	summarise_runs(gb, slot, rc->runs, 1);
	return 0;
}

/*
 * One entry (the RMPUPDATE path): the same plan and apply as a range write,
 * without the walk; a region it empties stays allocated (see the top).
 */
/*
 * One entry over an existing chunk, the general case: the plan and apply of a
 * range write. The chunk's runs are edited in place, it becomes zero, or it is
 * (or turns) dense; a run chunk that overflows needs a new dense chunk, the
 * only allocation.
 */
static int set_planned(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb, unsigned slot, unsigned idx,
		       const struct rmpsim_raw_entry *e)
{
	struct chunk_hdr *c = gb->chunk[slot];
	struct pool pl = { { NULL } };
	struct plan p;
	struct run_chunk tmp;
	const struct chunk_hdr *view = slot_view(gb, slot, &tmp);
	int err;

	plan_chunk(view, idx, idx + 1, e, false, &p);
	err = plan_alloc(rmp, &pl, &p, c); /* a template slot gets a chunk of its own */
	if (err)
		return err;
	apply_chunk(rmp, gb, slot, idx, idx + 1, e, false, &p, &pl, view);
	if (RMPSIM_NEVER(!pool_empty(&pl)))
		abort();
	return 0;
}

/*
 * A non-zero entry into a gap of a run chunk, touching no run (neither the
 * entry before nor the one after is stored) and with room for one more run:
 * what plan_chunk + apply_chunk make of it (the runs are canonical, so no
 * other run merges), in place. False: nothing done.
 */
static bool run_insert(struct rmpsim__sgb *gb, unsigned slot, struct run_chunk *rc, unsigned idx,
		       const struct rmpsim_raw_entry *e)
{
	unsigned n = rc->h.nruns, k = 0;

	if (n >= RUN_CAP)
		return false; /* the chunk turns wide: the planner's affair */
	while (k < n && rc->runs[k].start <= idx)
		k++;
	if (k > 0 && rc->runs[k - 1].start + rc->runs[k - 1].len >= idx)
		return false; /* inside or right after run k - 1 */
	if (k < n && rc->runs[k].start == idx + 1)
		return false; /* right before run k */
	memmove(&rc->runs[k + 1], &rc->runs[k], (n - k) * sizeof(rc->runs[0]));
	rc->runs[k] = (struct run){ *e, (uint16_t)idx, 1, 0 };
	rc->h.nruns = (uint8_t)(n + 1);
	if (rmpsim__raw_assigned(e)) {
		gb->count[slot]++;
		bit_put(gb->busy, slot, true);
		if (idx == 0)
			bit_put(gb->head, slot, true);
	}
	return true;
}

/* One entry into a slot without a wide chunk (template, run chunk or nothing): set_one's other cases. */
__attribute__((noinline)) static int set_one_general(struct rmpsim_rmp *rmp, uint64_t g, unsigned slot,
						     unsigned idx, const struct rmpsim_raw_entry *e)
{
	struct rmpsim__sparse *sp = &rmp->u.sparse;
	struct rmpsim__sgb *gb = sp->gb[g];
	struct chunk_hdr *c = gb ? gb->chunk[slot] : NULL;

	if (gb && tmpl_has(gb, slot))
		return set_planned(rmp, gb, slot, idx, e);
	/* The RMPUPDATE churn, without a plan: a page's only entry in its chunk comes and goes. */
	if (!c) {
		if (rmpsim__raw_is_zero(e))
			return 0; /* zero over zero */
		return set_lone(rmp, sp, g, slot, idx, e);
	}
	if (c->kind == CHUNK_RUNS && !rmpsim__raw_is_zero(e) &&
	    run_insert(gb, slot, (struct run_chunk *)(void *)c, idx, e))
		return 0;
	if (c->kind == CHUNK_RUNS && rmpsim__raw_is_zero(e)) {
		const struct run_chunk *rc = (const struct run_chunk *)(const void *)c;
		if (rc->h.nruns == 1 && rc->runs[0].start == idx && rc->runs[0].len == 1) {
			set_chunk(gb, slot, NULL);
			chunk_release(rmp, gb, c);
			summarise_runs(gb, slot, NULL, 0);
			return 0;
		}
	}
	return set_planned(rmp, gb, slot, idx, e);
}

/*
 * After a one-entry write to wide chunk c: free it if it emptied, else the
 * compress try (its age said so). Returns ret, so that callers end in a tail
 * call (their hot paths then need no frame).
 */
__attribute__((noinline)) static int wide_settle(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb,
						 unsigned slot, struct chunk_hdr *c, int ret)
{
	if (!c->nonzero) {
		set_chunk(gb, slot, NULL);
		chunk_free(rmp, c);
	} else {
		compress_now(rmp, gb, slot);
	}
	return ret;
}

/*
 * One entry (the RMPUPDATE path); a region it empties stays allocated (see the
 * top). old: the entry stored there now if the caller knows it (its view), else NULL.
 */
int rmpsim__sparse_set_one(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_raw_entry *e,
			   const struct rmpsim_raw_entry *old)
{
	uint64_t g = spa >> 30;
	unsigned slot = slot_of(spa), idx = (unsigned)((spa >> 12) & (NPG - 1));
	struct rmpsim__sgb *gb = rmp->u.sparse.gb[g];
	struct chunk_hdr *c = gb ? gb->chunk[slot] : NULL; /* a template slot has none */

	if (!c || !(c->kind == CHUNK_DENSE ||
		    (c->kind == CHUNK_PACKED &&
		     packed_fits(&((const struct packed_chunk *)(const void *)c)->attrs, e))))
		return set_one_general(rmp, g, slot, idx, e);
	/* apply_chunk's wide case for one entry, without the plan or the loop (the hot path: no call). */
	struct rmpsim_raw_entry o = old ? *old : wide_get(c, idx);
	int count = gb->count[slot] + (int)rmpsim__raw_assigned(e) - (int)rmpsim__raw_assigned(&o);
	int nz = c->nonzero + (int)!rmpsim__raw_is_zero(e) - (int)!rmpsim__raw_is_zero(&o);
	wide_put(c, idx, e);
	c->nonzero = (uint16_t)nz;
	c->age++;
	gb->count[slot] = (uint16_t)count;
	if (idx == 0)
		bit_put(gb->head, slot, rmpsim__raw_assigned(e));
	bit_put(gb->busy, slot, count != 0);
	if (!nz || c->age >= COMPRESS_AGE)
		return wide_settle(rmp, gb, slot, c, 0);
	return 0;
}

/* The general edit (a slot without a packed chunk): view, decide, write. */
__attribute__((noinline)) static int edit_general(struct rmpsim_rmp *rmp, uint64_t spa,
						  const struct rmpsim__rmp_edit *ed, uint64_t *old_lo)
{
	struct rmpsim__rmp_view v;
	struct rmpsim_raw_entry n;

	rmpsim__sparse_get_view(rmp, spa, &v);
	*old_lo = v.e.lo;
	int f = rmpsim__edit_decide(ed, &v.e, v.head_2m_page, &n);
	if (f == RMPSIM__EDIT_WRITTEN && rmpsim__sparse_set_one(rmp, spa, &n, &v.e) < 0)
		return -ENOMEM;
	return f;
}

/* A decided write of entry {lo, hi} that its packed chunk cannot hold: the general one-entry write. */
__attribute__((noinline)) static int edit_spill(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t lo,
						uint64_t hi)
{
	const struct rmpsim_raw_entry n = { lo, hi };

	return rmpsim__sparse_set_one(rmp, spa, &n, NULL) < 0 ? -ENOMEM : RMPSIM__EDIT_WRITTEN;
}

/*
 * ---- the in-place edit of a run chunk (issue 14 point 5) ----
 *
 * A 4K RMPUPDATE on a slot with a run chunk or nothing (a page assigned and
 * given back in an otherwise empty 2 MB region; the first pages of a guest's
 * chunk before it turns packed) edits the runs where they are, as the packed
 * edit does its chunk: what plan_chunk + apply_chunk would make of the one
 * entry, without the view, the plan or the copy back. Only the cases whose
 * outcome is plain are done here; the others go the general way. Run lists
 * are canonical (push_run builds them: no two neighbours it would merge), and
 * the cases below keep them so.
 */

/*
 * What the one-entry edits below did: the runs are edited (PUT_DONE); the
 * chunk's only entry is to go (PUT_RELEASE: the caller releases the chunk);
 * a new run with no room for it (PUT_FULL); the chunk turned packed
 * (PUT_WIDENED); nothing, the planner's affair (PUT_PLANNER).
 */
enum { PUT_PLANNER, PUT_DONE, PUT_RELEASE, PUT_FULL, PUT_WIDENED };

/*
 * Entry idx of run k of rc becomes zero, in place: the run loses its first
 * or last entry, splits in two, or goes. Nothing done where the planner
 * would do more: a split past RUN_CAP, or a piece of one entry beside
 * another run (one entry is both a flat and a stepping run, so push_run
 * might merge it with that run).
 */
static int runs_clear_one(struct run_chunk *rc, unsigned k, unsigned idx)
{
	struct run *r = &rc->runs[k];
	unsigned n = rc->h.nruns, s = r->start, e = s + r->len;

	if (r->len == 1) { /* the gap it leaves keeps its neighbours apart */
		if (n == 1)
			return PUT_RELEASE;
		memmove(r, r + 1, (n - k - 1) * sizeof(*r));
		rc->h.nruns = (uint8_t)(n - 1);
		return PUT_DONE;
	}
	bool prev_touches = k > 0 && rc->runs[k - 1].start + rc->runs[k - 1].len == s;
	bool next_touches = k + 1 < n && rc->runs[k + 1].start == e;
	if ((idx == s + 1 && prev_touches) || (idx + 2 == e && next_touches))
		return PUT_PLANNER; /* a piece of one entry beside another run */
	if (idx == s) {
		r->first = run_entry(r, s + 1);
		r->start = (uint16_t)(s + 1);
		r->len = (uint16_t)(r->len - 1);
		return PUT_DONE;
	}
	if (idx + 1 == e) {
		r->len = (uint16_t)(r->len - 1);
		return PUT_DONE;
	}
	if (n >= RUN_CAP)
		return PUT_PLANNER; /* the chunk turns wide */
	memmove(r + 2, r + 1, (n - k - 1) * sizeof(*r));
	r[1] = (struct run){ run_entry(r, idx + 1), (uint16_t)(idx + 1), (uint16_t)(e - idx - 1), r->step };
	r->len = (uint16_t)(idx - s);
	rc->h.nruns = (uint8_t)(n + 1);
	return PUT_DONE;
}

/*
 * The non-zero entry *e into the gap at idx of rc (runs before k end by idx,
 * run k starts after it), in place: it extends the run that ends at idx or
 * the one that starts at idx + 1 when push_run would merge them, else it is a
 * new run (PUT_DONE). Nothing done: between two touching runs (merges could
 * chain: PUT_PLANNER), or a new run with no room for it (PUT_FULL).
 */
static int runs_put_gap(struct run_chunk *rc, unsigned k, unsigned idx, const struct rmpsim_raw_entry *e)
{
	unsigned n = rc->h.nruns;
	struct run *a = k > 0 && rc->runs[k - 1].start + rc->runs[k - 1].len == idx ? &rc->runs[k - 1] : NULL;
	struct run *b = k < n && rc->runs[k].start == idx + 1 ? &rc->runs[k] : NULL;

	if (a && b)
		return PUT_PLANNER;
	if (a) { /* push_run(a, the entry) */
		struct rmpsim_raw_entry next = rmpsim__raw_advance(a->first, a->len);
		bool stepped = step_ok(a) && rmpsim__raw_equal(&next, e);
		if (stepped || (flat_ok(a) && rmpsim__raw_equal(&a->first, e))) {
			a->len = (uint16_t)(a->len + 1);
			a->step = stepped;
			return PUT_DONE;
		}
	}
	if (b) { /* push_run(the entry, b) */
		struct rmpsim_raw_entry next = rmpsim__raw_advance(*e, 1);
		bool stepped = step_ok(b) && rmpsim__raw_equal(&next, &b->first);
		if (stepped || (flat_ok(b) && rmpsim__raw_equal(e, &b->first))) {
			b->first = *e;
			b->start = (uint16_t)idx;
			b->len = (uint16_t)(b->len + 1);
			b->step = stepped;
			return PUT_DONE;
		}
	}
	if (n >= RUN_CAP)
		return PUT_FULL; /* the chunk turns wide */
	/* A guest's pages come in order: mostly a new run at the end, nothing to move. */
	if (k < n)
		memmove(&rc->runs[k + 1], &rc->runs[k], (n - k) * sizeof(rc->runs[0]));
	rc->runs[k] = (struct run){ *e, (uint16_t)idx, 1, 0 };
	rc->h.nruns = (uint8_t)(n + 1);
	return PUT_DONE;
}

/*
 * A full run chunk rc of slot gets the non-zero entry *e at idx as a new run
 * (runs_put_gap's PUT_FULL): what the planner makes of it when every run and
 * *e share packed attrs (a guest's 4K pages: the 9th scattered page of a
 * chunk), done directly: a packed chunk filled from the runs, *e written into
 * it, the run chunk released. 1: done; 0: they do not share attrs (a dense
 * chunk: the planner's affair); -ENOMEM: nothing changed.
 */
__attribute__((noinline)) static int runs_widen(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb, unsigned slot,
						struct run_chunk *rc, unsigned idx,
						const struct rmpsim_raw_entry *e)
{
	struct rmpsim_raw_entry attrs = packed_attrs(e);

	for (unsigned k = 0; k < rc->h.nruns; k++)
		if (!packed_fits_run(&attrs, &rc->runs[k].first, rc->runs[k].step))
			return 0;
	struct chunk_hdr *w = rmpsim__rmp_alloc(rmp, sizeof(struct packed_chunk), false);
	if (!w)
		return -ENOMEM;
	/* apply_chunk's wide case with a fresh packed chunk. */
	wide_fill(w, CHUNK_PACKED, &attrs, &rc->h, gb, slot);
	set_chunk(gb, slot, w);
	chunk_release(rmp, gb, &rc->h);
	wide_write(rmp, gb, slot, w, idx, idx + 1, e, false);
	return 1;
}

/*
 * The edit of an empty slot of allocated region gb (no chunk, no template:
 * all zero, no head): a non-zero entry takes a one-run chunk from the
 * region's spare, as set_lone does.
 */
__attribute__((noinline)) static int edit_empty(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb, uint64_t spa,
						const struct rmpsim__rmp_edit *ed, uint64_t *old_lo)
{
	const struct rmpsim_raw_entry o = { 0, 0 };
	struct rmpsim_raw_entry e;
	unsigned slot = slot_of(spa), idx = (unsigned)((spa >> 12) & (NPG - 1));

	*old_lo = 0;
	int f = rmpsim__edit_decide(ed, &o, false, &e);
	if (f != RMPSIM__EDIT_WRITTEN)
		return f;
	struct run_chunk *rc = gb->spare;
	if (!rc) { /* e is not zero (the old entry was): set_lone allocates */
		if (set_lone(rmp, &rmp->u.sparse, spa >> 30, slot, idx, &e) < 0)
			return -ENOMEM;
		gb->run_edits++;
		return f;
	}
	/* set_lone with the spare, and the summaries of a slot that was all zero. */
	gb->spare = NULL;
	rc->h = (struct chunk_hdr){ CHUNK_RUNS, 1, 0, 0 };
	rc->runs[0] = (struct run){ e, (uint16_t)idx, 1, 0 };
	gb->chunk[slot] = &rc->h;
	gb->nchunks++;
	if (rmpsim__raw_assigned(&e)) {
		uint64_t bit = 1ull << (slot % 64);
		gb->count[slot] = 1;
		gb->busy[slot / 64] |= bit;
		if (idx == 0)
			gb->head[slot / 64] |= bit;
	}
	gb->run_edits++;
	return f;
}

/*
 * The edit of a slot of allocated region gb holding run chunk rc: read,
 * decided and written in place; the cases the helpers above leave take the
 * one-entry write (set_one_general, as the view-and-write path does).
 */
__attribute__((noinline)) static int edit_in_runs(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb,
						  uint64_t spa, struct run_chunk *rc,
						  const struct rmpsim__rmp_edit *ed, uint64_t *old_lo)
{
	unsigned slot = slot_of(spa), idx = (unsigned)((spa >> 12) & (NPG - 1));
	unsigned n = rc->h.nruns, k = 0;
	struct rmpsim_raw_entry o = { 0, 0 }, e;

	while (k < n && rc->runs[k].start + rc->runs[k].len <= idx)
		k++;
	bool in = k < n && rc->runs[k].start <= idx;
	if (in)
		o = run_entry(&rc->runs[k], idx);
	/* The view's head_2m_page: a head bit says entry 0 is assigned, so it starts run 0. */
	bool head = bit_get(gb->head, slot) && raw_is_2m_page(&rc->runs[0].first);
	*old_lo = o.lo;
	int f = rmpsim__edit_decide(ed, &o, head, &e);
	if (f != RMPSIM__EDIT_WRITTEN)
		return f;
	bool zero = rmpsim__raw_is_zero(&e);
	int put = zero ? runs_clear_one(rc, k, idx) : in ? PUT_PLANNER : runs_put_gap(rc, k, idx, &e);
	if (put == PUT_FULL) {
		int w = runs_widen(rmp, gb, slot, rc, idx, &e); /* the summaries too */
		if (w < 0)
			return -ENOMEM;
		put = w ? PUT_WIDENED : PUT_PLANNER;
	}
	if (put == PUT_PLANNER)
		return set_one_general(rmp, spa >> 30, slot, idx, &e) < 0 ? -ENOMEM : f;
	if (put == PUT_RELEASE) { /* the chunk's last entry went */
		set_chunk(gb, slot, NULL);
		chunk_release(rmp, gb, &rc->h);
	}
	if (put != PUT_WIDENED) {
		int count = gb->count[slot] + (int)rmpsim__raw_assigned(&e) - (int)rmpsim__raw_assigned(&o);
		gb->count[slot] = (uint16_t)count;
		bit_put(gb->busy, slot, count != 0);
		if (idx == 0)
			bit_put(gb->head, slot, rmpsim__raw_assigned(&e));
	}
	gb->run_edits++;
	return f;
}

/*
 * The edit of the only entry of run chunk rc (a page alone in its 2 MB
 * region: RMPUPDATE churn): zero releases the chunk to the region's spare,
 * another entry replaces it; what the planner makes of either.
 */
__attribute__((noinline)) static int edit_alone(struct rmpsim_rmp *rmp, struct rmpsim__sgb *gb, uint64_t spa,
						struct run_chunk *rc, const struct rmpsim__rmp_edit *ed,
						uint64_t *old_lo)
{
	unsigned slot = slot_of(spa), idx = (unsigned)((spa >> 12) & (NPG - 1));
	uint64_t bit = 1ull << (slot % 64);
	struct rmpsim_raw_entry e, o = rc->runs[0].first;

	/* The view's head_2m_page: a head bit says entry 0 is assigned, so it is this one. */
	bool head = (gb->head[slot / 64] & bit) && raw_is_2m_page(&o);
	*old_lo = o.lo;
	int f = rmpsim__edit_decide(ed, &o, head, &e);
	if (f != RMPSIM__EDIT_WRITTEN)
		return f;
	bool assigned = rmpsim__raw_assigned(&e);
	if (rmpsim__raw_is_zero(&e)) {
		set_chunk(gb, slot, NULL);
		chunk_release(rmp, gb, &rc->h);
	} else {
		rc->runs[0] = (struct run){ e, (uint16_t)idx, 1, 0 };
	}
	gb->count[slot] = assigned;
	gb->busy[slot / 64] = assigned ? gb->busy[slot / 64] | bit : gb->busy[slot / 64] & ~bit;
	if (idx == 0)
		gb->head[slot / 64] = assigned ? gb->head[slot / 64] | bit : gb->head[slot / 64] & ~bit;
	gb->run_edits++;
	return f;
}

/*
 * The edit of a page whose slot has no packed chunk: a slot of an allocated
 * region that is empty or holds a run chunk is edited in place (above);
 * other slots (no region, a template, a dense chunk) go the general way.
 * Only tail calls: no frame.
 */
__attribute__((noinline)) static int edit_unpacked(struct rmpsim_rmp *rmp, uint64_t spa,
						   struct rmpsim__sgb *gb, struct chunk_hdr *c,
						   const struct rmpsim__rmp_edit *ed, uint64_t *old_lo)
{
	unsigned slot = slot_of(spa);

	if (!gb)
		return edit_general(rmp, spa, ed, old_lo);
	if (c && c->kind == CHUNK_RUNS) {
		struct run_chunk *rc = (struct run_chunk *)(void *)c;
		if (rc->h.nruns == 1 && rc->runs[0].len == 1 &&
		    rc->runs[0].start == ((spa >> 12) & (NPG - 1)))
			return edit_alone(rmp, gb, spa, rc, ed, old_lo);
		return edit_in_runs(rmp, gb, spa, rc, ed, old_lo);
	}
	if (!c && !tmpl_has(gb, slot))
		return edit_empty(rmp, gb, spa, ed, old_lo);
	return edit_general(rmp, spa, ed, old_lo);
}

int rmpsim__sparse_slot_form(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	const struct rmpsim__sgb *gb = gb_of(rmp, spa);
	unsigned slot = slot_of(spa);

	if (!gb)
		return RMPSIM__SLOT_NO_REGION;
	if (tmpl_has(gb, slot))
		return RMPSIM__SLOT_TEMPLATE;
	const struct chunk_hdr *c = gb->chunk[slot];
	if (!c)
		return RMPSIM__SLOT_EMPTY;
	return c->kind == CHUNK_RUNS	? RMPSIM__SLOT_RUNS
	       : c->kind == CHUNK_DENSE ? RMPSIM__SLOT_DENSE
					: RMPSIM__SLOT_PACKED;
}

unsigned rmpsim__sparse_run_edits(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	const struct rmpsim__sgb *gb = gb_of(rmp, spa);

	return gb ? gb->run_edits : 0;
}

/*
 * The edit of a covered page (unchecked.h). The hot case, a packed chunk (a
 * guest's scattered 4K pages), is read, decided and written in place: what
 * get_view, the decision and set_one's wide case do, in one pass, with every
 * call a tail call. Any other slot goes the general way.
 */
int rmpsim__sparse_edit_4k(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim__rmp_edit *ed,
			   uint64_t *old_lo)
{
	unsigned slot = slot_of(spa), idx = (unsigned)((spa >> 12) & (NPG - 1));
	struct rmpsim__sgb *gb = rmp->u.sparse.gb[spa >> 30];
	struct chunk_hdr *c = gb ? gb->chunk[slot] : NULL; /* a template slot has none */
	struct rmpsim_raw_entry o = { 0, 0 }, n;

	if (!c || c->kind != CHUNK_PACKED)
		return edit_unpacked(rmp, spa, gb, c, ed, old_lo);
	struct packed_chunk *pc = (struct packed_chunk *)(void *)c;
	/* The words and bits this edit reads and writes, worked out once. */
	uint64_t *present = &pc->present[idx / 64], pbit = 1ull << (idx % 64);
	uint64_t *head_w = &gb->head[slot / 64], *busy_w = &gb->busy[slot / 64], sbit = 1ull << (slot % 64);
	bool was = *present & pbit; /* a present entry is never zero */
	if (was) {		    /* wide_get without its second look at the bitmap */
		uint64_t v = packed_own(pc, idx);
		o.lo = pc->attrs.lo | ((v & RMPSIM__GPA_FIELD_MAX) << RMPSIM__LO_GPA_SHIFT) |
		       ((v >> 39) << 62);
		o.hi = pc->attrs.hi;
	}
	/*
	 * The view's head_2m_page: the head bit says entry 0 is assigned, so
	 * present, and its assigned and page-size bits are the chunk's attrs'.
	 */
	bool head = (*head_w & sbit) && raw_is_2m_page(&pc->attrs);
	*old_lo = o.lo;
	int f = rmpsim__edit_decide(ed, &o, head, &n);
	if (f != RMPSIM__EDIT_WRITTEN)
		return f;
	if (!packed_fits(&pc->attrs, &n))
		return edit_spill(rmp, spa, n.lo, n.hi);
	/* set_one's wide case, for a packed chunk (wide_put's packed case inline). */
	bool now = !rmpsim__raw_is_zero(&n);
	int count = gb->count[slot] + (int)rmpsim__raw_assigned(&n) - (int)rmpsim__raw_assigned(&o);
	if (now) {
		*present |= pbit;
		uint64_t v = rmpsim__raw_gpa_field(&n) | ((n.lo & RMPSIM__LO_VALIDATED) ? 1ull << 39 : 0);
		uint32_t low = (uint32_t)v;
		memcpy(pc->own[idx], &low, 4);
		pc->own[idx][4] = (uint8_t)(v >> 32);
	} else {
		*present &= ~pbit;
	}
	c->nonzero = (uint16_t)(c->nonzero + (int)now - (int)was);
	c->age++;
	gb->count[slot] = (uint16_t)count;
	if (idx == 0)
		*head_w = rmpsim__raw_assigned(&n) ? *head_w | sbit : *head_w & ~sbit;
	*busy_w = count ? *busy_w | sbit : *busy_w & ~sbit;
	if (!c->nonzero || c->age >= COMPRESS_AGE)
		return wide_settle(rmp, gb, slot, c, f);
	return f;
}

/* ---- whole slots (the instruction layer's GB batches, issue 14) ---- */

bool rmpsim__sparse_1g_shape(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim__rmp_shape *ret)
{
	const struct rmpsim__sgb *gb = gb_of(rmp, spa);

	memset(ret, 0, sizeof(*ret));
	if (!gb)
		return true;
	if (gb->nchunks || (gb->ntmpl[0] != RMPSIM_SLOTS_PER_1G && gb->ntmpl[1] != RMPSIM_SLOTS_PER_1G))
		return false;
	const struct tmpl *t = &gb->tmpl[gb->ntmpl[0] == RMPSIM_SLOTS_PER_1G ? 0 : 1];
	_Static_assert(RMPSIM__SHAPE_RUNS == TMPL_RUNS, "a shape is a template");
	ret->nruns = t->n;
	for (unsigned i = 0; i < t->n; i++) {
		const struct run *r = &t->runs[i];
		ret->runs[i] = (struct rmpsim__rmp_run){ r->first, r->start, r->len, r->step && r->len > 1 };
		ret->adv[i] = t->adv[i];
	}
	return true;
}

/* Slot k's content (k counted from the write's first slot) as a plan of runs. */
static void slots_content(const struct rmpsim__rmp_shape *sh, uint64_t k, struct plan *p)
{
	p->nruns = 0;
	for (unsigned i = 0; i < sh->nruns; i++) {
		const struct rmpsim__rmp_run *r = &sh->runs[i];
		struct rmpsim_raw_entry f = sh->adv[i] ? rmpsim__raw_advance(r->first, k * NPG) : r->first;
		p->runs[p->nruns++] =
			(struct run){ f, (uint16_t)r->start, (uint16_t)r->len, (uint8_t)r->step };
	}
	p->kind = p->nruns ? PLAN_RUNS : PLAN_ZERO;
}

/* set_slots of one slot: its content p (runs) as a template slot or a chunk of its own. */
static int set_one_slot(struct rmpsim_rmp *rmp, uint64_t spa, struct plan *p, const bool *adv)
{
	struct rmpsim__sparse *sp = &rmp->u.sparse;
	uint64_t g = spa >> 30;
	unsigned slot = slot_of(spa);
	struct rmpsim__sgb *gb = sp->gb[g];
	struct pool pl = { { NULL } };
	struct run_chunk tmp;
	struct wtmpl wt;

	wtmpl_init(&wt, gb);
	bool as_tmpl = p->nruns && wtmpl_take(&wt, p->runs, p->nruns, adv, slot);
	int err = as_tmpl ? 0 : plan_alloc(rmp, &pl, p, gb ? gb->chunk[slot] : NULL);
	if (!err && !gb && (as_tmpl || p->kind != PLAN_ZERO)) {
		gb = rmpsim__rmp_alloc(rmp, sizeof(*gb), true);
		if (gb)
			sp->gb[g] = gb;
		else
			err = -ENOMEM;
	}
	if (err) {
		pool_drain(rmp, &pl);
		return err;
	}
	if (as_tmpl)
		tmpl_apply(rmp, gb, slot, &wt);
	else if (gb)
		apply_chunk(rmp, gb, slot, 0, NPG, NULL, false, p, &pl, slot_view(gb, slot, &tmp));
	/* A region emptied stays allocated, as by a one-entry write (see the top). */
	return 0;
}

/*
 * The template (in use) of an allocated region that holds sh at slot `slot`,
 * or -1: the decision wtmpl_take() would take, compared at the slot instead
 * of brought back to slot 0. A run of sh whose GPA field wraps is never a
 * template slot's (tmpl_form).
 */
__attribute__((always_inline)) static inline int tmpl_matching(const struct rmpsim__sgb *gb, unsigned slot,
							       const struct rmpsim__rmp_shape *sh)
{
	for (unsigned k = 0; k < NTMPL; k++) {
		const struct tmpl *t = &gb->tmpl[k];
		if (!gb->ntmpl[k] || t->n != sh->nruns)
			continue;
		unsigned i = 0;
		for (; i < t->n; i++) {
			const struct run *r = &t->runs[i];
			const struct rmpsim__rmp_run *q = &sh->runs[i];
			if (r->start != q->start || r->len != q->len || r->step != q->step ||
			    t->adv[i] != sh->adv[i])
				break;
			struct rmpsim_raw_entry f =
				t->adv[i] ? slot_advance(r->first, slot, false) : r->first;
			if (!rmpsim__raw_equal(&f, &q->first))
				break;
			if (q->step && rmpsim__raw_gpa_field(&q->first) + q->len - 1 > RMPSIM__GPA_FIELD_MAX)
				return -1; /* it wraps */
		}
		if (i == t->n)
			return (int)k;
	}
	return -1;
}

/*
 * set_slots of one slot of an allocated region whose new content is what one
 * of the region's templates holds there (tmpl_matching): the slot joins the
 * template in O(1). False: nothing done (the general path).
 */
__attribute__((always_inline)) static inline bool slot_joins_tmpl(struct rmpsim_rmp *rmp,
								  struct rmpsim__sgb *gb, unsigned slot,
								  const struct rmpsim__rmp_shape *sh)
{
	int k = tmpl_matching(gb, slot, sh);

	if (k < 0)
		return false;
	struct chunk_hdr *old = gb->chunk[slot];
	if (old) {
		set_chunk(gb, slot, NULL);
		chunk_release(rmp, gb, old);
	}
	if (tmpl_which(gb, slot) != k) {
		tmpl_drop(gb, slot);
		bit_put(gb->tmask[k], slot, true);
		gb->ntmpl[k]++;
	}
	summarise_tmpl(gb, slot, &gb->tmpl[k]);
	return true;
}

static int set_slots_planned(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t nslots,
			     const struct rmpsim__rmp_shape *sh);

int rmpsim__sparse_set_slots(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t nslots,
			     const struct rmpsim__rmp_shape *sh)
{
	struct rmpsim__sgb *gb = rmp->u.sparse.gb[spa >> 30];

	if (nslots == 1 && gb && sh->nruns && sh->nruns <= TMPL_RUNS &&
	    slot_joins_tmpl(rmp, gb, slot_of(spa), sh))
		return 0; /* one RMPUPDATE of a 2 MB page or one PSMASH in a guest's region */
	return set_slots_planned(rmp, spa, nslots, sh);
}

/* fill_zero_2m's general write (out of line: the hot path needs no frame). */
__attribute__((noinline)) static int fill_zero_planned(struct rmpsim_rmp *rmp, uint64_t spa,
						       struct rmpsim_raw_entry head, uint64_t sub_lo,
						       bool adv)
{
	struct rmpsim__rmp_shape w;

	rmpsim__rmp_page_2m_shape(head, sub_lo, adv, &w);
	return set_slots_planned(rmp, spa, 1, &w) < 0 ? -ENOMEM : RMPSIM__EDIT_WRITTEN;
}

/*
 * The template (in use) of an allocated region that holds the 2 MB page
 * {head, sub_lo, adv} at slot `slot`, or -1: tmpl_matching of its shape
 * (rmpsim__rmp_page_2m_shape), compared with the values themselves. Its runs
 * do not step, so none wraps.
 */
static int tmpl_of_page_2m(const struct rmpsim__sgb *gb, unsigned slot, struct rmpsim_raw_entry head,
			   uint64_t sub_lo, bool adv)
{
	unsigned n = sub_lo ? 2 : 1;

	for (unsigned k = 0; k < NTMPL; k++) {
		const struct tmpl *t = &gb->tmpl[k];
		const struct run *r = t->runs;
		if (!gb->ntmpl[k] || t->n != n || r[0].start != 0 || r[0].len != 1 || r[0].step ||
		    t->adv[0] != adv)
			continue;
		struct rmpsim_raw_entry f = adv ? slot_advance(r[0].first, slot, false) : r[0].first;
		if (!rmpsim__raw_equal(&f, &head))
			continue;
		if (n == 2 && (r[1].start != 1 || r[1].len != RMPSIM_ENTRIES_PER_2M - 1 || r[1].step ||
			       t->adv[1] || r[1].first.lo != sub_lo || r[1].first.hi != 0))
			continue;
		return (int)k;
	}
	return -1;
}

int rmpsim__sparse_fill_zero_2m(struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry head,
				uint64_t sub_lo, bool adv)
{
	struct rmpsim__sgb *gb = rmp->u.sparse.gb[spa >> 30];
	unsigned slot = slot_of(spa);

	if (!gb)
		return fill_zero_planned(rmp, spa, head, sub_lo, adv);
	if (gb->chunk[slot] || tmpl_has(gb, slot))
		return RMPSIM__EDIT_REFUSED; /* some entry may be non-zero (view_general's test) */
	int k = tmpl_of_page_2m(gb, slot, head, sub_lo, adv);
	if (k < 0)
		return fill_zero_planned(rmp, spa, head, sub_lo, adv);
	/*
	 * A guest's next 2 MB page, O(1): slot_joins_tmpl on a slot with no chunk
	 * and no template, all zero, so its summaries are zero (summarise_tmpl
	 * need not clear them first).
	 */
	const struct tmpl *t = &gb->tmpl[k];
	uint64_t bit = 1ull << (slot % 64);
	gb->tmask[k][slot / 64] |= bit;
	gb->ntmpl[k]++;
	gb->count[slot] = t->count;
	gb->head[slot / 64] |= t->head ? bit : 0;
	gb->busy[slot / 64] |= t->count ? bit : 0;
	return RMPSIM__EDIT_WRITTEN;
}

/* The general set_slots: planned in two phases as set_range, so that -ENOMEM changes nothing. */
static int set_slots_planned(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t nslots,
			     const struct rmpsim__rmp_shape *sh)
{
	struct rmpsim__sparse *sp = &rmp->u.sparse;
	struct pool pl = { { NULL } };
	struct plan p, p0;
	struct wtmpl wt;
	struct run_chunk tmp;
	struct tmpl rt;
	uint64_t end = spa + nslots * RMPSIM_SZ_2M;

	if (sh->nruns > RMPSIM__SHAPE_RUNS)
		return -EINVAL;
	slots_content(sh, 0, &p0);
	if (nslots == 1) /* one RMPUPDATE of a 2 MB page: one decision, not one per phase */
		return set_one_slot(rmp, spa, &p0, sh->adv);
	/* Phase 1 (as set_range): the blocks phase 2 will take, decided by the same rules. */
	for (uint64_t at = spa; at < end;) {
		uint64_t g = at >> 30;
		const struct rmpsim__sgb *gb = sp->gb[g];
		bool gb_planned = gb != NULL;
		uint64_t k0 = (at - spa) >> 21;
		wtmpl_init(&wt, gb);
		if (at == g << 30 && end >= (g + 1) << 30 &&
		    region_tmpl(&wt, p0.runs, p0.nruns, sh->adv, k0, &rt)) {
			if (!gb_planned && pool_add(rmp, &pl, 0)) {
				pool_drain(rmp, &pl);
				return -ENOMEM;
			}
			at = (g + 1) << 30;
			continue;
		}
		for (; at < end && (at >> 30) == g; at += RMPSIM_SZ_2M) {
			unsigned slot = slot_of(at);
			int err = 0;
			slots_content(sh, (at - spa) >> 21, &p);
			bool as_tmpl = p.nruns && wtmpl_take(&wt, p.runs, p.nruns, sh->adv, slot);
			if (!as_tmpl)
				err = plan_alloc(rmp, &pl, &p, gb ? gb->chunk[slot] : NULL);
			if (!err && p.kind != PLAN_ZERO && !gb_planned) {
				err = pool_add(rmp, &pl, 0);
				gb_planned = true;
			}
			if (err) {
				pool_drain(rmp, &pl);
				return err;
			}
		}
	}
	/* Phase 2. */
	for (uint64_t at = spa; at < end;) {
		uint64_t g = at >> 30;
		struct rmpsim__sgb *gb = sp->gb[g];
		uint64_t k0 = (at - spa) >> 21;
		wtmpl_init(&wt, gb);
		bool whole = at == g << 30 && end >= (g + 1) << 30;
		if (whole && region_tmpl(&wt, p0.runs, p0.nruns, sh->adv, k0, &rt)) {
			if (!gb) {
				gb = pool_take(&pl, 0);
				memset(gb, 0, sizeof(*gb));
				sp->gb[g] = gb;
			}
			region_fill_tmpl(rmp, gb, &rt);
			at = (g + 1) << 30;
			continue;
		}
		for (; at < end && (at >> 30) == g; at += RMPSIM_SZ_2M) {
			unsigned slot = slot_of(at);
			slots_content(sh, (at - spa) >> 21, &p);
			bool as_tmpl = p.nruns && wtmpl_take(&wt, p.runs, p.nruns, sh->adv, slot);
			if (p.kind != PLAN_ZERO && !gb) {
				gb = pool_take(&pl, 0);
				memset(gb, 0, sizeof(*gb));
				sp->gb[g] = gb;
			}
			if (as_tmpl)
				tmpl_apply(rmp, gb, slot, &wt);
			else if (gb)
				apply_chunk(rmp, gb, slot, 0, NPG, NULL, false, &p, &pl,
					    slot_view(gb, slot, &tmp));
		}
		if (gb && !gb->nchunks && !gb->ntmpl[0] && !gb->ntmpl[1]) {
			sp->gb[g] = NULL;
			gb_free(rmp, gb);
		}
	}
	if (RMPSIM_NEVER(!pool_empty(&pl)))
		abort();
	return 0;
}
