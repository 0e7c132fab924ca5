/* SPDX-License-Identifier: MIT */
/*
 * The simulated kernel's trace in `trace-cmd report` text layout (timeline.h):
 * one line per event, "comm-pid [cpu] seconds: event: fields", sorted by time,
 * with the event names and field layouts of the Linux tracepoints the sim's
 * records stand for (A254, A380-A382):
 *   sched_switch            a process starts or stops running on a CPU
 *   ipi_send_cpumask        a cross-CPU call leaves its sender (ipi_send_cpu: one target)
 *   ipi_entry / ipi_exit    an IPI handler (reason "Function call interrupts")
 *   irq_disable / _enable   an interrupts-off stretch (preemptirq events)
 *   workqueue_queue_work, workqueue_execute_start / _end   a work item
 *   rmpopt_*                the project's own pass tracepoints
 * Events arrive almost in time order, but an interrupts-off stretch is only
 * known once it is over, so they are sorted before writing. Memory stays
 * bounded (issue 15): CHUNK_EVENTS events are sorted and spilled to an
 * unlinked temporary file as one sorted run; at the end the runs are merged
 * (at most MERGE_FANIN at a time, earlier runs merged into one when there are
 * more). Callback, function and queue names and IPI target masks are kept
 * once each (interned), in memory.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rmpsim/limits.h>
#include <rmpsim/timeline.h>

#include "base/alloc.h"

#define IDLE			 UINT32_MAX
#define COMM_LEN		 16   /* TASK_COMM_LEN */
#define MAX_MARKS		 16   /* distinct mark names kept */
#define MAX_NAMES		 1024 /* distinct callback / function / queue names kept */
#define NO_NAME			 UINT16_MAX
#define CHUNK_EVENTS		 65536u /* events held before a sorted run is spilled (3.5 MiB) */
#define MERGE_FANIN		 64u	/* runs merged at once */
#define READ_EVENTS		 256u	/* events read ahead from each run while merging */
#define BITS_PER_WORD		 (sizeof(unsigned long) * CHAR_BIT)
#define RMPSIM_FTRACE_MASK_WORDS (RMPSIM_MAX_CPUS / (sizeof(unsigned long) * CHAR_BIT))

enum ev {
	E_SWITCH,
	E_IPI_ENTRY,
	E_IPI_EXIT,
	E_IRQ_DISABLE,
	E_IRQ_ENABLE,
	E_MARK,
	E_IPI_SEND, /* a = mask index, or b = the one target when a = NO_MASK */
	E_WORK_QUEUE,
	E_WORK_START,
	E_WORK_END, /* a = work item number */
};
#define NO_MASK UINT64_MAX

struct fev {
	uint64_t ts, seq; /* ps; record order breaks ties */
	uint64_t a, b;
	uint32_t cpu, cur;    /* the task running on cpu (IDLE: none) */
	uint32_t prev, next;  /* E_SWITCH */
	uint8_t kind, state;  /* state: 'S', 'R', 'X' */
	uint16_t mark;	      /* E_MARK: index in marks */
	uint16_t name, name2; /* callback / function, callsite / workqueue (names[]) */
};

struct fcpu {
	uint32_t cur;
	bool stop_pending; /* the current task stopped; the switch is written with what runs next */
	uint64_t stop_ts;
	uint32_t stop_prev;
	uint8_t stop_state;
};

/* A sorted run in the spill file. */
struct frun {
	uint64_t off, n; /* first event, events */
};

struct rmpsim_ftrace {
	const struct rmpsim_allocator *alloc;
	struct rmpsim_sim *sim;
	unsigned ncpus;
	struct fcpu *cpus;
	struct fev *ev; /* the chunk being filled */
	size_t n, cap;
	uint64_t seq;
	size_t chunk;	  /* events per sorted run (rmpsim_ftrace_set_chunk) */
	int fd;		  /* spill file, -1: none yet */
	uint64_t spilled; /* events in it */
	struct frun *runs;
	size_t nruns, runs_cap;
	char (*comm)[COMM_LEN]; /* by process id */
	size_t ncomm;
	char marks[MAX_MARKS][48];
	unsigned nmarks;
	char *names[MAX_NAMES];
	unsigned nnames;
	unsigned long *masks; /* nmasks masks of mask_words words, self excluded */
	size_t nmasks, masks_cap, mask_words;
	int err;
};

