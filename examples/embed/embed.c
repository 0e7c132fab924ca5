/* SPDX-License-Identifier: MIT */
/*
 * Embedding librmpsim (docs/api.md): the order an emulator author calls it in.
 *
 *	cc embed.c $(pkg-config --cflags --libs rmpsim) -o embed && ./embed
 *
 * 1. a topology and a machine (the hardware model: RMP, MSRs, CPUID, RMPOPT);
 * 2. configure it as Linux does (SYSCFG.SNP_EN, SNP_INIT, RMPOPT_BASE);
 * 3. run instructions on it: RMPUPDATE a page to a guest, a hypervisor write
 *    to it (#PF), RMPOPT on the region holding it and on a free one;
 * 4. a timed simulation: one built-in scenario through the host kernel and its
 *    RMPOPT policy (rmpsim_workload_run), on a small machine;
 * 5. its report, as the rmpsim command prints it;
 * 6. destroy everything in reverse order.
 * Every call returns 0 or a negative errno; a struct rmpsim_diag says why.
 */
#include <stdio.h>
#include <string.h>

#include <rmpsim/rmpsim.h>

#define GIB (1ull << 30)

static int fail(const char *what, int err, const struct rmpsim_diag *diag)
{
	char buf[512];

	fprintf(stderr, "embed: %s: %s\n", what,
		diag && diag->msg[0] ? rmpsim_diag_format(diag, buf, sizeof(buf)) : rmpsim_strerror(err));
	return 1;
}

/* Step 2: what Linux's snp_prepare, SNP_INIT and snp_setup_rmpopt do. */
static int bring_up_snp(struct rmpsim_machine *m)
{
	const struct rmpsim_topology *t = rmpsim_machine_topology(m);
	enum rmpsim_fw_status st;
	struct rmpsim_insn_out out; /* every instruction's outcome: a fault, or its results */
	unsigned cpu, core;

	for (cpu = 0; cpu < rmpsim_topology_ncpus(t); cpu++) {
		/* 0 = the instruction ran (negative: the library refused the call); then the fault. */
		if (rmpsim_machine_rdmsr(m, cpu, RMPSIM_MSR_SYSCFG, &out) < 0 || out.fault != RMPSIM_FAULT_NONE)
			return -1;
		uint64_t v = out.rax | RMPSIM_SYSCFG_MFDM | RMPSIM_SYSCFG_SNP_EN | RMPSIM_SYSCFG_SNP_VMPL_EN;
		if (rmpsim_machine_wrmsr(m, cpu, RMPSIM_MSR_SYSCFG, v, &out) < 0 || out.fault != RMPSIM_FAULT_NONE)
			return -1;
	}
	if (rmpsim_machine_snp_init(m, NULL, 0, &st) < 0 || st != RMPSIM_FW_SUCCESS)
		return -1;
	/* RMPOPT_BASE = 0 | EN on every core, through its first thread. */
	for (core = 0; core < rmpsim_topology_ncores(t); core++)
		if (rmpsim_machine_wrmsr(m, rmpsim_topology_core_cpu(t, core, 0), RMPSIM_MSR_RMPOPT_BASE,
					 RMPSIM_RMPOPT_BASE_EN, &out) < 0 ||
		    out.fault != RMPSIM_FAULT_NONE)
			return -1;
	return 0;
}

