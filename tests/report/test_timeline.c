/* SPDX-License-Identifier: MIT */
/*
 * The Chrome trace event JSON (timeline.h) of real runs on a small machine,
 * read back with jansson and checked against the format's rules: required
 * fields, ts exact to the ns (three decimals), ts monotonic and slices nested
 * on every thread, names for every process and thread; then against the run:
 * the pass's RMPOPTs by kind, the filters, the trace hash.
 * covers: A250 (nesting, ns-exact times), A251 (the counters' fields)
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include <rmpsim/machine.h>
#include <rmpsim/timeline.h>
#include <rmpsim/workload.h>

#include "profile_eq.h"

#define MACHINE "pack:2 numa:2 core:4 pu:2" /* 32 CPUs, 4 nodes, 2 sockets */
#define NCPUS	32

struct traced {
	char *text;
	size_t len;
	json_t *root;
	struct rmpsim_run_result res;
	int close_err;
	char err[200];
};

static void trace_run(const char *scenario, enum rmpsim_backing b, const struct rmpsim_tl_filter *flt,
		      struct traced *t)
{
	struct rmpsim_scenario s;
	struct rmpsim_trace_json *tj = NULL;
	memset(t, 0, sizeof(*t));
	FILE *f = open_memstream(&t->text, &t->len);
	assert_non_null(f);
	assert_int_equal(rmpsim_trace_json_open(NULL, f, flt, NULL, NULL, &tj), 0);
	assert_int_equal(rmpsim_scenario_builtin(scenario, b, NULL, &s), 0);
	struct rmpsim_run_options opt = { .machine = MACHINE,
					  .trace = rmpsim_trace_json_hook,
					  .trace_ctx = tj };
	rmpsim_trace_json_begin_run(tj, "test run");
	assert_int_equal(rmpsim_workload_run(&s, &opt, NULL, &t->res, NULL), 0);
	rmpsim_trace_json_end_run(tj);
	rmpsim_scenario_free(&s);
	t->close_err = rmpsim_trace_json_close(tj, t->err, sizeof(t->err));
	assert_int_equal(fclose(f), 0);
	json_error_t e;
	t->root = json_loadb(t->text, t->len, 0, &e);
	if (!t->root)
		fail_msg("not JSON: %s at line %d col %d", e.text, e.line, e.column);
}

static void traced_free(struct traced *t)
{
	json_decref(t->root);
	free(t->text);
}

/* ts and dur as integer ns; they must be written with three decimals. */
static uint64_t ns_of(const json_t *v)
{
	assert_true(json_is_real(v));
	double d = json_real_value(v) * 1000.0;
	return (uint64_t)(d + 0.5);
}

static void raw_times_have_three_decimals(const struct traced *t)
{
	for (const char *p = t->text; (p = strstr(p, "\"ts\":")) != NULL; p += 5) {
		const char *q = p + 5;
		while (*q >= '0' && *q <= '9')
			q++;
		assert_true(q > p + 5);
		assert_int_equal(*q, '.');
		assert_true(q[1] >= '0' && q[1] <= '9' && q[2] >= '0' && q[2] <= '9' && q[3] >= '0' &&
			    q[3] <= '9');
		assert_true(q[4] == ',' || q[4] == '}');
	}
}

#define MAX_THREADS 64

struct thread_state {
	json_int_t pid, tid;
	uint64_t last_ts;
	uint64_t stack[16]; /* ends of the open slices */
	int depth;
	bool named;
};

struct summary {
	size_t slices, counters, meta;
	size_t rmpopt[3]; /* scan, early exit, cached, inside the measured pass */
	size_t rmpopt_all, handlers, handlers_empty;
	bool tids[MAX_THREADS];
	uint64_t regions_seen_mask;
	uint64_t pass_start, pass_end; /* the last pass slice */
};

static struct thread_state *thread(struct thread_state *th, size_t *n, json_int_t pid, json_int_t tid)
{
	for (size_t i = 0; i < *n; i++)
		if (th[i].pid == pid && th[i].tid == tid)
			return &th[i];
	assert_true(*n < MAX_THREADS);
	th[*n] = (struct thread_state){ .pid = pid, .tid = tid };
	return &th[(*n)++];
}

