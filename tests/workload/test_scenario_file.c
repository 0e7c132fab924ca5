/* SPDX-License-Identifier: MIT */
/* Scenario files (docs/scenarios.md): a full example, then one test per kind
 * of error, each checking file:line:col and what was expected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/limits.h>
#include <rmpsim/workload.h>

#include "failing_alloc.h"

static const char example[] = "; two guests on a small machine\n"
			      "[scenario]\n"
			      "name = churn\n"
			      "machine = pack:1 numa:2(memory=8GiB) core:2 pu:2\n"
			      "profile = small.ini\n"
			      "policy = targeted\n"
			      "seed = 42\n"
			      "host_writes = 100\n"
			      "\n"
			      "[guest a]\n"
			      "snp = yes\n"
			      "backing = 4K\n"
			      "size = 2G\n"
			      "node = 1\n"
			      "\n"
			      "[guest b]\n"
			      "snp = no\n"
			      "size = 1G\n"
			      "\n"
			      "[events]\n"
			      "20s = teardown a\n"
			      "0 = launch a\n"
			      "0 = launch b\n"
			      "25s = trigger\n"
			      "30s = host-writes 1000\n";

static void example_parses(void **state)
{
	(void)state;
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };

	assert_int_equal(rmpsim_scenario_parse_string(example, "dir/sub/x.ini", NULL, &s, &d), 0);
	assert_string_equal(s.name, "churn");
	assert_string_equal(s.machine, "pack:1 numa:2(memory=8GiB) core:2 pu:2");
	assert_string_equal(s.profile, "dir/sub/small.ini"); /* relative to the file */
	assert_string_equal(s.policy, "targeted");
	assert_true(s.has_seed && s.seed == 42);
	ASSERT_EQ(s.host_writes, 100);
	assert_int_equal(s.state, RMPSIM_WL_STATE_EVENTS);
	assert_int_equal(s.nguests, 2);
	assert_string_equal(s.guests[0].name, "a");
	assert_true(s.guests[0].snp);
	assert_int_equal(s.guests[0].backing, RMPSIM_BACKING_4K);
	assert_true(s.guests[0].bytes == 2ull << 30);
	assert_int_equal(s.guests[0].node, 1);
	assert_false(s.guests[1].snp);
	assert_int_equal(s.guests[1].backing, RMPSIM_BACKING_2M); /* the default */
	assert_int_equal(s.guests[1].node, -1);
	/* Events sorted by time, file order kept among equal times, lines kept. */
	assert_int_equal(s.nevents, 5);
	assert_int_equal(s.events[0].kind, RMPSIM_EV_LAUNCH);
	assert_int_equal(s.events[0].guest, 0);
	assert_int_equal(s.events[0].line, 22);
	assert_int_equal(s.events[1].guest, 1);
	assert_int_equal(s.events[1].line, 23);
	assert_int_equal(s.events[2].kind, RMPSIM_EV_TEARDOWN);
	ASSERT_EQ(s.events[2].time_ns, 20000000000ull);
	assert_int_equal(s.events[2].line, 21);
	assert_int_equal(s.events[3].kind, RMPSIM_EV_TRIGGER);
	assert_int_equal(s.events[4].kind, RMPSIM_EV_HOST_WRITES);
	ASSERT_EQ(s.events[4].count, 1000);
	rmpsim_scenario_free(&s);
}

static void defaults_and_builtin_state(void **state)
{
	(void)state;
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	const char *text =
		"[scenario]\nstate = worst\nbacking = 1G\nmachine = default\nprofile = /abs/p.ini\n";

	assert_int_equal(rmpsim_scenario_parse_string(text, "w.ini", NULL, &s, &d), 0);
	assert_string_equal(s.name, "w"); /* the file's stem */
	assert_int_equal(s.state, RMPSIM_WL_STATE_WORST);
	assert_int_equal(s.backing, RMPSIM_BACKING_1G);
	assert_string_equal(s.machine, "");
	assert_string_equal(s.profile, "/abs/p.ini");
	assert_false(s.has_seed);
	ASSERT_EQ(s.host_reserve, RMPSIM_WL_DEFAULT_HOST_RESERVE);
	rmpsim_scenario_free(&s);
}

/* Parse text and expect failure with exactly this formatted message. */
static void expect_error(const char *text, int err, const char *want)
{
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	char buf[1024];

	memset(&s, 0x5a, sizeof(s));
	assert_int_equal(rmpsim_scenario_parse_string(text, "t.ini", NULL, &s, &d), err);
	assert_string_equal(rmpsim_diag_format(&d, buf, sizeof(buf)), want);
	ASSERT_EQ(s.nguests, 0x5a5a5a5a5a5a5a5aull); /* ret_s untouched */
}

