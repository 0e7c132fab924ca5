/* SPDX-License-Identifier: MIT */
/* The arguments every report writer checks before writing (report.h "Bad input"). */
#ifndef RMPSIM_REPORT_CHECK_H
#define RMPSIM_REPORT_CHECK_H

#include <errno.h> /* for the callers' -EINVAL */
#include <stdbool.h>
#include <stdio.h>

#include <rmpsim/report.h>

/* A stream and a report whose arrays hold what their counts say. */
static inline bool rmpsim__report_ok(const FILE *f, const struct rmpsim_report *r)
{
	return f && r && (r->runs || !r->nruns) && (r->fleets || !r->nfleets);
}

#endif