/* Every rule of the format we rely on; a summary for the checks against the run. */
static void check_format(const struct traced *t, struct summary *sm)
{
	struct thread_state th[MAX_THREADS];
	size_t nth = 0;
	json_t *ev, *e;
	size_t i;

	memset(sm, 0, sizeof(*sm));
	assert_true(json_is_object(t->root));
	assert_string_equal(json_string_value(json_object_get(t->root, "displayTimeUnit")), "ns");
	ev = json_object_get(t->root, "traceEvents");
	assert_true(json_is_array(ev));
	raw_times_have_three_decimals(t);
	/* Pass 1: metadata names every process and thread. */
	json_array_foreach(ev, i, e)
	{
		const char *ph = json_string_value(json_object_get(e, "ph"));
		assert_non_null(ph);
		assert_non_null(json_string_value(json_object_get(e, "name")));
		assert_true(json_is_integer(json_object_get(e, "pid")));
		if (strcmp(ph, "M"))
			continue;
		sm->meta++;
		const char *what = json_string_value(json_object_get(e, "name"));
		json_t *args = json_object_get(e, "args");
		assert_true(json_is_object(args));
		if (!strcmp(what, "thread_name")) {
			json_int_t tid = json_integer_value(json_object_get(e, "tid"));
			char want[32];
			snprintf(want, sizeof(want), "CPU %" PRId64, (int64_t)tid);
			assert_string_equal(json_string_value(json_object_get(args, "name")), want);
			thread(th, &nth, json_integer_value(json_object_get(e, "pid")), tid)->named = true;
		}
	}
	/* Pass 2: slices and counters. */
	json_array_foreach(ev, i, e)
	{
		const char *ph = json_string_value(json_object_get(e, "ph"));
		const char *name = json_string_value(json_object_get(e, "name"));
		if (!strcmp(ph, "C")) {
			sm->counters++;
			json_t *args = json_object_get(e, "args");
			assert_true(json_is_integer(json_object_get(args, "RMP lines read")));
			assert_true(json_is_integer(json_object_get(args, "regions optimised")));
			ns_of(json_object_get(e, "ts"));
			continue;
		}
		if (strcmp(ph, "X"))
			continue;
		sm->slices++;
		assert_true(json_is_integer(json_object_get(e, "tid")));
		struct thread_state *s = thread(th, &nth, json_integer_value(json_object_get(e, "pid")),
						json_integer_value(json_object_get(e, "tid")));
		assert_true(s->named);
		uint64_t ts = ns_of(json_object_get(e, "ts")), dur = ns_of(json_object_get(e, "dur"));
		assert_true(ts >= s->last_ts); /* monotonic per thread */
		s->last_ts = ts;
		while (s->depth && s->stack[s->depth - 1] <= ts)
			s->depth--;
		if (s->depth && ts + dur > s->stack[s->depth - 1])
			fail_msg("%s at %" PRIu64 " ns (+%" PRIu64 ") overlaps its parent ending at %" PRIu64,
				 name, ts, dur, s->stack[s->depth - 1]);
		assert_true(s->depth < 16);
		s->stack[s->depth++] = ts + dur;
		if (s->tid >= 0 && s->tid < MAX_THREADS)
			sm->tids[s->tid] = true;
		json_t *args = json_object_get(e, "args");
		if (!strcmp(name, "rmpopt pass (work item)")) {
			sm->pass_start = ts;
			sm->pass_end = ts + dur;
		}
		if (!strcmp(name, "IPI handler (irqs off)"))
			sm->handlers++;
		if (!strncmp(name, "RMPOPT", 6)) {
			sm->rmpopt_all++;
			json_int_t region = json_integer_value(json_object_get(args, "region"));
			if (region < 64)
				sm->regions_seen_mask |= 1ull << region;
			assert_true(json_is_integer(json_object_get(args, "lines")));
		}
	}
	/* The measured pass is the last one: its RMPOPTs by kind. */
	json_array_foreach(ev, i, e)
	{
		const char *name = json_string_value(json_object_get(e, "name"));
		if (strcmp(json_string_value(json_object_get(e, "ph")), "X") || strncmp(name, "RMPOPT ", 7))
			continue;
		uint64_t ts = ns_of(json_object_get(e, "ts"));
		if (ts < sm->pass_start || ts > sm->pass_end)
			continue;
		if (!strcmp(name, "RMPOPT scan"))
			sm->rmpopt[0]++;
		else if (!strcmp(name, "RMPOPT early exit"))
			sm->rmpopt[1]++;
		else if (!strcmp(name, "RMPOPT cached"))
			sm->rmpopt[2]++;
		else
			fail_msg("unknown RMPOPT slice %s", name);
	}
}

