/* SPDX-License-Identifier: MIT */
/*
 * Scenario files (INI via inih; format in docs/scenarios.md). Every error names
 * file:line:col and what was expected; nothing is returned half-parsed.
 *
 * inih reports the first failing line but not which handler call failed, so
 * the handler stops at its first error and the line is located afterwards
 * (locate_error): inih's returned line is either ours or an earlier syntax
 * error, and a syntax error is a line that is not "[section]" or "name = value".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include <rmpsim/limits.h>
#include <rmpsim/workload.h>

#include "base/alloc.h"
#include "cotenant_knobs.h"

enum err_part { PART_NONE, PART_KEY, PART_VALUE };

struct parse {
	struct rmpsim_scenario *s;
	const char *dir; /* folder of the file, for relative paths ("" = cwd) */
	unsigned nhandled;
	int err; /* first error of the handler */
	enum err_part part;
	char msg[400];
	int cur_guest;	     /* index of the [guest NAME] being read, -1 if none */
	bool guest_has_size; /* the current guest set size */
	unsigned events_seen;
	const char *cursor; /* next_event_line's walk over the text */
	unsigned cursor_line;
	bool cursor_in_events;
	char err_guest[RMPSIM_WL_NAME_MAX]; /* error is about this [guest NAME] section as a whole */
	uint64_t host_writes;		    /* in total, host_writes = and host-writes events */
	bool cotenant_seen;		    /* a [cotenant] key was read */
};

static int fail(struct parse *p, int err, enum err_part part, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static unsigned next_event_line(struct parse *p);
static const char *header_name(const char *l, size_t *n);

static int fail(struct parse *p, int err, enum err_part part, const char *fmt, ...)
{
	va_list ap;

	if (p->err)
		return 0;
	p->err = err;
	p->part = part;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
	return 0;
}

/* Copy value into dst, or fail when it does not fit. */
static int copy_str(struct parse *p, char *dst, size_t len, const char *value, const char *what)
{
	if (strlen(value) >= len)
		return fail(p, -EINVAL, PART_VALUE, "%s: expected at most %zu characters", what, len - 1);
	memcpy(dst, value, strlen(value) + 1);
	return 1;
}

/* A path value: "default" stays empty; relative paths are taken from the file's folder. */
static int copy_path(struct parse *p, char *dst, size_t len, const char *value, const char *what)
{
	if (strcmp(value, "default") == 0 || !*value) {
		dst[0] = '\0';
		return 1;
	}
	if (value[0] == '/' || !p->dir[0])
		return copy_str(p, dst, len, value, what);
	int n = snprintf(dst, len, "%s/%s", p->dir, value);
	if (n < 0 || (size_t)n >= len)
		return fail(p, -EINVAL, PART_VALUE, "%s: expected a path of at most %zu characters", what,
			    len - 1);
	return 1;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

static int parse_bool(const char *v, bool *ret)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on")) {
		*ret = true;
		return 0;
	}
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "off")) {
		*ret = false;
		return 0;
	}
	return -EINVAL;
}

