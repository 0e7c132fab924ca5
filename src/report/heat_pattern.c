/* SPDX-License-Identifier: MIT */
/*
 * A round pattern's stretches in the busy heatmap (heat.h struct
 * heat_pattern). A round taken from a memo hands out the memo's stretches
 * again at a new send (sim.h rmpsim_round_stretches.pattern); nearly every
 * such round lies within one bin, where each stretch adds its length to its
 * CPU's bin as rmpsim__heat_irqoff would. So such a round is counted in that
 * bin, and the count times each stretch's length goes into the bins before
 * anything reads them (the pass's end) or merges them (a wider bin): sums,
 * so the order does not matter. Other rounds go stretch by stretch.
 */
#include <errno.h>
#include <string.h>

#include "heat.h"

#define WORD_BITS (8 * sizeof(unsigned long))

static bool member(const struct heat_pattern *p, unsigned cpu)
{
	return p->member[cpu / WORD_BITS] >> (cpu % WORD_BITS) & 1;
}

/* Pattern p's pending repeats into the bins. */
static void fold(struct rmpsim__heat *h, struct heat_pattern *p)
{
	for (unsigned b = 0; b < HEAT_BINS; b++) {
		uint64_t k = p->pend[b];
		if (!k)
			continue;
		uint64_t *bin = h->bins + b;
		for (size_t i = 0; i < p->n; i++)
			bin[(size_t)p->cpu[i] * HEAT_BINS] += k * p->len[i];
		p->pend[b] = 0;
	}
	p->pending = false;
}

void rmpsim__heat_patterns_fold(struct rmpsim__heat *h)
{
	if (!h->any_pending)
		return;
	for (unsigned k = 0; k < RMPSIM__ROUND_PATTERNS; k++)
		if (h->pat[k].pending)
			fold(h, &h->pat[k]);
	h->any_pending = false;
}

void rmpsim__heat_patterns_proc(struct rmpsim__heat *h, unsigned cpu, bool proc)
{
	for (unsigned k = 0; k < RMPSIM__ROUND_PATTERNS; k++) {
		struct heat_pattern *p = &h->pat[k];
		if (p->ok && member(p, cpu))
			p->nproc += proc ? 1u : (unsigned)-1;
	}
}

static void pattern_free(struct rmpsim__heat *h, struct heat_pattern *p)
{
	if (p->cpu)
		rmpsim__free(h->alloc, p->cpu, p->cap * sizeof(*p->cpu));
	if (p->len)
		rmpsim__free(h->alloc, p->len, p->cap * sizeof(*p->len));
	if (p->member)
		rmpsim__free(h->alloc, p->member, (h->words ? h->words : 1) * sizeof(*p->member));
	memset(p, 0, sizeof(*p));
}

void rmpsim__heat_patterns_fini(struct rmpsim__heat *h)
{
	for (unsigned k = 0; k < RMPSIM__ROUND_PATTERNS; k++)
		pattern_free(h, &h->pat[k]);
	h->any_pending = false;
}

/* Room for n stretches and the member bitmap; false: no memory (p freed). */
static bool pattern_room(struct rmpsim__heat *h, struct heat_pattern *p, size_t n)
{
	if (!p->member)
		p->member = rmpsim__calloc(h->alloc, h->words ? h->words : 1, sizeof(*p->member));
	if (p->member && n > p->cap) {
		unsigned *cpu = rmpsim__malloc(h->alloc, n * sizeof(*cpu));
		uint64_t *len = rmpsim__malloc(h->alloc, n * sizeof(*len));
		if (p->cpu)
			rmpsim__free(h->alloc, p->cpu, p->cap * sizeof(*p->cpu));
		if (p->len)
			rmpsim__free(h->alloc, p->len, p->cap * sizeof(*p->len));
		p->cpu = cpu;
		p->len = len;
		p->cap = n;
		if (!cpu || !len) {
			pattern_free(h, p); /* frees the one that came */
			return false;
		}
	}
	if (!p->member) {
		pattern_free(h, p);
		return false;
	}
	return true;
}

int rmpsim__heat_pattern_set(struct rmpsim__heat *h, unsigned k, const struct rmpsim_round_stretches *r)
{
	struct heat_pattern *p = &h->pat[k];
	rmpsim__heat_patterns_fold(h); /* what slot k held, before it goes */
	if (p->member)
		memset(p->member, 0, h->words * sizeof(*p->member));
	p->ok = false;
	p->n = 0;
	if (!pattern_room(h, p, r->n))
		return -ENOMEM;
	p->fits = true;
	p->nproc = 0;
	p->max_end = 0;
	for (size_t i = 0; i < r->n; i++) {
		unsigned cpu = r->cpu[i];
		uint64_t end = r->end_off_ps[i], len = r->len_ps[i];
		if (cpu >= h->ncpus)
			continue; /* a CPU the sim lacks, as rmpsim_hist_round_hook */
		p->cpu[p->n] = cpu;
		p->len[p->n++] = len;
		if (!member(p, cpu)) {
			p->member[cpu / WORD_BITS] |= 1ul << (cpu % WORD_BITS);
			p->nproc += h->cpu[cpu].proc;
		}
		p->fits = p->fits && len <= end;
		p->max_end = end > p->max_end ? end : p->max_end;
	}
	p->ok = true;
	return 0;
}

void rmpsim__heat_pattern_round(struct rmpsim__heat *h, unsigned k, const struct rmpsim_round_stretches *r)
{
	struct heat_pattern *p = &h->pat[k];
	uint64_t t0 = r->t0_ps, w = h->width;
	if (p->ok && p->fits && !p->nproc && h->in_pass && t0 >= h->origin) {
		uint64_t base = t0 - h->origin, b = base / w;
		/* every stretch within [send, end of its bin]: rmpsim__heat_round_add's fast path */
		if (b < HEAT_BINS && (b + 1) * w - base >= p->max_end) {
			p->pend[b]++;
			p->pending = true;
			h->any_pending = true;
			return;
		}
	}
	struct rmpsim__heat_round rd;
	rmpsim__heat_round_start(h, t0, &rd);
	for (size_t i = 0; i < r->n; i++)
		if (r->cpu[i] < h->ncpus)
			rmpsim__heat_round_add(h, &rd, r->cpu[i], r->end_off_ps[i], r->len_ps[i]);
}