static void full_run_is_valid_and_matches_the_pass(void **state)
{
	(void)state;
	struct traced t;
	struct summary sm;
	trace_run("full", RMPSIM_BACKING_4K, NULL, &t);
	assert_int_equal(t.close_err, 0);
	check_format(&t, &sm);
	assert_true(sm.slices > 0 && sm.counters > 0 && sm.meta >= 4 * 2 + NCPUS * 2);
	assert_true(sm.pass_end > sm.pass_start);
	/* The pass slice spans the measured pass: the report's pass time, to the ns. */
	assert_true(sm.pass_end - sm.pass_start <= t.res.pass_ns + 1 &&
		    sm.pass_end - sm.pass_start + 1 >= t.res.pass_ns);
	assert_int_equal(sm.rmpopt[0], t.res.rmpopt_scanned);
	assert_int_equal(sm.rmpopt[1], t.res.rmpopt_early_exit);
	assert_int_equal(sm.rmpopt[2], t.res.rmpopt_cache_hit);
	assert_true(sm.rmpopt[0] + sm.rmpopt[1] > 0);
	for (unsigned c = 0; c < NCPUS; c++)
		assert_true(sm.tids[c]); /* every CPU of the machine ran something */
	traced_free(&t);
}

static void cached_results_show_as_cached(void **state)
{
	(void)state;
	struct traced t;
	struct summary sm;
	trace_run("empty-again", RMPSIM_BACKING_2M, NULL, &t);
	assert_int_equal(t.close_err, 0);
	check_format(&t, &sm);
	assert_int_equal(sm.rmpopt[0], t.res.rmpopt_scanned);
	assert_int_equal(sm.rmpopt[1], t.res.rmpopt_early_exit);
	assert_int_equal(sm.rmpopt[2], t.res.rmpopt_cache_hit);
	traced_free(&t);
}

static void tracing_leaves_the_trace_hash_alone(void **state)
{
	(void)state;
	struct rmpsim_scenario s;
	struct rmpsim_run_result plain;
	/* A traced run sends every IPI step by step (docs/timing.md "Rounds"):
	 * it must hash as the plain run does with --trace-detail. */
	struct rmpsim_run_options opt = { .machine = MACHINE, .trace_detail = true };
	struct traced t;
	assert_int_equal(rmpsim_scenario_builtin("full", RMPSIM_BACKING_4K, NULL, &s), 0);
	assert_int_equal(rmpsim_workload_run(&s, &opt, NULL, &plain, NULL), 0);
	rmpsim_scenario_free(&s);
	trace_run("full", RMPSIM_BACKING_4K, NULL, &t);
	assert_int_equal(plain.trace_hash, t.res.trace_hash);
	assert_int_equal(plain.pass_ns, t.res.pass_ns);
	traced_free(&t);
}

static int desc_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x > y ? -1 : x < y;
}

/* covers: A383 (busy per CPU group and time bin adds up to each CPU's busy time) */
static void heatmap_grid_adds_up_to_the_busy_time(void **state)
{
	(void)state;
	struct rmpsim_scenario s;
	struct rmpsim_hist *h = NULL;
	struct rmpsim_run_result res;
	struct rmpsim_pass_profile p;
	assert_int_equal(rmpsim_hist_create(NULL, &h), 0);
	assert_int_equal(rmpsim_scenario_builtin("full", RMPSIM_BACKING_4K, NULL, &s), 0);
	struct rmpsim_run_options opt = { .machine = MACHINE, .trace = rmpsim_hist_hook, .trace_ctx = h };
	assert_int_equal(rmpsim_workload_run(&s, &opt, NULL, &res, NULL), 0);
	assert_int_equal(rmpsim_hist_take_run(h, &p), 0);
	assert_non_null(p.heat_bp);
	assert_int_equal(p.heat_rows * p.heat_cpus_per_row, NCPUS); /* 32 rows of one CPU */
	assert_true(p.heat_cols > 32 / 2 && p.heat_cols <= 64);
	/* the bins cover the pass: the last one is cut by its end */
	assert_true(p.heat_bin_ps * (p.heat_cols - 1) < res.pass_ns * 1000 + 1000);
	assert_true(p.heat_bin_ps * p.heat_cols >= res.pass_ns * 1000);
	/* one CPU a row here: each row's busy time adds up to a CPU's busy time, and the
	 * rows' totals, sorted, are the busy curve */
	uint64_t row[NCPUS];
	for (unsigned r = 0; r < p.heat_rows; r++) {
		row[r] = 0;
		for (unsigned k = 0; k < p.heat_cols; k++) {
			uint64_t w =
				k + 1 == p.heat_cols ? res.pass_ns * 1000 - p.heat_bin_ps * k : p.heat_bin_ps;
			row[r] += p.heat_bp[r * p.heat_cols + k] * w / 10000;
		}
	}
	qsort(row, NCPUS, sizeof(row[0]), desc_u64);
	/* each cell is rounded to 0.01 %: within half of that of every bin */
	uint64_t slack = p.heat_cols * p.heat_bin_ps / 20000 + 1;
	assert_true(p.busy_ps[0] > 0);
	for (unsigned c = 0; c < NCPUS; c++)
		assert_true(row[c] + slack >= p.busy_ps[c] && row[c] <= p.busy_ps[c] + slack);
	rmpsim_pass_profile_free(&p);
	rmpsim_hist_destroy(h);
	rmpsim_scenario_free(&s);
}

