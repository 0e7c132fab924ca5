/* SPDX-License-Identifier: MIT */
/* The engine: creation, the event loop, timers, marks, bugs and the trace hash. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <rmpsim/machine.h>

#include "base/alloc.h"
#include "base/check.h"
#include "sim_internal.h"

#define DEFAULT_STACK	  (256u * 1024u)
#define RMPSIM__STACK_MIN (16u * 1024u)
#define RMPSIM__STACK_MAX ((size_t)1 << 30) /* far above any stack a process needs; no size overflow */

int rmpsim__sim_init(struct rmpsim_sim *s, const struct rmpsim_allocator *a, unsigned ncpus,
		     unsigned ndomains, const struct rmpsim_profile *p, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->a = a;
	s->prof = p ? *p : *rmpsim_profile_default();
	s->seed = seed;
	rmpsim__rng_seed(&s->rng, seed);
	s->ncpus = ncpus;
	s->ndomains = ndomains ? ndomains : 1;
	s->hash = RMPSIM_TRACE_HASH_SEED;
	s->stack_size = DEFAULT_STACK;
	s->ctx_cpu = RMPSIM_CPU_ANY;
	s->limit = RMPSIM_TIME_NEVER;
	rmpsim__heap_init(&s->heap, a);
	s->cpus = rmpsim__calloc(a, ncpus, sizeof(*s->cpus));
	s->domains = rmpsim__calloc(a, s->ndomains, sizeof(*s->domains));
	s->cl_stamp = rmpsim__calloc(a, ncpus, sizeof(*s->cl_stamp));
	s->cl_write = rmpsim__calloc(a, ncpus, sizeof(*s->cl_write));
	if (!s->cpus || !s->domains || !s->cl_stamp || !s->cl_write) {
		rmpsim__free(a, s->cl_stamp, ncpus * sizeof(*s->cl_stamp));
		rmpsim__free(a, s->cl_write, ncpus * sizeof(*s->cl_write));
		rmpsim__free(a, s->cpus, ncpus * sizeof(*s->cpus));
		rmpsim__free(a, s->domains, s->ndomains * sizeof(*s->domains));
		return -ENOMEM;
	}
	return 0;
}

int rmpsim_sim_create_bare(const struct rmpsim_allocator *a, const struct rmpsim_sim_topology *topo,
			   const struct rmpsim_profile *profile, uint64_t seed, struct rmpsim_sim **ret_sim)
{
	a = rmpsim__alloc_or_default(a);
	if (!topo || !ret_sim || topo->ncpus == 0 || topo->threads_per_core == 0 || topo->nodes == 0 ||
	    topo->ncpus % topo->threads_per_core != 0)
		return -EINVAL;
	unsigned ncores = topo->ncpus / topo->threads_per_core;
	if (topo->nodes > ncores)
		return -EINVAL;
	struct rmpsim_sim *s = rmpsim__malloc(a, sizeof(*s));
	if (!s)
		return -ENOMEM;
	int r = rmpsim__sim_init(s, a, topo->ncpus, topo->nodes, profile, seed);
	if (r < 0) {
		rmpsim__free(a, s, sizeof(*s));
		return r;
	}
	/* Linux numbering (topology.h): CPU c is thread c / ncores of core c % ncores. */
	unsigned packages = topo->packages ? topo->packages : 1;
	unsigned l3n = topo->l3_per_node ? topo->l3_per_node : 1;
	for (unsigned c = 0; c < topo->ncpus; c++) {
		unsigned core = c % ncores;
		s->cpus[c].core = core;
		s->cpus[c].node = (unsigned)((uint64_t)core * topo->nodes / ncores);
		s->cpus[c].package = (unsigned)((uint64_t)s->cpus[c].node * packages / topo->nodes);
		s->cpus[c].l3 = (unsigned)((uint64_t)core * topo->nodes * l3n / ncores);
		s->cpus[c].cluster = rmpsim__x2apic_cluster(core, c / ncores, topo->threads_per_core);
		s->cpus[c].primary = c < ncores;
	}
	r = rmpsim__rmpopt_model_init(s, 4096, topo->nodes * l3n, packages);
	if (r < 0) {
		rmpsim_sim_destroy(s);
		return r;
	}
	*ret_sim = s;
	return 0;
}

