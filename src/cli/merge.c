/* SPDX-License-Identifier: MIT */
/*
 * rmpsim merge DIR... (docs/sweeps.md "Merging"): every sweep result of the
 * folders as one JSON document (and CSV, and an HTML page of figures), after
 * checking that they belong together: one rmpsim version, each configuration
 * ID once, and never one ID with two different results.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <rmpsim/report.h>
#include <rmpsim/workload.h>

#include "cli.h"
#include "output.h"
#include "sweep.h"

static const char merge_usage[] =
	"Usage: rmpsim merge DIR... [--json FILE] [--csv FILE] [--html FILE] [--metric KEY]\n"
	"Merge the results of rmpsim sweep in the folders DIR (docs/sweeps.md): one JSON\n"
	"document (stdout when no output is named), CSV with a line per run, and an HTML page\n"
	"with a figure per pair of axes the sweep varies.\n"
	"\n"
	"  --json FILE     the merged results (- = stdout)\n"
	"  --csv FILE      one line per run: sweep, id, index, run, the axes, the run's fields\n"
	"  --html FILE     the figures: the metric's p50 with a p5..p95 band per point\n"
	"  --metric KEY    the run field the figures show (default pass_ns)\n";

#define MAX_MERGED_AXES 64 /* axes of all the sweeps merged */

struct result {
	json_t *o;
	char *path;
	const char *id, *version, *hash, *name;
	uint64_t index;
};

struct merged {
	struct result *r;
	size_t n, cap;
	json_t *doc;	    /* what --json writes */
	const char *metric; /* --metric */
	char **axes;	    /* every axis key, in order of first appearance */
	size_t naxes;
	bool run_axis; /* a configuration has several runs: "run" is an axis too */
};

static int cmp_order(const void *a, const void *b)
{
	const struct result *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int cmp_id(const void *a, const void *b)
{
	const struct result *x = *(const struct result *const *)a, *y = *(const struct result *const *)b;
	int c = strcmp(x->id, y->id);
	return c ? c : strcmp(x->path, y->path);
}

static const char *str_or_empty(const json_t *v)
{
	const char *s = json_string_value(v);
	return s ? s : "";
}

static bool is_hex16(const char *s)
{
	if (!s || strlen(s) != 16)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* Read one result file; exit code, or 0. */
static int read_result(struct merged *m, const char *path)
{
	json_error_t je;
	json_t *o = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		fprintf(stderr, "rmpsim: %s:%d:%d: not JSON: %s\n", path, je.line, je.column, je.text);
		return RMPSIM_EXIT_INPUT;
	}
	json_t *sw = json_object_get(o, "sweep");
	const char *id = json_string_value(json_object_get(sw, "id"));
	const char *name = json_string_value(json_object_get(sw, "name"));
	json_t *index = json_object_get(sw, "index"), *axes = json_object_get(sw, "axes");
	const char *version = json_string_value(json_object_get(o, "rmpsim_version"));
	const char *hash = json_string_value(json_object_get(o, "trace_hash"));
	const char *what = !json_is_object(sw) ? "no \"sweep\" object"
			   : !is_hex16(id)     ? "sweep.id is not 16 hex digits"
			   : !name	       ? "no sweep.name"
			   : !json_is_integer(index) || json_integer_value(index) < 0 ? "no sweep.index"
			   : !json_is_object(axes)				      ? "no sweep.axes object"
			   : !version						      ? "no rmpsim_version"
			   : !is_hex16(hash)				? "no trace_hash of 16 hex digits"
			   : !json_is_array(json_object_get(o, "runs")) ? "no runs array"
									: NULL;
	if (what) {
		fprintf(stderr, "rmpsim: %s: not a result of rmpsim sweep: %s\n", path, what);
		json_decref(o);
		return RMPSIM_EXIT_INPUT;
	}
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		struct result *nr = realloc(m->r, ncap * sizeof(*nr));
		if (!nr) {
			json_decref(o);
			return RMPSIM_EXIT_SYSTEM;
		}
		m->r = nr;
		m->cap = ncap;
	}
	struct result *r = &m->r[m->n];
	r->path = strdup(path);
	if (!r->path) {
		json_decref(o);
		return RMPSIM_EXIT_SYSTEM;
	}
	r->o = o;
	r->id = id;
	r->name = name;
	r->version = version;
	r->hash = hash;
	r->index = (uint64_t)json_integer_value(index);
	m->n++;
	return 0;
}

