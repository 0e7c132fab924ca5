/* SPDX-License-Identifier: MIT */
/*
 * The sweep file (docs/sweeps.md "The sweep file"): [sweep], [set] and [axes]
 * sections of "key = value" lines. Read line by line here rather than by inih,
 * so that every error names file:line:col and lines may be long (a list of
 * machine descriptions).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "sweep.h"

static int at(struct rmpsim_diag *d, const char *file, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int at(struct rmpsim_diag *d, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	rmpsim_diag_at(d, file, line, col);
	va_start(ap, fmt);
	rmpsim_diag_vfail(d, -EINVAL, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Drop a comment: ';' or '#' at the start or after a blank. */
static void strip_comment(char *l)
{
	for (char *c = l; *c; c++) {
		if ((*c == ';' || *c == '#') && (c == l || isspace((unsigned char)c[-1]))) {
			*c = '\0';
			return;
		}
	}
}

static int add_value(struct rmpsim_sweep_axis *ax, const char *v, size_t n)
{
	if (ax->nvalues >= RMPSIM_SWEEP_MAX_VALUES)
		return -E2BIG;
	if (!(ax->nvalues & (ax->nvalues + 1))) { /* grow at 0, 1, 3, 7, ... */
		char **nv = realloc(ax->values, (ax->nvalues * 2 + 2) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		ax->values = nv;
	}
	ax->values[ax->nvalues] = strndup(v, n);
	if (!ax->values[ax->nvalues])
		return -ENOMEM;
	ax->nvalues++;
	return 0;
}

/* A decimal number with at most 3 decimals, in thousandths; *end after it. */
int rmpsim_sweep_parse_milli(const char *s, int64_t *ret, const char **end)
{
	int64_t v = 0;
	int dec = -1;
	bool digit = false;
	for (; *s; s++) {
		if (*s == '.' && dec < 0) {
			dec = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			break;
		if (dec >= 3 || v > INT64_MAX / 100)
			return -EINVAL;
		v = v * 10 + (*s - '0');
		dec += dec >= 0;
		digit = true;
	}
	if (!digit)
		return -EINVAL;
	for (int k = dec < 0 ? 0 : dec; k < 3; k++)
		v *= 10;
	*ret = v;
	*end = s;
	return 0;
}

static void format_milli(int64_t v, const char *unit, char *buf, size_t len)
{
	if (v % 1000 == 0) {
		snprintf(buf, len, "%" PRId64 "%s", v / 1000, unit);
		return;
	}
	char frac[8];
	snprintf(frac, sizeof(frac), "%03" PRId64, v % 1000);
	for (int k = 2; k > 0 && frac[k] == '0'; k--)
		frac[k] = '\0';
	snprintf(buf, len, "%" PRId64 ".%s%s", v / 1000, frac, unit);
}

/*
 * "A..B", "A..B step S" or "A..B times F": numbers with at most 3 decimals and
 * one unit suffix written on A and B alike (16G..128G times 2). 1 when value is
 * no range (a list), 0 when the values were added, else -EINVAL with *why.
 */
static int expand_range(struct rmpsim_sweep_axis *ax, const char *value, const char **why)
{
	const char *dots = strstr(value, "..");
	if (!dots)
		return 1;
	char unit_a[16] = "", unit_b[16] = "";
	int64_t a, b, step = 1000;
	bool times = false;
	const char *e;
	*why = "expected a range A..B, A..B step S or A..B times F of numbers (at most 3 decimals, one unit)";
	char first[48];
	if ((size_t)(dots - value) >= sizeof(first))
		return -EINVAL;
	memcpy(first, value, (size_t)(dots - value));
	first[dots - value] = '\0';
	if (rmpsim_sweep_parse_milli(first, &a, &e) || strlen(e) >= sizeof(unit_a))
		return -EINVAL;
	snprintf(unit_a, sizeof(unit_a), "%s", e);
	if (rmpsim_sweep_parse_milli(dots + 2, &b, &e))
		return -EINVAL;
	size_t ul = strcspn(e, " \t");
	if (ul >= sizeof(unit_b))
		return -EINVAL;
	memcpy(unit_b, e, ul);
	e += ul;
	while (*e == ' ' || *e == '\t')
		e++;
	if (strcmp(unit_a, unit_b)) {
		*why = "a range's ends must have the same unit (16G..128G)";
		return -EINVAL;
	}
	if (!strncmp(e, "step", 4) || !strncmp(e, "times", 5)) {
		times = e[0] == 't';
		e += times ? 5 : 4;
		while (*e == ' ' || *e == '\t')
			e++;
		if (rmpsim_sweep_parse_milli(e, &step, &e) || (*e && (times || strcmp(e, unit_a))))
			return -EINVAL;
		if (step == 0 || (times && step <= 1000)) {
			*why = times ? "a range's factor must be above 1" : "a range's step must be above 0";
			return -EINVAL;
		}
	} else if (*e) {
		return -EINVAL;
	}
	if (a > b) {
		*why = "an empty range (A above B): expected A..B with A <= B";
		return -EINVAL;
	}
	if (times && a == 0) {
		*why = "a range with a factor must start above 0";
		return -EINVAL;
	}
	for (int64_t v = a; v <= b;) {
		char buf[48];
		format_milli(v, unit_a, buf, sizeof(buf));
		int r = add_value(ax, buf, strlen(buf));
		if (r) {
			*why = r == -E2BIG ? "more than 10000 values in one axis" : "out of memory";
			return r == -E2BIG ? -EINVAL : r;
		}
		if (times) {
			if (v > INT64_MAX / step)
				break;
			v = v * step / 1000;
		} else {
			if (v > INT64_MAX - step)
				break;
			v += step;
		}
	}
	return 0;
}

/* "a, b, c": commas outside [ ] separate values (a profile value may carry "[low, high]"). */
static int expand_list(struct rmpsim_sweep_axis *ax, const char *value, unsigned *bad_col, const char **why)
{
	int depth = 0;
	const char *start = value;
	for (const char *c = value;; c++) {
		if (*c == '[')
			depth++;
		if (*c == ']' && depth)
			depth--;
		if ((*c == ',' && !depth) || !*c) {
			const char *s = start, *e = c;
			while (s < e && isspace((unsigned char)*s))
				s++;
			while (e > s && isspace((unsigned char)e[-1]))
				e--;
			if (s == e) {
				*bad_col = (unsigned)(s - value);
				*why = "an empty value in the list: expected a, b, c";
				return -EINVAL;
			}
			int r = add_value(ax, s, (size_t)(e - s));
			if (r) {
				*why = r == -E2BIG ? "more than 10000 values in one axis" : "out of memory";
				return r == -E2BIG ? -EINVAL : r;
			}
			start = c + 1;
		}
		if (!*c)
			return 0;
	}
}

static struct rmpsim_sweep_kv *find_kv(struct rmpsim_sweep_spec *s, const char *key)
{
	for (size_t i = 0; i < s->nfixed; i++)
		if (!strcmp(s->fixed[i].key, key))
			return &s->fixed[i];
	for (size_t i = 0; i < s->naxes; i++)
		if (!strcmp(s->axes[i].kv.key, key))
			return &s->axes[i].kv;
	return NULL;
}

static int on_sweep_key(struct rmpsim_sweep_spec *s, const char *key, const char *value, unsigned line,
			unsigned col, struct rmpsim_diag *d)
{
	if (!strcmp(key, "name")) {
		if (strlen(value) >= sizeof(s->name) || strpbrk(value, "\"\\"))
			return at(d, s->file, line, col, "name: expected at most %zu characters, no quote",
				  sizeof(s->name) - 1);
		snprintf(s->name, sizeof(s->name), "%s", value);
		return 0;
	}
	if (!strcmp(key, "runs")) {
		uint64_t n;
		if (rmpsim_parse_u64(value, &n) || n < 1 || n > RMPSIM_SWEEP_MAX_RUNS)
			return at(d, s->file, line, col, "runs: expected an integer from 1 to %d",
				  RMPSIM_SWEEP_MAX_RUNS);
		s->runs = (unsigned)n;
		return 0;
	}
	if (!strcmp(key, "output")) {
		if (strlen(value) >= sizeof(s->output))
			return at(d, s->file, line, col, "output: expected a shorter path");
		snprintf(s->output, sizeof(s->output), "%s", value);
		return 0;
	}
	return at(d, s->file, line, 1, "[sweep] %s: expected name, runs or output", key);
}

/* The section a line is in. */
enum section { NONE, SWEEP, SET, AXES };

static int parse_line(struct rmpsim_sweep_spec *s, char *raw, unsigned line, enum section *sec,
		      unsigned *runs_line, struct rmpsim_diag *d);

static int parse_text(struct rmpsim_sweep_spec *s, FILE *f, unsigned *runs_line, struct rmpsim_diag *d)
{
	char *raw = NULL;
	size_t cap = 0;
	ssize_t len;
	enum section sec = NONE;
	unsigned line = 0;
	int r = 0;

	while (!r && (len = getline(&raw, &cap, f)) >= 0) {
		line++;
		if (len > RMPSIM_SWEEP_MAX_LINE + 1 ||
		    (len == RMPSIM_SWEEP_MAX_LINE + 1 && raw[len - 1] != '\n'))
			r = at(d, s->file, line, RMPSIM_SWEEP_MAX_LINE + 1,
			       "line longer than %d characters: expected a shorter line",
			       RMPSIM_SWEEP_MAX_LINE);
		else if (strlen(raw) < (size_t)len)
			r = at(d, s->file, line, (unsigned)strlen(raw) + 1,
			       "a NUL byte: expected a text file");
		else
			r = parse_line(s, raw, line, &sec, runs_line, d);
	}
	free(raw);
	if (!r && ferror(f))
		r = at(d, s->file, 0, 0, "read error");
	return r;
}

/* One line of the file: a header or a key = value of section *sec. */
static int parse_line(struct rmpsim_sweep_spec *s, char *raw, unsigned line, enum section *sec,
		      unsigned *runs_line, struct rmpsim_diag *d)
{
	strip_comment(raw);
	char *l = trim(raw);
	unsigned indent = (unsigned)(l - raw);
	if (!*l)
		return 0;
	if (*l == '[') {
		char *close = strchr(l, ']');
		if (!close || *trim(close + 1))
			return at(d, s->file, line, indent + 1, "expected [sweep], [set] or [axes]");
		*close = '\0';
		const char *name = trim(l + 1);
		*sec = !strcmp(name, "sweep")  ? SWEEP
		       : !strcmp(name, "set")  ? SET
		       : !strcmp(name, "axes") ? AXES
					       : NONE;
		if (*sec == NONE)
			return at(d, s->file, line, indent + 1, "[%s]: expected [sweep], [set] or [axes]",
				  name);
		return 0;
	}
	char *eq = strchr(l, '=');
	if (!eq)
		return at(d, s->file, line, indent + 1, "expected key = value or a [section]");
	*eq = '\0';
	char *key = trim(l), *value = trim(eq + 1);
	unsigned col = (unsigned)(value - raw) + 1;
	if (*sec == NONE)
		return at(d, s->file, line, indent + 1,
			  "%s: expected a [sweep], [set] or [axes] header first", key);
	if (!*key)
		return at(d, s->file, line, indent + 1, "expected a key before '='");
	if (*sec == SWEEP) {
		int r = on_sweep_key(s, key, value, line, col, d);
		if (r)
			return r;
		if (!strcmp(key, "runs"))
			*runs_line = line;
		return 0;
	}
	if (!*value && *sec == AXES)
		return at(d, s->file, line, col,
			  "%s: an empty axis: expected a list (a, b, c) or a range (A..B)", key);
	if (!*value)
		return at(d, s->file, line, col, "%s: expected a value", key);
	const struct rmpsim_sweep_kv *dup = find_kv(s, key);
	if (dup)
		return at(d, s->file, line, indent + 1, "%s: given twice (line %u)", key, dup->line);
	struct rmpsim_sweep_kv *kv;
	if (*sec == SET) {
		if (s->nfixed >= RMPSIM_CLI_MAX_SETS - RMPSIM_SWEEP_MAX_AXES - 1)
			return at(d, s->file, line, 1, "too many settings in [set]");
		kv = &s->fixed[s->nfixed++];
	} else {
		if (s->naxes >= RMPSIM_SWEEP_MAX_AXES)
			return at(d, s->file, line, 1, "more than %d axes", RMPSIM_SWEEP_MAX_AXES);
		kv = &s->axes[s->naxes++].kv;
	}
	kv->key = strdup(key);
	kv->value = strdup(value);
	kv->line = line;
	kv->col = col;
	if (!kv->key || !kv->value)
		return rmpsim_diag_fail(d, -ENOMEM, "out of memory");
	if (*sec == AXES) {
		struct rmpsim_sweep_axis *ax = &s->axes[s->naxes - 1];
		const char *why = NULL;
		unsigned bad = 0;
		int r = expand_range(ax, value, &why);
		if (r == 1)
			r = expand_list(ax, value, &bad, &why);
		if (r == -ENOMEM)
			return rmpsim_diag_fail(d, r, "out of memory");
		if (r)
			return at(d, s->file, line, col + bad, "%s: %s", key, why);
	}
	return 0;
}

/* A value naming a file is taken from the sweep file's folder. */
static bool is_path_key(const char *key, const char *value)
{
	size_t n = strlen(value);
	if (!strcmp(key, "profile"))
		return true;
	if (!strcmp(key, "machine"))
		return n > 4 && !strcmp(value + n - 4, ".xml");
	if (!strcmp(key, "scenario")) {
		size_t nb;
		const struct rmpsim_builtin *b = rmpsim_builtins(&nb);
		for (size_t i = 0; i < nb; i++)
			if (!strcmp(b[i].name, value))
				return false;
		return true;
	}
	return false;
}

/* FNV-1a of a file's bytes; -errno when it cannot be read. */
static int hash_file(const char *path, uint64_t *ret)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	uint64_t h = RMPSIM_FNV_OFFSET;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)))
		h = rmpsim__hash_bytes(h, buf, n);
	int r = ferror(f) ? -EIO : 0;
	fclose(f);
	*ret = h;
	return r;
}

