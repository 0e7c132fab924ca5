/* SPDX-License-Identifier: MIT */
/*
 * The kernel vsnprintf subset: standard conversions agree with the C
 * library's snprintf (the oracle), plus %pa and the truncation contract.
 * Needs no kernel.
 */
#include "kshim_test.h"

#include <stdio.h>
#include <string.h>

#include "kshim/kshim.h"

#define CHECK(fmt, ...)                                                                                      \
	do {                                                                                                 \
		char want[128], got[128];                                                                    \
		int nw = snprintf(want, sizeof(want), fmt, __VA_ARGS__);                                     \
		int ng = rmpsim__k_snprintf(got, sizeof(got), fmt, __VA_ARGS__);                             \
		assert_string_equal(got, want);                                                              \
		assert_int_equal(ng, nw);                                                                    \
	} while (0)

static void standard_conversions_match_libc(void **state)
{
	(void)state;
	CHECK("%d|%i|%u", -42, 17, 3000000000u);
	CHECK("%5d|%-5d|%05d|%+d|% d", 42, 42, 42, 42, 42);
	CHECK("%x|%X|%#x|%o|%#o", 0xbeefu, 0xbeefu, 0xbeefu, 8u, 8u);
	CHECK("%lld|%llu|%llx", -1ll, 18446744073709551615ull, 0x20000000000ull);
	CHECK("%016llx|%lu|%ld", 0x10380000000ull, 123456789ul, -5l);
	CHECK("%zu|%zd|%td", (size_t)99, (ssize_t)-3, (ptrdiff_t)-7);
	/* What is tested is how hh and h narrow an int argument: clang's -Wformat
	 * objects to exactly that. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	CHECK("%hhu|%hd|%hhx", 300, 70000, 255);
#pragma GCC diagnostic pop
	CHECK("%s|%10s|%-10s|%.3s", "abc", "abc", "abc", "abcdef");
	CHECK("%c%c|%%|%*d|%-*d|%.*d", 'o', 'k', 6, 42, 6, 42, 4, 7);
	CHECK("%5.3d|%-8.4x|%.0d", 7, 0x1fu, 0);
	CHECK("%s", "[    0.000000] dmesg");
}

static void pa_and_truncation(void **state)
{
	(void)state;
	char buf[64];
	unsigned long long pa = 0x20000000000ull;
	rmpsim__k_snprintf(buf, sizeof(buf), "%pa", &pa);
	assert_string_equal(buf, "0x0000020000000000");
	int n = rmpsim__k_snprintf(buf, 4, "%d-%s", 12345, "xyz");
	assert_int_equal(n, 9);
	assert_string_equal(buf, "123");
	assert_int_equal(rmpsim__k_scnprintf(buf, 4, "%d", 12345), 3);
	assert_int_equal(rmpsim__k_snprintf(NULL, 0, "%d", 12345), 5);
	const char *volatile null_str = NULL; /* hide the NULL from gcc's format check */
	rmpsim__k_snprintf(buf, sizeof(buf), "%s", null_str);
	assert_string_equal(buf, "(null)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(standard_conversions_match_libc),
		cmocka_unit_test(pa_and_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
