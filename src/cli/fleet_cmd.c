/* SPDX-License-Identifier: MIT */
/*
 * Fleet replay from the command line (--scenario FILE.csv) and gen-fleet
 * (docs/cli.md "Fleet replay"; docs/scenarios.md "Fleet replay").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/fleet.h>
#include <rmpsim/report.h>

#include "cli.h"
#include "config.h"
#include "output.h"

/* Options a fleet replay cannot honour: said, not ignored. */
static const char *unsupported(const struct rmpsim_cli_args *a)
{
	if (a->backing)
		return "--backing (a log names each VM's backing)";
	if (a->uncertainty)
		return "--uncertainty";
	if (a->trace || a->ftrace || a->html || a->hist)
		return "--trace, --ftrace, --html and --hist (they show one pass; see the series instead)";
	if (a->run_tests)
		return "--run-tests";
	if (a->config && a->config->nknobs)
		return "--set of scenario knobs (a log has no [scenario] or [guest] sections)";
	return NULL;
}

bool rmpsim_cli_is_fleet(const char *scenario)
{
	return scenario && (rmpsim_fleet_is_log(scenario) || !strcmp(scenario, RMPSIM_CLI_FLEET_BUILTIN));
}

/* The log: the file, or for the built-in `--scenario fleet` the generator's
 * default day (what `rmpsim gen-fleet --seed N` writes; docs/scenarios.md) with the run's seed. */
static int load_log(const struct rmpsim_cli_args *a, struct rmpsim_fleet *f, struct rmpsim_diag *d)
{
	if (strcmp(a->scenario, RMPSIM_CLI_FLEET_BUILTIN))
		return rmpsim_fleet_parse_file(a->scenario, NULL, f, d);
	struct rmpsim_fleet_gen g;
	char *text = NULL;
	size_t len = 0;
	rmpsim_fleet_gen_default(&g);
	g.seed = a->has_seed ? a->seed : 1;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return -ENOMEM;
	int r = rmpsim_fleet_generate(&g, mem, NULL, d);
	if (fclose(mem) && !r)
		r = -ENOMEM;
	if (!r)
		r = rmpsim_fleet_parse_string(text, len, "fleet (built-in)", NULL, f, d);
	free(text);
	return r;
}

