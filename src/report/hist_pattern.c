/* SPDX-License-Identifier: MIT */
/* Round patterns in the interrupts-off histogram (hist_pattern.h). */
#include <errno.h>
#include <string.h>

#include "hist_pattern.h"

#define NBUCKETS (IRQOFF_ENTRIES + 1) /* the buckets and over */

void rmpsim__hist_patterns_init(struct rmpsim__hist_patterns *ps, const struct rmpsim_allocator *a,
				unsigned ncols)
{
	memset(ps, 0, sizeof(*ps));
	ps->alloc = a;
	ps->ncols = ncols;
}

static void slot_free(struct rmpsim__hist_patterns *ps, struct hist_pattern *p)
{
	if (p->b)
		rmpsim__free(ps->alloc, p->b, p->cap * sizeof(*p->b));
	if (p->c)
		rmpsim__free(ps->alloc, p->c, p->cap * sizeof(*p->c));
	memset(p, 0, sizeof(*p));
}

void rmpsim__hist_patterns_fini(struct rmpsim__hist_patterns *ps)
{
	if (!ps->alloc)
		return; /* never set up, or freed already */
	for (unsigned k = 0; k < RMPSIM__ROUND_PATTERNS; k++)
		slot_free(ps, &ps->p[k]);
	if (ps->at_b)
		rmpsim__free(ps->alloc, ps->at_b, (size_t)ps->ncols * NBUCKETS * sizeof(*ps->at_b));
	if (ps->at_c)
		rmpsim__free(ps->alloc, ps->at_c, ps->ncols * sizeof(*ps->at_c));
	memset(ps, 0, sizeof(*ps));
}

/* Pattern p's pending rounds into cols: as rmpsim__hist_add on each stretch, mult times. */
static void fold(struct hist_pattern *p, struct column *cols)
{
	uint64_t m = p->mult;
	if (!m)
		return;
	for (size_t i = 0; i < p->nc; i++) {
		const struct hist_pattern_col *pc = &p->c[i];
		struct column *c = &cols[pc->col];
		c->count += m * pc->count;
		c->sum += m * pc->sum;
		c->min = pc->min < c->min ? pc->min : c->min;
		c->max = pc->max > c->max ? pc->max : c->max;
	}
	for (size_t i = 0; i < p->nb; i++) {
		const struct hist_pattern_bucket *pb = &p->b[i];
		if (pb->bucket < IRQOFF_ENTRIES)
			cols[pb->col].bucket[pb->bucket] += m * pb->count;
		else
			cols[pb->col].over += m * pb->count;
	}
	p->mult = 0;
}

void rmpsim__hist_patterns_fold(struct rmpsim__hist_patterns *ps, struct column *cols)
{
	for (unsigned k = 0; k < RMPSIM__ROUND_PATTERNS; k++)
		fold(&ps->p[k], cols);
}

void rmpsim__hist_patterns_drop(struct rmpsim__hist_patterns *ps)
{
	for (unsigned k = 0; k < RMPSIM__ROUND_PATTERNS; k++)
		ps->p[k].mult = 0;
}

/* Room for n stretches' entries and the build's index tables; false: no memory. */
static bool slot_room(struct rmpsim__hist_patterns *ps, struct hist_pattern *p, size_t n)
{
	if (!ps->at_b)
		ps->at_b = rmpsim__calloc(ps->alloc, (size_t)ps->ncols * NBUCKETS, sizeof(*ps->at_b));
	if (!ps->at_c)
		ps->at_c = rmpsim__calloc(ps->alloc, ps->ncols, sizeof(*ps->at_c));
	if (!ps->at_b || !ps->at_c)
		return false;
	if (n <= p->cap)
		return true;
	if (p->b)
		rmpsim__free(ps->alloc, p->b, p->cap * sizeof(*p->b));
	if (p->c)
		rmpsim__free(ps->alloc, p->c, p->cap * sizeof(*p->c));
	p->b = rmpsim__malloc(ps->alloc, n * sizeof(*p->b));
	p->c = rmpsim__malloc(ps->alloc, n * sizeof(*p->c));
	p->cap = n;
	return p->b && p->c;
}

