/* SPDX-License-Identifier: MIT */
/*
 * The simulation: a deterministic discrete-event engine in integer virtual
 * time (picoseconds), CPUs that run one process at a time, interrupts and
 * IPIs with Linux smp_call_function_many() semantics, per-CPU accounting and
 * a trace hash. docs/timing.md gives every formula; the assumptions (A60 and on)
 * are in docs/model.md.
 *
 * Contexts. Code runs in one of three contexts:
 *   - process context: the body of a process (rmpsim_sim_spawn), straight-line
 *     blocking C code on its own coroutine stack; it may compute, sleep, block,
 *     yield, send IPIs. rmpsim_sim_cpu() is the CPU it runs on.
 *   - handler context: an IPI handler, run on the target CPU with interrupts
 *     off; rmpsim_sim_cpu() is the target. It charges its cost with
 *     rmpsim_sim_compute*() and may not sleep: a sleeping call there is counted
 *     as a bug (rmpsim_sim_bugs) with a message, like might_sleep(), and
 *     returns at once.
 *   - engine context: timer callbacks and code outside rmpsim_sim_run().
 *     Instantaneous (no CPU), may add timers, spawn and wake processes.
 *
 * Event queue (ns-3 scheduler.h style). Future events live in a 4-ary min-heap
 * ordered by (time, sequence), each event holding its heap index, so:
 *
 *   | operation                      | cost         |
 *   |--------------------------------|--------------|
 *   | insert (timer add, any event)  | O(log n)     |
 *   | pop earliest                   | O(log n)     |
 *   | cancel (timer, preemption)     | O(log n)     |
 *   | peek earliest                  | O(1)         |
 *   | memory                         | 1 pointer per pending event, grown by doubling |
 *
 * Determinism: the sequence number breaks time ties in insertion order, every
 * random choice (placement of unbound processes, A70) comes from the seeded
 * PRNG, and every dispatched event is folded into a trace hash, a 64-bit word
 * at a time (time, kind, cpu, id, argument). Same inputs and seed give the same
 * hash on any machine.
 *
 * A simulation is single-threaded: one thread drives it. Different simulations
 * may run in different threads.
 *
 * Bad input (docs/api.md "Errors"; tests/sim/test_sim_bad_input.c). No call
 * crashes or changes anything for a NULL sim, process or timer, a CPU not
 * < ncpus, or a missing callback: the functions that return int give
 * -EINVAL (and write no ret_* argument), the queries answer 0, NULL, false,
 * "" or RMPSIM_CPU_ANY, and the other void functions do nothing. A call made
 * from a context that may not make it (sleeping in a handler, an IPI from a
 * handler) is a simulation bug, counted in rmpsim_sim_bugs() as Linux would
 * warn, and changes nothing else.
 */
#ifndef RMPSIM_SIM_H
#define RMPSIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rmpsim/alloc.h>
#include <rmpsim/error.h>
#include <rmpsim/insn.h>
#include <rmpsim/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rmpsim_machine;	/* machine.h */
struct rmpsim_insn_out; /* insn.h */

/* ---- Time ---- */
#define RMPSIM_PS(x)	  ((uint64_t)(x))
#define RMPSIM_NS(x)	  ((uint64_t)(x)*1000ull)
#define RMPSIM_US(x)	  ((uint64_t)(x)*1000000ull)
#define RMPSIM_MS(x)	  ((uint64_t)(x)*1000000000ull)
#define RMPSIM_S(x)	  ((uint64_t)(x)*1000000000000ull)
#define RMPSIM_TIME_NEVER UINT64_MAX

#define RMPSIM_CPU_ANY UINT32_MAX /* unbound process; "no CPU" from rmpsim_sim_cpu() */

struct rmpsim_sim;  /* opaque */
struct rmpsim_proc; /* opaque; owned by the sim until rmpsim_sim_destroy */

/* ---- Creation ---- */

/* A machine-less CPU set for tests and sweeps: ncpus CPUs, threads_per_core
 * SMT threads per core, nodes NUMA nodes; Linux numbering as in topology.h
 * (first threads of every core, then second threads). */
struct rmpsim_sim_topology {
	unsigned ncpus;		   /* >= 1, a multiple of threads_per_core */
	unsigned threads_per_core; /* >= 1 */
	unsigned nodes;		   /* >= 1; cores split evenly over nodes in order */
	unsigned packages;	   /* 0 or 1: one socket; else nodes split evenly over packages */
	unsigned l3_per_node;	   /* 0 or 1: one L3 group per node; else cores split evenly */
};

