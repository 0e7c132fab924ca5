/* SPDX-License-Identifier: MIT */
/*
 * The VM lifecycle log of a fleet replay (docs/scenarios.md "Fleet replay"):
 *
 *   time,vm,action,size,backing,snp,node
 *   0,web-1,launch,16G,2M,yes,any
 *   90min,web-1,convert,8G
 *   2h,web-1,teardown
 *
 * A header row (first field "time") and '#' comment lines are skipped. Every
 * row is checked as it is read, so that nothing runs from a log with a bad row,
 * a time going backwards, or a lifecycle the log cannot have; each message
 * names file:line:col and what was expected (exit 3).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rmpsim/fleet.h>

#include "base/alloc.h"
#include "base/hash.h"

#define SZ_2M	      (2ull << 20)
#define GB	      (1ull << 30)
#define MAX_FIELDS    7
#define MAX_LOG_BYTES (256ull << 20) /* A465: ~4 M rows */

const char *rmpsim_fleet_action_name(enum rmpsim_fleet_action a)
{
	switch (a) {
	case RMPSIM_FLEET_LAUNCH: return "launch";
	case RMPSIM_FLEET_CONVERT: return "convert";
	case RMPSIM_FLEET_TEARDOWN: return "teardown";
	}
	return "?";
}

static const char *const place_names[RMPSIM_PLACE_COUNT] = { "first-fit", "pack", "spread" };

const char *rmpsim_placement_name(enum rmpsim_placement p)
{
	return (unsigned)p < RMPSIM_PLACE_COUNT ? place_names[p] : "?";
}

int rmpsim_placement_parse(const char *s, enum rmpsim_placement *ret)
{
	for (unsigned i = 0; s && ret && i < RMPSIM_PLACE_COUNT; i++) {
		if (!strcasecmp(s, place_names[i])) {
			*ret = (enum rmpsim_placement)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool rmpsim_fleet_is_log(const char *path)
{
	size_t n = path ? strlen(path) : 0;
	return n > 4 && !strcasecmp(path + n - 4, ".csv");
}

/* What the parser knows of a VM beyond its launch line. */
enum vm_state { VM_RUNNING, VM_GONE };

struct field {
	const char *s; /* NUL-terminated copy in the row buffer */
	unsigned col;
};

struct parser {
	struct rmpsim_fleet f;
	struct rmpsim_diag *diag;
	const char *file;
	unsigned line;
	uint64_t last_time;
	/* VM ids -> index: open addressing, power-of-two size */
	uint32_t *slots; /* index + 1; 0 = empty */
	size_t nslots;
	unsigned char *state; /* enum vm_state per VM */
};

static int fail(struct parser *p, unsigned col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct parser *p, unsigned col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rmpsim_diag_vfail(p->diag, -EINVAL, fmt, ap);
	va_end(ap);
	rmpsim_diag_at(p->diag, p->file, p->line, col);
	return -EINVAL;
}

static int grow(struct parser *p, void **arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *q = rmpsim__realloc(p->f.alloc, *arr, *cap * size, ncap * size);
	if (!q)
		return -ENOMEM;
	*arr = q;
	*cap = ncap;
	return 0;
}

static uint64_t id_hash(const char *id)
{
	return rmpsim__hash_bytes(0xcbf29ce484222325ull, id, strlen(id));
}

/* The VM called id, or -1. */
static long find_vm(const struct parser *p, const char *id)
{
	if (!p->nslots)
		return -1;
	for (size_t i = id_hash(id) & (p->nslots - 1);; i = (i + 1) & (p->nslots - 1)) {
		uint32_t s = p->slots[i];
		if (!s)
			return -1;
		if (!strcmp(p->f.vms[s - 1].id, id))
			return (long)s - 1;
	}
}

static int index_vm(struct parser *p, size_t vm)
{
	if ((vm + 1) * 2 > p->nslots) { /* keep the table at most half full */
		size_t n = p->nslots ? p->nslots * 2 : 256;
		uint32_t *s = rmpsim__calloc(p->f.alloc, n, sizeof(*s));
		if (!s)
			return -ENOMEM;
		rmpsim__free(p->f.alloc, p->slots, p->nslots * sizeof(*p->slots));
		p->slots = s;
		p->nslots = n;
		for (size_t k = 0; k < vm; k++) {
			size_t i = id_hash(p->f.vms[k].id) & (n - 1);
			while (s[i])
				i = (i + 1) & (n - 1);
			s[i] = (uint32_t)k + 1;
		}
	}
	size_t i = id_hash(p->f.vms[vm].id) & (p->nslots - 1);
	while (p->slots[i])
		i = (i + 1) & (p->nslots - 1);
	p->slots[i] = (uint32_t)vm + 1;
	return 0;
}

/* Plain digits are seconds; else a number with ns, us, ms, s, min or h. */
static int parse_time(const char *s, uint64_t *ret)
{
	size_t n = strlen(s), d = strspn(s, "0123456789");
	uint64_t v;

	if (n && d == n) {
		if (rmpsim_parse_u64(s, &v) || v > RMPSIM_FLEET_MAX_TIME_NS / 1000000000ull)
			return -ERANGE;
		*ret = v * 1000000000ull;
		return 0;
	}
	return rmpsim_parse_time_ns(s, ret);
}

static int parse_yes_no(const char *s, bool *ret)
{
	static const char *const yes[] = { "yes", "y", "1", "true", "snp" };
	static const char *const no[] = { "no", "n", "0", "false", "plain" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i]))
			return *ret = true, 0;
		if (!strcasecmp(s, no[i]))
			return *ret = false, 0;
	}
	return -EINVAL;
}

