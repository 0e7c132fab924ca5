/* SPDX-License-Identifier: MIT */
#include <linux/cpu.h>
