/* SPDX-License-Identifier: MIT */
/* The SVG drawing of the HTML reports (svg.h). */
#include <inttypes.h>
#include <stdio.h>

#include "svg.h"

const char *const rmpsim__svg_colors[RMPSIM_SVG_NCOLORS] = { "#1f77b4", "#ff7f0e", "#2ca02c",
							     "#d62728", "#9467bd", "#8c564b" };

/* Text for HTML and SVG: & < > " escaped. */
void rmpsim__svg_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* y of value v on a 0..max axis (max > 0). */
long rmpsim__svg_y_of(uint64_t v, uint64_t max)
{
	return RMPSIM_SVG_BOTTOM -
	       (long)((v > max ? max : v) * (uint64_t)(RMPSIM_SVG_BOTTOM - RMPSIM_SVG_TOP) / max);
}

/* A round upper bound for an axis: 1, 2 or 5 x 10^k, at least v. */
uint64_t rmpsim__svg_nice_max(uint64_t v)
{
	static const uint64_t steps[] = { 1, 2, 5 };
	for (uint64_t scale = 1; scale <= UINT64_MAX / 50; scale *= 10) {
		for (size_t i = 0; i < 3; i++) {
			if (steps[i] * scale >= v)
				return steps[i] * scale;
		}
	}
	return v;
}

void rmpsim__svg_open(FILE *f, const char *title)
{
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"100%%\" "
		"role=\"img\">\n",
		RMPSIM_SVG_W, RMPSIM_SVG_H);
	fprintf(f, "<title>");
	rmpsim__svg_esc(f, title);
	fprintf(f, "</title>\n");
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n", RMPSIM_SVG_LEFT,
		RMPSIM_SVG_BOTTOM, RMPSIM_SVG_RIGHT, RMPSIM_SVG_BOTTOM);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n", RMPSIM_SVG_LEFT,
		RMPSIM_SVG_TOP, RMPSIM_SVG_LEFT, RMPSIM_SVG_BOTTOM);
}

/* Y axis: 0, max/2, max with labels, and the axis title. */
void rmpsim__svg_y_axis(FILE *f, uint64_t max, const char *unit_label, uint64_t unit_div, const char *title)
{
	for (int i = 0; i <= 2; i++) {
		uint64_t v = max * (uint64_t)i / 2;
		long y = rmpsim__svg_y_of(v, max);
		fprintf(f, "<line x1=\"%d\" y1=\"%ld\" x2=\"%d\" y2=\"%ld\" stroke=\"#ccc\"/>\n",
			RMPSIM_SVG_LEFT, y, RMPSIM_SVG_RIGHT, y);
		fprintf(f,
			"<text x=\"%d\" y=\"%ld\" font-size=\"14\" text-anchor=\"end\">%" PRIu64
			" %s</text>\n",
			RMPSIM_SVG_LEFT - 6, y + 5, v / unit_div, unit_label);
	}
	fprintf(f,
		"<text x=\"16\" y=\"%d\" font-size=\"14\" transform=\"rotate(-90 16 %d)\" "
		"text-anchor=\"middle\">",
		(RMPSIM_SVG_TOP + RMPSIM_SVG_BOTTOM) / 2, (RMPSIM_SVG_TOP + RMPSIM_SVG_BOTTOM) / 2);
	rmpsim__svg_esc(f, title);
	fprintf(f, "</text>\n");
}

void rmpsim__svg_legend(FILE *f, int i, const char *color, const char *label)
{
	int x = RMPSIM_SVG_LEFT + 10 + i * 220;
	fprintf(f, "<rect x=\"%d\" y=\"6\" width=\"14\" height=\"14\" fill=\"%s\"/>\n", x, color);
	fprintf(f, "<text x=\"%d\" y=\"18\" font-size=\"14\">", x + 20);
	rmpsim__svg_esc(f, label);
	fprintf(f, "</text>\n");
}

const char *rmpsim__svg_time_unit(uint64_t max, uint64_t *div)
{
	*div = max >= 10000000 ? 1000000 : max >= 10000 ? 1000 : 1;
	return *div == 1000000 ? "ms" : *div == 1000 ? "us" : "ns";
}

void rmpsim__svg_page_open(FILE *f, const char *title)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	rmpsim__svg_esc(f, title);
	fprintf(f, "</title>\n"
		   "<style>body{font-family:sans-serif;max-width:1280px;margin:auto;padding:8px}"
		   "table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #999;padding:2px "
		   "8px;"
		   "text-align:right}svg{max-width:100%%;height:auto}</style>\n</head>\n<body>\n<h1>");
	rmpsim__svg_esc(f, title);
	fprintf(f, "</h1>\n");
}