/* One setting into buf as --set takes it: a path value taken from dir. 0, or -1 when too long. */
static int put_set(const struct rmpsim_sweep_spec *s, const char *key, const char *value, char *buf)
{
	int n;
	if (is_path_key(key, value) && value[0] != '/' && s->dir[0])
		n = snprintf(buf, RMPSIM_CLI_SETTING_MAX, "%s=%s/%s", key, s->dir, value);
	else
		n = snprintf(buf, RMPSIM_CLI_SETTING_MAX, "%s=%s", key, value);
	return n < 0 || n >= RMPSIM_CLI_SETTING_MAX ? -1 : 0;
}

static void hex(uint64_t h, char *buf)
{
	snprintf(buf, 17, "%016" PRIx64, h);
}

int rmpsim_sweep_config(const struct rmpsim_sweep_spec *s, const char *const *extra, size_t nextra,
			uint64_t i, const char *version, struct rmpsim_sweep_config *ret,
			struct rmpsim_cli_args *a, struct rmpsim_cli_config *cfg, char *err, size_t errlen)
{
	struct rmpsim_sweep_config *c = ret;
	char why[1024];
	uint64_t rest = i / s->runs;

	c->index = i;
	c->run = (unsigned)(i % s->runs);
	c->nsets = 0;
	for (size_t k = 0; k < nextra; k++)
		snprintf(c->buf[c->nsets++], RMPSIM_CLI_SETTING_MAX, "%s", extra[k]);
	bool too_long = false;
	for (size_t k = 0; k < s->nfixed; k++)
		if (strcmp(s->fixed[k].key, "seed") || s->runs == 1)
			too_long |= put_set(s, s->fixed[k].key, s->fixed[k].value, c->buf[c->nsets++]) != 0;
	/* The last axis moves fastest: configurations are the axes' nested loops in file order. */
	for (size_t k = s->naxes; k-- > 0;) {
		const struct rmpsim_sweep_axis *ax = &s->axes[k];
		c->axis_keys[k] = ax->kv.key;
		c->axis_values[k] = ax->values[rest % ax->nvalues];
		rest /= ax->nvalues;
	}
	for (size_t k = 0; k < s->naxes; k++)
		too_long |= put_set(s, c->axis_keys[k], c->axis_values[k], c->buf[c->nsets++]) != 0;
	if (too_long) {
		snprintf(err, errlen,
			 "configuration %" PRIu64 ": a setting (with the sweep file's folder) is "
			 "longer than %d characters",
			 i, RMPSIM_CLI_SETTING_MAX - 1);
		return RMPSIM_EXIT_INPUT;
	}
	if (s->runs > 1)
		snprintf(c->buf[c->nsets++], RMPSIM_CLI_SETTING_MAX, "seed=%" PRIu64, s->base_seed + c->run);
	memset(a, 0, sizeof(*a));
	for (size_t k = 0; k < c->nsets; k++)
		c->sets[k] = a->sets[k] = c->buf[k];
	a->nsets = (unsigned)c->nsets;
	int code = rmpsim_cli_config_resolve(a, cfg, why, sizeof(why));
	if (code) {
		snprintf(err, errlen, "configuration %" PRIu64 ": %s", i,
			 strncmp(why, "--set ", 6) ? why : why + 6);
		return code;
	}
	/* Canonical form: the settings, sorted; a file named by its path as written and its bytes. */
	uint64_t h = rmpsim__hash_bytes(RMPSIM_FNV_OFFSET, "rmpsim sweep configuration 1\n", 29);
	for (unsigned k = 0; k < cfg->nsettings; k++) {
		const char *set = cfg->setting_ptrs[k], *eq = strchr(set, '=');
		char key[32];
		snprintf(key, sizeof(key), "%.*s", (int)(eq - set), set);
		const char *written = NULL;
		for (size_t j = 0; j < s->nfixed && !written; j++)
			if (!strcmp(s->fixed[j].key, key))
				written = s->fixed[j].value;
		for (size_t j = 0; j < s->naxes && !written; j++)
			if (!strcmp(s->axes[j].kv.key, key))
				written = c->axis_values[j];
		if (written && is_path_key(key, written)) {
			uint64_t fh = 0;
			if (hash_file(eq + 1, &fh)) {
				snprintf(err, errlen, "configuration %" PRIu64 ": %s=%s: cannot read %s", i,
					 key, written, eq + 1);
				return RMPSIM_EXIT_INPUT;
			}
			h = rmpsim__hash_bytes(h, key, strlen(key));
			h = rmpsim__hash_bytes(h, "=", 1);
			h = rmpsim__hash_bytes(h, written, strlen(written));
			h = rmpsim__hash_u64(h, fh);
		} else {
			h = rmpsim__hash_bytes(h, set, strlen(set));
		}
		h = rmpsim__hash_bytes(h, "\n", 1);
	}
	hex(h, c->key);
	h = rmpsim__hash_bytes(h, "rmpsim ", 7);
	h = rmpsim__hash_bytes(h, version, strlen(version));
	hex(h, c->id);
	return 0;
}

