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
	if (!ms->busy) {
		ms->alloc = NULL;
		return -ENOMEM;
	}
	return 0;
}

void rmpsim__measure_fini(struct rmpsim__measure *ms)
{
	if (!ms->alloc)
		return;
	for (size_t i = 0; i < ms->nsnaps; i++) {
		rmpsim__free(ms->alloc, ms->snaps[i].cpus, ms->ncpus * sizeof(*ms->snaps[i].cpus));
		rmpsim__free(ms->alloc, ms->snaps[i].rises,
			     ms->snaps[i].nrises * sizeof(*ms->snaps[i].rises));
	}
	rmpsim__free(ms->alloc, ms->snaps, ms->cap * sizeof(*ms->snaps));
	rmpsim__free(ms->alloc, ms->busy, ms->ncpus * sizeof(*ms->busy));
	memset(ms, 0, sizeof(*ms));
}

static void snapshot(struct rmpsim__measure *ms, uint64_t mark)
{
	if (ms->err)
		return;
	if (ms->nsnaps == ms->cap) {
		size_t ncap = ms->cap ? ms->cap * 2 : 16;
		void *p = rmpsim__realloc(ms->alloc, ms->snaps, ms->cap * sizeof(*ms->snaps),
					  ncap * sizeof(*ms->snaps));
		if (!p) {
			ms->err = -ENOMEM;
			return;
		}
		ms->snaps = p;
		ms->cap = ncap;
	}
	struct rmpsim__cpu_snap *cpus = rmpsim__malloc(ms->alloc, ms->ncpus * sizeof(*cpus));
	if (!cpus) {
		ms->err = -ENOMEM;
		return;
	}
	for (unsigned c = 0; c < ms->ncpus; c++) {
		struct rmpsim_cpu_stats st;
		memset(&st, 0, sizeof(st));
		rmpsim_sim_cpu_stats(ms->sim, c, &st);
		cpus[c].busy_ps = st.busy_ps;
		cpus[c].ipis = st.ipis;
		memcpy(cpus[c].rmpopt, st.rmpopt, sizeof(cpus[c].rmpopt));
		cpus[c].rmpopt_ps = st.rmpopt_ps;
		cpus[c].lines = st.rmpopt_lines;
		cpus[c].dram_lines = st.rmpopt_dram_lines;
	}
	uint64_t lo, hi;
	rmpsim_sim_rmpopt_window(ms->sim, &lo, &hi);
	struct rmpsim_rise rises[RMPSIM_RISES_MAX];
	size_t nr = rmpsim_sim_rmpopt_rises(ms->sim, rises, RMPSIM_RISES_MAX);
	nr = nr < RMPSIM_RISES_MAX ? nr : RMPSIM_RISES_MAX;
	struct rmpsim_rise *kept = NULL;
	if (nr) {
		kept = rmpsim__malloc(ms->alloc, nr * sizeof(*kept));
		if (!kept) {
			rmpsim__free(ms->alloc, cpus, ms->ncpus * sizeof(*cpus));
			ms->err = -ENOMEM;
			return;
		}
		memcpy(kept, rises, nr * sizeof(*kept));
	}
	ms->snaps[ms->nsnaps++] = (struct rmpsim__snap){ mark, ms->irqoff_cur, lo, hi, kept, nr, cpus };
	ms->irqoff_cur = 0;
}

void rmpsim__measure_hook(void *ctx, const struct rmpsim_trace_rec *rec)
{
	struct rmpsim__measure *ms = ctx;

	if (rec->kind == RMPSIM_TRACE_IRQOFF && rec->a > ms->irqoff_cur)
		ms->irqoff_cur = rec->a;
	else if (rec->kind == RMPSIM_TRACE_MARK)
		snapshot(ms, rec->id);
	if (ms->next)
		ms->next(ms->next_ctx, ms->sim, rec);
}

