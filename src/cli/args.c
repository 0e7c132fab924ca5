/* SPDX-License-Identifier: MIT */
/* A small, strict option parser: long options only, no globals (getopt keeps
 * state in globals and prints its own messages). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/workload.h>

#include "args.h"

const char rmpsim_cli_usage[] =
	"Usage: rmpsim [OPTION]...\n"
	"Simulate AMD SEV-SNP RMPOPT on a many-core server and report each pass.\n"
	"With no option, run the review benchmark (every built-in scenario and backing,\n"
	"policy v10, the default 1024-CPU 2 TiB machine) and print a table.\n"
	"\n"
	"Choosing what runs:\n"
	"  --scenario NAME|FILE   run one built-in scenario (all its backings) or a scenario file\n"
	"  --backing 4K|2M|1G     with a built-in --scenario: only this backing\n"
	"  --policy NAME          RMPOPT policy (default v10; see --list-policies)\n"
	"  --policy-plugin PATH   load a policy from a shared object and use it\n"
	"  --machine DESC|FILE    hwloc synthetic description or XML file (default: built-in)\n"
	"  --profile FILE         timing profile (INI); default: built-in\n"
	"  --seed N               seed for every random choice (default 1)\n"
	"  --set KEY=VALUE        set a profile parameter (ipi.delivery_ns=900), a machine field\n"
	"                         (machine.cores_per_l3=8), policy, seed, scenario or a scenario\n"
	"                         knob (scenario.host_writes=1000); repeatable (docs/cli.md)\n"
	"  --placement NAME       fleet replay (--scenario FILE.csv): first-fit (default), pack,\n"
	"                         spread, or all (run each and compare)\n"
	"  --sample-every T       fleet replay: time between samples of the series (default 60s)\n"
	"  --churn N              fleet replay: 2 MB pages split (PSMASH) per hour per SNP VM,\n"
	"                         collapsed again a sample later (default 0)\n"
	"  --no-pvalidate         fleet replay: guests do not PVALIDATE their private pages\n"
	"  --uncertainty N        also run N Latin-hypercube draws of the profile's ranges per run\n"
	"                         (2..4096): percentile bands and what moves the pass time\n"
	"  --jobs N               worker processes for the runs, or the draws (default: online CPUs)\n"
	"\n"
	"Output:\n"
	"  --json FILE            also write the JSON report to FILE (- = stdout, no table)\n"
	"  --csv FILE             also write CSV to FILE (- = stdout, no table)\n"
	"  --trace FILE           also write a per-CPU timeline (Perfetto / chrome://tracing JSON)\n"
	"  --trace-cpus LIST      with --trace: only these CPUs (e.g. 0-3,64)\n"
	"  --trace-regions RANGE  with --trace: only RMPOPTs on these 1 GB regions (e.g. 0-15)\n"
	"  --html FILE            also write a self-contained HTML report with SVG plots\n"
	"  --ftrace FILE          also write the simulated kernel's trace as trace-cmd report text\n"
	"  --hist                 also print histograms of the pass (interrupts-off stretches,\n"
	"                         per-CPU busy time) in rtla's layout\n"
	"  --dmesg                print the simulated kernel log with virtual timestamps\n"
	"  --trace-detail         every IPI step by step, each step hashed (docs/timing.md)\n"
	"  --quiet                no table on stdout\n"
	"  --bands                with --uncertainty: the table shows p5..p95 beside each time\n"
	"\n"
	"Limits (kernel code that goes wrong ends the run with exit 3):\n"
	"  --allow-kernel-warnings  a kernel WARN or BUG is logged and counted, not fatal\n"
	"  --max-virtual-time T   stop a run past T of virtual time (default 3600s; units ns us ms s min h)\n"
	"  --max-events N         stop a run after N simulation events (default 1000000000)\n"
	"\n"
	"Other commands:\n"
	"  rmpsim sweep SPEC ...  run a sweep file's configurations (docs/sweeps.md)\n"
	"  rmpsim merge DIR ...   merge, check and draw sweep results\n"
	"  --print-profile        print the timing profile in effect (units, sources) and exit\n"
	"  --list-policies        list the built-in policies and exit\n"
	"  --list-scenarios       list the built-in scenarios and exit\n"
	"  --run-tests DIR        run each DIR/*.ini and compare its JSON with DIR/*.json\n"
	"  gen-fleet [OPTION]...  write a VM lifecycle log for a fleet replay (gen-fleet --help)\n"
	"  --help                 this text\n"
	"  --version              the version\n"
	"  diff A B [OPTION]...   B - A per run and phase: two policies, plugins or profiles\n"
	"  calibrate ...          fit the profile to your measurements (rmpsim calibrate --help)\n"
	"\n"
	"Exit status: 0 ok, 1 a golden test differed or a run failed, 2 usage error,\n"
	"3 error in an input file (file:line:col), 4 out of memory or output error.\n"
	"See docs/cli.md.\n";

enum kind { FLAG, VALUE };

struct opt {
	const char *name;
	enum kind kind;
	size_t off; /* offsetof the bool or const char * in the args */
};

