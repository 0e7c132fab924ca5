/* SPDX-License-Identifier: MIT */
/* The parts of the rmpsim command (docs/cli.md). */
#ifndef RMPSIM_CLI_H
#define RMPSIM_CLI_H

#include <rmpsim/error.h>

#include "args.h"

const char *rmpsim_cli_version(void);
/* Exit code for a failed run with err / diag. */
int rmpsim_cli_exit_for(int err, const struct rmpsim_diag *d);
/* "rmpsim: file:line:col: message" on stderr. */
void rmpsim_cli_print_diag(const struct rmpsim_diag *d, int err);
/* The benchmark, one built-in or one scenario file; reports. Returns the exit code. */
int rmpsim_cli_bench(const struct rmpsim_cli_args *a);
/* --run-tests DIR. Returns the exit code. */
int rmpsim_cli_golden(const struct rmpsim_cli_args *a);

#endif
