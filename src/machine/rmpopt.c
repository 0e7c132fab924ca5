/* SPDX-License-Identifier: MIT */
/*
 * RMPOPT (spec 1.1-1.4, 1.7): the per-core tables and the per-region scan
 * cache that the instruction (src/insn/rmpopt.c) is given, and the machine's
 * queries about them.
 *
 * Table storage (A50, spec OQ 3): 2048 one-bit entries per core, shared by the
 * core's SMT threads (spec 1.1, 1.3); entry i describes the 1 GB region at
 * RMPOPT_BASE + i GB. A core's entries are kept by the absolute region they
 * describe (A510): per region one bit per core, and the region's assign_gen + 1
 * at which its set bits were stored (the stamp). A bit reads as set only while
 * the stamp equals the region's assign_gen + 1, so an assigning RMPUPDATE
 * clears it on every core with one increment (A46); the first verify at a new
 * generation resets the region's bits for all cores. A new base clears the
 * core's bits in its old window (msr.c, A43), so a core's bits lie in its
 * current window only and keying by absolute region is keying by entry. The
 * regions are in blocks of 2048, allocated on the first verify in them: a
 * machine costs nothing at set-up, 2048 * (8 + cores / 8) bytes per block in
 * use (144 KiB at 512 cores, 1 MiB at 4,096), and a round of followers can set
 * a region's bit for a whole core mask word by word.
 *
 * A run repeated by other cores over the same range (the `percpu` policy's
 * followers) is answered by the run table (run_table.c, A511) in O(1): their
 * bits stay in the table until something writes their words.
 */
#include <errno.h>
#include <string.h>

#include <rmpsim/machine.h>

#include "base/alloc.h"
#include "base/check.h"
#include "machine_internal.h"

static size_t block_bytes(const struct rmpsim_machine *m)
{
	return sizeof(struct rmpsim__opt_block) +
	       (size_t)RMPSIM_RMPOPT_REGIONS * m->opt_words * sizeof(_Atomic uint64_t);
}

int rmpsim__rmpopt_alloc(struct rmpsim_machine *m)
{
	unsigned ncores = m->topo->ncores;

	unsigned n = (unsigned)((rmpsim_layout_coverage_end(m->layout) + RMPSIM_SZ_1G - 1) >> 30);
	struct rmpsim__region *regions = rmpsim__calloc(m->alloc, n, sizeof(*regions));

	m->opt_words = (ncores + 63) / 64;
	m->rmpopt_base = rmpsim__calloc(m->alloc, ncores, sizeof(*m->rmpopt_base));
	m->opt_blocks = rmpsim__calloc(m->alloc, RMPSIM__OPT_NBLOCKS, sizeof(*m->opt_blocks));
	if (!regions || !m->rmpopt_base || !m->opt_blocks) {
		rmpsim__free(m->alloc, regions, n * sizeof(*regions));
		rmpsim__rmpopt_free(m); /* no region set yet */
		return -ENOMEM;
	}
	m->regions = regions;
	m->nregions = n;
	for (unsigned r = 0; r < m->nregions; r++) {
		rmpsim__region_lock_init(&m->regions[r]);
		atomic_init(&m->regions[r].assign_gen, 0);
		atomic_init(&m->regions[r].content_gen, 0);
		m->regions[r].cache.slot = -1;
	}
	for (unsigned b = 0; b < RMPSIM__OPT_NBLOCKS; b++)
		atomic_init(&m->opt_blocks[b], NULL);
	return 0;
}

void rmpsim__rmpopt_free(struct rmpsim_machine *m)
{
	unsigned ncores = m->topo->ncores;

	rmpsim__run_table_free(m);
	rmpsim__free(m->alloc, m->regions, m->nregions * sizeof(*m->regions));
	rmpsim__free(m->alloc, m->rmpopt_base, ncores * sizeof(*m->rmpopt_base));
	if (m->opt_blocks)
		for (unsigned b = 0; b < RMPSIM__OPT_NBLOCKS; b++)
			rmpsim__free(m->alloc, atomic_load(&m->opt_blocks[b]), block_bytes(m));
	rmpsim__free(m->alloc, m->opt_blocks, RMPSIM__OPT_NBLOCKS * sizeof(*m->opt_blocks));
	m->regions = NULL;
	m->nregions = 0;
	m->rmpopt_base = NULL;
	m->opt_blocks = NULL;
}

