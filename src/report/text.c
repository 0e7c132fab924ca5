/* SPDX-License-Identifier: MIT */
/* The text table: one line per run, columns aligned (names left, numbers right). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rmpsim/report.h>

#include "cotenant.h"
#include "check.h"

enum { NCOLS = 12, CELL = 80 };

static const char *const headers[NCOLS] = {
	"scenario",    "backing",	"pass",	       "leader",  "follower", "busy max",
	"busy median", "active median", "irq-off max", "RMPOPTs", "regions",  "skip",
};

/* Share in tenths of a percent, rounded, integer arithmetic only. */
static void fmt_share(uint64_t part, uint64_t whole, char *buf, size_t len)
{
	if (!whole) {
		snprintf(buf, len, "-");
		return;
	}
	/* part <= whole < 2^54 for any machine we model, so part * 2000 fits. */
	uint64_t permille = (part * 2000 / whole + 1) / 2;
	snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%%", permille / 10, permille % 10);
}

static void fill_row(const struct rmpsim_run_result *r, char cells[NCOLS][CELL])
{
	snprintf(cells[0], CELL, "%s", r->scenario);
	snprintf(cells[1], CELL, "%s", rmpsim_backing_name(r->backing));
	rmpsim_report_fmt_ns(r->pass_ns, cells[2], CELL);
	rmpsim_report_fmt_ns(r->leader_ns, cells[3], CELL);
	rmpsim_report_fmt_ns(r->follower_ns, cells[4], CELL);
	rmpsim_report_fmt_ns(r->cpu_busy_max_ns, cells[5], CELL);
	rmpsim_report_fmt_ns(r->cpu_busy_median_ns, cells[6], CELL);
	rmpsim_report_fmt_ns(r->cpu_busy_median_active_ns, cells[7], CELL);
	rmpsim_report_fmt_ns(r->irq_off_max_ns, cells[8], CELL);
	snprintf(cells[9], CELL, "%" PRIu64, r->rmpopt_executed);
	snprintf(cells[10], CELL, "%" PRIu64 "/%" PRIu64, r->regions_optimized, r->regions_total);
	fmt_share(r->skip_bytes, r->ram_bytes, cells[11], CELL);
}

static void print_row(FILE *f, char cells[NCOLS][CELL], const size_t *width)
{
	for (int c = 0; c < NCOLS; c++) {
		int w = (int)width[c];
		if (c < 2)
			fprintf(f, "%-*s", w, cells[c]);
		else
			fprintf(f, "%*s", w, cells[c]);
		fputs(c + 1 < NCOLS ? "  " : "\n", f);
	}
}

/* ---- --uncertainty: the banded table (--bands) and the tornado ---- */

enum { NBCOLS = 1 + RMPSIM_UNC_NMETRICS, BCELL = 128 };

static const char *const band_headers[NBCOLS] = {
	"run",
	"pass  p5..p95",
	"leader  p5..p95",
	"follower  p5..p95",
	"busy max  p5..p95",
	"irq-off max  p5..p95",
};

/* The unit a time prints in (as rmpsim_report_fmt_ns chooses it). */
static void unit_of(uint64_t ns, uint64_t *ret_div, const char **ret_unit)
{
	*ret_div = ns >= 1000000000ull ? 1000000000ull
		   : ns >= 1000000ull  ? 1000000ull
		   : ns >= 1000ull     ? 1000ull
				       : 1;
	*ret_unit = *ret_div == 1000000000ull ? "s"
		    : *ret_div == 1000000ull  ? "ms"
		    : *ret_div == 1000ull     ? "us"
					      : "ns";
}

static unsigned ndigits(uint64_t v)
{
	unsigned n = 0;
	for (; v; v /= 10)
		n++;
	return n;
}

/* ns in units of div (a power of ten) with `sig` significant digits, never finer
 * than 1 ns; integer arithmetic only. */
static void fmt_sig(uint64_t ns, uint64_t div, unsigned sig, char *buf, size_t len)
{
	unsigned dec = 0;
	uint64_t scale = 1;
	while (scale * 10 <= div && ndigits(ns / (div / scale)) < sig) {
		dec++;
		scale *= 10;
	}
	uint64_t step = div / scale;
	uint64_t v = (ns + step / 2) / step; /* rounded, in units of 10^-dec */
	if (dec)
		snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64, v / scale, (int)dec, v % scale);
	else
		snprintf(buf, len, "%" PRIu64, v);
}