int rmpsim_ftrace_create(const struct rmpsim_allocator *a, struct rmpsim_ftrace **ret)
{
	a = rmpsim__alloc_or_default(a);
	if (!ret)
		return -EINVAL;
	struct rmpsim_ftrace *ft = rmpsim__calloc(a, 1, sizeof(*ft));
	if (!ft)
		return -ENOMEM;
	ft->alloc = a;
	ft->fd = -1;
	ft->chunk = CHUNK_EVENTS;
	*ret = ft;
	return 0;
}

void rmpsim_ftrace_set_chunk(struct rmpsim_ftrace *ft, size_t events)
{
	if (ft)
		ft->chunk = events ? events : CHUNK_EVENTS;
}

static void run_free(struct rmpsim_ftrace *ft)
{
	rmpsim__free(ft->alloc, ft->cpus, ft->ncpus * sizeof(*ft->cpus));
	rmpsim__free(ft->alloc, ft->ev, ft->cap * sizeof(*ft->ev));
	rmpsim__free(ft->alloc, ft->comm, ft->ncomm * sizeof(*ft->comm));
	rmpsim__free(ft->alloc, ft->runs, ft->runs_cap * sizeof(*ft->runs));
	rmpsim__free(ft->alloc, ft->masks, ft->masks_cap * ft->mask_words * sizeof(*ft->masks));
	for (unsigned i = 0; i < ft->nnames; i++)
		rmpsim__free(ft->alloc, ft->names[i], strlen(ft->names[i]) + 1);
	if (ft->fd >= 0)
		close(ft->fd);
	ft->fd = -1;
	ft->cpus = NULL;
	ft->ev = NULL;
	ft->comm = NULL;
	ft->runs = NULL;
	ft->masks = NULL;
	ft->n = ft->cap = ft->ncomm = ft->nruns = ft->runs_cap = 0;
	ft->nmasks = ft->masks_cap = ft->mask_words = 0;
	ft->spilled = 0;
	ft->ncpus = ft->nmarks = ft->nnames = 0;
	ft->sim = NULL;
	ft->seq = 0;
}

void rmpsim_ftrace_destroy(struct rmpsim_ftrace *ft)
{
	if (!ft)
		return;
	run_free(ft);
	rmpsim__free(ft->alloc, ft, sizeof(*ft));
}

/* ---- The spill file: sorted runs of events ---- */

