/* SPDX-License-Identifier: MIT */
/*
 * Sleeping mutexes. The owner is the sim process; waiters queue FIFO and the
 * unlock hands the mutex to the first one (no lock stealing: deterministic).
 * A mutex whose epoch is not the current boot's is treated as freshly
 * initialised, so a static DEFINE_MUTEX left locked by an earlier run (an
 * oops) does not leak into the next.
 */
#include "kshim.h"

#include <linux/mutex.h>
#include <linux/bug.h>
#include <linux/sched.h>

static void fresh(struct rmpsim_kernel *k, struct mutex *m)
{
	if (m->epoch != k->epoch) {
		m->owner = NULL;
		m->wait_head = m->wait_tail = NULL;
		m->epoch = k->epoch;
	}
}

void rmpsim__k_mutex_init(struct mutex *lock, const char *name)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	lock->name = name;
	lock->owner = NULL;
	lock->wait_head = lock->wait_tail = NULL;
	lock->epoch = k->epoch;
}

void mutex_lock(struct mutex *lock)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_proc *me = rmpsim_sim_current(k->sim);

	fresh(k, lock);
	might_sleep();
	if (!me || rmpsim_sim_in_handler(k->sim)) {
		rmpsim__k_report_bug("BUG: mutex_lock(%s) outside process context", lock->name);
		return;
	}
	if (lock->owner == me) {
		rmpsim__k_report_bug("BUG: recursive mutex_lock(%s): deadlock", lock->name);
		return;
	}
	/* The uncontended lock + unlock pair costs profile.mutex_ps (charged here). */
	rmpsim_sim_compute(k->sim, rmpsim_sim_profile(k->sim)->mutex_ps);
	if (!lock->owner) {
		lock->owner = me;
		return;
	}
	/* Queue FIFO and block until unlock hands the mutex over. As in the
	 * kernel, the waiter lives on the blocked task's stack: unlock unlinks
	 * it before setting granted, so the list never holds it after we
	 * return. GCC cannot see the hand-over and warns (-Wdangling-pointer). */
	struct rmpsim__k_waiter w = { .next = NULL, .proc = me, .granted = false };
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
	if (lock->wait_tail)
		lock->wait_tail->next = &w;
	else
		lock->wait_head = &w;
	lock->wait_tail = &w;
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif
	while (!w.granted)
		rmpsim_sim_block(k->sim);
}

int mutex_lock_interruptible(struct mutex *lock)
{
	mutex_lock(lock);
	return 0;
}

int mutex_trylock(struct mutex *lock)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_proc *me = rmpsim_sim_current(k->sim);

	fresh(k, lock);
	if (lock->owner || !me)
		return 0;
	rmpsim_sim_compute(k->sim, rmpsim_sim_profile(k->sim)->mutex_ps);
	lock->owner = me;
	return 1;
}

void mutex_unlock(struct mutex *lock)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_proc *me = rmpsim_sim_current(k->sim);

	fresh(k, lock);
	if (lock->owner != me) {
		rmpsim__k_report_bug("BUG: mutex_unlock(%s) by a task that does not own it", lock->name);
		return;
	}
	struct rmpsim__k_waiter *w = lock->wait_head;
	if (!w) {
		lock->owner = NULL;
		return;
	}
	lock->wait_head = w->next;
	if (!lock->wait_head)
		lock->wait_tail = NULL;
	lock->owner = w->proc;
	w->granted = true;
	rmpsim_sim_wake(k->sim, w->proc);
}

bool mutex_is_locked(struct mutex *lock)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh(k, lock);
	return lock->owner != NULL;
}

void mutex_destroy(struct mutex *lock)
{
	if (mutex_is_locked(lock))
		rmpsim__k_report_bug("BUG: mutex_destroy(%s) while locked", lock->name);
}

void rmpsim__k_lockdep_assert_held(struct mutex *lock, const char *file, int line)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh(k, lock);
	if (lock->owner != rmpsim_sim_current(k->sim))
		rmpsim__k_warn(file, line, "lockdep_assert_held", "%s not held\n", lock->name);
}
