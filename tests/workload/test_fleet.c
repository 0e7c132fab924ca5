/* SPDX-License-Identifier: MIT */
/*
 * Fleet replay (issue 17 point 4): the lifecycle log's parser and its errors,
 * the granule allocator's placements, the generator, and replays on a small
 * machine whose series can be worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/fleet.h>
#include <rmpsim/machine.h>
#include <rmpsim/rmp.h>
#include <rmpsim/topology.h>

#include "workload/granules.h"

#define GiB (1ull << 30)
#define MiB (1ull << 20)
/* Two nodes of 8 GiB, 16 CPUs. The host keeps the lowest 4 GiB (A111). */
#define SMALL "pack:1 numa:2(memory=8GiB) core:4 pu:2"

static int parse(const char *text, struct rmpsim_fleet *f, struct rmpsim_diag *d)
{
	memset(d, 0, sizeof(*d));
	return rmpsim_fleet_parse_string(text, strlen(text), "log.csv", NULL, f, d);
}

static void good_log_parses(void **state)
{
	(void)state;
	struct rmpsim_fleet f;
	struct rmpsim_diag d;
	const char *log = "# a comment\r\n"
			  "time,vm,action,size,backing,snp,node\r\n"
			  "0,a,launch,4G,2M,yes,any\r\n"
			  "  90s , b , launch , 2G , 4K , no , 1 \n"
			  "15min,a,convert,2G\n"
			  "\n"
			  "2h,a,teardown,,,,\n"
			  "7200500ms,b,teardown\n";
	assert_int_equal(parse(log, &f, &d), 0);
	assert_int_equal(f.nvms, 2);
	assert_int_equal(f.nevents, 5);
	assert_string_equal(f.vms[0].id, "a");
	assert_int_equal(f.vms[0].bytes, 4 * GiB);
	assert_int_equal(f.vms[0].backing, RMPSIM_BACKING_2M);
	assert_true(f.vms[0].snp);
	assert_int_equal(f.vms[0].node, -1);
	assert_int_equal(f.vms[1].node, 1);
	assert_false(f.vms[1].snp);
	assert_int_equal(f.vms[1].backing, RMPSIM_BACKING_4K);
	assert_int_equal(f.events[1].time_ns, 90000000000ull);
	assert_int_equal(f.events[2].action, RMPSIM_FLEET_CONVERT);
	assert_int_equal(f.events[2].bytes, 2 * GiB);
	assert_int_equal(f.events[2].line, 5);
	assert_int_equal(f.events[3].time_ns, 7200000000000ull);
	assert_int_equal(f.events[4].time_ns, 7200500000000ull);
	assert_int_equal(f.events[4].vm, 1);
	rmpsim_fleet_free(&f);
}

/* Each bad row: the message's line, column and what it says was expected; the log's limits (A465). */
static void bad_rows_name_file_line_col(void **state)
{
	(void)state;
	static const struct {
		const char *log;
		unsigned line, col;
		const char *says;
	} cases[] = {
		{ "soon,a,launch,4G,2M,yes,any\n", 1, 1, "time 'soon': expected seconds" },
		{ "0,a,launch,4G,2M,yes,any\n10,b,launch,2G,2M,no,any\n5,a,teardown\n", 3, 1,
		  "expected rows in time order" },
		{ "0,a,start,4G,2M,yes,any\n", 1, 5, "expected launch, convert or teardown" },
		{ "0,a,teardown\n", 1, 3, "expected the id of a VM launched above" },
		{ "0,a,launch,4G,2M,yes,any\n1,a,teardown\n2,a,launch,4G,2M,yes,any\n", 3, 3,
		  "expected a VM id not launched before" },
		{ "0,a,launch,4G,2M,yes,any\n1,a,teardown\n2,a,teardown\n", 3, 3, "expected a running VM" },
		{ "0,a,launch,4G,2M,no,any\n1,a,convert,2G\n", 2, 3, "expected an SNP VM" },
		{ "0,a,launch,4G,2M,yes,any\n1,a,convert,8G\n", 2, 13, "of at most the VM's size" },
		{ "0,a,launch,3M,2M,yes,any\n", 1, 12, "a non-zero multiple of 2M" },
		{ "0,a,launch,3G,1G,yes,any\n0,b,launch,1536M,1G,yes,any\n", 2, 12, "multiple of 1G" },
		{ "0,a,launch,4G,8K,yes,any\n", 1, 15, "expected 4K, 2M or 1G" },
		{ "0,a,launch,4G,2M,maybe,any\n", 1, 18, "expected yes or no" },
		{ "0,a,launch,4G,2M,yes,north\n", 1, 22, "expected a NUMA node number or any" },
		{ "0,a,launch,4G\n", 1, 12, "expected a backing field" },
		{ "0,a\n", 1, 3, "expected time,vm,action" },
		{ "0,a b,launch,4G,2M,yes,any\n", 1, 3, "expected an id of letters" },
		{ "0,a,launch,4G,2M,yes,any,extra\n", 1, 26, "more than 7 fields" },
		{ "31d,a,launch,4G,2M,yes,any\n", 1, 1, "at most 30 days" },
		{ "721h,a,launch,4G,2M,yes,any\n", 1, 1, "at most 30 days" },
		{ "0,a234567890123456789012345678901234567890123456789012345678901234,launch,4G,2M,yes,any\n",
		  1, 3, "(at most 63)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rmpsim_fleet f = { 0 };
		struct rmpsim_diag d;
		int r = parse(cases[i].log, &f, &d);
		if (r != -EINVAL || d.line != cases[i].line || d.col != cases[i].col ||
		    !strstr(d.msg, cases[i].says))
			fail_msg("case %zu: r %d, %s:%u:%u: %s", i, r, d.file, d.line, d.col, d.msg);
		assert_string_equal(d.file, "log.csv");
		assert_null(f.vms); /* nothing returned half parsed */
	}
}

static void nul_byte_is_refused(void **state)
{
	(void)state;
	static const char log[] = "0,a,launch,4G,2M,yes,any\n1,a,tear\0down\n";
	struct rmpsim_fleet f;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_fleet_parse_string(log, sizeof(log) - 1, "x.csv", NULL, &f, &d), -EINVAL);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.col, 9);
	assert_non_null(strstr(d.msg, "NUL"));
}

