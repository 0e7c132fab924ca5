/* SPDX-License-Identifier: MIT */
/*
 * The simulated kernel's life: the process-wide run lock, reset hooks for
 * kernel-style statics, create/boot/destroy, and the current-kernel pointer.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/machine.h>
#include <rmpsim/topology.h>

#include "base/alloc.h"
#include "kshim.h"

#include <linux/cpumask.h>
#include <linux/printk.h>

/*
 * Process-wide state, allowed by the kernel-state rule: the run lock, the
 * current kernel, the reset hooks, and the boot counter (epoch).
 */
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t hooks_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*reset_hooks[256])(void);
static unsigned n_reset_hooks;
static unsigned long boot_epoch;
/* Whether this thread holds the run lock (a second kernel here would deadlock). */
static _Thread_local bool this_thread_holds;

struct rmpsim_kernel *rmpsim__k;

int rmpsim_kshim_register_reset(void (*fn)(void))
{
	int err = 0;

	pthread_mutex_lock(&hooks_lock);
	for (unsigned i = 0; i < n_reset_hooks; i++)
		if (reset_hooks[i] == fn)
			goto out;
	if (n_reset_hooks == sizeof(reset_hooks) / sizeof(reset_hooks[0]))
		err = -ENOSPC;
	else
		reset_hooks[n_reset_hooks++] = fn;
out:
	pthread_mutex_unlock(&hooks_lock);
	return err;
}

struct rmpsim_kernel *rmpsim__k_get(void)
{
	if (!rmpsim__k) {
		fprintf(stderr, "rmpsim kshim: kernel API used without a kernel (rmpsim_kernel_create)\n");
		abort();
	}
	return rmpsim__k;
}

void *rmpsim__k_alloc(size_t n)
{
	return rmpsim__malloc(rmpsim__k_get()->alloc, n);
}

void rmpsim__k_free(void *p, size_t n)
{
	if (p)
		rmpsim__free(rmpsim__k_get()->alloc, p, n);
}

unsigned int rmpsim__k_nr_cpu_ids(void)
{
	return rmpsim__k_get()->ncpus;
}

const struct cpumask *rmpsim__k_cpu_online_mask(void)
{
	return rmpsim__k_get()->online;
}

const struct cpumask *rmpsim__k_cpu_present_mask(void)
{
	return rmpsim__k_get()->present;
}

const struct cpumask *rmpsim__k_cpu_possible_mask(void)
{
	return rmpsim__k_get()->possible;
}

static void kernel_free(struct rmpsim_kernel *k)
{
	const struct rmpsim_allocator *a = k->alloc;

	rmpsim__free(a, k->online, sizeof(struct cpumask));
	rmpsim__free(a, k->present, sizeof(struct cpumask));
	rmpsim__free(a, k->possible, sizeof(struct cpumask));
	if (k->siblings)
		rmpsim__free(a, k->siblings, sizeof(struct cpumask) * k->ncores);
	if (k->log)
		rmpsim__free(a, k->log, k->log_cap);
	rmpsim__free(a, k, sizeof(*k));
}

int rmpsim_kernel_create(const struct rmpsim_allocator *a, struct rmpsim_sim *sim,
			 struct rmpsim_kernel **ret_k)
{
	if (!sim || !ret_k)
		return -EINVAL;
	unsigned ncpus = rmpsim_sim_ncpus(sim);
	if (ncpus == 0 || ncpus > NR_CPUS) /* A80 */
		return -EINVAL;
	if (this_thread_holds)
		return -EBUSY;

