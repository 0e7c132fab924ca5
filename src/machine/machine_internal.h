/* SPDX-License-Identifier: MIT */
/*
 * The machine behind the opaque handle, shared by the files of src/machine/
 * (one per hardware concept: memmap.c, bios_rmp.c, msr.c, cpuid.c,
 * firmware.c, rmpopt.c, rmpupdate.c, write_check.c, machine.c).
 */
#ifndef RMPSIM_MACHINE_INTERNAL_H
#define RMPSIM_MACHINE_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/machine.h>

#include "topology_internal.h"

/*
 * Per absolute 1 GB region (SPA >> 30) of the RMP's coverage.
 *
 * The RMPOPT broadcast clear (A46) is a generation counter: an RMPUPDATE that
 * assigns bumps assign_gen, and a core's bit for the region counts as set only
 * while the value the core stored equals assign_gen + 1. So the clear costs one
 * atomic increment whatever the number of CPUs.
 *
 * The scan cache (A45, spec 1.7 "reserved processor memory") is the result of
 * the last RMPOPT scan of the region, valid until any entry of the region
 * changes.
 */
struct rmpsim__region {
	atomic_bool lock; /* serialises table access to the region (rmp.h): see rmpsim__region_lock */
	_Atomic uint64_t assign_gen;	       /* written under lock, read lock-free by write checks */
	struct rmpsim_rmpopt_scan_cache cache; /* under lock (insn.h) */
	_Atomic uint64_t content_gen;	       /* bumped with every change of the entries (timing model) */
};

/*
 * The RMPOPT tables of every core for 2048 consecutive absolute regions
 * (A510): per region, one bit per core and the assign_gen + 1 its set bits
 * were stored at (stamp; 0 while the region's bits are being reset).
 */
struct rmpsim__opt_block {
	_Atomic uint64_t stamp[RMPSIM_RMPOPT_REGIONS];
	_Atomic uint64_t cores[]; /* [2048][opt_words] */
};

/* Absolute regions a window can reach: base bits 51:30, plus 2047. */
#define RMPSIM__OPT_NBLOCKS ((unsigned)((RMPSIM_RMPOPT_BASE_ADDR_MASK >> 30) / RMPSIM_RMPOPT_REGIONS) + 2u)

/*
 * The run table (A511, run_table.c): the answers one ranged run of verifies
 * over [r0, r1) found, and the cores whose table bits for the whole range are
 * those answers and not yet written to the regions' words (the mask). Readers
 * of a bit go through it while `active`; a change of a region in the range
 * zeroes `watch` (the answers no longer describe a new run).
 */
struct rmpsim__run_table {
	_Atomic bool lock;	/* spin lock of everything that changes the table */
	_Atomic uint64_t seq;	/* odd while the mask changes: lock-free readers retry */
	_Atomic bool active;	/* the mask is not empty */
	_Atomic uint64_t watch; /* id of the table whose answers still hold, 0: none */
	_Atomic uint64_t r0, r1;
	_Atomic uint64_t *mask;	 /* [opt_words] cores whose bits are the answers */
	_Atomic uint64_t *entry; /* [2048] per region: assign_gen << 1 | CF, as the run verified */
	uint64_t *content_gens;	 /* [2048] what the run handed back */
	uint64_t *scratch_gens; /* [2048] a recording-less run's, for rmpsim_machine_rmpopt_verify_run_gens */
	/* Under lock: */
	uint64_t id, last_id;
	bool building;			      /* a run records its answers (entry, content_gens) */
	bool published;			      /* the answers are complete: a repeat run may take them */
	bool off;			      /* never keep a core in the table (tests: the plain runs) */
	uint64_t kinds[RMPSIM_RMPOPT_NKINDS]; /* what a repeat run counts */
	uint64_t repeats;		      /* runs answered by the table (tests, benches) */
	/* The table whose content generations verify_run_gens last handed back
	 * (0: a run's own, not the table's): written only for that caller, who
	 * runs from one thread at a time. */
	uint64_t gens_id;
};

struct rmpsim__cpu_counters {
	_Atomic uint64_t rmpopt[RMPSIM_RMPOPT_NKINDS];
	_Atomic uint64_t rmpopt_faults;
	_Atomic uint64_t writes_skipped;
	_Atomic uint64_t writes_checked;
	_Atomic uint64_t writes_faulted;
	_Atomic uint64_t rmpupdates;
};

