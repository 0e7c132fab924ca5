/* SPDX-License-Identifier: MIT */
/*
 * Rounds (docs/timing.md "Rounds", issue 14 point 1): an IPI call whose
 * handler on every target is one RMPOPT verify of one region, computed in one
 * step at the send instead of 2M steps (M deliveries, M handler ends).
 *
 * Why it is exact when the conditions below hold. Step by step, each target's
 * handler starts at its delivery (the order ipi_send sorted: time, then CPU),
 * leaves the target's C-state, runs the verify (the machine's bit and
 * counters, the memory engine's L3 group, home node and statistics, all in
 * delivery order), and ends; its end touches only its own CPU and the
 * sender's acknowledgement. With every target idle (no process, no handler,
 * nothing pending, no co-tenant vCPU) and nothing else queued before the
 * round can end, no other step interleaves with the round's, so the same
 * computations in delivery order give the same results: the machine's part
 * goes in as one call (rmpsim_machine_rmpopt_verify_cpus: the first verify,
 * then the others alike, under one lock), the memory engine's as the same
 * rmpsim_sim_charge_rmpopt() per target at the time its handler body starts,
 * and each CPU's statistics as run_handler() and ipi_end() would leave them.
 * The sender then finds every acknowledgement known (p->last_ack) and waits
 * for it as it does when the handlers end before it stops sending.
 *
 * A local call (the sender in the mask) adds the sender's own verify at the
 * end of its send, between the deliveries before and after that time
 * (docs/timing.md "Local rounds"); run_local() then charges what was computed.
 *
 * The trace hash folds a round as two records at the send (docs/timing.md 1);
 * --trace-detail (rmpsim_sim_set_trace_detail) sends every call step by step.
 * The queue statistics (rmpsim_queue_stats) do not count a round's steps: they
 * never enter the queue; the event count (rmpsim_sim_events) does, 2 per target.
 */
#include <string.h>

#include <rmpsim/machine.h>

#include "base/alloc.h"
#include "sim_internal.h"

/* The kind of a round's records in the trace hash (not a public trace kind:
 * rounds happen only without a trace hook). */
#define ROUND_RECORD 0x524f554eull /* "ROUN" */

static uint64_t max3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a > b ? a : b;
	return m > c ? m : c;
}

/*
 * A time no step of the round comes after: the last delivery, the deepest
 * C-state exit, the handler overhead, a verify of a whole region at the dearest
 * line latency, behind every DRAM line of every target at the busiest home
 * node, and the longest way back of an acknowledgement.
 */
static uint64_t round_bound(const struct rmpsim_sim *s, uint64_t last_delivery, size_t n)
{
	const struct rmpsim_profile *p = &s->prof;
	uint64_t lines = rmpsim_profile_scan_lines(p, -1);
	uint64_t line_max = max3(p->dram_local_ps, p->dram_remote_ps, p->l3_line_ps);
	uint64_t wake = max3(p->deep_idle_exit_ps, p->idle_exit_ps, 0);
	uint64_t t_dram = last_delivery + wake + p->ipi_handler_overhead_ps + s->rm.fixed_ps +
			  rmpsim_profile_lines_ps(p, lines, p->l3_line_ps);
	uint64_t busiest = 0;
	for (unsigned d = 0; d < s->ndomains; d++)
		busiest = s->domains[d].q.free_at > busiest ? s->domains[d].q.free_at : busiest;
	uint64_t from = t_dram > busiest ? t_dram : busiest;
	return from + (uint64_t)n * lines * s->rm.line_service_ps +
	       rmpsim_profile_lines_ps(p, lines, line_max) +
	       max3(p->c2c_same_l3_ps, p->c2c_other_l3_ps, p->c2c_other_socket_ps);
}

/* Every condition of docs/timing.md "Rounds" but the machine's (its own call).
 * The targets of the clean plan are idle and untouched since its last round
 * (round_memo.c): no need to look at them again. */
