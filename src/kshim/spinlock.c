/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks. A task holding one has preemption off, so it cannot be
 * descheduled; contention only comes from another CPU, whose holder is in the
 * middle of a computation. The waiter spins in steps of SPIN_STEP of busy
 * time (so timing is exact to within one step, A85).
 */
#include "kshim.h"

#include <linux/spinlock.h>

#define SPIN_STEP RMPSIM_NS(20)

static void fresh(struct rmpsim_kernel *k, spinlock_t *l)
{
	if (l->epoch != k->epoch) {
		l->owner_cpu = 0;
		l->epoch = k->epoch;
	}
}

void rmpsim__k_spin_lock_init(spinlock_t *lock, const char *name)
{
	lock->name = name;
	lock->owner_cpu = 0;
	lock->epoch = rmpsim__k_get()->epoch;
}

static void acquire(struct rmpsim_kernel *k, spinlock_t *l)
{
	unsigned cpu = rmpsim_sim_cpu(k->sim);
	fresh(k, l);
	if (l->owner_cpu && (unsigned)(l->owner_cpu - 1) == cpu) {
		rmpsim__k_report_bug("BUG: spinlock recursion on %s", l->name);
		return;
	}
	while (l->owner_cpu) {
		if (rmpsim_sim_in_handler(k->sim) || !rmpsim_sim_current(k->sim)) {
			/* A handler cannot wait for time to pass: that would hang the CPU. */
			rmpsim__k_report_bug("BUG: spinlock %s contended in interrupt context: deadlock",
					     l->name);
			return;
		}
		rmpsim_sim_compute(k->sim, SPIN_STEP);
	}
	l->owner_cpu = (int)cpu + 1;
}

static void release(struct rmpsim_kernel *k, spinlock_t *l)
{
	fresh(k, l);
	if (!l->owner_cpu)
		rmpsim__k_report_bug("BUG: spin_unlock of unlocked %s", l->name);
	l->owner_cpu = 0;
}

void spin_lock(spinlock_t *lock)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	rmpsim_sim_preempt_disable(k->sim);
	acquire(k, lock);
}

void spin_unlock(spinlock_t *lock)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	release(k, lock);
	rmpsim_sim_preempt_enable(k->sim);
}

int spin_trylock(spinlock_t *lock)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	fresh(k, lock);
	if (lock->owner_cpu)
		return 0;
	rmpsim_sim_preempt_disable(k->sim);
	lock->owner_cpu = (int)rmpsim_sim_cpu(k->sim) + 1;
	return 1;
}

void spin_lock_irq(spinlock_t *lock)
{
	rmpsim__k_local_irq_disable();
	spin_lock(lock);
}

/* Enables interrupts whatever they were before spin_lock_irq(), as Linux. */
void spin_unlock_irq(spinlock_t *lock)
{
	spin_unlock(lock);
	rmpsim__k_local_irq_enable();
}

unsigned long rmpsim__k_spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags = rmpsim__k_local_irq_save();
	spin_lock(lock);
	return flags;
}

void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock(lock);
	rmpsim__k_local_irq_restore(flags);
}
