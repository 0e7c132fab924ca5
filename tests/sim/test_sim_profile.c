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

#include <rmpsim/machine.h>
#include <rmpsim/profile.h>

static const char *default_path;

void rmpsim__profile_table_default(struct rmpsim_profile *ret);

static void assert_profiles_equal(const struct rmpsim_profile *a, const struct rmpsim_profile *b)
{
	assert_int_equal(a->freq_khz, b->freq_khz);
	assert_int_equal(a->rmpopt_fixed_mcyc, b->rmpopt_fixed_mcyc);
	assert_int_equal(a->rmpopt_slot_mcyc, b->rmpopt_slot_mcyc);
	assert_int_equal(a->rmpopt_slot_service_mcyc, b->rmpopt_slot_service_mcyc);
	assert_int_equal(a->rmpopt_cached_mcyc, b->rmpopt_cached_mcyc);
	assert_int_equal(a->rmpopt_report_mcyc, b->rmpopt_report_mcyc);
	assert_int_equal(a->rmpopt_contention, b->rmpopt_contention);
	assert_int_equal(a->rmpupdate_mcyc, b->rmpupdate_mcyc);
	assert_int_equal(a->psmash_mcyc, b->psmash_mcyc);
	assert_int_equal(a->ipi_send_base_ps, b->ipi_send_base_ps);
	assert_int_equal(a->ipi_send_per_target_ps, b->ipi_send_per_target_ps);
	assert_int_equal(a->ipi_delivery_ps, b->ipi_delivery_ps);
	assert_int_equal(a->ipi_handler_overhead_ps, b->ipi_handler_overhead_ps);
	assert_int_equal(a->ipi_ack_ps, b->ipi_ack_ps);
	assert_int_equal(a->ipi_ack_poll_per_target_ps, b->ipi_ack_poll_per_target_ps);
	assert_int_equal(a->wq_wakeup_ps, b->wq_wakeup_ps);
	assert_int_equal(a->cond_resched_ps, b->cond_resched_ps);
	assert_int_equal(a->mutex_ps, b->mutex_ps);
	assert_int_equal(a->context_switch_ps, b->context_switch_ps);
	assert_int_equal(a->hz, b->hz);
}

static void default_file_table_and_constant_agree(void **state)
{
	(void)state;
	struct rmpsim_profile file, table;
	struct rmpsim_diag d = { 0 };
	char buf[800];

	int r = rmpsim_profile_load(default_path, &file, &d);
	if (r)
		fprintf(stderr, "%s\n", rmpsim_diag_format(&d, buf, sizeof(buf)));
	assert_int_equal(r, 0);
	rmpsim__profile_table_default(&table);
	assert_profiles_equal(&file, rmpsim_profile_default());
	assert_profiles_equal(&table, rmpsim_profile_default());
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
	assert_int_equal(keys, 20);
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
	expect_error("[rmpopt]\nslot_cycles = 7\nbogus = 1\n", -EINVAL, 3, "unknown key rmpopt.bogus");
	expect_error("; c\n[nosuch]\nx = 1\n", -EINVAL, 3, "unknown section [nosuch]");
	expect_error("[ipi]\ndelivery_ns = fast\n", -EINVAL, 2, "'fast' is not a number");
	expect_error("[ipi]\ndelivery_ns = 1.2345\n", -EINVAL, 2, "at most 3 decimals");
	expect_error("[cpu]\n\nfreq_ghz = 0.01\n", -EINVAL, 3, "out of range [0.1, 10] GHz");
	expect_error("[kernel]\nhz = 0\n", -EINVAL, 2, "out of range");
	expect_error("[rmpopt]\ncontention = maybe\n", -EINVAL, 2, "not a boolean");
	expect_error("[rmpopt]\nthis line has no equals sign\n", -EINVAL, 2, "syntax error");
	/* The first error wins even if later lines are also wrong. */
	expect_error("[rmpopt]\nslot_cycles = x\nbad = 1\n", -EINVAL, 2, "slot_cycles");
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
		rmpsim_profile_parse("[cpu]\nfreq_ghz = 3\n[rmpopt]\ncontention = false\n", "x", &p, &d), 0);
	assert_int_equal(p.freq_khz, 3000000);
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

	p.freq_khz = 3123456;
	p.rmpopt_slot_service_mcyc = 1;
	p.ipi_ack_ps = 123456789;
	p.rmpopt_contention = false;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	rmpsim_profile_print(&p, f);
	fclose(f);
	/* Every parameter carries its unit and source. */
	assert_non_null(strstr(text, "; unit: GHz. source: A60"));
	assert_non_null(strstr(text, "freq_ghz = 3.123456"));
	assert_non_null(strstr(text, "ack_ns = 123456.789"));
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
	assert_true(rmpsim_profile_cycles_to_ps(&p, 10000000000000000ull) == 10000000000000000ull);
}