void rmpsim_sim_destroy(struct rmpsim_sim *s)
{
	if (!s)
		return;
	rmpsim__heap_fini(&s->heap);
	rmpsim__procs_free(s);
	rmpsim__csds_free(s);
	rmpsim__calls_free(s);
	if (s->arun_ops)
		s->arun_ops->free_all(s);
	rmpsim__plans_free(s);
	rmpsim__rmpopt_model_fini(s);
	rmpsim__free(s->a, s->marks, s->marks_cap * sizeof(*s->marks));
	rmpsim__free(s->a, s->order, s->order_cap * sizeof(*s->order));
	rmpsim__free(s->a, s->cl_stamp, s->ncpus * sizeof(*s->cl_stamp));
	rmpsim__free(s->a, s->cl_write, s->ncpus * sizeof(*s->cl_write));
	rmpsim__free(s->a, s->cpus, s->ncpus * sizeof(*s->cpus));
	for (unsigned d = 0; d < s->ndomains; d++)
		rmpsim__queue_free(s->a, &s->domains[d].q);
	rmpsim__free(s->a, s->domains, s->ndomains * sizeof(*s->domains));
	rmpsim__free(s->a, s, sizeof(*s));
}

/* The queries answer 0 (NULL, false) for a NULL sim or a CPU not < ncpus (sim.h "Bad input"). */
struct rmpsim_machine *rmpsim_sim_machine(struct rmpsim_sim *s)
{
	return s ? s->machine : NULL;
}
const struct rmpsim_profile *rmpsim_sim_profile(const struct rmpsim_sim *s)
{
	return s ? &s->prof : NULL;
}
unsigned rmpsim_sim_ncpus(const struct rmpsim_sim *s)
{
	return s ? s->ncpus : 0;
}
unsigned rmpsim_sim_cpu_core(const struct rmpsim_sim *s, unsigned cpu)
{
	return s && cpu < s->ncpus ? s->cpus[cpu].core : 0;
}
unsigned rmpsim_sim_cpu_node(const struct rmpsim_sim *s, unsigned cpu)
{
	return s && cpu < s->ncpus ? s->cpus[cpu].node : 0;
}
bool rmpsim_sim_cpu_is_primary(const struct rmpsim_sim *s, unsigned cpu)
{
	return s && cpu < s->ncpus && s->cpus[cpu].primary;
}
uint64_t rmpsim_sim_seed(const struct rmpsim_sim *s)
{
	return s ? s->seed : 0;
}
void rmpsim_sim_set_stack_size(struct rmpsim_sim *s, size_t bytes)
{
	if (s)
		s->stack_size = bytes < RMPSIM__STACK_MIN   ? RMPSIM__STACK_MIN
				: bytes > RMPSIM__STACK_MAX ? RMPSIM__STACK_MAX
							    : bytes;
}
uint64_t rmpsim_sim_now(const struct rmpsim_sim *s)
{
	return s ? s->now : 0;
}
uint64_t rmpsim_sim_trace_hash(const struct rmpsim_sim *s)
{
	return s ? s->hash : 0;
}
uint64_t rmpsim_sim_events(const struct rmpsim_sim *s)
{
	return s ? s->events : 0;
}
size_t rmpsim_sim_pending(const struct rmpsim_sim *s)
{
	return s ? s->heap.n + s->local_pending : 0;
}
void rmpsim_sim_stop(struct rmpsim_sim *s)
{
	if (s)
		s->stop = true;
}
void rmpsim_sim_set_ipi_batching(struct rmpsim_sim *s, bool on)
{
	if (s)
		s->ipi_unbatched = !on;
}

