/* SPDX-License-Identifier: MIT */
/*
 * Sleeping mutexes for simulated tasks: a contended mutex_lock() blocks the
 * task (its CPU is free for others) until the owner unlocks; waiters get the
 * lock in FIFO order. Each lock/unlock pair costs the profile's mutex time.
 */
#ifndef _LINUX_MUTEX_H
#define _LINUX_MUTEX_H

#include <linux/cleanup.h>
#include <linux/types.h>

struct rmpsim__k_waiter; /* private: nodes on the waiters' stacks */

struct mutex {
	const char *name;
	void *owner;					/* the owning task, NULL when free */
	struct rmpsim__k_waiter *wait_head, *wait_tail; /* FIFO of blocked tasks */
	unsigned long epoch; /* the boot this state belongs to; older state reads as unlocked */
};

#define __MUTEX_INITIALIZER(lockname)                                                                        \
	{                                                                                                    \
		.name = #lockname                                                                            \
	}
#define DEFINE_MUTEX(mutexname) struct mutex mutexname = __MUTEX_INITIALIZER(mutexname)

void rmpsim__k_mutex_init(struct mutex *lock, const char *name);
void mutex_lock(struct mutex *lock);
int mutex_lock_interruptible(struct mutex *lock);
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
bool mutex_is_locked(struct mutex *lock);
void mutex_destroy(struct mutex *lock);
#define mutex_init(lock) rmpsim__k_mutex_init((lock), #lock)
void rmpsim__k_lockdep_assert_held(struct mutex *lock, const char *file, int line);
#define lockdep_assert_held(l) rmpsim__k_lockdep_assert_held((l), __FILE__, __LINE__)

DEFINE_GUARD(mutex, struct mutex *, mutex_lock(_T), mutex_unlock(_T))

#endif
