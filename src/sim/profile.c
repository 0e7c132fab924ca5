/* SPDX-License-Identifier: MIT */
/*
 * The timing profile: one table of parameters (section, key, unit, default,
 * low-high range, source) drives parsing, printing, the defaults and the
 * uncertainty draws, so they cannot drift apart. Values are decimal fixed
 * point, stored as integers. docs/timing.md derives every default.
 */
#include <errno.h>
#include <ini.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rmpsim/profile.h>

#include "base/check.h"

struct param {
	const char *section, *key;
	enum rmpsim_param_kind kind;
	size_t off;
	uint64_t def, lo, hi; /* default and plausible range, stored units */
	const char *unit, *source;
	const char *const *names; /* RMPSIM_PARAM_ENUM */
};

#define F(field) offsetof(struct rmpsim_profile, field)
#define NS(x)	 ((uint64_t)(x)*1000u) /* ns -> ps */
#define CYC(x)	 ((uint64_t)(x)*1000u) /* cycles -> milli-cycles */
#define GBPS(x)	 ((uint64_t)(x)*1000u) /* GB/s -> 10^6 B/s */
#define MIB(x)	 ((uint64_t)(x) << 20)

static const char *const scan_names[] = { "2m", "4k", NULL };
static const char *const scope_names[] = { "none", "l3", "socket", "global", NULL };
static const char *const inflight_names[] = { "scan", "wait", NULL };
static const char *const apic_names[] = { "cluster", "physical", NULL };

/*
 * Sources: docs/timing.md section 7 has the derivations and full references;
 * A-numbers: docs/model.md. Ranges are what the cited platforms span, not
 * fitted to any whole-loop timing (those are held back, design.md "Fidelity").
 */
