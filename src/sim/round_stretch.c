/* SPDX-License-Identifier: MIT */
/*
 * A round's interrupts-off stretches in one call (sim.h
 * rmpsim_sim_set_round_stretch_hook): a default run's rounds stand for about
 * 24 million handler stretches, and one call per stretch through the trace
 * hook chain cost --html a fifth of the run (docs/performance.md "Report
 * writers"). The round's memo holds them as arrays already: one call, with
 * the memo as the stretches' pattern, so that the histograms add a memo's
 * stretches once and count its repeats (src/report/hist_pattern.c).
 */
#include "sim_internal.h"

void rmpsim_sim_set_round_stretch_hook(struct rmpsim_sim *s, rmpsim_round_stretch_fn fn, void *ctx)
{
	if (!s)
		return;
	s->round_stretch_fn = fn;
	s->round_stretch_ctx = ctx;
}

void rmpsim__round_stretch_emit_pattern(struct rmpsim_sim *s, uint64_t t0, size_t n, const unsigned *cpu,
					const uint64_t *end_off, const uint64_t *len, const void *pattern,
					uint64_t gen)
{
	struct rmpsim_round_stretches r = { .t0_ps = t0,
					    .n = n,
					    .cpu = cpu,
					    .end_off_ps = end_off,
					    .len_ps = len,
					    .pattern = pattern,
					    .pattern_gen = gen };
	s->now = t0;
	s->round_stretch_fn(s->round_stretch_ctx, s, &r);
}

void rmpsim__round_stretch_emit(struct rmpsim_sim *s, uint64_t t0, size_t n, const unsigned *cpu,
				const uint64_t *end_off, const uint64_t *len)
{
	rmpsim__round_stretch_emit_pattern(s, t0, n, cpu, end_off, len, NULL, 0);
}
