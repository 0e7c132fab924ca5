/* SPDX-License-Identifier: MIT */
#include "harness.h"

#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/policy.h>

#include "machine_insn.h"

/* A tracking allocator: a list of live blocks, freed at h_destroy. */
struct h_link {
	struct h_link *prev, *next;
};

struct h_block {
	struct h_link l; /* first: a block is its link */
	max_align_t data[];
};

struct h_track {
	struct rmpsim_allocator alloc;
	struct h_link head;
};

static struct h_block *h_block_of(void *ptr)
{
	return ptr ? (struct h_block *)(void *)((char *)ptr - offsetof(struct h_block, data)) : NULL;
}

static void h_unlink(struct h_link *l)
{
	l->prev->next = l->next;
	l->next->prev = l->prev;
}

static void *h_track_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
	struct h_track *t = ctx;
	struct h_block *b = h_block_of(ptr), *nb;

	(void)old_size;
	if (b)
		h_unlink(&b->l);
	nb = realloc(b, sizeof(*nb) + new_size);
	if (!nb && !b)
		return NULL;
	/* on failure the old block is untouched: link it back */
	b = nb ? nb : b;
	b->l.next = t->head.next;
	b->l.prev = &t->head;
	t->head.next->prev = &b->l;
	t->head.next = &b->l;
	return nb ? nb->data : NULL;
}

static void h_track_free(void *ctx, void *ptr, size_t size)
{
	struct h_block *b = h_block_of(ptr);

	(void)ctx;
	(void)size;
	if (!b)
		return;
	h_unlink(&b->l);
	free(b);
}

static void h_create_with(struct h_machine *h, unsigned cores, unsigned threads, uint64_t mem,
			  struct h_track *track, bool contiguous)
{
	struct rmpsim_machine_config cfg;
	struct rmpsim_diag diag;

	memset(h, 0, sizeof(*h));
	h->track = track;
	assert_int_equal(rmpsim_topology_regular(NULL, 1, 1, cores, threads, mem, &h->topo), 0);
	rmpsim_machine_config_default(&cfg);
	cfg.mmio_hole_size = 0;
	if (contiguous)
		cfg.rmp_kind = RMPSIM_RMP_CONTIGUOUS;
	memset(&diag, 0, sizeof(diag));
	if (rmpsim_machine_create(NULL, h->topo, &cfg, &diag, &h->m))
		fail_msg("machine: %s", diag.msg);
	assert_int_equal(rmpsim_sim_create(NULL, h->m, NULL, 1, &h->sim), 0);
	assert_int_equal(rmpsim_kernel_create(track ? &track->alloc : NULL, h->sim, &h->k), 0);
	h->ncpus = rmpsim_machine_ncpus(h->m);
	h->ncores = rmpsim_topology_ncores(h->topo);
}

void h_create(struct h_machine *h, unsigned cores, unsigned threads, uint64_t mem)
{
	h_create_with(h, cores, threads, mem, NULL, false);
}

void h_create_contiguous(struct h_machine *h, unsigned cores, unsigned threads, uint64_t mem)
{
	h_create_with(h, cores, threads, mem, NULL, true);
}

void h_create_oopsing(struct h_machine *h, unsigned cores, unsigned threads, uint64_t mem)
{
	struct h_track *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->alloc.realloc = h_track_realloc;
	t->alloc.free = h_track_free;
	t->alloc.ctx = t;
	t->head.next = t->head.prev = &t->head;
	h_create_with(h, cores, threads, mem, t, false);
}

static void h_shutdown_fn(void *arg)
{
	(void)arg;
	rmpsim_host_snp_shutdown();
}

void h_destroy(struct h_machine *h)
{
	/*
	 * A clean end, as the workload layer does: snp_shutdown() frees what
	 * the policy's setup took (the kernel-style statics outlive the
	 * kernel otherwise, and LeakSanitizer rightly complains).
	 */
	if (rmpsim_machine_snp_initialized(h->m) &&
	    rmpsim_kernel_spawn(h->k, "shutdown", 0, h_shutdown_fn, NULL) == 0)
		(void)rmpsim_sim_run(h->sim);
	rmpsim_kernel_destroy(h->k);
	rmpsim_sim_destroy(h->sim);
	rmpsim_machine_destroy(h->m);
	rmpsim_topology_destroy(h->topo);
	if (h->track) {
		while (h->track->head.next != &h->track->head) {
			struct h_link *l = h->track->head.next;

			h_unlink(l);
			free(l);
		}
		free(h->track);
	}
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

	assert_int_equal(t_rdmsr(h->m, cpu, msr, &v), RMPSIM_FAULT_NONE);
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