static void error_syntax(void **state)
{
	(void)state;
	expect_error("[scenario]\nname = x\nthis line has no separator\n", -EINVAL,
		     "t.ini:3:1: expected [section] or name = value");
	expect_error("[scenario\nname = x\n", -EINVAL, "t.ini:1:1: expected [section] or name = value");
}

static void error_unknown_section(void **state)
{
	(void)state;
	expect_error(
		"[scenario]\nname = x\n[gust a]\nsize = 1G\n", -EINVAL,
		"t.ini:3:1: [gust a]: expected section [scenario], [guest NAME], [events] or [cotenant]");
	/* Found by libFuzzer: sections without value lines, and text after ']', which inih ignores. */
	expect_error(
		"[gust a]\n", -EINVAL,
		"t.ini:1:1: [gust a]: expected section [scenario], [guest NAME], [events] or [cotenant]");
	expect_error("[guest ]\x7f\n[guest ]\x7f\n", -EINVAL,
		     "t.ini:1:9: [guest ]: expected nothing after ']' but a comment");
	expect_error("[guest ]\n", -EINVAL, "t.ini:1:1: [guest NAME]: expected a name of 1 to 43 characters");
	expect_error("[guest a]\n[events]\n", -EINVAL, "t.ini:1:1: [guest a]: expected a size = line");
	expect_error("[scenario]\nseed = 1\n[guest a]\n; nothing\n", -EINVAL,
		     "t.ini:3:1: [guest a]: expected a size = line");
}

static void error_unknown_key(void **state)
{
	(void)state;
	expect_error(
		"[scenario]\n  colour = red\n", -EINVAL,
		"t.ini:2:3: [scenario] colour: expected one of name, machine, profile, policy, seed, state, "
		"backing, host_reserve, host_writes");
	expect_error("[guest a]\nsize = 1G\nram = 2G\n", -EINVAL,
		     "t.ini:3:1: [guest a] ram: expected one of snp, backing, size, node");
}

static void error_bad_values(void **state)
{
	(void)state;
	expect_error("[scenario]\nstate = half\n", -EINVAL,
		     "t.ini:2:9: state: expected events, full, worst, empty, empty-again or cotenant");
	expect_error("[scenario]\nseed = -1\n", -EINVAL,
		     "t.ini:2:8: seed: expected an integer from 0 to 9223372036854775807");
	/* Issue 10 point 7: 2^63 and 2^64-1 both read 9223372036854775807 in JSON. */
	expect_error("[scenario]\nseed = 9223372036854775808\n", -EINVAL,
		     "t.ini:2:8: seed: expected an integer from 0 to 9223372036854775807");
	expect_error("[scenario]\nseed = 18446744073709551615\n", -EINVAL,
		     "t.ini:2:8: seed: expected an integer from 0 to 9223372036854775807");
	expect_error("[scenario]\nbacking = 8K\n", -EINVAL, "t.ini:2:11: backing: expected 4K, 2M or 1G");
	expect_error("[scenario]\nhost_reserve = 3M\n", -EINVAL,
		     "t.ini:2:16: host_reserve: expected a size in whole GB such as 4G");
	expect_error("[guest a]\nsize = lots\n", -EINVAL,
		     "t.ini:2:8: size: expected a size such as 4G or 512M");
	expect_error("[guest a]\nsize = 1G\nsnp = maybe\n", -EINVAL, "t.ini:3:7: snp: expected yes or no");
	expect_error("[guest a]\nsize = 1G\nnode = x\n", -EINVAL,
		     "t.ini:3:8: node: expected a NUMA node number or any");
}

static void error_guest_section(void **state)
{
	(void)state;
	/* No size: reported at the guest's header, also when it is the last section. */
	expect_error("[guest a]\nsnp = yes\n", -EINVAL, "t.ini:1:1: [guest a]: expected a size = line");
	expect_error("[scenario]\n[guest a]\nsnp = yes\n[guest b]\nsize = 1G\n", -EINVAL,
		     "t.ini:2:1: [guest a]: expected a size = line");
	expect_error("[guest a]\nbacking = 2M\nsize = 3K\n", -EINVAL,
		     "t.ini:1:1: [guest a]: size must be a multiple of the 2M backing");
	expect_error("[guest a]\nsize = 1G\n[guest b]\nsize = 1G\n[guest a]\nsize = 2G\n", -EINVAL,
		     "t.ini:5:1: [guest a]: expected a guest name not used before");
	/* Issue 10 point 6: adjacent sections of one guest used to merge silently. */
	expect_error("[guest a]\nsize = 1G\n[guest a]\nsize = 2G\n", -EINVAL,
		     "t.ini:3:1: [guest a]: expected a guest name not used before");
}

