/* SPDX-License-Identifier: MIT */
/* The simulation's private state, shared by the files of src/sim. */
#ifndef RMPSIM_SIM_INTERNAL_H
#define RMPSIM_SIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/sim.h>

#include "base/rng.h"
#include "base/slab.h"
#include "fiber.h"
#include "heap.h"
#include "home_queue.h"

#define RMPSIM__CONTAINER(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

enum rmpsim__ev_kind {
	EV_TIMER = 1,	/* struct rmpsim_timer */
	EV_PROC_RESUME, /* proc.resume_ev: compute finished, switch into the process */
	EV_PROC_WAKE,	/* proc.wake_ev: sleep finished, make runnable */
	EV_IPI_DELIVER, /* csd.ev: IPI reaches the target */
	EV_IPI_END,	/* csd.ev: handler finished */
	EV_IPI_ACK,	/* proc.ack_ev: the sender sees the last acknowledgement */
	EV_IPI_CALL,	/* call.ev: the earliest step of a batched IPI call (ipi.c) */
	EV_RUN_STEP,	/* runs_ev: the earliest next verify of the handlers' ranged runs (rmpopt_run.c) */
};

/* A handler's ranged run charged in simulated-time order among the other
 * events (A300, rmpopt_run.c); its end is the handler's. */
struct rmpsim__arun;
struct rmpsim__periods;
struct rmpsim__in_stretch;
struct rmpsim__st_share;

enum rmpsim__pstate { P_RUNNABLE, P_RUNNING, P_BLOCKED, P_SLEEPING, P_DONE };

struct rmpsim_proc {
	struct rmpsim_sim *sim;
	unsigned id;
	char name[32];
	unsigned cpu; /* CPU it runs / is queued on / last ran on; CPU_ANY before the first placement */
	bool bound;
	enum rmpsim__pstate state;
	bool started;
	bool frozen;   /* RUNNING, its compute interrupted by a handler */
	bool spinning; /* RUNNING, waiting for IPI acknowledgements */
	bool wake_token;
	uint64_t remaining; /* frozen compute left */
	struct rmpsim_event resume_ev;
	struct rmpsim_event wake_ev;
	unsigned migrate_disable, preempt_disable, irq_disable;
	unsigned acks_left, ipi_targets;
	uint64_t ipi_call;
	uint64_t last_ack;	 /* latest acknowledgement time of the current call */
	uint64_t poll_ps;	 /* csd_lock_wait() over the call's targets once all are unlocked */
	bool round_done;	 /* its last call was computed as a round (ipi_round.c) */
	unsigned round_last_cpu; /* the target whose handler started last there */
	struct rmpsim_event ack_ev;
	struct rmpsim_proc *rq_next;
	struct rmpsim_proc *all_next;
	struct rmpsim__fiber fiber;
	size_t stack_size;
	rmpsim_proc_fn fn;
	void *arg;
};

/* A call-single-data record: one target of one IPI call. */
struct rmpsim__csd {
	struct rmpsim_event ev;
	struct rmpsim__csd *next; /* pending queue on the target, or free list */
	struct rmpsim__csd *all_next;
	struct rmpsim__csd *chain; /* the same call's next target, delivered after this one */
	unsigned icr;		   /* index of the ICR write that reaches it */
	uint64_t when;		   /* delivery time */
	rmpsim_ipi_fn fn;
	void *arg;
	unsigned target, sender_cpu;
	struct rmpsim_proc *waiter; /* sender waiting for the ack, or NULL */
	uint64_t call;
	uint64_t dur;
	uint64_t c2c_ps; /* sender <-> target line transfer (A132), priced once at the send */
};

/*
 * A batched IPI call (ipi.c, "Batched calls"): its deliveries and the ends of
 * the handlers those deliveries started are steps kept here, each with the
 * (time, seq) key its own event would have had; the queue holds one event for
 * the whole call, keyed by its earliest step.
 */
struct rmpsim__call {
	struct rmpsim_event ev;
	struct rmpsim__call *next; /* free list */
	struct rmpsim__call *all_next;
	struct rmpsim__csd *deliver; /* next delivery (key in its ev), or NULL */
	struct rmpsim__csd **endq;   /* handler ends, sorted by (time, seq): [eh, et) */
	size_t eh, et, cap;
};