static int on_scenario(struct parse *p, const char *name, const char *value)
{
	struct rmpsim_scenario *s = p->s;

	if (!strcmp(name, "name"))
		return copy_str(p, s->name, sizeof(s->name), value, "name");
	if (!strcmp(name, "machine")) {
		/* An XML file is a path; anything else is an hwloc synthetic string. */
		if (ends_with(value, ".xml"))
			return copy_path(p, s->machine, sizeof(s->machine), value, "machine");
		if (!strcmp(value, "default")) {
			s->machine[0] = '\0';
			return 1;
		}
		return copy_str(p, s->machine, sizeof(s->machine), value, "machine");
	}
	if (!strcmp(name, "profile"))
		return copy_path(p, s->profile, sizeof(s->profile), value, "profile");
	if (!strcmp(name, "policy"))
		return copy_str(p, s->policy, sizeof(s->policy), value, "policy");
	if (!strcmp(name, "seed")) {
		/* Below 2^63, as on the command line: JSON reports keep it exact (signed 64-bit). */
		if (rmpsim_parse_u64(value, &s->seed) || s->seed > INT64_MAX)
			return fail(p, -EINVAL, PART_VALUE, "seed: expected an integer from 0 to %lld",
				    (long long)INT64_MAX);
		s->has_seed = true;
		return 1;
	}
	if (!strcmp(name, "state")) {
		if (rmpsim_wl_state_parse(value, &s->state))
			return fail(p, -EINVAL, PART_VALUE,
				    "state: expected events, full, worst, empty, empty-again or cotenant");
		return 1;
	}
	if (!strcmp(name, "backing")) {
		if (rmpsim_backing_parse(value, &s->backing))
			return fail(p, -EINVAL, PART_VALUE, "backing: expected 4K, 2M or 1G");
		return 1;
	}
	if (!strcmp(name, "host_reserve")) {
		if (rmpsim_parse_size(value, &s->host_reserve) || s->host_reserve % (1ull << 30))
			return fail(p, -EINVAL, PART_VALUE,
				    "host_reserve: expected a size in whole GB such as 4G");
		return 1;
	}
	if (!strcmp(name, "host_writes")) {
		uint64_t n;

		if (rmpsim_parse_u64(value, &n))
			return fail(p, -EINVAL, PART_VALUE, "host_writes: expected a count");
		p->host_writes += n - s->host_writes; /* a repeated key replaces the earlier value */
		s->host_writes = n;
		if (n > RMPSIM_MAX_HOST_WRITES || p->host_writes > RMPSIM_MAX_HOST_WRITES)
			return fail(p, -EINVAL, PART_VALUE,
				    "host_writes: expected at most %llu host writes in the whole scenario",
				    RMPSIM_MAX_HOST_WRITES);
		return 1;
	}
	return fail(p, -EINVAL, PART_KEY,
		    "[scenario] %s: expected one of name, machine, profile, policy, seed, state, backing, "
		    "host_reserve, host_writes",
		    name);
}

static uint64_t backing_bytes(enum rmpsim_backing b)
{
	return b == RMPSIM_BACKING_4K ? 1ull << 12 : b == RMPSIM_BACKING_2M ? 1ull << 21 : 1ull << 30;
}

static int find_guest(const struct rmpsim_scenario *s, const char *name)
{
	for (size_t i = 0; i < s->nguests; i++) {
		if (!strcmp(s->guests[i].name, name))
			return (int)i;
	}
	return -1;
}

/* The previous guest section is complete: check what needs all its keys. */
static int finish_guest(struct parse *p)
{
	if (p->cur_guest < 0)
		return 1;
	struct rmpsim_guest *g = &p->s->guests[p->cur_guest];
	if (!p->err)
		memcpy(p->err_guest, g->name, sizeof(p->err_guest));
	if (!p->guest_has_size)
		return fail(p, -EINVAL, PART_KEY, "[guest %s]: expected a size = line", g->name);
	if (g->bytes % backing_bytes(g->backing))
		return fail(p, -EINVAL, PART_KEY, "[guest %s]: size must be a multiple of the %s backing",
			    g->name, rmpsim_backing_name(g->backing));
	p->err_guest[0] = '\0';
	p->cur_guest = -1;
	return 1;
}

static int on_guest(struct parse *p, const char *gname, const char *name, const char *value)
{
	struct rmpsim_scenario *s = p->s;
	int idx = find_guest(s, gname);

	if (idx < 0 || idx != p->cur_guest) {
		if (idx >= 0)
			return fail(p, -EINVAL, PART_KEY, "[guest %s]: expected a guest name not used before",
				    gname);
		if (!finish_guest(p))
			return 0;
		struct rmpsim_guest g = { .snp = true, .backing = RMPSIM_BACKING_2M, .node = -1 };
		if (!*gname || strlen(gname) >= sizeof(g.name))
			return fail(p, -EINVAL, PART_KEY,
				    "[guest NAME]: expected a name of 1 to %zu characters",
				    sizeof(g.name) - 1);
		if (s->nguests >= RMPSIM_MAX_GUESTS)
			return fail(p, -EINVAL, PART_KEY, "[guest %s]: expected at most %u guests", gname,
				    RMPSIM_MAX_GUESTS);
		memcpy(g.name, gname, strlen(gname) + 1);
		int r = rmpsim_scenario_add_guest(s, &g);
		if (r)
			return fail(p, r, PART_NONE, "out of memory");
		p->cur_guest = (int)s->nguests - 1;
		p->guest_has_size = false;
	}
	struct rmpsim_guest *g = &s->guests[p->cur_guest];
	if (!strcmp(name, "snp")) {
		if (parse_bool(value, &g->snp))
			return fail(p, -EINVAL, PART_VALUE, "snp: expected yes or no");
		return 1;
	}
	if (!strcmp(name, "backing")) {
		if (rmpsim_backing_parse(value, &g->backing))
			return fail(p, -EINVAL, PART_VALUE, "backing: expected 4K, 2M or 1G");
		return 1;
	}
	if (!strcmp(name, "size")) {
		if (rmpsim_parse_size(value, &g->bytes) || g->bytes == 0)
			return fail(p, -EINVAL, PART_VALUE, "size: expected a size such as 4G or 512M");
		p->guest_has_size = true;
		return 1;
	}
	if (!strcmp(name, "node")) {
		uint64_t n;
		if (!strcmp(value, "any")) {
			g->node = -1;
			return 1;
		}
		if (rmpsim_parse_u64(value, &n) || n > 4095)
			return fail(p, -EINVAL, PART_VALUE, "node: expected a NUMA node number or any");
		g->node = (int)n;
		return 1;
	}
	return fail(p, -EINVAL, PART_KEY, "[guest %s] %s: expected one of snp, backing, size, node", gname,
		    name);
}

