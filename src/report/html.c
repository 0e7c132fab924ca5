/* SPDX-License-Identifier: MIT */
/*
 * The HTML report (report.h): one page, no script, no external resource,
 * inline SVG drawn with integer coordinates so that the same results give the
 * same bytes. Every plot is followed by a table with its numbers. The SVG uses
 * a viewBox and width 100%: it scales down to a phone and up to 1,280 px.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rmpsim/report.h>
#include <rmpsim/timeline.h>

#include "svg.h"
#include "check.h"

#define W	 RMPSIM_SVG_W
#define H	 RMPSIM_SVG_H
#define LEFT	 RMPSIM_SVG_LEFT
#define RIGHT	 RMPSIM_SVG_RIGHT
#define TOP	 RMPSIM_SVG_TOP
#define BOTTOM	 RMPSIM_SVG_BOTTOM
#define LEADER	 "#1f77b4"
#define FOLLOWER "#ff7f0e"
#define NCOLORS	 RMPSIM_SVG_NCOLORS

static const char *ns_str(uint64_t ns, char *buf, size_t len)
{
	return rmpsim_report_fmt_ns(ns, buf, len);
}

static void run_label(FILE *f, const struct rmpsim_run_result *r)
{
	rmpsim__svg_esc(f, r->scenario);
	fputc(' ', f);
	rmpsim__svg_esc(f, rmpsim_backing_name(r->backing));
}

/* 1. The review matrix: leader and follower phase of every run, side by side. */
static void matrix(FILE *f, const struct rmpsim_report *r)
{
	uint64_t max = 1;
	char b1[32], b2[32], b3[32];
	for (size_t i = 0; i < r->nruns; i++) {
		uint64_t l = r->runs[i].leader_ns, fo = r->runs[i].follower_ns;
		if (r->uncertainty) {
			l = r->uncertainty[i].bands[RMPSIM_UNC_LEADER_NS].p95 > l
				    ? r->uncertainty[i].bands[RMPSIM_UNC_LEADER_NS].p95
				    : l;
			fo = r->uncertainty[i].bands[RMPSIM_UNC_FOLLOWER_NS].p95 > fo
				     ? r->uncertainty[i].bands[RMPSIM_UNC_FOLLOWER_NS].p95
				     : fo;
		}
		max = l > max ? l : max;
		max = fo > max ? fo : max;
	}
	max = rmpsim__svg_nice_max(max);
	uint64_t div;
	const char *unit = rmpsim__svg_time_unit(max, &div);
	fprintf(f, "<h2>Leader and follower phase of each pass</h2>\n");
	rmpsim__svg_open(f, "Leader and follower phase per scenario and backing");
	rmpsim__svg_y_axis(f, max, unit, div, "virtual time");
	rmpsim__svg_legend(f, 0, LEADER, "leader phase");
	rmpsim__svg_legend(f, 1, FOLLOWER, "follower phase");
	long slot = r->nruns ? (RIGHT - LEFT) / (long)r->nruns : 1, bw = slot / 3;
	size_t longest = 1;
	for (size_t i = 0; i < r->nruns; i++)
		longest = strlen(r->runs[i].scenario) > longest ? strlen(r->runs[i].scenario) : longest;
	/* a sans-serif character is at most about 0.6 em wide */
	long fs = (slot - 4) * 5 / (3 * (long)longest);
	fs = fs > 13 ? 13 : fs < 6 ? 6 : fs;
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rmpsim_run_result *u = &r->runs[i];
		long x = LEFT + (long)i * slot + slot / 6;
		uint64_t v[2] = { u->leader_ns, u->follower_ns };
		for (int k = 0; k < 2; k++) {
			long y = rmpsim__svg_y_of(v[k], max);
			fprintf(f,
				"<rect class=\"bar\" x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\" "
				"fill=\"%s\"/>\n",
				x + k * bw, y, bw, BOTTOM - y, k ? FOLLOWER : LEADER);
			if (r->uncertainty) { /* p5..p95 of the draws */
				const struct rmpsim_band *bd =
					&r->uncertainty[i]
						 .bands[k ? RMPSIM_UNC_FOLLOWER_NS : RMPSIM_UNC_LEADER_NS];
				long xm = x + k * bw + bw / 2;
				fprintf(f,
					"<line class=\"band\" x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" "
					"stroke=\"#000\" stroke-width=\"2\"/>\n",
					xm, rmpsim__svg_y_of(bd->p5, max), xm,
					rmpsim__svg_y_of(bd->p95, max));
			}
		}
		/* two lines, the font sized so that the longest name fits its slot: no overlap */
		fprintf(f,
			"<text class=\"xlabel\" x=\"%ld\" y=\"%d\" font-size=\"%ld\" text-anchor=\"middle\">",
			x + bw, BOTTOM + 16, fs);
		rmpsim__svg_esc(f, u->scenario);
		fprintf(f,
			"</text>\n<text class=\"xlabel\" x=\"%ld\" y=\"%d\" font-size=\"%ld\" "
			"text-anchor=\"middle\">",
			x + bw, BOTTOM + 31, fs);
		rmpsim__svg_esc(f, rmpsim_backing_name(u->backing));
		fprintf(f, "</text>\n");
	}
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\">scenario and "
		"backing</text>\n",
		(LEFT + RIGHT) / 2, BOTTOM + 52);
	fprintf(f, "</svg>\n<table>\n<tr><th>run</th><th>leader</th><th>follower</th><th>pass</th>%s</tr>\n",
		r->uncertainty ? "<th>leader p5..p95</th><th>follower p5..p95</th>" : "");
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rmpsim_run_result *u = &r->runs[i];
		fprintf(f, "<tr><td>");
		run_label(f, u);
		fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td>", ns_str(u->leader_ns, b1, sizeof(b1)),
			ns_str(u->follower_ns, b2, sizeof(b2)), ns_str(u->pass_ns, b3, sizeof(b3)));
		if (r->uncertainty) {
			for (int k = 0; k < 2; k++) {
				const struct rmpsim_band *bd =
					&r->uncertainty[i]
						 .bands[k ? RMPSIM_UNC_FOLLOWER_NS : RMPSIM_UNC_LEADER_NS];
				fprintf(f, "<td>%s .. %s</td>", ns_str(bd->p5, b1, sizeof(b1)),
					ns_str(bd->p95, b2, sizeof(b2)));
			}
		}
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table>\n");
}