static const struct param params[] = {
	{ "cpu", "freq_ghz", RMPSIM_PARAM_GHZ, F(freq_khz), 2000000, 1900000, 2100000, "GHz",
	  "A60: spec 1.12 C, PERF-2's own dmesg timestamps: 63,815,935,380 cycles in 31.9 s = 2.00 GHz",
	  NULL },

	{ "memory", "l3_line_ns", RMPSIM_PARAM_NS, F(l3_line_ps), NS(20), NS(12), NS(35), "ns per line",
	  "A121: a line a core of the same CCD read (Zen 4 SOG: L3 hit 50 cycles average, and lines in "
	  "another "
	  "core's L2 come through the L3 shadow tags; intra-CCD core-to-core 15-22 ns, nviennot and 2x EPYC "
	  "9274F charts), at Zen 6c's lower clocks ~20 ns",
	  NULL },
	{ "memory", "dram_local_ns", RMPSIM_PARAM_NS, F(dram_local_ps), NS(107), NS(80), NS(140),
	  "ns per line",
	  "A121: Intel MLC idle random-access latency on 2x EPYC 9224 (Zen 4) NPS2: 107 ns own node, 116 ns "
	  "other node of the socket (public MLC notes); spec 1.12 physics 80-140 ns",
	  NULL },
	{ "memory", "dram_remote_ns", RMPSIM_PARAM_NS, F(dram_remote_ps), NS(200), NS(150), NS(260),
	  "ns per line", "A121: same MLC run, other socket over xGMI: 200 ns (spec 1.12 physics: ~200 ns)",
	  NULL },
	{ "memory", "misses_in_flight", RMPSIM_PARAM_INT, F(misses_in_flight), 5, 2, 24, "lines",
	  "A123: spec 1.12 C first running maximum 22,100 cycles (11.05 us) = 512 local lines at 107 ns -> 5 "
	  "in flight; Zen 4 L1D has 24 outstanding misses (upper bound)",
	  NULL },
	{ "memory", "node_bw_gbps", RMPSIM_PARAM_GBPS, F(node_bw_mbps), GBPS(300), GBPS(150), GBPS(410),
	  "GB/s",
	  "A62: one NPS2 node = 8 DDR5-6400 channels (409.6 GB/s peak), ~75% achievable; spec 1.12 C "
	  "parallel "
	  "mean 114,372 cycles is the check",
	  NULL },
	{ "memory", "l3_bytes", RMPSIM_PARAM_BYTES, F(l3_bytes), MIB(128), MIB(32), MIB(256), "bytes",
	  "A124: L3 per CCD: 32 MiB (Zen 5, 8 cores), 128 MiB reported for a 32-core Zen 6c CCD", NULL },

	{ "rmpopt", "fixed_cycles", RMPSIM_PARAM_CYCLES, F(rmpopt_fixed_mcyc), CYC(20), CYC(5), CYC(60),
	  "cycles",
	  "A61: spec 1.12 minimum 60 cycles = fixed + one line from the L3 group (20 ns = 40 cycles)", NULL },
	{ "rmpopt", "cached_cycles", RMPSIM_PARAM_CYCLES, F(rmpopt_cached_mcyc), CYC(60), CYC(30), CYC(200),
	  "cycles", "A63: a cached scan result is one record, like the 60-cycle minimum (spec 1.12)", NULL },
	{ "rmpopt", "report_cycles", RMPSIM_PARAM_CYCLES, F(rmpopt_report_mcyc), CYC(40), CYC(20), CYC(100),
	  "cycles", "A64: function 1 / outside the window / fault: reads the core's table only", NULL },
	{ "rmpopt", "contention", RMPSIM_PARAM_BOOL, F(rmpopt_contention), 1, 0, 1, "switch",
	  "A62: DRAM lines queue at the RMP home node's bandwidth (FCFS per scan)", NULL },
	{ "rmpopt", "scan", RMPSIM_PARAM_ENUM, F(rmpopt_scan), RMPSIM_SCAN_2M, 0, 1, "switch 2m|4k",
	  "A120: spec 1.2 'checks that all 512 2MB entries ... are not assigned' (PERF-1)", scan_names },
	{ "rmpopt", "cache_scope", RMPSIM_PARAM_ENUM, F(rmpopt_cache_scope), RMPSIM_SCOPE_NONE, 0, 3,
	  "switch none|l3|socket|global",
	  "A45: spec 1.12 C serial log (typical 1,980-5,080, maxima on the first CPU of each 32-CPU group) "
	  "fits no result cache, only warm lines",
	  scope_names },
	{ "rmpopt", "inflight", RMPSIM_PARAM_ENUM, F(rmpopt_inflight), RMPSIM_INFLIGHT_SCAN, 0, 1,
	  "switch scan|wait", "A122: no source; a verify finding a scan in flight scans itself",
	  inflight_names },

	{ "rmp", "rmpupdate_cycles", RMPSIM_PARAM_CYCLES, F(rmpupdate_mcyc), CYC(1500), CYC(500), CYC(5000),
	  "cycles", "A65: no public figure; one uncached RMP read-modify-write + the RMPOPT clear broadcast",
	  NULL },
	{ "rmp", "psmash_cycles", RMPSIM_PARAM_CYCLES, F(psmash_mcyc), CYC(3000), CYC(1000), CYC(10000),
	  "cycles", "A65: no public figure; writes 512 entries (128 cache lines) of the RMP", NULL },

	{ "ipi", "apic_mode", RMPSIM_PARAM_ENUM, F(apic_mode), RMPSIM_APIC_CLUSTER, 0, 1,
	  "switch cluster|physical",
	  "A130: Linux x2apic_cluster unless the FADT sets APIC_PHYSICAL or x2apic_phys is given "
	  "(arch/x86/kernel/apic/x2apic_phys.c)",
	  apic_names },
	{ "ipi", "shorthand", RMPSIM_PARAM_BOOL, F(ipi_shorthand), 1, 0, 1, "switch",
	  "A131: native_send_call_func_ipi() uses all-but-self when the mask is every other online CPU "
	  "(arch/x86/kernel/smp.c, apic_use_ipi_shorthand)",
	  NULL },
	{ "ipi", "send_base_ns", RMPSIM_PARAM_NS, F(ipi_send_base_ps), NS(200), NS(100), NS(500), "ns",
	  "A66: smp_call_function_many_cond entry, cpumask_and/copy of the mask, fences", NULL },
	{ "ipi", "c2c_same_l3_ns", RMPSIM_PARAM_NS, F(c2c_same_l3_ps), NS(22), NS(15), NS(40), "ns per line",
	  "A132: core-to-core latency inside a CCD, 2x EPYC 9274F (Zen 4): 22 ns (public core-to-core "
	  "charts)",
	  NULL },
	{ "ipi", "c2c_other_l3_ns", RMPSIM_PARAM_NS, F(c2c_other_l3_ps), NS(100), NS(70), NS(160),
	  "ns per line", "A132: same charts, between CCDs of one socket: ~100 ns", NULL },
	{ "ipi", "c2c_other_socket_ns", RMPSIM_PARAM_NS, F(c2c_other_socket_ps), NS(195), NS(150), NS(300),
	  "ns per line", "A132: same charts, between the two sockets: ~195 ns", NULL },
	{ "ipi", "queue_lines", RMPSIM_PARAM_INT, F(ipi_queue_lines), 2, 1, 3, "lines per target",
	  "A133: csd_lock() on the CSD the target unlocked last + llist_add() on the target's "
	  "call_single_queue head (kernel/smp.c)",
	  NULL },
	{ "ipi", "icr_write_ns", RMPSIM_PARAM_NS, F(ipi_icr_write_ps), NS(100), NS(30), NS(400), "ns",
	  "A134: WRMSR to the x2APIC ICR (0x830), a few hundred cycles", NULL },
	{ "ipi", "delivery_ns", RMPSIM_PARAM_NS, F(ipi_delivery_ps), NS(500), NS(200), NS(1500), "ns",
	  "A135: ICR write to the interrupt taken on a running target, same socket (x86 IPI round trips "
	  "1-3 us)",
	  NULL },
	{ "ipi", "delivery_remote_ns", RMPSIM_PARAM_NS, F(ipi_delivery_remote_ps), NS(300), NS(0), NS(800),
	  "ns", "A135: extra delivery time to the other socket (one more fabric hop)", NULL },
	{ "ipi", "idle_exit_ns", RMPSIM_PARAM_NS, F(idle_exit_ps), NS(100), NS(50), NS(1000), "ns",
	  "A136: C1 (MWAIT) exit: a cross-CPU wake-up took 1,155 ns from C1 and 1,071 ns from polling on an "
	  "AMD acpi_idle box (LKML 2021-10-24): ~85 ns more; acpi_idle declares 1 us (upper bound)",
	  NULL },
	{ "ipi", "deep_idle_exit_ns", RMPSIM_PARAM_NS, F(deep_idle_exit_ps), NS(26900), NS(2500), NS(30000),
	  "ns",
	  "A136: C2 (CC6) exit, calibrated on spec 1.12 C: a serial smp_call_on_cpu() took 30.0 us (PERF-2 "
	  "timestamps), 3.1 us of it modelled otherwise when this was set (wake-up 1 us, RMPOPT 2.0 us, C1 "
	  "exit "
	  "0.1 us); the model's own serial call now takes 30.28 us (+0.9 %: its RMPOPT mean is 2.27 us); "
	  "inside EPYC _CST's declared 30 us, far above the 2.5 us C2 exit measured on another AMD box "
	  "(3.54 us wake-up from C2 vs 1.07 us from polling, LKML 2021-10-24)",
	  NULL },
	{ "ipi", "deep_idle_after_ns", RMPSIM_PARAM_NS, F(deep_idle_after_ps), NS(100000), NS(60000),
	  NS(800000), "ns",
	  "A136: idle this long, the cpuidle governor has chosen C2 (target residency 2 x latency: 60 us for "
	  "a "
	  "30 us C2, 800 us for a 400 us one)",
	  NULL },
	{ "ipi", "handler_overhead_ns", RMPSIM_PARAM_NS, F(ipi_handler_overhead_ps), NS(300), NS(150),
	  NS(800), "ns",
	  "A67: interrupt entry/exit + flush_smp_call_function_queue + csd unlock on the target", NULL },
	{ "ipi", "csd_polls_in_flight", RMPSIM_PARAM_INT, F(csd_polls_in_flight), 4, 1, 16, "loads",
	  "A137: csd_lock_wait() loads of successive targets' CSDs overlapped by the out-of-order core",
	  NULL },

	{ "kernel", "wq_wakeup_ns", RMPSIM_PARAM_NS, F(wq_wakeup_ps), NS(1000), NS(500), NS(3000), "ns",
	  "A69: queue_work/wake_up_process until the woken task runs on a polling CPU: 1.07 us cross-CPU "
	  "futex "
	  "wake-up (LKML 2021-10-24); the C-state exit is added by the scheduler (A136)",
	  NULL },
	{ "kernel", "cond_resched_ns", RMPSIM_PARAM_NS, F(cond_resched_ps), NS(20), NS(10), NS(100), "ns",
	  "A69: cond_resched() with nothing to run: a flag test and a call", NULL },
	{ "kernel", "mutex_ns", RMPSIM_PARAM_NS, F(mutex_ps), NS(40), NS(20), NS(100), "ns",
	  "A69: uncontended mutex_lock + mutex_unlock (two atomics)", NULL },
	{ "kernel", "context_switch_ns", RMPSIM_PARAM_NS, F(context_switch_ps), NS(1500), NS(500), NS(4000),
	  "ns", "A69: a process switch on a CPU (direct cost, lmbench lat_ctx order)", NULL },
	{ "kernel", "hz", RMPSIM_PARAM_INT, F(hz), 1000, 1000, 1000, "jiffies per second",
	  "A69: CONFIG_HZ=1000 (common server distribution kernels); msleep granularity. A build choice "
	  "(100, 250, 300 or 1000), not an uncertainty: a point range, set it explicitly to compare",
	  NULL },

	{ "vcpu", "vm_exit_ns", RMPSIM_PARAM_NS, F(vm_exit_ps), NS(500), NS(200), NS(1200), "ns",
	  "A441: #VMEXIT(INTR) (a host IPI to a CPU in guest mode exits; AVIC only posts interrupts meant "
	  "for the guest) + KVM's svm_vcpu_run exit path up to local_irq_enable: about half of the "
	  "1,350-cycle VMRUN-to-#VMEXIT world switch timed around __svm_vcpu_run on EPYC (LKML 2020-12, "
	  "SVM vmsave/vmload series: pre-vmrun to post-vmrun 1,344-1,376 cycles) + ~600 cycles of exit "
	  "path (same trace, post-run to ioctl exit 576-656 cycles): ~1,275 TSC cycles, 425-640 ns at 2-3 "
	  "GHz",
	  NULL },
	{ "vcpu", "vm_entry_ns", RMPSIM_PARAM_NS, F(vm_entry_ps), NS(500), NS(150), NS(1200), "ns",
	  "A441: vcpu_enter_guest's re-entry path (same trace: ioctl entry to pre-vmrun 560-576 cycles) "
	  "+ the VMRUN half of the world switch (~675 cycles): ~1,245 TSC cycles, 415-620 ns at 2-3 GHz",
	  NULL },
};
#define NPARAMS (sizeof(params) / sizeof(params[0]))
_Static_assert(NPARAMS == RMPSIM_PROFILE_NPARAMS, "RMPSIM_PROFILE_NPARAMS matches the table");