/*
 * Create over a machine (CPUs, cores and nodes from its topology; the RMPOPT
 * contention domain of an SPA is its NUMA node, A62). profile NULL = the
 * default. The machine must outlive the sim. -EINVAL, -ENOMEM.
 */
int rmpsim_sim_create(const struct rmpsim_allocator *a, struct rmpsim_machine *machine,
		      const struct rmpsim_profile *profile, uint64_t seed, struct rmpsim_sim **ret_sim);
/* Create without a machine (rmpsim_sim_machine() returns NULL). */
int rmpsim_sim_create_bare(const struct rmpsim_allocator *a, const struct rmpsim_sim_topology *topo,
			   const struct rmpsim_profile *profile, uint64_t seed, struct rmpsim_sim **ret_sim);
/* Frees everything, including processes that never finished (they are not resumed). */
void rmpsim_sim_destroy(struct rmpsim_sim *sim);

struct rmpsim_machine *rmpsim_sim_machine(struct rmpsim_sim *sim);
const struct rmpsim_profile *rmpsim_sim_profile(const struct rmpsim_sim *sim);
unsigned rmpsim_sim_ncpus(const struct rmpsim_sim *sim);
unsigned rmpsim_sim_cpu_core(const struct rmpsim_sim *sim, unsigned cpu);
unsigned rmpsim_sim_cpu_node(const struct rmpsim_sim *sim, unsigned cpu);
bool rmpsim_sim_cpu_is_primary(const struct rmpsim_sim *sim, unsigned cpu);
uint64_t rmpsim_sim_seed(const struct rmpsim_sim *sim);
/* Coroutine stack size for processes spawned later (default 256 KiB; clamped
 * to 16 KiB .. 1 GiB). */
void rmpsim_sim_set_stack_size(struct rmpsim_sim *sim, size_t bytes);

/* ---- Running ---- */

/*
 * Dispatch events until none is left (or rmpsim_sim_stop). Returns 0; -EINVAL
 * when called from inside the simulation (not re-entrant). Every internal
 * event has its queue slot reserved when its owner is created (spawn, timer
 * add, IPI send report -ENOMEM there), so a run itself never fails for memory.
 * Processes still blocked when the queue empties stay blocked
 * (rmpsim_sim_blocked()).
 */
int rmpsim_sim_run(struct rmpsim_sim *sim);
/* Dispatch events with time <= limit; then now = max(now, limit) if the queue
 * still holds later events, else the time of the last event. */
int rmpsim_sim_run_until(struct rmpsim_sim *sim, uint64_t limit_ps);
/* Stop rmpsim_sim_run*() after the current event (from any callback). */
void rmpsim_sim_stop(struct rmpsim_sim *sim);
/*
 * Run limits (docs/cli.md --max-virtual-time, --max-events): a run stops, as
 * with rmpsim_sim_stop(), before it would dispatch an event later than
 * max_time_ps or once max_events events have been dispatched, and calls
 * fn(ctx, sim, time_limit) (engine context; may be NULL). The event stays
 * queued. 0 = no limit (the default).
 */
typedef void (*rmpsim_limit_fn)(void *ctx, struct rmpsim_sim *sim, bool time_limit);
void rmpsim_sim_set_limits(struct rmpsim_sim *sim, uint64_t max_time_ps, uint64_t max_events,
			   rmpsim_limit_fn fn, void *ctx);
bool rmpsim_sim_limit_hit(const struct rmpsim_sim *sim); /* a limit stopped a run */
uint64_t rmpsim_sim_now(const struct rmpsim_sim *sim);
uint64_t rmpsim_sim_trace_hash(const struct rmpsim_sim *sim);
uint64_t
rmpsim_sim_events(const struct rmpsim_sim *sim); /* events dispatched so far (IPI steps batched or not) */
size_t rmpsim_sim_pending(const struct rmpsim_sim *sim); /* events in the queue (IPI steps batched or not) */
unsigned rmpsim_sim_blocked(const struct rmpsim_sim *sim); /* processes neither done nor runnable */

/* ---- Timers (engine context callbacks) ---- */

struct rmpsim_timer;
typedef void (*rmpsim_timer_fn)(struct rmpsim_sim *sim, struct rmpsim_timer *t);

/* Private fields; embed the struct, init it with rmpsim_timer_init. */
struct rmpsim_event {
	uint64_t time, seq;
	size_t heap_index; /* SIZE_MAX when not queued */
	unsigned kind;
};
struct rmpsim_timer {
	struct rmpsim_event ev;
	rmpsim_timer_fn fn;
	void *arg; /* for the user */
};

void rmpsim_timer_init(struct rmpsim_timer *t, rmpsim_timer_fn fn, void *arg);
/* Arm at absolute time when (clamped to now); a pending timer is moved (like
 * mod_timer). -ENOMEM leaves the timer as it was. */
