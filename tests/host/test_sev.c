/* SPDX-License-Identifier: MIT */
/*
 * SNP host bring-up and teardown, the RMP helpers, and the 2 TB window cap
 * (spec 1.3, 1.8, 1.9, 3.1, 3.6) through the shim on small machines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/profile.h>

#include <rmpsim/policy.h>

#include "harness.h"
#include "machine_insn.h"

#define GIB	   (1ull << 30)
#define SYSCFG_ALL (RMPSIM_SYSCFG_MFDM | RMPSIM_SYSCFG_SNP_EN | RMPSIM_SYSCFG_SNP_VMPL_EN)

struct res {
	int a, b, c, d, e, f;
	unsigned long long n, m;
};

static void offline_prepare_fn(void *arg)
{
	struct res *r = arg;

	r->a = ktest_remove_cpu(3);
	r->b = rmpsim_host_snp_prepare();
	/* hotplug is enabled again after the refusal: CPU 3 can come back */
	r->c = ktest_add_cpu(3);
	r->d = rmpsim_host_snp_prepare();
	/* now SNP is on and hotplug is disabled */
	r->e = ktest_remove_cpu(3);
}

/* covers: spec 1.9 */
static void test_prepare_requires_all_present_online(void **state)
{
	struct h_machine h;
	struct res r = { 1, 1, 1, 1, 1, 1, 0, 0 };
	unsigned cpu;

	(void)state;
	h_create(&h, 2, 2, 4 * GIB);
	h_boot(&h, offline_prepare_fn, &r);
	h_run(&h);
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, -EOPNOTSUPP);
	assert_int_equal(r.c, 0);
	assert_int_equal(r.d, 0);
	assert_int_equal(r.e, -EBUSY);
	/* spec 3.6: MFDM, SNP_EN and VMPL_EN on every CPU */
	for (cpu = 0; cpu < h.ncpus; cpu++)
		assert_int_equal(h_rdmsr(&h, cpu, RMPSIM_MSR_SYSCFG) & SYSCFG_ALL, SYSCFG_ALL);
	h_destroy(&h);
}

static void prepare_fn(void *arg)
{
	struct res *r = arg;

	r->a = rmpsim_host_snp_prepare();
}

/* covers: spec 3.6 (kexec: SNP_EN already set, nothing re-enabled) */
static void test_prepare_skips_when_snp_en_set(void **state)
{
	struct h_machine h;
	struct res r = { 1, 1, 1, 1, 1, 1, 0, 0 };
	unsigned cpu;

	(void)state;
	h_create(&h, 2, 2, 4 * GIB);
	for (cpu = 0; cpu < h.ncpus; cpu++) {
		uint64_t v = h_rdmsr(&h, cpu, RMPSIM_MSR_SYSCFG);

		assert_int_equal(t_wrmsr(h.m, cpu, RMPSIM_MSR_SYSCFG, v | RMPSIM_SYSCFG_SNP_EN),
				 RMPSIM_FAULT_NONE);
	}
	h_boot(&h, prepare_fn, &r);
	h_run(&h);
	assert_int_equal(r.a, 0);
	for (cpu = 0; cpu < h.ncpus; cpu++)
		assert_int_equal(h_rdmsr(&h, cpu, RMPSIM_MSR_SYSCFG) & RMPSIM_SYSCFG_MFDM, 0);
	h_destroy(&h);
}

static void lifecycle_fn(void *arg)
{
	struct res *r = arg;

	r->a = rmpsim_host_snp_prepare();
	r->b = rmpsim_host_snp_init();
	r->c = rmpsim_host_setup_rmpopt(NULL);
	/* the v5 guard: a second setup of the same policy is a no-op */
	r->d = rmpsim_host_setup_rmpopt(NULL);
	ktest_msleep(100); /* the first pass runs */
	rmpsim_host_snp_shutdown();
	/* spec 1.9: hotplug is enabled again after cleanup */
	r->e = ktest_remove_cpu(1);
}

