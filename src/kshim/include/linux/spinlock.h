/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks. spin_lock() disables preemption; the _irq/_irqsave variants also
 * disable interrupts. A contended spinlock spins: the waiting CPU stays busy
 * until the holder releases it.
 */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#include <linux/cleanup.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/types.h>

typedef struct spinlock {
	const char *name;
	int owner_cpu; /* holder CPU + 1; 0 when free, so a zeroed lock is free */
	unsigned long epoch;
} spinlock_t;
typedef spinlock_t raw_spinlock_t;

#define __SPIN_LOCK_UNLOCKED(lockname)                                                                       \
	{                                                                                                    \
		.name = #lockname                                                                            \
	}
#define DEFINE_SPINLOCK(x)     spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
#define DEFINE_RAW_SPINLOCK(x) DEFINE_SPINLOCK(x)

void rmpsim__k_spin_lock_init(spinlock_t *lock, const char *name);
void spin_lock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
int spin_trylock(spinlock_t *lock);
void spin_lock_irq(spinlock_t *lock);
void spin_unlock_irq(spinlock_t *lock);
unsigned long rmpsim__k_spin_lock_irqsave(spinlock_t *lock);
void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
#define spin_lock_init(l)	    rmpsim__k_spin_lock_init((l), #l)
#define spin_lock_irqsave(l, flags) ((flags) = rmpsim__k_spin_lock_irqsave(l))
#define raw_spin_lock		    spin_lock
#define raw_spin_unlock		    spin_unlock
#define raw_spin_lock_irqsave	    spin_lock_irqsave
#define raw_spin_unlock_irqrestore  spin_unlock_irqrestore

DEFINE_LOCK_GUARD_1(spinlock, spinlock_t, spin_lock(_T->lock), spin_unlock(_T->lock))
DEFINE_LOCK_GUARD_1(spinlock_irq, spinlock_t, spin_lock_irq(_T->lock), spin_unlock_irq(_T->lock))
DEFINE_LOCK_GUARD_1(spinlock_irqsave, spinlock_t, spin_lock_irqsave(_T->lock, _T->flags),
		    spin_unlock_irqrestore(_T->lock, _T->flags), unsigned long flags)

#endif
