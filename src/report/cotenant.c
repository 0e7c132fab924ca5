/* SPDX-License-Identifier: MIT */
/*
 * Co-tenant jitter (what the pass cost the non-SNP vCPUs) and the benefit side
 * (the RMP lookups the pass saves) in JSON and in the text report
 * (docs/scenarios.md "Co-tenants"). Runs without them print nothing, so
 * every other report keeps its bytes.
 */
#include <inttypes.h>
#include <string.h>

#include "cotenant.h"

static json_t *u64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static bool put(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0;
}

/* n values of one per-CPU array (docs/cli.md "Reports"). */
static json_t *u64_array(const uint64_t *v, const uint16_t *v16, unsigned n)
{
	json_t *a = json_array();
	for (unsigned i = 0; a && i < n; i++) {
		if (json_array_append_new(a, u64(v ? v[i] : v16[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* "per_cpu": entry i covers CPUs [i * cpus_per_entry, (i + 1) * cpus_per_entry). */
static json_t *per_cpu_json(const struct rmpsim_cotenant_result *c)
{
	json_t *o = json_object();
	unsigned n = c->nentries <= RMPSIM_COTENANT_CPU_ENTRIES ? c->nentries : RMPSIM_COTENANT_CPU_ENTRIES;
	bool ok = o != NULL;

	ok = ok && put(o, "cpus_per_entry", u64(c->cpus_per_entry));
	ok = ok && put(o, "vcpus", u64_array(NULL, c->cpu_vcpus, n));
	ok = ok && put(o, "interruptions", u64_array(c->cpu_interruptions, NULL, n));
	ok = ok && put(o, "stolen_ns", u64_array(c->cpu_stolen_ns, NULL, n));
	ok = ok && put(o, "stretch_max_ns", u64_array(c->cpu_stretch_max_ns, NULL, n));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *jitter_json(const struct rmpsim_cotenant_result *c)
{
	json_t *o = json_object(), *hist = json_array();
	bool ok = o && hist;

	ok = ok && put(o, "vcpus", u64(c->vcpus));
	ok = ok && put(o, "interruptions", u64(c->interruptions));
	ok = ok && put(o, "interruptions_max", u64(c->interruptions_max));
	ok = ok && put(o, "interruptions_max_cpu", json_integer(c->interruptions_max_cpu));
	ok = ok && put(o, "stolen_ns", u64(c->stolen_ns));
	ok = ok && put(o, "stolen_max_ns", u64(c->stolen_max_ns));
	ok = ok && put(o, "stolen_max_cpu", json_integer(c->stolen_max_cpu));
	ok = ok && put(o, "stretch_max_ns", u64(c->stretch_max_ns));
	ok = ok && put(o, "stretch_max_cpu", json_integer(c->stretch_max_cpu));
	ok = ok && put(o, "per_cpu", per_cpu_json(c));
	/* [us, count] for each non-empty 1 us bucket, as rtla leaves out empty rows */
	for (unsigned k = 0; ok && k < RMPSIM_COTENANT_HIST_BUCKETS; k++) {
		if (c->hist[k])
			ok = json_array_append_new(
				     hist, json_pack("[I, I]", (json_int_t)k, (json_int_t)c->hist[k])) == 0;
	}
	if (ok)
		ok = put(o, "stretch_hist_us", hist);
	else
		json_decref(hist);
	ok = ok && put(o, "stretch_hist_over", u64(c->hist_over));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *benefit_json(const struct rmpsim_benefit_result *b)
{
	json_t *o = json_object();
	bool ok = o != NULL;

	ok = ok && put(o, "fills_per_s", u64(b->fills_per_s));
	ok = ok && put(o, "checked_without_per_s", u64(b->checked_without_per_s));
	ok = ok && put(o, "checked_with_per_s", u64(b->checked_with_per_s));
	ok = ok && put(o, "saved_ns_per_s", u64(b->saved_ns_per_s));
	ok = ok && put(o, "saved_max_ns_per_s", u64(b->saved_max_ns_per_s));
	ok = ok && put(o, "saved_min_ns_per_s", u64(b->saved_min_ns_per_s));
	ok = ok && put(o, "pass_cost_ns", u64(b->pass_cost_ns));
	ok = ok && put(o, "breakeven_us", b->breakeven_us == UINT64_MAX ? json_null() : u64(b->breakeven_us));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

bool rmpsim__json_cotenant(json_t *o, const struct rmpsim_run_result *x)
{
	if (x->cotenant.vcpus && !put(o, "cotenant", jitter_json(&x->cotenant)))
		return false;
	if (x->benefit.fills_per_s && !put(o, "benefit", benefit_json(&x->benefit)))
		return false;
	return true;
}

/* Seconds from microseconds, three decimals, integer arithmetic. */
static const char *fmt_s(uint64_t us, char *buf, size_t len)
{
	if (us == UINT64_MAX)
		snprintf(buf, len, "never");
	else
		snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 " s", us / 1000000, us / 1000 % 1000);
	return buf;
}

void rmpsim__text_cotenant(FILE *f, const struct rmpsim_report *r)
{
	bool any = false;
	for (size_t i = 0; i < r->nruns; i++)
		any = any || r->runs[i].cotenant.vcpus || r->runs[i].benefit.fills_per_s;
	if (!any)
		return;
	fputs("\nco-tenants (issue 17): what the pass cost the non-SNP vCPUs, and what it saves\n", f);
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rmpsim_run_result *x = &r->runs[i];
		char a[32], b[32], c[32], d[32], e[32];
		if (!x->cotenant.vcpus && !x->benefit.fills_per_s)
			continue;
		fprintf(f, "%s %s:", x->scenario, rmpsim_backing_name(x->backing));
		if (x->cotenant.vcpus)
			fprintf(f,
				" %" PRIu64 " vCPUs, %" PRIu64 " interruptions (at most %" PRIu64
				" on CPU %d), stolen %s (at most %s on CPU %d), longest stretch %s on CPU "
				"%d;",
				x->cotenant.vcpus, x->cotenant.interruptions, x->cotenant.interruptions_max,
				x->cotenant.interruptions_max_cpu,
				rmpsim_report_fmt_ns(x->cotenant.stolen_ns, a, 32),
				rmpsim_report_fmt_ns(x->cotenant.stolen_max_ns, b, 32),
				x->cotenant.stolen_max_cpu,
				rmpsim_report_fmt_ns(x->cotenant.stretch_max_ns, c, 32),
				x->cotenant.stretch_max_cpu);
		if (x->benefit.fills_per_s)
			fprintf(f, " saves %s per second of execution, pass cost %s, break-even after %s",
				rmpsim_report_fmt_ns(x->benefit.saved_ns_per_s, d, 32),
				rmpsim_report_fmt_ns(x->benefit.pass_cost_ns, e, 32),
				fmt_s(x->benefit.breakeven_us, a, 32));
		fputc('\n', f);
	}
}