struct rmpsim_machine {
	const struct rmpsim_allocator *alloc;
	struct rmpsim_machine_config cfg;
	struct rmpsim_topology *topo;

	/* Memory map (memmap.c, A40). */
	struct rmpsim_mem_range *ram;
	size_t nram;
	uint64_t max_pfn;

	/* The RMP as the BIOS built it (bios_rmp.c, A41). */
	uint64_t msr_rmp_base, msr_rmp_end, msr_rmp_cfg;
	uint64_t *rst; /* [RMPSIM_RST_MAX_ENTRIES] for segmented, else NULL */
	size_t nrst;   /* used RST entries */
	struct rmpsim_rmp_layout *layout;
	struct rmpsim_rmp *rmp;

	/* RMPOPT state (rmpopt.c). */
	unsigned nregions;
	struct rmpsim__region *regions; /* [nregions] */
	uint64_t *rmpopt_base;		/* [ncores] RMPOPT_BASE MSR per core */
	/* The per-core tables, by absolute region (A510): blocks of 2048 regions,
	 * allocated on the first verify in them; see rmpopt.c. */
	_Atomic(struct rmpsim__opt_block *) *opt_blocks; /* [RMPSIM__OPT_NBLOCKS] */
	unsigned opt_words;				 /* 64-bit words of a core bitmap */
	struct rmpsim__run_table rt; /* repeat runs in O(1) per core (A511, run_table.c) */

	/* Per CPU. */
	uint64_t *syscfg; /* [ncpus] */
	struct rmpsim__cpu_counters *counters;
	/* CPU sets that verify as one (cpuset.c); their counts are the members'. */
	_Atomic(struct rmpsim_machine_cpuset *) sets;
	_Atomic bool sets_lock;
	_Atomic uint64_t base_gen; /* bumped by every RMPOPT_BASE write (msr.c) */

	bool snp_initialized;
};

/* memmap.c */
int rmpsim__memmap_build(struct rmpsim_machine *m, struct rmpsim_diag *diag);
/* bios_rmp.c */
int rmpsim__bios_build_rmp(struct rmpsim_machine *m, struct rmpsim_diag *diag);
/*
 * cpuset.c: a fixed list of CPUs that verify as one (a round's targets).
 * Its verifies are counted in the set (first: cpus[0]'s, rest: every later
 * member's) and added to the members' counters when read or when the set goes.
 */
struct rmpsim_machine_cpuset {
	struct rmpsim_machine_cpuset *next;
	unsigned *cpus;
	size_t n;
	uint64_t *cpu_bits;  /* [ncpus / 64 + 1]: the members but cpus[0] */
	uint64_t *core_bits; /* [opt_words]: the members' cores */
	uint64_t base_gen;   /* the machine's base_gen when base_msr was read */
	uint64_t base_msr;   /* every member's RMPOPT_BASE, when same_base */
	bool same_base;
	_Atomic uint64_t first[RMPSIM_RMPOPT_NKINDS], rest[RMPSIM_RMPOPT_NKINDS];
};
void rmpsim__cpusets_add_counts(const struct rmpsim_machine *m, unsigned cpu, uint64_t *rmpopt);
void rmpsim__cpusets_free(struct rmpsim_machine *m);
/* Every member's core at the same RMPOPT_BASE (re-read when a base changed)? */
bool rmpsim__cpuset_base(struct rmpsim_machine *m, struct rmpsim_machine_cpuset *set, uint64_t *ret_base_msr);
/* rmpopt.c */
int rmpsim__rmpopt_alloc(struct rmpsim_machine *m);
void rmpsim__rmpopt_free(struct rmpsim_machine *m);
void rmpsim__rmpopt_clear_core(struct rmpsim_machine *m, unsigned core);
void rmpsim__rmpopt_clear_all(struct rmpsim_machine *m);
void rmpsim__rmpopt_invalidate_all_caches(struct rmpsim_machine *m);
bool rmpsim__rmpopt_bit(const struct rmpsim_machine *m, unsigned core, uint64_t spa);

static inline struct rmpsim__opt_block *rmpsim__opt_block_of(const struct rmpsim_machine *m, uint64_t region)
{
	return atomic_load_explicit(&m->opt_blocks[region / RMPSIM_RMPOPT_REGIONS], memory_order_acquire);
}

/* A region's core words in its block. */
static inline _Atomic uint64_t *rmpsim__opt_core_words(const struct rmpsim_machine *m,
						       struct rmpsim__opt_block *b, uint64_t region)
{
	return &b->cores[(size_t)(region % RMPSIM_RMPOPT_REGIONS) * m->opt_words];
}