static void rmpopt_costs_match_spec_figures(void **state)
{
	(void)state;
	/* covers: A61, A63, A64 (default values against spec 1.12) */
	const struct rmpsim_profile *p = rmpsim_profile_default();
	struct rmpsim_rmpopt_result r = { .fault = RMPSIM_FAULT_NONE,
					  .kind = RMPSIM_RMPOPT_EARLY_EXIT,
					  .exit_slot = 0,
					  .slots_scanned = 1 };
	/* spec 1.12 A/C: the minimum, 60 cycles, is an exit at slot 0. */
	assert_int_equal(rmpsim_profile_rmpopt_mcyc(p, &r, 1), 60000);
	/* spec 1.12 C: a serial full scan lies in the typical 1,980-5,080 cycles. */
	r.kind = RMPSIM_RMPOPT_SCANNED;
	r.slots_scanned = 512;
	uint64_t full = rmpsim_profile_rmpopt_mcyc(p, &r, 1);
	assert_true(full >= 1980000 && full <= 5080000);
	/* fixed + 512 * slot, by hand: 53.5 + 512 * 6.5 = 3381.5 cycles. */
	assert_int_equal(full, p->rmpopt_fixed_mcyc + 512 * p->rmpopt_slot_mcyc);
	/* Early exit at slot k reads k + 1 slots. */
	r.kind = RMPSIM_RMPOPT_EARLY_EXIT;
	r.exit_slot = 99;
	r.slots_scanned = 100;
	assert_int_equal(rmpsim_profile_rmpopt_mcyc(p, &r, 1),
			 p->rmpopt_fixed_mcyc + 100 * p->rmpopt_slot_mcyc);
	/* A62: the n-th of n simultaneous scanners: fixed + max(alone, n * s * service). */
	r.kind = RMPSIM_RMPOPT_SCANNED;
	r.slots_scanned = 512;
	assert_int_equal(rmpsim_profile_rmpopt_mcyc(p, &r, 1024),
			 p->rmpopt_fixed_mcyc + 1024ull * 512 * p->rmpopt_slot_service_mcyc);
	/* The mean over a burst of 1,024 (k = 1..1024) is spec 1.12 C's 114,372 within 1 %. */
	uint64_t sum = 0;
	for (unsigned k = 1; k <= 1024; k++)
		sum += rmpsim_profile_rmpopt_mcyc(p, &r, k);
	uint64_t mean = sum / 1024;
	assert_true(mean > 113228000 && mean < 115516000);
	/* Cached result and status reads. */
	r.kind = RMPSIM_RMPOPT_CACHE_HIT;
	assert_int_equal(rmpsim_profile_rmpopt_mcyc(p, &r, 1000), p->rmpopt_cached_mcyc);
	r.kind = RMPSIM_RMPOPT_REPORT;
	assert_int_equal(rmpsim_profile_rmpopt_mcyc(p, &r, 1), p->rmpopt_report_mcyc);
	r.fault = RMPSIM_FAULT_UD;
	assert_int_equal(rmpsim_profile_rmpopt_mcyc(p, &r, 1), p->rmpopt_report_mcyc);
	/* With contention off, n does not matter. */
	struct rmpsim_profile q = *p;
	q.rmpopt_contention = false;
	r.fault = RMPSIM_FAULT_NONE;
	r.kind = RMPSIM_RMPOPT_SCANNED;
	assert_int_equal(rmpsim_profile_rmpopt_mcyc(&q, &r, 1024), full);
	assert_int_equal(rmpsim_profile_cost_rmpopt(&q, &r, 1), rmpsim_profile_cycles_to_ps(&q, full));
	assert_int_equal(rmpsim_profile_ipi_send_ps(p, 10),
			 p->ipi_send_base_ps + 10 * p->ipi_send_per_target_ps);
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
		cmocka_unit_test(rmpopt_costs_match_spec_figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
