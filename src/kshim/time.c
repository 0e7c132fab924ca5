/* SPDX-License-Identifier: MIT */
/* jiffies, ktime and the delay functions over the simulation's clock. */
#include "kshim.h"

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sched.h>

unsigned long rmpsim__k_jiffies(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	return (unsigned long)(rmpsim_sim_now(k->sim) / k->tick_ps); /* A82: from 0 */
}

unsigned int rmpsim__k_hz(void)
{
	return rmpsim__k_get()->hz;
}

ktime_t rmpsim__k_ktime_get(void)
{
	return (ktime_t)(rmpsim_sim_now(rmpsim__k_get()->sim) / 1000u);
}

/* Sleep until tick (jiffies at the call + timeout): a timer-wheel timeout. */
/* schedule() in atomic context is a BUG in Linux ("scheduling while atomic");
 * in an IPI handler the sim cannot sleep at all: the call returns at once. */
static bool may_schedule(struct rmpsim_kernel *k)
{
	might_sleep();
	return rmpsim_sim_current(k->sim) && !rmpsim_sim_in_handler(k->sim);
}

static long sleep_ticks(long timeout)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (!may_schedule(k) || timeout <= 0)
		return 0;
	uint64_t now = rmpsim_sim_now(k->sim);
	uint64_t expire = (now / k->tick_ps + (uint64_t)timeout) * k->tick_ps;
	rmpsim_sim_sleep_until(k->sim, expire);
	return 0;
}

long schedule_timeout_uninterruptible(long timeout)
{
	return sleep_ticks(timeout);
}

long schedule_timeout_interruptible(long timeout)
{
	return sleep_ticks(timeout);
}

/* kernel/time/sleep_timeout.c: msleep(m) = schedule_timeout(msecs_to_jiffies(m) + 1). */
void msleep(unsigned int msecs)
{
	sleep_ticks((long)msecs_to_jiffies(msecs) + 1);
}

unsigned long msleep_interruptible(unsigned int msecs)
{
	msleep(msecs);
	return 0;
}

void usleep_range(unsigned long min, unsigned long max)
{
	(void)max; /* A83: the hrtimer fires at min, no slack */
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (may_schedule(k))
		rmpsim_sim_sleep(k->sim, RMPSIM_US(min));
}

void rmpsim__k_ndelay(u64 nsecs)
{
	rmpsim_sim_compute(rmpsim__k_get()->sim, RMPSIM_NS(nsecs));
}