struct rmpsim__cpu {
	unsigned core, node;
	unsigned l3, package; /* L3 group and socket: line sources and IPI distance */
	unsigned cluster;     /* x2APIC cluster (A138) */
	bool primary;
	struct rmpsim_proc *curr; /* process on the CPU (computing, spinning or running) */
	struct rmpsim_proc *last; /* last process that ran (context switch cost) */
	struct rmpsim_proc *rq_head, *rq_tail;
	unsigned rq_len;
	struct rmpsim__csd *pend_head, *pend_tail;
	struct rmpsim__csd *in_irq; /* handler running; its EV_IPI_END is queued */
	struct rmpsim__arun *arun;  /* its ranged run, while in progress (A300) */
	bool busy;
	uint64_t busy_since;
	uint64_t idle_since; /* when it last went idle (C-state depth, A136) */
	bool irqoff;
	uint64_t irqoff_since;
	char irqoff_where[32];
	/* A440: a non-SNP guest's vCPU runs here whenever the host has nothing to. */
	bool vcpu;
	uint64_t guest_left_at; /* the open stretch out of the guest began (exit included) */
	uint64_t guest_back_at; /* the last stretch's VM entry ends */
	bool out_of_guest;	/* a stretch is open */
	struct rmpsim_cpu_stats st;
};

struct rmpsim__domain {
	struct rmpsim__home_queue q; /* the RMP home node's DRAM queue (A62, A300) */
};

/* RMP lines of one region held by one L3 group (rmpopt_model.c). */
struct rmpsim__warm {
	uint64_t ready_at; /* the read that brought them in completes */
	uint64_t stamp;	   /* the group's fill counter when they were last read */
	uint32_t lines;	   /* the prefix of the region's scan lines held */
	uint32_t gen;	   /* low bits of the region's content generation */
};
/* A scan result of one region in one cache-scope domain (A45, A122). */
struct rmpsim__result {
	uint64_t start_at, ready_at, gen;
	bool valid;
};
/* What the machine said a verify of one region finds, kept while the region's
 * content generation stays (sim_machine.c): every follower of a round asks
 * the same question of the same region. */
struct rmpsim__verify_in {
	uint64_t gen;	    /* the content generation they were read at */
	int64_t first_busy; /* rmpsim_machine_rmpopt_first_busy() */
	unsigned home_node; /* rmpsim_machine_rmp_home_node() */
	bool valid;
};
struct rmpsim__rmpopt_model {
	unsigned nregions, nl3, npackages, ndom;
	struct rmpsim__verify_in *vin; /* [nregions], machine-backed sims only */
	struct rmpsim__warm **warm;    /* [nl3][nregions], each row on first use */
	uint64_t *l3_fill;	       /* [nl3]: bytes of RMP lines brought into the group */
	unsigned *node_pkg;	       /* [ndomains]: socket of each NUMA node */
	struct rmpsim__result **res;   /* [ndom][nregions], each row on first use */
	/* Where those rows come from, and the period skips' snapshots of the
	 * runs (run_period.c): memory the model fills densely once it uses it. */
	struct rmpsim__slab dense;
	uint64_t win_min, win_max;		   /* rmpsim_sim_rmpopt_window() */
	struct rmpsim_rise rise[RMPSIM_RISES_MAX]; /* rmpsim_sim_rmpopt_rises() */
	size_t nrise;
	uint64_t rise_max;
	uint64_t line_service_ps, cached_ps, report_ps, fixed_ps;
};

/*
 * A round's targets as ipi_send() orders them (round_plan.c): the same sender
 * and mask give the same deliveries relative to the send, so they are worked
 * out once. A plan also keeps the last outcome computed for it (memo): what
 * every target did, relative to the send, and the state it started from.
 */
/* One L3 group of a plan's targets in a memo: its lines of the region before
 * the round (held 0: none) and what the round left. */
struct rmpsim__round_group {
	uint64_t held, ready_off, since;
	uint64_t fill_delta, lines, ready_end_off, stamp_back;
	bool ready_moved; /* the round set when they are ready */
};
/* What every target of a round did, relative to its send, and the state it
 * started from (round_memo.c); valid: it may stand for a later round. */