/* ---- Granules ---- */

/* Four regions: two on node 0 at 4..5 GiB, two on node 1 at 8..9 GiB. */
static void small_pool(struct rmpsim__granules *g)
{
	struct rmpsim__extent free[2] = { { 4 * GiB, 2 * GiB, 0 }, { 8 * GiB, 2 * GiB, 1 } };
	struct rmpsim__pool p = { .free = free, .nfree = 2, .free_bytes = 4 * GiB };
	assert_int_equal(rmpsim__gran_init(g, NULL, &p, 2), 0);
	assert_int_equal(g->nreg, 4);
}

struct vm_mem {
	struct rmpsim__extent *ext;
	size_t n, cap;
};

static int take(struct rmpsim__granules *g, enum rmpsim_placement pl, int node, uint64_t bytes, bool gb,
		struct vm_mem *v)
{
	memset(v, 0, sizeof(*v));
	return rmpsim__gran_take(g, pl, node, bytes, gb, &v->ext, &v->n, &v->cap);
}

static void drop(struct rmpsim__granules *g, struct vm_mem *v)
{
	rmpsim__gran_give(g, v->ext, v->n);
	free(v->ext);
	memset(v, 0, sizeof(*v));
}

/* A462: first fit, pack, spread; 1G backing takes empty regions only. */
static void placements_choose_as_documented(void **state)
{
	(void)state;
	struct rmpsim__granules g;
	struct vm_mem a, b, c, d;

	small_pool(&g);
	/* first fit: the lowest addresses, across the region boundary */
	assert_int_equal(take(&g, RMPSIM_PLACE_FIRST_FIT, -1, 1536 * MiB, false, &a), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.ext[0].spa, 4 * GiB);
	assert_int_equal(a.ext[0].bytes, 1536 * MiB);
	assert_int_equal(g.reg[0].used, 512);
	assert_int_equal(g.reg[1].used, 256);
	/* 1G backing takes only empty regions: the first is on node 1 */
	assert_int_equal(take(&g, RMPSIM_PLACE_FIRST_FIT, -1, GiB, true, &b), 0);
	assert_int_equal(b.ext[0].spa, 8 * GiB);
	/* pack: the partly used region first (region 1's free half), not region 3 */
	assert_int_equal(take(&g, RMPSIM_PLACE_PACK, -1, 256 * MiB, false, &c), 0);
	assert_int_equal(c.ext[0].spa, 4 * GiB + 1536 * MiB);
	drop(&g, &c);
	/* first fit would also pick it (lowest); free a's memory, take from region 3 by hand, then pack prefers it */
	drop(&g, &a);
	assert_int_equal(g.reg[0].used + g.reg[1].used, 0);
	assert_int_equal(take(&g, RMPSIM_PLACE_FIRST_FIT, 1, 2 * MiB, false, &c), 0);
	assert_int_equal(c.ext[0].spa, 9 * GiB); /* node 1: region 2 is b's */
	assert_int_equal(take(&g, RMPSIM_PLACE_PACK, -1, 4 * MiB, false, &d), 0);
	assert_int_equal(d.ext[0].spa, 9 * GiB + 2 * MiB); /* next to c, not at 4 GiB */
	drop(&g, &d);
	assert_int_equal(take(&g, RMPSIM_PLACE_FIRST_FIT, -1, 4 * MiB, false, &d), 0);
	assert_int_equal(d.ext[0].spa, 4 * GiB);
	drop(&g, &d);
	/* spread: node 0 has 2 GiB free, node 1 a little less than 1 GiB: node 0 */
	assert_int_equal(take(&g, RMPSIM_PLACE_SPREAD, -1, 4 * MiB, false, &d), 0);
	assert_int_equal(d.ext[0].node, 0);
	drop(&g, &d);
	drop(&g, &c);
	drop(&g, &b);
	rmpsim__gran_fini(&g);
}

