/* SPDX-License-Identifier: MIT */
/*
 * Chrome trace event JSON from the sim's trace hook (timeline.h).
 *
 * Each CPU keeps a stack of open slices, outermost first:
 *   rmpopt pass (the worker's work item) > leader / follower phase >
 *   process run > RMPOPT (process context) > IPI handler > RMPOPT (handler).
 * A slice is an X event, and X needs its duration, so a CPU's slices wait in
 * its buffer, in the order they opened, until its outermost slice closes;
 * then they are written parents first: ts never goes back on a thread and
 * every slice lies inside its parent. A slice that must close while others
 * are open above it closes them too, at the same time (A250).
 *
 * The pass marks (rmpopt_pass_start, _leader_done, _pass_done) cut the
 * process slice open on the pass's CPU, so that the pass and its phases can
 * sit outside it: a worker that sleeps mid-pass ends its process slice, not
 * the pass.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rmpsim/machine.h>
#include <rmpsim/timeline.h>

#include "base/alloc.h"

#define GB_SHIFT   30
#define MAX_DEPTH  16
#define PID_STRIDE 10000u /* pid = (run + 1) * PID_STRIDE + node: a node's process per run */
#define BIG_BYTES  (64ull << 20)
/* Bytes one (CPU, region) adds: a handler, its RMPOPT and a counter sample. */
#define BYTES_PER_RMPOPT 480ull

enum kind { SL_PASS, SL_PHASE, SL_PROC, SL_RMPOPT, SL_IPI };

struct slice {
	uint64_t start, end; /* ps; end of an open process-context RMPOPT: when it would end */
	uint64_t id, a;	     /* kind-specific: see write_slice() */
	unsigned char kind;
	bool keep, handler_ctx;
	char name[32]; /* process name */
};

struct tcpu {
	struct slice *buf; /* in the order they opened */
	size_t n, cap;
	size_t stack[MAX_DEPTH];
	unsigned depth;
	bool selected;
	bool deferred; /* a process started during a handler: it runs when the handler ends */
	uint64_t deferred_id;
	char deferred_name[32];
};

struct rmpsim_trace_json {
	const struct rmpsim_allocator *alloc;
	FILE *f, *notes;
	const char *path;
	struct rmpsim_tl_filter flt;
	char label[96];
	unsigned run; /* runs begun */
	struct rmpsim_sim *sim;
	struct tcpu *cpus;
	unsigned ncpus;
	uint64_t *node_lines, *node_optimised;
	unsigned nnodes;
	unsigned pass_cpu; /* RMPSIM_CPU_ANY: no pass open */
	uint64_t last_ps;
	uint64_t events;
	bool cpu_seen;	      /* some run had a selected CPU */
	uint64_t rmpopt_kept; /* RMPOPTs written */
	int err;
};

/* ---- Formatting ---- */

