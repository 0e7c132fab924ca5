/* SPDX-License-Identifier: MIT */
/*
 * The run table (A511, issue 14 point 2): a repeat of the last ranged run of
 * verifies (rmpsim_machine_rmpopt_verify_run) by another core in O(1).
 *
 * The `percpu` policy's followers each verify the same 2,048 regions and find
 * the same answers (every region's scan cache valid, A45). The first run (the
 * builder) does the per-region work as before and records, per region, the
 * answer (CF) and the assign_gen it was verified at, the content generation it
 * handed back, and what a repeat would count (kinds). A later run over the
 * same range, while nothing of the range changed, adds its core to the
 * table's mask and copies the counts: its bits for the whole range are the
 * recorded answers, not yet written to the regions' words (rmpopt.c, A510).
 *
 * Readers: rmpsim__rmpopt_bit asks the table first while some core is in the
 * mask (`active`): a masked core's bit for a region of the range is
 * "answer && recorded gen == the region's assign_gen now", which is what the
 * word and its stamp would say (a reset of the region's words needs a newer
 * generation, which makes both read clear). A seqlock (odd `seq` while the
 * mask changes) lets readers take the mask and the answers without a lock.
 *
 * Keeping the answers true: every change of a region's entries, scan cache or
 * assign_gen calls rmpsim__run_table_touch under the region's lock before the
 * change (rmpupdate.c, firmware.c, rmpopt.c), which zeroes `watch` when the
 * region is in the range: no later run takes the answers. A change after the
 * builder read a region is ordered after it by the region's lock, so it sees
 * the builder's `watch` and the builder does not publish (or a repeat no
 * longer takes what was published).
 *
 * Keeping the masked cores' bits: the bits themselves stay right through
 * changes (the generation check above), so only what writes a masked core's
 * word first writes the table's answers into the words (materialise: per
 * region under its lock, the masked cores' word OR-ed or AND-ed word by word,
 * when the region's stamp is still the recorded generation + 1, as the run
 * would have left it; a newer stamp means the words were reset since, which
 * cleared those cores' bits as the run's bits would have been): a single
 * verify or a round (verify_cpus / verify_set) by a masked core on a region
 * of the range, a new RMPOPT_BASE or EN 0 -> 1 of a masked core (clear_core),
 * and a new builder (the whole mask). SNP_INIT (clear_all) zeroes the words
 * and empties the mask under the table's lock.
 *
 * Concurrency: the table's lock orders before region locks (materialise takes
 * them under it); writers never take it. A core's operations come from one
 * thread at a time (its SMT siblings do not verify at once), as for its
 * RMPOPT_BASE (msr.c).
 */
#include <sched.h>
#include <string.h>

#include "base/alloc.h"
#include "machine_internal.h"

#define ALL_CORES UINT32_MAX

void rmpsim__run_table_lock(struct rmpsim_machine *m)
{
	while (atomic_exchange_explicit(&m->rt.lock, true, memory_order_acquire))
		sched_yield(); /* the holder may be waiting for a CPU */
}

void rmpsim__run_table_unlock(struct rmpsim_machine *m)
{
	atomic_store_explicit(&m->rt.lock, false, memory_order_release);
}

void rmpsim__run_table_free(struct rmpsim_machine *m)
{
	struct rmpsim__run_table *t = &m->rt;
	rmpsim__free(m->alloc, t->mask, m->opt_words * sizeof(*t->mask));
	rmpsim__free(m->alloc, t->entry, RMPSIM_RMPOPT_REGIONS * sizeof(*t->entry));
	rmpsim__free(m->alloc, t->content_gens, RMPSIM_RMPOPT_REGIONS * sizeof(*t->content_gens));
	rmpsim__free(m->alloc, t->scratch_gens, RMPSIM_RMPOPT_REGIONS * sizeof(*t->scratch_gens));
	t->mask = t->entry = NULL;
	t->content_gens = t->scratch_gens = NULL;
}

void rmpsim__run_table_set_off(struct rmpsim_machine *m, bool off)
{
	rmpsim__run_table_lock(m);
	m->rt.off = off;
	rmpsim__run_table_unlock(m);
}

void rmpsim__run_table_forget(struct rmpsim_machine *m, uint64_t region)
{
	struct rmpsim__run_table *t = &m->rt;
	if (region >= atomic_load_explicit(&t->r0, memory_order_relaxed) &&
	    region < atomic_load_explicit(&t->r1, memory_order_relaxed))
		atomic_store_explicit(&t->watch, 0, memory_order_relaxed);
}

static uint64_t assign_gen(const struct rmpsim_machine *m, uint64_t region)
{
	if (region >= m->nregions)
		return 0; /* no RMP entries: never changes */
	return atomic_load_explicit(&m->regions[region].assign_gen, memory_order_acquire);
}

