// SPDX-License-Identifier: MIT
/*
 * A plugin calling a kernel function the shim does not have: dlopen (RTLD_NOW)
 * refuses it at load, naming the symbol, before anything runs.
 */
#include <rmpsim/policy.h>

void rcu_nocb_flush_deferred_wakeup(void); /* not in the shim */

static int setup(void)
{
	rcu_nocb_flush_deferred_wakeup();
	return 0;
}

static void nop(void)
{
}

const struct rmpsim_policy_ops rmpsim_policy_plugin = {
	.abi_version = RMPSIM_POLICY_ABI_VERSION,
	.name = "unknown-api",
	.setup = setup,
	.trigger = nop,
	.cleanup = nop,
};