const char *rmpsim_tl_fmt_us(uint64_t ps, char *buf, size_t len)
{
	uint64_t ns = ps / 1000; /* A250: timelines are exact to the nanosecond */
	snprintf(buf, len, "%" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
	return buf;
}

static void emit(struct rmpsim_trace_json *tj, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct rmpsim_trace_json *tj, const char *fmt, ...)
{
	va_list ap;
	if (tj->err)
		return;
	if (fputs(tj->events ? ",\n" : "\n", tj->f) < 0) {
		tj->err = -EIO;
		return;
	}
	va_start(ap, fmt);
	int r = vfprintf(tj->f, fmt, ap);
	va_end(ap);
	if (r < 0)
		tj->err = -EIO;
	tj->events++;
}

/* A process name as a JSON string body (names come from kernel-style code). */
static void json_str(const char *s, char *out, size_t len)
{
	size_t o = 0;
	for (; *s && o + 7 < len; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, len - o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, len - o, "\\u%04x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = 0;
}

static unsigned pid_of(const struct rmpsim_trace_json *tj, unsigned cpu)
{
	return (tj->run + 1) * PID_STRIDE + rmpsim_sim_cpu_node(tj->sim, cpu);
}

static const char *rmpopt_name(unsigned kind)
{
	switch (kind) {
	case RMPSIM_RMPOPT_SCANNED: return "RMPOPT scan";
	case RMPSIM_RMPOPT_EARLY_EXIT: return "RMPOPT early exit";
	case RMPSIM_RMPOPT_CACHE_HIT: return "RMPOPT cached";
	default: return "RMPOPT";
	}
}

static void write_slice(struct rmpsim_trace_json *tj, unsigned cpu, const struct slice *s)
{
	char ts[32], dur[32], name[80], args[160];
	const char *cat = "sched";
	uint64_t start_ns = s->start / 1000, end_ns = s->end / 1000;

	rmpsim_tl_fmt_us(s->start, ts, sizeof(ts));
	rmpsim_tl_fmt_us((end_ns - start_ns) * 1000, dur, sizeof(dur));
	switch (s->kind) {
	case SL_PASS:
		cat = "pass";
		snprintf(name, sizeof(name), "rmpopt pass (work item)");
		snprintf(args, sizeof(args), "{\"pa_start\":%" PRIu64 ",\"pa_end\":%" PRIu64 "}", s->id,
			 s->a);
		break;
	case SL_PHASE:
		cat = "pass";
		snprintf(name, sizeof(name), "%s phase", s->id ? "follower" : "leader");
		if (s->id)
			snprintf(args, sizeof(args), "{\"leader_cpu\":%" PRId64 "}", (int64_t)s->a);
		else
			snprintf(args, sizeof(args), "{}");
		break;
	case SL_PROC:
		json_str(s->name, name, sizeof(name));
		snprintf(args, sizeof(args), "{\"proc\":%" PRIu64 "}", s->id);
		break;
	case SL_IPI:
		cat = "irq";
		snprintf(name, sizeof(name), "IPI handler (irqs off)");
		snprintf(args, sizeof(args), "{\"call\":%" PRIu64 ",\"from_cpu\":%" PRIu64 "}", s->id, s->a);
		break;
	default:
		cat = "rmpopt";
		snprintf(name, sizeof(name), "%s", rmpopt_name(RMPSIM_TRACE_RMPOPT_KIND(s->id)));
		snprintf(args, sizeof(args),
			 "{\"region\":%" PRIu64 ",\"lines\":%" PRIu64 ",\"free\":%s,\"context\":\"%s\"}",
			 RMPSIM_TRACE_RMPOPT_REGION(s->id), RMPSIM_TRACE_RMPOPT_LINES(s->a),
			 RMPSIM_TRACE_RMPOPT_FREE(s->id) ? "true" : "false",
			 s->handler_ctx ? "ipi" : "process");
		break;
	}
	emit(tj,
	     "{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":%s,\"dur\":%s,"
	     "\"args\":%s}",
	     name, cat, pid_of(tj, cpu), cpu, ts, dur, args);
}

/* ---- Per-CPU slice stacks ---- */

static void flush(struct rmpsim_trace_json *tj, unsigned cpu)
{
	struct tcpu *c = &tj->cpus[cpu];
	for (size_t i = 0; i < c->n; i++) {
		if (c->buf[i].keep)
			write_slice(tj, cpu, &c->buf[i]);
	}
	c->n = 0;
}

static struct slice *top(struct tcpu *c)
{
	return c->depth ? &c->buf[c->stack[c->depth - 1]] : NULL;
}

static struct slice *open_slice(struct rmpsim_trace_json *tj, unsigned cpu, enum kind k, uint64_t start)
{
	struct tcpu *c = &tj->cpus[cpu];
	if (c->depth == MAX_DEPTH || tj->err)
		return NULL;
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		void *p =
			rmpsim__realloc(tj->alloc, c->buf, c->cap * sizeof(*c->buf), ncap * sizeof(*c->buf));
		if (!p) {
			tj->err = -ENOMEM;
			return NULL;
		}
		c->buf = p;
		c->cap = ncap;
	}
	struct slice *s = &c->buf[c->n];
	memset(s, 0, sizeof(*s));
	s->kind = (unsigned char)k;
	s->start = start;
	s->end = start;
	s->keep = true;
	c->stack[c->depth++] = c->n++;
	return s;
}

/* Close the top slice at t (never before it began, never after its parent could end). */
static void close_top(struct rmpsim_trace_json *tj, unsigned cpu, uint64_t t)
{
	struct tcpu *c = &tj->cpus[cpu];
	struct slice *s = top(c);
	if (!s)
		return;
	s->end = t > s->start ? t : s->start;
	c->depth--;
	if (s->kind == SL_IPI && !s->keep) {
		/* A handler with nothing selected goes (it holds nothing selected). */
		c->n = c->stack[c->depth];
	}
	if (!c->depth)
		flush(tj, cpu);
}

/* Index in the stack of the innermost open slice of kind k, or -1. */
static int find(const struct tcpu *c, enum kind k)
{
	for (int i = (int)c->depth - 1; i >= 0; i--) {
		if (c->buf[c->stack[i]].kind == k)
			return i;
	}
	return -1;
}

/* Close everything from stack level lvl up, at t. */
static void close_from(struct rmpsim_trace_json *tj, unsigned cpu, int lvl, uint64_t t)
{
	struct tcpu *c = &tj->cpus[cpu];
	while (lvl >= 0 && (int)c->depth > lvl) {
		struct slice *s = top(c);
		/* A process-context RMPOPT ends by itself or with its process, whichever is first. */
		close_top(tj, cpu, s->kind == SL_RMPOPT && !s->handler_ctx && s->end < t ? s->end : t);
	}
}

/* Process-context RMPOPTs whose time has passed by t end. */
static void settle(struct rmpsim_trace_json *tj, unsigned cpu, uint64_t t)
{
	struct tcpu *c = &tj->cpus[cpu];
	struct slice *s;
	while ((s = top(c)) && s->kind == SL_RMPOPT && !s->handler_ctx && s->end <= t)
		close_top(tj, cpu, s->end);
}

static void open_proc(struct rmpsim_trace_json *tj, unsigned cpu, uint64_t id, const char *name, uint64_t t)
{
	struct slice *s = open_slice(tj, cpu, SL_PROC, t);
	if (s) {
		s->id = id;
		snprintf(s->name, sizeof(s->name), "%s", name);
	}
}

/* ---- Records ---- */

static void on_proc_run(struct rmpsim_trace_json *tj, unsigned cpu, const struct rmpsim_trace_rec *rec)
{
	struct tcpu *c = &tj->cpus[cpu];
	struct rmpsim_proc *p = rmpsim_sim_current(tj->sim);
	const char *name = p ? rmpsim_proc_name(p) : "proc";
	int lvl = find(c, SL_PROC);

	if (lvl >= 0 && c->buf[c->stack[lvl]].id == rec->id)
		return; /* the same process goes on after computing */
	if (lvl >= 0)
		close_from(tj, cpu, lvl, rec->time_ps);
	if (find(c, SL_IPI) >= 0) {
		c->deferred = true;
		c->deferred_id = rec->id;
		snprintf(c->deferred_name, sizeof(c->deferred_name), "%s", name);
		return;
	}
	open_proc(tj, cpu, rec->id, name, rec->time_ps);
}

static void on_proc_stop(struct rmpsim_trace_json *tj, unsigned cpu, const struct rmpsim_trace_rec *rec)
{
	struct tcpu *c = &tj->cpus[cpu];
	if (rec->a > 2)
		return; /* a sleep ended: the process is not running */
	if (c->deferred && c->deferred_id == rec->id)
		c->deferred = false;
	int lvl = find(c, SL_PROC);
	if (lvl >= 0 && c->buf[c->stack[lvl]].id == rec->id)
		close_from(tj, cpu, lvl, rec->time_ps);
}

static void on_ipi_end(struct rmpsim_trace_json *tj, unsigned cpu, const struct rmpsim_trace_rec *rec)
{
	struct tcpu *c = &tj->cpus[cpu];
	int lvl = find(c, SL_IPI);
	if (lvl < 0)
		return;
	close_from(tj, cpu, lvl, rec->time_ps);
	struct slice *s = top(c);
	if (s && s->kind == SL_RMPOPT && !s->handler_ctx)
		s->end += rec->a; /* the handler pushed the instruction's end back */
	if (c->deferred && find(c, SL_IPI) < 0) {
		c->deferred = false;
		open_proc(tj, cpu, c->deferred_id, c->deferred_name, rec->time_ps);
	}
}

static void on_rmpopt(struct rmpsim_trace_json *tj, unsigned cpu, const struct rmpsim_trace_rec *rec)
{
	struct tcpu *c = &tj->cpus[cpu];
	uint64_t region = RMPSIM_TRACE_RMPOPT_REGION(rec->id);
	uint64_t t = rec->time_ps + RMPSIM_TRACE_RMPOPT_OFFSET(rec->id);
	uint64_t ps = RMPSIM_TRACE_RMPOPT_PS(rec->a);
	unsigned kind = RMPSIM_TRACE_RMPOPT_KIND(rec->id);

	if (!rmpsim_tl_set_has(&tj->flt.regions, region))
		return;
	int ipi = find(c, SL_IPI);
	struct slice *s = open_slice(tj, cpu, SL_RMPOPT, t);
	if (!s)
		return;
	s->id = rec->id;
	s->a = rec->a;
	s->end = t + ps;
	s->handler_ctx = ipi >= 0;
	if (ipi >= 0) {
		c->buf[c->stack[ipi]].keep = true;
		close_top(tj, cpu, t + ps);
	}
	tj->rmpopt_kept++;
	/* A250: "regions optimised" counts verifies that leave the region
	 * optimised on that CPU: a free region, scanned or from a cached result. */
	unsigned node = rmpsim_sim_cpu_node(tj->sim, cpu);
	tj->node_lines[node] += RMPSIM_TRACE_RMPOPT_LINES(rec->a);
	tj->node_optimised[node] += kind != RMPSIM_RMPOPT_EARLY_EXIT && RMPSIM_TRACE_RMPOPT_FREE(rec->id);
	char ts[32];
	emit(tj,
	     "{\"name\":\"RMPOPT\",\"ph\":\"C\",\"pid\":%u,\"ts\":%s,\"args\":{\"RMP lines read\":%" PRIu64
	     ",\"regions optimised\":%" PRIu64 "}}",
	     pid_of(tj, cpu), rmpsim_tl_fmt_us(rec->time_ps, ts, sizeof(ts)), tj->node_lines[node],
	     tj->node_optimised[node]);
}

/* The pass marks: cut the process slice, then open or close pass and phases. */
static void on_mark(struct rmpsim_trace_json *tj, unsigned cpu, const struct rmpsim_trace_rec *rec)
{
	const struct rmpsim_mark *m = rmpsim_sim_mark_get(tj->sim, rec->id);
	bool start = m && !strcmp(m->name, "rmpopt_pass_start");
	bool leader = m && !strcmp(m->name, "rmpopt_leader_done");
	bool done = m && !strcmp(m->name, "rmpopt_pass_done");
	uint64_t t = rec->time_ps;

	if (!start && !leader && !done)
		return;
	if (start)
		tj->pass_cpu = cpu;
	else if (tj->pass_cpu == RMPSIM_CPU_ANY)
		return;
	unsigned pc = tj->pass_cpu;
	struct tcpu *c = &tj->cpus[pc];
	if (!c->selected || find(c, SL_IPI) >= 0)
		return; /* a mark from a handler: leave the slices as they are (A250) */
	int proc = find(c, SL_PROC);
	struct slice saved = proc >= 0 ? c->buf[c->stack[proc]] : (struct slice){ 0 };
	int from = start ? 0 : find(c, done ? SL_PASS : SL_PHASE);
	if (from < 0)
		from = proc;
	close_from(tj, pc, from, t);
	if (start) {
		struct slice *s = open_slice(tj, pc, SL_PASS, t);
		if (s) {
			s->id = m->a;
			s->a = m->b;
		}
	}
	if (start || leader) {
		struct slice *s = open_slice(tj, pc, SL_PHASE, t);
		if (s) {
			s->id = leader;
			s->a = m->a;
		}
	}
	if (done)
		tj->pass_cpu = RMPSIM_CPU_ANY;
	if (proc >= 0)
		open_proc(tj, pc, saved.id, saved.name, t);
}

/* ---- Runs ---- */

static void run_free(struct rmpsim_trace_json *tj)
{
	for (unsigned i = 0; i < tj->ncpus; i++)
		rmpsim__free(tj->alloc, tj->cpus[i].buf, tj->cpus[i].cap * sizeof(struct slice));
	rmpsim__free(tj->alloc, tj->cpus, tj->ncpus * sizeof(*tj->cpus));
	rmpsim__free(tj->alloc, tj->node_lines, tj->nnodes * sizeof(uint64_t));
	rmpsim__free(tj->alloc, tj->node_optimised, tj->nnodes * sizeof(uint64_t));
	tj->cpus = NULL;
	tj->node_lines = tj->node_optimised = NULL;
	tj->ncpus = tj->nnodes = 0;
	tj->sim = NULL;
}

/* 1 GB regions of RAM the region filter keeps. */
static uint64_t regions_selected(const struct rmpsim_trace_json *tj)
{
	struct rmpsim_machine *m = rmpsim_sim_machine(tj->sim);
	struct rmpsim_mem_range r[64];
	uint64_t n = 0;
	size_t nr = m ? rmpsim_machine_ram_ranges(m, r, 64) : 0;
	for (size_t i = 0; i < nr && i < 64; i++) {
		for (uint64_t g = r[i].start >> GB_SHIFT; g < (r[i].end + (1ull << GB_SHIFT) - 1) >> GB_SHIFT;
		     g++)
			n += rmpsim_tl_set_has(&tj->flt.regions, g);
	}
	return n;
}

/* The first record of a run: the machine is known; names and the size estimate. */
static void run_start(struct rmpsim_trace_json *tj, struct rmpsim_sim *sim)
{
	unsigned n = rmpsim_sim_ncpus(sim);
	unsigned nodes = 0;

	tj->sim = sim;
	for (unsigned i = 0; i < n; i++) {
		unsigned nd = rmpsim_sim_cpu_node(sim, i) + 1;
		nodes = nd > nodes ? nd : nodes;
	}
	tj->cpus = rmpsim__calloc(tj->alloc, n, sizeof(*tj->cpus));
	tj->node_lines = rmpsim__calloc(tj->alloc, nodes, sizeof(uint64_t));
	tj->node_optimised = rmpsim__calloc(tj->alloc, nodes, sizeof(uint64_t));
	tj->ncpus = n;
	tj->nnodes = nodes;
	if (!tj->cpus || !tj->node_lines || !tj->node_optimised) {
		tj->err = -ENOMEM;
		return;
	}
	char label[200];
	json_str(tj->label, label, sizeof(label));
	bool *named = rmpsim__calloc(tj->alloc, nodes, sizeof(bool));
	if (!named) {
		tj->err = -ENOMEM;
		return;
	}
	unsigned sel = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!rmpsim_tl_set_has(&tj->flt.cpus, i))
			continue;
		tj->cpus[i].selected = true;
		sel++;
		unsigned nd = rmpsim_sim_cpu_node(sim, i), pid = pid_of(tj, i);
		if (!named[nd]) {
			named[nd] = true;
			emit(tj,
			     "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%u,\"args\":{\"name\":\"run "
			     "%u: %s, node %u\"}}",
			     pid, tj->run + 1, label, nd);
			emit(tj,
			     "{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":%u,\"args\":{\"sort_"
			     "index\":%u}}",
			     pid, pid);
		}
		emit(tj,
		     "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":\"CPU "
		     "%u\"}}",
		     pid, i, i);
		emit(tj,
		     "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"args\":{\"sort_"
		     "index\":%u}}",
		     pid, i, i);
	}
	rmpsim__free(tj->alloc, named, nodes * sizeof(bool));
	tj->cpu_seen = tj->cpu_seen || sel;
	uint64_t regions = regions_selected(tj);
	uint64_t est = (uint64_t)sel * regions * BYTES_PER_RMPOPT;
	if (tj->notes && est >= BIG_BYTES)
		fprintf(tj->notes,
			"rmpsim: --trace %s: run '%s' adds up to about %" PRIu64 " MB (%u CPUs x %" PRIu64
			" regions); --trace-cpus and --trace-regions narrow it\n",
			tj->path ? tj->path : "", tj->label, est >> 20, sel, regions);
}