/* Hard bounds on any value (what the arithmetic accepts), beyond the plausible range. */
static uint64_t hard_max(const struct param *d)
{
	switch (d->kind) {
	case RMPSIM_PARAM_GHZ: return 10000000; /* 10 GHz */
	case RMPSIM_PARAM_BOOL: return 1;
	case RMPSIM_PARAM_ENUM: {
		uint64_t n = 0;
		while (d->names[n])
			n++;
		return n - 1;
	}
	case RMPSIM_PARAM_INT: return 1000000;
	default: return 1000000000000000ull; /* 1000 s in ps; 1 PB; 10^15 milli-cycles */
	}
}

static uint64_t hard_min(const struct param *d)
{
	switch (d->kind) {
	case RMPSIM_PARAM_GHZ: return 100000; /* 0.1 GHz */
	case RMPSIM_PARAM_GBPS: return 1;     /* a bandwidth of 0 would divide by zero */
	case RMPSIM_PARAM_INT: return !strcmp(d->key, "hz") || strstr(d->key, "flight") ? 1 : 0;
	default: return 0;
	}
}

static unsigned decimals(enum rmpsim_param_kind k)
{
	switch (k) {
	case RMPSIM_PARAM_GHZ: return 6;
	case RMPSIM_PARAM_CYCLES:
	case RMPSIM_PARAM_NS:
	case RMPSIM_PARAM_GBPS: return 3;
	default: return 0;
	}
}

