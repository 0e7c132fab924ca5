/* SPDX-License-Identifier: MIT */
/*
 * The HTML report (report.h rmpsim_report_html): every SVG parsed as XML by a
 * small well-formedness checker (nested tags, quoted attributes, known
 * entities), the page self-contained, the plots' elements and the tables'
 * numbers present, names escaped, the same bytes twice.
 */
#include <ctype.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/report.h>
#include <rmpsim/timeline.h>

/* ---- A small XML well-formedness checker ---- */

static const char *name_end(const char *p)
{
	while (isalnum((unsigned char)*p) || *p == '-' || *p == ':' || *p == '_')
		p++;
	return p;
}

/* Entities the writer may use; anything else after '&' is an error. */
static bool entity_ok(const char *p)
{
	static const char *const known[] = { "&amp;", "&lt;", "&gt;", "&quot;" };
	for (size_t i = 0; i < 4; i++)
		if (!strncmp(p, known[i], strlen(known[i])))
			return true;
	return false;
}

/* 0 when [s, s + n) is one well-formed XML element; else the offset of the first error + 1. */
static size_t xml_check(const char *s, size_t n)
{
	const char *stack[64];
	size_t len[64];
	int depth = 0, roots = 0;
	const char *p = s, *end = s + n;

	while (p < end) {
		if (*p == '&') {
			if (!entity_ok(p))
				return (size_t)(p - s) + 1;
			p++;
			continue;
		}
		if (*p != '<') {
			if (!depth && !isspace((unsigned char)*p))
				return (size_t)(p - s) + 1; /* text outside the root */
			p++;
			continue;
		}
		if (p[1] == '/') { /* </name> */
			const char *nm = p + 2, *ne = name_end(nm);
			if (!depth || ne == nm || *ne != '>' || (size_t)(ne - nm) != len[depth - 1] ||
			    strncmp(nm, stack[depth - 1], len[depth - 1]))
				return (size_t)(p - s) + 1;
			depth--;
			p = ne + 1;
			continue;
		}
		const char *nm = p + 1, *ne = name_end(nm);
		if (ne == nm)
			return (size_t)(p - s) + 1;
		if (!depth && roots++)
			return (size_t)(p - s) + 1; /* a second root */
		p = ne;
		for (;;) { /* attributes */
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '/' && p[1] == '>') {
				p += 2;
				break;
			}
			if (*p == '>') {
				if (depth == 64)
					return (size_t)(p - s) + 1;
				stack[depth] = nm;
				len[depth++] = (size_t)(ne - nm);
				p++;
				break;
			}
			const char *an = p, *ae = name_end(an);
			if (ae == an || ae[0] != '=' || ae[1] != '"')
				return (size_t)(p - s) + 1;
			p = ae + 2;
			while (p < end && *p != '"') {
				if (*p == '<' || (*p == '&' && !entity_ok(p)))
					return (size_t)(p - s) + 1;
				p++;
			}
			if (p >= end)
				return (size_t)(p - s) + 1;
			p++;
		}
	}
	return depth || roots != 1 ? n + 1 : 0;
}

