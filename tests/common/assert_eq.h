/* SPDX-License-Identifier: MIT */
/*
 * Equality assertions that print both operands (libuv's ASSERT_EQ shape):
 *
 *   ASSERT_EQ(rmpsim_machine_rmpupdate(m, 0, spa, &st, NULL), RMPSIM_RMPUPDATE_OK);
 *   -> test_x.c:42: rmpsim_machine_rmpupdate(m, 0, spa, &st, NULL) == RMPSIM_RMPUPDATE_OK
 *      failed: 3 (0x3) vs 0 (0x0)
 *
 * The comparison is exactly `(a) == (b)`: each operand is evaluated once and
 * converted to the type C gives the comparison (the type of `0 ? (a) : (b)`,
 * after the usual arithmetic conversions, or the composite pointer type), so
 * signed/unsigned mixes and 64-bit values compare as the plain expression
 * does. Integers, enums, bools, floating-point numbers and object pointers;
 * strings go through cmocka's assert_string_equal.
 */
#ifndef RMPSIM_TEST_ASSERT_EQ_H
#define RMPSIM_TEST_ASSERT_EQ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <setjmp.h>

#include <cmocka.h>

/* One operand, kept with its kind for printing. No snprintf here: kernel-style
 * tests include the shim's <linux/sprintf.h>, which renames it. */
struct rmpsim_test_val {
	enum { RMPSIM_TEST_S, RMPSIM_TEST_U, RMPSIM_TEST_F, RMPSIM_TEST_P } kind;
	intmax_t s;
	uintmax_t u;
	long double f;
	const volatile void *p;
};

static inline struct rmpsim_test_val rmpsim_test_val_s(intmax_t v)
{
	struct rmpsim_test_val r = { .kind = RMPSIM_TEST_S, .s = v };
	return r;
}

static inline struct rmpsim_test_val rmpsim_test_val_u(uintmax_t v)
{
	struct rmpsim_test_val r = { .kind = RMPSIM_TEST_U, .u = v };
	return r;
}

static inline struct rmpsim_test_val rmpsim_test_val_ld(long double v)
{
	struct rmpsim_test_val r = { .kind = RMPSIM_TEST_F, .f = v };
	return r;
}

static inline struct rmpsim_test_val rmpsim_test_val_d(double v)
{
	return rmpsim_test_val_ld((long double)v);
}

static inline struct rmpsim_test_val rmpsim_test_val_f(float v)
{
	return rmpsim_test_val_ld((long double)v);
}

static inline struct rmpsim_test_val rmpsim_test_val_p(const volatile void *v)
{
	struct rmpsim_test_val r = { .kind = RMPSIM_TEST_P, .p = v };
	return r;
}

static inline void rmpsim_test_print_val(struct rmpsim_test_val v)
{
	switch (v.kind) {
	case RMPSIM_TEST_S: print_error("%jd (%#jx)", v.s, (uintmax_t)v.s); break;
	case RMPSIM_TEST_U: print_error("%ju (%#jx)", v.u, v.u); break;
	case RMPSIM_TEST_F: print_error("%.21Lg", v.f); break;
	case RMPSIM_TEST_P: print_error("%p", (const void *)v.p); break;
	}
}

#define RMPSIM_TEST_VAL(x)                                                                                   \
	_Generic((x), _Bool                                                                                  \
		 : rmpsim_test_val_u, char                                                                   \
		 : rmpsim_test_val_s, signed char                                                            \
		 : rmpsim_test_val_s, short                                                                  \
		 : rmpsim_test_val_s, int                                                                    \
		 : rmpsim_test_val_s, long                                                                   \
		 : rmpsim_test_val_s, long long                                                              \
		 : rmpsim_test_val_s, unsigned char                                                          \
		 : rmpsim_test_val_u, unsigned short                                                         \
		 : rmpsim_test_val_u, unsigned int                                                           \
		 : rmpsim_test_val_u, unsigned long                                                          \
		 : rmpsim_test_val_u, unsigned long long                                                     \
		 : rmpsim_test_val_u, float                                                                  \
		 : rmpsim_test_val_f, double                                                                 \
		 : rmpsim_test_val_d, long double                                                            \
		 : rmpsim_test_val_ld, default                                                               \
		 : rmpsim_test_val_p)(x)

static inline void rmpsim_test_cmp_failed(const char *expr, struct rmpsim_test_val a,
					  struct rmpsim_test_val b, const char *file, int line)
{
	print_error("%s\n  failed: ", expr);
	rmpsim_test_print_val(a);
	print_error(" vs ");
	rmpsim_test_print_val(b);
	print_error("\n");
	_fail(file, line);
}

#define RMPSIM_TEST_CMP(a, op, b)                                                                            \
	do {                                                                                                 \
		__typeof__(0 ? (a) : (b)) rmpsim__test_a = (a), rmpsim__test_b = (b);                        \
		if (!(rmpsim__test_a op rmpsim__test_b))                                                     \
			rmpsim_test_cmp_failed(#a " " #op " " #b, RMPSIM_TEST_VAL(rmpsim__test_a),           \
					       RMPSIM_TEST_VAL(rmpsim__test_b), __FILE__, __LINE__);         \
	} while (0)

#define ASSERT_EQ(a, b) RMPSIM_TEST_CMP(a, ==, b)
#define ASSERT_NE(a, b) RMPSIM_TEST_CMP(a, !=, b)

#endif