/*
 * Issue 10 point 6: inih splits a line longer than its buffer and reads the
 * tail as a line of its own: a long comment ending in "seed = 7" set the seed
 * (and the line numbers after it drifted). Such a line is now an error.
 */
static void error_long_line(void **state)
{
	(void)state;
	char text[512];
	char pad[RMPSIM_MAX_INI_LINE + 1];

	memset(pad, 'x', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	/* 2 + 187 + 9 = 198 characters: the longest line that is read whole. */
	snprintf(text, sizeof(text), "[scenario]\n; %.*s seed = 7\n", RMPSIM_MAX_INI_LINE - 2 - 9, pad);
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_scenario_parse_string(text, "t.ini", NULL, &s, &d), 0);
	ASSERT_EQ(s.seed, 1); /* the comment stayed a comment */
	rmpsim_scenario_free(&s);
	/* One character more: refused, at the first column past the limit. */
	snprintf(text, sizeof(text), "[scenario]\n; %.*s seed = 7\n", RMPSIM_MAX_INI_LINE - 2 - 9 + 1, pad);
	expect_error(text, -EINVAL,
		     "t.ini:2:199: line longer than 198 characters (the INI reader's limit): expected a "
		     "shorter line");
	/* inih cuts section names at 49 characters: two guests of one long prefix became one. */
	expect_error(
		"[guest a]\nsize = 1G\n[guest a12345678901234567890123456789012345678901234]\nsize = 2G\n",
		-EINVAL,
		"t.ini:3:51: section name longer than 49 characters (the INI reader's limit): expected "
		"a shorter name");
}

/* inih appends an indented line to the value above it: refused, not merged. */
static void error_continuation_line(void **state)
{
	(void)state;
	expect_error("[scenario]\nmachine = pack:1 core:2 pu:1\n  policy = v10\n", -EINVAL,
		     "t.ini:3:3: an indented line continues the value above: expected name = value at the "
		     "start of the line");
	expect_error("[events]\n1s = trigger\n\t2s = trigger\n", -EINVAL,
		     "t.ini:3:2: an indented line continues the value above: expected name = value at the "
		     "start of the line");
}

/* Issue 10 point 3: counts and times that ran for ever or wrapped. covers: A204 */
static void error_unbounded_counts_and_times(void **state)
{
	(void)state;
	expect_error("[scenario]\nhost_writes = 18446744073709551615\n", -EINVAL,
		     "t.ini:2:15: host_writes: expected at most 100000000 host writes in the whole scenario");
	expect_error("[events]\n1s = host-writes 18446744073709551615\n", -EINVAL,
		     "t.ini:2:6: host-writes: expected at most 100000000 host writes in the whole scenario");
	/* The total counts: two events of 60 M. */
	expect_error("[scenario]\nhost_writes = 60000000\n[events]\n1s = host-writes 60000000\n", -EINVAL,
		     "t.ini:4:6: host-writes: expected at most 100000000 host writes in the whole scenario");
	expect_error("[events]\n100000000min = trigger\n", -EINVAL,
		     "t.ini:2:1: [events] 100000000min: expected a time such as 0, 500ms or 10s, at most 30 "
		     "days (2592000s)");
	expect_error("[events]\n99999999999999999999s = trigger\n", -EINVAL,
		     "t.ini:2:1: [events] 99999999999999999999s: expected a time such as 0, 500ms or 10s, at "
		     "most 30 days (2592000s)");
	/* The limits themselves are accepted. */
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_scenario_parse_string("[scenario]\nhost_writes = 100000000\n[events]\n"
						      "43200min = trigger\n",
						      "t.ini", NULL, &s, &d),
			 0);
	ASSERT_EQ(s.events[0].time_ns, RMPSIM_MAX_EVENT_TIME_NS);
	rmpsim_scenario_free(&s);
}

