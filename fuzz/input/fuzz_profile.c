/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer of timing profiles through the public API (rmpsim_profile_parse,
 * include/rmpsim/profile.h): every input is accepted or refused with a
 * message, and no input crashes or hangs the parser. With
 * RMPSIM_FUZZ_STRICT=1 in the environment it also treats as a finding an
 * accepted profile with a line longer than the INI reader's buffer (inih
 * splits such a line and reads its tail as a line of its own: issue 10
 * point 6; the profile parser does not refuse them yet).
 */
#include <errno.h>

#include <rmpsim/limits.h>
#include <rmpsim/profile.h>

#include "fuzz_driver.h"

static size_t longest_line(const char *text)
{
	size_t longest = 0;

	for (const char *l = text; *l;) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		if (len > longest)
			longest = len;
		l = end ? end + 1 : l + len;
	}
	return longest;
}

static void fuzz_one(const uint8_t *data, size_t size)
{
	static int strict = -1;
	char *text = fuzz_text(data, size);
	struct rmpsim_profile p;
	struct rmpsim_diag d = { 0 };

	if (strict < 0)
		strict = getenv("RMPSIM_FUZZ_STRICT") && !strcmp(getenv("RMPSIM_FUZZ_STRICT"), "1");
	if (!text)
		return;
	int r = rmpsim_profile_parse(text, "fuzz.ini", &p, &d);
	if (r == 0)
		FUZZ_CHECK(!strict || longest_line(text) <= RMPSIM_MAX_INI_LINE);
	else
		FUZZ_CHECK(d.msg[0] && (r == -EINVAL || r == -ENOMEM || r == -ERANGE || r == -EIO));
	free(text);
}