/* "360.7 ms 351..373": the nominal time (4 significant digits) and the band
 * p5..p95 (3) in the nominal's unit. */
static void fmt_banded(uint64_t ns, const struct rmpsim_band *b, char *buf, size_t len)
{
	uint64_t div;
	const char *unit;
	char v[32], lo[32], hi[32];
	unit_of(ns, &div, &unit);
	fmt_sig(ns, div, 4, v, sizeof(v));
	fmt_sig(b->p5, div, 3, lo, sizeof(lo));
	fmt_sig(b->p95, div, 3, hi, sizeof(hi));
	snprintf(buf, len, "%s %s %s..%s", v, unit, lo, hi);
}

static void print_banded(FILE *f, const struct rmpsim_report *r)
{
	char cells[NBCOLS][BCELL];
	size_t width[NBCOLS];
	const enum rmpsim_unc_metric order[RMPSIM_UNC_NMETRICS] = {
		RMPSIM_UNC_PASS_NS,	    RMPSIM_UNC_LEADER_NS,      RMPSIM_UNC_FOLLOWER_NS,
		RMPSIM_UNC_CPU_BUSY_MAX_NS, RMPSIM_UNC_IRQ_OFF_MAX_NS,
	};

	for (int c = 0; c < NBCOLS; c++)
		width[c] = strlen(band_headers[c]);
	for (int pass = 0; pass < 2; pass++) {
		if (pass) {
			for (int c = 0; c < NBCOLS; c++)
				fprintf(f, c ? "  %*s" : "%-*s", (int)width[c], band_headers[c]);
			fputs("\n", f);
		}
		for (size_t i = 0; i < r->nruns; i++) {
			const struct rmpsim_run_result *x = &r->runs[i];
			snprintf(cells[0], BCELL, "%s %s", x->scenario, rmpsim_backing_name(x->backing));
			for (int m = 0; m < RMPSIM_UNC_NMETRICS; m++)
				fmt_banded(rmpsim_unc_metric_value(x, order[m]),
					   &r->uncertainty[i].bands[order[m]], cells[1 + m], BCELL);
			for (int c = 0; c < NBCOLS; c++) {
				if (!pass && strlen(cells[c]) > width[c])
					width[c] = strlen(cells[c]);
				if (pass)
					fprintf(f, c ? "  %*s" : "%-*s", (int)width[c], cells[c]);
			}
			if (pass)
				fputs("\n", f);
		}
	}
	fprintf(f,
		"\nEach time: the profile's own value, then the 5th..95th percentile (nearest rank) of %u\n"
		"Latin-hypercube draws over the profile's ranges, in the same unit.\n",
		r->uncertainty[0].ndraws);
}

/* "+1.234 ms" / "-56.700 us" for a signed change. */
static void fmt_change(int64_t ns, char *buf, size_t len)
{
	char t[40];
	rmpsim_report_fmt_ns(ns < 0 ? -(uint64_t)ns : (uint64_t)ns, t, sizeof(t));
	snprintf(buf, len, "%c%s", ns < 0 ? '-' : '+', t);
}

enum { TORNADO_TOP = 8, BAR = 24 };

static void print_tornado(FILE *f, const struct rmpsim_run_result *x, const struct rmpsim_uncertainty *u)
{
	size_t wn = strlen("parameter"), wr = strlen("range"), wc = strlen("pass low->high");
	unsigned n = u->nsens < TORNADO_TOP ? u->nsens : TORNADO_TOP;
	char range[80], change[48];

	fprintf(f, "\nWhat moves pass in %s %s (top %u of %u parameters drawn, %u draws):\n", x->scenario,
		rmpsim_backing_name(x->backing), n, u->nsens, u->ndraws);
	for (unsigned k = 0; k < n; k++) {
		const struct rmpsim_sensitivity *s = &u->sens[k];
		snprintf(range, sizeof(range), "%s .. %s", s->low, s->high);
		fmt_change(s->pass_ns_change, change, sizeof(change));
		wn = strlen(s->name) > wn ? strlen(s->name) : wn;
		wr = strlen(range) > wr ? strlen(range) : wr;
		wc = strlen(change) > wc ? strlen(change) : wc;
	}
	fprintf(f, "%-*s  %-*s  %*s  %9s\n", (int)wn, "parameter", (int)wr, "range", (int)wc,
		"pass low->high", "rank corr");
	uint64_t top = u->nsens ? (u->sens[0].pass_ns_change < 0 ? -(uint64_t)u->sens[0].pass_ns_change
								 : (uint64_t)u->sens[0].pass_ns_change)
				: 0;
	for (unsigned k = 0; k < n; k++) {
		const struct rmpsim_sensitivity *s = &u->sens[k];
		uint64_t mag =
			s->pass_ns_change < 0 ? -(uint64_t)s->pass_ns_change : (uint64_t)s->pass_ns_change;
		unsigned bar = top ? (unsigned)((mag * BAR + top / 2) / top) : 0;
		char bars[BAR + 1];
		memset(bars, s->pass_ns_change < 0 ? '-' : '+', bar);
		bars[bar] = '\0';
		snprintf(range, sizeof(range), "%s .. %s", s->low, s->high);
		fmt_change(s->pass_ns_change, change, sizeof(change));
		int rc = s->rank_corr_milli, arc = rc < 0 ? -rc : rc;
		fprintf(f, "%-*s  %-*s  %*s  %s%d.%03d%s%s\n", (int)wn, s->name, (int)wr, range, (int)wc,
			change, rc < 0 ? "   -" : "    ", arc / 1000, arc % 1000, bar ? "  " : "", bars);
	}
}

