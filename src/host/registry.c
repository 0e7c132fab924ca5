// SPDX-License-Identifier: MIT
/*
 * The built-in policies by name (docs/policies.md). The default comes first.
 */
#include <string.h>

#include "rmpsim/policy.h"

extern const struct rmpsim_policy_ops rmpsim_policy_v10;
extern const struct rmpsim_policy_ops rmpsim_policy_naive;
extern const struct rmpsim_policy_ops rmpsim_policy_queue_delayed;
extern const struct rmpsim_policy_ops rmpsim_policy_three_case;
extern const struct rmpsim_policy_ops rmpsim_policy_percpu;
extern const struct rmpsim_policy_ops rmpsim_policy_targeted;
extern const struct rmpsim_policy_ops rmpsim_policy_perf2_serial;
extern const struct rmpsim_policy_ops rmpsim_policy_perf2_parallel;

static const struct rmpsim_policy_ops *const rmpsim_policies[] = {
	&rmpsim_policy_v10,
	&rmpsim_policy_naive,
	&rmpsim_policy_queue_delayed,
	&rmpsim_policy_three_case,
	&rmpsim_policy_percpu,
	&rmpsim_policy_targeted,
	&rmpsim_policy_perf2_serial,
	&rmpsim_policy_perf2_parallel,
};

const struct rmpsim_policy_ops *rmpsim_policy_default(void)
{
	return rmpsim_policies[0];
}

const struct rmpsim_policy_ops *rmpsim_policy_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < sizeof(rmpsim_policies) / sizeof(rmpsim_policies[0]); i++)
		if (!strcmp(rmpsim_policies[i]->name, name))
			return rmpsim_policies[i];
	return NULL;
}

const struct rmpsim_policy_ops *const *rmpsim_policy_builtins(size_t *ret_count)
{
	if (ret_count)
		*ret_count = sizeof(rmpsim_policies) / sizeof(rmpsim_policies[0]);
	return rmpsim_policies;
}
