/* SPDX-License-Identifier: MIT */
/* Topology (issue 4 point 1): hwloc input, Linux CPU numbering, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rmpsim/topology.h>

#include "failing_alloc.h"

#define GIB (1ull << 30)

#ifndef PROFILES_DIR
#error "PROFILES_DIR must name profiles/machines"
#endif

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
	assert_true(rmpsim_topology_total_memory(t) == 2048 * GIB);
	for (unsigned n = 0; n < 4; n++) {
		assert_true(rmpsim_topology_node_memory(t, n) == 512 * GIB);
		assert_int_equal(rmpsim_topology_node_package(t, n), n / 2);
	}
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
	for (unsigned n = 0; n < rmpsim_topology_nnodes(d); n++)
		assert_true(rmpsim_topology_node_memory(h, n) == rmpsim_topology_node_memory(d, n));
	for (unsigned c = 0; c < rmpsim_topology_ncpus(d); c++) {
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
	assert_true(rmpsim_topology_node_memory(t, 3) == 8 * GIB);
	assert_int_equal(rmpsim_topology_cpu_node(t, 11), 3);
	assert_int_equal(rmpsim_topology_cpu_package(t, 6), 1);
	rmpsim_topology_destroy(t);
}

static void expect_synthetic_error(const char *desc, unsigned col, const char *needle)
{
	struct rmpsim_topology *t = (struct rmpsim_topology *)0x1;
	struct rmpsim_diag diag = { 0 };

	assert_int_equal(rmpsim_topology_from_synthetic(NULL, desc, &diag, &t), -EINVAL);
	assert_ptr_equal(t, (struct rmpsim_topology *)0x1); /* ret_ untouched */
	if (col)
		assert_int_equal(diag.col, col);
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
	/* Passes our token check, refused by hwloc (PU above core). */
	expect_synthetic_error("pu:2 core:2", 1, "hwloc rejected");
	/* Semantic checks after hwloc. */
	expect_synthetic_error("pack:1 [numa(memory=1MiB)] core:2 pu:2", 0, "less than 2 MiB");
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
	assert_true(rmpsim_topology_node_memory(t, 2) == 4 * GIB);
	assert_int_equal(rmpsim_topology_cpu_siblings(t, 3, sib, 2), 2);
	assert_int_equal(sib[1], 19);
	assert_int_equal(rmpsim_topology_cpu_node(t, 4), 1);
	assert_int_equal(rmpsim_topology_cpu_package(t, 8 + 16), 1);
	rmpsim_topology_destroy(t);
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
	assert_int_equal(write(fd, "<topology><object", 17), 17);
	close(fd);
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(rmpsim_topology_from_xml(NULL, path, &diag, &t), -EINVAL);
	assert_string_equal(diag.file, path);
	assert_non_null(strstr(diag.msg, "hwloc topology XML"));
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
	assert_true(rmpsim_topology_node_memory(t, 0) == GIB);
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
		cmocka_unit_test(synthetic_errors_name_the_column),
		cmocka_unit_test(xml_file_reads_like_its_synthetic_source),
		cmocka_unit_test(xml_errors_name_the_file),
		cmocka_unit_test(regular_rejects_bad_shapes),
		cmocka_unit_test(copy_without_smt_keeps_primaries),
		cmocka_unit_test(allocation_failures_leave_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
