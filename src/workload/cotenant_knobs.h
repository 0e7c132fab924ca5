/* SPDX-License-Identifier: MIT */
/* The [cotenant] knobs of a scenario (cotenant_knobs.c). */
#ifndef RMPSIM_WORKLOAD_COTENANT_KNOBS_H
#define RMPSIM_WORKLOAD_COTENANT_KNOBS_H

#include <stddef.h>

#include <rmpsim/workload.h>

/* A rate above this is a typo: 10^10 fills per second would be several per cycle. */
#define RMPSIM_COTENANT_MAX_FILLS 10000000000ull

/* The documented defaults (A443, A445, A446) with the given vCPU mode. */
void rmpsim__cotenant_defaults(struct rmpsim_cotenant *c, enum rmpsim_vcpus_mode vcpus);
/* One name = value of [cotenant]: 1 taken; 0 a bad value, -1 an unknown key
 * (msg says what was expected). */
int rmpsim__cotenant_key(struct rmpsim_cotenant *c, const char *name, const char *value, char *msg,
			 size_t len);

#endif