static bool is_switch(const struct param *d)
{
	return d->kind == RMPSIM_PARAM_BOOL || d->kind == RMPSIM_PARAM_ENUM;
}

uint64_t rmpsim_profile_get_value(const struct rmpsim_profile *p, unsigned i)
{
	if (!p || i >= NPARAMS)
		return 0;
	const struct param *d = &params[i];
	const char *base = (const char *)p + d->off;
	if (d->kind == RMPSIM_PARAM_BOOL)
		return *(const bool *)(const void *)base;
	if (d->kind == RMPSIM_PARAM_ENUM)
		return *(const unsigned *)(const void *)base;
	return *(const uint64_t *)(const void *)base;
}

void rmpsim_profile_set_value(struct rmpsim_profile *p, unsigned i, uint64_t v)
{
	if (!p || i >= NPARAMS)
		return;
	const struct param *d = &params[i];
	char *base = (char *)p + d->off;
	if (d->kind == RMPSIM_PARAM_BOOL)
		*(bool *)(void *)base = v != 0;
	else if (d->kind == RMPSIM_PARAM_ENUM)
		*(unsigned *)(void *)base = (unsigned)v;
	else
		*(uint64_t *)(void *)base = v;
}

static void build_default(struct rmpsim_profile *p)
{
	memset(p, 0, sizeof(*p));
	for (unsigned i = 0; i < NPARAMS; i++) {
		rmpsim_profile_set_value(p, i, params[i].def);
		p->lo[i] = params[i].lo;
		p->hi[i] = params[i].hi;
	}
}