/* 2. Busy time per CPU, busiest first: one pegged CPU or a hundred. */
static void busy_curve(FILE *f, const struct rmpsim_report *r)
{
	uint64_t max = 1;
	unsigned ncpus = 1;
	char b1[32], b2[32], b3[32];
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rmpsim_pass_profile *p = &r->profiles[i];
		if (p->ncpus && p->busy_ps[0] / 1000 > max)
			max = p->busy_ps[0] / 1000;
		ncpus = p->ncpus > ncpus ? p->ncpus : ncpus;
	}
	max = rmpsim__svg_nice_max(max);
	uint64_t div;
	const char *unit = rmpsim__svg_time_unit(max, &div);
	fprintf(f, "<h2>Busy time of each CPU during the pass, busiest first</h2>\n");
	rmpsim__svg_open(f, "Per-CPU busy time, sorted");
	rmpsim__svg_y_axis(f, max, unit, div, "busy time");
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rmpsim_pass_profile *p = &r->profiles[i];
		fprintf(f,
			"<polyline class=\"curve\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
			rmpsim__svg_colors[i % NCOLORS]);
		for (unsigned c = 0; c < p->ncpus; c++) {
			long x = LEFT + (long)((uint64_t)c * (RIGHT - LEFT) / (ncpus > 1 ? ncpus - 1 : 1));
			fprintf(f, "%s%ld,%ld", c ? " " : "", x, rmpsim__svg_y_of(p->busy_ps[c] / 1000, max));
		}
		fprintf(f, "\"/>\n");
		char label[160];
		snprintf(label, sizeof(label), "%s %s", r->runs[i].scenario,
			 rmpsim_backing_name(r->runs[i].backing));
		int row = (int)i;
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", RIGHT - 190,
			TOP + 4 + row * 18, rmpsim__svg_colors[i % NCOLORS]);
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"13\">", RIGHT - 172, TOP + 15 + row * 18);
		rmpsim__svg_esc(f, label);
		fprintf(f, "</text>\n");
	}
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\">CPUs by busy time (rank 0 "
		".. %u)</text>\n",
		(LEFT + RIGHT) / 2, BOTTOM + 40, ncpus - 1);
	fprintf(f, "</svg>\n<table>\n<tr><th>run</th><th>CPUs</th><th>busiest</th><th>10th busiest</th>"
		   "<th>median</th><th>CPUs busy at all</th><th>CPUs over half the busiest</th></tr>\n");
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rmpsim_pass_profile *p = &r->profiles[i];
		unsigned any = 0, half = 0;
		for (unsigned c = 0; c < p->ncpus; c++) {
			any += p->busy_ps[c] > 0;
			half += p->busy_ps[c] * 2 > p->busy_ps[0] && p->busy_ps[0];
		}
		fprintf(f, "<tr><td>");
		run_label(f, &r->runs[i]);
		fprintf(f, "</td><td>%u</td><td>%s</td><td>%s</td><td>%s</td><td>%u</td><td>%u</td></tr>\n",
			p->ncpus, ns_str(p->ncpus ? p->busy_ps[0] / 1000 : 0, b1, sizeof(b1)),
			ns_str(p->ncpus > 9 ? p->busy_ps[9] / 1000 : 0, b2, sizeof(b2)),
			ns_str(p->ncpus ? p->busy_ps[p->ncpus / 2] / 1000 : 0, b3, sizeof(b3)), any, half);
	}
	fprintf(f, "</table>\n");
}

