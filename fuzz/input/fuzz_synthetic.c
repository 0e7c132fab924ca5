/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer of hwloc synthetic descriptions (rmpsim_topology_from_synthetic):
 * rmpsim's own pass over the text (topology_synthetic.c) and hwloc agree on
 * the CPU and node counts; every accepted machine is within the limits and
 * satisfies the topology invariants (fuzz_topology_check.h); every refusal
 * names a column; the machine built without hwloc is the one hwloc builds
 * (or both refuse the text). Machines of more than 256 CPUs are checked by the text pass
 * only, so that one execution stays far below a millisecond.
 */
#include <errno.h>

#include "machine/topology_hwloc.h"
#include "machine/topology_synthetic.h"

#include "fuzz_driver.h"
#include "fuzz_topology_check.h"

static void fuzz_one(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct rmpsim_synthetic_summary sum;
	struct rmpsim_diag d = { 0 }, d2 = { 0 };
	struct rmpsim_topology *t = NULL;

	if (!text)
		return;
	int r1 = rmpsim__synthetic_scan(text, &d, &sum);
	if (r1 == 0) {
		FUZZ_CHECK(sum.cpus >= 1 && sum.cpus <= RMPSIM_MAX_CPUS);
		FUZZ_CHECK(sum.nodes >= 1 && sum.nodes <= RMPSIM_MAX_NODES &&
			   sum.memory <= RMPSIM_MAX_MEMORY_BYTES);
	} else {
		FUZZ_CHECK(r1 == -EINVAL && d.msg[0] && d.line == 1 && d.col >= 1 &&
			   d.col <= strlen(text) + 1);
	}
	if (r1 == 0 && sum.cpus > 256) {
		free(text);
		return;
	}
	int r = rmpsim_topology_from_synthetic(NULL, text, &d2, &t);
	if (r1 != 0) {
		FUZZ_CHECK(r == r1 && !t);
	} else if (r == 0) {
		check_topology(t);
		FUZZ_CHECK(rmpsim_topology_ncpus(t) == sum.cpus && rmpsim_topology_nnodes(t) == sum.nodes);
	} else {
		FUZZ_CHECK((r == -EINVAL || r == -ENOMEM) && d2.msg[0] && !t);
	}
	/* The machine built without hwloc (issue 14) is hwloc's, or both refuse it. */
	if (r1 == 0 && r != -ENOMEM) {
		struct rmpsim_diag d3 = { 0 };
		struct rmpsim_topology *th = NULL;
		int rh = rmpsim__topology_from_synthetic_hwloc(NULL, text, &d3, &th);
		if (rh != -ENOMEM) {
			FUZZ_CHECK((rh == 0) == (r == 0));
			FUZZ_CHECK(rh != 0 || same_topology(t, th));
		}
		rmpsim_topology_destroy(th);
	}
	rmpsim_topology_destroy(t);
	free(text);
}
