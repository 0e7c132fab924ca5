/* SPDX-License-Identifier: MIT */
/* The parts of the rmpsim command (docs/cli.md). */
#ifndef RMPSIM_CLI_H
#define RMPSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include <rmpsim/error.h>

#include "args.h"

const char *rmpsim_cli_version(void);
/* Exit code for a failed run with err / diag: by its class (error.h); exit_code.c. */
int rmpsim_cli_exit_for(int err, const struct rmpsim_diag *d);
/* "rmpsim: file:line:col: message" on stderr. */
void rmpsim_cli_print_diag(const struct rmpsim_diag *d, int err);
/* The benchmark, one built-in or one scenario file; reports. Returns the exit code. */
int rmpsim_cli_bench(const struct rmpsim_cli_args *a);
/* Turn on containment (rmpsim/contain.h) with the limits of --max-virtual-time and
 * --max-events, else these defaults. 0 or -errno. */
int rmpsim_cli_contain(const struct rmpsim_cli_args *a, uint64_t default_virtual_time_ps,
		       uint64_t default_events);
/* rmpsim_cli_contain with the command's default limits, a failure printed: 0 or an exit code. */
int rmpsim_cli_contain_kernel(const struct rmpsim_cli_args *a);
/* --run-tests DIR. Returns the exit code. */
int rmpsim_cli_golden(const struct rmpsim_cli_args *a);
/* --scenario FILE.csv or the built-in `fleet`: a fleet replay (fleet_cmd.c). */
#define RMPSIM_CLI_FLEET_BUILTIN "fleet"
bool rmpsim_cli_is_fleet(const char *scenario);
int rmpsim_cli_fleet(const struct rmpsim_cli_args *a);
/* rmpsim gen-fleet [OPTION]...: argv[0] is "gen-fleet". */
int rmpsim_cli_gen_fleet(int argc, char **argv);

#endif
