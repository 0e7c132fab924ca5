/* SPDX-License-Identifier: MIT */
/*
 * atomic_t operations (a subset of <linux/atomic.h>). The simulation runs one
 * kernel task at a time, so plain accesses would do; the GCC __atomic
 * builtins keep the code right should that ever change, and cost nothing
 * measurable. Fully ordered where Linux's are (the value-returning RMW ops),
 * relaxed for atomic_read/atomic_set. No atomic_fetch_*(): those names are
 * C11 <stdatomic.h> macros, which simulator headers may pull in.
 */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

#include <linux/types.h>

#define ATOMIC_INIT(i)                                                                                       \
	{                                                                                                    \
		(i)                                                                                          \
	}

static inline int atomic_read(const atomic_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_set(atomic_t *v, int i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

/* Returns the old value; stores new only if the old value was old. */
static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
	__atomic_compare_exchange_n(&v->counter, &old, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}

static inline bool atomic_try_cmpxchg(atomic_t *v, int *old, int new)
{
	return __atomic_compare_exchange_n(&v->counter, old, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static inline int atomic_xchg(atomic_t *v, int new)
{
	return __atomic_exchange_n(&v->counter, new, __ATOMIC_SEQ_CST);
}

static inline int atomic_add_return(int i, atomic_t *v)
{
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline int atomic_sub_return(int i, atomic_t *v)
{
	return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline void atomic_add(int i, atomic_t *v)
{
	__atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);
}

static inline void atomic_sub(int i, atomic_t *v)
{
	__atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);
}

#define atomic_inc(v)	       atomic_add(1, (v))
#define atomic_dec(v)	       atomic_sub(1, (v))
#define atomic_inc_return(v)   atomic_add_return(1, (v))
#define atomic_dec_return(v)   atomic_sub_return(1, (v))
#define atomic_dec_and_test(v) (atomic_sub_return(1, (v)) == 0)
#define atomic_inc_and_test(v) (atomic_add_return(1, (v)) == 0)

#endif
