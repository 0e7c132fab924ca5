/* SPDX-License-Identifier: MIT */
/*
 * The SNP host functions of src/host/sev.c with their kernel signatures
 * (arch/x86/include/asm/sev.h in Linux). rmpsim/policy.h offers the same
 * operations to C11 code as rmpsim_host_*.
 */
#ifndef _HOST_SEV_HOST_H
#define _HOST_SEV_HOST_H

#include <linux/types.h>

int snp_prepare(void);
void snp_shutdown(void);
int rmp_make_private(u64 pfn, u64 gpa, int level, u32 asid, bool immutable);
int rmp_make_shared(u64 pfn, int level);
/* Simulator extensions (not kernel API, A100). */
int rmp_make_private_range(u64 pfn, u64 npages, u64 gpa, int level, u32 asid,
			   u64 *done);
int rmp_make_shared_range(u64 pfn, u64 npages, int level, u64 *done);
int psmash(u64 pfn);
void __snp_leak_pages(u64 pfn, unsigned int npages, bool dump_rmp);
void snp_leak_pages(u64 pfn, unsigned int npages);

#endif /* _HOST_SEV_HOST_H */
