/* SPDX-License-Identifier: MIT */
/* The machine handle: configuration, creation in BIOS order, counters. */
#include <sched.h>
#include <string.h>

#include <rmpsim/machine.h>

#include "base/alloc.h"
#include "machine_internal.h"

void rmpsim_machine_config_default(struct rmpsim_machine_config *ret_cfg)
{
	if (!ret_cfg)
		return;
	*ret_cfg = (struct rmpsim_machine_config){
		.rmp_kind = RMPSIM_RMP_SEGMENTED,
		.segment_shift = 36, /* 64 GiB segments (spec 2.3 example, design.md 1) */
		.rmpopt = true,
		.rmpread = true,
		.smt = true,
		.cache = RMPSIM_RMPOPT_CACHE_ALWAYS,
		.backend = RMPSIM_RMP_SPARSE,
		.mmio_hole_start = 3ull << 30, /* A40 */
		.mmio_hole_size = 1ull << 30,
	};
}

void rmpsim_machine_destroy(struct rmpsim_machine *m)
{
	if (!m)
		return;
	const struct rmpsim_allocator *a = m->alloc;
	if (m->topo) {
		unsigned ncpus = m->topo->ncpus;
		rmpsim__cpusets_free(m);
		rmpsim__rmpopt_free(m);
		rmpsim__free(a, m->syscfg, ncpus * sizeof(*m->syscfg));
		rmpsim__free(a, m->counters, ncpus * sizeof(*m->counters));
		rmpsim__free(a, m->ram, (m->topo->nnodes + 1u) * sizeof(*m->ram));
		rmpsim_topology_destroy(m->topo);
	}
	rmpsim__free(a, m->rst, m->rst ? RMPSIM_RST_MAX_ENTRIES * sizeof(*m->rst) : 0);
	if (m->rmp)
		rmpsim_rmp_destroy(m->rmp);
	if (m->layout)
		rmpsim_layout_destroy(m->layout);
	rmpsim__free(a, m, sizeof(*m));
}

int rmpsim_machine_create(const struct rmpsim_allocator *a, const struct rmpsim_topology *topo,
			  const struct rmpsim_machine_config *cfg, struct rmpsim_diag *diag,
			  struct rmpsim_machine **ret_m)
{
	struct rmpsim_machine *m;
	int r;

	a = rmpsim__alloc_or_default(a);
	if (!topo || !ret_m)
		return -EINVAL;
	m = rmpsim__calloc(a, 1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->alloc = a;
	if (cfg)
		m->cfg = *cfg;
	else
		rmpsim_machine_config_default(&m->cfg);
	if (m->cfg.rmp_kind == RMPSIM_RMP_SEGMENTED) {
		struct rmpsim_cpuid_regs c;

		rmpsim_machine_cpuid(m, 0, 0x80000025u, 0, &c);
		/* spec 2.3: Linux refuses a shift outside CPUID's [min, max]. */
		if (m->cfg.segment_shift < (c.eax & 0x3f) || m->cfg.segment_shift > ((c.eax >> 6) & 0x3f)) {
			r = rmpsim_diag_fail(diag, -EINVAL,
					     "segment shift %u outside the CPUID range [%u, %u]",
					     m->cfg.segment_shift, c.eax & 0x3f, (c.eax >> 6) & 0x3f);
			goto fail;
		}
	}
	r = rmpsim_topology_copy(a, topo, m->cfg.smt, &m->topo);
	if (r < 0)
		goto fail;
	m->syscfg = rmpsim__calloc(a, m->topo->ncpus, sizeof(*m->syscfg));
	m->counters = rmpsim__calloc(a, m->topo->ncpus, sizeof(*m->counters));
	if (!m->syscfg || !m->counters) {
		r = -ENOMEM;
		goto fail;
	}
	for (unsigned cpu = 0; cpu < m->topo->ncpus; cpu++)
		m->syscfg[cpu] = RMPSIM_SYSCFG_MEM_ENCRYPT_EN; /* A48: the BIOS enabled SME/SEV */
	r = rmpsim__memmap_build(m, diag);
	if (r < 0)
		goto fail;
	r = rmpsim__bios_build_rmp(m, diag);
	if (r < 0)
		goto fail;
	r = rmpsim__rmpopt_alloc(m);
	if (r < 0)
		goto fail;
	*ret_m = m;
	return 0;
fail:
	rmpsim_machine_destroy(m);
	return r;
}

const struct rmpsim_topology *rmpsim_machine_topology(const struct rmpsim_machine *m)
{
	return m ? m->topo : NULL;
}

const struct rmpsim_machine_config *rmpsim_machine_config(const struct rmpsim_machine *m)
{
	return m ? &m->cfg : NULL;
}

struct rmpsim_rmp *rmpsim_machine_rmp(struct rmpsim_machine *m)
{
	return m ? m->rmp : NULL;
}

unsigned rmpsim_machine_ncpus(const struct rmpsim_machine *m)
{
	return m ? m->topo->ncpus : 0;
}

unsigned rmpsim_machine_nregions(const struct rmpsim_machine *m)
{
	return m ? m->nregions : 0;
}

void rmpsim_machine_counters(const struct rmpsim_machine *m, unsigned cpu, struct rmpsim_cpu_counters *ret)
{
	struct rmpsim__cpu_counters *c;

	if (!ret)
		return;
	*ret = (struct rmpsim_cpu_counters){ 0 };
	if (!m || !rmpsim__cpu_ok(m, cpu))
		return;
	c = &m->counters[cpu];
	for (int k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
		ret->rmpopt[k] = atomic_load_explicit(&c->rmpopt[k], memory_order_relaxed);
	ret->rmpopt_faults = atomic_load_explicit(&c->rmpopt_faults, memory_order_relaxed);
	ret->writes_skipped = atomic_load_explicit(&c->writes_skipped, memory_order_relaxed);
	ret->writes_checked = atomic_load_explicit(&c->writes_checked, memory_order_relaxed);
	ret->writes_faulted = atomic_load_explicit(&c->writes_faulted, memory_order_relaxed);
	ret->rmpupdates = atomic_load_explicit(&c->rmpupdates, memory_order_relaxed);
	rmpsim__cpusets_add_counts(m, cpu, ret->rmpopt);
}

void rmpsim__region_lock_wait(struct rmpsim__region *reg)
{
	do
		while (atomic_load_explicit(&reg->lock, memory_order_relaxed))
			sched_yield(); /* the holder may be waiting for a CPU (more threads than cores) */
	while (atomic_exchange_explicit(&reg->lock, true, memory_order_acquire));
}