static int json_files(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] != '.' && n > 5 && !strcmp(e->d_name + n - 5, ".json");
}

static int read_dir(struct merged *m, const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, json_files, alphasort);
	int code = 0;
	if (n < 0) {
		fprintf(stderr, "rmpsim: merge: cannot read folder '%s': %s\n", dir, strerror(errno));
		return RMPSIM_EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		char path[RMPSIM_WL_PATH_MAX + 300];
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (!code)
			code = read_result(m, path);
		free(list[i]);
	}
	free(list);
	return code;
}

/* One version, each ID once. Exit code, or 0. */
static int check_results(struct merged *m)
{
	for (size_t i = 1; i < m->n; i++) {
		if (strcmp(m->r[i].version, m->r[0].version)) {
			fprintf(stderr,
				"rmpsim: merge: %s is from rmpsim %s but %s is from rmpsim %s: results of "
				"one "
				"version only (run the sweep again with one build: a new version reruns "
				"every "
				"configuration)\n",
				m->r[i].path, m->r[i].version, m->r[0].path, m->r[0].version);
			return RMPSIM_EXIT_INPUT;
		}
	}
	const struct result **ord = malloc((m->n ? m->n : 1) * sizeof(*ord));
	if (!ord)
		return RMPSIM_EXIT_SYSTEM;
	for (size_t i = 0; i < m->n; i++)
		ord[i] = &m->r[i];
	qsort(ord, m->n, sizeof(*ord), cmp_id);
	int code = 0;
	for (size_t i = 1; i < m->n && !code; i++) {
		const struct result *a = ord[i - 1], *b = ord[i];
		if (strcmp(a->id, b->id))
			continue;
		if (strcmp(a->hash, b->hash))
			fprintf(stderr,
				"rmpsim: merge: configuration %s has two different results: trace hash %s in "
				"%s, "
				"%s in %s (the same configuration and version must give the same trace: a "
				"modified file, or a build that is not deterministic)\n",
				a->id, a->hash, a->path, b->hash, b->path);
		else
			fprintf(stderr,
				"rmpsim: merge: configuration %s is there twice: %s and %s (merge each "
				"result folder once; shards of one sweep never share a configuration)\n",
				a->id, a->path, b->path);
		code = RMPSIM_EXIT_INPUT;
	}
	free(ord);
	return code;
}

/* The axis keys in order of first appearance, and the merged document. */
static int build(struct merged *m)
{
	json_t *configs = json_array(), *axes = json_array(), *names = json_array();
	m->doc = json_object();
	if (!configs || !axes || !names || !m->doc)
		goto nomem;
	m->axes = calloc(MAX_MERGED_AXES, sizeof(*m->axes));
	if (!m->axes)
		goto nomem;
	for (size_t i = 0; i < m->n; i++) {
		const struct result *r = &m->r[i];
		const char *key;
		json_t *v;
		json_object_foreach(json_object_get(json_object_get(r->o, "sweep"), "axes"), key, v)
		{
			size_t k = 0;
			while (k < m->naxes && strcmp(m->axes[k], key))
				k++;
			if (k == MAX_MERGED_AXES) {
				fprintf(stderr,
					"rmpsim: merge: the results have more than %d axes between them\n",
					MAX_MERGED_AXES);
				json_decref(configs);
				json_decref(axes);
				json_decref(names);
				return RMPSIM_EXIT_INPUT;
			}
			if (k == m->naxes) {
				if (!(m->axes[m->naxes] = strdup(key)) ||
				    json_array_append_new(axes, json_string(key)))
					goto nomem;
				m->naxes++;
			}
		}
		m->run_axis = m->run_axis || json_array_size(json_object_get(r->o, "runs")) > 1;
		if (i == 0 || strcmp(r->name, m->r[i - 1].name))
			if (json_array_append_new(names, json_string(r->name)))
				goto nomem;
		if (json_array_append(configs, r->o))
			goto nomem;
	}
	if (json_object_set_new(m->doc, "configurations", configs) ||
	    json_object_set_new(m->doc, "axes", axes) || json_object_set_new(m->doc, "sweeps", names) ||
	    json_object_set_new(m->doc, "count", json_integer((json_int_t)m->n)) ||
	    json_object_set_new(m->doc, "rmpsim_version", json_string(m->n ? m->r[0].version : "")))
		return RMPSIM_EXIT_SYSTEM; /* set_new took the references */
	return 0;
nomem:
	json_decref(configs);
	json_decref(axes);
	json_decref(names);
	return RMPSIM_EXIT_SYSTEM;
}

