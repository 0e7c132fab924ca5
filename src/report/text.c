/* SPDX-License-Identifier: MIT */
/* The text table: one line per run, columns aligned (names left, numbers right). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rmpsim/report.h>

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

int rmpsim_report_text(FILE *f, const struct rmpsim_report *r)
{
	size_t width[NCOLS];
	char cells[NCOLS][CELL];

	fprintf(f, "rmpsim %s: policy %s, machine %s, profile %s, seed %" PRIu64 ", trace %016" PRIx64 "\n\n",
		r->version ? r->version : "?", r->policy ? r->policy : "?",
		r->machine ? r->machine : "default", r->profile ? r->profile : "default", r->seed,
		r->trace_hash);
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
	return ferror(f) ? -EIO : 0;
}