/* ---- Events ---- */

int rmpsim__ev_objects_add(struct rmpsim_sim *s, size_t n)
{
	int r = rmpsim__heap_reserve(&s->heap, s->ev_objects + n);
	if (r == 0)
		s->ev_objects += n;
	return r;
}

void rmpsim__ev_queue(struct rmpsim_sim *s, struct rmpsim_event *ev, unsigned kind, uint64_t when)
{
	if (ev->heap_index != RMPSIM__HEAP_NONE)
		rmpsim__heap_remove(&s->heap, ev);
	ev->time = when < s->now ? s->now : when;
	ev->seq = s->seq++;
	ev->kind = kind;
	rmpsim__heap_push(&s->heap, ev);
	rmpsim__qs_insert(s, ev->time - s->now);
}

void rmpsim_sim_queue_stats(const struct rmpsim_sim *s, struct rmpsim_queue_stats *ret)
{
	if (s && ret)
		*ret = s->qs;
}

void rmpsim__ev_cancel(struct rmpsim_sim *s, struct rmpsim_event *ev)
{
	s->qs.cancels += rmpsim__heap_remove(&s->heap, ev);
}

void rmpsim__trace_hook(struct rmpsim_sim *s, enum rmpsim_trace_kind kind, unsigned cpu, uint64_t id,
			uint64_t a)
{
	struct rmpsim_trace_rec rec = { .time_ps = s->now, .kind = kind, .cpu = cpu, .id = id, .a = a };
	s->trace_fn(s->trace_ctx, &rec);
}

void rmpsim_sim_set_trace_hook(struct rmpsim_sim *s, rmpsim_trace_fn fn, void *ctx)
{
	if (!s)
		return;
	s->trace_fn = fn;
	s->trace_ctx = ctx;
}

void rmpsim_sim_observe(struct rmpsim_sim *s, enum rmpsim_trace_kind kind, unsigned cpu, uint64_t id,
			uint64_t a, const void *data)
{
	if (!s || !s->trace_fn)
		return;
	struct rmpsim_trace_rec rec = {
		.time_ps = s->now, .kind = kind, .cpu = cpu, .id = id, .a = a, .data = data
	};
	s->trace_fn(s->trace_ctx, &rec);
}

void rmpsim_sim_ipi_names(struct rmpsim_sim *s, const char *callback, const char *callsite)
{
	if (!s)
		return;
	s->ipi_callback = callback;
	s->ipi_callsite = callsite;
}

void rmpsim__observe_ipi_send(struct rmpsim_sim *s, unsigned self, uint64_t call, unsigned ntargets,
			      const unsigned long *mask, unsigned single)
{
	struct rmpsim_trace_ipi_send send = { mask, single, s->ipi_callback, s->ipi_callsite };
	s->ipi_callback = s->ipi_callsite = NULL;
	if (ntargets && s->trace_fn)
		rmpsim_sim_observe(s, RMPSIM_TRACE_IPI_SEND, self, call, ntargets, &send);
}

static void dispatch(struct rmpsim_sim *s, struct rmpsim_event *ev)
{
	s->events++;
	s->qs.dispatches++;
	switch (ev->kind) {
	case EV_TIMER: { /* A68: engine context, no CPU, no cost */
		struct rmpsim_timer *t = RMPSIM__CONTAINER(ev, struct rmpsim_timer, ev);
		s->ev_objects--; /* a fired timer no longer needs a slot */
		rmpsim__trace(s, RMPSIM_TRACE_TIMER, RMPSIM_CPU_ANY, ev->seq, 0);
		t->fn(s, t);
		break;
	}
	case EV_PROC_RESUME:
	case EV_PROC_WAKE: rmpsim__sched_dispatch(s, ev); break;
	case EV_IPI_DELIVER:
	case EV_IPI_END:
	case EV_IPI_ACK: rmpsim__ipi_dispatch(s, ev); break;
	case EV_IPI_CALL: rmpsim__call_dispatch(s, ev); break;
	case EV_RUN_STEP: s->arun_ops->dispatch(s, ev); break;
	default: (void)RMPSIM_NEVER(1);
	}
}

