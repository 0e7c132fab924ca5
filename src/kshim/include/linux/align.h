/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_ALIGN_H
#define _LINUX_ALIGN_H

#define __ALIGN_KERNEL_MASK(x, mask) (((x) + (mask)) & ~(mask))
#define ALIGN(x, a)		     __ALIGN_KERNEL_MASK(x, (__typeof__(x))(a)-1)
#define ALIGN_DOWN(x, a)	     ((x) & ~((__typeof__(x))(a)-1))
#define ALIGN_UP(x, a)		     ALIGN(x, a)
#define IS_ALIGNED(x, a)	     (((x) & ((__typeof__(x))(a)-1)) == 0)
#define PTR_ALIGN(p, a)		     ((__typeof__(p))ALIGN((unsigned long)(p), (a)))

#endif
