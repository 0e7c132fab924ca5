/* SPDX-License-Identifier: MIT */
/*
 * The differential engine shared by test_differential and fuzz/insn: random
 * instruction sequences (every instruction, operands including misaligned and
 * uncovered ones) run on a SPARSE and a DENSE table, which must agree on
 * return codes, faults, change records, entries and summaries. RMPUPDATE
 * ranges run as one rmpsim_insn_rmpupdate_range on one table and as the
 * sequence of single RMPUPDATEs on the other (or as a range on both), which
 * checks that a range is exactly its sequence.
 *
 * Operands come from a source function so that the fuzzer can feed bytes.
 * No cmocka here: a mismatch is reported as text.
 */
#ifndef RMPSIM_TEST_INSN_DIFF_ENGINE_H
#define RMPSIM_TEST_INSN_DIFF_ENGINE_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rmpsim/insn.h>
#include <rmpsim/rmp.h>

/* A value in [0, n), n > 0. */
typedef uint64_t (*diff_src_fn)(void *ctx, uint64_t n);

#define DIFF_NHOT 8

struct diff_pair {
	struct rmpsim_rmp *t[2]; /* [0] SPARSE, [1] DENSE */
	uint64_t cover;		 /* one past the last covered SPA */
	uint64_t hot[DIFF_NHOT]; /* 2 MB regions the operands cluster in */
	char err[512];
	uint64_t steps;
	/* What the sequence exercised, so tests can check the generator reaches the success paths. */
	uint64_t n_update_ok, n_update_fail[5], n_range_pages, n_psmash_ok, n_pvalidate_ok, n_rmpadjust_ok,
		n_guest_fault, n_hv_fault;
};

static inline void diff_init(struct diff_pair *p, struct rmpsim_rmp *sparse, struct rmpsim_rmp *dense,
			     uint64_t cover)
{
	memset(p, 0, sizeof(*p));
	p->t[0] = sparse;
	p->t[1] = dense;
	p->cover = cover;
	/* Regions at both ends of the coverage, in the middle, sharing a 1 GB
	 * region, and one beyond the coverage. */
	const uint64_t r2 = RMPSIM_SZ_2M;
	uint64_t hot[DIFF_NHOT] = { 0, r2, 2 * r2, 17 * r2, 40 * r2, cover - 2 * r2, cover - r2, cover };
	memcpy(p->hot, hot, sizeof(hot));
}

/*
 * RMPUPDATE / PSMASH / RMPREAD through the outcome API: the library's error
 * (< 0) or the code in RAX, with the outcome's fields in the out-parameters.
 */
static inline int diff_rmpupdate(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *in,
				 struct rmpsim_rmp_change *ret_change)
{
	struct rmpsim_insn_out o = { 0 };
	int err = rmpsim_insn_rmpupdate(rmp, spa, in, &o);
	*ret_change = o.change;
	return err < 0 ? err : (int)o.rax;
}

static inline int diff_rmpupdate_range(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
				       const struct rmpsim_rmp_state *in, bool gpa_step, uint64_t *ret_done,
				       struct rmpsim_rmp_change *ret_change)
{
	struct rmpsim_insn_out o = { 0 };
	int err = rmpsim_insn_rmpupdate_range(rmp, spa, npages, in, gpa_step, &o);
	*ret_done = o.done;
	*ret_change = o.change;
	return err < 0 ? err : (int)o.rax;
}

static inline int diff_psmash(struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_rmp_change *ret_change)
{
	struct rmpsim_insn_out o = { 0 };
	int err = rmpsim_insn_psmash(rmp, spa, &o);
	*ret_change = o.change;
	return err < 0 ? err : (int)o.rax;
}

static inline int diff_rmpread(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_rmpread_entry *ret)
{
	struct rmpsim_insn_out o = { 0 };
	int err = rmpsim_insn_rmpread(rmp, spa, &o);
	if (err == 0 && o.rax == RMPSIM_RMPREAD_OK)
		*ret = o.rmpread;
	return err < 0 ? err : (int)o.rax;
}

static inline int diff_fail(struct diff_pair *p, const char *what, uint64_t a, uint64_t b)
{
	snprintf(p->err, sizeof(p->err), "step %" PRIu64 ": %s: sparse 0x%" PRIx64 " dense 0x%" PRIx64,
		 p->steps, what, a, b);
	return 1;
}

#define DIFF_EQ(p, what, a, b)                                                                               \
	do {                                                                                                 \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                             \
		if (a_ != b_)                                                                                \
			return diff_fail((p), (what), a_, b_);                                               \
	} while (0)

