/* SPDX-License-Identifier: MIT */
/*
 * One scenario, end to end: machine, profile, policy, simulation; boot the
 * host kernel (snp_prepare, SNP_INIT, snp_setup_rmpopt and its first pass);
 * bring the RMP into the scenario's state through the host layer's helpers;
 * let the policy run its pass; measure the last completed pass (measure.c).
 *
 * Phases run the simulation until it is idle, so a phase starts only when the
 * previous one has finished (e.g. empty-again's second trigger comes after the
 * first pass, whatever its length).
 */
#include <stdio.h>
#include <string.h>

#include <rmpsim/machine.h>
#include <rmpsim/profile.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>
#include <rmpsim/workload.h>

#include "rmpsim/kshim.h"
#include "rmpsim/policy.h"

#include "base/alloc.h"
#include "base/rng.h"
#include "cotenant.h"
#include "measure.h"
#include "ram_skip.h"
#include "placement.h"

#define GB    (1ull << 30)
#define SZ_4K (1ull << 12)
#define SZ_2M (1ull << 21)

/* The workload driver and the kernel's init run on CPU 0 (A115). */
#define DRIVER_CPU 0u

struct ctx;

struct wl_guest {
	struct ctx *c;
	bool teardown_after_launch; /* the VMM process tears the guest down when launched */
	const struct rmpsim_guest *spec;
	struct rmpsim__extent *ext;
	size_t next, ext_cap;
	bool placed, running;
	unsigned asid;
};

struct ctx {
	const struct rmpsim_allocator *alloc;
	const struct rmpsim_scenario *s;
	const struct rmpsim_policy_ops *ops;
	struct rmpsim_machine *m;
	struct rmpsim_sim *sim;
	struct rmpsim_kernel *kernel;
	struct rmpsim__pool pool;
	struct wl_guest *guests;
	size_t nguests;
	struct rmpsim_guest *owned_specs; /* the guests a built-in state made up */
	uint64_t t_boot;		  /* ps: when boot finished; event times count from here */
	uint64_t private_bytes;
	uint64_t writes[3]; /* checked, skipped, faulted */
	struct rmpsim_rng rng;
	int phase; /* what the driver process does */
	int err;
	char msg[256];
	struct rmpsim_wl_pos err_pos;  /* where in the scenario file the error's value was written */
	enum rmpsim_err_class err_cls; /* UNSET: what err and err_pos say (error.h) */
};

enum phase { PH_BOOT, PH_LAUNCH_ALL, PH_LAUNCH_TEARDOWN_ALL, PH_WORST, PH_TRIGGER, PH_EVENTS, PH_SHUTDOWN };

static void set_err(struct ctx *c, int err, const char *what, unsigned long long arg)
{
	if (c->err)
		return;
	c->err = err;
	snprintf(c->msg, sizeof(c->msg), "%s%llx: %s", what, arg, rmpsim_strerror(err));
}

static uint64_t backing_page(enum rmpsim_backing b)
{
	return b == RMPSIM_BACKING_4K ? SZ_4K : SZ_2M; /* 1G backing = 2 MB RMP entries, spec 3.1 */
}

static int backing_level(enum rmpsim_backing b)
{
	return b == RMPSIM_BACKING_4K ? 1 : 2; /* the kernel's PG_LEVEL_4K / PG_LEVEL_2M */
}

static uint64_t backing_align(enum rmpsim_backing b)
{
	return b == RMPSIM_BACKING_4K ? SZ_4K : b == RMPSIM_BACKING_2M ? SZ_2M : GB;
}

/* ---- Guest lifecycle (process context) ---- */

