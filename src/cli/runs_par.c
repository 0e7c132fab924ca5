/* SPDX-License-Identifier: MIT */
/*
 * The benchmark's runs in forked worker processes (runs.h). Each worker takes
 * the next run from a counter in shared memory (the runs differ in cost by
 * 3x, so a fixed split would leave a CPU idle), runs it exactly as the serial
 * loop would, and sends one record per run through its pipe: the result,
 * the error, the --dmesg text, what it wrote to stderr, the --hist text and
 * the --html profile. The parent keeps records that arrive early and hands
 * them on in run order.
 *
 * A worker's stdout (where its --dmesg lines go) and stderr are two
 * temporary files the parent holds too, emptied at each run's start: when
 * containment (docs/cli.md "Limits") ends a worker in the middle of a run,
 * the run's kernel log so far and the message are there, and the parent
 * prints them after the runs before it, with the worker's exit status, as
 * the serial loop would have.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "runs.h"

#define MAX_WORKERS 64u
/* A worker's exit status when it could not send a record (containment's is RMPSIM_EXIT_INPUT). */
#define WORKER_BROKEN 125

/* Shared by the parent and its workers (MAP_SHARED). */
struct shared {
	atomic_uint next;		      /* the next run to take */
	atomic_uint taken[MAX_WORKERS];	      /* run + 1 a worker has under way, 0: none */
	_Atomic uint64_t sim_ps[MAX_WORKERS]; /* the simulated time of that run, for the progress line */
};

/* One run's record: this head, then dmesg_len + err_len + hist_len bytes of
 * text, then the profile's busy_ps[ncpus] and heat_bp[nheat]. */
struct head {
	uint32_t run;
	int32_t err;   /* rmpsim_workload_run's */
	int32_t kcode; /* rmpsim_cli_jobs_get's exit code (message in why) */
	uint8_t hist_err, has_profile;
	struct rmpsim_diag diag;
	char why[600];
	char label[160];
	struct rmpsim_run_result res;
	uint64_t dmesg_len, err_len, hist_len, nheat;
	struct rmpsim_pass_profile prof; /* its pointers are the sender's: only the counts travel */
};

/* A record received, kept until its turn. */
struct slot {
	bool have;
	struct head h;
	char *dmesg, *err, *hist;
	struct rmpsim_pass_profile prof;
};

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 1: all of it; 0: end of file before the first byte; -1: torn or failed. */
static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 && got == 0 ? 0 : -1;
		got += (size_t)n;
	}
	return 1;
}

/* rmpsim_run_options.dmesg in a worker: its stdout, which containment flushes before it ends the process. */
static void dmesg_to_stdout(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
}

/* rmpsim_run_options.progress in a worker: for the parent's progress line. */
static void tell_progress(void *ctx, uint64_t sim_ps)
{
	atomic_store((_Atomic uint64_t *)ctx, sim_ps);
}

/* All of a capture file (fd), into a malloc()ed buffer. 0 or -1. */
static int slurp(int fd, char **ret, uint64_t *ret_len)
{
	struct stat st;
	*ret = NULL;
	*ret_len = 0;
	if (fstat(fd, &st))
		return -1;
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -1;
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	*ret = buf;
	*ret_len = got;
	return 0;
}

