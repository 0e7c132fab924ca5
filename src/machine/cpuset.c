/* SPDX-License-Identifier: MIT */
/*
 * CPU sets that verify as one (issue 14, docs/timing.md "Rounds: plans and
 * memos"): a round's targets verify the same region one after another, the
 * first, then every other alike (rmpsim_machine_rmpopt_verify_cpus). With the
 * targets fixed in a set, a verify by all of them costs a word of table bits
 * per 64 cores and two counts in the set, instead of a bit and an atomic count
 * per target: the set's counts are added to its members' counters when they
 * are read (rmpsim_machine_counters) and folded into them when the set goes.
 * The list of sets is guarded by a spin lock (creation, destruction and
 * counter reads; verifies only read a set their caller owns).
 */
#include <errno.h>
#include <sched.h>

#include "base/alloc.h"
#include "machine_internal.h"

static void sets_lock(struct rmpsim_machine *m)
{
	while (atomic_exchange_explicit(&m->sets_lock, true, memory_order_acquire))
		sched_yield();
}

static void sets_unlock(struct rmpsim_machine *m)
{
	atomic_store_explicit(&m->sets_lock, false, memory_order_release);
}

static size_t cpu_words(const struct rmpsim_machine *m)
{
	return m->topo->ncpus / 64 + 1;
}

static void set_free(struct rmpsim_machine *m, struct rmpsim_machine_cpuset *set)
{
	rmpsim__free(m->alloc, set->cpus, set->n * sizeof(*set->cpus));
	rmpsim__free(m->alloc, set->cpu_bits, cpu_words(m) * sizeof(*set->cpu_bits));
	rmpsim__free(m->alloc, set->core_bits, m->opt_words * sizeof(*set->core_bits));
	rmpsim__free(m->alloc, set, sizeof(*set));
}

int rmpsim_machine_cpuset_create(struct rmpsim_machine *m, const unsigned *cpus, size_t n,
				 struct rmpsim_machine_cpuset **ret)
{
	if (!m || !cpus || !n || !ret)
		return -EINVAL;
	struct rmpsim_machine_cpuset *set = rmpsim__calloc(m->alloc, 1, sizeof(*set));
	if (!set)
		return -ENOMEM;
	set->n = n;
	set->cpus = rmpsim__malloc(m->alloc, n * sizeof(*set->cpus));
	set->cpu_bits = rmpsim__calloc(m->alloc, cpu_words(m), sizeof(*set->cpu_bits));
	set->core_bits = rmpsim__calloc(m->alloc, m->opt_words, sizeof(*set->core_bits));
	if (!set->cpus || !set->cpu_bits || !set->core_bits) {
		set_free(m, set);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned cpu = cpus[i];
		bool dup = i && rmpsim__cpu_ok(m, cpu) &&
			   (cpu == cpus[0] || (set->cpu_bits[cpu / 64] >> (cpu % 64) & 1));
		if (!rmpsim__cpu_ok(m, cpu) || dup) {
			set_free(m, set);
			return -EINVAL; /* a CPU that does not exist, or twice */
		}
		set->cpus[i] = cpu;
		if (i)
			set->cpu_bits[cpu / 64] |= 1ull << (cpu % 64);
		unsigned core = rmpsim__core_of(m, cpu);
		set->core_bits[core / 64] |= 1ull << (core % 64);
	}
	set->base_gen = UINT64_MAX; /* read the bases on first use */
	sets_lock(m);
	set->next = atomic_load_explicit(&m->sets, memory_order_relaxed);
	atomic_store_explicit(&m->sets, set, memory_order_relaxed);
	sets_unlock(m);
	*ret = set;
	return 0;
}

void rmpsim_machine_cpuset_destroy(struct rmpsim_machine *m, struct rmpsim_machine_cpuset *set)
{
	if (!m || !set)
		return;
	sets_lock(m);
	struct rmpsim_machine_cpuset *prev = NULL, *at = atomic_load_explicit(&m->sets, memory_order_relaxed);
	while (at && at != set) {
		prev = at;
		at = at->next;
	}
	if (at) { /* its counts become the members' own */
		if (prev)
			prev->next = set->next;
		else
			atomic_store_explicit(&m->sets, set->next, memory_order_relaxed);
		for (size_t i = 0; i < set->n; i++) {
			_Atomic uint64_t *from = i ? set->rest : set->first;
			for (unsigned k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
				atomic_fetch_add_explicit(
					&m->counters[set->cpus[i]].rmpopt[k],
					atomic_load_explicit(&from[k], memory_order_relaxed),
					memory_order_relaxed);
		}
	}
	sets_unlock(m);
	if (at) /* not one of m's: leave it alone */
		set_free(m, set);
}

void rmpsim__cpusets_add_counts(const struct rmpsim_machine *m, unsigned cpu, uint64_t *rmpopt)
{
	struct rmpsim_machine *mm = (struct rmpsim_machine *)m; /* the lock only */
	if (!atomic_load_explicit(&mm->sets, memory_order_relaxed))
		return;
	sets_lock(mm);
	for (const struct rmpsim_machine_cpuset *set = atomic_load_explicit(&mm->sets, memory_order_relaxed);
	     set; set = set->next) {
		const _Atomic uint64_t *from = NULL;
		if (cpu == set->cpus[0])
			from = set->first;
		else if (set->cpu_bits[cpu / 64] >> (cpu % 64) & 1)
			from = set->rest;
		for (unsigned k = 0; from && k < RMPSIM_RMPOPT_NKINDS; k++)
			rmpopt[k] += atomic_load_explicit(&from[k], memory_order_relaxed);
	}
	sets_unlock(mm);
}

void rmpsim__cpusets_free(struct rmpsim_machine *m)
{
	struct rmpsim_machine_cpuset *set = atomic_load_explicit(&m->sets, memory_order_relaxed);
	while (set) {
		struct rmpsim_machine_cpuset *next = set->next;
		set_free(m, set);
		set = next;
	}
	atomic_store_explicit(&m->sets, NULL, memory_order_relaxed);
}

bool rmpsim__cpuset_base(struct rmpsim_machine *m, struct rmpsim_machine_cpuset *set, uint64_t *ret_base_msr)
{
	uint64_t gen = atomic_load_explicit(&m->base_gen, memory_order_acquire);
	if (gen != set->base_gen) {
		set->base_msr = m->rmpopt_base[rmpsim__core_of(m, set->cpus[0])];
		set->same_base = true;
		for (size_t i = 1; i < set->n && set->same_base; i++)
			set->same_base = m->rmpopt_base[rmpsim__core_of(m, set->cpus[i])] == set->base_msr;
		set->base_gen = gen;
	}
	*ret_base_msr = set->base_msr;
	return set->same_base;
}
