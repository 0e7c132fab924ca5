/* SPDX-License-Identifier: MIT */
/*
 * rtla-timerlat-style histograms of the measured pass (timeline.h): the
 * interrupts-off stretches that ended during it, each CPU's busy time in it,
 * and with co-tenant vCPUs their stretches out of the guest (issue 17). Kept per pass from the sim's trace hook (pass marks, IRQOFF records,
 * per-CPU busy counters at the marks); the last completed pass is printed,
 * the one the report measures.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/timeline.h>
#include <rmpsim/workload.h>

#include "base/alloc.h"
#include "heat.h"
#include "hist_col.h"
#include "hist_pattern.h"

#define BUSY_ENTRIES 64
#define VCPU_ENTRIES RMPSIM_COTENANT_HIST_BUCKETS /* as the JSON's stretch_hist_us */
#define MAX_CPU_COLS 16				  /* up to this many CPUs: a column per CPU, else per node */

struct rmpsim_hist {
	const struct rmpsim_allocator *alloc;
	struct rmpsim_sim *sim;
	unsigned ncpus, ncols, nnodes;
	bool per_cpu;
	unsigned *col_of, *node_of;  /* [ncpus] */
	struct column *cur, *last;   /* [ncols] */
	uint64_t *busy_start, *busy; /* [ncpus] ps: at pass start; the last pass's */
	/* Co-tenant stretches out of the guest (A440) that ended in the pass, per column */
	struct column *vcur, *vlast; /* [ncols] */
	bool vcpus_cur, vcpus_last;  /* a CPU had a co-tenant vCPU at the pass's start */
	bool in_pass, have_last;
	struct rmpsim__heat heat;	   /* the HTML heatmap's grid */
	struct rmpsim__hist_patterns pats; /* round patterns' stretches in cur, added once */
	int err;
};