/* "launch NAME", "teardown NAME", "trigger", "host-writes N". */
static int on_event(struct parse *p, const char *name, const char *value)
{
	struct rmpsim_wl_event e = { 0 };
	char verb[32], arg[RMPSIM_WL_NAME_MAX + 1], extra[2];

	if (!finish_guest(p))
		return 0;
	if (p->events_seen >= RMPSIM_MAX_EVENTS)
		return fail(p, -EINVAL, PART_KEY, "[events]: expected at most %u events", RMPSIM_MAX_EVENTS);
	if (rmpsim_parse_time_ns(name, &e.time_ns) || e.time_ns > RMPSIM_MAX_EVENT_TIME_NS)
		return fail(p, -EINVAL, PART_KEY,
			    "[events] %s: expected a time such as 0, 500ms or 10s, at most 30 days (%llus)",
			    name, RMPSIM_MAX_EVENT_TIME_NS / 1000000000ull);
	int n = sscanf(value, "%31s %64s %1s", verb, arg, extra);
	if (n >= 1 && (!strcmp(verb, "launch") || !strcmp(verb, "teardown")) && n == 2) {
		int g = find_guest(p->s, arg);
		if (g < 0)
			return fail(p, -EINVAL, PART_VALUE,
				    "%s %s: expected the name of a guest defined above", verb, arg);
		e.kind = !strcmp(verb, "launch") ? RMPSIM_EV_LAUNCH : RMPSIM_EV_TEARDOWN;
		e.guest = (unsigned)g;
	} else if (n == 1 && !strcmp(verb, "trigger")) {
		e.kind = RMPSIM_EV_TRIGGER;
	} else if (n == 2 && !strcmp(verb, "host-writes")) {
		e.kind = RMPSIM_EV_HOST_WRITES;
		if (rmpsim_parse_u64(arg, &e.count))
			return fail(p, -EINVAL, PART_VALUE, "host-writes: expected a count");
		if (e.count > RMPSIM_MAX_HOST_WRITES - p->host_writes)
			return fail(p, -EINVAL, PART_VALUE,
				    "host-writes: expected at most %llu host writes in the whole scenario",
				    RMPSIM_MAX_HOST_WRITES);
		p->host_writes += e.count;
	} else {
		return fail(p, -EINVAL, PART_VALUE,
			    "expected launch GUEST, teardown GUEST, trigger or host-writes COUNT");
	}
	e.line = next_event_line(p);
	int r = rmpsim_scenario_add_event(p->s, &e);
	if (r)
		return fail(p, r, PART_NONE, "out of memory");
	p->events_seen++;
	return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;

	if (p->err)
		return 1; /* only the first error counts; let inih finish */
	p->nhandled++;
	if (!strcmp(section, "scenario")) {
		if (!finish_guest(p))
			return 0;
		return on_scenario(p, name, value);
	}
	if (!strncmp(section, "guest ", 6))
		return on_guest(p, section + 6, name, value);
	if (!strcmp(section, "events"))
		return on_event(p, name, value);
	if (!strcmp(section, "cotenant")) {
		char msg[sizeof(p->msg)];
		if (!finish_guest(p))
			return 0;
		if (!p->cotenant_seen) /* the section's defaults, then its keys */
			rmpsim__cotenant_defaults(&p->s->cotenant, RMPSIM_VCPUS_AUTO);
		p->cotenant_seen = true;
		int r = rmpsim__cotenant_key(&p->s->cotenant, name, value, msg, sizeof(msg));
		return r > 0 ? 1 : fail(p, -EINVAL, r < 0 ? PART_KEY : PART_VALUE, "%s", msg);
	}
	return fail(p, -EINVAL, PART_KEY,
		    "[%s]: expected section [scenario], [guest NAME], [events] or [cotenant]", section);
}

