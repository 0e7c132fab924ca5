/* SPDX-License-Identifier: MIT */
/* Reports: time formatting, the aligned table, JSON (sorted keys, integer
 * nanoseconds, golden mode) and CSV, checked against text written by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/report.h>

#include "base/alloc.h"
#include "base/hash.h"
#include "failing_alloc.h"

static void fmt_ns_rounds_to_thousandths(void **state)
{
	(void)state;
	char b[32];
	assert_string_equal(rmpsim_report_fmt_ns(0, b, sizeof(b)), "0 ns");
	assert_string_equal(rmpsim_report_fmt_ns(999, b, sizeof(b)), "999 ns");
	assert_string_equal(rmpsim_report_fmt_ns(1000, b, sizeof(b)), "1.000 us");
	assert_string_equal(rmpsim_report_fmt_ns(12345678, b, sizeof(b)), "12.346 ms");
	assert_string_equal(rmpsim_report_fmt_ns(12345499, b, sizeof(b)), "12.345 ms");
	assert_string_equal(rmpsim_report_fmt_ns(3000000000ull, b, sizeof(b)), "3.000 s");
	assert_string_equal(rmpsim_report_fmt_ns(1500, b, sizeof(b)), "1.500 us");
}

static struct rmpsim_run_result run(const char *scn, enum rmpsim_backing b, uint64_t pass, uint64_t leader)
{
	struct rmpsim_run_result r;
	memset(&r, 0, sizeof(r));
	snprintf(r.policy, sizeof(r.policy), "v10");
	snprintf(r.scenario, sizeof(r.scenario), "%s", scn);
	r.backing = b;
	r.pass_ns = pass;
	r.leader_ns = leader;
	r.follower_ns = pass - leader;
	r.leader_cpu = 3;
	r.cpu_busy_max_ns = leader;
	r.cpu_busy_median_ns = 1500;
	r.cpus_active = 5;
	r.cpu_busy_median_active_ns = 2500;
	r.irq_off_max_ns = 250;
	r.rmpopt_executed = 64;
	r.rmpopt_scanned = 16;
	r.rmpopt_cache_hit = 48;
	r.ipis_sent = 48;
	r.rmpopt_cycles_min = 60;
	r.rmpopt_cycles_mean = 4541;
	r.rmpopt_cycles_max = 41220;
	r.scan_lines_read = 8192;
	r.scan_lines_from_dram = 1024;
	r.rmpopt_nrises = 1;
	r.rmpopt_max_rises[0].cpu = 256;
	r.rmpopt_max_rises[0].cycles = 41220;
	r.regions_optimized = 15;
	r.regions_total = 16;
	r.ram_bytes = 16ull << 30;
	r.skip_bytes = 15ull << 30;
	r.skip_share = 0.9375;
	r.seed = 1;
	r.trace_hash = 0x0123456789abcdefull;
	return r;
}

/* Not inlined: GCC's -Wdangling-pointer (release builds) takes the buffer
 * open_memstream() fills for this frame's local, once inlined into a caller. */
__attribute__((noinline)) static char *render(int (*fn)(FILE *, const struct rmpsim_report *),
					      const struct rmpsim_report *rep)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(fn(f, rep), 0);
	fclose(f);
	return buf;
}

static void text_table_is_aligned(void **state)
{
	(void)state;
	struct rmpsim_run_result runs[2] = { run("full", RMPSIM_BACKING_4K, 2000000, 1000000),
					     run("empty-again", RMPSIM_BACKING_1G, 1500, 500) };
	struct rmpsim_report rep = { .version = "0.1.0",
				     .machine = "default",
				     .profile = "default",
				     .policy = "v10",
				     .seed = 1,
				     .trace_hash = 0xfeed,
				     .runs = runs,
				     .nruns = 2,
				     .uncertainty = NULL,
				     .bands = false,
				     .profiles = NULL };
	char *t = render(rmpsim_report_text, &rep);
	const char *want =
		"rmpsim 0.1.0: policy v10, machine default, profile default, seed 1, trace 000000000000feed\n"
		"\n"
		"scenario     backing      pass    leader  follower  busy max  busy median  active median  "
		"irq-off max  RMPOPTs  regions   skip\n"
		"full         4K       2.000 ms  1.000 ms  1.000 ms  1.000 ms     1.500 us       2.500 us  "
		"     250 ns       64    15/16  93.8%\n"
		"empty-again  1G       1.500 us    500 ns  1.000 us    500 ns     1.500 us       2.500 us  "
		"     250 ns       64    15/16  93.8%\n";
	assert_true(strncmp(t, want, strlen(want)) == 0 || (printf("%s", t), 0));
	/* The legend follows. */
	assert_non_null(strstr(t + strlen(want), "skip = share of RAM"));
	free(t);
}

