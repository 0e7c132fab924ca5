/* SPDX-License-Identifier: MIT */
/*
 * min()/max() type-checked like the kernel's: comparing pointers to the two
 * operand types makes gcc warn (an error under -Werror) when they differ.
 */
#ifndef _LINUX_MINMAX_H
#define _LINUX_MINMAX_H

#include <linux/compiler.h>

#define __cmp_once(op, x, y, ux, uy)                                                                         \
	({                                                                                                   \
		__typeof__(x) ux = (x);                                                                      \
		__typeof__(y) uy = (y);                                                                      \
		(void)(&ux == &uy);                                                                          \
		ux op uy ? ux : uy;                                                                          \
	})
#define min(x, y)	  __cmp_once(<, x, y, __UNIQUE_ID(x_), __UNIQUE_ID(y_))
#define max(x, y)	  __cmp_once(>, x, y, __UNIQUE_ID(x_), __UNIQUE_ID(y_))
#define min_t(type, x, y) min((type)(x), (type)(y))
#define max_t(type, x, y) max((type)(x), (type)(y))
#define umin(x, y)	  min_t(unsigned long long, x, y)
#define umax(x, y)	  max_t(unsigned long long, x, y)
#define clamp(v, lo, hi)  min(max(v, lo), hi)
#define swap(a, b)                                                                                           \
	do {                                                                                                 \
		__typeof__(a) __swap_tmp = (a);                                                              \
		(a) = (b);                                                                                   \
		(b) = __swap_tmp;                                                                            \
	} while (0)

#endif
