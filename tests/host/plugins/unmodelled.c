// SPDX-License-Identifier: MIT
/*
 * A plugin with an instruction the simulator does not model (RMPQUERY's
 * candidate encoding): the loader must refuse it before any of its code runs,
 * constructors included.
 */
#include <stdlib.h>

#include <rmpsim/policy.h>

__attribute__((constructor)) static void ran(void)
{
	setenv("RMPSIM_TEST_UNMODELLED_RAN", "1", 1);
}

int rmpquery_user(unsigned long va);
int rmpquery_user(unsigned long va)
{
	int ret;

	asm volatile(".byte 0xf3, 0x0f, 0x01, 0xfd" : "=a"(ret) : "a"(va) : "memory", "cc");
	return ret;
}

static int nop_setup(void)
{
	return 0;
}

static void nop(void)
{
}

const struct rmpsim_policy_ops rmpsim_policy_plugin = {
	.abi_version = RMPSIM_POLICY_ABI_VERSION,
	.name = "unmodelled",
	.setup = nop_setup,
	.trigger = nop,
	.cleanup = nop,
};
