/* SPDX-License-Identifier: MIT */
/* Busy time per CPU and time bin over the measured pass (heat.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "heat.h"

#define HEAT_ROWS     64u	 /* CPUs grouped into at most this many rows */
#define HEAT_FIRST_PS 1000000ull /* 1 us: the first bin width */

int rmpsim__heat_init(struct rmpsim__heat *h, const struct rmpsim_allocator *a, unsigned ncpus)
{
	memset(h, 0, sizeof(*h));
	h->alloc = a;
	h->ncpus = ncpus;
	h->words = (ncpus + 8 * sizeof(unsigned long) - 1) / (8 * sizeof(unsigned long));
	h->cpu = rmpsim__calloc(a, ncpus ? ncpus : 1, sizeof(*h->cpu));
	h->bins = rmpsim__calloc(a, (size_t)(ncpus ? ncpus : 1) * HEAT_BINS, sizeof(*h->bins));
	return h->cpu && h->bins ? 0 : -ENOMEM;
}

void rmpsim__heat_fini(struct rmpsim__heat *h)
{
	if (!h->alloc)
		return; /* never set up, or freed already (a run's end, then destroy) */
	unsigned n = h->ncpus ? h->ncpus : 1;
	rmpsim__heat_patterns_fini(h);
	rmpsim__free(h->alloc, h->cpu, n * sizeof(*h->cpu));
	rmpsim__free(h->alloc, h->bins, (size_t)n * HEAT_BINS * sizeof(*h->bins));
	rmpsim__free(h->alloc, h->last, (size_t)h->last_rows * h->last_cols * sizeof(*h->last));
	memset(h, 0, sizeof(*h));
}

/* Double the bin width until t (ps from the origin) fits: pairs of bins merge. */
static void widen(struct rmpsim__heat *h, uint64_t t)
{
	if (t > (uint64_t)HEAT_BINS * h->width)
		rmpsim__heat_patterns_fold(h); /* their pending repeats are in the bins of this width */
	while (t > (uint64_t)HEAT_BINS * h->width) {
		for (unsigned c = 0; c < h->ncpus; c++) {
			uint64_t *b = h->bins + (size_t)c * HEAT_BINS;
			for (unsigned i = 0; i < HEAT_BINS / 2; i++)
				b[i] = b[2 * i] + b[2 * i + 1];
			memset(b + HEAT_BINS / 2, 0, HEAT_BINS / 2 * sizeof(*b));
		}
		h->width *= 2;
	}
}

/* Busy [s, e) on cpu, clipped to the pass. Called for every handler stretch on an
 * idle CPU (about 24 million in the default run): nearly all fall in one bin. */
void rmpsim__heat_add_busy(struct rmpsim__heat *h, unsigned cpu, uint64_t s, uint64_t e)
{
	if (!h->in_pass || e <= h->origin)
		return;
	s = s > h->origin ? s - h->origin : 0;
	e -= h->origin;
	if (e <= s)
		return;
	if (e > (uint64_t)HEAT_BINS * h->width)
		widen(h, e);
	uint64_t *b = h->bins + (size_t)cpu * HEAT_BINS, w = h->width;
	uint64_t i = s / w;
	if (e <= (i + 1) * w) { /* within bin i */
		b[i] += e - s;
		return;
	}
	for (; i < HEAT_BINS && i * w < e; i++) {
		uint64_t lo = i * w, hi = lo + w;
		b[i] += (e < hi ? e : hi) - (s > lo ? s : lo);
	}
}

void rmpsim__heat_round_start(struct rmpsim__heat *h, uint64_t t0, struct rmpsim__heat_round *rd)
{
	uint64_t w = h->width;
	rd->t0 = t0;
	rd->width = w;
	rd->bin = h->bins;
	rd->room = 0; /* before the pass, or beyond the bins: the general way */
	if (!h->in_pass || t0 < h->origin || t0 - h->origin >= (uint64_t)HEAT_BINS * w)
		return;
	uint64_t base = t0 - h->origin, k = base / w;
	rd->bin = h->bins + k;
	rd->room = (k + 1) * w - base;
}

void rmpsim__heat_round_slow(struct rmpsim__heat *h, struct rmpsim__heat_round *rd, unsigned cpu,
			     uint64_t end_off, uint64_t len)
{
	if (!rd->room && !end_off && !len)
		return; /* the fast path's no-op */
	rmpsim__heat_irqoff(h, cpu, rd->t0 + end_off, len);
	if (h->width != rd->width) /* the bins widened: the send's bin moved */
		rmpsim__heat_round_start(h, rd->t0, rd);
}

static bool busy(const struct heat_cpu *c)
{
	return c->proc;
}

