/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer of scenario files (rmpsim_scenario_parse_string, docs/scenarios.md):
 * every input is accepted with its limits kept or refused with file:line and
 * a message; an accepted file has no line inih would have split and no guest
 * section twice (the silent acceptances of issue 10 point 6).
 */
#include <errno.h>

#include <rmpsim/limits.h>
#include <rmpsim/workload.h>

#include "fuzz_driver.h"

/* Longest line, and whether some "[guest X]" header appears twice. */
static void scan_lines(const char *text, size_t *ret_longest, unsigned *ret_lines, int *ret_dup)
{
	size_t longest = 0;
	unsigned lines = 0;
	int dup = 0;

	for (const char *l = text; *l;) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		const char *c = l;

		lines++;
		if (len > longest)
			longest = len;
		while (*c == ' ' || *c == '\t')
			c++;
		if (!strncmp(c, "[guest ", 7) && memchr(c, ']', (size_t)(l + len - c))) {
			size_t n = (size_t)((const char *)memchr(c, ']', (size_t)(l + len - c)) - c) + 1;
			for (const char *m = l + len; *m && !dup;) {
				const char *mc = m + (*m == '\n');
				while (*mc == ' ' || *mc == '\t')
					mc++;
				if (!strncmp(mc, c, n))
					dup = 1;
				m = strchr(m + 1, '\n');
				if (!m)
					break;
			}
		}
		l = end ? end + 1 : l + len;
	}
	*ret_longest = longest;
	*ret_lines = lines;
	*ret_dup = dup;
}

static void fuzz_one(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct rmpsim_scenario s;
	struct rmpsim_diag d = { 0 };
	size_t longest;
	unsigned lines;
	int dup;

	if (!text)
		return;
	scan_lines(text, &longest, &lines, &dup);
	int r = rmpsim_scenario_parse_string(text, "fuzz.ini", NULL, &s, &d);
	if (r == 0) {
		uint64_t writes = s.host_writes;

		FUZZ_CHECK(longest <= RMPSIM_MAX_INI_LINE && !dup);
		FUZZ_CHECK(s.nguests <= RMPSIM_MAX_GUESTS && s.nevents <= RMPSIM_MAX_EVENTS);
		FUZZ_CHECK(s.seed <= INT64_MAX && !strcmp(s.file, "fuzz.ini"));
		for (size_t i = 0; i < s.nguests; i++) {
			const struct rmpsim_guest *g = &s.guests[i];
			FUZZ_CHECK(g->name[0] && g->bytes > 0 && g->node >= -1 && g->pos.line >= 1);
			FUZZ_CHECK(g->pos.line <= lines && g->node_pos.line <= lines);
		}
		for (size_t i = 0; i < s.nevents; i++) {
			const struct rmpsim_wl_event *e = &s.events[i];
			FUZZ_CHECK(e->time_ns <= RMPSIM_MAX_EVENT_TIME_NS);
			FUZZ_CHECK(i == 0 || s.events[i - 1].time_ns <= e->time_ns);
			FUZZ_CHECK(e->line >= 1 && e->line <= lines);
			if (e->kind == RMPSIM_EV_LAUNCH || e->kind == RMPSIM_EV_TEARDOWN)
				FUZZ_CHECK(e->guest < s.nguests);
			if (e->kind == RMPSIM_EV_HOST_WRITES)
				writes += e->count;
		}
		FUZZ_CHECK(writes <= RMPSIM_MAX_HOST_WRITES);
		FUZZ_CHECK(s.machine_pos.line <= lines && s.policy_pos.line <= lines);
		rmpsim_scenario_free(&s);
	} else {
		FUZZ_CHECK(r == -EINVAL || r == -ENOMEM || r == -EIO);
		FUZZ_CHECK(d.msg[0] && !strcmp(d.file, "fuzz.ini"));
		FUZZ_CHECK(d.line <= lines + 1);
	}
	free(text);
}
