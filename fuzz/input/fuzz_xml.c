/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer of hwloc XML topologies: the input is handed over as an in-memory
 * file (memfd) to rmpsim_topology_from_xml, which runs hwloc's import in a
 * child process (A203) because hwloc 2.9 crashes on some malformed files
 * (NULL dereferences, asserts, and under ASan a double free inside
 * hwloc_topology_load: all found by this fuzzer). A crash there is hwloc
 * refusing the file, as it is for rmpsim's users; no sanitizer can stop a
 * process after its own report, so only a child can contain it.
 *
 * rmpsim's own code stays in this process, under ASan, UBSan and
 * LeakSanitizer with every check on and under libFuzzer's coverage: the
 * pre-scan; then, for every file that hwloc survived in the child, hwloc's
 * import again here (the same file: it survives again) and rmpsim's
 * conversion, whose result must be the child's, topology for topology or
 * message for message. A death of the child after hwloc had read the file
 * is rmpsim's (the import says so: -EIO, class internal) and a finding, as
 * is a crash here. Every accepted machine satisfies the topology invariants
 * (fuzz_topology_check.h); every refusal names the file and says why.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "machine/topology_hwloc.h"

#include "fuzz_driver.h"
#include "fuzz_topology_check.h"

static unsigned long hwloc_deaths;

static void report_hwloc_deaths(void)
{
	if (hwloc_deaths)
		printf("hwloc died on %lu inputs in rmpsim's import child (refused as files, as rmpsim "
		       "refuses them)\n",
		       hwloc_deaths);
}

/* The sanitizers' hook, when linked in: libFuzzer sets it to save the input as a crash. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

/*
 * In the import's child: hwloc's crash is not a finding, so libFuzzer must not
 * save the input as one, and hwloc's sanitizer reports would bury the log.
 */
static void quiet_child(void)
{
	int null = open("/dev/null", O_WRONLY);

	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(NULL);
	if (null >= 0)
		dup2(null, STDERR_FILENO);
}

/* rmpsim's conversion of a file hwloc survived, here; it must agree with the child's (r, t, d). */
static void convert_here(const char *path, int r, const struct rmpsim_topology *t,
			 const struct rmpsim_diag *d)
{
	struct rmpsim_diag d2 = { 0 };
	struct rmpsim_topology *t2 = NULL;
	hwloc_topology_t h;
	int r2 = rmpsim__topology_xml_hwloc_load(path, &h, &d2);

	if (r2 == 0) {
		r2 = rmpsim__topo_from_hwloc(rmpsim_allocator_default(), h, &d2, &t2);
		hwloc_topology_destroy(h);
	}
	FUZZ_CHECK(r2 == r);
	if (r2 == 0) {
		check_topology(t2);
		FUZZ_CHECK(same_topology(t, t2));
		rmpsim_topology_destroy(t2);
	} else {
		FUZZ_CHECK(!t2 && !strcmp(d2.msg, d->msg));
	}
}

static void fuzz_one(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct rmpsim_diag d = { 0 };
	struct rmpsim_topology *t = NULL;

	if (fd < 0) {
		FUZZ_CHECK(pthread_atfork(NULL, NULL, quiet_child) == 0);
		atexit(report_hwloc_deaths);
		fd = memfd_create("rmpsim-fuzz-xml", MFD_CLOEXEC);
		FUZZ_CHECK(fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	FUZZ_CHECK(ftruncate(fd, 0) == 0);
	FUZZ_CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
	/* What the pre-scan refuses, hwloc never reads (not even in the child). */
	int r = rmpsim__topology_xml_prescan(path, &d);
	if (r) {
		FUZZ_CHECK(r == -EINVAL && d.msg[0] && !strcmp(d.file, path));
		return;
	}
	memset(&d, 0, sizeof(d));
	/* hwloc died in the child (signal or time limit), or refused the file:
	 * no rmpsim code ran after it to run here (and hwloc 2.9 leaks its
	 * half-built objects on some refusals, "no NUMA node, aborting"). The
	 * import says how far it got, not in words a rewording would change. */
	enum rmpsim__xml_stage stage;
	r = rmpsim__topology_from_xml_stage(NULL, path, &d, &t, &stage);
	FUZZ_CHECK(stage != RMPSIM__XML_PRESCAN);
	if (stage == RMPSIM__XML_NOT_STARTED)
		return; /* no fork: the machine's limits, not the input's */
	if (stage == RMPSIM__XML_HWLOC_DIED || stage == RMPSIM__XML_HWLOC_REFUSED) {
		FUZZ_CHECK(r == -EINVAL && !t && !strcmp(d.file, path));
		hwloc_deaths += stage == RMPSIM__XML_HWLOC_DIED;
		return;
	}
	/* hwloc read the file in the child: rmpsim's part again here (a crash of the child's shows here too). */
	convert_here(path, r, t, &d);
	if (r == 0) {
		check_topology(t);
		rmpsim_topology_destroy(t);
	} else {
		FUZZ_CHECK((r == -EINVAL || r == -ENOMEM) && d.msg[0] && !t && !strcmp(d.file, path));
	}
}