static bool round_allowed(const struct rmpsim_sim *s, const struct rmpsim__round_plan *pl, bool local)
{
	size_t n = pl->n;
	if (s->trace_detail || (s->trace_fn && !s->trace_rounds) || !s->machine || s->rm.ndom || s->stop ||
	    s->err || !n)
		return false;
	if (s->clean != pl)
		for (size_t i = 0; i < n; i++) {
			const struct rmpsim__cpu *c = &s->cpus[pl->cpu[i]];
			if (c->curr || c->busy || c->irqoff || c->in_irq || c->pend_head || c->vcpu ||
			    c->rq_len)
				return false;
		}
	/* A local call's sender verifies before the last delivery (round_plan.c):
	 * one more verify behind the home node's queue. */
	uint64_t bound = round_bound(s, s->now + pl->when_off[n - 1], n + local);
	const struct rmpsim_event *top = rmpsim__heap_top(&s->heap);
	if ((top && top->time <= bound) || bound > s->limit || (s->max_time && bound > s->max_time) ||
	    (s->max_events && s->events + 2 * n + 2 >= s->max_events))
		return false;
	return true;
}

/*
 * The sends after the last round (memo a's) at which every target leaves the
 * C-state memo b recorded (A136): target i went idle dur_i after that send
 * (its handler's end), so at a send gap later it has been idle gap - dur_i,
 * and each C-state is a range of that. Kept per pair of memos, so that a
 * round needs one comparison instead of one per target.
 */
static void gap_window(const struct rmpsim_sim *s, struct rmpsim__round_plan *pl, unsigned a, unsigned b)
{
	const struct rmpsim_profile *p = &s->prof;
	const struct rmpsim__round_memo *ma = &pl->memo[a];
	struct rmpsim__round_memo *mb = &pl->memo[b];
	uint64_t c1 = 2 * p->idle_exit_ps, c2 = p->deep_idle_after_ps, lo = 0, hi = UINT64_MAX;
	for (size_t i = 0; i < pl->n && lo < hi; i++) {
		uint64_t d = ma->end[i] - pl->when_off[i], l, h;
		switch (mb->cls[i]) {
		case 2: l = d + c2, h = UINT64_MAX; break;
		case 1: l = d + c1, h = d + c2; break;
		default: l = d, h = d + (c1 < c2 ? c1 : c2); break;
		}
		lo = l > lo ? l : lo;
		hi = h < hi ? h : hi;
	}
	mb->gap_lo[a] = lo;
	mb->gap_hi[a] = hi;
}

/* The state of group l3's lines of the region that a round reads (A124), as
 * far as the round's outcome depends on it: none held, or the lines held, when
 * their read completes if after the send t0 (else 0: every verify of the round
 * finds them ready), and whether lines came in since (a re-read moves them up,
 * rmpsim_sim_charge_verify); their staying within the L3 is part of held. */
static const struct rmpsim__warm *group_state(const struct rmpsim_sim *s, unsigned l3,
					      const struct rmpsim_verify *v, uint64_t t0, uint64_t *held,
					      uint64_t *ready_off, uint64_t *since)
{
	const struct rmpsim__warm *w = rmpsim__warm_peek(s, l3, v->region);
	*held = rmpsim__warm_held(s, w, l3, (uint32_t)v->gen);
	*ready_off = *held && w->ready_at > t0 ? w->ready_at - t0 : 0;
	*since = *held && s->rm.l3_fill[l3] != w->stamp;
	return w;
}

/* Does memo mo hold this round: the same inputs relative to t0? The targets
 * are idle since the plan's last round (s->clean == pl). */