/* What r's stretches add to the columns, into p (its old content folded already). */
static int build(struct rmpsim__hist_patterns *ps, struct hist_pattern *p, const unsigned *col_of,
		 unsigned ncpus, const struct rmpsim_round_stretches *r)
{
	if (!slot_room(ps, p, r->n)) {
		slot_free(ps, p);
		return -ENOMEM;
	}
	uint32_t *at_b = ps->at_b, *at_c = ps->at_c;
	size_t nb = 0, nc = 0;
	for (size_t i = 0; i < r->n; i++) {
		unsigned cpu = r->cpu[i];
		uint64_t l = r->len_ps[i];
		if (cpu >= ncpus)
			continue; /* a CPU the sim lacks, as on_irqoff() */
		unsigned col = col_of[cpu];
		uint64_t bucket = l / PS_PER_US < IRQOFF_ENTRIES ? l / PS_PER_US : IRQOFF_ENTRIES;
		uint32_t *ib = &at_b[(size_t)col * NBUCKETS + bucket];
		if (!*ib) {
			p->b[nb] = (struct hist_pattern_bucket){ .col = col, .bucket = (unsigned)bucket };
			*ib = (uint32_t)++nb;
		}
		p->b[*ib - 1].count++;
		if (!at_c[col]) {
			p->c[nc] = (struct hist_pattern_col){ .col = col, .min = UINT64_MAX };
			at_c[col] = (uint32_t)++nc;
		}
		struct hist_pattern_col *pc = &p->c[at_c[col] - 1];
		pc->count++;
		pc->sum += l;
		pc->min = l < pc->min ? l : pc->min;
		pc->max = l > pc->max ? l : pc->max;
	}
	for (size_t i = 0; i < nb; i++) /* the index tables empty again */
		at_b[(size_t)p->b[i].col * NBUCKETS + p->b[i].bucket] = 0;
	for (size_t i = 0; i < nc; i++)
		at_c[p->c[i].col] = 0;
	p->nb = nb;
	p->nc = nc;
	p->key = r->pattern;
	p->gen = r->pattern_gen;
	p->mult = 0;
	return 0;
}

/* The slot of r's pattern: found, or built in the slot of an older generation of
 * it, a free one or the least recently used (its pending rounds folded first). */
static int slot_of(struct rmpsim__hist_patterns *ps, struct rmpsim__heat *heat, struct column *cols,
		   const unsigned *col_of, unsigned ncpus, const struct rmpsim_round_stretches *r)
{
	unsigned victim = 0;
	for (unsigned k = 0; k < RMPSIM__ROUND_PATTERNS; k++) {
		const struct hist_pattern *p = &ps->p[k];
		if (p->key == r->pattern && p->gen == r->pattern_gen)
			return (int)k;
		const struct hist_pattern *v = &ps->p[victim];
		bool v_same = v->key == r->pattern, same = p->key == r->pattern;
		/* an old generation of this pattern (never seen again) first, then a free
		 * slot, then the least recent */
		if (!v_same && (same || (v->key && (!p->key || p->used < v->used))))
			victim = k;
	}
	struct hist_pattern *p = &ps->p[victim];
	fold(p, cols);
	int err = build(ps, p, col_of, ncpus, r);
	if (err)
		return err;
	/* the heatmap's part of the slot; without it, the heatmap takes the stretches one by one */
	(void)rmpsim__heat_pattern_set(heat, victim, r);
	return (int)victim;
}

int rmpsim__hist_pattern_round(struct rmpsim__hist_patterns *ps, struct rmpsim__heat *heat,
			       struct column *cols, const unsigned *col_of, unsigned ncpus,
			       const struct rmpsim_round_stretches *r)
{
	int k = slot_of(ps, heat, cols, col_of, ncpus, r);
	if (k < 0)
		return k;
	struct hist_pattern *p = &ps->p[k];
	p->mult++;
	p->used = ++ps->clock;
	rmpsim__heat_pattern_round(heat, (unsigned)k, r);
	return 0;
}
