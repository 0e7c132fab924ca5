/* SPDX-License-Identifier: MIT */
/* A plugin built for another policy ABI version. */
#include <rmpsim/policy.h>

static int nop_setup(void)
{
	return 0;
}

static void nop(void)
{
}

const struct rmpsim_policy_ops rmpsim_policy_plugin = {
	.abi_version = RMPSIM_POLICY_ABI_VERSION + 1,
	.name = "old",
	.setup = nop_setup,
	.trigger = nop,
	.cleanup = nop,
};