/* Pointer to the start of line `line` (1-based) in text, or NULL. */
static const char *line_start(const char *text, unsigned line)
{
	const char *t = text;
	for (unsigned l = 1; l < line && t; l++) {
		t = strchr(t, '\n');
		if (t)
			t++;
	}
	return t;
}

/*
 * A blank as inih's lskip()/rstrip() see it: isspace() (so also \v, \f and
 * \r: found by libFuzzer, a header after "\v\t\r" is a header), but never the
 * newline that ends the line.
 */
static bool is_blank(char c)
{
	return c != '\n' && isspace((unsigned char)c);
}

static const char *skip_blank(const char *l)
{
	while (is_blank(*l))
		l++;
	return l;
}

/* Column (1-based) of the key or of the value on a "name = value" line. */
static unsigned column_of(const char *l, enum err_part part)
{
	const char *c = l;
	while (is_blank(*c))
		c++;
	if (part == PART_VALUE) {
		const char *eq = strpbrk(c, "=:\n");
		if (eq && *eq != '\n') {
			c = eq + 1;
			while (is_blank(*c))
				c++;
		}
	}
	return (unsigned)(c - l) + 1;
}

/* The line of "[guest NAME]" in text (0 if not found). */
static unsigned guest_section_line(const char *text, const char *name)
{
	unsigned line = 0;
	size_t n = strlen(name);
	for (const char *l = text; l && *l;) {
		line++;
		const char *c = l;
		while (is_blank(*c))
			c++;
		if (!strncmp(c, "[guest ", 7) && !strncmp(c + 7, name, n) && c[7 + n] == ']')
			return line;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return 0;
}

static bool is_syntax_ok(const char *l)
{
	while (is_blank(*l))
		l++;
	if (*l == '[') {
		const char *end = strchr(l, '\n');
		const char *close = strchr(l, ']');
		return close && (!end || close < end);
	}
	const char *sep = strpbrk(l, "=:\n");
	return sep && *sep != '\n';
}

/* After inih's pass: events refer to guests in a lifecycle that makes sense. */
static int check_events(struct parse *p, struct rmpsim_diag *diag, const char *file, const char *text)
{
	struct rmpsim_scenario *s = p->s;
	/* Running state of each guest just before the event at hand (events are in time order). */
	bool *running = rmpsim__calloc(s->alloc, s->nguests ? s->nguests : 1, sizeof(*running));

	if (!running)
		return rmpsim_diag_fail(diag, -ENOMEM, "out of memory");
	for (size_t i = 0; i < s->nevents; i++) {
		const struct rmpsim_wl_event *e = &s->events[i];
		if (e->kind != RMPSIM_EV_LAUNCH && e->kind != RMPSIM_EV_TEARDOWN)
			continue;
		bool was_running = running[e->guest];
		running[e->guest] = e->kind == RMPSIM_EV_LAUNCH;
		const char *gname = s->guests[e->guest].name;
		const char *what = NULL;
		if (e->kind == RMPSIM_EV_LAUNCH && was_running)
			what = "launch of guest '%s' that is already running: expected a teardown first";
		if (e->kind == RMPSIM_EV_TEARDOWN && !was_running)
			what = "teardown of guest '%s' that is not running: expected a launch first";
		if (what) {
			const char *l = line_start(text, e->line);
			rmpsim__free(s->alloc, running, (s->nguests ? s->nguests : 1) * sizeof(*running));
			rmpsim_diag_at(diag, file, e->line, l ? column_of(l, PART_VALUE) : 0);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			return rmpsim_diag_fail(diag, -EINVAL, what, gname);
#pragma GCC diagnostic pop
		}
	}
	rmpsim__free(s->alloc, running, (s->nguests ? s->nguests : 1) * sizeof(*running));
	return 0;
}

/* The line of the next "name = value" line in an [events] section, from
 * p's cursor. inih hands us events in file order, so one walk of the text
 * numbers them all. An indented line is an event too (inih reads it as one;
 * an indented line that would continue a value was refused by prescan). */
static unsigned next_event_line(struct parse *p)
{
	while (p->cursor && *p->cursor) {
		const char *l = p->cursor;
		unsigned line = ++p->cursor_line;
		p->cursor = strchr(l, '\n');
		if (p->cursor)
			p->cursor++;
		size_t n;
		const char *name = header_name(l, &n);
		const char *c = l;

		/* As inih reads lines: blanks skipped (prescan refused continuation lines). */
		while (is_blank(*c))
			c++;
		if (name)
			p->cursor_in_events = n == 6 && strncmp(name, "events", 6) == 0;
		else if (p->cursor_in_events && *c != ';' && *c != '#' && *c != '\n' && *c)
			return line;
	}
	return 0;
}

/* The section name of a "[name]" line (after blanks), its length in *n; NULL if l is no header. */
static const char *header_name(const char *l, size_t *n)
{
	while (is_blank(*l))
		l++;
	if (*l != '[')
		return NULL;
	const char *close = strpbrk(l + 1, "]\n");
	if (!close || *close != ']')
		return NULL;
	*n = (size_t)(close - l - 1);
	return l + 1;
}

/*
 * Before inih reads the text: no line longer than inih's buffer (it would be
 * split and its tail read as a line of its own, issue 10 point 6), and no
 * [guest NAME] header twice (inih merges adjacent equal sections silently).
 */
/*
 * A section header as inih reads it: [scenario], [events] or [guest NAME],
 * nothing but a comment after the ']' (inih ignores the rest of the line), so
 * that a section with no value lines, which inih never reports, is checked too.
 */
static int check_header(const char *l, const char *name, size_t n, unsigned line, const char *file,
			struct rmpsim_diag *diag)
{
	const char *rest = skip_blank(name + n + 1);

	if (*rest && *rest != '\n' && *rest != ';' && *rest != '#') {
		rmpsim_diag_at(diag, file, line, (unsigned)(rest - l) + 1);
		return rmpsim_diag_fail(diag, -EINVAL, "[%.*s]: expected nothing after ']' but a comment",
					(int)n, name);
	}
	rmpsim_diag_at(diag, file, line, (unsigned)(name - l));
	if (n == 6 && !strncmp(name, "guest ", 6))
		return rmpsim_diag_fail(diag, -EINVAL, "[guest NAME]: expected a name of 1 to %u characters",
					RMPSIM_MAX_INI_SECTION - 6);
	if ((n == 8 && !strncmp(name, "scenario", 8)) || (n == 6 && !strncmp(name, "events", 6)) ||
	    (n > 6 && !strncmp(name, "guest ", 6)) || (n == 8 && !strncmp(name, "cotenant", 8)))
		return 0;
	return rmpsim_diag_fail(diag, -EINVAL,
				"[%.*s]: expected section [scenario], [guest NAME], [events] or [cotenant]",
				(int)n, name);
}

/* A [guest NAME] section without any value line: inih never reports it. */
static int empty_guest_section(unsigned line, const char *name, size_t n, const char *file,
			       struct rmpsim_diag *diag)
{
	rmpsim_diag_at(diag, file, line, 1);
	return rmpsim_diag_fail(diag, -EINVAL, "[%.*s]: expected a size = line", (int)n, name);
}

static int prescan(const char *text, const char *file, const struct rmpsim_allocator *alloc,
		   struct rmpsim_diag *diag)
{
	/* The [guest NAME] headers seen so far: at most RMPSIM_MAX_GUESTS + 1 are kept. */
	struct {
		const char *name;
		size_t n;
	} *seen = NULL;
	size_t nseen = 0, cap = 0;
	unsigned line = 0;
	bool after_value = false; /* inih's "previous name": a value line came since the last header */
	unsigned empty_guest = 0; /* line of a [guest NAME] header with no value line yet */
	const char *empty_name = NULL;
	size_t empty_n = 0;
	int r = 0;

	for (const char *l = text; *l && !r;) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		size_t n = 0; /* header_name() sets it with a name; GCC -O3 cannot see that */
		const char *name = header_name(l, &n);
		const char *c = l;

		while (is_blank(*c))
			c++;
		line++;
		if (len > RMPSIM_MAX_INI_LINE) {
			rmpsim_diag_at(diag, file, line, RMPSIM_MAX_INI_LINE + 1);
			r = rmpsim_diag_fail(diag, -EINVAL,
					     "line longer than %u characters (the INI reader's limit): "
					     "expected a shorter line",
					     RMPSIM_MAX_INI_LINE);
		} else if (*c == ';' || *c == '#' || *c == '\n' || !*c) {
			/* a comment or a blank line */
		} else if (name && n > RMPSIM_MAX_INI_SECTION) {
			/* inih would cut the name (found by a fuzzer: two long guest names became one). */
			rmpsim_diag_at(diag, file, line, (unsigned)(name - l) + RMPSIM_MAX_INI_SECTION + 1);
			r = rmpsim_diag_fail(
				diag, -EINVAL,
				"section name longer than %u characters (the INI reader's limit): "
				"expected a shorter name",
				RMPSIM_MAX_INI_SECTION);
		} else if (name) {
			r = check_header(l, name, n, line, file, diag);
			if (!r && empty_guest)
				r = empty_guest_section(empty_guest, empty_name, empty_n, file, diag);
			empty_guest = !strncmp(name, "guest ", 6) ? line : 0;
			empty_name = name;
			empty_n = n;
			after_value = false;
		} else if (c > l && after_value) {
			/* inih would append it to the value above (a continuation line). */
			rmpsim_diag_at(diag, file, line, (unsigned)(c - l) + 1);
			r = rmpsim_diag_fail(
				diag, -EINVAL,
				"an indented line continues the value above: expected name = value "
				"at the start of the line");
		} else {
			after_value = true;
			empty_guest = 0;
		}
		if (!r && name && n > 6 && !strncmp(name, "guest ", 6) && nseen <= RMPSIM_MAX_GUESTS) {
			for (size_t i = 0; i < nseen && !r; i++) {
				if (seen[i].n == n && !strncmp(seen[i].name, name, n)) {
					rmpsim_diag_at(diag, file, line, (unsigned)(name - l));
					r = rmpsim_diag_fail(diag, -EINVAL,
							     "[%.*s]: expected a guest name not used before",
							     (int)n, name);
				}
			}
			if (!r && nseen == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				void *ns = rmpsim__realloc(alloc, seen, cap * sizeof(*seen),
							   ncap * sizeof(*seen));
				if (!ns)
					r = rmpsim_diag_fail(diag, -ENOMEM, "out of memory");
				else
					seen = ns, cap = ncap;
			}
			if (!r) {
				seen[nseen].name = name;
				seen[nseen++].n = n;
			}
		}
		l = end ? end + 1 : l + len;
	}
	if (!r && empty_guest)
		r = empty_guest_section(empty_guest, empty_name, empty_n, file, diag);
	rmpsim__free(alloc, seen, cap * sizeof(*seen));
	return r;
}

