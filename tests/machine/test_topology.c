/* SPDX-License-Identifier: MIT */
/* Topology (issue 4 point 1): hwloc input, Linux CPU numbering, bad input. */
#include <fcntl.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/topology.h>

#include "failing_alloc.h"

#define FUZZ_CHECK(x) assert_true(x)
#include "../../fuzz/input/fuzz_topology_check.h"
#include "machine/topology_hwloc.h"
#include "machine/topology_synthetic.h"

#define GIB (1ull << 30)

#ifndef PROFILES_DIR
#error "PROFILES_DIR must name profiles/machines"
#endif

/* Write `text` to a new temporary file; returns its path in buf. */
static void write_temp(char *buf, const char *text, size_t len)
{
	int fd = mkstemp(buf);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/* Write the text (without its NUL) to fd. */
static void put_text(int fd, const char *text)
{
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void default_machine_is_design_1(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;

	assert_int_equal(rmpsim_topology_default(NULL, &t), 0);
	/* design.md 1: 2 sockets, NPS2, 512 cores x 2 threads = 1024 CPUs, 2 TiB. */
	assert_int_equal(rmpsim_topology_ncpus(t), 1024);
	assert_int_equal(rmpsim_topology_ncores(t), 512);
	assert_int_equal(rmpsim_topology_nnodes(t), 4);
	assert_int_equal(rmpsim_topology_npackages(t), 2);
	assert_int_equal(rmpsim_topology_threads_per_core(t), 2);
	ASSERT_EQ(rmpsim_topology_total_memory(t), 2048 * GIB);
	for (unsigned n = 0; n < 4; n++) {
		ASSERT_EQ(rmpsim_topology_node_memory(t, n), 512 * GIB);
		assert_int_equal(rmpsim_topology_node_package(t, n), n / 2);
	}
	/* topology.h: 4 L3 groups of 32 cores per node (Zen 6c "Venice" CCDs). */
	assert_int_equal(rmpsim_topology_nl3(t), 16);
	for (unsigned g = 0; g < 16; g++) {
		assert_int_equal(rmpsim_topology_l3_ncores(t, g), 32);
		assert_int_equal(rmpsim_topology_l3_node(t, g), g / 4);
	}
	/* Core c is in group c / 32; its second thread (CPU c + 512) too. */
	assert_int_equal(rmpsim_topology_cpu_l3(t, 31), 0);
	assert_int_equal(rmpsim_topology_cpu_l3(t, 32), 1);
	assert_int_equal(rmpsim_topology_cpu_l3(t, 511), 15);
	assert_int_equal(rmpsim_topology_cpu_l3(t, 512 + 33), 1);
	assert_int_equal(rmpsim_topology_cpu_l3(t, 1023), 15);
	/* Out of range. */
	assert_int_equal(rmpsim_topology_cpu_l3(t, 1024), 0);
	assert_int_equal(rmpsim_topology_l3_node(t, 16), 0);
	assert_int_equal(rmpsim_topology_l3_ncores(t, 16), 0);
	rmpsim_topology_destroy(t);
}

/* The built-in machine equals hwloc's reading of its synthetic description. */
static void default_equals_hwloc_synthetic(void **state)
{
	(void)state;
	struct rmpsim_topology *d = NULL, *h = NULL;
	struct rmpsim_diag diag = { 0 };

	assert_int_equal(rmpsim_topology_default(NULL, &d), 0);
	assert_int_equal(rmpsim_topology_from_synthetic(NULL, RMPSIM_TOPOLOGY_DEFAULT_SYNTHETIC, &diag, &h),
			 0);
	assert_int_equal(rmpsim_topology_ncpus(h), rmpsim_topology_ncpus(d));
	assert_int_equal(rmpsim_topology_nnodes(h), rmpsim_topology_nnodes(d));
	assert_int_equal(rmpsim_topology_npackages(h), rmpsim_topology_npackages(d));
	assert_int_equal(rmpsim_topology_nl3(h), rmpsim_topology_nl3(d));
	for (unsigned n = 0; n < rmpsim_topology_nnodes(d); n++)
		ASSERT_EQ(rmpsim_topology_node_memory(h, n), rmpsim_topology_node_memory(d, n));
	for (unsigned g = 0; g < rmpsim_topology_nl3(d); g++) {
		assert_int_equal(rmpsim_topology_l3_node(h, g), rmpsim_topology_l3_node(d, g));
		assert_int_equal(rmpsim_topology_l3_ncores(h, g), rmpsim_topology_l3_ncores(d, g));
	}
	for (unsigned c = 0; c < rmpsim_topology_ncpus(d); c++) {
		assert_int_equal(rmpsim_topology_cpu_l3(h, c), rmpsim_topology_cpu_l3(d, c));
		assert_int_equal(rmpsim_topology_cpu_core(h, c), rmpsim_topology_cpu_core(d, c));
		assert_int_equal(rmpsim_topology_cpu_node(h, c), rmpsim_topology_cpu_node(d, c));
		assert_int_equal(rmpsim_topology_cpu_package(h, c), rmpsim_topology_cpu_package(d, c));
		assert_int_equal(rmpsim_topology_cpu_is_primary(h, c), rmpsim_topology_cpu_is_primary(d, c));
	}
	rmpsim_topology_destroy(d);
	rmpsim_topology_destroy(h);
}

/* Linux on AMD: first threads of all cores first, then the siblings. */
static void linux_cpu_numbering(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	unsigned sib[4];

	assert_int_equal(rmpsim_topology_default(NULL, &t), 0);
	/* CPU 5 and CPU 517 are the two threads of core 5. */
	assert_int_equal(rmpsim_topology_cpu_siblings(t, 5, sib, 4), 2);
	assert_int_equal(sib[0], 5);
	assert_int_equal(sib[1], 517);
	assert_int_equal(rmpsim_topology_cpu_siblings(t, 517, sib, 4), 2);
	assert_int_equal(sib[0], 5);
	assert_int_equal(sib[1], 517);
	assert_true(rmpsim_topology_cpu_is_primary(t, 0));
	assert_true(rmpsim_topology_cpu_is_primary(t, 511));
	assert_false(rmpsim_topology_cpu_is_primary(t, 512));
	assert_false(rmpsim_topology_cpu_is_primary(t, 1023));
	assert_int_equal(rmpsim_topology_cpu_core(t, 1023), 511);
	assert_int_equal(rmpsim_topology_cpu_thread(t, 1023), 1);
	assert_int_equal(rmpsim_topology_core_cpu(t, 511, 1), 1023);
	assert_int_equal(rmpsim_topology_core_cpu(t, 512, 0), 1024); /* none */
	/* 128 cores per node, 2 nodes per package, in order. */
	assert_int_equal(rmpsim_topology_cpu_node(t, 127), 0);
	assert_int_equal(rmpsim_topology_cpu_node(t, 128), 1);
	assert_int_equal(rmpsim_topology_cpu_node(t, 128 + 512), 1);
	assert_int_equal(rmpsim_topology_cpu_package(t, 255), 0);
	assert_int_equal(rmpsim_topology_cpu_package(t, 256), 1);
	assert_int_equal(rmpsim_topology_cpu_package(t, 1023), 1);
	/* Every core has exactly one primary thread, and it is CPU core. */
	for (unsigned c = 0; c < 1024; c++)
		assert_int_equal(rmpsim_topology_cpu_is_primary(t, c), rmpsim_topology_cpu_thread(t, c) == 0);
	rmpsim_topology_destroy(t);
}

static void synthetic_numa_level_form(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_diag diag = { 0 };

	/* NUMA as a level with memory in parentheses; 1 thread per core. */
	assert_int_equal(
		rmpsim_topology_from_synthetic(NULL, "pack:2 numa:2(memory=8GiB) core:3 pu:1", &diag, &t), 0);
	assert_int_equal(rmpsim_topology_ncpus(t), 12);
	assert_int_equal(rmpsim_topology_nnodes(t), 4);
	assert_int_equal(rmpsim_topology_threads_per_core(t), 1);
	ASSERT_EQ(rmpsim_topology_node_memory(t, 3), 8 * GIB);
	assert_int_equal(rmpsim_topology_cpu_node(t, 11), 3);
	assert_int_equal(rmpsim_topology_cpu_package(t, 6), 1);
	/* No L3 objects: each node is one L3 group (A200). */
	assert_int_equal(rmpsim_topology_nl3(t), 4);
	assert_int_equal(rmpsim_topology_cpu_l3(t, 11), 3);
	assert_int_equal(rmpsim_topology_l3_ncores(t, 3), 3);
	rmpsim_topology_destroy(t);
}

/* hwloc L3Cache objects from `l3:N` become L3 groups, numbered in core order. */
static void synthetic_l3_groups(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_diag diag = { 0 };

	/* 2 nodes x 3 L3 x 2 cores x 2 threads: 12 cores, 24 CPUs. */
	assert_int_equal(rmpsim_topology_from_synthetic(NULL, "pack:2 [numa(memory=4GiB)] l3:3 core:2 pu:2",
							&diag, &t),
			 0);
	assert_int_equal(rmpsim_topology_ncpus(t), 24);
	assert_int_equal(rmpsim_topology_nl3(t), 6);
	for (unsigned cpu = 0; cpu < 24; cpu++)
		assert_int_equal(rmpsim_topology_cpu_l3(t, cpu), (cpu % 12) / 2);
	for (unsigned g = 0; g < 6; g++) {
		assert_int_equal(rmpsim_topology_l3_ncores(t, g), 2);
		assert_int_equal(rmpsim_topology_l3_node(t, g), g / 3);
	}
	/* The CPU numbering does not depend on the L3 level: primaries first. */
	assert_true(rmpsim_topology_cpu_is_primary(t, 11));
	assert_false(rmpsim_topology_cpu_is_primary(t, 12));
	assert_int_equal(rmpsim_topology_cpu_core(t, 17), 5);
	rmpsim_topology_destroy(t);

	/* Several nodes under one L3: the group has no single home node. */
	memset(&diag, 0, sizeof(diag));
	t = NULL;
	assert_int_equal(rmpsim_topology_from_synthetic(
				 NULL, "pack:1 l3:1 group:2 [numa(memory=1GiB)] core:2 pu:1", &diag, &t),
			 -EINVAL);
	assert_null(t);
	if (!strstr(diag.msg, "spans NUMA nodes"))
		fail_msg("message '%s'", diag.msg);
}

static void regular_l3_groups(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL, *c = NULL;

	/* 2 packages x 2 nodes x 3 L3 x 5 cores x 2 threads = 60 cores. */
	assert_int_equal(rmpsim_topology_regular_l3(NULL, 2, 2, 3, 5, 2, 4 * GIB, &t), 0);
	assert_int_equal(rmpsim_topology_ncores(t), 60);
	assert_int_equal(rmpsim_topology_ncpus(t), 120);
	assert_int_equal(rmpsim_topology_nl3(t), 12);
	assert_int_equal(rmpsim_topology_cpu_l3(t, 14), 2);
	assert_int_equal(rmpsim_topology_cpu_l3(t, 15), 3);
	assert_int_equal(rmpsim_topology_cpu_l3(t, 60 + 59), 11);
	assert_int_equal(rmpsim_topology_l3_node(t, 5), 1);
	assert_int_equal(rmpsim_topology_l3_node(t, 6), 2);
	assert_int_equal(rmpsim_topology_l3_ncores(t, 11), 5);
	assert_int_equal(rmpsim_topology_cpu_node(t, 29), 1);
	assert_int_equal(rmpsim_topology_cpu_node(t, 30), 2);

	/* A copy keeps the groups, with and without SMT. */
	assert_int_equal(rmpsim_topology_copy(NULL, t, false, &c), 0);
	assert_int_equal(rmpsim_topology_ncpus(c), 60);
	assert_int_equal(rmpsim_topology_nl3(c), 12);
	for (unsigned cpu = 0; cpu < 60; cpu++)
		assert_int_equal(rmpsim_topology_cpu_l3(c, cpu), rmpsim_topology_cpu_l3(t, cpu));
	for (unsigned g = 0; g < 12; g++) {
		assert_int_equal(rmpsim_topology_l3_node(c, g), rmpsim_topology_l3_node(t, g));
		assert_int_equal(rmpsim_topology_l3_ncores(c, g), rmpsim_topology_l3_ncores(t, g));
	}
	assert_int_equal(rmpsim_topology_cpu_l3(c, 60), 0); /* out of range without SMT */
	rmpsim_topology_destroy(c);
	rmpsim_topology_destroy(t);

	/* rmpsim_topology_regular: one group per node. */
	assert_int_equal(rmpsim_topology_regular(NULL, 1, 2, 3, 1, GIB, &t), 0);
	assert_int_equal(rmpsim_topology_nl3(t), 2);
	assert_int_equal(rmpsim_topology_l3_ncores(t, 1), 3);
	assert_int_equal(rmpsim_topology_cpu_l3(t, 4), 1);
	rmpsim_topology_destroy(t);

	t = NULL;
	assert_int_equal(rmpsim_topology_regular_l3(NULL, 1, 1, 0, 4, 1, GIB, &t), -EINVAL);
	assert_int_equal(rmpsim_topology_regular_l3(NULL, 1, 1, 4, 0, 1, GIB, &t), -EINVAL);
	assert_null(t);
}

static void expect_synthetic_error(const char *desc, unsigned col, const char *needle)
{
	struct rmpsim_topology *t = (struct rmpsim_topology *)0x1;
	struct rmpsim_diag diag = { 0 };

	assert_int_equal(rmpsim_topology_from_synthetic(NULL, desc, &diag, &t), -EINVAL);
	assert_ptr_equal(t, (struct rmpsim_topology *)0x1); /* ret_ untouched */
	if (col && diag.col != col)
		fail_msg("'%s': column %u, expected %u (%s)", desc, diag.col, col, diag.msg);
	if (!strstr(diag.msg, needle))
		fail_msg("'%s': message '%s' lacks '%s'", desc, diag.msg, needle);
}

static void synthetic_errors_name_the_column(void **state)
{
	(void)state;
	expect_synthetic_error("pack:2 bogus:2 core:2 pu:2", 8, "unknown object type 'bogus'");
	expect_synthetic_error("pack:2 core:x pu:2", 13, "positive integer");
	expect_synthetic_error("pack:2 core:0 pu:2", 13, "positive integer");
	expect_synthetic_error("pack:2 core pu:2", 12, "expected ':<count>'");
	expect_synthetic_error("pack:2 [numa(memory=1GiB) core:2 pu:2", 8, "unbalanced");
	expect_synthetic_error("   ", 1, "empty");
	expect_synthetic_error("", 1, "empty");
	expect_synthetic_error("pu:2 core:2", 6, "after the pu level");
	expect_synthetic_error("pack:1 numa:1 numa:2 core:1 pu:1", 15, "'numa' is a level twice");
	/* Semantic checks after hwloc. */
	expect_synthetic_error("pack:1 [numa(memory=1MiB)] core:2 pu:2", 0, "less than 2 MiB");
}

/*
 * Issue 10 point 2: every reproducer is refused from the text, before hwloc
 * imports anything (each used to run for minutes or for ever).
 * covers: A201 (the limits), A202 (memory=0 and a bare [numa] refused)
 */
static void synthetic_limits_before_import(void **state)
{
	(void)state;
	char longdesc[RMPSIM_MAX_SYNTHETIC_LEN + 2];
	char deep[400] = "";

	expect_synthetic_error("pack:1000 core:1000 pu:1000", 11, "more than 8192");
	expect_synthetic_error("pack:1000000 pu:1000000", 1, "more than 8192");
	expect_synthetic_error("pack:1000 numa:2(memory=8GiB) core:16 pu:2", 11, "more than 1024 NUMA nodes");
	expect_synthetic_error("core:32768 pu:2", 1, "more than 8192");
	expect_synthetic_error("pack:1 [numa(memory=4GiB)] core:8193 pu:1", 28, "more than 8192");
	/* Found by a fuzzer: digits glued to an attached node. */
	expect_synthetic_error("group:5 [numa(memory=4GiB)]30404", 9, "expected [numa(memory=SIZE)]");
	/* numa(memory=0) used to become 1 GiB silently; no memory at all is refused too. */
	expect_synthetic_error("pack:1 [numa(memory=0)] core:1 pu:1", 21, "less than 2 MiB");
	expect_synthetic_error("pack:2 numa:2(memory=0) core:1 pu:1", 22, "less than 2 MiB");
	expect_synthetic_error("pack:1 [numa] core:1 pu:1", 8, "no memory=SIZE");
	/* Attributes hwloc ignores or misreads. */
	expect_synthetic_error("pack:2(memory=4GiB) [numa(memory=1GiB)] core:1 pu:1", 8,
			       "attribute 'memory' is not supported");
	expect_synthetic_error("pack:1 [numa(memory=2GiB)] core:2 pu:2(indexes=1,0)", 40,
			       "attribute 'indexes' is not supported");
	expect_synthetic_error("pack:1 [numa(memory=010GiB)] pu:1", 21, "expected a size");
	expect_synthetic_error("pack:1 [numa(memory=0x10GiB)] pu:1", 21, "expected a size");
	expect_synthetic_error("pack:1 [numa(memory=99999999999999999999)] pu:1", 21, "too large");
	expect_synthetic_error("pack:1 [numa(memory=65TiB)] pu:1", 21, "64 TiB");
	expect_synthetic_error("pack:2 [numa(memory=40TiB)] core:1 pu:1", 8, "more than 64 TiB");
	/* hwloc asserts (aborts) on a memory-side cache used as a level. */
	expect_synthetic_error("pack:1 [numa(memory=2GiB)] memcache:2 pu:1", 28,
			       "unknown object type 'memcache'");
	expect_synthetic_error("pack:1 [numa(memory=2GiB)] [pu] pu:1", 29, "cannot be attached memory");
	expect_synthetic_error("pack:2 core:2", 14, "must end with a pu level");
	/* Found by fuzz_synthetic: hwloc reads a type by its prefix, and leaks memory on a repeated level. */
	expect_synthetic_error("pack:1 core335:2 pu:2", 8, "unknown object type 'core335'");
	expect_synthetic_error("pack:1 [numa(memory=2GiB)] core:2 core:2 pu:2", 35, "is a level twice");
	expect_synthetic_error("pack:1 [numa(memory=2GiB)] core:2 pack:2 pu:2", 35, "is a level twice");
	/* hwloc accepts caches in any order and below the core: another machine than the one meant. */
	expect_synthetic_error("pack:1 [numa(memory=2GiB)] core:2 l3:2 pu:2", 35, "below core or pu");
	expect_synthetic_error("pack:1 [numa(memory=2GiB)] l2:2 l3:2 pu:2", 33, "below a smaller cache");
	/* NUMA nodes both attached and as a level: hwloc refuses and leaks (found by libFuzzer). */
	expect_synthetic_error("pack:9 [numa(memory=3000MB)] l2:2 l1d:1 node:1 pu:1", 41,
			       "use either numa:N or");
	expect_synthetic_error("pack:2 numa:2 [numa(memory=1GiB)] core:1 pu:1", 15, "use either numa:N or");
	memset(longdesc, ' ', sizeof(longdesc) - 1);
	longdesc[sizeof(longdesc) - 1] = '\0';
	memcpy(longdesc, "pu:1", 4);
	expect_synthetic_error(longdesc, 1, "longer than 4096 bytes");
	for (int i = 0; i < 33; i++)
		strcat(deep, "group:1 ");
	strcat(deep, "pu:1");
	expect_synthetic_error(deep, 8 * 32 + 1, "more than 32 tokens");
}

/* The limits are high enough for the largest machines: 8192 CPUs and 16 TiB run. */
static void synthetic_largest_machine_is_accepted(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_diag diag = { 0 };

	assert_int_equal(rmpsim_topology_from_synthetic(
				 NULL, "pack:2 group:2 [numa(memory=4TiB)] l3:32 core:32 pu:2", &diag, &t),
			 0);
	assert_int_equal(rmpsim_topology_ncpus(t), RMPSIM_MAX_CPUS);
	ASSERT_EQ(rmpsim_topology_total_memory(t), 16384 * GIB);
	assert_int_equal(rmpsim_topology_nl3(t), 128);
	rmpsim_topology_destroy(t);
	/* Units as hwloc reads them, and the regular builder's limits. */
	/* covers: A202 (a numa level without memory= gets hwloc's 1 GiB) */
	assert_int_equal(rmpsim_topology_from_synthetic(NULL, "pack:2 numa:2 core:1 pu:1", &diag, &t), 0);
	ASSERT_EQ(rmpsim_topology_total_memory(t), 4 * GIB);
	rmpsim_topology_destroy(t);
	/* covers: A202 (no NUMA token at all: one node of hwloc's 1 GiB) */
	assert_int_equal(rmpsim_topology_from_synthetic(NULL, "pack:2 core:4 pu:2", &diag, &t), 0);
	assert_int_equal(rmpsim_topology_nnodes(t), 1);
	assert_int_equal(rmpsim_topology_ncpus(t), 16);
	ASSERT_EQ(rmpsim_topology_total_memory(t), GIB);
	rmpsim_topology_destroy(t);
	assert_int_equal(rmpsim_topology_from_synthetic(NULL, "pack:1 [numa(memory=3000MB)] pu:1", &diag, &t),
			 0);
	ASSERT_EQ(rmpsim_topology_node_memory(t, 0), 3000000000ull - 3000000000ull % (2u << 20));
	rmpsim_topology_destroy(t);
	t = NULL;
	assert_int_equal(rmpsim_topology_regular(NULL, 1, 1025, 1, 1, GIB, &t), -EINVAL);      /* nodes */
	assert_int_equal(rmpsim_topology_regular(NULL, 2, 1, 1, 1, 40ull << 40, &t), -EINVAL); /* 80 TiB */
	assert_int_equal(rmpsim_topology_regular(NULL, 1, 1, 8193, 1, GIB, &t), -EINVAL);      /* CPUs */
	assert_null(t);
}

/*
 * Synthetic machines are built without hwloc when their text is plain (issue
 * 14 point 3): the same machine as hwloc's import, query by query, or the
 * same refusal; the largest machine included.
 */
static void synthetic_direct_equals_hwloc(void **state)
{
	(void)state;
	static const char *const descs[] = {
		"pack:2 group:2 [numa(memory=4TiB)] l3:32 core:32 pu:2",
		"pack:2 numa:2(memory=512GiB) l3:4 core:32 pu:2",
		"pack:2 numa:2 core:1 pu:1",
		"pack:2 core:4 pu:2",
		"pack:1 [numa(memory=3000MB)] pu:1",
		"pack:2 [numa(memory=8GiB)] l3:2 core:3 pu:2",
		"pack:2 die:2 [numa(memory=2GiB)] l3u:2 l2:2 l1d:1 core:2 pu:2",
		"group:2 [numa(memory=4GiB)] pack:2 core:2 pu:1",
		"[numa(memory=64GiB)] pack:2 l3:2 core:4 pu:2",
		"pack:1 l3:1 group:2 [numa(memory=1GiB)] core:2 pu:1",
		"pack:2 numa:4(memory=16GiB) core:4 pu:4",
		"core:2 pu:2",
		"pu:3",
		"pack:2 l3:2 numa:2 core:2 pu:1", /* an L3 over two nodes: both refuse it */
		"pack:2 [numa(memory=1MiB)] core:1 pu:1",
		/* groups hwloc merges away (found by the libFuzzer run) */
		"group:3 [numa(memory=1GiB)] pack:1 pu:1",
		"pack:2 group:1 [numa(memory=1GiB)] core:2 pu:1",
		"group:2 [numa(memory=2GiB)] pack:2 core:2 pu:1",
		/* a node above exactly one package: hwloc attaches it to the package (libFuzzer, 2026-12-02) */
		"die:2 [numa(memory=2GiB)] l3:1 pack:1 pu:2",
		"die:2 [numa(memory=2GiB)] pack:1 core:2 pu:1",
		"die:2 [numa(memory=2GiB)] pack:2 core:2 pu:1",
	};
	unsigned both_ok = 0;

	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++) {
		struct rmpsim_topology *a = NULL, *b = NULL;
		struct rmpsim_diag da = { 0 }, db = { 0 };
		int ra = rmpsim_topology_from_synthetic(NULL, descs[i], &da, &a);
		int rb = rmpsim__topology_from_synthetic_hwloc(NULL, descs[i], &db, &b);
		print_message("# %s: direct %d, hwloc %d\n", descs[i], ra, rb);
		assert_int_equal(ra, rb);
		if (ra == 0) {
			check_topology(a);
			assert_true(same_topology(a, b));
			both_ok++;
		} else {
			assert_string_equal(da.msg, db.msg);
		}
		rmpsim_topology_destroy(a);
		rmpsim_topology_destroy(b);
	}
	assert_true(both_ok >= 12);
	assert_true(rmpsim__synthetic_plain("pack:2 group:2 [numa(memory=4TiB)] l3:32 core:32 pu:2"));
	assert_false(rmpsim__synthetic_plain("pack:2\tcore:2 pu:1"));
	assert_false(rmpsim__synthetic_plain("pack:1 [numa(memory=3000MB,)] pu:1"));
	assert_false(rmpsim__synthetic_plain("PACK:1 pu:1"));
}

static void xml_limits_before_import(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_diag diag = { 0 };
	char path[] = "/tmp/rmpsim-topo-big-XXXXXX";
	size_t n = 8193, len = strlen("<object type=\"PU\" os_index=\"1\"/>\n");
	char *text = malloc(n * len + 32);

	assert_non_null(text);
	strcpy(text, "<topology>\n");
	for (size_t i = 0; i < n; i++)
		strcat(text + 11 + i * len, "<object type=\"PU\" os_index=\"1\"/>\n");
	write_temp(path, text, strlen(text));
	free(text);
	assert_int_equal(rmpsim_topology_from_xml(NULL, path, &diag, &t), -EINVAL);
	assert_null(t);
	assert_string_equal(diag.file, path);
	if (!strstr(diag.msg, "more than 8192 PU objects"))
		fail_msg("message '%s'", diag.msg);
	unlink(path);
}

/*
 * Found by fuzz_xml: hwloc 2.9 dereferences NULL when an object has no
 * complete_cpuset (here misspelt on one PU). The import runs in a child
 * process, so the crash is a message about the file (A203).
 */
static void xml_hwloc_crash_is_an_error(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_diag diag = { 0 };
	char path[] = "/tmp/rmpsim-topo-crash-XXXXXX";
	size_t len;
	char *xml = read_file(PROFILES_DIR "/small-2s-nps2.xml", &len);
	char *pu = strstr(xml, "<object type=\"PU\" os_index=\"13\"");
	char *attr = pu ? strstr(pu, "complete_cpuset") : NULL;

	assert_non_null(attr);
	memcpy(attr, "complete_Xpuset", 15);
	write_temp(path, xml, strlen(xml));
	free(xml);
	enum rmpsim__xml_stage stage = RMPSIM__XML_CONVERTED;
	assert_int_equal(rmpsim__topology_from_xml_stage(NULL, path, &diag, &t, &stage), -EINVAL);
	assert_int_equal(stage, RMPSIM__XML_HWLOC_DIED); /* (fuzz_xml: hwloc's, not a finding) */
	assert_null(t);
	assert_string_equal(diag.file, path);
	if (!strstr(diag.msg, "hwloc stopped with signal"))
		fail_msg("message '%s'", diag.msg);
	unlink(path);
}

/*
 * The in-process hwloc import that rmpsim_topology_from_xml's child runs and
 * fuzz_xml repeats for the files hwloc read: a valid file gives the same
 * machine as the child's import; a file hwloc refuses gives no topology and
 * the child's message.
 */
static void xml_hwloc_load_in_process_matches_the_child(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL, *t2 = NULL;
	struct rmpsim_diag diag = { 0 }, diag2 = { 0 };
	char path[] = "/tmp/rmpsim-topo-load-XXXXXX";
	hwloc_topology_t h = NULL;

	assert_int_equal(rmpsim__topology_xml_hwloc_load(PROFILES_DIR "/small-2s-nps2.xml", &h, &diag), 0);
	assert_non_null(h);
	assert_int_equal(rmpsim__topo_from_hwloc(rmpsim_allocator_default(), h, &diag, &t), 0);
	hwloc_topology_destroy(h);
	assert_int_equal(rmpsim_topology_from_xml(NULL, PROFILES_DIR "/small-2s-nps2.xml", &diag2, &t2), 0);
	assert_int_equal(rmpsim_topology_ncpus(t), 32);
	assert_true(same_topology(t, t2));
	rmpsim_topology_destroy(t);
	rmpsim_topology_destroy(t2);
	t2 = NULL;

	write_temp(path, "<topology><object type=\"Machine\">",
		   strlen("<topology><object type=\"Machine\">"));
	h = (hwloc_topology_t)&h; /* must be cleared */
	memset(&diag, 0, sizeof(diag));
	memset(&diag2, 0, sizeof(diag2));
	assert_int_equal(rmpsim__topology_xml_hwloc_load(path, &h, &diag), -EINVAL);
	assert_null(h);
	assert_int_equal(rmpsim_topology_from_xml(NULL, path, &diag2, &t2), -EINVAL);
	assert_null(t2);
	assert_string_equal(diag.msg, diag2.msg);
	unlink(path);
}

static void xml_file_reads_like_its_synthetic_source(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_diag diag = { 0 };
	unsigned sib[2];

	/* profiles/machines/README.md: made from "pack:2 group:2 [numa(memory=4GiB)] core:4 pu:2". */
	assert_int_equal(rmpsim_topology_from_xml(NULL, PROFILES_DIR "/small-2s-nps2.xml", &diag, &t), 0);
	assert_int_equal(rmpsim_topology_ncpus(t), 32);
	assert_int_equal(rmpsim_topology_ncores(t), 16);
	assert_int_equal(rmpsim_topology_nnodes(t), 4);
	assert_int_equal(rmpsim_topology_npackages(t), 2);
	ASSERT_EQ(rmpsim_topology_node_memory(t, 2), 4 * GIB);
	assert_int_equal(rmpsim_topology_cpu_siblings(t, 3, sib, 2), 2);
	assert_int_equal(sib[1], 19);
	assert_int_equal(rmpsim_topology_cpu_node(t, 4), 1);
	assert_int_equal(rmpsim_topology_cpu_package(t, 8 + 16), 1);
	/* The file has no L3 objects: one L3 group per node (A200). */
	assert_int_equal(rmpsim_topology_nl3(t), 4);
	for (unsigned cpu = 0; cpu < 32; cpu++)
		assert_int_equal(rmpsim_topology_cpu_l3(t, cpu), rmpsim_topology_cpu_node(t, cpu));
	assert_int_equal(rmpsim_topology_l3_ncores(t, 2), 4);
	assert_int_equal(rmpsim_topology_l3_node(t, 2), 2);
	rmpsim_topology_destroy(t);
}

/*
 * Issue 10 point 1: one core with 2 threads and another with 1 (one PU of
 * core 0 deleted from small-2s-nps2.xml) used to read the freed topology for
 * the message (ASan heap-use-after-free). Now: a clean mixed-SMT error.
 */
static void xml_mixed_smt_is_refused_cleanly(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_diag diag = { 0 };
	char path[] = "/tmp/rmpsim-topo-smt-XXXXXX";
	size_t len;
	char *xml = read_file(PROFILES_DIR "/small-2s-nps2.xml", &len);
	/* The second PU of core 0 (os_index 1) is the line holding gp_index="3". */
	char *pu = strstr(xml, "<object type=\"PU\" os_index=\"1\"");
	size_t drop = pu ? strcspn(pu, "\n") + 1 : 0;

	assert_non_null(pu);
	assert_true(drop > 1 && (size_t)(pu - xml) + drop <= len);
	memmove(pu, pu + drop, len - (size_t)(pu - xml) - drop + 1);
	write_temp(path, xml, strlen(xml));
	free(xml);
	assert_int_equal(rmpsim_topology_from_xml(NULL, path, &diag, &t), -EINVAL);
	assert_null(t);
	if (!strstr(diag.msg, "mixed SMT"))
		fail_msg("message '%s'", diag.msg);
	unlink(path);
}

/*
 * Found by fuzz_xml: a core whose PUs are left out of the file was reported
 * as mixed SMT ("core 0 has 0 threads but core 0 has 0"). Now: no PU.
 */
static void xml_core_without_pu_is_named(void **state)
{
	(void)state;
	static const char *const first_pu[2] = { "<object type=\"PU\" os_index=\"0\"",
						 "<object type=\"PU\" os_index=\"2\"" };
	static const char *const want[2] = { "core 0 has no PU", "core 1 has no PU" };

	for (int k = 0; k < 2; k++) {
		struct rmpsim_topology *t = NULL;
		struct rmpsim_diag diag = { 0 };
		char path[] = "/tmp/rmpsim-topo-nopu-XXXXXX";
		size_t len;
		char *xml = read_file(PROFILES_DIR "/small-2s-nps2.xml", &len);
		char *pu = strstr(xml, first_pu[k]);
		char *second = pu ? strchr(pu, '\n') : NULL;
		size_t drop = second ? (size_t)(strchr(second + 1, '\n') + 1 - pu) : 0;

		/* Both PU lines of the core go. */
		assert_true(drop > 0 && strstr(pu + 1, "type=\"PU\"") < pu + drop);
		memmove(pu, pu + drop, len - (size_t)(pu - xml) - drop + 1);
		write_temp(path, xml, strlen(xml));
		free(xml);
		assert_int_equal(rmpsim_topology_from_xml(NULL, path, &diag, &t), -EINVAL);
		assert_null(t);
		if (!strstr(diag.msg, want[k]))
			fail_msg("message '%s'", diag.msg);
		unlink(path);
	}
}

/* The import's child dies once hwloc has read the file, in rmpsim's own
 * conversion (as a bug there would make it): reported as a bug in rmpsim,
 * RMPSIM_ERR_INTERNAL and -EIO (the CLI's exit code 5, docs/cli.md), not as a
 * bad file; nothing is returned. And how far each import got, as fuzz_xml
 * reads it (rmpsim__topology_from_xml_stage). */
static void die_in_conversion(void)
{
	raise(SIGSEGV);
}

static void xml_import_crash_after_hwloc_is_a_bug(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_diag diag = { 0 };
	enum rmpsim__xml_stage stage = RMPSIM__XML_PRESCAN;
	rmpsim__xml_child_after_hwloc = die_in_conversion;
	int r = rmpsim__topology_from_xml_stage(NULL, PROFILES_DIR "/small-2s-nps2.xml", &diag, &t, &stage);
	rmpsim__xml_child_after_hwloc = NULL;
	assert_int_equal(r, -EIO);
	assert_int_equal(stage, RMPSIM__XML_CONVERTED); /* (fuzz_xml: rmpsim's, a finding) */
	assert_null(t);
	assert_int_equal(diag.cls, RMPSIM_ERR_INTERNAL);
	assert_non_null(strstr(diag.msg, "bug in rmpsim"));
	assert_non_null(strstr(diag.msg, "signal 11"));
	/* The same file, the hook gone: imported as ever. */
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(
		rmpsim__topology_from_xml_stage(NULL, PROFILES_DIR "/small-2s-nps2.xml", &diag, &t, &stage),
		0);
	assert_int_equal(stage, RMPSIM__XML_CONVERTED);
	rmpsim_topology_destroy(t);
	t = NULL;
	/* Not even given to hwloc; refused by it. */
	assert_int_equal(rmpsim__topology_from_xml_stage(NULL, "/nonexistent/machine.xml", &diag, &t, &stage),
			 -ENOENT);
	assert_int_equal(stage, RMPSIM__XML_PRESCAN);
	char path[] = "/tmp/rmpsim-topo-refused-XXXXXX";
	static const char half[] = "<topology><object type=\"Machine\">";
	write_temp(path, half, strlen(half));
	assert_int_equal(rmpsim__topology_from_xml_stage(NULL, path, &diag, &t, &stage), -EINVAL);
	assert_int_equal(stage, RMPSIM__XML_HWLOC_REFUSED);
	assert_null(t);
	unlink(path);
}

static void xml_errors_name_the_file(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;
	struct rmpsim_diag diag = { 0 };
	char path[] = "/tmp/rmpsim-topo-XXXXXX";
	int fd;

	assert_int_equal(rmpsim_topology_from_xml(NULL, "/nonexistent/machine.xml", &diag, &t), -ENOENT);
	assert_string_equal(diag.file, "/nonexistent/machine.xml");
	assert_null(t);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	put_text(fd, "<topology><object type=\"Machine\">");
	close(fd);
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(rmpsim_topology_from_xml(NULL, path, &diag, &t), -EINVAL);
	assert_string_equal(diag.file, path);
	assert_non_null(strstr(diag.msg, "hwloc topology XML"));
	/* Found by fuzz_xml: a PU without os_index made hwloc size bitmaps for index 2^32 - 1. */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	put_text(fd, "<topology><object type=\"PU\" cpuset=\"0x1\"/>");
	close(fd);
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(rmpsim_topology_from_xml(NULL, path, &diag, &t), -EINVAL);
	assert_string_equal(diag.msg, "a PU object without os_index");
	/* An unfinished tag. */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	put_text(fd, "<topology><object");
	close(fd);
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(rmpsim_topology_from_xml(NULL, path, &diag, &t), -EINVAL);
	assert_non_null(strstr(diag.msg, "unfinished"));
	assert_null(t);
	unlink(path);
}

static void regular_rejects_bad_shapes(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL;

	assert_int_equal(rmpsim_topology_regular(NULL, 0, 1, 1, 1, GIB, &t), -EINVAL);
	assert_int_equal(rmpsim_topology_regular(NULL, 1, 1, 0, 1, GIB, &t), -EINVAL);
	assert_int_equal(rmpsim_topology_regular(NULL, 1, 1, 1, 1, 4096, &t), -EINVAL);
	assert_int_equal(rmpsim_topology_regular(NULL, 16, 16, 256, 2, GIB, &t), -EINVAL); /* 131072 CPUs */
	assert_null(t);
	/* Memory is kept in 2 MiB units. */
	assert_int_equal(rmpsim_topology_regular(NULL, 1, 1, 1, 1, GIB + 4096, &t), 0);
	ASSERT_EQ(rmpsim_topology_node_memory(t, 0), GIB);
	rmpsim_topology_destroy(t);
}

static void copy_without_smt_keeps_primaries(void **state)
{
	(void)state;
	struct rmpsim_topology *t = NULL, *c = NULL;

	assert_int_equal(rmpsim_topology_regular(NULL, 2, 2, 4, 2, 4 * GIB, &t), 0);
	assert_int_equal(rmpsim_topology_copy(NULL, t, false, &c), 0);
	assert_int_equal(rmpsim_topology_ncpus(c), 16);
	assert_int_equal(rmpsim_topology_threads_per_core(c), 1);
	for (unsigned cpu = 0; cpu < 16; cpu++) {
		assert_true(rmpsim_topology_cpu_is_primary(c, cpu));
		assert_int_equal(rmpsim_topology_cpu_node(c, cpu), rmpsim_topology_cpu_node(t, cpu));
	}
	rmpsim_topology_destroy(c);
	rmpsim_topology_destroy(t);
}

static void allocation_failures_leave_nothing(void **state)
{
	(void)state;
	struct failing_alloc fa;
	int ok = 0;

	for (long budget = 0; budget < 16 && !ok; budget++) {
		struct rmpsim_topology *t = NULL;
		struct rmpsim_diag diag = { 0 };

		failing_alloc_init(&fa, budget);
		int r = rmpsim_topology_from_synthetic(&fa.alloc, "pack:1 [numa(memory=2GiB)] core:2 pu:2",
						       &diag, &t);
		if (r == 0) {
			ok = 1;
			rmpsim_topology_destroy(t);
		} else {
			assert_int_equal(r, -ENOMEM);
			assert_null(t);
		}
		assert_int_equal(fa.live_bytes, 0);
	}
	assert_true(ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_machine_is_design_1),
		cmocka_unit_test(default_equals_hwloc_synthetic),
		cmocka_unit_test(linux_cpu_numbering),
		cmocka_unit_test(synthetic_numa_level_form),
		cmocka_unit_test(synthetic_l3_groups),
		cmocka_unit_test(regular_l3_groups),
		cmocka_unit_test(xml_mixed_smt_is_refused_cleanly),
		cmocka_unit_test(synthetic_errors_name_the_column),
		cmocka_unit_test(synthetic_limits_before_import),
		cmocka_unit_test(synthetic_largest_machine_is_accepted),
		cmocka_unit_test(synthetic_direct_equals_hwloc),
		cmocka_unit_test(xml_limits_before_import),
		cmocka_unit_test(xml_hwloc_crash_is_an_error),
		cmocka_unit_test(xml_file_reads_like_its_synthetic_source),
		cmocka_unit_test(xml_hwloc_load_in_process_matches_the_child),
		cmocka_unit_test(xml_core_without_pu_is_named),
		cmocka_unit_test(xml_errors_name_the_file),
		cmocka_unit_test(xml_import_crash_after_hwloc_is_a_bug),
		cmocka_unit_test(regular_rejects_bad_shapes),
		cmocka_unit_test(copy_without_smt_keeps_primaries),
		cmocka_unit_test(allocation_failures_leave_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
