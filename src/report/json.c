/* SPDX-License-Identifier: MIT */
/*
 * JSON via jansson: {"machine", "policy", "profile", "rmpsim_version", "runs":
 * [...], "seed", "trace_hash"} with sorted keys (JSON_SORT_KEYS), two-space
 * indentation and integer nanoseconds, so that golden files compare byte for
 * byte. Hashes are 16 hex digits in a string (JSON integers are signed 64-bit).
 * jansson allocates with malloc (its allocator hook is process-global, which
 * the no-mutable-globals rule forbids us to set); the final text is copied into
 * the caller's allocator.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <rmpsim/report.h>

#include "base/alloc.h"
#include "cotenant.h"
#include "check.h"

#define DUMP_FLAGS (JSON_SORT_KEYS | JSON_INDENT(2) | JSON_REAL_PRECISION(6))

/* Set key to v, taking the reference; false when v is NULL or the set failed. */
static bool put(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0;
}

static json_t *u64(uint64_t v)
{
	/* Every count and time we report is far below 2^63. */
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *hex(uint64_t v)
{
	char buf[17];
	snprintf(buf, sizeof(buf), "%016" PRIx64, v);
	return json_string(buf);
}

static json_t *band_json(const struct rmpsim_band *b)
{
	json_t *a = json_array();
	if (a && (json_array_append_new(a, u64(b->p5)) || json_array_append_new(a, u64(b->p50)) ||
		  json_array_append_new(a, u64(b->p95)))) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* --uncertainty: "bands" {metric: [p5, p50, p95]}, the "sensitivity" tornado and
 * the size of a bar chance alone gives (docs/cli.md "Uncertainty"); rank_corr is
 * Spearman's rho in thousandths. */
static bool put_uncertainty(json_t *o, const struct rmpsim_uncertainty *u)
{
	static const char *const names[RMPSIM_UNC_NMETRICS] = {
		[RMPSIM_UNC_PASS_NS] = "pass_ns",
		[RMPSIM_UNC_LEADER_NS] = "leader_ns",
		[RMPSIM_UNC_FOLLOWER_NS] = "follower_ns",
		[RMPSIM_UNC_CPU_BUSY_MAX_NS] = "cpu_busy_max_ns",
		[RMPSIM_UNC_IRQ_OFF_MAX_NS] = "irq_off_max_ns",
	};
	json_t *bands = json_object(), *sens = json_array();
	bool ok = bands && sens;

	for (unsigned m = 0; ok && m < RMPSIM_UNC_NMETRICS; m++)
		ok = put(bands, names[m], band_json(&u->bands[m]));
	for (unsigned k = 0; ok && k < u->nsens; k++) {
		const struct rmpsim_sensitivity *s = &u->sens[k];
		json_t *e = json_object();
		ok = e != NULL;
		ok = ok && put(e, "param", json_string(s->name));
		ok = ok && put(e, "low", json_string(s->low));
		ok = ok && put(e, "high", json_string(s->high));
		ok = ok && put(e, "pass_ns_change", json_integer(s->pass_ns_change));
		ok = ok && put(e, "rank_corr", json_integer(s->rank_corr_milli));
		if (ok)
			ok = json_array_append_new(sens, e) == 0;
		else
			json_decref(e);
	}
	if (!ok) {
		json_decref(bands);
		json_decref(sens);
		return false;
	}
	if (!put(o, "bands", bands)) { /* set_new took bands either way */
		json_decref(sens);
		return false;
	}
	return put(o, "sensitivity", sens) && put(o, "sensitivity_noise_ns", u64(u->change_noise_ns));
}

static json_t *run_json(const struct rmpsim_run_result *x, const struct rmpsim_uncertainty *unc,
			unsigned flags)
{
	json_t *o = json_object();
	bool ok = o != NULL;

	ok = ok && put(o, "scenario", json_string(x->scenario));
	ok = ok && put(o, "backing", json_string(rmpsim_backing_name(x->backing)));
	ok = ok && put(o, "policy", json_string(x->policy));
	ok = ok && put(o, "pass_ns", u64(x->pass_ns));
	ok = ok && put(o, "leader_ns", u64(x->leader_ns));
	ok = ok && put(o, "follower_ns", u64(x->follower_ns));
	if (!(flags &
	      RMPSIM_REPORT_GOLDEN)) { /* chosen by the seeded placement (sim A70), not by a formula */
		ok = ok && put(o, "leader_cpu", json_integer(x->leader_cpu));
		/* [cpu, cycles] where the running maximum rose: the CPUs depend on
		 * where the worker ran, like leader_cpu. */
		json_t *rises = json_array();
		for (unsigned i = 0; rises && i < x->rmpopt_nrises; i++) {
			json_t *pair = json_pack("[I, I]", (json_int_t)x->rmpopt_max_rises[i].cpu,
						 (json_int_t)x->rmpopt_max_rises[i].cycles);
			ok = ok && pair && json_array_append_new(rises, pair) == 0;
		}
		if (ok)
			ok = put(o, "rmpopt_max_rises", rises);
		else
			json_decref(rises);
	}
	ok = ok && put(o, "cpu_busy_max_ns", u64(x->cpu_busy_max_ns));
	ok = ok && put(o, "cpu_busy_median_ns", u64(x->cpu_busy_median_ns));
	ok = ok && put(o, "cpus_active", u64(x->cpus_active));
	ok = ok && put(o, "cpu_busy_median_active_ns", u64(x->cpu_busy_median_active_ns));
	ok = ok && put(o, "irq_off_max_ns", u64(x->irq_off_max_ns));
	ok = ok && put(o, "rmpopt_executed", u64(x->rmpopt_executed));
	ok = ok && put(o, "rmpopt_scanned", u64(x->rmpopt_scanned));
	ok = ok && put(o, "rmpopt_early_exit", u64(x->rmpopt_early_exit));
	ok = ok && put(o, "rmpopt_cache_hit", u64(x->rmpopt_cache_hit));
	ok = ok && put(o, "ipis_sent", u64(x->ipis_sent));
	ok = ok && put(o, "rmpopt_cycles_min", u64(x->rmpopt_cycles_min));
	ok = ok && put(o, "rmpopt_cycles_mean", u64(x->rmpopt_cycles_mean));
	ok = ok && put(o, "rmpopt_cycles_max", u64(x->rmpopt_cycles_max));
	ok = ok && put(o, "scan_lines_read", u64(x->scan_lines_read));
	ok = ok && put(o, "scan_lines_from_dram", u64(x->scan_lines_from_dram));

	ok = ok && put(o, "regions_optimized", u64(x->regions_optimized));
	ok = ok && put(o, "regions_total", u64(x->regions_total));
	ok = ok && put(o, "ram_bytes", u64(x->ram_bytes));
	ok = ok && put(o, "private_bytes", u64(x->private_bytes));
	ok = ok && put(o, "skip_bytes", u64(x->skip_bytes));
	ok = ok && put(o, "skip_share", json_real(x->skip_share));
	ok = ok && put(o, "host_writes_checked", u64(x->host_writes_checked));
	ok = ok && put(o, "host_writes_skipped", u64(x->host_writes_skipped));
	ok = ok && put(o, "host_writes_faulted", u64(x->host_writes_faulted));
	ok = ok && put(o, "seed", u64(x->seed));
	if (!(flags & RMPSIM_REPORT_GOLDEN))
		ok = ok && put(o, "trace_hash", hex(x->trace_hash));
	ok = ok && rmpsim__json_cotenant(o, x); /* issue 17: only runs that have them */
	if (unc)
		ok = ok && put_uncertainty(o, unc);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *sweep_json(const struct rmpsim_report_sweep *s)
{
	json_t *o = json_object(), *axes = json_object();
	bool ok = o && axes;

	for (size_t i = 0; ok && i < s->naxes; i++)
		ok = put(axes, s->axis_keys[i], json_string(s->axis_values[i]));
	ok = ok ? put(o, "axes", axes) : (json_decref(axes), false);
	ok = ok && put(o, "name", json_string(s->name ? s->name : ""));
	ok = ok && put(o, "id", json_string(s->id ? s->id : ""));
	ok = ok && put(o, "index", u64(s->index));
	ok = ok && put(o, "count", u64(s->count));
	ok = ok && put(o, "run", u64(s->run));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *report_json(const struct rmpsim_report *r, unsigned flags)
{
	json_t *o = json_object();
	json_t *runs = json_array();
	bool ok = o && runs;

	for (size_t i = 0; ok && i < r->nruns; i++) {
		json_t *x = run_json(&r->runs[i], r->uncertainty ? &r->uncertainty[i] : NULL, flags);
		ok = x && json_array_append_new(runs, x) == 0;
	}
	if (ok)
		ok = put(o, "runs", runs); /* set_new takes runs even when it fails */
	else
		json_decref(runs);
	ok = ok && put(o, "machine", json_string(r->machine ? r->machine : "default"));
	ok = ok && put(o, "profile", json_string(r->profile ? r->profile : "default"));
	ok = ok && put(o, "policy", json_string(r->policy ? r->policy : ""));
	ok = ok && put(o, "seed", u64(r->seed));
	if (r->uncertainty && r->nruns)
		ok = ok && put(o, "uncertainty_draws", u64(r->uncertainty[0].ndraws));
	if (r->sweep) /* rmpsim sweep (docs/sweeps.md "Results") */
		ok = ok && put(o, "sweep", sweep_json(r->sweep));
	if (r->nsettings) { /* --set KEY=VALUE (docs/cli.md "Settings") */
		json_t *set = json_array();
		ok = ok && set;
		for (size_t i = 0; ok && i < r->nsettings; i++)
			ok = json_array_append_new(set, json_string(r->settings[i])) == 0;
		ok = ok ? put(o, "settings", set) : (json_decref(set), false);
	}
	if (!(flags & RMPSIM_REPORT_GOLDEN)) {
		ok = ok && put(o, "rmpsim_version", json_string(r->version ? r->version : ""));
		ok = ok && put(o, "trace_hash", hex(r->trace_hash));
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int rmpsim_report_json(const struct rmpsim_report *r, unsigned flags, const struct rmpsim_allocator *alloc,
		       char **ret_text, size_t *ret_len)
{
	const struct rmpsim_allocator *a = rmpsim__alloc_or_default(alloc);
	if (!rmpsim__report_ok(stdout, r) || !ret_text || !ret_len)
		return -EINVAL; /* (stdout: this one writes to no stream) */
	json_t *o = report_json(r, flags);

	if (!o)
		return -ENOMEM;
	size_t n = json_dumpb(o, NULL, 0, DUMP_FLAGS);
	char *buf = n ? rmpsim__malloc(a, n + 2) : NULL;
	if (!buf || json_dumpb(o, buf, n, DUMP_FLAGS) != n) {
		if (buf)
			rmpsim__free(a, buf, n + 2);
		json_decref(o);
		return -ENOMEM;
	}
	json_decref(o);
	buf[n] = '\n';
	buf[n + 1] = '\0';
	*ret_text = buf;
	*ret_len = n + 1;
	return 0;
}

void rmpsim_report_free_text(const struct rmpsim_allocator *alloc, char *text, size_t len)
{
	/* The buffer holds the text, its NUL and nothing more (len + 1 bytes). */
	if (text)
		rmpsim__free(rmpsim__alloc_or_default(alloc), text, len + 1);
}

int rmpsim_report_json_write(FILE *f, const struct rmpsim_report *r, unsigned flags)
{
	char *text;
	size_t len;
	if (!f)
		return -EINVAL;
	int err = rmpsim_report_json(r, flags, NULL, &text, &len);

	if (err)
		return err;
	size_t w = fwrite(text, 1, len, f);
	rmpsim_report_free_text(NULL, text, len);
	return w == len && !ferror(f) ? 0 : -EIO;
}