/* Built once from the table, the one place defaults are written (thread-safe
 * through pthread_once). */
static struct rmpsim_profile default_profile;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static void init_default(void)
{
	build_default(&default_profile);
}

const struct rmpsim_profile *rmpsim_profile_default(void)
{
	pthread_once(&default_once, init_default);
	return &default_profile;
}

int rmpsim_profile_param(unsigned i, struct rmpsim_param_info *ret)
{
	if (i >= NPARAMS || !ret)
		return -EINVAL;
	const struct param *d = &params[i];
	*ret = (struct rmpsim_param_info){ .section = d->section,
					   .key = d->key,
					   .unit = d->unit,
					   .source = d->source,
					   .kind = d->kind,
					   .names = d->names,
					   .def = d->def,
					   .lo = d->lo,
					   .hi = d->hi };
	return 0;
}

int rmpsim_profile_param_index(const char *section, const char *key)
{
	if (!section || !key)
		return -ENOENT;
	for (unsigned i = 0; i < NPARAMS; i++)
		if (!strcmp(params[i].section, section) && !strcmp(params[i].key, key))
			return (int)i;
	return -ENOENT;
}

bool rmpsim_profile_param_uncertain(const struct rmpsim_profile *p, unsigned i)
{
	return p && i < NPARAMS && !is_switch(&params[i]) && p->lo[i] < p->hi[i];
}

static bool section_known(const char *section)
{
	for (size_t i = 0; i < NPARAMS; i++)
		if (!strcmp(params[i].section, section))
			return true;
	return false;
}

/* Decimal fixed point: digits [. digits], at most `dec` decimals. *end: first byte not used. */
static int parse_fixed(const char *v, unsigned dec, uint64_t *ret, const char **end)
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
			break;
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
	*end = v;
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

