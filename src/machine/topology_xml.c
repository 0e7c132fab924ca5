/* SPDX-License-Identifier: MIT */
/*
 * Topology from an hwloc XML file (topology.h), read in a child process.
 *
 * hwloc 2.9 (Debian 12) dereferences NULL on some malformed files: an object
 * whose complete_cpuset attribute is missing or misspelt crashes
 * hwloc_topology_load (found by fuzz/input/fuzz_xml). The file is untrusted
 * input (docs/threat-model.md), so the import runs in a forked child that
 * sends our flat copy back through a pipe: a crash or a hang there is an
 * error about the file, never a crash of rmpsim (A203). The child sends a
 * byte when hwloc is done with the file, so that a death after it (in
 * rmpsim's conversion) is reported as rmpsim's bug, not as the file's.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rmpsim/limits.h>

#include "base/alloc.h"
#include "topology_hwloc.h"
#include "topology_internal.h"

/* The child's time limit: a real 8192-CPU file imports in seconds. */
#define XML_IMPORT_SECONDS 60

/* Highest os_index accepted: hwloc sizes its bitmaps by it (os_index="4000000000" = 512 MiB each). */
#define XML_MAX_OS_INDEX 65535u
/* Longest <object ...> tag: an 8192-CPU machine's has cpusets of ~3 KB each. */
#define XML_MAX_TAG (64u << 10)

