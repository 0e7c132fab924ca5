/* SPDX-License-Identifier: MIT */
/*
 * The figures of a sweep (rmpsim merge --html, report.h): per axis pair, the
 * metric's p50 at each x value as a line, one line per value of the other
 * axis, inside its p5..p95 band; then the numbers as a table. Drawn with the
 * HTML report's SVG writer (svg.h): integer coordinates, same bytes for the
 * same results.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rmpsim/report.h>

#include "svg.h"

#define LABEL_W 80 /* room right of the plot for the lines' end labels */
#define PLOT_W	(RMPSIM_SVG_RIGHT - LABEL_W - RMPSIM_SVG_LEFT)
#define MARGIN	30 /* x inset of the first and last value */

static bool is_time(const char *metric)
{
	size_t n = strlen(metric);
	return n > 3 && !strcmp(metric + n - 3, "_ns");
}

/* x of value i of the figure's x axis. */
static long x_of(const struct rmpsim_sweep_figure *fg, size_t i)
{
	if (!fg->x_milli) /* categories: equal slots */
		return RMPSIM_SVG_LEFT + (long)((2 * i + 1) * PLOT_W / (2 * fg->nx));
	int64_t lo = fg->x_milli[0], hi = fg->x_milli[fg->nx - 1];
	if (hi == lo)
		return RMPSIM_SVG_LEFT + PLOT_W / 2;
	return RMPSIM_SVG_LEFT + MARGIN + (long)((fg->x_milli[i] - lo) * (PLOT_W - 2 * MARGIN) / (hi - lo));
}

static void value_str(const struct rmpsim_sweep_plot *p, uint64_t v, char *buf, size_t len)
{
	if (is_time(p->metric))
		rmpsim_report_fmt_ns(v, buf, len);
	else
		snprintf(buf, len, "%" PRIu64, v);
}

static void draw_line(FILE *f, const struct rmpsim_sweep_figure *fg, size_t l, uint64_t max)
{
	const struct rmpsim_sweep_point *pt = &fg->points[l * fg->nx];
	const char *color = rmpsim__svg_colors[l % RMPSIM_SVG_NCOLORS];

	/* The band: along the p95s, back along the p5s. */
	fprintf(f, "<polygon class=\"band\" fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\" points=\"",
		color);
	bool first = true;
	for (size_t x = 0; x < fg->nx; x++) {
		if (!pt[x].n)
			continue;
		fprintf(f, "%s%ld,%ld", first ? "" : " ", x_of(fg, x), rmpsim__svg_y_of(pt[x].p95, max));
		first = false;
	}
	for (size_t x = fg->nx; x-- > 0;)
		if (pt[x].n)
			fprintf(f, " %ld,%ld", x_of(fg, x), rmpsim__svg_y_of(pt[x].p5, max));
	fprintf(f, "\"/>\n<polyline class=\"line\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
		color);
	first = true;
	size_t last = 0;
	for (size_t x = 0; x < fg->nx; x++) {
		if (!pt[x].n)
			continue;
		fprintf(f, "%s%ld,%ld", first ? "" : " ", x_of(fg, x), rmpsim__svg_y_of(pt[x].p50, max));
		first = false;
		last = x;
	}
	fprintf(f, "\"/>\n");
	for (size_t x = 0; x < fg->nx; x++)
		if (pt[x].n)
			fprintf(f, "<circle class=\"point\" cx=\"%ld\" cy=\"%ld\" r=\"3\" fill=\"%s\"/>\n",
				x_of(fg, x), rmpsim__svg_y_of(pt[x].p50, max), color);
	if (fg->line_labels && fg->nlines > 4 && !first) { /* past the legend's four: label the line's end */
		fprintf(f, "<text x=\"%ld\" y=\"%ld\" font-size=\"12\" fill=\"%s\">", x_of(fg, last) + 6,
			rmpsim__svg_y_of(pt[last].p50, max) - 6, color);
		rmpsim__svg_esc(f, fg->line_labels[l]);
		fprintf(f, "</text>\n");
	}
}

