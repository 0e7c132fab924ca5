/* SPDX-License-Identifier: MIT */
/*
 * Our own reading of an hwloc synthetic description, before hwloc sees it
 * (issue 10 point 2). hwloc's import costs about n^2 in the width of a level
 * and hwloc says only "invalid argument" for a bad string, so this pass
 *  - names the offending token's column,
 *  - multiplies the counts and refuses a machine over the limits of
 *    <rmpsim/limits.h> (CPUs, NUMA nodes, memory) before any import,
 *  - refuses what hwloc would silently change or crash on: a memory size of 0
 *    (hwloc substitutes 1 GiB), attributes hwloc ignores (memory= on a
 *    package), object types that are not levels (hwloc asserts on
 *    "memcache:2"), numbers hwloc reads as octal or hex.
 *
 * Grammar (hwloc's synthetic syntax, the subset rmpsim accepts): tokens
 * separated by blanks; a token is "type:count" or "type:count(attrs)" (a
 * level: count objects in each object of the level before), or "[numa]" /
 * "[numa(memory=SIZE)]" (a NUMA node attached to each object of the level
 * before, or to the machine when first). Level types: package, die, group,
 * numa, the caches (l1 .. l5, with d/i/u suffixes), core, pu; the last level
 * is pu. Attributes: memory=SIZE on numa, size=SIZE on a cache. SIZE is a
 * decimal integer (no leading zero) and an optional unit kB, KiB, MB, MiB,
 * GB, GiB, TB, TiB (any case), as hwloc reads it.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <hwloc.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <rmpsim/limits.h>

#include "topology_synthetic.h"

/* A NUMA node without memory= gets hwloc's default of 1 GiB (A202). */
#define HWLOC_DEFAULT_NODE_MEMORY (1ull << 30)
#define MIN_NODE_MEMORY		  (2ull << 20)

struct scan {
	const char *desc;
	struct rmpsim_diag *diag;
	uint64_t objects; /* objects of the last level read (machine = 1) */
	uint64_t nodes, memory;
	bool last_is_pu;
	uint64_t seen;	     /* bit per hwloc type used as a level */
	unsigned last_cache; /* depth of the last cache level (0: none yet) */
	bool below_caches;   /* core or pu came: no cache may follow */
	bool attached_numa;  /* a "[numa]" token came */
	struct rmpsim_synthetic_summary shape;
};

/* At most 40 bytes of the n at p, for a message: printf("%.*s", SHOW(p, n)). */
#define SHOW(p, n) (int)((size_t)(n) < 40 ? (size_t)(n) : 40), (p)

__attribute__((format(printf, 3, 4))) static int fail_at(struct scan *s, const char *at, const char *fmt, ...)
{
	unsigned col = (unsigned)(at - s->desc) + 1;
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rmpsim_diag_at(s->diag, NULL, 1, col);
	return rmpsim_diag_fail(s->diag, -EINVAL, "column %u: %s", col, msg);
}

/* hwloc's object type of the n bytes at p, or -1 when hwloc knows none. */
static int type_of(const char *p, size_t n, hwloc_obj_type_t *type)
{
	char buf[64];
	union hwloc_obj_attr_u attr;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return hwloc_type_sscanf(buf, type, &attr, sizeof(attr)) == 0 ? 0 : -1;
}

static bool is_level_type(hwloc_obj_type_t t)
{
	return t == HWLOC_OBJ_PACKAGE || t == HWLOC_OBJ_DIE || t == HWLOC_OBJ_GROUP ||
	       t == HWLOC_OBJ_NUMANODE || hwloc_obj_type_is_cache(t) || t == HWLOC_OBJ_CORE ||
	       t == HWLOC_OBJ_PU;
}

/*
 * hwloc_type_sscanf() reads a prefix ("core335" is a core) and takes group
 * depths ("group3"): only these spellings are accepted (any case), so that a
 * typo is an error rather than another machine.
 */