/* The value of attribute `name` in the tag [p, end) (p at its '<'), or NULL. */
static const char *tag_attr(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	/* From p + 1: an attribute follows a blank, never the '<' (found by libFuzzer: p[-1] was read). */
	for (p++; p + n + 2 < end; p++)
		if ((p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n') && !memcmp(p, name, n) && p[n] == '=' &&
		    p[n + 1] == '"')
			return p + n + 2;
	return NULL;
}

/* One <object ...> tag [p, end): counts PUs and NUMA nodes; each must have a small os_index. */
static int xml_object(const char *p, const char *end, unsigned long long count[2], struct rmpsim_diag *diag)
{
	static const char *const types[2] = { "PU\"", "NUMANode\"" };
	static const unsigned max[2] = { RMPSIM_MAX_CPUS, RMPSIM_MAX_NODES };
	static const char *const what[2] = { "PU objects (CPUs)", "NUMANode objects" };
	const char *type = tag_attr(p, end, "type");

	for (int k = 0; type && k < 2; k++) {
		size_t tl = strlen(types[k]);
		if ((size_t)(end - type) < tl || memcmp(type, types[k], tl))
			continue;
		if (++count[k] > max[k])
			return rmpsim_diag_fail(diag, -EINVAL, "more than %u %s", max[k], what[k]);
		/*
		 * Without os_index hwloc uses index 2^32 - 1 and sizes bitmaps by it (found
		 * by fuzz_xml: seconds and 512 MiB per object).
		 */
		const char *v = tag_attr(p, end, "os_index");
		unsigned long long idx = 0;
		if (!v || *v < '0' || *v > '9')
			return rmpsim_diag_fail(diag, -EINVAL, "a %.*s object without os_index", (int)tl - 1,
						types[k]);
		for (; v < end && *v >= '0' && *v <= '9' && idx <= XML_MAX_OS_INDEX; v++)
			idx = idx * 10 + (unsigned)(*v - '0');
		if (idx > XML_MAX_OS_INDEX)
			return rmpsim_diag_fail(diag, -EINVAL, "an os_index above %u", XML_MAX_OS_INDEX);
	}
	return 0;
}

/*
 * Before hwloc reads the file (its import is quadratic in the width of a
 * level, and its bitmaps are as large as the highest index): the file's size,
 * the number of PU and NUMANode objects and their os_index values, read from
 * the <object> tags of the text, within the limits of <rmpsim/limits.h>.
 */
static int xml_prescan(FILE *f, struct rmpsim_diag *diag)
{
	enum { BUF = 1u << 20 };
	unsigned long long count[2] = { 0, 0 }, total = 0;
	char *buf = malloc(BUF);
	size_t keep = 0, n;
	int r = 0;

	if (!buf)
		return rmpsim_diag_fail(diag, -ENOMEM, "out of memory");
	while (!r && ((n = fread(buf + keep, 1, BUF - keep, f)) > 0 || keep)) {
		size_t len = keep + n, i = 0;

		total += n;
		if (total > RMPSIM_MAX_XML_BYTES) {
			r = rmpsim_diag_fail(diag, -EINVAL, "the file is larger than %llu MiB",
					     RMPSIM_MAX_XML_BYTES >> 20);
			break;
		}
		for (; !r && i + 7 <= len; i++) {
			if (buf[i] != '<' || memcmp(buf + i, "<object", 7))
				continue;
			const char *end = memchr(buf + i, '>', len - i);
			if (!end && n && len - i < XML_MAX_TAG)
				break; /* the tag ends in the next read */
			if (!end || (size_t)(end - (buf + i)) > XML_MAX_TAG)
				r = rmpsim_diag_fail(diag, -EINVAL,
						     "an <object> tag longer than %u KiB or unfinished",
						     XML_MAX_TAG >> 10);
			else
				r = xml_object(buf + i, end, count, diag);
		}
		if (!n)
			break;
		/* Carry an unfinished tag (or the last few bytes) to the next read. */
		keep = len - (i < len ? i : len);
		memmove(buf, buf + len - keep, keep);
	}
	if (!r && ferror(f))
		r = rmpsim_diag_fail(diag, -EIO, "cannot read the file");
	free(buf);
	return r;
}

/* What the child sends first; the arrays follow when r == 0. */
struct xml_reply {
	int r;
	bool hwloc_refused; /* r is hwloc's refusal of the file, not rmpsim's of what it read */
	unsigned ncores, nnodes, npackages, tpc, nl3;
	struct rmpsim_diag diag;
};

static int write_all(int fd, const void *p, size_t n)
{
	for (const char *c = p; n;) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -EIO;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n)
{
	for (char *c = p; n;) {
		ssize_t r = read(fd, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -EIO;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

int rmpsim__topology_xml_hwloc_load(const char *path, hwloc_topology_t *ret_h, struct rmpsim_diag *diag)
{
	hwloc_topology_t h;

	*ret_h = NULL;
	if (hwloc_topology_init(&h) < 0)
		return rmpsim_diag_fail(diag, -ENOMEM, "out of memory");
	if (hwloc_topology_set_xml(h, path) < 0 || hwloc_topology_load(h) < 0) {
		hwloc_topology_destroy(h);
		return rmpsim_diag_fail(diag, -EINVAL,
					"not a valid hwloc topology XML file (lstopo --of xml)");
	}
	*ret_h = h;
	return 0;
}

/* The byte the child sends once hwloc is done with the file: a death after it is rmpsim's own. */
static const char hwloc_done = 'H';

/* In the child: import, convert, send; never returns. */
void (*rmpsim__xml_child_after_hwloc)(void);

static void child_import(const char *path, int fd)
{
	struct xml_reply rep = { 0 };
	struct rmpsim_topology *t = NULL;
	hwloc_topology_t h;

	/* The parent's handlers (a test framework's, a sanitizer's) must not run here: die plainly. */
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGALRM };
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		signal(fatal[i], SIG_DFL);
	alarm(XML_IMPORT_SECONDS);
	rep.r = rmpsim__topology_xml_hwloc_load(path, &h, &rep.diag);
	rep.hwloc_refused = rep.r != 0;
	if (write_all(fd, &hwloc_done, 1))
		_exit(1);
	if (rmpsim__xml_child_after_hwloc)
		rmpsim__xml_child_after_hwloc();
	if (rep.r == 0)
		rep.r = rmpsim__topo_from_hwloc(rmpsim_allocator_default(), h, &rep.diag, &t);
	if (rep.r == 0) {
		rep.ncores = t->ncores;
		rep.nnodes = t->nnodes;
		rep.npackages = t->npackages;
		rep.tpc = t->tpc;
		rep.nl3 = t->nl3;
	}
	int ok = write_all(fd, &rep, sizeof(rep)) == 0;
	if (ok && rep.r == 0)
		ok = !write_all(fd, t->core_node, t->ncores * sizeof(*t->core_node)) &&
		     !write_all(fd, t->core_l3, t->ncores * sizeof(*t->core_l3)) &&
		     !write_all(fd, t->node_mem, t->nnodes * sizeof(*t->node_mem)) &&
		     !write_all(fd, t->node_pkg, t->nnodes * sizeof(*t->node_pkg)) &&
		     !write_all(fd, t->l3_node, t->nl3 * sizeof(*t->l3_node)) &&
		     !write_all(fd, t->l3_ncores, t->nl3 * sizeof(*t->l3_ncores));
	_exit(ok ? 0 : 1);
}

/* In the parent: the child's topology, rebuilt with the caller's allocator. */
static int receive(const struct rmpsim_allocator *a, int fd, struct rmpsim_diag *diag,
		   struct rmpsim_topology **ret_topo, bool *hwloc_refused)
{
	struct xml_reply rep;
	struct rmpsim_topology *t = NULL;
	char stage;
	int r;

	/* The child died (the caller says how): inside hwloc (1), or after it, in rmpsim's code (2). */
	if (read_all(fd, &stage, 1) || stage != hwloc_done)
		return 1;
	if (read_all(fd, &rep, sizeof(rep)))
		return 2;
	if (rep.r) {
		*hwloc_refused = rep.hwloc_refused;
		rep.diag.msg[sizeof(rep.diag.msg) - 1] = '\0';
		return rmpsim_diag_fail(diag, rep.r, "%s", rep.diag.msg);
	}
	/* Our own child, but a reply is checked like any input. */
	if (!rep.ncores || rep.ncores > RMPSIM_MAX_CPUS || !rep.nnodes || rep.nnodes > RMPSIM_MAX_NODES ||
	    !rep.tpc || (uint64_t)rep.ncores * rep.tpc > RMPSIM_MAX_CPUS || !rep.nl3 || rep.nl3 > rep.ncores)
		return rmpsim_diag_fail(diag, -EIO, "the topology import sent a malformed reply");
	r = rmpsim__topo_alloc(a, rep.ncores, rep.nnodes, &t);
	if (r == 0)
		r = rmpsim__topo_alloc_l3(t, rep.nl3);
	if (r == 0 && (read_all(fd, t->core_node, t->ncores * sizeof(*t->core_node)) ||
		       read_all(fd, t->core_l3, t->ncores * sizeof(*t->core_l3)) ||
		       read_all(fd, t->node_mem, t->nnodes * sizeof(*t->node_mem)) ||
		       read_all(fd, t->node_pkg, t->nnodes * sizeof(*t->node_pkg)) ||
		       read_all(fd, t->l3_node, t->nl3 * sizeof(*t->l3_node)) ||
		       read_all(fd, t->l3_ncores, t->nl3 * sizeof(*t->l3_ncores))))
		r = rmpsim_diag_fail(diag, -EIO, "the topology import sent a short reply");
	if (r) {
		rmpsim_topology_destroy(t);
		return r;
	}
	t->npackages = rep.npackages;
	t->tpc = rep.tpc;
	t->ncpus = t->ncores * t->tpc;
	*ret_topo = t;
	return 0;
}

/* Open and pre-scan the file (both import paths). */
static int xml_open_and_scan(const char *path, struct rmpsim_diag *diag)
{
	FILE *f;
	int r;

	rmpsim_diag_at(diag, path, 0, 0);
	f = path ? fopen(path, "r") : NULL;
	if (!f)
		return rmpsim_diag_fail(diag, -ENOENT, "cannot open the topology XML file");
	r = xml_prescan(f, diag);
	fclose(f);
	return r;
}

int rmpsim__topology_xml_prescan(const char *path, struct rmpsim_diag *diag)
{
	return xml_open_and_scan(path, diag);
}

int rmpsim__topology_from_xml_stage(const struct rmpsim_allocator *a, const char *path,
				    struct rmpsim_diag *diag, struct rmpsim_topology **ret_topo,
				    enum rmpsim__xml_stage *ret_stage)
{
	int fds[2], status = 0, r;
	pid_t pid;
	enum rmpsim__xml_stage dummy;
	enum rmpsim__xml_stage *stage = ret_stage ? ret_stage : &dummy;
	bool hwloc_refused = false;

	*stage = RMPSIM__XML_PRESCAN;
	a = rmpsim__alloc_or_default(a);
	if (!ret_topo)
		return -EINVAL;
	r = xml_open_and_scan(path, diag);
	if (r < 0)
		return r;
	*stage = RMPSIM__XML_NOT_STARTED;
	if (pipe(fds))
		return rmpsim_diag_fail(diag, -errno, "cannot start the topology import: %s",
					strerror(errno));
	fflush(NULL); /* nothing buffered is written twice */
	pid = fork();
	if (pid < 0) {
		int err = errno;
		close(fds[0]);
		close(fds[1]);
		return rmpsim_diag_fail(diag, err == ENOMEM ? -ENOMEM : -EAGAIN,
					"cannot start the topology import: %s", strerror(err));
	}
	if (pid == 0) {
		close(fds[0]);
		child_import(path, fds[1]);
	}
	close(fds[1]);
	r = receive(a, fds[0], diag, ret_topo, &hwloc_refused);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	*stage = r == 1		 ? RMPSIM__XML_HWLOC_DIED
		 : hwloc_refused ? RMPSIM__XML_HWLOC_REFUSED
				 : RMPSIM__XML_CONVERTED;
	if (r == 2) {
		/* hwloc had read the file: rmpsim's own code died, never the file's fault (fuzz_xml's to find). */
		rmpsim_diag_fail(
			diag, -EIO,
			"the topology import stopped with signal %d (%s) after hwloc had read the file: a "
			"bug in rmpsim, please report it",
			sig, sig ? strsignal(sig) : "no reply");
		rmpsim_diag_set_class(diag, RMPSIM_ERR_INTERNAL);
		return -EIO;
	}
	if (r == 1) {
		if (sig == SIGALRM)
			return rmpsim_diag_fail(diag, -EINVAL,
						"hwloc took more than %d s to read the file: not a usable "
						"topology XML file",
						XML_IMPORT_SECONDS);
		return rmpsim_diag_fail(diag, -EINVAL,
					"hwloc stopped with signal %d (%s) reading the file: not a valid "
					"topology XML file (lstopo --of xml)",
					sig, sig ? strsignal(sig) : "no reply");
	}
	return r;
}

int rmpsim_topology_from_xml(const struct rmpsim_allocator *a, const char *path, struct rmpsim_diag *diag,
			     struct rmpsim_topology **ret_topo)
{
	return rmpsim__topology_from_xml_stage(a, path, diag, ret_topo, NULL);
}
