/* SPDX-License-Identifier: MIT */
#include <linux/ktime.h>
