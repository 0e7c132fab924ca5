/* SPDX-License-Identifier: MIT */
/*
 * Interrupts on/off for the current simulated CPU. While they are off, IPIs to
 * this CPU wait, and the stretch is accounted (longest interrupts-off time).
 */
#ifndef _LINUX_IRQFLAGS_H
#define _LINUX_IRQFLAGS_H

#include <linux/cleanup.h>
#include <linux/preempt.h>

void rmpsim__k_local_irq_disable(void);
void rmpsim__k_local_irq_enable(void);
unsigned long rmpsim__k_local_irq_save(void);
void rmpsim__k_local_irq_restore(unsigned long flags);

#define local_irq_disable()	 rmpsim__k_local_irq_disable()
#define local_irq_enable()	 rmpsim__k_local_irq_enable()
#define local_irq_save(flags)	 ((flags) = rmpsim__k_local_irq_save())
#define local_irq_restore(flags) rmpsim__k_local_irq_restore(flags)

DEFINE_LOCK_GUARD_0(irq, local_irq_disable(), local_irq_enable())

#endif