void rmpsim_profile_format_value(unsigned i, uint64_t v, char *buf, size_t len)
{
	if (!buf || !len)
		return;
	if (i >= NPARAMS) {
		snprintf(buf, len, "?");
		return;
	}
	const struct param *d = &params[i];
	if (d->kind == RMPSIM_PARAM_BOOL)
		snprintf(buf, len, "%s", v ? "true" : "false");
	else if (d->kind == RMPSIM_PARAM_ENUM)
		snprintf(buf, len, "%s", v <= hard_max(d) ? d->names[v] : "?");
	else
		format_fixed(buf, len, v, decimals(d->kind));
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* One number of parameter d at *s; advances *s. */
static int parse_number(const struct param *d, const char **s, uint64_t *ret, struct rmpsim_diag *diag)
{
	const char *end;
	int r = parse_fixed(*s, decimals(d->kind), ret, &end);
	if (r < 0)
		return rmpsim_diag_fail(diag, -EINVAL,
					"%s.%s: '%s' is not a number in %s with at most %u decimals",
					d->section, d->key, *s, d->unit, decimals(d->kind));
	char lo[40], hi[40];
	if (*ret < hard_min(d) || *ret > hard_max(d)) {
		format_fixed(lo, sizeof(lo), hard_min(d), decimals(d->kind));
		format_fixed(hi, sizeof(hi), hard_max(d), decimals(d->kind));
		return rmpsim_diag_fail(diag, -EINVAL, "%s.%s: %.*s is out of bounds [%s, %s] %s", d->section,
					d->key, (int)(end - *s), *s, lo, hi, d->unit);
	}
	*s = end;
	return 0;
}

static int parse_switch(const struct param *d, const char *value, uint64_t *ret, struct rmpsim_diag *diag)
{
	if (d->kind == RMPSIM_PARAM_BOOL) {
		if (!strcmp(value, "true") || !strcmp(value, "1") || !strcmp(value, "yes"))
			*ret = 1;
		else if (!strcmp(value, "false") || !strcmp(value, "0") || !strcmp(value, "no"))
			*ret = 0;
		else
			return rmpsim_diag_fail(diag, -EINVAL, "%s.%s: '%s' is not a boolean (true/false)",
						d->section, d->key, value);
		return 0;
	}
	for (uint64_t n = 0; d->names[n]; n++) {
		if (!strcmp(value, d->names[n])) {
			*ret = n;
			return 0;
		}
	}
	return rmpsim_diag_fail(diag, -EINVAL, "%s.%s: unknown value '%s' (expected %s)", d->section, d->key,
				value, d->unit + strlen("switch "));
}

int rmpsim_profile_set(struct rmpsim_profile *p, const char *section, const char *key, const char *value,
		       struct rmpsim_diag *diag)
{
	if (!p || !section || !key || !value)
		return -EINVAL;
	int idx = rmpsim_profile_param_index(section, key);
	if (idx < 0) {
		if (!section_known(section))
			return rmpsim_diag_fail(diag, -EINVAL, "unknown section [%s]", section);
		return rmpsim_diag_fail(diag, -EINVAL, "unknown key %s.%s", section, key);
	}
	const struct param *d = &params[idx];
	uint64_t v = 0, lo = p->lo[idx], hi = p->hi[idx];

	if (is_switch(d)) {
		int r = parse_switch(d, value, &v, diag);
		if (r < 0)
			return r;
		rmpsim_profile_set_value(p, (unsigned)idx, v);
		return 0;
	}
	const char *s = skip_space(value);
	int r = parse_number(d, &s, &v, diag);
	if (r < 0)
		return r;
	s = skip_space(s);
	if (*s == '[') { /* "value [low, high]" */
		s = skip_space(s + 1);
		if ((r = parse_number(d, &s, &lo, diag)) < 0)
			return r;
		s = skip_space(s);
		if (*s != ',')
			return rmpsim_diag_fail(diag, -EINVAL, "%s.%s: expected ',' in the range [low, high]",
						section, key);
		s = skip_space(s + 1);
		if ((r = parse_number(d, &s, &hi, diag)) < 0)
			return r;
		s = skip_space(s);
		if (*s != ']')
			return rmpsim_diag_fail(diag, -EINVAL, "%s.%s: expected ']' after the range", section,
						key);
		s = skip_space(s + 1);
		if (lo > hi)
			return rmpsim_diag_fail(diag, -EINVAL, "%s.%s: range low > high", section, key);
	} else if (lo == hi) { /* a point range (a fixed choice, e.g. HZ) follows the value */
		lo = hi = v;
	}
	if (*s)
		return rmpsim_diag_fail(diag, -EINVAL,
					"%s.%s: unexpected '%s' after the value (expected [low, high])",
					section, key, s);
	if (v < lo || v > hi) {
		char a[40], b[40];
		format_fixed(a, sizeof(a), lo, decimals(d->kind));
		format_fixed(b, sizeof(b), hi, decimals(d->kind));
		return rmpsim_diag_fail(
			diag, -EINVAL,
			"%s.%s: %s is outside its range [%s, %s] %s (give a range: value [low, high])",
			section, key, value, a, b, d->unit);
	}
	rmpsim_profile_set_value(p, (unsigned)idx, v);
	p->lo[idx] = lo;
	p->hi[idx] = hi;
	return 0;
}

/* ---- INI reading with line numbers, no silent truncation ---- */

/* inih's INI_MAX_LINE is 200 with the newline and the terminator: a longer
 * line is split and its tail read as a line of its own. */
#define LINE_MAX_PROFILE 199

struct reader {
	FILE *f;
	const char *text;
	size_t text_len, text_pos;
	unsigned line;
	char raw[LINE_MAX_PROFILE + 2];
	const char *bad; /* set when a line cannot be taken as inih would read it */
	char badmsg[128];
};

/*
 * What inih accepts silently in a header: text after ']' (ignored), a name
 * cut at 49 characters, a section without key lines (never reported). Every
 * header here must be "[name]" (then blanks or a comment) naming a section of
 * the table.
 */
static const char *check_header(struct reader *r, const char *l)
{
	while (*l == ' ' || *l == '\t')
		l++;
	if (*l != '[')
		return NULL;
	const char *end = strchr(l, ']');
	if (!end)
		return NULL; /* inih's own syntax error */
	const char *t = end + 1;
	while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')
		t++;
	if (*t && *t != ';' && *t != '#')
		return "text after ']' in a section header";
	snprintf(r->badmsg, sizeof(r->badmsg), "unknown section [%.*s]", (int)(end - l - 1), l + 1);
	for (size_t i = 0; i < NPARAMS; i++)
		if (strlen(params[i].section) == (size_t)(end - l - 1) &&
		    !strncmp(params[i].section, l + 1, (size_t)(end - l - 1)))
			return NULL;
	return r->badmsg;
}

static char *read_line(char *str, int num, void *stream)
{
	struct reader *r = stream;
	size_t n = 0;
	int ch;

	if (r->bad || num <= 1)
		return NULL;
	for (;;) {
		if (r->f) {
			ch = fgetc(r->f);
			if (ch == EOF)
				break;
		} else {
			if (r->text_pos >= r->text_len)
				break;
			ch = (unsigned char)r->text[r->text_pos++];
		}
		if (ch == 0) {
			r->line++;
			r->bad = "a NUL byte";
			return NULL;
		}
		if (n + 1 >= (size_t)num || n >= LINE_MAX_PROFILE) {
			r->line++;
			r->bad = "a line longer than 198 characters";
			return NULL;
		}
		str[n++] = (char)ch;
		if (ch == '\n')
			break;
	}
	if (n == 0)
		return NULL;
	str[n] = 0;
	memcpy(r->raw, str, n + 1);
	r->line++;
	if ((r->bad = check_header(r, str)) != NULL)
		return NULL;
	return str;
}

struct parse_ctx {
	struct rmpsim_profile prof;
	struct reader *rd;
	struct rmpsim_diag *diag;
	unsigned err_line, err_col;
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
		const char *at = *value ? strstr(c->rd->raw, value) : NULL;
		c->err_col = at ? (unsigned)(at - c->rd->raw) + 1 : 1;
		return 0;
	}
	return 1;
}