int rmpsim__run_table_bit(const struct rmpsim_machine *m, unsigned core, uint64_t region)
{
	const struct rmpsim__run_table *t = &m->rt;
	for (;;) {
		uint64_t s1 = atomic_load_explicit(&t->seq, memory_order_acquire);
		if (s1 & 1) {
			sched_yield(); /* the mask is changing: a few stores */
			continue;
		}
		uint64_t r0 = atomic_load_explicit(&t->r0, memory_order_acquire);
		uint64_t r1 = atomic_load_explicit(&t->r1, memory_order_acquire);
		bool in =
			region >= r0 && region < r1 &&
			(atomic_load_explicit(&t->mask[core / 64], memory_order_acquire) >> (core % 64) & 1);
		/* acquire: the second seq read cannot move before these (no fences: TSan) */
		uint64_t e = in ? atomic_load_explicit(&t->entry[region - r0], memory_order_acquire) : 0;
		if (atomic_load_explicit(&t->seq, memory_order_relaxed) != s1)
			continue;
		if (!in)
			return -1;
		return (e & 1) && e >> 1 == assign_gen(m, region);
	}
}

/* Cores of word i that materialise takes: the masked ones among `cores` (NULL: just `core`, or all). */
static uint64_t taken(const struct rmpsim__run_table *t, unsigned i, const uint64_t *cores, unsigned core)
{
	uint64_t sel = cores		   ? cores[i]
		       : core == ALL_CORES ? ~0ull
		       : i == core / 64	   ? 1ull << (core % 64)
					   : 0;
	return atomic_load_explicit(&t->mask[i], memory_order_relaxed) & sel;
}

/* Under the table's lock: the answers into the words of the masked cores taken, which leave the mask. */
static void materialise(struct rmpsim_machine *m, const uint64_t *cores, unsigned core)
{
	struct rmpsim__run_table *t = &m->rt;
	bool any = false;
	for (unsigned i = 0; i < m->opt_words && !any; i++)
		any = taken(t, i, cores, core) != 0;
	if (!any)
		return;
	uint64_t r0 = atomic_load_explicit(&t->r0, memory_order_relaxed);
	uint64_t r1 = atomic_load_explicit(&t->r1, memory_order_relaxed);
	for (uint64_t r = r0; r < r1; r++) {
		uint64_t e = atomic_load_explicit(&t->entry[r - r0], memory_order_relaxed);
		struct rmpsim__opt_block *b = rmpsim__opt_block_of(m, r); /* the builder made it */
		struct rmpsim__region *reg = r < m->nregions ? &m->regions[r] : NULL;
		if (reg)
			rmpsim__region_lock(reg);
		/* Still the words the run would have written to (else reset since: their bits clear). */
		if (atomic_load_explicit(&b->stamp[r % RMPSIM_RMPOPT_REGIONS], memory_order_relaxed) ==
		    (e >> 1) + 1) {
			_Atomic uint64_t *w = rmpsim__opt_core_words(m, b, r);
			for (unsigned i = 0; i < m->opt_words; i++) {
				uint64_t x = taken(t, i, cores, core);
				if (!x)
					continue;
				if (e & 1)
					atomic_fetch_or_explicit(&w[i], x, memory_order_release);
				else
					atomic_fetch_and_explicit(&w[i], ~x, memory_order_release);
			}
		}
		if (reg)
			rmpsim__region_unlock(reg);
	}
	/* The words hold the answers: the cores read them from now on. */
	uint64_t s = atomic_load_explicit(&t->seq, memory_order_relaxed);
	atomic_store_explicit(&t->seq, s + 1, memory_order_relaxed);
	bool left = false;
	for (unsigned i = 0; i < m->opt_words; i++) {
		uint64_t w =
			atomic_load_explicit(&t->mask[i], memory_order_relaxed) & ~taken(t, i, cores, core);
		atomic_store_explicit(&t->mask[i], w, memory_order_release);
		left = left || w;
	}
	atomic_store_explicit(&t->active, left, memory_order_release);
	atomic_store_explicit(&t->seq, s + 2, memory_order_release);
}

static bool in_range(const struct rmpsim__run_table *t, uint64_t region)
{
	return region == RMPSIM__ANY_REGION ||
	       (region >= atomic_load_explicit(&t->r0, memory_order_relaxed) &&
		region < atomic_load_explicit(&t->r1, memory_order_relaxed));
}

void rmpsim__run_table_take_core(struct rmpsim_machine *m, unsigned core, uint64_t region)
{
	rmpsim__run_table_lock(m);
	if (in_range(&m->rt, region))
		materialise(m, NULL, core);
	rmpsim__run_table_unlock(m);
}

void rmpsim__run_table_take_cores(struct rmpsim_machine *m, const uint64_t *cores, uint64_t region)
{
	rmpsim__run_table_lock(m);
	if (in_range(&m->rt, region))
		materialise(m, cores, 0);
	rmpsim__run_table_unlock(m);
}

