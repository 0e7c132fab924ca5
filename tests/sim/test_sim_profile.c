/* SPDX-License-Identifier: MIT */
/* The timing profile: defaults, file:line errors, print/parse round trip, unit conversion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/machine.h>
#include <rmpsim/profile.h>

static const char *default_path;

static void assert_profiles_equal(const struct rmpsim_profile *a, const struct rmpsim_profile *b)
{
	for (unsigned i = 0; i < RMPSIM_PROFILE_NPARAMS; i++) {
		struct rmpsim_param_info info;
		assert_int_equal(rmpsim_profile_param(i, &info), 0);
		if (rmpsim_profile_get_value(a, i) != rmpsim_profile_get_value(b, i) ||
		    a->lo[i] != b->lo[i] || a->hi[i] != b->hi[i]) {
			fprintf(stderr, "%s.%s differs: %llu [%llu, %llu] vs %llu [%llu, %llu]\n",
				info.section, info.key, (unsigned long long)rmpsim_profile_get_value(a, i),
				(unsigned long long)a->lo[i], (unsigned long long)a->hi[i],
				(unsigned long long)rmpsim_profile_get_value(b, i),
				(unsigned long long)b->lo[i], (unsigned long long)b->hi[i]);
			fail();
		}
	}
}

static void default_file_table_and_constant_agree(void **state)
{
	(void)state;
	struct rmpsim_profile file;
	struct rmpsim_diag d = { 0 };
	char buf[800];

	int r = rmpsim_profile_load(default_path, &file, &d);
	if (r)
		fprintf(stderr, "%s\n", rmpsim_diag_format(&d, buf, sizeof(buf)));
	assert_int_equal(r, 0);
	assert_profiles_equal(&file, rmpsim_profile_default());
	/* The file sets every parameter explicitly, with the default's value:
	 * every "key = value" line that print() writes appears in the file. */
	static char filebuf[65536];
	FILE *f = fopen(default_path, "r");
	assert_non_null(f);
	size_t n = fread(filebuf, 1, sizeof(filebuf) - 1, f);
	filebuf[n] = 0;
	fclose(f);
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	rmpsim_profile_print(rmpsim_profile_default(), m);
	fclose(m);
	unsigned keys = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == ';' || line[0] == '[' || !strchr(line, '='))
			continue;
		keys++;
		if (!strstr(filebuf, line)) {
			fprintf(stderr, "default.ini lacks '%s'\n", line);
			fail();
		}
	}
	assert_int_equal(keys, RMPSIM_PROFILE_NPARAMS);
	free(text);
}

static void expect_error(const char *text, int err, unsigned line, const char *needle)
{
	struct rmpsim_profile p, before;
	struct rmpsim_diag d = { 0 };
	char buf[800];

	memset(&p, 0xa5, sizeof(p));
	memcpy(&before, &p, sizeof(p));
	assert_int_equal(rmpsim_profile_parse(text, "t.ini", &p, &d), err);
	rmpsim_diag_format(&d, buf, sizeof(buf));
	assert_string_equal(d.file, "t.ini");
	assert_int_equal(d.line, line);
	if (!strstr(buf, needle)) {
		fprintf(stderr, "diag '%s' lacks '%s'\n", buf, needle);
		fail();
	}
	/* ret_ untouched on failure */
	assert_memory_equal(&p, &before, sizeof(p));
}