static void refusals_take_nothing(void **state)
{
	(void)state;
	struct rmpsim__granules g;
	struct vm_mem a, b;

	small_pool(&g);
	assert_int_equal(take(&g, RMPSIM_PLACE_FIRST_FIT, 0, 2 * GiB + 2 * MiB, false, &a), -ENOSPC);
	assert_int_equal(take(&g, RMPSIM_PLACE_FIRST_FIT, -1, 3 * MiB, false, &a), -EINVAL);
	assert_int_equal(take(&g, RMPSIM_PLACE_FIRST_FIT, -1, 2 * MiB, false, &a), 0);
	/* every region has a used granule or... no: three empty regions left, 4 GiB of 1G wanted */
	assert_int_equal(take(&g, RMPSIM_PLACE_FIRST_FIT, -1, 4 * GiB, true, &b), -ENOSPC);
	assert_int_equal(rmpsim__gran_free(&g, -1, true), 3 * GiB);
	assert_int_equal(rmpsim__gran_free(&g, -1, false), 4 * GiB - 2 * MiB);
	drop(&g, &a);
	assert_int_equal(rmpsim__gran_free(&g, -1, true), 4 * GiB);
	rmpsim__gran_fini(&g);
}

/* ---- Replays ---- */

static int replay_with(const char *log, const struct rmpsim_fleet_options *o, struct rmpsim_fleet_result *res,
		       struct rmpsim_diag *d)
{
	struct rmpsim_fleet f;
	memset(d, 0, sizeof(*d));
	int r = parse(log, &f, d);
	assert_int_equal(r, 0);
	r = rmpsim_fleet_run(&f, o, NULL, res, d);
	rmpsim_fleet_free(&f);
	return r;
}

static int replay(const char *log, enum rmpsim_placement pl, struct rmpsim_fleet_result *res,
		  struct rmpsim_diag *d)
{
	struct rmpsim_fleet_options o = {
		.machine = SMALL, .seed = 3, .placement = pl, .sample_ns = 60000000000ull
	};
	return replay_with(log, &o, res, d);
}

static const struct rmpsim_fleet_sample *at(const struct rmpsim_fleet_result *r, uint64_t minutes)
{
	for (size_t i = 0; i < r->nsamples; i++)
		if (r->samples[i].time_ns == minutes * 60000000000ull)
			return &r->samples[i];
	static const struct rmpsim_fleet_sample none;
	fail_msg("no sample at %llu min", (unsigned long long)minutes);
	return &none; /* not reached */
}

/*
 * By hand (A461, A463): 16 GiB RAM, the boot pass optimises every region the RMP leaves
 * free (skip0 bytes). Launching 4 GiB private clears exactly its four
 * regions; a convert to 2 GiB makes two regions shared but nothing re-runs
 * RMPOPT (v10 re-optimises after teardowns only, spec 1.5), so skip stays;
 * the teardown's pass (10 s later, within the next minute) restores skip0.
 */
