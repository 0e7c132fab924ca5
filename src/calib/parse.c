/* SPDX-License-Identifier: MIT */
/*
 * Reading a user's measurement files (calib.h): kernel logs and an IPI
 * table. A log is a whole dmesg, so lines without the marker are skipped;
 * a line with the marker must parse, else file:line:col says what was
 * expected (A420, A421, A422).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib/calib.h"

#define MAX_MEAS   100000u /* measurements in all files (a dmesg of many passes fits) */
#define MAX_SOURCE 64u	   /* files */
#define MAX_FILE   (64u << 20)

const char *calib_quantity_name(enum calib_quantity q)
{
	switch (q) {
	case CALIB_Q_PASS_NS: return "pass time";
	case CALIB_Q_CYC_MAX: return "largest RMPOPT";
	case CALIB_Q_CYC_MIN: return "smallest RMPOPT";
	case CALIB_Q_CYC_MEAN: return "average RMPOPT";
	case CALIB_Q_CYC_PASS: return "loop cycles";
	case CALIB_Q_CYC_RISE: return "max rise";
	case CALIB_Q_IPI_NS: return "IPI call";
	}
	return "?";
}

struct lexer {
	const char *name, *line_start, *p;
	unsigned line;
	struct rmpsim_diag *diag;
};

static int fail(struct lexer *lx, const char *what)
{
	rmpsim_diag_at(lx->diag, lx->name, lx->line, (unsigned)(lx->p - lx->line_start) + 1);
	rmpsim_diag_fail(lx->diag, -EINVAL, "%s", what);
	return -EINVAL;
}

static void skip_blanks(struct lexer *lx)
{
	while (*lx->p == ' ' || *lx->p == '\t')
		lx->p++;
}

/* A decimal number, digits grouped by commas allowed ("83,680"), optional fraction. */
static int number(struct lexer *lx, double *ret, const char *what)
{
	char buf[64];
	size_t n = 0;

	skip_blanks(lx);
	if (!isdigit((unsigned char)*lx->p))
		return fail(lx, what);
	while (n + 1 < sizeof(buf) &&
	       (isdigit((unsigned char)*lx->p) || (*lx->p == ',' && isdigit((unsigned char)lx->p[1]))))
		if (*lx->p++ != ',')
			buf[n++] = lx->p[-1];
	if (*lx->p == '.' && isdigit((unsigned char)lx->p[1])) {
		buf[n++] = *lx->p++;
		while (n + 1 < sizeof(buf) && isdigit((unsigned char)*lx->p))
			buf[n++] = *lx->p++;
	}
	if (n + 1 >= sizeof(buf))
		return fail(lx, "number too long");
	buf[n] = '\0';
	*ret = strtod(buf, NULL);
	return 0;
}

/* The literal word w (after blanks). */
static int expect(struct lexer *lx, const char *w, const char *what)
{
	skip_blanks(lx);
	size_t n = strlen(w);
	if (strncmp(lx->p, w, n))
		return fail(lx, what);
	lx->p += n;
	return 0;
}

static int end_of_line(struct lexer *lx, const char *what)
{
	skip_blanks(lx);
	return *lx->p == '\0' || *lx->p == '\r' ? 0 : fail(lx, what);
}

static int add(struct calib_set *set, const struct calib_meas *m, struct lexer *lx)
{
	if (set->n >= MAX_MEAS)
		return fail(lx, "too many measurements (at most 100000 in all files)");
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		struct calib_meas *nm = realloc(set->m, cap * sizeof(*nm));
		if (!nm)
			return -ENOMEM;
		set->m = nm;
		set->cap = cap;
	}
	set->m[set->n++] = *m;
	return 0;
}

/* "RMPOPT execution time[ words][:=] N ns" (A420). */
static int pass_line(struct calib_set *set, struct lexer *lx, unsigned src)
{
	static const char marker[] = "RMPOPT execution time";
	const char *at = strstr(lx->p, marker);
	double v, scale = 1;

	if (!at)
		return 1;
	lx->p = at + strlen(marker);
	while (*lx->p && !isdigit((unsigned char)*lx->p)) /* words such as "of the pass:" */
		lx->p++;
	int r = number(lx, &v, "expected the time in ns after 'RMPOPT execution time'");
	if (r)
		return r;
	skip_blanks(lx);
	if (!strncmp(lx->p, "ns", 2))
		lx->p += 2;
	else if (!strncmp(lx->p, "us", 2))
		lx->p += 2, scale = 1e3;
	else if (!strncmp(lx->p, "ms", 2))
		lx->p += 2, scale = 1e6;
	else
		return fail(lx, "expected a unit after the time: ns (or us, ms)");
	if ((r = end_of_line(lx, "expected nothing after the time's unit")))
		return r;
	if (v <= 0)
		return fail(lx, "a pass time must be above 0 ns");
	struct calib_meas m = { .source = src, .q = CALIB_Q_PASS_NS, .line = lx->line, .value = v * scale };
	return add(set, &m, lx);
}

