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

#define MAX_SCHEDULE_TIMEOUT ((long)(~0UL >> 1))
#define TASK_RUNNING	     0
#define TASK_INTERRUPTIBLE   1
#define TASK_UNINTERRUPTIBLE 2

/*
 * A kernel thread (<linux/kthread.h>). The shim has no `current` task for
 * other processes; kthread_should_stop() answers for the calling kthread.
 */
struct task_struct;
int wake_up_process(struct task_struct *p);
/* Task state is advisory here: schedule() sleeps until the task is woken
 * (wake_up_process) whatever the state, as a set_current_state() before it asks. */
void rmpsim__k_set_current_state(long state);
#define set_current_state(s)   rmpsim__k_set_current_state(s)
#define __set_current_state(s) rmpsim__k_set_current_state(s)
void schedule(void);

/* Sleep until woken or timeout (jiffies); returns remaining jiffies. */
long schedule_timeout_uninterruptible(long timeout);
long schedule_timeout_interruptible(long timeout);

#endif