/* Ten shades of blue (ColorBrewer "Blues", sequential): idle, then up to each bound. */
static const char *const heat_colors[10] = { "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6",
					     "#4292c6", "#2171b5", "#08519c", "#08306b", "#041a3d" };

/* Upper bounds of shades 1..9 in 1/10,000: steps close to 1-2-5, so that 0.2 % and 100 %
 * both show (a follower's few handlers and a pegged leader in one pass). */
static const uint16_t heat_bounds[9] = { 50, 100, 200, 500, 1000, 2000, 5000, 8000, 10000 };
static const char *const heat_labels[10] = {
	"0", "0.5%", "1%", "2%", "5%", "10%", "20%", "50%", "80%", "100%"
};

static unsigned heat_shade(uint16_t bp)
{
	unsigned i = 0;
	if (!bp)
		return 0;
	while (i < 8 && bp > heat_bounds[i])
		i++;
	return i + 1;
}

/* One run's heatmap: rows of CPUs, columns of time; runs of equal shade in a row as one rect. */
static void heat_svg(FILE *f, const struct rmpsim_run_result *u, const struct rmpsim_pass_profile *p)
{
	char b1[32];
	long rh = (BOTTOM - TOP) / (long)p->heat_rows, span = RIGHT - LEFT - 60;
	fprintf(f, "<h3>");
	run_label(f, u);
	fprintf(f, "</h3>\n");
	rmpsim__svg_open(f, "Per-CPU busy time over the pass (heatmap)");
	for (unsigned r = 0; r < p->heat_rows; r++) {
		const uint16_t *row = p->heat_bp + (size_t)r * p->heat_cols;
		for (unsigned k = 0; k < p->heat_cols;) {
			unsigned shade = heat_shade(row[k]), k1 = k + 1;
			while (k1 < p->heat_cols && heat_shade(row[k1]) == shade)
				k1++;
			if (shade) { /* the lightest shade is the background */
				long x0 = LEFT + (long)k * span / (long)p->heat_cols;
				long x1 = LEFT + (long)k1 * span / (long)p->heat_cols;
				fprintf(f,
					"<rect class=\"heat\" x=\"%ld\" y=\"%ld\" width=\"%ld\" "
					"height=\"%ld\" "
					"fill=\"%s\"/>\n",
					x0, TOP + (long)r * rh, x1 - x0, rh, heat_colors[shade]);
			}
			k = k1;
		}
	}
	unsigned last_cpu = p->heat_rows * p->heat_cpus_per_row - 1;
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"end\">CPU 0</text>\n", LEFT - 6,
		TOP + 12);
	fprintf(f, "<text x=\"%d\" y=\"%ld\" font-size=\"13\" text-anchor=\"end\">CPU %u</text>\n", LEFT - 6,
		TOP + (long)p->heat_rows * rh, last_cpu < p->ncpus ? last_cpu : p->ncpus - 1);
	uint64_t len_ns = p->heat_bin_ps * p->heat_cols / 1000;
	for (int i = 0; i <= 2; i++) /* three labels: they never overlap */
		fprintf(f, "<text x=\"%ld\" y=\"%d\" font-size=\"13\" text-anchor=\"%s\">%s</text>\n",
			LEFT + (long)i * span / 2, BOTTOM + 18,
			i == 0	 ? "start"
			: i == 2 ? "end"
				 : "middle",
			ns_str(len_ns * (uint64_t)i / 2, b1, sizeof(b1)));
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\">virtual time from pass "
		"start</text>\n",
		LEFT + (int)span / 2, BOTTOM + 40);
	/* the colour scale: each shade with its upper bound */
	for (int s = 0; s < 10; s++) {
		long y = BOTTOM - (long)(s + 1) * 22;
		fprintf(f,
			"<rect class=\"scale\" x=\"%d\" y=\"%ld\" width=\"16\" height=\"22\" fill=\"%s\" "
			"stroke=\"#999\"/>\n",
			RIGHT - 40, y, heat_colors[s]);
		fprintf(f, "<text x=\"%d\" y=\"%ld\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
			RIGHT - 44, y + 15, heat_labels[s]);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">busy up to</text>\n",
		RIGHT - 32, TOP - 6);
	fprintf(f, "</svg>\n");
}

