/* SPDX-License-Identifier: MIT */
/*
 * The timing profile: one table of parameters (section, key, unit, range,
 * default, source) drives parsing, printing and the defaults, so the three
 * cannot drift apart. Values are decimal fixed point, stored as integers.
 */
#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <string.h>

#include <rmpsim/machine.h>
#include <rmpsim/profile.h>

enum pkind { K_GHZ, K_CYC, K_NS, K_INT, K_BOOL };

struct param {
	const char *section, *key;
	enum pkind kind;
	size_t off;
	uint64_t def, min, max; /* stored units */
	const char *unit, *source;
};

#define P(sec, key, kind, field, def, min, max, unit, src)                                                   \
	{                                                                                                    \
		sec, key, kind, offsetof(struct rmpsim_profile, field), def, min, max, unit, src             \
	}

/* Sources: docs/timing.md has the derivations; A-numbers: docs/model.md. */
static const struct param params[] = {
	P("cpu", "freq_ghz", K_GHZ, freq_khz, 2250000, 100000, 10000000, "GHz",
	  "A60: never published (spec 1.12); the TSC (P0) clock of the prior 192-core EPYC 9965"),
	P("rmpopt", "fixed_cycles", K_CYC, rmpopt_fixed_mcyc, 53500, 0, 1000000000, "cycles",
	  "A61: spec 1.12 A/C minimum 60 cycles = exit at slot 0 = fixed + 1 slot"),
	P("rmpopt", "slot_cycles", K_CYC, rmpopt_slot_mcyc, 6500, 0, 1000000000, "cycles per 2 MB slot",
	  "A61: spec 1.12 C typical serial 1,980-5,080 (mean of 16 samples 3,373) = fixed + 512 slots"),
	P("rmpopt", "slot_service_cycles", K_CYC, rmpopt_slot_service_mcyc, 436, 0, 1000000000,
	  "cycles per slot at the shared RMP home",
	  "A62: spec 1.12 C 114,372 average with all 1,024 CPUs scanning at once (FCFS mean)"),
	P("rmpopt", "cached_cycles", K_CYC, rmpopt_cached_mcyc, 60000, 0, 1000000000, "cycles",
	  "A63: follower reads the cached scan result; like the 60-cycle minimum (spec 1.12)"),
	P("rmpopt", "report_cycles", K_CYC, rmpopt_report_mcyc, 40000, 0, 1000000000, "cycles",
	  "A64: function 1 / outside the window / fault: reads the core's table only"),
	P("rmpopt", "contention", K_BOOL, rmpopt_contention, 1, 0, 1, "bool",
	  "A62: switch for the shared RMP home queue"),
	P("rmp", "rmpupdate_cycles", K_CYC, rmpupdate_mcyc, 1500000, 0, 1000000000, "cycles",
	  "A65: no public figure; one uncached RMP entry read-modify-write + the RMPOPT clear broadcast"),
	P("rmp", "psmash_cycles", K_CYC, psmash_mcyc, 3000000, 0, 1000000000, "cycles",
	  "A65: no public figure; writes 512 entries (128 cache lines) of the RMP"),
	P("ipi", "send_base_ns", K_NS, ipi_send_base_ps, 200000, 0, 1000000000000ull, "ns",
	  "A66: smp_call_function_many entry, mask walk, fences; order of a few hundred cycles"),
	P("ipi", "send_per_target_ns", K_NS, ipi_send_per_target_ps, 100000, 0, 1000000000000ull, "ns",
	  "A66: per target a locked llist_add on the target's queue line (~80 ns cache-to-cache) + x2APIC "
	  "ICR write"),
	P("ipi", "delivery_ns", K_NS, ipi_delivery_ps, 700000, 0, 1000000000000ull, "ns",
	  "A66: ICR write to handler entry; public x86 IPI round trips are about 1-3 us"),
	P("ipi", "handler_overhead_ns", K_NS, ipi_handler_overhead_ps, 300000, 0, 1000000000000ull, "ns",
	  "A67: interrupt entry/exit + CSD list walk on the target"),
	P("ipi", "ack_ns", K_NS, ipi_ack_ps, 150000, 0, 1000000000000ull, "ns",
	  "A67: CSD unlock cache line moving to the sender (cross-socket line transfer)"),
	P("ipi", "ack_poll_per_target_ns", K_NS, ipi_ack_poll_per_target_ps, 20000, 0, 1000000000000ull, "ns",
	  "A67: csd_lock_wait reads each target's CSD; independent loads overlap (~5 in flight)"),
	P("kernel", "wq_wakeup_ns", K_NS, wq_wakeup_ps, 4000000, 0, 1000000000000ull, "ns",
	  "A69: queue_work to an idle unbound worker running (wake-up + idle exit)"),
	P("kernel", "cond_resched_ns", K_NS, cond_resched_ps, 20000, 0, 1000000000000ull, "ns",
	  "A69: cond_resched() with nothing to run: a flag test and a call"),
	P("kernel", "mutex_ns", K_NS, mutex_ps, 40000, 0, 1000000000000ull, "ns",
	  "A69: uncontended mutex_lock + mutex_unlock (two atomics)"),
	P("kernel", "context_switch_ns", K_NS, context_switch_ps, 1500000, 0, 1000000000000ull, "ns",
	  "A69: a process switch on a CPU (direct cost, lmbench lat_ctx order)"),
	P("kernel", "hz", K_INT, hz, 1000, 1, 100000, "jiffies per second",
	  "A69: CONFIG_HZ=1000 (common server distribution kernels); msleep granularity"),
};
#define NPARAMS (sizeof(params) / sizeof(params[0]))

