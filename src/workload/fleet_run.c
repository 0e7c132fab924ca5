/* SPDX-License-Identifier: MIT */
/*
 * Fleet replay (docs/scenarios.md "Fleet replay"): boot the host as a
 * scenario run does, then one driver process on CPU 0 (A115) walks the log in
 * time order, launching, converting and tearing down VMs through the host
 * layer, and wakes every sample interval to record the time series. The
 * policy runs its passes in between, as teardowns trigger them (spec 1.5).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rmpsim/fleet.h>
#include <rmpsim/insn.h>
#include <rmpsim/machine.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>

#include "rmpsim/kshim.h"
#include "rmpsim/policy.h"

#include "base/alloc.h"
#include "base/rng.h"
#include "granules.h"
#include "measure.h"
#include "ram_skip.h"

#define GB	   (1ull << 30)
#define SZ_4K	   (1ull << 12)
#define SZ_2M	   (1ull << 21)
#define DRIVER_CPU 0u

/* A 2 MB page of a VM split by PSMASH, to be collapsed again (A469). */
struct split {
	unsigned vm;
	uint64_t spa, gpa;
};

struct fvm {
	const struct rmpsim_fleet_vm *spec;
	unsigned asid;	       /* while running; 0 otherwise */
	uint64_t churn_credit; /* A469: page-seconds of churn not yet spent */
	struct rmpsim__extent *ext;
	size_t next, cap;
	uint64_t private_bytes; /* private from offset 0 of the VM's memory (GPA 0 up) */
	bool running, rejected;
};

struct fctx {
	const struct rmpsim_allocator *alloc;
	const struct rmpsim_fleet *f;
	const struct rmpsim_fleet_options *o;
	const struct rmpsim_policy_ops *ops;
	struct rmpsim_machine *m;
	struct rmpsim_sim *sim;
	struct rmpsim_kernel *kernel;
	struct rmpsim__pool pool;
	struct rmpsim__granules gran;
	struct fvm *vms;
	uint32_t *region_private; /* per 1 GB region of the machine: private 2 MB granules */
	unsigned nregions;
	uint64_t t_boot, end_ns, private_bytes, ram_bytes;
	unsigned running;
	/* what the previous sample had counted */
	uint64_t *last_ipis;
	uint64_t last_rmpopt_ps, last_handler_ps;
	size_t last_mark;
	/* The RAM skipping checks only changes when the driver writes the RMP (an
	 * assignment clears bits) or a pass runs (it sets them): else the last
	 * sample's figure stands, and the walk over every region and core is saved. */
	bool rmp_written, pass_open;
	uint64_t last_skip;
	struct rmpsim_fleet_result *res;
	uint64_t asid_used[(RMPSIM_FLEET_MAX_ASID + 64) / 64]; /* bit a: ASID a runs a VM */
	struct split *splits;				       /* split now (A469) */
	size_t nsplits, splits_cap;
	struct rmpsim_rng rng;
	int phase, err;
	char msg[256];
	unsigned err_line;
};

enum { PH_BOOT, PH_REPLAY, PH_SHUTDOWN };

