/* SPDX-License-Identifier: MIT */
/* Fleet replay reports (docs/scenarios.md "Fleet replay"): text, CSV, JSON. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include <rmpsim/report.h>

#include "check.h"

#define GiB	 (1ull << 30)
#define MAX_ROWS 24u

static double gib(uint64_t b)
{
	return (double)b / (double)GiB;
}

static double hours(uint64_t ns)
{
	return (double)ns / 3.6e12;
}

static void summary(FILE *f, const struct rmpsim_fleet_result *x)
{
	char a[32], b[32];
	fprintf(f,
		"VMs: %" PRIu64 " launched, %" PRIu64 " rejected (host full), %" PRIu64
		" conversions, %" PRIu64 " torn down; %" PRIu64 " PVALIDATEs\n",
		x->launches, x->rejected, x->converts, x->teardowns, x->pvalidates);
	fprintf(f,
		"passes %" PRIu64
		"; CPU time on RMPOPT %s, in IPI handlers %s; most interrupted CPU %u: %" PRIu64 " IPIs\n",
		x->passes, rmpsim_report_fmt_ns(x->rmpopt_cpu_ns, a, sizeof(a)),
		rmpsim_report_fmt_ns(x->handler_cpu_ns, b, sizeof(b)), x->ipis_max_cpu_id, x->ipis_max_cpu);
	fprintf(f,
		"RAM skipping RMP checks: mean %.1f%%; regions holding private memory: mean %.2fx the "
		"fewest\n",
		100.0 * x->skip_share_mean, x->frag_mean);
	for (size_t i = 0; i < x->rejected && i < sizeof(x->rejects) / sizeof(x->rejects[0]); i++)
		fprintf(f, "  rejected: line %u: %s, %.0f GiB (%.0f GiB free%s)\n", x->rejects[i].line,
			x->rejects[i].vm, gib(x->rejects[i].bytes), gib(x->rejects[i].free_bytes),
			x->rejects[i].no_asid ? ", every SNP ASID in use" : "");
}

/* The series in at most MAX_ROWS rows: each row is its last sample's state and
 * the sum (or maximum) of what happened over the samples it covers. */
static void series(FILE *f, const struct rmpsim_fleet_result *x)
{
	size_t per = (x->nsamples + MAX_ROWS - 1) / MAX_ROWS;
	if (!per)
		return;
	fprintf(f, "%8s %5s %12s %7s %8s %7s %7s %10s %9s\n", "time h", "VMs", "private GiB", "skip %",
		"regions", "needed", "passes", "RMPOPT ms", "IPIs max");
	for (size_t i = 0; i < x->nsamples; i += per) {
		size_t end = i + per < x->nsamples ? i + per : x->nsamples;
		const struct rmpsim_fleet_sample *s = &x->samples[end - 1];
		uint64_t passes = 0, rmpopt = 0, ipis = 0;
		for (size_t k = i; k < end; k++) {
			passes += x->samples[k].passes;
			rmpopt += x->samples[k].rmpopt_cpu_ns;
			ipis += x->samples[k].ipis_max; /* an upper bound of the busiest CPU over the row */
		}
		fprintf(f, "%8.2f %5u %12.1f %7.1f %8u %7u %7" PRIu64 " %10.3f %9" PRIu64 "\n",
			hours(s->time_ns), s->vms_running, gib(s->private_bytes), 100.0 * s->skip_share,
			s->regions_private, s->regions_needed, passes, (double)rmpopt / 1e6, ipis);
	}
}