	a = rmpsim__alloc_or_default(a);
	struct rmpsim_kernel *k = rmpsim__calloc(a, 1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->alloc = a;
	k->sim = sim;
	k->machine = rmpsim_sim_machine(sim);
	k->ncpus = ncpus;
	for (unsigned c = 0; c < ncpus; c++) {
		unsigned core = rmpsim_sim_cpu_core(sim, c);
		if (core + 1 > k->ncores)
			k->ncores = core + 1;
	}
	k->online = rmpsim__calloc(a, 1, sizeof(struct cpumask));
	k->present = rmpsim__calloc(a, 1, sizeof(struct cpumask));
	k->possible = rmpsim__calloc(a, 1, sizeof(struct cpumask));
	k->siblings = rmpsim__calloc(a, k->ncores, sizeof(struct cpumask));
	if (!k->online || !k->present || !k->possible || !k->siblings) {
		kernel_free(k);
		return -ENOMEM;
	}
	const unsigned bpl = 8 * sizeof(unsigned long);
	for (unsigned c = 0; c < ncpus; c++) {
		unsigned long bit = 1ul << (c % bpl);
		k->online->bits[c / bpl] |= bit;
		k->present->bits[c / bpl] |= bit;
		k->possible->bits[c / bpl] |= bit;
		k->siblings[rmpsim_sim_cpu_core(sim, c)].bits[c / bpl] |= bit;
	}
	/* HZ from the profile (A81): jiffies and msleep granularity. */
	uint64_t hz = rmpsim_sim_profile(sim)->hz;
	k->hz = hz ? (unsigned)hz : 1000;
	k->tick_ps = RMPSIM_S(1) / k->hz;

	/* Now take the kernel: one per process (rmpsim/kshim.h). */
	pthread_mutex_lock(&run_lock);
	this_thread_holds = true;
	k->epoch = ++boot_epoch;
	rmpsim__k = k;
	int err = rmpsim__k_wq_create_system(k);
	if (err) {
		rmpsim__k = NULL;
		this_thread_holds = false;
		pthread_mutex_unlock(&run_lock);
		kernel_free(k);
		return err;
	}
	pthread_mutex_lock(&hooks_lock);
	unsigned n = n_reset_hooks;
	pthread_mutex_unlock(&hooks_lock);
	for (unsigned i = 0; i < n; i++)
		reset_hooks[i]();
	rmpsim__k_code_traps_arm();
	rmpsim__k_contain_kernel(k);
	*ret_k = k;
	return 0;
}

void rmpsim_kernel_destroy(struct rmpsim_kernel *k)
{
	if (!k)
		return;
	rmpsim__k_contain_forget(k);
	rmpsim__k_wq_destroy_all(k);
	rmpsim__k_kworkers_destroy(k);
	rmpsim__k_tasks_destroy(k);
	rmpsim__k_debugfs_destroy(k);
	rmpsim__k_pages_destroy(k);
	if (k->node_masks)
		rmpsim__k_free(k->node_masks, sizeof(struct cpumask) * k->nnodes);
	rmpsim__k = NULL;
	this_thread_holds = false;
	pthread_mutex_unlock(&run_lock);
	kernel_free(k);
}

struct spawn_ctx {
	void (*fn)(void *arg);
	void *arg;
};

static void kthread_main(struct rmpsim_sim *sim, void *arg)
{
	(void)sim;
	struct spawn_ctx c = *(struct spawn_ctx *)arg;
	rmpsim__k_free(arg, sizeof(struct spawn_ctx));
	c.fn(c.arg);
}

int rmpsim_kernel_spawn(struct rmpsim_kernel *k, const char *name, unsigned cpu, void (*fn)(void *arg),
			void *arg)
{
	if (!k || !fn || (cpu != RMPSIM_CPU_ANY && cpu >= k->ncpus))
		return -EINVAL;
	struct spawn_ctx *c = rmpsim__malloc(k->alloc, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->fn = fn;
	c->arg = arg;
	struct rmpsim_proc_attr attr = { .name = name, .cpu = cpu };
	int err = rmpsim_sim_spawn(k->sim, &attr, kthread_main, c, NULL);
	if (err)
		rmpsim__free(k->alloc, c, sizeof(*c));
	return err;
}

int rmpsim_kernel_boot(struct rmpsim_kernel *k, void (*fn)(void *arg), void *arg)
{
	return rmpsim_kernel_spawn(k, "init", 0, fn, arg);
}

const char *rmpsim_kernel_dmesg(const struct rmpsim_kernel *k, size_t *ret_len)
{
	if (ret_len)
		*ret_len = k->log_len;
	return k->log ? k->log : "";
}

void rmpsim_kernel_stats(const struct rmpsim_kernel *k, struct rmpsim_kernel_stats *ret)
{
	*ret = k->stats;
	/* Bugs the sim found (sleeping in atomic context, ...) count as kernel bugs. */
	ret->bugs += rmpsim_sim_bugs(k->sim);
}

/* ---- wait lists ---- */

void rmpsim__k_wait(struct rmpsim__k_waitlist *wl, struct rmpsim__k_waiter *w)
{
	struct rmpsim_kernel *k = rmpsim__k_get();

	w->next = NULL;
	w->proc = rmpsim_sim_current(k->sim);
	w->granted = false;
	if (!w->proc) {
		rmpsim__k_report_bug("BUG: blocking wait outside process context");
		return;
	}
	if (wl->tail)
		wl->tail->next = w;
	else
		wl->head = w;
	wl->tail = w;
	rmpsim_sim_block(k->sim);
	/* Woken: wake_all already unlinked us; a stale wake token can return
	 * early, so unlink defensively if still queued. */
	struct rmpsim__k_waiter **pp = &wl->head, *prev = NULL;
	while (*pp && *pp != w) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (*pp == w) {
		*pp = w->next;
		if (wl->tail == w)
			wl->tail = prev;
	}
}

void rmpsim__k_wake_all(struct rmpsim__k_waitlist *wl)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim__k_waiter *w = wl->head;

	wl->head = wl->tail = NULL;
	while (w) {
		struct rmpsim__k_waiter *next = w->next;
		w->next = NULL;
		rmpsim_sim_wake(k->sim, w->proc);
		w = next;
	}
}
