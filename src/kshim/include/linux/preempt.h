/* SPDX-License-Identifier: MIT */
/*
 * Preemption and migration control, per simulated task. In the simulation a
 * task is only ever descheduled at a scheduling point (cond_resched, sleeping,
 * blocking); preempt_disable() makes such a point a bug and keeps the task on
 * its CPU, migrate_disable() only keeps it on its CPU.
 */
#ifndef _LINUX_PREEMPT_H
#define _LINUX_PREEMPT_H

#include <linux/cleanup.h>
#include <linux/types.h>

void rmpsim__k_preempt_disable(void);
void rmpsim__k_preempt_enable(void);
int rmpsim__k_preempt_count(void);
void rmpsim__k_migrate_disable(void);
void rmpsim__k_migrate_enable(void);
bool rmpsim__k_in_ipi(void);

#define preempt_disable()	    rmpsim__k_preempt_disable()
#define preempt_enable()	    rmpsim__k_preempt_enable()
#define preempt_enable_no_resched() rmpsim__k_preempt_enable()
#define preempt_count()		    rmpsim__k_preempt_count()
#define migrate_disable()	    rmpsim__k_migrate_disable()
#define migrate_enable()	    rmpsim__k_migrate_enable()
#define in_atomic()		    (preempt_count() != 0)
#define in_interrupt()		    rmpsim__k_in_ipi()
#define in_hardirq()		    rmpsim__k_in_ipi()
#define in_task()		    (!rmpsim__k_in_ipi())
#define preemptible()		    (preempt_count() == 0 && !irqs_disabled())

bool rmpsim__k_irqs_disabled(void);
#define irqs_disabled() rmpsim__k_irqs_disabled()

DEFINE_LOCK_GUARD_0(preempt, preempt_disable(), preempt_enable())
DEFINE_LOCK_GUARD_0(migrate, migrate_disable(), migrate_enable())

#endif
