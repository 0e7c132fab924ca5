/* SPDX-License-Identifier: MIT */
/*
 * rmpsim sweep SPEC (docs/sweeps.md): list or run one shard of a sweep's
 * configurations, each into OUT/KEY.json (KEY: the hash of its canonical
 * form), written through a temporary file and renamed (output.c). A result
 * already there with the configuration's ID is kept: an interrupted sweep
 * resumes, and a new rmpsim version (another ID) runs it again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include <rmpsim/report.h>

#include "cli.h"
#include "sweep.h"

static const char sweep_usage[] =
	"Usage: rmpsim sweep SPEC [--list] [--shard K/N] [--out DIR] [--set KEY=VALUE]... [--quiet]\n"
	"Run the configurations of the sweep file SPEC (docs/sweeps.md), one JSON file each in DIR.\n"
	"\n"
	"  --list          print each configuration (ID, index, done or todo, axis values); run nothing\n"
	"  --shard K/N     only the configurations whose index is K modulo N (K = 0 .. N-1)\n"
	"  --out DIR       the results folder (default: the file's output =, else SPEC's name-results)\n"
	"  --set KEY=VALUE a setting every configuration shares (docs/cli.md \"Settings\")\n"
	"  --quiet         no summary on stderr\n";

struct sweep_opts {
	const char *spec, *out;
	bool list, quiet, help;
	uint64_t shard_k, shard_n;
	const char *sets[RMPSIM_CLI_MAX_SETS];
	size_t nsets;
};

static int opt_value(int argc, char **argv, int *i, const char *name, const char **ret)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n))
		return 0;
	if (argv[*i][n] == '=') {
		*ret = argv[*i] + n + 1;
	} else if (!argv[*i][n] && *i + 1 < argc) {
		*ret = argv[++*i];
	} else if (!argv[*i][n]) {
		fprintf(stderr, "rmpsim: option '%s' needs a value\n", name);
		return -1;
	} else {
		return 0;
	}
	if (!**ret) {
		fprintf(stderr, "rmpsim: option '%s' needs a non-empty value\n", name);
		return -1;
	}
	return 1;
}

/* "K/N" with 0 <= K < N <= the most configurations a sweep has. */
static int parse_shard(const char *v, uint64_t *k, uint64_t *n)
{
	const char *slash = strchr(v, '/');
	char kb[32];
	if (!slash || (size_t)(slash - v) >= sizeof(kb)) {
		fprintf(stderr, "rmpsim: --shard %s: expected K/N such as 0/4\n", v);
		return -1;
	}
	snprintf(kb, sizeof(kb), "%.*s", (int)(slash - v), v);
	if (rmpsim_parse_u64(kb, k) || rmpsim_parse_u64(slash + 1, n) || *n == 0 ||
	    *n > RMPSIM_SWEEP_MAX_CONFIGS) {
		fprintf(stderr, "rmpsim: --shard %s: expected K/N with N from 1 to %d, such as 0/4\n", v,
			RMPSIM_SWEEP_MAX_CONFIGS);
		return -1;
	}
	if (*k >= *n) {
		fprintf(stderr,
			"rmpsim: --shard %s: K must be below N: the %" PRIu64 " shards are 0/%" PRIu64
			" to %" PRIu64 "/%" PRIu64 "\n",
			v, *n, *n, *n - 1, *n);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct sweep_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->shard_n = 1;
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		int r;
		if (!strcmp(argv[i], "--list")) {
			o->list = true;
		} else if (!strcmp(argv[i], "--quiet")) {
			o->quiet = true;
		} else if (!strcmp(argv[i], "--help")) {
			o->help = true;
		} else if ((r = opt_value(argc, argv, &i, "--shard", &v))) {
			if (r < 0 || parse_shard(v, &o->shard_k, &o->shard_n))
				return -1;
		} else if ((r = opt_value(argc, argv, &i, "--out", &v))) {
			if (r < 0)
				return -1;
			o->out = v;
		} else if ((r = opt_value(argc, argv, &i, "--set", &v))) {
			if (r < 0)
				return -1;
			if (!strchr(v, '=') || v[0] == '=') {
				fprintf(stderr, "rmpsim: --set: expected KEY=VALUE, got '%s'\n", v);
				return -1;
			}
			if (o->nsets >= RMPSIM_CLI_MAX_SETS / 2) {
				fprintf(stderr, "rmpsim: --set: at most %d of them\n",
					RMPSIM_CLI_MAX_SETS / 2);
				return -1;
			}
			o->sets[o->nsets++] = v;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			fprintf(stderr, "rmpsim: sweep: unknown option '%s'\n", argv[i]);
			return -1;
		} else if (o->spec) {
			fprintf(stderr, "rmpsim: sweep: one sweep file, got '%s' and '%s'\n", o->spec,
				argv[i]);
			return -1;
		} else {
			o->spec = argv[i];
		}
	}
	if (!o->spec && !o->help) {
		fprintf(stderr, "rmpsim: sweep: expected a sweep file (rmpsim sweep SPEC)\n");
		return -1;
	}
	return 0;
}

