/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_BITS_H
#define _LINUX_BITS_H

#define BITS_PER_LONG	   (8 * (int)sizeof(long))
#define BITS_PER_LONG_LONG 64
#define BIT(nr)		   (1UL << (nr))
#define BIT_ULL(nr)	   (1ULL << (nr))
#define BIT_MASK(nr)	   (1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr)	   ((nr) / BITS_PER_LONG)
#define BITS_TO_LONGS(nr)  (((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define GENMASK(h, l)	   (((~0UL) << (l)) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l)  (((~0ULL) << (l)) & (~0ULL >> (63 - (h))))

#endif