#define F(n, field)                                                                                          \
	{                                                                                                    \
		n, FLAG, offsetof(struct rmpsim_cli_args, field)                                             \
	}
#define V(n, field)                                                                                          \
	{                                                                                                    \
		n, VALUE, offsetof(struct rmpsim_cli_args, field)                                            \
	}

static const struct opt opts[] = {
	V("policy", policy),
	V("policy-plugin", policy_plugin),
	V("machine", machine),
	V("profile", profile),
	V("scenario", scenario),
	V("backing", backing),
	V("json", json),
	V("csv", csv),
	V("run-tests", run_tests),
	V("trace", trace),
	V("trace-cpus", trace_cpus),
	V("trace-regions", trace_regions),
	F("hist", hist),
	V("ftrace", ftrace),
	V("html", html),
	V("placement", placement),
	V("sample-every", sample_every),
	V("churn", churn),
	F("no-pvalidate", no_pvalidate),
	V("seed", seed),	       /* handled specially */
	V("set", sets),		       /* handled specially: repeatable */
	V("uncertainty", uncertainty), /* handled specially */
	V("jobs", jobs),	       /* handled specially */
	F("bands", bands),
	F("dmesg", dmesg),
	F("allow-kernel-warnings", allow_kernel_warnings),
	V("max-virtual-time", max_virtual_time_ps), /* handled specially */
	V("max-events", max_events),		    /* handled specially */
	F("print-profile", print_profile),
	F("list-policies", list_policies),
	F("list-scenarios", list_scenarios),
	F("help", help),
	F("version", version),
	F("quiet", quiet),
	F("trace-detail", trace_detail),
};

/*
 * --max-virtual-time: plain digits are seconds, else a time with its unit
 * (rmpsim_parse_time_ns: ns, us, ms, s, min, h), from 1 us to 10^6 s;
 * --max-events: a positive integer.
 */
static int parse_limit(const char *name, const char *val, uint64_t *ret, char *err, size_t errlen)
{
	uint64_t n, ns = 0;

	if (!strcmp(name, "max-events")) {
		if (rmpsim_parse_u64(val, &n) || n == 0) {
			snprintf(err, errlen, "--max-events: expected a positive integer, got '%s'", val);
			return -EINVAL;
		}
		*ret = n;
		return 0;
	}
	bool plain = val[0] && !val[strspn(val, "0123456789")];
	int r = plain ? rmpsim_parse_u64(val, &n) : rmpsim_parse_time_ns(val, &ns);
	if (plain && !r)
		r = n > 1000000 ? -ERANGE : (ns = n * 1000000000ull, 0);
	if (!r && ns >= 1000 && ns <= 1000000ull * 1000000000ull) {
		*ret = ns * 1000;
		return 0;
	}
	snprintf(err, errlen,
		 "--max-virtual-time: expected a duration from 1us to 1000000s (e.g. 600s, 10min), got '%s'",
		 val);
	return -EINVAL;
}

