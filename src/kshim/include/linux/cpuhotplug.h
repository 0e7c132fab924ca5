/* SPDX-License-Identifier: MIT */
/*
 * cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, name, startup, teardown): registers
 * the callbacks and runs startup(cpu) for every online CPU, on that CPU in
 * process context (its kworker, like Linux's per-CPU hotplug thread); returns
 * the dynamic state (> 0) or the first callback error (nothing stays
 * registered: teardown runs on the CPUs that started). Later add_cpu() and
 * remove_cpu() run startup / teardown for the CPU that comes or goes.
 * cpuhp_remove_state() runs teardown on every online CPU and unregisters.
 * The _nocalls variants register without calling. At most 16 states.
 */
#ifndef _LINUX_CPUHOTPLUG_H
#define _LINUX_CPUHOTPLUG_H

enum cpuhp_state {
	CPUHP_INVALID = -1,
	CPUHP_OFFLINE = 0,
	CPUHP_AP_ONLINE_DYN = 100,
	CPUHP_AP_ONLINE_DYN_END = 130,
	CPUHP_ONLINE = 200,
};

int rmpsim__k_cpuhp_setup(int state, const char *name, int (*startup)(unsigned int cpu),
			  int (*teardown)(unsigned int cpu), bool invoke);
#define cpuhp_setup_state(state, name, startup, teardown)                                                    \
	rmpsim__k_cpuhp_setup(state, name, startup, teardown, true)
#define cpuhp_setup_state_nocalls(state, name, startup, teardown)                                            \
	rmpsim__k_cpuhp_setup(state, name, startup, teardown, false)
void rmpsim__k_cpuhp_remove(int state, bool invoke);
#define cpuhp_remove_state(state)	  rmpsim__k_cpuhp_remove(state, true)
#define cpuhp_remove_state_nocalls(state) rmpsim__k_cpuhp_remove(state, false)

#endif
