/* SPDX-License-Identifier: MIT */
/*
 * Every error class to its exit code (docs/cli.md "Exit status", issue 11
 * point 3), and how a diag gets its class: recorded, from a named file, from
 * -ENOMEM, and what a later location does to a recorded class.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

struct row {
	const char *name;
	int err;
	enum rmpsim_err_class cls; /* recorded; UNSET: none */
	const char *file;	   /* named by the diag, or NULL */
	int code;
};

static const struct row rows[] = {
	{ "bad command-line value", -EINVAL, RMPSIM_ERR_UNSET, NULL, RMPSIM_EXIT_USAGE },
	{ "recorded usage", -ERANGE, RMPSIM_ERR_USAGE, NULL, RMPSIM_EXIT_USAGE },
	{ "value in a file", -EINVAL, RMPSIM_ERR_UNSET, "x.ini", RMPSIM_EXIT_INPUT },
	{ "recorded input", -ENOENT, RMPSIM_ERR_INPUT, "x.ini", RMPSIM_EXIT_INPUT },
	{ "out of memory", -ENOMEM, RMPSIM_ERR_UNSET, NULL, RMPSIM_EXIT_SYSTEM },
	{ "out of memory reading a file", -ENOMEM, RMPSIM_ERR_UNSET, "x.ini", RMPSIM_EXIT_SYSTEM },
	{ "worker process died", -ECHILD, RMPSIM_ERR_RESOURCE, NULL, RMPSIM_EXIT_SYSTEM },
	{ "kernel oops", -EFAULT, RMPSIM_ERR_KERNEL, NULL, RMPSIM_EXIT_INPUT },
	{ "kernel oops at a file's event", -EFAULT, RMPSIM_ERR_KERNEL, "x.ini", RMPSIM_EXIT_INPUT },
	{ "internal", -EINVAL, RMPSIM_ERR_INTERNAL, NULL, RMPSIM_EXIT_INTERNAL },
	{ "no RMPOPT pass", -EOPNOTSUPP, RMPSIM_ERR_UNSET, NULL, RMPSIM_EXIT_FAIL },
	{ "no diag at all", -EINVAL, RMPSIM_ERR_UNSET, NULL, RMPSIM_EXIT_USAGE },
};

static void every_class_to_its_code(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct rmpsim_diag d;
		memset(&d, 0, sizeof(d));
		rmpsim_diag_set_class(&d, r->cls);
		(void)rmpsim_diag_fail(&d, r->err, "%s", r->name);
		if (r->file)
			rmpsim_diag_at(&d, r->file, 3, 1);
		bool no_diag = !strcmp(r->name, "no diag at all");
		int code = rmpsim_cli_exit_for(r->err, no_diag ? NULL : &d);
		if (code != r->code)
			fail_msg("%s: exit %d (class %s), want %d", r->name, code,
				 rmpsim_err_class_name(rmpsim_diag_class(&d, r->err)), r->code);
	}
}

static void a_diag_learns_its_class(void **state)
{
	(void)state;
	struct rmpsim_diag d;

	memset(&d, 0, sizeof(d));
	assert_int_equal(d.cls, RMPSIM_ERR_UNSET);
	assert_int_equal(rmpsim_diag_class(&d, -EINVAL), RMPSIM_ERR_USAGE);
	/* A usage error that turns out to come from a file becomes an input error. */
	rmpsim_diag_set_class(&d, RMPSIM_ERR_USAGE);
	rmpsim_diag_at(&d, "s.ini", 4, 7);
	assert_int_equal(d.cls, RMPSIM_ERR_INPUT);
	/* A kernel failure stays one when the event's line is added. */
	rmpsim_diag_set_class(&d, RMPSIM_ERR_KERNEL);
	rmpsim_diag_at(&d, "s.ini", 9, 1);
	assert_int_equal(d.cls, RMPSIM_ERR_KERNEL);
	/* rmpsim_diag_fail records resource for -ENOMEM only when nothing was recorded. */
	memset(&d, 0, sizeof(d));
	assert_int_equal(rmpsim_diag_fail(&d, -ENOMEM, "x"), -ENOMEM);
	assert_int_equal(d.cls, RMPSIM_ERR_RESOURCE);
	rmpsim_diag_set_class(&d, RMPSIM_ERR_INTERNAL);
	(void)rmpsim_diag_fail(&d, -ENOMEM, "y");
	assert_int_equal(d.cls, RMPSIM_ERR_INTERNAL);
	/* NULL diags are allowed everywhere. */
	rmpsim_diag_set_class(NULL, RMPSIM_ERR_INPUT);
	assert_int_equal(rmpsim_diag_class(NULL, -ENOMEM), RMPSIM_ERR_RESOURCE);
	assert_string_equal(rmpsim_err_class_name(RMPSIM_ERR_KERNEL), "kernel");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_class_to_its_code),
		cmocka_unit_test(a_diag_learns_its_class),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
