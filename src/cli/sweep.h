/* SPDX-License-Identifier: MIT */
/*
 * rmpsim sweep and rmpsim merge (docs/sweeps.md): orchestration in the cli
 * layer. A sweep file names fixed settings and axes of --set values; each
 * configuration is one rmpsim run with those settings, identified by a hash
 * of its canonical form and the rmpsim version, written to its own JSON file.
 * The schedulers users already run (GNU parallel, Slurm job arrays) spread
 * the shards; rmpsim has no scheduler of its own (design.md 6).
 */
#ifndef RMPSIM_CLI_SWEEP_H
#define RMPSIM_CLI_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/error.h>
#include <rmpsim/workload.h>

#include "args.h"
#include "config.h"

#define RMPSIM_SWEEP_MAX_AXES	 16
#define RMPSIM_SWEEP_MAX_VALUES	 10000	 /* values of one axis */
#define RMPSIM_SWEEP_MAX_CONFIGS 1000000 /* configurations of one sweep */
#define RMPSIM_SWEEP_MAX_RUNS	 1000	 /* runs (seeds) per point */
#define RMPSIM_SWEEP_MAX_LINE	 4096

/* A key = value of the sweep file, where it was written. */
struct rmpsim_sweep_kv {
	char *key;
	char *value;
	unsigned line, col; /* of the value */
};

struct rmpsim_sweep_axis {
	struct rmpsim_sweep_kv kv; /* the axis as written */
	size_t nvalues;
	char **values; /* each value as written */
};

struct rmpsim_sweep_spec {
	char file[RMPSIM_WL_PATH_MAX];
	char dir[RMPSIM_WL_PATH_MAX]; /* the file's folder ("" = current) */
	char name[RMPSIM_WL_NAME_MAX];
	char output[RMPSIM_WL_PATH_MAX]; /* [sweep] output, relative to dir; "" = none */
	unsigned runs;			 /* seeds per point */
	uint64_t base_seed;		 /* the fixed seed, else 1 */
	size_t nfixed;
	struct rmpsim_sweep_kv fixed[RMPSIM_CLI_MAX_SETS]; /* [set] */
	size_t naxes;
	struct rmpsim_sweep_axis axes[RMPSIM_SWEEP_MAX_AXES];
	uint64_t count; /* configurations: product of the axes' sizes x runs */
};

/*
 * Read a sweep file (docs/sweeps.md "The sweep file"). extra: --set values
 * of the command line, part of every configuration. 0, or -EINVAL with
 * file:line:col in *diag, -ENOENT / -EIO, -ENOMEM. Every value is checked
 * here (with the other axes at their first value).
 */
int rmpsim_sweep_spec_load(const char *path, const char *const *extra, size_t nextra,
			   struct rmpsim_sweep_spec *ret, struct rmpsim_diag *diag);
void rmpsim_sweep_spec_free(struct rmpsim_sweep_spec *s);

/* Configuration i (< count): its settings, its canonical form's hashes. */
struct rmpsim_sweep_config {
	uint64_t index;
	unsigned run; /* which of the point's runs (seeds) */
	char key[17]; /* hash of the canonical form: the result's file name */
	char id[17];  /* hash of the canonical form and the rmpsim version */
	size_t nsets; /* extra, fixed, axis values, seed */
	const char *sets[RMPSIM_CLI_MAX_SETS];
	char buf[RMPSIM_CLI_MAX_SETS][RMPSIM_CLI_SETTING_MAX];
	const char *axis_keys[RMPSIM_SWEEP_MAX_AXES];
	const char *axis_values[RMPSIM_SWEEP_MAX_AXES];
};

/*
 * Build configuration i and resolve it (config.h) into *cfg, with a->sets its
 * settings. 0, or an exit code with a message in err ("configuration N: ...").
 */
int rmpsim_sweep_config(const struct rmpsim_sweep_spec *s, const char *const *extra, size_t nextra,
			uint64_t i, const char *version, struct rmpsim_sweep_config *ret,
			struct rmpsim_cli_args *a, struct rmpsim_cli_config *cfg, char *err, size_t errlen);

/* A decimal number with at most 3 decimals, in thousandths ("2.5" = 2500); *end after it. 0 or -EINVAL. */
int rmpsim_sweep_parse_milli(const char *s, int64_t *ret, const char **end);

/* rmpsim sweep ARGS... and rmpsim merge ARGS... (argv[0] is the subcommand). Exit codes. */
int rmpsim_cli_sweep_main(int argc, char **argv);
int rmpsim_cli_merge_main(int argc, char **argv);

#endif
