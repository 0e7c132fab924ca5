// SPDX-License-Identifier: MIT
/*
 * The measurement code of the PERF-2 posts (spec 1.12 C), as a pass: the
 * self-checks of the timing model (docs/timing.md section 6) replay it on a
 * machine shaped like the one measured.
 *
 * perf2-serial: the outer loop walks the 1 GB regions, the inner loop every
 * online CPU, one smp_call_on_cpu() each; the called function disables
 * interrupts, reads the TSC around one RMPOPT (function 0) and enables them
 * again. The caller keeps the smallest, largest and total cycle count and
 * logs a line whenever the running maximum rises ("max cycle on cpu"), as
 * the published log does; at the end one summary line.
 *
 * perf2-parallel: each region is sent to every online CPU at once
 * (on_each_cpu, wait), each CPU running RMPOPT in the IPI handler. The
 * per-instruction cycles of that case come from the run report
 * (rmpopt_cycles_mean): inside a handler the TSC read around the instruction
 * is what the report measures.
 *
 * Written from the behaviour the posts describe; RMPOPT_BASE is programmed on
 * every online CPU, as v2 (the series version measured) did.
 */
#define pr_fmt(fmt) "SEV-SNP: " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/sizes.h>
#include <linux/workqueue.h>

#include <asm/tsc.h>

#include <trace/events/rmpopt.h>

#include "rmpopt.h"

/* The patch's file statics (rmpopt.h struct rmpopt_state). */
static struct rmpopt_state rmpopt_st;

static void perf2_reset(void)
{
	rmpopt_state_reset(&rmpopt_st);
}
RMPSIM_KERNEL_RESET(perf2_reset);

struct perf2_sample {
	phys_addr_t pa;
	u64 cycles;
};

static int perf2_rmpopt_timed(void *arg)
{
	struct perf2_sample *s = arg;
	unsigned long flags;
	u64 t0, t1;

	local_irq_save(flags);
	t0 = rdtsc_ordered();
	rmpopt(s->pa);
	t1 = rdtsc_ordered();
	local_irq_restore(flags);
	s->cycles = t1 - t0;
	return 0;
}

static void perf2_serial_work_handler(struct work_struct *work)
{
	struct perf2_sample s;
	u64 min = U64_MAX, max = 0, sum = 0, n = 0, t_start;
	unsigned int cpu;

	trace_rmpopt_pass_start(rmpopt_st.pa_start, rmpopt_st.pa_end);
	trace_rmpopt_leader_done(-1);
	t_start = rdtsc_ordered();
	cpus_read_lock();
	for (s.pa = rmpopt_st.pa_start; s.pa < rmpopt_st.pa_end; s.pa += SZ_1G) {
		for_each_online_cpu(cpu) {
			smp_call_on_cpu(cpu, perf2_rmpopt_timed, &s, false);
			if (s.cycles > max) {
				max = s.cycles;
				pr_info("RMPOPT max cycle on cpu %u at 0x%llx: %llu\n", cpu,
					(unsigned long long)s.pa, (unsigned long long)max);
			}
			if (s.cycles < min)
				min = s.cycles;
			sum += s.cycles;
			n++;
		}
	}
	cpus_read_unlock();
	pr_info("RMPOPT instruction cycles: largest %llu, smallest %llu, average %llu; pass %llu cycles\n",
		(unsigned long long)max, (unsigned long long)min,
		(unsigned long long)(n ? sum / n : 0),
		(unsigned long long)(rdtsc_ordered() - t_start));
	rmpopt_pass_finish(&rmpopt_st);
}

static void perf2_parallel_work_handler(struct work_struct *work)
{
	phys_addr_t pa;

	trace_rmpopt_pass_start(rmpopt_st.pa_start, rmpopt_st.pa_end);
	trace_rmpopt_leader_done(-1);
	cpus_read_lock();
	for (pa = rmpopt_st.pa_start; pa < rmpopt_st.pa_end; pa += SZ_1G) {
		on_each_cpu_mask(cpu_online_mask, rmpopt_smp, (void *)(unsigned long)pa, true);
		cond_resched();
	}
	cpus_read_unlock();
	rmpopt_pass_finish(&rmpopt_st);
}

static int perf2_serial_setup(void)
{
	return rmpopt_setup(&rmpopt_st, perf2_serial_work_handler, RMPOPT_MASK_ONLINE);
}

static int perf2_parallel_setup(void)
{
	return rmpopt_setup(&rmpopt_st, perf2_parallel_work_handler, RMPOPT_MASK_ONLINE);
}

static void perf2_trigger(void)
{
	rmpopt_trigger_mod_delayed(&rmpopt_st);
}

static void perf2_cleanup(void)
{
	rmpopt_cleanup_common(&rmpopt_st);
}

static int perf2_table_show(char *buf, size_t size)
{
	return rmpopt_table_show(&rmpopt_st, buf, size);
}

const struct rmpsim_policy_ops rmpsim_policy_perf2_serial = {
	.abi_version	= RMPSIM_POLICY_ABI_VERSION,
	.name		= "perf2-serial",
	.description	= "spec 1.12 C measurement: regions outer, CPUs inner, smp_call_on_cpu each, TSC around RMPOPT",
	.setup		= perf2_serial_setup,
	.trigger	= perf2_trigger, /* measured after the teardown settles */
	.cleanup	= perf2_cleanup,
	.table_show	= perf2_table_show,
};

const struct rmpsim_policy_ops rmpsim_policy_perf2_parallel = {
	.abi_version	= RMPSIM_POLICY_ABI_VERSION,
	.name		= "perf2-parallel",
	.description	= "spec 1.12 C measurement: each region IPI'd to every online CPU at once",
	.setup		= perf2_parallel_setup,
	.trigger	= perf2_trigger, /* measured after the teardown settles */
	.cleanup	= perf2_cleanup,
	.table_show	= perf2_table_show,
};
