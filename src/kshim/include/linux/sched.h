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

#define TASK_COMM_LEN 16

/*
 * A task. Every simulated process has one: a kernel thread's
 * (<linux/kthread.h>) is made with it, any other process's (the workload's
 * driver, a VMM, a kworker) at its first `current`. pid is the sim's process
 * id + 1, as --ftrace shows it (A254); comm its name, truncated to 15
 * characters as Linux does. `current` in an IPI handler is the task the
 * interrupt came in on, or the CPU's idle task "swapper/N" (pid 0); outside
 * the simulation (no process, no handler) it is NULL (A384).
 */
struct task_struct {
	int pid; /* pid_t */
	char comm[TASK_COMM_LEN];
	/* private to the shim */
	const struct rmpsim_proc *rmpsim_proc; /* NULL: an idle task */
	struct task_struct *rmpsim_next;       /* the kernel's list of made tasks */
};
struct task_struct *rmpsim__k_current(void);
#define current rmpsim__k_current()
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
