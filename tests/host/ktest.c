// SPDX-License-Identifier: MIT
/*
 * Kernel-side helpers for the host tests, written against the shim only.
 */
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <asm/cpufeature.h>

#include "ktest.h"
#include "rmpopt.h"

int ktest_remove_cpu(unsigned cpu)
{
	return remove_cpu(cpu);
}

int ktest_add_cpu(unsigned cpu)
{
	return add_cpu(cpu);
}

void ktest_hotplug_enable(void)
{
	cpu_hotplug_enable();
}

void ktest_clear_sev_snp(void)
{
	setup_clear_cpu_cap(X86_FEATURE_SEV_SNP);
}

void ktest_msleep(unsigned ms)
{
	msleep(ms);
}

static long ktest_handler_fn(void *arg)
{
	work_func_t fn = (work_func_t)arg;

	fn(NULL); /* the built-in handlers do not look at their work item */
	return 0;
}

void ktest_run_handler_on(const char *policy, unsigned cpu)
{
	work_func_t fn = rmpopt_v10_work_handler;

	if (!strcmp(policy, "three-case"))
		fn = rmpopt_three_case_work_handler;
	else if (!strcmp(policy, "naive"))
		fn = rmpopt_naive_work_handler;
	else if (!strcmp(policy, "percpu"))
		fn = rmpopt_percpu_work_handler;
	else if (!strcmp(policy, "targeted"))
		fn = rmpopt_targeted_work_handler;
	work_on_cpu(cpu, ktest_handler_fn, (void *)fn);
}

unsigned long ktest_targeted_pending(void)
{
	return rmpopt_targeted_pending();
}

unsigned long long ktest_now_ns(void)
{
	return ktime_to_ns(ktime_get());
}