int rmpsim_cli_parse(int argc, char **argv, struct rmpsim_cli_args *ret, char *err, size_t errlen)
{
	struct rmpsim_cli_args a = { 0 };

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			snprintf(err, errlen, "unexpected argument '%s' (options start with --)", arg);
			return -EINVAL;
		}
		const char *name = arg + 2;
		const char *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		const struct opt *o = NULL;
		for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
			if (strlen(opts[k].name) == nlen && strncmp(opts[k].name, name, nlen) == 0)
				o = &opts[k];
		}
		if (!o) {
			snprintf(err, errlen, "unknown option '--%.*s'", (int)nlen, name);
			return -EINVAL;
		}
		char *base = (char *)&a + o->off;
		if (o->kind == FLAG) {
			if (eq) {
				snprintf(err, errlen, "option '--%s' takes no value", o->name);
				return -EINVAL;
			}
			*(bool *)base = true;
			continue;
		}
		const char *val = eq ? eq + 1 : NULL;
		if (!val) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "option '--%s' needs a value", o->name);
				return -EINVAL;
			}
			val = argv[++i];
		}
		if (!*val) {
			snprintf(err, errlen, "option '--%s' needs a non-empty value", o->name);
			return -EINVAL;
		}
		if (!strcmp(o->name, "seed")) {
			/* JSON integers are signed 64-bit: keep seeds below 2^63. */
			if (rmpsim_parse_u64(val, &a.seed) || a.seed > INT64_MAX) {
				snprintf(err, errlen, "--seed: expected an integer from 0 to %lld, got '%s'",
					 (long long)INT64_MAX, val);
				return -EINVAL;
			}
			a.has_seed = true;
			continue;
		}
		if (!strcmp(o->name, "set")) {
			const char *eqv = strchr(val, '=');
			if (!eqv || eqv == val) {
				snprintf(err, errlen, "--set: expected KEY=VALUE, got '%s'", val);
				return -EINVAL;
			}
			if (a.nsets >= RMPSIM_CLI_MAX_SETS) {
				snprintf(err, errlen, "--set: at most %d of them", RMPSIM_CLI_MAX_SETS);
				return -EINVAL;
			}
			a.sets[a.nsets++] = val;
			continue;
		}
		if (!strcmp(o->name, "uncertainty") || !strcmp(o->name, "jobs")) {
			bool unc = o->name[0] == 'u';
			uint64_t lo = unc ? RMPSIM_UNC_MIN_DRAWS : 1, hi = unc ? RMPSIM_UNC_MAX_DRAWS : 64, n;
			if (rmpsim_parse_u64(val, &n) || n < lo || n > hi) {
				snprintf(err, errlen, "--%s: expected an integer from %llu to %llu, got '%s'",
					 o->name, (unsigned long long)lo, (unsigned long long)hi, val);
				return -EINVAL;
			}
			*(unsigned *)(void *)base = (unsigned)n;
			continue;
		}
		if (!strcmp(o->name, "max-virtual-time") || !strcmp(o->name, "max-events")) {
			if (parse_limit(o->name, val, (uint64_t *)(void *)base, err, errlen))
				return -EINVAL;
			continue;
		}
		if (!strcmp(o->name, "backing")) {
			enum rmpsim_backing b;
			if (rmpsim_backing_parse(val, &b)) {
				snprintf(err, errlen, "--backing: expected 4K, 2M or 1G, got '%s'", val);
				return -EINVAL;
			}
		}
		memcpy(base, &val, sizeof(val)); /* base points at a const char * field */
	}
	if (a.backing && !a.scenario) {
		snprintf(err, errlen, "--backing needs --scenario NAME");
		return -EINVAL;
	}
	if (a.bands && !a.uncertainty) {
		snprintf(err, errlen, "--bands needs --uncertainty N");
		return -EINVAL;
	}
	if (a.uncertainty && a.run_tests) {
		snprintf(err, errlen, "--uncertainty does not apply to --run-tests");
		return -EINVAL;
	}
	if ((a.trace_cpus || a.trace_regions) && !a.trace) {
		snprintf(err, errlen, "--%s needs --trace FILE",
			 a.trace_cpus ? "trace-cpus" : "trace-regions");
		return -EINVAL;
	}
	if ((a.trace || a.hist || a.ftrace || a.html) && a.run_tests) {
		snprintf(err, errlen, "--%s does not apply to --run-tests",
			 a.trace    ? "trace"
			 : a.hist   ? "hist"
			 : a.ftrace ? "ftrace"
				    : "html");
		return -EINVAL;
	}
	if (a.policy && a.policy_plugin) {
		snprintf(err, errlen, "--policy and --policy-plugin exclude each other");
		return -EINVAL;
	}
	if (a.json && a.csv && !strcmp(a.json, "-") && !strcmp(a.csv, "-")) {
		snprintf(err, errlen, "--json - and --csv - cannot both write to stdout");
		return -EINVAL;
	}
	*ret = a;
	return 0;
}
