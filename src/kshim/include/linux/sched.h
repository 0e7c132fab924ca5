/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/preempt.h>
#include <linux/types.h>

/*
 * A scheduling point: costs the profile's cond_resched time; an unbound task
 * that is not migrate-disabled may continue on another CPU afterwards (the
 * simulation's placement decides). Returns whether it rescheduled.
 */
int rmpsim__k_cond_resched(void);
#define cond_resched() rmpsim__k_cond_resched()

/* Reports a bug (logged, counted) when called in atomic or IPI context. */
void rmpsim__k_might_sleep(const char *file, int line);
#define might_sleep()	rmpsim__k_might_sleep(__FILE__, __LINE__)
#define might_resched() might_sleep()

/* Sleep until woken or timeout (jiffies); returns remaining jiffies. */
long schedule_timeout_uninterruptible(long timeout);
long schedule_timeout_interruptible(long timeout);

#endif