/* The heatmap's numbers: the busiest CPU's share in per cent, a row per CPU group. */
static void heat_table(FILE *f, const struct rmpsim_pass_profile *p)
{
	char b1[32];
	fprintf(f, "<table class=\"heat\">\n<tr><th>CPUs \\ from (bins of %s)</th>",
		ns_str(p->heat_bin_ps / 1000, b1, sizeof(b1)));
	for (unsigned k = 0; k < p->heat_cols; k++)
		fprintf(f, "<th>%s</th>", ns_str(p->heat_bin_ps * k / 1000, b1, sizeof(b1)));
	fprintf(f, "</tr>\n");
	for (unsigned r = 0; r < p->heat_rows; r++) {
		unsigned c0 = r * p->heat_cpus_per_row, c1 = c0 + p->heat_cpus_per_row - 1;
		fprintf(f, "<tr><th>%u-%u</th>", c0, c1 < p->ncpus ? c1 : p->ncpus - 1);
		for (unsigned k = 0; k < p->heat_cols; k++) {
			uint16_t v = p->heat_bp[(size_t)r * p->heat_cols + k];
			fprintf(f, "<td>%u.%02u</td>", v / 100u, v % 100u);
		}
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table>\n");
}

/* 2b. Busy time per CPU over the pass: one pegged CPU or a hundred, and when. */
static void heatmaps(FILE *f, const struct rmpsim_report *r)
{
	fprintf(f, "<h2>Busy time of the CPUs over the pass (heatmap)</h2>\n"
		   "<p>Each row is a group of CPUs, each column a slice of the pass; the shade is the "
		   "share of that time the busiest CPU of the group was busy (a process running, "
		   "spinning included, or an IPI handler), on the scale at the right; the table "
		   "below gives each cell in per cent.</p>\n");
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rmpsim_pass_profile *p = &r->profiles[i];
		if (!p->heat_bp || !p->heat_rows || !p->heat_cols)
			continue;
		heat_svg(f, &r->runs[i], p);
		heat_table(f, p);
	}
}