#define block_of   rmpsim__opt_block_of
#define core_words rmpsim__opt_core_words

/* The block holding region, allocated if needed; NULL when out of memory. */
static struct rmpsim__opt_block *block_get(struct rmpsim_machine *m, uint64_t region)
{
	struct rmpsim__opt_block *b = block_of(m, region);
	if (b)
		return b;
	b = rmpsim__malloc(m->alloc, block_bytes(m));
	if (!b)
		return NULL;
	/* Every region's bits clear, stored at generation 0 (regions past the
	 * coverage never leave it). */
	for (unsigned i = 0; i < RMPSIM_RMPOPT_REGIONS; i++)
		atomic_init(&b->stamp[i], 1);
	for (size_t i = 0; i < (size_t)RMPSIM_RMPOPT_REGIONS * m->opt_words; i++)
		atomic_init(&b->cores[i], 0);
	struct rmpsim__opt_block *none = NULL;
	if (!atomic_compare_exchange_strong_explicit(&m->opt_blocks[region / RMPSIM_RMPOPT_REGIONS], &none, b,
						     memory_order_acq_rel, memory_order_acquire)) {
		rmpsim__free(m->alloc, b, block_bytes(m)); /* another thread's block won */
		b = none;
	}
	return b;
}

void rmpsim__rmpopt_clear_core(struct rmpsim_machine *m, unsigned core)
{
	uint64_t first = (m->rmpopt_base[core] & RMPSIM_RMPOPT_BASE_ADDR_MASK) >> 30;
	uint64_t keep = ~(1ull << (core % 64));

	if (atomic_load_explicit(&m->rt.active, memory_order_acquire)) /* A511: its bits from a run first */
		rmpsim__run_table_take_core(m, core, RMPSIM__ANY_REGION);
	for (uint64_t r = first; r < first + RMPSIM_RMPOPT_REGIONS; r++) {
		struct rmpsim__opt_block *b = block_of(m, r);
		if (!b) { /* nothing stored in this block: skip to the next */
			r |= RMPSIM_RMPOPT_REGIONS - 1;
			continue;
		}
		atomic_fetch_and_explicit(&core_words(m, b, r)[core / 64], keep, memory_order_release);
	}
}

void rmpsim__rmpopt_clear_all(struct rmpsim_machine *m)
{
	/* Under the run table's lock: no core's bits go from the table to the
	 * words while they are zeroed, and none stay in the table (A511). */
	rmpsim__run_table_lock(m);
	for (unsigned i = 0; i < RMPSIM__OPT_NBLOCKS; i++) {
		struct rmpsim__opt_block *b = atomic_load_explicit(&m->opt_blocks[i], memory_order_acquire);
		for (size_t w = 0; b && w < (size_t)RMPSIM_RMPOPT_REGIONS * m->opt_words; w++)
			atomic_store_explicit(&b->cores[w], 0, memory_order_release);
	}
	rmpsim__run_table_drop_locked(m);
	rmpsim__run_table_unlock(m);
}

void rmpsim__rmpopt_invalidate_all_caches(struct rmpsim_machine *m)
{
	for (unsigned r = 0; r < m->nregions; r++) {
		rmpsim__run_table_touch(m, r); /* A511 */
		m->regions[r].cache.valid = false;
		atomic_fetch_add_explicit(&m->regions[r].content_gen, 1, memory_order_relaxed);
	}
}

/* assign_gen of an absolute region; regions past the RMP's coverage never change. */
static uint64_t region_gen(const struct rmpsim_machine *m, uint64_t region)
{
	if (region >= m->nregions)
		return 0;
	return atomic_load_explicit(&m->regions[region].assign_gen, memory_order_acquire);
}

/*
 * Is spa's 1 GB region optimised on core? False when RMPOPT_EN is 0 (A50: a
 * disabled table is not consulted) or spa is outside the window.
 */