static void set_err(struct fctx *c, int err, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set_err(struct fctx *c, int err, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (c->err)
		return;
	c->err = err;
	c->err_line = line;
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
}

static int level_of(enum rmpsim_backing b)
{
	return b == RMPSIM_BACKING_4K ? 1 : 2; /* 1G backing is held by 2 MB RMP entries (spec 3.1) */
}

static uint64_t page_of(enum rmpsim_backing b)
{
	return b == RMPSIM_BACKING_4K ? SZ_4K : SZ_2M;
}

/* Count the private granules of [spa, spa + bytes) in their regions. */
static void count_private(struct fctx *c, uint64_t spa, uint64_t bytes, bool add)
{
	for (uint64_t end = spa + bytes; spa < end;) {
		uint64_t next = (spa / GB + 1) * GB < end ? (spa / GB + 1) * GB : end;
		uint32_t n = (uint32_t)((next - spa) / SZ_2M);
		if (spa / GB < c->nregions)
			c->region_private[spa / GB] =
				add ? c->region_private[spa / GB] + n : c->region_private[spa / GB] - n;
		spa = next;
	}
}

static bool split_already(const struct fctx *c, unsigned vm, uint64_t gpa)
{
	for (size_t i = 0; i < c->nsplits; i++)
		if (c->splits[i].vm == vm && c->splits[i].gpa == gpa)
			return true;
	return false;
}

/*
 * PVALIDATE at launch (A467): the guest validates each page made private, 2 MB
 * pages as 2 MB, 4K pages one by one. The instruction runs functionally and is
 * counted; it takes no virtual time (no public latency; the guest's vCPUs are not
 * the host CPUs the pass runs on). Anything but success is a model error.
 */
static void validate(struct fctx *c, const struct fvm *v, uint64_t spa, uint64_t gpa, uint64_t bytes,
		     unsigned line)
{
	if (c->o->no_pvalidate || !v->spec->snp)
		return;
	struct rmpsim_guest_ctx ctx = { .asid = v->asid, .vmpl = 0 };
	struct rmpsim_insn_out pv = { 0 };
	uint64_t done = 0, want = bytes / SZ_4K;
	int r;
	if (v->spec->backing == RMPSIM_BACKING_4K) {
		r = rmpsim_machine_pvalidate_4k_range(c->m, DRIVER_CPU, &ctx, gpa, spa, want, 1, &pv);
		done = pv.done;
	} else {
		want = bytes / SZ_2M;
		for (r = 0; done < want; done++) {
			r = rmpsim_machine_pvalidate(c->m, DRIVER_CPU, &ctx, gpa + done * SZ_2M,
						     spa + done * SZ_2M, 1, 1, &pv);
			if (r || pv.fault != RMPSIM_FAULT_NONE || pv.rax || pv.cf)
				break;
		}
	}
	c->res->pvalidates += done;
	if (r || done < want)
		set_err(c, r ? r : -EIO, line,
			"PVALIDATE of a page of GPA 0x%llx.. (SPA 0x%llx..) failed: fault %s, code %d, CF %d",
			(unsigned long long)gpa, (unsigned long long)spa, rmpsim_fault_name(pv.fault),
			(int)pv.rax, (int)pv.cf);
}

/*
 * Make the VM's memory from offset `from` to `to` private (from < to) or
 * shared (from > to), extent by extent, GPA = offset (A461).
 */
static void convert_range(struct fctx *c, struct fvm *v, uint64_t from, uint64_t to, unsigned line)
{
	bool make_private = from < to;
	uint64_t lo = make_private ? from : to, hi = make_private ? to : from;
	uint64_t page = page_of(v->spec->backing), off = 0;

	for (size_t i = 0; i < v->next && !c->err && off < hi; off += v->ext[i++].bytes) {
		uint64_t s = lo > off ? lo : off, e = hi < off + v->ext[i].bytes ? hi : off + v->ext[i].bytes;
		if (s >= e)
			continue;
		uint64_t spa = v->ext[i].spa + (s - off);
		unsigned long long done = 0;
		c->rmp_written = true;
		int r = make_private ? rmpsim_host_rmp_make_private_range(spa / SZ_4K, (e - s) / page, s,
									  level_of(v->spec->backing), v->asid,
									  &done)
				     : rmpsim_host_rmp_make_shared_range(spa / SZ_4K, (e - s) / page,
									 level_of(v->spec->backing), &done);
		count_private(c, spa, done * page, make_private);
		if (make_private) {
			validate(c, v, spa, s, done * page, line);
			c->private_bytes += done * page;
		} else {
			c->private_bytes -= done * page;
		}
		if (r)
			set_err(c, r, line, "RMPUPDATE failed at SPA 0x%llx",
				(unsigned long long)(spa + done * page));
	}
	v->private_bytes = to;
}

/* The lowest free SNP ASID (1..RMPSIM_FLEET_MAX_ASID), or 0 (A464). */
static unsigned asid_take(struct fctx *c)
{
	for (unsigned a = 1; a <= RMPSIM_FLEET_MAX_ASID; a++) {
		if (!(c->asid_used[a / 64] >> (a % 64) & 1)) {
			c->asid_used[a / 64] |= 1ull << (a % 64);
			return a;
		}
	}
	return 0;
}

static void asid_give(struct fctx *c, unsigned a)
{
	c->asid_used[a / 64] &= ~(1ull << (a % 64));
}

static void reject(struct fctx *c, struct fvm *v, unsigned line)
{
	struct rmpsim_fleet_result *res = c->res;
	const struct rmpsim_fleet_vm *spec = v->spec;
	if (res->rejected < sizeof(res->rejects) / sizeof(res->rejects[0])) {
		struct rmpsim_fleet_reject *j = &res->rejects[res->rejected];
		j->line = line;
		snprintf(j->vm, sizeof(j->vm), "%s", spec->id);
		j->bytes = spec->bytes;
		j->free_bytes = rmpsim__gran_free(&c->gran, spec->node, spec->backing == RMPSIM_BACKING_1G);
		j->no_asid = spec->snp && j->free_bytes >= spec->bytes;
	}
	res->rejected++;
	v->rejected = true;
}

/*
 * Page-size churn (A469): collapse the split pages of VM vm (UINT_MAX: of
 * every VM) again: the 512 4K entries back to shared, then one 2 MB
 * assignment (RMPUPDATE resets validated, A26), which the guest validates
 * again (PVALIDATE 2 MB) unless PVALIDATE is off.
 */
static void collapse(struct fctx *c, unsigned vm, unsigned line)
{
	size_t keep = 0;
	for (size_t i = 0; i < c->nsplits; i++) {
		struct split *sp = &c->splits[i];
		if (vm != UINT_MAX && sp->vm != vm) {
			c->splits[keep++] = *sp;
			continue;
		}
		const struct fvm *v = &c->vms[sp->vm];
		unsigned long long done = 0;
		c->rmp_written = true;
		int r = rmpsim_host_rmp_make_shared_range(sp->spa / SZ_4K, SZ_2M / SZ_4K, 1, &done);
		if (!r)
			r = rmpsim_host_rmp_make_private(sp->spa / SZ_4K, sp->gpa, 2, v->asid, false);
		if (r) {
			set_err(c, r, line, "collapsing the 2 MB page at SPA 0x%llx failed: %s",
				(unsigned long long)sp->spa, rmpsim_strerror(r));
			return;
		}
		validate(c, v, sp->spa, sp->gpa, SZ_2M, line);
		c->res->collapses++;
	}
	c->nsplits = keep;
}

/* Split churn_per_hour x step of each running SNP VM's private 2 MB pages, chosen at random (A469). */
static void churn(struct fctx *c, uint64_t step_ns)
{
	uint64_t rate = c->o->churn_per_hour;
	for (size_t i = 0; rate && i < c->f->nvms && !c->err; i++) {
		struct fvm *v = &c->vms[i];
		if (!v->running || !v->spec->snp || v->spec->backing == RMPSIM_BACKING_4K ||
		    !v->private_bytes)
			continue;
		v->churn_credit += rate * (step_ns / 1000000000ull);
		uint64_t n = v->churn_credit / 3600, pages = v->private_bytes / SZ_2M;
		v->churn_credit %= 3600;
		for (uint64_t k = 0; k < n && k < pages && !c->err; k++) {
			uint64_t off = rmpsim__rng_below(&c->rng, pages) * SZ_2M, base = 0;
			if (split_already(c, (unsigned)i, off))
				continue; /* A469: drawn again while split: this draw splits nothing */
			for (size_t e = 0; e < v->next; base += v->ext[e++].bytes) {
				if (off >= base + v->ext[e].bytes)
					continue;
				uint64_t spa = v->ext[e].spa + (off - base);
				int r = rmpsim_host_psmash(spa / SZ_4K);
				c->rmp_written = true;
				if (r == 0) {
					if (c->nsplits == c->splits_cap) {
						size_t ncap = c->splits_cap ? c->splits_cap * 2 : 64;
						void *q = rmpsim__realloc(c->alloc, c->splits,
									  c->splits_cap * sizeof(*c->splits),
									  ncap * sizeof(*c->splits));
						if (!q) {
							set_err(c, -ENOMEM, 0,
								"out of memory for split pages");
							return;
						}
						c->splits = q;
						c->splits_cap = ncap;
					}
					c->splits[c->nsplits++] = (struct split){ (unsigned)i, spa, off };
					c->res->splits++;
				} else {
					set_err(c, r < 0 ? r : -EIO, 0, "PSMASH at SPA 0x%llx failed (%d)",
						(unsigned long long)spa, r);
				}
				break;
			}
		}
	}
}

static void vm_launch(struct fctx *c, struct fvm *v, unsigned line)
{
	const struct rmpsim_fleet_vm *spec = v->spec;
	int r = rmpsim__gran_take(&c->gran, c->o->placement, spec->node, spec->bytes,
				  spec->backing == RMPSIM_BACKING_1G, &v->ext, &v->next, &v->cap);
	if (r == -ENOSPC) { /* A464: the host is full now; the log goes on */
		struct rmpsim_fleet_result *res = c->res;
		if (res->rejected < sizeof(res->rejects) / sizeof(res->rejects[0])) {
			struct rmpsim_fleet_reject *j = &res->rejects[res->rejected];
			j->line = line;
			snprintf(j->vm, sizeof(j->vm), "%s", spec->id);
			j->bytes = spec->bytes;
			j->free_bytes =
				rmpsim__gran_free(&c->gran, spec->node, spec->backing == RMPSIM_BACKING_1G);
		}
		res->rejected++;
		v->rejected = true;
		return;
	}
	if (r) {
		set_err(c, r, line, "placing VM %s failed: %s", spec->id, rmpsim_strerror(r));
		return;
	}
	v->asid = spec->snp ? asid_take(c) : 0;
	if (spec->snp && !v->asid) { /* A464: every SNP ASID is in use: rejected like a full host */
		rmpsim__gran_give(&c->gran, v->ext, v->next);
		v->next = 0;
		reject(c, v, line);
		return;
	}
	v->running = true;
	c->running++;
	c->res->launches++;
	if (spec->snp)
		convert_range(c, v, 0, spec->bytes, line);
}

static void vm_teardown(struct fctx *c, struct fvm *v, unsigned line)
{
	collapse(c, (unsigned)(v - c->vms), line);
	if (v->private_bytes)
		convert_range(c, v, v->private_bytes, 0, line);
	/* spec 1.5: sev_vm_destroy's hook for SNP guests, after the pages are shared */
	for (size_t i = 0; v->spec->snp && i < v->next && !c->err; i++)
		rmpsim_host_guest_teardown(v->ext[i].spa / SZ_4K, v->ext[i].bytes / SZ_4K);
	rmpsim__gran_give(&c->gran, v->ext, v->next);
	v->next = 0;
	if (v->asid)
		asid_give(c, v->asid);
	v->asid = 0;
	v->running = false;
	c->running--;
	c->res->teardowns++;
}

static int take_sample(struct fctx *c, uint64_t t_ns)
{
	struct rmpsim_fleet_result *res = c->res;
	struct rmpsim_fleet_sample s = { .time_ns = t_ns, .vms_running = c->running };
	uint64_t rmpopt_ps = 0, handler_ps = 0, ipis_sum = 0;

	if (res->nsamples == res->samples_cap) {
		size_t ncap = res->samples_cap ? res->samples_cap * 2 : 256;
		void *q = rmpsim__realloc(c->alloc, res->samples, res->samples_cap * sizeof(s),
					  ncap * sizeof(s));
		if (!q)
			return -ENOMEM;
		res->samples = q;
		res->samples_cap = ncap;
	}
	s.private_bytes = c->private_bytes;
	/* passes since the previous sample, and whether one is still running */
	bool marks = false;
	size_t nmarks = rmpsim_sim_mark_count(c->sim);
	for (; c->last_mark < nmarks; c->last_mark++) {
		const struct rmpsim_mark *mk = rmpsim_sim_mark_get(c->sim, c->last_mark);
		bool done = mk && !strcmp(mk->name, RMPSIM__MARK_PASS_DONE);
		s.passes += done;
		if (mk && !strcmp(mk->name, RMPSIM__MARK_PASS_START))
			c->pass_open = true;
		else if (done)
			c->pass_open = false;
		marks = true;
	}
	if (c->rmp_written || marks || c->pass_open || !res->nsamples) {
		uint64_t ram;
		rmpsim__ram_skip(c->m, &ram, &c->last_skip);
		c->rmp_written = false;
	}
	s.skip_bytes = c->last_skip;
	s.skip_share = c->ram_bytes ? (double)s.skip_bytes / (double)c->ram_bytes : 0.0;
	for (unsigned r = 0; r < c->nregions; r++)
		s.regions_private += c->region_private[r] != 0;
	s.regions_needed = (unsigned)((c->private_bytes + GB - 1) / GB);
	for (unsigned cpu = 0; cpu < res->ncpus; cpu++) {
		struct rmpsim_cpu_stats st;
		if (rmpsim_sim_cpu_stats(c->sim, cpu, &st))
			continue;
		rmpopt_ps += st.rmpopt_ps;
		handler_ps += st.handler_ps;
		uint64_t d = st.ipis - c->last_ipis[cpu];
		c->last_ipis[cpu] = st.ipis;
		ipis_sum += d;
		if (d > s.ipis_max)
			s.ipis_max = d;
	}
	s.ipis_mean = res->ncpus ? (double)ipis_sum / res->ncpus : 0.0;
	s.rmpopt_cpu_ns = (rmpopt_ps - c->last_rmpopt_ps) / 1000;
	s.handler_cpu_ns = (handler_ps - c->last_handler_ps) / 1000;
	c->last_rmpopt_ps = rmpopt_ps;
	c->last_handler_ps = handler_ps;
	res->samples[res->nsamples++] = s;
	return 0;
}

static void replay(struct fctx *c)
{
	const struct rmpsim_fleet *f = c->f;
	uint64_t step = c->o->sample_ns ? c->o->sample_ns : RMPSIM_FLEET_DEFAULT_SAMPLE_NS;
	uint64_t next_sample = 0;
	size_t i = 0;

	while (!c->err) {
		uint64_t t_ev = i < f->nevents ? f->events[i].time_ns : UINT64_MAX;
		bool sample = next_sample <= c->end_ns && next_sample < t_ev;
		uint64_t t = sample ? next_sample : t_ev;
		if (t == UINT64_MAX)
			break;
		uint64_t when = c->t_boot + t * 1000;
		if (when > rmpsim_sim_now(c->sim))
			rmpsim_sim_sleep_until(c->sim, when);
		if (sample) {
			if (take_sample(c, t))
				set_err(c, -ENOMEM, 0, "out of memory for the time series");
			else if (c->o->on_sample)
				c->o->on_sample(c->o->on_sample_ctx, c->m,
						&c->res->samples[c->res->nsamples - 1]);
			collapse(c, UINT_MAX, 0); /* A469: a split lives one sample interval */
			if (next_sample + step <= c->end_ns)
				churn(c, step); /* none after the last sample: the replay ends whole */
			next_sample += step;
			continue;
		}
		const struct rmpsim_fleet_event *e = &f->events[i++];
		struct fvm *v = &c->vms[e->vm];
		if (v->rejected) {
			c->res->skipped++; /* A464: a VM that never ran has nothing to convert or tear down */
			continue;
		}
		switch (e->action) {
		case RMPSIM_FLEET_LAUNCH: vm_launch(c, v, e->line); break;
		case RMPSIM_FLEET_CONVERT:
			collapse(c, e->vm, e->line); /* whole 2 MB pages again before the conversion */
			if (e->bytes != v->private_bytes)
				convert_range(c, v, v->private_bytes, e->bytes, e->line);
			c->res->converts++;
			break;
		case RMPSIM_FLEET_TEARDOWN: vm_teardown(c, v, e->line); break;
		}
	}
}

static void driver(void *arg)
{
	struct fctx *c = arg;
	int r = 0;

	switch (c->phase) {
	case PH_BOOT:
		r = rmpsim_host_snp_prepare();
		if (!r)
			r = rmpsim_host_snp_init();
		if (!r)
			r = rmpsim_host_setup_rmpopt(c->ops);
		if (r)
			set_err(c, r, 0, "host boot (snp_prepare, SNP_INIT, snp_setup_rmpopt) failed: %s",
				rmpsim_strerror(r));
		break;
	case PH_REPLAY: replay(c); break;
	case PH_SHUTDOWN: rmpsim_host_snp_shutdown(); break;
	}
}

static int run_phase(struct fctx *c, int ph)
{
	struct rmpsim_kernel_stats ks;
	int r;

	c->phase = ph;
	r = ph == PH_BOOT ? rmpsim_kernel_boot(c->kernel, driver, c)
			  : rmpsim_kernel_spawn(c->kernel, ph == PH_REPLAY ? "fleet" : "workload", DRIVER_CPU,
						driver, c);
	if (!r)
		r = rmpsim_sim_run(c->sim);
	if (r)
		return r;
	rmpsim_kernel_stats(c->kernel, &ks);
	if (ks.oopses && !c->err) {
		c->err = -EFAULT;
		snprintf(c->msg, sizeof(c->msg),
			 "the simulated kernel oopsed (run with --dmesg to see its log)");
	}
	return c->err;
}

/* Before anything runs: every VM fits the machine when it is empty (A464). */
static int check_fits(struct fctx *c, struct rmpsim_diag *diag)
{
	unsigned nnodes = rmpsim_topology_nnodes(rmpsim_machine_topology(c->m));
	for (size_t i = 0; i < c->f->nvms; i++) {
		const struct rmpsim_fleet_vm *v = &c->f->vms[i];
		if (v->node >= (int)nnodes) {
			rmpsim_diag_fail(
				diag, -EINVAL,
				"launch %s: node %d: expected a NUMA node of the machine (0 to %u) or any",
				v->id, v->node, nnodes - 1);
			rmpsim_diag_at(diag, c->f->file, v->line, v->node_col);
			return -EINVAL;
		}
		uint64_t cap = rmpsim__gran_capacity(&c->gran, v->node);
		if (v->bytes > cap) {
			rmpsim_diag_fail(diag, -EINVAL,
					 "launch %s: %llu MiB can never fit: expected at most the %llu MiB "
					 "of guest memory %s",
					 v->id, (unsigned long long)(v->bytes >> 20),
					 (unsigned long long)(cap >> 20),
					 v->node >= 0 ? "of its node" : "of the machine");
			rmpsim_diag_at(diag, c->f->file, v->line, 1);
			return -EINVAL;
		}
	}
	return 0;
}

static void summarise(struct fctx *c, struct rmpsim_fleet_result *res)
{
	double skip_area = 0, frag = 0;
	unsigned nfrag = 0;
	uint64_t best = 0;

	for (size_t i = 0; i < res->nsamples; i++) {
		const struct rmpsim_fleet_sample *s = &res->samples[i];
		res->passes += s->passes;
		res->rmpopt_cpu_ns += s->rmpopt_cpu_ns;
		res->handler_cpu_ns += s->handler_cpu_ns;
		skip_area += s->skip_share;
		if (s->regions_needed) {
			frag += (double)s->regions_private / s->regions_needed;
			nfrag++;
		}
	}
	res->skip_share_mean = res->nsamples ? skip_area / (double)res->nsamples : 0.0;
	res->frag_mean = nfrag ? frag / nfrag : 0.0;
	for (unsigned cpu = 0; cpu < res->ncpus; cpu++) {
		struct rmpsim_cpu_stats st;
		if (!rmpsim_sim_cpu_stats(c->sim, cpu, &st) && st.ipis > best) {
			best = st.ipis;
			res->ipis_max_cpu_id = cpu;
		}
	}
	res->ipis_max_cpu = best;
	res->seed = rmpsim_sim_seed(c->sim);
	res->trace_hash = rmpsim_sim_trace_hash(c->sim);
	snprintf(res->policy, sizeof(res->policy), "%s", c->ops->name);
	res->placement = c->o->placement;
	res->ram_bytes = c->ram_bytes;
	res->end_ns = c->end_ns;
}

static int setup(struct fctx *c, struct rmpsim_diag *diag)
{
	const struct rmpsim_fleet_options *o = c->o;
	struct rmpsim_profile prof = *rmpsim_profile_default();
	int r;

	if (o->profile_value) {
		prof = *o->profile_value;
	} else if (o->profile && *o->profile) {
		r = rmpsim_profile_load(o->profile, &prof, diag);
		if (r)
			return r;
	}
	r = rmpsim_workload_machine(c->alloc, o->machine, &c->m, diag);
	if (r)
		return r;
	rmpsim__ram_skip(c->m, &c->ram_bytes, NULL);
	c->nregions = (unsigned)((rmpsim_machine_max_pfn(c->m) * SZ_4K + GB - 1) / GB);
	c->region_private =
		rmpsim__calloc(c->alloc, c->nregions ? c->nregions : 1, sizeof(*c->region_private));
	c->vms = rmpsim__calloc(c->alloc, c->f->nvms ? c->f->nvms : 1, sizeof(*c->vms));
	c->res->ncpus = rmpsim_machine_ncpus(c->m);
	c->last_ipis = rmpsim__calloc(c->alloc, c->res->ncpus, sizeof(*c->last_ipis));
	if (!c->region_private || !c->vms || !c->last_ipis)
		return -ENOMEM;
	for (size_t i = 0; i < c->f->nvms; i++)
		c->vms[i].spec = &c->f->vms[i];
	rmpsim__rng_seed(&c->rng, o->seed ^ 0x636875726eull); /* "churn": a stream of its own */
	r = rmpsim_sim_create(c->alloc, c->m, &prof, o->seed, &c->sim);
	if (!r)
		r = rmpsim_kernel_create(c->alloc, c->sim, &c->kernel);
	return r;
}

static void teardown_ctx(struct fctx *c)
{
	for (size_t i = 0; c->vms && i < c->f->nvms; i++)
		rmpsim__free(c->alloc, c->vms[i].ext, c->vms[i].cap * sizeof(*c->vms[i].ext));
	rmpsim__free(c->alloc, c->vms, (c->f->nvms ? c->f->nvms : 1) * sizeof(*c->vms));
	rmpsim__free(c->alloc, c->region_private,
		     (c->nregions ? c->nregions : 1) * sizeof(*c->region_private));
	if (c->res)
		rmpsim__free(c->alloc, c->last_ipis, c->res->ncpus * sizeof(*c->last_ipis));
	rmpsim__free(c->alloc, c->splits, c->splits_cap * sizeof(*c->splits));
	rmpsim__gran_fini(&c->gran);
	rmpsim__pool_free(&c->pool);
	if (c->kernel)
		rmpsim_kernel_destroy(c->kernel);
	if (c->sim)
		rmpsim_sim_destroy(c->sim);
	if (c->m)
		rmpsim_machine_destroy(c->m);
}

int rmpsim_fleet_run(const struct rmpsim_fleet *f, const struct rmpsim_fleet_options *o,
		     const struct rmpsim_allocator *alloc, struct rmpsim_fleet_result *ret,
		     struct rmpsim_diag *diag)
{
	static const struct rmpsim_fleet_options no_opt;
	struct rmpsim_fleet_result res = { 0 };
	struct fctx c = {
		.alloc = rmpsim__alloc_or_default(alloc), .f = f, .o = o ? o : &no_opt, .res = &res
	};
	void *plugin = NULL;
	int r;

	if (!f || !ret || (unsigned)c.o->placement >= RMPSIM_PLACE_COUNT)
		return rmpsim_diag_fail(diag, -EINVAL, "fleet replay: expected a log and a placement policy");
	res.alloc = c.alloc;
	if (c.o->policy_plugin && *c.o->policy_plugin) {
		r = rmpsim_policy_load_plugin(c.o->policy_plugin, diag, &c.ops, &plugin);
		if (r)
			return r;
	} else {
		const char *name = c.o->policy && *c.o->policy ? c.o->policy : "v10";
		c.ops = rmpsim_policy_find(name);
		if (!c.ops)
			return rmpsim_diag_fail(diag, -ENOENT, "unknown policy '%s'", name);
	}
	uint64_t step = c.o->sample_ns ? c.o->sample_ns : RMPSIM_FLEET_DEFAULT_SAMPLE_NS;
	uint64_t last = f->nevents ? f->events[f->nevents - 1].time_ns : 0;
	c.end_ns = (last / step + 1) * step; /* one more sample after the last event: its pass */
	r = setup(&c, diag);
	if (!r)
		r = run_phase(&c, PH_BOOT);
	bool booted = !r;
	c.t_boot = c.sim ? rmpsim_sim_now(c.sim) : 0;
	if (!r)
		r = rmpsim__pool_init(&c.pool, c.alloc, c.m, RMPSIM_WL_DEFAULT_HOST_RESERVE);
	if (!r)
		r = rmpsim__gran_init(&c.gran, c.alloc, &c.pool,
				      rmpsim_topology_nnodes(rmpsim_machine_topology(c.m)));
	if (!r)
		r = check_fits(&c, diag);
	if (!r)
		r = run_phase(&c, PH_REPLAY);
	if (r && c.err) {
		rmpsim_diag_fail(diag, r, "%s", c.msg);
		if (c.err_line)
			rmpsim_diag_at(diag, f->file, c.err_line, 1);
	}
	if (!r)
		summarise(&c, &res);
	int rs = booted ? run_phase(&c, PH_SHUTDOWN) : 0;
	if (!r && rs)
		r = rmpsim_diag_fail(diag, rs, "%s", c.err ? c.msg : "snp_shutdown failed");
	teardown_ctx(&c);
	if (plugin)
		rmpsim_policy_unload_plugin(plugin);
	if (r) {
		rmpsim_fleet_result_free(&res);
		return r;
	}
	res.alloc = c.alloc;
	*ret = res;
	return 0;
}

void rmpsim_fleet_result_free(struct rmpsim_fleet_result *r)
{
	if (!r || !r->alloc)
		return;
	rmpsim__free(r->alloc, r->samples, r->samples_cap * sizeof(*r->samples));
	r->samples = NULL;
	r->nsamples = r->samples_cap = 0;
}