static inline int diff_cmp_change(struct diff_pair *p, const struct rmpsim_rmp_change *a,
				  const struct rmpsim_rmp_change *b)
{
	DIFF_EQ(p, "change.changed", a->changed, b->changed);
	DIFF_EQ(p, "change.assigned", a->assigned, b->assigned);
	DIFF_EQ(p, "change.spa", a->spa, b->spa);
	DIFF_EQ(p, "change.bytes", a->bytes, b->bytes);
	return 0;
}

/*
 * Whether tables a and b differ on the entries [spa, spa + n pages) that are
 * covered or on the summaries of their regions (at the first page and each
 * 2 MB boundary): 0 when they agree, else 1 with the first difference in
 * *what, *va (a's) and *vb (b's). Shared by diff_cmp_entries and
 * test_rmpupdate_fused.c.
 */
static inline int diff_tables_differ(struct rmpsim_rmp *a, struct rmpsim_rmp *b, uint64_t spa, uint64_t n,
				     const char **what, uint64_t *va, uint64_t *vb)
{
#define DIFF_TABLES_EQ(name, x, y)                                                                           \
	do {                                                                                                 \
		*va = (uint64_t)(x);                                                                         \
		*vb = (uint64_t)(y);                                                                         \
		if (*va != *vb) {                                                                            \
			*what = (name);                                                                      \
			return 1;                                                                            \
		}                                                                                            \
	} while (0)
	for (uint64_t i = 0; i < n; i++) {
		uint64_t x = spa + i * RMPSIM_SZ_4K;
		struct rmpsim_raw_entry ea, eb;
		int ra = rmpsim_rmp_get(a, x, &ea), rb = rmpsim_rmp_get(b, x, &eb);
		DIFF_TABLES_EQ("get rc", ra, rb);
		if (ra < 0)
			continue;
		DIFF_TABLES_EQ("entry lo", ea.lo, eb.lo);
		DIFF_TABLES_EQ("entry hi", ea.hi, eb.hi);
		if (i == 0 || (x & (RMPSIM_SZ_2M - 1)) == 0) {
			DIFF_TABLES_EQ("2m_assigned_count", rmpsim_rmp_2m_assigned_count(a, x),
				       rmpsim_rmp_2m_assigned_count(b, x));
			DIFF_TABLES_EQ("2m_head_assigned", rmpsim_rmp_2m_head_assigned(a, x),
				       rmpsim_rmp_2m_head_assigned(b, x));
			DIFF_TABLES_EQ("1g_is_free", rmpsim_rmp_1g_is_free(a, x),
				       rmpsim_rmp_1g_is_free(b, x));
			DIFF_TABLES_EQ("1g_first_busy_slot", rmpsim_rmp_1g_first_busy_slot(a, x),
				       rmpsim_rmp_1g_first_busy_slot(b, x));
		}
	}
	return 0;
#undef DIFF_TABLES_EQ
}

/* Entries [spa, spa + n pages) that are covered, and the summaries of their regions. */
static inline int diff_cmp_entries(struct diff_pair *p, uint64_t spa, uint64_t n)
{
	const char *what;
	uint64_t a, b;

	return diff_tables_differ(p->t[0], p->t[1], spa, n, &what, &a, &b) ? diff_fail(p, what, a, b) : 0;
}

/* Every entry of every hot region. */
static inline int diff_cmp_all(struct diff_pair *p)
{
	for (int i = 0; i < DIFF_NHOT; i++)
		if (diff_cmp_entries(p, p->hot[i], RMPSIM_ENTRIES_PER_2M))
			return 1;
	return 0;
}

/* An SPA: mostly page-aligned in a hot region, sometimes misaligned or wild. */
static inline uint64_t diff_spa(struct diff_pair *p, diff_src_fn src, void *s)
{
	uint64_t base = p->hot[src(s, DIFF_NHOT)];
	uint64_t page;

	switch (src(s, 4)) {
	case 0: page = 0; break;
	case 1: page = 1 + src(s, 3); break;
	case 2: page = 509 + src(s, 3); break;
	default: page = src(s, 512); break;
	}
	uint64_t spa = base + page * RMPSIM_SZ_4K;
	switch (src(s, 16)) {
	case 0: spa += 1 + src(s, RMPSIM_SZ_4K - 1); break; /* misaligned */
	case 1: spa = src(s, 2) ? UINT64_MAX - src(s, 1u << 20) : (1ull << 52) + src(s, 1u << 30); break;
	default: break;
	}
	return spa;
}