struct cycles_state {
	unsigned rises;	   /* rises of the pass being read */
	size_t first_rise; /* index of its first rise measurement */
};

/* "RMPOPT max cycle on cpu C at 0xSPA: N" and "RMPOPT instruction cycles: ..." (A421). */
static int cycles_line(struct calib_set *set, struct lexer *lx, unsigned src, struct cycles_state *st)
{
	const char *rise = strstr(lx->p, "RMPOPT max cycle on cpu");
	const char *sum = strstr(lx->p, "RMPOPT instruction cycles");
	double v, cpu;
	int r;

	if (rise) {
		lx->p = rise + strlen("RMPOPT max cycle on cpu");
		if ((r = number(lx, &cpu, "expected the CPU number after 'max cycle on cpu'")) ||
		    (r = expect(lx, "at", "expected 'at 0xADDRESS' after the CPU")) ||
		    (r = expect(lx, "0x", "expected a hexadecimal address after 'at'")))
			return r;
		while (isxdigit((unsigned char)*lx->p))
			lx->p++;
		if ((r = expect(lx, ":", "expected ':' after the address")) ||
		    (r = number(lx, &v, "expected the cycle count after ':'")) ||
		    (r = end_of_line(lx, "expected nothing after the cycle count")))
			return r;
		if (st->rises++ == 0)
			st->first_rise = set->n;
		/* Its place among this pass's rises on the same CPU (A421). */
		unsigned nth = 0;
		for (size_t i = st->first_rise; i < set->n; i++)
			nth += set->m[i].q == CALIB_Q_CYC_RISE && set->m[i].rise_cpu == (unsigned)cpu;
		struct calib_meas m = { .source = src,
					.q = CALIB_Q_CYC_RISE,
					.line = lx->line,
					.value = v,
					.rise = nth,
					.rise_cpu = (unsigned)cpu };
		return v > 0 ? add(set, &m, lx) : fail(lx, "a cycle count must be above 0");
	}
	if (!sum)
		return 1;
	static const struct {
		const char *word;
		enum calib_quantity q;
	} parts[] = { { "largest", CALIB_Q_CYC_MAX },
		      { "smallest", CALIB_Q_CYC_MIN },
		      { "average", CALIB_Q_CYC_MEAN } };
	lx->p = sum + strlen("RMPOPT instruction cycles");
	if ((r = expect(lx, ":", "expected ':' after 'RMPOPT instruction cycles'")))
		return r;
	for (size_t i = 0; i < 3; i++) {
		char what[96];
		snprintf(what, sizeof(what), "expected '%s N'%s", parts[i].word, i ? " after ','" : "");
		if ((i && (r = expect(lx, ",", what))) || (r = expect(lx, parts[i].word, what)) ||
		    (r = number(lx, &v, what)))
			return r;
		struct calib_meas m = { .source = src, .q = parts[i].q, .line = lx->line, .value = v };
		if (v <= 0)
			return fail(lx, "a cycle count must be above 0");
		if ((r = add(set, &m, lx)))
			return r;
	}
	skip_blanks(lx);
	if (*lx->p == ';') { /* "; pass N cycles" */
		lx->p++;
		if ((r = expect(lx, "pass", "expected 'pass N cycles' after ';'")) ||
		    (r = number(lx, &v, "expected 'pass N cycles' after ';'")) ||
		    (r = expect(lx, "cycles", "expected 'cycles' after the pass's count")))
			return r;
		struct calib_meas m = { .source = src, .q = CALIB_Q_CYC_PASS, .line = lx->line, .value = v };
		if (v <= 0)
			return fail(lx, "a cycle count must be above 0");
		if ((r = add(set, &m, lx)))
			return r;
	}
	st->rises = 0; /* the pass is complete */
	return end_of_line(lx, "expected nothing after the summary");
}

