/* SPDX-License-Identifier: MIT */
/* The option parser (src/cli/args.c): values, flags, and usage errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "args.h"

static int parse(struct rmpsim_cli_args *a, char *err, size_t n, int argc, ...)
{
	char name[] = "rmpsim";
	char *argv[32] = { name };
	va_list ap;
	va_start(ap, argc);
	for (int i = 1; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	return rmpsim_cli_parse(argc, argv, a, err, n);
}

static void no_arguments_is_the_benchmark(void **state)
{
	(void)state;
	struct rmpsim_cli_args a;
	char err[256];
	assert_int_equal(parse(&a, err, sizeof(err), 1), 0);
	assert_null(a.scenario);
	assert_null(a.policy);
	assert_false(a.has_seed || a.help || a.dmesg);
}

static void values_both_spellings(void **state)
{
	(void)state;
	struct rmpsim_cli_args a;
	char err[256];
	assert_int_equal(parse(&a, err, sizeof(err), 10, "--policy", "naive", "--machine=pack:1 core:2 pu:2",
			       "--seed", "0x10", "--json=-", "--dmesg", "--scenario", "full"),
			 0);
	assert_string_equal(a.policy, "naive");
	assert_string_equal(a.machine, "pack:1 core:2 pu:2");
	assert_true(a.has_seed && a.seed == 16);
	assert_string_equal(a.json, "-");
	assert_true(a.dmesg);
	assert_string_equal(a.scenario, "full");
	assert_int_equal(parse(&a, err, sizeof(err), 5, "--scenario", "worst", "--backing", "4k"), 0);
	assert_string_equal(a.backing, "4k");
}

static void usage_errors(void **state)
{
	(void)state;
	struct rmpsim_cli_args a;
	char err[256];
	assert_int_equal(parse(&a, err, sizeof(err), 2, "--frobnicate"), -EINVAL);
	assert_string_equal(err, "unknown option '--frobnicate'");
	assert_int_equal(parse(&a, err, sizeof(err), 2, "--policy"), -EINVAL);
	assert_string_equal(err, "option '--policy' needs a value");
	assert_int_equal(parse(&a, err, sizeof(err), 2, "--help=yes"), -EINVAL);
	assert_string_equal(err, "option '--help' takes no value");
	assert_int_equal(parse(&a, err, sizeof(err), 2, "full"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 2, "-h"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--seed", "9223372036854775808"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--seed", "9223372036854775807"), 0);
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--backing", "2M"), -EINVAL); /* needs --scenario */
	assert_int_equal(parse(&a, err, sizeof(err), 5, "--scenario", "full", "--backing", "3M"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 5, "--policy", "v10", "--policy-plugin", "x.so"),
			 -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 5, "--json", "-", "--csv", "-"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 2, "--profile="), -EINVAL);
}

/* --uncertainty N, --jobs N, --bands (docs/cli.md "Uncertainty"). */
static void uncertainty_options(void **state)
{
	(void)state;
	struct rmpsim_cli_args a;
	char err[256];
	assert_int_equal(
		parse(&a, err, sizeof(err), 6, "--uncertainty", "32", "--jobs=3", "--bands", "--quiet"), 0);
	assert_int_equal(a.uncertainty, 32);
	assert_int_equal(a.jobs, 3);
	assert_true(a.bands);
	assert_int_equal(parse(&a, err, sizeof(err), 1), 0);
	assert_int_equal(a.uncertainty, 0); /* none unless asked */
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--uncertainty", "2"), 0);
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--uncertainty", "4096"), 0);

	assert_int_equal(parse(&a, err, sizeof(err), 3, "--uncertainty", "0"), -EINVAL);
	assert_string_equal(err, "--uncertainty: expected an integer from 2 to 4096, got '0'");
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--uncertainty", "1"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--uncertainty", "4097"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--uncertainty", "99999999999999999999999"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--uncertainty", "many"), -EINVAL);
	assert_string_equal(err, "--uncertainty: expected an integer from 2 to 4096, got 'many'");
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--uncertainty", "-3"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--uncertainty", "8x"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 2, "--uncertainty"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 5, "--uncertainty", "8", "--jobs", "0"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 5, "--uncertainty", "8", "--jobs", "65"), -EINVAL);
	assert_int_equal(parse(&a, err, sizeof(err), 2, "--bands"), -EINVAL);
	assert_string_equal(err, "--bands needs --uncertainty N");
	/* --jobs alone: the benchmark's runs in workers (docs/cli.md "Parallel runs") */
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--jobs", "2"), 0);
	assert_int_equal(a.jobs, 2);
	assert_int_equal(parse(&a, err, sizeof(err), 3, "--jobs", "0"), -EINVAL);
	assert_int_equal(
		parse(&a, err, sizeof(err), 5, "--uncertainty", "8", "--run-tests", "tests/scenario"),
		-EINVAL);
}

/* --max-virtual-time: plain seconds or any unit of rmpsim_parse_time_ns, 1 us .. 10^6 s. */
static void max_virtual_time_units(void **state)
{
	(void)state;
	static const struct {
		const char *v;
		uint64_t ps; /* 0: refused */
	} cases[] = {
		{ "90", 90000000000000ull },
		{ "2h", 7200000000000000ull },
		{ "10min", 600000000000000ull },
		{ "1500ns", 1500000ull },
		{ "1us", 1000000ull },
		{ "1000000s", 1000000000000000000ull },
		{ "0s", 0 },
		{ "999ns", 0 },
		{ "1000001s", 0 },
		{ "1000001", 0 },
		{ "5x", 0 },
		{ "", 0 },
		{ "278h", 0 },
		{ "-1s", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rmpsim_cli_args a;
		char err[256] = "";
		char opt[] = "--max-virtual-time", val[32];
		snprintf(val, sizeof(val), "%s", cases[i].v);
		int r = parse(&a, err, sizeof(err), 3, opt, val);
		if (cases[i].ps && (r != 0 || a.max_virtual_time_ps != cases[i].ps))
			fail_msg("'%s': returned %d, %llu ps, want %llu ps", cases[i].v, r,
				 (unsigned long long)a.max_virtual_time_ps, (unsigned long long)cases[i].ps);
		if (!cases[i].ps && (r != -EINVAL || !strstr(err, "--max-virtual-time")))
			fail_msg("'%s': returned %d (%s), want -EINVAL", cases[i].v, r, err);
	}
}

static void help_documents_every_option(void **state)
{
	(void)state;
	static const char *const names[] = { "--policy ",	 "--policy-plugin", "--machine",
					     "--profile",	 "--scenario",	    "--backing",
					     "--json",		 "--csv",	    "--dmesg",
					     "--seed",		 "--print-profile", "--list-policies",
					     "--list-scenarios", "--run-tests",	    "--help",
					     "--version",	 "--quiet",	    "--uncertainty",
					     "--jobs",		 "--bands" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_non_null(strstr(rmpsim_cli_usage, names[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_arguments_is_the_benchmark),
		cmocka_unit_test(values_both_spellings),
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(uncertainty_options),
		cmocka_unit_test(max_virtual_time_units),
		cmocka_unit_test(help_documents_every_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
