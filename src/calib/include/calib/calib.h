/* SPDX-License-Identifier: MIT */
/*
 * Calibration (issue 16 point 5, docs/calibrate.md): a user's own
 * measurements, the rmpsim runs that predict them, and a bounded fit of the
 * timing parameters they constrain. Layer `calib` sits between report and cli
 * and uses workload and below: measurements are parsed here (file:line
 * errors), predicted by full runs (rmpsim_workload_run) or by the IPI
 * benchmark on the simulated machine (ipi_bench.c), and fitted by a
 * deterministic bounded Nelder-Mead in the parameters' ranges (fit.c).
 *
 * Measurement files (assumptions A420-A426, docs/model.md):
 *   - pass log: kernel log lines "RMPOPT execution time ... N ns", each the
 *     wall time of one pass of the scenario the log was taken on;
 *   - cycles log: "RMPOPT max cycle on cpu C at 0xSPA: N" and "RMPOPT
 *     instruction cycles: largest N, smallest N, average N[; pass N cycles]"
 *     (spec 1.12 C's shape), from the serial measurement loop (perf2-serial)
 *     unless the scenario names another policy;
 *   - IPI table: "targets ns" rows: smp_call_function_many() with wait to the
 *     first N CPUs after CPU 0, an empty function, the sender's time.
 */
#ifndef RMPSIM_CALIB_H
#define RMPSIM_CALIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/error.h>
#include <rmpsim/profile.h>
#include <rmpsim/workload.h>

enum calib_source_kind {
	CALIB_PASS_LOG = 0, /* "RMPOPT execution time ... ns" lines */
	CALIB_CYCLES_LOG,   /* spec 1.12 C's per-instruction lines */
	CALIB_IPI_TABLE,    /* targets vs ns */
};

/* What a measurement is, in the model's terms. */
enum calib_quantity {
	CALIB_Q_PASS_NS = 0, /* a pass's wall time (ns) */
	CALIB_Q_CYC_MAX,     /* dearest RMPOPT of a pass (cycles) */
	CALIB_Q_CYC_MIN,     /* cheapest (cycles) */
	CALIB_Q_CYC_MEAN,    /* mean (cycles) */
	CALIB_Q_CYC_PASS,    /* the measurement loop's own TSC difference (cycles) */
	CALIB_Q_CYC_RISE,    /* the k-th rise of the running maximum (cycles) */
	CALIB_Q_IPI_NS,	     /* one IPI call to `targets` CPUs (ns) */
};
const char *calib_quantity_name(enum calib_quantity q);

/* One file with the scenario its measurements were taken on. */
struct calib_source {
	enum calib_source_kind kind;
	char file[RMPSIM_WL_PATH_MAX];
	char scenario[RMPSIM_WL_PATH_MAX]; /* built-in name or scenario file ("" for IPI tables) */
	struct rmpsim_scenario s;	   /* parsed scenario (logs only) */
	bool have_s;
};

struct calib_meas {
	unsigned source; /* index into the sources */
	enum calib_quantity q;
	unsigned line;	  /* in the source's file */
	double value;	  /* measured, ns or cycles */
	unsigned targets; /* IPI: CPUs the call went to */
	unsigned rise;	  /* CYC_RISE: its rank among the pass's rises on rise_cpu */
	unsigned rise_cpu;
};

struct calib_set {
	struct calib_source *src;
	size_t nsrc;
	struct calib_meas *m;
	size_t n, cap;
};

/*
 * Read one measurement file into set (appending a source and its
 * measurements). scenario: built-in name or file for logs (NULL for tables).
 * Lines that are not measurements of the file's kind are skipped (a log is
 * a whole dmesg); a line that starts like one but does not parse, or a file
 * without any, is -EINVAL with diag at file:line:col. -ENOENT, -ENOMEM.
 */
int calib_read(struct calib_set *set, enum calib_source_kind kind, const char *file, const char *scenario,
	       struct rmpsim_diag *diag);
/* The same from text (tests); name is the file name in messages. */
int calib_parse(struct calib_set *set, enum calib_source_kind kind, const char *text, const char *name,
		const char *scenario, struct rmpsim_diag *diag);
void calib_set_free(struct calib_set *set);

