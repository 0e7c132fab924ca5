/* SPDX-License-Identifier: MIT */
/*
 * printk into the simulated kernel's log buffer, each record stamped with the
 * virtual time as dmesg prints it ("[   12.345678] "). Never to stdout.
 * The formats are the kernel's vsnprintf subset (see <linux/sprintf.h>).
 */
#ifndef _LINUX_PRINTK_H
#define _LINUX_PRINTK_H

#include <stdarg.h>

#include <linux/compiler.h>
#include <linux/types.h>

#define KERN_SOH     "\001"
#define KERN_EMERG   KERN_SOH "0"
#define KERN_ALERT   KERN_SOH "1"
#define KERN_CRIT    KERN_SOH "2"
#define KERN_ERR     KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE  KERN_SOH "5"
#define KERN_INFO    KERN_SOH "6"
#define KERN_DEBUG   KERN_SOH "7"
#define KERN_DEFAULT ""
#define KERN_CONT    KERN_SOH "c"

int rmpsim__k_printk(const char *fmt, ...) __printf(1, 2);
int rmpsim__k_vprintk(const char *fmt, va_list ap) __printf(1, 0);
#define printk	rmpsim__k_printk
#define vprintk rmpsim__k_vprintk

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define no_printk(fmt, ...)                                                                                  \
	({                                                                                                   \
		if (0)                                                                                       \
			rmpsim__k_printk(fmt, ##__VA_ARGS__);                                                \
		0;                                                                                           \
	})

#define pr_emerg(fmt, ...)  printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...)  printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)   printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)    printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)   printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)   printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...)   printk(KERN_CONT fmt, ##__VA_ARGS__)
/* pr_debug without CONFIG_DYNAMIC_DEBUG: compiled in only with DEBUG defined. */
#ifdef DEBUG
#define pr_debug(fmt, ...) printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#else
#define pr_debug(fmt, ...) no_printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#endif
#define pr_warn_once(fmt, ...)                                                                               \
	({                                                                                                   \
		static bool __print_once;                                                                    \
		if (!__print_once) {                                                                         \
			__print_once = true;                                                                 \
			pr_warn(fmt, ##__VA_ARGS__);                                                         \
		}                                                                                            \
	})
#define pr_info_once(fmt, ...)                                                                               \
	({                                                                                                   \
		static bool __print_once;                                                                    \
		if (!__print_once) {                                                                         \
			__print_once = true;                                                                 \
			pr_info(fmt, ##__VA_ARGS__);                                                         \
		}                                                                                            \
	})

/* The current task and an empty call trace in the log (docs/kshim.md). */
void dump_stack(void);

#endif