static int parse(struct reader *rd, const char *name, struct rmpsim_profile *ret, struct rmpsim_diag *diag)
{
	struct parse_ctx c = { .rd = rd, .diag = diag };
	c.prof = *rmpsim_profile_default();
	int line = ini_parse_stream(read_line, rd, on_entry, &c);
	if (rd->bad && (!c.err || rd->line < c.err_line)) {
		rmpsim_diag_fail(diag, -EINVAL, "%s (expected key = value lines)", rd->bad);
		rmpsim_diag_at(diag, name, rd->line, 1);
		return -EINVAL;
	}
	if (line == 0 && !c.err) {
		*ret = c.prof;
		return 0;
	}
	if (line < 0)
		return rmpsim_diag_fail(diag, -ENOMEM, "%s: out of memory", name);
	if (!c.err || (unsigned)line < c.err_line) {
		/* inih's own syntax error came first. */
		rmpsim_diag_fail(diag, -EINVAL, "syntax error: expected [section] or key = value");
		rmpsim_diag_at(diag, name, (unsigned)line, 1);
		return -EINVAL;
	}
	rmpsim_diag_at(diag, name, c.err_line, c.err_col);
	return c.err;
}

int rmpsim_profile_load(const char *path, struct rmpsim_profile *ret, struct rmpsim_diag *diag)
{
	if (!path || !ret)
		return -EINVAL;
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		rmpsim_diag_fail(diag, -EISDIR, "is a directory, not a profile file");
		rmpsim_diag_at(diag, path, 0, 0);
		return -EISDIR;
	}
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
	struct reader rd = { .text = text, .text_len = strlen(text) };
	return parse(&rd, name ? name : "<string>", ret, diag);
}

/* "; unit: U. source: S", wrapped at spaces into lines of at most 100 characters
 * (profile lines are limited to LINE_MAX_PROFILE). */
static void print_comment(FILE *out, const char *unit, const char *source)
{
	char text[1024];
	snprintf(text, sizeof(text), "unit: %s. source: %s", unit, source);
	const char *t = text;
	while (*t) {
		size_t n = strlen(t);
		if (n > 98) {
			n = 98;
			while (n > 0 && t[n] != ' ')
				n--;
			if (n == 0)
				n = 98;
		}
		fprintf(out, "; %.*s\n", (int)n, t);
		t += n;
		while (*t == ' ')
			t++;
	}
}

void rmpsim_profile_print(const struct rmpsim_profile *p, FILE *out)
{
	rmpsim_profile_print_sourced(p, out, NULL);
}