static void json_has_sorted_keys_and_integer_times(void **state)
{
	(void)state;
	struct rmpsim_run_result r = run("worst", RMPSIM_BACKING_4K, 7000, 4000);
	struct rmpsim_report rep = { .version = "0.1.0",
				     .machine = "pack:1 core:2 pu:2",
				     .profile = "p.ini",
				     .policy = "v10",
				     .seed = 1,
				     .trace_hash = 0xabc,
				     .runs = &r,
				     .nruns = 1,
				     .uncertainty = NULL,
				     .bands = false,
				     .profiles = NULL };
	char *t;
	size_t n;

	assert_int_equal(rmpsim_report_json(&rep, 0, NULL, &t, &n), 0);
	const char *want = "{\n"
			   "  \"machine\": \"pack:1 core:2 pu:2\",\n"
			   "  \"policy\": \"v10\",\n"
			   "  \"profile\": \"p.ini\",\n"
			   "  \"rmpsim_version\": \"0.1.0\",\n"
			   "  \"runs\": [\n"
			   "    {\n"
			   "      \"backing\": \"4K\",\n"
			   "      \"cpu_busy_max_ns\": 4000,\n"
			   "      \"cpu_busy_median_active_ns\": 2500,\n"
			   "      \"cpu_busy_median_ns\": 1500,\n"
			   "      \"cpus_active\": 5,\n"
			   "      \"follower_ns\": 3000,\n"
			   "      \"host_writes_checked\": 0,\n"
			   "      \"host_writes_faulted\": 0,\n"
			   "      \"host_writes_skipped\": 0,\n"
			   "      \"ipis_sent\": 48,\n"
			   "      \"irq_off_max_ns\": 250,\n"
			   "      \"leader_cpu\": 3,\n"
			   "      \"leader_ns\": 4000,\n"
			   "      \"pass_ns\": 7000,\n"
			   "      \"policy\": \"v10\",\n"
			   "      \"private_bytes\": 0,\n"
			   "      \"ram_bytes\": 17179869184,\n"
			   "      \"regions_optimized\": 15,\n"
			   "      \"regions_total\": 16,\n"
			   "      \"rmpopt_cache_hit\": 48,\n"
			   "      \"rmpopt_cycles_max\": 41220,\n"
			   "      \"rmpopt_cycles_mean\": 4541,\n"
			   "      \"rmpopt_cycles_min\": 60,\n"
			   "      \"rmpopt_early_exit\": 0,\n"
			   "      \"rmpopt_executed\": 64,\n"
			   "      \"rmpopt_max_rises\": [\n"
			   "        [\n"
			   "          256,\n"
			   "          41220\n"
			   "        ]\n"
			   "      ],\n"
			   "      \"rmpopt_scanned\": 16,\n"
			   "      \"scan_lines_from_dram\": 1024,\n"
			   "      \"scan_lines_read\": 8192,\n"
			   "      \"scenario\": \"worst\",\n"
			   "      \"seed\": 1,\n"
			   "      \"skip_bytes\": 16106127360,\n"
			   "      \"skip_share\": 0.9375,\n"
			   "      \"trace_hash\": \"0123456789abcdef\"\n"
			   "    }\n"
			   "  ],\n"
			   "  \"seed\": 1,\n"
			   "  \"trace_hash\": \"0000000000000abc\"\n"
			   "}\n";
	assert_string_equal(t, want);
	assert_int_equal(n, strlen(want));
	rmpsim_report_free_text(NULL, t, n);

	/* Golden mode drops the hashes, the leader CPU and the version, nothing else. */
	assert_int_equal(rmpsim_report_json(&rep, RMPSIM_REPORT_GOLDEN, NULL, &t, &n), 0);
	assert_null(strstr(t, "trace_hash"));
	assert_null(strstr(t, "rmpsim_version"));
	assert_null(strstr(t, "leader_cpu"));
	assert_null(strstr(t, "rmpopt_max_rises")); /* CPUs come from the placement, like the leader's */
	assert_non_null(strstr(t, "\"pass_ns\": 7000"));
	assert_int_equal(n, strlen(want) - strlen("  \"rmpsim_version\": \"0.1.0\",\n") -
				    strlen("      \"leader_cpu\": 3,\n") -
				    strlen("      \"rmpopt_max_rises\": [\n        [\n          256,\n"
					   "          41220\n        ]\n      ],\n") -
				    strlen(",\n      \"trace_hash\": \"0123456789abcdef\"") -
				    strlen(",\n  \"trace_hash\": \"0000000000000abc\""));
	rmpsim_report_free_text(NULL, t, n);
}

