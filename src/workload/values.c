/* SPDX-License-Identifier: MIT */
/*
 * Values a user writes in scenario files and on the command line: sizes with
 * binary units, times with SI units, u64, backing and state names. Strict:
 * no sign, no spaces inside, no trailing junk, no overflow.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <rmpsim/workload.h>

int rmpsim_parse_u64(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	unsigned base = 10;

	if (!s || !*s || !ret)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -EINVAL;
	}
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*ret = v;
	return 0;
}

/* Split "123abc" into the number and its suffix. */
static int number_and_suffix(const char *s, uint64_t *ret_v, const char **ret_suffix)
{
	char digits[32];
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (n == 0 || n >= sizeof(digits))
		return n == 0 ? -EINVAL : -ERANGE;
	memcpy(digits, s, n);
	digits[n] = '\0';
	int r = rmpsim_parse_u64(digits, ret_v);
	if (r)
		return r;
	*ret_suffix = s + n;
	return 0;
}

static int scale(uint64_t v, uint64_t mult, uint64_t *ret)
{
	if (mult && v > UINT64_MAX / mult)
		return -ERANGE;
	*ret = v * mult;
	return 0;
}

int rmpsim_parse_size(const char *s, uint64_t *ret_bytes)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = {
		{ "", 0 },    { "B", 0 },    { "K", 10 }, { "KB", 10 },	 { "KiB", 10 }, { "M", 20 },
		{ "MB", 20 }, { "MiB", 20 }, { "G", 30 }, { "GB", 30 },	 { "GiB", 30 }, { "T", 40 },
		{ "TB", 40 }, { "TiB", 40 }, { "P", 50 }, { "PiB", 50 },
	};
	uint64_t v;
	const char *suffix;

	if (!s || !ret_bytes)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return rmpsim_parse_u64(s, ret_bytes);
	int r = number_and_suffix(s, &v, &suffix);
	if (r)
		return r;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(suffix, units[i].suffix) == 0)
			return scale(v, 1ull << units[i].shift, ret_bytes);
	}
	return -EINVAL;
}

int rmpsim_parse_time_ns(const char *s, uint64_t *ret_ns)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 },
		{ "us", 1000 },
		{ "ms", 1000000 },
		{ "s", 1000000000 },
		{ "min", 60000000000ull },
		{ "h", 3600000000000ull },
	};
	uint64_t v;
	const char *suffix;

	if (!s || !ret_ns)
		return -EINVAL;
	int r = number_and_suffix(s, &v, &suffix);
	if (r)
		return r;
	if (!*suffix) /* a bare 0 needs no unit; any other number does */
		return v == 0 ? (*ret_ns = 0, 0) : -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(suffix, units[i].suffix) == 0)
			return scale(v, units[i].ns, ret_ns);
	}
	return -EINVAL;
}

const char *rmpsim_backing_name(enum rmpsim_backing b)
{
	switch (b) {
	case RMPSIM_BACKING_4K: return "4K";
	case RMPSIM_BACKING_2M: return "2M";
	case RMPSIM_BACKING_1G: return "1G";
	}
	return "?";
}

int rmpsim_backing_parse(const char *s, enum rmpsim_backing *ret_backing)
{
	if (!ret_backing)
		return -EINVAL;
	for (int b = RMPSIM_BACKING_4K; b <= RMPSIM_BACKING_1G; b++) {
		if (s && strcasecmp(s, rmpsim_backing_name((enum rmpsim_backing)b)) == 0) {
			*ret_backing = (enum rmpsim_backing)b;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *const state_names[] = {
	[RMPSIM_WL_STATE_EVENTS] = "events",
	[RMPSIM_WL_STATE_FULL] = "full",
	[RMPSIM_WL_STATE_WORST] = "worst",
	[RMPSIM_WL_STATE_EMPTY] = "empty",
	[RMPSIM_WL_STATE_EMPTY_AGAIN] = "empty-again",
	[RMPSIM_WL_STATE_COTENANT] = "cotenant",
};

const char *rmpsim_wl_state_name(enum rmpsim_wl_state s)
{
	if ((unsigned)s < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[s];
	return "?";
}

int rmpsim_wl_state_parse(const char *s, enum rmpsim_wl_state *ret_state)
{
	if (!ret_state)
		return -EINVAL;
	for (unsigned i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++) {
		if (s && strcmp(s, state_names[i]) == 0) {
			*ret_state = (enum rmpsim_wl_state)i;
			return 0;
		}
	}
	return -EINVAL;
}