static bool memo_fits(const struct rmpsim_sim *s, const struct rmpsim__round_plan *pl,
		      const struct rmpsim__round_memo *mo, const struct rmpsim_verify *v, uint64_t t0,
		      bool local)
{
	const struct rmpsim_profile *p = &s->prof;
	const struct rmpsim__round_memo *last = &pl->memo[pl->last];
	if (!mo->valid || mo->local != local || v->first_busy != mo->first_busy || v->home_node != mo->home ||
	    v->region >= s->rm.nregions || mo->ps_max > s->rm.rise_max)
		return false;
	/* Every target idle since its handler of the last round ended: the same exit. */
	uint64_t gap = t0 - last->t0_last;
	if (gap < mo->gap_lo[pl->last] || gap >= mo->gap_hi[pl->last])
		return false;
	unsigned home = rmpsim__home_of(s, v->home_node);
	if (mo->cold_any && p->rmpopt_contention && s->domains[home].q.free_at > t0)
		return false; /* the home node's queue still busy at the send */
	for (size_t j = 0; j < pl->ngroups; j++) {
		const struct rmpsim__round_group *gr = &mo->groups[j];
		uint64_t held, ready_off, since;
		if (!group_state(s, pl->l3[j], v, t0, &held, &ready_off, &since) || held != gr->held ||
		    ready_off != gr->ready_off || since != gr->since)
			return false;
	}
	return true;
}

/* The round again, from memo mo: the same per-target outcome shifted to t0;
 * the groups' lines, the home node's queue and the window now, the targets'
 * statistics deferred (round_memo.c). */
static void memo_apply(struct rmpsim_sim *s, struct rmpsim__round_plan *pl, unsigned j,
		       const struct rmpsim_verify *v, uint64_t t0)
{
	struct rmpsim__round_memo *mo = &pl->memo[j];
	for (size_t g = 0; g < pl->ngroups; g++) {
		const struct rmpsim__round_group *gr = &mo->groups[g];
		unsigned l3 = pl->l3[g];
		struct rmpsim__warm *w = rmpsim__warm_get(s, l3, v->region); /* its row exists: memo_fits */
		s->rm.l3_fill[l3] += gr->fill_delta;
		w->stamp = s->rm.l3_fill[l3] - gr->stamp_back;
		w->lines = (uint32_t)gr->lines;
		if (gr->ready_moved) /* else it stays before the send, as the memo's did */
			w->ready_at = t0 + gr->ready_end_off;
		w->gen = (uint32_t)v->gen;
	}
	unsigned home = rmpsim__home_of(s, v->home_node);
	/* The home node's queue after the round. The idle stretches the round
	 * left before its end (A300) are not kept: no read can begin before the
	 * round's last one ends (round_allowed: nothing else comes before its
	 * bound), so none could take them. */
	if (mo->cold_any && s->prof.rmpopt_contention)
		s->domains[home].q.free_at = t0 + mo->free_end_off;
	if (mo->ps_min < s->rm.win_min)
		s->rm.win_min = mo->ps_min;
	if (mo->ps_max > s->rm.win_max)
		s->rm.win_max = mo->ps_max;
	mo->k++;
	mo->t0_last = t0;
	pl->last = j;
	s->rounds_memo++;
}

/*
 * A local call's sender verify at t (its send done): what run_local() would
 * charge, in the handler context it sets up, the statistics added in order.
 * Returns whether the charge is the verify's alone (a memo may stand for it).
 */
static bool local_verify(struct rmpsim_sim *s, struct rmpsim_proc *p, const struct rmpsim_verify *v,
			 uint64_t t, struct rmpsim_verify_cost *ret)
{
	s->now = t;
	s->ctx_proc = p;
	s->ctx_cpu = p->cpu;
	s->ctx_handler = true;
	s->ctx_charge = 0;
	s->ctx_base = t;
	rmpsim_sim_charge_verify(s, v, ret);
	return s->ctx_charge == ret->ps;
}

/*
 * The round target by target, in delivery order, as the steps would run it;
 * what each target did goes into memo j, with the state the round started
 * from. The memo is valid (may stand for a later round) when every target
 * paid the same C-state exit, the region is one of the model's and every
 * group's lines are recorded, and the home node's queue was idle at the send.
 */