/* --uncertainty: "bands" and "sensitivity" per run, "uncertainty_draws" once;
 * the banded table and the tornado in text (docs/cli.md "Uncertainty"). */
static void uncertainty_in_json_and_text(void **state)
{
	(void)state;
	struct rmpsim_run_result r = run("worst", RMPSIM_BACKING_4K, 7000000, 4000000);
	struct rmpsim_uncertainty u = {
		.ndraws = 16,
		.bands = { { 6500000, 7100000, 9000000 },
			   { 3000, 4000, 5000 },
			   { 3000000, 3100000, 3200000 },
			   { 10, 20, 30 },
			   { 200, 250, 400 } },
		.change_noise_ns = 1500,
		.nsens = 2,
		.sens = { { .param = 5,
			    .pass_ns_change = -2500000,
			    .rank_corr_milli = -912,
			    .name = "ipi.delivery_ns",
			    .low = "200",
			    .high = "1500" },
			  { .param = 1,
			    .pass_ns_change = 1234,
			    .rank_corr_milli = 56,
			    .name = "memory.l3_line_ns",
			    .low = "12",
			    .high = "35.5" } },
	};
	struct rmpsim_report rep = { .version = "0.1.0",
				     .machine = "default",
				     .profile = "default",
				     .policy = "v10",
				     .seed = 1,
				     .trace_hash = 0,
				     .runs = &r,
				     .nruns = 1,
				     .uncertainty = &u,
				     .bands = false,
				     .profiles = NULL };
	char *t;
	size_t n;

	assert_int_equal(rmpsim_report_json(&rep, 0, NULL, &t, &n), 0);
	assert_non_null(strstr(t, "      \"bands\": {\n"
				  "        \"cpu_busy_max_ns\": [\n"
				  "          10,\n"
				  "          20,\n"
				  "          30\n"
				  "        ],\n"
				  "        \"follower_ns\": [\n"));
	assert_non_null(strstr(t, "        \"pass_ns\": [\n"
				  "          6500000,\n"
				  "          7100000,\n"
				  "          9000000\n"
				  "        ]\n"
				  "      },\n"));
	assert_non_null(strstr(t, "      \"sensitivity\": [\n"
				  "        {\n"
				  "          \"high\": \"1500\",\n"
				  "          \"low\": \"200\",\n"
				  "          \"param\": \"ipi.delivery_ns\",\n"
				  "          \"pass_ns_change\": -2500000,\n"
				  "          \"rank_corr\": -912\n"
				  "        },\n"
				  "        {\n"
				  "          \"high\": \"35.5\",\n"));
	assert_non_null(strstr(t, "      \"sensitivity_noise_ns\": 1500,\n"));
	assert_non_null(strstr(t, "  \"uncertainty_draws\": 16\n}\n"));
	rmpsim_report_free_text(NULL, t, n);

	/* The table: the tornado after it; with bands, the banded table instead. */
	char *plain = render(rmpsim_report_text, &rep);
	assert_non_null(strstr(plain, "scenario  backing"));
	assert_non_null(strstr(plain, "What moves pass in worst 4K (top 2 of 2 parameters drawn, 16 draws):\n"
				      "parameter          range        pass low->high  rank corr\n"
				      "ipi.delivery_ns    200 .. 1500       -2.500 ms     -0.912  "
				      "------------------------\n"
				      "memory.l3_line_ns  12 .. 35.5        +1.234 us      0.056\n"));
	rep.bands = true;
	char *banded = render(rmpsim_report_text, &rep);
	assert_null(strstr(banded, "scenario  backing"));
	/* 7.000 ms with 6.50..9.00 ms; leader 4.000 ms with 3.00..5.00 us = 0.00300..0.00500 ms */
	assert_non_null(strstr(banded, "worst 4K  7.000 ms 6.50..9.00  4.000 ms 0.00300..0.00500"));
	assert_non_null(strstr(banded, "250 ns 200..400"));
	assert_non_null(strstr(banded, "What moves pass in worst 4K"));
	assert_non_null(
		strstr(banded, "smaller than about 1.500 us can come from chance alone with 16 draws"));
	free(plain);
	free(banded);
}

