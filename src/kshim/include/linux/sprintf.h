/* SPDX-License-Identifier: MIT */
/*
 * The kernel's vsnprintf subset: the C conversions (d i u x X o c s p %, with
 * flags, width, precision and the hh h l ll z t j length modifiers) plus the
 * kernel's pointer extensions %*pb (bitmap as hex words), %*pbl (bitmap as a
 * cpulist "0-3,8"), %pa (phys_addr_t, by reference) and %pS/%ps (symbol: the
 * address in hex). Other %p extensions print the pointer in hex.
 */
#ifndef _LINUX_SPRINTF_H
#define _LINUX_SPRINTF_H

#include <stdarg.h>
#include <stddef.h>

#include <linux/compiler.h>

int rmpsim__k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);
int rmpsim__k_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int rmpsim__k_vscnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);
int rmpsim__k_scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int rmpsim__k_sprintf(char *buf, const char *fmt, ...) __printf(2, 3);

#define vsnprintf  rmpsim__k_vsnprintf
#define snprintf   rmpsim__k_snprintf
#define vscnprintf rmpsim__k_vscnprintf
#define scnprintf  rmpsim__k_scnprintf
#define sprintf	   rmpsim__k_sprintf

#endif
