/* SPDX-License-Identifier: MIT */
/* The rmpsim command line, parsed into plain values (docs/cli.md). */
#ifndef RMPSIM_CLI_ARGS_H
#define RMPSIM_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes (docs/cli.md). */
enum {
	RMPSIM_EXIT_OK = 0,
	RMPSIM_EXIT_FAIL = 1,	 /* a golden test differed, or a run produced no pass */
	RMPSIM_EXIT_USAGE = 2,	 /* bad option or value, unknown policy or scenario */
	RMPSIM_EXIT_INPUT = 3,	 /* an input file is wrong: file:line:col on stderr */
	RMPSIM_EXIT_SYSTEM = 4,	 /* out of memory, or an output could not be written */
	RMPSIM_EXIT_INTERNAL = 5 /* rmpsim's own bug (RMPSIM_ERR_INTERNAL) */
};

struct rmpsim_cli_config;   /* config.h */
struct rmpsim_report_sweep; /* <rmpsim/report.h> */

/* --set KEY=VALUE, repeatable (docs/cli.md "Settings"). */
#define RMPSIM_CLI_MAX_SETS 128

struct rmpsim_cli_args {
	const char *policy;	   /* NULL = scenario's or v10 */
	const char *policy_plugin; /* .so path */
	const char *machine;	   /* synthetic string or XML path */
	const char *profile;	   /* INI path */
	const char *scenario;	   /* built-in name or file */
	const char *backing;	   /* with a built-in --scenario: 4K/2M/1G (default: all it has) */
	const char *json;	   /* path or "-" */
	const char *csv;	   /* path or "-" */
	const char *run_tests;	   /* folder of golden scenarios */
	const char *trace;	   /* --trace FILE: Chrome trace event JSON (timeline.h) */
	const char *trace_cpus;	   /* --trace-cpus LIST */
	const char *trace_regions; /* --trace-regions RANGE */
	const char *ftrace;	   /* --ftrace FILE: trace-cmd report text */
	const char *html;	   /* --html FILE: the HTML report */
	bool hist;		   /* --hist: histograms of the pass after the table */
	const char *placement;	   /* fleet replay: first-fit, pack, spread or all */
	const char *sample_every;  /* fleet replay: time between samples */
	const char *churn;	   /* fleet replay: 2 MB splits per hour per SNP VM */
	bool no_pvalidate;	   /* fleet replay: guests do not PVALIDATE */
	uint64_t seed;
	bool has_seed;
	unsigned uncertainty; /* --uncertainty N: draws per run (0 = none) */
	unsigned jobs;	      /* --jobs N: worker processes for the runs or draws (0 = online CPUs) */
	bool bands;	      /* --bands: the table shows p5..p95 (needs --uncertainty) */
	bool dmesg, print_profile, list_policies, list_scenarios, help, version, quiet;
	bool trace_detail; /* --trace-detail */
	/* Containment of kernel code (docs/cli.md "Limits"): 0 = the default limit. */
	bool allow_kernel_warnings;
	uint64_t max_virtual_time_ps, max_events;
	/* --set KEY=VALUE in command-line order (config.h resolves them). */
	const char *sets[RMPSIM_CLI_MAX_SETS];
	unsigned nsets;
	const struct rmpsim_cli_config *config;	 /* resolved by main (config.h); NULL: none */
	const struct rmpsim_report_sweep *sweep; /* rmpsim sweep: the configuration this run is */
};

/*
 * Parse argv[1..argc-1]. Options take their value as "--opt VALUE" or
 * "--opt=VALUE". Returns 0, or -EINVAL with a one-line message in err.
 * Pointers in *ret point into argv.
 */
int rmpsim_cli_parse(int argc, char **argv, struct rmpsim_cli_args *ret, char *err, size_t errlen);

/* Defaults of --max-virtual-time and --max-events (docs/cli.md). */
#define RMPSIM_CLI_MAX_VIRTUAL_TIME_S 3600ull
#define RMPSIM_CLI_MAX_EVENTS	      1000000000ull

/* The --help text. */
extern const char rmpsim_cli_usage[];

#endif