void rmpsim_trace_json_hook(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_trace_rec *rec)
{
	struct rmpsim_trace_json *tj = ctx;

	if (!tj || !rec || tj->err || (!tj->sim && !sim))
		return;
	unsigned cpu = rec->cpu;
	if (!tj->sim)
		run_start(tj, sim);
	if (tj->err)
		return;
	if (rec->time_ps > tj->last_ps)
		tj->last_ps = rec->time_ps;
	if (rec->kind == RMPSIM_TRACE_MARK) {
		if (cpu < tj->ncpus)
			on_mark(tj, cpu, rec);
		return;
	}
	if (cpu >= tj->ncpus || !tj->cpus[cpu].selected)
		return;
	settle(tj, cpu, rec->time_ps);
	switch (rec->kind) {
	case RMPSIM_TRACE_PROC_RUN: on_proc_run(tj, cpu, rec); break;
	case RMPSIM_TRACE_PROC_STOP: on_proc_stop(tj, cpu, rec); break;
	case RMPSIM_TRACE_IPI_START: {
		struct slice *s = open_slice(tj, cpu, SL_IPI, rec->time_ps);
		if (s) {
			s->id = rec->id;
			s->a = rec->a;
			s->keep = tj->flt.regions.n == 0; /* else only with a selected RMPOPT inside */
		}
		break;
	}
	case RMPSIM_TRACE_IPI_END: on_ipi_end(tj, cpu, rec); break;
	case RMPSIM_TRACE_RMPOPT: on_rmpopt(tj, cpu, rec); break;
	default: break;
	}
}