static void checker_catches_what_it_should(void **state)
{
	(void)state;
	const char *good = "<svg a=\"1\"><g><rect x=\"2\"/><text>a &amp; b</text></g></svg>";
	assert_int_equal(xml_check(good, strlen(good)), 0);
	const char *bad[] = {
		"<svg><g></svg></g>",	  "<svg a=1></svg>", "<svg><text>a & b</text></svg>", "<svg>",
		"<svg></svg><svg></svg>", "<svg a=\"<\"/>",  "<svg><rect x=\"1\"></svg>",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(xml_check(bad[i], strlen(bad[i])), 0);
}

/* ---- Reports ---- */

#define NRUNS 3
#define NCPUS 8

struct fixture {
	struct rmpsim_run_result runs[NRUNS];
	struct rmpsim_pass_profile prof[NRUNS];
	uint64_t busy[NRUNS][NCPUS];
	struct rmpsim_uncertainty unc[NRUNS];
	struct rmpsim_report rep;
};

static void fixture(struct fixture *x, bool profiles, bool bands)
{
	static const char *const scn[NRUNS] = { "full", "worst", "empty" };
	memset(x, 0, sizeof(*x));
	for (int i = 0; i < NRUNS; i++) {
		struct rmpsim_run_result *r = &x->runs[i];
		snprintf(r->scenario, sizeof(r->scenario), "%s", scn[i]);
		snprintf(r->policy, sizeof(r->policy), "v10");
		r->backing = (enum rmpsim_backing)(i % 3);
		r->leader_ns = 1000000u * (uint64_t)(i + 1) + 1234;
		r->follower_ns = 3000000u + 777u * (uint64_t)i;
		r->pass_ns = r->leader_ns + r->follower_ns;
		r->leader_cpu = i;
		r->ipis_sent = 100u + (uint64_t)i;
		r->rmpopt_executed = 2048u + (uint64_t)i;
		for (int c = 0; c < NCPUS; c++) /* busiest first, as rmpsim_hist_take_run gives them */
			x->busy[i][c] = (uint64_t)(NCPUS - c) * 100000000u * (uint64_t)(i + 1);
		x->prof[i].busy_ps = x->busy[i];
		x->prof[i].ncpus = NCPUS;
		x->prof[i].irqoff[1] = 5u + (uint64_t)i;
		x->prof[i].irqoff[11] = 2;
		x->prof[i].irqoff_over = (uint64_t)i;
		x->unc[i].ndraws = 8;
		x->unc[i].bands[RMPSIM_UNC_LEADER_NS] =
			(struct rmpsim_band){ r->leader_ns / 2, r->leader_ns, r->leader_ns * 2 };
		x->unc[i].bands[RMPSIM_UNC_FOLLOWER_NS] =
			(struct rmpsim_band){ r->follower_ns / 2, r->follower_ns, r->follower_ns * 2 };
	}
	x->rep = (struct rmpsim_report){
		.version = "0.1.0",
		.machine = "pack:1 <core>:2 & pu:2",
		.profile = "p\"q\".ini",
		.policy = "v10",
		.seed = 42,
		.trace_hash = 0xfeedbeef,
		.runs = x->runs,
		.nruns = NRUNS,
		.uncertainty = bands ? x->unc : NULL,
		.profiles = profiles ? x->prof : NULL,
	};
}

static char *render(const struct rmpsim_report *rep, size_t *ret_len)
{
	char *t = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&t, &n);
	assert_non_null(f);
	assert_int_equal(rmpsim_report_html(f, rep), 0);
	assert_int_equal(fclose(f), 0);
	/* A copy: gcc -O3 takes the stream's buffer for the local it was written through. */
	char *copy = malloc(n + 1);
	assert_non_null(copy);
	memcpy(copy, t, n + 1);
	free(t);
	*ret_len = n;
	return copy;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Every <svg>...</svg> well-formed; returns how many. */
static size_t check_svgs(const char *t)
{
	size_t n = 0;
	for (const char *p = t; (p = strstr(p, "<svg")) != NULL; n++) {
		const char *e = strstr(p, "</svg>");
		assert_non_null(e);
		e += strlen("</svg>");
		size_t bad = xml_check(p, (size_t)(e - p));
		if (bad)
			fail_msg("SVG %zu not well-formed at byte %zu: %.40s", n, bad - 1, p + bad - 1);
		p = e;
	}
	return n;
}

static void page_is_self_contained_with_all_plots(void **state)
{
	(void)state;
	struct fixture x;
	size_t n;
	fixture(&x, true, false);
	char *t = render(&x.rep, &n);
	assert_int_equal(strncmp(t, "<!DOCTYPE html>\n", 16), 0);
	assert_non_null(strstr(t, "</html>\n"));
	assert_int_equal(check_svgs(t), 4);
	/* Nothing loaded from anywhere: no script, no link, no src, no url(). */
	assert_null(strstr(t, "<script"));
	assert_null(strstr(t, "<link"));
	assert_null(strstr(t, "src="));
	assert_null(strstr(t, "url("));
	assert_int_equal(count(t, "http"), count(t, "xmlns=\"http://www.w3.org/2000/svg\""));
	/* What the page states, names escaped. */
	assert_non_null(strstr(t, "<td>pack:1 &lt;core&gt;:2 &amp; pu:2</td>"));
	assert_non_null(strstr(t, "<td>p&quot;q&quot;.ini</td>"));
	assert_non_null(strstr(t, "<td>0.1.0</td>"));
	assert_non_null(strstr(t, "<td>v10</td>"));
	assert_non_null(strstr(t, "<td>42</td>"));
	assert_non_null(strstr(t, "<td>00000000feedbeef</td>"));
	/* The plots' elements: 2 bars per run, a curve of NCPUS points per run, the
	 * histogram's non-empty buckets, 2 phases per run. */
	assert_int_equal(count(t, "<rect class=\"bar\""), 2 * NRUNS + 2 * NRUNS);
	assert_int_equal(count(t, "<polyline class=\"curve\""), NRUNS);
	assert_int_equal(count(t, "<rect class=\"phase\""), 2 * NRUNS);
	assert_null(strstr(t, "class=\"band\""));
	const char *pts = strstr(t, "points=\"");
	assert_non_null(pts);
	assert_int_equal(count(pts, ",") >= NCPUS, true);
	/* The numbers of the plots in the tables. */
	char buf[32], cell[64];
	for (int i = 0; i < NRUNS; i++) {
		snprintf(cell, sizeof(cell), "<td>%s</td>",
			 rmpsim_report_fmt_ns(x.runs[i].leader_ns, buf, sizeof(buf)));
		assert_non_null(strstr(t, cell));
		snprintf(cell, sizeof(cell), "<td>%s</td>",
			 rmpsim_report_fmt_ns(x.runs[i].follower_ns, buf, sizeof(buf)));
		assert_non_null(strstr(t, cell));
		snprintf(cell, sizeof(cell), "<td>%s</td>",
			 rmpsim_report_fmt_ns(x.busy[i][0] / 1000, buf, sizeof(buf)));
		assert_non_null(strstr(t, cell)); /* the busiest CPU */
		snprintf(cell, sizeof(cell), "<td>%" PRIu64 "</td>", x.runs[i].ipis_sent);
		assert_non_null(strstr(t, cell));
	}
	assert_non_null(
		strstr(t, "<tr><td>1</td><td>5</td><td>6</td><td>7</td></tr>")); /* irq-off bucket 1 */
	assert_non_null(strstr(t, "<tr><td>64 or more</td><td>0</td><td>1</td><td>2</td></tr>"));
	free(t);
}

static void bands_are_error_bars(void **state)
{
	(void)state;
	struct fixture x;
	size_t n;
	char buf[32], buf2[32], cell[96];
	fixture(&x, true, true);
	char *t = render(&x.rep, &n);
	assert_int_equal(check_svgs(t), 4);
	assert_int_equal(count(t, "class=\"band\""), 2 * NRUNS);
	const struct rmpsim_band *b = &x.unc[1].bands[RMPSIM_UNC_FOLLOWER_NS];
	snprintf(cell, sizeof(cell), "<td>%s .. %s</td>", rmpsim_report_fmt_ns(b->p5, buf, sizeof(buf)),
		 rmpsim_report_fmt_ns(b->p95, buf2, sizeof(buf2)));
	assert_non_null(strstr(t, cell));
	free(t);
}

/* covers: A383 (the heatmap: shades to 1-2-5 bounds, equal neighbours merged, numbers below) */
static void heatmap_of_a_run_with_its_numbers(void **state)
{
	(void)state;
	struct fixture x;
	size_t n;
	/* 2 rows of 2 CPUs x 4 bins of 1 us, in 1/10,000: row 0 100, 100, 0, 55 %; row 1 idle but 0.2 % */
	uint16_t grid[8] = { 10000, 10000, 0, 5500, 0, 0, 0, 20 };
	fixture(&x, true, false);
	x.prof[0].heat_bp = grid;
	x.prof[0].heat_rows = 2;
	x.prof[0].heat_cols = 4;
	x.prof[0].heat_cpus_per_row = 2;
	x.prof[0].heat_bin_ps = 1000000;
	char *t = render(&x.rep, &n);
	assert_int_equal(check_svgs(t), 5); /* the heatmap of run 0 only */
	/* two full cells merged into one rect, the 55 % cell, the 0.2 % cell; 0 is the background */
	assert_int_equal(count(t, "<rect class=\"heat\""), 3);
	assert_non_null(strstr(t, "fill=\"#041a3d\"")); /* 80-100 % */
	assert_non_null(strstr(t, "fill=\"#08519c\"")); /* 50-80 % */
	assert_non_null(strstr(t, "fill=\"#deebf7\"")); /* up to 0.5 % */
	assert_int_equal(count(t, "class=\"scale\""), 10);
	assert_non_null(
		strstr(t, "<tr><th>0-1</th><td>100.00</td><td>100.00</td><td>0.00</td><td>55.00</td></tr>"));
	assert_non_null(
		strstr(t, "<tr><th>2-3</th><td>0.00</td><td>0.00</td><td>0.00</td><td>0.20</td></tr>"));
	/* the matrix's x labels: scenario and backing on two lines per run */
	assert_int_equal(count(t, "class=\"xlabel\""), 2 * NRUNS);
	free(t);
}

static void without_profiles_two_plots(void **state)
{
	(void)state;
	struct fixture x;
	size_t n;
	fixture(&x, false, false);
	char *t = render(&x.rep, &n);
	assert_int_equal(check_svgs(t), 2);
	assert_null(strstr(t, "<polyline"));
	free(t);
}

/* Issue 17: the co-tenant stretches, plotted for the runs that had vCPUs, every count in the tables. */
static void cotenant_stretches_of_runs_with_vcpus(void **state)
{
	(void)state;
	struct fixture x;
	size_t n;
	fixture(&x, false, false);
	struct rmpsim_cotenant_result *c = &x.runs[1].cotenant; /* worst 2M */
	c->vcpus = 6;
	c->hist[1] = 18;
	c->hist[3] = 2;
	c->hist_over = 1;
	c->interruptions = 21;
	c->interruptions_max = 9;
	c->interruptions_max_cpu = 2;
	c->stolen_ns = 24300;
	c->stolen_max_ns = 12150;
	c->stolen_max_cpu = 2;
	c->stretch_max_ns = 70000;
	c->stretch_max_cpu = 3;
	char *t = render(&x.rep, &n);
	assert_int_equal(check_svgs(t), 3); /* the matrix, the co-tenant histogram, the timeline */
	assert_non_null(strstr(t, "<h2>Co-tenant stretches out of the guest during the pass</h2>"));
	/* bars for buckets 1 and 3 only (the matrix has 2 per run) */
	assert_int_equal(count(t, "<rect class=\"bar\""), 2 * NRUNS + 2);
	assert_non_null(strstr(t, "<tr><th>length (us)</th><th>worst 2M</th></tr>"));
	assert_non_null(strstr(t, "<tr><td>1</td><td>18</td></tr>"));
	assert_non_null(strstr(t, "<tr><td>2</td><td>0</td></tr>"));
	assert_non_null(strstr(t, "<tr><td>3</td><td>2</td></tr>"));
	assert_null(strstr(t, "<tr><td>4</td>"));
	assert_non_null(strstr(t, "<tr><td>64 or more</td><td>1</td></tr>"));
	assert_non_null(strstr(t, "<tr><td>worst 2M</td><td>6</td><td>21</td><td>9 (CPU 2)</td><td>24.300 "
				  "us</td><td>12.150 us (CPU 2)</td><td>70.000 us (CPU 3)</td></tr>"));
	/* runs without vCPUs are not in it */
	const char *from = strstr(t, "<h2>Co-tenant"), *to = strstr(t, "<h2>Timeline");
	assert_true(from && to && from < to);
	for (const char *p = from; (p = strstr(p, "full 4K")) != NULL; p++)
		assert_true(p > to);
	free(t);
	c->vcpus = 0;
	t = render(&x.rep, &n);
	assert_null(strstr(t, "Co-tenant"));
	assert_int_equal(check_svgs(t), 2);
	free(t);
}

static void same_report_same_bytes(void **state)
{
	(void)state;
	struct fixture x;
	size_t n1, n2;
	fixture(&x, true, true);
	char *a = render(&x.rep, &n1), *b = render(&x.rep, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(a, b, n1);
	free(a);
	free(b);
}

/* ---- Sweep figures (rmpsim_report_sweep_html) ---- */

static char *render_sweep(const struct rmpsim_sweep_plot *p)
{
	char *t = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&t, &n);
	assert_non_null(f);
	assert_int_equal(rmpsim_report_sweep_html(f, p), 0);
	assert_int_equal(fclose(f), 0);
	char *copy = malloc(n + 1);
	assert_non_null(copy);
	memcpy(copy, t, n + 1);
	free(t);
	return copy;
}

/* The n-th "cx" of a circle in t (0-based), or -1. */
static long nth_attr(const char *t, const char *attr, size_t n)
{
	const char *p = t;
	for (size_t i = 0; i <= n; i++) {
		p = strstr(p, attr);
		if (!p)
			return -1;
		p += strlen(attr);
	}
	return strtol(p, NULL, 10);
}

static void sweep_figure_lines_bands_and_table(void **state)
{
	(void)state;
	/* x: 1, 2, 4 (to scale); two lines; line 1 has no point at x = 2. */
	static const char *const xs[] = { "1", "2", "4" };
	static const int64_t xm[] = { 1000, 2000, 4000 };
	static const char *const ls[] = { "v10", "<p&q>" };
	const struct rmpsim_sweep_point pts[] = {
		{ 3, 1000, 2000, 3000 }, { 3, 1500, 2500, 3500 }, { 3, 2000, 3000, 4000 },
		{ 1, 500, 500, 500 },	 { 0, 0, 0, 0 },	  { 2, 700, 900, 1100 },
	};
	const struct rmpsim_sweep_figure fig = {
		.x_axis = "machine.cores_per_l3",
		.line_axis = "policy",
		.nx = 3,
		.nlines = 2,
		.x_labels = xs,
		.x_milli = xm,
		.line_labels = ls,
		.points = pts,
	};
	const char *axes[] = { "machine.cores_per_l3", "policy" };
	const struct rmpsim_sweep_plot plot = { .version = "0.1.0",
						.metric = "pass_ns",
						.nconfigs = 12,
						.nruns = 12,
						.axes = axes,
						.naxes = 2,
						.figures = &fig,
						.nfigures = 1 };
	char *t = render_sweep(&plot);
	assert_int_equal(strncmp(t, "<!DOCTYPE html>\n", 16), 0);
	assert_int_equal(check_svgs(t), 1);
	assert_null(strstr(t, "<script"));
	assert_int_equal(count(t, "<polyline class=\"line\""), 2);
	assert_int_equal(count(t, "<polygon class=\"band\""), 2);
	assert_int_equal(count(t, "<circle class=\"point\""), 5); /* the empty point has none */
	/* Names escaped; the legend gives each line's value. */
	assert_non_null(strstr(t, "&lt;p&amp;q&gt;"));
	assert_null(strstr(t, "<p&q>"));
	assert_non_null(strstr(t, "pass_ns against machine.cores_per_l3, one line per policy"));
	/* To scale: 2 lies a third of the way from 1 to 4. */
	long x0 = nth_attr(t, "cx=\"", 0), x1 = nth_attr(t, "cx=\"", 1), x2 = nth_attr(t, "cx=\"", 2);
	assert_true(x0 < x1 && x1 < x2);
	assert_true(labs((x1 - x0) * 2 - (x2 - x1)) <= 1);
	/* Higher values higher up: the p50s of line 0 rise. */
	long y0 = nth_attr(t, "cy=\"", 0), y2 = nth_attr(t, "cy=\"", 2);
	assert_true(y2 < y0);
	/* The table: p50 (p5 .. p95), n; "-" where no configuration ran. */
	assert_non_null(strstr(t, "<td>2.000 us (1.000 us .. 3.000 us), 3</td>"));
	assert_non_null(strstr(t, "<td>900 ns (700 ns .. 1.100 us), 2</td>"));
	assert_non_null(strstr(t, "<td>-</td>"));
	char *again = render_sweep(&plot);
	assert_string_equal(t, again); /* the same bytes */
	free(again);
	free(t);
}

static void sweep_categories_and_nothing_varied(void **state)
{
	(void)state;
	static const char *const xs[] = { "v10", "percpu" };
	const struct rmpsim_sweep_point pts[] = { { 1, 10, 10, 10 }, { 1, 20, 20, 20 } };
	const struct rmpsim_sweep_figure fig = {
		.x_axis = "policy", .nx = 2, .nlines = 1, .x_labels = xs, .points = pts
	};
	const char *axes[] = { "policy" };
	struct rmpsim_sweep_plot plot = { .version = "0.1.0",
					  .metric = "ipis_sent",
					  .nconfigs = 2,
					  .nruns = 2,
					  .axes = axes,
					  .naxes = 1,
					  .figures = &fig,
					  .nfigures = 1 };
	char *t = render_sweep(&plot);
	assert_int_equal(check_svgs(t), 1);
	assert_int_equal(count(t, "<polyline class=\"line\""), 1);
	assert_non_null(strstr(t, "ipis_sent against policy</h2>"));
	assert_non_null(strstr(t, "<td>20 (20 .. 20), 1</td>")); /* not a time: a plain count */
	/* Categories share the width equally. */
	long x0 = nth_attr(t, "cx=\"", 0), x1 = nth_attr(t, "cx=\"", 1);
	assert_true(x0 > 0 && x1 > x0);
	free(t);
	plot.nfigures = 0;
	plot.naxes = 0;
	t = render_sweep(&plot);
	assert_int_equal(check_svgs(t), 0);
	assert_non_null(strstr(t, "vary no axis"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checker_catches_what_it_should),
		cmocka_unit_test(page_is_self_contained_with_all_plots),
		cmocka_unit_test(bands_are_error_bars),
		cmocka_unit_test(without_profiles_two_plots),
		cmocka_unit_test(heatmap_of_a_run_with_its_numbers),
		cmocka_unit_test(cotenant_stretches_of_runs_with_vcpus),
		cmocka_unit_test(same_report_same_bytes),
		cmocka_unit_test(sweep_figure_lines_bands_and_table),
		cmocka_unit_test(sweep_categories_and_nothing_varied),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