static void parse_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error("[rmpopt]\nfixed_cycles = 7\nbogus = 1\n", -EINVAL, 3, "unknown key rmpopt.bogus");
	expect_error("; c\n[nosuch]\nx = 1\n", -EINVAL, 2, "unknown section [nosuch]"); /* at its header */
	expect_error("[ipi]\ndelivery_ns = fast\n", -EINVAL, 2, "'fast' is not a number");
	expect_error("[ipi]\ndelivery_ns = 1.2345\n", -EINVAL, 2, "at most 3 decimals");
	expect_error("[cpu]\n\nfreq_ghz = 0.01\n", -EINVAL, 3, "out of bounds [0.1, 10] GHz");
	expect_error("[kernel]\nhz = 0\n", -EINVAL, 2, "out of bounds");
	expect_error("[rmpopt]\ncontention = maybe\n", -EINVAL, 2, "not a boolean");
	expect_error("[rmpopt]\nthis line has no equals sign\n", -EINVAL, 2, "syntax error");
	/* The first error wins even if later lines are also wrong. */
	expect_error("[rmpopt]\nfixed_cycles = x\nbad = 1\n", -EINVAL, 2, "fixed_cycles");
	/* Ranges (issue 9, "Bad input"): low > high, a default outside its range. */
	expect_error("[memory]\ndram_local_ns = 100 [140, 80]\n", -EINVAL, 2, "range low > high");
	expect_error("[memory]\ndram_local_ns = 300\n", -EINVAL, 2, "outside its range [80, 140]");
	expect_error("[memory]\ndram_local_ns = 30 [40, 50]\n", -EINVAL, 2, "outside its range [40, 50]");
	expect_error("[memory]\ndram_local_ns = 100 [80 140]\n", -EINVAL, 2, "expected ','");
	expect_error("[memory]\ndram_local_ns = 100 [80, 140\n", -EINVAL, 2, "expected ']'");
	/* A negative latency is not a number of ns. */
	expect_error("[ipi]\ndelivery_ns = -5\n", -EINVAL, 2, "'-5' is not a number");
	/* Unknown switch values. */
	expect_error("[rmpopt]\ncache_scope = ccd\n", -EINVAL, 2,
		     "unknown value 'ccd' (expected none|l3|socket|global)");
	expect_error("[ipi]\napic_mode = flat\n", -EINVAL, 2,
		     "unknown value 'flat' (expected cluster|physical)");
	/* No silent truncation: a long line and an embedded NUL are errors with their line. */
	char longline[400];
	memset(longline, ';', sizeof(longline));
	memcpy(longline, "[cpu]\n", 6);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = 0;
	expect_error(longline, -EINVAL, 2, "longer than 198 characters");
	/* 199 characters and the newline: inih would already split it. */
	char edge[256];
	memset(edge, ';', sizeof(edge));
	memcpy(edge, "[cpu]\n", 6);
	edge[6 + 199] = '\n';
	edge[6 + 200] = 0;
	expect_error(edge, -EINVAL, 2, "longer than 198 characters");
	edge[6 + 198] = '\n';
	edge[6 + 199] = 0;
	struct rmpsim_profile ok;
	struct rmpsim_diag okd = { 0 };
	assert_int_equal(rmpsim_profile_parse(edge, "edge.ini", &ok, &okd), 0);
	/* What inih would accept silently in a header. */
	expect_error("[cpu] freq_ghz = 3\n", -EINVAL, 1, "text after ']'");
	expect_error("[memory]\ndram_local_ns = 100\n[nosuch]\n", -EINVAL, 3, "unknown section [nosuch]");
	expect_error("[ipi] ; a comment may follow\n[kernel]\t\nhz = 1000\n[kernelx]\n", -EINVAL, 4,
		     "unknown section [kernelx]");
}

static void columns_point_at_the_value(void **state)
{
	(void)state;
	struct rmpsim_profile p;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_profile_parse("[ipi]\ndelivery_ns = 9 [1, 2]\n", "c.ini", &p, &d), -EINVAL);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.col, 15);
}

static void ranges_round_trip_and_feed_draws(void **state)
{
	(void)state;
	struct rmpsim_profile p;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_profile_parse("[memory]\ndram_local_ns = 100 [90, 130]\n", "r", &p, &d), 0);
	int i = rmpsim_profile_param_index("memory", "dram_local_ns");
	assert_true(i >= 0);
	assert_int_equal(p.dram_local_ps, 100000);
	assert_int_equal(p.lo[i], 90000);
	assert_int_equal(p.hi[i], 130000);
	assert_true(rmpsim_profile_param_uncertain(&p, (unsigned)i));
	/* Switches are never drawn; a point range is not uncertain. */
	assert_false(rmpsim_profile_param_uncertain(
		&p, (unsigned)rmpsim_profile_param_index("rmpopt", "cache_scope")));
	assert_int_equal(rmpsim_profile_parse("[memory]\ndram_local_ns = 100 [100, 100]\n", "r", &p, &d), 0);
	assert_false(rmpsim_profile_param_uncertain(&p, (unsigned)i));
	/* A fixed choice (a point range, like HZ) takes a new value without a range. */
	int hz = rmpsim_profile_param_index("kernel", "hz");
	assert_int_equal(rmpsim_profile_parse("[kernel]\nhz = 250\n", "r", &p, &d), 0);
	assert_int_equal(p.hz, 250);
	assert_int_equal(p.lo[hz], 250);
	assert_int_equal(p.hi[hz], 250);
	assert_false(rmpsim_profile_param_uncertain(&p, (unsigned)hz));
	/* Every built-in default lies in its range and has a source. */
	for (unsigned k = 0; k < RMPSIM_PROFILE_NPARAMS; k++) {
		struct rmpsim_param_info info;
		assert_int_equal(rmpsim_profile_param(k, &info), 0);
		assert_true(info.lo <= info.def && info.def <= info.hi);
		assert_true(strlen(info.source) > 10);
	}
	assert_int_equal(rmpsim_profile_param(RMPSIM_PROFILE_NPARAMS, NULL), -EINVAL);
}