struct rmpsim__round_memo {
	bool valid;
	int64_t first_busy;
	unsigned home, kind;
	uint64_t lines, cold_any;
	uint8_t *cls; /* [n] the C-state each target left: 0 none, 1 C1, 2 C2 (A136) */
	/* The sends after the last round of memo a (a: its index) at which every
	 * target leaves the C-state this memo recorded: [gap_lo[a], gap_hi[a]). */
	uint64_t gap_lo[2], gap_hi[2];
	uint64_t *ps;	/* [n] each target's RMPOPT charge */
	uint64_t *cold; /* [n] its DRAM lines */
	uint64_t *end;	/* [n] its handler's end - send */
	uint64_t *len;	/* [n] its handler's length after the C-state exit (interrupts off) */
	struct rmpsim__round_group *groups; /* [ngroups] */
	uint64_t ps_min, ps_max;
	uint64_t last_ack_off, sum_end_off, mix;
	uint64_t longest, longest_end_off;
	unsigned longest_cpu;
	uint64_t free_end_off; /* the home node's queue after the round - send */
	/* A local round (the sender in the mask, on_each_cpu_mask): the sender's
	 * own verify, at send + send_ps, between the targets' (plan local_pos). */
	bool local;
	struct rmpsim_verify_cost local_cost;
	/* Rounds taken from it not yet folded into the targets' statistics, and
	 * when the last one was sent. */
	uint64_t k, t0_last;
	/* Unique in the sim per computation of the memo: its stretches' pattern_gen (sim.h). */
	uint64_t gen;
};
#define RMPSIM__ROUND_MEMOS 2 /* a policy's rounds alternate (C2 exit or not, busy or free region) */
struct rmpsim__round_plan {
	unsigned sender, nwords;
	unsigned long *mask; /* [nwords]: the targets (self excluded) */
	size_t n, ngroups;
	unsigned *cpu;	    /* [n] targets in delivery order */
	uint64_t *when_off; /* [n] delivery - send */
	uint64_t *c2c;	    /* [n] sender <-> target line transfer (A132) */
	unsigned *slot;	    /* [ncpus]: index in cpu[], or UINT32_MAX */
	unsigned *l3;	    /* [ngroups] the targets' L3 groups */
	uint64_t send_ps, poll_ps;
	uint64_t used;			    /* LRU stamp */
	struct rmpsim_machine_cpuset *mset; /* the targets as the machine's set (ipi_round.c) */
	/* A local call's sender verifies at send + send_ps: after the first
	 * local_pos deliveries, before delivery local_pos (< n). no_local: no such
	 * place (a delivery at that very time, whose order against the sender's
	 * would depend on event keys; or none after it): no local round.
	 * sender_grouped: the sender's L3 is one of l3[] (else no local memo). */
	unsigned local_pos;
	bool no_local, sender_grouped;
	struct rmpsim_machine_cpuset *mset_local; /* the targets and the sender, in verify order */
	struct rmpsim__round_memo memo[RMPSIM__ROUND_MEMOS];
	unsigned last; /* the memo of the last round (computed or taken) */
};
#define RMPSIM__ROUND_PLANS 8

struct rmpsim_sim {
	const struct rmpsim_allocator *a;
	struct rmpsim_machine *machine;
	struct rmpsim_profile prof;
	uint64_t seed;
	struct rmpsim_rng rng;
	unsigned ncpus, ndomains;
	struct rmpsim__cpu *cpus;
	struct rmpsim__domain *domains;

	struct rmpsim__heap heap;
	size_t ev_objects; /* events that may be queued at once: the heap keeps room for all */
	uint64_t now, seq, events;
	/* The time of the event being handled: no step begins before it (home_queue.h). */
	uint64_t clock;
	uint64_t limit;	      /* of the running rmpsim_sim_run_until */
	size_t local_pending; /* steps of batched calls not standing in the queue themselves */
	uint64_t hash;
	bool stop;
	/* Run limits (rmpsim_sim_set_limits, 0 = none), checked before each event. */
	uint64_t max_time, max_events;
	rmpsim_limit_fn limit_fn;
	void *limit_ctx;
	bool limit_hit;

	struct rmpsim__fiber main_fiber;
	size_t stack_size;
	struct rmpsim_proc *procs_head, *procs_tail;
	unsigned nprocs;
	struct rmpsim_proc *dead; /* exited process whose stack is freed by the engine */

