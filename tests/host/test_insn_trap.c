/* SPDX-License-Identifier: MIT */
/*
 * Kernel inline-asm RMP helpers run as written (rmpsim/code_patch.h): a
 * plugin with the kernel's helpers executes each instruction on the simulated
 * CPU with the same results, RMP state and virtual time as the shim's
 * functions; the guest instructions #UD on the host; plugins with an
 * instruction the simulator cannot execute are refused before their code runs.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assert_eq.h"

#include <rmpsim/code_patch.h>
#include <rmpsim/insn.h>
#include <rmpsim/kshim.h>
#include <rmpsim/machine.h>

#include "machine_insn.h"
#include <rmpsim/policy.h>
#include <rmpsim/sim.h>
#include <rmpsim/topology.h>

#define GIB	 (1ull << 30)
#define PA	 (2 * GIB) /* a free 1 GB region */
#define NOUT	 10
#define MSR_BASE 0xc0010139u /* MSR_AMD64_RMPOPT_BASE */

struct asm_helpers {
	void (*run_sequence)(unsigned long long pa, unsigned long long *out);
	int (*pvalidate)(unsigned long vaddr, _Bool rmp_psize, _Bool validate);
	int (*rmpadjust)(unsigned long vaddr, _Bool rmp_psize, unsigned long attrs);
};

/* The shim's side of the same sequence, and a work-item runner (ktest_trap.c). */
void ktest_shim_sequence(unsigned long long pa, unsigned long long *out);
void ktest_run_as_work(void (*fn)(void *), void *arg);

struct world {
	struct rmpsim_topology *topo;
	struct rmpsim_machine *m;
	struct rmpsim_sim *sim;
	struct rmpsim_kernel *k;
};

static void up(struct world *w)
{
	struct rmpsim_machine_config cfg;
	enum rmpsim_fw_status st;

	memset(w, 0, sizeof(*w));
	rmpsim_machine_config_default(&cfg);
	cfg.mmio_hole_size = 0;
	assert_int_equal(rmpsim_topology_regular(NULL, 1, 1, 2, 2, 4 * GIB, &w->topo), 0);
	assert_int_equal(rmpsim_machine_create(NULL, w->topo, &cfg, NULL, &w->m), 0);
	for (unsigned cpu = 0; cpu < rmpsim_machine_ncpus(w->m); cpu++) {
		uint64_t v;
		assert_int_equal(t_rdmsr(w->m, cpu, RMPSIM_MSR_SYSCFG, &v), RMPSIM_FAULT_NONE);
		assert_int_equal(t_wrmsr(w->m, cpu, RMPSIM_MSR_SYSCFG, v | RMPSIM_SYSCFG_SNP_EN),
				 RMPSIM_FAULT_NONE);
	}
	assert_int_equal(rmpsim_machine_snp_init(w->m, NULL, 0, &st), 0);
	assert_int_equal(st, RMPSIM_FW_SUCCESS);
	assert_int_equal(rmpsim_sim_create(NULL, w->m, NULL, 1, &w->sim), 0);
	assert_int_equal(rmpsim_kernel_create(NULL, w->sim, &w->k), 0);
}

static void down(struct world *w)
{
	rmpsim_kernel_destroy(w->k);
	rmpsim_sim_destroy(w->sim);
	rmpsim_machine_destroy(w->m);
	rmpsim_topology_destroy(w->topo);
}

static const struct asm_helpers *load_helpers(void)
{
	struct rmpsim_diag d;
	const struct rmpsim_policy_ops *ops = NULL;
	void *h = NULL;

	memset(&d, 0, sizeof(d));
	int rc = rmpsim_policy_load_plugin(ASM_HELPERS_SO, &d, &ops, &h);
	if (rc)
		fprintf(stderr, "%s\n", d.msg);
	assert_int_equal(rc, 0);
	assert_string_equal(ops->name, "asm-helpers");
	const struct asm_helpers *a = dlsym(h, "asm_helpers");
	assert_non_null(a);
	return a;
}

struct seq {
	const struct asm_helpers *a; /* NULL: the shim's functions */
	unsigned long long out[NOUT];
	uint64_t t0, t1;
	struct world *w;
};

static void seq_main(void *arg)
{
	struct seq *s = arg;
	s->t0 = rmpsim_sim_now(s->w->sim);
	if (s->a)
		s->a->run_sequence(PA, s->out);
	else
		ktest_shim_sequence(PA, s->out);
	s->t1 = rmpsim_sim_now(s->w->sim);
}