static void guest_launch(struct ctx *c, struct wl_guest *g)
{
	const struct rmpsim_guest *spec = g->spec;

	if (!g->placed) {
		int r = rmpsim__pool_take(&c->pool, spec->node, spec->bytes, backing_align(spec->backing),
					  &g->ext, &g->next, &g->ext_cap);
		if (r) {
			if (r == -ENOSPC && !c->err) {
				c->err = -EINVAL;
				c->err_pos = spec->pos;
				snprintf(
					c->msg, sizeof(c->msg),
					"[guest %s]: %llu MiB does not fit in the free RAM%s (%llu MiB free)",
					spec->name, (unsigned long long)(spec->bytes >> 20),
					spec->node >= 0 ? " of its node" : "",
					(unsigned long long)(rmpsim__pool_node_bytes(&c->pool, spec->node) >>
							     20));
			}
			set_err(c, r, "guest placement failed, size 0x", spec->bytes);
			return;
		}
		g->placed = true;
	}
	g->running = true;
	if (!spec->snp)
		return; /* a non-SNP guest's memory stays shared */
	uint64_t page = backing_page(spec->backing), gpa = 0;
	for (size_t i = 0; i < g->next && !c->err; i++) {
		unsigned long long done = 0;
		int r = rmpsim_host_rmp_make_private_range(g->ext[i].spa / SZ_4K, g->ext[i].bytes / page, gpa,
							   backing_level(spec->backing), g->asid, &done);
		c->private_bytes += done * page;
		if (r)
			set_err(c, r, "rmp_make_private failed at SPA 0x", g->ext[i].spa + done * page);
		gpa += g->ext[i].bytes;
	}
}

/* sev_vm_destroy(): pages back to shared, then the teardown hook (spec 1.5). */
static void guest_teardown(struct ctx *c, struct wl_guest *g)
{
	const struct rmpsim_guest *spec = g->spec;
	uint64_t page = backing_page(spec->backing);

	g->running = false;
	if (!spec->snp)
		return;
	for (size_t i = 0; i < g->next && !c->err; i++) {
		unsigned long long done = 0;
		int r = rmpsim_host_rmp_make_shared_range(g->ext[i].spa / SZ_4K, g->ext[i].bytes / page,
							  backing_level(spec->backing), &done);
		c->private_bytes -= done * page;
		if (r)
			set_err(c, r, "rmp_make_shared failed at SPA 0x", g->ext[i].spa + done * page);
	}
	for (size_t i = 0; i < g->next && !c->err; i++)
		rmpsim_host_guest_teardown(g->ext[i].spa / SZ_4K, g->ext[i].bytes / SZ_4K);
}

/* The worst case (A112): the last 4 KB page of every free GB private. */
static void make_worst(struct ctx *c)
{
	uint64_t gpa = 0;
	for (size_t i = 0; i < c->pool.nfree && !c->err; i++) {
		for (uint64_t spa = c->pool.free[i].spa; spa < c->pool.free[i].spa + c->pool.free[i].bytes;
		     spa += GB) {
			int r = rmpsim_host_rmp_make_private((spa + GB - SZ_4K) / SZ_4K, gpa, 1, 1, 0);
			if (r) {
				set_err(c, r, "rmp_make_private failed at SPA 0x", spa + GB - SZ_4K);
				return;
			}
			c->private_bytes += SZ_4K;
			gpa += SZ_4K;
		}
	}
}

/* Host write traffic (A114): n 4 KB writes at uniformly random RAM addresses
 * from uniformly random CPUs, through the machine's write check. */
static void host_writes(struct ctx *c, uint64_t n)
{
	struct rmpsim_mem_range ranges[256];
	size_t nr = rmpsim_machine_ram_ranges(c->m, ranges, 256);
	uint64_t ram = 0;
	unsigned ncpus = rmpsim_machine_ncpus(c->m);

	if (nr > 256)
		nr = 256;
	for (size_t i = 0; i < nr; i++)
		ram += ranges[i].end - ranges[i].start;
	for (uint64_t k = 0; k < n && ram; k++) {
		uint64_t off = rmpsim__rng_below(&c->rng, ram / SZ_4K) * SZ_4K, spa = 0;
		for (size_t i = 0; i < nr; i++) {
			uint64_t len = ranges[i].end - ranges[i].start;
			if (off < len) {
				spa = ranges[i].start + off;
				break;
			}
			off -= len;
		}
		unsigned cpu = (unsigned)rmpsim__rng_below(&c->rng, ncpus);
		struct rmpsim_insn_out w;
		if (rmpsim_machine_hv_write(c->m, cpu, spa, SZ_4K, &w))
			continue;
		if (w.fault == RMPSIM_FAULT_PF)
			c->writes[2]++;
		else if (w.write_path == RMPSIM_WRITE_SKIPPED)
			c->writes[1]++;
		else
			c->writes[0]++;
	}
}

/* ---- The driver process ---- */

