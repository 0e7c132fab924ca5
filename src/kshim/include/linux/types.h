/* SPDX-License-Identifier: MIT */
/* Kernel integer types (asm-generic/int-ll64.h: u64 is unsigned long long). */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef s64 __s64;

typedef u64 phys_addr_t;
typedef u64 resource_size_t;
typedef long ssize_t; /* as the C library's on x86-64 (C11 allows the repeat) */
typedef unsigned int gfp_t;

typedef struct {
	int counter;
} atomic_t;

#endif