bool rmpsim__rmpopt_bit(const struct rmpsim_machine *m, unsigned core, uint64_t spa)
{
	uint64_t base_msr = m->rmpopt_base[core];
	uint64_t base = base_msr & RMPSIM_RMPOPT_BASE_ADDR_MASK;

	if (!(base_msr & RMPSIM_RMPOPT_BASE_EN) || spa < base || spa - base >= RMPSIM_RMPOPT_WINDOW)
		return false;
	uint64_t region = spa >> 30;
	if (atomic_load_explicit(&m->rt.active, memory_order_acquire)) { /* A511: a run's bits */
		int v = rmpsim__run_table_bit(m, core, region);
		if (v >= 0)
			return v;
	}
	struct rmpsim__opt_block *b = block_of(m, region);
	if (!b)
		return false;
	/* A sequence read: the stamp before and after the bit is the same (and
	 * not 0) only when no reset of the region's bits came in between. */
	_Atomic uint64_t *stamp = &b->stamp[region % RMPSIM_RMPOPT_REGIONS];
	uint64_t s1 = atomic_load_explicit(stamp, memory_order_acquire);
	/* acquire: the second stamp read cannot move before the bit's (a load
	 * order, not a fence: ThreadSanitizer does not model fences) */
	uint64_t w = atomic_load_explicit(&core_words(m, b, region)[core / 64], memory_order_acquire);
	uint64_t s2 = atomic_load_explicit(stamp, memory_order_relaxed);
	/* The gen read after the bit is at least as new as the one stored. */
	return ((w >> (core % 64)) & 1) && s1 == s2 && s1 == region_gen(m, region) + 1;
}

/*
 * Region's bits at the region's assign_gen (the caller holds the region lock,
 * or the region has no RMP entries and stays at generation 0): bits stored at
 * an older generation are reset first. Returns the region's core words.
 */
static _Atomic uint64_t *bits_at_gen(struct rmpsim_machine *m, struct rmpsim__opt_block *b, uint64_t region,
				     uint64_t gen)
{
	_Atomic uint64_t *stamp = &b->stamp[region % RMPSIM_RMPOPT_REGIONS];
	_Atomic uint64_t *w = core_words(m, b, region);

	if (atomic_load_explicit(stamp, memory_order_relaxed) != gen + 1) {
		atomic_store_explicit(stamp, 0, memory_order_relaxed);
		/* release per word: a reader that sees a cleared word sees the
		 * stamp at 0 too (no fence: ThreadSanitizer does not model them) */
		for (unsigned i = 0; i < m->opt_words; i++)
			atomic_store_explicit(&w[i], 0, memory_order_release);
		atomic_store_explicit(stamp, gen + 1, memory_order_release);
	}
	return w;
}

int rmpsim_machine_rmpopt(struct rmpsim_machine *m, unsigned cpu, uint64_t rax, uint64_t rcx,
			  struct rmpsim_insn_out *out)
{
	struct rmpsim_insn_out r;

	if (!m || !out || !rmpsim__cpu_ok(m, cpu))
		return -EINVAL;
	unsigned core = rmpsim__core_of(m, cpu);
	struct rmpsim_rmpopt_core st = { .supported = m->cfg.rmpopt, .base_msr = m->rmpopt_base[core] };
	uint64_t base = st.base_msr & RMPSIM_RMPOPT_BASE_ADDR_MASK;
	uint64_t spa = rax & ~(RMPSIM_SZ_1G - 1); /* A43 */
	bool in_window = spa >= base && spa - base < RMPSIM_RMPOPT_WINDOW;
	/* A verify of a region with RMP entries runs under its lock: the scan
	 * and the bit it stores must not cross an RMPUPDATE (A46). */
	struct rmpsim__region *reg =
		rcx == RMPSIM_RMPOPT_FN_VERIFY && in_window ? rmpsim__region_of(m, spa) : NULL;