static void replay_series_by_hand(void **state)
{
	(void)state;
	struct rmpsim_fleet_result r;
	struct rmpsim_diag d;
	const char *log = "0,a,launch,4G,2M,yes,any\n"
			  "0,b,launch,2G,4K,no,any\n"
			  "10min,a,convert,2G\n"
			  "20min,a,teardown\n"
			  "30min,b,teardown\n";
	assert_int_equal(replay(log, RMPSIM_PLACE_FIRST_FIT, &r, &d), 0);
	assert_int_equal(r.ncpus, 16);
	assert_int_equal(r.ram_bytes, 16 * GiB);
	assert_int_equal(r.launches, 2);
	assert_int_equal(r.converts, 1);
	assert_int_equal(r.teardowns, 2);
	assert_int_equal(r.nsamples, 32); /* 0, 1, ..., 31 min: one sample after the last event */
	const struct rmpsim_fleet_sample *s0 = at(&r, 0), *s10 = at(&r, 10), *s20 = at(&r, 20),
					 *s21 = at(&r, 21);
	uint64_t skip_end = r.samples[r.nsamples - 1].skip_bytes;
	assert_int_equal(s0->private_bytes, 4 * GiB);
	assert_int_equal(s0->regions_private, 4);
	assert_int_equal(s0->regions_needed, 4);
	assert_int_equal(s0->vms_running, 2);
	assert_int_equal(s0->skip_bytes, skip_end - 4 * GiB);
	assert_int_equal(s0->passes, 1); /* the boot pass */
	assert_int_equal(s10->private_bytes, 2 * GiB);
	assert_int_equal(s10->regions_private, 2);
	assert_int_equal(s10->skip_bytes, s0->skip_bytes); /* no pass after a convert */
	assert_int_equal(s20->private_bytes, 0);
	assert_int_equal(s20->skip_bytes, s0->skip_bytes); /* the pass is 10 s after the teardown */
	assert_int_equal(s21->passes, 1);
	assert_int_equal(s21->skip_bytes, skip_end);
	assert_true(s21->rmpopt_cpu_ns > 0);
	assert_true(s21->ipis_max > 0);
	assert_int_equal(r.passes, 2);	      /* b is not SNP: its teardown triggers nothing */
	assert_int_equal(r.pvalidates, 2048); /* A467: a's 4 GiB as 2 MB pages; b is not SNP */
	for (size_t i = 0; i < r.nsamples; i++)
		assert_true(r.samples[i].passes == 0 || i == 0 ||
			    r.samples[i].time_ns == 21 * 60000000000ull);
	uint64_t hash = r.trace_hash;
	rmpsim_fleet_result_free(&r);
	assert_int_equal(replay(log, RMPSIM_PLACE_FIRST_FIT, &r, &d), 0);
	assert_int_equal(r.trace_hash, hash); /* deterministic */
	rmpsim_fleet_result_free(&r);
}

/*
 * Guests get 12 GiB: node 0's 4-8 GiB and node 1's 8-16 GiB (the host keeps
 * the lowest 4 GiB, where the RMP is, A111). A 6 GiB VM that arrives while
 * 8 GiB are used is rejected (A464) and its teardown skipped.
 */
static void full_host_rejects_and_goes_on(void **state)
{
	(void)state;
	struct rmpsim_fleet_result r;
	struct rmpsim_diag d;
	const char *log = "0,a,launch,8G,2M,yes,any\n"
			  "1min,b,launch,6G,2M,yes,any\n"
			  "2min,b,teardown\n"
			  "3min,a,teardown\n"
			  "4min,c,launch,6G,2M,yes,any\n";
	assert_int_equal(replay(log, RMPSIM_PLACE_PACK, &r, &d), 0);
	assert_int_equal(r.launches, 2);
	assert_int_equal(r.rejected, 1);
	assert_int_equal(r.skipped, 1);
	assert_int_equal(r.rejects[0].line, 2);
	assert_string_equal(r.rejects[0].vm, "b");
	assert_int_equal(r.rejects[0].free_bytes, 4 * GiB);
	assert_int_equal(at(&r, 4)->private_bytes, 6 * GiB);
	rmpsim_fleet_result_free(&r);
}

/* A464: a VM larger than its node's or the machine's guest memory stops the replay before it runs. */
static void impossible_vms_are_input_errors(void **state)
{
	(void)state;
	struct rmpsim_fleet_result r;
	struct rmpsim_diag d;
	assert_int_equal(replay("0,a,launch,2G,2M,yes,any\n5,big,launch,14G,2M,yes,any\n",
				RMPSIM_PLACE_FIRST_FIT, &r, &d),
			 -EINVAL);
	assert_int_equal(d.line, 2);
	assert_non_null(strstr(d.msg, "can never fit"));
	assert_int_equal(replay("0,a,launch,6G,2M,yes,0\n", RMPSIM_PLACE_FIRST_FIT, &r, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "of its node"));
	assert_int_equal(replay("0,a,launch,2G,2M,yes,2\n", RMPSIM_PLACE_FIRST_FIT, &r, &d), -EINVAL);
	assert_int_equal(d.col, 22);
	assert_non_null(strstr(d.msg, "expected a NUMA node of the machine (0 to 1)"));
}

/*
 * pack keeps private memory in fewer regions (A462). Guest regions R4..R7 on
 * node 0: a takes R4, b R5, c half of R6; a leaves; d (512 MiB) then goes to
 * R4, the lowest free granules, by first fit (R4, R5, R6 hold private pages)
 * but into R6's free half by pack (R5, R6: the fewest for 2 GiB).
 */
