/* SPDX-License-Identifier: MIT */
/* The faults of struct rmpsim_insn_out: their x86 vectors and names (insn.h). */
#include <rmpsim/insn.h>

unsigned rmpsim_fault_vector(enum rmpsim_fault f)
{
	switch (f) {
	case RMPSIM_FAULT_UD: return 6;
	case RMPSIM_FAULT_GP: return 13;
	case RMPSIM_FAULT_PF: return 14;
	case RMPSIM_FAULT_VC: return 29;
	case RMPSIM_FAULT_NPF: return 0x400; /* SVM_EXIT_NPF: an exit, not a vector */
	case RMPSIM_FAULT_NONE: break;
	}
	return 0;
}

const char *rmpsim_fault_name(enum rmpsim_fault f)
{
	switch (f) {
	case RMPSIM_FAULT_UD: return "#UD";
	case RMPSIM_FAULT_GP: return "#GP";
	case RMPSIM_FAULT_PF: return "#PF";
	case RMPSIM_FAULT_VC: return "#VC";
	case RMPSIM_FAULT_NPF: return "#NPF";
	case RMPSIM_FAULT_NONE: break;
	}
	return "none";
}
