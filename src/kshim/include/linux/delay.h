/* SPDX-License-Identifier: MIT */
/*
 * Delays. msleep() sleeps like Linux's timer-wheel msleep: until the tick
 * msecs_to_jiffies(ms) + 1 ticks after the current one. usleep_range()
 * sleeps exactly min microseconds (an hrtimer with no slack, A83).
 * udelay/ndelay/mdelay busy-wait: the CPU stays busy for that long.
 */
#ifndef _LINUX_DELAY_H
#define _LINUX_DELAY_H

#include <linux/types.h>

void msleep(unsigned int msecs);
unsigned long msleep_interruptible(unsigned int msecs);
void usleep_range(unsigned long min, unsigned long max);
void rmpsim__k_ndelay(u64 nsecs);
#define ndelay(n) rmpsim__k_ndelay((u64)(n))
#define udelay(n) rmpsim__k_ndelay((u64)(n)*1000u)
#define mdelay(n) rmpsim__k_ndelay((u64)(n)*1000000u)
static inline void fsleep(unsigned long usecs)
{
	if (usecs <= 10)
		udelay(usecs);
	else if (usecs <= 20000)
		usleep_range(usecs, 2 * usecs);
	else
		msleep((unsigned int)((usecs + 999) / 1000));
}

#endif
