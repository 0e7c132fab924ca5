/* SPDX-License-Identifier: MIT */
/* Running the selected scenarios and writing the reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rmpsim/report.h>
#include <rmpsim/workload.h>

#include "cli.h"
#include "config.h"
#include "jobs.h"
#include "output.h"
#include "progress.h"
#include "runs.h"
#include "trace_out.h"

struct dmesg_out {
	FILE *f;
	struct rmpsim_cli_progress *prog; /* its line is cleared before a log line */
};

static void print_dmesg(void *ctx, const char *line)
{
	struct dmesg_out *d = ctx;
	rmpsim_cli_progress_clear(d->prog);
	fprintf(d->f, "%s\n", line);
}

static int json_fn(FILE *f, const struct rmpsim_report *rep)
{
	return rmpsim_report_json_write(f, rep, 0);
}

/* The runs one after another in this process, their output as they go. */
static int run_serially(const struct rmpsim_cli_runs *rs)
{
	const struct rmpsim_cli_args *a = rs->a;
	struct rmpsim_run_options opt = *rs->opt;
	struct dmesg_out dm = { rs->dmesg_f, rs->prog };
	struct rmpsim_diag d;
	int code = 0;
	opt.dmesg_ctx = &dm;
	for (size_t i = 0; i < rs->jobs->n && !code; i++) {
		struct rmpsim_scenario s;
		char why[600];
		int kcode = rmpsim_cli_jobs_get(rs->jobs, i, a, &s, why, sizeof(why));
		if (kcode) {
			rmpsim_cli_progress_clear(rs->prog);
			fprintf(stderr, "rmpsim: %s\n", why);
			code = kcode;
			break;
		}
		char label[160];
		rmpsim_cli_jobs_label(rs->jobs, i, s.name, label, sizeof(label));
		if (a->dmesg) {
			rmpsim_cli_progress_clear(rs->prog);
			fprintf(dm.f, "== dmesg: %s ==\n", label);
		}
		memset(&d, 0, sizeof(d));
		rmpsim_cli_trace_run(rs->trace, &opt, label);
		rmpsim_cli_progress_run(rs->prog, label);
		int r = rmpsim_workload_run(&s, &opt, NULL, &rs->res[i], &d);
		rmpsim_cli_trace_run_done(rs->trace, &opt);
		if (!r && a->uncertainty) { /* the draws, each a run like this one (docs/cli.md) */
			long cpus = sysconf(_SC_NPROCESSORS_ONLN);
			unsigned workers = a->jobs ? a->jobs : cpus > 0 ? (unsigned)cpus : 1;
			r = rmpsim_unc_run(&s, &opt, NULL, a->uncertainty, workers, NULL, &rs->unc[i], &d);
		}
		rmpsim_cli_jobs_put(rs->jobs, i, &s);
		rmpsim_cli_progress_run_done(rs->prog);
		if (r) {
			rmpsim_cli_progress_clear(rs->prog);
			rmpsim_cli_print_diag(&d, r);
			code = rmpsim_cli_exit_for(r, &d);
			break;
		}
	}
	return code;
}