/* covers: spec 1.8, spec 1.9, A101, A103 */
static void test_shutdown_cleans_up(void **state)
{
	struct h_machine h;
	struct res r = { 1, 1, 1, 1, 1, 1, 0, 0 };
	unsigned cpu;

	(void)state;
	h_create(&h, 2, 2, 4 * GIB);
	h_boot(&h, lifecycle_fn, &r);
	h_run(&h);
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, 0);
	assert_int_equal(r.c, 0);
	assert_int_equal(r.d, 0);
	assert_int_equal(r.e, 0);
	assert_int_equal(h_mark_count(&h, "rmpopt_pass_done"), 1);
	for (cpu = 0; cpu < h.ncpus; cpu++) {
		/* spec 1.8: RMPOPT_BASE = 0 on each core; the firmware cleared SNP_EN */
		assert_int_equal(h_rdmsr(&h, cpu, RMPSIM_MSR_RMPOPT_BASE), 0);
		assert_int_equal(h_rdmsr(&h, cpu, RMPSIM_MSR_SYSCFG) & RMPSIM_SYSCFG_SNP_EN, 0);
	}
	h_destroy(&h);
}

static void init_twice_fn(void *arg)
{
	struct res *r = arg;

	r->a = rmpsim_host_snp_prepare();
	r->b = rmpsim_host_snp_init();
	r->c = rmpsim_host_snp_init(); /* already initialised: the firmware refuses */
}

/* The firmware error is logged once with one "SEV-SNP: " prefix (pr_fmt), not two. */
static void test_init_error_has_one_prefix(void **state)
{
	struct h_machine h;
	struct res r = { 1, 1, 1, 1, 1, 1, 0, 0 };

	(void)state;
	h_create(&h, 1, 1, 8 * GIB);
	h_boot(&h, init_twice_fn, &r);
	h_run(&h);
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, 0);
	assert_int_not_equal(r.c, 0);
	assert_true(h_dmesg_has(&h, "SEV-SNP: failed to INIT rc"));
	assert_false(h_dmesg_has(&h, "SEV-SNP: SEV-SNP:"));
	h_destroy(&h);
}

static void cap_fn(void *arg)
{
	struct res *r = arg;

	r->a = rmpsim_host_snp_prepare();
	r->b = rmpsim_host_snp_init();
	r->c = rmpsim_host_setup_rmpopt(rmpsim_policy_find("targeted"));
	/* leave the first pass nothing to do beyond one region: see below */
}

/* covers: spec 1.3 */
static void test_window_capped_at_2t(void **state)
{
	struct h_machine h;
	struct res r = { 1, 1, 1, 1, 1, 1, 0, 0 };
	const struct rmpsim_mark *m;

	(void)state;
	/* 2 TiB + 64 GiB of RAM from 0: the window stops at 2 TiB */
	h_create(&h, 1, 1, 2112 * GIB);
	h_boot(&h, cap_fn, &r);
	h_run(&h);
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, 0);
	assert_int_equal(r.c, 0);
	assert_true(h_dmesg_has(&h, "RMPOPT coverage limited to 2TB; memory above 0x20000000000 "
				    "not optimized"));
	m = h_mark(&h, "rmpopt_pass_start", 0);
	assert_non_null(m);
	assert_int_equal(m->a, 0);
	assert_int_equal(m->b, 2048 * GIB);
	/* one CPU: the leader ran exactly one RMPOPT per GB of the window */
	assert_int_equal(h_rmpopt_all(&h, 0), 2048);
	h_destroy(&h);
}

static void rmp_fn(void *arg)
{
	struct res *r = arg;
	unsigned long long pfn = (5 * GIB) >> 12;

	r->a = rmpsim_host_snp_prepare();
	r->b = rmpsim_host_snp_init();
	r->c = rmpsim_host_rmp_make_private(pfn, 0x1000, 1, 7, 0);
	r->d = rmpsim_host_rmp_make_private_range(pfn + 512, 1024, 0x200000, 1, 7, &r->n);
	r->e = rmpsim_host_rmp_make_shared(pfn, 1) |
	       rmpsim_host_rmp_make_shared_range(pfn + 512, 1024, 1, &r->m);
	rmpsim_host_snp_leak_pages(pfn + 4096, 3);
	rmpsim_host_snp_leak_pages(pfn + 8192, 2);
}

static void rmp_check_fn(void *arg)
{
	struct res *r = arg;

	r->f = (int)rmpsim_host_snp_nr_leaked_pages();
}