/*
 * Line and value column of the last "key = value" line of section `section`
 * (exact name) in text; {0, 0} when there is none.
 */
static struct rmpsim_wl_pos locate_value(const char *text, const char *section, const char *key)
{
	struct rmpsim_wl_pos pos = { 0, 0 };
	bool in = false;
	unsigned line = 0;
	size_t klen = strlen(key);

	for (const char *l = text; *l;) {
		const char *end = strchr(l, '\n');
		size_t n = 0; /* header_name() sets it with a name; GCC -O3 cannot see that */
		const char *name = header_name(l, &n);

		line++;
		if (name) {
			in = n == strlen(section) && !strncmp(name, section, n);
		} else if (in && !strncmp(skip_blank(l), key, klen)) {
			const char *c = skip_blank(l) + klen;
			while (is_blank(*c))
				c++;
			if (*c == '=' || *c == ':') {
				pos.line = line;
				pos.col = column_of(l, PART_VALUE);
			}
		}
		l = end ? end + 1 : l + strlen(l);
	}
	return pos;
}

/* Where each value that is checked later (when the scenario runs) was written. */
static void locate_values(struct rmpsim_scenario *s, const char *text)
{
	char section[RMPSIM_WL_NAME_MAX + 8];

	s->machine_pos = locate_value(text, "scenario", "machine");
	s->profile_pos = locate_value(text, "scenario", "profile");
	s->policy_pos = locate_value(text, "scenario", "policy");
	s->cotenant.vcpus_pos = locate_value(text, "cotenant", "vcpus");
	s->cotenant.host_regions_pos = locate_value(text, "cotenant", "host_regions");
	for (size_t i = 0; i < s->nguests; i++) {
		struct rmpsim_guest *g = &s->guests[i];
		snprintf(section, sizeof(section), "guest %s", g->name);
		g->pos.line = guest_section_line(text, g->name);
		g->pos.col = 1;
		g->node_pos = locate_value(text, section, "node");
	}
}