static void driver(void *arg)
{
	struct ctx *c = arg;
	struct rmpsim_sim *sim = c->sim;
	int r;

	switch (c->phase) {
	case PH_BOOT:
		r = rmpsim_host_snp_prepare();
		if (!r)
			r = rmpsim_host_snp_init();
		if (!r)
			r = rmpsim_host_setup_rmpopt(c->ops);
		if (r)
			set_err(c, r, "host boot (snp_prepare, SNP_INIT, snp_setup_rmpopt) failed on cpu 0x",
				0);
		break;
	case PH_LAUNCH_ALL:
	case PH_LAUNCH_TEARDOWN_ALL: break; /* one VMM process per guest (run_vmms) */
	case PH_WORST: make_worst(c); break;
	case PH_TRIGGER: rmpsim_host_rmpopt_all_physmem(); break;
	case PH_SHUTDOWN:
		/* snp_shutdown(): the policy's cleanup frees what its setup took. */
		rmpsim_host_snp_shutdown();
		break;
	case PH_EVENTS:
		for (size_t i = 0; i < c->s->nevents && !c->err; i++) {
			const struct rmpsim_wl_event *e = &c->s->events[i];
			uint64_t when = c->t_boot + e->time_ns * 1000;
			if (when > rmpsim_sim_now(sim))
				rmpsim_sim_sleep_until(sim, when);
			switch (e->kind) {
			case RMPSIM_EV_LAUNCH: guest_launch(c, &c->guests[e->guest]); break;
			case RMPSIM_EV_TEARDOWN: guest_teardown(c, &c->guests[e->guest]); break;
			case RMPSIM_EV_TRIGGER: rmpsim_host_rmpopt_all_physmem(); break;
			case RMPSIM_EV_HOST_WRITES: host_writes(c, e->count); break;
			}
		}
		break;
	}
}

/* The kernel log, one line at a time (without the newline). */
static void send_dmesg(const struct rmpsim_kernel *k, void (*fn)(void *ctx, const char *line), void *ctx)
{
	size_t len;
	const char *log = rmpsim_kernel_dmesg(k, &len);
	char line[1024];

	for (size_t i = 0; log && i < len;) {
		size_t e = i;
		while (e < len && log[e] != '\n')
			e++;
		size_t n = e - i < sizeof(line) - 1 ? e - i : sizeof(line) - 1;
		memcpy(line, log + i, n);
		line[n] = '\0';
		fn(ctx, line);
		i = e + 1;
	}
}

/* A VMM: launch its guest, and tear it down again when asked (A117). */
static void vmm(void *arg)
{
	struct wl_guest *g = arg;

	if (g->c->err)
		return;
	guest_launch(g->c, g);
	if (g->teardown_after_launch && !g->c->err)
		guest_teardown(g->c, g);
}

/* The lowest-numbered CPU of a node (CPU 0 for "any"), where its VMM runs (A117). */
static unsigned node_cpu(const struct ctx *c, int node)
{
	const struct rmpsim_topology *t = rmpsim_machine_topology(c->m);
	for (unsigned cpu = 0; node >= 0 && cpu < rmpsim_topology_ncpus(t); cpu++) {
		if (rmpsim_topology_cpu_node(t, cpu) == (unsigned)node)
			return cpu;
	}
	return DRIVER_CPU;
}

static int run_phase(struct ctx *c, enum phase ph);

/* Every guest's VMM at once, as VMs are created and destroyed in parallel on
 * a real host; then run until idle. */
static int run_vmms(struct ctx *c, bool teardown)
{
	for (size_t i = 0; i < c->nguests; i++) {
		struct wl_guest *g = &c->guests[i];
		char name[RMPSIM_WL_NAME_MAX + 8];
		snprintf(name, sizeof(name), "vmm-%s", g->spec->name);
		g->c = c;
		g->teardown_after_launch = teardown;
		int r = rmpsim_kernel_spawn(c->kernel, name, node_cpu(c, g->spec->node), vmm, g);
		if (r)
			return r;
	}
	return run_phase(c, teardown ? PH_LAUNCH_TEARDOWN_ALL : PH_LAUNCH_ALL);
}

