/* SPDX-License-Identifier: MIT */
/*
 * Timers (Linux semantics): timer_setup() then mod_timer(t, expires) arms the
 * timer for the jiffy `expires` (a pending timer is moved); it fires once,
 * calling function(t) at that tick (A82: no wheel slack) in the simulation's
 * engine context, which stands for the timer softirq: it may not sleep, and
 * smp_processor_id() is 0 there (A229). del_timer*() disarm and return
 * whether it was pending (callbacks never run concurrently with the caller).
 */
#ifndef _LINUX_TIMER_H
#define _LINUX_TIMER_H

#include <linux/container_of.h>
#include <linux/jiffies.h>
#include <linux/types.h>
#include <linux/workqueue.h> /* struct rmpsim__k_timer_storage */

struct timer_list {
	unsigned long expires;
	void (*function)(struct timer_list *t);
	/* private to the shim */
	struct rmpsim__k_timer_storage st;
	unsigned long epoch;
};

void rmpsim__k_timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags);
#define timer_setup(t, fn, flags) rmpsim__k_timer_setup(t, fn, flags)
#define from_timer(var, callback_timer, timer_fieldname)                                                     \
	container_of(callback_timer, __typeof__(*var), timer_fieldname)
int mod_timer(struct timer_list *t, unsigned long expires);
void add_timer(struct timer_list *t);
int del_timer(struct timer_list *t);
int timer_pending(const struct timer_list *t);
#define del_timer_sync(t)	      del_timer(t)
#define timer_delete(t)		      del_timer(t)
#define timer_delete_sync(t)	      del_timer(t)
#define timer_container_of(var, t, f) from_timer(var, t, f)

#endif