static void run_seq(struct seq *s, uint8_t rmp_entry[16])
{
	struct world w;
	up(&w);
	s->w = &w;
	assert_int_equal(rmpsim_kernel_boot(w.k, seq_main, s), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(w.k, &ks);
	assert_int_equal(ks.oopses, 0);
	assert_int_equal(ks.bugs, 0);
	assert_int_equal(rmpsim_machine_region_optimized(w.m, 0, PA / GIB), 1);
	struct rmpsim_insn_out o;
	assert_int_equal(rmpsim_insn_rmpread(rmpsim_machine_rmp(w.m), PA + 0x5000, &o), 0);
	assert_int_equal(o.rax, RMPSIM_RMPREAD_OK);
	struct rmpsim_rmpread_entry e = o.rmpread;
	memset(rmp_entry, 0, 16);
	memcpy(rmp_entry, &e.gpa, 8);
	rmp_entry[8] = (uint8_t)(e.assigned | e.pagesize << 1 | e.immutable << 2);
	memcpy(rmp_entry + 12, &e.asid, 4);
	down(&w);
}

/* covers: A223 */
static void kernel_asm_helpers_match_the_shim(void **state)
{
	(void)state;
	struct seq plugin = { .a = load_helpers() }, shim = { .a = NULL };
	uint8_t e_plugin[16], e_shim[16];

	run_seq(&plugin, e_plugin);
	run_seq(&shim, e_shim);
	/* What the model says, through both paths. */
	assert_int_equal(plugin.out[0], 1);	 /* free region optimised */
	assert_int_equal(plugin.out[1], 0);	 /* RMPUPDATE to assigned */
	assert_int_equal(plugin.out[2], 0);	 /* report: the assignment cleared it */
	assert_int_equal(plugin.out[3], 0);	 /* RMPREAD ok */
	assert_int_equal(plugin.out[4], 0x7000); /* its GPA */
	assert_int_equal(plugin.out[5], 1 | 5 << 8);
	assert_int_equal(plugin.out[6], 1); /* PSMASH FAIL_INPUT: not 2 MB aligned */
	assert_int_equal(plugin.out[7], 0);
	assert_int_equal(plugin.out[8], 1);
	assert_int_equal(plugin.out[9], 0xfc010ff2u); /* the immediate was left alone */
	for (int i = 0; i < NOUT - 1; i++)
		assert_int_equal(plugin.out[i], shim.out[i]);
	assert_memory_equal(e_plugin, e_shim, 16);
	/* Same virtual time: each instruction charged as the shim charges it. */
	ASSERT_EQ(plugin.t1 - plugin.t0, shim.t1 - shim.t0);
	assert_true(plugin.t1 > plugin.t0);
}

struct guest {
	const struct asm_helpers *a;
	int which;
	int rc;
};

static void guest_main(void *arg)
{
	struct guest *g = arg;
	g->rc = g->which ? g->a->rmpadjust(0x1000, 0, 0x201) : g->a->pvalidate(0x1000, 0, 1);
}

/* PVALIDATE / RMPADJUST on the host: #UD, an oops naming the instruction. */
static void guest_instructions_oops_on_the_host(void **state)
{
	(void)state;
	for (int which = 0; which < 2; which++) {
		struct guest g = { .a = load_helpers(), .which = which, .rc = -1 };
		struct world w;
		size_t len;
		up(&w);
		assert_int_equal(rmpsim_kernel_boot(w.k, guest_main, &g), 0);
		assert_int_equal(rmpsim_sim_run(w.sim), 0);
		struct rmpsim_kernel_stats ks;
		rmpsim_kernel_stats(w.k, &ks);
		assert_int_equal(ks.oopses, 1);
		const char *log = rmpsim_kernel_dmesg(w.k, &len);
		assert_non_null(
			strstr(log, which ? "invalid opcode: RMPADJUST" : "invalid opcode: PVALIDATE"));
		assert_int_equal(g.rc, -1); /* the oopsing task never continued */
		down(&w);
	}
}

static void refused(const char *path, const char *env, const char *want)
{
	struct rmpsim_diag d;
	const struct rmpsim_policy_ops *ops = NULL;
	memset(&d, 0, sizeof(d));
	assert_int_equal(rmpsim_policy_load_plugin(path, &d, &ops, NULL), -EINVAL);
	assert_null(ops);
	if (!strstr(d.msg, want))
		fprintf(stderr, "message: %s\n", d.msg);
	assert_non_null(strstr(d.msg, want));
	assert_null(getenv(env)); /* its constructor never ran */
}

/* covers: A224, A225 */
static void unmodelled_instruction_is_refused_before_running(void **state)
{
	(void)state;
	refused(UNMODELLED_SO, "RMPSIM_TEST_UNMODELLED_RAN", "RMPQUERY (F3 0F 01 FD) at rmpquery_user+0x");
}

static void prefixed_instruction_is_refused_before_running(void **state)
{
	(void)state;
	refused(PREFIXED_SO, "RMPSIM_TEST_PREFIXED_RAN", "odd_rmpopt+0x");
}

/* The scanner's view of the helper plugin: one site per helper, named. covers: A224 */
static void scan_lists_each_site(void **state)
{
	(void)state;
	struct rmpsim_code_image *img = NULL;
	struct rmpsim_diag d;
	unsigned seen[RMPSIM_CODE_NINSN] = { 0 };
	memset(&d, 0, sizeof(d));
	assert_int_equal(rmpsim_code_scan(ASM_HELPERS_SO, &img, &d), 0);
	for (size_t i = 0; i < rmpsim_code_nsites(img); i++) {
		const struct rmpsim_code_site *s = rmpsim_code_site(img, i);
		seen[s->insn]++;
		assert_non_null(s->func);
	}
	for (int k = 0; k < RMPSIM_CODE_NINSN; k++)
		assert_true(seen[k] >= 1);
	rmpsim_code_free(img);
	/* Not ELF at all. */
	assert_int_equal(rmpsim_code_scan(UNMODELLED_SRC, &img, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "not an x86-64 ELF shared object"));
}

struct infer {
	const struct asm_helpers *a;
	unsigned long long out[NOUT];
	uint64_t t0, t1;
	struct rmpsim_sim *sim;
};

static void infer_item(void *arg)
{
	struct infer *in = arg;
	in->t0 = rmpsim_sim_now(in->sim);
	in->a->run_sequence(PA, in->out);
	in->t1 = rmpsim_sim_now(in->sim);
}

static void infer_main(void *arg)
{
	ktest_run_as_work(infer_item, arg);
}

/* covers: A228. The helper plugin has no tracepoints: its work item is a pass. */
static void work_item_without_tracepoints_is_a_pass(void **state)
{
	(void)state;
	struct infer in = { .a = load_helpers() };
	struct world w;
	up(&w);
	in.sim = w.sim;
	assert_int_equal(rmpsim_kernel_boot(w.k, infer_main, &in), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	assert_int_equal(rmpsim_sim_mark_count(w.sim), 3);
	const struct rmpsim_mark *m0 = rmpsim_sim_mark_get(w.sim, 0), *m1 = rmpsim_sim_mark_get(w.sim, 1),
				 *m2 = rmpsim_sim_mark_get(w.sim, 2);
	assert_string_equal(m0->name, "rmpopt_pass_start");
	assert_string_equal(m1->name, "rmpopt_leader_done");
	assert_string_equal(m2->name, "rmpopt_pass_done");
	/* The window: no RMPOPT_BASE was written when the item started (the sequence
	 * writes it), so from 0 to the end of RAM (4 GB). */
	assert_true(m0->a == 0 && m0->b == 4 * GIB);
	/* No cross-CPU call: all leader, on the worker's CPU, over the item's run. */
	assert_true(m0->time_ps <= in.t0 && m2->time_ps >= in.t1 && m1->time_ps == m2->time_ps);
	assert_int_equal(m1->a, m2->cpu);
	down(&w);
	rmpsim_kshim_infer_passes(false);
}

static void infer_two_items(void *arg)
{
	ktest_run_as_work(infer_item, arg);
	ktest_run_as_work(infer_item, arg);
}

/* covers: A228. The window starts at the lowest RMPOPT_BASE programmed before the
 * item (the first item's sequence writes PA's 1 GB region), capped at the end of RAM. */
static void inferred_window_starts_at_programmed_base(void **state)
{
	(void)state;
	struct infer in = { .a = load_helpers() };
	struct world w;
	up(&w);
	in.sim = w.sim;
	assert_int_equal(rmpsim_kernel_boot(w.k, infer_two_items, &in), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	assert_int_equal(rmpsim_sim_mark_count(w.sim), 6);
	const struct rmpsim_mark *first = rmpsim_sim_mark_get(w.sim, 0),
				 *second = rmpsim_sim_mark_get(w.sim, 3);
	assert_string_equal(first->name, "rmpopt_pass_start");
	assert_string_equal(second->name, "rmpopt_pass_start");
	assert_true(first->a == 0 && first->b == 4 * GIB);
	/* PA + 2 TB is past the end of RAM (4 GB): the end is RAM's. */
	assert_true(second->a == PA && second->b == 4 * GIB);
	assert_string_equal(rmpsim_sim_mark_get(w.sim, 5)->name, "rmpopt_pass_done");
	down(&w);
	rmpsim_kshim_infer_passes(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_lists_each_site),
		cmocka_unit_test(unmodelled_instruction_is_refused_before_running),
		cmocka_unit_test(prefixed_instruction_is_refused_before_running),
		cmocka_unit_test(kernel_asm_helpers_match_the_shim),
		cmocka_unit_test(guest_instructions_oops_on_the_host),
		cmocka_unit_test(work_item_without_tracepoints_is_a_pass),
		cmocka_unit_test(inferred_window_starts_at_programmed_base),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
