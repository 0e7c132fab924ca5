/* SPDX-License-Identifier: MIT */
/* The exit code of a failed run or input (docs/cli.md "Exit status"). */
#include <rmpsim/error.h>

#include "cli.h"

/* The class of the error (error.h) decides, through docs/cli.md's table. */
int rmpsim_cli_exit_for(int err, const struct rmpsim_diag *d)
{
	if (err == -EOPNOTSUPP) /* the run completed no RMPOPT pass: a result, not an error */
		return RMPSIM_EXIT_FAIL;
	switch (rmpsim_diag_class(d, err)) {
	case RMPSIM_ERR_INPUT: return RMPSIM_EXIT_INPUT;
	case RMPSIM_ERR_KERNEL: return RMPSIM_EXIT_INPUT; /* docs/cli.md "Limits": kernel code went wrong */
	case RMPSIM_ERR_RESOURCE: return RMPSIM_EXIT_SYSTEM;
	case RMPSIM_ERR_INTERNAL: return RMPSIM_EXIT_INTERNAL;
	case RMPSIM_ERR_USAGE:
	case RMPSIM_ERR_UNSET: break;
	}
	return RMPSIM_EXIT_USAGE;
}
