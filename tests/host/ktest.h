/* SPDX-License-Identifier: MIT */
#ifndef RMPSIM_TEST_HOST_KTEST_H
#define RMPSIM_TEST_HOST_KTEST_H

/* Kernel-side helpers (ktest.c, kernel style): call from kernel processes. */
int ktest_remove_cpu(unsigned cpu);
int ktest_add_cpu(unsigned cpu);
void ktest_hotplug_enable(void);
void ktest_msleep(unsigned ms);
/* setup_clear_cpu_cap(X86_FEATURE_SEV_SNP), as a failed RMP setup does. */
void ktest_clear_sev_snp(void);
/* Run a built-in policy's work handler ("v10", "three-case", ...) in a kthread on cpu. */
void ktest_run_handler_on(const char *policy, unsigned cpu);
unsigned long ktest_targeted_pending(void);
unsigned long long ktest_now_ns(void);

#endif
