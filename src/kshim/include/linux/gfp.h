/* SPDX-License-Identifier: MIT */
/* Allocation flags. The simulation's allocator ignores them; GFP_ATOMIC is
 * accepted in atomic context, GFP_KERNEL may sleep (might_sleep is checked). */
#ifndef _LINUX_GFP_H
#define _LINUX_GFP_H

#include <linux/types.h>

#define __GFP_ZERO	   0x100u
#define __GFP_NOWARN	   0x200u
#define __GFP_ATOMIC_BIT   0x1u
#define GFP_KERNEL	   0x10u
#define GFP_KERNEL_ACCOUNT GFP_KERNEL
#define GFP_ATOMIC	   __GFP_ATOMIC_BIT
#define GFP_NOWAIT	   __GFP_ATOMIC_BIT

#endif
