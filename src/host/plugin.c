// SPDX-License-Identifier: MIT
/*
 * Loading an out-of-tree policy (docs/policies.md): a shared object built
 * against the shim that exports `rmpsim_policy_plugin`.
 *
 * This file is ordinary library code (no kernel headers): it runs before any
 * simulation, from the command line.
 */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stddef.h>
#include <unistd.h>

#include "rmpsim/code_patch.h"
#include "rmpsim/policy.h"

#define RMPSIM_PLUGIN_SYMBOL "rmpsim_policy_plugin"

int rmpsim_policy_load_plugin(const char *path, struct rmpsim_diag *diag,
			      const struct rmpsim_policy_ops **ret_ops, void **ret_handle)
{
	const struct rmpsim_policy_ops *ops;
	struct rmpsim_code_image *img = NULL;
	struct link_map *lm = NULL;
	const char *err;
	void *handle;
	int ret;

	if (!path || !*path || !ret_ops)
		return rmpsim_diag_fail(diag, -EINVAL, "policy plugin: no path given");
	rmpsim_diag_at(diag, path, 0, 0);
	if (access(path, F_OK) != 0)
		return rmpsim_diag_fail(diag, -ENOENT, "policy plugin %s: no such file", path);

	/*
	 * Find its RMP instructions before any of its code runs (constructors
	 * run at dlopen): a site that cannot be located or is not modelled
	 * refuses the plugin here (rmpsim/code_patch.h).
	 */
	ret = rmpsim_code_scan(path, &img, diag);
	if (ret)
		return ret;

	/*
	 * RTLD_NOW: a plugin using a kernel function the shim does not have
	 * fails here, with the name, rather than in the middle of a run.
	 * RTLD_LOCAL: its symbols do not leak into other plugins.
	 * RTLD_NODELETE: a plugin registers kernel reset hooks
	 * (RMPSIM_KERNEL_RESET) that the shim calls at every boot, so its code
	 * must stay mapped even after rmpsim_policy_unload_plugin().
	 */
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!handle) {
		err = dlerror();
		rmpsim_code_free(img);
		return rmpsim_diag_fail(diag, -EINVAL, "policy plugin %s: cannot load: %s", path,
					err ? err : "unknown error");
	}
	/* Its instruction bytes become traps into the simulated CPU. */
	if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) || !lm) {
		rmpsim_code_free(img);
		dlclose(handle);
		return rmpsim_diag_fail(diag, -EINVAL, "policy plugin %s: no link map", path);
	}
	/* Without rmpsim's tracepoints, passes are found from what the code does. */
	bool infer = !rmpsim_code_has_tracepoints(img);
	ret = rmpsim_code_patch(img, (uintptr_t)lm->l_addr, diag);
	if (ret) {
		rmpsim_code_free(img);
		dlclose(handle);
		return ret;
	}

	dlerror();
	ops = (const struct rmpsim_policy_ops *)dlsym(handle, RMPSIM_PLUGIN_SYMBOL);
	if (!ops) {
		dlclose(handle);
		return rmpsim_diag_fail(diag, -EINVAL,
					"policy plugin %s: no symbol '%s' (export a const struct "
					"rmpsim_policy_ops named so)",
					path, RMPSIM_PLUGIN_SYMBOL);
	}
	if (ops->abi_version != RMPSIM_POLICY_ABI_VERSION) {
		unsigned int v = ops->abi_version;

		dlclose(handle);
		return rmpsim_diag_fail(diag, -EPROTO,
					"policy plugin %s: built for policy ABI version %u, this rmpsim "
					"has version %u (rebuild it against this rmpsim's headers)",
					path, v, RMPSIM_POLICY_ABI_VERSION);
	}
	if (!ops->name || !ops->setup || !ops->trigger || !ops->cleanup) {
		dlclose(handle);
		return rmpsim_diag_fail(diag, -EINVAL,
					"policy plugin %s: '%s' lacks name, setup, trigger or cleanup",
					path, RMPSIM_PLUGIN_SYMBOL);
	}

	rmpsim_kshim_infer_passes(infer);
	*ret_ops = ops;
	if (ret_handle)
		*ret_handle = handle;
	return 0;
}

void rmpsim_policy_unload_plugin(void *handle)
{
	rmpsim_kshim_infer_passes(false);
	if (handle)
		dlclose(handle);
}