static void print_uncertainty(FILE *f, const struct rmpsim_report *r)
{
	/* Per run while that stays short; the first run otherwise (JSON has all). */
	size_t n = r->nruns <= 3 ? r->nruns : 1;
	for (size_t i = 0; i < n; i++)
		print_tornado(f, &r->runs[i], &r->uncertainty[i]);
	char noise[40];
	rmpsim_report_fmt_ns(r->uncertainty[0].change_noise_ns, noise, sizeof(noise));
	fprintf(f,
		"\npass low->high: least-squares slope of pass over each parameter's range, from the same "
		"draws\n"
		"(one parameter at a time: interactions are not captured); rank corr: Spearman's rho.\n"
		"A change smaller than about %s%s can come from chance alone with %u draws.\n",
		noise, n > 1 ? " (first run)" : "", r->uncertainty[0].ndraws);
	if (n < r->nruns)
		fputs("Every run's table is in the JSON report (\"sensitivity\").\n", f);
}

int rmpsim_report_text(FILE *f, const struct rmpsim_report *r)
{
	size_t width[NCOLS];
	char cells[NCOLS][CELL];

	if (!rmpsim__report_ok(f, r))
		return -EINVAL;

	fprintf(f, "rmpsim %s: policy %s, machine %s, profile %s, seed %" PRIu64 ", trace %016" PRIx64 "\n",
		r->version ? r->version : "?", r->policy ? r->policy : "?",
		r->machine ? r->machine : "default", r->profile ? r->profile : "default", r->seed,
		r->trace_hash);
	for (size_t i = 0; i < r->nsettings; i++) /* --set, docs/cli.md "Settings" */
		fprintf(f, "%s%s%s", i ? ", " : "set: ", r->settings[i], i + 1 == r->nsettings ? "\n" : "");
	fputc('\n', f);
	if (r->uncertainty && r->bands && r->nruns) {
		print_banded(f, r);
		print_uncertainty(f, r);
		return ferror(f) ? -EIO : 0;
	}
	for (int c = 0; c < NCOLS; c++)
		width[c] = strlen(headers[c]);
	for (size_t i = 0; i < r->nruns; i++) {
		fill_row(&r->runs[i], cells);
		for (int c = 0; c < NCOLS; c++) {
			if (strlen(cells[c]) > width[c])
				width[c] = strlen(cells[c]);
		}
	}
	for (int c = 0; c < NCOLS; c++)
		snprintf(cells[c], CELL, "%s", headers[c]);
	print_row(f, cells, width);
	for (size_t i = 0; i < r->nruns; i++) {
		fill_row(&r->runs[i], cells);
		print_row(f, cells, width);
	}
	fputs("\npass = leader + follower (virtual time); busy = per-CPU busy time during the pass\n"
	      "(median over all CPUs, and over the CPUs that were busy at all: \"active\");\n"
	      "RMPOPTs = instructions executed; regions = 1 GB regions optimised on every core / in range;\n"
	      "skip = share of RAM whose host writes skip RMP checks on every CPU afterwards.\n",
	      f);
	rmpsim__text_cotenant(f, r);
	if (r->uncertainty && r->nruns)
		print_uncertainty(f, r);
	return ferror(f) ? -EIO : 0;
}