/* Run `i` as bench.c's serial loop runs it, and send its record. 0, or -1 when the pipe failed. */
static int run_one(const struct rmpsim_cli_runs *r, size_t i, _Atomic uint64_t *sim_ps, int fd)
{
	struct head *h = calloc(1, sizeof(*h));
	char *dm = NULL, *er = NULL;
	struct rmpsim_cli_trace t = { 0 };
	struct rmpsim_scenario s;
	int ok = -1;

	/* this run's stdout and stderr only (the files are O_APPEND) */
	if (!h || ftruncate(STDOUT_FILENO, 0) || ftruncate(STDERR_FILENO, 0))
		goto out;
	h->run = (uint32_t)i;
	h->kcode = rmpsim_cli_jobs_get(r->jobs, i, r->a, &s, h->why, sizeof(h->why));
	if (!h->kcode) {
		rmpsim_cli_jobs_label(r->jobs, i, s.name, h->label, sizeof(h->label));
		/* --hist / --html only: the writers that stream across runs keep the runs serial */
		struct rmpsim_cli_args ta = *r->a;
		ta.trace = ta.ftrace = NULL;
		h->kcode = rmpsim_cli_trace_start(&ta, &t); /* fails only for memory */
		if (h->kcode) {
			snprintf(h->why, sizeof(h->why), "out of memory for the histograms");
			rmpsim_cli_jobs_put(r->jobs, i, &s);
		}
	}
	if (!h->kcode) {
		struct rmpsim_run_options opt = *r->opt;
		opt.progress = r->prog->out ? tell_progress : NULL;
		opt.progress_ctx = (void *)sim_ps;
		opt.dmesg = r->a->dmesg ? dmesg_to_stdout : NULL;
		opt.dmesg_ctx = NULL;
		if (r->a->dmesg)
			printf("== dmesg: %s ==\n", h->label);
		rmpsim_cli_trace_run(&t, &opt, h->label);
		h->err = rmpsim_workload_run(&s, &opt, NULL, &h->res, &h->diag);
		rmpsim_cli_trace_run_done(&t, &opt);
		rmpsim_cli_jobs_put(r->jobs, i, &s);
	}
	if (fflush(stdout) || (t.hist_out && fflush(t.hist_out)) ||
	    slurp(STDOUT_FILENO, &dm, &h->dmesg_len) || slurp(STDERR_FILENO, &er, &h->err_len))
		goto out;
	h->hist_len = t.hist_text ? t.hist_len : 0;
	h->hist_err = t.hist_err;
	h->has_profile = t.nprofiles == 1;
	if (h->has_profile) {
		h->prof = t.profiles[0];
		h->nheat = h->prof.heat_bp ? (uint64_t)h->prof.heat_rows * h->prof.heat_cols : 0;
	}
	ok = write_full(fd, h, sizeof(*h)) || write_full(fd, dm, h->dmesg_len) ||
			     write_full(fd, er, h->err_len) || write_full(fd, t.hist_text, h->hist_len) ||
			     (h->has_profile &&
			      write_full(fd, h->prof.busy_ps, h->prof.ncpus * sizeof(uint64_t))) ||
			     (h->nheat && write_full(fd, h->prof.heat_bp, h->nheat * sizeof(uint16_t)))
		     ? -1
		     : 0;
out:
	rmpsim_cli_hist_print(&t, NULL); /* frees the histograms, text and profiles */
	free(dm);
	free(er);
	free(h);
	return ok;
}

static _Noreturn void worker(const struct rmpsim_cli_runs *r, struct shared *sh, unsigned k, int fd)
{
	for (;;) {
		unsigned i = atomic_fetch_add(&sh->next, 1u);
		if (i >= r->jobs->n)
			break;
		atomic_store(&sh->sim_ps[k], 0);
		atomic_store(&sh->taken[k], i + 1);
		if (run_one(r, i, &sh->sim_ps[k], fd))
			_exit(WORKER_BROKEN); /* the parent is gone, or no memory */
		atomic_store(&sh->taken[k], 0u);
	}
	_exit(0);
}

/* The rest of a record after its head: 0, or -1 (torn, or out of memory). */
static int read_body(int fd, struct slot *sl)
{
	struct head *h = &sl->h;
	memset(&sl->prof, 0, sizeof(sl->prof));
	sl->dmesg = malloc(h->dmesg_len + 1);
	sl->err = malloc(h->err_len + 1);
	sl->hist = malloc(h->hist_len + 1);
	if (!sl->dmesg || !sl->err || !sl->hist || read_full(fd, sl->dmesg, h->dmesg_len) < 0 ||
	    read_full(fd, sl->err, h->err_len) < 0 || read_full(fd, sl->hist, h->hist_len) < 0)
		return -1;
	if (!h->has_profile)
		return 0;
	sl->prof = h->prof;
	sl->prof.heat_bp = NULL;
	sl->prof.busy_ps = malloc((h->prof.ncpus ? h->prof.ncpus : 1) * sizeof(uint64_t));
	if (!sl->prof.busy_ps || read_full(fd, sl->prof.busy_ps, h->prof.ncpus * sizeof(uint64_t)) < 0)
		return -1;
	if (h->nheat) {
		sl->prof.heat_bp = malloc(h->nheat * sizeof(uint16_t));
		if (!sl->prof.heat_bp || read_full(fd, sl->prof.heat_bp, h->nheat * sizeof(uint16_t)) < 0)
			return -1;
	}
	return 0;
}

