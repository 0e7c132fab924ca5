/* SPDX-License-Identifier: MIT */
/* Progress on a terminal (progress.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "progress.h"

#define BAR_WIDTH 24

static uint64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A decimal from the environment within [0, max] (HZ: [1, max]), else the default. */
static uint64_t env_u64(const char *name, uint64_t def, uint64_t max)
{
	const char *v = getenv(name);
	char *end;
	if (!v || !*v)
		return def;
	unsigned long long x = strtoull(v, &end, 10);
	if (*end || x > max || (!x && strstr(name, "HZ")))
		return def;
	return x;
}

void rmpsim_cli_progress_start(struct rmpsim_cli_progress *p, bool on, size_t nruns)
{
	memset(p, 0, sizeof(*p));
	p->out = on ? stderr : NULL;
	p->nruns = nruns;
	p->t0_ns = p->done_ns = wall_ns();
	p->delay_ns = env_u64("RMPSIM_PROGRESS_DELAY_MS", RMPSIM_PROGRESS_DELAY_MS, 3600000) * 1000000ull;
	p->period_ns = 1000000000ull / env_u64("RMPSIM_PROGRESS_HZ", RMPSIM_PROGRESS_HZ, 1000);
}

/*
 * The time left: the runs to go at the mean wall time of the finished ones,
 * less what the run under way has used. Unknown (-1) before a run finishes:
 * the runs of one command differ too much for its simulated time to say.
 */
static int64_t eta_s(const struct rmpsim_cli_progress *p, uint64_t now)
{
	if (!p->done)
		return -1;
	double per_run = (double)(p->done_ns - p->t0_ns) / (double)p->done;
	double left = per_run * (double)(p->nruns - p->done) - (double)(now - p->done_ns);
	return left > 0 ? (int64_t)(left / 1e9 + 0.5) : 0;
}

static void draw(struct rmpsim_cli_progress *p, uint64_t now)
{
	char bar[BAR_WIDTH + 1], eta[32];
	size_t fill = p->nruns ? p->done * BAR_WIDTH / p->nruns : 0;
	for (size_t i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < fill ? '#' : i == fill ? '>' : '.';
	bar[BAR_WIDTH] = '\0';
	int64_t left = eta_s(p, now);
	if (left < 0)
		snprintf(eta, sizeof(eta), "ETA --");
	else
		snprintf(eta, sizeof(eta), "ETA %" PRId64 ":%02" PRId64, left / 60, left % 60);
	/* \r and erase to the end: one line, rewritten in place */
	fprintf(p->out, "\r[%s] %zu/%zu runs  %s  sim %.3f s  %s\033[K", bar, p->done, p->nruns, p->label,
		(double)p->sim_ps / 1e12, eta);
	fflush(p->out);
	p->shown = true;
	p->last_ns = now;
}

static void maybe_draw(struct rmpsim_cli_progress *p)
{
	uint64_t now = wall_ns();
	if (now - p->t0_ns < p->delay_ns)
		return;
	if (p->shown && now - p->last_ns < p->period_ns)
		return;
	draw(p, now);
}

void rmpsim_cli_progress_run(struct rmpsim_cli_progress *p, const char *label)
{
	if (!p->out)
		return;
	snprintf(p->label, sizeof(p->label), "%s", label);
	p->sim_ps = 0;
	maybe_draw(p);
}

void rmpsim_cli_progress_tick(void *ctx, uint64_t sim_ps)
{
	struct rmpsim_cli_progress *p = ctx;
	if (!p->out)
		return;
	p->sim_ps = sim_ps;
	maybe_draw(p);
}

void rmpsim_cli_progress_run_done(struct rmpsim_cli_progress *p)
{
	if (!p->out)
		return;
	p->done++;
	p->done_ns = wall_ns();
	maybe_draw(p);
}

void rmpsim_cli_progress_clear(struct rmpsim_cli_progress *p)
{
	if (!p->out || !p->shown)
		return;
	fputs("\r\033[K", p->out);
	fflush(p->out);
	p->shown = false;
}
