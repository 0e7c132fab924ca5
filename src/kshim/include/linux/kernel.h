/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <linux/align.h>
#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/sprintf.h>
#include <linux/types.h>

#define ARRAY_SIZE(arr)	       (sizeof(arr) / sizeof((arr)[0]))
#define DIV_ROUND_UP(n, d)     (((n) + (d)-1) / (d))
#define DIV_ROUND_UP_ULL(n, d) DIV_ROUND_UP((unsigned long long)(n), (d))
#define round_up(x, y)	       ((((x)-1) | ((__typeof__(x))(y)-1)) + 1)
#define round_down(x, y)       ((x) & ~((__typeof__(x))(y)-1))
#define roundup(x, y)	       ((((x) + ((y)-1)) / (y)) * (y))
#define rounddown(x, y)	       ((x) - ((x) % (y)))
#define upper_32_bits(n)       ((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n)       ((u32)((n)&0xffffffff))
#define U8_MAX		       ((u8)~0U)
#define U32_MAX		       ((u32)~0U)
#define U64_MAX		       ((u64)~0ULL)
#define ULONG_MAX_K	       (~0UL)

#endif