int rmpsim_hist_create(const struct rmpsim_allocator *a, struct rmpsim_hist **ret)
{
	a = rmpsim__alloc_or_default(a);
	if (!ret)
		return -EINVAL;
	struct rmpsim_hist *h = rmpsim__calloc(a, 1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->alloc = a;
	*ret = h;
	return 0;
}

static void run_free(struct rmpsim_hist *h)
{
	rmpsim__free(h->alloc, h->col_of, h->ncpus * sizeof(*h->col_of));
	rmpsim__free(h->alloc, h->node_of, h->ncpus * sizeof(*h->node_of));
	rmpsim__free(h->alloc, h->cur, h->ncols * sizeof(*h->cur));
	rmpsim__free(h->alloc, h->last, h->ncols * sizeof(*h->last));
	rmpsim__free(h->alloc, h->busy_start, h->ncpus * sizeof(uint64_t));
	rmpsim__free(h->alloc, h->busy, h->ncpus * sizeof(uint64_t));
	rmpsim__free(h->alloc, h->vcur, h->ncols * sizeof(*h->vcur));
	rmpsim__free(h->alloc, h->vlast, h->ncols * sizeof(*h->vlast));
	h->col_of = h->node_of = NULL;
	h->cur = h->last = NULL;
	h->vcur = h->vlast = NULL;
	h->vcpus_cur = h->vcpus_last = false;
	h->busy_start = h->busy = NULL;
	rmpsim__heat_fini(&h->heat);
	rmpsim__hist_patterns_fini(&h->pats);
	h->sim = NULL;
	h->ncpus = h->ncols = 0;
	h->in_pass = h->have_last = false;
}

void rmpsim_hist_destroy(struct rmpsim_hist *h)
{
	if (!h)
		return;
	run_free(h);
	rmpsim__free(h->alloc, h, sizeof(*h));
}

static void run_start(struct rmpsim_hist *h, struct rmpsim_sim *sim)
{
	unsigned n = rmpsim_sim_ncpus(sim), nodes = 0;
	h->sim = sim;
	h->ncpus = n;
	h->per_cpu = n <= MAX_CPU_COLS;
	for (unsigned i = 0; i < n; i++) {
		unsigned nd = rmpsim_sim_cpu_node(sim, i) + 1;
		nodes = nd > nodes ? nd : nodes;
	}
	h->ncols = h->per_cpu ? n : nodes;
	h->nnodes = nodes;
	h->col_of = rmpsim__calloc(h->alloc, n, sizeof(*h->col_of));
	h->node_of = rmpsim__calloc(h->alloc, n, sizeof(*h->node_of));
	h->cur = rmpsim__calloc(h->alloc, h->ncols, sizeof(*h->cur));
	h->last = rmpsim__calloc(h->alloc, h->ncols, sizeof(*h->last));
	h->busy_start = rmpsim__calloc(h->alloc, n, sizeof(uint64_t));
	h->busy = rmpsim__calloc(h->alloc, n, sizeof(uint64_t));
	h->vcur = rmpsim__calloc(h->alloc, h->ncols, sizeof(*h->vcur));
	h->vlast = rmpsim__calloc(h->alloc, h->ncols, sizeof(*h->vlast));
	rmpsim__hist_patterns_init(&h->pats, h->alloc, h->ncols);
	if (!h->col_of || !h->node_of || !h->cur || !h->last || !h->busy_start || !h->busy || !h->vcur ||
	    !h->vlast || rmpsim__heat_init(&h->heat, h->alloc, n)) {
		h->err = -ENOMEM;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		h->node_of[i] = rmpsim_sim_cpu_node(sim, i);
		h->col_of[i] = h->per_cpu ? i : h->node_of[i];
	}
}

static uint64_t busy_now(struct rmpsim_hist *h, unsigned cpu)
{
	struct rmpsim_cpu_stats st;
	memset(&st, 0, sizeof(st));
	rmpsim_sim_cpu_stats(h->sim, cpu, &st);
	return st.busy_ps;
}

/* Empty columns: min starts above any stretch, so rmpsim__hist_add() needs no test of count. */
static void columns_clear(struct column *c, unsigned n)
{
	memset(c, 0, n * sizeof(*c));
	for (unsigned i = 0; i < n; i++)
		c[i].min = UINT64_MAX;
}

static void on_mark(struct rmpsim_hist *h, const struct rmpsim_trace_rec *rec)
{
	const struct rmpsim_mark *m = rmpsim_sim_mark_get(h->sim, rec->id);
	if (!m)
		return;
	if (!strcmp(m->name, "rmpopt_pass_start")) {
		columns_clear(h->cur, h->ncols);
		columns_clear(h->vcur, h->ncols);
		rmpsim__hist_patterns_drop(&h->pats); /* repeats in a pass never done */
		h->vcpus_cur = false;
		for (unsigned i = 0; i < h->ncpus; i++) {
			h->busy_start[i] = busy_now(h, i);
			h->vcpus_cur = h->vcpus_cur || rmpsim_sim_cpu_has_vcpu(h->sim, i);
		}
		rmpsim__heat_pass_start(&h->heat, rec->time_ps);
		h->in_pass = true;
	} else if (!strcmp(m->name, "rmpopt_pass_done") && h->in_pass) {
		for (unsigned i = 0; i < h->ncpus; i++)
			h->busy[i] = busy_now(h, i) - h->busy_start[i];
		rmpsim__hist_patterns_fold(&h->pats, h->cur);
		memcpy(h->last, h->cur, h->ncols * sizeof(*h->cur));
		memcpy(h->vlast, h->vcur, h->ncols * sizeof(*h->vcur));
		h->vcpus_last = h->vcpus_cur;
		rmpsim__heat_pass_done(&h->heat, rec->time_ps);
		h->in_pass = false;
		h->have_last = true;
	}
}

/* An interrupts-off stretch ended in the pass on cpu < ncpus: the hot record (one per
 * handler stretch, about 24 million in the default run), kept to a few additions. */
static void on_irqoff(struct rmpsim_hist *h, const struct rmpsim_trace_rec *rec)
{
	/* Stretches that ended during the pass, as the report's irq_off_max_ns (A116). */
	rmpsim__hist_add(&h->cur[h->col_of[rec->cpu]], rec->a, rec->a / PS_PER_US, IRQOFF_ENTRIES);
	rmpsim__heat_irqoff(&h->heat, rec->cpu, rec->time_ps, rec->a);
}

void rmpsim_hist_hook(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_trace_rec *rec)
{
	struct rmpsim_hist *h = ctx;
	if (!h || !rec)
		return;
	if (rec->kind == RMPSIM_TRACE_IRQOFF) {
		/* in_pass: the run started without error and a pass is under way (the heatmap
		 * keeps nothing outside one either) */
		if (h->in_pass && rec->cpu < h->ncpus)
			on_irqoff(h, rec);
		return;
	}
	if (h->err || (!h->sim && !sim))
		return;
	if (!h->sim)
		run_start(h, sim);
	if (h->err)
		return;
	rmpsim__heat_record(&h->heat, rec);
	if (rec->kind == RMPSIM_TRACE_MARK)
		on_mark(h, rec);
	else if (rec->kind == RMPSIM_TRACE_VCPU && h->in_pass && rec->cpu < h->ncpus)
		/* Stretches that ended during the pass, as the JSON's stretch_hist_us (A440) */
		rmpsim__hist_add(&h->vcur[h->col_of[rec->cpu]], rec->a, rec->a / PS_PER_US, VCPU_ENTRIES);
}

void rmpsim_hist_round_hook(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_round_stretches *r)
{
	struct rmpsim_hist *h = ctx;
	if (!h || !r || !h->in_pass)
		return;
	/* a memo's stretches again: counted once more (hist_pattern.c) */
	if (r->pattern && sim == h->sim &&
	    !rmpsim__hist_pattern_round(&h->pats, &h->heat, h->cur, h->col_of, h->ncpus, r))
		return;
	/* as on_irqoff() on each of the round's IRQOFF records, in their order; locals
	 * because the compiler cannot tell the counters from the round's arrays */
	struct rmpsim__heat_round rd;
	rmpsim__heat_round_start(&h->heat, r->t0_ps, &rd);
	const unsigned *cpus = r->cpu, *col_of = h->col_of;
	const uint64_t *end = r->end_off_ps, *len = r->len_ps;
	struct column *cols = h->cur;
	unsigned ncpus = h->ncpus;
	for (size_t i = 0, n = r->n; i < n; i++) {
		unsigned cpu = cpus[i];
		uint64_t l = len[i];
		if (cpu >= ncpus)
			continue; /* a CPU the sim lacks, as on_irqoff() */
		rmpsim__hist_add(&cols[col_of[cpu]], l, l / PS_PER_US, IRQOFF_ENTRIES);
		rmpsim__heat_round_add(&h->heat, &rd, cpu, end[i], l);
	}
}

/* ---- Printing ---- */

static void header(FILE *f, bool per_cpu, unsigned ncols, const char *label, const char *what,
		   uint64_t bucket_us, const char *counts)
{
	fprintf(f, "# rmpsim histogram: %s, the measured pass: %s\n", label, what);
	fprintf(f, "# Time unit is microseconds (us)\n");
	fprintf(f, "# Bucket size is %" PRIu64 " us; each count is %s; columns are %s\n", bucket_us, counts,
		per_cpu ? "CPUs" : "NUMA nodes");
	fprintf(f, "Index ");
	for (unsigned c = 0; c < ncols; c++)
		fprintf(f, " %s-%03u", per_cpu ? "  CPU" : " NODE", c);
	fprintf(f, "\n");
}

static void body(FILE *f, unsigned ncols, const struct column *cols, size_t entries, uint64_t bucket_us)
{
	for (size_t b = 0; b < entries; b++) {
		bool any = false;
		for (unsigned c = 0; c < ncols; c++)
			any = any || cols[c].bucket[b];
		if (!any)
			continue; /* as rtla without --with-zeros */
		fprintf(f, "%-6" PRIu64, (uint64_t)b * bucket_us);
		for (unsigned c = 0; c < ncols; c++)
			fprintf(f, " %9" PRIu64, cols[c].bucket[b]);
		fprintf(f, "\n");
	}
	static const char *const rows[] = { "over: ", "count:", "min:  ", "avg:  ", "max:  " };
	for (size_t r = 0; r < 5; r++) {
		fprintf(f, "%s", rows[r]);
		for (unsigned c = 0; c < ncols; c++) {
			const struct column *k = &cols[c];
			uint64_t v = r == 0   ? k->over
				     : r == 1 ? k->count
				     : r == 2 ? k->min / PS_PER_US
				     : r == 3 ? (k->count ? k->sum / k->count / PS_PER_US : 0)
					      : k->max / PS_PER_US;
			if (r >= 2 && !k->count)
				fprintf(f, " %9s", "-");
			else
				fprintf(f, " %9" PRIu64, v);
		}
		fprintf(f, "\n");
	}
}

/* The smallest 1-2-5 bucket (us) that puts max_ps in fewer than BUSY_ENTRIES buckets (A253). */
static uint64_t busy_bucket_us(uint64_t max_ps)
{
	static const uint64_t steps[] = { 1, 2, 5 };
	for (uint64_t scale = 1;; scale *= 10) {
		for (size_t i = 0; i < 3; i++) {
			uint64_t b = steps[i] * scale;
			if (max_ps / PS_PER_US / b < BUSY_ENTRIES)
				return b;
		}
	}
}

int rmpsim_hist_write_run(struct rmpsim_hist *h, FILE *f, const char *label)
{
	if (!h || !f)
		return -EINVAL;
	if (!label)
		label = "";
	int r = h->err;
	if (!r && !h->have_last) {
		fprintf(f, "# rmpsim histogram: %s: no pass completed\n\n", label);
	} else if (!r) {
		header(f, h->per_cpu, h->ncols, label, "interrupts-off stretches", 1, "a stretch");
		body(f, h->ncols, h->last, IRQOFF_ENTRIES, 1);
		fprintf(f, "\n");
		/* Per-CPU busy time, a column per node (A253): each CPU counted once. */
		uint64_t max = 0;
		for (unsigned i = 0; i < h->ncpus; i++)
			max = h->busy[i] > max ? h->busy[i] : max;
		uint64_t bucket = busy_bucket_us(max);
		columns_clear(h->cur, h->ncols);
		for (unsigned i = 0; i < h->ncpus; i++)
			rmpsim__hist_add(&h->cur[h->node_of[i]], h->busy[i], h->busy[i] / PS_PER_US / bucket,
					 BUSY_ENTRIES);
		header(f, false, h->nnodes, label, "busy time per CPU", bucket, "a CPU");
		body(f, h->nnodes, h->cur, BUSY_ENTRIES, bucket);
		fprintf(f, "\n");
		if (h->vcpus_last) { /* issue 17: only runs with co-tenant vCPUs, so others keep their bytes */
			header(f, h->per_cpu, h->ncols, label,
			       "co-tenant stretches out of the guest (VM exit + host work + VM entry)", 1,
			       "a stretch");
			body(f, h->ncols, h->vlast, VCPU_ENTRIES, 1);
			fprintf(f, "\n");
		}
	}
	if (!r && ferror(f))
		r = -EIO;
	run_free(h);
	h->err = 0;
	return r;
}

static int by_busy_desc(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a > b ? -1 : a < b;
}

int rmpsim_hist_take_run(const struct rmpsim_hist *h, struct rmpsim_pass_profile *ret)
{
	if (!h || !ret)
		return -EINVAL;
	memset(ret, 0, sizeof(*ret));
	if (h->err)
		return h->err;
	if (!h->have_last)
		return -ENOENT;
	ret->busy_ps = malloc((h->ncpus ? h->ncpus : 1) * sizeof(uint64_t));
	if (!ret->busy_ps)
		return -ENOMEM;
	memcpy(ret->busy_ps, h->busy, h->ncpus * sizeof(uint64_t));
	qsort(ret->busy_ps, h->ncpus, sizeof(uint64_t), by_busy_desc);
	ret->ncpus = h->ncpus;
	for (unsigned c = 0; c < h->ncols; c++) {
		const struct column *k = &h->last[c];
		for (size_t b = 0; b < IRQOFF_ENTRIES; b++) {
			if (b < RMPSIM_PROFILE_IRQOFF_BUCKETS)
				ret->irqoff[b] += k->bucket[b];
			else
				ret->irqoff_over += k->bucket[b];
		}
		ret->irqoff_over += k->over;
	}
	int r = rmpsim__heat_take(&h->heat, ret);
	if (r)
		rmpsim_pass_profile_free(ret);
	return r;
}

void rmpsim_hist_end_run(struct rmpsim_hist *h)
{
	if (!h)
		return;
	run_free(h);
	h->err = 0;
}

void rmpsim_pass_profile_free(struct rmpsim_pass_profile *p)
{
	if (!p)
		return;
	free(p->busy_ps);
	free(p->heat_bp);
	memset(p, 0, sizeof(*p));
}