/* A histogram of 1 us buckets per run: run i's count in bucket b (b == nbuckets: the overflow). */
typedef uint64_t (*bucket_fn)(const struct rmpsim_report *r, size_t i, unsigned b);
/* Whether run i is in the plot. */
typedef bool (*shown_fn)(const struct rmpsim_report *r, size_t i);

static bool every_run(const struct rmpsim_report *r, size_t i)
{
	(void)r;
	(void)i;
	return true;
}

/* Bars per bucket, a colour per run shown, then the table of every count. */
static void bucket_plot(FILE *f, const struct rmpsim_report *r, shown_fn shown, unsigned nbuckets,
			bucket_fn get, const char *svg_title, const char *counts)
{
	uint64_t max = 1;
	unsigned last = 0; /* highest bucket in use */
	size_t nshown = 0;
	for (size_t i = 0; i < r->nruns; i++) {
		nshown += shown(r, i);
		for (unsigned b = 0; shown(r, i) && b < nbuckets; b++) {
			uint64_t v = get(r, i, b);
			max = v > max ? v : max;
			last = v && b > last ? b : last;
		}
	}
	max = rmpsim__svg_nice_max(max);
	rmpsim__svg_open(f, svg_title);
	rmpsim__svg_y_axis(f, max, "", 1, counts);
	long nb = (long)last + 1, slot = (RIGHT - LEFT) / nb, bw = slot / (long)(nshown ? nshown : 1);
	size_t k = 0; /* the shown run's place in its bucket's group */
	for (size_t i = 0; i < r->nruns; i++) {
		if (!shown(r, i))
			continue;
		for (unsigned b = 0; b <= last; b++) {
			uint64_t v = get(r, i, b);
			if (!v)
				continue;
			long y = rmpsim__svg_y_of(v, max);
			fprintf(f,
				"<rect class=\"bar\" x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\" "
				"fill=\"%s\"/>\n",
				LEFT + (long)b * slot + (long)k * bw, y, bw > 1 ? bw - 1 : 1, BOTTOM - y,
				rmpsim__svg_colors[k % NCOLORS]);
		}
		k++;
	}
	for (unsigned b = 0; b <= last; b += last >= 20 ? 5 : 1)
		fprintf(f, "<text x=\"%ld\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">%u</text>\n",
			LEFT + (long)b * slot + slot / 2, BOTTOM + 18, b);
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\">length (us, bucket "
		"start)</text>\n",
		(LEFT + RIGHT) / 2, BOTTOM + 40);
	fprintf(f, "</svg>\n<table>\n<tr><th>length (us)</th>");
	for (size_t i = 0; i < r->nruns; i++) {
		if (!shown(r, i))
			continue;
		fprintf(f, "<th>");
		run_label(f, &r->runs[i]);
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr>\n");
	for (unsigned b = 0; b <= nbuckets; b++) {
		if (b > last && b < nbuckets)
			continue;
		if (b < nbuckets)
			fprintf(f, "<tr><td>%u</td>", b);
		else
			fprintf(f, "<tr><td>%u or more</td>", nbuckets);
		for (size_t i = 0; i < r->nruns; i++)
			if (shown(r, i))
				fprintf(f, "<td>%" PRIu64 "</td>", get(r, i, b));
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table>\n");
}

static uint64_t irqoff_bucket(const struct rmpsim_report *r, size_t i, unsigned b)
{
	return b < RMPSIM_PROFILE_IRQOFF_BUCKETS ? r->profiles[i].irqoff[b] : r->profiles[i].irqoff_over;
}

/* 3. Interrupts-off stretches of each pass, 1 us buckets. */
static void irqoff_hist(FILE *f, const struct rmpsim_report *r)
{
	fprintf(f, "<h2>Interrupts-off stretches during the pass</h2>\n");
	bucket_plot(f, r, every_run, RMPSIM_PROFILE_IRQOFF_BUCKETS, irqoff_bucket,
		    "Histogram of interrupts-off stretches", "stretches");
}

static uint64_t cotenant_bucket(const struct rmpsim_report *r, size_t i, unsigned b)
{
	const struct rmpsim_cotenant_result *c = &r->runs[i].cotenant;
	return b < RMPSIM_COTENANT_HIST_BUCKETS ? c->hist[b] : c->hist_over;
}

static bool has_vcpus(const struct rmpsim_report *r, size_t i)
{
	return r->runs[i].cotenant.vcpus > 0;
}

/* 3b. Co-tenant stretches out of the guest (issue 17), for the runs that had vCPUs. */
static void cotenant_hist(FILE *f, const struct rmpsim_report *r)
{
	char b1[32], b2[32], b3[32];
	bool any = false;
	for (size_t i = 0; i < r->nruns; i++)
		any = any || has_vcpus(r, i);
	if (!any)
		return;
	fprintf(f, "<h2>Co-tenant stretches out of the guest during the pass</h2>\n"
		   "<p>Each stretch is the time a CPU running a non-SNP guest's vCPU spent out of "
		   "it: the VM exit, the host's work (the IPI handler) and the VM entry "
		   "(docs/scenarios.md \"Co-tenants\"). The table below gives every count, then "
		   "each run's totals.</p>\n");
	bucket_plot(f, r, has_vcpus, RMPSIM_COTENANT_HIST_BUCKETS, cotenant_bucket,
		    "Histogram of co-tenant stretches", "stretches");
	fprintf(f, "<table>\n<tr><th>run</th><th>vCPUs</th><th>interruptions</th><th>most on one "
		   "CPU</th><th>stolen</th><th>most on one CPU</th><th>longest stretch</th></tr>\n");
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rmpsim_cotenant_result *c = &r->runs[i].cotenant;
		if (!has_vcpus(r, i))
			continue;
		fprintf(f, "<tr><td>");
		run_label(f, &r->runs[i]);
		fprintf(f,
			"</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%" PRIu64
			" (CPU %d)</td><td>%s</td><td>%s (CPU %d)</td><td>%s (CPU %d)</td></tr>\n",
			c->vcpus, c->interruptions, c->interruptions_max, c->interruptions_max_cpu,
			ns_str(c->stolen_ns, b1, sizeof(b1)), ns_str(c->stolen_max_ns, b2, sizeof(b2)),
			c->stolen_max_cpu, ns_str(c->stretch_max_ns, b3, sizeof(b3)), c->stretch_max_cpu);
	}
	fprintf(f, "</table>\n");
}