	if (rcx == RMPSIM_RMPOPT_FN_REPORT)
		st.region_bit = rmpsim__rmpopt_bit(m, core, spa);
	if (rcx == RMPSIM_RMPOPT_FN_VERIFY && in_window &&
	    atomic_load_explicit(&m->rt.active, memory_order_acquire))
		rmpsim__run_table_take_core(m, core,
					    spa >> 30); /* A511: the core's bit leaves the run table */
	if (reg) {
		rmpsim__region_lock(reg);
		if (m->cfg.cache == RMPSIM_RMPOPT_CACHE_ALWAYS)
			st.cache = &reg->cache; /* A45 */
	}
	(void)rmpsim_insn_rmpopt(m->rmp, &st, rax, rcx, &r); /* cannot fail: every pointer is set */
	bool verified = r.fault == RMPSIM_FAULT_NONE && r.rmpopt.kind != RMPSIM_RMPOPT_OUTSIDE &&
			r.rmpopt.kind != RMPSIM_RMPOPT_REPORT;
	if (verified) {
		/* Under the region lock assign_gen cannot move (A46); a region
		 * without RMP entries never changes (A51). */
		uint64_t gen = reg ? atomic_load_explicit(&reg->assign_gen, memory_order_relaxed) : 0;
		struct rmpsim__opt_block *blk = block_get(m, spa >> 30);
		if (!blk) { /* out of memory: no bit, no count (the scan cache holds a true result) */
			if (reg)
				rmpsim__region_unlock(reg);
			return -ENOMEM;
		}
		_Atomic uint64_t *w = &bits_at_gen(m, blk, spa >> 30, gen)[core / 64];
		if (r.cf)
			atomic_fetch_or_explicit(w, 1ull << (core % 64), memory_order_release);
		else
			atomic_fetch_and_explicit(w, ~(1ull << (core % 64)), memory_order_release);
	}
	if (reg)
		rmpsim__region_unlock(reg);
	if (r.fault != RMPSIM_FAULT_NONE)
		RMPSIM__COUNT(m, cpu, rmpopt_faults);
	else
		RMPSIM__COUNT(m, cpu, rmpopt[r.rmpopt.kind]);
	*out = r;
	return 0;
}

/*
 * A verify of rax's region by a list of CPUs whose cores all have RMPOPT_BASE
 * base_msr (rmpsim_machine_rmpopt_verify_cpus / _set): the first verify, then,
 * when there are more, one for all the others (the first left the scan cache
 * and the region as every later one finds them). On 0 the region's lock is
 * held (v->reg, unless the region has no RMP entries) and v->bits are the
 * region's core words at its generation, for the caller to write and unlock.
 * -EAGAIN (RMPOPT off, EN clear, outside the window) and -ENOMEM: nothing done.
 */
struct verify_many {
	struct rmpsim__region *reg;
	_Atomic uint64_t *bits;
	struct rmpsim_insn_out first, rest;
};

static int verify_many_begin(struct rmpsim_machine *m, uint64_t base_msr, uint64_t rax, bool more,
			     struct verify_many *v)
{
	uint64_t base = base_msr & RMPSIM_RMPOPT_BASE_ADDR_MASK;
	uint64_t spa = rax & ~(RMPSIM_SZ_1G - 1); /* A43 */
	if (!m->cfg.rmpopt || !(base_msr & RMPSIM_RMPOPT_BASE_EN) || spa < base ||
	    spa - base >= RMPSIM_RMPOPT_WINDOW)
		return -EAGAIN;
	struct rmpsim__opt_block *blk = block_get(m, spa >> 30);
	if (!blk)
		return -ENOMEM;
	v->reg = rmpsim__region_of(m, spa);
	struct rmpsim_rmpopt_core st = { .supported = true, .base_msr = base_msr };
	if (v->reg) {
		rmpsim__region_lock(v->reg);
		if (m->cfg.cache == RMPSIM_RMPOPT_CACHE_ALWAYS)
			st.cache = &v->reg->cache; /* A45 */
	}
	(void)rmpsim_insn_rmpopt(m->rmp, &st, rax, RMPSIM_RMPOPT_FN_VERIFY, &v->first);
	v->rest = v->first;
	if (more)
		(void)rmpsim_insn_rmpopt(m->rmp, &st, rax, RMPSIM_RMPOPT_FN_VERIFY, &v->rest);
	uint64_t gen = v->reg ? atomic_load_explicit(&v->reg->assign_gen, memory_order_relaxed) : 0;
	v->bits = bits_at_gen(m, blk, spa >> 30, gen);
	return 0;
}

