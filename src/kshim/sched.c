/* SPDX-License-Identifier: MIT */
/* Preemption, migration, interrupts, scheduling points: the sim's process state. */
#include "kshim.h"

#include <asm/processor.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>

int rmpsim__k_smp_processor_id(void)
{
	unsigned cpu = rmpsim_sim_cpu(rmpsim__k_get()->sim);
	/* Engine context (timer callbacks) has no CPU; Linux runs timers on a CPU, use 0. */
	return cpu == RMPSIM_CPU_ANY ? 0 : (int)cpu;
}

void rmpsim__k_preempt_disable(void)
{
	rmpsim_sim_preempt_disable(rmpsim__k_get()->sim);
}

void rmpsim__k_preempt_enable(void)
{
	rmpsim_sim_preempt_enable(rmpsim__k_get()->sim);
}

int rmpsim__k_preempt_count(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	/* Linux counts hardirq nesting in preempt_count; so does this view. */
	if (rmpsim_sim_in_handler(k->sim))
		return 1 << 16;
	/* The sim does not expose the count; a probe would report a bug, so
	 * answer from what is observable: interrupts off implies atomic. */
	return rmpsim_sim_irqs_disabled(k->sim) ? 1 : 0;
}

void rmpsim__k_migrate_disable(void)
{
	rmpsim_sim_migrate_disable(rmpsim__k_get()->sim);
}

void rmpsim__k_migrate_enable(void)
{
	rmpsim_sim_migrate_enable(rmpsim__k_get()->sim);
}

/* Hard-interrupt context: a remote IPI handler. The local call of
 * on_each_cpu_mask() runs in the sim's handler context too, but on the
 * calling process (irqs off, not in_interrupt(), as in Linux). */
bool rmpsim__k_in_ipi(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	return rmpsim_sim_in_handler(k->sim) && !k->in_local_call;
}

bool rmpsim__k_irqs_disabled(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	return rmpsim_sim_in_handler(k->sim) || rmpsim_sim_irqs_disabled(k->sim);
}

/*
 * Linux's interrupt flag is a flag, not a count: local_irq_disable() twice and
 * local_irq_enable() once leaves interrupts on, and local_irq_restore() sets
 * the flag to what local_irq_save() found. The sim nests its disable/enable
 * (like save/restore pairs), so the shim keeps the sim's depth at 0 or 1.
 * Handlers (and the local call of on_each_cpu_mask) always run with
 * interrupts off; there these calls change nothing.
 */
static bool in_process(struct rmpsim_kernel *k)
{
	return rmpsim_sim_current(k->sim) && !rmpsim_sim_in_handler(k->sim);
}

void rmpsim__k_local_irq_disable(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (in_process(k) && !rmpsim_sim_irqs_disabled(k->sim))
		rmpsim_sim_irq_disable(k->sim);
}

void rmpsim__k_local_irq_enable(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (!in_process(k))
		return;
	/* Interrupts that arrived meanwhile run here, before the caller goes on. */
	while (rmpsim_sim_irqs_disabled(k->sim))
		rmpsim_sim_irq_enable(k->sim);
}

#define RMPSIM_X86_EFLAGS_IF 0x200ul /* flags bit 9 = IF, as in RFLAGS */

unsigned long rmpsim__k_local_irq_save(void)
{
	unsigned long flags = rmpsim__k_irqs_disabled() ? 0 : RMPSIM_X86_EFLAGS_IF;
	rmpsim__k_local_irq_disable();
	return flags;
}

void rmpsim__k_local_irq_restore(unsigned long flags)
{
	if (flags & RMPSIM_X86_EFLAGS_IF)
		rmpsim__k_local_irq_enable();
	else
		rmpsim__k_local_irq_disable();
}

int rmpsim__k_cond_resched(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (!rmpsim_sim_current(k->sim) || rmpsim_sim_in_handler(k->sim)) {
		rmpsim__k_report_bug("BUG: cond_resched() outside process context");
		return 0;
	}
	rmpsim_sim_yield(k->sim);
	return 1;
}

void rmpsim__k_might_sleep(const char *file, int line)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	char what[160];
	snprintf(what, sizeof(what), "might_sleep at %s:%d", file, line);
	/* The sim counts the bug (rmpsim_kernel_stats adds the sim's count). */
	if (!rmpsim_sim_might_sleep(k->sim, what)) {
		rmpsim__k_log("BUG: sleeping function called from invalid context at %s:%d\n", file, line);
		char msg[200];
		snprintf(msg, sizeof(msg), "BUG: sleeping function called from invalid context at %s:%d",
			 file, line);
		rmpsim__k_contain_warning("kernel BUG", msg); /* A226 */
	}
}

/* cpu_relax(): one spin step of busy time (A85's 20 ns), so busy-wait loops advance. */
void rmpsim__k_cpu_relax(void)
{
	rmpsim_sim_compute(rmpsim__k_get()->sim, RMPSIM_NS(20));
}