void rmpsim_trace_json_begin_run(struct rmpsim_trace_json *tj, const char *label)
{
	if (!tj)
		return;
	snprintf(tj->label, sizeof(tj->label), "%s", label ? label : "");
	tj->last_ps = 0;
	tj->pass_cpu = RMPSIM_CPU_ANY;
}

void rmpsim_trace_json_end_run(struct rmpsim_trace_json *tj)
{
	if (!tj || !tj->sim)
		return;
	for (unsigned i = 0; i < tj->ncpus; i++) {
		settle(tj, i, tj->last_ps);
		close_from(tj, i, 0, tj->last_ps);
	}
	run_free(tj);
	tj->run++;
}

int rmpsim_trace_json_open(const struct rmpsim_allocator *a, FILE *f, const struct rmpsim_tl_filter *flt,
			   FILE *notes, const char *path, struct rmpsim_trace_json **ret)
{
	a = rmpsim__alloc_or_default(a);
	if (!f || !ret)
		return -EINVAL;
	struct rmpsim_trace_json *tj = rmpsim__calloc(a, 1, sizeof(*tj));
	if (!tj)
		return -ENOMEM;
	tj->alloc = a;
	tj->f = f;
	tj->notes = notes;
	tj->path = path;
	if (flt)
		tj->flt = *flt;
	tj->pass_cpu = RMPSIM_CPU_ANY;
	if (fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", f) < 0)
		tj->err = -EIO;
	*ret = tj;
	return 0;
}

int rmpsim_trace_json_close(struct rmpsim_trace_json *tj, char *err, size_t errlen)
{
	if (!tj)
		return -EINVAL;
	if (!err)
		errlen = 0;
	rmpsim_trace_json_end_run(tj);
	int r = tj->err;
	if (!r && fputs("\n]}\n", tj->f) < 0)
		r = -EIO;
	if (!r && tj->flt.cpus.n && !tj->cpu_seen) {
		snprintf(err, errlen, "--trace-cpus selects no CPU of the machine");
		r = -ENOENT;
	} else if (!r && tj->flt.regions.n && !tj->rmpopt_kept) {
		snprintf(err, errlen, "--trace-regions selects no region an RMPOPT ran on%s",
			 tj->flt.cpus.n ? " (on the CPUs of --trace-cpus)" : "");
		r = -ENOENT;
	}
	rmpsim__free(tj->alloc, tj, sizeof(*tj));
	return r;
}

/* ---- Sets ---- */

bool rmpsim_tl_set_has(const struct rmpsim_tl_set *set, uint64_t x)
{
	if (!set || !set->n)
		return true; /* no set: everything */
	for (size_t i = 0; i < set->n; i++) {
		if (x >= set->r[i].lo && x <= set->r[i].hi)
			return true;
	}
	return false;
}

static bool number(const char **p, uint64_t max, uint64_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return false;
	}
	*p = s;
	*ret = v;
	return true;
}