int rmpsim_scenario_parse_string(const char *text, const char *file, const struct rmpsim_allocator *alloc,
				 struct rmpsim_scenario *ret_s, struct rmpsim_diag *diag)
{
	struct rmpsim_scenario s;
	char dir[RMPSIM_WL_PATH_MAX] = "";

	if (!text || !ret_s)
		return -EINVAL;
	rmpsim_scenario_init(&s, alloc);
	int pr = prescan(text, file, s.alloc, diag);
	if (pr)
		return pr;
	if (file) {
		snprintf(s.file, sizeof(s.file), "%s", file);
		const char *slash = strrchr(file, '/');
		if (slash && (size_t)(slash - file) < sizeof(dir)) {
			memcpy(dir, file, (size_t)(slash - file));
			dir[slash - file] = '\0';
		}
		/* The default name is the file's stem. */
		const char *base = slash ? slash + 1 : file;
		size_t n = strcspn(base, ".");
		if (n >= sizeof(s.name))
			n = sizeof(s.name) - 1;
		memcpy(s.name, base, n);
		s.name[n] = '\0';
	}
	struct parse p = { .s = &s, .dir = dir, .cur_guest = -1, .cursor = text };
	int line = ini_parse_string(text, handler, &p);
	if (!p.err && line == 0)
		finish_guest(&p);
	if (line == 0 && p.err) {
		/* A failure found after the last line (e.g. the last guest has no size). */
		line = -2;
	}
	if (line != 0 || p.err) {
		int err = p.err ? p.err : -EINVAL;
		if (p.err && p.err_guest[0] && guest_section_line(text, p.err_guest)) {
			/* About a guest section as a whole: point at its header. */
			rmpsim_diag_at(diag, file, guest_section_line(text, p.err_guest), 1);
			err = rmpsim_diag_fail(diag, p.err, "%s", p.msg);
		} else if (line > 0) {
			const char *l = line_start(text, (unsigned)line);
			if (!l || !is_syntax_ok(l) || !p.err) {
				rmpsim_diag_at(diag, file, (unsigned)line, 1);
				err = rmpsim_diag_fail(diag, -EINVAL, "expected [section] or name = value");
			} else {
				rmpsim_diag_at(diag, file, (unsigned)line, column_of(l, p.part));
				err = rmpsim_diag_fail(diag, p.err, "%s", p.msg);
			}
		} else if (line == -1 || line == -2) {
			rmpsim_diag_at(diag, file, 0, 0);
			err = rmpsim_diag_fail(diag, p.err ? p.err : -EIO, "%s",
					       p.err ? p.msg : "cannot read the scenario");
		}
		rmpsim_scenario_free(&s);
		return err;
	}
	int r = check_events(&p, diag, file, text);
	if (r) {
		rmpsim_scenario_free(&s);
		return r;
	}
	locate_values(&s, text);
	*ret_s = s;
	return 0;
}

