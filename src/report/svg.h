/* SPDX-License-Identifier: MIT */
/*
 * The SVG drawing of the HTML reports (html.c, sweep_html.c): one plot area in
 * a 1000 x 320 viewBox, integer coordinates only, so that the same numbers
 * give the same bytes. Private to the report layer.
 */
#ifndef RMPSIM_REPORT_SVG_H
#define RMPSIM_REPORT_SVG_H

#include <stdint.h>
#include <stdio.h>

#define RMPSIM_SVG_W	   1000 /* viewBox width */
#define RMPSIM_SVG_H	   320	/* viewBox height */
#define RMPSIM_SVG_LEFT	   90	/* plot area */
#define RMPSIM_SVG_RIGHT   980
#define RMPSIM_SVG_TOP	   30
#define RMPSIM_SVG_BOTTOM  260
#define RMPSIM_SVG_NCOLORS 6

extern const char *const rmpsim__svg_colors[RMPSIM_SVG_NCOLORS];

/* Text for HTML and SVG: & < > " escaped. */
void rmpsim__svg_esc(FILE *f, const char *s);
/* y of value v on a 0..max axis (max > 0). */
long rmpsim__svg_y_of(uint64_t v, uint64_t max);
/* A round upper bound for an axis: 1, 2 or 5 x 10^k, at least v. */
uint64_t rmpsim__svg_nice_max(uint64_t v);
/* The unit of a time axis in ns up to max: "ms", "us" or "ns", its divisor in *div. */
const char *rmpsim__svg_time_unit(uint64_t max, uint64_t *div);
/* <svg> with its title and the two axis lines. */
void rmpsim__svg_open(FILE *f, const char *title);
/* Y axis: 0, max/2, max with labels, and the axis title. */
void rmpsim__svg_y_axis(FILE *f, uint64_t max, const char *unit_label, uint64_t unit_div, const char *title);
/* The page up to and including its <h1>title</h1>: one style for every report page. */
void rmpsim__svg_page_open(FILE *f, const char *title);
/* Legend entry i (four to a row above the plot). */
void rmpsim__svg_legend(FILE *f, int i, const char *color, const char *label);

#endif
