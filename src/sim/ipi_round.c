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
		busiest = s->domains[d].free_at > busiest ? s->domains[d].free_at : busiest;
	uint64_t from = t_dram > busiest ? t_dram : busiest;
	return from + (uint64_t)n * lines * s->rm.line_service_ps +
	       rmpsim_profile_lines_ps(p, lines, line_max) +
	       max3(p->c2c_same_l3_ps, p->c2c_other_l3_ps, p->c2c_other_socket_ps);
}

/* Every condition of docs/timing.md "Rounds" but the machine's (its own call). */
static bool round_allowed(const struct rmpsim_sim *s, struct rmpsim__csd **order, size_t n)
{
	if (s->trace_detail || (s->trace_fn && !s->trace_rounds) || !s->machine || s->rm.ndom || s->stop ||
	    s->err || !n)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct rmpsim__cpu *c = &s->cpus[order[i]->target];
		if (c->curr || c->busy || c->irqoff || c->in_irq || c->pend_head || c->vcpu || c->rq_len)
			return false;
	}
	uint64_t bound = round_bound(s, order[n - 1]->when, n);
	const struct rmpsim_event *top = rmpsim__heap_top(&s->heap);
	if ((top && top->time <= bound) || bound > s->limit || (s->max_time && bound > s->max_time) ||
	    (s->max_events && s->events + 2 * n + 2 >= s->max_events))
		return false;
	return true;
}

static bool round_cpus(struct rmpsim_sim *s, struct rmpsim__csd **order, size_t n)
{
	if (n > s->round_cap) {
		void *c = rmpsim__realloc(s->a, s->round_cpus, s->round_cap * sizeof(*s->round_cpus),
					  n * sizeof(*s->round_cpus));
		if (!c)
			return false;
		s->round_cpus = c;
		s->round_cap = n;
	}
	for (size_t i = 0; i < n; i++)
		s->round_cpus[i] = order[i]->target;
	return true;
}

bool rmpsim__round_try(struct rmpsim_sim *s, struct rmpsim_proc *p, struct rmpsim__csd **order, size_t n,
		       uint64_t t0, uint64_t call)
{
	static const char ipi[sizeof(s->cpus[0].irqoff_where)] = "ipi";
	const struct rmpsim_profile *pr = &s->prof;
	struct rmpsim_insn_out first, rest;

	if (!round_allowed(s, order, n) || !round_cpus(s, order, n) ||
	    rmpsim_machine_rmpopt_verify_cpus(s->machine, s->round_cpus, n, s->round_spa, &first, &rest) < 0)
		return false; /* nothing done: the call goes step by step */

	/* Every target verifies the same region, unchanged in between: one look-up. */
	struct rmpsim_verify v;
	rmpsim__verify_inputs(s, s->round_spa, &v);
	struct rmpsim_proc *sv_proc = s->ctx_proc;
	unsigned sv_cpu = s->ctx_cpu;
	bool sv_handler = s->ctx_handler;
	uint64_t sv_charge = s->ctx_charge, sv_base = s->ctx_base;
	rmpsim_trace_fn hook = s->trace_fn; /* takes the round's summary only (trace_rounds) */
	s->trace_fn = NULL;
	uint64_t last_ack = 0, sum_end = 0, mix = 0, longest = 0, longest_end = 0;
	unsigned longest_cpu = 0;
	for (size_t i = 0; i < n; i++) {
		struct rmpsim__csd *d = order[i];
		struct rmpsim__cpu *c = &s->cpus[d->target];
		/* run_handler() on an idle CPU at its delivery (A136) */
		s->now = d->when;
		uint64_t wake = rmpsim__idle_exit_ps(s, c);
		uint64_t start = d->when + wake;
		c->st.idle_exits += wake != 0;
		s->ctx_proc = NULL;
		s->ctx_cpu = d->target;
		s->ctx_handler = true;
		s->ctx_charge = 0;
		s->ctx_base = start + pr->ipi_handler_overhead_ps;
		rmpsim_sim_charge_verify(s, &v, NULL); /* as rmpsim_sim_charge_rmpopt() does a verify */
		uint64_t dur = wake + pr->ipi_handler_overhead_ps + s->ctx_charge;
		c->st.handler_ps += dur - wake;
		c->st.ipis++;
		/* ipi_end(): the CPU goes idle again, the acknowledgement travels (A133). */
		uint64_t end = d->when + dur;
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
			longest_cpu = d->target;
		}
		uint64_t ack = end + d->c2c_ps;
		last_ack = ack > last_ack ? ack : last_ack;
		sum_end += end;
		mix = rmpsim__trace_hash_word(mix, (uint64_t)d->target << 40 ^ dur); /* order-sensitive */
	}
	s->ctx_proc = sv_proc;
	s->ctx_cpu = sv_cpu;
	s->ctx_handler = sv_handler;
	s->ctx_charge = sv_charge;
	s->ctx_base = sv_base;
	s->trace_fn = hook;
	if (hook && s->trace_round_stretches) {
		/* every target's stretch, as its handler's ipi_end() records it */
		for (size_t i = 0; i < n; i++) {
			const struct rmpsim__cpu *c = &s->cpus[order[i]->target];
			s->now = c->idle_since;
			rmpsim__trace_hook(s, RMPSIM_TRACE_IRQOFF, order[i]->target, 0,
					   c->idle_since - c->irqoff_since);
		}
	} else if (hook) { /* the round's longest interrupts-off stretch, as its IRQOFF record */
		s->now = longest_end;
		rmpsim__trace_hook(s, RMPSIM_TRACE_IRQOFF, longest_cpu, 0, longest);
	}
	s->now = t0;
	s->events += 2 * n; /* the steps it stands for */
	p->last_ack = last_ack;
	p->round_last_cpu = order[n - 1]->target;
	s->hash = rmpsim__trace_hash_rec(s->hash, t0, ROUND_RECORD << 32 | p->cpu, call, n);
	s->hash = rmpsim__trace_hash_rec(s->hash, last_ack, sum_end, mix, s->round_spa);
	return true;
}
