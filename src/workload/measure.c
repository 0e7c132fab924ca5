/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include <rmpsim/machine.h>

#include "base/alloc.h"
#include "measure.h"

int rmpsim__measure_init(struct rmpsim__measure *ms, const struct rmpsim_allocator *a, struct rmpsim_sim *sim)
{
	memset(ms, 0, sizeof(*ms));
	ms->alloc = rmpsim__alloc_or_default(a);
	ms->sim = sim;
	ms->ncpus = rmpsim_sim_ncpus(sim);
	ms->busy = rmpsim__calloc(ms->alloc, ms->ncpus, sizeof(*ms->busy));
	ms->at_start = rmpsim__calloc(ms->alloc, ms->ncpus, sizeof(*ms->at_start));
	ms->delta = rmpsim__calloc(ms->alloc, ms->ncpus, sizeof(*ms->delta));
	if (!ms->busy || !ms->at_start || !ms->delta) {
		rmpsim__measure_fini(ms);
		return -ENOMEM;
	}
	return 0;
}

void rmpsim__measure_fini(struct rmpsim__measure *ms)
{
	if (!ms->alloc)
		return;
	rmpsim__free(ms->alloc, ms->busy, ms->ncpus * sizeof(*ms->busy));
	rmpsim__free(ms->alloc, ms->at_start, ms->ncpus * sizeof(*ms->at_start));
	rmpsim__free(ms->alloc, ms->delta, ms->ncpus * sizeof(*ms->delta));
	if (ms->vc) {
		rmpsim__free(ms->alloc, ms->vc->v, 6 * (size_t)ms->ncpus * sizeof(*ms->vc->v));
		rmpsim__free(ms->alloc, ms->vc, sizeof(*ms->vc));
	}
	memset(ms, 0, sizeof(*ms));
}

size_t rmpsim__measure_bytes(const struct rmpsim__measure *ms)
{
	return sizeof(*ms) + ms->ncpus * (sizeof(*ms->busy) + sizeof(*ms->at_start) + sizeof(*ms->delta)) +
	       (ms->vc ? sizeof(*ms->vc) + 6 * (size_t)ms->ncpus * sizeof(*ms->vc->v) : 0);
}

static void read_cpu(struct rmpsim_sim *sim, unsigned c, struct rmpsim__cpu_snap *ret)
{
	struct rmpsim_cpu_stats st;

	memset(&st, 0, sizeof(st));
	rmpsim_sim_cpu_stats(sim, c, &st);
	ret->busy_ps = st.busy_ps;
	ret->ipis = st.ipis;
	memcpy(ret->rmpopt, st.rmpopt, sizeof(ret->rmpopt));
	ret->rmpopt_ps = st.rmpopt_ps;
	ret->lines = st.rmpopt_lines;
	ret->dram_lines = st.rmpopt_dram_lines;
}

/* The interval ending at this mark (since the previous one), added to the open pass. */
static void fold_interval(struct rmpsim__measure *ms, bool into_open)
{
	uint64_t lo, hi;
	struct rmpsim_rise rises[RMPSIM_RISES_MAX];

	/* Both calls also start the sim's next interval: made at every mark. */
	rmpsim_sim_rmpopt_window(ms->sim, &lo, &hi);
	size_t nr = rmpsim_sim_rmpopt_rises(ms->sim, rises, RMPSIM_RISES_MAX);
	nr = nr < RMPSIM_RISES_MAX ? nr : RMPSIM_RISES_MAX;
	uint64_t irq = ms->irqoff_cur;
	ms->irqoff_cur = 0;
	if (!into_open)
		return;
	struct rmpsim__pass_agg *p = &ms->cur;
	if (irq > p->irqoff_ps)
		p->irqoff_ps = irq;
	if (hi) {
		if (!p->rmpopt_max_ps || lo < p->rmpopt_min_ps)
			p->rmpopt_min_ps = lo;
		if (hi > p->rmpopt_max_ps)
			p->rmpopt_max_ps = hi;
	}
	/* Every rise of the pass is a rise of its interval: keep those that beat all before. */
	for (size_t j = 0; j < nr; j++) {
		if (rises[j].ps <= p->run_max_ps)
			continue;
		p->run_max_ps = rises[j].ps;
		if (p->nrises < RMPSIM__MEASURE_RISES) {
			p->rises[p->nrises].cpu = rises[j].cpu;
			p->rises[p->nrises].ps = rises[j].ps;
			p->nrises++;
		}
	}
}

