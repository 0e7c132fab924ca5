/* SPDX-License-Identifier: MIT */
/*
 * The kernel shim's own interface (not a Linux name): create a simulated
 * kernel on a simulation, boot kernel-style code on it, read its log.
 *
 * Kernel state rule (contracts.md, last section). Kernel-style files keep
 * their state in file-scope statics, as Linux does. Therefore one simulated
 * kernel exists per OS process at a time: rmpsim_kernel_create() takes a
 * process-wide lock (waiting if another thread holds a kernel) and calls every
 * registered reset hook, so the statics start from their boot values;
 * rmpsim_kernel_destroy() releases the lock. Sweeps shard across processes.
 * Everything below the shim keeps the one-handle, no-globals rule.
 *
 * Lifetime: create the kernel after the sim, destroy it before the sim, and
 * drive the sim (rmpsim_sim_run*) from the thread that created the kernel.
 */
#ifndef RMPSIM_KSHIM_H
#define RMPSIM_KSHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/alloc.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rmpsim_sim;    /* rmpsim/sim.h */
struct rmpsim_kernel; /* opaque */

/*
 * A kernel on sim: all CPUs of the sim possible, present and online; hotplug
 * enabled; system_wq created. kmalloc and friends allocate through a (NULL =
 * default). -EBUSY when this thread already holds a kernel, -ENOMEM, -EINVAL
 * when the sim has more than NR_CPUS (8192, A80) CPUs.
 */
int rmpsim_kernel_create(const struct rmpsim_allocator *a, struct rmpsim_sim *sim,
			 struct rmpsim_kernel **ret_k);
void rmpsim_kernel_destroy(struct rmpsim_kernel *k);

/*
 * Start a kernel process running fn(arg) in process context, like a kthread:
 * on cpu, or unbound with RMPSIM_CPU_ANY (placed by the sim). It runs when
 * the sim is run. rmpsim_kernel_boot() is the init process: "init" on CPU 0.
 */
int rmpsim_kernel_spawn(struct rmpsim_kernel *k, const char *name, unsigned cpu, void (*fn)(void *arg),
			void *arg);
int rmpsim_kernel_boot(struct rmpsim_kernel *k, void (*fn)(void *arg), void *arg);

/*
 * Read a debugfs file ("x86/rmpopt/rmpopt-table") whole into buf (NUL-terminated,
 * truncated to size - 1): its open, read and release run now, so call it from a
 * kernel process. The length, or -ENOENT, -EISDIR, the file's error.
 */
long rmpsim_kernel_debugfs_read(struct rmpsim_kernel *k, const char *path, char *buf, size_t size);

/*
 * Read or write a configfs attribute ("rmpopt/action") as read(2)/write(2)
 * would: show() into a page (copied to buf, NUL-terminated, truncated to
 * size - 1) or store(buf, count). From a kernel process. The attribute's
 * return value, or -ENOENT, -EACCES (no show/store), -ENOMEM.
 */
long rmpsim_kernel_configfs_show(struct rmpsim_kernel *k, const char *path, char *buf, size_t size);
long rmpsim_kernel_configfs_store(struct rmpsim_kernel *k, const char *path, const char *buf, size_t count);

/* The simulated dmesg: every printk record, "[    s.uuuuuu] text\n" each. */
const char *rmpsim_kernel_dmesg(const struct rmpsim_kernel *k, size_t *ret_len);

struct rmpsim_kernel_stats {
	uint64_t warnings; /* WARN*() that fired */
	uint64_t oopses;   /* BUG(), #UD / #GP on a non-safe instruction: the run was stopped */
	uint64_t bugs;	   /* kernel bugs found by the shim (might_sleep, unbalanced locks, ...) */
	int sim_error;	   /* the simulator's own first failure (-ENOMEM...) under kernel code; 0 none */
};
void rmpsim_kernel_stats(const struct rmpsim_kernel *k, struct rmpsim_kernel_stats *ret);

/*
 * Reset hooks for kernel-style statics. A file registers a function that puts
 * its statics back to their boot values; every hook runs at the start of
 * rmpsim_kernel_create(). RMPSIM_KERNEL_RESET(fn) registers fn at program
 * start (an initcall-like constructor). Registering the same fn twice is a
 * no-op; at most 256 hooks (-ENOSPC).
 */
int rmpsim_kshim_register_reset(void (*fn)(void));
#define RMPSIM_KERNEL_RESET(fn)                                                                              \
	__attribute__((constructor)) static void rmpsim__kshim_reset_ctor_##fn(void)                         \
	{                                                                                                    \
		(void)rmpsim_kshim_register_reset(fn);                                                       \
	}

#ifdef __cplusplus
}
#endif
#endif
