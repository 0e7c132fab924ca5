/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the built-in RMPOPT policies (kernel style).
 *
 * In Linux the RMPOPT state is file-scope static in arch/x86/virt/svm/sev.c.
 * Here each policy file (src/host/policy_*.c) holds its own as a file static
 * struct rmpopt_state and passes it to these helpers, which keep none of
 * their own. Only one policy is active at a time: the one whose setup ran
 * (snp_rmpopt_active_ops()).
 */
#ifndef _HOST_RMPOPT_H
#define _HOST_RMPOPT_H

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "rmpsim/policy.h"

/* spec 1.2: RCX values of RMPOPT */
enum rmpopt_function {
	RMPOPT_FUNC_VERIFY_AND_REPORT_STATUS,
	RMPOPT_FUNC_REPORT_STATUS,
};

/* spec 1.8: re-optimisation runs 10 s after the trigger */
#define RMPOPT_WORK_TIMEOUT	10000	/* ms */

/* spec 1.3: the per-core tables cover at most 2 TB from RMPOPT_BASE */
#define RMPOPT_MAX_COVERAGE	SZ_2T
#define RMPOPT_MAX_REGIONS	(RMPOPT_MAX_COVERAGE / SZ_1G)

/* spec 1.3: RMPOPT_BASE bit 0 */
#define RMPOPT_BASE_ENABLE	BIT_ULL(0)

/* Which CPUs a policy's setup puts in its cpumask (and programs). */
enum rmpopt_mask_kind {
	RMPOPT_MASK_PRIMARY,	/* v4..v10: online primary threads, one per core */
	RMPOPT_MASK_ONLINE,	/* v2: every online CPU */
};

/*
 * What the patch keeps as file statics of sev.c: each policy file defines
 * its own, static ("static struct rmpopt_state rmpopt_st;"), and hands it to
 * the helpers below; no policy sees another's.
 */
struct rmpopt_state {
	cpumask_var_t cpumask;		/* the CPUs programmed, built at setup */
	phys_addr_t pa_start, pa_end;	/* the window, 1 GB aligned */
	struct workqueue_struct *wq;
	struct delayed_work delayed_work;
	struct mutex wq_mutex;
	/* v1's rmpopt_in_progress: 1 while a pass is queued or running (spec 1.10). */
	atomic_t in_progress;
};

/* A boot starts from the statics' boot values (the file's RMPSIM_KERNEL_RESET). */
void rmpopt_state_reset(struct rmpopt_state *st);

/* sev.c: RMPOPT can be enabled (segmented RMP, set by snp_prepare, A90). */
bool snp_rmpopt_capable(void);
/* sev.c: the policy whose setup succeeded, until snp_shutdown; or NULL. */
const struct rmpsim_policy_ops *snp_rmpopt_active_ops(void);

/* RMPOPT function 0 on the current CPU; returns CF (ignored by callers). */
bool rmpopt(u64 pa);
/* rmpopt(pa) for pa = pa_start, pa_start + 1 GB, ... below pa_end, as one
 * simulator call (__rmpopt_range; docs/kshim.md "Simulator helpers"). */
void rmpopt_range(u64 pa_start, u64 pa_end);
/* IPI callback: info is the SPA. */
void rmpopt_smp(void *info);
/* The leader loop: function 0 on this CPU over the window, cond_resched. */
void rmpopt_leader_loop(const struct rmpopt_state *st);
/* The v10 follower loop: one on_each_cpu_mask per region. */
void rmpopt_follower_loop(const struct rmpopt_state *st, const struct cpumask *followers);

/*
 * spec 1.7 steps 1-2, shared by the passes that log the whole window: the
 * pass_start tracepoint, the "Attempt RMP optimizations" line and the
 * follower mask. If the mask cannot be allocated: warn, end the pass and
 * return false.
 */
bool rmpopt_pass_begin(struct rmpopt_state *st, cpumask_var_t *followers);
/*
 * spec 1.7 steps 3-4: lead on the current CPU, pinned (migrate_disable), and
 * set followers = the state's cpumask minus this CPU's core (whether it runs
 * on the primary or the secondary thread). leader_loop(arg) is the loop the
 * leader runs; returns the leader CPU, after the leader_done tracepoint.
 */
int rmpopt_lead_here(const struct rmpopt_state *st, struct cpumask *followers,
		     void (*leader_loop)(void *), void *arg);

/*
 * snp_setup_rmpopt() without its policy-specific parts: capability checks,
 * the cpumask, the window, RMPOPT_BASE, the workqueue with fn as its delayed
 * work (fn_name: as written, for the workqueue trace), and the first pass
 * queued with delay 0. rmpopt_setup() passes the name.
 */
int rmpopt_setup_common(struct rmpopt_state *st, work_func_t fn, const char *fn_name,
			enum rmpopt_mask_kind kind);
#define rmpopt_setup(st, fn, kind) rmpopt_setup_common((st), (fn), #fn, (kind))
/* rmpopt_cleanup(): cancel (waiting), destroy, RMPOPT_BASE = 0, free. */
void rmpopt_cleanup_common(struct rmpopt_state *st);
/* Triggers: v8..v10 mod_delayed_work, v3..v7 queue_delayed_work, v1/v2 wake-now. */
void rmpopt_trigger_mod_delayed(struct rmpopt_state *st);
void rmpopt_trigger_queue_delayed(struct rmpopt_state *st);
void rmpopt_trigger_now(struct rmpopt_state *st);
/* End of every built-in pass: tracepoint, in-progress flag cleared. */
void rmpopt_pass_finish(struct rmpopt_state *st);

/*
 * The v1 configfs 'action' (spec 1.10) on the state of the built-in policy
 * set up last (none: -ENODEV / false): request a pass at once unless one is
 * queued or running, and whether one is.
 */
int rmpopt_request_pass(void);
bool rmpopt_pass_in_progress(void);

/* The debugfs view (spec 1.11) of a state's window, snprintf-style. */
int rmpopt_table_show(const struct rmpopt_state *st, char *buf, size_t size);

/* The work handlers, visible so tests can run them on a chosen CPU. */
void rmpopt_v10_work_handler(struct work_struct *work);
void rmpopt_naive_work_handler(struct work_struct *work);
void rmpopt_three_case_work_handler(struct work_struct *work);
void rmpopt_percpu_work_handler(struct work_struct *work);
void rmpopt_targeted_work_handler(struct work_struct *work);

/* targeted: regions waiting for RMPOPT (test view). */
unsigned long rmpopt_targeted_pending(void);


/* The built-in policies. */
extern const struct rmpsim_policy_ops rmpsim_policy_v10;
extern const struct rmpsim_policy_ops rmpsim_policy_naive;
extern const struct rmpsim_policy_ops rmpsim_policy_queue_delayed;
extern const struct rmpsim_policy_ops rmpsim_policy_three_case;
extern const struct rmpsim_policy_ops rmpsim_policy_percpu;
extern const struct rmpsim_policy_ops rmpsim_policy_targeted;

#endif /* _HOST_RMPOPT_H */