/* The histograms behind a hook that counts the kinds it is given. */
struct kind_counter {
	struct rmpsim_hist *h;
	uint64_t n[32];
};

static void count_kinds(void *ctx, struct rmpsim_sim *sim, const struct rmpsim_trace_rec *rec)
{
	struct kind_counter *k = ctx;
	k->n[rec->kind]++;
	rmpsim_hist_hook(k->h, sim, rec);
}

/* One run of "full" 4K with the histograms on every record (kinds 0) or on kinds. */
static void hist_run(uint32_t kinds, struct kind_counter *k, struct rmpsim_pass_profile *p, char **text)
{
	struct rmpsim_scenario s;
	struct rmpsim_run_result res;
	size_t len;
	memset(k, 0, sizeof(*k));
	assert_int_equal(rmpsim_hist_create(NULL, &k->h), 0);
	assert_int_equal(rmpsim_scenario_builtin("full", RMPSIM_BACKING_4K, NULL, &s), 0);
	struct rmpsim_run_options opt = {
		.machine = MACHINE, .trace = count_kinds, .trace_ctx = k, .trace_kinds = kinds
	};
	assert_int_equal(rmpsim_workload_run(&s, &opt, NULL, &res, NULL), 0);
	assert_int_equal(rmpsim_hist_take_run(k->h, p), 0);
	FILE *f = open_memstream(text, &len);
	assert_non_null(f);
	assert_int_equal(rmpsim_hist_write_run(k->h, f, "full 4K"), 0);
	assert_int_equal(fclose(f), 0);
	rmpsim_hist_destroy(k->h);
	rmpsim_scenario_free(&s);
}

/* The hook sees only the kinds asked for, and the histograms (--hist, --html) need no others. */
static void hist_kinds_are_all_the_histograms_read(void **state)
{
	(void)state;
	struct kind_counter all, some;
	struct rmpsim_pass_profile pa, ps;
	char *ta, *ts;
	hist_run(0, &all, &pa, &ta);
	hist_run(RMPSIM_HIST_TRACE_KINDS, &some, &ps, &ts);
	unsigned others = 0;
	for (unsigned kind = 0; kind < 32; kind++) {
		if (RMPSIM_HIST_TRACE_KINDS & RMPSIM_TRACE_KIND_BIT(kind))
			assert_int_equal(some.n[kind], all.n[kind]);
		else
			assert_int_equal(some.n[kind], 0);
		others += !(RMPSIM_HIST_TRACE_KINDS & RMPSIM_TRACE_KIND_BIT(kind)) && all.n[kind];
	}
	assert_true(all.n[RMPSIM_TRACE_IRQOFF] > 0 && others > 0); /* the filter left something out */
	assert_string_equal(ta, ts);
	assert_non_null(pa.heat_bp);
	assert_profiles_equal(&pa, &ps);
	rmpsim_pass_profile_free(&pa);
	rmpsim_pass_profile_free(&ps);
	free(ta);
	free(ts);
}

static void same_run_same_bytes(void **state)
{
	(void)state;
	struct traced a, b;
	trace_run("worst", RMPSIM_BACKING_4K, NULL, &a);
	trace_run("worst", RMPSIM_BACKING_4K, NULL, &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.text, b.text, a.len);
	traced_free(&a);
	traced_free(&b);
}

static void cpu_filter_keeps_only_those_threads(void **state)
{
	(void)state;
	struct rmpsim_tl_filter flt = { 0 };
	char err[200];
	struct traced t;
	struct summary sm;
	assert_int_equal(rmpsim_tl_set_parse("1,9-10", 8191, &flt.cpus, err, sizeof(err)), 0);
	trace_run("full", RMPSIM_BACKING_4K, &flt, &t);
	assert_int_equal(t.close_err, 0);
	check_format(&t, &sm);
	for (unsigned c = 0; c < NCPUS; c++)
		assert_int_equal(sm.tids[c], c == 1 || c == 9 || c == 10);
	assert_true(sm.rmpopt_all > 0);
	traced_free(&t);
}

