/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer of hwloc XML topologies: the input is handed over as an in-memory
 * file (memfd); rmpsim's checks before the import, hwloc's import and
 * rmpsim's conversion run as rmpsim_topology_from_xml runs them; every
 * accepted machine satisfies the topology invariants (fuzz_topology_check.h)
 * and every refusal names the file and says why.
 *
 * rmpsim_topology_from_xml imports in a child process because hwloc 2.9
 * crashes on some malformed files (this fuzzer found them: an object without
 * complete_cpuset, bad cpuset strings). A fork costs ~15 ms on the CI
 * machine, so here hwloc's import runs in process: a crash inside hwloc is
 * caught (SIGSEGV/SIGBUS/SIGABRT -> siglongjmp), counted as an hwloc finding, and for
 * the first few inputs the real entry point is run to check that its child
 * contains the crash. A crash anywhere else is a finding of rmpsim's. Run
 * with ASAN_OPTIONS=handle_segv=0:detect_leaks=0 (an interrupted import
 * leaks hwloc's objects).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "machine/topology_hwloc.h"

#include "fuzz_driver.h"
#include "fuzz_topology_check.h"

static sigjmp_buf in_hwloc_jmp;
static volatile sig_atomic_t in_hwloc;
static unsigned long hwloc_crashes, contained_checked;

static const int crash_signals[3] = { SIGSEGV, SIGBUS, SIGABRT };
static struct sigaction crash_prev[3]; /* the driver's (it saves the input) or the default */

static void on_crash(int sig)
{
	if (in_hwloc)
		siglongjmp(in_hwloc_jmp, sig);
	for (int i = 0; i < 3; i++)
		if (crash_signals[i] == sig)
			sigaction(sig, &crash_prev[i], NULL);
	raise(sig);
}

static void report_hwloc_crashes(void)
{
	if (hwloc_crashes)
		printf("hwloc crashed on %lu inputs (contained by rmpsim's child process: %lu checked)\n",
		       hwloc_crashes, contained_checked);
}

/* Run hwloc's import as rmpsim does, catching a crash inside it: 1 = it crashed. */
static int hwloc_import(const char *path, hwloc_topology_t *ret_h, int *ret_ok)
{
	static hwloc_topology_t h;

	h = NULL;
	if (sigsetjmp(in_hwloc_jmp, 1)) {
		in_hwloc = 0;
		return 1;
	}
	in_hwloc = 1;
	*ret_ok = hwloc_topology_init(&h) == 0 && hwloc_topology_set_xml(h, path) == 0 &&
		  hwloc_topology_load(h) == 0;
	in_hwloc = 0;
	*ret_h = h;
	return 0;
}

static void fuzz_one(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct rmpsim_diag d = { 0 };
	struct rmpsim_topology *t = NULL;
	hwloc_topology_t h = NULL;
	int ok = 0;

	if (fd < 0) {
		struct sigaction sa = { 0 };
		sa.sa_handler = on_crash;
		sa.sa_flags = SA_NODEFER;
		/* hwloc asserts too (hwloc_bitmap_sscanf: count > 0): SIGABRT is caught as well. */
		for (int i = 0; i < 3; i++)
			sigaction(crash_signals[i], &sa, &crash_prev[i]);
		atexit(report_hwloc_crashes);
		fd = memfd_create("rmpsim-fuzz-xml", MFD_CLOEXEC);
		FUZZ_CHECK(fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	FUZZ_CHECK(ftruncate(fd, 0) == 0);
	FUZZ_CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
	int r = rmpsim__topology_xml_prescan(path, &d);
	if (r) {
		FUZZ_CHECK(r == -EINVAL && d.msg[0] && !strcmp(d.file, path));
		return;
	}
	if (hwloc_import(path, &h, &ok)) {
		hwloc_crashes++;
		if (contained_checked < 8) {
			contained_checked++;
			memset(&d, 0, sizeof(d));
			r = rmpsim_topology_from_xml(NULL, path, &d, &t);
			FUZZ_CHECK(r == -EINVAL && !t && strstr(d.msg, "hwloc stopped with signal"));
		}
		return;
	}
	if (ok) {
		r = rmpsim__topo_from_hwloc(rmpsim_allocator_default(), h, &d, &t);
		if (r == 0) {
			check_topology(t);
			rmpsim_topology_destroy(t);
		} else {
			FUZZ_CHECK((r == -EINVAL || r == -ENOMEM) && d.msg[0] && !t);
		}
	}
	if (h)
		hwloc_topology_destroy(h);
}
