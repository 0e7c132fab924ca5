/* SPDX-License-Identifier: MIT */
/*
 * Entry formats (spec 2.2 raw, spec 2.4 RMPREAD). The oracle is the spec's
 * bit table, written out here as literal constants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/rmp.h>

#include "base/rng.h"

static struct rmpsim_raw_entry enc(const struct rmpsim_rmp_entry *e)
{
	struct rmpsim_raw_entry r;

	rmpsim_entry_encode(e, &r);
	return r;
}

static struct rmpsim_rmp_entry dec(uint64_t lo, uint64_t hi)
{
	struct rmpsim_raw_entry r = { lo, hi };
	struct rmpsim_rmp_entry e;

	rmpsim_entry_decode(&r, &e);
	return e;
}

#define EXPECT_RAW(e, LO, HI)                                                                                \
	do {                                                                                                 \
		struct rmpsim_raw_entry r_ = enc(&(e));                                                      \
		assert_int_equal(r_.lo, (LO));                                                               \
		assert_int_equal(r_.hi, (HI));                                                               \
	} while (0)

/* covers: spec 2.2 -- each lo field at its maximum lands in exactly its bits. */
static void lo_fields_at_max(void **state)
{
	(void)state;
	struct rmpsim_rmp_entry e;

	memset(&e, 0, sizeof(e));
	e.assigned = true;
	EXPECT_RAW(e, 0x1ull, 0);
	memset(&e, 0, sizeof(e));
	e.pagesize = 1;
	EXPECT_RAW(e, 0x2ull, 0);
	memset(&e, 0, sizeof(e));
	e.immutable = true;
	EXPECT_RAW(e, 0x4ull, 0);
	memset(&e, 0, sizeof(e));
	e.subpage_count = 0x1ff;
	EXPECT_RAW(e, 0xff8ull, 0);
	memset(&e, 0, sizeof(e));
	e.gpa = ((1ull << 39) - 1) << 12; /* 39-bit field, bits 12-50 */
	EXPECT_RAW(e, 0x0007fffffffff000ull, 0);
	memset(&e, 0, sizeof(e));
	e.asid = 0x3ff;
	EXPECT_RAW(e, 0x1ff8000000000000ull, 0);
	memset(&e, 0, sizeof(e));
	e.vmsa = true;
	EXPECT_RAW(e, 1ull << 61, 0);
	memset(&e, 0, sizeof(e));
	e.validated = true;
	EXPECT_RAW(e, 1ull << 62, 0);
	memset(&e, 0, sizeof(e));
	e.lock = true;
	EXPECT_RAW(e, 1ull << 63, 0);
}

/* covers: spec 2.2 -- hi: VMPL bytes 0-3, bit 32, bits 49-53, 54-61, 62-63. */
static void hi_fields_at_max(void **state)
{
	(void)state;
	struct rmpsim_rmp_entry e;

	for (unsigned v = 0; v < 4; v++) {
		memset(&e, 0, sizeof(e));
		e.vmpl_perms[v] = 0xff;
		EXPECT_RAW(e, 0, 0xffull << (8 * v));
	}
	memset(&e, 0, sizeof(e));
	e.vmpl_perms[1] = 0x1f; /* RMPSIM_PERM_ALL at VMPL1 */
	assert_int_equal(RMPSIM_PERM_ALL, 0x1f);
	EXPECT_RAW(e, 0, 0x1f00ull);
	memset(&e, 0, sizeof(e));
	e.implicit_key_select = true;
	EXPECT_RAW(e, 0, 1ull << 32);
	memset(&e, 0, sizeof(e));
	e.root_port_id = 0x1f;
	EXPECT_RAW(e, 0, 0x003e000000000000ull);
	memset(&e, 0, sizeof(e));
	e.pcie_ide_stream_id = 0xff;
	EXPECT_RAW(e, 0, 0x3fc0000000000000ull);
	memset(&e, 0, sizeof(e));
	e.page_migration = 3;
	EXPECT_RAW(e, 0, 0xc000000000000000ull);
	memset(&e, 0, sizeof(e));
	e.hi_reserved = ~0ull; /* only bits 33-48 are reserved */
	EXPECT_RAW(e, 0, 0x0001fffe00000000ull);
}

/* covers: spec 2.2 -- values too wide for a field never touch its neighbours. */
static void overflow_is_masked(void **state)
{
	(void)state;
	struct rmpsim_rmp_entry e;

	memset(&e, 0, sizeof(e));
	e.subpage_count = 0x200;
	e.asid = 0x400;
	e.pagesize = 2;
	e.root_port_id = 0x20;
	e.page_migration = 4;
	e.gpa = 0xfff | (1ull << 51); /* low 12 bits and bit 51 are outside the field */
	EXPECT_RAW(e, 0, 0);
	memset(&e, 0, sizeof(e));
	e.gpa = 0x123456789000ull;
	e.asid = 5;
	EXPECT_RAW(e, (0x123456789ull << 12) | (5ull << 51), 0);
}