int rmpsim_tl_set_parse(const char *s, uint64_t max, struct rmpsim_tl_set *ret, char *err, size_t errlen)
{
	struct rmpsim_tl_set set = { 0 };
	const char *p = s;

	if (!err)
		errlen = 0;
	if (!s || !ret) {
		snprintf(err, errlen, "no set given");
		return -EINVAL;
	}

	for (;;) {
		uint64_t lo, hi;
		const char *at = p;
		if (!number(&p, max, &lo))
			goto bad;
		hi = lo;
		if (*p == '-') {
			p++;
			at = p;
			if (!number(&p, max, &hi) || hi < lo)
				goto bad;
		}
		if (set.n == RMPSIM_TL_MAX_RANGES) {
			snprintf(err, errlen, "'%s': more than %d ranges", s, RMPSIM_TL_MAX_RANGES);
			return -EINVAL;
		}
		set.r[set.n].lo = lo;
		set.r[set.n++].hi = hi;
		if (!*p)
			break;
		if (*p != ',')
			goto bad;
		p++;
		continue;
	bad:
		snprintf(err, errlen,
			 "'%s': column %zu: expected a number from 0 to %" PRIu64
			 " (ranges as LO-HI with LO <= HI, separated by commas)",
			 s, (size_t)(at - s) + 1, max);
		return -EINVAL;
	}
	*ret = set;
	return 0;
}
