/* SPDX-License-Identifier: MIT */
/* rmpsim calibrate (docs/calibrate.md). */
#ifndef RMPSIM_CLI_CALIBRATE_H
#define RMPSIM_CLI_CALIBRATE_H

/* argv[0] = "calibrate", then options. Returns the exit code. */
int rmpsim_cli_calibrate(int argc, char **argv);

extern const char rmpsim_cli_calibrate_usage[];

#endif