int rmpsim_cli_bench(const struct rmpsim_cli_args *a)
{
	struct rmpsim_cli_jobs jobs;
	struct rmpsim_diag d = { 0 };
	int r = rmpsim_cli_jobs_select(a, &jobs);

	if (r)
		return r;
	size_t njobs = jobs.n;
	struct rmpsim_run_result *res = calloc(njobs, sizeof(*res));
	struct rmpsim_uncertainty *unc = a->uncertainty ? calloc(njobs, sizeof(*unc)) : NULL;
	if (!res || (a->uncertainty && !unc)) {
		free(res);
		free(unc);
		rmpsim_cli_jobs_free(&jobs);
		return RMPSIM_EXIT_SYSTEM;
	}
	bool stdout_taken = (a->json && !strcmp(a->json, "-")) || (a->csv && !strcmp(a->csv, "-")) ||
			    (a->html && !strcmp(a->html, "-")) || (a->trace && !strcmp(a->trace, "-")) ||
			    (a->ftrace && !strcmp(a->ftrace, "-"));
	struct rmpsim_cli_progress prog;
	struct dmesg_out dm = { stdout_taken ? stderr : stdout, &prog };
	/* A plugin path without a slash names a file here, not a library on the search path. */
	char plugin[RMPSIM_WL_PATH_MAX + 2];
	if (a->policy_plugin)
		snprintf(plugin, sizeof(plugin), "%s%s", strchr(a->policy_plugin, '/') ? "" : "./",
			 a->policy_plugin);
	struct rmpsim_run_options opt = {
		.machine = a->machine,
		.profile = a->profile,
		.policy = a->policy,
		.policy_plugin = a->policy_plugin ? plugin : NULL,
		.seed = a->seed,
		.has_seed = a->has_seed,
		.dmesg = a->dmesg ? print_dmesg : NULL,
		.dmesg_ctx = &dm,
	};
	/* --set of profile parameters: on the profile the runs would use (config.h). */
	struct rmpsim_profile prof;
	if (a->config && a->config->nprof) {
		const char *base = a->profile ? a->profile : jobs.have_file ? jobs.file.profile : "";
		struct rmpsim_profile loaded;
		char why[600];
		r = base[0] ? rmpsim_profile_load(base, &loaded, &d) : 0;
		int pcode = r ? (r == -ENOMEM ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_INPUT)
			      : rmpsim_cli_config_profile(a->config, base[0] ? &loaded : NULL, &prof, why,
							  sizeof(why));
		if (r) {
			if (!d.file[0])
				rmpsim_diag_at(&d, base, d.line, d.col);
			rmpsim_cli_print_diag(&d, r);
		} else if (pcode) {
			fprintf(stderr, "rmpsim: %s\n", why);
		}
		if (pcode) {
			free(res);
			free(unc);
			rmpsim_cli_jobs_free(&jobs);
			return pcode;
		}
		opt.profile_value = &prof;
	}
	/* a sweep shows its own progress */
	rmpsim_cli_progress_start(&prog, isatty(STDERR_FILENO) && !a->quiet && !a->sweep, njobs);
	opt.progress = rmpsim_cli_progress_tick;
	opt.progress_ctx = &prog;
	opt.trace_detail = a->trace_detail;
	struct rmpsim_cli_trace trace;
	int code = rmpsim_cli_trace_start(a, &trace);
	struct rmpsim_cli_runs runs = {
		.a = a,
		.jobs = &jobs,
		.opt = &opt,
		.res = res,
		.unc = unc,
		.prog = &prog,
		.trace = &trace,
		.dmesg_f = dm.f,
	};
	unsigned workers = rmpsim_cli_runs_workers(a, njobs);
	if (!code)
		code = workers > 1 ? rmpsim_cli_runs_parallel(&runs, workers) : run_serially(&runs);
	rmpsim_cli_progress_clear(&prog);
	char file_machine[RMPSIM_WL_PATH_MAX] = "", file_profile[RMPSIM_WL_PATH_MAX] = "";
	bool have_file = jobs.have_file;
	if (have_file) {
		memcpy(file_machine, jobs.file.machine, sizeof(file_machine));
		memcpy(file_profile, jobs.file.profile, sizeof(file_profile));
	}
	rmpsim_cli_jobs_free(&jobs);
	struct rmpsim_cli_output trace_out[2];
	code = rmpsim_cli_trace_finish(&trace, a, code, trace_out);
	if (code) {
		free(res);
		free(unc);
		return code;
	}

	/* What was in effect: the command line's, else a scenario file's. */
	const char *machine = a->machine		     ? a->machine
			      : have_file && file_machine[0] ? file_machine
							     : "default";
	const char *profile = a->profile		     ? a->profile
			      : have_file && file_profile[0] ? file_profile
							     : "default";
	struct rmpsim_report rep = {
		.version = rmpsim_cli_version(),
		.machine = machine,
		.profile = profile,
		.policy = njobs ? res[0].policy : "",
		.seed = njobs ? res[0].seed : 0,
		.trace_hash = rmpsim_report_trace_hash(res, njobs),
		.runs = res,
		.nruns = njobs,
		.uncertainty = unc,
		.bands = a->bands,
		.profiles = a->html && trace.nprofiles == njobs ? trace.profiles : NULL,
		.settings = a->config ? a->config->setting_ptrs : NULL,
		.nsettings = a->config ? a->config->nsettings : 0,
		.sweep = a->sweep,
	};
	/* All report files of the run, or none (output.h). */
	struct rmpsim_cli_output outs[5];
	size_t nouts = 0;
	char why[600];
	if (a->json)
		outs[nouts++] = (struct rmpsim_cli_output){ .path = a->json, .write = json_fn };
	if (a->csv)
		outs[nouts++] = (struct rmpsim_cli_output){ .path = a->csv, .write = rmpsim_report_csv };
	if (a->html)
		outs[nouts++] = (struct rmpsim_cli_output){ .path = a->html, .write = rmpsim_report_html };
	for (size_t i = 0; i < 2; i++)
		if (trace_out[i].path)
			outs[nouts++] = trace_out[i];
	if (nouts && rmpsim_cli_write_outputs(outs, nouts, &rep, why, sizeof(why))) {
		fprintf(stderr, "rmpsim: cannot write the report: %s\n", why);
		code = RMPSIM_EXIT_SYSTEM;
	}
	if (!code && !stdout_taken && !a->quiet) {
		if (rmpsim_report_text(stdout, &rep) || fflush(stdout))
			code = RMPSIM_EXIT_SYSTEM;
	}
	int hcode = rmpsim_cli_hist_print(&trace, code ? NULL : stdout_taken ? stderr : stdout);
	code = code ? code : hcode;
	free(res);
	free(unc);
	return code;
}
