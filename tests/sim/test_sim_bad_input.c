/* SPDX-License-Identifier: MIT */
/*
 * Bad input through every public sim entry point (issue 11 "Bad input", sim.h
 * "Bad input"), one table: a NULL sim, process or timer, a CPU that does not
 * exist (ncpus, UINT_MAX), a missing callback or argument. Each row asserts
 * what the call returns (-EINVAL for the int functions, the neutral answer of
 * a query) and that the simulation is exactly as it was: time, events, queue,
 * trace hash, bugs, marks, every CPU's statistics, no ret_* written. The rows
 * run from engine context (between runs) and, for the calls only a process
 * may make, from inside a process.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/insn.h>
#include <rmpsim/sim.h>

#include "assert_eq.h"
#include "bad_input.h"

#define NCPUS 4u

/* Everything a bad call could disturb. */
struct snap {
	uint64_t now, events, hash, bugs, seed;
	size_t pending, marks;
	unsigned blocked, ncpus, cpu;
	bool limit_hit, timer_pending;
	uint64_t timer_expires;
	struct rmpsim_queue_stats qs;
	struct rmpsim_cpu_stats st[NCPUS];
	bool vcpu[NCPUS];
};

struct bad_fix {
	struct rmpsim_sim *s;
	struct rmpsim_sim *other;    /* a second simulation */
	struct rmpsim_proc *done;    /* a process of s that ran to its end */
	struct rmpsim_proc *foreign; /* a process of other, never run */
	struct rmpsim_timer pending; /* armed in s */
	struct snap before;	     /* taken ahead of each row */
};

static void take(const struct bad_fix *f, struct snap *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->now = rmpsim_sim_now(f->s);
	ret->events = rmpsim_sim_events(f->s);
	ret->hash = rmpsim_sim_trace_hash(f->s);
	ret->bugs = rmpsim_sim_bugs(f->s);
	ret->seed = rmpsim_sim_seed(f->s);
	ret->pending = rmpsim_sim_pending(f->s);
	ret->marks = rmpsim_sim_mark_count(f->s);
	ret->blocked = rmpsim_sim_blocked(f->s);
	ret->ncpus = rmpsim_sim_ncpus(f->s);
	ret->cpu = rmpsim_sim_cpu(f->s);
	ret->limit_hit = rmpsim_sim_limit_hit(f->s);
	ret->timer_pending = rmpsim_timer_pending(&f->pending);
	ret->timer_expires = rmpsim_timer_expires(&f->pending);
	rmpsim_sim_queue_stats(f->s, &ret->qs);
	for (unsigned c = 0; c < NCPUS; c++) {
		assert_int_equal(rmpsim_sim_cpu_stats(f->s, c, &ret->st[c]), 0);
		ret->vcpu[c] = rmpsim_sim_cpu_has_vcpu(f->s, c);
	}
}