/* What the model runs with besides the profile (the rmpsim options). */
struct calib_env {
	const char *machine;	   /* NULL = scenario's / default (IPI: default) */
	const char *policy;	   /* NULL = per source (A421) */
	const char *policy_plugin; /* path or NULL */
	uint64_t seed;
	bool has_seed;
};

/*
 * Predict every measurement of set with profile p: ret[i] for set->m[i]
 * (0 when the model has no such value, e.g. fewer rises). One run per
 * source. 0, or a negative errno with diag (bad scenario, a run failed).
 */
int calib_predict(const struct calib_set *set, const struct calib_env *env, const struct rmpsim_profile *p,
		  double *ret, struct rmpsim_diag *diag);

/*
 * The IPI benchmark (A422): on machine desc (NULL = default) with profile p,
 * CPU 0 calls smp_call_function_many(wait) with an empty function to CPUs
 * 1..targets[i], once to warm up and once measured, for each i; ret_ns[i] is
 * the measured call's time on the sender. -EINVAL with diag (bad machine,
 * targets outside 1..ncpus-1: diag names the target count), -ENOMEM.
 */
int calib_ipi_bench(const char *machine, const struct rmpsim_profile *p, const unsigned *targets, size_t n,
		    double *ret_ns, struct rmpsim_diag *diag);

/* ---- The fit (fit.c) ---- */

/* The model as the fit sees it: measurement predictions for a profile. */
typedef int (*calib_model_fn)(void *ctx, const struct rmpsim_profile *p, double *ret,
			      struct rmpsim_diag *diag);

/* Why a candidate parameter is or is not fitted. */
enum calib_status {
	CALIB_FITTED = 0,
	CALIB_UNCONSTRAINED, /* no measurement moves with it (Jacobian column ~0, A423) */
	CALIB_ALIASED,	     /* moves the measurements like a fitted one (A423) */
	CALIB_TOO_MANY,	     /* separable, but one parameter per two measurements is fitted (A423) */
};

struct calib_param {
	unsigned index;		  /* profile parameter table index */
	enum calib_status status; /* */
	unsigned alias;		  /* ALIASED: table index of the fitted parameter it follows */
	double effect;		  /* largest |d ln(prediction)| over its whole range */
	uint64_t base, fitted;	  /* stored units */
	bool at_bound;		  /* the fit ended on the range's edge */
};

struct calib_result {
	struct calib_param *params; /* candidates, table order */
	size_t nparams, nfitted;
	double *base_pred, *fit_pred;	   /* per measurement */
	double *loo_pred;		   /* per measurement: predicted with it left out */
	bool *moves;			   /* per measurement: some candidate moves it (A423) */
	double rms_base, rms_fit, rms_loo; /* RMS of ln(prediction / measured) */
	unsigned evals;			   /* model runs */
	struct rmpsim_profile fitted;	   /* base with the fitted values */
};

struct calib_fit_opts {
	const bool *candidates; /* [RMPSIM_PROFILE_NPARAMS]: may be fitted (NULL: every uncertain one) */
	unsigned max_evals;	/* main fit budget (0: 60 + 40 per fitted parameter) */
	bool loo;		/* leave-one-out refits */
};

/*
 * Fit: sensitivities at base (forward differences in each candidate's range),
 * selection of the identifiable ones (A423), bounded Nelder-Mead on ln
 * residuals (A424), then leave-one-out. meas[i] > 0. 0, -ENOMEM, -EDOM when
 * no candidate is identifiable (ret still has the statuses and base
 * predictions), or the model's error with diag.
 */
int calib_fit(const struct rmpsim_profile *base, const double *meas, size_t n, calib_model_fn model,
	      void *ctx, const struct calib_fit_opts *opts, struct calib_result *ret,
	      struct rmpsim_diag *diag);
void calib_result_free(struct calib_result *r);

/* Bounded Nelder-Mead on [0, 1]^k (fit.c; A424), exposed for its tests.
 * f(ctx, x, &val) returns 0 or an error that stops the search. */
typedef int (*calib_obj_fn)(void *ctx, const double *x, double *ret_val);
int calib_nelder_mead(unsigned k, double *x, double step, unsigned max_evals, calib_obj_fn f, void *ctx,
		      double *ret_val, unsigned *ret_evals);

#endif
