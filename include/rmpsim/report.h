/* SPDX-License-Identifier: MIT */
/*
 * Reports of measured passes (struct rmpsim_run_result, workload.h): a text
 * table for people, JSON (sorted keys, integer nanoseconds) and CSV for
 * programs. Output is deterministic: no wall-clock time, no addresses; the
 * same results give the same bytes.
 *
 * Bad input: a NULL stream or report, or a report whose runs (fleets) are
 * NULL with nruns (nfleets) not 0, is -EINVAL with nothing written
 * (tests/lib/test_bad_args.c).
 */
#ifndef RMPSIM_REPORT_H
#define RMPSIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rmpsim/alloc.h>
#include <rmpsim/fleet.h>
#include <rmpsim/workload.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rmpsim_pass_profile; /* timeline.h */

/* rmpsim sweep: which configuration of which sweep a report is (docs/sweeps.md). */
struct rmpsim_report_sweep {
	const char *name; /* the sweep's name */
	const char *id;	  /* the configuration's ID: 16 hex digits */
	uint64_t index;	  /* its position in the sweep, 0 .. count - 1 */
	uint64_t count;	  /* configurations in the sweep */
	unsigned run;	  /* which of the point's runs (seeds), 0 .. */
	size_t naxes;	  /* the axes' keys and this configuration's values, in the sweep file's order */
	const char *const *axis_keys, *const *axis_values;
};

/* What the runs have in common, printed once. */
struct rmpsim_report {
	const char *version; /* rmpsim_version */
	const char *machine; /* "default", a synthetic string or an XML path */
	const char *profile; /* "default" or the INI path */
	const char *policy;
	uint64_t seed;
	uint64_t trace_hash; /* over all runs: rmpsim_report_trace_hash() */
	const struct rmpsim_run_result *runs;
	size_t nruns;
	/* --uncertainty N: NULL, or one summary per run ("bands" and "sensitivity"
	 * in JSON, the tornado in the table); bands: the table shows p5..p95 beside
	 * each time (--bands). */
	const struct rmpsim_uncertainty *uncertainty;
	bool bands;
	/* --html: NULL, or one per run, what the plots need beyond the runs
	 * (timeline.h, rmpsim_hist_take_run). */
	const struct rmpsim_pass_profile *profiles;
	/* --set KEY=VALUE in effect, canonical, sorted by key: "settings" in JSON
	 * and a line under the table's header (none when nsettings is 0). */
	const char *const *settings;
	size_t nsettings;
	/* A fleet replay (--scenario FILE.csv): one result per placement run, no runs. */
	const struct rmpsim_fleet_result *fleets;
	size_t nfleets;
	const char *fleet_log; /* the log's path */
	/* rmpsim sweep: NULL, or the configuration this report is ("sweep" in JSON). */
	const struct rmpsim_report_sweep *sweep;
};

/* Golden mode: leave out what is not derivable from the profile by hand
 * (trace hashes, which depend on the event encoding; leader_cpu, which the
 * sim's seeded placement of the unbound worker picks) and what changes with
 * every release (rmpsim_version). Used by rmpsim --run-tests. */
#define RMPSIM_REPORT_GOLDEN 0x1u

/* FNV-1a over the runs' trace hashes, in order. */
uint64_t rmpsim_report_trace_hash(const struct rmpsim_run_result *runs, size_t nruns);

/* The text table. 0, or -EIO when writing failed. */
int rmpsim_report_text(FILE *f, const struct rmpsim_report *r);
/* CSV: a header line, then one line per run. 0 or -EIO. */
int rmpsim_report_csv(FILE *f, const struct rmpsim_report *r);

/*
 * JSON text (ending in a newline) into a buffer from alloc (*ret_len bytes,
 * plus a terminating NUL; free it with rmpsim_report_free_text(alloc, text,
 * len)). 0, or -ENOMEM. Keys are sorted and times are integer nanoseconds.
 */
int rmpsim_report_json(const struct rmpsim_report *r, unsigned flags, const struct rmpsim_allocator *alloc,
		       char **ret_text, size_t *ret_len);
/* Free text returned by rmpsim_report_json() with the same alloc (NULL: the
 * default) and its *ret_len. text may be NULL. */
void rmpsim_report_free_text(const struct rmpsim_allocator *alloc, char *text, size_t len);
/* The same, written to f. 0, -ENOMEM or -EIO. */
int rmpsim_report_json_write(FILE *f, const struct rmpsim_report *r, unsigned flags);

/*
 * One self-contained HTML page (no script, font or request to anything else)
 * with inline SVG plots drawn deterministically: the runs' leader and
 * follower phases (p5..p95 bars with --uncertainty), the sorted per-CPU busy
 * time, the interrupts-off histogram and each pass's timeline (r->profiles
 * for the last three), each followed by a table of its numbers. 0 or -EIO.
 */
int rmpsim_report_html(FILE *f, const struct rmpsim_report *r);

/* A fleet replay (rmpsim/fleet.h): the summary, a comparison of the placements
 * run, and the time series condensed to at most 24 rows. 0 or -EIO. */
int rmpsim_report_fleet_text(FILE *f, const struct rmpsim_report *r);
/* Every sample of every placement: a header line, then one line each. 0 or -EIO. */
int rmpsim_report_fleet_csv(FILE *f, const struct rmpsim_report *r);
/* {"fleet_log", "machine", ..., "fleets": [{summary..., "series": [...]}]}. 0, -ENOMEM or -EIO. */
int rmpsim_report_fleet_json(FILE *f, const struct rmpsim_report *r);
/* ---- Sweeps (rmpsim merge --html, docs/sweeps.md "Figures") ---- */

/* The configurations at one (x value, line value): p5, p50 and p95 of the metric. */
struct rmpsim_sweep_point {
	unsigned n; /* configurations there (0: no point) */
	uint64_t p5, p50, p95;
};
/* The metric against axis x, one line per value of another axis (or one line). */
struct rmpsim_sweep_figure {
	const char *x_axis, *line_axis; /* line_axis NULL: a single line */
	size_t nx, nlines;
	const char *const *x_labels;	/* in axis order */
	const int64_t *x_milli;		/* numeric axis: each value x 1000 (ascending); NULL: categories */
	const char *const *line_labels; /* NULL when line_axis is NULL */
	const struct rmpsim_sweep_point *points; /* [line * nx + x] */
};
struct rmpsim_sweep_plot {
	const char *version;
	const char *metric; /* a run's JSON key, e.g. "pass_ns" (times: "_ns") */
	size_t nconfigs, nruns;
	const char *const *axes; /* the axes the results vary */
	size_t naxes;
	const struct rmpsim_sweep_figure *figures;
	size_t nfigures;
};
/*
 * One self-contained page with a figure per axis pair the sweep varies: a line
 * through the p50 of each point with a p5..p95 band, then a table of the
 * numbers (the SVG writer of rmpsim_report_html). 0 or -EIO.
 */
int rmpsim_report_sweep_html(FILE *f, const struct rmpsim_sweep_plot *p);

/* "412.345 ms"-style rendering of nanoseconds (3 significant decimals, integer
 * arithmetic only), into buf; returns buf. */
const char *rmpsim_report_fmt_ns(uint64_t ns, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