void rmpsim_sim_set_limits(struct rmpsim_sim *s, uint64_t max_time_ps, uint64_t max_events,
			   rmpsim_limit_fn fn, void *ctx)
{
	if (!s)
		return;
	s->max_time = max_time_ps;
	s->max_events = max_events;
	s->limit_fn = fn;
	s->limit_ctx = ctx;
}

bool rmpsim_sim_limit_hit(const struct rmpsim_sim *s)
{
	return s && s->limit_hit;
}

/* The next event lies past a run limit: stop before it (the queue keeps it). */
static void limit_reached(struct rmpsim_sim *s, bool time)
{
	s->limit_hit = true;
	s->stop = true;
	if (s->limit_fn)
		s->limit_fn(s->limit_ctx, s, time);
}

int rmpsim_sim_run_until(struct rmpsim_sim *s, uint64_t limit)
{
	struct rmpsim_event *ev;

	if (!s)
		return -EINVAL;
	if (RMPSIM_NEVER(s->ctx_proc || s->ctx_handler))
		return -EINVAL; /* not re-entrant */
	s->stop = false;
	s->limit = limit; /* batched IPI calls stop their inline steps there too */
	rmpsim__fiber_main(&s->main_fiber);
	while (!s->stop && !s->err && (ev = rmpsim__heap_top(&s->heap)) && ev->time <= limit) {
		/* A227: the run limits, checked before each event (the next event's time). */
		if ((s->max_time && ev->time > s->max_time) ||
		    (s->max_events && s->events >= s->max_events)) {
			limit_reached(s, s->max_time && ev->time > s->max_time);
			break;
		}
		rmpsim__heap_pop(&s->heap);
		s->now = s->clock = ev->time;
		dispatch(s, ev);
	}
	if (!s->stop && !s->err && limit != RMPSIM_TIME_NEVER && s->heap.n && s->now < limit)
		s->now = limit;
	return s->err;
}

int rmpsim_sim_run(struct rmpsim_sim *s)
{
	return rmpsim_sim_run_until(s, RMPSIM_TIME_NEVER);
}

/* ---- Timers ---- */

void rmpsim_timer_init(struct rmpsim_timer *t, rmpsim_timer_fn fn, void *arg)
{
	if (!t)
		return;
	memset(t, 0, sizeof(*t));
	t->ev.heap_index = RMPSIM__HEAP_NONE;
	t->fn = fn;
	t->arg = arg;
}

int rmpsim_sim_timer_add(struct rmpsim_sim *s, struct rmpsim_timer *t, uint64_t when)
{
	if (!s || !t || !t->fn)
		return -EINVAL; /* a timer that was never initialised, or has nothing to call */
	if (!rmpsim_timer_pending(t)) {
		int r = rmpsim__ev_objects_add(s, 1);
		if (r < 0)
			return r;
	}
	rmpsim__ev_queue(s, &t->ev, EV_TIMER, when);
	return 0;
}

bool rmpsim_sim_timer_cancel(struct rmpsim_sim *s, struct rmpsim_timer *t)
{
	if (!s || !t || !rmpsim__heap_remove(&s->heap, &t->ev))
		return false;
	s->qs.cancels++;
	s->ev_objects--;
	return true;
}

bool rmpsim_timer_pending(const struct rmpsim_timer *t)
{
	return t && t->ev.heap_index != RMPSIM__HEAP_NONE;
}

uint64_t rmpsim_timer_expires(const struct rmpsim_timer *t)
{
	return t ? t->ev.time : 0;
}