/* 4. Each pass as a timeline: leader phase, then follower phase. */
static void timeline(FILE *f, const struct rmpsim_report *r)
{
	uint64_t max = 1;
	char b1[32], b2[32], b3[32];
	for (size_t i = 0; i < r->nruns; i++)
		max = r->runs[i].pass_ns > max ? r->runs[i].pass_ns : max;
	max = rmpsim__svg_nice_max(max);
	uint64_t div;
	const char *unit = rmpsim__svg_time_unit(max, &div);
	fprintf(f, "<h2>Timeline of each pass</h2>\n");
	rmpsim__svg_open(f, "Leader and follower phases on a time axis");
	rmpsim__svg_legend(f, 0, LEADER, "leader phase");
	rmpsim__svg_legend(f, 1, FOLLOWER, "follower phase");
	long row = r->nruns ? (BOTTOM - TOP) / (long)r->nruns : 1;
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rmpsim_run_result *u = &r->runs[i];
		long y = TOP + (long)i * row + row / 6, h = row * 2 / 3;
		long xl = LEFT + (long)(u->leader_ns * (uint64_t)(RIGHT - LEFT) / max);
		long xp = LEFT + (long)(u->pass_ns * (uint64_t)(RIGHT - LEFT) / max);
		fprintf(f,
			"<rect class=\"phase\" x=\"%d\" y=\"%ld\" width=\"%ld\" height=\"%ld\" "
			"fill=\"%s\"/>\n",
			LEFT, y, xl - LEFT, h, LEADER);
		fprintf(f,
			"<rect class=\"phase\" x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\" "
			"fill=\"%s\"/>\n",
			xl, y, xp - xl, h, FOLLOWER);
		fprintf(f, "<text x=\"%d\" y=\"%ld\" font-size=\"13\" text-anchor=\"end\">", LEFT - 6,
			y + h / 2 + 5);
		run_label(f, u);
		fprintf(f, "</text>\n");
	}
	for (int i = 0; i <= 4; i++)
		fprintf(f,
			"<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">%" PRIu64
			" %s</text>\n",
			LEFT + i * (RIGHT - LEFT) / 4, BOTTOM + 18, max * (uint64_t)i / 4 / div, unit);
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\">virtual time from pass "
		"start</text>\n",
		(LEFT + RIGHT) / 2, BOTTOM + 40);
	fprintf(f, "</svg>\n<table>\n<tr><th>run</th><th>leader CPU</th><th>leader phase</th><th>follower "
		   "phase</th>"
		   "<th>pass</th><th>IPIs</th><th>RMPOPTs</th></tr>\n");
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rmpsim_run_result *u = &r->runs[i];
		fprintf(f, "<tr><td>");
		run_label(f, u);
		fprintf(f,
			"</td><td>%d</td><td>0 .. %s</td><td>.. %s</td><td>%s</td><td>%" PRIu64
			"</td><td>%" PRIu64 "</td></tr>\n",
			u->leader_cpu, ns_str(u->leader_ns, b1, sizeof(b1)),
			ns_str(u->pass_ns, b2, sizeof(b2)), ns_str(u->pass_ns, b3, sizeof(b3)), u->ipis_sent,
			u->rmpopt_executed);
	}
	fprintf(f, "</table>\n");
}