static inline uint32_t diff_asid(diff_src_fn src, void *s)
{
	uint64_t k = src(s, 16);
	return k == 0 ? 0 : k == 1 ? 1024 : 1 + (uint32_t)src(s, 3);
}

static inline struct rmpsim_rmp_state diff_state(diff_src_fn src, void *s, uint64_t spa)
{
	struct rmpsim_rmp_state st;

	memset(&st, 0, sizeof(st));
	st.assigned = src(s, 32) == 0 ? 2 : (uint8_t)(src(s, 3) == 0);
	st.pagesize = src(s, 32) == 0 ? 2 : (uint8_t)(src(s, 4) == 0);
	st.immutable = src(s, 200) == 0;
	st.rsvd = src(s, 64) == 0;
	st.asid = diff_asid(src, s);
	switch (src(s, 8)) {
	case 0: st.gpa = src(s, 1ull << 52); break; /* wild */
	case 1: st.gpa = (1ull << 51) - RMPSIM_SZ_2M; break;
	default: st.gpa = (spa & ~(RMPSIM_SZ_4K - 1)) % (1ull << 40); break;
	}
	return st;
}

/* The owner of spa's authoritative entry in the sparse table, to aim guest operands. */
static inline void diff_owner(struct diff_pair *p, diff_src_fn src, void *s, uint64_t spa, uint64_t *gpa,
			      struct rmpsim_guest_ctx *ctx)
{
	bool assigned;
	unsigned level;
	struct rmpsim_raw_entry raw = { 0, 0 };
	struct rmpsim_rmp_entry e;

	memset(&e, 0, sizeof(e));
	if (rmpsim_insn_lookup(p->t[0], spa, &assigned, &level, &raw) == 0)
		rmpsim_entry_decode(&raw, &e);
	uint64_t off = level == RMPSIM_PAGE_2M ? (spa & (RMPSIM_SZ_2M - 1)) : (spa & (RMPSIM_SZ_4K - 1));
	*gpa = src(s, 4) ? e.gpa + off : src(s, 1ull << 40);
	ctx->asid = src(s, 4) ? e.asid : diff_asid(src, s);
	ctx->vmpl = src(s, 4) ? 0 : (uint8_t)src(s, 4);
}

/* A firmware-style raw write of an odd entry (immutable, lock, assigned, 2M heads). */
static inline struct rmpsim_raw_entry diff_odd_entry(diff_src_fn src, void *s, uint64_t spa)
{
	struct rmpsim_rmp_entry e;
	struct rmpsim_raw_entry raw;

	memset(&e, 0, sizeof(e));
	if (src(s, 2)) { /* firmware reclaims the page: back to zero */
		rmpsim_entry_encode(&e, &raw);
		return raw;
	}
	e.assigned = src(s, 2);
	e.pagesize = (spa & (RMPSIM_SZ_2M - 1)) == 0 && src(s, 2);
	e.immutable = src(s, 4) == 0;
	e.lock = src(s, 6) == 0;
	e.validated = src(s, 2);
	e.asid = e.assigned ? (uint16_t)(1 + src(s, 3)) : 0;
	e.gpa = e.assigned ? (spa % (1ull << 40)) & ~(RMPSIM_SZ_4K - 1) : 0;
	e.vmpl_perms[1] = (uint8_t)src(s, 32);
	rmpsim_entry_encode(&e, &raw);
	return raw;
}