int rmpsim_machine_rmpopt_verify_cpus(struct rmpsim_machine *m, const unsigned *cpus, size_t n, uint64_t rax,
				      struct rmpsim_insn_out *ret_first, struct rmpsim_insn_out *ret_rest)
{
	struct verify_many v;

	if (!m || !cpus || !n || !ret_first || !ret_rest)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!rmpsim__cpu_ok(m, cpus[i]))
			return -EINVAL;
	uint64_t base_msr = m->rmpopt_base[rmpsim__core_of(m, cpus[0])];
	for (size_t i = 1; i < n; i++)
		if (m->rmpopt_base[rmpsim__core_of(m, cpus[i])] != base_msr)
			return -EAGAIN;
	if (atomic_load_explicit(&m->rt.active, memory_order_acquire)) /* A511 */
		for (size_t i = 0; i < n; i++)
			rmpsim__run_table_take_core(m, rmpsim__core_of(m, cpus[i]), rax >> 30);
	int r = verify_many_begin(m, base_msr, rax, n > 1, &v);
	if (r)
		return r;
	for (size_t i = 0; i < n; i++) {
		unsigned core = rmpsim__core_of(m, cpus[i]);
		if (v.first.cf)
			atomic_fetch_or_explicit(&v.bits[core / 64], 1ull << (core % 64),
						 memory_order_release);
		else
			atomic_fetch_and_explicit(&v.bits[core / 64], ~(1ull << (core % 64)),
						  memory_order_release);
	}
	if (v.reg)
		rmpsim__region_unlock(v.reg);
	RMPSIM__COUNT(m, cpus[0], rmpopt[v.first.rmpopt.kind]);
	for (size_t i = 1; i < n; i++)
		RMPSIM__COUNT(m, cpus[i], rmpopt[v.rest.rmpopt.kind]);
	*ret_first = v.first;
	*ret_rest = v.rest;
	return 0;
}

/* A core's table bit in word w as a verify leaves it (cf); a bit already so
 * (the core's table from the last pass) needs no locked write. */
static inline void put_bit(_Atomic uint64_t *w, uint64_t bit, bool cf)
{
	bool set = atomic_load_explicit(w, memory_order_relaxed) & bit;
	if (cf && !set)
		atomic_fetch_or_explicit(w, bit, memory_order_release);
	else if (!cf && set)
		atomic_fetch_and_explicit(w, ~bit, memory_order_release);
}

/*
 * A run of verifies on one core (issue 14 point 2, docs/timing.md "Ranged
 * runs"): what n calls of rmpsim_machine_rmpopt(m, cpu, region << 30, 0, ...)
 * over consecutive regions do, each region under its own lock as there, the
 * checks that could make one of them fault or report done once for all, and
 * the counters added once per kind. A repeat of the last run's range while
 * nothing in it changed is answered by the run table in O(1) (A511); a run
 * that does the work records its answers there for the next.
 */
/*
 * The verifies of a run that does the work, region by region: each region's
 * bit, kinds[] (what it counts) and repeat_kinds[] (what a repeat would).
 * rec: the answers and content generations go to the run table (A511),
 * gens_out is then unused; else the generations to gens_out when not NULL.
 * Inlined twice (rec a constant in each): the loop without the table's
 * stores stays as lean as before it.
 */