int rmpsim_sim_timer_add(struct rmpsim_sim *sim, struct rmpsim_timer *t, uint64_t when_ps);
/* Disarm; returns whether it was pending. */
bool rmpsim_sim_timer_cancel(struct rmpsim_sim *sim, struct rmpsim_timer *t);
bool rmpsim_timer_pending(const struct rmpsim_timer *t);
uint64_t rmpsim_timer_expires(const struct rmpsim_timer *t);

/* ---- Processes ---- */

typedef void (*rmpsim_proc_fn)(struct rmpsim_sim *sim, void *arg);

struct rmpsim_proc_attr {
	const char *name; /* copied (truncated to 31 chars); NULL = "proc" */
	unsigned cpu;	  /* a CPU, or RMPSIM_CPU_ANY: unbound, placed by A70 */
};

/*
 * New process, runnable now on attr->cpu (or a CPU chosen by A70). It starts
 * when the engine reaches it; fn's return ends it. Callable from any context.
 * -EINVAL (bad cpu), -ENOMEM (nothing created). ret_proc may be NULL.
 */
int rmpsim_sim_spawn(struct rmpsim_sim *sim, const struct rmpsim_proc_attr *attr, rmpsim_proc_fn fn,
		     void *arg, struct rmpsim_proc **ret_proc);
const char *rmpsim_proc_name(const struct rmpsim_proc *p);
unsigned rmpsim_proc_id(const struct rmpsim_proc *p); /* spawn order, from 0 */
bool rmpsim_proc_done(const struct rmpsim_proc *p);
unsigned rmpsim_proc_cpu(const struct rmpsim_proc *p); /* last CPU it ran on / is queued on */

/* The running process (NULL in handler and engine context). */
struct rmpsim_proc *rmpsim_sim_current(struct rmpsim_sim *sim);
/* Current CPU: the process's CPU, the handler's target, RMPSIM_CPU_ANY in engine context. */
unsigned rmpsim_sim_cpu(const struct rmpsim_sim *sim);
bool rmpsim_sim_in_handler(const struct rmpsim_sim *sim);

/*
 * Occupy the current CPU for ps. Process context: the process returns after
 * ps of CPU time; handlers that interrupt it push the end back. Handler
 * context: adds ps to the handler's duration (no blocking). Engine: ignored.
 */
void rmpsim_sim_compute(struct rmpsim_sim *sim, uint64_t ps);
/* The same in milli-cycles at the profile's clock. */
void rmpsim_sim_compute_mcyc(struct rmpsim_sim *sim, uint64_t mcyc);
/* count executions of insn at its cost (rmpsim_profile_insn_mcyc), as compute. */
void rmpsim_sim_charge_insn(struct rmpsim_sim *sim, enum rmpsim_insn_id insn, uint64_t count);

/*
 * Charge one executed RMPOPT (result from rmpsim_machine_rmpopt) at spa on the
 * current CPU with the memory engine of docs/timing.md section 4: a verify
 * (function 0 inside the window) may find a completed scan result in its
 * cache scope, else reads the region's RMP lines from its L3 group or DRAM
 * (queueing at the RMP home's bandwidth); anything else costs report_cycles.
 * Counts the kind the timing model decided (a verify the sim answers from its
 * result cache is a CACHE_HIT whatever the machine's functional cache said).
 * Handler or process context.
 */
void rmpsim_sim_charge_rmpopt(struct rmpsim_sim *sim, const struct rmpsim_insn_out *r, uint64_t spa);

/* One verify, as the memory engine sees it (machine-less tests build it by hand). */
struct rmpsim_verify {
	uint64_t region;    /* 1 GB region index (SPA >> 30) */
	uint64_t gen;	    /* content generation: results and warm lines of another one are stale */
	int64_t first_busy; /* first assigned entry at the profile's scan granularity; -1 none */
	unsigned home_node; /* NUMA node holding the region's RMP lines */
};
/* What one verify cost and read. */
struct rmpsim_verify_cost {
	unsigned kind;	     /* RMPSIM_RMPOPT_SCANNED, _EARLY_EXIT or _CACHE_HIT */
	uint64_t lines;	     /* RMP lines read (0 for a cached result) */
	uint64_t dram_lines; /* ... of which from DRAM */
	uint64_t ps;	     /* time charged */
};
/* Charge a verify on the current CPU; ret may be NULL. */
void rmpsim_sim_charge_verify(struct rmpsim_sim *sim, const struct rmpsim_verify *v,
			      struct rmpsim_verify_cost *ret);