int rmpsim_cli_fleet(const struct rmpsim_cli_args *a)
{
	struct rmpsim_fleet f;
	struct rmpsim_fleet_options o = {
		.machine = a->machine,
		.profile = a->profile,
		.policy = a->policy,
		.policy_plugin = a->policy_plugin,
		.seed = a->has_seed ? a->seed : 1,
	};
	struct rmpsim_fleet_result res[RMPSIM_PLACE_COUNT];
	size_t nres = 0;
	enum rmpsim_placement first = RMPSIM_PLACE_FIRST_FIT, last = RMPSIM_PLACE_FIRST_FIT;
	struct rmpsim_diag d = { 0 };
	const char *why = unsupported(a);
	int r;

	if (why) {
		fprintf(stderr, "rmpsim: %s does not apply to a fleet replay\n", why);
		return RMPSIM_EXIT_USAGE;
	}
	if (a->placement && !strcmp(a->placement, "all")) {
		last = RMPSIM_PLACE_COUNT - 1;
	} else if (a->placement) {
		if (rmpsim_placement_parse(a->placement, &first)) {
			fprintf(stderr,
				"rmpsim: --placement: expected first-fit, pack, spread or all, got '%s'\n",
				a->placement);
			return RMPSIM_EXIT_USAGE;
		}
		last = first;
	}
	if (a->sample_every &&
	    (rmpsim_parse_time_ns(a->sample_every, &o.sample_ns) || o.sample_ns < 1000000000ull)) {
		fprintf(stderr,
			"rmpsim: --sample-every: expected a time of at least 1s (e.g. 60s, 10min), got "
			"'%s'\n",
			a->sample_every);
		return RMPSIM_EXIT_USAGE;
	}
	/* --set of profile parameters: on the profile the replay would use (config.h). */
	struct rmpsim_profile prof;
	if (a->config && a->config->nprof) {
		struct rmpsim_profile loaded;
		char msg[600];
		r = a->profile ? rmpsim_profile_load(a->profile, &loaded, &d) : 0;
		if (r) {
			if (!d.file[0])
				rmpsim_diag_at(&d, a->profile, d.line, d.col);
			rmpsim_cli_print_diag(&d, r);
			return r == -ENOMEM ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_INPUT;
		}
		int pcode = rmpsim_cli_config_profile(a->config, a->profile ? &loaded : NULL, &prof, msg,
						      sizeof(msg));
		if (pcode) {
			fprintf(stderr, "rmpsim: %s\n", msg);
			return pcode;
		}
		o.profile_value = &prof;
	}
	o.no_pvalidate = a->no_pvalidate;
	if (a->churn) {
		uint64_t n;
		if (rmpsim_parse_u64(a->churn, &n) || n > 1000000) {
			fprintf(stderr,
				"rmpsim: --churn: expected 2 MB splits per hour per VM, 0 to 1000000, got "
				"'%s'\n",
				a->churn);
			return RMPSIM_EXIT_USAGE;
		}
		o.churn_per_hour = (uint32_t)n;
	}
	r = load_log(a, &f, &d);
	if (r) {
		rmpsim_cli_print_diag(&d, r);
		return rmpsim_cli_exit_for(r, &d);
	}
	/* A468: the run limits of a replay scale with the log: its length plus an
	 * hour of virtual time, and 10^8 simulation events per row. */
	uint64_t end_ps = (f.nevents ? f.events[f.nevents - 1].time_ns : 0) * 1000 + 3600 * 1000000000000ull;
	if (rmpsim_cli_contain(a, end_ps, RMPSIM_CLI_MAX_EVENTS + (uint64_t)f.nevents * 100000000ull)) {
		rmpsim_fleet_free(&f);
		fprintf(stderr, "rmpsim: cannot install the crash handlers\n");
		return RMPSIM_EXIT_SYSTEM;
	}
	for (enum rmpsim_placement p = first; p <= last; p++) {
		o.placement = p;
		r = rmpsim_fleet_run(&f, &o, NULL, &res[nres], &d);
		if (r)
			break;
		nres++;
	}
	int code = RMPSIM_EXIT_OK;
	if (r) {
		rmpsim_cli_print_diag(&d, r);
		code = rmpsim_cli_exit_for(r, &d);
	} else {
		struct rmpsim_report rep = {
			.version = rmpsim_cli_version(),
			.machine = a->machine ? a->machine : "default",
			.profile = a->profile ? a->profile : "default",
			.policy = res[0].policy,
			.seed = res[0].seed,
			.fleets = res,
			.nfleets = nres,
			.fleet_log = a->scenario,
			.settings = a->config ? a->config->setting_ptrs : NULL,
			.nsettings = a->config ? a->config->nsettings : 0,
		};
		struct rmpsim_cli_output outs[2];
		size_t nouts = 0;
		char msg[512];
		if (a->json)
			outs[nouts++] = (struct rmpsim_cli_output){ .path = a->json,
								    .write = rmpsim_report_fleet_json };
		if (a->csv)
			outs[nouts++] = (struct rmpsim_cli_output){ .path = a->csv,
								    .write = rmpsim_report_fleet_csv };
		bool to_stdout = (a->json && !strcmp(a->json, "-")) || (a->csv && !strcmp(a->csv, "-"));
		if (!a->quiet && !to_stdout && rmpsim_report_fleet_text(stdout, &rep))
			code = RMPSIM_EXIT_SYSTEM;
		if (nouts && rmpsim_cli_write_outputs(outs, nouts, &rep, msg, sizeof(msg))) {
			fprintf(stderr, "rmpsim: %s\n", msg);
			code = RMPSIM_EXIT_SYSTEM;
		}
	}
	for (size_t i = 0; i < nres; i++)
		rmpsim_fleet_result_free(&res[i]);
	rmpsim_fleet_free(&f);
	return code;
}

static const char gen_usage[] =
	"Usage: rmpsim gen-fleet [OPTION]...\n"
	"Write a VM lifecycle log (CSV) for `rmpsim --scenario FILE.csv` to stdout:\n"
	"Poisson arrivals, exponential lifetimes, power-of-two sizes (docs/scenarios.md).\n"
	"  --vms N             VMs arriving (default 1000)\n"
	"  --hours H           arrivals over H hours (default 24)\n"
	"  --lifetime T        mean lifetime (default 2h; units s, min, h, ...; at most 1 year)\n"
	"  --snp P             percent of SNP VMs (default 60)\n"
	"  --backing A:B:C     percent of 4K:2M:1G backing (default 20:70:10)\n"
	"  --convert P         percent of SNP VMs that convert half their memory once (default 20)\n"
	"  --seed N            seed (default 1)\n"
	"  --output FILE       write FILE instead of stdout\n";