static bool known_level_name(const char *p, size_t n)
{
	static const char *const names[] = { "pack", "package",	 "socket", "die",  "group",
					     "numa", "numanode", "node",   "core", "pu" };
	char buf[16];

	if (n == 0 || n >= sizeof(buf))
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !strncasecmp(p, names[i], n))
			return true;
	/* Caches: l1 .. l5, then d, i or u, then optionally "cache". */
	memcpy(buf, p, n);
	buf[n] = '\0';
	if ((buf[0] != 'l' && buf[0] != 'L') || buf[1] < '1' || buf[1] > '5')
		return false;
	const char *rest = buf + 2;
	if (*rest == 'd' || *rest == 'i' || *rest == 'u' || *rest == 'D' || *rest == 'I' || *rest == 'U')
		rest++;
	return !*rest || !strcasecmp(rest, "cache");
}

/* "123", "4GiB": a size in bytes; -EINVAL for bad syntax, -ERANGE above 2^64 - 1. */
static int parse_size(const char *p, size_t n, uint64_t *ret)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} units[] = {
		{ "", 1 },
		{ "kB", 1000ull },
		{ "KiB", 1ull << 10 },
		{ "MB", 1000000ull },
		{ "MiB", 1ull << 20 },
		{ "GB", 1000000000ull },
		{ "GiB", 1ull << 30 },
		{ "TB", 1000000000000ull },
		{ "TiB", 1ull << 40 },
	};
	uint64_t v = 0;
	size_t i = 0;

	if (n == 0 || !isdigit((unsigned char)p[0]) || (p[0] == '0' && n > 1 && isdigit((unsigned char)p[1])))
		return -EINVAL;
	for (; i < n && isdigit((unsigned char)p[i]); i++) {
		if (v > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		if (strlen(units[u].unit) == n - i && strncasecmp(p + i, units[u].unit, n - i) == 0) {
			if (v > UINT64_MAX / units[u].mult)
				return -ERANGE;
			*ret = v * units[u].mult;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * The attributes "(k=v,...)" of a token of type `type` at p (after the
 * opening parenthesis, up to but excluding the closing one, n bytes). A NUMA
 * node's memory goes to *memory.
 */
static int scan_attrs(struct scan *s, hwloc_obj_type_t type, const char *p, size_t n, uint64_t *memory)
{
	const char *end = p + n;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t len = (size_t)((comma ? comma : end) - p);
		const char *eq = memchr(p, '=', len);
		uint64_t v = 0;
		int r;

		if (!eq)
			return fail_at(s, p, "expected key=value in the attributes, got '%.*s'",
				       SHOW(p, len));
		size_t klen = (size_t)(eq - p);
		bool is_mem = klen == 6 && !strncmp(p, "memory", 6);
		bool is_size = klen == 4 && !strncmp(p, "size", 4);

		if (!(is_mem && type == HWLOC_OBJ_NUMANODE) && !(is_size && hwloc_obj_type_is_cache(type)))
			return fail_at(s, p,
				       "attribute '%.*s' is not supported here (only memory=SIZE on numa, "
				       "size=SIZE on a cache)",
				       SHOW(p, klen));
		r = parse_size(eq + 1, len - klen - 1, &v);
		if (r == -ERANGE)
			return fail_at(s, eq + 1, "size '%.*s' is too large", SHOW(eq + 1, len - klen - 1));
		if (r < 0)
			return fail_at(s, eq + 1,
				       "expected a size (a decimal integer and an optional unit kB, KiB, "
				       "MB, MiB, GB, GiB, TB, TiB), got '%.*s'",
				       SHOW(eq + 1, len - klen - 1));
		if (is_mem) {
			if (v < MIN_NODE_MEMORY)
				return fail_at(s, eq + 1,
					       "NUMA node memory '%.*s' is less than 2 MiB (memoryless nodes "
					       "are not supported)",
					       SHOW(eq + 1, len - klen - 1));
			if (v > RMPSIM_MAX_MEMORY_BYTES)
				return fail_at(s, eq + 1, "NUMA node memory '%.*s' exceeds the 64 TiB limit",
					       SHOW(eq + 1, len - klen - 1));
			*memory = v;
		}
		p += len + (p + len < end);
	}
	return 0;
}

/* Count NUMA nodes: `each` more nodes of `memory` bytes. */
static int add_nodes(struct scan *s, const char *tok, size_t toklen, uint64_t each, uint64_t memory)
{
	s->nodes += each;
	if (s->nodes > RMPSIM_MAX_NODES)
		return fail_at(s, tok, "'%.*s' makes more than 1024 NUMA nodes", SHOW(tok, toklen));
	/* each <= 1024 and memory <= 2^46: no overflow. */
	s->memory += each * memory;
	if (s->memory > RMPSIM_MAX_MEMORY_BYTES)
		return fail_at(s, tok, "'%.*s' makes more than 64 TiB of memory", SHOW(tok, toklen));
	return 0;
}

/* One "[type(attrs)]" token: memory attached to every object of the level before. */
static int scan_attached(struct scan *s, const char *tok, size_t toklen)
{
	const char *q = tok + 1;
	size_t n = 0;
	hwloc_obj_type_t type;
	uint64_t memory = 0;

	/* The type ends at '(' or ']' inside this token (found by a fuzzer: not beyond it). */
	while (n < toklen - 1 && q[n] != '(' && q[n] != ']')
		n++;

	if (type_of(q, n, &type) < 0 || type != HWLOC_OBJ_NUMANODE)
		return fail_at(s, q, "'%.*s' cannot be attached memory (expected [numa(memory=SIZE)])",
			       SHOW(q, n));
	if (q[n] == '(') {
		const char *close = memchr(q + n, ')', toklen - 1 - n);
		if (!close || close[1] != ']' || close + 2 != tok + toklen)
			return fail_at(s, tok, "expected [numa(memory=SIZE)], got '%.*s'", SHOW(tok, toklen));
		int r = scan_attrs(s, type, q + n + 1, (size_t)(close - q - n - 1), &memory);
		if (r < 0)
			return r;
	} else if (q + n + 1 != tok + toklen) {
		return fail_at(s, tok, "expected [numa(memory=SIZE)], got '%.*s'", SHOW(tok, toklen));
	}
	if (memory == 0)
		return fail_at(s, tok, "'%.*s' has no memory=SIZE (memoryless nodes are not supported)",
			       SHOW(tok, toklen));
	/* hwloc refuses NUMA nodes both as a level and attached (and leaks: found by fuzz_synthetic). */
	if (s->seen & (1ull << HWLOC_OBJ_NUMANODE))
		return fail_at(s, tok, "'%.*s' after a numa level: use either numa:N or [numa(...)]",
			       SHOW(tok, toklen));
	s->attached_numa = true;
	s->shape.nattached++;
	s->shape.attached_to = (int)s->shape.nlevels - 1;
	s->shape.attached_memory = memory;
	return add_nodes(s, tok, toklen, s->objects, memory);
}

/* One "type:count(attrs)" token: a level. */
static int scan_level(struct scan *s, const char *tok, size_t toklen)
{
	size_t n = strcspn(tok, ":(");
	hwloc_obj_type_t type;
	uint64_t count = 0, memory = HWLOC_DEFAULT_NODE_MEMORY;
	const char *c, *d;

	if (n > toklen)
		n = toklen;
	if (!known_level_name(tok, n) || type_of(tok, n, &type) < 0)
		return fail_at(s, tok,
			       "unknown object type '%.*s' (expected e.g. pack, group, numa, l3, core, pu)",
			       SHOW(tok, n));
	if (!is_level_type(type))
		return fail_at(s, tok,
			       "'%.*s' cannot be a level of a machine (expected pack, die, group, numa, "
			       "a cache such as l3, core, pu)",
			       SHOW(tok, n));
	/*
	 * Levels hwloc refuses (and then leaks memory on: found by fuzz_synthetic)
	 * or reads as another machine: a type twice (groups excepted), a cache
	 * below a smaller cache, below the core or below the pu.
	 */
	if (type != HWLOC_OBJ_GROUP && (s->seen & (1ull << type)))
		return fail_at(s, tok, "'%.*s' is a level twice (only group may repeat)", SHOW(tok, n));
	if (type == HWLOC_OBJ_NUMANODE && s->attached_numa)
		return fail_at(s, tok, "'%.*s' after [numa(...)]: use either numa:N or [numa(...)]",
			       SHOW(tok, n));
	s->seen |= 1ull << type;
	if (hwloc_obj_type_is_cache(type)) {
		unsigned depth = (unsigned)(tok[1] - '0');
		if (s->below_caches || (s->last_cache && depth >= s->last_cache))
			return fail_at(s, tok,
				       "'%.*s' below %s: caches go from the largest (l3) to the smallest, "
				       "above core and pu",
				       SHOW(tok, n), s->below_caches ? "core or pu" : "a smaller cache");
		s->last_cache = depth;
	}
	if (type == HWLOC_OBJ_CORE || type == HWLOC_OBJ_PU)
		s->below_caches = true;
	c = tok + n;
	if (*c != ':' || c >= tok + toklen)
		return fail_at(s, c, "expected ':<count>' after '%.*s'", SHOW(tok, n));
	for (d = c + 1; d < tok + toklen && isdigit((unsigned char)*d); d++)
		if (count <= 1000000)
			count = count * 10 + (uint64_t)(*d - '0');
	if (count == 0 || count > 1000000 || (c[1] == '0' && d > c + 2) || (d < tok + toklen && *d != '('))
		return fail_at(s, c + 1, "the count of '%.*s' must be a positive integer up to 1000000",
			       SHOW(tok, n));
	if (d < tok + toklen) {
		if (tok[toklen - 1] != ')')
			return fail_at(s, d, "expected '(attributes)' to end the token, got '%.*s'",
				       SHOW(d, (size_t)(tok + toklen - d)));
		int r = scan_attrs(s, type, d + 1, (size_t)(tok + toklen - d - 2), &memory);
		if (r < 0)
			return r;
	}
	if (s->last_is_pu)
		return fail_at(s, tok, "'%.*s' comes after the pu level (pu must be the last level)",
			       SHOW(tok, n));
	s->objects *= count; /* <= 8192 * 10^6 */
	if (s->objects > RMPSIM_MAX_CPUS)
		return fail_at(s, tok,
			       "'%.*s' makes more than 8192 objects at its level, so more than 8192 CPUs",
			       SHOW(tok, toklen));
	s->last_is_pu = type == HWLOC_OBJ_PU;
	if (s->shape.nlevels < RMPSIM__SYNTH_LEVELS) {
		unsigned l = s->shape.nlevels++;
		s->shape.type[l] = (int)type;
		s->shape.count[l] = count;
		s->shape.level_memory[l] = memory;
	}
	if (type == HWLOC_OBJ_NUMANODE)
		return add_nodes(s, tok, toklen, s->objects, memory);
	return 0;
}

int rmpsim__synthetic_scan(const char *desc, struct rmpsim_diag *diag, struct rmpsim_synthetic_summary *ret)
{
	struct scan s = { .desc = desc, .diag = diag, .objects = 1 };
	const char *p = desc;
	unsigned ntok = 0;
	size_t len = strnlen(desc, RMPSIM_MAX_SYNTHETIC_LEN + 1);

	if (len > RMPSIM_MAX_SYNTHETIC_LEN) {
		rmpsim_diag_at(diag, NULL, 1, 1);
		return rmpsim_diag_fail(diag, -EINVAL, "column 1: the description is longer than %u bytes",
					RMPSIM_MAX_SYNTHETIC_LEN);
	}
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *tok = p;
		int depth = 0, r;

		for (; *p && (depth > 0 || !isspace((unsigned char)*p)); p++) {
			if (*p == '(' || *p == '[')
				depth++;
			else if ((*p == ')' || *p == ']') && --depth < 0)
				break;
		}
		if (depth != 0)
			return fail_at(&s, tok, "unbalanced brackets in '%.*s'",
				       SHOW(tok, (size_t)(p - tok) + (*p != 0)));
		if (++ntok > RMPSIM_MAX_SYNTHETIC_LEVELS)
			return fail_at(&s, tok, "more than 32 tokens: '%.*s' and after",
				       SHOW(tok, (size_t)(p - tok)));
		r = *tok == '[' ? scan_attached(&s, tok, (size_t)(p - tok))
				: scan_level(&s, tok, (size_t)(p - tok));
		if (r < 0)
			return r;
	}
	if (ntok == 0) {
		rmpsim_diag_at(diag, NULL, 1, 1);
		return rmpsim_diag_fail(diag, -EINVAL, "column 1: empty topology description");
	}
	if (!s.last_is_pu)
		return fail_at(&s, p, "the description must end with a pu level (e.g. 'core:4 pu:2')");
	if (s.nodes == 0) /* A202: hwloc gives a machine without NUMA token one node of 1 GiB. */
		s.nodes = 1, s.memory = HWLOC_DEFAULT_NODE_MEMORY;
	if (ret) {
		*ret = s.shape;
		ret->cpus = (unsigned)s.objects;
		ret->nodes = (unsigned)s.nodes;
		ret->memory = s.memory;
	}
	return 0;
}

/* ---- the plain subset (issue 14 point 3) ---- */

static bool plain_digits(const char **p)
{
	const char *q = *p;

	if (*q < '1' || *q > '9')
		return false;
	while (*q >= '0' && *q <= '9')
		q++;
	*p = q;
	return true;
}

/* A size: digits (no leading zero) and one unit spelt as hwloc's documentation does. */
static bool plain_size(const char **p)
{
	static const char *const units[] = { "TiB", "GiB", "MiB", "KiB", "TB", "GB", "MB", "kB" };

	if (!plain_digits(p))
		return false;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t n = strlen(units[u]);
		if (!strncmp(*p, units[u], n)) {
			*p += n;
			return true;
		}
	}
	return true;
}