/* The first field that differs, or NULL. */
static const char *differs(const struct snap *a, const struct snap *b)
{
#define CMP(field)                                                                                           \
	if (a->field != b->field)                                                                            \
		return #field;
	CMP(now) CMP(events) CMP(hash) CMP(bugs) CMP(seed) CMP(pending) CMP(marks) CMP(blocked);
	CMP(ncpus) CMP(cpu) CMP(limit_hit) CMP(timer_pending) CMP(timer_expires);
	CMP(qs.inserts) CMP(qs.cancels) CMP(qs.max_pending) CMP(qs.dispatches);
	for (unsigned i = 0; i < 65; i++)
		CMP(qs.delay_log2[i]);
	for (unsigned c = 0; c < NCPUS; c++) {
		CMP(vcpu[c])
		CMP(st[c].busy_ps) CMP(st[c].handler_ps) CMP(st[c].ipis) CMP(st[c].irqoff_max_ps);
		CMP(st[c].irqoff_max_at_ps) CMP(st[c].rmpopt_ps) CMP(st[c].rmpopt_lines);
		CMP(st[c].rmpopt_dram_lines) CMP(st[c].idle_exits) CMP(st[c].switches) CMP(st[c].vcpu_exits);
		CMP(st[c].vcpu_stolen_ps) CMP(st[c].vcpu_stretch_max_ps) CMP(st[c].vcpu_open_ps);
		for (unsigned k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
			CMP(st[c].rmpopt[k]);
		if (strcmp(a->st[c].irqoff_max_where, b->st[c].irqoff_max_where))
			return "irqoff_max_where";
	}
#undef CMP
	return NULL;
}

static void noop_proc(struct rmpsim_sim *sim, void *arg)
{
	(void)sim;
	(void)arg;
}
static void noop_timer(struct rmpsim_sim *sim, struct rmpsim_timer *t)
{
	(void)sim;
	(void)t;
}
static void noop_ipi(struct rmpsim_sim *sim, unsigned cpu, void *arg)
{
	(void)sim;
	(void)cpu;
	(void)arg;
}

/* ---- Creation ---- */
static long long create_null_machine(struct bad_fix *f)
{
	struct rmpsim_sim *s;
	(void)f;
	memset(&s, BAD_INPUT_POISON, sizeof(s));
	return BAD_INPUT_UNTOUCHED(rmpsim_sim_create(NULL, NULL, NULL, 1, &s), s);
}
static long long bare_with(struct rmpsim_sim_topology t, bool null_topo, bool null_ret)
{
	struct rmpsim_sim *s;
	memset(&s, BAD_INPUT_POISON, sizeof(s));
	int r = rmpsim_sim_create_bare(NULL, null_topo ? NULL : &t, NULL, 1, null_ret ? NULL : &s);
	return BAD_INPUT_UNTOUCHED(r, s);
}
BAD_CALL(bare_null_topo, bare_with((struct rmpsim_sim_topology){ 0 }, true, false))
BAD_CALL(bare_null_ret, bare_with((struct rmpsim_sim_topology){ 4, 1, 1, 0, 0 }, false, true))
BAD_CALL(bare_no_cpus, bare_with((struct rmpsim_sim_topology){ 0, 1, 1, 0, 0 }, false, false))
BAD_CALL(bare_no_threads, bare_with((struct rmpsim_sim_topology){ 4, 0, 1, 0, 0 }, false, false))
BAD_CALL(bare_no_nodes, bare_with((struct rmpsim_sim_topology){ 4, 1, 0, 0, 0 }, false, false))
BAD_CALL(bare_odd_smt, bare_with((struct rmpsim_sim_topology){ 5, 2, 1, 0, 0 }, false, false))
BAD_CALL(bare_nodes_gt_cores, bare_with((struct rmpsim_sim_topology){ 4, 2, 3, 0, 0 }, false, false))
BAD_VOID_CALL(destroy_null, rmpsim_sim_destroy(NULL))

/* ---- Queries ---- */
BAD_CALL(machine_null, rmpsim_sim_machine(NULL) != NULL)
BAD_CALL(profile_null, rmpsim_sim_profile(NULL) != NULL)
BAD_CALL(ncpus_null, rmpsim_sim_ncpus(NULL))
BAD_CALL(core_null, rmpsim_sim_cpu_core(NULL, 0))
BAD_CALL(core_ncpus, rmpsim_sim_cpu_core(f->s, NCPUS))
BAD_CALL(node_null, rmpsim_sim_cpu_node(NULL, 0))
BAD_CALL(node_uint_max, rmpsim_sim_cpu_node(f->s, UINT_MAX))
BAD_CALL(primary_null, rmpsim_sim_cpu_is_primary(NULL, 0))
BAD_CALL(primary_ncpus, rmpsim_sim_cpu_is_primary(f->s, NCPUS))
BAD_CALL(seed_null, rmpsim_sim_seed(NULL))
BAD_CALL(now_null, rmpsim_sim_now(NULL))
BAD_CALL(hash_null, rmpsim_sim_trace_hash(NULL))
BAD_CALL(events_null, rmpsim_sim_events(NULL))
BAD_CALL(pending_null, rmpsim_sim_pending(NULL))
BAD_CALL(blocked_null, rmpsim_sim_blocked(NULL))
BAD_CALL(limit_hit_null, rmpsim_sim_limit_hit(NULL))
BAD_CALL(current_null, rmpsim_sim_current(NULL) != NULL)
BAD_CALL(cpu_null, rmpsim_sim_cpu(NULL))
BAD_CALL(in_handler_null, rmpsim_sim_in_handler(NULL))
BAD_CALL(irqs_disabled_null, rmpsim_sim_irqs_disabled(NULL))
BAD_CALL(might_sleep_null, rmpsim_sim_might_sleep(NULL, "x"))
BAD_CALL(has_vcpu_null, rmpsim_sim_cpu_has_vcpu(NULL, 0))
BAD_CALL(has_vcpu_ncpus, rmpsim_sim_cpu_has_vcpu(f->s, NCPUS))
BAD_CALL(bugs_null, rmpsim_sim_bugs(NULL))
BAD_CALL(last_bug_null, strlen(rmpsim_sim_last_bug(NULL)))
BAD_CALL(mark_count_null, rmpsim_sim_mark_count(NULL))
BAD_CALL(mark_get_null, rmpsim_sim_mark_get(NULL, 0) != NULL)
BAD_CALL(mark_get_past_end, rmpsim_sim_mark_get(f->s, rmpsim_sim_mark_count(f->s)) != NULL)
BAD_CALL(proc_name_null, strlen(rmpsim_proc_name(NULL)))
BAD_CALL(proc_id_null, rmpsim_proc_id(NULL))
BAD_CALL(proc_done_null, rmpsim_proc_done(NULL))
BAD_CALL(proc_cpu_null, rmpsim_proc_cpu(NULL))
BAD_CALL(timer_pending_null, rmpsim_timer_pending(NULL))
BAD_CALL(timer_expires_null, rmpsim_timer_expires(NULL))
static long long cpu_stats_with(struct rmpsim_sim *s, unsigned cpu, bool null_ret)
{
	struct rmpsim_cpu_stats st;
	memset(&st, BAD_INPUT_POISON, sizeof(st));
	return BAD_INPUT_UNTOUCHED(rmpsim_sim_cpu_stats(s, cpu, null_ret ? NULL : &st), st);
}
BAD_CALL(cpu_stats_null, cpu_stats_with(NULL, 0, false))
BAD_CALL(cpu_stats_ncpus, cpu_stats_with(f->s, NCPUS, false))
BAD_CALL(cpu_stats_uint_max, cpu_stats_with(f->s, UINT_MAX, false))
BAD_CALL(cpu_stats_null_ret, cpu_stats_with(f->s, 0, true))
static long long queue_stats_null(struct bad_fix *f)
{
	struct rmpsim_queue_stats q;
	(void)f;
	memset(&q, BAD_INPUT_POISON, sizeof(q));
	rmpsim_sim_queue_stats(NULL, &q);
	return BAD_INPUT_UNTOUCHED(0, q);
}
BAD_VOID_CALL(queue_stats_null_ret, rmpsim_sim_queue_stats(f->s, NULL))
static long long window_null(struct bad_fix *f)
{
	uint64_t lo, hi;
	(void)f;
	memset(&lo, BAD_INPUT_POISON, sizeof(lo));
	memset(&hi, BAD_INPUT_POISON, sizeof(hi));
	rmpsim_sim_rmpopt_window(NULL, &lo, &hi);
	return BAD_INPUT_UNTOUCHED(BAD_INPUT_UNTOUCHED(0, lo), hi);
}
BAD_CALL(rises_null, rmpsim_sim_rmpopt_rises(NULL, NULL, 0))
BAD_CALL(rises_null_ret, rmpsim_sim_rmpopt_rises(f->s, NULL, 4))

/* ---- Running, timers, processes ---- */
BAD_CALL(run_null, rmpsim_sim_run(NULL))
BAD_CALL(run_until_null, rmpsim_sim_run_until(NULL, RMPSIM_MS(1)))
BAD_VOID_CALL(stop_null, rmpsim_sim_stop(NULL))
BAD_VOID_CALL(set_limits_null, rmpsim_sim_set_limits(NULL, 1, 1, NULL, NULL))
BAD_VOID_CALL(stack_size_null, rmpsim_sim_set_stack_size(NULL, 1))
BAD_VOID_CALL(timer_init_null, rmpsim_timer_init(NULL, noop_timer, NULL))
BAD_CALL(timer_add_null_sim, rmpsim_sim_timer_add(NULL, &f->pending, RMPSIM_MS(5)))
BAD_CALL(timer_add_null_timer, rmpsim_sim_timer_add(f->s, NULL, RMPSIM_MS(5)))
static long long timer_add_no_fn(struct bad_fix *f)
{
	struct rmpsim_timer t;
	rmpsim_timer_init(&t, NULL, NULL);
	return rmpsim_sim_timer_add(f->s, &t, RMPSIM_MS(5));
}
BAD_CALL(timer_cancel_null_sim, rmpsim_sim_timer_cancel(NULL, &f->pending))
BAD_CALL(timer_cancel_null_timer, rmpsim_sim_timer_cancel(f->s, NULL))
static long long spawn_with(struct rmpsim_sim *s, unsigned cpu, rmpsim_proc_fn fn)
{
	struct rmpsim_proc_attr a = { .name = "bad", .cpu = cpu };
	struct rmpsim_proc *p;
	memset(&p, BAD_INPUT_POISON, sizeof(p));
	return BAD_INPUT_UNTOUCHED(rmpsim_sim_spawn(s, &a, fn, NULL, &p), p);
}
BAD_CALL(spawn_null_sim, spawn_with(NULL, 0, noop_proc))
BAD_CALL(spawn_null_fn, spawn_with(f->s, 0, NULL))
BAD_CALL(spawn_cpu_ncpus, spawn_with(f->s, NCPUS, noop_proc))
BAD_CALL(spawn_cpu_uint_max_minus_1, spawn_with(f->s, UINT_MAX - 1, noop_proc))
BAD_VOID_CALL(wake_null_sim, rmpsim_sim_wake(NULL, f->done))
BAD_VOID_CALL(wake_null_proc, rmpsim_sim_wake(f->s, NULL))
BAD_VOID_CALL(wake_foreign_proc, rmpsim_sim_wake(f->s, f->foreign))
BAD_VOID_CALL(compute_null, rmpsim_sim_compute(NULL, RMPSIM_US(1)))
BAD_VOID_CALL(compute_mcyc_null, rmpsim_sim_compute_mcyc(NULL, 1000))
BAD_VOID_CALL(charge_insn_null, rmpsim_sim_charge_insn(NULL, RMPSIM_INSN_PSMASH, 1))
BAD_VOID_CALL(sleep_null, rmpsim_sim_sleep(NULL, RMPSIM_US(1)))
BAD_VOID_CALL(sleep_until_null, rmpsim_sim_sleep_until(NULL, RMPSIM_US(1)))
BAD_VOID_CALL(block_null, rmpsim_sim_block(NULL))
BAD_VOID_CALL(yield_null, rmpsim_sim_yield(NULL))
BAD_VOID_CALL(migrate_disable_null, rmpsim_sim_migrate_disable(NULL))
BAD_VOID_CALL(migrate_enable_null, rmpsim_sim_migrate_enable(NULL))
BAD_VOID_CALL(preempt_disable_null, rmpsim_sim_preempt_disable(NULL))
BAD_VOID_CALL(preempt_enable_null, rmpsim_sim_preempt_enable(NULL))
BAD_VOID_CALL(irq_disable_null, rmpsim_sim_irq_disable(NULL))
BAD_VOID_CALL(irq_enable_null, rmpsim_sim_irq_enable(NULL))

/* ---- RMPOPT charging, IPIs, vCPUs, marks, hooks ---- */
static long long charge_rmpopt_null(struct bad_fix *f)
{
	struct rmpsim_insn_out o = { 0 };
	(void)f;
	rmpsim_sim_charge_rmpopt(NULL, &o, 0);
	return 0;
}
BAD_VOID_CALL(charge_rmpopt_null_out, rmpsim_sim_charge_rmpopt(f->s, NULL, 0))
static long long charge_verify_null(struct bad_fix *f)
{
	struct rmpsim_verify v = { .first_busy = -1 };
	struct rmpsim_verify_cost c;
	(void)f;
	memset(&c, BAD_INPUT_POISON, sizeof(c));
	rmpsim_sim_charge_verify(NULL, &v, &c);
	return BAD_INPUT_UNTOUCHED(0, c);
}
static long long charge_verify_null_verify(struct bad_fix *f)
{
	struct rmpsim_verify_cost c;
	memset(&c, BAD_INPUT_POISON, sizeof(c));
	rmpsim_sim_charge_verify(f->s, NULL, &c);
	return BAD_INPUT_UNTOUCHED(0, c);
}
static long long ipi_many_null(struct bad_fix *f)
{
	unsigned long mask = 0xe;
	(void)f;
	return rmpsim_sim_ipi_many(NULL, &mask, noop_ipi, NULL, RMPSIM_IPI_WAIT);
}
BAD_CALL(ipi_one_null, rmpsim_sim_ipi_one(NULL, 1, noop_ipi, NULL, RMPSIM_IPI_WAIT))
BAD_CALL(ipi_one_engine_context, rmpsim_sim_ipi_one(f->s, 1, noop_ipi, NULL, RMPSIM_IPI_WAIT))
BAD_VOID_CALL(ipi_batching_null, rmpsim_sim_set_ipi_batching(NULL, false))
BAD_VOID_CALL(trace_detail_null, rmpsim_sim_set_trace_detail(NULL, true))
BAD_VOID_CALL(trace_rounds_null, rmpsim_sim_set_trace_rounds(NULL, true))
BAD_VOID_CALL(run_periods_null, rmpsim_sim_set_run_periods(NULL, false))
BAD_CALL(period_skips_null, rmpsim_sim_run_period_skips(NULL, NULL))
BAD_CALL(rmpopt_run_null, rmpsim_sim_rmpopt_run(NULL, 0, 1))
BAD_CALL(rmpopt_run_no_handler, rmpsim_sim_rmpopt_run(f->s, 0, 1))
BAD_CALL(rmpopt_runs_null, rmpsim_sim_rmpopt_runs(NULL))
BAD_VOID_CALL(trace_round_stretches_null, rmpsim_sim_set_trace_round_stretches(NULL, true))
BAD_VOID_CALL(round_stretch_hook_null, rmpsim_sim_set_round_stretch_hook(NULL, NULL, NULL))
static long long verify_round_null(struct bad_fix *f)
{
	unsigned long mask = 0xe;
	bool round = true;
	unsigned last = 77;
	(void)f;
	int r = rmpsim_sim_ipi_verify_round(NULL, &mask, noop_ipi, NULL, RMPSIM_IPI_WAIT, 0, &round, &last);
	return round && last == 77 ? r : 1; /* nothing written */
}
BAD_VOID_CALL(ipi_names_null, rmpsim_sim_ipi_names(NULL, "a", "b"))
static long long set_vcpus_null(struct bad_fix *f)
{
	unsigned long mask = 0xf;
	(void)f;
	rmpsim_sim_set_vcpus(NULL, &mask, RMPSIM_VCPU_GIVE_WAY);
	return 0;
}
BAD_CALL(mark_null, rmpsim_sim_mark(NULL, "x", 1, 2))
BAD_VOID_CALL(bug_log_null, rmpsim_sim_set_bug_log(NULL, stderr))
BAD_VOID_CALL(trace_hook_null, rmpsim_sim_set_trace_hook(NULL, NULL, NULL))
BAD_VOID_CALL(observe_null, rmpsim_sim_observe(NULL, RMPSIM_TRACE_IPI_SEND, 0, 0, 0, NULL))

static const struct bad_call engine_rows[] = {
	{ "create: NULL machine", create_null_machine, -EINVAL },
	{ "create_bare: NULL topology", bare_null_topo, -EINVAL },
	{ "create_bare: NULL ret_sim", bare_null_ret, -EINVAL },
	{ "create_bare: 0 CPUs", bare_no_cpus, -EINVAL },
	{ "create_bare: 0 threads per core", bare_no_threads, -EINVAL },
	{ "create_bare: 0 nodes", bare_no_nodes, -EINVAL },
	{ "create_bare: 5 CPUs of 2 threads", bare_odd_smt, -EINVAL },
	{ "create_bare: more nodes than cores", bare_nodes_gt_cores, -EINVAL },
	{ "destroy NULL", destroy_null, 0 },
	{ "machine NULL", machine_null, 0 },
	{ "profile NULL", profile_null, 0 },
	{ "ncpus NULL", ncpus_null, 0 },
	{ "cpu_core NULL", core_null, 0 },
	{ "cpu_core cpu = ncpus", core_ncpus, 0 },
	{ "cpu_node NULL", node_null, 0 },
	{ "cpu_node cpu = UINT_MAX", node_uint_max, 0 },
	{ "cpu_is_primary NULL", primary_null, 0 },
	{ "cpu_is_primary cpu = ncpus", primary_ncpus, 0 },
	{ "seed NULL", seed_null, 0 },
	{ "now NULL", now_null, 0 },
	{ "trace_hash NULL", hash_null, 0 },
	{ "events NULL", events_null, 0 },
	{ "pending NULL", pending_null, 0 },
	{ "blocked NULL", blocked_null, 0 },
	{ "limit_hit NULL", limit_hit_null, 0 },
	{ "current NULL", current_null, 0 },
	{ "cpu NULL", cpu_null, RMPSIM_CPU_ANY },
	{ "in_handler NULL", in_handler_null, 0 },
	{ "irqs_disabled NULL", irqs_disabled_null, 0 },
	{ "might_sleep NULL", might_sleep_null, 0 },
	{ "cpu_has_vcpu NULL", has_vcpu_null, 0 },
	{ "cpu_has_vcpu cpu = ncpus", has_vcpu_ncpus, 0 },
	{ "bugs NULL", bugs_null, 0 },
	{ "last_bug NULL", last_bug_null, 0 },
	{ "mark_count NULL", mark_count_null, 0 },
	{ "mark_get NULL", mark_get_null, 0 },
	{ "mark_get past the end", mark_get_past_end, 0 },
	{ "proc_name NULL", proc_name_null, 0 },
	{ "proc_id NULL", proc_id_null, 0 },
	{ "proc_done NULL", proc_done_null, 0 },
	{ "proc_cpu NULL", proc_cpu_null, RMPSIM_CPU_ANY },
	{ "timer_pending NULL", timer_pending_null, 0 },
	{ "timer_expires NULL", timer_expires_null, 0 },
	{ "cpu_stats NULL", cpu_stats_null, -EINVAL },
	{ "cpu_stats cpu = ncpus", cpu_stats_ncpus, -EINVAL },
	{ "cpu_stats cpu = UINT_MAX", cpu_stats_uint_max, -EINVAL },
	{ "cpu_stats NULL ret", cpu_stats_null_ret, -EINVAL },
	{ "queue_stats NULL", queue_stats_null, 0 },
	{ "queue_stats NULL ret", queue_stats_null_ret, 0 },
	{ "rmpopt_window NULL", window_null, 0 },
	{ "rmpopt_rises NULL", rises_null, 0 },
	{ "rmpopt_rises NULL ret, max 4", rises_null_ret, 0 },
	{ "run NULL", run_null, -EINVAL },
	{ "run_until NULL", run_until_null, -EINVAL },
	{ "stop NULL", stop_null, 0 },
	{ "set_limits NULL", set_limits_null, 0 },
	{ "set_stack_size NULL", stack_size_null, 0 },
	{ "timer_init NULL", timer_init_null, 0 },
	{ "timer_add NULL sim", timer_add_null_sim, -EINVAL },
	{ "timer_add NULL timer", timer_add_null_timer, -EINVAL },
	{ "timer_add without a function", timer_add_no_fn, -EINVAL },
	{ "timer_cancel NULL sim", timer_cancel_null_sim, 0 },
	{ "timer_cancel NULL timer", timer_cancel_null_timer, 0 },
	{ "spawn NULL sim", spawn_null_sim, -EINVAL },
	{ "spawn NULL fn", spawn_null_fn, -EINVAL },
	{ "spawn cpu = ncpus", spawn_cpu_ncpus, -EINVAL },
	{ "spawn cpu = UINT_MAX - 1", spawn_cpu_uint_max_minus_1, -EINVAL },
	{ "wake NULL sim", wake_null_sim, 0 },
	{ "wake NULL proc", wake_null_proc, 0 },
	{ "wake another sim's proc", wake_foreign_proc, 0 },
	{ "compute NULL", compute_null, 0 },
	{ "compute_mcyc NULL", compute_mcyc_null, 0 },
	{ "charge_insn NULL", charge_insn_null, 0 },
	{ "sleep NULL", sleep_null, 0 },
	{ "sleep_until NULL", sleep_until_null, 0 },
	{ "block NULL", block_null, 0 },
	{ "yield NULL", yield_null, 0 },
	{ "migrate_disable NULL", migrate_disable_null, 0 },
	{ "migrate_enable NULL", migrate_enable_null, 0 },
	{ "preempt_disable NULL", preempt_disable_null, 0 },
	{ "preempt_enable NULL", preempt_enable_null, 0 },
	{ "irq_disable NULL", irq_disable_null, 0 },
	{ "irq_enable NULL", irq_enable_null, 0 },
	{ "charge_rmpopt NULL sim", charge_rmpopt_null, 0 },
	{ "charge_rmpopt NULL out", charge_rmpopt_null_out, 0 },
	{ "charge_verify NULL sim", charge_verify_null, 0 },
	{ "charge_verify NULL verify", charge_verify_null_verify, 0 },
	{ "ipi_many NULL sim", ipi_many_null, -EINVAL },
	{ "ipi_one NULL sim", ipi_one_null, -EINVAL },
	{ "ipi_one from engine context", ipi_one_engine_context, -EINVAL },
	{ "set_ipi_batching NULL", ipi_batching_null, 0 },
	{ "set_trace_detail NULL", trace_detail_null, 0 },
	{ "set_trace_rounds NULL", trace_rounds_null, 0 },
	{ "set_run_periods NULL", run_periods_null, 0 },
	{ "run_period_skips NULL", period_skips_null, 0 },
	{ "rmpopt_run NULL sim", rmpopt_run_null, -EINVAL },
	{ "rmpopt_run outside a handler", rmpopt_run_no_handler, -EAGAIN },
	{ "rmpopt_runs NULL", rmpopt_runs_null, 0 },
	{ "set_trace_round_stretches NULL", trace_round_stretches_null, 0 },
	{ "set_round_stretch_hook NULL", round_stretch_hook_null, 0 },
	{ "ipi_verify_round NULL sim", verify_round_null, -EINVAL },
	{ "ipi_names NULL", ipi_names_null, 0 },
	{ "set_vcpus NULL", set_vcpus_null, 0 },
	{ "mark NULL", mark_null, -EINVAL },
	{ "set_bug_log NULL", bug_log_null, 0 },
	{ "set_trace_hook NULL", trace_hook_null, 0 },
	{ "observe NULL", observe_null, 0 },
};

/* ---- From inside a process (the calls only a process makes) ---- */
BAD_CALL(p_ipi_one_cpu_ncpus, rmpsim_sim_ipi_one(f->s, NCPUS, noop_ipi, NULL, RMPSIM_IPI_WAIT))
BAD_CALL(p_ipi_one_cpu_uint_max, rmpsim_sim_ipi_one(f->s, UINT_MAX, noop_ipi, NULL, 0))
BAD_CALL(p_ipi_one_null_fn, rmpsim_sim_ipi_one(f->s, 1, NULL, NULL, RMPSIM_IPI_WAIT))
BAD_CALL(p_ipi_many_null_mask, rmpsim_sim_ipi_many(f->s, NULL, noop_ipi, NULL, RMPSIM_IPI_WAIT))
static long long p_ipi_many_null_fn(struct bad_fix *f)
{
	unsigned long mask = 0xe;
	return rmpsim_sim_ipi_many(f->s, &mask, NULL, NULL, RMPSIM_IPI_WAIT);
}
BAD_CALL(p_spawn_cpu_ncpus, spawn_with(f->s, NCPUS, noop_proc))
BAD_CALL(p_cpu_stats_ncpus, cpu_stats_with(f->s, NCPUS, false))
BAD_VOID_CALL(p_wake_foreign, rmpsim_sim_wake(f->s, f->foreign))
BAD_VOID_CALL(p_charge_verify_null, rmpsim_sim_charge_verify(f->s, NULL, NULL))
BAD_VOID_CALL(p_charge_rmpopt_null, rmpsim_sim_charge_rmpopt(f->s, NULL, 1ull << 30))
BAD_CALL(p_timer_add_no_fn, timer_add_no_fn(f))

static const struct bad_call process_rows[] = {
	{ "in a process: ipi_one cpu = ncpus", p_ipi_one_cpu_ncpus, -EINVAL },
	{ "in a process: ipi_one cpu = UINT_MAX", p_ipi_one_cpu_uint_max, -EINVAL },
	{ "in a process: ipi_one NULL fn", p_ipi_one_null_fn, -EINVAL },
	{ "in a process: ipi_many NULL mask", p_ipi_many_null_mask, -EINVAL },
	{ "in a process: ipi_many NULL fn", p_ipi_many_null_fn, -EINVAL },
	{ "in a process: spawn cpu = ncpus", p_spawn_cpu_ncpus, -EINVAL },
	{ "in a process: cpu_stats cpu = ncpus", p_cpu_stats_ncpus, -EINVAL },
	{ "in a process: wake another sim's proc", p_wake_foreign, 0 },
	{ "in a process: charge_verify NULL verify", p_charge_verify_null, 0 },
	{ "in a process: charge_rmpopt NULL out", p_charge_rmpopt_null, 0 },
	{ "in a process: timer_add of a timer without a function", p_timer_add_no_fn, -EINVAL },
};

/* The snapshot hooks of bad_input_run_calls(). */
static void snap_before(struct bad_fix *f)
{
	take(f, &f->before);
}
static const char *snap_changed(struct bad_fix *f)
{
	struct snap after;
	take(f, &after);
	return differs(&f->before, &after);
}

static void ends(struct rmpsim_sim *sim, void *arg)
{
	(void)sim;
	(void)arg;
}

static void setup(struct bad_fix *f)
{
	struct rmpsim_sim_topology t = { .ncpus = NCPUS, .threads_per_core = 1, .nodes = 1 };
	struct rmpsim_proc_attr a = { .name = "ends", .cpu = 1 };

	memset(f, 0, sizeof(*f));
	assert_int_equal(rmpsim_sim_create_bare(NULL, &t, NULL, 7, &f->s), 0);
	assert_int_equal(rmpsim_sim_create_bare(NULL, &t, NULL, 8, &f->other), 0);
	rmpsim_sim_set_stack_size(f->s, 64 * 1024);
	/* Some history to disturb: a process that ran, a mark, a pending timer. */
	assert_int_equal(rmpsim_sim_spawn(f->s, &a, ends, NULL, &f->done), 0);
	assert_int_equal(rmpsim_sim_mark(f->s, "before", 1, 2), 0);
	assert_int_equal(rmpsim_sim_run(f->s), 0);
	assert_true(rmpsim_proc_done(f->done));
	rmpsim_timer_init(&f->pending, noop_timer, NULL);
	assert_int_equal(rmpsim_sim_timer_add(f->s, &f->pending, RMPSIM_MS(10)), 0);
	assert_int_equal(rmpsim_sim_spawn(f->other, NULL, ends, NULL, &f->foreign), 0);
}

static void teardown(struct bad_fix *f)
{
	rmpsim_sim_destroy(f->s);
	rmpsim_sim_destroy(f->other);
}

static void from_engine_context(void **state)
{
	(void)state;
	struct bad_fix f;
	setup(&f);
	size_t other_pending = rmpsim_sim_pending(f.other);
	BAD_INPUT_RUN_CALLS(&f, engine_rows, snap_before, snap_changed);
	/* The foreign process was not made runnable in its own sim either. */
	ASSERT_EQ(rmpsim_sim_pending(f.other), other_pending);
	ASSERT_EQ(rmpsim_sim_bugs(f.other), 0);
	/* The timer still fires where it was armed: the sim works after all that. */
	assert_int_equal(rmpsim_sim_run(f.s), 0);
	ASSERT_EQ(rmpsim_sim_now(f.s), RMPSIM_MS(10));
	ASSERT_EQ(rmpsim_sim_bugs(f.s), 0);
	teardown(&f);
}

struct in_proc {
	struct bad_fix *f;
	size_t ran;
};

static void rows_in_process(struct rmpsim_sim *sim, void *arg)
{
	struct in_proc *ip = arg;
	(void)sim;
	ip->ran = BAD_INPUT_RUN_CALLS(ip->f, process_rows, snap_before, snap_changed);
}

static void from_process_context(void **state)
{
	(void)state;
	struct bad_fix f;
	struct in_proc ip = { &f, 0 };
	struct rmpsim_proc_attr a = { .name = "bad-caller", .cpu = 0 };

	setup(&f);
	assert_int_equal(rmpsim_sim_spawn(f.s, &a, rows_in_process, &ip, NULL), 0);
	assert_int_equal(rmpsim_sim_run(f.s), 0);
	ASSERT_EQ(ip.ran, sizeof(process_rows) / sizeof(process_rows[0]));
	ASSERT_EQ(rmpsim_sim_bugs(f.s), 0);
	ASSERT_EQ(rmpsim_sim_now(f.s), RMPSIM_MS(10)); /* only the timer set the end */
	teardown(&f);
}

/* A stack size beyond any allocation is clamped, not overflowed (fiber.c). */
static void huge_stack_size_is_clamped(void **state)
{
	(void)state;
	struct bad_fix f;
	setup(&f);
	rmpsim_sim_set_stack_size(f.s, SIZE_MAX);
	struct rmpsim_proc_attr a = { .name = "big", .cpu = 2 };
	struct rmpsim_proc *p = NULL;
	int r = rmpsim_sim_spawn(f.s, &a, ends, NULL, &p);
	/* 1 GiB: either the allocator gives it (and the process runs) or -ENOMEM. */
	if (r == 0) {
		assert_int_equal(rmpsim_sim_run(f.s), 0);
		assert_true(rmpsim_proc_done(p));
	} else {
		ASSERT_EQ(r, -ENOMEM);
	}
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(from_engine_context),
		cmocka_unit_test(from_process_context),
		cmocka_unit_test(huge_stack_size_is_clamped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
