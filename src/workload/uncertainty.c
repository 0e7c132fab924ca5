/* SPDX-License-Identifier: MIT */
/*
 * rmpsim --uncertainty N: Latin-hypercube draws over the timing profile's
 * ranges, each a full run, summarised as percentile bands of the measured
 * times and a tornado of what moves pass_ns (docs/cli.md "Uncertainty",
 * A240-A244).
 *
 * Determinism: the design is integer arithmetic on the project's PRNG; the
 * statistics use doubles only in +, -, *, / and sqrt (IEEE-754 correctly
 * rounded, contraction into FMA switched off for this file in meson.build), in
 * a fixed order, so every machine prints the same digits. Draws may run in
 * fork()ed workers (the simulated kernel is one per process); each result is
 * stored at its draw's index, so the worker count never changes the output.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rmpsim/workload.h>

#include "base/alloc.h"
#include "base/rng.h"

#define NP RMPSIM_PROFILE_NPARAMS
#define NM RMPSIM_UNC_NMETRICS

/* A241: nearest rank, the textbook definition with no interpolation, so that
 * every band value is a time some draw actually measured. */
uint64_t rmpsim_unc_percentile(const uint64_t *sorted, size_t n, unsigned pct)
{
	if (!n || !sorted)
		return 0;
	size_t rank = ((size_t)pct * n + 99) / 100;
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

/* ---- The design ---- */

static bool draws_ok(unsigned ndraws)
{
	return ndraws >= RMPSIM_UNC_MIN_DRAWS && ndraws <= RMPSIM_UNC_MAX_DRAWS;
}

int rmpsim_unc_design(unsigned ndraws, uint64_t seed, uint32_t *ret_pos)
{
	uint32_t perm[RMPSIM_UNC_MAX_DRAWS];

	if (!draws_ok(ndraws) || !ret_pos)
		return -EINVAL;
	for (unsigned j = 0; j < NP; j++) {
		/* A240: a stream per parameter, from the seed and the parameter's
		 * table index ("lhs-draw" keeps it apart from the sim's streams). */
		uint64_t x = seed ^ 0x6c68732d64726177ull;
		x ^= rmpsim__splitmix64(&(uint64_t){ (uint64_t)j + 1 });
		struct rmpsim_rng rng;
		rmpsim__rng_seed(&rng, x);
		for (unsigned i = 0; i < ndraws; i++)
			perm[i] = i;
		for (unsigned i = ndraws - 1; i > 0; i--) { /* Fisher-Yates */
			unsigned k = (unsigned)rmpsim__rng_below(&rng, (uint64_t)i + 1);
			uint32_t t = perm[i];
			perm[i] = perm[k];
			perm[k] = t;
		}
		for (unsigned i = 0; i < ndraws; i++) {
			uint32_t jitter = (uint32_t)rmpsim__rng_below(&rng, RMPSIM_UNC_SUBSTEPS);
			ret_pos[(size_t)i * NP + j] = perm[i] * RMPSIM_UNC_SUBSTEPS + jitter;
		}
	}
	return 0;
}

/* floor((span * pos + add) / d) without overflow: d <= 2^32, pos < d, add < d. */
static uint64_t scale(uint64_t span, uint64_t pos, uint64_t d, uint64_t add)
{
	uint64_t q = span / d, rem = span % d;
	return q * pos + (rem * pos + add) / d;
}

void rmpsim_unc_profile(const struct rmpsim_profile *base, unsigned ndraws, const uint32_t *pos_row,
			struct rmpsim_profile *ret)
{
	uint64_t d = (uint64_t)ndraws * RMPSIM_UNC_SUBSTEPS;

	if (!base || !pos_row || !ret)
		return;
	*ret = *base;
	for (unsigned j = 0; j < NP; j++) {
		if (!rmpsim_profile_param_uncertain(base, j))
			continue;
		struct rmpsim_param_info info;
		rmpsim_profile_param(j, &info);
		uint64_t lo = base->lo[j], hi = base->hi[j], v;
		if (info.kind == RMPSIM_PARAM_INT) /* A240: each whole count equally likely */
			v = lo + scale(hi - lo + 1, pos_row[j], d, 0);
		else /* uniform in stored units (ps, milli-cycles, kHz, ...), rounded */
			v = lo + scale(hi - lo, pos_row[j], d, d / 2);
		rmpsim_profile_set_value(ret, j, v > hi ? hi : v);
	}
}

/* ---- The statistics ---- */

struct ranked {
	uint64_t y;
	unsigned i;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->y != y->y)
		return x->y < y->y ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_sens(const void *a, const void *b)
{
	const struct rmpsim_sensitivity *x = a, *y = b;
	uint64_t ax = x->pass_ns_change < 0 ? -(uint64_t)x->pass_ns_change : (uint64_t)x->pass_ns_change;
	uint64_t ay = y->pass_ns_change < 0 ? -(uint64_t)y->pass_ns_change : (uint64_t)y->pass_ns_change;
	if (ax != ay)
		return ax > ay ? -1 : 1;
	return x->param < y->param ? -1 : x->param > y->param;
}

/* Nearest integer, halves away from zero, without libm's rounding mode. */
static int64_t round_i64(double v)
{
	return v < 0 ? -(int64_t)(-v + 0.5) : (int64_t)(v + 0.5);
}

/*
 * A242: the tornado bar of parameter j, univariate: the least-squares line of
 * pass_ns against u in [0, 1) gives the change from the range's low to its
 * high; Spearman's rho (Pearson on ranks, ties averaged) says how monotone the
 * relation is. ry2[i] is twice draw i's rank of pass_ns (1-based).
 */
static void tornado_bar(unsigned ndraws, unsigned j, const uint32_t *pos, const uint64_t *y,
			const int64_t *ry2, struct rmpsim_sensitivity *ret)
{
	double d = (double)ndraws * RMPSIM_UNC_SUBSTEPS, su = 0, sy = 0;
	for (unsigned i = 0; i < ndraws; i++) {
		su += (double)pos[(size_t)i * NP + j] / d;
		sy += (double)y[(size_t)i * NM + RMPSIM_UNC_PASS_NS];
	}
	double mu = su / ndraws, my = sy / ndraws, sxx = 0, sxy = 0;
	for (unsigned i = 0; i < ndraws; i++) {
		double du = (double)pos[(size_t)i * NP + j] / d - mu;
		double dy = (double)y[(size_t)i * NM + RMPSIM_UNC_PASS_NS] - my;
		sxx += du * du;
		sxy += du * dy;
	}
	ret->pass_ns_change = sxx > 0 ? round_i64(sxy / sxx) : 0;

	/* The rank of a draw's u is its stratum: LHS makes them distinct. Sums of
	 * doubled ranks stay exact in 64 bits (n <= 2^12, ranks <= 2^13). */
	int64_t n = ndraws, sx = 0, sy2 = 0, sxx2 = 0, syy2 = 0, sxy2 = 0;
	for (unsigned i = 0; i < ndraws; i++) {
		int64_t rx = 2 * (int64_t)(pos[(size_t)i * NP + j] / RMPSIM_UNC_SUBSTEPS) + 2;
		sx += rx;
		sy2 += ry2[i];
		sxx2 += rx * rx;
		syy2 += ry2[i] * ry2[i];
		sxy2 += rx * ry2[i];
	}
	int64_t cov = n * sxy2 - sx * sy2, vx = n * sxx2 - sx * sx, vy = n * syy2 - sy2 * sy2;
	int64_t milli = 0;
	if (vx > 0 && vy > 0)
		milli = round_i64((double)cov / (sqrt((double)vx) * sqrt((double)vy)) * 1000.0);
	ret->rank_corr_milli = (int)(milli > 1000 ? 1000 : milli < -1000 ? -1000 : milli);
}

int rmpsim_unc_summarise(const struct rmpsim_profile *base, unsigned ndraws, const uint32_t *pos,
			 const uint64_t *y, const struct rmpsim_allocator *alloc,
			 struct rmpsim_uncertainty *ret)
{
	const struct rmpsim_allocator *a = rmpsim__alloc_or_default(alloc);
	struct rmpsim_uncertainty u = { .ndraws = ndraws };

	if (!draws_ok(ndraws) || !base || !pos || !y || !ret)
		return -EINVAL;
	uint64_t *col = rmpsim__malloc(a, ndraws * sizeof(*col));
	struct ranked *rk = rmpsim__malloc(a, ndraws * sizeof(*rk));
	int64_t *ry2 = rmpsim__malloc(a, ndraws * sizeof(*ry2));
	if (!col || !rk || !ry2) {
		rmpsim__free(a, col, ndraws * sizeof(*col));
		rmpsim__free(a, rk, ndraws * sizeof(*rk));
		rmpsim__free(a, ry2, ndraws * sizeof(*ry2));
		return -ENOMEM;
	}
	for (unsigned m = 0; m < NM; m++) {
		for (unsigned i = 0; i < ndraws; i++)
			col[i] = y[(size_t)i * NM + m];
		qsort(col, ndraws, sizeof(*col), cmp_u64);
		u.bands[m] = (struct rmpsim_band){ rmpsim_unc_percentile(col, ndraws, 5),
						   rmpsim_unc_percentile(col, ndraws, 50),
						   rmpsim_unc_percentile(col, ndraws, 95) };
	}
	/* Ranks of pass_ns, ties sharing their average rank (doubled: an integer). */
	for (unsigned i = 0; i < ndraws; i++)
		rk[i] = (struct ranked){ y[(size_t)i * NM + RMPSIM_UNC_PASS_NS], i };
	qsort(rk, ndraws, sizeof(*rk), cmp_ranked);
	for (unsigned a0 = 0, b; a0 < ndraws; a0 = b) {
		for (b = a0 + 1; b < ndraws && rk[b].y == rk[a0].y; b++)
			;
		for (unsigned k = a0; k < b; k++)
			ry2[rk[k].i] = (int64_t)a0 + 1 + (int64_t)b; /* (a0 + 1) + (b - 1 + 1) */
	}
	for (unsigned j = 0; j < NP; j++) {
		if (!rmpsim_profile_param_uncertain(base, j))
			continue;
		struct rmpsim_sensitivity *s = &u.sens[u.nsens++];
		struct rmpsim_param_info info;
		rmpsim_profile_param(j, &info);
		*s = (struct rmpsim_sensitivity){ .param = j, .lo = base->lo[j], .hi = base->hi[j] };
		snprintf(s->name, sizeof(s->name), "%s.%s", info.section, info.key);
		rmpsim_profile_format_value(j, s->lo, s->low, sizeof(s->low));
		rmpsim_profile_format_value(j, s->hi, s->high, sizeof(s->high));
		tornado_bar(ndraws, j, pos, y, ry2, s);
	}
	qsort(u.sens, u.nsens, sizeof(u.sens[0]), cmp_sens);
	/* A243: under "no effect" a slope's standard error is sd(y) / (sd(u) sqrt(N - 1)),
	 * sd(u) = 1 / sqrt(12) for u uniform in [0, 1). */
	double my = 0, ss = 0;
	for (unsigned i = 0; i < ndraws; i++)
		my += (double)y[(size_t)i * NM + RMPSIM_UNC_PASS_NS];
	my /= ndraws;
	for (unsigned i = 0; i < ndraws; i++) {
		double dy = (double)y[(size_t)i * NM + RMPSIM_UNC_PASS_NS] - my;
		ss += dy * dy;
	}
	u.change_noise_ns = (uint64_t)round_i64(2.0 * sqrt(12.0 * ss) / (double)(ndraws - 1));
	rmpsim__free(a, col, ndraws * sizeof(*col));
	rmpsim__free(a, rk, ndraws * sizeof(*rk));
	rmpsim__free(a, ry2, ndraws * sizeof(*ry2));
	*ret = u;
	return 0;
}

/* ---- Running the draws ---- */

/* What a worker sends back per draw: fixed size, below PIPE_BUF, so one write
 * is atomic. */
struct record {
	uint32_t draw;
	int32_t err;
	uint64_t metrics[NM];
	struct rmpsim_diag diag;
};
_Static_assert(sizeof(struct record) <= 4096, "a record fits PIPE_BUF");

static int run_draw(const struct rmpsim_profile *base, unsigned ndraws, const uint32_t *pos, unsigned i,
		    rmpsim_unc_runner run, void *ctx, struct record *rec)
{
	struct rmpsim_profile p;
	rmpsim_unc_profile(base, ndraws, &pos[(size_t)i * NP], &p);
	memset(rec, 0, sizeof(*rec));
	rec->draw = i;
	rec->err = run(ctx, &p, rec->metrics, &rec->diag);
	return rec->err;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		len -= (size_t)w;
	}
	return true;
}