static void slot_free(struct slot *sl)
{
	free(sl->dmesg);
	free(sl->err);
	free(sl->hist);
	rmpsim_pass_profile_free(&sl->prof);
	memset(sl, 0, sizeof(*sl));
}

/* Hand run i's record on as the serial loop would have: 0 or the exit code. */
static int deliver(const struct rmpsim_cli_runs *r, struct slot *sl)
{
	struct head *h = &sl->h;
	if (h->dmesg_len || h->err_len || h->kcode)
		rmpsim_cli_progress_clear(r->prog);
	fwrite(sl->dmesg, 1, h->dmesg_len, r->dmesg_f);
	fwrite(sl->err, 1, h->err_len, stderr);
	if (h->kcode) {
		fprintf(stderr, "rmpsim: %s\n", h->why);
		return h->kcode;
	}
	if (r->trace->hist && rmpsim_cli_trace_adopt(r->trace, sl->hist, h->hist_len, h->hist_err,
						     h->has_profile ? &sl->prof : NULL))
		r->trace->hist_err = true;
	rmpsim_cli_progress_run_done(r->prog);
	if (h->err) {
		rmpsim_cli_progress_clear(r->prog);
		rmpsim_cli_print_diag(&h->diag, h->err);
		return rmpsim_cli_exit_for(h->err, &h->diag);
	}
	r->res[h->run] = h->res;
	return 0;
}

struct pool {
	unsigned n;
	pid_t pid[MAX_WORKERS];
	int fd[MAX_WORKERS];			/* the record pipe's end, -1 once at its end */
	int out[MAX_WORKERS], err[MAX_WORKERS]; /* the worker's stdout and stderr files */
};

