/* SPDX-License-Identifier: MIT */
/*
 * jiffies and HZ of the simulated kernel. HZ is the profile's [kernel] hz
 * (default 1000, CONFIG_HZ_1000, A81), so it is a run-time value here, not a
 * constant expression. jiffies counts ticks of 1/HZ s of virtual time from 0
 * (Linux starts at INITIAL_JIFFIES = -300 s to catch wrap bugs; A82).
 */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

#include <linux/types.h>

unsigned long rmpsim__k_jiffies(void);
unsigned int rmpsim__k_hz(void);
#define jiffies		 rmpsim__k_jiffies()
#define jiffies_64	 ((u64)rmpsim__k_jiffies())
#define HZ		 rmpsim__k_hz()
#define MAX_JIFFY_OFFSET ((long)(~0UL >> 2) - 1)

/* Linux rounds up: a delay is never shorter than asked. */
static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return (unsigned long)(((u64)m * HZ + 999) / 1000);
}
static inline unsigned long usecs_to_jiffies(unsigned int u)
{
	return (unsigned long)(((u64)u * HZ + 999999) / 1000000);
}
static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return (unsigned int)((u64)j * 1000 / HZ);
}
static inline unsigned int jiffies_to_usecs(unsigned long j)
{
	return (unsigned int)((u64)j * 1000000 / HZ);
}

#define time_after(a, b)	  ((long)((b) - (a)) < 0)
#define time_before(a, b)	  time_after(b, a)
#define time_after_eq(a, b)	  ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	  time_after_eq(b, a)
#define time_is_before_jiffies(a) time_after(jiffies, a)
#define time_is_after_jiffies(a)  time_before(jiffies, a)

#endif