/* Values checked when the scenario runs carry where they were written (issue 10 point 8). */
static void positions_of_values(void **state)
{
	(void)state;
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	const char *text = "[scenario]\nmachine = pack:1 core:2 pu:1\n\n[guest a]\nsize = 1G\n"
			   "node =  3\n[guest b]\nsize = 1G\n";

	assert_int_equal(rmpsim_scenario_parse_string(text, "dir/t.ini", NULL, &s, &d), 0);
	assert_string_equal(s.file, "dir/t.ini");
	assert_int_equal(s.machine_pos.line, 2);
	assert_int_equal(s.machine_pos.col, 11);
	assert_int_equal(s.policy_pos.line, 0);
	assert_int_equal(s.profile_pos.line, 0);
	assert_int_equal(s.guests[0].pos.line, 4);
	assert_int_equal(s.guests[0].node_pos.line, 6);
	assert_int_equal(s.guests[0].node_pos.col, 9);
	assert_int_equal(s.guests[1].pos.line, 7);
	assert_int_equal(s.guests[1].node_pos.line, 0);
	rmpsim_scenario_free(&s);

	/* Found by a fuzzer: an indented first event was numbered as the next line's. */
	assert_int_equal(
		rmpsim_scenario_parse_string("[guest a]\nsize = 1G\n[events]\n 20s = launch a\n0 = trigger\n",
					     "t.ini", NULL, &s, &d),
		0);
	assert_int_equal(s.nevents, 2);
	assert_int_equal(s.events[0].line, 5); /* 0 = trigger */
	assert_int_equal(s.events[1].line, 4); /* 20s = launch a */
	rmpsim_scenario_free(&s);

	/* Found by libFuzzer: inih skips any isspace() before a header, \v and \r too. */
	assert_int_equal(rmpsim_scenario_parse_string("\v\t\r[events]\n0 = trigger\n", "t.ini", NULL, &s, &d),
			 0);
	assert_int_equal(s.nevents, 1);
	assert_int_equal(s.events[0].line, 2);
	rmpsim_scenario_free(&s);
}

static void error_events(void **state)
{
	(void)state;
	expect_error("[events]\nsoon = trigger\n", -EINVAL,
		     "t.ini:2:1: [events] soon: expected a time such as 0, 500ms or 10s, at most 30 days "
		     "(2592000s)");
	expect_error("[events]\n1s = launch ghost\n", -EINVAL,
		     "t.ini:2:6: launch ghost: expected the name of a guest defined above");
	expect_error("[events]\n1s = reboot\n", -EINVAL,
		     "t.ini:2:6: expected launch GUEST, teardown GUEST, trigger or host-writes COUNT");
	expect_error("[events]\n1s = host-writes many\n", -EINVAL,
		     "t.ini:2:6: host-writes: expected a count");
	/* Lifecycle, checked in time order (not file order). */
	expect_error("[guest a]\nsize = 1G\n[events]\n5s = launch a\n1s = teardown a\n", -EINVAL,
		     "t.ini:5:6: teardown of guest 'a' that is not running: expected a launch first");
	expect_error("[guest a]\nsize = 1G\n[events]\n0 = launch a\n1s = launch a\n", -EINVAL,
		     "t.ini:5:6: launch of guest 'a' that is already running: expected a teardown first");
}

static void error_files(void **state)
{
	(void)state;
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_scenario_parse_file("no/such/file.ini", NULL, &s, &d), -ENOENT);
	assert_string_equal(d.file, "no/such/file.ini");

	/* Issue 10 point 6: a value with an embedded NUL was accepted (its tail ignored). */
	char path[] = "/tmp/rmpsim-scen-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[scenario]\nname = ab\0cd\n", 23), 23);
	close(fd);
	memset(&d, 0, sizeof(d));
	assert_int_equal(rmpsim_scenario_parse_file(path, NULL, &s, &d), -EINVAL);
	assert_string_equal(d.file, path);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.col, 10);
	assert_non_null(strstr(d.msg, "NUL"));
	unlink(path);
}

/* Every allocation failure gives -ENOMEM and leaks nothing. */
static void allocation_failures(void **state)
{
	(void)state;
	for (long budget = 0;; budget++) {
		struct failing_alloc fa;
		struct rmpsim_scenario s;
		struct rmpsim_diag d = { 0 };
		failing_alloc_init(&fa, budget);
		int r = rmpsim_scenario_parse_string(example, "x.ini", &fa.alloc, &s, &d);
		if (r == 0) {
			assert_int_equal(fa.failures, 0);
			rmpsim_scenario_free(&s);
			assert_int_equal(fa.live_bytes, 0);
			assert_true(budget > 0);
			break;
		}
		assert_int_equal(r, -ENOMEM);
		assert_int_equal(fa.live_bytes, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(example_parses),      cmocka_unit_test(defaults_and_builtin_state),
		cmocka_unit_test(error_syntax),	       cmocka_unit_test(error_unknown_section),
		cmocka_unit_test(error_unknown_key),   cmocka_unit_test(error_bad_values),
		cmocka_unit_test(error_guest_section), cmocka_unit_test(error_events),
		cmocka_unit_test(error_files),	       cmocka_unit_test(allocation_failures),
		cmocka_unit_test(error_long_line),     cmocka_unit_test(error_unbounded_counts_and_times),
		cmocka_unit_test(positions_of_values), cmocka_unit_test(error_continuation_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