/* An unlinked temporary file opened for appending: its descriptor, or -1. */
static int capture_open(void)
{
	FILE *f = tmpfile();
	if (!f)
		return -1;
	int fd = dup(fileno(f));
	fclose(f);
	if (fd >= 0 && fcntl(fd, F_SETFL, O_APPEND)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static _Noreturn void worker_start(const struct rmpsim_cli_runs *r, struct shared *sh, struct pool *pl,
				   unsigned k, int fd)
{
	if (dup2(pl->out[k], STDOUT_FILENO) < 0 || dup2(pl->err[k], STDERR_FILENO) < 0)
		_exit(WORKER_BROKEN);
	for (unsigned q = 0; q <= k; q++) {
		close(pl->out[q]);
		close(pl->err[q]);
		if (q < k)
			close(pl->fd[q]);
	}
	worker(r, sh, k, fd);
}

static int start(const struct rmpsim_cli_runs *r, struct shared *sh, unsigned nw, struct pool *pl)
{
	/* what stdio holds now would otherwise be written again by every worker */
	fflush(stdout);
	fflush(stderr);
	for (unsigned k = 0; k < nw; k++) {
		int p[2] = { -1, -1 };
		pl->out[k] = capture_open();
		pl->err[k] = capture_open();
		pid_t pid = pl->out[k] < 0 || pl->err[k] < 0 || pipe(p) ? -1 : fork();
		if (pid < 0) {
			int e = errno;
			close(p[0]);
			close(p[1]);
			close(pl->out[k]);
			close(pl->err[k]);
			return -e;
		}
		if (pid == 0) {
			close(p[0]);
			worker_start(r, sh, pl, k, p[1]);
		}
		close(p[1]);
		pl->pid[pl->n] = pid;
		pl->fd[pl->n++] = p[0];
	}
	return 0;
}

/* Close the pipes, kill the workers when asked, reap them all: their wait statuses in st[]. */
static void stop(struct pool *pl, bool kill_them, int *st)
{
	for (unsigned k = 0; k < pl->n; k++) {
		if (pl->fd[k] >= 0)
			close(pl->fd[k]);
		pl->fd[k] = -1;
		if (kill_them)
			kill(pl->pid[k], SIGKILL);
	}
	for (unsigned k = 0; k < pl->n; k++)
		while (waitpid(pl->pid[k], &st[k], 0) < 0 && errno == EINTR)
			;
}

/* "full 4K": what the serial loop calls run i. */
static void label_of(const struct rmpsim_cli_runs *r, size_t i, char *buf, size_t len)
{
	const struct rmpsim_cli_job *j = &r->jobs->job[i];
	rmpsim_cli_jobs_label(r->jobs, i, j->name ? j->name : r->jobs->file.name, buf, len);
}

/*
 * Worker k ended in the middle of `run`: what it wrote of the run (its kernel
 * log so far, containment's message), then the exit code. Containment's exit
 * (RMPSIM_EXIT_INPUT) is the serial loop's; any other end is the system's (4,
 * as for a worker of the uncertainty draws) and says so.
 */
static int report_lost(const struct rmpsim_cli_runs *r, const struct pool *pl, unsigned k, unsigned run,
		       int st)
{
	char *text;
	uint64_t len;
	rmpsim_cli_progress_clear(r->prog);
	if (!slurp(pl->out[k], &text, &len)) {
		fwrite(text, 1, len, r->dmesg_f);
		free(text);
	}
	fflush(r->dmesg_f);
	if (!slurp(pl->err[k], &text, &len)) {
		fwrite(text, 1, len, stderr);
		free(text);
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == RMPSIM_EXIT_INPUT)
		return RMPSIM_EXIT_INPUT;
	char label[160];
	label_of(r, run, label, sizeof(label));
	if (WIFSIGNALED(st))
		fprintf(stderr, "rmpsim: the worker process of run '%s' was killed by signal %d\n", label,
			WTERMSIG(st));
	else if (WIFEXITED(st))
		fprintf(stderr, "rmpsim: the worker process of run '%s' ended with exit status %d\n", label,
			WEXITSTATUS(st));
	else
		fprintf(stderr, "rmpsim: the worker process of run '%s' ended abnormally\n", label);
	return RMPSIM_EXIT_SYSTEM;
}

/* The parent's side: receive, keep, hand on in order. */
struct gather {
	const struct rmpsim_cli_runs *r;
	struct shared *sh;
	struct pool *pl;
	struct slot *slots;
	size_t delivered;
	unsigned open;
	unsigned lost_run; /* the first run whose worker ended without sending it; UINT_MAX: none */
	int lost_worker;
	int code;
	unsigned shown; /* the run + 1 the progress line names, 0: none yet */
};

/* Worker k's pipe is readable: one record, or its end. */
static void receive(struct gather *g, unsigned k)
{
	struct pool *pl = g->pl;
	size_t n = g->r->jobs->n;
	struct head h;
	int got = read_full(pl->fd[k], &h, sizeof(h));
	struct slot *sl = got > 0 && h.run < n && !g->slots[h.run].have ? &g->slots[h.run] : NULL;
	if (sl) {
		sl->h = h;
		if (!read_body(pl->fd[k], sl)) {
			sl->have = true;
			return;
		}
		slot_free(sl);
	} else if (got > 0) {
		fprintf(stderr, "rmpsim: a run worker process sent run %u twice or out of range\n", h.run);
		g->code = RMPSIM_EXIT_SYSTEM;
	}
	close(pl->fd[k]);
	pl->fd[k] = -1;
	g->open--;
	unsigned taken = atomic_load(&g->sh->taken[k]);
	if (taken && taken - 1 < g->lost_run) {
		/* it died with a run under way: no new runs; the ones before it still come */
		atomic_store(&g->sh->next, (unsigned)n);
		g->lost_run = taken - 1;
		g->lost_worker = (int)k;
	}
}

/* The progress line names the next run to hand on, with its simulated time so far. */
static void show_progress(struct gather *g)
{
	if (!g->r->prog->out || g->delivered >= g->r->jobs->n)
		return;
	if (g->shown != g->delivered + 1) {
		char label[160];
		label_of(g->r, g->delivered, label, sizeof(label));
		rmpsim_cli_progress_run(g->r->prog, label);
		g->shown = (unsigned)g->delivered + 1;
	}
	for (unsigned k = 0; k < g->pl->n; k++)
		if (atomic_load(&g->sh->taken[k]) == g->shown)
			rmpsim_cli_progress_tick(g->r->prog, atomic_load(&g->sh->sim_ps[k]));
}

int rmpsim_cli_runs_parallel(const struct rmpsim_cli_runs *r, unsigned workers)
{
	size_t n = r->jobs->n;
	unsigned nw = workers < MAX_WORKERS ? workers : MAX_WORKERS;
	struct shared *sh =
		mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct slot *slots = calloc(n, sizeof(*slots));
	struct pool pl = { 0 };

	if (sh == MAP_FAILED || !slots) {
		if (sh != MAP_FAILED)
			munmap(sh, sizeof(*sh));
		free(slots);
		fprintf(stderr, "rmpsim: out of memory for the run workers\n");
		return RMPSIM_EXIT_SYSTEM;
	}
	atomic_init(&sh->next, 0u);
	for (unsigned k = 0; k < MAX_WORKERS; k++) {
		atomic_init(&sh->taken[k], 0u);
		atomic_init(&sh->sim_ps[k], 0);
	}
	struct gather g = {
		.r = r, .sh = sh, .pl = &pl, .slots = slots, .lost_run = UINT_MAX, .lost_worker = -1
	};
	int e = start(r, sh, nw, &pl);
	if (e) {
		fprintf(stderr, "rmpsim: cannot start a run worker process: %s\n", strerror(-e));
		g.code = RMPSIM_EXIT_SYSTEM;
	}
	g.open = pl.n;
	while (!g.code && g.delivered < n && g.open) {
		struct pollfd pf[MAX_WORKERS];
		unsigned idx[MAX_WORKERS], np = 0;
		for (unsigned k = 0; k < pl.n; k++) {
			if (pl.fd[k] >= 0) {
				idx[np] = k;
				pf[np++] = (struct pollfd){ .fd = pl.fd[k], .events = POLLIN };
			}
		}
		/* on a terminal, wake at the progress line's rate */
		int pr = poll(pf, np, r->prog->out ? (int)(r->prog->period_ns / 1000000u) + 1 : -1);
		if (pr < 0 && errno != EINTR) {
			fprintf(stderr, "rmpsim: poll on the run workers: %s\n", strerror(errno));
			g.code = RMPSIM_EXIT_SYSTEM;
			break;
		}
		for (unsigned q = 0; pr > 0 && q < np && !g.code; q++)
			if (pf[q].revents & (POLLIN | POLLHUP | POLLERR))
				receive(&g, idx[q]);
		while (!g.code && g.delivered < n && g.delivered < g.lost_run && slots[g.delivered].have) {
			g.code = deliver(r, &slots[g.delivered]);
			slot_free(&slots[g.delivered]);
			g.delivered++;
		}
		show_progress(&g);
	}
	int st[MAX_WORKERS];
	/* after a failed run the ones under way are not needed */
	atomic_store(&sh->next, (unsigned)n);
	stop(&pl, g.code || g.delivered < n, st);
	if (!g.code && g.delivered < n) {
		if (g.lost_worker >= 0) {
			g.code = report_lost(r, &pl, (unsigned)g.lost_worker, g.lost_run, st[g.lost_worker]);
		} else {
			fprintf(stderr, "rmpsim: run %zu never came back from its worker process\n",
				g.delivered);
			g.code = RMPSIM_EXIT_SYSTEM;
		}
	}
	for (unsigned k = 0; k < pl.n; k++) {
		close(pl.out[k]);
		close(pl.err[k]);
	}
	for (size_t i = 0; i < n; i++)
		slot_free(&slots[i]);
	free(slots);
	munmap(sh, sizeof(*sh));
	return g.code;
}

unsigned rmpsim_cli_runs_workers(const struct rmpsim_cli_args *a, size_t nruns)
{
	if (nruns < 2 || a->trace || a->ftrace || a->uncertainty)
		return 1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = a->jobs ? a->jobs : cpus > 0 ? (size_t)cpus : 1;
	want = want < nruns ? want : nruns;
	return (unsigned)(want < MAX_WORKERS ? want : MAX_WORKERS);
}
