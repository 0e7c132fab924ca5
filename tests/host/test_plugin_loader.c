/* SPDX-License-Identifier: MIT */
/* The policy plugin loader's errors (docs/policies.md) and the registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/policy.h>

static void test_missing_file(void **state)
{
	struct rmpsim_diag d;
	const struct rmpsim_policy_ops *ops = (const void *)&d;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(rmpsim_policy_load_plugin("/nonexistent/mine.so", &d, &ops, NULL), -ENOENT);
	assert_ptr_equal(ops, (const void *)&d); /* untouched */
	assert_non_null(strstr(d.msg, "no such file"));
	assert_string_equal(d.file, "/nonexistent/mine.so");
}

static void test_not_a_shared_object(void **state)
{
	struct rmpsim_diag d;
	const struct rmpsim_policy_ops *ops = NULL;

	(void)state;
	/* a C source file exists but does not load */
	assert_int_equal(rmpsim_policy_load_plugin(NO_SYMBOL_SRC, &d, &ops, NULL), -EINVAL);
	assert_null(ops);
	assert_non_null(strstr(d.msg, "not an x86-64 ELF shared object"));
}

static void test_missing_symbol(void **state)
{
	struct rmpsim_diag d;
	const struct rmpsim_policy_ops *ops = NULL;

	(void)state;
	assert_int_equal(rmpsim_policy_load_plugin(NO_SYMBOL_SO, &d, &ops, NULL), -EINVAL);
	assert_null(ops);
	assert_non_null(strstr(d.msg, "no symbol 'rmpsim_policy_plugin'"));
}

static void test_abi_mismatch(void **state)
{
	struct rmpsim_diag d;
	const struct rmpsim_policy_ops *ops = NULL;
	char want[64];

	(void)state;
	assert_int_equal(rmpsim_policy_load_plugin(OLD_ABI_SO, &d, &ops, NULL), -EPROTO);
	assert_null(ops);
	snprintf(want, sizeof(want), "policy ABI version %u", RMPSIM_POLICY_ABI_VERSION + 1);
	assert_non_null(strstr(d.msg, want));
}

static void test_registry(void **state)
{
	size_t n, i;
	const struct rmpsim_policy_ops *const *all = rmpsim_policy_builtins(&n);
	static const char *const names[] = { "v10",    "naive",	   "queue-delayed", "three-case",
					     "percpu", "targeted", "perf2-serial",  "perf2-parallel" };

	(void)state;
	assert_int_equal(n, 8);
	assert_ptr_equal(all[0], rmpsim_policy_default());
	assert_string_equal(rmpsim_policy_default()->name, "v10");
	for (i = 0; i < n; i++) {
		assert_ptr_equal(rmpsim_policy_find(names[i]), all[i]);
		assert_int_equal(all[i]->abi_version, RMPSIM_POLICY_ABI_VERSION);
		assert_non_null(all[i]->description);
		assert_non_null(all[i]->setup);
		assert_non_null(all[i]->trigger);
		assert_non_null(all[i]->cleanup);
	}
	assert_null(rmpsim_policy_find("v11"));
	assert_null(rmpsim_policy_find(NULL));
	/* only targeted takes the teardown hint */
	assert_non_null(rmpsim_policy_find("targeted")->guest_teardown);
	assert_null(rmpsim_policy_find("v10")->guest_teardown);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_file),   cmocka_unit_test(test_not_a_shared_object),
		cmocka_unit_test(test_missing_symbol), cmocka_unit_test(test_abi_mismatch),
		cmocka_unit_test(test_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
