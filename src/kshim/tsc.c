/* SPDX-License-Identifier: MIT */
/*
 * The time-stamp counter: rdtsc() and rdtsc_ordered() read the simulated
 * CPU's cycle counter, the virtual time at the profile's core clock (A222).
 */
#include "kshim.h"

#include <asm/tsc.h>

/* The only place the shim reads the clock from the profile. */
uint64_t rmpsim__k_tsc_khz(const struct rmpsim_kernel *k)
{
	return rmpsim_sim_profile(k->sim)->freq_khz;
}

u64 rmpsim__k_rdtsc(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	/* A222: an invariant TSC, the same on every CPU, 0 at time 0; cycles =
	 * ps * kHz / 10^9, rounded down (a counter shows whole ticks). */
	unsigned __int128 cyc = (unsigned __int128)rmpsim_sim_now(k->sim) * rmpsim__k_tsc_khz(k);
	/* TODO(lead): price -- RDTSC costs ~ 20-40 cycles on Zen; the profile has no parameter, so it is free. */
	return (u64)(cyc / 1000000000u);
}