static void round_compute(struct rmpsim_sim *s, struct rmpsim__round_plan *pl, unsigned j,
			  const struct rmpsim_verify *v, uint64_t t0, struct rmpsim_proc *local)
{
	static const char ipi[sizeof(s->cpus[0].irqoff_where)] = "ipi";
	const struct rmpsim_profile *pr = &s->prof;
	struct rmpsim__round_memo *mo = &pl->memo[j];
	unsigned home = rmpsim__home_of(s, v->home_node);
	uint64_t free_before = s->domains[home].q.free_at;
	/* A local round's memo needs the sender's group among the recorded ones. */
	bool keep = v->region < s->rm.nregions && (!local || pl->sender_grouped);
	for (size_t g = 0; g < pl->ngroups; g++) {
		struct rmpsim__round_group *gr = &mo->groups[g];
		const struct rmpsim__warm *w =
			group_state(s, pl->l3[g], v, t0, &gr->held, &gr->ready_off, &gr->since);
		gr->ready_end_off = w ? w->ready_at : 0;   /* before, for now */
		gr->fill_delta = s->rm.l3_fill[pl->l3[g]]; /* before, for now */
	}
	struct rmpsim__ctx sv = rmpsim__ctx_save(s);
	rmpsim_trace_fn hook = s->trace_fn; /* takes the round's summary only (trace_rounds) */
	s->trace_fn = NULL;
	uint64_t last_ack = 0, sum_end = 0, mix = 0, longest = 0, longest_end = 0;
	uint64_t ps_min = UINT64_MAX, ps_max = 0, cold_any = 0;
	unsigned longest_cpu = 0;
	mo->local = local;
	for (size_t i = 0; i < pl->n; i++) {
		if (local && i == pl->local_pos) {
			struct rmpsim_verify_cost *lc = &mo->local_cost;
			keep = local_verify(s, local, v, t0 + pl->send_ps, lc) && keep;
			cold_any |= lc->dram_lines;
			ps_min = lc->ps < ps_min ? lc->ps : ps_min;
			ps_max = lc->ps > ps_max ? lc->ps : ps_max;
		}
		unsigned cpu = pl->cpu[i];
		struct rmpsim__cpu *c = &s->cpus[cpu];
		uint64_t when = t0 + pl->when_off[i];
		/* run_handler() on an idle CPU at its delivery (A136) */
		s->now = when;
		unsigned cls = rmpsim__cstate_after(pr, when - c->idle_since);
		uint64_t wake = rmpsim__cstate_exit_ps(pr, cls);
		mo->cls[i] = (uint8_t)cls;
		uint64_t start = when + wake;
		c->st.idle_exits += wake != 0;
		s->ctx_proc = NULL;
		s->ctx_cpu = cpu;
		s->ctx_handler = true;
		s->ctx_charge = 0;
		s->ctx_base = start + pr->ipi_handler_overhead_ps;
		struct rmpsim_verify_cost cost;
		rmpsim_sim_charge_verify(s, v, &cost); /* as rmpsim_sim_charge_rmpopt() does a verify */
		uint64_t dur = wake + pr->ipi_handler_overhead_ps + s->ctx_charge;
		keep = keep && s->ctx_charge == cost.ps;
		mo->ps[i] = cost.ps;
		mo->cold[i] = cost.dram_lines;
		mo->end[i] = when + dur - t0;
		mo->len[i] = dur - wake;
		cold_any |= cost.dram_lines;
		ps_min = cost.ps < ps_min ? cost.ps : ps_min;
		ps_max = cost.ps > ps_max ? cost.ps : ps_max;
		c->st.handler_ps += dur - wake;
		c->st.ipis++;
		/* ipi_end(): the CPU goes idle again, the acknowledgement travels (A133). */
		uint64_t end = when + dur;
		c->busy_since = start;
		c->irqoff_since = start;
		memcpy(c->irqoff_where, ipi, sizeof(ipi));
		c->st.busy_ps += end - start;
		c->idle_since = end;
		if (end - start > c->st.irqoff_max_ps) {
			c->st.irqoff_max_ps = end - start;
			c->st.irqoff_max_at_ps = start;
			memcpy(c->st.irqoff_max_where, ipi, sizeof(ipi));
		}
		if (end - start > longest) {
			longest = end - start;
			longest_end = end;
			longest_cpu = cpu;
		}
		uint64_t ack = end + pl->c2c[i];
		last_ack = ack > last_ack ? ack : last_ack;
		sum_end += end;
		mix = rmpsim__trace_hash_word(mix, (uint64_t)cpu << 40 ^ dur); /* order-sensitive */
	}
	rmpsim__ctx_restore(s, &sv);
	s->trace_fn = hook;
	for (size_t g = 0; g < pl->ngroups; g++) {
		struct rmpsim__round_group *gr = &mo->groups[g];
		const struct rmpsim__warm *w = rmpsim__warm_peek(s, pl->l3[g], v->region);
		keep = keep && w;
		if (!w)
			continue;
		uint64_t fill = s->rm.l3_fill[pl->l3[g]];
		gr->fill_delta = fill - gr->fill_delta;
		gr->lines = w->lines;
		gr->ready_moved = !gr->held || w->ready_at != gr->ready_end_off;
		gr->ready_end_off = w->ready_at - t0;
		gr->stamp_back = fill - w->stamp;
	}
	mo->valid = keep && (!cold_any || !pr->rmpopt_contention || free_before <= t0);
	mo->first_busy = v->first_busy;
	mo->home = v->home_node;
	mo->lines = rmpsim_profile_scan_lines(pr, v->first_busy);
	mo->kind = v->first_busy < 0 ? RMPSIM_RMPOPT_SCANNED : RMPSIM_RMPOPT_EARLY_EXIT;
	mo->cold_any = cold_any;
	mo->ps_min = ps_min;
	mo->ps_max = ps_max;
	mo->last_ack_off = last_ack - t0;
	mo->sum_end_off = sum_end - (uint64_t)pl->n * t0;
	mo->mix = mix;
	mo->longest = longest;
	mo->longest_end_off = longest_end - t0;
	mo->longest_cpu = longest_cpu;
	mo->free_end_off = s->domains[home].q.free_at - t0;
	mo->k = 0;
	mo->t0_last = t0;
	mo->gen = s->rounds + 1; /* new stretches: no round before had this number (round_trace) */
	pl->last = j;
	for (unsigned o = 0; o < RMPSIM__ROUND_MEMOS; o++) /* the windows this memo's numbers enter */
		if (pl->memo[o].t0_last || o == j) {
			gap_window(s, pl, j, o);
			if (o != j)
				gap_window(s, pl, o, j);
		}
}