static void json_allocation_failure(void **state)
{
	(void)state;
	struct rmpsim_run_result r = run("worst", RMPSIM_BACKING_4K, 7000, 4000);
	struct rmpsim_report rep = { .version = "0.1.0",
				     .machine = "default",
				     .profile = "default",
				     .policy = "v10",
				     .seed = 1,
				     .trace_hash = 0,
				     .runs = &r,
				     .nruns = 1,
				     .uncertainty = NULL,
				     .bands = false,
				     .profiles = NULL };
	struct failing_alloc fa;
	char *t = (char *)0x1;
	size_t n = 77;

	failing_alloc_init(&fa, 0);
	assert_int_equal(rmpsim_report_json(&rep, 0, &fa.alloc, &t, &n), -ENOMEM);
	assert_true(t == (char *)0x1 && n == 77); /* untouched */
	assert_int_equal(fa.live_bytes, 0);
}

static void csv_quotes_and_columns(void **state)
{
	(void)state;
	struct rmpsim_run_result r = run("a,\"b\"", RMPSIM_BACKING_2M, 10, 4);
	struct rmpsim_report rep = { .version = "0.1.0",
				     .machine = "default",
				     .profile = "default",
				     .policy = "v10",
				     .seed = 1,
				     .trace_hash = 0,
				     .runs = &r,
				     .nruns = 1,
				     .uncertainty = NULL,
				     .bands = false,
				     .profiles = NULL };
	char *t = render(rmpsim_report_csv, &rep);
	char *nl = strchr(t, '\n');
	assert_non_null(nl);
	/* As many fields in the row as columns in the header (the quoted comma aside). */
	unsigned hdr = 1, row = 1;
	for (char *c = t; c < nl; c++)
		hdr += *c == ',';
	bool q = false;
	for (char *c = nl + 1; *c && *c != '\n'; c++) {
		if (*c == '"')
			q = !q;
		row += *c == ',' && !q;
	}
	assert_int_equal(hdr, 33);
	assert_int_equal(row, hdr);
	assert_non_null(strstr(t, ",rmpopt_cycles_min,rmpopt_cycles_mean,rmpopt_cycles_max,scan_lines_read,"
				  "scan_lines_from_dram,seed,"));
	assert_non_null(strstr(nl + 1, ",60,4541,41220,8192,1024,1,"));
	assert_true(strncmp(nl + 1, "\"a,\"\"b\"\"\",2M,v10,10,4,6,3,", 24) == 0);
	assert_non_null(strstr(nl + 1, ",0.937500,"));
	free(t);
}

static void trace_hash_is_fnv_over_runs(void **state)
{
	(void)state;
	struct rmpsim_run_result r[2] = { run("x", RMPSIM_BACKING_4K, 1, 0),
					  run("y", RMPSIM_BACKING_4K, 1, 0) };
	r[1].trace_hash = 7;
	uint64_t h = rmpsim__hash_u64(rmpsim__hash_u64(RMPSIM_FNV_OFFSET, 0x0123456789abcdefull), 7);
	ASSERT_EQ(rmpsim_report_trace_hash(r, 2), h);
	ASSERT_EQ(rmpsim_report_trace_hash(r, 0), RMPSIM_FNV_OFFSET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fmt_ns_rounds_to_thousandths),
		cmocka_unit_test(text_table_is_aligned),
		cmocka_unit_test(json_has_sorted_keys_and_integer_times),
		cmocka_unit_test(uncertainty_in_json_and_text),
		cmocka_unit_test(json_allocation_failure),
		cmocka_unit_test(csv_quotes_and_columns),
		cmocka_unit_test(trace_hash_is_fnv_over_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
