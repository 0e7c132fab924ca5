/* SPDX-License-Identifier: MIT */
/* ktime_t: signed nanoseconds of virtual time since the simulation started. */
#ifndef _LINUX_KTIME_H
#define _LINUX_KTIME_H

#include <linux/jiffies.h>
#include <linux/types.h>

typedef s64 ktime_t;

#define NSEC_PER_USEC 1000L
#define NSEC_PER_MSEC 1000000L
#define NSEC_PER_SEC  1000000000L
#define USEC_PER_MSEC 1000L
#define USEC_PER_SEC  1000000L
#define MSEC_PER_SEC  1000L

ktime_t rmpsim__k_ktime_get(void);
#define ktime_get()		 rmpsim__k_ktime_get()
#define ktime_get_ns()		 ((u64)rmpsim__k_ktime_get())
#define ktime_get_mono_fast_ns() ktime_get_ns()
#define ktime_get_boottime()	 rmpsim__k_ktime_get()
#define ktime_get_raw()		 rmpsim__k_ktime_get()
#define local_clock()		 ktime_get_ns()
#define sched_clock()		 ktime_get_ns()

static inline s64 ktime_to_ns(ktime_t kt)
{
	return kt;
}
static inline s64 ktime_to_us(ktime_t kt)
{
	return kt / NSEC_PER_USEC;
}
static inline s64 ktime_to_ms(ktime_t kt)
{
	return kt / NSEC_PER_MSEC;
}
static inline ktime_t ns_to_ktime(u64 ns)
{
	return (ktime_t)ns;
}
static inline ktime_t ms_to_ktime(u64 ms)
{
	return (ktime_t)(ms * NSEC_PER_MSEC);
}
#define ktime_sub(lhs, rhs)  ((lhs) - (rhs))
#define ktime_add(lhs, rhs)  ((lhs) + (rhs))
#define ktime_add_ns(kt, ns) ((kt) + (ns))
#define ktime_compare(a, b)  ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)
static inline s64 ktime_us_delta(ktime_t later, ktime_t earlier)
{
	return ktime_to_us(ktime_sub(later, earlier));
}
static inline s64 ktime_ms_delta(ktime_t later, ktime_t earlier)
{
	return ktime_to_ms(ktime_sub(later, earlier));
}

#endif