/*
 * One key of a parsed scenario, as the file would set it (rmpsim --set
 * scenario.KEY=VALUE, guest.NAME.KEY=VALUE): the same checks as in a file;
 * *s is unchanged on failure. A guest must exist already (a guest without
 * launch events would never run).
 */
int rmpsim_scenario_set(struct rmpsim_scenario *s, const char *section, const char *key, const char *value,
			struct rmpsim_diag *diag)
{
	if (!s || !s->alloc || !section || !key || !value)
		return -EINVAL;
	struct parse p = { .s = s, .dir = "", .cur_guest = -1 };
	struct rmpsim_scenario saved = *s;

	/* The scenario's host writes so far: the limit is on the whole scenario. */
	p.host_writes = s->host_writes;
	for (size_t i = 0; i < s->nevents; i++)
		if (s->events[i].kind == RMPSIM_EV_HOST_WRITES)
			p.host_writes += s->events[i].count;
	if (!strcmp(section, "scenario")) {
		on_scenario(&p, key, value);
	} else if (!strncmp(section, "guest ", 6)) {
		int idx = find_guest(s, section + 6);
		if (idx < 0)
			return rmpsim_diag_fail(diag, -EINVAL, "[%s]: scenario '%s' has no such guest%s",
						section, s->name,
						s->nguests ? "" : " (it has no guests at all)");
		struct rmpsim_guest g = s->guests[idx];
		p.cur_guest = idx;
		p.guest_has_size = true;
		if (on_guest(&p, section + 6, key, value))
			finish_guest(&p);
		if (p.err)
			s->guests[idx] = g;
	} else if (!strcmp(section, "cotenant")) {
		/* As a [cotenant] line: a scenario without co-tenants (nothing configured: the
		 * zeroed section, which does nothing) starts from the section's defaults. */
		struct rmpsim_cotenant *c = &s->cotenant;
		if (c->vcpus == RMPSIM_VCPUS_NONE && !c->host_fills_per_s && !c->guest_fills_per_s &&
		    !c->rmp_l3_hit_percent && !c->nhost_regions)
			rmpsim__cotenant_defaults(c, RMPSIM_VCPUS_AUTO);
		char msg[sizeof(p.msg)];
		if (rmpsim__cotenant_key(c, key, value, msg, sizeof(msg)) <= 0) {
			*s = saved;
			return rmpsim_diag_fail(diag, -EINVAL, "%s", msg);
		}
		/* the value is no longer the file's: no file:line for its errors */
		if (!strcmp(key, "vcpus"))
			c->vcpus_pos = (struct rmpsim_wl_pos){ 0, 0 };
		if (!strcmp(key, "host_regions"))
			c->host_regions_pos = (struct rmpsim_wl_pos){ 0, 0 };
	} else {
		return rmpsim_diag_fail(diag, -EINVAL,
					"[%s]: expected section [scenario], [guest NAME] or [cotenant]",
					section);
	}
	if (p.err) {
		*s = saved;
		return rmpsim_diag_fail(diag, p.err, "%s", p.msg);
	}
	return 0;
}

