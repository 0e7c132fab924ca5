/* SPDX-License-Identifier: MIT */
/*
 * RMPOPT policies and the host kernel's entry points (owned by the host layer).
 *
 * A policy is the kernel code that keeps the per-core RMPOPT tables filled:
 * setup at SNP init (snp_setup_rmpopt, spec 1.5), a re-optimisation trigger
 * (snp_rmpopt_all_physmem, spec 1.8), the work handler behind it (spec 1.7)
 * and cleanup at SNP shutdown (rmpopt_cleanup, spec 1.8). The built-in
 * policies live in src/host/ (kernel style, on the shim); docs/policies.md
 * describes each. An out-of-tree policy is a shared object, compiled against
 * the shim (docs/kshim.md), that exports
 *
 *	const struct rmpsim_policy_ops rmpsim_policy_plugin = {
 *		.abi_version = RMPSIM_POLICY_ABI_VERSION, .name = "mine", ...
 *	};
 *
 * This header is plain C11 (it is included by strict C11 code and by
 * kernel-style code alike), so it uses no kernel types: a PFN is an
 * unsigned long long, like the kernel's u64, and flags are int, not bool.
 *
 * Every callback and every rmpsim_host_* function runs kernel code: call it
 * from a simulated process (process context, may sleep) of the simulation
 * the shim is running, never from plain library code.
 */
#ifndef RMPSIM_POLICY_H
#define RMPSIM_POLICY_H

#include <stddef.h>

#include "rmpsim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Bumped whenever struct rmpsim_policy_ops changes shape or meaning; the
 * plugin loader refuses a plugin built against another version.
 */
#define RMPSIM_POLICY_ABI_VERSION 1u

struct rmpsim_policy_ops {
	unsigned int abi_version; /* RMPSIM_POLICY_ABI_VERSION */
	const char *name;	  /* short, unique: "v10", "targeted", ... */
	const char *description;  /* one line, for --list-policies */

	/*
	 * snp_setup_rmpopt(): called once SNP_INIT has succeeded. Programs
	 * RMPOPT_BASE, creates the work machinery and queues the first pass.
	 * Returns 0 or a negative errno (the host logs it and runs without
	 * RMPOPT, as the kernel does).
	 */
	int (*setup)(void);
	/* snp_rmpopt_all_physmem(): ask for a re-optimisation of everything. */
	void (*trigger)(void);
	/* rmpopt_cleanup(): cancel and wait for work, RMPOPT_BASE = 0, free. */
	void (*cleanup)(void);

	/*
	 * Optional. Called from the guest-teardown hook (sev_vm_destroy, after
	 * decommission, spec 1.5) instead of trigger() with the PFN range the
	 * guest gave back, so that a policy can re-optimise only what was
	 * freed. NULL: the hook calls trigger().
	 */
	void (*guest_teardown)(unsigned long long first_pfn, unsigned long long npages);

	/*
	 * Optional debug view: the debugfs rmpopt-table text (spec 1.11) into
	 * buf, snprintf-style: returns the length the full text needs (which
	 * may exceed size - 1; buf is then truncated and NUL-terminated) or a
	 * negative errno.
	 */
	int (*table_show)(char *buf, size_t size);
};

/* ---- Registry of the built-in policies ---------------------------------- */

/* The default policy ("v10"). */
const struct rmpsim_policy_ops *rmpsim_policy_default(void);
/* A built-in policy by name, or NULL. */
const struct rmpsim_policy_ops *rmpsim_policy_find(const char *name);
/* All built-in policies, default first; *ret_count is set to their number. */
const struct rmpsim_policy_ops *const *rmpsim_policy_builtins(size_t *ret_count);

/*
 * Load an out-of-tree policy: dlopen(path) and look up the symbol
 * `rmpsim_policy_plugin`. The executable that calls this must export the
 * shim's symbols to the plugin (link librmpsim's static libraries whole and
 * with export_dynamic; see docs/policies.md).
 *
 * Errors (diag->msg says which, with the path): -ENOENT the file does not
 * exist; -EINVAL it is not a loadable shared object, or the symbol is
 * missing, or the ops lack name/setup/trigger/cleanup; -EPROTO the plugin was
 * built for another RMPSIM_POLICY_ABI_VERSION. On success *ret_ops points
 * into the loaded object and, if ret_handle is not NULL, *ret_handle is the
 * handle for rmpsim_policy_unload_plugin() (else the object stays loaded).
 */
int rmpsim_policy_load_plugin(const char *path, struct rmpsim_diag *diag,
			      const struct rmpsim_policy_ops **ret_ops, void **ret_handle);
void rmpsim_policy_unload_plugin(void *handle);