static unsigned decimals(enum pkind k)
{
	switch (k) {
	case K_GHZ: return 6;
	case K_CYC: return 3;
	case K_NS: return 3;
	default: return 0;
	}
}

static uint64_t *field_u64(struct rmpsim_profile *p, const struct param *d)
{
	return (uint64_t *)(void *)((char *)p + d->off);
}

static uint64_t get(const struct rmpsim_profile *p, const struct param *d)
{
	const char *base = (const char *)p + d->off;
	if (d->kind == K_BOOL)
		return *(const bool *)(const void *)base;
	return *(const uint64_t *)(const void *)base;
}

static void put(struct rmpsim_profile *p, const struct param *d, uint64_t v)
{
	if (d->kind == K_BOOL)
		*(bool *)(void *)((char *)p + d->off) = v != 0;
	else
		*field_u64(p, d) = v;
}

static const struct rmpsim_profile *build_default(struct rmpsim_profile *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < NPARAMS; i++)
		put(p, &params[i], params[i].def);
	return p;
}

const struct rmpsim_profile *rmpsim_profile_default(void)
{
	/* The same values as the table above (a constant needs no init and no
	 * global state); test_sim_profile checks table, constant and
	 * profiles/default.ini agree. */
	static const struct rmpsim_profile def = {
		.freq_khz = 2250000,
		.rmpopt_fixed_mcyc = 53500,
		.rmpopt_slot_mcyc = 6500,
		.rmpopt_slot_service_mcyc = 436,
		.rmpopt_cached_mcyc = 60000,
		.rmpopt_report_mcyc = 40000,
		.rmpopt_contention = true,
		.rmpupdate_mcyc = 1500000,
		.psmash_mcyc = 3000000,
		.ipi_send_base_ps = 200000,
		.ipi_send_per_target_ps = 100000,
		.ipi_delivery_ps = 700000,
		.ipi_handler_overhead_ps = 300000,
		.ipi_ack_ps = 150000,
		.ipi_ack_poll_per_target_ps = 20000,
		.wq_wakeup_ps = 4000000,
		.cond_resched_ps = 20000,
		.mutex_ps = 40000,
		.context_switch_ps = 1500000,
		.hz = 1000,
	};
	return &def;
}

/* Exposed for the test that checks the constant above against the table. */
void rmpsim__profile_table_default(struct rmpsim_profile *ret);
void rmpsim__profile_table_default(struct rmpsim_profile *ret)
{
	build_default(ret);
}

static const struct param *find(const char *section, const char *key)
{
	for (size_t i = 0; i < NPARAMS; i++)
		if (!strcmp(params[i].section, section) && !strcmp(params[i].key, key))
			return &params[i];
	return NULL;
}

static bool section_known(const char *section)
{
	for (size_t i = 0; i < NPARAMS; i++)
		if (!strcmp(params[i].section, section))
			return true;
	return false;
}