	/* Context of the code running now. */
	struct rmpsim_proc *ctx_proc;
	unsigned ctx_cpu;
	bool ctx_handler;
	uint64_t ctx_charge; /* handler: cost charged so far */
	uint64_t ctx_base;   /* handler: time its body starts */
	/* An IPI handler run by run_handler(): a ranged run at its tail may go on
	 * after the handler returns, in time order with the rest (A300). */
	bool ctx_defer;
	struct rmpsim__arun *arun_free, *arun_all; /* rmpopt_run.c */
	size_t naruns;
	const struct rmpsim__arun_ops *arun_ops; /* NULL before the first run */
	/* The runs in progress in the order of their next verify (time, seq):
	 * run_ord[run_head, run_head + run_n) of run_cap; and the event that
	 * stands for the earliest of them in the engine's queue. */
	struct rmpsim__arun **run_ord;
	size_t run_head, run_n, run_cap;
	size_t run_finger; /* where the last insert before the back went (a hint: rmpopt_run.c) */
	struct rmpsim_event runs_ev;
	/* The runs' repeating state, skipped in whole periods (run_period.c, A301). */
	struct rmpsim__periods *periods;
	/* Its per-group pilots ([run_pilot_n], NULL while none), read by the
	 * quick test before every step (rmpsim__periods_try in rmpopt_run.h). */
	const struct rmpsim__arun *const *run_pilot_g;
	unsigned run_pilot_n;
	size_t runs_at_last; /* runs in progress at their last region: none skips then */
	/* A group's runs charged ahead of the others (rmpopt_run.c look_ahead,
	 * A310): its runs while it charges them, and how often / how many. */
	struct rmpsim__arun **ahead_ord;
	size_t ahead_cap;
	uint64_t look_aheads, ahead_verifies;
	/* The last ranged run's inputs (rmpopt_run.c take_inputs): regions
	 * [memo_r0, memo_r0 + memo_n) at the generations memo_gens (a copy), in
	 * stretches. A region's inputs follow from its content generation (and
	 * the scan's granularity), so the same generations give the same
	 * stretches: the 511 followers of a percpu pass find them once. */
	uint64_t *memo_gens;
	struct rmpsim__st_share *memo_share; /* its stretches, shared with the runs that took them */
	uint64_t memo_r0, memo_n;
	int memo_scan;
	uint64_t memo_gens_id; /* rmpsim_machine_rmpopt_run_gens_id() of memo_gens (0: none) */
	bool memo_valid;
	/* A new one each time the memo's stretches change (never 0): the inputs
	 * set for them (memo_in) are valid in it. */
	uint64_t memo_epoch;
	/* The inputs a run sets for each of the memo's stretches, per socket of
	 * the reader ([memo_share->n][rm.npackages] of memo_in_cap), shared by the
	 * runs (rmpopt_run.c inputs_at). */
	struct rmpsim__memo_in *memo_in;
	size_t memo_in_cap;

	bool run_periods_off; /* rmpsim_sim_set_run_periods(false) */

	struct rmpsim__csd *csd_free, *csd_all;
	size_t csd_total;
	uint64_t ipi_calls;
	bool ipi_unbatched;	    /* rmpsim_sim_set_ipi_batching(false): one event per step */
	bool trace_detail;	    /* rmpsim_sim_set_trace_detail(): no rounds (ipi_round.c) */
	bool trace_rounds;	    /* rmpsim_sim_set_trace_rounds(): the hook takes round summaries */
	bool trace_round_stretches; /* ...and every target's IRQOFF record */
	uint64_t round_spa;	    /* the round's verify address, for ipi_send (ipi_round.c) */
	bool round_want;	    /* the next ipi_send may compute its call as a round */
	bool (*round_try)(struct rmpsim_sim *, struct rmpsim_proc *, struct rmpsim__round_plan *,
			  bool local); /* rmpsim__round_plan_try, or NULL */
	/* A local round's sender verify, computed by the round: run_local() charges
	 * it instead of calling the handler (accounted: the round already added it
	 * to the statistics, in order; else run_local does, from a memo). */
	struct rmpsim__local_replay {
		bool armed, accounted;
		struct rmpsim_verify v;
		struct rmpsim_verify_cost c;
	} local_replay;
	struct rmpsim__round_plan *plans[RMPSIM__ROUND_PLANS];			/* round_plan.c */
	void (*plan_release)(struct rmpsim_sim *, struct rmpsim__round_plan *); /* its machine set */
	uint64_t plan_clock;
	/* The plan whose targets have been untouched since its last round (round_memo.c):
	 * they are idle, and its k deferred rounds are not in their statistics yet. */
	struct rmpsim__round_plan *clean;
	uint64_t rounds, rounds_memo; /* rmpsim_sim_round_counts() */
	/* rmpsim_sim_set_round_stretch_hook (round_stretch.c): a round's stretches in one call */
	rmpsim_round_stretch_fn round_stretch_fn;
	void *round_stretch_ctx;
	bool vcpu_give_way; /* RMPSIM_VCPU_GIVE_WAY (A443) */
	struct rmpsim__call *call_free, *call_all;
	uint64_t *cl_stamp;	    /* [ncpus]: the IPI call that last wrote each x2APIC cluster's ICR */
	unsigned *cl_write;	    /* [ncpus]: that write's index in the call */
	struct rmpsim__csd **order; /* scratch: one call's CSDs sorted by delivery */
	size_t order_cap;