void rmpsim__run_table_drop_locked(struct rmpsim_machine *m)
{
	struct rmpsim__run_table *t = &m->rt;
	atomic_store_explicit(&t->watch, 0, memory_order_relaxed);
	t->published = false;
	if (!t->mask)
		return;
	uint64_t s = atomic_load_explicit(&t->seq, memory_order_relaxed);
	atomic_store_explicit(&t->seq, s + 1, memory_order_relaxed);
	for (unsigned i = 0; i < m->opt_words; i++)
		atomic_store_explicit(&t->mask[i], 0, memory_order_release);
	atomic_store_explicit(&t->active, false, memory_order_release);
	atomic_store_explicit(&t->seq, s + 2, memory_order_release);
}

bool rmpsim__run_table_repeat(struct rmpsim_machine *m, unsigned core, uint64_t r0, size_t n, uint64_t *kinds,
			      uint64_t *ret_content_gens, const uint64_t **ret_gens_ptr)
{
	struct rmpsim__run_table *t = &m->rt;
	if (!atomic_load_explicit(&t->watch, memory_order_relaxed))
		return false; /* no answers kept: the common case when runs do not repeat */
	rmpsim__run_table_lock(m);
	bool ok = t->published && atomic_load_explicit(&t->watch, memory_order_relaxed) == t->id &&
		  atomic_load_explicit(&t->r0, memory_order_relaxed) == r0 &&
		  atomic_load_explicit(&t->r1, memory_order_relaxed) == r0 + n;
	if (ok) {
		uint64_t bit = 1ull << (core % 64);
		uint64_t w = atomic_load_explicit(&t->mask[core / 64], memory_order_relaxed);
		if (!(w & bit)) {
			uint64_t s = atomic_load_explicit(&t->seq, memory_order_relaxed);
			atomic_store_explicit(&t->seq, s + 1, memory_order_relaxed);
			atomic_store_explicit(&t->mask[core / 64], w | bit, memory_order_release);
			atomic_store_explicit(&t->active, true, memory_order_release);
			atomic_store_explicit(&t->seq, s + 2, memory_order_release);
		}
		memcpy(kinds, t->kinds, sizeof(t->kinds));
		t->repeats++;
		if (ret_content_gens)
			memcpy(ret_content_gens, t->content_gens, n * sizeof(*ret_content_gens));
		if (ret_gens_ptr) { /* no copy: stays until the next run records (verify_run_gens) */
			*ret_gens_ptr = t->content_gens;
			t->gens_id = t->id;
		}
	}
	rmpsim__run_table_unlock(m);
	return ok;
}

static bool table_alloc(struct rmpsim_machine *m)
{
	struct rmpsim__run_table *t = &m->rt;
	if (t->mask)
		return true;
	t->mask = rmpsim__calloc(m->alloc, m->opt_words, sizeof(*t->mask));
	t->entry = rmpsim__calloc(m->alloc, RMPSIM_RMPOPT_REGIONS, sizeof(*t->entry));
	t->content_gens = rmpsim__calloc(m->alloc, RMPSIM_RMPOPT_REGIONS, sizeof(*t->content_gens));
	if (t->mask && t->entry && t->content_gens)
		return true;
	rmpsim__run_table_free(m);
	return false;
}

bool rmpsim__run_table_begin(struct rmpsim_machine *m, unsigned core, uint64_t r0, size_t n)
{
	struct rmpsim__run_table *t = &m->rt;
	rmpsim__run_table_lock(m);
	bool rec = !t->off && !t->building && table_alloc(m);
	if (!rec) { /* the run writes the core's words itself: they must hold its bits */
		if (t->mask)
			materialise(m, NULL, core);
		rmpsim__run_table_unlock(m);
		return false;
	}
	materialise(m, NULL, ALL_CORES); /* the answers are about to be overwritten */
	uint64_t s = atomic_load_explicit(&t->seq, memory_order_relaxed);
	atomic_store_explicit(&t->seq, s + 1, memory_order_relaxed);
	atomic_store_explicit(&t->r0, r0, memory_order_release);
	atomic_store_explicit(&t->r1, r0 + n, memory_order_release);
	atomic_store_explicit(&t->seq, s + 2, memory_order_release);
	t->id = ++t->last_id;
	/* From here a change of a region in the range (after the run read it) zeroes watch. */
	atomic_store_explicit(&t->watch, t->id, memory_order_relaxed);
	t->published = false;
	t->building = true;
	rmpsim__run_table_unlock(m);
	return true;
}

uint64_t rmpsim__run_table_end(struct rmpsim_machine *m, const uint64_t *repeat_kinds)
{
	struct rmpsim__run_table *t = &m->rt;
	rmpsim__run_table_lock(m);
	t->building = false;
	if (atomic_load_explicit(&t->watch, memory_order_relaxed) == t->id) { /* nothing changed since */
		memcpy(t->kinds, repeat_kinds, sizeof(t->kinds));
		t->published = true;
	}
	uint64_t id = t->published ? t->id : 0;
	rmpsim__run_table_unlock(m);
	return id;
}