/* ---- Bugs, marks ---- */

void rmpsim__bug(struct rmpsim_sim *s, const char *fmt, ...)
{
	va_list ap;
	char msg[160];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->bugs++;
	snprintf(s->last_bug, sizeof(s->last_bug), "BUG at %llu ps: %s", (unsigned long long)s->now, msg);
	if (s->bug_log)
		fprintf(s->bug_log, "%s\n", s->last_bug);
}

uint64_t rmpsim_sim_bugs(const struct rmpsim_sim *s)
{
	return s ? s->bugs : 0;
}
const char *rmpsim_sim_last_bug(const struct rmpsim_sim *s)
{
	return s ? s->last_bug : "";
}
void rmpsim_sim_set_bug_log(struct rmpsim_sim *s, FILE *out)
{
	if (s)
		s->bug_log = out;
}

int rmpsim_sim_mark(struct rmpsim_sim *s, const char *name, uint64_t a, uint64_t b)
{
	if (!s)
		return -EINVAL;
	if (s->nmarks == s->marks_cap) {
		size_t ncap = s->marks_cap ? s->marks_cap * 2 : 16;
		void *nm = rmpsim__realloc(s->a, s->marks, s->marks_cap * sizeof(*s->marks),
					   ncap * sizeof(*s->marks));
		if (!nm)
			return -ENOMEM;
		s->marks = nm;
		s->marks_cap = ncap;
	}
	struct rmpsim_mark *m = &s->marks[s->nmarks];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name ? name : "");
	m->time_ps = s->now;
	m->cpu = rmpsim_sim_cpu(s);
	m->a = a;
	m->b = b;
	s->hash = rmpsim__trace_hash_str(s->hash, m->name);
	s->hash = rmpsim__trace_hash_word(s->hash, b);
	/* Store the mark before the hook sees its record, so that the hook can
	 * read it back with rmpsim_sim_mark_get(sim, rec->id). */
	s->nmarks++;
	rmpsim__trace(s, RMPSIM_TRACE_MARK, m->cpu, s->nmarks - 1, a);
	return 0;
}

size_t rmpsim_sim_mark_count(const struct rmpsim_sim *s)
{
	return s ? s->nmarks : 0;
}

const struct rmpsim_mark *rmpsim_sim_mark_get(const struct rmpsim_sim *s, size_t i)
{
	return s && i < s->nmarks ? &s->marks[i] : NULL;
}

/* ---- Accounting ---- */

int rmpsim_sim_cpu_stats(const struct rmpsim_sim *s, unsigned cpu, struct rmpsim_cpu_stats *ret)
{
	if (!s || cpu >= s->ncpus || !ret)
		return -EINVAL;
	const struct rmpsim__cpu *c = &s->cpus[cpu];
	struct rmpsim_cpu_stats st = c->st;
	rmpsim__round_pending(s, cpu, &st); /* rounds not folded in yet (round_memo.c) */
	/* A handler on a CPU leaving idle starts after the C-state exit (A136):
	 * its stretches may begin after now. */
	if (c->busy && s->now > c->busy_since)
		st.busy_ps += s->now - c->busy_since;
	if (c->irqoff && s->now > c->irqoff_since && s->now - c->irqoff_since > st.irqoff_max_ps) {
		st.irqoff_max_ps = s->now - c->irqoff_since;
		st.irqoff_max_at_ps = c->irqoff_since;
		memcpy(st.irqoff_max_where, c->irqoff_where, sizeof(st.irqoff_max_where));
	}
	if (c->out_of_guest && s->now > c->guest_left_at) { /* A440: the open stretch so far */
		st.vcpu_open_ps = s->now - c->guest_left_at;
		st.vcpu_stolen_ps += st.vcpu_open_ps;
	}
	*ret = st;
	return 0;
}

/* ---- RMPOPT charging (A61-A64) ---- */
