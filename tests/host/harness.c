/* SPDX-License-Identifier: MIT */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <string.h>

#include <cmocka.h>

void h_create(struct h_machine *h, unsigned cores, unsigned threads, uint64_t mem)
{
	struct rmpsim_machine_config cfg;
	struct rmpsim_diag diag;

	memset(h, 0, sizeof(*h));
	assert_int_equal(rmpsim_topology_regular(NULL, 1, 1, cores, threads, mem, &h->topo), 0);
	rmpsim_machine_config_default(&cfg);
	cfg.mmio_hole_size = 0;
	memset(&diag, 0, sizeof(diag));
	if (rmpsim_machine_create(NULL, h->topo, &cfg, &diag, &h->m))
		fail_msg("machine: %s", diag.msg);
	assert_int_equal(rmpsim_sim_create(NULL, h->m, NULL, 1, &h->sim), 0);
	assert_int_equal(rmpsim_kernel_create(NULL, h->sim, &h->k), 0);
	h->ncpus = rmpsim_machine_ncpus(h->m);
	h->ncores = rmpsim_topology_ncores(h->topo);
}

void h_destroy(struct h_machine *h)
{
	rmpsim_kernel_destroy(h->k);
	rmpsim_sim_destroy(h->sim);
	rmpsim_machine_destroy(h->m);
	rmpsim_topology_destroy(h->topo);
}

void h_boot(struct h_machine *h, void (*fn)(void *), void *arg)
{
	assert_int_equal(rmpsim_kernel_boot(h->k, fn, arg), 0);
}

void h_spawn(struct h_machine *h, unsigned cpu, void (*fn)(void *), void *arg)
{
	assert_int_equal(rmpsim_kernel_spawn(h->k, "test", cpu, fn, arg), 0);
}

void h_run(struct h_machine *h)
{
	struct rmpsim_kernel_stats st;

	assert_int_equal(rmpsim_sim_run(h->sim), 0);
	rmpsim_kernel_stats(h->k, &st);
	assert_int_equal(st.bugs, 0);
}

const struct rmpsim_mark *h_mark(struct h_machine *h, const char *name, size_t i)
{
	size_t n = rmpsim_sim_mark_count(h->sim), j;

	for (j = 0; j < n; j++) {
		const struct rmpsim_mark *mk = rmpsim_sim_mark_get(h->sim, j);

		if (!strcmp(mk->name, name) && i-- == 0)
			return mk;
	}
	return NULL;
}

size_t h_mark_count(struct h_machine *h, const char *name)
{
	size_t n = rmpsim_sim_mark_count(h->sim), j, c = 0;

	for (j = 0; j < n; j++)
		c += !strcmp(rmpsim_sim_mark_get(h->sim, j)->name, name);
	return c;
}

uint64_t h_rmpopt(struct h_machine *h, unsigned cpu, enum rmpsim_rmpopt_kind kind)
{
	struct rmpsim_cpu_counters c;

	rmpsim_machine_counters(h->m, cpu, &c);
	return c.rmpopt[kind];
}

uint64_t h_rmpopt_all(struct h_machine *h, unsigned cpu)
{
	struct rmpsim_cpu_counters c;
	uint64_t s = 0;
	unsigned k;

	rmpsim_machine_counters(h->m, cpu, &c);
	for (k = 0; k < RMPSIM_RMPOPT_NKINDS; k++)
		s += c.rmpopt[k];
	return s;
}

uint64_t h_rdmsr(struct h_machine *h, unsigned cpu, uint32_t msr)
{
	uint64_t v = 0;

	assert_int_equal(rmpsim_machine_rdmsr(h->m, cpu, msr, &v), RMPSIM_FAULT_NONE);
	return v;
}

bool h_dmesg_has(struct h_machine *h, const char *text)
{
	size_t len;
	const char *log = rmpsim_kernel_dmesg(h->k, &len);

	return log && strstr(log, text) != NULL;
}

unsigned h_core(struct h_machine *h, unsigned cpu)
{
	return rmpsim_topology_cpu_core(h->topo, cpu);
}

bool h_primary(struct h_machine *h, unsigned cpu)
{
	return rmpsim_topology_cpu_is_primary(h->topo, cpu);
}
