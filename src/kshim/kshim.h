/* SPDX-License-Identifier: MIT */
/*
 * The shim's internal state: one struct rmpsim_kernel per simulated kernel,
 * reached through rmpsim__k (the "current kernel" pointer, set while a kernel
 * exists; the process-wide run lock makes it unique, see rmpsim/kshim.h).
 */
#ifndef RMPSIM_KSHIM_INTERNAL_H
#define RMPSIM_KSHIM_INTERNAL_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/alloc.h>
#include <rmpsim/kshim.h>
#include <rmpsim/sim.h>

struct cpumask;
struct workqueue_struct;

/* A process waiting for a condition; nodes live on the waiter's stack. */
struct rmpsim__k_waiter {
	struct rmpsim__k_waiter *next;
	struct rmpsim_proc *proc;
	bool granted; /* for hand-over locks (mutex) */
};
struct rmpsim__k_waitlist {
	struct rmpsim__k_waiter *head, *tail;
};

#define RMPSIM__K_CPUHP_MAX 16

struct task_struct;
struct dentry;
struct configfs_subsystem;
struct page;

struct rmpsim_kernel {
	const struct rmpsim_allocator *alloc;
	struct rmpsim_sim *sim;
	struct rmpsim_machine *machine; /* NULL on a bare sim */
	unsigned ncpus;
	/* rmpsim_rmpopt_round_fn(): a handler that is exactly one RMPOPT verify of
	 * the region its info names, so that a round of it may be computed at once. */
	void (*round_fn)(void *info);
	unsigned long epoch;	/* distinguishes this boot's lock/work state from a previous one */
	unsigned long work_ids; /* work items numbered in this boot (the workqueue_* trace) */
	uint64_t tick_ps;	/* 1 s / HZ */
	unsigned hz;

	struct cpumask *online, *present, *possible;
	struct cpumask *siblings; /* per core, ncores masks of NR_CPUS bits */
	unsigned ncores;

	/* hotplug */
	int hotplug_disabled;
	unsigned cpus_readers;
	bool cpus_writer;
	struct rmpsim__k_waitlist cpus_waiters;

	/* features cleared by setup_clear_cpu_cap(), bit = X86_FEATURE_* number */
	uint32_t cleared_caps[32];

	/* dmesg */
	char *log;
	size_t log_len, log_cap;
	bool log_oom;

	struct rmpsim_kernel_stats stats;
	unsigned in_local_call; /* inside the local call of on_each_cpu_mask & co */

	struct workqueue_struct *wqs; /* every live workqueue */
	struct workqueue_struct *sys_wq;

	struct rmpsim__k_kworker **kworkers; /* per CPU, for smp_call_on_cpu (kworker.c) */

	/* Containment (contain.c): the IPI function running in handler context
	 * (named in reports when no plugin frame is on the stack, e.g. after a
	 * tail call), and work items run (they count against --max-events). */
	void (*ipi_fn)(void *);
	uint64_t work_items;

	/* kthreads (kthread.c), cpuhp states (cpuhp.c), RCU callbacks (timer.c),
	 * debugfs (debugfs.c), node masks (cpu.c) */
	struct kthread *kthreads;	/* kthread_create()'s, kthread.c */
	struct task_struct *tasks;	/* other processes' tasks, made by `current` */
	struct task_struct *idle_tasks; /* [ncpus] swapper/N */
	struct {
		bool used;
		int (*startup)(unsigned int cpu);
		int (*teardown)(unsigned int cpu);
	} cpuhp[RMPSIM__K_CPUHP_MAX];
	uint64_t rcu_pending;
	struct dentry *debugfs_root;
	struct configfs_subsystem *configfs; /* registered subsystems (configfs.c) */
	struct page **pages;		     /* pfn_to_page's hash (page.c) */
	struct cpumask *node_masks;	     /* [nr nodes], built at first use */
	unsigned nnodes;

	/* Pass inference (pass_infer.c): the open pass and the RMPOPT window. */
	struct {
		bool open, leader_marked, have_base;
		struct rmpsim_proc *proc; /* the work item's worker */
		uint64_t rmpopts, base;
		int last_cpu;
	} pi;
};

extern struct rmpsim_kernel *rmpsim__k;

/* The current kernel; a kernel-API call without one is a usage error (abort). */
struct rmpsim_kernel *rmpsim__k_get(void);

