/* SPDX-License-Identifier: MIT */
/* The interface of kstyle_scan.c (kernel-style code) to its test driver. */
#ifndef KSTYLE_SCAN_H
#define KSTYLE_SCAN_H

#include <stdint.h>

#define KSTYLE_MAX_TRIGGERS 16

int kstyle_setup(void);
void kstyle_trigger(void);
void kstyle_cleanup(void);

/* What the kernel-style code observed, for the oracles. */
struct kstyle_obs {
	int runs; /* work handler invocations */
	int leader_cpu;
	unsigned nfollowers;
	uint64_t pa_start, pa_end;
	int ntriggers;
	uint64_t trigger_ns[KSTYLE_MAX_TRIGGERS];
	int oom_passes; /* passes skipped because the follower mask could not be allocated */
};
extern struct kstyle_obs kstyle_obs;

#endif