static inline int diff_range(struct diff_pair *p, diff_src_fn src, void *s, uint64_t spa)
{
	struct rmpsim_rmp_state st = diff_state(src, s, spa);
	if (st.pagesize == 1 && src(s, 2)) {
		spa &= ~(RMPSIM_SZ_2M - 1);
		st.gpa &= ~(RMPSIM_SZ_2M - 1);
	}
	uint64_t npages = src(s, 4) == 0 ? src(s, 3) : src(s, 1100);
	bool step = src(s, 2);
	bool then_2m = false;
	if (src(s, 3) == 0) { /* the hypervisor takes a whole 2 MB region back, as 512 4K pages */
		memset(&st, 0, sizeof(st));
		spa &= ~(RMPSIM_SZ_2M - 1);
		npages = RMPSIM_ENTRIES_PER_2M;
		then_2m = src(s, 2); /* ... and gives it to a guest as one 2 MB page */
	}
	unsigned mode = (unsigned)src(s, 3); /* 0 range on both, 1 range on sparse, 2 range on dense */
	int rc[2];
	uint64_t done[2];
	struct rmpsim_rmp_change ch[2];
	uint64_t size = st.pagesize == 1 ? RMPSIM_SZ_2M : RMPSIM_SZ_4K;

	if (st.pagesize == 1)
		npages /= 64;
	for (int t = 0; t < 2; t++) {
		bool as_range = mode == 0 || (mode == 1 && t == 0) || (mode == 2 && t == 1);
		if (as_range) {
			rc[t] = diff_rmpupdate_range(p->t[t], spa, npages, &st, step, &done[t], &ch[t]);
			continue;
		}
		/* The sequence; its change record is the union the range reports. */
		bool any = false, asg = false;
		rc[t] = RMPSIM_RMPUPDATE_OK;
		done[t] = 0;
		for (uint64_t k = 0; k < npages; k++) {
			struct rmpsim_rmp_state one = st;
			struct rmpsim_rmp_change c;
			if (step)
				one.gpa += k * size;
			rc[t] = diff_rmpupdate(p->t[t], spa + k * size, &one, &c);
			if (rc[t] != RMPSIM_RMPUPDATE_OK)
				break;
			any |= c.changed;
			asg |= c.assigned;
			done[t]++;
		}
		ch[t].changed = any;
		ch[t].assigned = asg;
		ch[t].spa = any ? spa : 0;
		ch[t].bytes = any ? done[t] * size : 0;
	}
	DIFF_EQ(p, "range rc", rc[0], rc[1]);
	DIFF_EQ(p, "range done", done[0], done[1]);
	p->n_range_pages += done[0];
	if (diff_cmp_change(p, &ch[0], &ch[1]))
		return 1;
	uint64_t pages = (done[0] + 1) * (size >> 12);
	if (pages > 2048)
		pages = 2048;
	if (diff_cmp_entries(p, spa & ~(RMPSIM_SZ_4K - 1), pages))
		return 1;
	if (then_2m) {
		struct rmpsim_rmp_state g = st;
		g.assigned = 1;
		g.pagesize = 1;
		g.asid = 1 + (uint32_t)src(s, 3);
		g.gpa = spa % (1ull << 40);
		for (int t = 0; t < 2; t++)
			rc[t] = diff_rmpupdate(p->t[t], spa, &g, &ch[t]);
		DIFF_EQ(p, "2m rc", rc[0], rc[1]);
		if (diff_cmp_change(p, &ch[0], &ch[1]))
			return 1;
		return diff_cmp_entries(p, spa, 1);
	}
	return 0;
}