static int run_phase(struct ctx *c, enum phase ph)
{
	struct rmpsim_kernel_stats ks;

	int r = 0;

	c->phase = ph;
	if (ph == PH_BOOT)
		r = rmpsim_kernel_boot(c->kernel, driver, c);
	else if (ph != PH_LAUNCH_ALL && ph != PH_LAUNCH_TEARDOWN_ALL) /* those run VMMs only */
		r = rmpsim_kernel_spawn(c->kernel, "workload", DRIVER_CPU, driver, c);
	if (r)
		return r;
	r = rmpsim_sim_run(c->sim);
	if (r)
		return r;
	rmpsim_kernel_stats(c->kernel, &ks);
	if (ks.sim_error && !c->err) {
		/* The simulator's own failure, not the kernel's: out of memory, or a shim bug. */
		c->err = ks.sim_error;
		c->err_cls = ks.sim_error == -ENOMEM ? RMPSIM_ERR_RESOURCE : RMPSIM_ERR_INTERNAL;
		snprintf(c->msg, sizeof(c->msg), "the simulator failed while running kernel code: %s",
			 rmpsim_strerror(ks.sim_error));
	}
	if (ks.oopses && !c->err) {
		c->err = -EFAULT;
		c->err_cls = RMPSIM_ERR_KERNEL;
		snprintf(c->msg, sizeof(c->msg),
			 "the simulated kernel oopsed (run with --dmesg to see its log)");
	}
	return c->err;
}

/* ---- Setup ---- */

int rmpsim_workload_machine(const struct rmpsim_allocator *a, const char *desc, struct rmpsim_machine **ret,
			    struct rmpsim_diag *diag)
{
	struct rmpsim_topology *t = NULL;
	size_t len = desc ? strlen(desc) : 0;
	int r;

	if (!len || !strcmp(desc, "default")) /* as `machine = default` in a scenario file */
		r = rmpsim_topology_default(a, &t);
	else if (len > 4 && !strcmp(desc + len - 4, ".xml"))
		r = rmpsim_topology_from_xml(a, desc, diag, &t);
	else
		r = rmpsim_topology_from_synthetic(a, desc, diag, &t);
	if (r)
		return r;
	r = rmpsim_machine_create(a, t, NULL, diag, ret);
	rmpsim_topology_destroy(t);
	return r;
}

static int make_guests(struct ctx *c)
{
	const struct rmpsim_scenario *s = c->s;
	struct rmpsim_guest *specs = NULL;
	size_t n = s->nguests;

	if (s->state == RMPSIM_WL_STATE_FULL || s->state == RMPSIM_WL_STATE_EMPTY ||
	    s->state == RMPSIM_WL_STATE_EMPTY_AGAIN) {
		/* A110: one guest per NUMA node, as large as the node's free RAM. */
		n = rmpsim_topology_nnodes(rmpsim_machine_topology(c->m));
	}
	unsigned nodes = rmpsim_topology_nnodes(rmpsim_machine_topology(c->m));
	if (s->state == RMPSIM_WL_STATE_COTENANT)
		n = rmpsim__cotenant_nguests(nodes); /* A444 */
	c->guests = rmpsim__calloc(c->alloc, n ? n : 1, sizeof(*c->guests));
	if (!c->guests)
		return -ENOMEM;
	c->nguests = n;
	if (n && s->state != RMPSIM_WL_STATE_EVENTS && s->state != RMPSIM_WL_STATE_WORST) {
		specs = rmpsim__calloc(c->alloc, n, sizeof(*specs));
		if (!specs)
			return -ENOMEM;
		c->owned_specs = specs;
		if (s->state == RMPSIM_WL_STATE_COTENANT)
			rmpsim__cotenant_guests(&c->pool, (unsigned)(n / 2), s->backing, specs);
		for (size_t i = 0; i < n && s->state != RMPSIM_WL_STATE_COTENANT; i++) {
			uint64_t align = backing_align(s->backing);
			snprintf(specs[i].name, sizeof(specs[i].name), "node%zu", i);
			specs[i].snp = true;
			specs[i].backing = s->backing;
			specs[i].node = (int)i;
			specs[i].bytes = rmpsim__pool_node_bytes(&c->pool, (int)i) / align * align;
		}
	}
	for (size_t i = 0; i < n; i++) {
		c->guests[i].spec = specs ? &specs[i] : &s->guests[i];
		c->guests[i].asid = (unsigned)i + 1;
	}
	/* A node the machine does not have: refused before anything runs (issue 10 point 8). */
	unsigned nnodes = rmpsim_topology_nnodes(rmpsim_machine_topology(c->m));
	for (size_t i = 0; i < n; i++) {
		const struct rmpsim_guest *g = c->guests[i].spec;
		if (g->node >= (int)nnodes) {
			c->err = -EINVAL;
			c->err_pos = g->node_pos;
			snprintf(c->msg, sizeof(c->msg),
				 "[guest %s] node %d: expected a NUMA node of the machine (0 to %u) or any",
				 g->name, g->node, nnodes - 1);
			return c->err;
		}
	}
	return 0;
}

