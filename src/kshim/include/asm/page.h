/* SPDX-License-Identifier: MIT */
#ifndef _ASM_X86_PAGE_H
#define _ASM_X86_PAGE_H

#define PAGE_SHIFT   12
#define PAGE_SIZE    (1UL << PAGE_SHIFT)
#define PAGE_MASK    (~(PAGE_SIZE - 1))
#define PMD_SHIFT    21
#define PMD_SIZE     (1UL << PMD_SHIFT)
#define PMD_MASK     (~(PMD_SIZE - 1))
#define PUD_SHIFT    30
#define PUD_SIZE     (1UL << PUD_SHIFT)
#define PUD_MASK     (~(PUD_SIZE - 1))
#define PTRS_PER_PMD 512
#define PG_LEVEL_4K  1
#define PG_LEVEL_2M  2
#define PG_LEVEL_1G  3

#endif
