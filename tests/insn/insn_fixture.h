/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the insn tests: a small contiguous RMP (spec 2.1) that
 * covers FIX_COVER bytes, on either backend, and helpers that build entries
 * by hand (the tests' oracle is the spec's field layout, not the code).
 */
#ifndef RMPSIM_TEST_INSN_FIXTURE_H
#define RMPSIM_TEST_INSN_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/insn.h>
#include <rmpsim/rmp.h>

/* RMP of 1 MiB at 64 MiB: 16 KiB bookkeeping + 64512 entries = 252 MiB covered (spec 2.1). */
#define FIX_RMP_BASE (64ull << 20)
#define FIX_RMP_SIZE (1ull << 20)
#define FIX_RAM_END  (128ull << 20)
#define FIX_COVER    (((FIX_RMP_SIZE - RMPSIM_RMP_BOOKKEEPING_SIZE) / 16) * RMPSIM_SZ_4K)

#define SZ_4K RMPSIM_SZ_4K
#define SZ_2M RMPSIM_SZ_2M
#define SZ_1G RMPSIM_SZ_1G

static inline struct rmpsim_rmp *fix_table_alloc(enum rmpsim_rmp_backend backend,
						 const struct rmpsim_allocator *a)
{
	struct rmpsim_rmp_layout *l = NULL;
	struct rmpsim_rmp *rmp = NULL;
	struct rmpsim_diag d;

	memset(&d, 0, sizeof(d));
	assert_int_equal(rmpsim_layout_contiguous(a, FIX_RMP_BASE, FIX_RMP_BASE + FIX_RMP_SIZE - 1,
						  FIX_RAM_END, &d, &l),
			 0);
	assert_int_equal(rmpsim_rmp_create(a, l, backend, &rmp), 0);
	rmpsim_layout_destroy(l);
	return rmp;
}

static inline struct rmpsim_rmp *fix_table(enum rmpsim_rmp_backend backend)
{
	return fix_table_alloc(backend, NULL);
}

/* A RMPUPDATE input (spec 3.1). */
static inline struct rmpsim_rmp_state fix_state(uint8_t assigned, uint8_t pagesize, uint64_t gpa,
						uint32_t asid)
{
	struct rmpsim_rmp_state s;

	memset(&s, 0, sizeof(s));
	s.assigned = assigned;
	s.pagesize = pagesize;
	s.gpa = gpa;
	s.asid = asid;
	return s;
}

static inline struct rmpsim_rmp_entry fix_get(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	struct rmpsim_raw_entry raw;
	struct rmpsim_rmp_entry e;

	assert_int_equal(rmpsim_rmp_get(rmp, spa, &raw), 0);
	rmpsim_entry_decode(&raw, &e);
	return e;
}

static inline struct rmpsim_raw_entry fix_raw(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	struct rmpsim_raw_entry raw;

	assert_int_equal(rmpsim_rmp_get(rmp, spa, &raw), 0);
	return raw;
}

/* Write a raw entry from hand-set lo/hi words (spec 2.2 bit positions). */
static inline void fix_set_raw(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t lo, uint64_t hi)
{
	struct rmpsim_raw_entry raw = { lo, hi };

	assert_int_equal(rmpsim_rmp_set(rmp, spa, &raw), 0);
}

/* spec 2.2 lo-word bits, written out independently of the encoder. */
#define LO_ASSIGNED	  (1ull << 0)
#define LO_2M		  (1ull << 1)
#define LO_IMMUTABLE	  (1ull << 2)
#define LO_GPA(g)	  (((uint64_t)(g) >> 12) << 12)
#define LO_ASID(a)	  ((uint64_t)(a) << 51)
#define LO_VMSA		  (1ull << 61)
#define LO_VALIDATED	  (1ull << 62)
#define LO_LOCK		  (1ull << 63)
#define LO_SUBPAGE_MASK	  (0x1ffull << 3)
#define HI_VMPL(v, perms) ((uint64_t)(perms) << (8 * (v)))

/*
 * The instructions through the outcome API (insn.h) for tests that check the
 * architectural code: each asserts that the library ran the instruction
 * (returned 0, no fault) and returns the code in RAX; *ret_change and the
 * other out-parameters (may be NULL) get the outcome's fields.
 */
static inline int fix_rmpupdate(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
				struct rmpsim_rmp_change *ret_change)
{
	struct rmpsim_insn_out o;

	assert_int_equal(rmpsim_insn_rmpupdate(rmp, spa, in, &o), 0);
	assert_int_equal(o.fault, RMPSIM_FAULT_NONE); /* RMPUPDATE never faults */
	assert_int_equal(o.done, o.rax == RMPSIM_RMPUPDATE_OK);
	if (ret_change)
		*ret_change = o.change;
	return (int)o.rax;
}

static inline int fix_rmpupdate_range(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
				      const struct rmpsim_rmp_state *in, bool gpa_step, uint64_t *ret_done,
				      struct rmpsim_rmp_change *ret_change)
{
	struct rmpsim_insn_out o;

	assert_int_equal(rmpsim_insn_rmpupdate_range(rmp, spa, npages, in, gpa_step, &o), 0);
	assert_int_equal(o.fault, RMPSIM_FAULT_NONE);
	if (ret_done)
		*ret_done = o.done;
	if (ret_change)
		*ret_change = o.change;
	return (int)o.rax;
}

static inline int fix_psmash(struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_rmp_change *ret_change)
{
	struct rmpsim_insn_out o;

	assert_int_equal(rmpsim_insn_psmash(rmp, spa, &o), 0);
	assert_int_equal(o.fault, RMPSIM_FAULT_NONE);
	if (ret_change)
		*ret_change = o.change;
	return (int)o.rax;
}

/* RMPREAD: *ret = the entry (zero unless OK). */
static inline int fix_rmpread(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_rmpread_entry *ret)
{
	struct rmpsim_insn_out o;

	assert_int_equal(rmpsim_insn_rmpread(rmp, spa, &o), 0);
	assert_int_equal(o.fault, RMPSIM_FAULT_NONE);
	*ret = o.rmpread;
	return (int)o.rax;
}

static inline int fix_update(struct rmpsim_rmp *rmp, uint64_t spa, uint8_t assigned, uint8_t pagesize,
			     uint64_t gpa, uint32_t asid)
{
	struct rmpsim_rmp_state s = fix_state(assigned, pagesize, gpa, asid);

	return fix_rmpupdate(rmp, spa, &s, NULL);
}

#endif
