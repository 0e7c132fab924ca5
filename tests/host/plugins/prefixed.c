// SPDX-License-Identifier: MIT
/*
 * An RMPOPT with an operand-size prefix of its own (66 F2 0F 01 FC): not an
 * encoding the loader can execute, so the plugin is refused before it runs.
 */
#include <stdlib.h>

#include <rmpsim/policy.h>

__attribute__((constructor)) static void ran(void)
{
	setenv("RMPSIM_TEST_PREFIXED_RAN", "1", 1);
}

int odd_rmpopt(unsigned long pa);
int odd_rmpopt(unsigned long pa)
{
	unsigned char cf;

	asm volatile(".byte 0x66, 0xf2, 0x0f, 0x01, 0xfc" : "=@ccc"(cf) : "a"(pa), "c"(0ul) : "memory", "cc");
	return cf;
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
	.name = "prefixed",
	.setup = nop_setup,
	.trigger = nop,
	.cleanup = nop,
};