/* Cheapest and dearest RMPOPT (function 0) charged since the last call, in ps
 * (0, 0 when none); the window restarts. Reports take it at each trace mark. */
void rmpsim_sim_rmpopt_window(struct rmpsim_sim *sim, uint64_t *ret_min_ps, uint64_t *ret_max_ps);
/* Where the running maximum of per-RMPOPT cost rose since the last call (in
 * execution order, at most RMPSIM_RISES_MAX kept: the first ones); copies up
 * to max of them, returns how many there were, and starts again from 0. */
#define RMPSIM_RISES_MAX 64
struct rmpsim_rise {
	unsigned cpu;
	uint64_t ps;	/* the RMPOPT's cost */
	uint64_t at_ps; /* when it started */
};
size_t rmpsim_sim_rmpopt_rises(struct rmpsim_sim *sim, struct rmpsim_rise *ret, size_t max);

/* Release the CPU until now + ps / until time t (might_sleep checked). */
void rmpsim_sim_sleep(struct rmpsim_sim *sim, uint64_t ps);
void rmpsim_sim_sleep_until(struct rmpsim_sim *sim, uint64_t t_ps);
/*
 * Park the current process until rmpsim_sim_wake(). A wake that came while the
 * process was not parked is remembered (one token), so block() then returns at
 * once: no lost wake-ups. might_sleep checked.
 */
void rmpsim_sim_block(struct rmpsim_sim *sim);
/* Make p runnable (from any context); unbound processes may be placed on another CPU (A70). */
void rmpsim_sim_wake(struct rmpsim_sim *sim, struct rmpsim_proc *p);
/* cond_resched(): charges profile.cond_resched_ps; if another process waits for
 * this CPU, go behind it (an unbound process may move to an idle CPU, A70). */
void rmpsim_sim_yield(struct rmpsim_sim *sim);

void rmpsim_sim_migrate_disable(struct rmpsim_sim *sim);
void rmpsim_sim_migrate_enable(struct rmpsim_sim *sim);
void rmpsim_sim_preempt_disable(struct rmpsim_sim *sim);
void rmpsim_sim_preempt_enable(struct rmpsim_sim *sim);
/* local_irq_disable/enable; nested like local_irq_save. Interrupts that arrive
 * meanwhile wait; they run when interrupts are enabled again. */
void rmpsim_sim_irq_disable(struct rmpsim_sim *sim);
void rmpsim_sim_irq_enable(struct rmpsim_sim *sim);
bool rmpsim_sim_irqs_disabled(const struct rmpsim_sim *sim);
/* might_sleep(): false (and a bug report) in handler context, with interrupts
 * or preemption disabled. `what` names the caller in the message. */
bool rmpsim_sim_might_sleep(struct rmpsim_sim *sim, const char *what);

/* ---- IPIs (Linux smp_call_function_many, A66-A68, A130-A138) ---- */

typedef void (*rmpsim_ipi_fn)(struct rmpsim_sim *sim, unsigned cpu, void *arg);

#define RMPSIM_IPI_WAIT	 0x1u /* wait until every target finished (csd_lock_wait) */
#define RMPSIM_IPI_LOCAL 0x2u /* also run fn on the calling CPU, irqs off (on_each_cpu_mask) */

/*
 * From process context: run fn(sim, cpu, arg) on every CPU set in mask (a
 * bitmap of ncpus bits, unsigned long words as Linux cpumask), the calling CPU
 * excluded unless RMPSIM_IPI_LOCAL. As kernel/smp.c and the x2APIC do it
 * (docs/timing.md section 3): the sender pays send_base, then queues one CSD
 * per target (queue_lines remote lines at the core-to-core latency of the
 * target's distance), then writes the ICR (one write for the all-but-self
 * shorthand, one per x2APIC cluster of 16 IDs, or one per target in physical
 * mode). A target receives delivery (+ delivery_remote on the other socket)
 * after its ICR write, leaves idle (idle_exit) if it was idle, runs the
 * handler (handler_overhead + what fn charged; fn's effect happens when the
 * IPI arrives) and unlocks its CSD, which the sender sees one core-to-core
 * transfer later. With WAIT the sender stays busy (irqs on) until the last
 * unlock is visible, then polls every CSD (their transfers, csd_polls_in_flight
 * at a time). Without WAIT, fn and arg must stay valid until the handlers have
 * run. Returns 0; -EINVAL outside process context (and a bug report from
 * handler context); -ENOMEM (nothing sent).
 */
int rmpsim_sim_ipi_many(struct rmpsim_sim *sim, const unsigned long *mask, rmpsim_ipi_fn fn, void *arg,
			unsigned flags);