int rmpsim_scenario_parse_file(const char *path, const struct rmpsim_allocator *alloc,
			       struct rmpsim_scenario *ret_s, struct rmpsim_diag *diag)
{
	const struct rmpsim_allocator *a = rmpsim__alloc_or_default(alloc);
	if (!path || !ret_s)
		return -EINVAL;
	FILE *f = fopen(path, "rb");

	if (!f) {
		int err = errno == ENOENT ? -ENOENT : -EIO;
		rmpsim_diag_at(diag, path, 0, 0);
		return rmpsim_diag_fail(diag, err, "cannot open: %s", strerror(errno));
	}
	size_t cap = 4096, len = 0;
	char *buf = rmpsim__malloc(a, cap);
	int err = buf ? 0 : -ENOMEM;
	while (!err) {
		if (len > RMPSIM_MAX_SCENARIO_BYTES) {
			err = -EFBIG;
			break;
		}
		if (len + 1 >= cap) {
			char *nb = rmpsim__realloc(a, buf, cap, cap * 2);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t n = fread(buf + len, 1, cap - 1 - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f))
				err = -EIO;
			break;
		}
	}
	fclose(f);
	const char *nul = err ? NULL : memchr(buf, '\0', len);
	if (nul) {
		/* A NUL would end the text early: name where it is (issue 10 point 6). */
		unsigned line = 1, col = 1;
		for (const char *c = buf; c < nul; c++, col++)
			if (*c == '\n')
				line++, col = 0;
		rmpsim__free(a, buf, cap);
		rmpsim_diag_at(diag, path, line, col);
		return rmpsim_diag_fail(diag, -EINVAL, "a NUL byte: expected a text file");
	}
	if (err) {
		rmpsim__free(a, buf, cap);
		rmpsim_diag_at(diag, path, 0, 0);
		return rmpsim_diag_fail(diag, err == -EFBIG ? -EINVAL : err,
					err == -EFBIG	 ? "the file is larger than 16 MiB"
					: err == -ENOMEM ? "out of memory"
							 : "read error");
	}
	buf[len] = '\0';
	err = rmpsim_scenario_parse_string(buf, path, a, ret_s, diag);
	rmpsim__free(a, buf, cap);
	return err;
}