static int write_json(FILE *f, void *ctx)
{
	const struct merged *m = ctx;
	int r = json_dumpf(m->doc, f, JSON_SORT_KEYS | JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	return r || fputc('\n', f) == EOF || ferror(f) ? -EIO : 0;
}

/* ---- CSV: one line per run ---- */

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_value(FILE *f, const json_t *v)
{
	if (json_is_integer(v))
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		fprintf(f, "%.6f", json_real_value(v));
	else if (json_is_string(v))
		csv_field(f, json_string_value(v));
	else if (json_is_boolean(v))
		fputs(json_is_true(v) ? "true" : "false", f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int write_csv(FILE *f, void *ctx)
{
	const struct merged *m = ctx;
	const char *keys[128];
	size_t nkeys = 0;
	json_t *first = m->n ? json_array_get(json_object_get(m->r[0].o, "runs"), 0) : NULL;
	const char *key;
	json_t *v;

	json_object_foreach(first, key, v)
	{
		if (!json_is_object(v) && !json_is_array(v) && nkeys < 128)
			keys[nkeys++] = key;
	}
	qsort(keys, nkeys, sizeof(keys[0]), cmp_str);
	fputs("sweep,id,index,run", f);
	for (size_t k = 0; k < m->naxes; k++) { /* "axis:policy": a run has a "policy" field too */
		char col[160];
		snprintf(col, sizeof(col), "axis:%s", m->axes[k]);
		fputc(',', f);
		csv_field(f, col);
	}
	for (size_t k = 0; k < nkeys; k++)
		fprintf(f, ",%s", keys[k]);
	fputc('\n', f);
	for (size_t i = 0; i < m->n; i++) {
		json_t *sw = json_object_get(m->r[i].o, "sweep"), *runs = json_object_get(m->r[i].o, "runs");
		for (size_t j = 0; j < json_array_size(runs); j++) {
			csv_field(f, m->r[i].name);
			fprintf(f, ",%s,%" PRIu64 ",%" JSON_INTEGER_FORMAT, m->r[i].id, m->r[i].index,
				json_integer_value(json_object_get(sw, "run")));
			for (size_t k = 0; k < m->naxes; k++) {
				fputc(',', f);
				csv_value(f, json_object_get(json_object_get(sw, "axes"), m->axes[k]));
			}
			for (size_t k = 0; k < nkeys; k++) {
				fputc(',', f);
				csv_value(f, json_object_get(json_array_get(runs, j), keys[k]));
			}
			fputc('\n', f);
		}
	}
	return ferror(f) ? -EIO : 0;
}

/* ---- Figures ---- */

/* One run of one configuration, as the figures see it. */
struct row {
	const char **values; /* per axis (the run axis last when there is one) */
	uint64_t y;
};

struct fig_build {
	struct rmpsim_sweep_figure *figs;
	size_t nfigs;
	const char **axis_names; /* every axis, the run axis last */
	void **blocks;		 /* every array the figures point to */
	size_t nblocks;
};

/* The distinct values of axis a over the rows, numeric ascending if they all are numbers with one unit. */
static size_t axis_values(const struct row *rows, size_t nrows, size_t a, const char **out, int64_t *milli,
			  bool *numeric)
{
	size_t n = 0;
	for (size_t i = 0; i < nrows; i++) {
		size_t k = 0;
		while (k < n && strcmp(out[k], rows[i].values[a]))
			k++;
		if (k == n)
			out[n++] = rows[i].values[a];
	}
	*numeric = true;
	const char *unit = NULL;
	for (size_t k = 0; k < n && *numeric; k++) {
		const char *e;
		*numeric = !rmpsim_sweep_parse_milli(out[k], &milli[k], &e) && (!unit || !strcmp(unit, e));
		unit = *numeric ? e : unit;
	}
	for (size_t k = 1; k < n && *numeric; k++) { /* insertion sort: few values */
		for (size_t j = k; j > 0 && milli[j - 1] > milli[j]; j--) {
			int64_t t = milli[j];
			milli[j] = milli[j - 1];
			milli[j - 1] = t;
			const char *s = out[j];
			out[j] = out[j - 1];
			out[j - 1] = s;
		}
	}
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void *keep(struct fig_build *fb, void *p)
{
	if (p)
		fb->blocks[fb->nblocks++] = p;
	return p;
}

/* The figure of x axis ax against line axis al (al == SIZE_MAX: one line). */
static int one_figure(struct fig_build *fb, const struct row *rows, size_t nrows, size_t ax, size_t al,
		      uint64_t *scratch)
{
	const char **xs = keep(fb, calloc(nrows, sizeof(*xs))), **ls = keep(fb, calloc(nrows, sizeof(*ls)));
	int64_t *xm = keep(fb, calloc(nrows, sizeof(*xm))), *lm = keep(fb, calloc(nrows, sizeof(*lm)));
	if (!xs || !ls || !xm || !lm)
		return -ENOMEM;
	bool xnum, lnum;
	size_t nx = axis_values(rows, nrows, ax, xs, xm, &xnum);
	size_t nl = al == SIZE_MAX ? 1 : axis_values(rows, nrows, al, ls, lm, &lnum);
	struct rmpsim_sweep_point *pts = keep(fb, calloc(nx * nl, sizeof(*pts)));
	if (!pts)
		return -ENOMEM;
	for (size_t l = 0; l < nl; l++) {
		for (size_t x = 0; x < nx; x++) {
			size_t n = 0;
			for (size_t i = 0; i < nrows; i++)
				if (!strcmp(rows[i].values[ax], xs[x]) &&
				    (al == SIZE_MAX || !strcmp(rows[i].values[al], ls[l])))
					scratch[n++] = rows[i].y;
			if (!n)
				continue;
			qsort(scratch, n, sizeof(*scratch), cmp_u64);
			pts[l * nx + x] = (struct rmpsim_sweep_point){
				(unsigned)n, rmpsim_unc_percentile(scratch, n, 5),
				rmpsim_unc_percentile(scratch, n, 50), rmpsim_unc_percentile(scratch, n, 95)
			};
		}
	}
	fb->figs[fb->nfigs++] = (struct rmpsim_sweep_figure){
		.x_axis = fb->axis_names[ax],
		.line_axis = al == SIZE_MAX ? NULL : fb->axis_names[al],
		.nx = nx,
		.nlines = nl,
		.x_labels = xs,
		.x_milli = xnum ? xm : NULL,
		.line_labels = al == SIZE_MAX ? NULL : ls,
		.points = pts,
	};
	return 0;
}

/* Rows of the varying axes; figures of every pair. Exit code or 0. */
static int write_html(FILE *f, void *ctx)
{
	const struct merged *m = ctx;
	size_t naxes = m->naxes + m->run_axis, nrows = 0;
	for (size_t i = 0; i < m->n; i++)
		nrows += json_array_size(json_object_get(m->r[i].o, "runs"));
	struct row *rows = calloc(nrows ? nrows : 1, sizeof(*rows));
	const char **vals = calloc((nrows ? nrows : 1) * (naxes ? naxes : 1), sizeof(*vals));
	char **run_labels = calloc(nrows ? nrows : 1, sizeof(*run_labels));
	uint64_t *scratch = calloc(nrows ? nrows : 1, sizeof(*scratch));
	struct fig_build fb = { 0 };
	int err = rows && vals && run_labels && scratch ? 0 : -ENOMEM;
	size_t nr = 0;

	for (size_t i = 0; !err && i < m->n; i++) {
		json_t *runs = json_object_get(m->r[i].o, "runs");
		json_t *axes = json_object_get(json_object_get(m->r[i].o, "sweep"), "axes");
		for (size_t j = 0; !err && j < json_array_size(runs); j++, nr++) {
			json_t *run = json_array_get(runs, j);
			rows[nr].values = &vals[nr * naxes];
			for (size_t k = 0; k < m->naxes; k++) {
				const char *v = json_string_value(json_object_get(axes, m->axes[k]));
				rows[nr].values[k] = v ? v : "";
			}
			if (m->run_axis) {
				const char *sc = str_or_empty(json_object_get(run, "scenario"));
				const char *bk = str_or_empty(json_object_get(run, "backing"));
				size_t len = strlen(sc) + strlen(bk) + 2;
				run_labels[nr] = malloc(len);
				if (!run_labels[nr]) {
					err = -ENOMEM;
					break;
				}
				snprintf(run_labels[nr], len, "%s %s", sc, bk);
				rows[nr].values[m->naxes] = run_labels[nr];
			}
			rows[nr].y = (uint64_t)json_integer_value(json_object_get(run, m->metric));
		}
	}
	/* The axes that take more than one value. */
	size_t *vary = calloc(naxes ? naxes : 1, sizeof(*vary)), nvary = 0;
	fb.axis_names = calloc(naxes ? naxes : 1, sizeof(*fb.axis_names));
	const char **tmp = calloc(nrows ? nrows : 1, sizeof(*tmp));
	int64_t *tm = calloc(nrows ? nrows : 1, sizeof(*tm));
	err = err ? err : vary && fb.axis_names && tmp && tm ? 0 : -ENOMEM;
	for (size_t k = 0; !err && k < naxes; k++) {
		bool num;
		fb.axis_names[k] = k < m->naxes ? m->axes[k] : "run";
		if (axis_values(rows, nr, k, tmp, tm, &num) > 1)
			vary[nvary++] = k;
	}
	size_t nfig = nvary < 2 ? nvary : nvary * (nvary - 1) / 2;
	fb.figs = calloc(nfig ? nfig : 1, sizeof(*fb.figs));
	fb.blocks = calloc(nfig * 5 + 1, sizeof(*fb.blocks));
	err = err ? err : fb.figs && fb.blocks ? 0 : -ENOMEM;
	if (!err && nvary == 1)
		err = one_figure(&fb, rows, nr, vary[0], SIZE_MAX, scratch);
	for (size_t a = 0; !err && a < nvary; a++) {
		for (size_t b = a + 1; !err && b < nvary; b++) {
			/* x: the earlier axis, unless only the later one is numeric. */
			bool na, nb;
			axis_values(rows, nr, vary[a], tmp, tm, &na);
			axis_values(rows, nr, vary[b], tmp, tm, &nb);
			bool swap = !na && nb;
			err = one_figure(&fb, rows, nr, swap ? vary[b] : vary[a], swap ? vary[a] : vary[b],
					 scratch);
		}
	}
	const char **varying = calloc(nvary ? nvary : 1, sizeof(*varying));
	err = err ? err : varying ? 0 : -ENOMEM;
	for (size_t k = 0; !err && k < nvary; k++)
		varying[k] = fb.axis_names[vary[k]];
	if (!err) {
		struct rmpsim_sweep_plot plot = {
			.version = m->n ? m->r[0].version : "",
			.metric = m->metric,
			.nconfigs = m->n,
			.nruns = nr,
			.axes = varying,
			.naxes = nvary,
			.figures = fb.figs,
			.nfigures = fb.nfigs,
		};
		err = rmpsim_report_sweep_html(f, &plot);
	}
	for (size_t i = 0; i < fb.nblocks; i++)
		free(fb.blocks[i]);
	for (size_t i = 0; run_labels && i < nrows; i++)
		free(run_labels[i]);
	free(run_labels);
	free(varying);
	free(fb.blocks);
	free(fb.figs);
	free(fb.axis_names);
	free(vary);
	free(tmp);
	free(tm);
	free(scratch);
	free(vals);
	free(rows);
	return err;
}

/* Every run has the metric as an integer: else a usage error naming it. */
static int check_metric(const struct merged *m)
{
	for (size_t i = 0; i < m->n; i++) {
		json_t *runs = json_object_get(m->r[i].o, "runs");
		for (size_t j = 0; j < json_array_size(runs); j++) {
			if (!json_is_integer(json_object_get(json_array_get(runs, j), m->metric))) {
				fprintf(stderr,
					"rmpsim: merge: --metric %s: not an integer field of the runs (%s); "
					"e.g. "
					"pass_ns, irq_off_max_ns, cpu_busy_max_ns, ipis_sent\n",
					m->metric, m->r[i].path);
				return RMPSIM_EXIT_USAGE;
			}
		}
	}
	return 0;
}

int rmpsim_cli_merge_main(int argc, char **argv)
{
	struct merged m = { .metric = "pass_ns" };
	const char *json = NULL, *csv = NULL, *html = NULL;
	const char **dirs = calloc((size_t)argc, sizeof(*dirs));
	size_t ndirs = 0;
	int code = dirs ? 0 : RMPSIM_EXIT_SYSTEM;

	for (int i = 1; i < argc && !code; i++) {
		static const char *const names[] = { "--json", "--csv", "--html", "--metric" };
		const char **dst[] = { &json, &csv, &html, &m.metric };
		bool matched = false;
		if (!strcmp(argv[i], "--help")) {
			free(dirs);
			fputs(merge_usage, stdout);
			return fflush(stdout) ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_OK;
		}
		for (size_t k = 0; k < 4 && !matched; k++) {
			size_t n = strlen(names[k]);
			if (strncmp(argv[i], names[k], n) || (argv[i][n] && argv[i][n] != '='))
				continue;
			matched = true;
			const char *v = argv[i][n] == '=' ? argv[i] + n + 1 : i + 1 < argc ? argv[++i] : NULL;
			if (!v || !*v) {
				fprintf(stderr, "rmpsim: merge: option '%s' needs a value\n", names[k]);
				code = RMPSIM_EXIT_USAGE;
			}
			*dst[k] = v;
		}
		if (!matched && argv[i][0] == '-' && argv[i][1] == '-') {
			fprintf(stderr, "rmpsim: merge: unknown option '%s'\n", argv[i]);
			code = RMPSIM_EXIT_USAGE;
		} else if (!matched) {
			dirs[ndirs++] = argv[i];
		}
	}
	if (!code && !ndirs) {
		fprintf(stderr, "rmpsim: merge: expected one or more result folders (rmpsim merge DIR...)\n");
		code = RMPSIM_EXIT_USAGE;
	}
	if (!code) {
		int outs_to_stdout = (json && !strcmp(json, "-")) + (csv && !strcmp(csv, "-")) +
				     (html && !strcmp(html, "-"));
		if (outs_to_stdout > 1) {
			fprintf(stderr, "rmpsim: merge: only one output can be stdout (-)\n");
			code = RMPSIM_EXIT_USAGE;
		}
	}
	if (code) {
		free(dirs);
		fprintf(stderr, "Try 'rmpsim merge --help'.\n");
		return code;
	}
	if (!json && !csv && !html)
		json = "-";
	for (size_t i = 0; i < ndirs && !code; i++)
		code = read_dir(&m, dirs[i]);
	if (!code && !m.n) {
		fprintf(stderr, "rmpsim: merge: no results (*.json) in the folder%s given\n",
			ndirs > 1 ? "s" : "");
		code = RMPSIM_EXIT_INPUT;
	}
	if (!code)
		code = check_results(&m);
	if (!code && html)
		code = check_metric(&m);
	if (!code) {
		qsort(m.r, m.n, sizeof(*m.r), cmp_order);
		code = build(&m);
	}
	if (!code) {
		/* All outputs or none (output.h). */
		struct rmpsim_cli_output outs[3];
		size_t n = 0;
		char why[600];
		if (json)
			outs[n++] = (struct rmpsim_cli_output){ .path = json,
								.write_ctx = write_json,
								.ctx = &m };
		if (csv)
			outs[n++] =
				(struct rmpsim_cli_output){ .path = csv, .write_ctx = write_csv, .ctx = &m };
		if (html)
			outs[n++] = (struct rmpsim_cli_output){ .path = html,
								.write_ctx = write_html,
								.ctx = &m };
		if (rmpsim_cli_write_outputs(outs, n, NULL, why, sizeof(why))) {
			fprintf(stderr, "rmpsim: merge: cannot write: %s\n", why);
			code = RMPSIM_EXIT_SYSTEM;
		}
	}
	for (size_t i = 0; i < m.n; i++) {
		json_decref(m.r[i].o);
		free(m.r[i].path);
	}
	for (size_t k = 0; m.axes && k < m.naxes; k++)
		free(m.axes[k]);
	free(m.axes);
	json_decref(m.doc);
	free(m.r);
	free(dirs);
	return code;
}
