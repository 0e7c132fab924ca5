/* SPDX-License-Identifier: MIT */
/*
 * array_index_nospec(index, size): index when index < size, else 0, computed
 * without a branch the CPU could speculate past (the simulation has no
 * speculation; the value is what matters).
 */
#ifndef _LINUX_NOSPEC_H
#define _LINUX_NOSPEC_H

#include <linux/types.h>

static inline unsigned long rmpsim__k_index_mask(unsigned long index, unsigned long size)
{
	/* all ones when index < size: the borrow of index - size, spread */
	return (unsigned long)(-(long)(index < size));
}

#define array_index_nospec(index, size)                                                                      \
	((__typeof__(index))((unsigned long)(index)&rmpsim__k_index_mask((unsigned long)(index),             \
									 (unsigned long)(size))))

#endif