__attribute__((always_inline)) static inline void run_regions(struct rmpsim_machine *m, unsigned core,
							      uint64_t base_msr, uint64_t r0, size_t n,
							      uint64_t *gens_out, uint64_t *kinds,
							      uint64_t *repeat_kinds, const bool rec)
{
	struct rmpsim_rmpopt_core st = { .supported = true, .base_msr = base_msr };
	_Atomic uint64_t *entry = m->rt.entry;
	if (rec)
		gens_out = m->rt.content_gens;
	uint64_t bit = 1ull << (core % 64);
	/* Copies: the atomics below would make the compiler read them again. */
	bool cache_on = m->cfg.cache == RMPSIM_RMPOPT_CACHE_ALWAYS;
	struct rmpsim__region *regions = m->regions;
	uint64_t nregions = m->nregions, end = r0 + n;
	size_t words = m->opt_words;
	/* Block by block (a window spans at most two): the core's word of each
	 * region is `words` after the last one's. */
	for (uint64_t region = r0; region < end;) {
		struct rmpsim__opt_block *blk = block_of(m, region);
		size_t slot = region % RMPSIM_RMPOPT_REGIONS;
		uint64_t stop = region - slot + RMPSIM_RMPOPT_REGIONS < end
					? region - slot + RMPSIM_RMPOPT_REGIONS
					: end;
		_Atomic uint64_t *w = &blk->cores[slot * words + core / 64];
		/* Regions with a valid scan cache (A45): the common case, straight on. */
		uint64_t covered = !cache_on	       ? region
				   : stop < nregions   ? stop
				   : nregions > region ? nregions
						       : region;
		struct rmpsim__region *rg = &regions[region];
		_Atomic uint64_t *stamp = &blk->stamp[slot];
		uint64_t from = region;
		for (; region < covered; region++, rg++, stamp++, w += words) {
			rmpsim__region_lock(rg);
			if (!rg->cache.valid) {
				rmpsim__region_unlock(rg);
				break; /* the general loop below takes it */
			}
			bool cf = rg->cache.slot < 0;
			uint64_t gen = atomic_load_explicit(&rg->assign_gen, memory_order_relaxed);
			if (atomic_load_explicit(stamp, memory_order_relaxed) != gen + 1)
				(void)bits_at_gen(m, blk, region, gen); /* stored at an older generation */
			put_bit(w, bit, cf);
			if (rec || gens_out) /* what rmpsim_machine_region_content_gen() says after it */
				gens_out[region - r0] =
					atomic_load_explicit(&rg->content_gen, memory_order_relaxed);
			if (rec)
				atomic_store_explicit(&entry[region - r0], gen << 1 | cf,
						      memory_order_release);
			rmpsim__region_unlock(rg);
		}
		kinds[RMPSIM_RMPOPT_CACHE_HIT] += region - from;
		repeat_kinds[RMPSIM_RMPOPT_CACHE_HIT] += region - from;
		slot += region - from;
		if (region < covered) /* one without a valid cache, and on with the fast loop */
			stop = region + 1;
		for (; region < stop; region++, slot++, w += words) {
			struct rmpsim__region *reg = region < nregions ? &regions[region] : NULL;
			struct rmpsim_insn_out r;
			st.cache = reg && cache_on ? &reg->cache : NULL; /* A45 */
			if (reg)
				rmpsim__region_lock(reg);
			if (st.cache &&
			    st.cache->valid) { /* the instruction's answer from a valid cache (A45) */
				r.rmpopt.kind = RMPSIM_RMPOPT_CACHE_HIT;
				r.cf = st.cache->slot < 0;
			} else {
				(void)rmpsim_insn_rmpopt(m->rmp, &st, region << 30, RMPSIM_RMPOPT_FN_VERIFY,
							 &r);
			}
			uint64_t gen = reg ? atomic_load_explicit(&reg->assign_gen, memory_order_relaxed) : 0;
			if (atomic_load_explicit(&blk->stamp[slot], memory_order_relaxed) != gen + 1)
				(void)bits_at_gen(m, blk, region, gen); /* stored at an older generation */
			put_bit(w, bit, r.cf);
			if (rec || gens_out) /* what rmpsim_machine_region_content_gen() says after it */
				gens_out[region - r0] =
					reg ? atomic_load_explicit(&reg->content_gen, memory_order_relaxed)
					    : 0;
			if (rec)
				atomic_store_explicit(&entry[region - r0], gen << 1 | r.cf,
						      memory_order_release);
			if (reg)
				rmpsim__region_unlock(reg);
			kinds[r.rmpopt.kind]++;
			repeat_kinds[st.cache ? RMPSIM_RMPOPT_CACHE_HIT : r.rmpopt.kind]++;
		}
	}
}

