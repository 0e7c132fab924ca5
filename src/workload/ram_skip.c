/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include <rmpsim/machine.h>

#include "ram_skip.h"

#define GB	   (1ull << 30)
#define MAX_RANGES 256 /* RAM ranges read; a machine has one or two per node */

void rmpsim__ram_skip(const struct rmpsim_machine *m, uint64_t *ret_ram, uint64_t *ret_skip)
{
	struct rmpsim_mem_range ranges[MAX_RANGES];
	size_t nr = rmpsim_machine_ram_ranges(m, ranges, MAX_RANGES);
	uint64_t ram = 0, skip = 0;

	if (nr > MAX_RANGES)
		nr = MAX_RANGES;
	for (size_t i = 0; i < nr; i++) {
		ram += ranges[i].end - ranges[i].start;
		for (uint64_t spa = ranges[i].start; ret_skip && spa < ranges[i].end;) {
			uint64_t next =
				(spa / GB + 1) * GB < ranges[i].end ? (spa / GB + 1) * GB : ranges[i].end;
			if (rmpsim_machine_region_optimized_all(m, spa / GB))
				skip += next - spa;
			spa = next;
		}
	}
	*ret_ram = ram;
	if (ret_skip)
		*ret_skip = skip;
}