static void pack_fragments_less_than_first_fit(void **state)
{
	(void)state;
	const char *log = "0,a,launch,1G,2M,yes,any\n"
			  "0,b,launch,1G,2M,yes,any\n"
			  "0,c,launch,512M,2M,yes,any\n"
			  "1min,a,teardown\n"
			  "2min,d,launch,512M,2M,yes,any\n";
	struct rmpsim_fleet_result ff, pk;
	struct rmpsim_diag d;
	assert_int_equal(replay(log, RMPSIM_PLACE_FIRST_FIT, &ff, &d), 0);
	assert_int_equal(replay(log, RMPSIM_PLACE_PACK, &pk, &d), 0);
	assert_int_equal(at(&ff, 2)->regions_needed, 2);
	assert_int_equal(at(&ff, 2)->regions_private, 3);
	assert_int_equal(at(&pk, 2)->regions_needed, 2);
	assert_int_equal(at(&pk, 2)->regions_private, 2);
	/* a region pack kept free is optimised after a's teardown pass: more RAM skips checks */
	assert_int_equal(at(&pk, 2)->skip_bytes, at(&ff, 2)->skip_bytes + (1ull << 30));
	assert_true(pk.frag_mean < ff.frag_mean);
	rmpsim_fleet_result_free(&ff);
	rmpsim_fleet_result_free(&pk);
}

/* A467: every page made private is validated once, at its size; none with no_pvalidate. */
static void guests_validate_what_they_get(void **state)
{
	(void)state;
	const char *log = "0,x,launch,1G,1G,yes,any\n"
			  "0,y,launch,64M,4K,yes,any\n"
			  "1min,y,convert,32M\n"
			  "2min,y,convert,64M\n"
			  "3min,x,teardown\n";
	struct rmpsim_fleet_options o = { .machine = SMALL, .seed = 3, .sample_ns = 60000000000ull };
	struct rmpsim_fleet_result r;
	struct rmpsim_diag d;
	assert_int_equal(replay_with(log, &o, &r, &d), 0);
	/* x: 512 2 MB pages; y: 16,384 4K pages, then 8,192 again after growing back */
	assert_int_equal(r.pvalidates, 512 + 16384 + 8192);
	rmpsim_fleet_result_free(&r);
	o.no_pvalidate = true;
	assert_int_equal(replay_with(log, &o, &r, &d), 0);
	assert_int_equal(r.pvalidates, 0);
	rmpsim_fleet_result_free(&r);
}

/*
 * A469: with churn 60 per hour and a sample a minute, the VM's pages split one
 * a minute while it runs (samples 0..9 min: 10), each collapsed again (the last
 * one by the teardown) and validated again as 2 MB. No optimisation is lost:
 * the regions a guest's pages live in are never optimised anyway.
 */
static void churn_splits_and_collapses(void **state)
{
	(void)state;
	const char *log = "0,a,launch,4G,2M,yes,any\n"
			  "10min,a,teardown\n";
	struct rmpsim_fleet_options o = { .machine = SMALL, .seed = 3, .sample_ns = 60000000000ull };
	struct rmpsim_fleet_result calm, churn;
	struct rmpsim_diag d;
	assert_int_equal(replay_with(log, &o, &calm, &d), 0);
	o.churn_per_hour = 60;
	assert_int_equal(replay_with(log, &o, &churn, &d), 0);
	assert_int_equal(calm.splits, 0);
	assert_int_equal(churn.splits, 10);
	assert_int_equal(churn.collapses, 10);
	assert_int_equal(churn.pvalidates, calm.pvalidates + 10);
	assert_int_equal(churn.nsamples, calm.nsamples);
	for (size_t i = 0; i < calm.nsamples; i++) {
		assert_int_equal(churn.samples[i].skip_bytes, calm.samples[i].skip_bytes);
		assert_int_equal(churn.samples[i].private_bytes, calm.samples[i].private_bytes);
	}
	rmpsim_fleet_result_free(&calm);
	rmpsim_fleet_result_free(&churn);
}

/* ---- Goldens by hand (tests/scenario/README.md "fleet-small" and "churn") ---- */

#define NREG  17 /* regions 0-16 of SMALL; 3 the hole, 4 the RMP's */
#define SZ_2M (2ull << 20)
#define SZ_4K 4096ull

/* What the test expects the machine to hold at each sample. */
struct state_check {
	unsigned samples;
	bool failed;
	char why[256];
};