/* One random instruction on both tables. 0 = agree, 1 = mismatch (p->err). */
static inline int diff_step(struct diff_pair *p, diff_src_fn src, void *s)
{
	uint64_t spa = diff_spa(p, src, s);
	uint64_t page = spa & ~(RMPSIM_SZ_4K - 1);
	uint64_t op = src(s, 20);

	p->steps++;
	if (op < 6) { /* RMPUPDATE */
		struct rmpsim_rmp_state st = diff_state(src, s, spa);
		if (st.pagesize == 1 && src(s, 2)) {
			spa &= ~(RMPSIM_SZ_2M - 1);
			st.gpa &= ~(RMPSIM_SZ_2M - 1);
		}
		struct rmpsim_rmp_change c[2];
		int rc[2];
		for (int t = 0; t < 2; t++)
			rc[t] = diff_rmpupdate(p->t[t], spa, &st, &c[t]);
		DIFF_EQ(p, "rmpupdate rc", rc[0], rc[1]);
		if (rc[0] == RMPSIM_RMPUPDATE_OK)
			p->n_update_ok++;
		else if (rc[0] > 0 && rc[0] < 5)
			p->n_update_fail[rc[0]]++;
		if (diff_cmp_change(p, &c[0], &c[1]))
			return 1;
		return diff_cmp_entries(p, page, 1) || diff_cmp_entries(p, spa & ~(RMPSIM_SZ_2M - 1), 1);
	}
	if (op < 7)
		return diff_range(p, src, s, spa);
	if (op < 9) { /* PSMASH, usually at the 2 MB boundary */
		uint64_t x = src(s, 4) ? spa & ~(RMPSIM_SZ_2M - 1) : spa;
		struct rmpsim_rmp_change c[2];
		int rc[2];
		for (int t = 0; t < 2; t++)
			rc[t] = diff_psmash(p->t[t], x, &c[t]);
		DIFF_EQ(p, "psmash rc", rc[0], rc[1]);
		p->n_psmash_ok += rc[0] == 0;
		if (diff_cmp_change(p, &c[0], &c[1]))
			return 1;
		return rc[0] == 0 ? diff_cmp_entries(p, x, RMPSIM_ENTRIES_PER_2M) : 0;
	}
	if (op < 12) { /* PVALIDATE / RMPADJUST */
		struct rmpsim_guest_ctx ctx;
		uint64_t gpa;
		uint64_t rcx = src(s, 16) == 0 ? 2 : src(s, 3) == 0;
		if (rcx == 1 && src(s, 4))
			spa &= ~(RMPSIM_SZ_2M - 1);
		diff_owner(p, src, s, spa, &gpa, &ctx);
		if (op < 10) {
			uint64_t rdx = src(s, 16) == 0 ? 2 : src(s, 2);
			struct rmpsim_insn_out r[2];
			for (int t = 0; t < 2; t++)
				DIFF_EQ(p, "pvalidate ret",
					rmpsim_insn_pvalidate(p->t[t], &ctx, gpa, spa, rcx, rdx, &r[t]), 0);
			DIFF_EQ(p, "pvalidate fault", r[0].fault, r[1].fault);
			DIFF_EQ(p, "pvalidate rc", r[0].rax, r[1].rax);
			DIFF_EQ(p, "pvalidate cf", r[0].cf, r[1].cf);
			DIFF_EQ(p, "pvalidate npf", r[0].error_code, r[1].error_code);
			p->n_pvalidate_ok += r[0].change.changed;
			p->n_guest_fault += r[0].fault != RMPSIM_FAULT_NONE;
			if (diff_cmp_change(p, &r[0].change, &r[1].change))
				return 1;
		} else {
			uint64_t rdx = src(s, 4) | (src(s, 32) << 8) | (src(s, 4) == 0 ? 1ull << 16 : 0);
			if (src(s, 32) == 0)
				rdx |= 1ull << (17 + src(s, 40));
			struct rmpsim_insn_out r[2];
			for (int t = 0; t < 2; t++)
				DIFF_EQ(p, "rmpadjust ret",
					rmpsim_insn_rmpadjust(p->t[t], &ctx, gpa, spa, rcx, rdx, &r[t]), 0);
			DIFF_EQ(p, "rmpadjust fault", r[0].fault, r[1].fault);
			DIFF_EQ(p, "rmpadjust rc", r[0].rax, r[1].rax);
			DIFF_EQ(p, "rmpadjust npf", r[0].error_code, r[1].error_code);
			p->n_rmpadjust_ok += r[0].change.changed;
			p->n_guest_fault += r[0].fault != RMPSIM_FAULT_NONE;
			if (diff_cmp_change(p, &r[0].change, &r[1].change))
				return 1;
			/* RMPQUERY of the same page (A37), a target VMPL 0..4. */
			struct rmpsim_insn_out q[2];
			unsigned target = (unsigned)src(s, 5);
			for (int t = 0; t < 2; t++)
				DIFF_EQ(p, "rmpquery ret",
					rmpsim_insn_rmpquery(p->t[t], &ctx, gpa, spa, target, &q[t]), 0);
			DIFF_EQ(p, "rmpquery fault", q[0].fault, q[1].fault);
			DIFF_EQ(p, "rmpquery rc", q[0].rax, q[1].rax);
			DIFF_EQ(p, "rmpquery perms", q[0].rmpquery.target_perm_mask,
				q[1].rmpquery.target_perm_mask);
			DIFF_EQ(p, "rmpquery vmsa", q[0].rmpquery.vmsa, q[1].rmpquery.vmsa);
			DIFF_EQ(p, "rmpquery size", q[0].rmpquery.page_size, q[1].rmpquery.page_size);
			DIFF_EQ(p, "rmpquery npf", q[0].error_code, q[1].error_code);
		}
		return diff_cmp_entries(p, page, 1) || diff_cmp_entries(p, spa & ~(RMPSIM_SZ_2M - 1), 1);
	}
	if (op < 13) { /* RMPREAD */
		struct rmpsim_rmpread_entry e[2];
		uint8_t b[2][16];
		memset(e, 0, sizeof(e));
		memset(b, 0, sizeof(b));
		int rc[2];
		for (int t = 0; t < 2; t++) {
			rc[t] = diff_rmpread(p->t[t], spa, &e[t]);
			rmpsim_rmpread_encode(&e[t], b[t]);
		}
		DIFF_EQ(p, "rmpread rc", rc[0], rc[1]);
		DIFF_EQ(p, "rmpread bytes", memcmp(b[0], b[1], 16) != 0, 0);
		return 0;
	}
	if (op < 16) { /* accesses */
		static const uint64_t sizes[3] = { RMPSIM_SZ_4K, RMPSIM_SZ_2M, RMPSIM_SZ_1G };
		uint64_t size = sizes[src(s, 3)];
		unsigned flags = (unsigned)src(s, 32);
		if (op < 14) {
			struct rmpsim_insn_out r[2];
			for (int t = 0; t < 2; t++)
				DIFF_EQ(p, "hv_access ret",
					rmpsim_insn_hv_access(p->t[t], spa, size, flags, &r[t]), 0);
			DIFF_EQ(p, "hv fault", r[0].fault, r[1].fault);
			DIFF_EQ(p, "hv pf", r[0].error_code, r[1].error_code);
			p->n_hv_fault += r[0].fault != RMPSIM_FAULT_NONE;
		} else {
			struct rmpsim_guest_ctx ctx;
			uint64_t gpa;
			struct rmpsim_insn_out r[2];
			diff_owner(p, src, s, spa, &gpa, &ctx);
			for (int t = 0; t < 2; t++)
				DIFF_EQ(p, "guest_access ret",
					rmpsim_insn_guest_access(p->t[t], &ctx, gpa, spa, size, flags, &r[t]),
					0);
			DIFF_EQ(p, "guest fault", r[0].fault, r[1].fault);
			DIFF_EQ(p, "guest error code", r[0].error_code, r[1].error_code);
			p->n_guest_fault += r[0].fault != RMPSIM_FAULT_NONE;
		}
		return 0;
	}
	if (op < 18) { /* lookup and dump */
		bool as[2] = { false, false };
		unsigned lv[2] = { 0, 0 };
		struct rmpsim_raw_entry raw[2];
		memset(raw, 0, sizeof(raw));
		int rc[2];
		for (int t = 0; t < 2; t++)
			rc[t] = rmpsim_insn_lookup(p->t[t], spa, &as[t], &lv[t], &raw[t]);
		DIFF_EQ(p, "lookup rc", rc[0], rc[1]);
		DIFF_EQ(p, "lookup assigned", as[0], as[1]);
		DIFF_EQ(p, "lookup level", lv[0], lv[1]);
		DIFF_EQ(p, "lookup lo", raw[0].lo, raw[1].lo);
		struct rmpsim_dump_entry d[2][8];
		size_t n[2] = { 0, 0 };
		memset(d, 0, sizeof(d));
		for (int t = 0; t < 2; t++)
			rc[t] = rmpsim_insn_dump(p->t[t], spa, d[t], 8, &n[t]);
		DIFF_EQ(p, "dump rc", rc[0], rc[1]);
		DIFF_EQ(p, "dump total", n[0], n[1]);
		DIFF_EQ(p, "dump entries", memcmp(d[0], d[1], sizeof(d[0])) != 0, 0);
		return 0;
	}
	uint64_t fw = op < 19 ? src(s, 8) : 8;
	if (fw < 2) { /* firmware writes an odd entry */
		struct rmpsim_raw_entry raw = diff_odd_entry(src, s, page);
		int rc[2];
		for (int t = 0; t < 2; t++)
			rc[t] = rmpsim_rmp_set(p->t[t], page, &raw);
		DIFF_EQ(p, "set rc", rc[0], rc[1]);
		return diff_cmp_entries(p, page, 1);
	}
	if (fw < 4) { /* the firmware's page commands (A161): reclaim 4K/2M, unsmash */
		uint64_t x = src(s, 2) ? spa & ~(RMPSIM_SZ_2M - 1) : page;
		unsigned size = (unsigned)src(s, 2);
		enum rmpsim_fw_cmd_status st[2];
		int rc[2];
		for (int t = 0; t < 2; t++)
			rc[t] = fw == 2 ? rmpsim_rmp_fw_page_reclaim(p->t[t], x, size, &st[t])
					: rmpsim_rmp_fw_page_unsmash(p->t[t], x, &st[t]);
		DIFF_EQ(p, "fw rc", rc[0], rc[1]);
		DIFF_EQ(p, "fw status", st[0], st[1]);
		return diff_cmp_entries(p, x & ~(RMPSIM_SZ_2M - 1), RMPSIM_ENTRIES_PER_2M);
	}
	if (op == 19 && src(s, 64) == 0)
		return diff_cmp_all(p);
	return 0;
}

#endif