int rmpsim_report_fleet_text(FILE *f, const struct rmpsim_report *r)
{
	if (!rmpsim__report_ok(f, r))
		return -EINVAL;
	if (!r->nfleets)
		return 0;
	const struct rmpsim_fleet_result *x0 = &r->fleets[0];
	fprintf(f, "rmpsim %s fleet replay: %s, policy %s, seed %" PRIu64 "\n", r->version ? r->version : "?",
		r->fleet_log ? r->fleet_log : "?", x0->policy, x0->seed);
	fprintf(f, "machine %s (%u CPUs, %.0f GiB RAM), profile %s, %.2f h replayed\n", r->machine, x0->ncpus,
		gib(x0->ram_bytes), r->profile, hours(x0->end_ns));
	if (r->nfleets > 1) {
		fprintf(f, "\n%-10s %10s %10s %8s %12s %9s\n", "placement", "skip mean", "frag mean",
			"passes", "RMPOPT ms", "rejected");
		for (size_t i = 0; i < r->nfleets; i++) {
			const struct rmpsim_fleet_result *x = &r->fleets[i];
			fprintf(f, "%-10s %9.1f%% %9.2fx %8" PRIu64 " %12.3f %9" PRIu64 "\n",
				rmpsim_placement_name(x->placement), 100.0 * x->skip_share_mean, x->frag_mean,
				x->passes, (double)x->rmpopt_cpu_ns / 1e6, x->rejected);
		}
	}
	for (size_t i = 0; i < r->nfleets; i++) {
		fprintf(f, "\nplacement %s (trace %016" PRIx64 ")\n",
			rmpsim_placement_name(r->fleets[i].placement), r->fleets[i].trace_hash);
		summary(f, &r->fleets[i]);
		series(f, &r->fleets[i]);
	}
	return ferror(f) ? -EIO : 0;
}

int rmpsim_report_fleet_csv(FILE *f, const struct rmpsim_report *r)
{
	if (!rmpsim__report_ok(f, r))
		return -EINVAL;
	fputs("placement,time_ns,vms_running,private_bytes,skip_bytes,skip_share,regions_private,regions_"
	      "needed,"
	      "passes,rmpopt_cpu_ns,handler_cpu_ns,ipis_max,ipis_mean\n",
	      f);
	for (size_t i = 0; i < r->nfleets; i++) {
		const struct rmpsim_fleet_result *x = &r->fleets[i];
		for (size_t k = 0; k < x->nsamples; k++) {
			const struct rmpsim_fleet_sample *s = &x->samples[k];
			fprintf(f,
				"%s,%" PRIu64 ",%u,%" PRIu64 ",%" PRIu64 ",%.6f,%u,%u,%" PRIu64 ",%" PRIu64
				",%" PRIu64 ",%" PRIu64 ",%.6f\n",
				rmpsim_placement_name(x->placement), s->time_ns, s->vms_running,
				s->private_bytes, s->skip_bytes, s->skip_share, s->regions_private,
				s->regions_needed, s->passes, s->rmpopt_cpu_ns, s->handler_cpu_ns,
				s->ipis_max, s->ipis_mean);
		}
	}
	return ferror(f) ? -EIO : 0;
}

static json_t *u64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

/* Set key to v, taking the reference; false when v is NULL or the set failed (as json.c). */
static bool put(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0;
}