static void free_guests(struct ctx *c)
{
	if (!c->guests)
		return;
	for (size_t i = 0; i < c->nguests; i++)
		rmpsim__free(c->alloc, c->guests[i].ext, c->guests[i].ext_cap * sizeof(*c->guests[i].ext));
	if (c->owned_specs)
		rmpsim__free(c->alloc, c->owned_specs, c->nguests * sizeof(*c->owned_specs));
	rmpsim__free(c->alloc, c->guests, (c->nguests ? c->nguests : 1) * sizeof(*c->guests));
	c->guests = NULL;
	c->owned_specs = NULL;
}

static int run_state(struct ctx *c)
{
	int r = 0;
	switch (c->s->state) {
	case RMPSIM_WL_STATE_FULL:
	case RMPSIM_WL_STATE_COTENANT: r = run_vmms(c, false); return r ? r : run_phase(c, PH_TRIGGER);
	case RMPSIM_WL_STATE_WORST: r = run_phase(c, PH_WORST); return r ? r : run_phase(c, PH_TRIGGER);
	case RMPSIM_WL_STATE_EMPTY: return run_vmms(c, true);
	case RMPSIM_WL_STATE_EMPTY_AGAIN: r = run_vmms(c, true); return r ? r : run_phase(c, PH_TRIGGER);
	case RMPSIM_WL_STATE_EVENTS: return c->s->nevents ? run_phase(c, PH_EVENTS) : 0;
	}
	return -EINVAL;
}

/* Co-tenant vCPUs (cotenant.c), checked against the machine before boot. */
static int start_cotenants(struct ctx *c)
{
	return rmpsim__cotenant_start(c->sim, &c->s->cotenant, c->alloc);
}

/* The benefit side after the pass (benefit.c), over the guests' memory as placed. */
static int cotenant_benefit(struct ctx *c, struct rmpsim_run_result *res)
{
	struct rmpsim__tenant_mem *mem = rmpsim__calloc(c->alloc, c->nguests + 1, sizeof(*mem));
	if (!mem)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < c->nguests; i++) {
		if (c->guests[i].running) /* a torn-down guest's memory is the host's again */
			mem[n++] = (struct rmpsim__tenant_mem){ c->guests[i].ext, c->guests[i].next,
								c->guests[i].spec->snp };
	}
	int r = rmpsim__benefit(c->sim, c->m, &c->s->cotenant, mem, n, c->alloc, res);
	rmpsim__free(c->alloc, mem, (c->nguests + 1) * sizeof(*mem));
	return r;
}

static void fill_result(struct ctx *c, uint64_t pa_start, uint64_t pa_end, struct rmpsim_run_result *r)
{
	snprintf(r->policy, sizeof(r->policy), "%s", c->ops->name);
	snprintf(r->scenario, sizeof(r->scenario), "%s", c->s->name);
	r->backing = c->s->backing;
	if (c->s->state == RMPSIM_WL_STATE_EVENTS) {
		for (size_t i = 0; i < c->s->nguests; i++) {
			if (c->s->guests[i].snp) {
				r->backing = c->s->guests[i].backing;
				break;
			}
		}
	}
	r->regions_total = (pa_end - pa_start) / GB;
	for (uint64_t reg = pa_start / GB; reg < pa_end / GB; reg++)
		r->regions_optimized += rmpsim_machine_region_optimized_all(c->m, reg);
	rmpsim__ram_skip(c->m, &r->ram_bytes, &r->skip_bytes);
	r->skip_share = r->ram_bytes ? (double)r->skip_bytes / (double)r->ram_bytes : 0.0;
	r->private_bytes = c->private_bytes;
	r->host_writes_checked = c->writes[0];
	r->host_writes_skipped = c->writes[1];
	r->host_writes_faulted = c->writes[2];
	r->seed = rmpsim_sim_seed(c->sim);
	r->trace_hash = rmpsim_sim_trace_hash(c->sim);
}