/* One target (smp_call_function_single); cpu == current runs fn locally. */
int rmpsim_sim_ipi_one(struct rmpsim_sim *sim, unsigned cpu, rmpsim_ipi_fn fn, void *arg, unsigned flags);

/*
 * Engine switch, not a model parameter: with batching on (the default), one
 * queued event stands for a whole IPI call, and its deliveries and the ends of
 * the handlers they start run inline, each at the (time, sequence) position
 * its own event would have had. Off: one queued event per delivery and per
 * handler end. Both give the same simulation, trace, trace hash, statistics
 * and event counts (tests/sim/test_sim_batch.c); only the queue traffic
 * (rmpsim_queue_stats.dispatches) differs. Applies to calls sent afterwards.
 */
void rmpsim_sim_set_ipi_batching(struct rmpsim_sim *sim, bool on);

/*
 * A round of RMPOPT verifies (docs/timing.md "Rounds", issue 14): the same
 * call as rmpsim_sim_ipi_many(mask, fn, arg, flags), whose fn on every target
 * is known to be exactly one RMPOPT function 0 at spa on the sim's machine,
 * charged as rmpsim_sim_charge_rmpopt() charges it. When the conditions of
 * docs/timing.md hold (wait, no local run, every target idle with no vCPU,
 * nothing else queued before the round can end, no trace hook, no result
 * cache, no run limit inside it), the round is computed in one step: the same
 * per-CPU times and statistics, machine table bits and counters as fn run
 * step by step, folded into the trace hash as one round record. Otherwise fn
 * is sent step by step. *ret_round: true when computed as a round (then
 * *ret_last_cpu is the target whose handler started last); false when sent.
 * Returns as rmpsim_sim_ipi_many.
 */
int rmpsim_sim_ipi_verify_round(struct rmpsim_sim *sim, const unsigned long *mask, rmpsim_ipi_fn fn,
				void *arg, unsigned flags, uint64_t spa, bool *ret_round,
				unsigned *ret_last_cpu);
/*
 * A ranged run of verifies (docs/timing.md "Ranged runs", issue 14 point 2,
 * A300): on the current CPU, inside an IPI handler, RMPOPT function 0 at spa,
 * spa + 1 GB, ... (n consecutive 1 GB regions, n <= 2048) on the sim's
 * machine, each charged as rmpsim_sim_charge_rmpopt() charges it, in one call:
 * the machine's table bits, scan caches and counters at once, the verifies'
 * costs in simulated-time order among the other handlers' runs: when the run
 * is the last thing the handler does, the handler's end is the run's last
 * verify's, after the handler returned (anything else the handler does after
 * the run first computes it whole). Returns 0 when done; -EAGAIN, nothing
 * done, when the conditions do not hold (handler context, RMPOPT enabled on
 * the core with every region in its window; outside an IPI handler that the
 * engine runs, such as a local call's, also no --trace-detail and no trace
 * hook that takes every RMPOPT record): the caller then runs the verifies one
 * by one. -EINVAL, -ENOMEM: nothing done.
 */
int rmpsim_sim_rmpopt_run(struct rmpsim_sim *sim, uint64_t spa, size_t n);
/* How many ranged runs rmpsim_sim_rmpopt_run() has taken. */
uint64_t rmpsim_sim_rmpopt_runs(const struct rmpsim_sim *sim);
/*
 * Runs in whole periods (docs/timing.md "Runs in periods", A301): runs in
 * progress whose state repeats but for a shift in time, region and fill
 * counter (the percpu followers sharing a home node's queue) are moved on by
 * whole periods at once, with the same results as their steps. On by
 * default; off (false) charges every step, for tests and for measuring.
 * rmpsim_sim_run_period_skips: how many such moves were made, and into
 * *verifies (when not NULL) how many verifies they took in all.
 */
void rmpsim_sim_set_run_periods(struct rmpsim_sim *sim, bool on);
uint64_t rmpsim_sim_run_period_skips(const struct rmpsim_sim *sim, uint64_t *verifies);
/*
 * With the periods on, one L3 group's runs whose next verifies read only
 * lines the group holds (the percpu leader's group) are charged ahead of the
 * other runs, in their own time order (A310, docs/timing.md "Looking
 * ahead"): such verifies touch nothing the others read, so their place among
 * them changes no result, and the others' skips need not wait for them.
 * How many times, and into *verifies (when not NULL) how many verifies.
 */
uint64_t rmpsim_sim_run_look_aheads(const struct rmpsim_sim *sim, uint64_t *verifies);
/*
 * Trace detail (--trace-detail): rounds are never computed in one step; every
 * IPI step runs and is hashed, as before rounds existed. Off by default.
 */
