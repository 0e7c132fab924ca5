/* SPDX-License-Identifier: MIT */
/*
 * WARN/BUG. A WARN is logged to the simulated dmesg (with the virtual time and
 * CPU) and counted in the kernel's statistics; the code continues, as in Linux.
 * A BUG is an oops: it is logged, recorded as a bug of the run, and the run
 * stops cleanly (the process that hit it never continues).
 */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/compiler.h>
#include <linux/types.h>

void rmpsim__k_warn(const char *file, int line, const char *cond, const char *fmt, ...) __printf(4, 5);
__noreturn void rmpsim__k_bug(const char *file, int line, const char *cond);

#define WARN(cond, ...)                                                                                      \
	({                                                                                                   \
		int __ret_warn = !!(cond);                                                                   \
		if (unlikely(__ret_warn))                                                                    \
			rmpsim__k_warn(__FILE__, __LINE__, #cond, __VA_ARGS__);                              \
		unlikely(__ret_warn);                                                                        \
	})
#define WARN_ON(cond)                                                                                        \
	({                                                                                                   \
		int __ret_warn = !!(cond);                                                                   \
		if (unlikely(__ret_warn))                                                                    \
			rmpsim__k_warn(__FILE__, __LINE__, #cond, NULL);                                     \
		unlikely(__ret_warn);                                                                        \
	})
/* "Once" per site and per process (the flag is a static, as in Linux). */
#define WARN_ON_ONCE(cond)                                                                                   \
	({                                                                                                   \
		static bool __warned;                                                                        \
		int __ret_warn = !!(cond);                                                                   \
		if (unlikely(__ret_warn) && !__warned) {                                                     \
			__warned = true;                                                                     \
			rmpsim__k_warn(__FILE__, __LINE__, #cond, NULL);                                     \
		}                                                                                            \
		unlikely(__ret_warn);                                                                        \
	})
#define WARN_ONCE(cond, ...)                                                                                 \
	({                                                                                                   \
		static bool __warned;                                                                        \
		int __ret_warn = !!(cond);                                                                   \
		if (unlikely(__ret_warn) && !__warned) {                                                     \
			__warned = true;                                                                     \
			rmpsim__k_warn(__FILE__, __LINE__, #cond, __VA_ARGS__);                              \
		}                                                                                            \
		unlikely(__ret_warn);                                                                        \
	})
#define BUG() rmpsim__k_bug(__FILE__, __LINE__, "BUG()")
#define BUG_ON(cond)                                                                                         \
	do {                                                                                                 \
		if (unlikely(cond))                                                                          \
			rmpsim__k_bug(__FILE__, __LINE__, #cond);                                            \
	} while (0)
#define BUILD_BUG_ON(cond)	    _Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")
#define BUILD_BUG_ON_MSG(cond, msg) _Static_assert(!(cond), msg)

#endif