/* A process starts or stops running on the CPU at now. */
static void set(struct rmpsim__heat *h, unsigned cpu, bool proc, uint64_t now)
{
	struct heat_cpu *c = &h->cpu[cpu];
	if (c->proc != proc)
		rmpsim__heat_patterns_proc(h, cpu, proc);
	if (c->proc && !proc)
		rmpsim__heat_add_busy(h, cpu, c->since, now);
	else if (!c->proc && proc)
		c->since = now;
	c->proc = proc;
}

void rmpsim__heat_record(struct rmpsim__heat *h, const struct rmpsim_trace_rec *rec)
{
	unsigned cpu = rec->cpu;
	if (cpu >= h->ncpus)
		return;
	struct heat_cpu *c = &h->cpu[cpu];
	switch (rec->kind) {
	case RMPSIM_TRACE_PROC_RUN:
		c->proc_id = rec->id;
		set(h, cpu, true, rec->time_ps);
		break;
	case RMPSIM_TRACE_PROC_STOP:
		/* a = 3: a sleep ended (the process is not on the CPU) */
		if (rec->a <= 2 && c->proc && c->proc_id == rec->id)
			set(h, cpu, false, rec->time_ps);
		break;
	case RMPSIM_TRACE_IRQOFF: rmpsim__heat_irqoff(h, cpu, rec->time_ps, rec->a); break;
	default: break;
	}
}

void rmpsim__heat_pass_start(struct rmpsim__heat *h, uint64_t now)
{
	memset(h->bins, 0, (size_t)h->ncpus * HEAT_BINS * sizeof(*h->bins));
	for (unsigned k = 0; k < RMPSIM__ROUND_PATTERNS; k++) { /* repeats of a pass never done */
		memset(h->pat[k].pend, 0, sizeof(h->pat[k].pend));
		h->pat[k].pending = false;
	}
	h->any_pending = false;
	h->origin = now;
	h->width = HEAT_FIRST_PS;
	h->in_pass = true;
	for (unsigned c = 0; c < h->ncpus; c++)
		if (busy(&h->cpu[c]))
			h->cpu[c].since = now; /* busy before the pass: counted from its start */
}

void rmpsim__heat_pass_done(struct rmpsim__heat *h, uint64_t now)
{
	if (!h->in_pass)
		return;
	rmpsim__heat_patterns_fold(h);
	for (unsigned c = 0; c < h->ncpus; c++) {
		if (busy(&h->cpu[c])) {
			rmpsim__heat_add_busy(h, c, h->cpu[c].since, now);
			h->cpu[c].since = now;
		}
	}
	widen(h, now - h->origin);
	unsigned per_row = (h->ncpus + HEAT_ROWS - 1) / HEAT_ROWS;
	per_row = per_row ? per_row : 1;
	unsigned rows = (h->ncpus + per_row - 1) / per_row;
	uint64_t len = now - h->origin;
	unsigned cols = (unsigned)((len + h->width - 1) / h->width);
	cols = cols ? cols : 1;
	uint16_t *grid = rmpsim__calloc(h->alloc, (size_t)rows * cols, sizeof(*grid));
	if (grid) {
		for (unsigned r = 0; r < rows; r++) {
			unsigned c0 = r * per_row, c1 = c0 + per_row < h->ncpus ? c0 + per_row : h->ncpus;
			for (unsigned k = 0; k < cols; k++) {
				/* the last bin is cut by the pass end */
				uint64_t w = k + 1 == cols ? len - (uint64_t)k * h->width : h->width;
				/* the busiest CPU of the group: one pegged CPU shows among idle ones */
				uint64_t most = 0;
				for (unsigned c = c0; c < c1; c++) {
					uint64_t b = h->bins[(size_t)c * HEAT_BINS + k];
					most = b > most ? b : most;
				}
				uint64_t bp = w ? (most * 10000 + w / 2) / w : 0;
				grid[(size_t)r * cols + k] = (uint16_t)(bp > 10000 ? 10000 : bp);
			}
		}
	}
	rmpsim__free(h->alloc, h->last, (size_t)h->last_rows * h->last_cols * sizeof(*h->last));
	h->last = grid;
	h->last_rows = grid ? rows : 0;
	h->last_cols = grid ? cols : 0;
	h->last_cpus_per_row = per_row;
	h->last_width = h->width;
	h->in_pass = false;
}

int rmpsim__heat_take(const struct rmpsim__heat *h, struct rmpsim_pass_profile *ret)
{
	size_t n = (size_t)h->last_rows * h->last_cols;
	if (!h->last)
		return 0; /* no grid (no memory when the pass ended): no heatmap */
	ret->heat_bp = malloc(n * sizeof(*ret->heat_bp));
	if (!ret->heat_bp)
		return -ENOMEM;
	memcpy(ret->heat_bp, h->last, n * sizeof(*ret->heat_bp));
	ret->heat_rows = h->last_rows;
	ret->heat_cols = h->last_cols;
	ret->heat_cpus_per_row = h->last_cpus_per_row;
	ret->heat_bin_ps = h->last_width;
	return 0;
}
