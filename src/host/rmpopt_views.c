// SPDX-License-Identifier: MIT
/*
 * The user interfaces of earlier versions, as functions returning text:
 * debugfs x86/rmpopt/rmpopt-table (v1-v8, spec 1.11) and the v1 configfs
 * rmpopt/{action,description} (spec 1.10).
 */
#define pr_fmt(fmt) "SEV-SNP: " fmt

#include <limits.h>
#include <stdarg.h>

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/smp.h>
#include <linux/sprintf.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <asm/sev-rmpsim.h>
#include <asm/sev.h>

#include "rmpopt.h"

static cpumask_var_t rmpopt_report_cpumask;
static DEFINE_MUTEX(rmpopt_show_mutex);

static void rmpopt_views_reset(void)
{
	rmpopt_report_cpumask = NULL;
	mutex_init(&rmpopt_show_mutex);
}
RMPSIM_KERNEL_RESET(rmpopt_views_reset);

/* IPI callback: function 1 only reads this core's bit (spec 1.2). */
static void rmpopt_report_status_smp(void *info)
{
	u64 pa = (u64)(unsigned long)info;
	int cpu = smp_processor_id();

	if (__rmpopt(pa, RMPOPT_FUNC_REPORT_STATUS))
		cpumask_set_cpu(cpu, rmpopt_report_cpumask);
	else
		cpumask_clear_cpu(cpu, rmpopt_report_cpumask);
}

/* Append like seq_printf: keep counting past the end, as snprintf does. */
static __printf(4, 5) void rmpopt_buf_printf(char *buf, size_t size,
					      size_t *len, const char *fmt, ...)
{
	va_list ap;
	size_t room = *len < size ? size - *len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? buf + *len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += n;
}

int rmpopt_table_show(const struct rmpopt_state *st, char *buf, size_t size)
{
	phys_addr_t pa;
	size_t len = 0;

	if (size)
		buf[0] = '\0';

	guard(mutex)(&rmpopt_show_mutex);

	if (!st->cpumask)
		return -ENODEV;
	if (!zalloc_cpumask_var(&rmpopt_report_cpumask, GFP_KERNEL))
		return -ENOMEM;

	cpus_read_lock();
	for (pa = st->pa_start; pa < st->pa_end; pa += SZ_1G) {
		cpumask_clear(rmpopt_report_cpumask);
		/* spec 1.11: every online CPU, not only the primaries */
		on_each_cpu_mask(cpu_online_mask, rmpopt_report_status_smp,
				 (void *)(unsigned long)pa, true);

		/* spec 1.11: "Memory @%3lluGB: CPU(s): none" or a cpulist */
		rmpopt_buf_printf(buf, size, &len, "Memory @%3lluGB: CPU(s): ",
				  (unsigned long long)(pa / SZ_1G));
		if (cpumask_empty(rmpopt_report_cpumask))
			rmpopt_buf_printf(buf, size, &len, "none\n");
		else
			rmpopt_buf_printf(buf, size, &len, "%*pbl\n",
					  cpumask_pr_args(rmpopt_report_cpumask));
	}
	cpus_read_unlock();

	free_cpumask_var(rmpopt_report_cpumask);
	rmpopt_report_cpumask = NULL;

	return len > INT_MAX ? INT_MAX : (int)len;
}

/*
 * spec 1.10: kstrtoint(page, 10, &val): an optional sign, decimal digits and
 * at most one trailing newline; anything else is -EINVAL.
 */
static int rmpopt_parse_action(const char *page, size_t count, int *val)
{
	long long v = 0;
	bool neg = false;
	size_t i = 0;

	if (count && page[count - 1] == '\n')
		count--;
	if (i < count && (page[i] == '+' || page[i] == '-'))
		neg = page[i++] == '-';
	if (i == count)
		return -EINVAL;
	for (; i < count; i++) {
		if (page[i] < '0' || page[i] > '9')
			return -EINVAL;
		v = v * 10 + (page[i] - '0');
		if (v > INT_MAX)
			return -ERANGE;
	}
	*val = neg ? (int)-v : (int)v;
	return 0;
}

long rmpsim_host_rmpopt_action_store(const char *page, size_t count)
{
	int val, ret;

	ret = rmpopt_parse_action(page, count, &val);
	if (ret)
		return ret;
	if (val != 1)
		return -EINVAL;

	/* spec 1.10: start a pass only if none is in progress (cmpxchg 0 -> 1) */
	ret = rmpopt_request_pass();
	if (ret)
		return ret;

	return count;
}

long rmpsim_host_rmpopt_action_show(char *page)
{
	return sprintf(page, "RMP optimization in progress: %s\n",
		       rmpopt_pass_in_progress() ? "Yes" : "No");
}

long rmpsim_host_rmpopt_description_show(char *page)
{
	return sprintf(page,
		       "RMP optimization: write 1 to 'action' to re-optimize all of physical memory;\n"
		       "read 'action' to see whether an optimization pass is in progress.\n");
}

int rmpsim_host_rmpopt_table_show(char *buf, size_t size)
{
	const struct rmpsim_policy_ops *ops = snp_rmpopt_active_ops();

	if (size)
		buf[0] = '\0';
	if (!ops || !ops->table_show)
		return -ENODEV;
	return ops->table_show(buf, size);
}
