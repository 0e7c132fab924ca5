/* SPDX-License-Identifier: MIT */
/*
 * RCU basics (non-preemptible RCU): rcu_read_lock() disables preemption, so a
 * reader may not sleep; synchronize_rcu() sleeps for a grace period, and
 * call_rcu()/kfree_rcu() run their callback after one, in engine context. A
 * grace period ends at the next jiffy tick after it starts (A229): every CPU
 * passes a quiescent state at its tick. rcu_assign_pointer() is a release
 * store, rcu_dereference() an acquire load.
 */
#ifndef _LINUX_RCUPDATE_H
#define _LINUX_RCUPDATE_H

#include <linux/container_of.h>
#include <linux/preempt.h>
#include <linux/types.h>
#include <linux/workqueue.h> /* struct rmpsim__k_timer_storage */

struct rcu_head {
	void (*func)(struct rcu_head *head);
	/* private to the shim */
	struct rmpsim__k_timer_storage st;
	size_t kfree_offset; /* kfree_rcu: where the head sits in the object */
};

#define rcu_read_lock()			preempt_disable()
#define rcu_read_unlock()		preempt_enable()
#define rcu_read_lock_held()		(preempt_count() != 0)
#define rcu_assign_pointer(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define rcu_dereference(p)		__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_dereference_protected(p, c) (p)
#define rcu_access_pointer(p)		__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define RCU_INIT_POINTER(p, v)		((p) = (v))

void synchronize_rcu(void);
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
void rcu_barrier(void);
void rmpsim__k_kfree_rcu(struct rcu_head *head, size_t offset);
#define kfree_rcu(ptr, rhf) rmpsim__k_kfree_rcu(&(ptr)->rhf, offsetof(__typeof__(*(ptr)), rhf))

#endif