void rmpsim_sweep_spec_free(struct rmpsim_sweep_spec *s)
{
	for (size_t i = 0; i < s->nfixed; i++) {
		free(s->fixed[i].key);
		free(s->fixed[i].value);
	}
	for (size_t i = 0; i < s->naxes; i++) {
		free(s->axes[i].kv.key);
		free(s->axes[i].kv.value);
		for (size_t k = 0; k < s->axes[i].nvalues; k++)
			free(s->axes[i].values[k]);
		free(s->axes[i].values);
	}
	s->nfixed = s->naxes = 0;
}

/* The [set] line a message about "KEY=..." is about, or NULL. */
static const struct rmpsim_sweep_kv *setting_named(const struct rmpsim_sweep_spec *s, const char *msg)
{
	for (size_t j = 0; j < s->nfixed; j++) {
		size_t n = strlen(s->fixed[j].key);
		if (!strncmp(msg, s->fixed[j].key, n) && msg[n] == '=')
			return &s->fixed[j];
	}
	return NULL;
}

/*
 * Check every value where it was written: configuration of the first values,
 * and each axis value with the other axes at their first.
 */
static int check_values(struct rmpsim_sweep_spec *s, const char *const *extra, size_t nextra,
			struct rmpsim_diag *d)
{
	struct rmpsim_sweep_config *c = malloc(sizeof(*c));
	struct rmpsim_cli_config *cfg = malloc(sizeof(*cfg));
	struct rmpsim_cli_args a;
	char err[1024];
	int r = c && cfg ? 0 : rmpsim_diag_fail(d, -ENOMEM, "out of memory");
	uint64_t stride = s->runs;

