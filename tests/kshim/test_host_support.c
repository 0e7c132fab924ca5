/* SPDX-License-Identifier: MIT */
/*
 * The shim pieces added for the host layer (docs/kshim.md, last rows):
 * <linux/atomic.h>, <linux/bitops.h> and <linux/bitmap.h> against plain
 * oracles; <linux/psp-sev.h> sev_do_cmd() against the firmware rules of spec
 * 1.9; <asm/sev-rmpsim.h> __rmpupdate_range() against the page-by-page loop it
 * stands for (state and charged time), and rmpsim_kernel_report_bug().
 */
#include "kshim_test.h"

#include <stdbool.h>
#include <string.h>

#include <asm/sev-rmpsim.h>
#include <asm/sev.h>
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/ktime.h>
#include <linux/psp-sev.h>

/* ---- atomics ------------------------------------------------------------ */

static void test_atomic(void **state)
{
	atomic_t v = ATOMIC_INIT(0);
	int old;

	(void)state;
	assert_int_equal(atomic_read(&v), 0);
	/* cmpxchg: returns the old value, stores only when it matched */
	assert_int_equal(atomic_cmpxchg(&v, 0, 1), 0);
	assert_int_equal(atomic_read(&v), 1);
	assert_int_equal(atomic_cmpxchg(&v, 0, 5), 1);
	assert_int_equal(atomic_read(&v), 1);
	old = 1;
	assert_true(atomic_try_cmpxchg(&v, &old, 7));
	old = 3;
	assert_false(atomic_try_cmpxchg(&v, &old, 9));
	assert_int_equal(old, 7);
	assert_int_equal(atomic_xchg(&v, 2), 7);
	atomic_set(&v, 1);
	atomic_inc(&v);
	assert_int_equal(atomic_inc_return(&v), 3);
	atomic_add(4, &v);
	assert_int_equal(atomic_read(&v), 7);
	atomic_sub(6, &v);
	assert_true(atomic_dec_and_test(&v));
	assert_int_equal(atomic_read(&v), 0);
}

/* ---- bitmaps against a bool array ---------------------------------------- */

#define NB 300 /* not a multiple of BITS_PER_LONG: the last word is partial */

static unsigned long oracle_next(const bool *o, unsigned long size, unsigned long off, bool val)
{
	for (; off < size; off++)
		if (o[off] == val)
			return off;
	return size;
}

static void check_against(const unsigned long *map, const bool *o)
{
	unsigned long i, w = 0, bit;

	for (i = 0; i < NB; i++) {
		assert_int_equal(test_bit(i, map), o[i]);
		w += o[i];
	}
	assert_int_equal(bitmap_weight(map, NB), w);
	assert_int_equal(bitmap_empty(map, NB), w == 0);
	for (i = 0; i <= NB; i += 7) {
		assert_int_equal(find_next_bit(map, NB, i), oracle_next(o, NB, i, true));
		assert_int_equal(find_next_zero_bit(map, NB, i), oracle_next(o, NB, i, false));
	}
	i = 0;
	for_each_set_bit(bit, map, NB)
	{
		assert_int_equal(bit, oracle_next(o, NB, i, true));
		i = bit + 1;
	}
	assert_int_equal(oracle_next(o, NB, i, true), NB);
}

