/* SPDX-License-Identifier: MIT */
/* Co-tenant jitter and the benefit side in the reports (cotenant.c). */
#ifndef RMPSIM_REPORT_COTENANT_H
#define RMPSIM_REPORT_COTENANT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include <rmpsim/report.h>

/* "cotenant" and "benefit" objects of run x, each only when configured; false when out of memory. */
bool rmpsim__json_cotenant(json_t *o, const struct rmpsim_run_result *x);
/* The text block after the table: one line per run that has co-tenants or traffic. */
void rmpsim__text_cotenant(FILE *f, const struct rmpsim_report *r);

#endif