/* covers: spec 3.1, spec 3.6, A93, A100 */
static void test_rmp_helpers(void **state)
{
	struct h_machine h;
	struct res r = { 1, 1, 1, 1, 1, 1, 0, 0 };
	struct rmpsim_rmp *rmp;

	(void)state;
	h_create(&h, 1, 2, 8 * GIB);
	rmp = rmpsim_machine_rmp(h.m);
	h_boot(&h, rmp_fn, &r);
	h_run(&h);
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, 0);
	assert_int_equal(r.c, 0);
	assert_int_equal(r.d, 0);
	assert_int_equal(r.n, 1024);
	assert_int_equal(r.e, 0);
	assert_int_equal(r.m, 1024);
	/* everything given back: region 5 free again */
	assert_true(rmpsim_rmp_1g_is_free(rmp, 5 * GIB));
	/* the RMPUPDATEs were executed: 1 + 1024 + 1 + 1024 */
	{
		struct rmpsim_cpu_counters c;

		rmpsim_machine_counters(h.m, 0, &c);
		assert_int_equal(c.rmpupdates, 2050);
	}
	h_spawn(&h, 0, rmp_check_fn, &r);
	h_run(&h);
	assert_int_equal(r.f, 5);
	h_destroy(&h);
}

struct ovl {
	int a, b, c, d, e;
	unsigned long long done;
	unsigned long long t0, t1, t2;
};

/* |got - want| within one ps per charge plus the ns truncation of two timestamps */
static bool near_ps(unsigned long long got, unsigned long long want, unsigned long long charges)
{
	unsigned long long d = got > want ? got - want : want - got;

	return d <= charges + 2000;
}

static void overlap_fn(void *arg)
{
	struct ovl *o = arg;
	unsigned long long pfn6 = (6 * GIB) >> 12;

	o->a = rmpsim_host_snp_prepare() | rmpsim_host_snp_init();
	/* a 2 MB private page at 6 GB */
	o->b = rmpsim_host_rmp_make_private(pfn6, 0, 2, 9, 0);
	/* A24: a 4K update inside it overlaps for ever; Linux would spin */
	o->t0 = ktest_now_ns();
	o->c = rmpsim_host_rmp_make_shared(pfn6 + 1, 1);
	o->t1 = ktest_now_ns();
	/* the range helper: two pages before the 2 MB page, then the overlap */
	o->d = rmpsim_host_rmp_make_private_range(pfn6 - 2, 4, 0, 1, 9, &o->done);
	o->t2 = ktest_now_ns();
	o->e = 1;
}

/* covers: A105, spec 3.1 (FAIL_OVERLAP retried) */
static void test_overlap_retries_bounded(void **state)
{
	struct h_machine h;
	struct ovl o;
	struct rmpsim_kernel_stats ks;
	struct rmpsim_cpu_counters c;
	const unsigned long long retries = 10000; /* RMPUPDATE_OVERLAP_RETRIES_MAX */
	uint64_t before;

	(void)state;
	memset(&o, 0, sizeof(o));
	h_create(&h, 1, 2, 8 * GIB);
	h_boot(&h, overlap_fn, &o);
	assert_int_equal(rmpsim_sim_run(h.sim), 0);
	assert_int_equal(o.e, 1); /* the run finished: no hang */
	assert_int_equal(o.a, 0);
	assert_int_equal(o.b, 0);
	assert_int_equal(o.c, -EFAULT);
	assert_int_equal(o.d, -EFAULT);
	assert_int_equal(o.done, 2);
	/* one give-up per helper: a simulation bug each, no oops */
	rmpsim_kernel_stats(h.k, &ks);
	assert_int_equal(ks.bugs, 2);
	assert_int_equal(ks.oopses, 0);
	assert_true(h_dmesg_has(&h, "FAIL_OVERLAP after 10000 retries, giving up"));
	assert_true(h_dmesg_has(&h, "persisted for 10000 retries"));
	/*
	 * 1 + 10000 RMPUPDATEs executed and charged for the single page, then
	 * 2 done + (1 + 10000) attempts at the third page of the range. The
	 * default profile charges rmpupdate_cycles at its clock each, rounded
	 * to the picosecond per charge; the timestamps are in ns.
	 */
	const struct rmpsim_profile *prof = rmpsim_profile_default();
	uint64_t one = prof->rmpupdate_mcyc * 1000000ull / prof->freq_khz; /* ps */
	assert_true(near_ps((o.t1 - o.t0) * 1000, (retries + 1) * one, retries + 1));
	assert_true(near_ps((o.t2 - o.t1) * 1000, (2 + retries + 1) * one, retries + 3));
	rmpsim_machine_counters(h.m, 0, &c);
	before = c.rmpupdates;
	/* the 2 MB assignment + the single-page attempts, at least */
	assert_true(before >= 1 + retries + 1);
	h_destroy(&h);
}

