/* SPDX-License-Identifier: MIT */
/* rmpsim diff A B (docs/cli.md "diff"). */
#ifndef RMPSIM_CLI_DIFF_H
#define RMPSIM_CLI_DIFF_H

/* argv[0] = "diff", argv[1] = A, argv[2] = B, then options. Returns the exit code. */
int rmpsim_cli_diff(int argc, char **argv);

extern const char rmpsim_cli_diff_usage[];

#endif