/* ---- Co-tenant vCPUs (A440-A443) ---- */

/* At pass_start: the vCPU counters, once a CPU has a vCPU. */
static void vcpu_pass_start(struct rmpsim__measure *ms)
{
	unsigned n = ms->ncpus;
	bool any = ms->vc != NULL;
	for (unsigned c = 0; c < n && !any; c++)
		any = rmpsim_sim_cpu_has_vcpu(ms->sim, c);
	if (!any || ms->err)
		return;
	if (!ms->vc) {
		ms->vc = rmpsim__calloc(ms->alloc, 1, sizeof(*ms->vc));
		if (ms->vc)
			ms->vc->v = rmpsim__calloc(ms->alloc, 6 * (size_t)n, sizeof(*ms->vc->v));
		if (!ms->vc || !ms->vc->v) {
			rmpsim__free(ms->alloc, ms->vc, sizeof(*ms->vc));
			ms->vc = NULL;
			ms->err = -ENOMEM;
			return;
		}
	}
	uint64_t *v = ms->vc->v;
	for (unsigned c = 0; c < n; c++) {
		struct rmpsim_cpu_stats st;
		memset(&st, 0, sizeof(st));
		rmpsim_sim_cpu_stats(ms->sim, c, &st);
		v[c] = st.vcpu_exits;
		v[n + c] = st.vcpu_stolen_ps; /* an open stretch counts so far */
		v[2 * n + c] = 0;
	}
	memset(ms->vc->hist, 0, sizeof(ms->vc->hist));
}

static void vcpu_pass_done(struct rmpsim__measure *ms)
{
	unsigned n = ms->ncpus;
	if (!ms->vc)
		return;
	uint64_t *v = ms->vc->v;
	for (unsigned c = 0; c < n; c++) {
		struct rmpsim_cpu_stats st;
		memset(&st, 0, sizeof(st));
		rmpsim_sim_cpu_stats(ms->sim, c, &st);
		v[3 * n + c] = st.vcpu_exits - v[c];
		v[4 * n + c] = st.vcpu_stolen_ps - v[n + c];
		/* a stretch still open (a pinned vCPU under the worker) counts so far */
		v[5 * n + c] = v[2 * n + c] > st.vcpu_open_ps ? v[2 * n + c] : st.vcpu_open_ps;
	}
	memcpy(ms->vc->hist_last, ms->vc->hist, sizeof(ms->vc->hist));
	ms->vc->have_last = true;
}

static void vcpu_stretch(struct rmpsim__measure *ms, const struct rmpsim_trace_rec *rec)
{
	if (!ms->vc || !ms->open || rec->cpu >= ms->ncpus)
		return;
	uint64_t us = rec->a / 1000000; /* ps -> whole us */
	ms->vc->hist[us < RMPSIM_COTENANT_HIST_BUCKETS ? us : RMPSIM_COTENANT_HIST_BUCKETS]++;
	uint64_t *max = &ms->vc->v[2 * (size_t)ms->ncpus + rec->cpu];
	*max = rec->a > *max ? rec->a : *max;
}