struct psm {
	struct h_machine *h;
	int prep, priv, misaligned, split, again, shared, imm_priv, immutable, outside;
	bool misaligned_kept, again_kept, immutable_kept;
};

#define PSM_2M	 (5 * GIB)		  /* the 2 MB guest page that is split */
#define PSM_IMM	 (5 * GIB + (2ull << 20)) /* an immutable 2 MB guest page */
#define PSM_HV	 (6 * GIB)		  /* a hypervisor (shared) page */
#define PSM_GPA	 0x40000000ull
#define PSM_ASID 7u

/* Whether the 512 entries from spa still hold what *old holds. */
static bool entries_kept(struct rmpsim_machine *m, uint64_t spa, const struct rmpsim_raw_entry *old)
{
	unsigned i;

	for (i = 0; i < RMPSIM_ENTRIES_PER_2M; i++) {
		struct rmpsim_raw_entry e;

		if (rmpsim_machine_read_entry(m, spa + i * RMPSIM_SZ_4K, &e) || e.lo != old[i].lo ||
		    e.hi != old[i].hi)
			return false;
	}
	return true;
}

static void read_entries(struct rmpsim_machine *m, uint64_t spa, struct rmpsim_raw_entry *ret)
{
	unsigned i;

	for (i = 0; i < RMPSIM_ENTRIES_PER_2M; i++)
		assert_int_equal(rmpsim_machine_read_entry(m, spa + i * RMPSIM_SZ_4K, &ret[i]), 0);
}

static void psmash_fn(void *arg)
{
	static struct rmpsim_raw_entry old[RMPSIM_ENTRIES_PER_2M];
	struct psm *r = arg;
	struct rmpsim_machine *m = r->h->m;

	r->prep = rmpsim_host_snp_prepare() | rmpsim_host_snp_init();
	r->priv = rmpsim_host_rmp_make_private(PSM_2M >> 12, PSM_GPA, 2, PSM_ASID, 0);
	/* spec 3.2: RAX must be 2 MB aligned; nothing changes */
	read_entries(m, PSM_2M, old);
	r->misaligned = rmpsim_host_psmash((PSM_2M >> 12) + 1);
	r->misaligned_kept = entries_kept(m, PSM_2M, old);
	r->split = rmpsim_host_psmash(PSM_2M >> 12);
	/* the entries are 4K now: not expandable again (A28), nothing changes */
	read_entries(m, PSM_2M, old);
	r->again = rmpsim_host_psmash(PSM_2M >> 12);
	r->again_kept = entries_kept(m, PSM_2M, old);
	/* a hypervisor page: no guest page to expand (A28) */
	r->shared = rmpsim_host_psmash(PSM_HV >> 12);
	/* an immutable 2 MB page is not expandable either (A28) */
	r->imm_priv = rmpsim_host_rmp_make_private(PSM_IMM >> 12, PSM_GPA + (2ull << 20), 2, PSM_ASID, 1);
	read_entries(m, PSM_IMM, old);
	r->immutable = rmpsim_host_psmash(PSM_IMM >> 12);
	r->immutable_kept = entries_kept(m, PSM_IMM, old);
	/* a PFN past the end of memory: pfn_valid() refuses it */
	r->outside = rmpsim_host_psmash((64 * GIB) >> 12);
}

/* fn on a fresh 8 GiB machine; r's results start as garbage (0x55...), so each must be set. */
static void run_psm(struct h_machine *h, struct psm *r, void (*fn)(void *))
{
	memset(r, 0x55, sizeof(*r));
	h_create(h, 1, 2, 8 * GIB);
	r->h = h;
	h_boot(h, fn, r);
	h_run(h);
}