	for (size_t k = s->naxes; !r && k-- > 0;) {
		const struct rmpsim_sweep_axis *ax = &s->axes[k];
		for (size_t v = 0; !r && v < ax->nvalues; v++) {
			if (!rmpsim_sweep_config(s, extra, nextra, v * stride, "", c, &a, cfg, err,
						 sizeof(err)))
				continue;
			/* Which setting: the message names it after "configuration N: ". */
			const char *msg = strchr(err, ':') + 2;
			const struct rmpsim_sweep_kv *kv = setting_named(s, msg);
			unsigned line = kv ? kv->line : 0, col = kv ? kv->col : 0;
			if (!line) {
				line = ax->kv.line;
				col = ax->kv.col;
				/* The value's column in a list. */
				const char *p = strstr(ax->kv.value, ax->values[v]);
				if (p && !strstr(ax->kv.value, ".."))
					col += (unsigned)(p - ax->kv.value);
			}
			r = at(d, s->file, line, col, "%s", msg);
		}
		stride *= ax->nvalues;
	}
	if (!r && !s->naxes && rmpsim_sweep_config(s, extra, nextra, 0, "", c, &a, cfg, err, sizeof(err))) {
		const char *msg = strchr(err, ':') + 2;
		const struct rmpsim_sweep_kv *kv = setting_named(s, msg);
		r = at(d, s->file, kv ? kv->line : 0, kv ? kv->col : 0, "%s", msg);
	}
	free(c);
	free(cfg);
	return r;
}