static void figure(FILE *f, const struct rmpsim_sweep_plot *p, const struct rmpsim_sweep_figure *fg)
{
	uint64_t max = 1, div = 1;
	char title[256], b1[32], b2[32], b3[32];

	for (size_t i = 0; i < fg->nx * fg->nlines; i++)
		max = fg->points[i].n && fg->points[i].p95 > max ? fg->points[i].p95 : max;
	max = rmpsim__svg_nice_max(max);
	const char *unit = is_time(p->metric) ? rmpsim__svg_time_unit(max, &div) : "";
	if (fg->line_axis)
		snprintf(title, sizeof(title), "%s against %s, one line per %s", p->metric, fg->x_axis,
			 fg->line_axis);
	else
		snprintf(title, sizeof(title), "%s against %s", p->metric, fg->x_axis);
	fprintf(f, "<h2>");
	rmpsim__svg_esc(f, title);
	fprintf(f, "</h2>\n");
	rmpsim__svg_open(f, title);
	rmpsim__svg_y_axis(f, max, unit, div, p->metric);
	/* The title names the line axis: the legend gives each line's value. */
	for (size_t l = 0; l < fg->nlines && l < 4 && fg->line_labels; l++)
		rmpsim__svg_legend(f, (int)l, rmpsim__svg_colors[l % RMPSIM_SVG_NCOLORS], fg->line_labels[l]);
	for (size_t l = 0; l < fg->nlines; l++)
		draw_line(f, fg, l, max);
	size_t every = fg->nx > 20 ? (fg->nx + 19) / 20 : 1; /* at most 20 tick labels */
	for (size_t x = 0; x < fg->nx; x += every) {
		fprintf(f, "<text x=\"%ld\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">", x_of(fg, x),
			RMPSIM_SVG_BOTTOM + 18);
		rmpsim__svg_esc(f, fg->x_labels[x]);
		fprintf(f, "</text>\n");
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\">",
		(RMPSIM_SVG_LEFT + RMPSIM_SVG_RIGHT) / 2, RMPSIM_SVG_BOTTOM + 44);
	rmpsim__svg_esc(f, fg->x_axis);
	fprintf(f, "</text>\n</svg>\n<table>\n<tr><th>");
	rmpsim__svg_esc(f, fg->x_axis);
	fprintf(f, "</th>");
	for (size_t l = 0; l < fg->nlines; l++) {
		fprintf(f, "<th>");
		if (fg->line_labels) {
			rmpsim__svg_esc(f, fg->line_axis);
			fprintf(f, " = ");
			rmpsim__svg_esc(f, fg->line_labels[l]);
		} else {
			rmpsim__svg_esc(f, p->metric);
		}
		fprintf(f, ": p50 (p5 .. p95), n</th>");
	}
	fprintf(f, "</tr>\n");
	for (size_t x = 0; x < fg->nx; x++) {
		fprintf(f, "<tr><td>");
		rmpsim__svg_esc(f, fg->x_labels[x]);
		fprintf(f, "</td>");
		for (size_t l = 0; l < fg->nlines; l++) {
			const struct rmpsim_sweep_point *pt = &fg->points[l * fg->nx + x];
			if (!pt->n) {
				fprintf(f, "<td>-</td>");
				continue;
			}
			value_str(p, pt->p50, b1, sizeof(b1));
			value_str(p, pt->p5, b2, sizeof(b2));
			value_str(p, pt->p95, b3, sizeof(b3));
			fprintf(f, "<td>%s (%s .. %s), %u</td>", b1, b2, b3, pt->n);
		}
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table>\n");
}

int rmpsim_report_sweep_html(FILE *f, const struct rmpsim_sweep_plot *p)
{
	if (!f || !p)
		return -EINVAL;
	rmpsim__svg_page_open(f, "rmpsim sweep");
	fprintf(f, "<table class=\"about\">\n<tr><th>rmpsim version</th><td>");
	rmpsim__svg_esc(f, p->version);
	fprintf(f,
		"</td></tr>\n<tr><th>configurations</th><td>%zu</td></tr>\n<tr><th>runs</th><td>%zu</td></"
		"tr>\n",
		p->nconfigs, p->nruns);
	fprintf(f, "<tr><th>metric</th><td>");
	rmpsim__svg_esc(f, p->metric);
	fprintf(f, "</td></tr>\n<tr><th>axes varied</th><td>");
	for (size_t i = 0; i < p->naxes; i++) {
		if (i)
			fprintf(f, ", ");
		rmpsim__svg_esc(f, p->axes[i]);
	}
	fprintf(f, "%s</td></tr>\n</table>\n", p->naxes ? "" : "none");
	if (!p->nfigures)
		fprintf(f, "<p>The results vary no axis: there is nothing to draw.</p>\n");
	for (size_t i = 0; i < p->nfigures; i++)
		figure(f, p, &p->figures[i]);
	fprintf(f,
		"<p>Each point is the p50 of the runs at that place (nearest rank); the band spans their "
		"p5 .. p95: over the axes a figure does not show, a sweep's runs per point and the scenarios "
		"of a configuration. docs/sweeps.md \"Figures\" says how they are made.</p>\n</body>\n"
		"</html>\n");
	return ferror(f) ? -EIO : 0;
}