void rmpsim_sim_set_trace_detail(struct rmpsim_sim *sim, bool on);
/*
 * The trace hook (rmpsim_sim_set_trace_hook) takes rounds: it reads the
 * interrupts-off summaries, marks and vCPU records only, so a round may stand
 * for its IPIs with one RMPSIM_TRACE_IRQOFF record, its longest stretch (cpu,
 * a = length, time = its end), instead of their IPI, IRQOFF and RMPOPT
 * records. Off by default: with a hook, every call is sent step by step.
 */
void rmpsim_sim_set_trace_rounds(struct rmpsim_sim *sim, bool on);
/*
 * With rounds on: a round hands the hook every target's interrupts-off
 * stretch (one RMPSIM_TRACE_IRQOFF record per target: cpu, a = length,
 * time = its end, in delivery order), the records the step path's handlers
 * end with, instead of only the longest. For hooks that read every stretch,
 * the histograms and the busy heatmap (--hist, --html). Off by default.
 */
void rmpsim_sim_set_trace_round_stretches(struct rmpsim_sim *sim, bool on);
/* Calls computed as rounds so far, and how many of them were the same round
 * again, taken from its plan's memo (docs/timing.md "Rounds: plans and memos"). */
void rmpsim_sim_round_counts(const struct rmpsim_sim *sim, uint64_t *ret_rounds, uint64_t *ret_memo);
/*
 * A round's interrupts-off stretches in one call (docs/timing.md "Rounds"):
 * with a trace hook, round stretches on (above) and fn set, a round calls fn
 * once with all its targets' stretches instead of one RMPSIM_TRACE_IRQOFF
 * record per target through the trace hook: the same stretches (cpu, end =
 * t0_ps + end_off_ps[i], a = len_ps[i]) in the same order, without a call per
 * record (--html's cost, docs/performance.md "Report writers"). The arrays
 * are the sim's, valid during the call only; sim's now is the round's send
 * (t0_ps). fn must not run simulated code (observe, as the trace hook).
 * NULL fn: one record per target, as before.
 */
struct rmpsim_round_stretches {
	uint64_t t0_ps;		    /* the round's send time */
	size_t n;		    /* targets, in delivery order */
	const unsigned *cpu;	    /* target CPU of each */
	const uint64_t *end_off_ps; /* handler end - t0 (stretch end) */
	const uint64_t *len_ps;	    /* interrupts-off stretch length */
	/*
	 * Which stretches these are, for a consumer that keeps what it derived
	 * from them: NULL, or a key such that a later call from the same sim with
	 * the same pattern and pattern_gen hands out the same n, cpu, end_off_ps
	 * and len_ps (at its own t0_ps). A round taken from a memo repeats its
	 * memo's stretches (docs/timing.md "Plans and memos"): the memo is the
	 * pattern, and its generation changes whenever the memo is computed again.
	 */
	const void *pattern;
	uint64_t pattern_gen;
};
typedef void (*rmpsim_round_stretch_fn)(void *ctx, struct rmpsim_sim *sim,
					const struct rmpsim_round_stretches *r);
void rmpsim_sim_set_round_stretch_hook(struct rmpsim_sim *sim, rmpsim_round_stretch_fn fn, void *ctx);

/*
 * Co-tenant vCPUs (docs/model.md A440-A442): on every CPU set in mask (ncpus
 * bits; NULL = none), a non-SNP guest's vCPU runs whenever the host has
 * nothing to run there. An IPI or a process that takes such a CPU pays
 * profile.vm_exit instead of a C-state exit; when the host is done the guest
 * gets the CPU back after profile.vm_entry. Each stretch (exit, host work,
 * entry) is counted in the CPU's vcpu_* statistics and reported as a
 * RMPSIM_TRACE_VCPU record. With RMPSIM_VCPU_GIVE_WAY (A443), a host
 * process that starts running on such a CPU ends its vCPU there for good: the
 * CPU is the host's (the workload driver, the pass's worker) and no longer
 * counted. Call while the CPUs are idle (between runs).
 */
#define RMPSIM_VCPU_GIVE_WAY 0x1u
void rmpsim_sim_set_vcpus(struct rmpsim_sim *sim, const unsigned long *mask, unsigned flags);
/* Whether cpu runs a co-tenant vCPU now. */
bool rmpsim_sim_cpu_has_vcpu(const struct rmpsim_sim *sim, unsigned cpu);

/* ---- Accounting ---- */

