/* SPDX-License-Identifier: MIT */
/*
 * RMPOPT (spec 1.1-1.4, 1.7): the per-core tables and the per-region scan
 * cache that the instruction (src/insn/rmpopt.c) is given, and the machine's
 * queries about them.
 *
 * Table storage (A50, spec OQ 3): 2048 one-bit entries per core, shared by the
 * core's SMT threads (spec 1.1, 1.3); entry i describes the 1 GB region at
 * RMPOPT_BASE + i GB. An entry holds the region's assign_gen + 1 when RMPOPT
 * set it, 0 when clear; it reads as set only while that still equals the
 * region's assign_gen + 1, so an assigning RMPUPDATE clears it on every core
 * with one increment (A46).
 */
#include <string.h>

#include <rmpsim/machine.h>

#include "base/alloc.h"
#include "machine_internal.h"

int rmpsim__rmpopt_alloc(struct rmpsim_machine *m)
{
	unsigned ncores = m->topo->ncores;

	unsigned n = (unsigned)((rmpsim_layout_coverage_end(m->layout) + RMPSIM_SZ_1G - 1) >> 30);
	struct rmpsim__region *regions = rmpsim__calloc(m->alloc, n, sizeof(*regions));

	m->rmpopt_base = rmpsim__calloc(m->alloc, ncores, sizeof(*m->rmpopt_base));
	m->bits = rmpsim__calloc(m->alloc, (size_t)ncores * RMPSIM_RMPOPT_REGIONS, sizeof(*m->bits));
	if (!regions || !m->rmpopt_base || !m->bits) {
		rmpsim__free(m->alloc, regions, n * sizeof(*regions));
		rmpsim__rmpopt_free(m); /* no region set yet: no mutex to destroy */
		return -ENOMEM;
	}
	m->regions = regions;
	m->nregions = n;
	for (unsigned r = 0; r < m->nregions; r++) {
		pthread_mutex_init(&m->regions[r].lock, NULL);
		atomic_init(&m->regions[r].assign_gen, 0);
		atomic_init(&m->regions[r].content_gen, 0);
		m->regions[r].cache.slot = -1;
	}
	for (size_t i = 0; i < (size_t)ncores * RMPSIM_RMPOPT_REGIONS; i++)
		atomic_init(&m->bits[i], 0);
	return 0;
}

void rmpsim__rmpopt_free(struct rmpsim_machine *m)
{
	unsigned ncores = m->topo->ncores;

	if (m->regions)
		for (unsigned r = 0; r < m->nregions; r++)
			pthread_mutex_destroy(&m->regions[r].lock);
	rmpsim__free(m->alloc, m->regions, m->nregions * sizeof(*m->regions));
	rmpsim__free(m->alloc, m->rmpopt_base, ncores * sizeof(*m->rmpopt_base));
	rmpsim__free(m->alloc, m->bits, (size_t)ncores * RMPSIM_RMPOPT_REGIONS * sizeof(*m->bits));
	m->regions = NULL;
	m->nregions = 0;
	m->rmpopt_base = NULL;
	m->bits = NULL;
}

void rmpsim__rmpopt_clear_core(struct rmpsim_machine *m, unsigned core)
{
	_Atomic uint64_t *b = &m->bits[(size_t)core * RMPSIM_RMPOPT_REGIONS];

	for (unsigned i = 0; i < RMPSIM_RMPOPT_REGIONS; i++)
		atomic_store_explicit(&b[i], 0, memory_order_relaxed);
}

void rmpsim__rmpopt_invalidate_all_caches(struct rmpsim_machine *m)
{
	for (unsigned r = 0; r < m->nregions; r++) {
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
	uint64_t v;

	if (!(base_msr & RMPSIM_RMPOPT_BASE_EN) || spa < base || spa - base >= RMPSIM_RMPOPT_WINDOW)
		return false;
	v = atomic_load_explicit(&m->bits[(size_t)core * RMPSIM_RMPOPT_REGIONS + ((spa - base) >> 30)],
				 memory_order_acquire);
	/* Load the bit first: a gen read after it is at least as new as the one stored. */
	return v != 0 && v == region_gen(m, spa >> 30) + 1;
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
	if (reg) {
		pthread_mutex_lock(&reg->lock);
		if (m->cfg.cache == RMPSIM_RMPOPT_CACHE_ALWAYS)
			st.cache = &reg->cache; /* A45 */
	}
	(void)rmpsim_insn_rmpopt(m->rmp, &st, rax, rcx, &r); /* cannot fail: every pointer is set */
	bool verified = r.fault == RMPSIM_FAULT_NONE && r.rmpopt.kind != RMPSIM_RMPOPT_OUTSIDE &&
			r.rmpopt.kind != RMPSIM_RMPOPT_REPORT;
	if (verified) {
		_Atomic uint64_t *bit = &m->bits[(size_t)core * RMPSIM_RMPOPT_REGIONS + ((spa - base) >> 30)];
		/* Under the region lock assign_gen cannot move (A46); a region
		 * without RMP entries never changes (A51). */
		uint64_t gen = reg ? atomic_load_explicit(&reg->assign_gen, memory_order_relaxed) : 0;
		atomic_store_explicit(bit, r.cf ? gen + 1 : 0, memory_order_release);
	}
	if (reg)
		pthread_mutex_unlock(&reg->lock);
	if (r.fault != RMPSIM_FAULT_NONE)
		RMPSIM__COUNT(m, cpu, rmpopt_faults);
	else
		RMPSIM__COUNT(m, cpu, rmpopt[r.rmpopt.kind]);
	*out = r;
	return 0;
}

bool rmpsim_machine_region_optimized(const struct rmpsim_machine *m, unsigned core, uint64_t region)
{
	if (core >= m->topo->ncores || region >= (1ull << 22))
		return false;
	return rmpsim__rmpopt_bit(m, core, region << 30);
}

bool rmpsim_machine_region_optimized_all(const struct rmpsim_machine *m, uint64_t region)
{
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
	struct rmpsim__region *reg = rmpsim__region_of(m, spa);
	uint64_t gb = spa & ~(RMPSIM_SZ_1G - 1);
	int64_t res;

	if (!reg || !rmpsim_layout_covers(m->layout, gb))
		return -1; /* A51 */
	pthread_mutex_lock(&reg->lock);
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
	pthread_mutex_unlock(&reg->lock);
	return res;
}

int rmpsim_machine_rmp_home_node(const struct rmpsim_machine *m, uint64_t spa)
{
	uint64_t addr;
	if (rmpsim_layout_entry_addr(m->layout, spa & ~(RMPSIM_SZ_1G - 1), &addr) < 0)
		return -1;
	return rmpsim_machine_spa_node(m, addr);
}

uint64_t rmpsim_machine_region_content_gen(const struct rmpsim_machine *m, uint64_t region)
{
	if (region >= m->nregions)
		return 0;
	return atomic_load_explicit(&m->regions[region].content_gen, memory_order_relaxed);
}