/* Decimal fixed point: digits [. digits], at most `dec` decimals. */
static int parse_fixed(const char *v, unsigned dec, uint64_t *ret)
{
	uint64_t x = 0;
	unsigned frac = 0;
	bool dot = false, digit = false;

	for (; *v; v++) {
		if (*v == '.' && !dot && dec) {
			dot = true;
			continue;
		}
		if (*v < '0' || *v > '9')
			return -EINVAL;
		if (dot && ++frac > dec)
			return -ERANGE;
		if (x > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		x = x * 10 + (uint64_t)(*v - '0');
		digit = true;
	}
	if (!digit)
		return -EINVAL;
	for (; frac < dec; frac++) {
		if (x > UINT64_MAX / 10)
			return -ERANGE;
		x *= 10;
	}
	*ret = x;
	return 0;
}

static void format_fixed(char *buf, size_t len, uint64_t v, unsigned dec)
{
	uint64_t scale = 1;
	for (unsigned i = 0; i < dec; i++)
		scale *= 10;
	uint64_t ip = v / scale, fp = v % scale;
	if (!fp) {
		snprintf(buf, len, "%llu", (unsigned long long)ip);
		return;
	}
	unsigned digits = dec;
	while (fp % 10 == 0) {
		fp /= 10;
		digits--;
	}
	snprintf(buf, len, "%llu.%0*llu", (unsigned long long)ip, (int)digits, (unsigned long long)fp);
}

int rmpsim_profile_set(struct rmpsim_profile *p, const char *section, const char *key, const char *value,
		       struct rmpsim_diag *diag)
{
	const struct param *d = find(section, key);
	uint64_t v;

	if (!d) {
		if (!section_known(section))
			return rmpsim_diag_fail(diag, -EINVAL, "unknown section [%s]", section);
		return rmpsim_diag_fail(diag, -EINVAL, "unknown key %s.%s", section, key);
	}
	if (d->kind == K_BOOL) {
		if (!strcmp(value, "true") || !strcmp(value, "1") || !strcmp(value, "yes"))
			v = 1;
		else if (!strcmp(value, "false") || !strcmp(value, "0") || !strcmp(value, "no"))
			v = 0;
		else
			return rmpsim_diag_fail(diag, -EINVAL, "%s.%s: '%s' is not a boolean (true/false)",
						section, key, value);
	} else {
		int r = parse_fixed(value, decimals(d->kind), &v);
		if (r < 0)
			return rmpsim_diag_fail(diag, -EINVAL,
						"%s.%s: '%s' is not a number in %s with at most %u decimals",
						section, key, value, d->unit, decimals(d->kind));
	}
	if (v < d->min || v > d->max) {
		char lo[32], hi[32];
		format_fixed(lo, sizeof(lo), d->min, decimals(d->kind));
		format_fixed(hi, sizeof(hi), d->max, decimals(d->kind));
		return rmpsim_diag_fail(diag, -EINVAL, "%s.%s: %s is out of range [%s, %s] %s", section, key,
					value, lo, hi, d->unit);
	}
	put(p, d, v);
	return 0;
}

/* ---- INI reading with line numbers ---- */

struct reader {
	FILE *f;
	const char *text;
	unsigned line;
};

static char *read_line(char *str, int num, void *stream)
{
	struct reader *r = stream;
	if (num <= 1)
		return NULL;
	if (r->f) {
		if (!fgets(str, num, r->f))
			return NULL;
	} else {
		if (!*r->text)
			return NULL;
		int n = 0;
		while (n < num - 1 && r->text[0]) {
			char ch = *r->text++;
			str[n++] = ch;
			if (ch == '\n')
				break;
		}
		str[n] = 0;
	}
	r->line++;
	return str;
}

struct parse_ctx {
	struct rmpsim_profile prof;
	struct reader *rd;
	struct rmpsim_diag *diag;
	unsigned err_line;
	int err;
};

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *c = user;
	if (c->err)
		return 1; /* keep the first error only */
	int r = rmpsim_profile_set(&c->prof, section, name, value, c->diag);
	if (r < 0) {
		c->err = r;
		c->err_line = c->rd->line;
		return 0;
	}
	return 1;
}

