// SPDX-License-Identifier: MIT
/*
 * Policy "queue-delayed": the v3-v7 batching (spec 1.6, 1.8). The pass is the
 * v10 one, so that a comparison with "v10" isolates the trigger:
 * queue_delayed_work() does nothing while the work is pending, so the first
 * teardown fixes the deadline and later ones inside the 10 s are absorbed.
 */
#include "rmpopt.h"

static int rmpopt_queue_delayed_setup(void)
{
	return rmpopt_setup_common(rmpopt_v10_work_handler,
				   RMPOPT_MASK_PRIMARY);
}

const struct rmpsim_policy_ops rmpsim_policy_queue_delayed = {
	.abi_version	= RMPSIM_POLICY_ABI_VERSION,
	.name		= "queue-delayed",
	.description	= "v3-v7 batching: queue_delayed_work keeps the first 10 s deadline; v10 pass",
	.setup		= rmpopt_queue_delayed_setup,
	.trigger	= rmpopt_trigger_queue_delayed,
	.cleanup	= rmpopt_cleanup_common,
	.table_show	= rmpopt_table_show,
};
