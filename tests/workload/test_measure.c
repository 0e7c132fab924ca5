/* SPDX-License-Identifier: MIT */
/*
 * Measuring passes from their marks (src/workload/measure.c): the last
 * completed pass is the one measured, in memory that does not grow with the
 * number of passes (issue 14 point 4), and a hook installed after a pass
 * started does not measure it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/sim.h>

#include "workload/measure.h"

#define NCPUS 8

struct script {
	unsigned passes;
	uint64_t busy_ps; /* the last pass's work on CPU 0 */
};

/* Work on CPU 0 between marks; the last pass does busy_ps in all, the others more. */
static void body(struct rmpsim_sim *sim, void *arg)
{
	struct script *s = arg;

	for (unsigned i = 0; i < s->passes; i++) {
		bool last = i + 1 == s->passes;
		rmpsim_sim_compute(sim, 1000000); /* outside any pass */
		rmpsim_sim_mark(sim, RMPSIM__MARK_PASS_START, 0x1000 * (i + 1), 0x2000 * (i + 1));
		rmpsim_sim_compute(sim, last ? s->busy_ps / 2 : 7000000);
		rmpsim_sim_mark(sim, "some_other_mark", 0, 0);
		rmpsim_sim_mark(sim, RMPSIM__MARK_LEADER_DONE, 0, 0);
		rmpsim_sim_compute(sim, last ? s->busy_ps / 2 : 7000000);
		rmpsim_sim_mark(sim, RMPSIM__MARK_PASS_DONE, 0, 0);
	}
	/* A pass that never completes is not the last completed one. */
	rmpsim_sim_mark(sim, RMPSIM__MARK_PASS_START, 0xdead000, 0xdeae000);
	rmpsim_sim_compute(sim, 99000000);
}

static int run(unsigned passes, bool hook_late, struct rmpsim_run_result *r, uint64_t *pa_start,
	       size_t *bytes_after)
{
	struct rmpsim_sim_topology topo = { .ncpus = NCPUS, .threads_per_core = 2, .nodes = 1 };
	struct rmpsim_sim *sim;
	struct rmpsim__measure ms;
	struct script s = { passes, 4000000 };
	uint64_t pa_end;

	assert_int_equal(rmpsim_sim_create_bare(NULL, &topo, NULL, 1, &sim), 0);
	assert_int_equal(rmpsim__measure_init(&ms, NULL, sim), 0);
	struct rmpsim_proc_attr at = { "passes", 0 };
	assert_int_equal(rmpsim_sim_spawn(sim, &at, body, &s, NULL), 0);
	if (hook_late) /* the first pass starts at about 1 us and lasts 14: install the hook inside it */
		rmpsim_sim_run_until(sim, 5000000);
	rmpsim_sim_set_trace_hook(sim, rmpsim__measure_hook, &ms);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	int rc = rmpsim__measure_last_pass(&ms, r, pa_start, &pa_end);
	*bytes_after = rmpsim__measure_bytes(&ms);
	rmpsim__measure_fini(&ms);
	rmpsim_sim_destroy(sim);
	return rc;
}

static void the_last_completed_pass_is_measured(void **state)
{
	(void)state;
	struct rmpsim_run_result r;
	uint64_t pa;
	size_t bytes;

	assert_int_equal(run(3, false, &r, &pa, &bytes), 0);
	ASSERT_EQ(pa, 0x3000);
	ASSERT_EQ(r.pass_ns, 4000);
	assert_true(r.leader_ns == 2000 && r.follower_ns == 2000);
	ASSERT_EQ(r.cpu_busy_max_ns, 4000);
	assert_int_equal(r.cpus_active, 1);
	assert_int_equal(r.leader_cpu, 0);
}

static void memory_does_not_grow_with_passes(void **state)
{
	(void)state;
	struct rmpsim_run_result r1, r200;
	uint64_t pa;
	size_t b1, b200;

	assert_int_equal(run(1, false, &r1, &pa, &b1), 0);
	assert_int_equal(run(200, false, &r200, &pa, &b200), 0);
	ASSERT_EQ(pa, 200 * 0x1000);
	ASSERT_EQ(b1, b200);
	assert_true(b1 < 1024 + NCPUS * 256);
	assert_true(r1.pass_ns == r200.pass_ns && r1.cpu_busy_max_ns == r200.cpu_busy_max_ns);
}

static void a_pass_the_hook_missed_is_not_measured(void **state)
{
	(void)state;
	struct rmpsim_run_result r;
	uint64_t pa;
	size_t bytes;

	/* One pass, whose start mark was recorded before the hook: no measurement. */
	assert_int_equal(run(1, true, &r, &pa, &bytes), -ENOENT);
	/* Two passes: the hook saw all of the second, the one measured. */
	assert_int_equal(run(2, true, &r, &pa, &bytes), 0);
	assert_true(pa == 0x2000 && r.pass_ns == 4000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_last_completed_pass_is_measured),
		cmocka_unit_test(memory_does_not_grow_with_passes),
		cmocka_unit_test(a_pass_the_hook_missed_is_not_measured),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
