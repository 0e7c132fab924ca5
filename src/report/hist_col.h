/* SPDX-License-Identifier: MIT */
/* A histogram column (hist.c): bucket counts and the stretches' count, sum, extremes. */
#ifndef RMPSIM_REPORT_HIST_COL_H
#define RMPSIM_REPORT_HIST_COL_H

#include <stddef.h>
#include <stdint.h>

#define IRQOFF_ENTRIES 256 /* rtla's default: 256 buckets of 1 us */
#define PS_PER_US      1000000ull

struct column {
	uint64_t bucket[IRQOFF_ENTRIES];
	uint64_t over, count, min, max, sum; /* ps */
};

/* A value of ps in bucket (entries or more: over); min is UINT64_MAX while empty. */
static inline void rmpsim__hist_add(struct column *c, uint64_t ps, uint64_t bucket, size_t entries)
{
	if (bucket < entries)
		c->bucket[bucket]++;
	else
		c->over++;
	if (ps < c->min)
		c->min = ps;
	if (ps > c->max)
		c->max = ps;
	c->count++;
	c->sum += ps;
}

#endif