static bool id_ok(const char *s)
{
	size_t n = strlen(s);
	return n && n < RMPSIM_WL_NAME_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") == n;
}

static int parse_launch(struct parser *p, const struct field *fl, unsigned nf, struct rmpsim_fleet_event *e)
{
	struct rmpsim_fleet_vm vm = { .line = p->line, .node = -1 };
	static const char *const need[] = { "size", "backing", "snp" };

	for (unsigned i = 3; i < 6; i++) {
		if (i >= nf || !*fl[i].s)
			return fail(p, i < nf ? fl[i].col : fl[nf - 1].col,
				    "launch %s: expected a %s field (time,vm,action,size,backing,snp,node)",
				    fl[1].s, need[i - 3]);
	}
	if (find_vm(p, fl[1].s) >= 0)
		return fail(p, fl[1].col,
			    "launch %s: expected a VM id not launched before (ids are not reused)", fl[1].s);
	snprintf(vm.id, sizeof(vm.id), "%s", fl[1].s);
	if (rmpsim_backing_parse(fl[4].s, &vm.backing))
		return fail(p, fl[4].col, "backing '%s': expected 4K, 2M or 1G", fl[4].s);
	uint64_t unit = vm.backing == RMPSIM_BACKING_1G ? GB : SZ_2M; /* A461 */
	if (rmpsim_parse_size(fl[3].s, &vm.bytes) || !vm.bytes || vm.bytes % unit)
		return fail(p, fl[3].col, "size '%s': expected a size such as 16G, a non-zero multiple of %s",
			    fl[3].s, unit == GB ? "1G (1G backing)" : "2M");
	if (parse_yes_no(fl[5].s, &vm.snp))
		return fail(p, fl[5].col, "snp '%s': expected yes or no", fl[5].s);
	if (nf > 6 && *fl[6].s && strcasecmp(fl[6].s, "any")) {
		uint64_t node;
		if (rmpsim_parse_u64(fl[6].s, &node) || node >= 1024)
			return fail(p, fl[6].col, "node '%s': expected a NUMA node number or any", fl[6].s);
		vm.node = (int)node;
		vm.node_col = fl[6].col;
	}
	if (p->f.nvms >= RMPSIM_FLEET_MAX_VMS)
		return fail(p, 1, "more than %u VMs: expected a shorter log", RMPSIM_FLEET_MAX_VMS);
	if (grow(p, (void **)&p->f.vms, &p->f.vms_cap, p->f.nvms, sizeof(vm)))
		return -ENOMEM;
	void *st = rmpsim__realloc(p->f.alloc, p->state, p->f.nvms, p->f.nvms + 1);
	if (!st)
		return -ENOMEM;
	p->state = st;
	p->state[p->f.nvms] = VM_RUNNING;
	p->f.vms[p->f.nvms] = vm;
	if (index_vm(p, p->f.nvms))
		return -ENOMEM;
	e->vm = (unsigned)p->f.nvms++;
	e->bytes = vm.bytes;
	return 0;
}

