/* SPDX-License-Identifier: MIT */
/*
 * The simulated kernel's trace in `trace-cmd report` text layout (timeline.h):
 * one line per event, "comm-pid [cpu] seconds: event: fields", sorted by time,
 * with the event names and field layouts of the Linux tracepoints the sim's
 * records stand for (A254):
 *   sched_switch          a process starts or stops running on a CPU
 *   ipi_entry / ipi_exit  an IPI handler (reason "Function call interrupts")
 *   irq_disable / _enable an interrupts-off stretch (preemptirq events)
 *   rmpopt_*              the project's own pass tracepoints
 * A run's events are kept (48 bytes each) and sorted when it ends: an
 * interrupts-off stretch is only known once it is over.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/timeline.h>

#include "base/alloc.h"

#define IDLE	  UINT32_MAX
#define COMM_LEN  16 /* TASK_COMM_LEN */
#define MAX_MARKS 16 /* distinct mark names kept */

enum ev { E_SWITCH, E_IPI_ENTRY, E_IPI_EXIT, E_IRQ_DISABLE, E_IRQ_ENABLE, E_MARK };

struct fev {
	uint64_t ts, seq; /* ps; record order breaks ties */
	uint64_t a, b;
	uint32_t cpu, cur;   /* the task running on cpu (IDLE: none) */
	uint32_t prev, next; /* E_SWITCH */
	uint8_t kind, state; /* state: 'S', 'R', 'X' */
	uint16_t mark;	     /* E_MARK: index in marks */
};

struct fcpu {
	uint32_t cur;
	bool stop_pending; /* the current task stopped; the switch is written with what runs next */
	uint64_t stop_ts;
	uint32_t stop_prev;
	uint8_t stop_state;
};

struct rmpsim_ftrace {
	const struct rmpsim_allocator *alloc;
	struct rmpsim_sim *sim;
	unsigned ncpus;
	struct fcpu *cpus;
	struct fev *ev;
	size_t n, cap;
	uint64_t seq;
	char (*comm)[COMM_LEN]; /* by process id */
	size_t ncomm;
	char marks[MAX_MARKS][48];
	unsigned nmarks;
	int err;
};

int rmpsim_ftrace_create(const struct rmpsim_allocator *a, struct rmpsim_ftrace **ret)
{
	a = rmpsim__alloc_or_default(a);
	struct rmpsim_ftrace *ft = rmpsim__calloc(a, 1, sizeof(*ft));
	if (!ft)
		return -ENOMEM;
	ft->alloc = a;
	*ret = ft;
	return 0;
}

static void run_free(struct rmpsim_ftrace *ft)
{
	rmpsim__free(ft->alloc, ft->cpus, ft->ncpus * sizeof(*ft->cpus));
	rmpsim__free(ft->alloc, ft->ev, ft->cap * sizeof(*ft->ev));
	rmpsim__free(ft->alloc, ft->comm, ft->ncomm * sizeof(*ft->comm));
	ft->cpus = NULL;
	ft->ev = NULL;
	ft->comm = NULL;
	ft->n = ft->cap = ft->ncomm = 0;
	ft->ncpus = ft->nmarks = 0;
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

static struct fev *push(struct rmpsim_ftrace *ft, enum ev kind, unsigned cpu, uint64_t ts)
{
	if (ft->err)
		return NULL;
	if (ft->n == ft->cap) {
		size_t ncap = ft->cap ? ft->cap * 2 : 1024;
		void *p =
			rmpsim__realloc(ft->alloc, ft->ev, ft->cap * sizeof(*ft->ev), ncap * sizeof(*ft->ev));
		if (!p) {
			ft->err = -ENOMEM;
			return NULL;
		}
		ft->ev = p;
		ft->cap = ncap;
	}
	struct fev *e = &ft->ev[ft->n++];
	memset(e, 0, sizeof(*e));
	e->kind = (uint8_t)kind;
	e->cpu = cpu;
	e->ts = ts;
	e->seq = ft->seq++;
	e->cur = ft->cpus[cpu].cur;
	return e;
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

static void line(FILE *f, const struct rmpsim_ftrace *ft, const struct fev *e)
{
	char fields[256], who[32], prev[32], next[32];
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

int rmpsim_ftrace_write_run(struct rmpsim_ftrace *ft, FILE *f, const char *label)
{
	for (unsigned i = 0; i < ft->ncpus; i++)
		settle(ft, i, UINT64_MAX);
	int r = ft->err;
	if (!r) {
		qsort(ft->ev, ft->n, sizeof(*ft->ev), by_time);
		fprintf(f, "# rmpsim run: %s\ncpus=%u\n", label, ft->ncpus);
		for (size_t i = 0; i < ft->n; i++)
			line(f, ft, &ft->ev[i]);
		if (ferror(f))
			r = -EIO;
	}
	run_free(ft);
	ft->err = 0;
	return r;
}