/* covers: spec 3.2, A28 (rmpsim_host_psmash through psmash() and the machine) */
static void test_psmash(void **state)
{
	struct h_machine h;
	struct psm r;
	struct rmpsim_rmp_entry e;
	struct rmpsim_raw_entry raw;
	unsigned i;

	(void)state;
	run_psm(&h, &r, psmash_fn);
	assert_int_equal(r.prep, 0);
	assert_int_equal(r.priv, 0);
	assert_int_equal(r.misaligned, RMPSIM_PSMASH_FAIL_INPUT);
	assert_true(r.misaligned_kept);
	assert_int_equal(r.split, RMPSIM_PSMASH_OK);
	assert_int_equal(r.again, RMPSIM_PSMASH_FAIL_EXPAND);
	assert_true(r.again_kept);
	assert_int_equal(r.shared, RMPSIM_PSMASH_FAIL_EXPAND);
	assert_int_equal(r.imm_priv, 0);
	assert_int_equal(r.immutable, RMPSIM_PSMASH_FAIL_EXPAND);
	assert_true(r.immutable_kept);
	assert_int_equal(r.outside, -EINVAL);
	/* spec 3.2: 512 assigned 4K entries, the GPAs of the 2 MB page in order, same ASID */
	for (i = 0; i < RMPSIM_ENTRIES_PER_2M; i++) {
		assert_int_equal(rmpsim_machine_read_entry(h.m, PSM_2M + i * RMPSIM_SZ_4K, &raw), 0);
		rmpsim_entry_decode(&raw, &e);
		if (!e.assigned || e.pagesize != RMPSIM_PAGE_4K || e.immutable || e.lock ||
		    e.gpa != PSM_GPA + i * RMPSIM_SZ_4K || e.asid != PSM_ASID)
			fail_msg("entry %u after PSMASH: assigned %d size %u immutable %d lock %d gpa %#llx "
				 "asid %u",
				 i, e.assigned, e.pagesize, e.immutable, e.lock, (unsigned long long)e.gpa,
				 e.asid);
	}
	/* the page after it was untouched: the immutable 2 MB head */
	assert_int_equal(rmpsim_machine_read_entry(h.m, PSM_IMM, &raw), 0);
	rmpsim_entry_decode(&raw, &e);
	assert_true(e.assigned && e.immutable && e.pagesize == RMPSIM_PAGE_2M);
	/* the hypervisor page is still the hypervisor's */
	assert_int_equal(rmpsim_machine_read_entry(h.m, PSM_HV, &raw), 0);
	rmpsim_entry_decode(&raw, &e);
	assert_false(e.assigned);
	h_destroy(&h);
}

static void psmash_nosnp_fn(void *arg)
{
	struct psm *r = arg;

	ktest_clear_sev_snp();
	r->split = rmpsim_host_psmash(PSM_2M >> 12);
}

/* covers: spec 3.2 (psmash() without SNP is -ENODEV, no PSMASH executed) */
static void test_psmash_without_snp(void **state)
{
	struct h_machine h;
	struct psm r;
	struct rmpsim_raw_entry raw;

	(void)state;
	run_psm(&h, &r, psmash_nosnp_fn);
	assert_int_equal(r.split, -ENODEV);
	assert_int_equal(rmpsim_machine_read_entry(h.m, PSM_2M, &raw), 0);
	assert_int_equal(raw.lo, 0);
	h_destroy(&h);
}

static void contiguous_fn(void *arg)
{
	struct res *r = arg;

	r->a = rmpsim_host_snp_prepare();
	r->b = rmpsim_host_snp_init();
	r->c = rmpsim_host_setup_rmpopt(NULL);
}

/* covers: A90 (rmpopt_capable needs the segmented RMP), spec 1.3 */
static void test_contiguous_rmp_not_capable(void **state)
{
	struct h_machine h;
	struct res r = { 1, 1, 1, 1, 1, 1, 0, 0 };

	(void)state;
	/* CPUID has RMPOPT, but the RMP is contiguous: RMPOPT_EN can never be set */
	h_create_contiguous(&h, 2, 2, 4 * GIB);
	h_boot(&h, contiguous_fn, &r);
	h_run(&h);
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, 0);
	assert_int_equal(r.c, -EOPNOTSUPP);
	assert_int_equal(h_mark_count(&h, "rmpopt_pass_start"), 0);
	assert_int_equal(h_rdmsr(&h, 0, RMPSIM_MSR_RMPOPT_BASE), 0);
	h_destroy(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_error_has_one_prefix),
		cmocka_unit_test(test_prepare_requires_all_present_online),
		cmocka_unit_test(test_prepare_skips_when_snp_en_set),
		cmocka_unit_test(test_shutdown_cleans_up),
		cmocka_unit_test(test_window_capped_at_2t),
		cmocka_unit_test(test_rmp_helpers),
		cmocka_unit_test(test_overlap_retries_bounded),
		cmocka_unit_test(test_contiguous_rmp_not_capable),
		cmocka_unit_test(test_psmash),
		cmocka_unit_test(test_psmash_without_snp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
