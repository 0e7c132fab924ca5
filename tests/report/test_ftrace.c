/* SPDX-License-Identifier: MIT */
/*
 * The --ftrace writer (timeline.h) on real runs of a small machine: the text
 * is the same whatever the chunk of events held in memory (a chunk of 3
 * spills hundreds of sorted runs and merges them in stages), the observer
 * records (ipi_send_cpumask / ipi_send_cpu, workqueue_*) are there with the
 * real events' fields, and they leave the trace hash alone.
 * covers: A380 (callback/callsite names), A381 (work struct numbers), A382
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/timeline.h>
#include <rmpsim/workload.h>

#define MACHINE "pack:2 numa:2 core:4 pu:2" /* 32 CPUs */

struct text {
	char *s;
	size_t len;
	struct rmpsim_run_result res;
};

static void ftrace_run(const char *scenario, size_t chunk, struct text *t)
{
	struct rmpsim_scenario s;
	struct rmpsim_ftrace *ft = NULL;
	memset(t, 0, sizeof(*t));
	FILE *f = open_memstream(&t->s, &t->len);
	assert_non_null(f);
	assert_int_equal(rmpsim_ftrace_create(NULL, &ft), 0);
	rmpsim_ftrace_set_chunk(ft, chunk);
	assert_int_equal(rmpsim_scenario_builtin(scenario, RMPSIM_BACKING_4K, NULL, &s), 0);
	struct rmpsim_run_options opt = { .machine = MACHINE, .trace = rmpsim_ftrace_hook, .trace_ctx = ft };
	assert_int_equal(rmpsim_workload_run(&s, &opt, NULL, &t->res, NULL), 0);
	assert_int_equal(rmpsim_ftrace_write_run(ft, f, "test"), 0);
	rmpsim_ftrace_destroy(ft);
	rmpsim_scenario_free(&s);
	assert_int_equal(fclose(f), 0);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void small_chunks_give_the_same_text(void **state)
{
	(void)state;
	struct text one, many;
	ftrace_run("full", 0, &one);
	ftrace_run("full", 3, &many);
	/* 3 events a run: the run is about a thousand lines, so > 64 runs (a staged merge) */
	assert_true(count(one.s, "\n") > 3 * 64 * 2);
	assert_int_equal(one.len, many.len);
	assert_memory_equal(one.s, many.s, one.len);
	free(one.s);
	free(many.s);
}

static void ipi_sends_and_work_items_are_traced(void **state)
{
	(void)state;
	struct text t;
	ftrace_run("full", 0, &t);
	/* the v10 pass: one send per region to the 15 other primary threads (32-bit mask) */
	assert_non_null(strstr(t.s, "ipi_send_cpumask:    cpumask="));
	assert_non_null(strstr(t.s, " callback=rmpopt_smp"));
	assert_non_null(strstr(t.s, "callsite=rmpopt_v10_work_handler"));
	/* the work item: queued on rmpopt_wq, unbound, run by a kworker */
	assert_non_null(strstr(t.s, "workqueue_queue_work: work struct=0000000000000001 function="
				    "rmpopt_v10_work_handler workqueue=rmpopt_wq req_cpu=8192 cpu=-1"));
	size_t starts = count(t.s, "workqueue_execute_start: work struct 0000000000000001: function "
				   "rmpopt_v10_work_handler");
	assert_true(starts >= 2); /* the first pass at setup, the measured one after the teardowns */
	assert_int_equal(starts, count(t.s, "workqueue_execute_end: work struct 0000000000000001: function "
					    "rmpopt_v10_work_handler"));
	/* every send of the pass is followed by handlers: entries outnumber sends */
	assert_true(count(t.s, "ipi_entry:") > count(t.s, "ipi_send_cpumask:"));
	free(t.s);
}

static void observers_leave_the_trace_hash_alone(void **state)
{
	(void)state;
	struct rmpsim_scenario s;
	struct rmpsim_run_result plain;
	/* A traced run sends every IPI step by step (docs/timing.md "Rounds"):
	 * it must hash as the plain run does with --trace-detail. */
	struct rmpsim_run_options opt = { .machine = MACHINE, .trace_detail = true };
	struct text t;
	assert_int_equal(rmpsim_scenario_builtin("full", RMPSIM_BACKING_4K, NULL, &s), 0);
	assert_int_equal(rmpsim_workload_run(&s, &opt, NULL, &plain, NULL), 0);
	rmpsim_scenario_free(&s);
	ftrace_run("full", 0, &t);
	assert_int_equal(plain.trace_hash, t.res.trace_hash);
	assert_int_equal(plain.pass_ns, t.res.pass_ns);
	free(t.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(small_chunks_give_the_same_text),
		cmocka_unit_test(ipi_sends_and_work_items_are_traced),
		cmocka_unit_test(observers_leave_the_trace_hash_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
