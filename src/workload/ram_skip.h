/* SPDX-License-Identifier: MIT */
/* The machine's RAM and the part of it whose hypervisor writes skip RMP checks
 * (ram_skip.c): one walk for a run's result and a fleet replay's samples. */
#ifndef RMPSIM_WORKLOAD_RAM_SKIP_H
#define RMPSIM_WORKLOAD_RAM_SKIP_H

#include <stdint.h>

struct rmpsim_machine;

/*
 * RAM bytes of m into *ret_ram and, when ret_skip is not NULL, the RAM bytes
 * in 1 GB regions optimised on every core into *ret_skip (A116: a region
 * counts only with the RAM it holds, so a hole or a part range counts less).
 */
void rmpsim__ram_skip(const struct rmpsim_machine *m, uint64_t *ret_ram, uint64_t *ret_skip);

#endif
