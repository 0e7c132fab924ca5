/* SPDX-License-Identifier: MIT */
/*
 * __init/__exit are no-ops. Kernel-style files keep kernel statics; each file
 * registers a reset function with rmpsim_kernel_reset_hook() (or the
 * RMPSIM_KERNEL_RESET() initcall-like macro) so its statics are put back to
 * their boot values before every simulated boot (contracts.md, last section).
 */
#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H

#include <rmpsim/kshim.h>

#define __init
#define __exit
#define __initdata
#define __initconst
#define __refdata

#endif
