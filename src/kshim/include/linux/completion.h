/* SPDX-License-Identifier: MIT */
/*
 * Completions (Linux semantics): complete() lets one waiter through (or the
 * next wait), complete_all() every present and future one until
 * reinit_completion(); wait_for_completion*() sleep (might_sleep).
 */
#ifndef _LINUX_COMPLETION_H
#define _LINUX_COMPLETION_H

#include <linux/types.h>
#include <linux/wait.h>

struct completion {
	unsigned int done;
	wait_queue_head_t wait;
};

#define COMPLETION_INITIALIZER(work)                                                                         \
	{                                                                                                    \
		0, __WAIT_QUEUE_HEAD_INITIALIZER((work).wait)                                                \
	}
#define DECLARE_COMPLETION(work)	 struct completion work = COMPLETION_INITIALIZER(work)
#define DECLARE_COMPLETION_ONSTACK(work) DECLARE_COMPLETION(work)

static inline void init_completion(struct completion *x)
{
	x->done = 0;
	init_waitqueue_head(&x->wait);
}
static inline void reinit_completion(struct completion *x)
{
	x->done = 0;
}

void complete(struct completion *x);
void complete_all(struct completion *x);
void wait_for_completion(struct completion *x);
unsigned long wait_for_completion_timeout(struct completion *x, unsigned long timeout);
bool try_wait_for_completion(struct completion *x);
bool completion_done(struct completion *x);

#endif