	struct rmpsim__rmpopt_model rm; /* the RMPOPT memory engine (rmpopt_model.c) */
	uint64_t runs;			/* ranged runs of verifies computed in one call (rmpopt_run.c) */

	struct rmpsim_mark *marks;
	size_t nmarks, marks_cap;

	uint64_t bugs;
	char last_bug[200];
	FILE *bug_log;

	rmpsim_trace_fn trace_fn;
	void *trace_ctx;
	const char *ipi_callback, *ipi_callsite; /* rmpsim_sim_ipi_names, for the next send */
	struct rmpsim_queue_stats qs;
	int err; /* first error a process hit (rmpsim_sim_run returns it) */
};

/*
 * The trace hash (docs/timing.md section 1): each record is folded in as 64-bit
 * words, h = (rotl(h, 5) ^ w) * K (the word step of rustc's FxHasher), from a
 * fixed seed. Integer arithmetic on values, never on memory: the same on every
 * machine and compiler.
 */
#define RMPSIM_TRACE_HASH_SEED 0xcbf29ce484222325ull /* the FNV-1a offset basis */
#define RMPSIM_TRACE_HASH_K    0x517cc1b727220a95ull

static inline uint64_t rmpsim__trace_hash_word(uint64_t h, uint64_t w)
{
	return (((h << 5) | (h >> 59)) ^ w) * RMPSIM_TRACE_HASH_K;
}

static inline uint64_t rmpsim__trace_hash_rec(uint64_t h, uint64_t time, uint64_t kind_cpu, uint64_t id,
					      uint64_t a)
{
	h = rmpsim__trace_hash_word(h, time);
	h = rmpsim__trace_hash_word(h, kind_cpu);
	h = rmpsim__trace_hash_word(h, id);
	return rmpsim__trace_hash_word(h, a);
}

/* A NUL-terminated string: its bytes 8 to a word, little-endian by value, then its length. */
static inline uint64_t rmpsim__trace_hash_str(uint64_t h, const char *str)
{
	uint64_t w = 0, n = 0;
	for (; str[n]; n++) {
		w |= (uint64_t)(unsigned char)str[n] << (8 * (n % 8));
		if (n % 8 == 7) {
			h = rmpsim__trace_hash_word(h, w);
			w = 0;
		}
	}
	if (n % 8)
		h = rmpsim__trace_hash_word(h, w);
	return rmpsim__trace_hash_word(h, n);
}

/* sim.c */
int rmpsim__sim_init(struct rmpsim_sim *s, const struct rmpsim_allocator *a, unsigned ncpus,
		     unsigned ndomains, const struct rmpsim_profile *p, uint64_t seed);
void rmpsim__ev_queue(struct rmpsim_sim *s, struct rmpsim_event *ev, unsigned kind, uint64_t when);

void rmpsim__ev_cancel(struct rmpsim_sim *s, struct rmpsim_event *ev);
int rmpsim__ev_objects_add(struct rmpsim_sim *s, size_t n);
void rmpsim__trace_hook(struct rmpsim_sim *s, enum rmpsim_trace_kind kind, unsigned cpu, uint64_t id,
			uint64_t a);

/* The observer record of an IPI send (not hashed); mask: the caller's, self excluded by
 * the reader. Clears the names of rmpsim_sim_ipi_names. */
void rmpsim__observe_ipi_send(struct rmpsim_sim *s, unsigned self, uint64_t call, unsigned ntargets,
			      const unsigned long *mask, unsigned single);