static void on_mark(struct rmpsim__measure *ms, size_t idx)
{
	const struct rmpsim_mark *mk = rmpsim_sim_mark_get(ms->sim, idx);

	fold_interval(ms, ms->open);
	if (!strcmp(mk->name, RMPSIM__MARK_PASS_START)) {
		memset(&ms->cur, 0, sizeof(ms->cur));
		ms->cur.start = idx;
		ms->cur.leader = SIZE_MAX;
		for (unsigned c = 0; c < ms->ncpus; c++)
			read_cpu(ms->sim, c, &ms->at_start[c]);
		vcpu_pass_start(ms);
		ms->open = true;
	} else if (!strcmp(mk->name, RMPSIM__MARK_LEADER_DONE) && ms->open) {
		ms->cur.leader = idx;
	} else if (!strcmp(mk->name, RMPSIM__MARK_PASS_DONE) && ms->open) {
		ms->cur.done = idx;
		for (unsigned c = 0; c < ms->ncpus; c++) {
			struct rmpsim__cpu_snap now, *a = &ms->at_start[c], *d = &ms->delta[c];
			read_cpu(ms->sim, c, &now);
			d->busy_ps = now.busy_ps - a->busy_ps;
			d->ipis = now.ipis - a->ipis;
			for (unsigned k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
				d->rmpopt[k] = now.rmpopt[k] - a->rmpopt[k];
			d->rmpopt_ps = now.rmpopt_ps - a->rmpopt_ps;
			d->lines = now.lines - a->lines;
			d->dram_lines = now.dram_lines - a->dram_lines;
		}
		vcpu_pass_done(ms);
		ms->last = ms->cur;
		ms->have_last = true;
		ms->open = false;
	}
}

_Static_assert(RMPSIM_TRACE_VCPU < 32, "a trace kind's bit fits rmpsim_run_options.trace_kinds");

void rmpsim__measure_hook(void *ctx, const struct rmpsim_trace_rec *rec)
{
	struct rmpsim__measure *ms = ctx;

	if (rec->kind == RMPSIM_TRACE_IRQOFF && rec->a > ms->irqoff_cur)
		ms->irqoff_cur = rec->a;
	else if (rec->kind == RMPSIM_TRACE_MARK)
		on_mark(ms, (size_t)rec->id);
	else if (rec->kind == RMPSIM_TRACE_VCPU)
		vcpu_stretch(ms, rec);
	if (ms->next && (!ms->next_kinds || ms->next_kinds & RMPSIM_TRACE_KIND_BIT(rec->kind)))
		ms->next(ms->next_ctx, ms->sim, rec);
	if (ms->progress && ++ms->nrecs % RMPSIM__MEASURE_PROGRESS_EVERY == 0)
		ms->progress(ms->progress_ctx, rec->time_ps);
}

/* The longest of a round's stretches: once per pattern (a memo's rounds repeat theirs). */
static uint64_t round_longest(struct rmpsim__measure *ms, const struct rmpsim_round_stretches *r)
{
	if (r->pattern)
		for (unsigned k = 0; k < RMPSIM__MEASURE_PATTERNS; k++)
			if (ms->round_longest[k].pattern == r->pattern &&
			    ms->round_longest[k].gen == r->pattern_gen)
				return ms->round_longest[k].longest;
	uint64_t longest = 0;
	for (size_t i = 0; i < r->n; i++)
		longest = r->len_ps[i] > longest ? r->len_ps[i] : longest;
	if (r->pattern) {
		unsigned k = ms->round_longest_next;
		ms->round_longest_next = (k + 1) % RMPSIM__MEASURE_PATTERNS;
		ms->round_longest[k].pattern = r->pattern;
		ms->round_longest[k].gen = r->pattern_gen;
		ms->round_longest[k].longest = longest;
	}
	return longest;
}

void rmpsim__measure_round_hook(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_round_stretches *r)
{
	struct rmpsim__measure *ms = ctx;
	uint64_t longest = round_longest(ms, r);

	/* as rmpsim__measure_hook on the round's IRQOFF records, one by one */
	if (longest > ms->irqoff_cur)
		ms->irqoff_cur = longest;
	if (ms->next_round &&
	    (!ms->next_kinds || ms->next_kinds & RMPSIM_TRACE_KIND_BIT(RMPSIM_TRACE_IRQOFF)))
		ms->next_round(ms->next_ctx, sim, r);
	uint32_t before = ms->nrecs;
	ms->nrecs += (uint32_t)r->n;
	if (ms->progress &&
	    before / RMPSIM__MEASURE_PROGRESS_EVERY != ms->nrecs / RMPSIM__MEASURE_PROGRESS_EVERY)
		ms->progress(ms->progress_ctx, r->t0_ps);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t ps_to_ns(uint64_t ps)
{
	return ps / 1000; /* truncation: reports are in whole nanoseconds (A116) */
}

/* The last completed pass by the sim's own mark list: *start and *done, false when none. */
static bool last_pass_marks(struct rmpsim_sim *sim, size_t *ret_start, size_t *ret_done)
{
	size_t n = rmpsim_sim_mark_count(sim), start = SIZE_MAX;
	bool found = false;

	for (size_t i = 0; i < n; i++) {
		const struct rmpsim_mark *mk = rmpsim_sim_mark_get(sim, i);
		if (!strcmp(mk->name, RMPSIM__MARK_PASS_START)) {
			start = i;
		} else if (!strcmp(mk->name, RMPSIM__MARK_PASS_DONE) && start != SIZE_MAX) {
			*ret_start = start;
			*ret_done = i;
			found = true;
			start = SIZE_MAX;
		}
	}
	return found;
}

/*
 * The last pass as the co-tenant vCPUs saw it (A440-A443): the CPUs that still
 * run one (a CPU a host process took in auto mode is the host's), their exits
 * and stolen time in the pass, the longest stretch, the histogram; and what
 * the pass cost the machine: host busy time plus the vCPUs' exits and entries
 * (stolen time beyond the host work on their CPUs).
 */
static void measure_cotenant(const struct rmpsim__measure *ms, struct rmpsim_run_result *r)
{
	struct rmpsim_cotenant_result *ct = &r->cotenant;
	unsigned n = ms->ncpus;
	uint64_t cost_ps = 0, stolen_ps = 0, stolen_max_ps = 0, stretch_max_ps = 0;
	const uint64_t *v = ms->vc && ms->vc->have_last ? ms->vc->v : NULL;

	ct->interruptions_max_cpu = ct->stolen_max_cpu = ct->stretch_max_cpu = -1;
	/* A490: at most RMPSIM_COTENANT_CPU_ENTRIES entries, consecutive CPUs grouped */
	unsigned per = (n + RMPSIM_COTENANT_CPU_ENTRIES - 1) / RMPSIM_COTENANT_CPU_ENTRIES;
	per = per ? per : 1;
	for (unsigned c = 0; c < n; c++) {
		uint64_t busy = ms->delta[c].busy_ps;
		cost_ps += busy;
		if (!v || !rmpsim_sim_cpu_has_vcpu(ms->sim, c))
			continue;
		uint64_t exits = v[3 * n + c], stolen = v[4 * n + c], longest = v[5 * n + c];
		ct->vcpus++;
		unsigned e = c / per;
		ct->cpu_vcpus[e]++;
		ct->cpu_interruptions[e] += exits;
		ct->cpu_stolen_ns[e] += ps_to_ns(stolen);
		if (ps_to_ns(longest) > ct->cpu_stretch_max_ns[e])
			ct->cpu_stretch_max_ns[e] = ps_to_ns(longest);
		ct->interruptions += exits;
		stolen_ps += stolen;
		cost_ps += stolen > busy ? stolen - busy : 0;
		if (ct->interruptions_max_cpu < 0 || exits > ct->interruptions_max) {
			ct->interruptions_max = exits;
			ct->interruptions_max_cpu = (int)c;
		}
		if (ct->stolen_max_cpu < 0 || stolen > stolen_max_ps) {
			stolen_max_ps = stolen;
			ct->stolen_max_cpu = (int)c;
		}
		if (ct->stretch_max_cpu < 0 || longest > stretch_max_ps) {
			stretch_max_ps = longest;
			ct->stretch_max_cpu = (int)c;
		}
	}
	ct->stolen_ns = ps_to_ns(stolen_ps);
	ct->stolen_max_ns = ps_to_ns(stolen_max_ps);
	ct->stretch_max_ns = ps_to_ns(stretch_max_ps);
	if (ct->vcpus) {
		ct->cpus_per_entry = per;
		ct->nentries = (n + per - 1) / per;
		memcpy(ct->hist, ms->vc->hist_last, sizeof(ct->hist));
		ct->hist_over = ms->vc->hist_last[RMPSIM_COTENANT_HIST_BUCKETS];
	}
	r->benefit.pass_cost_ns = ps_to_ns(cost_ps);
}

int rmpsim__measure_last_pass(struct rmpsim__measure *ms, struct rmpsim_run_result *ret,
			      uint64_t *ret_pa_start, uint64_t *ret_pa_end)
{
	size_t start, done;
	const struct rmpsim__pass_agg *p = &ms->last;

	if (ms->err)
		return ms->err;
	if (!last_pass_marks(ms->sim, &start, &done))
		return -ENOENT;
	if (!ms->have_last || p->start != start || p->done != done)
		return -ENOENT; /* the hook was not installed for the whole run */
	const struct rmpsim_mark *ms0 = rmpsim_sim_mark_get(ms->sim, p->start);
	const struct rmpsim_mark *ms1 = rmpsim_sim_mark_get(ms->sim, p->done);
	const struct rmpsim_mark *ml = p->leader != SIZE_MAX ? rmpsim_sim_mark_get(ms->sim, p->leader) : NULL;

	struct rmpsim_run_result r;
	memset(&r, 0, sizeof(r));
	uint64_t t_leader = ml ? ml->time_ps : ms0->time_ps;
	r.pass_ns = ps_to_ns(ms1->time_ps - ms0->time_ps);
	r.leader_ns = ps_to_ns(t_leader - ms0->time_ps);
	r.follower_ns = ps_to_ns(ms1->time_ps - t_leader);
	r.leader_cpu = ml ? (int)(int64_t)ml->a : -1;
	uint64_t rmpopt_ps = 0;
	for (unsigned c = 0; c < ms->ncpus; c++) {
		const struct rmpsim__cpu_snap *d = &ms->delta[c];
		ms->busy[c] = d->busy_ps;
		r.rmpopt_scanned += d->rmpopt[RMPSIM_RMPOPT_SCANNED];
		r.rmpopt_early_exit += d->rmpopt[RMPSIM_RMPOPT_EARLY_EXIT];
		r.rmpopt_cache_hit += d->rmpopt[RMPSIM_RMPOPT_CACHE_HIT];
		/* function 0 of every kind; REPORT (function 1) is a debug view, not part of a pass */
		r.rmpopt_executed += d->rmpopt[RMPSIM_RMPOPT_SCANNED] + d->rmpopt[RMPSIM_RMPOPT_EARLY_EXIT] +
				     d->rmpopt[RMPSIM_RMPOPT_CACHE_HIT] + d->rmpopt[RMPSIM_RMPOPT_OUTSIDE];
		r.ipis_sent += d->ipis;
		rmpopt_ps += d->rmpopt_ps;
		r.scan_lines_read += d->lines;
		r.scan_lines_from_dram += d->dram_lines;
	}
	/* Per-instruction cycles (spec 1.12's unit) at the profile's clock. */
	const struct rmpsim_profile *prof = rmpsim_sim_profile(ms->sim);
	if (p->rmpopt_max_ps) {
		r.rmpopt_cycles_min = rmpsim_profile_ps_to_cycles(prof, p->rmpopt_min_ps);
		r.rmpopt_cycles_max = rmpsim_profile_ps_to_cycles(prof, p->rmpopt_max_ps);
	}
	if (r.rmpopt_executed)
		r.rmpopt_cycles_mean = rmpsim_profile_ps_to_cycles(prof, rmpopt_ps / r.rmpopt_executed);
	_Static_assert(sizeof(r.rmpopt_max_rises) / sizeof(r.rmpopt_max_rises[0]) == RMPSIM__MEASURE_RISES,
		       "the kept rises fill the result's array");
	for (unsigned j = 0; j < p->nrises; j++) {
		r.rmpopt_max_rises[j].cpu = p->rises[j].cpu;
		r.rmpopt_max_rises[j].cycles = rmpsim_profile_ps_to_cycles(prof, p->rises[j].ps);
	}
	r.rmpopt_nrises = p->nrises;
	qsort(ms->busy, ms->ncpus, sizeof(*ms->busy), cmp_u64);
	r.cpu_busy_max_ns = ps_to_ns(ms->busy[ms->ncpus - 1]);
	r.cpu_busy_median_ns = ps_to_ns(ms->busy[(ms->ncpus - 1) / 2]); /* lower median */
	unsigned idle = 0;
	while (idle < ms->ncpus && ms->busy[idle] == 0)
		idle++;
	r.cpus_active = ms->ncpus - idle;
	if (r.cpus_active)
		r.cpu_busy_median_active_ns = ps_to_ns(ms->busy[idle + (r.cpus_active - 1) / 2]);
	/* Stretches that ended after pass_start, up to pass_done (A116). */
	r.irq_off_max_ns = ps_to_ns(p->irqoff_ps);
	measure_cotenant(ms, &r);
	*ret = r;
	*ret_pa_start = ms0->a;
	*ret_pa_end = ms0->b;
	return 0;
}