/* o when ok, else NULL with o released: the end of every builder below. */
static json_t *done(json_t *o, bool ok)
{
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *sample_json(const struct rmpsim_fleet_sample *s)
{
	json_t *o = json_object();
	bool ok = o != NULL;

	ok = ok && put(o, "time_ns", u64(s->time_ns));
	ok = ok && put(o, "vms_running", u64(s->vms_running));
	ok = ok && put(o, "private_bytes", u64(s->private_bytes));
	ok = ok && put(o, "skip_bytes", u64(s->skip_bytes));
	ok = ok && put(o, "skip_share", json_real(s->skip_share));
	ok = ok && put(o, "regions_private", u64(s->regions_private));
	ok = ok && put(o, "regions_needed", u64(s->regions_needed));
	ok = ok && put(o, "passes", u64(s->passes));
	ok = ok && put(o, "rmpopt_cpu_ns", u64(s->rmpopt_cpu_ns));
	ok = ok && put(o, "handler_cpu_ns", u64(s->handler_cpu_ns));
	ok = ok && put(o, "ipis_max", u64(s->ipis_max));
	ok = ok && put(o, "ipis_mean", json_real(s->ipis_mean));
	return done(o, ok);
}

static json_t *reject_json(const struct rmpsim_fleet_reject *j)
{
	json_t *o = json_object();
	bool ok = o != NULL;

	ok = ok && put(o, "line", u64(j->line));
	ok = ok && put(o, "vm", json_string(j->vm));
	ok = ok && put(o, "bytes", u64(j->bytes));
	ok = ok && put(o, "free_bytes", u64(j->free_bytes));
	ok = ok && put(o, "no_asid", json_boolean(j->no_asid));
	return done(o, ok);
}

static json_t *fleet_json(const struct rmpsim_fleet_result *x)
{
	char hash[17];
	json_t *o = json_object(), *ser = json_array(), *rej = json_array();
	bool ok = o && ser && rej;

	for (size_t k = 0; ok && k < x->nsamples; k++)
		ok = json_array_append_new(ser, sample_json(&x->samples[k])) == 0;
	for (size_t i = 0; ok && i < x->rejected && i < sizeof(x->rejects) / sizeof(x->rejects[0]); i++)
		ok = json_array_append_new(rej, reject_json(&x->rejects[i])) == 0;
	if (!ok) {
		json_decref(ser);
		json_decref(rej);
		return done(o, false);
	}
	ok = put(o, "series", ser);
	ok = put(o, "rejects", rej) && ok; /* set_new takes both even when one fails */
	snprintf(hash, sizeof(hash), "%016" PRIx64, x->trace_hash);
	ok = ok && put(o, "placement", json_string(rmpsim_placement_name(x->placement)));
	ok = ok && put(o, "policy", json_string(x->policy));
	ok = ok && put(o, "seed", u64(x->seed));
	ok = ok && put(o, "trace_hash", json_string(hash));
	ok = ok && put(o, "ncpus", u64(x->ncpus));
	ok = ok && put(o, "ram_bytes", u64(x->ram_bytes));
	ok = ok && put(o, "end_ns", u64(x->end_ns));
	ok = ok && put(o, "launches", u64(x->launches));
	ok = ok && put(o, "converts", u64(x->converts));
	ok = ok && put(o, "teardowns", u64(x->teardowns));
	ok = ok && put(o, "rejected", u64(x->rejected));
	ok = ok && put(o, "skipped", u64(x->skipped));
	ok = ok && put(o, "pvalidates", u64(x->pvalidates));
	ok = ok && put(o, "splits", u64(x->splits));
	ok = ok && put(o, "collapses", u64(x->collapses));
	ok = ok && put(o, "passes", u64(x->passes));
	ok = ok && put(o, "ipis_max_cpu", u64(x->ipis_max_cpu));
	ok = ok && put(o, "ipis_max_cpu_id", u64(x->ipis_max_cpu_id));
	ok = ok && put(o, "rmpopt_cpu_ns", u64(x->rmpopt_cpu_ns));
	ok = ok && put(o, "handler_cpu_ns", u64(x->handler_cpu_ns));
	ok = ok && put(o, "skip_share_mean", json_real(x->skip_share_mean));
	ok = ok && put(o, "frag_mean", json_real(x->frag_mean));
	return done(o, ok);
}

static json_t *report_json(const struct rmpsim_report *r)
{
	json_t *o = json_object(), *arr = json_array();
	bool ok = o && arr;

	for (size_t i = 0; ok && i < r->nfleets; i++)
		ok = json_array_append_new(arr, fleet_json(&r->fleets[i])) == 0;
	ok = ok ? put(o, "fleets", arr) : (json_decref(arr), false);
	ok = ok && put(o, "rmpsim_version", json_string(r->version ? r->version : ""));
	ok = ok && put(o, "machine", json_string(r->machine ? r->machine : ""));
	ok = ok && put(o, "profile", json_string(r->profile ? r->profile : ""));
	ok = ok && put(o, "fleet_log", json_string(r->fleet_log ? r->fleet_log : ""));
	if (r->nsettings) { /* --set of profile parameters (docs/cli.md "Settings"), as json.c */
		json_t *set = json_array();
		ok = ok && set;
		for (size_t i = 0; ok && i < r->nsettings; i++)
			ok = json_array_append_new(set, json_string(r->settings[i])) == 0;
		ok = ok ? put(o, "settings", set) : (json_decref(set), false);
	}
	return done(o, ok);
}

int rmpsim_report_fleet_json(FILE *f, const struct rmpsim_report *r)
{
	if (!rmpsim__report_ok(f, r))
		return -EINVAL;
	json_t *o = report_json(r);
	if (!o)
		return -ENOMEM;
	int rc = json_dumpf(o, f, JSON_SORT_KEYS | JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	json_decref(o);
	if (rc || fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}