static void a_directory_is_not_a_profile(void **state)
{
	(void)state;
	struct rmpsim_profile p;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_profile_load("/", &p, &d), -EISDIR);
}

static void missing_file_is_enoent(void **state)
{
	(void)state;
	struct rmpsim_profile p;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_profile_load("/nonexistent/x.ini", &p, &d), -ENOENT);
	assert_string_equal(d.file, "/nonexistent/x.ini");
}

static void partial_file_overrides_only_its_keys(void **state)
{
	(void)state;
	struct rmpsim_profile p;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(
		rmpsim_profile_parse("[cpu]\nfreq_ghz = 2.05\n[rmpopt]\ncontention = false\n", "x", &p, &d),
		0);
	assert_int_equal(p.freq_khz, 2050000);
	assert_false(p.rmpopt_contention);
	assert_int_equal(p.ipi_delivery_ps, rmpsim_profile_default()->ipi_delivery_ps);
}

static void print_then_parse_round_trips(void **state)
{
	(void)state;
	struct rmpsim_profile p = *rmpsim_profile_default(), q;
	struct rmpsim_diag d = { 0 };
	char *text = NULL;
	size_t len = 0;

	p.freq_khz = 2023456;
	p.ipi_delivery_ps = 1234567;
	p.rmpopt_contention = false;
	p.rmpopt_cache_scope = RMPSIM_SCOPE_SOCKET;
	p.apic_mode = RMPSIM_APIC_PHYSICAL;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	rmpsim_profile_print(&p, f);
	fclose(f);
	/* Every parameter carries its unit, range and source. */
	assert_non_null(strstr(text, "; unit: GHz. source: A60"));
	assert_non_null(strstr(text, "freq_ghz = 2.023456 [1.9, 2.1]"));
	assert_non_null(strstr(text, "delivery_ns = 1234.567 [200, 1500]"));
	assert_non_null(strstr(text, "cache_scope = socket\n"));
	assert_non_null(strstr(text, "apic_mode = physical\n"));
	assert_int_equal(rmpsim_profile_parse(text, "printed", &q, &d), 0);
	assert_profiles_equal(&p, &q);
	free(text);
}

static void cycles_convert_at_the_clock(void **state)
{
	(void)state;
	/* covers: A60 (the clock turns cycles into time) */
	struct rmpsim_profile p = *rmpsim_profile_default();
	p.freq_khz = 2250000;
	/* 9 cycles at 2.25 GHz = 4 ns exactly; 1 cycle = 444.44 ps -> 444. */
	assert_int_equal(rmpsim_profile_cycles_to_ps(&p, 9000), 4000);
	assert_int_equal(rmpsim_profile_cycles_to_ps(&p, 1000), 444);
	/* 2 cycles = 888.89 -> 889 (rounded to nearest). */
	assert_int_equal(rmpsim_profile_cycles_to_ps(&p, 2000), 889);
	/* Huge counts do not overflow: 10^13 cycles at 1 GHz = 10^4 s = 10^16 ps. */
	p.freq_khz = 1000000;
	ASSERT_EQ(rmpsim_profile_cycles_to_ps(&p, 10000000000000000ull), 10000000000000000ull);
}

