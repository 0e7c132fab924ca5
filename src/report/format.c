/* SPDX-License-Identifier: MIT */
/* Human units for virtual times, with integer arithmetic so that every
 * platform prints the same digits. */
#include <inttypes.h>
#include <stdio.h>

#include <rmpsim/report.h>

#include "base/hash.h"

const char *rmpsim_report_fmt_ns(uint64_t ns, char *buf, size_t len)
{
	static const struct {
		uint64_t div;
		const char *unit;
	} units[] = { { 1000000000ull, "s" }, { 1000000ull, "ms" }, { 1000ull, "us" } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ns >= units[i].div) {
			/* Round to the nearest thousandth of the unit. */
			uint64_t milli = (ns / (units[i].div / 1000)) +
					 ((ns % (units[i].div / 1000)) * 2 >= units[i].div / 1000);
			snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 " %s", milli / 1000, milli % 1000,
				 units[i].unit);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRIu64 " ns", ns);
	return buf;
}

uint64_t rmpsim_report_trace_hash(const struct rmpsim_run_result *runs, size_t nruns)
{
	uint64_t h = RMPSIM_FNV_OFFSET;

	for (size_t i = 0; runs && i < nruns; i++)
		h = rmpsim__hash_u64(h, runs[i].trace_hash);
	return h;
}
