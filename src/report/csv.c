/* SPDX-License-Identifier: MIT */
/* CSV (RFC 4180): the JSON run keys as columns, integer nanoseconds. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rmpsim/report.h>

#include "check.h"

/* Quote a field when it holds a comma, a quote or a line break. */
static void put_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int rmpsim_report_csv(FILE *f, const struct rmpsim_report *r)
{
	if (!rmpsim__report_ok(f, r))
		return -EINVAL;
	fputs("scenario,backing,policy,pass_ns,leader_ns,follower_ns,leader_cpu,cpu_busy_max_ns,"
	      "cpu_busy_median_ns,cpus_active,cpu_busy_median_active_ns,irq_off_max_ns,rmpopt_executed,"
	      "rmpopt_scanned,rmpopt_early_exit,"
	      "rmpopt_cache_hit,ipis_sent,regions_optimized,regions_total,ram_bytes,private_bytes,skip_bytes,"
	      "skip_share,host_writes_checked,host_writes_skipped,host_writes_faulted,rmpopt_cycles_min,"
	      "rmpopt_cycles_mean,rmpopt_cycles_max,scan_lines_read,scan_lines_from_dram,seed,trace_hash\n",
	      f);
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rmpsim_run_result *x = &r->runs[i];
		put_field(f, x->scenario);
		fprintf(f, ",%s,", rmpsim_backing_name(x->backing));
		put_field(f, x->policy);
		fprintf(f,
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%016" PRIx64 "\n",
			x->pass_ns, x->leader_ns, x->follower_ns, x->leader_cpu, x->cpu_busy_max_ns,
			x->cpu_busy_median_ns, x->cpus_active, x->cpu_busy_median_active_ns,
			x->irq_off_max_ns, x->rmpopt_executed, x->rmpopt_scanned, x->rmpopt_early_exit,
			x->rmpopt_cache_hit, x->ipis_sent, x->regions_optimized, x->regions_total,
			x->ram_bytes, x->private_bytes, x->skip_bytes, x->skip_share, x->host_writes_checked,
			x->host_writes_skipped, x->host_writes_faulted, x->rmpopt_cycles_min,
			x->rmpopt_cycles_mean, x->rmpopt_cycles_max, x->scan_lines_read,
			x->scan_lines_from_dram, x->seed, x->trace_hash);
	}
	return ferror(f) ? -EIO : 0;
}