static void memory_engine_closed_forms(void **state)
{
	(void)state;
	/* covers: A61, A62, A120, A123 (closed forms against spec 1.12 by hand) */
	struct rmpsim_profile p = *rmpsim_profile_default();
	/* 2 MB entries: one line each, 512 for a free GB, k + 1 for an exit at slot k. */
	assert_int_equal(rmpsim_profile_scan_lines(&p, -1), 512);
	assert_int_equal(rmpsim_profile_scan_lines(&p, 0), 1);
	assert_int_equal(rmpsim_profile_scan_lines(&p, 99), 100);
	p.rmpopt_scan = RMPSIM_SCAN_4K;
	assert_int_equal(rmpsim_profile_scan_lines(&p, -1), 65536);
	assert_int_equal(rmpsim_profile_scan_lines(&p, 7), 2);
	p = *rmpsim_profile_default();
	/* ceil(512 / 5) = 103 rounds of the local DRAM latency. */
	assert_int_equal(rmpsim_profile_lines_ps(&p, 512, p.dram_local_ps), 103 * p.dram_local_ps);
	/* 64 B at 300 GB/s = 213.3 ps -> 214. */
	assert_int_equal(rmpsim_profile_line_service_ps(&p), 214);
	/* spec 1.12: the 60-cycle minimum is fixed + one line from the group's cache. */
	uint64_t min_ps = rmpsim_profile_cycles_to_ps(&p, p.rmpopt_fixed_mcyc) + p.l3_line_ps;
	assert_int_equal(rmpsim_profile_ps_to_cycles(&p, min_ps), 60);
	/* spec 1.12 C: the first running maximum, 22,100 cycles, a cold local scan; within 5 %. */
	uint64_t cold = rmpsim_profile_cycles_to_ps(&p, p.rmpopt_fixed_mcyc) +
			rmpsim_profile_lines_ps(&p, 512, p.dram_local_ps);
	uint64_t cyc = rmpsim_profile_ps_to_cycles(&p, cold);
	assert_true(cyc > 20995 && cyc < 23205);
}

/* Instruction costs come from one table over the parameters (issue 11 point 2). */
static void instruction_costs_follow_the_parameters(void **state)
{
	(void)state;
	struct rmpsim_profile p = *rmpsim_profile_default();

	assert_int_equal(rmpsim_profile_insn_mcyc(&p, RMPSIM_INSN_RMPUPDATE), p.rmpupdate_mcyc);
	assert_int_equal(rmpsim_profile_insn_mcyc(&p, RMPSIM_INSN_PSMASH), p.psmash_mcyc);
	assert_int_equal(rmpsim_profile_insn_mcyc(&p, RMPSIM_INSN_RMPOPT), p.rmpopt_report_mcyc);
	assert_int_equal(rmpsim_profile_set(&p, "rmp", "rmpupdate_cycles", "777", NULL), 0);
	assert_int_equal(rmpsim_profile_insn_mcyc(&p, RMPSIM_INSN_RMPUPDATE), 777000);
	assert_int_equal(rmpsim_profile_insn_mcyc(&p, RMPSIM_INSN_RMPREAD), 0); /* A87 */
	assert_int_equal(rmpsim_profile_insn_mcyc(&p, RMPSIM_INSN_WRMSR), 0);
	assert_int_equal(rmpsim_profile_insn_mcyc(&p, (enum rmpsim_insn_id)RMPSIM_INSN_NIDS), 0);
}

int main(int argc, char **argv)
{
	default_path = argc > 1 ? argv[1] : "profiles/default.ini";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_file_table_and_constant_agree),
		cmocka_unit_test(parse_errors_name_file_and_line),
		cmocka_unit_test(missing_file_is_enoent),
		cmocka_unit_test(partial_file_overrides_only_its_keys),
		cmocka_unit_test(print_then_parse_round_trips),
		cmocka_unit_test(cycles_convert_at_the_clock),
		cmocka_unit_test(memory_engine_closed_forms),
		cmocka_unit_test(columns_point_at_the_value),
		cmocka_unit_test(ranges_round_trip_and_feed_draws),
		cmocka_unit_test(a_directory_is_not_a_profile),
		cmocka_unit_test(instruction_costs_follow_the_parameters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