/* ---- Host kernel entry points (process context of a running simulation) --- */

/*
 * snp_prepare(): disable CPU hotplug, refuse unless online == present CPUs
 * (-EOPNOTSUPP, hotplug enabled again), set SYSCFG.MFDM, SNP_EN and VMPL_EN
 * on every CPU unless SNP_EN is already set (kexec). Spec 1.9, 3.6.
 */
int rmpsim_host_snp_prepare(void);
/*
 * SNP_INIT through the firmware model (sev_do_cmd, clears every RMPOPT table,
 * spec 1.1): 0, or -EIO when the firmware refused (status logged: SNP_EN not
 * set everywhere, or already initialised), -ENODEV without a machine.
 */
int rmpsim_host_snp_init(void);
/*
 * snp_setup_rmpopt() of the given policy (NULL: the default); the policy is
 * remembered for trigger, teardown and shutdown until snp_shutdown.
 */
int rmpsim_host_setup_rmpopt(const struct rmpsim_policy_ops *ops);
/* snp_rmpopt_all_physmem() of the active policy; nothing without one. */
void rmpsim_host_rmpopt_all_physmem(void);
/*
 * The guest-teardown hook, called by sev_vm_destroy() after the guest's
 * context was decommissioned and its pages returned to shared (spec 1.5).
 */
void rmpsim_host_guest_teardown(unsigned long long first_pfn, unsigned long long npages);
/*
 * snp_shutdown(): the active policy's cleanup, SNP_SHUTDOWN in the firmware
 * model (clears SNP_EN), then CPU hotplug enabled again (spec 1.9).
 */
void rmpsim_host_snp_shutdown(void);

/*
 * The RMP helpers of spec 3.6 (level 1 = 4K, 2 = 2M, the kernel's pg_level).
 * 0, or -EFAULT after logging the failing RMPUPDATE (FAIL_OVERLAP is
 * retried, but at most 10000 times per page: then also a simulation bug in
 * rmpsim_kernel_stats().bugs, A105), -EINVAL for a bad argument, -ENODEV
 * without SNP.
 */
int rmpsim_host_rmp_make_private(unsigned long long pfn, unsigned long long gpa, int level, unsigned int asid,
				 int immutable);
int rmpsim_host_rmp_make_shared(unsigned long long pfn, int level);
/*
 * Simulator extension, not kernel API: npages consecutive pages of the given
 * level from pfn (GPA advancing), as the machine's range RMPUPDATE, charged as
 * npages RMPUPDATEs. Stops at the first failure like the loop it replaces;
 * *ret_done (may be NULL) = pages done.
 */
int rmpsim_host_rmp_make_private_range(unsigned long long pfn, unsigned long long npages,
				       unsigned long long gpa, int level, unsigned int asid,
				       unsigned long long *ret_done);
int rmpsim_host_rmp_make_shared_range(unsigned long long pfn, unsigned long long npages, int level,
				      unsigned long long *ret_done);
/*
 * psmash(pfn): the PSMASH return code (enum rmpsim_psmash_rc: 0 split, 1
 * FAIL_INPUT for a PFN not 2 MB aligned, 3 FAIL_INUSE, 7 FAIL_EXPAND for a
 * page that is not an assigned, mutable 2 MB page; 2 FAIL_PERMISSION never
 * happens, the host runs it), or -ENODEV without SNP, -EINVAL for a PFN
 * outside memory.
 */
int rmpsim_host_psmash(unsigned long long pfn);
/* snp_leak_pages(): the pages are never given back; counted. */
void rmpsim_host_snp_leak_pages(unsigned long long pfn, unsigned long long npages);
unsigned long long rmpsim_host_snp_nr_leaked_pages(void);

/* ---- Views of earlier versions (spec 1.10, 1.11), as text ----------------- */

/*
 * debugfs x86/rmpopt/rmpopt-table: RMPOPT function 1 on all online CPUs per
 * GB of the active range; snprintf-style like table_show.
 */
int rmpsim_host_rmpopt_table_show(char *buf, size_t size);
/*
 * configfs rmpopt/action: writing "1" starts a pass now unless one is in
 * progress (returns count either way); anything else -EINVAL. Reading gives
 * "RMP optimization in progress: Yes\n" or "...: No\n". buf holds at least
 * 64 bytes; the show functions return the length written.
 */
long rmpsim_host_rmpopt_action_store(const char *buf, size_t count);
long rmpsim_host_rmpopt_action_show(char *buf);
/* configfs rmpopt/description. buf holds at least 256 bytes. */
long rmpsim_host_rmpopt_description_show(char *buf);

#ifdef __cplusplus
}
#endif
#endif