/* run_table.c (A511) */
#define RMPSIM__ANY_REGION UINT64_MAX
void rmpsim__run_table_lock(struct rmpsim_machine *m);
void rmpsim__run_table_unlock(struct rmpsim_machine *m);
void rmpsim__run_table_free(struct rmpsim_machine *m);
void rmpsim__run_table_forget(struct rmpsim_machine *m, uint64_t region);
/* A masked core's bit for region (1 or 0), or -1: read the words. Call while rt.active. */
int rmpsim__run_table_bit(const struct rmpsim_machine *m, unsigned core, uint64_t region);
/* Before writing core's (cores') words of region (or RMPSIM__ANY_REGION): the table's bits written out. */
void rmpsim__run_table_take_core(struct rmpsim_machine *m, unsigned core, uint64_t region);
void rmpsim__run_table_take_cores(struct rmpsim_machine *m, const uint64_t *cores, uint64_t region);
/* Under the table's lock, after every word was zeroed (SNP_INIT): no core in the table, no answers. */
void rmpsim__run_table_drop_locked(struct rmpsim_machine *m);
/* A run of core over [r0, r0 + n) answered from the table: true, kinds counted, gens copied. */
bool rmpsim__run_table_repeat(struct rmpsim_machine *m, unsigned core, uint64_t r0, size_t n, uint64_t *kinds,
			      uint64_t *ret_content_gens, const uint64_t **ret_gens_ptr);
/* A run that does the work: true when it records its answers (then _end with the repeat's kinds). */
bool rmpsim__run_table_begin(struct rmpsim_machine *m, unsigned core, uint64_t r0, size_t n);
/* Returns the table's id when its answers were published (0: not). */
uint64_t rmpsim__run_table_end(struct rmpsim_machine *m, const uint64_t *repeat_kinds);
/* Tests: off = every run takes the plain per-region path (the table stays empty). */
void rmpsim__run_table_set_off(struct rmpsim_machine *m, bool off);

/*
 * A change of region's entries, scan cache or assign_gen, made under the
 * region's lock, before the change: a run table's answers covering the region
 * no longer describe a new run (A511). One relaxed load when no answers are kept.
 */
static inline void rmpsim__run_table_touch(struct rmpsim_machine *m, uint64_t region)
{
	if (atomic_load_explicit(&m->rt.watch, memory_order_relaxed))
		rmpsim__run_table_forget(m, region);
}

static inline struct rmpsim__region *rmpsim__region_of(struct rmpsim_machine *m, uint64_t spa)
{
	uint64_t r = spa >> 30;
	return r < m->nregions ? &m->regions[r] : NULL;
}

/*
 * The region lock (issue 14 point 5: RMPUPDATE in a few hundred
 * instructions): a spin lock, one atomic exchange to take and one release
 * store to give back, where a pthread mutex cost ~55 instructions a pair. A
 * holder keeps it for one instruction's table work (at most a 1 GB region's
 * range), so a waiter yields the CPU rather than spin hot: with more threads
 * than cores the holder may be the one waiting to run. Acquire / release
 * order the table accesses as the mutex did (TSan sees them: tests/machine).
 */
static inline void rmpsim__region_lock_init(struct rmpsim__region *reg)
{
	atomic_init(&reg->lock, false);
}

/* machine.c: wait for the lock and take it (out of line: not in its callers' hot paths). */
void rmpsim__region_lock_wait(struct rmpsim__region *reg);

static inline void rmpsim__region_lock(struct rmpsim__region *reg)
{
	if (atomic_exchange_explicit(&reg->lock, true, memory_order_acquire))
		rmpsim__region_lock_wait(reg);
}

static inline void rmpsim__region_unlock(struct rmpsim__region *reg)
{
	atomic_store_explicit(&reg->lock, false, memory_order_release);
}

static inline bool rmpsim__cpu_ok(const struct rmpsim_machine *m, unsigned cpu)
{
	return cpu < m->topo->ncpus;
}

static inline unsigned rmpsim__core_of(const struct rmpsim_machine *m, unsigned cpu)
{
	return cpu % m->topo->ncores;
}

#define RMPSIM__COUNT(m, cpu, field)                                                                         \
	atomic_fetch_add_explicit(&(m)->counters[cpu].field, 1, memory_order_relaxed)

#endif
