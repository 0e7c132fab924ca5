/* SPDX-License-Identifier: MIT */
/* cpuhp_setup_state() and friends (<linux/cpuhotplug.h>). */
#include "kshim.h"

#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/bug.h>
#include <linux/sched.h>

struct cb_call {
	int (*fn)(unsigned int cpu);
	unsigned cpu;
};

static long on_cpu(void *arg)
{
	struct cb_call *c = arg;
	return c->fn(c->cpu);
}

/* The callback on its CPU, in process context (the CPU's kworker, A220). */
static int run_cb(int (*fn)(unsigned int), unsigned cpu)
{
	if (!fn)
		return 0;
	struct cb_call c = { fn, cpu };
	return (int)rmpsim__k_run_on_cpu(cpu, on_cpu, &c);
}

int rmpsim__k_cpuhp_setup(int state, const char *name, int (*startup)(unsigned int cpu),
			  int (*teardown)(unsigned int cpu), bool invoke)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	(void)name;
	might_sleep();
	if (state != CPUHP_AP_ONLINE_DYN)
		return -EINVAL; /* fixed states belong to the kernel proper */
	int slot = -1;
	for (int i = 0; i < RMPSIM__K_CPUHP_MAX && slot < 0; i++)
		if (!k->cpuhp[i].used)
			slot = i;
	if (slot < 0)
		return -ENOSPC;
	if (invoke && startup) {
		for (unsigned cpu = 0; cpu < k->ncpus; cpu++) {
			if (!cpumask_test_cpu((int)cpu, k->online))
				continue;
			int err = run_cb(startup, cpu);
			if (err) { /* roll back the CPUs that started */
				for (unsigned c = 0; c < cpu; c++)
					if (cpumask_test_cpu((int)c, k->online))
						run_cb(teardown, c);
				return err;
			}
		}
	}
	k->cpuhp[slot].used = true;
	k->cpuhp[slot].startup = startup;
	k->cpuhp[slot].teardown = teardown;
	return CPUHP_AP_ONLINE_DYN + slot + 1; /* > 0: a dynamic state */
}

void rmpsim__k_cpuhp_remove(int state, bool invoke)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	int slot = state - CPUHP_AP_ONLINE_DYN - 1;
	if (slot < 0 || slot >= RMPSIM__K_CPUHP_MAX || !k->cpuhp[slot].used) {
		rmpsim__k_warn(__FILE__, __LINE__, "cpuhp_remove_state",
			       "cpuhp_remove_state(%d): not set up\n", state);
		return;
	}
	if (invoke)
		for (unsigned cpu = 0; cpu < k->ncpus; cpu++)
			if (cpumask_test_cpu((int)cpu, k->online))
				run_cb(k->cpuhp[slot].teardown, cpu);
	k->cpuhp[slot].used = false;
}

/* From add_cpu()/remove_cpu() (cpu.c): every registered state's callback. */
int rmpsim__k_cpuhp_notify(struct rmpsim_kernel *k, unsigned cpu, bool up)
{
	for (int i = 0; i < RMPSIM__K_CPUHP_MAX; i++) {
		if (!k->cpuhp[i].used)
			continue;
		int err = run_cb(up ? k->cpuhp[i].startup : k->cpuhp[i].teardown, cpu);
		if (err && up)
			return err;
	}
	return 0;
}
