/* SPDX-License-Identifier: MIT */
/*
 * The [cotenant] section of a scenario file (docs/scenarios.md "Co-tenants"):
 * which CPUs run non-SNP vCPUs (A440, A443) and the write traffic whose RMP
 * checks RMPOPT saves (A445, A446).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/limits.h>
#include <rmpsim/workload.h>

#include "cotenant_knobs.h"

void rmpsim__cotenant_defaults(struct rmpsim_cotenant *c, enum rmpsim_vcpus_mode vcpus)
{
	memset(c, 0, sizeof(*c));
	c->vcpus = vcpus;
	c->host_fills_per_s = RMPSIM_COTENANT_HOST_FILLS;
	c->guest_fills_per_s = RMPSIM_COTENANT_GUEST_FILLS;
	c->rmp_l3_hit_percent = RMPSIM_COTENANT_L3_HIT;
}

/* "0-3,8,16-31": inclusive ranges, each lo <= hi <= max, at most
 * RMPSIM_COTENANT_MAX_RANGES of them. 0, or -EINVAL. */
static int parse_list(const char *v, uint64_t max, struct rmpsim_cpu_range *ret, size_t *ret_n)
{
	size_t n = 0;
	const char *p = v;
	if (!*p)
		return -EINVAL;
	for (;;) {
		char *end;
		if (*p < '0' || *p > '9' || n == RMPSIM_COTENANT_MAX_RANGES)
			return -EINVAL;
		unsigned long long lo = strtoull(p, &end, 10), hi = lo;
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			hi = strtoull(p, &end, 10);
			p = end;
		}
		if (lo > hi || hi > max)
			return -EINVAL;
		ret[n].lo = lo;
		ret[n].hi = hi;
		n++;
		if (!*p)
			break;
		if (*p++ != ',')
			return -EINVAL;
	}
	*ret_n = n;
	return 0;
}

static int rate(const char *key, const char *v, uint64_t *ret, char *msg, size_t len)
{
	if (rmpsim_parse_u64(v, ret) || *ret > RMPSIM_COTENANT_MAX_FILLS) {
		snprintf(msg, len, "%s: expected a rate of write TLB fills per second, 0 to %llu", key,
			 (unsigned long long)RMPSIM_COTENANT_MAX_FILLS);
		return 0;
	}
	return 1;
}

int rmpsim__cotenant_key(struct rmpsim_cotenant *c, const char *name, const char *value, char *msg,
			 size_t len)
{
	if (!strcmp(name, "vcpus")) {
		c->nlist = 0;
		if (!strcmp(value, "auto")) {
			c->vcpus = RMPSIM_VCPUS_AUTO;
			return 1;
		}
		if (!strcmp(value, "none")) {
			c->vcpus = RMPSIM_VCPUS_NONE;
			return 1;
		}
		if (parse_list(value, RMPSIM_MAX_CPUS - 1, c->list, &c->nlist)) {
			snprintf(msg, len,
				 "vcpus: expected auto, none or a CPU list such as 1-7,9 (at most %d ranges, "
				 "CPUs below %d)",
				 RMPSIM_COTENANT_MAX_RANGES, RMPSIM_MAX_CPUS);
			return 0;
		}
		c->vcpus = RMPSIM_VCPUS_LIST;
		return 1;
	}
	if (!strcmp(name, "host_fills_per_s"))
		return rate(name, value, &c->host_fills_per_s, msg, len);
	if (!strcmp(name, "guest_fills_per_s"))
		return rate(name, value, &c->guest_fills_per_s, msg, len);
	if (!strcmp(name, "rmp_l3_hit_percent")) {
		uint64_t x;
		if (rmpsim_parse_u64(value, &x) || x > 100) {
			snprintf(msg, len, "rmp_l3_hit_percent: expected a share from 0 to 100");
			return 0;
		}
		c->rmp_l3_hit_percent = (unsigned)x;
		return 1;
	}
	if (!strcmp(name, "host_regions")) {
		if (parse_list(value, (RMPSIM_MAX_MEMORY_BYTES >> 30) - 1, c->host_regions,
			       &c->nhost_regions)) {
			snprintf(msg, len,
				 "host_regions: expected a list of 1 GB regions (SPA >> 30) such as 0-15,64 "
				 "(at most %d ranges)",
				 RMPSIM_COTENANT_MAX_RANGES);
			return 0;
		}
		return 1;
	}
	snprintf(msg, len,
		 "[cotenant] %s: expected one of vcpus, host_fills_per_s, guest_fills_per_s, "
		 "rmp_l3_hit_percent, host_regions",
		 name);
	return -1;
}