static int verify_run(struct rmpsim_machine *m, unsigned cpu, uint64_t rax, size_t n,
		      uint64_t *ret_content_gens, const uint64_t **ret_gens_ptr)
{
	if (!m || !rmpsim__cpu_ok(m, cpu))
		return -EINVAL;
	if (!n)
		return 0;
	unsigned core = rmpsim__core_of(m, cpu);
	uint64_t base_msr = m->rmpopt_base[core];
	uint64_t base = base_msr & RMPSIM_RMPOPT_BASE_ADDR_MASK;
	uint64_t first = rax & ~(RMPSIM_SZ_1G - 1); /* A43 */
	if (!m->cfg.rmpopt || !(base_msr & RMPSIM_RMPOPT_BASE_EN) || first < base ||
	    n > RMPSIM_RMPOPT_REGIONS || first - base > RMPSIM_RMPOPT_WINDOW - (uint64_t)n * RMPSIM_SZ_1G)
		return -EAGAIN; /* some verify would fault or lie outside the window */
	uint64_t r0 = first >> 30;
	/* A window spans at most two blocks: both exist before anything changes. */
	if (!block_get(m, r0) || !block_get(m, r0 + n - 1))
		return -ENOMEM;
	uint64_t kinds[RMPSIM_RMPOPT_NKINDS] = { 0 };
	if (rmpsim__run_table_repeat(m, core, r0, n, kinds, ret_gens_ptr ? NULL : ret_content_gens,
				     ret_gens_ptr)) /* A511 */
		goto count;
	/* What a repeat of this run counts: a cache hit where a scan cache is kept (the run leaves it valid). */
	uint64_t repeat_kinds[RMPSIM_RMPOPT_NKINDS] = { 0 };
	bool rec = rmpsim__run_table_begin(m, core, r0, n);
	if (rec) {
		run_regions(m, core, base_msr, r0, n, NULL, kinds, repeat_kinds, true);
		if (ret_gens_ptr) /* the table's (verify_run_gens) */
			*ret_gens_ptr = m->rt.content_gens;
		else if (ret_content_gens)
			memcpy(ret_content_gens, m->rt.content_gens, n * sizeof(*ret_content_gens));
		uint64_t id = rmpsim__run_table_end(m, repeat_kinds);
		if (ret_gens_ptr)
			m->rt.gens_id = id;
	} else {
		run_regions(m, core, base_msr, r0, n, ret_content_gens, kinds, repeat_kinds, false);
		if (ret_gens_ptr) { /* the scratch (verify_run_gens) */
			*ret_gens_ptr = ret_content_gens;
			m->rt.gens_id = 0;
		}
	}
count:
	for (unsigned k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
		if (kinds[k])
			atomic_fetch_add_explicit(&m->counters[cpu].rmpopt[k], kinds[k],
						  memory_order_relaxed);
	return 0;
}

int rmpsim_machine_rmpopt_verify_run(struct rmpsim_machine *m, unsigned cpu, uint64_t rax, size_t n,
				     uint64_t *ret_content_gens)
{
	return verify_run(m, cpu, rax, n, ret_content_gens, NULL);
}

int rmpsim_machine_rmpopt_verify_run_gens(struct rmpsim_machine *m, unsigned cpu, uint64_t rax, size_t n,
					  const uint64_t **ret_gens)
{
	if (!m || !ret_gens)
		return -EINVAL;
	if (!m->rt.scratch_gens) { /* a run that does the work writes them here */
		m->rt.scratch_gens =
			rmpsim__calloc(m->alloc, RMPSIM_RMPOPT_REGIONS, sizeof(*m->rt.scratch_gens));
		if (!m->rt.scratch_gens)
			return -ENOMEM;
	}
	return verify_run(m, cpu, rax, n, m->rt.scratch_gens, ret_gens);
}

uint64_t rmpsim_machine_rmpopt_run_gens_id(const struct rmpsim_machine *m)
{
	return m ? m->rt.gens_id : 0;
}

int rmpsim_machine_rmpopt_verify_set(struct rmpsim_machine *m, struct rmpsim_machine_cpuset *set,
				     uint64_t rax, struct rmpsim_insn_out *ret_first,
				     struct rmpsim_insn_out *ret_rest)
{
	struct verify_many v;
	uint64_t base_msr;

	if (!m || !set || !ret_first || !ret_rest)
		return -EINVAL;
	if (!rmpsim__cpuset_base(m, set, &base_msr))
		return -EAGAIN;
	if (atomic_load_explicit(&m->rt.active, memory_order_acquire)) /* A511 */
		rmpsim__run_table_take_cores(m, set->core_bits, rax >> 30);
	int r = verify_many_begin(m, base_msr, rax, set->n > 1, &v);
	if (r)
		return r;
	/* As rmpsim_machine_rmpopt_verify_cpus, the bits a word of cores at a time. */
	for (unsigned i = 0; i < m->opt_words; i++)
		if (set->core_bits[i]) {
			if (v.first.cf)
				atomic_fetch_or_explicit(&v.bits[i], set->core_bits[i], memory_order_release);
			else
				atomic_fetch_and_explicit(&v.bits[i], ~set->core_bits[i],
							  memory_order_release);
		}
	if (v.reg)
		rmpsim__region_unlock(v.reg);
	atomic_fetch_add_explicit(&set->first[v.first.rmpopt.kind], 1, memory_order_relaxed);
	if (set->n > 1)
		atomic_fetch_add_explicit(&set->rest[v.rest.rmpopt.kind], 1, memory_order_relaxed);
	*ret_first = v.first;
	*ret_rest = v.rest;
	return 0;
}

bool rmpsim_machine_region_optimized(const struct rmpsim_machine *m, unsigned core, uint64_t region)
{
	if (!m || core >= m->topo->ncores || region >= (1ull << 22))
		return false;
	return rmpsim__rmpopt_bit(m, core, region << 30);
}

bool rmpsim_machine_region_optimized_all(const struct rmpsim_machine *m, uint64_t region)
{
	if (!m)
		return false;
	for (unsigned c = 0; c < m->topo->ncores; c++)
		if (!rmpsim_machine_region_optimized(m, c, region))
			return false;
	return true;
}

/* ---- What a verify would read (the timing model's input) ---- */

struct first4k {
	uint64_t min; /* lowest assigned SPA seen */
};

static int note_assigned(void *ctx, uint64_t spa, const struct rmpsim_raw_entry *e)
{
	struct first4k *f = ctx;
	struct rmpsim_rmp_entry d;
	rmpsim_entry_decode(e, &d);
	if (d.assigned && spa < f->min)
		f->min = spa;
	return 0;
}

int64_t rmpsim_machine_rmpopt_first_busy(struct rmpsim_machine *m, uint64_t spa, bool four_k)
{
	struct rmpsim__region *reg = m ? rmpsim__region_of(m, spa) : NULL;
	uint64_t gb = spa & ~(RMPSIM_SZ_1G - 1);
	int64_t res;

	if (!reg || !rmpsim_layout_covers(m->layout, gb))
		return -1; /* A51 */
	rmpsim__region_lock(reg);
	int slot = rmpsim_rmp_1g_first_busy_slot(m->rmp, gb);
	res = slot;
	if (slot >= 0 && four_k) {
		/* A120: within the first busy 2 MB slot, the first assigned 4 KB entry. */
		uint64_t s2m = gb + (uint64_t)slot * RMPSIM_SZ_2M;
		struct first4k f = { UINT64_MAX };
		rmpsim_rmp_2m_for_each_nonzero(m->rmp, s2m, note_assigned, &f);
		uint64_t in = f.min == UINT64_MAX ? 0 : (f.min - s2m) >> 12;
		res = (int64_t)slot * 512 + (int64_t)in;
	}
	rmpsim__region_unlock(reg);
	return res;
}

int rmpsim_machine_rmp_home_node(const struct rmpsim_machine *m, uint64_t spa)
{
	uint64_t addr;
	if (!m || rmpsim_layout_entry_addr(m->layout, spa & ~(RMPSIM_SZ_1G - 1), &addr) < 0)
		return -1;
	return rmpsim_machine_spa_node(m, addr);
}

uint64_t rmpsim_machine_region_content_gen(const struct rmpsim_machine *m, uint64_t region)
{
	if (!m || region >= m->nregions)
		return 0;
	return atomic_load_explicit(&m->regions[region].content_gen, memory_order_relaxed);
}
