/* SPDX-License-Identifier: MIT */
/*
 * Deferred rounds (docs/timing.md "Rounds: plans and memos"). A round
 * recomputed from its plan's memo (ipi_round.c) leaves every target as the
 * memo's round did, shifted by the time between the two sends: the same
 * handler lengths, C-state exits, lines and charges. So its statistics need
 * not be written target by target: the plan counts such rounds (k, the last
 * one's send t0_last), and they are folded into the targets' statistics only
 * when something looks at or changes a target (rmpsim__cpu_touch at every
 * place the engine changes a CPU's state), or when another plan's round
 * comes. Readers of the statistics add the pending share
 * (rmpsim__round_pending). Until then the targets are known to be idle, with
 * nothing queued, so the next round of the plan needs no look at them either.
 */
#include <string.h>

#include "sim_internal.h"

/* Memo mo's k rounds into one target's sums (i: its index in the plan). */
static void add_sums(const struct rmpsim_sim *s, const struct rmpsim__round_memo *mo, size_t i,
		     struct rmpsim_cpu_stats *st)
{
	uint64_t k = mo->k, len = mo->len[i];
	st->idle_exits += rmpsim__cstate_exit_ps(&s->prof, mo->cls[i]) ? k : 0;
	st->handler_ps += k * len;
	st->busy_ps += k * len;
	st->ipis += k;
	if (mo->kind < RMPSIM_RMPOPT_NKINDS)
		st->rmpopt[mo->kind] += k;
	st->rmpopt_ps += k * mo->ps[i];
	st->rmpopt_lines += k * mo->lines;
	st->rmpopt_dram_lines += k * mo->cold[i];
}

void rmpsim__round_fold(struct rmpsim_sim *s)
{
	static const char ipi[sizeof(s->cpus[0].irqoff_where)] = "ipi";
	struct rmpsim__round_plan *pl = s->clean;
	if (!pl)
		return;
	for (unsigned j = 0; j < RMPSIM__ROUND_MEMOS; j++) {
		struct rmpsim__round_memo *mo = &pl->memo[j];
		if (!mo->k)
			continue;
		for (size_t i = 0; i < pl->n; i++)
			add_sums(s, mo, i, &s->cpus[pl->cpu[i]].st);
		/* The memo's own round left irqoff_max_ps >= len: no later one rises. */
		if (j == pl->last) /* the last round's times; an earlier memo's are older */
			for (size_t i = 0; i < pl->n; i++) {
				struct rmpsim__cpu *c = &s->cpus[pl->cpu[i]];
				uint64_t end = mo->t0_last + mo->end[i];
				c->busy_since = end - mo->len[i];
				c->irqoff_since = end - mo->len[i];
				memcpy(c->irqoff_where, ipi, sizeof(ipi));
				c->idle_since = end;
			}
		mo->k = 0;
	}
}

void rmpsim__round_touch_slow(struct rmpsim_sim *s, unsigned cpu)
{
	struct rmpsim__round_plan *pl = s->clean;
	if (cpu < s->ncpus && pl->slot[cpu] != UINT32_MAX) {
		rmpsim__round_fold(s);
		s->clean = NULL;
	}
}

void rmpsim__round_pending(const struct rmpsim_sim *s, unsigned cpu, struct rmpsim_cpu_stats *st)
{
	const struct rmpsim__round_plan *pl = s->clean;
	if (!pl || cpu >= s->ncpus || pl->slot[cpu] == UINT32_MAX)
		return;
	for (unsigned j = 0; j < RMPSIM__ROUND_MEMOS; j++)
		if (pl->memo[j].k)
			add_sums(s, &pl->memo[j], pl->slot[cpu], st);
}

void rmpsim_sim_round_counts(const struct rmpsim_sim *s, uint64_t *ret_rounds, uint64_t *ret_memo)
{
	if (ret_rounds)
		*ret_rounds = s ? s->rounds : 0;
	if (ret_memo)
		*ret_memo = s ? s->rounds_memo : 0;
}