/*
 * An error about a value written in the scenario file: point the diag at it
 * (file:line:col, docs/cli.md exit 3). col_in_value > 0 is a column inside
 * the value (a machine description's); its "column N: " prefix is dropped.
 */
static void at_scenario_value(const struct rmpsim_scenario *s, struct rmpsim_wl_pos pos,
			      unsigned col_in_value, struct rmpsim_diag *diag)
{
	if (!diag || !s->file[0] || !pos.line)
		return;
	rmpsim_diag_at(diag, s->file, pos.line, pos.col + (col_in_value ? col_in_value - 1 : 0));
	if (!strncmp(diag->msg, "column ", 7)) {
		const char *rest = strstr(diag->msg, ": ");
		if (rest)
			memmove(diag->msg, rest + 2, strlen(rest + 2) + 1);
	}
}

/* "policy plugin PATH: why" in a diag already naming PATH: "policy plugin: why". */
static void drop_repeated_path(struct rmpsim_diag *diag, const char *path)
{
	static const char head[] = "policy plugin ";
	size_t hl = sizeof(head) - 1, pl = strlen(path);

	if (strcmp(diag->file, path) || strncmp(diag->msg, head, hl) || strncmp(diag->msg + hl, path, pl) ||
	    diag->msg[hl + pl] != ':')
		return;
	memmove(diag->msg + hl - 1, diag->msg + hl + pl, strlen(diag->msg + hl + pl) + 1);
}

int rmpsim_workload_run(const struct rmpsim_scenario *s, const struct rmpsim_run_options *opt,
			const struct rmpsim_allocator *alloc, struct rmpsim_run_result *ret_result,
			struct rmpsim_diag *diag)
{
	static const struct rmpsim_run_options no_opt;
	struct ctx c = { .alloc = rmpsim__alloc_or_default(alloc), .s = s };
	struct rmpsim_profile prof = *rmpsim_profile_default();
	struct rmpsim__measure ms = { 0 };
	void *plugin = NULL;
	int r;

	if (!s || !ret_result)
		return -EINVAL;
	if (!opt)
		opt = &no_opt;
	const char *machine = opt->machine && *opt->machine ? opt->machine : s->machine;
	const char *profile = opt->profile && *opt->profile ? opt->profile : s->profile;
	const char *policy = opt->policy && *opt->policy ? opt->policy : s->policy[0] ? s->policy : "v10";
	uint64_t seed = opt->has_seed ? opt->seed : s->seed;