/* Report a kernel bug (logged and counted; the run continues). */
void rmpsim__k_report_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An oops: logged, counted, the sim stopped; a process never continues
 * (it blocks for ever), a handler returns. */
void rmpsim__k_oops(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * The simulator itself failed (err < 0, e.g. -ENOMEM from the machine) while
 * kernel code ran an instruction: no architectural outcome exists. Records
 * err in the stats (the run is void: rmpsim_kernel_stats().sim_error), stops
 * the run and parks the current task as an oops does.
 */
void rmpsim__k_sim_failed(int err, const char *what);

/* Append a formatted record to dmesg at the current virtual time. */
void rmpsim__k_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Wait lists: block the current process until woken (callers loop on their condition). */
void rmpsim__k_wait(struct rmpsim__k_waitlist *wl, struct rmpsim__k_waiter *w);
void rmpsim__k_wake_all(struct rmpsim__k_waitlist *wl);

/* Allocation through the kernel's allocator. */
void *rmpsim__k_alloc(size_t n);
void rmpsim__k_free(void *p, size_t n);

/* Module-internal resets at create/destroy. */
void rmpsim__k_wq_destroy_all(struct rmpsim_kernel *k);
int rmpsim__k_wq_create_system(struct rmpsim_kernel *k);

/* kworker.c: a request to a CPU's kworker, on the caller's stack. */
struct rmpsim__k_on_cpu {
	long (*fn)(void *);
	void *arg;
	long ret;
	bool done;
	struct rmpsim_proc *waiter;
	struct rmpsim__k_on_cpu *next;
};
/* Run fn(arg) in cpu's kworker (process context) and sleep until it returns:
 * its value, or -EINVAL outside process context, -ENOMEM. cpu < ncpus. */
long rmpsim__k_run_on_cpu(unsigned cpu, long (*fn)(void *), void *arg);
void rmpsim__k_kworkers_destroy(struct rmpsim_kernel *k);

/* tsc.c: the simulated TSC clock in kHz (the one place that reads it from the profile). */
uint64_t rmpsim__k_tsc_khz(const struct rmpsim_kernel *k);

/* code_trap.c: (re)install the SIGILL handler of patched plugins, if any;
 * give stray SIGILLs to fn (the crash reporter), *ret_prev = what it replaces. */
void rmpsim__k_code_traps_arm(void);
struct sigaction;
void rmpsim__k_code_traps_chain(void (*fn)(int, siginfo_t *, void *), struct sigaction *ret_prev);

/* contain.c (rmpsim/contain.h): with containment on, these end the process. */
void rmpsim__k_contain_warning(const char *kind, const char *msg);
void rmpsim__k_contain_oops(const char *msg);
void rmpsim__k_contain_kernel(struct rmpsim_kernel *k); /* at creation: limits, bug stream */
void rmpsim__k_contain_step(struct rmpsim_kernel *k);	/* a work item runs */
void rmpsim__k_contain_forget(struct rmpsim_kernel *k); /* at destruction: the watchdog lets go */

/* pass_infer.c: with inference on (rmpsim_kshim_infer_passes), the tracepoint
 * marks from work items, RMPOPTs, cross-CPU calls and RMPOPT_BASE writes. */
void rmpsim__k_infer_msr(struct rmpsim_kernel *k, uint32_t msr, uint64_t val);
void rmpsim__k_infer_item_start(struct rmpsim_kernel *k);
void rmpsim__k_infer_item_end(struct rmpsim_kernel *k);
void rmpsim__k_infer_rmpopt(struct rmpsim_kernel *k, unsigned cpu, uint64_t function);
/* n verifies of a round, the last on cpu (as n calls of rmpsim__k_infer_rmpopt). */
void rmpsim__k_infer_rmpopt_round(struct rmpsim_kernel *k, unsigned cpu, unsigned n);
void rmpsim__k_infer_cross_call(struct rmpsim_kernel *k);

/* kthread.c, cpuhp.c, debugfs.c: teardown at destroy; hotplug callbacks. */
void rmpsim__k_tasks_destroy(struct rmpsim_kernel *k);
int rmpsim__k_cpuhp_notify(struct rmpsim_kernel *k, unsigned cpu, bool up);
void rmpsim__k_debugfs_destroy(struct rmpsim_kernel *k);
void rmpsim__k_pages_destroy(struct rmpsim_kernel *k);

/* vsprintf.c */
int rmpsim__k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int rmpsim__k_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int rmpsim__k_vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int rmpsim__k_scnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int rmpsim__k_sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