/* Step 3. */
static int run_instructions(struct rmpsim_machine *m)
{
	const uint64_t page = 1 * GIB + 0x5000; /* a page in the second 1 GB region */
	struct rmpsim_rmp_state guest = {.gpa = 0x5000, .assigned = 1, .pagesize = 0, .asid = 1};
	struct rmpsim_insn_out upd, w, busy, free_region;

	if (rmpsim_machine_rmpupdate(m, 0, page, &guest, &upd) < 0)
		return -1;
	printf("RMPUPDATE %#llx -> guest ASID 1: rc %d\n", (unsigned long long)page, (int)upd.rax);
	if (upd.rax != RMPSIM_RMPUPDATE_OK)
		return -1;
	if (rmpsim_machine_hv_write(m, 0, page, 4096, &w) < 0)
		return -1;
	printf("hypervisor write to it: %s, error code %#x\n", w.fault == RMPSIM_FAULT_PF ? "#PF" : "allowed",
	       (unsigned)w.error_code);
	if (rmpsim_machine_rmpopt(m, 0, 1 * GIB, RMPSIM_RMPOPT_FN_VERIFY, &busy) < 0 ||
	    rmpsim_machine_rmpopt(m, 0, 2 * GIB, RMPSIM_RMPOPT_FN_VERIFY, &free_region) < 0)
		return -1;
	printf("RMPOPT region 1 (holds the guest page): CF=%d, %u slots scanned\n", busy.cf, busy.rmpopt.slots_scanned);
	printf("RMPOPT region 2 (free): CF=%d, %u slots scanned\n", free_region.cf,
	       free_region.rmpopt.slots_scanned);
	printf("hypervisor write to region 2 skips the RMP check: %s\n",
	       rmpsim_machine_region_optimized(m, 0, 2) ? "yes" : "no");
	return w.fault == RMPSIM_FAULT_PF && !busy.cf && free_region.cf ? 0 : -1;
}

/* Steps 4 and 5. */
static int run_scenario(void)
{
	struct rmpsim_scenario s;
	struct rmpsim_run_options opt;
	struct rmpsim_run_result result;
	struct rmpsim_report report;
	struct rmpsim_diag diag;
	int rc;

	memset(&diag, 0, sizeof(diag));
	rc = rmpsim_scenario_builtin("empty", RMPSIM_BACKING_2M, NULL, &s);
	if (rc < 0)
		return fail("scenario", rc, NULL);
	memset(&opt, 0, sizeof(opt));
	opt.machine = "pack:1 numa:1(memory=16GiB) core:4 pu:2";
	rc = rmpsim_workload_run(&s, &opt, NULL, &result, &diag);
	rmpsim_scenario_free(&s);
	if (rc < 0)
		return fail("run", rc, &diag);

	memset(&report, 0, sizeof(report));
	report.version = "embed";
	report.machine = opt.machine;
	report.profile = "default";
	report.policy = result.policy;
	report.seed = result.seed;
	report.runs = &result;
	report.nruns = 1;
	report.trace_hash = rmpsim_report_trace_hash(&result, 1);
	return rmpsim_report_text(stdout, &report) < 0 ? 1 : 0;
}

int main(void)
{
	struct rmpsim_topology *topo = NULL;
	struct rmpsim_machine *m = NULL;
	struct rmpsim_machine_config cfg;
	struct rmpsim_diag diag;
	int rc;

	/* Step 1: 1 package, 1 node, 4 cores x 2 threads, 8 GiB, no MMIO hole. */
	memset(&diag, 0, sizeof(diag));
	rc = rmpsim_topology_regular(NULL, 1, 1, 4, 2, 8 * GIB, &topo);
	if (rc < 0)
		return fail("topology", rc, NULL);
	rmpsim_machine_config_default(&cfg);
	cfg.mmio_hole_size = 0;
	rc = rmpsim_machine_create(NULL, topo, &cfg, &diag, &m);
	if (rc < 0)
		return fail("machine", rc, &diag);
	printf("machine: %u CPUs, %llu GiB\n", rmpsim_machine_ncpus(m),
	       (unsigned long long)(rmpsim_topology_total_memory(topo) / GIB));

	rc = bring_up_snp(m) || run_instructions(m);
	/* Step 6 (the machine keeps its own copy of the topology). */
	rmpsim_machine_destroy(m);
	rmpsim_topology_destroy(topo);
	if (rc)
		return fail("instructions", -EINVAL, NULL);
	return run_scenario();
}