/* The trace hook's view of a round (memo mo at t0): every target's stretch, or the longest. */
static void round_trace(struct rmpsim_sim *s, const struct rmpsim__round_plan *pl,
			const struct rmpsim__round_memo *mo, uint64_t t0)
{
	if (s->trace_round_stretches && s->round_stretch_fn) {
		/* every target's stretch, as below, in one call (round_stretch.c); the
		 * memo's arrays, the same at each of its rounds: the memo is the pattern */
		rmpsim__round_stretch_emit_pattern(s, t0, pl->n, pl->cpu, mo->end, mo->len, mo, mo->gen);
	} else if (s->trace_round_stretches) {
		/* every target's stretch, as its handler's ipi_end() records it */
		for (size_t i = 0; i < pl->n; i++) {
			s->now = t0 + mo->end[i];
			rmpsim__trace_hook(s, RMPSIM_TRACE_IRQOFF, pl->cpu[i], 0, mo->len[i]);
		}
	} else { /* the round's longest interrupts-off stretch, as its IRQOFF record */
		s->now = t0 + mo->longest_end_off;
		rmpsim__trace_hook(s, RMPSIM_TRACE_IRQOFF, mo->longest_cpu, 0, mo->longest);
	}
	s->now = t0;
}

/* The machine's set for the round's verifies: the targets, or for a local
 * round the targets and the sender in the order they verify (the first of
 * the set counts as the first verify, rmpsim_machine_rmpopt_verify_set). */
