/* SPDX-License-Identifier: MIT */
/*
 * Wait queues (Linux semantics): wait_event*(wq, condition) sleeps until the
 * condition holds, re-checking it after every wake_up*(wq); wake_up() and
 * wake_up_all() wake every waiter (the shim has no exclusive waiters). The
 * _timeout forms take jiffies and return 0 on timeout (condition false), else
 * the jiffies left (at least 1). Interruptible forms never see a signal.
 */
#ifndef _LINUX_WAIT_H
#define _LINUX_WAIT_H

#include <linux/sched.h>
#include <linux/types.h>

struct rmpsim__k_wq_node;
struct wait_queue_head {
	struct rmpsim__k_wq_node *head, *tail;
	unsigned long epoch; /* boot this state belongs to; older reads as empty */
};
typedef struct wait_queue_head wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name)                                                                  \
	{                                                                                                    \
		NULL, NULL, 0                                                                                \
	}
#define DECLARE_WAIT_QUEUE_HEAD(name) wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

void rmpsim__k_init_waitqueue_head(wait_queue_head_t *wq);
#define init_waitqueue_head(wq) rmpsim__k_init_waitqueue_head(wq)

/* Sleep on wq until woken or timeout jiffies (MAX_SCHEDULE_TIMEOUT: none); the jiffies left. */
long rmpsim__k_wq_sleep(wait_queue_head_t *wq, long timeout);
void wake_up(wait_queue_head_t *wq);
void wake_up_all(wait_queue_head_t *wq);
#define wake_up_interruptible(wq)     wake_up(wq)
#define wake_up_interruptible_all(wq) wake_up_all(wq)
bool waitqueue_active(wait_queue_head_t *wq);

#define wait_event(wq, condition)                                                                            \
	do {                                                                                                 \
		might_sleep();                                                                               \
		while (!(condition))                                                                         \
			rmpsim__k_wq_sleep(&(wq), MAX_SCHEDULE_TIMEOUT);                                     \
	} while (0)
#define wait_event_interruptible(wq, condition)                                                              \
	({                                                                                                   \
		wait_event(wq, condition);                                                                   \
		0;                                                                                           \
	})
#define wait_event_timeout(wq, condition, timeout)                                                           \
	({                                                                                                   \
		long __left = (long)(timeout);                                                               \
		might_sleep();                                                                               \
		while (!(condition) && __left > 0)                                                           \
			__left = rmpsim__k_wq_sleep(&(wq), __left);                                          \
		(condition) ? (__left > 0 ? __left : 1) : 0;                                                 \
	})
#define wait_event_interruptible_timeout(wq, condition, timeout) wait_event_timeout(wq, condition, timeout)

#endif
