/* SPDX-License-Identifier: MIT */
/*
 * Workqueues with Linux semantics, run by simulated worker processes:
 *  - a work item is PENDING from queueing until a worker starts it;
 *    queue_work()/queue_delayed_work() on a pending item do nothing (false);
 *  - an item is never run concurrently with itself: re-queued while running,
 *    it runs again after the running instance returns;
 *  - mod_delayed_work() re-arms the timer on every call (a pending item is
 *    taken back first), and a running item is queued again after the delay;
 *  - max_active bounds the items of one workqueue running at once (1 serialises);
 *  - cancel_delayed_work_sync()/cancel_work_sync() take the item back and wait
 *    for a running instance; flush_work() waits for the item to be idle.
 * Workers of WQ_UNBOUND queues are unbound sim processes (placed by the sim);
 * a worker woken by queueing starts after profile.wq_wakeup_ps (A69).
 * Delayed-work timers expire on a jiffy boundary: at (jiffies + delay) ticks.
 */
#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H

#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/jiffies.h> /* via <linux/timer.h> in Linux */
#include <linux/types.h>

struct work_struct;
struct workqueue_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
	/* private to the shim */
	unsigned long epoch;	     /* boot this state belongs to; older state reads as idle */
	struct workqueue_struct *wq; /* where it was last queued */
	struct work_struct *next;    /* on wq's queue */
	bool pending;		     /* queued, or its timer armed */
	bool queued;		     /* on wq's queue */
	const char *func_name;	     /* the function as written, for the workqueue_* trace */
	unsigned long trace_id;	     /* its number in the boot (the trace's "work struct") */
	int queue_cpu;		     /* where the caller queued it (a timer queues it later) */
};

/* Storage for the sim timer (struct rmpsim_timer), kept opaque here. */
struct rmpsim__k_timer_storage {
	u64 opaque[8];
};

struct delayed_work {
	struct work_struct work;
	struct rmpsim__k_timer_storage timer;
	struct workqueue_struct *wq; /* the queue the timer will queue on */
	bool timer_armed;
	unsigned long epoch;
};

#define __WORK_INITIALIZER(n, f)                                                                             \
	{                                                                                                    \
		.func = (f), .func_name = #f                                                                 \
	}
#define __DELAYED_WORK_INITIALIZER(n, f, flags)                                                              \
	{                                                                                                    \
		.work = __WORK_INITIALIZER((n).work, (f))                                                    \
	}
#define DECLARE_WORK(n, f)	   struct work_struct n = __WORK_INITIALIZER(n, f)
#define DECLARE_DELAYED_WORK(n, f) struct delayed_work n = __DELAYED_WORK_INITIALIZER(n, f, 0)

void rmpsim__k_init_work(struct work_struct *work, work_func_t func, const char *func_name);
void rmpsim__k_init_delayed_work(struct delayed_work *dwork, work_func_t func, const char *func_name);
#define INIT_WORK(_work, _func)		rmpsim__k_init_work((_work), (_func), #_func)
#define INIT_DELAYED_WORK(_work, _func) rmpsim__k_init_delayed_work((_work), (_func), #_func)

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
	return container_of(work, struct delayed_work, work);
}

enum {
	WQ_UNBOUND = 1 << 1,
	WQ_FREEZABLE = 1 << 2,
	WQ_MEM_RECLAIM = 1 << 3,
	WQ_HIGHPRI = 1 << 4,
	WQ_CPU_INTENSIVE = 1 << 5,
	WQ_PERCPU = 1 << 8,
	WQ_MAX_ACTIVE = 512,
	WQ_DFL_ACTIVE = WQ_MAX_ACTIVE / 2,
};

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...)
	__printf(1, 4);
#define alloc_ordered_workqueue(fmt, flags, ...) alloc_workqueue(fmt, WQ_UNBOUND | (flags), 1, ##__VA_ARGS__)
void destroy_workqueue(struct workqueue_struct *wq);

bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work);
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork, unsigned long delay);
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork, unsigned long delay);
bool cancel_work(struct work_struct *work);
bool cancel_work_sync(struct work_struct *work);
bool cancel_delayed_work(struct delayed_work *dwork);
bool cancel_delayed_work_sync(struct delayed_work *dwork);
bool flush_work(struct work_struct *work);
bool flush_delayed_work(struct delayed_work *dwork);
void flush_workqueue(struct workqueue_struct *wq);
void drain_workqueue(struct workqueue_struct *wq);
bool work_pending(const struct work_struct *work);
bool work_busy(struct work_struct *work);
#define delayed_work_pending(w) work_pending(&(w)->work)

struct workqueue_struct *rmpsim__k_system_wq(void);
#define system_wq		     rmpsim__k_system_wq()
#define system_unbound_wq	     rmpsim__k_system_wq()
#define system_long_wq		     rmpsim__k_system_wq()
#define system_highpri_wq	     rmpsim__k_system_wq()
#define schedule_work(w)	     queue_work(system_wq, (w))
#define schedule_delayed_work(dw, d) queue_delayed_work(system_wq, (dw), (d))
#define flush_scheduled_work()	     flush_workqueue(system_wq)

long work_on_cpu(int cpu, long (*fn)(void *), void *arg);

#endif