/* mkdir -p: 0 or -errno. */
static int make_dirs(const char *path)
{
	char p[4096];
	struct stat st;
	if ((size_t)snprintf(p, sizeof(p), "%s", path) >= sizeof(p))
		return -ENAMETOOLONG;
	for (char *c = p + 1;; c++) {
		if (*c != '/' && *c)
			continue;
		char keep = *c;
		*c = '\0';
		if (mkdir(p, 0777) && errno != EEXIST)
			return -errno;
		*c = keep;
		if (!keep)
			break;
	}
	if (stat(path, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Whether path holds a result with this ID (a file of another version or a broken one: no). */
static bool done_already(const char *path, const char *id)
{
	json_t *o = json_load_file(path, 0, NULL);
	const char *have = json_string_value(json_object_get(json_object_get(o, "sweep"), "id"));
	bool same = have && !strcmp(have, id);
	json_decref(o);
	return same;
}

static void print_config(FILE *f, const struct rmpsim_sweep_spec *s, const struct rmpsim_sweep_config *c,
			 bool done)
{
	fprintf(f, "%s %" PRIu64 " %s", c->id, c->index, done ? "done" : "todo");
	for (size_t k = 0; k < s->naxes; k++)
		fprintf(f, " %s=%s", c->axis_keys[k], c->axis_values[k]);
	if (s->runs > 1)
		fprintf(f, " run=%u", c->run);
	fputc('\n', f);
}

/* List or run the shard's configurations. Returns the exit code. */
static int run_shard(const struct sweep_opts *o, const struct rmpsim_sweep_spec *s, const char *out)
{
	struct rmpsim_sweep_config *c = malloc(sizeof(*c));
	struct rmpsim_cli_config *cfg = malloc(sizeof(*cfg));
	struct rmpsim_cli_args a;
	char err[1200], path[4096];
	uint64_t ran = 0, skipped = 0, total = 0;
	int code = c && cfg ? 0 : RMPSIM_EXIT_SYSTEM;
	bool tty = isatty(STDERR_FILENO) && !o->list;

	/* Every configuration of the shard resolves before anything runs or is created. */
	for (uint64_t i = o->shard_k; !code && i < s->count; i += o->shard_n) {
		code = rmpsim_sweep_config(s, o->sets, o->nsets, i, rmpsim_cli_version(), c, &a, cfg, err,
					   sizeof(err));
		if (code)
			fprintf(stderr, "rmpsim: %s: %s\n", s->file, err);
		total++;
	}
	if (!code && !o->list) {
		int r = make_dirs(out);
		if (r) {
			fprintf(stderr, "rmpsim: %s: cannot create the results folder: %s\n", out,
				strerror(-r));
			code = RMPSIM_EXIT_SYSTEM;
		}
	}
	for (uint64_t i = o->shard_k, n = 0; !code && i < s->count; i += o->shard_n, n++) {
		rmpsim_sweep_config(s, o->sets, o->nsets, i, rmpsim_cli_version(), c, &a, cfg, err,
				    sizeof(err));
		if ((size_t)snprintf(path, sizeof(path), "%s/%s.json", out, c->key) >= sizeof(path)) {
			fprintf(stderr, "rmpsim: %s: the results folder's name is too long\n", out);
			code = RMPSIM_EXIT_USAGE;
			break;
		}
		bool done = done_already(path, c->id);
		if (o->list) {
			print_config(stdout, s, c, done);
			continue;
		}
		if (done) {
			skipped++;
			continue;
		}
		if (tty)
			fprintf(stderr, "\r\033[K[%" PRIu64 "/%" PRIu64 "] %s ...", n + 1, total, c->id);
		struct rmpsim_report_sweep info = {
			.name = s->name,
			.id = c->id,
			.index = i,
			.count = s->count,
			.run = c->run,
			.naxes = s->naxes,
			.axis_keys = c->axis_keys,
			.axis_values = c->axis_values,
		};
		a.json = path;
		a.quiet = true;
		a.config = cfg;
		a.sweep = &info;
		code = rmpsim_cli_bench(&a);
		if (code) {
			fprintf(stderr,
				"%srmpsim: %s: configuration %" PRIu64 " (ID %s) failed:", tty ? "\n" : "",
				s->file, i, c->id);
			for (size_t k = 0; k < c->nsets; k++)
				fprintf(stderr, " %s", c->sets[k]);
			fprintf(stderr, "\n");
		} else {
			ran++;
		}
	}
	if (tty)
		fputs("\r\033[K", stderr);
	if (o->list && fflush(stdout))
		code = code ? code : RMPSIM_EXIT_SYSTEM;
	if (!o->list && !o->quiet && (ran || skipped || !code))
		fprintf(stderr,
			"rmpsim sweep %s: shard %" PRIu64 "/%" PRIu64 ": %" PRIu64 " configurations, %" PRIu64
			" run, %" PRIu64 " already done, in %s\n",
			s->name, o->shard_k, o->shard_n, total, ran, skipped, out);
	free(c);
	free(cfg);
	return code;
}

int rmpsim_cli_sweep_main(int argc, char **argv)
{
	struct sweep_opts o;
	struct rmpsim_diag d = { 0 };

	if (parse_opts(argc, argv, &o)) {
		fprintf(stderr, "Try 'rmpsim sweep --help'.\n");
		return RMPSIM_EXIT_USAGE;
	}
	if (o.help) {
		fputs(sweep_usage, stdout);
		return fflush(stdout) ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_OK;
	}
	struct rmpsim_sweep_spec *s = malloc(sizeof(*s));
	if (!s)
		return RMPSIM_EXIT_SYSTEM;
	int r = rmpsim_sweep_spec_load(o.spec, o.sets, o.nsets, s, &d);
	if (r) {
		rmpsim_cli_print_diag(&d, r);
		free(s);
		return r == -ENOMEM ? RMPSIM_EXIT_SYSTEM : RMPSIM_EXIT_INPUT;
	}
	char out[4096];
	int n;
	if (o.out)
		n = snprintf(out, sizeof(out), "%s", o.out);
	else if (s->output[0] && (s->output[0] == '/' || !s->dir[0]))
		n = snprintf(out, sizeof(out), "%s", s->output);
	else if (s->output[0])
		n = snprintf(out, sizeof(out), "%s/%s", s->dir, s->output);
	else
		n = snprintf(out, sizeof(out), "%s%s%s-results", s->dir, s->dir[0] ? "/" : "", s->name);
	if (n < 0 || (size_t)n >= sizeof(out) - 32) {
		fprintf(stderr, "rmpsim: sweep: the results folder's name is too long\n");
		rmpsim_sweep_spec_free(s);
		free(s);
		return RMPSIM_EXIT_USAGE;
	}
	int code = run_shard(&o, s, out);
	rmpsim_sweep_spec_free(s);
	free(s);
	return code;
}