static struct rmpsim_machine_cpuset *machine_set(struct rmpsim_sim *s, struct rmpsim__round_plan *pl,
						 bool local)
{
	if (!local) {
		if (!pl->mset && rmpsim_machine_cpuset_create(s->machine, pl->cpu, pl->n, &pl->mset) < 0)
			pl->mset = NULL;
		return pl->mset;
	}
	if (pl->mset_local)
		return pl->mset_local;
	unsigned *order = rmpsim__malloc(s->a, (pl->n + 1) * sizeof(*order));
	if (!order)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < pl->n; i++) {
		if (i == pl->local_pos)
			order[k++] = pl->sender;
		order[k++] = pl->cpu[i];
	}
	if (rmpsim_machine_cpuset_create(s->machine, order, k, &pl->mset_local) < 0)
		pl->mset_local = NULL;
	rmpsim__free(s->a, order, (pl->n + 1) * sizeof(*order));
	return pl->mset_local;
}

bool rmpsim__round_plan_try(struct rmpsim_sim *s, struct rmpsim_proc *p, struct rmpsim__round_plan *pl,
			    bool local)
{
	struct rmpsim_insn_out first, rest;
	size_t n = pl->n;

	if (local && pl->no_local)
		return false;
	struct rmpsim_machine_cpuset *set = machine_set(s, pl, local);
	if (!set || !round_allowed(s, pl, local) ||
	    rmpsim_machine_rmpopt_verify_set(s->machine, set, s->round_spa, &first, &rest) < 0)
		return false; /* nothing done: the call goes step by step */
	uint64_t call = rmpsim__ipi_round_begin(s, p, pl->mask, (unsigned)n);
	uint64_t t0 = s->now;

	/* Every target verifies the same region, unchanged in between: one look-up. */
	struct rmpsim_verify v;
	rmpsim__verify_inputs(s, s->round_spa, &v);
	unsigned j = RMPSIM__ROUND_MEMOS;
	if (s->clean == pl)
		for (j = 0; j < RMPSIM__ROUND_MEMOS && !memo_fits(s, pl, &pl->memo[j], &v, t0, local); j++)
			;
	bool computed = j == RMPSIM__ROUND_MEMOS;
	if (!computed) {
		memo_apply(s, pl, j, &v, t0);
	} else {
		/* Deferred rounds first (this plan's, or another's whose targets may be
		 * among these); the memo of the round before last makes room. */
		rmpsim__round_fold(s);
		s->clean = NULL;
		j = (pl->last + 1) % RMPSIM__ROUND_MEMOS;
		round_compute(s, pl, j, &v, t0, local ? p : NULL);
	}
	s->clean = pl; /* its targets are idle again, untouched since */
	const struct rmpsim__round_memo *mo = &pl->memo[j];
	if (s->trace_fn)
		round_trace(s, pl, mo, t0);
	s->now = t0;
	s->rounds++;
	s->events += 2 * n; /* the steps it stands for */
	p->last_ack = t0 + mo->last_ack_off;
	p->round_last_cpu = pl->cpu[n - 1]; /* after the sender's own (local_pos < n) */
	if (local)			    /* run_local() charges the sender's verify (ipi.c) */
		s->local_replay = (struct rmpsim__local_replay){
			.armed = true, .accounted = computed, .v = v, .c = mo->local_cost
		};
	s->hash = rmpsim__trace_hash_rec(s->hash, t0, ROUND_RECORD << 32 | (uint64_t)local << 31 | p->cpu,
					 call, n);
	s->hash = rmpsim__trace_hash_rec(s->hash, p->last_ack, mo->sum_end_off + (uint64_t)n * t0, mo->mix,
					 s->round_spa);
	return true;
}

void rmpsim__round_plan_release(struct rmpsim_sim *s, struct rmpsim__round_plan *pl)
{
	rmpsim_machine_cpuset_destroy(s->machine, pl->mset);
	rmpsim_machine_cpuset_destroy(s->machine, pl->mset_local);
	pl->mset = NULL;
	pl->mset_local = NULL;
}