/* convert and teardown: a running VM named by the row. */
static int running_vm(struct parser *p, const struct field *fl, const char *action, unsigned *ret)
{
	long vm = find_vm(p, fl[1].s);
	if (vm < 0)
		return fail(p, fl[1].col, "%s %s: expected the id of a VM launched above", action, fl[1].s);
	if (p->state[vm] == VM_GONE)
		return fail(p, fl[1].col, "%s %s: the VM was torn down at line %u: expected a running VM",
			    action, fl[1].s, p->f.vms[vm].line);
	*ret = (unsigned)vm;
	return 0;
}

static int parse_row(struct parser *p, const struct field *fl, unsigned nf)
{
	struct rmpsim_fleet_event e = { .line = p->line };

	if (nf < 3)
		return fail(p, fl[nf - 1].col, "expected time,vm,action[,size,backing,snp,node]");
	if (parse_time(fl[0].s, &e.time_ns) || e.time_ns > RMPSIM_FLEET_MAX_TIME_NS)
		return fail(p, fl[0].col,
			    "time '%s': expected seconds or a time such as 90s, 15min, 2h, at most 30 days",
			    fl[0].s);
	if (e.time_ns < p->last_time)
		return fail(p, fl[0].col, "time '%s' is before the row above: expected rows in time order",
			    fl[0].s);
	if (!id_ok(fl[1].s))
		return fail(p, fl[1].col,
			    "vm '%s': expected an id of letters, digits, '_', '.', ':' or '-' (at most %d)",
			    fl[1].s, RMPSIM_WL_NAME_MAX - 1);
	int r;
	if (!strcasecmp(fl[2].s, "launch")) {
		e.action = RMPSIM_FLEET_LAUNCH;
		r = parse_launch(p, fl, nf, &e);
	} else if (!strcasecmp(fl[2].s, "convert")) {
		e.action = RMPSIM_FLEET_CONVERT;
		r = running_vm(p, fl, "convert", &e.vm);
		if (!r && !p->f.vms[e.vm].snp)
			r = fail(p, fl[1].col,
				 "convert %s: a non-SNP VM has no private memory: expected an SNP VM",
				 fl[1].s);
		if (!r && (nf < 4 || !*fl[3].s))
			r = fail(p, fl[nf - 1].col,
				 "convert %s: expected the private size after it (e.g. 8G)", fl[1].s);
		if (!r && (rmpsim_parse_size(fl[3].s, &e.bytes) || e.bytes > p->f.vms[e.vm].bytes ||
			   e.bytes % (p->f.vms[e.vm].backing == RMPSIM_BACKING_1G ? GB : SZ_2M)))
			r = fail(p, fl[3].col,
				 "convert %s to '%s': expected a multiple of %s of at most the VM's size",
				 fl[1].s, fl[3].s, p->f.vms[e.vm].backing == RMPSIM_BACKING_1G ? "1G" : "2M");
	} else if (!strcasecmp(fl[2].s, "teardown")) {
		e.action = RMPSIM_FLEET_TEARDOWN;
		r = running_vm(p, fl, "teardown", &e.vm);
		if (!r)
			p->state[e.vm] = VM_GONE;
	} else {
		r = fail(p, fl[2].col, "action '%s': expected launch, convert or teardown", fl[2].s);
	}
	if (r)
		return r;
	if (p->f.nevents >= RMPSIM_FLEET_MAX_EVENTS)
		return fail(p, 1, "more than %u rows: expected a shorter log", RMPSIM_FLEET_MAX_EVENTS);
	if (grow(p, (void **)&p->f.events, &p->f.events_cap, p->f.nevents, sizeof(e)))
		return -ENOMEM;
	p->f.events[p->f.nevents++] = e;
	p->last_time = e.time_ns;
	return 0;
}

/* Split one line (already without its end) into fields, trimming blanks. */
static unsigned split(char *line, struct field *fl)
{
	unsigned nf = 0;
	char *s = line;
	for (;;) {
		char *end = strchr(s, ',');
		if (end)
			*end = '\0';
		char *b = s;
		while (*b == ' ' || *b == '\t')
			b++;
		char *t = b + strlen(b);
		while (t > b && (t[-1] == ' ' || t[-1] == '\t'))
			*--t = '\0';
		if (nf < MAX_FIELDS + 1)
			fl[nf++] = (struct field){ b, (unsigned)(b - line) + 1 };
		if (!end)
			return nf;
		s = end + 1;
	}
}

