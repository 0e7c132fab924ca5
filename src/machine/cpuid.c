/* SPDX-License-Identifier: MIT */
/*
 * CPUID as the kernel reads it (spec 1.4, 2.3, 2.4). Values not given by the
 * spec are A49: the segment size range [2^30, 2^40], 64 cacheable segment
 * definitions (not a hard limit), C-bit 51, 4 VMPLs, 1006 SNP ASIDs.
 */
#include <rmpsim/machine.h>

#include "machine_internal.h"

#define SEG_MIN_SHIFT 30u /* A49 */
#define SEG_MAX_SHIFT 40u /* A49 */
#define SEG_CACHED    64u /* A49 */

void rmpsim_machine_cpuid(const struct rmpsim_machine *m, unsigned cpu, uint32_t leaf, uint32_t subleaf,
			  struct rmpsim_cpuid_regs *ret)
{
	if (!ret)
		return;
	*ret = (struct rmpsim_cpuid_regs){ 0 };
	if (!m)
		return;
	bool segmented = m->cfg.rmp_kind == RMPSIM_RMP_SEGMENTED;

	(void)cpu; /* every CPU of the model reports the same features */
	(void)subleaf;
	switch (leaf) {
	case 0x80000000u:
		ret->eax = 0x80000025u; /* highest extended leaf */
		ret->ebx = 0x68747541u; /* "AuthenticAMD" */
		ret->edx = 0x69746e65u;
		ret->ecx = 0x444d4163u;
		break;
	case 0x8000001Fu:
		ret->eax = RMPSIM_CPUID_8000001F_EAX_SME | RMPSIM_CPUID_8000001F_EAX_SEV |
			   RMPSIM_CPUID_8000001F_EAX_SEV_ES | RMPSIM_CPUID_8000001F_EAX_SNP;
		if (m->cfg.rmpread)
			ret->eax |= RMPSIM_CPUID_8000001F_EAX_RMPREAD; /* spec 2.4 */
		if (segmented)
			ret->eax |= RMPSIM_CPUID_8000001F_EAX_SEGMENTED; /* spec 2.3 */
		ret->ebx = 51u | (4u << 12);				 /* C-bit 51, 4 VMPLs (A49) */
		ret->ecx = 1006u;					 /* encrypted guests (A49) */
		ret->edx = 1u;						 /* minimum SEV-ES/SNP ASID */
		break;
	case 0x80000025u:
		if (segmented) {
			ret->eax = SEG_MIN_SHIFT | (SEG_MAX_SHIFT << 6); /* spec 2.3 */
			ret->ebx = SEG_CACHED;				 /* EBX[10] = 0: not a hard limit */
		}
		if (m->cfg.rmpopt)
			ret->edx = RMPSIM_CPUID_80000025_EDX_RMPOPT; /* spec 1.4 */
		break;
	default: break;
	}
}