	if (opt->policy_plugin && *opt->policy_plugin) {
		r = rmpsim_policy_load_plugin(opt->policy_plugin, diag, &c.ops, &plugin);
		if (r) {
			/* An input file that is wrong (docs/cli.md exit 3): name it, once. */
			if (diag && !diag->file[0])
				rmpsim_diag_at(diag, opt->policy_plugin, 0, 0);
			if (diag)
				drop_repeated_path(diag, opt->policy_plugin);
			return r;
		}
	} else {
		c.ops = rmpsim_policy_find(policy);
		if (!c.ops) {
			if (policy == s->policy)
				at_scenario_value(s, s->policy_pos, 0, diag);
			return rmpsim_diag_fail(diag, -ENOENT, "unknown policy '%s'", policy);
		}
	}
	if (opt->profile_value) {
		prof = *opt->profile_value;
	} else if (profile && *profile) {
		r = rmpsim_profile_load(profile, &prof, diag);
		if (r)
			goto out;
	}
	r = rmpsim_workload_machine(c.alloc, machine, &c.m, diag);
	if (r) {
		if (machine == s->machine && diag && !diag->file[0])
			at_scenario_value(s, s->machine_pos, diag->col, diag);
		goto out;
	}
	struct rmpsim_wl_pos cpos;
	if (rmpsim__cotenant_check(c.m, &s->cotenant, c.msg, sizeof(c.msg), &cpos)) {
		/* a CPU or region the machine lacks: the file's error, nothing run */
		r = rmpsim_diag_fail(diag, -EINVAL, "%s", c.msg);
		at_scenario_value(s, cpos, 0, diag);
		goto out;
	}
	r = rmpsim_sim_create(c.alloc, c.m, &prof, seed, &c.sim);
	if (r)
		goto out;
	rmpsim__rng_seed(&c.rng, seed ^ 0x686f73742d777269ull); /* "host-wri": a stream of its own */
	r = rmpsim__measure_init(&ms, c.alloc, c.sim);
	if (r)
		goto out;
	ms.next = opt->trace;
	ms.next_ctx = opt->trace_ctx;
	ms.next_kinds = opt->trace_kinds;
	ms.progress = opt->progress;
	ms.progress_ctx = opt->progress_ctx;
	rmpsim_sim_set_trace_hook(c.sim, rmpsim__measure_hook, &ms);
	/*
	 * The measurement reads round summaries; a hook that reads only marks,
	 * stretches, process and vCPU records (the histograms: --hist, --html)
	 * takes every target's stretch from a round; timeline writers want
	 * every IPI.
	 */
	bool stretches = opt->trace && opt->trace_kinds && !(opt->trace_kinds & ~RMPSIM_TRACE_ROUND_KINDS);
	rmpsim_sim_set_trace_detail(c.sim, opt->trace_detail || (opt->trace && !stretches));
	rmpsim_sim_set_trace_rounds(c.sim, !opt->trace || stretches);
	rmpsim_sim_set_trace_round_stretches(c.sim, stretches);
	ms.next_round = opt->trace_round_stretches;
	if (stretches && ms.next_round) /* a round's stretches in one call (--html's cost) */
		rmpsim_sim_set_round_stretch_hook(c.sim, rmpsim__measure_round_hook, &ms);
	r = rmpsim_kernel_create(c.alloc, c.sim, &c.kernel);
	if (r)
		goto out;
	r = run_phase(&c, PH_BOOT);
	bool booted = r == 0;
	c.t_boot = rmpsim_sim_now(c.sim);
	if (!r) /* A111; the worst case may use the host's regions too (A112) */
		r = rmpsim__pool_init(&c.pool, c.alloc, c.m,
				      s->state == RMPSIM_WL_STATE_WORST ? 0 : s->host_reserve);
	if (!r)
		r = make_guests(&c);
	if (!r)
		r = start_cotenants(&c); /* after boot: the boot pass has no co-tenant */
	if (!r)
		r = run_state(&c);
	if (!r && s->host_writes)
		host_writes(&c, s->host_writes);
	/* Measure now: shutdown below turns RMPOPT off on every core. */
	struct rmpsim_run_result res;
	uint64_t pa_start = 0, pa_end = 0;
	if (!r) {
		r = rmpsim__measure_last_pass(&ms, &res, &pa_start, &pa_end);
		if (r == -ENOENT)
			r = rmpsim_diag_fail(diag, -EOPNOTSUPP, "no RMPOPT pass completed (policy %s)",
					     c.ops->name);
		else if (!r)
			fill_result(&c, pa_start, pa_end, &res);
		if (!r)
			r = cotenant_benefit(&c, &res);
		if (r && c.err) {
			rmpsim_diag_fail(diag, r, "%s", c.msg);
			at_scenario_value(s, c.err_pos, 0, diag);
		}
	} else if (c.err) {
		rmpsim_diag_fail(diag, r, "%s", c.msg);
		if (c.err_cls != RMPSIM_ERR_UNSET)
			rmpsim_diag_set_class(diag, c.err_cls);
		else
			at_scenario_value(s, c.err_pos, 0, diag);
	}
	/* A clean end (snp_shutdown) whenever the boot got as far as setup. */
	int rs = booted ? run_phase(&c, PH_SHUTDOWN) : 0;
	if (!r && rs) {
		r = rs;
		rmpsim_diag_fail(diag, r, "%s", c.err ? c.msg : "snp_shutdown failed");
		if (c.err_cls != RMPSIM_ERR_UNSET)
			rmpsim_diag_set_class(diag, c.err_cls);
		else if (r != -ENOMEM) /* a shutdown that fails with nothing to blame is rmpsim's */
			rmpsim_diag_set_class(diag, RMPSIM_ERR_INTERNAL);
	}
	if (opt->dmesg)
		send_dmesg(c.kernel, opt->dmesg, opt->dmesg_ctx);
	if (!r)
		*ret_result = res;
out:
	free_guests(&c);
	rmpsim__pool_free(&c.pool);
	rmpsim__measure_fini(&ms);
	if (c.kernel)
		rmpsim_kernel_destroy(c.kernel);
	if (c.sim)
		rmpsim_sim_destroy(c.sim);
	if (c.m)
		rmpsim_machine_destroy(c.m);
	if (plugin)
		rmpsim_policy_unload_plugin(plugin);
	return r;
}