struct rmpsim_cpu_stats {
	uint64_t busy_ps;	   /* not idle: a process on the CPU (computing or spinning) or a handler */
	uint64_t handler_ps;	   /* in IPI handlers (overhead included) */
	uint64_t ipis;		   /* handlers run */
	uint64_t irqoff_max_ps;	   /* longest interrupts-off stretch */
	uint64_t irqoff_max_at_ps; /* when it began */
	char irqoff_max_where[32]; /* process name, or "ipi" for handlers */
	uint64_t rmpopt[RMPSIM_RMPOPT_NKINDS]; /* by enum rmpsim_rmpopt_kind (insn.h) */
	uint64_t rmpopt_ps;		       /* time charged for RMPOPT */
	uint64_t rmpopt_lines;		       /* RMP lines verifies read */
	uint64_t rmpopt_dram_lines;	       /* ... of which from DRAM */
	uint64_t idle_exits;		       /* handlers that first woke the CPU from idle */
	uint64_t switches;		       /* context switches */
	/* Co-tenant vCPU on this CPU (rmpsim_sim_set_vcpus): */
	uint64_t vcpu_exits;	      /* times the host took the CPU from the guest */
	uint64_t vcpu_stolen_ps;      /* exit + host work + entry, over the stretches that ended */
	uint64_t vcpu_stretch_max_ps; /* the longest such stretch */
	uint64_t vcpu_open_ps;	      /* the stretch still open, so far (also in vcpu_stolen_ps) */
};
/* Stats of cpu up to now (open stretches are closed at now). -EINVAL for a bad cpu. */
int rmpsim_sim_cpu_stats(const struct rmpsim_sim *sim, unsigned cpu, struct rmpsim_cpu_stats *ret);

/* Bugs (sleep in atomic context, IPI from a handler, ...): count and last message. */
uint64_t rmpsim_sim_bugs(const struct rmpsim_sim *sim);
const char *rmpsim_sim_last_bug(const struct rmpsim_sim *sim);
/* Also print each bug message to out (NULL = keep quiet). */
void rmpsim_sim_set_bug_log(struct rmpsim_sim *sim, FILE *out);

/* ---- Event-queue statistics (benchmarks replay the real distribution) ---- */

struct rmpsim_queue_stats {
	uint64_t inserts;	 /* events queued (timers, process resumes, IPI steps) */
	uint64_t cancels;	 /* events removed before their time */
	size_t max_pending;	 /* largest queue size seen */
	uint64_t delay_log2[65]; /* inserts by floor(log2(when - now)) + 1; [0]: when == now */
	uint64_t dispatches;	 /* events taken off the queue (a batched IPI call counts once
				    each time it resumes, whatever the steps it runs) */
};
void rmpsim_sim_queue_stats(const struct rmpsim_sim *sim, struct rmpsim_queue_stats *ret);

/* ---- Trace marks (tracepoints; contracts.md "Tracepoints") ---- */

struct rmpsim_mark {
	char name[48]; /* copied, truncated */
	uint64_t time_ps;
	unsigned cpu; /* RMPSIM_CPU_ANY in engine context */
	uint64_t a, b;
};
/* Append a mark at now on the current CPU; folded into the trace hash. -ENOMEM. */
int rmpsim_sim_mark(struct rmpsim_sim *sim, const char *name, uint64_t a, uint64_t b);
size_t rmpsim_sim_mark_count(const struct rmpsim_sim *sim);
const struct rmpsim_mark *rmpsim_sim_mark_get(const struct rmpsim_sim *sim, size_t i);

/* ---- Trace hook (Perfetto timelines, report layer) ---- */

