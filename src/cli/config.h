/* SPDX-License-Identifier: MIT */
/*
 * One configuration from the command line and its --set KEY=VALUE settings
 * (docs/cli.md "Settings"), so that a run needs no file: profile parameters,
 * the fields of a regular machine, policy, seed, scenario and scenario knobs.
 * rmpsim sweep builds each of its configurations the same way (sweep.c).
 *
 * Every setting is checked when it is resolved, before anything runs; its
 * canonical text ("ipi.delivery_ns=900") is what the report records and what
 * a sweep configuration's ID is a hash of.
 */
#ifndef RMPSIM_CLI_CONFIG_H
#define RMPSIM_CLI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/profile.h>
#include <rmpsim/workload.h>

#include "args.h"

#define RMPSIM_CLI_SETTING_MAX 256 /* canonical "key=value" of one setting */

struct rmpsim_cli_config {
	/* The profile parameters set (indices into the parameter table, the text
	 * given), applied to the profile each run would use (config_profile). */
	unsigned nprof;
	struct {
		unsigned idx;
		const char *value;
		const char *setting; /* the --set text, for messages */
	} prof[RMPSIM_CLI_MAX_SETS];
	/* Scenario knobs ("scenario" or "guest NAME" sections), applied to each scenario. */
	unsigned nknobs;
	struct {
		char section[RMPSIM_WL_NAME_MAX + 8];
		char key[32];
		const char *value;
		const char *setting;
	} knobs[RMPSIM_CLI_MAX_SETS];
	char machine[RMPSIM_WL_PATH_MAX]; /* a machine built from machine.FIELD settings */
	/* Canonical settings, sorted by key (what the report's "settings" lists). */
	unsigned nsettings;
	char settings[RMPSIM_CLI_MAX_SETS][RMPSIM_CLI_SETTING_MAX];
	const char *setting_ptrs[RMPSIM_CLI_MAX_SETS];
};

/*
 * Resolve a->sets into *cfg and fold the plain ones (machine, policy, seed,
 * profile, scenario, backing) into *a, which must outlive nothing but cfg
 * (a->machine may point into cfg). Returns 0, or an exit code (docs/cli.md)
 * with a one-line message in err naming the setting.
 */
int rmpsim_cli_config_resolve(struct rmpsim_cli_args *a, struct rmpsim_cli_config *cfg, char *err,
			      size_t errlen);

/*
 * The profile a run uses: base (NULL: the default) with the profile settings
 * applied. 0, or an exit code with a message in err (a value outside a range
 * the base profile file narrowed).
 */
int rmpsim_cli_config_profile(const struct rmpsim_cli_config *cfg, const struct rmpsim_profile *base,
			      struct rmpsim_profile *ret, char *err, size_t errlen);

/* Apply the scenario knobs to s. 0, or an exit code with a message in err. */
int rmpsim_cli_config_knobs(const struct rmpsim_cli_config *cfg, struct rmpsim_scenario *s, char *err,
			    size_t errlen);

#endif