static void region_filter_keeps_only_those_rmpopts(void **state)
{
	(void)state;
	struct rmpsim_tl_filter flt = { 0 };
	char err[200];
	struct traced all, t;
	struct summary sa, sm;
	trace_run("full", RMPSIM_BACKING_4K, NULL, &all);
	check_format(&all, &sa);
	assert_true(sa.regions_seen_mask & 2);
	assert_int_equal(rmpsim_tl_set_parse("1", 1u << 21, &flt.regions, err, sizeof(err)), 0);
	trace_run("full", RMPSIM_BACKING_4K, &flt, &t);
	assert_int_equal(t.close_err, 0);
	check_format(&t, &sm);
	assert_int_equal(sm.regions_seen_mask, 2); /* region 1 only */
	assert_true(sm.rmpopt_all > 0 && sm.rmpopt_all < sa.rmpopt_all);
	assert_true(sm.handlers > 0 && sm.handlers < sa.handlers);
	traced_free(&all);
	traced_free(&t);
}

static void filter_selecting_nothing_says_so(void **state)
{
	(void)state;
	struct rmpsim_tl_filter flt = { 0 };
	char err[200];
	struct traced t;
	assert_int_equal(rmpsim_tl_set_parse("32-100", 8191, &flt.cpus, err, sizeof(err)), 0);
	trace_run("worst", RMPSIM_BACKING_4K, &flt, &t);
	assert_int_equal(t.close_err, -ENOENT);
	assert_non_null(strstr(t.err, "--trace-cpus"));
	traced_free(&t);
	memset(&flt, 0, sizeof(flt));
	assert_int_equal(rmpsim_tl_set_parse("1000-2000", 1u << 21, &flt.regions, err, sizeof(err)), 0);
	trace_run("worst", RMPSIM_BACKING_4K, &flt, &t);
	assert_int_equal(t.close_err, -ENOENT);
	assert_non_null(strstr(t.err, "--trace-regions"));
	traced_free(&t);
}

static void set_parse_accepts_cpulists_and_refuses_the_rest(void **state)
{
	(void)state;
	struct rmpsim_tl_set s;
	char err[200];
	assert_int_equal(rmpsim_tl_set_parse("0-3,8,16-31", 100, &s, err, sizeof(err)), 0);
	assert_int_equal(s.n, 3);
	assert_true(rmpsim_tl_set_has(&s, 0) && rmpsim_tl_set_has(&s, 3) && rmpsim_tl_set_has(&s, 8));
	assert_false(rmpsim_tl_set_has(&s, 4) || rmpsim_tl_set_has(&s, 32));
	assert_int_equal(rmpsim_tl_set_parse("3-1", 100, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "column 3"));
	assert_int_equal(rmpsim_tl_set_parse("1,,2", 100, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "column 3"));
	assert_int_equal(rmpsim_tl_set_parse("101", 100, &s, err, sizeof(err)), -EINVAL);
	assert_int_equal(rmpsim_tl_set_parse("", 100, &s, err, sizeof(err)), -EINVAL);
	assert_int_equal(rmpsim_tl_set_parse("1-", 100, &s, err, sizeof(err)), -EINVAL);
	assert_int_equal(rmpsim_tl_set_parse("x", 100, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "column 1"));
}

static void us_format_is_exact_integer_ns(void **state)
{
	(void)state;
	char b[32];
	assert_string_equal(rmpsim_tl_fmt_us(0, b, sizeof(b)), "0.000");
	assert_string_equal(rmpsim_tl_fmt_us(999, b, sizeof(b)), "0.000"); /* truncated to the ns */
	assert_string_equal(rmpsim_tl_fmt_us(1000, b, sizeof(b)), "0.001");
	assert_string_equal(rmpsim_tl_fmt_us(1234567890, b, sizeof(b)), "1234.567");
	/* Past 2^53 ns a double would round; the text does not. */
	assert_string_equal(rmpsim_tl_fmt_us(UINT64_MAX, b, sizeof(b)), "18446744073709.551");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(us_format_is_exact_integer_ns),
		cmocka_unit_test(set_parse_accepts_cpulists_and_refuses_the_rest),
		cmocka_unit_test(full_run_is_valid_and_matches_the_pass),
		cmocka_unit_test(cached_results_show_as_cached),
		cmocka_unit_test(tracing_leaves_the_trace_hash_alone),
		cmocka_unit_test(same_run_same_bytes),
		cmocka_unit_test(heatmap_grid_adds_up_to_the_busy_time),
		cmocka_unit_test(hist_kinds_are_all_the_histograms_read),
		cmocka_unit_test(cpu_filter_keeps_only_those_threads),
		cmocka_unit_test(region_filter_keeps_only_those_rmpopts),
		cmocka_unit_test(filter_selecting_nothing_says_so),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