static void fail_state(struct state_check *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_state(struct state_check *k, const char *fmt, ...)
{
	va_list ap;
	if (k->failed)
		return;
	k->failed = true;
	va_start(ap, fmt);
	vsnprintf(k->why, sizeof(k->why), fmt, ap);
	va_end(ap);
}

static struct rmpsim_rmp_entry entry_at(struct rmpsim_machine *m, uint64_t spa)
{
	struct rmpsim_raw_entry raw = { 0 };
	struct rmpsim_rmp_entry e;
	rmpsim_machine_read_entry(m, spa, &raw);
	rmpsim_entry_decode(&raw, &e);
	return e;
}

/* [spa, spa + bytes) as one guest's private pages of size page, GPA from gpa0, or all shared (asid 0). */
static void expect_pages(struct state_check *k, struct rmpsim_machine *m, uint64_t spa, uint64_t bytes,
			 uint64_t page, unsigned asid, uint64_t gpa0)
{
	for (uint64_t off = 0; off < bytes; off += page) {
		struct rmpsim_rmp_entry e = entry_at(m, spa + off);
		bool ok = asid ? e.assigned && e.validated && e.asid == asid && e.gpa == gpa0 + off &&
					  e.pagesize == (page == SZ_2M ? RMPSIM_PAGE_2M : RMPSIM_PAGE_4K)
			       : !e.assigned && !e.validated;
		if (!ok) {
			fail_state(
				k,
				"sample %u: SPA 0x%llx: assigned %d validated %d asid %u gpa 0x%llx size %u, "
				"expected asid %u",
				k->samples, (unsigned long long)(spa + off), e.assigned, e.validated, e.asid,
				(unsigned long long)e.gpa, e.pagesize, asid);
			return;
		}
	}
}

/* Every core: the regions in `clear` (a bit mask) not optimised, every other region optimised. */
static void expect_bits(struct state_check *k, struct rmpsim_machine *m, uint32_t clear)
{
	unsigned ncores = rmpsim_topology_ncores(rmpsim_machine_topology(m));
	for (unsigned core = 0; core < ncores; core++) {
		for (unsigned r = 0; r < NREG; r++) {
			bool want = !(clear >> r & 1);
			if (rmpsim_machine_region_optimized(m, core, r) != want) {
				fail_state(k, "sample %u: core %u region %u: optimised %d, expected %d",
					   k->samples, core, r, !want, want);
				return;
			}
		}
	}
}

#define R(n) (1u << (n))

/* fleet-small.csv, sample by sample (README "fleet-small"). */
static void on_small_sample(void *ctx, struct rmpsim_machine *m, const struct rmpsim_fleet_sample *s)
{
	struct state_check *k = ctx;
	unsigned t = k->samples;
	if (s->time_ns != t * 60000000000ull)
		fail_state(k, "sample %u at %llu ns", t, (unsigned long long)s->time_ns);
	/* RMPOPT bits: region 4 never; the guests' regions from their launch to the pass after them */
	static const uint32_t clear[10] = {
		R(4) | R(5) | R(6) | R(10),
		R(4) | R(5) | R(6) | R(7) | R(10),
		R(4) | R(5) | R(6) | R(7) | R(10),
		R(4) | R(5) | R(6) | R(7) | R(10),
		R(4) | R(5) | R(6) | R(7) | R(10),
		R(4) | R(5) | R(6) | R(7) | R(10),
		R(4) | R(7) | R(10),
		R(4) | R(10),
		R(4),
		R(4),
	};
	if (t < 10)
		expect_bits(k, m, clear[t]);
	/* RMP entries: a (ASID 1) in 5-6 until 3 min, 5 until 5 min; c (3) in 7 from 30 s to 6 min;
	 * d (2) in region 10's first 64 MiB until 7 min; b never private */
	uint64_t a_bytes = t < 3 ? 2 * GiB : t < 5 ? GiB : 0;
	expect_pages(k, m, 5 * GiB, a_bytes, SZ_2M, 1, 0);
	expect_pages(k, m, 5 * GiB + a_bytes, 2 * GiB - a_bytes, SZ_2M, 0, 0);
	expect_pages(k, m, 7 * GiB, GiB, SZ_2M, t >= 1 && t < 6 ? 3 : 0, 0);
	expect_pages(k, m, 9 * GiB, GiB, SZ_2M, 0, 0);
	expect_pages(k, m, 10 * GiB, 64 * MiB, SZ_4K, t < 7 ? 2 : 0, 0);
	k->samples++;
}

/* A fleet replay, PVALIDATE at launch and the RMPOPT bits, all by hand. */
static void fleet_small_by_hand(void **state)
{
	(void)state;
	struct rmpsim_fleet f;
	struct rmpsim_diag d = { 0 };
	struct state_check k = { 0 };
	assert_int_equal(rmpsim_fleet_parse_file(SOURCE_ROOT "/tests/scenario/fleet-small.csv", NULL, &f, &d),
			 0);
	struct rmpsim_fleet_options o = { .machine = SMALL,
					  .seed = 1,
					  .sample_ns = 60000000000ull,
					  .on_sample = on_small_sample,
					  .on_sample_ctx = &k };
	struct rmpsim_fleet_result r;
	assert_int_equal(rmpsim_fleet_run(&f, &o, NULL, &r, &d), 0);
	rmpsim_fleet_free(&f);
	if (k.failed)
		fail_msg("%s", k.why);
	assert_int_equal(k.samples, 10);
	assert_int_equal(r.nsamples, 10);
	static const struct {
		unsigned vms, regions;
		uint64_t private_mib, skip_gib, passes;
	} want[10] = {
		{ 3, 3, 2048 + 64, 12, 1 }, { 4, 4, 3072 + 64, 11, 0 }, { 4, 4, 3072 + 64, 11, 0 },
		{ 4, 3, 2048 + 64, 11, 0 }, { 4, 3, 2048 + 64, 11, 0 }, { 3, 2, 1024 + 64, 11, 0 },
		{ 2, 1, 64, 13, 1 },	    { 1, 0, 0, 14, 1 },		{ 0, 0, 0, 15, 1 },
		{ 0, 0, 0, 15, 0 },
	};
	for (unsigned i = 0; i < 10; i++) {
		const struct rmpsim_fleet_sample *s = &r.samples[i];
		if (s->vms_running != want[i].vms || s->regions_private != want[i].regions ||
		    s->regions_needed != want[i].regions || s->private_bytes != want[i].private_mib * MiB ||
		    s->skip_bytes != want[i].skip_gib * GiB || s->passes != want[i].passes)
			fail_msg("sample %u: vms %u regions %u/%u private %llu skip %llu passes %llu", i,
				 s->vms_running, s->regions_private, s->regions_needed,
				 (unsigned long long)s->private_bytes, (unsigned long long)s->skip_bytes,
				 (unsigned long long)s->passes);
		assert_true(s->skip_share == (double)want[i].skip_gib / 16.0);
	}
	assert_int_equal(r.ram_bytes, 16 * GiB);
	assert_int_equal(r.launches, 4);
	assert_int_equal(r.converts, 1);
	assert_int_equal(r.teardowns, 4);
	assert_int_equal(r.rejected, 0);
	assert_int_equal(r.passes, 4);
	assert_int_equal(r.pvalidates, 1024 + 16384 + 512);
	assert_true(r.skip_share_mean > 0.775 - 1e-12 && r.skip_share_mean < 0.775 + 1e-12);
	assert_true(r.frag_mean == 1.0);
	rmpsim_fleet_result_free(&r);
}

/* At samples 1-4: region 5 holds 511 2 MB entries and one split page of 512 4 KB ones. */
static void on_churn_sample(void *ctx, struct rmpsim_machine *m, const struct rmpsim_fleet_sample *s)
{
	struct state_check *k = ctx;
	unsigned t = k->samples, big = 0, small = 0;
	(void)s;
	for (uint64_t off = 0; t <= 4 && off < GiB;) {
		struct rmpsim_rmp_entry e = entry_at(m, 5 * GiB + off);
		if (!e.assigned || !e.validated || e.asid != 1 || e.gpa != off) {
			fail_state(k, "sample %u: offset 0x%llx: assigned %d validated %d asid %u gpa 0x%llx",
				   t, (unsigned long long)off, e.assigned, e.validated, e.asid,
				   (unsigned long long)e.gpa);
			break;
		}
		if (e.pagesize == RMPSIM_PAGE_2M) {
			big++;
			off += SZ_2M;
		} else {
			small++;
			off += SZ_4K;
		}
	}
	if (t >= 1 && t <= 4 && (big != 511 || small != 512))
		fail_state(k, "sample %u: %u 2 MB and %u 4 KB entries, expected 511 and 512", t, big, small);
	if (t == 0 && (big != 512 || small != 0))
		fail_state(k, "sample 0: %u 2 MB and %u 4 KB entries, expected 512 and 0", big, small);
	/* churn clears no other region: 4 never, 5 while a runs (until the 5:10 pass) */
	expect_bits(k, m, t <= 5 ? R(4) | R(5) : R(4));
	k->samples++;
}

static void churn_by_hand(void **state)
{
	(void)state;
	struct state_check k = { 0 };
	struct rmpsim_fleet_options o = { .machine = SMALL,
					  .seed = 3,
					  .sample_ns = 60000000000ull,
					  .churn_per_hour = 60,
					  .on_sample = on_churn_sample,
					  .on_sample_ctx = &k };
	struct rmpsim_fleet_result r;
	struct rmpsim_diag d;
	assert_int_equal(replay_with("0,a,launch,1G,2M,yes,any\n5min,a,teardown\n", &o, &r, &d), 0);
	if (k.failed)
		fail_msg("%s", k.why);
	assert_int_equal(k.samples, 7); /* 0 .. 6 min */
	assert_int_equal(r.splits, 5);
	assert_int_equal(r.collapses, 5);
	assert_int_equal(r.pvalidates, 512 + 5);
	rmpsim_fleet_result_free(&r);
}

/* A464: 1,023 SNP ASIDs; the 1,024th SNP VM running at once is rejected though memory is free. */
static void asids_run_out(void **state)
{
	(void)state;
	size_t cap = 1100 * 40, n = 0;
	char *log = malloc(cap);
	assert_non_null(log);
	for (unsigned i = 0; i < 1024; i++)
		n += (size_t)snprintf(log + n, cap - n, "0,v%u,launch,2M,2M,yes,any\n", i);
	n += (size_t)snprintf(log + n, cap - n, "1min,v0,teardown\n2min,w,launch,2M,2M,yes,any\n");
	struct rmpsim_fleet_result r;
	struct rmpsim_diag d;
	assert_int_equal(replay(log, RMPSIM_PLACE_FIRST_FIT, &r, &d), 0);
	assert_int_equal(r.rejected, 1);
	assert_string_equal(r.rejects[0].vm, "v1023");
	assert_true(r.rejects[0].no_asid);
	assert_int_equal(r.launches, 1024); /* w got v0's ASID back */
	rmpsim_fleet_result_free(&r);
	free(log);
}

/* ---- Generator ---- */

static char *generate(const struct rmpsim_fleet_gen *g, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	assert_non_null(f);
	assert_int_equal(rmpsim_fleet_generate(g, f, NULL, NULL), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* A466: gen-fleet's defaults, seeded; what it writes parses back. */
static void generator_is_seeded_and_parses(void **state)
{
	(void)state;
	struct rmpsim_fleet_gen g;
	size_t n1, n2, n3;
	rmpsim_fleet_gen_default(&g);
	char *a = generate(&g, &n1), *b = generate(&g, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(a, b, n1);
	g.seed = 2;
	char *c = generate(&g, &n3);
	assert_true(n3 != n1 || memcmp(a, c, n1));
	struct rmpsim_fleet f;
	struct rmpsim_diag d = { 0 };
	assert_int_equal(rmpsim_fleet_parse_string(a, n1, "gen.csv", NULL, &f, &d), 0);
	assert_int_equal(f.nvms, 1000);
	unsigned snp = 0, launches = 0, teardowns = 0, b4k = 0;
	uint64_t life_sum = 0;
	uint64_t *launch_at = calloc(f.nvms, sizeof(*launch_at));
	for (size_t i = 0; i < f.nevents; i++) {
		const struct rmpsim_fleet_event *e = &f.events[i];
		if (e->action == RMPSIM_FLEET_LAUNCH) {
			launches++;
			launch_at[e->vm] = e->time_ns;
			assert_true(e->time_ns < 24ull * 3600 * 1000000000ull);
		} else if (e->action == RMPSIM_FLEET_TEARDOWN) {
			teardowns++;
			life_sum += e->time_ns - launch_at[e->vm];
		}
	}
	for (size_t i = 0; i < f.nvms; i++) {
		snp += f.vms[i].snp;
		b4k += f.vms[i].backing == RMPSIM_BACKING_4K;
	}
	assert_int_equal(launches, 1000);
	/* 60 % SNP and 20 % 4K of 1,000: binomial sd ~15.5 and ~12.6; 4 sd */
	assert_in_range(snp, 538, 662);
	assert_in_range(b4k, 150, 250);
	/* exponential lives of mean 2 h, cut at the end of the day: most end inside it */
	assert_in_range(teardowns, 850, 990);
	double mean_h = (double)life_sum / teardowns / 3.6e12;
	assert_true(mean_h > 1.6 && mean_h < 2.2);
	free(launch_at);
	rmpsim_fleet_free(&f);
	free(a);
	free(b);
	free(c);
	g.backing_percent[0] = 50; /* sums to 130 */
	assert_int_equal(rmpsim_fleet_generate(&g, stdout, NULL, &d), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_log_parses),
		cmocka_unit_test(bad_rows_name_file_line_col),
		cmocka_unit_test(nul_byte_is_refused),
		cmocka_unit_test(placements_choose_as_documented),
		cmocka_unit_test(refusals_take_nothing),
		cmocka_unit_test(replay_series_by_hand),
		cmocka_unit_test(full_host_rejects_and_goes_on),
		cmocka_unit_test(impossible_vms_are_input_errors),
		cmocka_unit_test(pack_fragments_less_than_first_fit),
		cmocka_unit_test(guests_validate_what_they_get),
		cmocka_unit_test(churn_splits_and_collapses),
		cmocka_unit_test(fleet_small_by_hand),
		cmocka_unit_test(churn_by_hand),
		cmocka_unit_test(asids_run_out),
		cmocka_unit_test(generator_is_seeded_and_parses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