static bool plain_word(const char **p, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(*p, w, n))
		return false;
	*p += n;
	return true;
}

/* One level token: type:count, a numa level with (memory=SIZE), a cache with (size=SIZE). */
static bool plain_level(const char **p)
{
	static const char *const types[] = { "package", "pack", "group", "die", "numa", "core", "pu" };
	const char *q = *p;
	bool numa = false, cache = false;

	if (q[0] == 'l' && q[1] >= '1' && q[1] <= '5') {
		q += 2;
		if (*q == 'd' || *q == 'i' || *q == 'u')
			q++;
		cache = true;
	} else {
		size_t t = 0;
		for (; t < sizeof(types) / sizeof(types[0]); t++)
			if (plain_word(&q, types[t]))
				break;
		if (t == sizeof(types) / sizeof(types[0]))
			return false;
		numa = t == 4;
	}
	if (*q++ != ':' || !plain_digits(&q))
		return false;
	if (*q == '(') {
		q++;
		if (!(numa && plain_word(&q, "memory=")) && !(cache && plain_word(&q, "size=")))
			return false;
		if (!plain_size(&q) || *q++ != ')')
			return false;
	}
	*p = q;
	return true;
}

bool rmpsim__synthetic_plain(const char *desc)
{
	const char *p = desc;

	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			return true;
		if (*p == '[') {
			p++;
			if (!plain_word(&p, "numa(memory=") || !plain_size(&p) || !plain_word(&p, ")]"))
				return false;
		} else if (!plain_level(&p)) {
			return false;
		}
		if (*p && *p != ' ')
			return false;
	}
}