enum rmpsim_trace_kind {
	RMPSIM_TRACE_PROC_RUN,	/* id = proc id: the process (re)starts running on cpu */
	RMPSIM_TRACE_PROC_STOP, /* id = proc id, a = 0 sleep/block, 1 yield, 2 exit */
	RMPSIM_TRACE_IPI_START, /* id = ipi call id, a = sender cpu */
	RMPSIM_TRACE_IPI_END,	/* id = ipi call id, a = handler duration ps */
	RMPSIM_TRACE_IPI_DONE,	/* id = ipi call id: sender resumes after waiting */
	RMPSIM_TRACE_TIMER,	/* id = timer sequence */
	RMPSIM_TRACE_MARK,	/* id = mark index */
	RMPSIM_TRACE_IRQOFF,	/* a = stretch length ps, ends now */
	/* One verify charged (rmpsim_sim_charge_verify), before its time passes:
	 * id = kind << 62 | free << 61 | region << 40 | start offset from now in ps
	 * (handlers run their charges ahead of now), a = lines << 40 | ps; each
	 * field saturates (RMPSIM_TRACE_RMPOPT_* unpack it). Not in the trace hash. */
	RMPSIM_TRACE_RMPOPT,
	/*
	 * Observer-only records (rmpsim_sim_observe): never in the trace hash,
	 * never change the run; data points to the struct named.
	 * IPI_SEND: a cross-CPU call leaves cpu (the sender): id = ipi call id,
	 * a = targets, data = struct rmpsim_trace_ipi_send.
	 * WORK_QUEUE / WORK_START / WORK_END: a work item is queued (cpu = the
	 * queuing CPU), its function starts / ends on cpu (a worker): id = the
	 * work item's number in the boot, data = struct rmpsim_trace_work.
	 */
	RMPSIM_TRACE_IPI_SEND,
	RMPSIM_TRACE_WORK_QUEUE,
	RMPSIM_TRACE_WORK_START,
	RMPSIM_TRACE_WORK_END,
	/* A co-tenant vCPU's stretch out of its guest ended (rmpsim_sim_set_vcpus):
	 * a = its length in ps (exit, host work, entry), ending now + the entry.
	 * Not in the trace hash (it follows from the records around it). */
	RMPSIM_TRACE_VCPU,
};
/* A kind's bit in a mask of kinds (rmpsim_run_options.trace_kinds). */
#define RMPSIM_TRACE_KIND_BIT(kind) (1u << (unsigned)(kind))
/*
 * The record kinds a round with its stretches on (rmpsim_sim_set_trace_round_stretches)
 * gives exactly as the step path does: rounds run no process and no vCPU, and
 * hand out every target's stretch. A hook that reads no other kind keeps rounds
 * (the workload's choice; the histograms of --hist and --html read just these).
 */
#define RMPSIM_TRACE_ROUND_KINDS                                                                             \
	(RMPSIM_TRACE_KIND_BIT(RMPSIM_TRACE_MARK) | RMPSIM_TRACE_KIND_BIT(RMPSIM_TRACE_IRQOFF) |             \
	 RMPSIM_TRACE_KIND_BIT(RMPSIM_TRACE_PROC_RUN) | RMPSIM_TRACE_KIND_BIT(RMPSIM_TRACE_PROC_STOP) |      \
	 RMPSIM_TRACE_KIND_BIT(RMPSIM_TRACE_VCPU))
/* Names are valid during the hook call only (a plugin's strings go with it). */
struct rmpsim_trace_ipi_send {
	const unsigned long *mask; /* the targets (sender excluded), ncpus bits; NULL: one */
	unsigned single;	   /* the one target when mask is NULL */
	const char *callback;	   /* the function the targets run, or NULL */
	const char *callsite;	   /* the function that asked for the call, or NULL */
};
struct rmpsim_trace_work {
	const char *function;  /* the work function, or NULL */
	const char *workqueue; /* the queue's name */
	int req_cpu;	       /* the CPU asked for (NR_CPUS: any, WORK_CPU_UNBOUND) */
	int cpu;	       /* the pool's CPU, -1 for an unbound pool */
};
#define RMPSIM_TRACE_RMPOPT_KIND(id)   ((unsigned)((id) >> 62))
#define RMPSIM_TRACE_RMPOPT_FREE(id)   ((bool)((id) >> 61 & 1))
#define RMPSIM_TRACE_RMPOPT_REGION(id) ((uint64_t)((id) >> 40 & 0x1fffffu))
#define RMPSIM_TRACE_RMPOPT_OFFSET(id) ((uint64_t)((id)&0xffffffffffull))
#define RMPSIM_TRACE_RMPOPT_LINES(a)   ((uint64_t)((a) >> 40))
#define RMPSIM_TRACE_RMPOPT_PS(a)      ((uint64_t)((a)&0xffffffffffull))
struct rmpsim_trace_rec {
	uint64_t time_ps;
	enum rmpsim_trace_kind kind;
	unsigned cpu;
	uint64_t id, a;
	const void *data; /* observer-only kinds: their struct; else NULL */
};
typedef void (*rmpsim_trace_fn)(void *ctx, const struct rmpsim_trace_rec *rec);
void rmpsim_sim_set_trace_hook(struct rmpsim_sim *sim, rmpsim_trace_fn fn, void *ctx);
/* An observer-only record at now, to the hook if there is one (not hashed). */
void rmpsim_sim_observe(struct rmpsim_sim *sim, enum rmpsim_trace_kind kind, unsigned cpu, uint64_t id,
			uint64_t a, const void *data);
/* Names for the next IPI send's observer record (the shim's callback and
 * caller; static strings); the send clears them. */
void rmpsim_sim_ipi_names(struct rmpsim_sim *sim, const char *callback, const char *callsite);

#ifdef __cplusplus
}
#endif
#endif
