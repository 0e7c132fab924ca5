/* SPDX-License-Identifier: MIT */
/*
 * State and helpers shared by the built-in RMPOPT policies (kernel style).
 *
 * In Linux all of this is file-scope static in arch/x86/virt/svm/sev.c. Here
 * several policies (src/host/policy_*.c) share it, so it is declared once and
 * defined in rmpopt_common.c. Only one policy is active at a time: the one
 * whose setup ran (rmpopt_active_ops).
 */
#ifndef _HOST_RMPOPT_H
#define _HOST_RMPOPT_H

#include <linux/atomic.h>
#include <linux/cpumask.h>
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

/* Which CPUs a policy's setup puts in rmpopt_cpumask (and programs). */
enum rmpopt_mask_kind {
	RMPOPT_MASK_PRIMARY,	/* v4..v10: online primary threads, one per core */
	RMPOPT_MASK_ONLINE,	/* v2: every online CPU */
};

extern bool rmpopt_capable;
extern cpumask_var_t rmpopt_cpumask;
extern phys_addr_t rmpopt_pa_start, rmpopt_pa_end;
extern struct workqueue_struct *rmpopt_wq;
extern struct delayed_work rmpopt_delayed_work;
extern struct mutex rmpopt_wq_mutex;
/* v1's rmpopt_in_progress: 1 while a pass is queued or running (spec 1.10). */
extern atomic_t rmpopt_in_progress;
/* atomic_cmpxchg(&rmpopt_in_progress, 0, 1) == 0: true when it was 0. */
bool rmpopt_claim_progress(void);
extern const struct rmpsim_policy_ops *rmpopt_active_ops;

/* RMPOPT function 0 on the current CPU; returns CF (ignored by callers). */
bool rmpopt(u64 pa);
/* IPI callback: info is the SPA. */
void rmpopt_smp(void *info);
/* The leader loop: function 0 on this CPU over [start, end), cond_resched. */
void rmpopt_leader_loop(void);
/* The v10 follower loop: one on_each_cpu_mask per region. */
void rmpopt_follower_loop(const struct cpumask *followers);

/*
 * spec 1.7 steps 1-2, shared by the passes that log the whole window: the
 * pass_start tracepoint, the "Attempt RMP optimizations" line and the
 * follower mask. If the mask cannot be allocated: warn, end the pass and
 * return false.
 */
bool rmpopt_pass_begin(cpumask_var_t *followers);
/*
 * spec 1.7 steps 3-4: lead on the current CPU, pinned (migrate_disable), and
 * set followers = rmpopt_cpumask minus this CPU's core (whether it runs on
 * the primary or the secondary thread). leader_loop(arg) is the loop the
 * leader runs; returns the leader CPU, after the leader_done tracepoint.
 */
int rmpopt_lead_here(struct cpumask *followers, void (*leader_loop)(void *),
		     void *arg);

/*
 * snp_setup_rmpopt() without its policy-specific parts: capability checks,
 * the cpumask, the window, RMPOPT_BASE, the workqueue with fn as its delayed
 * work, and the first pass queued with delay 0.
 */
int rmpopt_setup_common(work_func_t fn, enum rmpopt_mask_kind kind);
/* rmpopt_cleanup(): cancel (waiting), destroy, RMPOPT_BASE = 0, free. */
void rmpopt_cleanup_common(void);
/* Triggers: v8..v10 mod_delayed_work, v3..v7 queue_delayed_work, v1/v2 wake-now. */
void rmpopt_trigger_mod_delayed(void);
void rmpopt_trigger_queue_delayed(void);
void rmpopt_trigger_now(void);
/* End of every built-in pass: tracepoint, in-progress flag cleared. */
void rmpopt_pass_finish(void);

/* The work handlers, visible so tests can run them on a chosen CPU. */
void rmpopt_v10_work_handler(struct work_struct *work);
void rmpopt_naive_work_handler(struct work_struct *work);
void rmpopt_three_case_work_handler(struct work_struct *work);
void rmpopt_percpu_work_handler(struct work_struct *work);
void rmpopt_targeted_work_handler(struct work_struct *work);

/* targeted: regions waiting for RMPOPT (test view). */
unsigned long rmpopt_targeted_pending(void);

/* The debugfs view (spec 1.11), snprintf-style. */
int rmpopt_table_show(char *buf, size_t size);

/* The built-in policies. */
extern const struct rmpsim_policy_ops rmpsim_policy_v10;
extern const struct rmpsim_policy_ops rmpsim_policy_naive;
extern const struct rmpsim_policy_ops rmpsim_policy_queue_delayed;
extern const struct rmpsim_policy_ops rmpsim_policy_three_case;
extern const struct rmpsim_policy_ops rmpsim_policy_percpu;
extern const struct rmpsim_policy_ops rmpsim_policy_targeted;

#endif /* _HOST_RMPOPT_H */