int rmpsim_report_html(FILE *f, const struct rmpsim_report *r)
{
	if (!rmpsim__report_ok(f, r))
		return -EINVAL;
	rmpsim__svg_page_open(f, "rmpsim report");
	fprintf(f, "<table class=\"about\">\n");
	const char *keys[] = { "rmpsim version", "machine", "policy", "profile" };
	const char *vals[] = { r->version, r->machine, r->policy, r->profile };
	for (int i = 0; i < 4; i++) {
		fprintf(f, "<tr><th>%s</th><td>", keys[i]);
		rmpsim__svg_esc(f, vals[i] ? vals[i] : "");
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f,
		"<tr><th>seed</th><td>%" PRIu64 "</td></tr>\n<tr><th>trace hash</th><td>%016" PRIx64
		"</td></tr>\n",
		r->seed, r->trace_hash);
	fprintf(f, "</table>\n");
	matrix(f, r);
	if (r->profiles) {
		busy_curve(f, r);
		heatmaps(f, r);
		irqoff_hist(f, r);
	}
	cotenant_hist(f, r);
	timeline(f, r);
	fprintf(f, "<p>Times are virtual (the simulation's clock). docs/cli.md \"HTML report\" says what "
		   "each plot "
		   "shows.</p>\n</body>\n</html>\n");
	return ferror(f) ? -EIO : 0;
}