/* Record a step: into the trace hash and to the hook. */
static inline void rmpsim__trace(struct rmpsim_sim *s, enum rmpsim_trace_kind kind, unsigned cpu, uint64_t id,
				 uint64_t a)
{
	/* The hash covers every record (the event and what it did), except the
	 * interrupts-off and vCPU-stretch summaries, which follow from the
	 * records around them, and the per-verify records, which only restate what was charged. */
	if (kind != RMPSIM_TRACE_IRQOFF && kind != RMPSIM_TRACE_RMPOPT && kind != RMPSIM_TRACE_VCPU)
		s->hash = rmpsim__trace_hash_rec(s->hash, s->now, (uint64_t)kind << 32 | cpu, id, a);
	if (s->trace_fn)
		rmpsim__trace_hook(s, kind, cpu, id, a);
}

/* Count one insert (a queued event, or a step of a batched IPI call). */
static inline void rmpsim__qs_insert(struct rmpsim_sim *s, uint64_t d)
{
	size_t n = s->heap.n + s->local_pending;
	s->qs.inserts++;
	s->qs.delay_log2[d ? 64 - __builtin_clzll(d) : 0]++;
	if (n > s->qs.max_pending)
		s->qs.max_pending = n;
}
void rmpsim__bug(struct rmpsim_sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A138: a CPU's x2APIC cluster: its ID is core << (thread bits) | thread,
 * and a cluster is 16 consecutive IDs. */
static inline unsigned rmpsim__x2apic_cluster(unsigned core, unsigned thread, unsigned threads_per_core)
{
	unsigned bits = 0;
	while ((1u << bits) < threads_per_core)
		bits++;
	return ((core << bits) | thread) >> 4;
}

#define RMPSIM__BITS_PER_LONG (sizeof(unsigned long) * 8)
/* Word w of an IPI's targets: mask's bits below ncpus, self excluded. */
static inline unsigned long rmpsim__mask_word(unsigned ncpus, const unsigned long *mask, unsigned w,
					      unsigned self)
{
	unsigned long x = mask[w];
	unsigned rest = ncpus - w * (unsigned)RMPSIM__BITS_PER_LONG;
	if (rest < RMPSIM__BITS_PER_LONG)
		x &= (1ul << rest) - 1;
	if (self / RMPSIM__BITS_PER_LONG == w)
		x &= ~(1ul << (self % RMPSIM__BITS_PER_LONG));
	return x;
}
/* ipi.c: the ICR write that reaches cpu, and the time from the first write's
 * start to the interrupt's arrival (docs/timing.md 3). */
unsigned rmpsim__ipi_icr(struct rmpsim_sim *s, unsigned cpu, uint64_t stamp, bool shorthand,
			 unsigned *writes);
uint64_t rmpsim__ipi_arrival_ps(const struct rmpsim_sim *s, unsigned self, unsigned cpu, unsigned icr);

/* round_plan.c / round_memo.c (docs/timing.md "Rounds": plans and memos) */
struct rmpsim__round_plan *rmpsim__plan_get(struct rmpsim_sim *s, unsigned self, const unsigned long *mask,
					    unsigned m);
void rmpsim__plans_free(struct rmpsim_sim *s);
/* Fold the clean plan's deferred rounds into its targets' statistics; the plan
 * stays clean. */
void rmpsim__round_fold(struct rmpsim_sim *s);
/* Something is about to change or read cpu's state: fold and forget the clean
 * plan if cpu is one of its targets. */
void rmpsim__round_touch_slow(struct rmpsim_sim *s, unsigned cpu);
static inline void rmpsim__cpu_touch(struct rmpsim_sim *s, const struct rmpsim__cpu *c)
{
	if (s->clean)
		rmpsim__round_touch_slow(s, (unsigned)(c - s->cpus));
}
/* A deferred round's share of cpu's statistics (added by readers). */
void rmpsim__round_pending(const struct rmpsim_sim *s, unsigned cpu, struct rmpsim_cpu_stats *st);
/* ipi.c: a round's call begins (its number, the observer, the sender's wait). */
uint64_t rmpsim__ipi_round_begin(struct rmpsim_sim *s, struct rmpsim_proc *p, const unsigned long *mask,
				 unsigned m);
/* ipi_round.c: compute a round of plan pl, sent by p at now (local: the
 * sender runs the handler too, after its send); false:
 * nothing done (not allowed, or the machine refused). Reached through
 * s->round_try, which only machine-backed sims set (rmpsim_sim_create), so that
 * machine-less users do not link the machine layer. */
bool rmpsim__round_plan_try(struct rmpsim_sim *s, struct rmpsim_proc *p, struct rmpsim__round_plan *pl,
			    bool local);
/* rmpopt_model.c: charge a verify the round computed (s->local_replay) in the
 * current handler context, as rmpsim_sim_charge_verify() would have. */
void rmpsim__verify_replay(struct rmpsim_sim *s, const struct rmpsim_verify *v,
			   const struct rmpsim_verify_cost *c, bool accounted);
void rmpsim__round_plan_release(struct rmpsim_sim *s, struct rmpsim__round_plan *pl);

/* round_stretch.c: a round sent at t0 hands its n stretches (targets' CPUs, handler
 * ends - t0, lengths, in delivery order) to s->round_stretch_fn in one call. */
void rmpsim__round_stretch_emit(struct rmpsim_sim *s, uint64_t t0, size_t n, const unsigned *cpu,
				const uint64_t *end_off, const uint64_t *len);
/* ... with the identity of the stretches (sim.h rmpsim_round_stretches.pattern). */
void rmpsim__round_stretch_emit_pattern(struct rmpsim_sim *s, uint64_t t0, size_t n, const unsigned *cpu,
					const uint64_t *end_off, const uint64_t *len, const void *pattern,
					uint64_t gen);

/* sim_machine.c: what a verify of spa's region finds (the machine's answers,
 * kept per region while its content generation stays). */
void rmpsim__verify_inputs(struct rmpsim_sim *s, uint64_t spa, struct rmpsim_verify *ret);

/* rmpopt_model.c */
int rmpsim__rmpopt_model_init(struct rmpsim_sim *s, unsigned nregions, unsigned nl3, unsigned npackages);
void rmpsim__rmpopt_model_fini(struct rmpsim_sim *s);
/* Charge a non-verify RMPOPT (A64); count it under kind when count. */
void rmpsim__charge_report(struct rmpsim_sim *s, unsigned kind, bool count);
/* Group g's lines of a region: the record if its row exists; one made on first
 * use (NULL when out of memory); the lines it holds or is bringing in (A124). */
const struct rmpsim__warm *rmpsim__warm_peek(const struct rmpsim_sim *s, unsigned g, uint64_t region);
struct rmpsim__warm *rmpsim__warm_get(struct rmpsim_sim *s, unsigned g, uint64_t region);
uint64_t rmpsim__warm_held(const struct rmpsim_sim *s, const struct rmpsim__warm *w, unsigned g,
			   uint32_t gen);
/* Core-to-core line transfer between two CPUs (A132). */
uint64_t rmpsim__c2c_ps(const struct rmpsim_sim *s, unsigned a, unsigned b);

/*
 * A136: what leaving idle costs a CPU idle since c->idle_since: nothing when
 * it polled (idle shorter than C1's target residency, twice its exit latency,
 * the acpi_idle rule), C1's exit, or C2's once idle at least deep_idle_after.
 */
static inline unsigned rmpsim__cstate_after(const struct rmpsim_profile *p, uint64_t idle)
{
	return idle >= p->deep_idle_after_ps ? 2 : idle >= 2 * p->idle_exit_ps;
}
static inline uint64_t rmpsim__cstate_exit_ps(const struct rmpsim_profile *p, unsigned cstate)
{
	return cstate == 2 ? p->deep_idle_exit_ps : cstate == 1 ? p->idle_exit_ps : 0;
}
static inline uint64_t rmpsim__idle_exit_ps(const struct rmpsim_sim *s, const struct rmpsim__cpu *c)
{
	if (c->vcpu)
		return s->prof.vm_exit_ps; /* A441: in guest mode, not in a C-state */
	return rmpsim__cstate_exit_ps(&s->prof, rmpsim__cstate_after(&s->prof, s->now - c->idle_since));
}

/*
 * vcpu.c (A440-A442): a CPU that runs a co-tenant vCPU is in guest mode while
 * the host has nothing to run there. The host's interrupt or process takes it
 * out: a #VMEXIT (vm_exit, in place of the C-state exit of
 * rmpsim__idle_exit_ps), the host work, then KVM's VM entry (vm_entry), counted
 * into the stretch when the host goes idle again but not simulated as busy
 * time (the CSD was unlocked before it). Call rmpsim__vcpu_leave() where an
 * idle CPU becomes busy, rmpsim__vcpu_return() where it goes idle.
 */
static inline void rmpsim__vcpu_leave(struct rmpsim_sim *s, struct rmpsim__cpu *c)
{
	if (!c->vcpu)
		return;
	c->st.vcpu_exits++;
	c->out_of_guest = true;
	/* A442: an interrupt during the previous VM entry starts its stretch
	 * when that entry ends: no time is counted twice. */
	c->guest_left_at = s->now > c->guest_back_at ? s->now : c->guest_back_at;
}
void rmpsim__vcpu_stretch_end(struct rmpsim_sim *s, struct rmpsim__cpu *c);
static inline void rmpsim__vcpu_return(struct rmpsim_sim *s, struct rmpsim__cpu *c)
{
	if (c->vcpu)
		rmpsim__vcpu_stretch_end(s, c);
}

/* sched.c */
void rmpsim__sched_dispatch(struct rmpsim_sim *s, struct rmpsim_event *ev);
void rmpsim__proc_compute(struct rmpsim_sim *s, struct rmpsim_proc *p, uint64_t ps);
void rmpsim__proc_run_compute(struct rmpsim_sim *s, struct rmpsim_proc *p, uint64_t ps);
void rmpsim__proc_switch_out(struct rmpsim_sim *s, struct rmpsim_proc *p, bool exiting);
void rmpsim__cpu_update(struct rmpsim_sim *s, struct rmpsim__cpu *c);
void rmpsim__cpu_freeze(struct rmpsim_sim *s, struct rmpsim__cpu *c);
void rmpsim__cpu_irq_done(struct rmpsim_sim *s, struct rmpsim__cpu *c);

/* ipi.c */
void rmpsim__cpu_try_irq(struct rmpsim_sim *s, unsigned cpu);
void rmpsim__procs_free(struct rmpsim_sim *s);
void rmpsim__ipi_dispatch(struct rmpsim_sim *s, struct rmpsim_event *ev);
void rmpsim__csds_free(struct rmpsim_sim *s);
void rmpsim__calls_free(struct rmpsim_sim *s);
void rmpsim__call_dispatch(struct rmpsim_sim *s, struct rmpsim_event *ev);
/* ipi.c: handler d on cpu, run at began, ends at end (its C-state exit was
 * wake): the handler's statistics and its EV_IPI_END, as when it returned (A300). */
void rmpsim__handler_finish(struct rmpsim_sim *s, unsigned cpu, struct rmpsim__csd *d, uint64_t wake,
			    uint64_t began, uint64_t end);
/* rmpopt_run.c (A300): a handler's ranged run goes on after it returns when it
 * was the handler's last act (bind: true, the handler's end is the run's);
 * anything the handler does after the run first settles it (computes it
 * whole, there and then). Through s->arun_ops, set by the first run, so that
 * machine-less users of the engine do not link the machine. */
struct rmpsim__arun_ops {
	void (*dispatch)(struct rmpsim_sim *s, struct rmpsim_event *ev);
	bool (*bind)(struct rmpsim_sim *s, unsigned cpu, struct rmpsim__csd *d, uint64_t wake);
	void (*settle)(struct rmpsim_sim *s);
	void (*free_all)(struct rmpsim_sim *s);
};
/* The code context (s->ctx_*), saved around code run as another CPU's
 * handler (a handler, a round's targets, a run's verifies) and put back. */
struct rmpsim__ctx {
	struct rmpsim_proc *proc;
	unsigned cpu;
	bool handler, defer;
	uint64_t charge, base;
};
static inline struct rmpsim__ctx rmpsim__ctx_save(const struct rmpsim_sim *s)
{
	return (struct rmpsim__ctx){ s->ctx_proc,  s->ctx_cpu,	  s->ctx_handler,
				     s->ctx_defer, s->ctx_charge, s->ctx_base };
}
static inline void rmpsim__ctx_restore(struct rmpsim_sim *s, const struct rmpsim__ctx *c)
{
	s->ctx_proc = c->proc;
	s->ctx_cpu = c->cpu;
	s->ctx_handler = c->handler;
	s->ctx_defer = c->defer;
	s->ctx_charge = c->charge;
	s->ctx_base = c->base;
}

/* The home node whose queue a verify of home node `node` uses: itself, or
 * node 0 when the machine named one past the sim's domains. */
static inline unsigned rmpsim__home_of(const struct rmpsim_sim *s, unsigned node)
{
	return node < s->ndomains ? node : 0;
}

static inline void rmpsim__arun_settle(struct rmpsim_sim *s)
{
	if (s->ctx_defer && s->cpus[s->ctx_cpu].arun)
		s->arun_ops->settle(s);
}

#endif