/* 1 = a whole record, 0 = end of file, -1 = error or a torn record. */
static int read_record(int fd, struct record *rec)
{
	char *p = (char *)rec;
	size_t got = 0;
	while (got < sizeof(*rec)) {
		ssize_t r = read(fd, p + got, sizeof(*rec) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return got ? -1 : 0;
		got += (size_t)r;
	}
	return 1;
}

/* A worker: draws w, w + nw, ...; stops at its first failure (which it reports). */
static void worker(int fd, unsigned w, unsigned nw, const struct rmpsim_profile *base, unsigned ndraws,
		   const uint32_t *pos, rmpsim_unc_runner run, void *ctx)
{
	struct record rec;
	for (unsigned i = w; i < ndraws; i += nw) {
		int r = run_draw(base, ndraws, pos, i, run, ctx, &rec);
		if (!write_all(fd, &rec, sizeof(rec)) || r)
			break;
	}
	close(fd);
	_exit(0); /* no atexit handlers, no stdio flush of the parent's buffers */
}

struct pool {
	unsigned n;
	pid_t pid[64];
	int fd[64];
};

static void pool_stop(struct pool *pl, bool kill_them)
{
	for (unsigned k = 0; k < pl->n; k++) {
		if (pl->fd[k] >= 0)
			close(pl->fd[k]);
		if (kill_them)
			kill(pl->pid[k], SIGKILL);
	}
}

/* Reap every worker; 0 when all exited with status 0, else the first other
 * wait status (or -1 when waitpid failed). */
static int pool_reap(struct pool *pl)
{
	int bad = 0;
	for (unsigned k = 0; k < pl->n; k++) {
		int st;
		while (waitpid(pl->pid[k], &st, 0) < 0) {
			if (errno != EINTR) {
				st = -1;
				break;
			}
		}
		if (!bad && (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0))
			bad = st == 0 ? -1 : st;
	}
	return bad;
}

static int run_forked(const struct rmpsim_profile *base, unsigned ndraws, const uint32_t *pos, unsigned nw,
		      rmpsim_unc_runner run, void *ctx, uint64_t *y, bool *seen, struct rmpsim_diag *diag)
{
	struct pool pl = { 0 };
	int err = 0;

	for (unsigned k = 0; k < nw; k++) {
		int p[2];
		pid_t pid = -1;
		if (pipe(p) == 0) {
			pid = fork();
			if (pid < 0) {
				close(p[0]);
				close(p[1]);
			}
		}
		if (pid < 0) {
			int e = errno;
			pool_stop(&pl, true);
			pool_reap(&pl);
			return rmpsim_diag_fail(
				diag, -ECHILD, "cannot start an uncertainty worker process: %s", strerror(e));
		}
		if (pid == 0) {
			close(p[0]);
			for (unsigned q = 0; q < pl.n; q++)
				close(pl.fd[q]);
			worker(p[1], k, nw, base, ndraws, pos, run, ctx);
		}
		close(p[1]);
		pl.pid[pl.n] = pid;
		pl.fd[pl.n++] = p[0];
	}
	unsigned open = nw;
	struct pollfd pf[64];
	while (open && !err) {
		unsigned np = 0;
		for (unsigned k = 0; k < nw; k++)
			if (pl.fd[k] >= 0)
				pf[np++] = (struct pollfd){ .fd = pl.fd[k], .events = POLLIN };
		if (poll(pf, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = rmpsim_diag_fail(diag, -ECHILD, "poll on the uncertainty workers: %s",
					       strerror(errno));
			break;
		}
		for (unsigned q = 0; q < np && !err; q++) {
			if (!(pf[q].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			unsigned k = 0;
			while (pl.fd[k] != pf[q].fd)
				k++;
			struct record rec;
			int got = read_record(pl.fd[k], &rec);
			if (got <= 0) {
				close(pl.fd[k]);
				pl.fd[k] = -1;
				open--;
				if (got < 0)
					err = rmpsim_diag_fail(diag, -ECHILD,
							       "an uncertainty worker sent a torn record");
				continue;
			}
			if (rec.draw >= ndraws || rec.draw % nw != k) {
				err = rmpsim_diag_fail(diag, -ECHILD, "an uncertainty worker sent draw %u",
						       rec.draw);
			} else if (rec.err) {
				err = rec.err;
				if (diag)
					*diag = rec.diag;
			} else {
				memcpy(&y[(size_t)rec.draw * NM], rec.metrics, sizeof(rec.metrics));
				seen[rec.draw] = true;
			}
		}
	}
	pool_stop(&pl, err != 0);
	int st = pool_reap(&pl);
	if (!err && st && st != -1 && WIFEXITED(st))
		err = rmpsim_diag_fail(diag, -ECHILD,
				       "an uncertainty worker process ended with exit status %d",
				       WEXITSTATUS(st));
	else if (!err && st && st != -1 && WIFSIGNALED(st))
		err = rmpsim_diag_fail(diag, -ECHILD, "an uncertainty worker process was killed by signal %d",
				       WTERMSIG(st));
	else if (!err && st)
		err = rmpsim_diag_fail(diag, -ECHILD, "an uncertainty worker process ended abnormally");
	return err;
}

int rmpsim_unc_sample(const struct rmpsim_profile *base, unsigned ndraws, uint64_t seed, unsigned workers,
		      rmpsim_unc_runner run, void *ctx, const struct rmpsim_allocator *alloc,
		      struct rmpsim_uncertainty *ret, struct rmpsim_diag *diag)
{
	const struct rmpsim_allocator *a = rmpsim__alloc_or_default(alloc);

	if (!base || !run || !ret)
		return rmpsim_diag_fail(diag, -EINVAL, "no base profile, runner or result given");
	if (!draws_ok(ndraws))
		return rmpsim_diag_fail(diag, -EINVAL, "draws: expected %u to %u, got %u",
					RMPSIM_UNC_MIN_DRAWS, RMPSIM_UNC_MAX_DRAWS, ndraws);
	size_t npos = (size_t)ndraws * NP, ny = (size_t)ndraws * NM;
	uint32_t *pos = rmpsim__malloc(a, npos * sizeof(*pos));
	uint64_t *y = rmpsim__malloc(a, ny * sizeof(*y));
	bool *seen = rmpsim__malloc(a, ndraws * sizeof(*seen));
	int err = pos && y && seen ? 0 : -ENOMEM;

	if (!err)
		err = rmpsim_unc_design(ndraws, seed, pos);
	if (!err) {
		memset(seen, 0, ndraws * sizeof(*seen));
		unsigned nw = workers > ndraws ? ndraws : workers;
		if (nw > 64)
			nw = 64;
		if (nw <= 1) {
			struct record rec;
			for (unsigned i = 0; i < ndraws && !err; i++) {
				err = run_draw(base, ndraws, pos, i, run, ctx, &rec);
				if (err && diag)
					*diag = rec.diag;
				memcpy(&y[(size_t)i * NM], rec.metrics, sizeof(rec.metrics));
				seen[i] = !err;
			}
		} else {
			err = run_forked(base, ndraws, pos, nw, run, ctx, y, seen, diag);
		}
	}
	for (unsigned i = 0; !err && i < ndraws; i++)
		if (!seen[i])
			err = rmpsim_diag_fail(diag, -ECHILD, "uncertainty draw %u never reported", i);
	if (err == -ECHILD) /* a worker process could not start, died or lied: the system's failure */
		rmpsim_diag_set_class(diag, RMPSIM_ERR_RESOURCE);
	if (!err)
		err = rmpsim_unc_summarise(base, ndraws, pos, y, a, ret);
	rmpsim__free(a, pos, npos * sizeof(*pos));
	rmpsim__free(a, y, ny * sizeof(*y));
	rmpsim__free(a, seen, ndraws * sizeof(*seen));
	return err;
}

/* The real runner: one rmpsim_workload_run with the drawn profile. */
struct wl_ctx {
	const struct rmpsim_scenario *s;
	struct rmpsim_run_options opt;
	const struct rmpsim_allocator *alloc;
};

static int wl_runner(void *ctx, const struct rmpsim_profile *p, uint64_t *metrics, struct rmpsim_diag *diag)
{
	struct wl_ctx *c = ctx;
	struct rmpsim_run_result r;
	c->opt.profile_value = p;
	int err = rmpsim_workload_run(c->s, &c->opt, c->alloc, &r, diag);
	if (err)
		return err;
	for (unsigned m = 0; m < NM; m++)
		metrics[m] = rmpsim_unc_metric_value(&r, (enum rmpsim_unc_metric)m);
	return 0;
}

int rmpsim_unc_run(const struct rmpsim_scenario *s, const struct rmpsim_run_options *opt,
		   const struct rmpsim_profile *base, unsigned ndraws, unsigned workers,
		   const struct rmpsim_allocator *alloc, struct rmpsim_uncertainty *ret,
		   struct rmpsim_diag *diag)
{
	static const struct rmpsim_run_options no_opt;
	if (!s || !ret)
		return rmpsim_diag_fail(diag, -EINVAL, "no scenario or result given");
	if (!opt)
		opt = &no_opt;
	/* What chooses the run, and nothing that observes it (dmesg, hooks): the
	 * nominal run prints and traces; draws only measure. */
	struct wl_ctx c = { .s = s,
			    .opt = { .machine = opt->machine,
				     .profile = opt->profile,
				     .profile_value = opt->profile_value,
				     .policy = opt->policy,
				     .policy_plugin = opt->policy_plugin,
				     .seed = opt->seed,
				     .has_seed = opt->has_seed },
			    .alloc = alloc };
	/* A244: the run's own seed, so every run of a report draws the same profiles. */
	uint64_t seed = c.opt.has_seed ? c.opt.seed : s->seed;
	/* The profile the run itself would use (rmpsim_workload_run's order). */
	struct rmpsim_profile loaded;
	const char *path = c.opt.profile && *c.opt.profile ? c.opt.profile : s->profile;
	if (!base && c.opt.profile_value) {
		base = c.opt.profile_value;
	} else if (!base && path && *path) {
		int r = rmpsim_profile_load(path, &loaded, diag);
		if (r)
			return r;
		base = &loaded;
	} else if (!base) {
		base = rmpsim_profile_default();
	}
	return rmpsim_unc_sample(base, ndraws, seed, workers, wl_runner, &c, alloc, ret, diag);
}