static int by_time(const void *x, const void *y)
{
	const struct fev *a = x, *b = y;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	/* An interrupts-off stretch begins before what happens at its start. */
	bool da = a->kind == E_IRQ_DISABLE, db = b->kind == E_IRQ_DISABLE;
	if (da != db)
		return da ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int spill_open(struct rmpsim_ftrace *ft)
{
	if (ft->fd >= 0)
		return 0;
	const char *dir = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/rmpsim-ftrace-XXXXXX", dir && *dir ? dir : "/tmp");
	ft->fd = mkstemp(path);
	if (ft->fd < 0)
		return -EIO;
	unlink(path); /* gone when closed, whatever happens */
	return 0;
}

static int write_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;
	while (len) {
		ssize_t w = pwrite(fd, p, len, (off_t)off);
		if (w <= 0)
			return -EIO;
		p += w;
		len -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;
	while (len) {
		ssize_t r = pread(fd, p, len, (off_t)off);
		if (r <= 0)
			return -EIO;
		p += r;
		len -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static int add_run(struct rmpsim_ftrace *ft, uint64_t off, uint64_t n)
{
	if (ft->nruns == ft->runs_cap) {
		size_t ncap = ft->runs_cap ? ft->runs_cap * 2 : 16;
		void *p = rmpsim__realloc(ft->alloc, ft->runs, ft->runs_cap * sizeof(*ft->runs),
					  ncap * sizeof(*ft->runs));
		if (!p)
			return -ENOMEM;
		ft->runs = p;
		ft->runs_cap = ncap;
	}
	ft->runs[ft->nruns++] = (struct frun){ off, n };
	return 0;
}

/* One run being merged: its read-ahead buffer. */
struct mcursor {
	struct frun left; /* not read yet */
	struct fev *buf;
	size_t pos, n;
};

static int cursor_fill(struct rmpsim_ftrace *ft, struct mcursor *c)
{
	size_t n = c->left.n < READ_EVENTS ? (size_t)c->left.n : READ_EVENTS;
	int r = read_all(ft->fd, c->buf, n * sizeof(*c->buf), c->left.off * sizeof(*c->buf));
	c->left.off += n;
	c->left.n -= n;
	c->pos = 0;
	c->n = n;
	return r;
}

typedef int (*merge_sink)(struct rmpsim_ftrace *ft, const struct fev *e, void *ctx);

static bool head_before(struct mcursor *const *h, size_t i, size_t j)
{
	return by_time(&h[i]->buf[h[i]->pos], &h[j]->buf[h[j]->pos]) < 0;
}

/* Restore the min-heap below i (the cursors with events left, by their head). */
static void heap_down(struct mcursor **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && head_before(h, l, m))
			m = l;
		if (l + 1 < n && head_before(h, l + 1, m))
			m = l + 1;
		if (m == i)
			return;
		struct mcursor *t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Merge runs[first .. first + n) in time order into sink. */
static int merge(struct rmpsim_ftrace *ft, size_t first, size_t n, merge_sink sink, void *ctx)
{
	struct mcursor *c = rmpsim__calloc(ft->alloc, n, sizeof(*c));
	struct mcursor **h = rmpsim__calloc(ft->alloc, n, sizeof(*h));
	struct fev *bufs = rmpsim__calloc(ft->alloc, n * READ_EVENTS, sizeof(*bufs));
	size_t nh = 0;
	int r = c && h && bufs ? 0 : -ENOMEM;
	for (size_t i = 0; i < n && !r; i++) {
		c[i].left = ft->runs[first + i];
		c[i].buf = bufs + i * READ_EVENTS;
		r = cursor_fill(ft, &c[i]);
		if (c[i].n)
			h[nh++] = &c[i];
	}
	for (size_t i = nh / 2; i-- > 0;)
		heap_down(h, nh, i);
	while (!r && nh) {
		struct mcursor *best = h[0];
		r = sink(ft, &best->buf[best->pos++], ctx);
		if (!r && best->pos == best->n && best->left.n)
			r = cursor_fill(ft, best);
		if (best->pos == best->n)
			h[0] = h[--nh]; /* this run is done */
		heap_down(h, nh, 0);
	}
	rmpsim__free(ft->alloc, bufs, n * READ_EVENTS * sizeof(*bufs));
	rmpsim__free(ft->alloc, h, n * sizeof(*h));
	rmpsim__free(ft->alloc, c, n * sizeof(*c));
	return r;
}

/* A merge into one new run at the end of the spill file (buffered by CHUNK_EVENTS). */
static int to_spill(struct rmpsim_ftrace *ft, const struct fev *e, void *ctx)
{
	(void)ctx;
	int r = 0;
	if (ft->n == ft->cap)
		r = write_all(ft->fd, ft->ev, ft->n * sizeof(*ft->ev), ft->spilled * sizeof(*ft->ev));
	if (r)
		return r;
	if (ft->n == ft->cap) {
		ft->spilled += ft->n;
		ft->n = 0;
	}
	ft->ev[ft->n++] = *e;
	return 0;
}

/* Runs beyond the fan-in: merge the first MERGE_FANIN into one (the file grows). */
static int compact_runs(struct rmpsim_ftrace *ft)
{
	uint64_t off = ft->spilled, total = 0;
	for (size_t i = 0; i < MERGE_FANIN; i++)
		total += ft->runs[i].n;
	ft->n = 0;
	int r = merge(ft, 0, MERGE_FANIN, to_spill, NULL);
	if (!r)
		r = write_all(ft->fd, ft->ev, ft->n * sizeof(*ft->ev), ft->spilled * sizeof(*ft->ev));
	if (r)
		return r;
	ft->spilled += ft->n;
	ft->n = 0;
	memmove(ft->runs + 1, ft->runs + MERGE_FANIN, (ft->nruns - MERGE_FANIN) * sizeof(*ft->runs));
	ft->nruns -= MERGE_FANIN - 1;
	ft->runs[0] = (struct frun){ off, total };
	return 0;
}

/* The chunk is full (or the run ends): sort it and write it as a run. */
static int spill(struct rmpsim_ftrace *ft)
{
	int r = spill_open(ft);
	if (r)
		return r;
	qsort(ft->ev, ft->n, sizeof(*ft->ev), by_time);
	r = write_all(ft->fd, ft->ev, ft->n * sizeof(*ft->ev), ft->spilled * sizeof(*ft->ev));
	if (!r)
		r = add_run(ft, ft->spilled, ft->n);
	if (r)
		return r;
	ft->spilled += ft->n;
	ft->n = 0;
	return ft->nruns > MERGE_FANIN ? compact_runs(ft) : 0;
}

static struct fev *push(struct rmpsim_ftrace *ft, enum ev kind, unsigned cpu, uint64_t ts)
{
	if (ft->err)
		return NULL;
	if (!ft->ev) {
		ft->ev = rmpsim__calloc(ft->alloc, ft->chunk, sizeof(*ft->ev));
		if (!ft->ev) {
			ft->err = -ENOMEM;
			return NULL;
		}
		ft->cap = ft->chunk;
	}
	if (ft->n == ft->cap && (ft->err = spill(ft)))
		return NULL;
	struct fev *e = &ft->ev[ft->n++];
	memset(e, 0, sizeof(*e));
	e->kind = (uint8_t)kind;
	e->cpu = cpu;
	e->ts = ts;
	e->seq = ft->seq++;
	e->cur = ft->cpus[cpu].cur;
	e->name = e->name2 = NO_NAME;
	return e;
}

/* ---- Interned names and masks ---- */

static uint16_t intern_name(struct rmpsim_ftrace *ft, const char *name)
{
	if (!name)
		return NO_NAME;
	for (unsigned i = 0; i < ft->nnames; i++)
		if (!strcmp(ft->names[i], name))
			return (uint16_t)i;
	if (ft->nnames == MAX_NAMES)
		return NO_NAME; /* printed as "(unknown)" */
	size_t len = strlen(name) + 1;
	char *copy = rmpsim__malloc(ft->alloc, len);
	if (!copy) {
		ft->err = -ENOMEM;
		return NO_NAME;
	}
	memcpy(copy, name, len);
	ft->names[ft->nnames] = copy;
	return (uint16_t)ft->nnames++;
}

/* The targets of a send (mask without the sender), kept once. */
static uint64_t intern_mask(struct rmpsim_ftrace *ft, const unsigned long *mask, unsigned self)
{
	size_t w = ft->mask_words;
	unsigned long tmp[RMPSIM_FTRACE_MASK_WORDS];
	if (RMPSIM_FTRACE_MASK_WORDS < w)
		return NO_MASK;
	for (size_t i = 0; i < w; i++) {
		unsigned long x = mask[i];
		size_t rest = ft->ncpus - i * BITS_PER_WORD;
		if (rest < BITS_PER_WORD)
			x &= (1ul << rest) - 1;
		if (self / BITS_PER_WORD == i)
			x &= ~(1ul << (self % BITS_PER_WORD));
		tmp[i] = x;
	}
	for (size_t m = ft->nmasks; m-- > 0;) /* the latest first: a pass repeats its mask */
		if (!memcmp(ft->masks + m * w, tmp, w * sizeof(*tmp)))
			return m;
	if (ft->nmasks == ft->masks_cap) {
		size_t ncap = ft->masks_cap ? ft->masks_cap * 2 : 8;
		void *p = rmpsim__realloc(ft->alloc, ft->masks, ft->masks_cap * w * sizeof(*tmp),
					  ncap * w * sizeof(*tmp));
		if (!p) {
			ft->err = -ENOMEM;
			return NO_MASK;
		}
		ft->masks = p;
		ft->masks_cap = ncap;
	}
	memcpy(ft->masks + ft->nmasks * w, tmp, w * sizeof(*tmp));
	return ft->nmasks++;
}

static void name_proc(struct rmpsim_ftrace *ft, uint64_t id)
{
	struct rmpsim_proc *p = rmpsim_sim_current(ft->sim);
	if (id >= ft->ncomm) {
		size_t n = ft->ncomm ? ft->ncomm : 16;
		while (n <= id)
			n *= 2;
		void *q = rmpsim__realloc(ft->alloc, ft->comm, ft->ncomm * sizeof(*ft->comm),
					  n * sizeof(*ft->comm));
		if (!q) {
			ft->err = -ENOMEM;
			return;
		}
		ft->comm = q;
		memset(ft->comm + ft->ncomm, 0, (n - ft->ncomm) * sizeof(*ft->comm));
		ft->ncomm = n;
	}
	if (p)
		snprintf(ft->comm[id], COMM_LEN, "%s", rmpsim_proc_name(p));
}

static void switch_to(struct rmpsim_ftrace *ft, unsigned cpu, uint64_t ts, uint32_t prev, uint8_t state,
		      uint32_t next)
{
	struct fev *e = push(ft, E_SWITCH, cpu, ts);
	if (!e)
		return;
	e->cur = prev;
	e->prev = prev;
	e->state = state;
	e->next = next;
	ft->cpus[cpu].cur = next;
}

/* A stop not followed at once by another task: the CPU went idle then. */
static void settle(struct rmpsim_ftrace *ft, unsigned cpu, uint64_t ts)
{
	struct fcpu *c = &ft->cpus[cpu];
	if (!c->stop_pending || ts == c->stop_ts)
		return;
	c->stop_pending = false;
	switch_to(ft, cpu, c->stop_ts, c->stop_prev, c->stop_state, IDLE);
}

static void run_start(struct rmpsim_ftrace *ft, struct rmpsim_sim *sim)
{
	ft->sim = sim;
	ft->ncpus = rmpsim_sim_ncpus(sim);
	ft->cpus = rmpsim__calloc(ft->alloc, ft->ncpus, sizeof(*ft->cpus));
	if (!ft->cpus) {
		ft->err = -ENOMEM;
		ft->ncpus = 0;
		return;
	}
	for (unsigned i = 0; i < ft->ncpus; i++)
		ft->cpus[i].cur = IDLE;
	ft->mask_words = (ft->ncpus + BITS_PER_WORD - 1) / BITS_PER_WORD;
}

static void on_ipi_send(struct rmpsim_ftrace *ft, const struct rmpsim_trace_rec *rec)
{
	const struct rmpsim_trace_ipi_send *is = rec->data;
	if (!is)
		return;
	uint64_t mask = is->mask ? intern_mask(ft, is->mask, rec->cpu) : NO_MASK;
	uint16_t cb = intern_name(ft, is->callback), site = intern_name(ft, is->callsite);
	struct fev *e = push(ft, E_IPI_SEND, rec->cpu, rec->time_ps);
	if (!e)
		return;
	e->a = mask;
	e->b = is->single;
	e->name = cb;
	e->name2 = site;
}

static void on_work(struct rmpsim_ftrace *ft, const struct rmpsim_trace_rec *rec, enum ev kind)
{
	const struct rmpsim_trace_work *tw = rec->data;
	if (!tw)
		return;
	uint16_t fn = intern_name(ft, tw->function), wq = intern_name(ft, tw->workqueue);
	struct fev *e = push(ft, kind, rec->cpu, rec->time_ps);
	if (!e)
		return;
	e->a = rec->id;
	e->b = (uint64_t)(uint32_t)tw->req_cpu << 32 | (uint32_t)tw->cpu;
	e->name = fn;
	e->name2 = wq;
}

static void on_mark(struct rmpsim_ftrace *ft, const struct rmpsim_trace_rec *rec)
{
	const struct rmpsim_mark *m = rmpsim_sim_mark_get(ft->sim, rec->id);
	unsigned i;
	if (!m || rec->cpu >= ft->ncpus)
		return;
	for (i = 0; i < ft->nmarks && strcmp(ft->marks[i], m->name); i++)
		;
	if (i == ft->nmarks) {
		if (ft->nmarks == MAX_MARKS)
			return;
		snprintf(ft->marks[ft->nmarks++], sizeof(ft->marks[0]), "%s", m->name);
	}
	struct fev *e = push(ft, E_MARK, rec->cpu, rec->time_ps);
	if (e) {
		e->mark = (uint16_t)i;
		e->a = m->a;
		e->b = m->b;
	}
}

void rmpsim_ftrace_hook(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_trace_rec *rec)
{
	struct rmpsim_ftrace *ft = ctx;

	if (!ft || !rec || (!ft->sim && !sim))
		return;
	unsigned cpu = rec->cpu;
	if (!ft->sim)
		run_start(ft, sim);
	if (ft->err)
		return;
	if (rec->kind == RMPSIM_TRACE_MARK) {
		on_mark(ft, rec);
		return;
	}
	if (cpu >= ft->ncpus)
		return;
	struct fcpu *c = &ft->cpus[cpu];
	settle(ft, cpu, rec->time_ps);
	switch (rec->kind) {
	case RMPSIM_TRACE_PROC_RUN:
		if (c->cur == rec->id)
			break; /* the same task goes on after computing */
		name_proc(ft, rec->id);
		if (c->stop_pending) { /* one switch from the task that stopped */
			c->stop_pending = false;
			switch_to(ft, cpu, rec->time_ps, c->stop_prev, c->stop_state, (uint32_t)rec->id);
		} else {
			switch_to(ft, cpu, rec->time_ps, c->cur, 'R', (uint32_t)rec->id);
		}
		break;
	case RMPSIM_TRACE_PROC_STOP:
		if (rec->a > 2 || c->cur != rec->id)
			break; /* a sleep ended, or not the running task */
		c->stop_pending = true;
		c->stop_ts = rec->time_ps;
		c->stop_prev = c->cur;
		c->stop_state = rec->a == 1 ? 'R' : rec->a == 2 ? 'X' : 'S';
		c->cur = IDLE;
		break;
	case RMPSIM_TRACE_IPI_SEND: on_ipi_send(ft, rec); break;
	case RMPSIM_TRACE_WORK_QUEUE: on_work(ft, rec, E_WORK_QUEUE); break;
	case RMPSIM_TRACE_WORK_START: on_work(ft, rec, E_WORK_START); break;
	case RMPSIM_TRACE_WORK_END: on_work(ft, rec, E_WORK_END); break;
	case RMPSIM_TRACE_IPI_START: push(ft, E_IPI_ENTRY, cpu, rec->time_ps); break;
	case RMPSIM_TRACE_IPI_END: push(ft, E_IPI_EXIT, cpu, rec->time_ps); break;
	case RMPSIM_TRACE_IRQOFF: {
		/* A254: the stretch as the preemptirq events would show it. */
		uint64_t start = rec->a <= rec->time_ps ? rec->time_ps - rec->a : 0;
		struct fev *e = push(ft, E_IRQ_DISABLE, cpu, start);
		if (e)
			e->a = rec->a;
		push(ft, E_IRQ_ENABLE, cpu, rec->time_ps);
		break;
	}
	default: break;
	}
}

/* ---- Writing ---- */

static const char *comm_of(const struct rmpsim_ftrace *ft, uint32_t id, unsigned cpu, char *buf, size_t len)
{
	if (id == IDLE) {
		snprintf(buf, len, "swapper/%u", cpu);
		return buf;
	}
	return id < ft->ncomm && ft->comm[id][0] ? ft->comm[id] : "proc";
}

/* A254: pids are process ids + 1 (0 is the idle task). */
static unsigned pid_of(uint32_t id)
{
	return id == IDLE ? 0 : id + 1;
}

static const char *name_of(const struct rmpsim_ftrace *ft, uint16_t i)
{
	return i < ft->nnames ? ft->names[i] : "(unknown)";
}

/* A bitmask as the kernel's "%*pb": 32-bit hex groups, most significant first. */
static void fmt_mask(const struct rmpsim_ftrace *ft, uint64_t m, char *buf, size_t len)
{
	const unsigned long *w = ft->masks + m * ft->mask_words;
	unsigned nbits = ft->ncpus;
	unsigned chunk = nbits % 32 ? nbits % 32 : 32;
	size_t at = 0;
	buf[0] = '\0';
	for (int lo = (int)((nbits + 31) / 32 * 32) - 32; lo >= 0 && at < len; lo -= 32) {
		unsigned long v = (w[lo / BITS_PER_WORD] >> (lo % BITS_PER_WORD)) & ((1ull << chunk) - 1);
		int n = snprintf(buf + at, len - at, "%s%0*lx", at ? "," : "", (int)((chunk + 3) / 4), v);
		at += n > 0 ? (size_t)n : 0;
		chunk = 32;
	}
}

static void line(FILE *f, const struct rmpsim_ftrace *ft, const struct fev *e)
{
	char fields[2560], who[32], prev[32], next[32];
	const char *name = "";
	uint64_t ns = e->ts / 1000;

	switch (e->kind) {
	case E_SWITCH:
		name = "sched_switch";
		snprintf(fields, sizeof(fields),
			 "prev_comm=%s prev_pid=%u prev_prio=120 prev_state=%c ==> next_comm=%s next_pid=%u "
			 "next_prio=120",
			 comm_of(ft, e->prev, e->cpu, prev, sizeof(prev)), pid_of(e->prev),
			 e->prev == IDLE ? 'R' : e->state, comm_of(ft, e->next, e->cpu, next, sizeof(next)),
			 pid_of(e->next));
		break;
	case E_IPI_ENTRY:
	case E_IPI_EXIT:
		name = e->kind == E_IPI_ENTRY ? "ipi_entry" : "ipi_exit";
		snprintf(fields, sizeof(fields), "(Function call interrupts)");
		break;
	case E_IRQ_DISABLE:
	case E_IRQ_ENABLE:
		name = e->kind == E_IRQ_DISABLE ? "irq_disable" : "irq_enable";
		snprintf(fields, sizeof(fields), "caller=0x0 parent=0x0");
		break;
	case E_IPI_SEND:
		if (e->a == NO_MASK) {
			name = "ipi_send_cpu";
			snprintf(fields, sizeof(fields), "cpu=%" PRIu64 " callsite=%s callback=%s", e->b,
				 name_of(ft, e->name2), name_of(ft, e->name));
		} else {
			char mask[RMPSIM_MAX_CPUS / 4 + RMPSIM_MAX_CPUS / 32 + 1];
			fmt_mask(ft, e->a, mask, sizeof(mask));
			name = "ipi_send_cpumask";
			snprintf(fields, sizeof(fields), "cpumask=%s callsite=%s callback=%s", mask,
				 name_of(ft, e->name2), name_of(ft, e->name));
		}
		break;
	case E_WORK_QUEUE:
		/* A381: the work struct as its number in the boot, 16 hex digits like a hashed %p */
		name = "workqueue_queue_work";
		snprintf(fields, sizeof(fields),
			 "work struct=%016" PRIx64 " function=%s workqueue=%s req_cpu=%d cpu=%d", e->a,
			 name_of(ft, e->name), name_of(ft, e->name2), (int)(uint32_t)(e->b >> 32),
			 (int)(uint32_t)e->b);
		break;
	case E_WORK_START:
	case E_WORK_END:
		name = e->kind == E_WORK_START ? "workqueue_execute_start" : "workqueue_execute_end";
		snprintf(fields, sizeof(fields), "work struct %016" PRIx64 ": function %s", e->a,
			 name_of(ft, e->name));
		break;
	default:
		name = ft->marks[e->mark];
		snprintf(fields, sizeof(fields), "a=0x%" PRIx64 " b=0x%" PRIx64, e->a, e->b);
		break;
	}
	const char *comm = e->cur == IDLE ? "<idle>" : comm_of(ft, e->cur, e->cpu, who, sizeof(who));
	char ev[64];
	snprintf(ev, sizeof(ev), "%s:", name);
	fprintf(f, "%16s-%-5u [%03u] %" PRIu64 ".%09" PRIu64 ": %-20s %s\n", comm, pid_of(e->cur), e->cpu,
		ns / 1000000000u, ns % 1000000000u, ev, fields);
}

static int to_file(struct rmpsim_ftrace *ft, const struct fev *e, void *ctx)
{
	line(ctx, ft, e);
	return 0;
}

int rmpsim_ftrace_write_run(struct rmpsim_ftrace *ft, FILE *f, const char *label)
{
	if (!ft || !f)
		return -EINVAL;
	if (!label)
		label = "";
	for (unsigned i = 0; i < ft->ncpus; i++)
		settle(ft, i, UINT64_MAX);
	int r = ft->err;
	if (!r && ft->nruns) /* the rest as the last run, then merge them all */
		r = spill(ft);
	if (!r) {
		fprintf(f, "# rmpsim run: %s\ncpus=%u\n", label, ft->ncpus);
		if (ft->nruns) {
			r = merge(ft, 0, ft->nruns, to_file, f);
		} else {
			qsort(ft->ev, ft->n, sizeof(*ft->ev), by_time);
			for (size_t i = 0; i < ft->n; i++)
				line(f, ft, &ft->ev[i]);
		}
		if (!r && ferror(f))
			r = -EIO;
	}
	run_free(ft);
	ft->err = 0;
	return r;
}