static int parse(struct reader *rd, const char *name, struct rmpsim_profile *ret, struct rmpsim_diag *diag)
{
	struct parse_ctx c = { .rd = rd, .diag = diag };
	c.prof = *rmpsim_profile_default();
	int line = ini_parse_stream(read_line, rd, on_entry, &c);
	if (line == 0 && !c.err) {
		*ret = c.prof;
		return 0;
	}
	if (line < 0)
		return rmpsim_diag_fail(diag, -ENOMEM, "%s: out of memory", name);
	if (!c.err || (unsigned)line < c.err_line) {
		/* inih's own syntax error came first. */
		rmpsim_diag_fail(diag, -EINVAL, "syntax error: expected [section] or key = value");
		rmpsim_diag_at(diag, name, (unsigned)line, 0);
		return -EINVAL;
	}
	rmpsim_diag_at(diag, name, c.err_line, 0);
	return c.err;
}

int rmpsim_profile_load(const char *path, struct rmpsim_profile *ret, struct rmpsim_diag *diag)
{
	if (!path || !ret)
		return -EINVAL;
	FILE *f = fopen(path, "r");
	if (!f) {
		rmpsim_diag_fail(diag, -ENOENT, "cannot open the profile");
		rmpsim_diag_at(diag, path, 0, 0);
		return -ENOENT;
	}
	struct reader rd = { .f = f };
	int r = parse(&rd, path, ret, diag);
	fclose(f);
	return r;
}

int rmpsim_profile_parse(const char *text, const char *name, struct rmpsim_profile *ret,
			 struct rmpsim_diag *diag)
{
	if (!text || !ret)
		return -EINVAL;
	struct reader rd = { .text = text };
	return parse(&rd, name ? name : "<string>", ret, diag);
}

void rmpsim_profile_print(const struct rmpsim_profile *p, FILE *out)
{
	const char *section = "";
	fprintf(out, "; rmpsim timing profile (docs/timing.md)\n");
	for (size_t i = 0; i < NPARAMS; i++) {
		const struct param *d = &params[i];
		if (strcmp(section, d->section)) {
			section = d->section;
			fprintf(out, "\n[%s]\n", section);
		}
		char val[40];
		uint64_t v = get(p, d);
		if (d->kind == K_BOOL)
			snprintf(val, sizeof(val), "%s", v ? "true" : "false");
		else
			format_fixed(val, sizeof(val), v, decimals(d->kind));
		fprintf(out, "; unit: %s. source: %s\n%s = %s\n", d->unit, d->source, d->key, val);
	}
}

/* ---- Costs ---- */

uint64_t rmpsim_profile_cycles_to_ps(const struct rmpsim_profile *p, uint64_t mcyc)
{
	/* ps = mcyc * 1e6 / kHz, split so that it cannot overflow, rounded to nearest. */
	uint64_t f = p->freq_khz ? p->freq_khz : 1;
	uint64_t q = mcyc / f, r = mcyc % f;
	return q * 1000000ull + (r * 1000000ull + f / 2) / f;
}

uint64_t rmpsim_profile_rmpopt_scan_mcyc(const struct rmpsim_profile *p, unsigned slots, unsigned n)
{
	uint64_t alone = (uint64_t)slots * p->rmpopt_slot_mcyc;
	uint64_t shared =
		p->rmpopt_contention ? (uint64_t)(n ? n : 1) * slots * p->rmpopt_slot_service_mcyc : 0;
	return p->rmpopt_fixed_mcyc + (alone > shared ? alone : shared);
}

uint64_t rmpsim_profile_rmpopt_mcyc(const struct rmpsim_profile *p, const struct rmpsim_rmpopt_result *r,
				    unsigned n)
{
	if (r->fault != RMPSIM_FAULT_NONE)
		return p->rmpopt_report_mcyc; /* A64 */
	switch (r->kind) {
	case RMPSIM_RMPOPT_SCANNED:
	case RMPSIM_RMPOPT_EARLY_EXIT: return rmpsim_profile_rmpopt_scan_mcyc(p, r->slots_scanned, n);
	case RMPSIM_RMPOPT_CACHE_HIT: return p->rmpopt_cached_mcyc;
	default: return p->rmpopt_report_mcyc;
	}
}

uint64_t rmpsim_profile_cost_rmpopt(const struct rmpsim_profile *p, const struct rmpsim_rmpopt_result *r,
				    unsigned concurrent_scanners)
{
	return rmpsim_profile_cycles_to_ps(p, rmpsim_profile_rmpopt_mcyc(p, r, concurrent_scanners));
}

uint64_t rmpsim_profile_ipi_send_ps(const struct rmpsim_profile *p, unsigned m)
{
	return p->ipi_send_base_ps + (uint64_t)m * p->ipi_send_per_target_ps;
}
