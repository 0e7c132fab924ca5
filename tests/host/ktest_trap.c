// SPDX-License-Identifier: MIT
/*
 * The shim's side of test_insn_trap.c: the sequence of plugins/asm_helpers.c
 * through the shim's RMP functions instead of inline asm.
 */
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <asm/msr.h>
#include <asm/sev-rmpsim.h>
#include <asm/sev.h>

void ktest_shim_sequence(unsigned long long pa, unsigned long long *out);

void ktest_shim_sequence(unsigned long long pa, unsigned long long *out)
{
	struct rmp_state st = { .gpa = 0x7000, .assigned = 1, .pagesize = 0, .asid = 5 };
	struct rmp_state shared = { 0 };
	struct rmpentry e = { 0 };

	wrmsrq(MSR_AMD64_RMPOPT_BASE, (pa & ~(SZ_1G - 1)) | 1);
	out[0] = __rmpopt(pa, 0);
	out[1] = (u32)__rmpupdate(pa + 0x5000, &st);
	out[2] = __rmpopt(pa, 1);
	out[3] = (u32)__rmpread(pa + 0x5000, &e);
	out[4] = e.gpa;
	out[5] = e.assigned | e.pagesize << 1 | e.immutable << 2 | (u64)e.asid << 8;
	out[6] = (u32)__psmash(pa + 0x1000);
	out[7] = (u32)__rmpupdate(pa + 0x5000, &shared);
	out[8] = __rmpopt(pa, 0);
}

/* Run fn(arg) as a work item on a fresh workqueue and wait for it. */
struct ktest_work {
	struct work_struct work;
	void (*fn)(void *);
	void *arg;
};

static void ktest_work_fn(struct work_struct *work)
{
	struct ktest_work *w = container_of(work, struct ktest_work, work);

	w->fn(w->arg);
}

void ktest_run_as_work(void (*fn)(void *), void *arg);

void ktest_run_as_work(void (*fn)(void *), void *arg)
{
	struct workqueue_struct *wq = alloc_workqueue("ktest", WQ_UNBOUND, 1);
	struct ktest_work w = { .fn = fn, .arg = arg };

	if (!wq)
		return;
	INIT_WORK(&w.work, ktest_work_fn);
	queue_work(wq, &w.work);
	flush_work(&w.work);
	destroy_workqueue(wq);
}
