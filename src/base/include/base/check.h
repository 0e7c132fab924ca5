/* SPDX-License-Identifier: MIT */
/*
 * Boundary markers after SQLite's testcase()/ALWAYS()/NEVER().
 *
 * RMPSIM_ALWAYS(x) / RMPSIM_NEVER(x): conditions believed always true / false;
 * in debug builds a wrong belief aborts with the location, in release builds the
 * condition is still evaluated and handled (defensive code stays).
 */
#ifndef RMPSIM_BASE_CHECK_H
#define RMPSIM_BASE_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#ifndef NDEBUG
#define RMPSIM_ALWAYS(x) ((x) ? 1 : (rmpsim__check_failed(#x, __FILE__, __LINE__), 0))
#define RMPSIM_NEVER(x)	 ((x) ? (rmpsim__check_failed("!(" #x ")", __FILE__, __LINE__), 1) : 0)
#else
#define RMPSIM_ALWAYS(x) (x)
#define RMPSIM_NEVER(x)	 (x)
#endif

static inline void rmpsim__check_failed(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: internal check failed: %s\n", file, line, what);
	abort();
}

#endif