/* "targets ns" rows; a first line of words is a header (A422). */
static int ipi_line(struct calib_set *set, struct lexer *lx, unsigned src, bool *header_ok)
{
	double t, v;
	int r;

	skip_blanks(lx);
	if (*lx->p == '#' || *lx->p == '\0' || *lx->p == '\r')
		return 1;
	if (*header_ok && isalpha((unsigned char)*lx->p)) {
		*header_ok = false;
		return 1;
	}
	*header_ok = false;
	if ((r = number(lx, &t, "expected a row 'TARGETS NS' (two numbers)")))
		return r;
	skip_blanks(lx);
	if (*lx->p == ',' || *lx->p == ';')
		lx->p++;
	if ((r = number(lx, &v, "expected the time in ns after the number of targets")))
		return r;
	skip_blanks(lx);
	if (!strncmp(lx->p, "ns", 2))
		lx->p += 2;
	if ((r = end_of_line(lx, "expected two columns: targets and ns")))
		return r;
	if (t < 1 || t > RMPSIM_PROFILE_NPARAMS * 1000000.0 || t != (double)(unsigned)t)
		return fail(lx, "the number of targets must be a whole number of at least 1");
	if (v <= 0)
		return fail(lx, "an IPI time must be above 0 ns");
	struct calib_meas m = {
		.source = src, .q = CALIB_Q_IPI_NS, .line = lx->line, .value = v, .targets = (unsigned)t
	};
	return add(set, &m, lx);
}

static const char *kind_what(enum calib_source_kind k)
{
	return k == CALIB_PASS_LOG ? "an 'RMPOPT execution time ... ns' line"
	       : k == CALIB_CYCLES_LOG
		       ? "an 'RMPOPT instruction cycles: ...' or 'RMPOPT max cycle on cpu ...' line"
		       : "a row 'TARGETS NS'";
}

int calib_parse(struct calib_set *set, enum calib_source_kind kind, const char *text, const char *name,
		const char *scenario, struct rmpsim_diag *diag)
{
	if (set->nsrc >= MAX_SOURCE) {
		rmpsim_diag_fail(diag, -EINVAL, "too many measurement files (at most %u)", MAX_SOURCE);
		return -EINVAL;
	}
	struct calib_source *ns = realloc(set->src, (set->nsrc + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	set->src = ns;
	struct calib_source *s = &set->src[set->nsrc];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	snprintf(s->file, sizeof(s->file), "%s", name);
	snprintf(s->scenario, sizeof(s->scenario), "%s", scenario ? scenario : "");

	size_t first = set->n;
	struct lexer lx = { .name = name, .diag = diag };
	struct cycles_state st = { 0 };
	bool header_ok = true;
	char *copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	int r = 0;
	for (char *line = copy, *next; line && !r; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lx.line++;
		lx.line_start = lx.p = line;
		if (strlen(line) > 4096) {
			r = fail(&lx, "line longer than 4096 characters");
			break;
		}
		r = kind == CALIB_PASS_LOG     ? pass_line(set, &lx, (unsigned)set->nsrc)
		    : kind == CALIB_CYCLES_LOG ? cycles_line(set, &lx, (unsigned)set->nsrc, &st)
					       : ipi_line(set, &lx, (unsigned)set->nsrc, &header_ok);
		if (r == 1)
			r = 0;
	}
	free(copy);
	if (!r && kind == CALIB_CYCLES_LOG && st.rises) {
		/* Rises after the last summary belong to no complete pass: drop them. */
		set->n = st.first_rise;
	}
	if (!r && set->n == first) {
		rmpsim_diag_at(diag, name, 0, 0);
		rmpsim_diag_fail(diag, -EINVAL, "no measurement: expected %s", kind_what(kind));
		r = -EINVAL;
	}
	if (r) {
		set->n = first;
		return r;
	}
	set->nsrc++;
	return 0;
}

int calib_read(struct calib_set *set, enum calib_source_kind kind, const char *file, const char *scenario,
	       struct rmpsim_diag *diag)
{
	FILE *f = fopen(file, "rb");
	if (!f) {
		int e = errno;
		rmpsim_diag_at(diag, file, 0, 0);
		rmpsim_diag_fail(diag, -EINVAL, "cannot open the measurements: %s", strerror(e));
		return e == ENOENT ? -ENOENT : -EIO;
	}
	char *buf = malloc(MAX_FILE + 1);
	size_t n = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
	bool err = ferror(f);
	fclose(f);
	if (!buf)
		return -ENOMEM;
	int r;
	rmpsim_diag_at(diag, file, 0, 0);
	if (err) {
		rmpsim_diag_fail(diag, -EINVAL, "cannot read the measurements");
		r = -EIO;
	} else if (n > MAX_FILE) {
		rmpsim_diag_fail(diag, -EINVAL, "larger than 64 MiB");
		r = -EINVAL;
	} else if (memchr(buf, '\0', n)) {
		rmpsim_diag_fail(diag, -EINVAL, "a NUL byte: not a text file");
		r = -EINVAL;
	} else {
		buf[n] = '\0';
		r = calib_parse(set, kind, buf, file, scenario, diag);
	}
	free(buf);
	return r;
}

void calib_set_free(struct calib_set *set)
{
	for (size_t i = 0; i < set->nsrc; i++)
		if (set->src[i].have_s)
			rmpsim_scenario_free(&set->src[i].s);
	free(set->src);
	free(set->m);
	memset(set, 0, sizeof(*set));
}