/* covers: spec 2.2 -- all ones decodes to every field at its maximum. */
static void all_ones_decodes(void **state)
{
	(void)state;
	struct rmpsim_rmp_entry e = dec(~0ull, ~0ull);

	assert_true(e.assigned && e.immutable && e.vmsa && e.validated && e.lock && e.implicit_key_select);
	assert_int_equal(e.pagesize, 1);
	assert_int_equal(e.subpage_count, 0x1ff);
	assert_int_equal(e.gpa, 0x0007fffffffff000ull);
	assert_int_equal(e.asid, 0x3ff);
	for (unsigned v = 0; v < 4; v++)
		assert_int_equal(e.vmpl_perms[v], 0xff);
	assert_int_equal(e.root_port_id, 0x1f);
	assert_int_equal(e.pcie_ide_stream_id, 0xff);
	assert_int_equal(e.page_migration, 3);
	assert_int_equal(e.hi_reserved, 0x0001fffe00000000ull);
	struct rmpsim_raw_entry r = enc(&e);
	assert_int_equal(r.lo, ~0ull);
	assert_int_equal(r.hi, ~0ull);
}

/* Each single bit decodes into one field only and encodes back to itself. */
static void single_bits_round_trip(void **state)
{
	(void)state;
	for (unsigned b = 0; b < 128; b++) {
		uint64_t lo = b < 64 ? 1ull << b : 0, hi = b >= 64 ? 1ull << (b - 64) : 0;
		struct rmpsim_rmp_entry e = dec(lo, hi), z;
		memset(&z, 0, sizeof(z));
		assert_memory_not_equal(&e, &z, sizeof(e));
		struct rmpsim_raw_entry r = enc(&e);
		assert_int_equal(r.lo, lo);
		assert_int_equal(r.hi, hi);
	}
	/* Field boundaries of lo: bit 11 is subpage, 12 gpa, 50 gpa, 51 asid. */
	assert_int_equal(dec(1ull << 11, 0).subpage_count, 0x100);
	assert_int_equal(dec(1ull << 12, 0).gpa, 0x1000);
	assert_int_equal(dec(1ull << 50, 0).gpa, 1ull << 50);
	assert_int_equal(dec(1ull << 51, 0).asid, 1);
	assert_int_equal(dec(1ull << 60, 0).asid, 0x200);
	assert_int_equal(dec(0, 1ull << 48).hi_reserved, 1ull << 48);
	assert_int_equal(dec(0, 1ull << 49).root_port_id, 1);
	assert_int_equal(dec(0, 1ull << 53).root_port_id, 0x10);
	assert_int_equal(dec(0, 1ull << 54).pcie_ide_stream_id, 1);
	assert_int_equal(dec(0, 1ull << 61).pcie_ide_stream_id, 0x80);
	assert_int_equal(dec(0, 1ull << 62).page_migration, 1);
}

/* encode(decode(x)) == x for random 128-bit x (rmp.h). */
static void random_round_trip(void **state)
{
	(void)state;
	struct rmpsim_rng rng;

	rmpsim__rng_seed(&rng, 42);
	for (int i = 0; i < 200000; i++) {
		uint64_t lo = rmpsim__rng_next(&rng), hi = rmpsim__rng_next(&rng);
		struct rmpsim_rmp_entry e = dec(lo, hi);
		struct rmpsim_raw_entry r = enc(&e);
		assert_int_equal(r.lo, lo);
		assert_int_equal(r.hi, hi);
	}
}

/* covers: spec 2.4 -- the Linux struct rmpentry byte layout. */
static void rmpread_layout(void **state)
{
	(void)state;
	struct rmpsim_rmpread_entry e = { 0 };
	uint8_t b[16];
	const uint8_t want[16] = { 0x00, 0x30, 0x22, 0x11, 0, 0, 0, 0x80, 1, 3, 1, 0, 0x34, 0x12, 0, 0 };

	e.gpa = 0x8000000011223000ull;
	e.assigned = true;
	e.pagesize = 1;
	e.hpage_region_status = true;
	e.immutable = true;
	e.asid = 0x1234;
	rmpsim_rmpread_encode(&e, b);
	assert_memory_equal(b, want, 16);
	struct rmpsim_rmpread_entry d;
	rmpsim_rmpread_decode(b, &d);
	assert_memory_equal(&d, &e, sizeof(d));

	/* Each flag alone, at its own bit. */
	memset(&e, 0, sizeof(e));
	e.hpage_region_status = true;
	rmpsim_rmpread_encode(&e, b);
	assert_int_equal(b[9], 2);
	assert_int_equal(b[8] | b[10] | b[11], 0);
	memset(&e, 0, sizeof(e));
	e.asid = 0xffffffffu;
	rmpsim_rmpread_encode(&e, b);
	assert_int_equal(b[12] & b[13] & b[14] & b[15], 0xff);
	assert_int_equal(b[11], 0);
}

/* covers: spec 2.4 -- reserved bits of the output are ignored by decode. */
static void rmpread_ignores_reserved(void **state)
{
	(void)state;
	uint8_t b[16];
	struct rmpsim_rmpread_entry d;

	memset(b, 0xff, sizeof(b));
	rmpsim_rmpread_decode(b, &d);
	assert_int_equal(d.gpa, ~0ull);
	assert_true(d.assigned && d.hpage_region_status && d.immutable);
	assert_int_equal(d.pagesize, 1);
	assert_int_equal(d.asid, 0xffffffffu);
	uint8_t again[16];
	rmpsim_rmpread_encode(&d, again);
	assert_int_equal(again[8], 1);
	assert_int_equal(again[9], 3);
	assert_int_equal(again[10], 1);
	assert_int_equal(again[11], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lo_fields_at_max),	  cmocka_unit_test(hi_fields_at_max),
		cmocka_unit_test(overflow_is_masked),	  cmocka_unit_test(all_ones_decodes),
		cmocka_unit_test(single_bits_round_trip), cmocka_unit_test(random_round_trip),
		cmocka_unit_test(rmpread_layout),	  cmocka_unit_test(rmpread_ignores_reserved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