void rmpsim_profile_print_sourced(const struct rmpsim_profile *p, FILE *out, const char *const *sources)
{
	if (!p || !out)
		return;
	const char *section = "";
	fprintf(out, "; rmpsim timing profile (docs/timing.md). Format: key = value [low, high]\n");
	for (unsigned i = 0; i < NPARAMS; i++) {
		const struct param *d = &params[i];
		if (strcmp(section, d->section)) {
			section = d->section;
			fprintf(out, "\n[%s]\n", section);
		}
		char val[48], lo[48], hi[48];
		rmpsim_profile_format_value(i, rmpsim_profile_get_value(p, i), val, sizeof(val));
		print_comment(out, d->unit, sources && sources[i] ? sources[i] : d->source);
		if (is_switch(d)) {
			fprintf(out, "%s = %s\n", d->key, val);
		} else {
			rmpsim_profile_format_value(i, p->lo[i], lo, sizeof(lo));
			rmpsim_profile_format_value(i, p->hi[i], hi, sizeof(hi));
			fprintf(out, "%s = %s [%s, %s]\n", d->key, val, lo, hi);
		}
	}
}

/* ---- Conversions and closed forms ---- */

uint64_t rmpsim_profile_cycles_to_ps(const struct rmpsim_profile *p, uint64_t mcyc)
{
	/* ps = mcyc * 1e6 / kHz, split so that it cannot overflow, rounded to nearest. */
	if (!p)
		return 0;
	uint64_t f = p->freq_khz ? p->freq_khz : 1;
	uint64_t q = mcyc / f, r = mcyc % f;
	return q * 1000000ull + (r * 1000000ull + f / 2) / f;
}

uint64_t rmpsim_profile_ps_to_cycles(const struct rmpsim_profile *p, uint64_t ps)
{
	/* cycles = ps * kHz / 1e9, split the same way. */
	if (!p)
		return 0;
	uint64_t f = p->freq_khz;
	uint64_t q = ps / 1000000000ull, r = ps % 1000000000ull;
	return q * f + (r * f + 500000000ull) / 1000000000ull;
}

uint64_t rmpsim_profile_scan_lines(const struct rmpsim_profile *p, int64_t first_busy)
{
	/* A120: 2 MB entries sit 8 KiB apart (one line each); 4 KB entries are
	 * 16 bytes, 4 to a 64-byte line. An early exit reads up to and including
	 * the line of the first assigned entry. */
	if (!p)
		return 0;
	if (p->rmpopt_scan == RMPSIM_SCAN_4K)
		return first_busy < 0 ? 262144 / 4 : (uint64_t)first_busy / 4 + 1;
	return first_busy < 0 ? 512 : (uint64_t)first_busy + 1;
}

uint64_t rmpsim_profile_lines_ps(const struct rmpsim_profile *p, uint64_t n, uint64_t line_ps)
{
	if (!p)
		return 0;
	uint64_t mif = p->misses_in_flight ? p->misses_in_flight : 1;
	return (n + mif - 1) / mif * line_ps;
}

uint64_t rmpsim_profile_line_service_ps(const struct rmpsim_profile *p)
{
	/* 64 bytes at node_bw_mbps * 10^6 B/s: 64 * 10^6 / mbps ps, rounded up. */
	if (!p)
		return 0;
	uint64_t bw = p->node_bw_mbps ? p->node_bw_mbps : 1;
	return (64000000ull + bw - 1) / bw;
}

/*
 * The one table of instruction costs: which parameter each instruction costs
 * (a field of the profile), or none (rmpsim_profile_insn_mcyc says why).
 */
#define NO_COST SIZE_MAX
static const size_t insn_cost_field[RMPSIM_INSN_NIDS] = {
	[RMPSIM_INSN_RMPUPDATE] = F(rmpupdate_mcyc),  /* A65 */
	[RMPSIM_INSN_PSMASH] = F(psmash_mcyc),	      /* A65 */
	[RMPSIM_INSN_RMPREAD] = NO_COST,	      /* A87 */
	[RMPSIM_INSN_RMPOPT] = F(rmpopt_report_mcyc), /* A64; a verify's scan: rmpopt_model.c */
	[RMPSIM_INSN_PVALIDATE] = NO_COST,
	[RMPSIM_INSN_RMPADJUST] = NO_COST,
	[RMPSIM_INSN_RMPQUERY] = NO_COST,
	[RMPSIM_INSN_RDMSR] = NO_COST,
	[RMPSIM_INSN_WRMSR] = NO_COST,
};

uint64_t rmpsim_profile_insn_mcyc(const struct rmpsim_profile *p, enum rmpsim_insn_id insn)
{
	if (!p || (unsigned)insn >= RMPSIM_INSN_NIDS || insn_cost_field[insn] == NO_COST)
		return 0;
	uint64_t v;
	memcpy(&v, (const char *)p + insn_cost_field[insn], sizeof(v));
	return v;
}
