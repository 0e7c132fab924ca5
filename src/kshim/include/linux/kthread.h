/* SPDX-License-Identifier: MIT */
/*
 * Kernel threads (Linux semantics): kthread_create() makes a stopped thread
 * that runs threadfn(data) once woken (wake_up_process); kthread_run() also
 * wakes it; kthread_stop() sets kthread_should_stop(), wakes the thread,
 * waits for threadfn to return and returns its value. Threads are sim
 * processes, unbound (kthread_bind pins one before it is woken).
 */
#ifndef _LINUX_KTHREAD_H
#define _LINUX_KTHREAD_H

#include <linux/err.h>
#include <linux/sched.h>
#include <linux/types.h>

struct task_struct *rmpsim__k_kthread_create(int (*threadfn)(void *data), void *data, const char *namefmt,
					     ...) __attribute__((format(printf, 3, 4)));
#define kthread_create(threadfn, data, namefmt, ...)                                                         \
	rmpsim__k_kthread_create(threadfn, data, namefmt, ##__VA_ARGS__)
#define kthread_run(threadfn, data, namefmt, ...)                                                            \
	({                                                                                                   \
		struct task_struct *__k = kthread_create(threadfn, data, namefmt, ##__VA_ARGS__);            \
		if (!IS_ERR(__k))                                                                            \
			wake_up_process(__k);                                                                \
		__k;                                                                                         \
	})
void kthread_bind(struct task_struct *k, unsigned int cpu);
bool kthread_should_stop(void);
int kthread_stop(struct task_struct *k);

#endif