static void test_bitmap(void **state)
{
	DECLARE_BITMAP(map, NB);
	DECLARE_BITMAP(other, NB);
	bool o[NB], o2[NB];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned long i;

	(void)state;
	bitmap_zero(map, NB);
	memset(o, 0, sizeof(o));
	check_against(map, o);
	for (i = 0; i < 2000; i++) {
		unsigned long b;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		b = (unsigned long)(x % NB);
		switch ((x >> 32) % 4) {
		case 0:
			set_bit(b, map);
			o[b] = true;
			break;
		case 1:
			clear_bit(b, map);
			o[b] = false;
			break;
		case 2:
			assert_int_equal(test_and_set_bit(b, map), o[b]);
			o[b] = true;
			break;
		default:
			assert_int_equal(test_and_clear_bit(b, map), o[b]);
			o[b] = false;
			break;
		}
		if (i % 97 == 0)
			check_against(map, o);
	}
	check_against(map, o);

	/* fill leaves the bits past NB in the last word clear */
	bitmap_fill(other, NB);
	for (i = 0; i < NB; i++)
		o2[i] = true;
	check_against(other, o2);
	assert_int_equal(other[BITS_TO_LONGS(NB) - 1] >> (NB % BITS_PER_LONG), 0);

	bitmap_zero(other, NB);
	memset(o2, 0, sizeof(o2));
	bitmap_set(other, 60, 10); /* across a word boundary */
	for (i = 60; i < 70; i++)
		o2[i] = true;
	bitmap_clear(other, 62, 3);
	o2[62] = o2[63] = o2[64] = false;
	check_against(other, o2);

	bitmap_or(other, other, map, NB);
	for (i = 0; i < NB; i++)
		o2[i] = o2[i] || o[i];
	check_against(other, o2);
	bitmap_copy(map, other, NB);
	check_against(map, o2);
	/* an empty range is size, also from size */
	assert_int_equal(find_next_bit(map, NB, NB), NB);
	assert_int_equal(find_first_bit(map, 0), 0);
}

/* ---- a machine with a kernel --------------------------------------------- */

/* 1 package, 2 cores x 2 threads, 8 GiB, no MMIO hole; SNP_EN as the test says,
 * SNP not initialised. */
static void world_up(struct world *w, bool snp_en)
{
	const struct world_spec ws = {
		.nodes = 1, .mem_per_node = 8ull << 30, .no_mmio_hole = true, .snp_en = snp_en, .seed = 1
	};
	world_up_spec(w, &ws);
}

static uint64_t syscfg(struct world *w, unsigned cpu)
{
	uint64_t v = 0;
	assert_int_equal(t_rdmsr(w->m, cpu, RMPSIM_MSR_SYSCFG, &v), RMPSIM_FAULT_NONE);
	return v;
}

struct fw {
	int ret[8], err[8];
};

static void fw_fn(void *arg)
{
	struct fw *f = arg;
	struct sev_data_snp_shutdown_ex x86 = { .len = sizeof(x86), .x86_snp_shutdown = 1 };

	f->ret[0] = sev_do_cmd(SEV_CMD_SNP_INIT, NULL, &f->err[0]);
	f->ret[1] = sev_do_cmd(SEV_CMD_SNP_INIT, NULL, &f->err[1]);
	f->ret[2] = sev_do_cmd(SEV_CMD_SNP_SHUTDOWN_EX, &x86, &f->err[2]);
	f->ret[3] = sev_do_cmd(SEV_CMD_SNP_SHUTDOWN_EX, &x86, &f->err[3]);
	f->ret[4] = sev_do_cmd(0x01 /* SEV_CMD_INIT: not modelled */, NULL, &f->err[4]);
}