static int parse_pct(const char *v, unsigned *ret)
{
	uint64_t x;
	if (rmpsim_parse_u64(v, &x) || x > 100)
		return -1;
	*ret = (unsigned)x;
	return 0;
}

/* A positive time with a unit (s, min, h, ...), at most a year. */
static int parse_lifetime(const char *v, uint64_t *ret)
{
	uint64_t x;
	if (rmpsim_parse_time_ns(v, &x) || !x || x > 24 * 365 * 3600000000000ull)
		return -1;
	*ret = x;
	return 0;
}

static int gen_option(struct rmpsim_fleet_gen *g, const char *name, const char *v, const char **out)
{
	uint64_t x;
	if (!strcmp(name, "--vms"))
		return rmpsim_parse_u64(v, &x) || !x || x > RMPSIM_FLEET_MAX_VMS ? -1
										 : (g->vms = (unsigned)x, 0);
	if (!strcmp(name, "--hours"))
		return rmpsim_parse_u64(v, &x) || !x || x > 360 ? -1
								: (g->duration_ns = x * 3600000000000ull, 0);
	if (!strcmp(name, "--lifetime"))
		return parse_lifetime(v, &g->lifetime_mean_ns);
	if (!strcmp(name, "--snp"))
		return parse_pct(v, &g->snp_percent);
	if (!strcmp(name, "--convert"))
		return parse_pct(v, &g->convert_percent);
	if (!strcmp(name, "--seed"))
		return rmpsim_parse_u64(v, &x) || x > INT64_MAX ? -1 : (g->seed = x, 0);
	if (!strcmp(name, "--output"))
		return *out = v, 0;
	if (!strcmp(name, "--backing")) {
		unsigned p[3];
		char tail;
		if (sscanf(v, "%u:%u:%u%c", &p[0], &p[1], &p[2], &tail) != 3 || p[0] + p[1] + p[2] != 100)
			return -1;
		memcpy(g->backing_percent, p, sizeof(p));
		return 0;
	}
	return -2;
}

int rmpsim_cli_gen_fleet(int argc, char **argv)
{
	struct rmpsim_fleet_gen g;
	const char *out = NULL;
	struct rmpsim_diag d = { 0 };

	rmpsim_fleet_gen_default(&g);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			fputs(gen_usage, stdout);
			return fflush(stdout) ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_OK;
		}
		const char *eq = strchr(argv[i], '=');
		char name[32];
		const char *val;
		if (eq && (size_t)(eq - argv[i]) < sizeof(name)) {
			memcpy(name, argv[i], (size_t)(eq - argv[i]));
			name[eq - argv[i]] = '\0';
			val = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", argv[i]);
			val = i + 1 < argc ? argv[++i] : NULL;
		}
		int r = val ? gen_option(&g, name, val, &out) : -2;
		if (r) {
			fprintf(stderr, "rmpsim gen-fleet: %s%s%s: %s\nTry 'rmpsim gen-fleet --help'.\n",
				name, val ? " " : "", val ? val : "",
				r == -2 ? "unknown option or missing value" : "bad value");
			return RMPSIM_EXIT_USAGE;
		}
	}
	struct rmpsim_cli_stream s = { 0 };
	char msg[512];
	if (out && rmpsim_cli_stream_open(&s, out, msg, sizeof(msg))) {
		fprintf(stderr, "rmpsim gen-fleet: %s\n", msg);
		return RMPSIM_EXIT_SYSTEM;
	}
	int r = rmpsim_fleet_generate(&g, out ? s.f : stdout, NULL, &d);
	if (r) {
		if (out)
			rmpsim_cli_stream_abort(&s);
		rmpsim_cli_print_diag(&d, r);
		return r == -EINVAL ? RMPSIM_EXIT_USAGE : RMPSIM_EXIT_SYSTEM;
	}
	if (out) {
		struct rmpsim_cli_output o = { .path = out, .stream = &s };
		struct rmpsim_report none = { 0 };
		if (rmpsim_cli_write_outputs(&o, 1, &none, msg, sizeof(msg))) {
			fprintf(stderr, "rmpsim gen-fleet: %s\n", msg);
			return RMPSIM_EXIT_SYSTEM;
		}
	} else if (fflush(stdout)) {
		return RMPSIM_EXIT_SYSTEM;
	}
	return RMPSIM_EXIT_OK;
}
