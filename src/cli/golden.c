/* SPDX-License-Identifier: MIT */
/*
 * --run-tests DIR (style.md practice 7, after jq's tests): every DIR/NAME.ini
 * is run and its JSON report, in golden mode (RMPSIM_REPORT_GOLDEN: no trace
 * hashes, no version), is compared byte for byte with DIR/NAME.json.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/report.h>
#include <rmpsim/workload.h>

#include "cli.h"

static char *read_all(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len < cap)
			break;
		char *nb = realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	fclose(f);
	*ret_len = len;
	return buf;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Line number (1-based) of the first byte where a and b differ. */
static unsigned first_diff_line(const char *a, size_t na, const char *b, size_t nb)
{
	unsigned line = 1;
	for (size_t i = 0; i < na && i < nb && a[i] == b[i]; i++)
		line += a[i] == '\n';
	return line;
}

static void print_line(const char *tag, const char *t, size_t n, unsigned line)
{
	unsigned l = 1;
	size_t i = 0;
	while (i < n && l < line)
		l += t[i++] == '\n';
	size_t e = i;
	while (e < n && t[e] != '\n')
		e++;
	fprintf(stderr, "  %s: %.*s\n", tag, (int)(e - i), t + i);
}

static int filter_ini(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return n > 4 && !strcmp(e->d_name + n - 4, ".ini") && e->d_name[0] != '.';
}

/* 0 pass, 1 differ, -1 error (*ret_code = its exit code). */
static int check_one(const struct rmpsim_cli_args *a, const char *dir, const char *name, int *ret_code)
{
	char path[4096], expect[4096];
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	struct rmpsim_run_result res;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(expect, sizeof(expect), "%.*s.json", (int)strlen(path) - 4, path);
	int r = rmpsim_scenario_parse_file(path, NULL, &s, &d);
	if (r) {
		fprintf(stderr, "ERROR %s\n", name);
		rmpsim_cli_print_diag(&d, r);
		*ret_code = r == -ENOMEM ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_INPUT;
		return -1;
	}
	struct rmpsim_run_options opt = { .policy_plugin = a->policy_plugin };
	r = rmpsim_workload_run(&s, &opt, NULL, &res, &d);
	if (r) {
		rmpsim_scenario_free(&s);
		fprintf(stderr, "ERROR %s\n", name);
		rmpsim_cli_print_diag(&d, r);
		*ret_code = rmpsim_cli_exit_for(r, &d);
		return -1;
	}
	/* File names, not paths: the report must not depend on where DIR is. */
	struct rmpsim_report rep = {
		.machine = s.machine[0] ? (strstr(s.machine, ".xml") ? base_name(s.machine) : s.machine)
					: "default",
		.profile = s.profile[0] ? base_name(s.profile) : "default",
		.policy = res.policy,
		.seed = res.seed,
		.runs = &res,
		.nruns = 1,
	};
	char *got;
	size_t ngot, nexp;
	r = rmpsim_report_json(&rep, RMPSIM_REPORT_GOLDEN, NULL, &got, &ngot);
	rmpsim_scenario_free(&s);
	if (r) {
		*ret_code = RMPSIM_EXIT_SYSTEM;
		return -1;
	}
	char *exp = read_all(expect, &nexp);
	int out = 0;
	if (!exp) {
		fprintf(stderr, "FAIL %s: cannot read %s; the report was:\n%s", name, expect, got);
		out = 1;
	} else if (nexp != ngot || memcmp(exp, got, ngot)) {
		unsigned line = first_diff_line(exp, nexp, got, ngot);
		fprintf(stderr, "FAIL %s: differs from %s at line %u\n", name, base_name(expect), line);
		print_line("expected", exp, nexp, line);
		print_line("got     ", got, ngot, line);
		out = 1;
	}
	free(exp);
	rmpsim_report_free_text(NULL, got, ngot);
	return out;
}

int rmpsim_cli_golden(const struct rmpsim_cli_args *a)
{
	struct dirent **list;
	int n = scandir(a->run_tests, &list, filter_ini, alphasort);
	if (n < 0) {
		fprintf(stderr, "rmpsim: --run-tests: cannot read folder '%s'\n", a->run_tests);
		return RMPSIM_EXIT_USAGE;
	}
	int failed = 0, errors = 0, worst = 0;
	/* KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst, what kunit.py
	 * parses) on stdout; the differences as before on stderr. */
	printf("KTAP version 1\n1..%d\n", n);
	for (int i = 0; i < n; i++) {
		int code = 0;
		int r = check_one(a, a->run_tests, list[i]->d_name, &code);
		printf("%sok %d %s\n", r ? "not " : "", i + 1, list[i]->d_name);
		fflush(stdout);
		failed += r == 1;
		errors += r < 0;
		if (r < 0 && code > worst)
			worst = code;
		free(list[i]);
	}
	free(list);
	printf("%d passed, %d failed, %d errors\n", n - failed - errors, failed, errors);
	if (n == 0) {
		fprintf(stderr, "rmpsim: --run-tests: no .ini files in '%s'\n", a->run_tests);
		return RMPSIM_EXIT_USAGE;
	}
	if (worst)
		return worst;
	return failed ? RMPSIM_EXIT_FAIL : RMPSIM_EXIT_OK;
}