static const struct rmpsim__snap *snap_of(const struct rmpsim__measure *ms, size_t mark)
{
	for (size_t i = 0; i < ms->nsnaps; i++) {
		if (ms->snaps[i].mark == mark)
			return &ms->snaps[i];
	}
	return NULL;
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

int rmpsim__measure_last_pass(struct rmpsim__measure *ms, struct rmpsim_run_result *ret,
			      uint64_t *ret_pa_start, uint64_t *ret_pa_end)
{
	size_t n = rmpsim_sim_mark_count(ms->sim);
	size_t start = SIZE_MAX, leader = SIZE_MAX, best_start = SIZE_MAX, best_leader = SIZE_MAX,
	       best_done = SIZE_MAX;

	if (ms->err)
		return ms->err;
	for (size_t i = 0; i < n; i++) {
		const struct rmpsim_mark *mk = rmpsim_sim_mark_get(ms->sim, i);
		if (!strcmp(mk->name, RMPSIM__MARK_PASS_START)) {
			start = i;
			leader = SIZE_MAX;
		} else if (!strcmp(mk->name, RMPSIM__MARK_LEADER_DONE) && start != SIZE_MAX) {
			leader = i;
		} else if (!strcmp(mk->name, RMPSIM__MARK_PASS_DONE) && start != SIZE_MAX) {
			best_start = start;
			best_leader = leader;
			best_done = i;
			start = SIZE_MAX;
		}
	}
	if (best_done == SIZE_MAX)
		return -ENOENT;
	const struct rmpsim_mark *ms0 = rmpsim_sim_mark_get(ms->sim, best_start);
	const struct rmpsim_mark *ms1 = rmpsim_sim_mark_get(ms->sim, best_done);
	const struct rmpsim_mark *ml =
		best_leader != SIZE_MAX ? rmpsim_sim_mark_get(ms->sim, best_leader) : NULL;
	const struct rmpsim__snap *s0 = snap_of(ms, best_start), *s1 = snap_of(ms, best_done);
	if (!s0 || !s1)
		return -ENOENT; /* the hook was not installed for the whole run */

	struct rmpsim_run_result r;
	memset(&r, 0, sizeof(r));
	uint64_t t_leader = ml ? ml->time_ps : ms0->time_ps;
	r.pass_ns = ps_to_ns(ms1->time_ps - ms0->time_ps);
	r.leader_ns = ps_to_ns(t_leader - ms0->time_ps);
	r.follower_ns = ps_to_ns(ms1->time_ps - t_leader);
	r.leader_cpu = ml ? (int)(int64_t)ml->a : -1;
	uint64_t rmpopt_ps = 0;
	for (unsigned c = 0; c < ms->ncpus; c++) {
		const struct rmpsim__cpu_snap *a = &s0->cpus[c], *b = &s1->cpus[c];
		ms->busy[c] = b->busy_ps - a->busy_ps;
		r.rmpopt_scanned += b->rmpopt[RMPSIM_RMPOPT_SCANNED] - a->rmpopt[RMPSIM_RMPOPT_SCANNED];
		r.rmpopt_early_exit +=
			b->rmpopt[RMPSIM_RMPOPT_EARLY_EXIT] - a->rmpopt[RMPSIM_RMPOPT_EARLY_EXIT];
		r.rmpopt_cache_hit += b->rmpopt[RMPSIM_RMPOPT_CACHE_HIT] - a->rmpopt[RMPSIM_RMPOPT_CACHE_HIT];
		/* function 0 of every kind; REPORT (function 1) is a debug view, not part of a pass */
		r.rmpopt_executed += b->rmpopt[RMPSIM_RMPOPT_SCANNED] - a->rmpopt[RMPSIM_RMPOPT_SCANNED] +
				     b->rmpopt[RMPSIM_RMPOPT_EARLY_EXIT] -
				     a->rmpopt[RMPSIM_RMPOPT_EARLY_EXIT] +
				     b->rmpopt[RMPSIM_RMPOPT_CACHE_HIT] - a->rmpopt[RMPSIM_RMPOPT_CACHE_HIT] +
				     b->rmpopt[RMPSIM_RMPOPT_OUTSIDE] - a->rmpopt[RMPSIM_RMPOPT_OUTSIDE];
		r.ipis_sent += b->ipis - a->ipis;
		rmpopt_ps += b->rmpopt_ps - a->rmpopt_ps;
		r.scan_lines_read += b->lines - a->lines;
		r.scan_lines_from_dram += b->dram_lines - a->dram_lines;
	}
	/* Per-instruction cycles (spec 1.12's unit) at the profile's clock. */
	const struct rmpsim_profile *prof = rmpsim_sim_profile(ms->sim);
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < ms->nsnaps; i++) {
		const struct rmpsim__snap *sn = &ms->snaps[i];
		if (sn->mark <= best_start || sn->mark > best_done || !sn->rmpopt_max_ps)
			continue;
		lo = sn->rmpopt_min_ps < lo ? sn->rmpopt_min_ps : lo;
		hi = sn->rmpopt_max_ps > hi ? sn->rmpopt_max_ps : hi;
	}
	if (hi) {
		r.rmpopt_cycles_min = rmpsim_profile_ps_to_cycles(prof, lo);
		r.rmpopt_cycles_max = rmpsim_profile_ps_to_cycles(prof, hi);
	}
	if (r.rmpopt_executed)
		r.rmpopt_cycles_mean = rmpsim_profile_ps_to_cycles(prof, rmpopt_ps / r.rmpopt_executed);
	/* The pass's running maximum: each interval's rises, kept where they beat
	 * everything before (every rise of the whole is a rise of its interval). */
	uint64_t run_max = 0;
	for (size_t i = 0; i < ms->nsnaps; i++) {
		const struct rmpsim__snap *sn = &ms->snaps[i];
		if (sn->mark <= best_start || sn->mark > best_done)
			continue;
		for (size_t j = 0; j < sn->nrises; j++) {
			if (sn->rises[j].ps <= run_max)
				continue;
			run_max = sn->rises[j].ps;
			if (r.rmpopt_nrises < sizeof(r.rmpopt_max_rises) / sizeof(r.rmpopt_max_rises[0])) {
				r.rmpopt_max_rises[r.rmpopt_nrises].cpu = sn->rises[j].cpu;
				r.rmpopt_max_rises[r.rmpopt_nrises].cycles =
					rmpsim_profile_ps_to_cycles(prof, run_max);
				r.rmpopt_nrises++;
			}
		}
	}
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
	uint64_t irq = 0;
	for (size_t i = 0; i < ms->nsnaps; i++) {
		if (ms->snaps[i].mark > best_start && ms->snaps[i].mark <= best_done &&
		    ms->snaps[i].irqoff_ps > irq)
			irq = ms->snaps[i].irqoff_ps;
	}
	r.irq_off_max_ns = ps_to_ns(irq);
	*ret = r;
	*ret_pa_start = ms0->a;
	*ret_pa_end = ms0->b;
	return 0;
}