int rmpsim_sweep_spec_load(const char *path, const char *const *extra, size_t nextra,
			   struct rmpsim_sweep_spec *ret, struct rmpsim_diag *diag)
{
	struct rmpsim_sweep_spec *s = ret;
	unsigned runs_line = 0;

	memset(s, 0, sizeof(*s));
	s->runs = 1;
	s->base_seed = 1;
	snprintf(s->file, sizeof(s->file), "%s", path);
	const char *slash = strrchr(path, '/');
	if (slash)
		snprintf(s->dir, sizeof(s->dir), "%.*s", (int)(slash - path), path);
	const char *base = slash ? slash + 1 : path;
	snprintf(s->name, sizeof(s->name), "%.*s", (int)strcspn(base, "."), base);
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		rmpsim_diag_at(diag, path, 0, 0);
		return rmpsim_diag_fail(diag, e == ENOENT ? -ENOENT : -EIO, "cannot open: %s", strerror(e));
	}
	int r = parse_text(s, f, &runs_line, diag);
	fclose(f);
	const struct rmpsim_sweep_kv *seed_axis = NULL, *seed_fixed = NULL;
	for (size_t i = 0; i < s->naxes; i++)
		if (!strcmp(s->axes[i].kv.key, "seed"))
			seed_axis = &s->axes[i].kv;
	for (size_t i = 0; i < s->nfixed; i++)
		if (!strcmp(s->fixed[i].key, "seed"))
			seed_fixed = &s->fixed[i];
	if (!r && seed_axis && s->runs > 1)
		r = at(diag, path, runs_line, 1,
		       "runs = %u and a seed axis (line %u) exclude each other: runs gives each point its "
		       "seeds",
		       s->runs, seed_axis->line);
	if (!r && seed_fixed &&
	    (rmpsim_parse_u64(seed_fixed->value, &s->base_seed) ||
	     s->base_seed > INT64_MAX - RMPSIM_SWEEP_MAX_RUNS))
		r = at(diag, path, seed_fixed->line, seed_fixed->col,
		       "seed: expected an integer from 0 to %lld",
		       (long long)(INT64_MAX - RMPSIM_SWEEP_MAX_RUNS));
	for (size_t k = 0; !r && k < nextra; k++) {
		const char *eq = strchr(extra[k], '=');
		for (size_t i = 0; !r && i < s->nfixed + s->naxes; i++) {
			const struct rmpsim_sweep_kv *kv =
				i < s->nfixed ? &s->fixed[i] : &s->axes[i - s->nfixed].kv;
			if (eq && strlen(kv->key) == (size_t)(eq - extra[k]) &&
			    !strncmp(kv->key, extra[k], (size_t)(eq - extra[k])))
				r = at(diag, path, kv->line, 1, "%s: also given by --set %s", kv->key,
				       extra[k]);
		}
	}
	s->count = s->runs;
	for (size_t i = 0; !r && i < s->naxes; i++) {
		if (s->count > RMPSIM_SWEEP_MAX_CONFIGS / s->axes[i].nvalues)
			r = at(diag, path, s->axes[i].kv.line, 1, "more than %d configurations",
			       RMPSIM_SWEEP_MAX_CONFIGS);
		else
			s->count *= s->axes[i].nvalues;
	}
	if (!r)
		r = check_values(s, extra, nextra, diag);
	if (r)
		rmpsim_sweep_spec_free(s);
	return r;
}