static void parser_fini(struct parser *p)
{
	rmpsim__free(p->f.alloc, p->slots, p->nslots * sizeof(*p->slots));
	rmpsim__free(p->f.alloc, p->state, p->f.nvms);
}

int rmpsim_fleet_parse_string(const char *text, size_t len, const char *file,
			      const struct rmpsim_allocator *alloc, struct rmpsim_fleet *ret,
			      struct rmpsim_diag *diag)
{
	struct parser p = { .diag = diag, .file = file ? file : "" };
	char *row = NULL;
	size_t row_cap = 0;
	int r = 0;

	if (!ret || (!text && len))
		return -EINVAL;

	p.f.alloc = rmpsim__alloc_or_default(alloc);
	snprintf(p.f.file, sizeof(p.f.file), "%s", p.file);
	for (size_t i = 0; i < len && !r;) {
		size_t e = i;
		while (e < len && text[e] != '\n' && text[e] != '\0')
			e++;
		p.line++;
		if (e < len && text[e] == '\0') {
			r = fail(&p, (unsigned)(e - i) + 1, "a NUL byte: expected a text file");
			break;
		}
		size_t n = e - i;
		if (n && text[i + n - 1] == '\r')
			n--;
		if (n + 1 > row_cap) {
			char *q = rmpsim__realloc(p.f.alloc, row, row_cap, n + 1);
			if (!q) {
				r = -ENOMEM;
				break;
			}
			row = q;
			row_cap = n + 1;
		}
		memcpy(row, text + i, n);
		row[n] = '\0';
		i = e + 1;
		size_t lead = strspn(row, " \t");
		if (!row[lead] || row[lead] == '#')
			continue;
		struct field fl[MAX_FIELDS + 1];
		unsigned nf = split(row, fl);
		if (!strcasecmp(fl[0].s, "time") && !p.f.nevents)
			continue; /* the header */
		if (nf > MAX_FIELDS) {
			r = fail(&p, fl[MAX_FIELDS].col,
				 "more than %d fields: expected time,vm,action,size,backing,snp,node",
				 MAX_FIELDS);
			break;
		}
		r = parse_row(&p, fl, nf);
	}
	rmpsim__free(p.f.alloc, row, row_cap);
	parser_fini(&p);
	if (r) {
		rmpsim_fleet_free(&p.f);
		return r;
	}
	*ret = p.f;
	return 0;
}

int rmpsim_fleet_parse_file(const char *path, const struct rmpsim_allocator *alloc, struct rmpsim_fleet *ret,
			    struct rmpsim_diag *diag)
{
	const struct rmpsim_allocator *a = rmpsim__alloc_or_default(alloc);
	struct stat st;
	if (!path || !ret)
		return -EINVAL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		int err = -errno;
		rmpsim_diag_fail(diag, err, "cannot open the lifecycle log: %s", rmpsim_strerror(err));
		rmpsim_diag_at(diag, path, 0, 0);
		return err;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_LOG_BYTES) {
		close(fd);
		rmpsim_diag_fail(diag, -EINVAL, "expected a regular file of at most %llu MiB",
				 (unsigned long long)(MAX_LOG_BYTES >> 20));
		rmpsim_diag_at(diag, path, 0, 0);
		return -EINVAL;
	}
	size_t n = (size_t)st.st_size, got = 0;
	char *buf = rmpsim__malloc(a, n + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);
		if (k <= 0) {
			if (k < 0 && errno == EINTR)
				continue;
			break;
		}
		got += (size_t)k;
	}
	close(fd);
	int r;
	if (got != n) {
		r = rmpsim_diag_fail(diag, -EIO, "read failed");
		rmpsim_diag_at(diag, path, 0, 0);
	} else {
		r = rmpsim_fleet_parse_string(buf, n, path, a, ret, diag);
	}
	rmpsim__free(a, buf, n + 1);
	return r;
}

void rmpsim_fleet_free(struct rmpsim_fleet *f)
{
	if (!f || !f->alloc)
		return;
	rmpsim__free(f->alloc, f->vms, f->vms_cap * sizeof(*f->vms));
	rmpsim__free(f->alloc, f->events, f->events_cap * sizeof(*f->events));
	f->vms = NULL;
	f->events = NULL;
	f->nvms = f->nevents = f->vms_cap = f->events_cap = 0;
}