/* covers: spec 1.9 (SNP_INIT needs SNP_EN everywhere; X86_SNP_SHUTDOWN clears it) */
static void test_sev_do_cmd(void **state)
{
	struct world w;
	struct fw f;

	(void)state;
	/* SNP_EN set: INIT, INIT again (already initialised), SHUTDOWN_EX x86, again */
	memset(&f, 0x55, sizeof(f));
	world_up(&w, true);
	assert_int_equal(rmpsim_kernel_boot(w.k, fw_fn, &f), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	assert_int_equal(f.ret[0], 0);
	assert_int_equal(f.err[0], SEV_RET_SUCCESS);
	assert_int_equal(f.ret[1], -EIO);
	assert_int_equal(f.err[1], SEV_RET_INVALID_PLATFORM_STATE);
	assert_int_equal(f.ret[2], 0);
	assert_int_equal(f.ret[3], -EIO);
	assert_int_equal(f.err[3], SEV_RET_INVALID_PLATFORM_STATE);
	assert_int_equal(f.ret[4], -EINVAL);
	for (unsigned cpu = 0; cpu < 4; cpu++)
		assert_int_equal(syscfg(&w, cpu) & RMPSIM_SYSCFG_SNP_EN, 0);
	world_down(&w);

	/* SNP_EN clear: INVALID_CONFIG */
	memset(&f, 0x55, sizeof(f));
	world_up(&w, false);
	assert_int_equal(rmpsim_kernel_boot(w.k, fw_fn, &f), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	assert_int_equal(f.ret[0], -EIO);
	assert_int_equal(f.err[0], SEV_RET_INVALID_CONFIG);
	assert_false(rmpsim_machine_snp_initialized(w.m));
	world_down(&w);
}

static void legacy_fn(void *arg)
{
	struct fw *f = arg;

	f->ret[0] = sev_do_cmd(SEV_CMD_SNP_INIT_EX, NULL, NULL);
	/* legacy shutdown (no data, or x86_snp_shutdown = 0): SNP_EN stays */
	f->ret[1] = sev_do_cmd(SEV_CMD_SNP_SHUTDOWN, NULL, NULL);
}

/* covers: spec 1.9 (legacy SNP_SHUTDOWN leaves SNP_EN set) */
static void test_sev_do_cmd_legacy_shutdown(void **state)
{
	struct world w;
	struct fw f;

	(void)state;
	world_up(&w, true);
	assert_int_equal(rmpsim_kernel_boot(w.k, legacy_fn, &f), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	assert_int_equal(f.ret[0], 0);
	assert_int_equal(f.ret[1], 0);
	assert_false(rmpsim_machine_snp_initialized(w.m));
	for (unsigned cpu = 0; cpu < 4; cpu++)
		assert_int_equal(syscfg(&w, cpu) & RMPSIM_SYSCFG_SNP_EN, RMPSIM_SYSCFG_SNP_EN);
	world_down(&w);
}

/* SNP_INIT_EX with a range list: two 4 KB pages at 1 GiB + 8 KB. The list's
 * flexible array is followed by its storage, as kernel callers lay it out (a
 * GNU extension clang names). */
#ifdef __clang__
#pragma clang diagnostic ignored "-Wgnu-variable-sized-type-not-at-end"
#endif
static struct {
	struct sev_data_range_list list;
	struct sev_data_range r[1];
} init_ex_ranges = { .list = { .num_elements = 1 },
		     .r = { { .base = (1ull << 30) + 8192, .page_count = 2 } } };

static void init_ex_fn(void *arg)
{
	struct fw *f = arg;
	struct sev_data_snp_init_ex d = { .list_paddr_en = 1, .list_paddr = __psp_pa(&init_ex_ranges) };

	f->ret[0] = sev_do_cmd(SEV_CMD_SNP_INIT_EX, &d, &f->err[0]);
}

/* covers: A160 (the firmware makes the SNP_INIT_EX ranges HV_FIXED, configure_rmp()) */
static void test_sev_do_cmd_init_ex_ranges(void **state)
{
	struct world w;
	struct fw f;
	struct rmpsim_raw_entry raw;
	struct rmpsim_rmp_entry e;

	(void)state;
	world_up(&w, true);
	assert_int_equal(rmpsim_kernel_boot(w.k, init_ex_fn, &f), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	assert_int_equal(f.ret[0], 0);
	assert_true(rmpsim_machine_snp_initialized(w.m));
	for (unsigned pg = 1; pg <= 4; pg++) { /* pages 2 and 3 are in the list, 1 and 4 are not */
		assert_int_equal(rmpsim_machine_read_entry(w.m, (1ull << 30) + pg * 4096ull, &raw), 0);
		rmpsim_entry_decode(&raw, &e);
		assert_false(e.assigned);
		assert_int_equal(e.immutable, pg == 2 || pg == 3);
	}
	world_down(&w);
}

#define GB  (1ull << 30)
#define MB2 (2ull << 20)

struct rng {
	int rc[4], init;
	u64 done[4];
	uint64_t dt[4];
	struct rmpentry e[4];
	unsigned long *bm;
	int zeroed;
};

static void range_fn(void *arg)
{
	struct rng *r = arg;
	struct rmp_state s;
	uint64_t t;

	r->init = sev_do_cmd(SEV_CMD_SNP_INIT, NULL, NULL);

	/* 1024 4K pages from 5 GB, GPA stepping from 0x100000 */
	memset(&s, 0, sizeof(s));
	s.assigned = 1;
	s.asid = 3;
	s.gpa = 0x100000;
	s.pagesize = RMP_PG_SIZE_4K;
	t = ktime_get_ns();
	r->rc[0] = __rmpupdate_range(5 * GB, 1024, &s, true, &r->done[0]);
	r->dt[0] = ktime_get_ns() - t;
	__rmpread(5 * GB + 1023 * 4096, &r->e[0]);

	/* a 2 MB page at 6 GB, then 4 4K pages from 6 GB - 8K: the third overlaps (A24) */
	memset(&s, 0, sizeof(s));
	s.assigned = 1;
	s.asid = 4;
	s.pagesize = RMP_PG_SIZE_2M;
	r->rc[1] = __rmpupdate(6 * GB, &s);
	s.pagesize = RMP_PG_SIZE_4K;
	t = ktime_get_ns();
	r->rc[2] = __rmpupdate_range(6 * GB - 8192, 4, &s, false, &r->done[2]);
	r->dt[2] = ktime_get_ns() - t;
	__rmpread(6 * GB - 4096, &r->e[2]);

	/* nothing to do: nothing charged */
	t = ktime_get_ns();
	r->rc[3] = __rmpupdate_range(7 * GB, 0, &s, false, &r->done[3]);
	r->dt[3] = ktime_get_ns() - t;

	r->bm = bitmap_zalloc(NB, GFP_KERNEL);
	r->zeroed = r->bm && bitmap_empty(r->bm, NB);
	bitmap_free(r->bm);

	rmpsim_kernel_report_bug("test: gave up after %d tries", 42);
}

/* covers: spec 3.1, A24 (through the range helper) */
static void test_rmpupdate_range(void **state)
{
	struct world w;
	struct rng r;
	struct rmpsim_kernel_stats ks;
	const uint64_t cost_ns = 1500; /* rmp.rmpupdate_cycles = 1500 at 1 GHz */
	size_t len;

	(void)state;
	memset(&r, 0, sizeof(r));
	world_up(&w, true);
	assert_int_equal(rmpsim_kernel_boot(w.k, range_fn, &r), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	assert_int_equal(r.init, 0);

	assert_int_equal(r.rc[0], 0);
	assert_int_equal(r.done[0], 1024);
	/* charged as 1024 RMPUPDATEs */
	assert_int_equal(r.dt[0], 1024 * cost_ns);
	assert_int_equal(r.e[0].assigned, 1);
	assert_int_equal(r.e[0].asid, 3);
	assert_int_equal(r.e[0].gpa, 0x100000 + 1023 * 4096);
	assert_false(rmpsim_rmp_1g_is_free(rmpsim_machine_rmp(w.m), 5 * GB));

	assert_int_equal(r.rc[1], 0);
	/* two pages done, the third (inside the 2 MB page) FAIL_OVERLAP; 3 instructions */
	assert_int_equal(r.rc[2], RMPUPDATE_FAIL_OVERLAP);
	assert_int_equal(r.done[2], 2);
	assert_int_equal(r.dt[2], 3 * cost_ns);
	assert_int_equal(r.e[2].assigned, 1);
	assert_int_equal(r.e[2].asid, 4);

	assert_int_equal(r.rc[3], 0);
	assert_int_equal(r.done[3], 0);
	assert_int_equal(r.dt[3], 0);
	assert_true(r.zeroed);

	rmpsim_kernel_stats(w.k, &ks);
	assert_int_equal(ks.bugs, 1);
	assert_int_equal(ks.oopses, 0);
	assert_non_null(strstr(rmpsim_kernel_dmesg(w.k, &len), "test: gave up after 42 tries"));
	world_down(&w);
}

static void nomachine_fn(void *arg)
{
	int *ret = arg;

	*ret = sev_do_cmd(SEV_CMD_SNP_INIT, NULL, NULL);
}

static void test_sev_do_cmd_no_machine(void **state)
{
	struct rmpsim_sim *sim = bare_sim(2);
	struct rmpsim_kernel *k;
	int ret = 1;

	(void)state;
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(rmpsim_kernel_boot(k, nomachine_fn, &ret), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	assert_int_equal(ret, -ENODEV);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_bitmap),
		cmocka_unit_test(test_sev_do_cmd),
		cmocka_unit_test(test_sev_do_cmd_legacy_shutdown),
		cmocka_unit_test(test_rmpupdate_range),
		cmocka_unit_test(test_sev_do_cmd_no_machine),
		cmocka_unit_test(test_sev_do_cmd_init_ex_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
